/**
 * The resolve stage: where the image goes and what the service is called. Asks MeshAgent for the registry host
 * (`GET /config`) and the project key, then applies the CLI's normalisation and project-registry checks to the tag.
 */
import type { ShipConfig } from '../inputs.js';
import type { MeshagentClient } from '../meshagent/client.js';
import {
  checkProjectKey,
  deriveServiceName,
  formatImageTag,
  normalizeProjectTag,
  pagesDomainFromConfig,
  projectRegistryFromConfig,
  type ImageTag,
} from '../reference.js';

export interface Target {
  /** The project registry host, e.g. `registry.example.com` or `127.0.0.1:5000`. */
  readonly registry: string;
  readonly projectKey: string;
  /** The repository name as the MeshAgent API knows it: the part after the project key. */
  readonly repositoryName: string;
  /** The normalised tag, `<registry>/<project-key>/<repository>:<tag>`. */
  readonly tag: ImageTag;
  /** `tag` as text. */
  readonly image: string;
  /** `<project-key>/<repository>`: the repository path in the registry. */
  readonly registryRepository: string;
  readonly serviceName: string;
  /** The domain default service URLs are made under. */
  readonly pagesDomain: string;
}

export async function resolveTarget(config: ShipConfig, client: MeshagentClient): Promise<Target> {
  const deployment = await client.getConfig();
  const registry = projectRegistryFromConfig(deployment.domains, config.meshagent.apiUrl);
  const project = await client.getProject();
  const projectKey = project.project_key ?? '';
  const tag = normalizeProjectTag(config.image.tag, registry, projectKey);
  const { repositoryName } = checkProjectKey(tag, registry, project.project_key);
  return {
    registry,
    projectKey,
    repositoryName,
    tag,
    image: formatImageTag(tag),
    registryRepository: tag.repository,
    serviceName: config.service.name ?? deriveServiceName(tag),
    pagesDomain: pagesDomainFromConfig(deployment.domains),
  };
}
