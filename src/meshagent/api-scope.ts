/**
 * The ApiScope of a participant token, as the MeshAgent CLI sends it for `meshagent-token`: a named preset, or an
 * ApiScope object read as the CLI's pydantic model reads it (defaults filled, unknown fields dropped).
 */
import { z } from 'zod';
import { ShipError } from '../errors.js';
import type { TokenScopeOption } from './service-options.js';

/**
 * The ApiScope the CLI sends for each `meshagent-token` preset: `ApiScope.agent_default()`, `user_default()` and
 * `full()` (meshagent-api participant_token.py:733-809) serialised as pydantic dumps them, every field present and
 * unset ones null (the create body then drops the nulls, as `exclude_none` does). Note: `user_default` has no `llm`
 * grant, and no preset grants `secrets`.
 */
const GRANT_DEFAULTS: Readonly<Record<string, Readonly<Record<string, unknown>>>> = {
  livekit: { breakout_rooms: null },
  queues: { send: null, receive: null, list: true },
  messaging: { broadcast: true, list: true, send: true },
  dataset: { tables: null, list_tables: true },
  sqlite: { databases: null, create_database: true, list_databases: true },
  memory: { list: true, memories: null },
  sync: { paths: null },
  storage: { paths: null },
  containers: { logs: true, pull: null, run: null, registry: null, use_containers: true },
  developer: { logs: true },
  agents: {
    register_agent: true,
    register_public_toolkit: true,
    register_private_toolkit: true,
    call: true,
    use_agents: true,
    use_tools: true,
    allowed_toolkits: null,
  },
  llm: { models: null },
  admin: { config: true },
  secrets: {},
  tunnels: { ports: null },
  services: { list: true },
};
/** ApiScope's fields in declaration order. */
const SCOPE_FIELDS = Object.keys(GRANT_DEFAULTS);
const BASE_GRANTS = ['livekit', 'queues', 'messaging', 'dataset', 'sqlite', 'memory', 'sync', 'storage', 'containers', 'developer', 'agents'];
const SCOPE_PRESETS: Record<'agentDefault' | 'userDefault' | 'full', readonly string[]> = {
  agentDefault: [...BASE_GRANTS, 'llm', 'services'],
  userDefault: [...BASE_GRANTS, 'services'],
  full: [...BASE_GRANTS, 'llm', 'admin', 'tunnels', 'services'],
};

/** A required field of a grant entry (no default). */
const REQUIRED = Symbol('required');
/** A list of entries of this shape, or null. */
interface ListOf {
  readonly listOf: Shape;
}
/** A nested object of this shape, or null unless the default says otherwise. */
interface ObjectOf {
  readonly objectOf: Shape;
  readonly fill?: boolean;
}
type Shape = Readonly<Record<string, unknown>>;

const PATH_GRANT: Shape = { path: REQUIRED, read_only: false };
const TABLE_GRANT: Shape = { name: REQUIRED, namespace: null, write: false, read: true, alter: false };
const SQLITE_TABLE_GRANT: Shape = { database: REQUIRED, table: REQUIRED, namespace: null, write: false, read: true, alter: false };
const MEMORY_PERMISSIONS: Shape = { create: true, drop: true, inspect: true, query: true, upsert: true, ingest: true, recall: true, optimize: true };
/** Nested entries of the grants, with their defaults (participant_token.py). */
const GRANT_NESTED: Readonly<Record<string, Readonly<Record<string, ListOf | ObjectOf>>>> = {
  dataset: { tables: { listOf: TABLE_GRANT } },
  sqlite: {
    databases: {
      listOf: {
        name: REQUIRED,
        namespace: null,
        create_table: true,
        drop: false,
        inspect: true,
        list_tables: true,
        execute: true,
        tables: { listOf: SQLITE_TABLE_GRANT } satisfies ListOf,
      },
    },
  },
  memory: { memories: { listOf: { name: REQUIRED, namespace: null, permissions: { objectOf: MEMORY_PERMISSIONS, fill: true } satisfies ObjectOf } } },
  sync: { paths: { listOf: PATH_GRANT } },
  storage: { paths: { listOf: PATH_GRANT } },
  containers: { registry: { objectOf: { list: null, pull: null, run: null, write: null } } },
};

const isRecord = (value: unknown): value is Record<string, unknown> => value !== null && typeof value === 'object' && !Array.isArray(value);
const isListOf = (value: unknown): value is ListOf => isRecord(value) && 'listOf' in value;
const isObjectOf = (value: unknown): value is ObjectOf => isRecord(value) && 'objectOf' in value;

/**
 * One object read as pydantic reads it into a model with these fields: defaults filled, unknown fields dropped (or
 * refused when `forbid`), a missing required field refused. Returns undefined when it does not validate.
 */
function fillShape(shape: Shape, value: unknown, forbid = false): Record<string, unknown> | undefined {
  if (!isRecord(value)) return undefined;
  if (forbid && Object.keys(value).some((key) => !(key in shape))) return undefined;
  const result: Record<string, unknown> = {};
  for (const [field, spec] of Object.entries(shape)) {
    const given = value[field];
    if (spec === REQUIRED) {
      if (given === undefined) return undefined;
      result[field] = given;
    } else if (isListOf(spec)) {
      if (given === undefined || given === null) result[field] = null;
      else if (!Array.isArray(given)) return undefined;
      else {
        const items = given.map((item) => fillShape(spec.listOf, item));
        if (items.some((item) => item === undefined)) return undefined;
        result[field] = items;
      }
    } else if (isObjectOf(spec)) {
      const filled = given === undefined ? (spec.fill ? fillShape(spec.objectOf, {}) : null) : given === null ? null : fillShape(spec.objectOf, given);
      if (filled === undefined) return undefined;
      result[field] = filled;
    } else {
      result[field] = given === undefined ? spec : given;
    }
  }
  return result;
}

/**
 * A JSON ApiScope as the CLI's `ApiScope.model_validate_json` reads it and sends it back: every field present
 * (unset ones null), each grant with its defaults filled, `database`/`datasets` read as `dataset`, unknown fields
 * dropped (`secrets` forbids them). Undefined when the CLI would refuse it.
 */
function normalizeApiScope(value: Readonly<Record<string, unknown>>): Record<string, unknown> | undefined {
  const given: Record<string, unknown> = { ...value };
  // AliasChoices("dataset", "database", "datasets"): the first of these present is the one read.
  given.dataset = ['dataset', 'database', 'datasets'].map((key) => value[key]).find((v) => v !== undefined);
  const scope: Record<string, unknown> = {};
  for (const field of SCOPE_FIELDS) {
    const grant = given[field];
    if (grant === undefined || grant === null) {
      scope[field] = null;
      continue;
    }
    const filled = fillShape({ ...GRANT_DEFAULTS[field], ...GRANT_NESTED[field] }, grant, field === 'secrets');
    if (filled === undefined) return undefined;
    scope[field] = filled;
  }
  return scope;
}

/**
 * An ApiScope inside a service spec (a token env var's, an endpoint's), read as its model reads it and written back
 * whole, as the SDK dumps it; refused where the model refuses it.
 */
export const apiScope = z.record(z.string(), z.unknown()).transform((value, ctx) => {
  const scope = normalizeApiScope(value);
  if (scope === undefined) ctx.addIssue({ code: 'custom', message: 'not a valid ApiScope' });
  return scope ?? value;
});

/** An ApiScope object for `meshagent-token`, exactly as the CLI sends it. */
export function tokenScope(input: TokenScopeOption): Record<string, unknown> {
  if ('scope' in input) {
    const scope = normalizeApiScope(input.scope);
    if (scope === undefined) {
      throw new ShipError('meshagent-token must be one of userDefault, agentDefault, full, or a JSON ApiScope object', {
        input: 'meshagent-token',
        hint: 'the JSON must be an ApiScope: grant names such as "storage" or "queues" mapping to objects',
      });
    }
    return scope;
  }
  const grants = SCOPE_PRESETS[input.preset];
  return Object.fromEntries(SCOPE_FIELDS.map((field) => [field, grants.includes(field) ? structuredClone(GRANT_DEFAULTS[field]) : null]));
}
