/**
 * docker-archive (`docker save`) -> OCI image layout. INTERIM: this converts with `skopeo copy` until the
 * docker-archive reader in src/oci/archive.ts lands; then this one function is replaced by a call to it and the
 * skopeo dependency goes away. The DockerBuilder takes the converter as an option, so the swap touches only here.
 */
import { ShipError } from '../errors.js';
import { builderEnv, CommandMissing, runCommand } from './process.js';

export type ArchiveToLayout = (archive: string, layoutDir: string, ref: string, log: (line: string) => void) => Promise<void>;

export const dockerArchiveToLayoutWithSkopeo: ArchiveToLayout = async (archive, layoutDir, ref, log) => {
  let result;
  try {
    result = await runCommand('skopeo', ['copy', '--quiet', `docker-archive:${archive}`, `oci:${layoutDir}:${ref}`], { env: builderEnv(), log });
  } catch (error) {
    if (error instanceof CommandMissing) {
      throw new ShipError('converting the docker save archive needs skopeo, which is not installed', { hint: 'install skopeo (apt-get install skopeo), or choose builder: buildah' });
    }
    throw error;
  }
  if (result.code !== 0) {
    throw new ShipError(`converting the docker save archive to an OCI layout failed: exit code ${result.code}\n${result.tail.join('\n')}`, {
      hint: 'the archive docker save wrote could not be read; rerun, or choose builder: buildah',
    });
  }
};
