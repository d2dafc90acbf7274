/**
 * How build secrets reach a builder: by a variable of the builder's own environment, or by a file path; the value
 * is never on a command line. Both buildah and BuildKit read `RUN --mount=type=secret,id=...` from these.
 */
import type { BuildSecret } from './types.js';

/** buildah's `--secret` value (BuildKit's differs only in spelling: see buildxSecretFlag). */
export function secretFlag(secret: BuildSecret): string {
  return 'env' in secret ? `id=${secret.id},src=${secret.env},type=env` : `id=${secret.id},src=${secret.file},type=file`;
}

/** `docker buildx build --secret`'s value. */
export function buildxSecretFlag(secret: BuildSecret): string {
  return 'env' in secret ? `id=${secret.id},env=${secret.env}` : `id=${secret.id},src=${secret.file}`;
}

/** The variables the builder's process needs for env secrets. */
export function secretEnv(secrets: readonly BuildSecret[] | undefined): NodeJS.ProcessEnv {
  const env: NodeJS.ProcessEnv = {};
  for (const secret of secrets ?? []) if ('env' in secret) env[secret.env] = secret.value;
  return env;
}
