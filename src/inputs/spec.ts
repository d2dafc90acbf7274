/**
 * The action's inputs and outputs, by name: the table action.yml, the CLI flags and the README are checked against.
 * Only names, kinds, defaults and environment fallbacks live here; parsing lives in inputs.ts.
 */

type InputGroup = 'MeshAgent' | 'Image' | 'Service' | 'Behaviour';
/** string: one value; list: newline-separated values; boolean: true or false. */
export type InputKind = 'string' | 'list' | 'boolean';

export interface InputSpec {
  readonly name: string;
  readonly group: InputGroup;
  readonly kind: InputKind;
  /** One line for the CLI's --help; action.yml carries the long description. */
  readonly summary: string;
  /** The default when the input is empty (also declared in action.yml). */
  readonly default?: string;
  /** An environment variable read when the input is empty (such inputs declare no default in action.yml). */
  readonly env?: string;
  /** Required in action.yml (it may still be satisfied by `env`). */
  readonly required?: boolean;
  /** Never accepted as a command-line flag: it would show in the process list. */
  readonly secret?: boolean;
  /** A string input that also takes true and false: `--name` alone is true, `--no-name` false (e.g. --no-wait). */
  readonly switch?: boolean;
}

export const INPUTS = [
  // MeshAgent
  {
    name: 'api-key',
    group: 'MeshAgent',
    kind: 'string',
    secret: true,
    env: 'MESHAGENT_API_KEY',
    summary: 'MeshAgent API key (ma-...); from MESHAGENT_API_KEY; a dry run plans offline without it',
  },
  { name: 'api-url', group: 'MeshAgent', kind: 'string', env: 'MESHAGENT_API_URL', summary: 'MeshAgent API base URL (default https://api.meshagent.com)' },
  { name: 'project-id', group: 'MeshAgent', kind: 'string', env: 'MESHAGENT_PROJECT_ID', summary: 'project id (default: decoded from the API key)' },
  {
    name: 'room',
    group: 'MeshAgent',
    kind: 'string',
    env: 'MESHAGENT_ROOM',
    summary: 'room(s) to deploy the service to, comma-separated (required with deploy)',
  },
  // Image
  { name: 'tag', group: 'Image', kind: 'string', required: true, summary: '<registry>/<project-key>/<repository>:<tag>, or <repository>:<tag>' },
  { name: 'context', group: 'Image', kind: 'string', default: '.', summary: 'build context directory' },
  { name: 'file', group: 'Image', kind: 'string', summary: 'Dockerfile path relative to the context (default Containerfile, then Dockerfile)' },
  { name: 'build-args', group: 'Image', kind: 'list', summary: 'build arguments, KEY=VALUE' },
  { name: 'target', group: 'Image', kind: 'string', summary: 'build stage to build' },
  { name: 'platforms', group: 'Image', kind: 'list', summary: 'target platforms, os/arch[/variant] (newline- or comma-separated)' },
  { name: 'builder', group: 'Image', kind: 'string', default: 'auto', summary: 'auto, docker, buildah, or none (ship the image input)' },
  {
    name: 'image',
    group: 'Image',
    kind: 'string',
    summary: 'ship an existing image: oci:DIR[:REF], oci-archive:FILE[:REF], docker-archive:FILE, or a registry reference',
  },
  { name: 'estargz', group: 'Image', kind: 'boolean', default: 'true', summary: 'convert every layer to eStargz' },
  { name: 'prefetch', group: 'Image', kind: 'list', summary: 'paths or globs to prefetch at start, in order; auto records them by running the image' },
  {
    name: 'prefetch-auto-timeout',
    group: 'Image',
    kind: 'string',
    default: '10',
    summary: 'with prefetch: auto, how long the image may run before its port answers, in seconds (1-300)',
  },
  { name: 'compression-level', group: 'Image', kind: 'string', default: '6', summary: 'gzip level 0-9 for eStargz layers' },
  { name: 'push', group: 'Image', kind: 'boolean', default: 'true', summary: 'push the image to the project registry' },
  { name: 'cache', group: 'Image', kind: 'boolean', default: 'true', summary: 'keep the build cache between runs' },
  { name: 'cache-to', group: 'Image', kind: 'string', default: 'auto', summary: 'where the build cache is kept: auto, local, gha, or registry' },
  { name: 'cache-dir', group: 'Image', kind: 'string', summary: 'directory of the local build cache (default ~/.cache/meshagent-ship/build)' },
  { name: 'build-secrets', group: 'Image', kind: 'list', summary: 'build secrets, id=env:NAME or id=file:PATH (RUN --mount=type=secret,id=...)' },
  { name: 'labels', group: 'Image', kind: 'list', summary: 'image labels, KEY=VALUE, besides the org.opencontainers.image.* ones' },
  { name: 'sbom', group: 'Image', kind: 'boolean', default: 'false', summary: 'attach an SPDX SBOM of the image files as an OCI referrer' },
  // Service
  { name: 'deploy', group: 'Service', kind: 'boolean', default: 'true', summary: 'deploy the pushed image as a room service' },
  { name: 'service-name', group: 'Service', kind: 'string', summary: 'service name (default: the repository path with / as -)' },
  {
    name: 'scope',
    group: 'Service',
    kind: 'string',
    default: 'room',
    summary: 'room (a service of the room) or project (a project service, in every room from its next session)',
  },
  {
    name: 'create-room',
    group: 'Service',
    kind: 'boolean',
    default: 'false',
    summary: 'create the room when it does not exist, marked so teardown may remove it; ephemeral: an ephemeral room',
  },
  { name: 'env', group: 'Service', kind: 'list', summary: 'environment variables, KEY=VALUE (replaces the service env)' },
  { name: 'env-secrets', group: 'Service', kind: 'list', summary: 'secret environment variables, NAME=SECRET_ID (needs run-as)' },
  { name: 'run-as', group: 'Service', kind: 'string', summary: 'service account email the container runs as' },
  { name: 'meshagent-token', group: 'Service', kind: 'string', summary: 'inject MeshAgent tokens: userDefault, agentDefault, full, or ApiScope JSON' },
  { name: 'identity', group: 'Service', kind: 'string', summary: 'token identity (default: the service name)' },
  { name: 'room-mounts', group: 'Service', kind: 'list', summary: 'room storage mounts, <source>:<mount>[:ro|rw]' },
  { name: 'image-mounts', group: 'Service', kind: 'list', summary: 'image mounts, <image>=<mount>[:ro|rw]' },
  { name: 'empty-dir-mounts', group: 'Service', kind: 'list', summary: 'empty directory mounts, <mount>[:ro|rw]' },
  { name: 'ports', group: 'Service', kind: 'list', summary: 'service ports, PORT[/http|tcp] (default: the image EXPOSE ports)' },
  { name: 'liveness', group: 'Service', kind: 'string', summary: 'liveness path of http ports, starting with /' },
  { name: 'public', group: 'Service', kind: 'boolean', default: 'false', summary: 'published ports need no participant token' },
  { name: 'domain', group: 'Service', kind: 'string', summary: 'domain to route to the service; the service URL is https://<domain>' },
  { name: 'extra-ports', group: 'Service', kind: 'list', summary: 'more paths on the domain, TARGET:/path (TARGET: PORT, SERVICE or SERVICE:PORT)' },
  {
    name: 'service-template',
    group: 'Service',
    kind: 'string',
    summary: 'service template to deploy (default: .meshagent/deploy.yaml in the context when it exists)',
  },
  { name: 'values', group: 'Service', kind: 'string', summary: 'YAML file of service template values' },
  { name: 'set', group: 'Service', kind: 'list', summary: 'service template values, KEY=VALUE (over the values file)' },
  { name: 'validation-mode', group: 'Service', kind: 'string', default: 'default', summary: 'request validation: default, cookie, or none' },
  { name: 'template', group: 'Service', kind: 'string', default: 'agent', summary: 'container template: agent or none' },
  {
    name: 'wait',
    group: 'Service',
    kind: 'string',
    switch: true,
    default: 'true',
    summary: 'wait for the new container to run and be live: true (300 s), false, or a timeout like 90s or 5m',
  },
  {
    name: 'rollback',
    group: 'Service',
    kind: 'boolean',
    default: 'true',
    summary: 'put the previous spec back when the new container does not become live',
  },
  {
    name: 'rollback-new-service',
    group: 'Service',
    kind: 'string',
    default: 'stop',
    summary: 'what a rollback does with a service this run created: stop (disable it) or delete',
  },
  {
    name: 'inputs-digest',
    group: 'Service',
    kind: 'string',
    summary: "the digest of the service's inputs, kept in its annotations for change detection (the kit sets it)",
  },
  // Behaviour
  { name: 'dry-run', group: 'Behaviour', kind: 'boolean', default: 'false', summary: 'resolve and validate, print the plan, change nothing' },
  { name: 'teardown', group: 'Behaviour', kind: 'boolean', default: 'false', summary: 'remove what meshagent-ship deployed in the room instead of shipping' },
  {
    name: 'teardown-tags',
    group: 'Behaviour',
    kind: 'boolean',
    default: 'false',
    summary: "with teardown: also remove the room-named tag of the services' images",
  },
] as const satisfies readonly InputSpec[];

export type InputName = (typeof INPUTS)[number]['name'];

export const OUTPUTS = [
  { name: 'image', summary: 'the full image tag pushed' },
  { name: 'repository', summary: 'the bare <registry>/<project-key>/<repository>, for attestations' },
  { name: 'digest', summary: 'the manifest digest (sha256:...)' },
  { name: 'image-ref', summary: 'the digest-pinned reference <registry>/<repository>@sha256:...' },
  { name: 'service-id', summary: 'the room service id' },
  { name: 'service-name', summary: 'the room service name' },
  { name: 'service-url', summary: 'https://<domain> when a domain is routed' },
  { name: 'created', summary: 'true when the service was created, false when updated' },
  { name: 'rollout', summary: 'ready, rolled-back, failed, or not-waited' },
  { name: 'rolled-back-to', summary: 'the digest the service went back to after a failed rollout' },
  { name: 'result', summary: 'the whole result as JSON' },
] as const;

export function inputSpec(name: string): InputSpec | undefined {
  return (INPUTS as readonly InputSpec[]).find((input) => input.name === name);
}
