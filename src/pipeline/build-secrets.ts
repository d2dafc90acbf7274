/**
 * The build-secrets input made ready for a builder: each value read (from the environment, or a file), masked
 * before anything can print it (the whole value and each of its lines, as GitHub masks line by line), and handed
 * on by variable name or file path only.
 */
import { readFile } from 'node:fs/promises';
import { resolve } from 'node:path';
import type { BuildSecret, BuildSecretSource } from '../build/types.js';
import { ShipError } from '../errors.js';

type Env = Readonly<Record<string, string | undefined>>;

export async function readBuildSecrets(sources: readonly BuildSecretSource[], env: Env, mask: (secret: string) => void): Promise<BuildSecret[]> {
  const secrets: BuildSecret[] = [];
  for (const source of sources) {
    if (source.from === 'env') {
      const value = env[source.name];
      if (value === undefined || value === '') {
        throw new ShipError(`build-secrets: ${source.id}=env:${source.name}, but ${source.name} is not set or empty`, {
          input: 'build-secrets',
          hint: `set ${source.name} in the step's env, e.g. env: { ${source.name}: \${{ secrets.${source.name} }} }`,
        });
      }
      maskAll(value, mask);
      secrets.push({ id: source.id, env: source.name, value });
    } else {
      const file = resolve(source.name);
      const value = await readFile(file, 'utf8').catch((error: NodeJS.ErrnoException) => {
        throw new ShipError(`build-secrets: ${source.id}=file:${source.name} cannot be read (${error.code ?? error.message})`, {
          input: 'build-secrets',
          hint: 'give the path of a readable file, relative to the working directory or absolute',
        });
      });
      maskAll(value, mask);
      secrets.push({ id: source.id, file });
    }
  }
  return secrets;
}

/** The value, trimmed, and each line of it long enough not to mask ordinary words. */
function maskAll(value: string, mask: (secret: string) => void): void {
  const trimmed = value.trim();
  if (trimmed !== '') mask(trimmed);
  for (const line of trimmed.split(/\r?\n/)) if (line.trim().length >= 4 && line.trim() !== trimmed) mask(line.trim());
}
