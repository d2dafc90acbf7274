/**
 * The checked config as a user reads it, with every secret redacted: what `meshagent-ship plan` prints (as lines,
 * or as JSON with --json). Not the dry run's plan of what a run would change: that is pipeline/plan.ts.
 */
import type { ShipConfig } from '../inputs/ship-config.js';
import { formatImageTag } from '../reference.js';

const REDACTED = '***';

/** The config as plain data with secrets redacted: what `plan --json` prints and the result records. */
export function describeConfig(config: ShipConfig): Record<string, unknown> {
  const { meshagent, image, service } = config;
  return {
    meshagent: {
      apiKey: meshagent.apiKey === '' ? '' : REDACTED,
      apiUrl: meshagent.apiUrl,
      projectId: meshagent.projectId,
      projectIdSource: meshagent.projectIdSource,
      room: meshagent.room ?? null,
    },
    image: {
      tag: formatImageTag(image.tag),
      registry: image.tag.registry ?? null,
      repository: image.tag.repository,
      builder: image.builder,
      source: image.source ?? null,
      context: image.context,
      file: image.file ?? null,
      buildArgs: image.buildArgs.map(({ name }) => name),
      target: image.target ?? null,
      platforms: image.platforms,
      estargz: image.estargz,
      prefetch: image.prefetch,
      compressionLevel: image.compressionLevel,
      push: image.push,
    },
    service: {
      deploy: service.deploy,
      name: service.name ?? null,
      createRoom: service.createRoom,
      env: service.env?.map(({ name }) => name) ?? null,
      envSecrets: service.envSecrets ?? null,
      runAs: service.runAs ?? null,
      meshagentToken: service.meshagentToken ?? null,
      identity: service.identity ?? null,
      roomMounts: service.roomMounts ?? null,
      imageMounts: service.imageMounts ?? null,
      emptyDirMounts: service.emptyDirMounts ?? null,
      ports: service.ports ?? null,
      liveness: service.liveness ?? null,
      public: service.public,
      domain: service.domain ?? null,
      validationMode: service.validationMode,
      template: service.template,
      waitSeconds: service.waitSeconds,
    },
    dryRun: config.dryRun,
  };
}

function list(values: readonly string[] | undefined, none: string): string {
  return values && values.length > 0 ? values.join(', ') : none;
}

/** The config as log lines. Environment values are not printed: only their names. */
export function renderConfig(config: ShipConfig): string {
  const { meshagent, image, service } = config;
  const source = image.source
    ? `ship ${image.source.kind === 'registry' ? image.source.reference.value : `${image.source.kind}:${image.source.path}`}`
    : `build ${image.context}${image.file ? ` (${image.file})` : ''} with ${image.builder}`;
  const lines = [
    `project   ${meshagent.projectId} (from ${meshagent.projectIdSource}) at ${meshagent.apiUrl}`,
    `tag       ${formatImageTag(image.tag)}`,
    `image     ${source}${image.platforms.length ? ` for ${image.platforms.join(', ')}` : ''}`,
    `estargz   ${image.estargz ? `yes, level ${image.compressionLevel}, prefetch ${list(image.prefetch, 'none')}` : 'no'}`,
    `push      ${image.push ? 'yes' : 'no'}`,
  ];
  if (service.deploy) {
    lines.push(
      `deploy    ${service.name ?? '(name from the tag)'} to room ${meshagent.room ?? '?'}${service.createRoom === 'ephemeral' ? ' (created ephemeral if missing)' : service.createRoom ? ' (created if missing)' : ''}`,
      `env       ${
        service.env === undefined
          ? 'kept'
          : list(
              service.env.map((e) => e.name),
              'none',
            )
      }` +
        (service.envSecrets
          ? `; secrets ${list(
              service.envSecrets.map((e) => e.name),
              'none',
            )} as ${service.runAs}`
          : ''),
      `ports     ${
        service.ports === undefined
          ? 'from the image'
          : list(
              service.ports.map((p) => `${p.num}/${p.type}`),
              'none',
            )
      }`,
      `domain    ${service.domain ? `https://${service.domain}` : 'none'}`,
    );
  } else {
    lines.push('deploy    no');
  }
  if (config.dryRun) lines.push('dry run   nothing will be changed');
  return lines.join('\n');
}
