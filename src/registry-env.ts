/**
 * What this tool reads from the environment about registries other than the MeshAgent project registry (whose
 * credentials come from MeshAgent): credentials (MESHAGENT_SHIP_REGISTRY_USER / MESHAGENT_SHIP_REGISTRY_PASSWORD,
 * else the Docker config's `auths`, as `docker login` writes them), hosts reached over plain HTTP
 * (MESHAGENT_SHIP_INSECURE_REGISTRIES), and what to tell a user whose credentials a registry refuses. The registry
 * client (oci/) takes all of these as options.
 */
import { credentialsFromDockerConfig, dockerConfigPath, type RegistryCredentials } from './oci/index.js';

type Env = Readonly<Record<string, string | undefined>>;

/** The environment's credentials for `registry` first, then the Docker config's. */
export function findCredentials(registry: string, env: Env = process.env): RegistryCredentials | undefined {
  const username = env.MESHAGENT_SHIP_REGISTRY_USER;
  const password = env.MESHAGENT_SHIP_REGISTRY_PASSWORD;
  if (username && password) return { username, password };
  return credentialsFromDockerConfig(registry, dockerConfigPath(env));
}

/** Hosts reached over plain HTTP although not loopback: MESHAGENT_SHIP_INSECURE_REGISTRIES, comma-separated. */
export function insecureRegistries(env: Env): string[] {
  return (env.MESHAGENT_SHIP_INSECURE_REGISTRIES ?? '')
    .split(',')
    .map((s) => s.trim())
    .filter(Boolean);
}

/** How this tool introduces itself to a registry, and what it tells a user whose credentials the registry refuses. */
export function registryClientIdentity(registry: string): { readonly clientId: string; readonly credentialsHint: string } {
  return {
    clientId: 'meshagent-ship',
    credentialsHint:
      `check the credentials for ${registry}: for the MeshAgent project registry, user meshagent with a ` +
      'current repository token for this repository; for other registries, `docker login` (~/.docker/config.json or DOCKER_CONFIG) ' +
      'or MESHAGENT_SHIP_REGISTRY_USER/MESHAGENT_SHIP_REGISTRY_PASSWORD',
  };
}
