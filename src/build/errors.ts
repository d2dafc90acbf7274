/** The errors every builder shares: the builder is missing, or the build failed (with the end of its log). */
import { ShipError } from '../errors.js';
import type { CommandResult } from './process.js';
import type { BuilderName } from './types.js';

const INSTALL: Record<BuilderName, string> = {
  buildah: 'install buildah (apt-get install buildah)',
  docker: 'install Docker and start its daemon (or set DOCKER_HOST)',
};
const OTHER: Record<BuilderName, BuilderName> = { buildah: 'docker', docker: 'buildah' };

export function builderMissing(name: BuilderName, why: string): ShipError {
  return new ShipError(`builder ${name} cannot run here: ${why}`, {
    input: 'builder',
    hint: `${INSTALL[name]}, or choose builder: ${OTHER[name]}, or builder: none with the image input`,
  });
}

/** The CLI's `Image build failed: exit code N`, with the last lines of the log so the cause is in the error. */
export function buildFailed(name: BuilderName, step: string, result: CommandResult): ShipError {
  const status = result.signal ? `killed by ${result.signal}` : `exit code ${result.code}`;
  const tail = result.tail.filter((line) => line.trim() !== '');
  const last = tail.length > 0 ? `\nlast lines of the ${name} output:\n${tail.map((line) => `  ${line}`).join('\n')}` : '';
  return new ShipError(`Image build failed: ${status} (${name} ${step})${last}`, {
    hint: 'fix the failing step in the Dockerfile or the context; the whole build log is in the build log group',
  });
}
