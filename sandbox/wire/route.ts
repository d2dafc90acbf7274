/**
 * Routes (`RouteSpec`, meshagent-api specs/service.py:499-708; reference §2.8): a domain sent to a room's port or
 * to an agent, or served from room storage. Every model forbids unknown fields; a path is stored as the model
 * writes it, without `stripPrefix` when false and without the target it does not use.
 */
import { z } from 'zod';
import { stringMap } from './common.js';

type Issue = (message: string) => void;

/** A list of strings trimmed (and upper-cased), refused when empty or holding a blank, as the CORS validators do. */
function trimmedList(options: { emptyList?: string; blankItem: string; upper?: boolean }) {
  return z.array(z.string()).transform((items, ctx) => {
    const fail: Issue = (message) => ctx.addIssue({ code: 'custom', message });
    if (options.emptyList !== undefined && items.length === 0) fail(options.emptyList);
    const trimmed = items.map((item) => (options.upper ? item.trim().toUpperCase() : item.trim()));
    if (trimmed.some((item) => item === '')) fail(options.blankItem);
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

/** `RouteContentSpec` (service.py:581-598): a subpath of room storage, trimmed of spaces and slashes. */
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

/** `RoutePathSpec` (service.py:601-646), written back as its serializer writes it. */
const RoutePathSpec = z
  .strictObject({
    path: z
      .string()
      .default('/')
      .refine((path) => path.startsWith('/'), { message: 'RouteSpec paths must start with /' }),
    pathType: z.enum(['prefix', 'exact']).default('prefix'),
    stripPrefix: z.boolean().default(false),
    targetPort: z
      .union([z.string(), z.number().int()])
      .refine((port) => typeof port !== 'string' || port.trim() !== '', { message: 'RouteSpec targetPort must not be empty' })
      .nullish(),
    targetContent: RouteContentSpec.nullish(),
  })
  .superRefine((path, ctx) => {
    const hasPort = path.targetPort !== undefined && path.targetPort !== null;
    const hasContent = path.targetContent !== undefined && path.targetContent !== null;
    if (hasPort === hasContent) ctx.addIssue({ code: 'custom', message: 'RouteSpec paths require exactly one of targetPort or targetContent' });
    else if (hasContent && path.stripPrefix) {
      ctx.addIssue({ code: 'custom', message: 'RouteSpec content paths do not support stripPrefix; the route path is always removed' });
    }
  })
  .transform(({ stripPrefix, targetPort, targetContent, ...rest }) => ({
    ...rest,
    ...(stripPrefix ? { stripPrefix } : {}),
    ...(targetPort !== undefined && targetPort !== null ? { targetPort } : {}),
    ...(targetContent !== undefined && targetContent !== null ? { targetContent } : {}),
  }));

const BackendName = z.strictObject({ name: z.string() });

const isObject = (value: unknown): value is Record<string, unknown> => value !== null && typeof value === 'object' && !Array.isArray(value);

/**
 * `RouteSpec.migrate_legacy_route` (service.py:659-679): a route written before RouteSpec, `{domain, room_name,
 * port, annotations}` (no `backend`, a `room_name`), is read as the spec it stands for: one `/` prefix path to its
 * port. Anything else is left for the model to judge.
 */
function migrateLegacyRoute(value: unknown): unknown {
  if (!isObject(value) || 'backend' in value || !('room_name' in value)) return value;
  const domain = value.domain;
  return {
    version: 'v1',
    kind: 'Route',
    metadata: { name: typeof domain === 'string' ? domain : '', annotations: value.annotations || {} },
    domain,
    backend: { room: { name: value.room_name } },
    paths: [{ path: '/', pathType: 'prefix', targetPort: value.port }],
  };
}

export const RouteSpec = z.preprocess(
  migrateLegacyRoute,
  z
    .strictObject({
      version: z.literal('v1').default('v1'),
      kind: z.literal('Route').default('Route'),
      metadata: z.strictObject({ name: z.string(), annotations: stringMap.default({}) }),
      domain: z.string(),
      backend: z
        .strictObject({ room: BackendName.nullish(), agent: BackendName.nullish() })
        .refine((backend) => Boolean(backend.room) !== Boolean(backend.agent), { message: 'RouteSpec backend requires exactly one of room or agent' }),
      paths: z.array(RoutePathSpec).default([]),
    })
    .superRefine((route, ctx) => {
      if (route.backend.room && route.paths.length === 0)
        ctx.addIssue({ code: 'custom', message: 'RouteSpec room backend requires at least one path', path: ['paths'] });
      if (route.backend.agent && route.paths.length > 0)
        ctx.addIssue({ code: 'custom', message: 'RouteSpec agent backend does not support paths', path: ['paths'] });
    }),
);
export type RouteSpec = z.output<typeof RouteSpec>;

/**
 * The body of POST …/routes and PUT …/routes/{domain} (`_CreateRouteRequest`, `_UpdateRouteRequest`, client.py:
 * 672-691): `{spec}`, other fields dropped. A body without `spec` is the older request form, the spec itself (flat
 * legacy or not), which those models still take (`migrate_legacy_request`).
 */
export const RouteBody = z.preprocess((body) => (isObject(body) && !('spec' in body) ? { spec: body } : body), z.object({ spec: RouteSpec }));
