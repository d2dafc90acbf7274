/**
 * Routes (meshagent-api specs/service.py RouteSpec, 499-708; client.py Route, 694-720): a domain sent to a room's
 * port or to an agent, or served from room storage. Every model forbids unknown fields. Parsing gives the route as
 * the SDK serialises it: defaults filled, and each path without `stripPrefix` when false and without the target it
 * does not use (RoutePathSpec's serializer).
 *
 * Routes stored before RouteSpec existed are answered in their flat form, `{domain, room_name, port, annotations}`;
 * both SDKs still read it (`migrate_legacy_route`), and so does this client.
 */
import { z } from 'zod';
import { optional, stringMap } from './wire-model.js';

/** A list of strings trimmed (and upper-cased), refused when empty or holding a blank, as the CORS validators do. */
function trimmedList(options: { emptyList?: string; blankItem: string; upper?: boolean }) {
  return z.array(z.string()).transform((items, ctx) => {
    if (options.emptyList !== undefined && items.length === 0) ctx.addIssue({ code: 'custom', message: options.emptyList });
    const trimmed = items.map((item) => (options.upper ? item.trim().toUpperCase() : item.trim()));
    if (trimmed.some((item) => item === '')) ctx.addIssue({ code: 'custom', message: options.blankItem });
    return trimmed;
  });
}

/** `RouteCorsRule` (service.py:532-578). */
const RouteCorsRule = z
  .strictObject({
    allowedOrigins: trimmedList({ emptyList: 'RouteSpec CORS allowedOrigins must not be empty', blankItem: 'RouteSpec CORS origins must not be empty' }),
    allowedMethods: trimmedList({
      emptyList: 'RouteSpec CORS allowedMethods must not be empty',
      blankItem: 'RouteSpec CORS methods must not be empty',
      upper: true,
    }).default(['GET', 'HEAD']),
    allowedHeaders: trimmedList({ blankItem: 'RouteSpec CORS headers must not be empty' }).default([]),
    exposeHeaders: trimmedList({ blankItem: 'RouteSpec CORS headers must not be empty' }).default([]),
    maxAgeSeconds: z.number().int().nonnegative().default(3600),
    allowCredentials: z.boolean().default(false),
  })
  .refine((rule) => !(rule.allowCredentials && rule.allowedOrigins.includes('*')), {
    message: 'RouteSpec CORS allowCredentials cannot be used with wildcard origins',
  });

/** `RouteContentSpec` (service.py:581-598): a subpath of room storage, stripped of spaces and slashes. */
const RouteContentSpec = z.strictObject({
  subpath: z
    .string()
    .default('')
    .transform((subpath) => subpath.trim().replace(/^\/+|\/+$/g, ''))
    .refine((subpath) => !subpath.split('/').some((part) => part === '.' || part === '..'), {
      message: 'RouteSpec content subpath cannot contain dot segments',
    }),
  cors: z.array(RouteCorsRule).default([]),
  index: z.boolean().default(false),
  iap: z.boolean().default(false),
  compression: z.enum(['brotli', 'gzip', 'none']).default('brotli'),
});

const RoutePath = z
  .strictObject({
    path: z
      .string()
      .default('/')
      .refine((p) => p.startsWith('/'), { message: 'RouteSpec paths must start with /' }),
    pathType: z.enum(['prefix', 'exact']).default('prefix'),
    stripPrefix: z.boolean().default(false),
    targetPort: optional(
      z.union([z.string(), z.number().int()]).refine((p) => typeof p !== 'string' || p.trim() !== '', { message: 'RouteSpec targetPort must not be empty' }),
    ),
    targetContent: optional(RouteContentSpec),
  })
  .superRefine((p, ctx) => {
    if ((p.targetPort === null) === (p.targetContent === null)) {
      ctx.addIssue({ code: 'custom', message: 'RouteSpec paths require exactly one of targetPort or targetContent' });
    } else if (p.targetContent !== null && p.stripPrefix) {
      ctx.addIssue({ code: 'custom', message: 'RouteSpec content paths do not support stripPrefix; the route path is always removed' });
    }
  })
  .transform(({ stripPrefix, targetPort, targetContent, ...rest }) => ({
    ...rest,
    ...(stripPrefix ? { stripPrefix } : {}),
    ...(targetPort !== null ? { targetPort } : {}),
    ...(targetContent !== null ? { targetContent } : {}),
  }));

const isRecord = (value: unknown): value is Record<string, unknown> => value !== null && typeof value === 'object' && !Array.isArray(value);

/** A flat legacy route as RouteSpec (`migrate_legacy_route`): one `/` path to its port; anything else as it is. */
function migrateLegacyRoute(value: unknown): unknown {
  if (!isRecord(value) || 'backend' in value || !('room_name' in value)) return value;
  const { domain, room_name: roomName, port } = value;
  const annotations = isRecord(value.annotations) ? value.annotations : {};
  return {
    version: 'v1',
    kind: 'Route',
    // Python's str(domain or "").
    metadata: { name: typeof domain === 'string' ? domain : '', annotations },
    domain,
    backend: { room: { name: roomName } },
    paths: [{ path: '/', pathType: 'prefix', targetPort: port }],
  };
}

const BackendName = z.strictObject({ name: z.string() });

const RouteSpecModel = z
  .strictObject({
    version: z.literal('v1').default('v1'),
    kind: z.literal('Route').default('Route'),
    metadata: z.strictObject({ name: z.string(), annotations: stringMap.default({}) }),
    domain: z.string(),
    backend: z
      .strictObject({ room: optional(BackendName), agent: optional(BackendName) })
      .refine((b) => (b.room === null) !== (b.agent === null), { message: 'RouteSpec backend requires exactly one of room or agent' }),
    paths: z.array(RoutePath).default([]),
  })
  .refine((r) => r.backend.room === null || r.paths.length > 0, { message: 'RouteSpec room backend requires at least one path' })
  .refine((r) => r.backend.agent === null || r.paths.length === 0, { message: 'RouteSpec agent backend does not support paths' });

/** A route spec; a flat legacy route is read as the spec it stands for. */
export const RouteSpec = z.preprocess(migrateLegacyRoute, RouteSpecModel);
/** A route as the SDK writes it: every default filled. */
export type RouteSpec = z.output<typeof RouteSpec>;
/** A route spec as code builds it: a field the model defaults may be left out. */
export type RouteSpecInput = z.input<typeof RouteSpecModel>;

/** A route (`Route`): `{domain, spec}`, or a bare spec (flat legacy or not), read as `{domain: spec.domain, spec}`. */
const bareSpecAsRoute = (value: unknown): unknown => (isRecord(value) && !('spec' in value) ? { domain: value.domain, spec: value } : value);

const RouteRecord = z.preprocess(bareSpecAsRoute, z.object({ domain: z.string(), spec: RouteSpec }));
export type RouteRecord = z.output<typeof RouteRecord>;

/** `GET …/routes/{domain}`: `{route}`. */
export const RouteAnswer = z.object({ route: RouteRecord });

/**
 * A room's routes (`GET …/rooms/{room}/routes`), read leniently: only what finds a service's domain, the domain and
 * the annotations of the route's metadata (where a legacy route's own annotations go).
 */
export const RoomRouteList = z.object({
  routes: z.array(
    z.preprocess(
      (value) => {
        const route = bareSpecAsRoute(value);
        return isRecord(route) ? { ...route, spec: migrateLegacyRoute(route.spec) } : route;
      },
      z.looseObject({
        domain: z.string(),
        spec: z.looseObject({ metadata: z.looseObject({ annotations: stringMap.nullish() }).nullish() }).nullish(),
      }),
    ),
  ),
  total: z.number().nullish(),
});
export type RoomRouteList = z.infer<typeof RoomRouteList>;
