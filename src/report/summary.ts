/**
 * The job summary: the service URL first, then what each stage did, the image layer by layer, the deploy, the
 * retries and, on failure, the error with its hint. Rendered from the ShipResult alone, so a failed run gets the
 * same report of what was done and what was not.
 */
import { bytes } from '../format.js';
import { cell, code, codeBlock, link, prose } from './markdown.js';
import { cacheLines } from './cache-lines.js';
import { roomsSection } from './rooms-section.js';
import type { BuildCacheReport, LayerReport, RolloutReport, ServiceReport, ShipResult, StageRecord, StartupReport } from './result.js';

/** GitHub refuses summaries over 1 MiB; long layer lists are cut well before that. */
const MAX_LAYER_ROWS = 100;
const MAX_RETRY_ROWS = 20;

export function renderSummary(result: ShipResult): string {
  const parts = [heading(result), stageTable(result.stages)];
  if (result.offline) parts.push(offlineSection(result.offline));
  if (result.plan) parts.push(planBlock(result.plan));
  if (result.cache) parts.push(cacheSection(result.cache));
  if (result.image) parts.push(imageSection(result));
  // Several rooms: a row per room stands for the service and rollout sections of one room.
  if (result.rooms) parts.push(roomsSection(result.rooms));
  else {
    if (result.service) parts.push(serviceSection(result));
    if (result.rollout) parts.push(rolloutSection(result.rollout));
  }
  if (result.retries.length > 0) parts.push(retrySection(result));
  if (result.error) parts.push(errorSection(result));
  return `${parts.join('\n\n')}\n`;
}

function heading(result: ShipResult): string {
  const service = result.service;
  const rooms = result.rooms?.map((r) => r.room);
  const where = rooms ? `to rooms ${rooms.join(', ')}` : service?.room === null ? 'as a project service' : `to room ${service?.room}`;
  // A run whose inputs were refused reached no stage and knows no image: its title says what failed.
  const what = service ? `${service.name} ${where}` : (result.image?.tag ?? (result.error && !result.error.stage ? 'the inputs are invalid' : 'the image'));
  const title =
    result.status === 'failed'
      ? `### ❌ meshagent-ship failed${result.error?.stage ? ` at ${result.error.stage}` : ''}: ${cell(what)}`
      : result.status === 'planned'
        ? `### 📝 meshagent-ship plan (dry run): ${cell(what)}`
        : `### ✅ Shipped ${cell(what)}`;
  // With several rooms, the first room's rollout and URL would speak for all: the rooms table has each.
  const outcome = result.rollout && !rooms ? `\n\n**Rollout:** ${rolloutLine(result.rollout)}` : '';
  const url = service?.url && !rooms ? `\n\n**Service URL:** ${link(service.url)}` : '';
  return `${title}${outcome}${url}`;
}

/** The outcome in a few words, first thing in the summary: ready in N s, failed and rolled back, or not waited. */
function rolloutLine(rollout: RolloutReport): string {
  const back = rollout.rolledBack;
  switch (rollout.outcome) {
    case 'ready':
      return `✅ ready in ${seconds(rollout.readyMs ?? 0)}: the room runs the new container and its liveness paths answer`;
    case 'not-waited':
      return '⏭️ deployed (not waited): nothing checked that the new container runs';
    case 'failed':
      return `❌ failed, not rolled back: ${prose(rollout.failure?.message ?? 'the rollout did not become live')}`;
    case 'rolled-back':
      return `↩️ failed and rolled back${back?.service === 'restored' ? ` to ${code(back.digest ?? back.image ?? 'the previous spec')}` : back?.service === 'stopped' ? ' (the new service was stopped)' : ' (the new service was deleted)'}: ${prose(rollout.failure?.message ?? 'the rollout did not become live')}`;
  }
}

function stageTable(stages: readonly StageRecord[]): string {
  const icon = { done: '✅', failed: '❌', skipped: '⏭️' } as const;
  const rows = stages.map((s) => `| ${s.name} | ${icon[s.status]} ${s.status} | ${seconds(s.durationMs)} | ${cell(s.detail)} |`);
  return ['| stage | status | time | detail |', '| --- | --- | --- | --- |', ...rows].join('\n');
}

function offlineSection(offline: NonNullable<ShipResult['offline']>): string {
  return [
    `**Offline plan:** ${prose(offline.reason)}. These facts were not read from MeshAgent, so the plan does not check them:`,
    '',
    ...offline.unread.map((fact) => `- ${prose(fact)}`),
  ].join('\n');
}

function planBlock(plan: readonly string[]): string {
  return ['**Plan** (nothing was changed)', '', codeBlock(plan)].join('\n');
}

function cacheSection(cache: BuildCacheReport): string {
  // The same words as the log's, one per line.
  const [where = '', ...rest] = cacheLines(cache);
  return ['#### Build cache', '', `- ${prose(where.replace(/^build cache /, ''))}`, ...rest.map((line) => `- ${prose(line.trim())}`)].join('\n');
}

function imageSection(result: ShipResult): string {
  const image = result.image;
  if (!image) return '';
  const lines = [
    '#### Image',
    '',
    `- tag: ${code(image.tag)}`,
    `- repository: ${code(image.repository)}${image.repositoryCreated === true ? ' (created)' : image.repositoryCreated === false ? ' (existing)' : ''}`,
  ];
  if (image.digest) lines.push(`- digest: ${code(image.digest)}`);
  if (image.ref) lines.push(`- pinned: ${code(image.ref)}`);
  if (image.layers.length > 0) {
    const total = sum(image.layers, (l) => l.size);
    const sourceTotal = sum(image.layers, (l) => l.sourceSize);
    lines.push(`- layers: ${image.layers.length}, ${bytes(sourceTotal)} before conversion, ${bytes(total)} as eStargz`);
    if (image.startup) lines.push(startupLine(image.startup, image.layers));
    const reused = image.layers.filter((l) => l.conversion === 'reused').length;
    if (reused > 0)
      lines.push(`- conversion: ${reused} of ${image.layers.length} layers reused from the previous ship (not converted again; already in the registry)`);
    lines.push(
      '',
      '| # | source | eStargz | TOC digest | prefetched files | fetched before start | conversion | push |',
      '| --- | --- | --- | --- | --- | --- | --- | --- |',
      ...image.layers.slice(0, MAX_LAYER_ROWS).map(layerRow),
    );
    if (image.layers.length > MAX_LAYER_ROWS) lines.push('', `(${image.layers.length - MAX_LAYER_ROWS} more layers not shown)`);
  }
  return lines.join('\n');
}

function layerRow(layer: LayerReport, index: number): string {
  const source = `${bytes(layer.sourceSize)} ${code(short(layer.sourceDigest), true)}`;
  const converted = `${bytes(layer.size)} ${code(short(layer.digest), true)}`;
  const toc = layer.tocDigest ? code(short(layer.tocDigest), true) : '–';
  return `| ${index + 1} | ${source} | ${converted} | ${toc} | ${layer.prefetchFiles} | ${bytes(layer.fetchedBeforeStart)} | ${CONVERSION[layer.conversion]} | ${layer.push ?? '–'} |`;
}

/** What starting the service costs a lazy pull, against the whole image. */
function startupLine(startup: StartupReport, layers: readonly LayerReport[]): string {
  const { bytesBeforeStart, imageBytes, prefetchedFiles } = startup;
  const auto = startup.auto ? `\n- prefetch auto: ${startup.auto}` : '';
  if (layers.every((l) => l.conversion === 'as-is'))
    return `- start-up: the layers are not eStargz, so a pull fetches the whole image (${bytes(imageBytes)}) before start`;
  const share = imageBytes > 0 ? ` (${percent(bytesBeforeStart / imageBytes)})` : '';
  const files = `${prefetchedFiles} prefetched file${prefetchedFiles === 1 ? '' : 's'}`;
  return `- start-up: a lazy pull fetches ${bytes(bytesBeforeStart)} of ${bytes(imageBytes)} before start${share}: manifest, config and each layer's TOC, footer and ${files}, as the stargz snapshotter fetches them (50,000-byte blocks)${auto}`;
}

function percent(ratio: number): string {
  return ratio < 0.001 ? '<0.1%' : `${(ratio * 100).toFixed(ratio < 0.1 ? 1 : 0)}%`;
}

const CONVERSION: Record<LayerReport['conversion'], string> = {
  converted: 'converted',
  reused: 'reused (previous ship)',
  kept: 'kept (already eStargz)',
  'as-is': 'as is',
};

const ROLLBACK: Record<NonNullable<ServiceReport['rollback']>, string> = {
  restored: '**restored**: the deploy failed and the service runs the spec it had before',
  removed: '**removed**: the deploy failed and what it created was deleted',
  stopped: '**stopped**: the new service did not become live and was disabled (kept with its route; the next ship starts it)',
  failed: '**failed**: the deploy failed and could not be taken back; see the error for what to put right',
};

function serviceSection(result: ShipResult): string {
  const service = result.service;
  if (!service) return '';
  const action = service.created === true ? 'created' : service.created === false ? 'updated' : 'not deployed';
  const lines = [
    '#### Service',
    '',
    `- ${cell(service.name)} ${service.room === null ? 'as a project service (every room runs it from its next session)' : `in room ${cell(service.room)}`}: ${action}${service.id ? ` (id ${code(service.id)})` : ''}`,
  ];
  if (service.rollback) lines.push(`- rollback: ${ROLLBACK[service.rollback]}`);
  else lines.push(service.domain ? `- domain: ${cell(service.domain)} (route ${service.route})` : '- domain: none configured');
  const probe = result.probe;
  if (probe) {
    lines.push(
      probe.ok
        ? `- probe: ${code(probe.url)} answered ${probe.status} in ${probe.latencyMs} ms (${probe.attempts} attempt${probe.attempts === 1 ? '' : 's'})`
        : `- probe: ${code(probe.url)} did not answer in time (${probe.attempts} attempts${probe.status ? `, last status ${probe.status}` : ''})`,
    );
  }
  return lines.join('\n');
}

function rolloutSection(rollout: RolloutReport): string {
  const lines = ['#### Rollout', ''];
  if (rollout.outcome === 'not-waited') return [...lines, '- not waited: the room was not asked whether the new container runs'].join('\n');
  if (rollout.restarted) lines.push('- restarted the updated service (services.restart, as the MeshAgent CLI does)');
  if (rollout.containerId) lines.push(`- new container: ${code(rollout.containerId)}`);
  if (rollout.outcome === 'ready') lines.push(`- ready in ${seconds(rollout.readyMs ?? 0)}`);
  const failure = rollout.failure;
  if (failure) {
    const exit = failure.exitCode !== null ? `; exit code ${failure.exitCode}` : '';
    const restarts = failure.restartCount ? `; restarts ${failure.restartCount}` : '';
    lines.push(`- failed (${failure.reason}${exit}${restarts}): ${prose(failure.message)}`);
  }
  const back = rollout.rolledBack;
  if (back?.service === 'restored') {
    const to = code(back.digest ?? back.image ?? 'the previous spec');
    lines.push(
      back.live === null
        ? `- rolled back to ${to}: the service is disabled (enabled: false), as it was before`
        : back.live
          ? `- rolled back to ${to}: its container ${code(back.containerId ?? '?')} is live again`
          : `- rolled back to ${to}, but its container did not become live again`,
    );
  } else if (back) lines.push(`- rolled back: the new service was ${back.service === 'stopped' ? 'stopped (enabled: false)' : 'deleted'}`);
  if (rollout.logs.length > 0) {
    lines.push('', `Last ${rollout.logs.length} log line${rollout.logs.length === 1 ? '' : 's'} of the new container:`, '', codeBlock(rollout.logs));
  } else if (failure) lines.push('', 'The new container wrote no log lines.');
  return lines.join('\n');
}

function retrySection(result: ShipResult): string {
  const rows = result.retries.slice(0, MAX_RETRY_ROWS).map((r) => `| ${r.method} | ${cell(r.url)} | ${cell(r.reason)} |`);
  const more = result.retries.length > MAX_RETRY_ROWS ? [`\n(${result.retries.length - MAX_RETRY_ROWS} more)`] : [];
  return [`#### Retries: ${result.retries.length}`, '', '| method | URL | reason |', '| --- | --- | --- |', ...rows, ...more].join('\n');
}

function errorSection(result: ShipResult): string {
  const error = result.error;
  if (!error) return '';
  const lines = ['#### Error', '', codeBlock(error.message.split('\n'))];
  if (error.hint) lines.push('', `**Hint:** ${prose(error.hint)}`);
  return lines.join('\n');
}

// --- formatting ------------------------------------------------------------------------------------------------------

/** `sha256:0123456789ab` — enough to tell layers apart in a table. */
function short(digest: string): string {
  return digest.slice(0, 'sha256:'.length + 12);
}

function sum(layers: readonly LayerReport[], pick: (layer: LayerReport) => number): number {
  return layers.reduce((total, layer) => total + pick(layer), 0);
}

function seconds(ms: number): string {
  return ms < 1000 ? `${ms} ms` : `${(ms / 1000).toFixed(1)} s`;
}
