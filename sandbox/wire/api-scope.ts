/**
 * ApiScope, the participant token permissions a service's token env vars and endpoints carry (meshagent-api
 * participant_token.py:733-752). The model ignores unknown fields, so they are dropped, not refused; `dataset` may
 * also arrive as `database` or `datasets`. Each grant is an object or null; what is inside a grant is kept as sent
 * and not checked, except `secrets`, whose model has no fields and forbids extras, so it can only be `{}`.
 */
import { z } from 'zod';

/** A grant's content is kept as it came. */
const grant = z.looseObject({}).nullish();

const DATASET_ALIASES = ['dataset', 'database', 'datasets'] as const;

/** `AliasChoices("dataset", "database", "datasets")`: the first of these present is the one read. */
function readDatasetAlias(value: unknown): unknown {
  if (value === null || typeof value !== 'object' || Array.isArray(value)) return value;
  const given = value as Record<string, unknown>;
  const alias = DATASET_ALIASES.find((key) => given[key] !== undefined);
  if (alias === undefined || alias === 'dataset') return value;
  const { [alias]: dataset, ...rest } = given;
  return { ...rest, dataset };
}

export const ApiScope = z.preprocess(
  readDatasetAlias,
  z.object({
    livekit: grant,
    queues: grant,
    messaging: grant,
    dataset: grant,
    sqlite: grant,
    memory: grant,
    sync: grant,
    storage: grant,
    containers: grant,
    developer: grant,
    agents: grant,
    llm: grant,
    admin: grant,
    secrets: z.strictObject({}).nullish(),
    tunnels: grant,
    services: grant,
  }),
);
