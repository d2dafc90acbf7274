/**
 * The summary of a run to several rooms: a row per room (its service, its rollout, its error), then the last log
 * lines of each room whose new container did not become live.
 */
import { cell, code, codeBlock } from './markdown.js';
import type { RolloutReport, RoomReport } from './result.js';

export function roomsSection(rooms: readonly RoomReport[]): string {
  const failed = rooms.filter((r) => r.error !== null).length;
  const lines = [
    `#### Rooms: ${rooms.length - failed} of ${rooms.length} shipped`,
    '',
    '| room | service | rollout | URL | error |',
    '| --- | --- | --- | --- | --- |',
    ...rooms.map(roomRow),
  ];
  for (const room of rooms) {
    const logs = room.rollout?.logs ?? [];
    if (logs.length > 0)
      lines.push('', `Last ${logs.length} log line${logs.length === 1 ? '' : 's'} of the new container in room ${code(room.room)}:`, '', codeBlock(logs));
  }
  return lines.join('\n');
}

function roomRow(room: RoomReport): string {
  const service = room.service;
  const deployed = !service ? 'not deployed' : service.created === true ? 'created' : service.created === false ? 'updated' : 'not deployed';
  const what = service?.rollback ? `${deployed}, rolled back (${service.rollback})` : deployed;
  const id = service?.id ? ` ${code(service.id, true)}` : '';
  const url = service?.url ? cell(service.url) : '';
  const error = room.error ? cell(room.error.message.split('\n')[0] ?? '') : '';
  return `| ${code(room.room, true)} | ${what}${id} | ${room.rollout ? outcomeOf(room.rollout) : 'none'} | ${url} | ${error} |`;
}

function outcomeOf(rollout: RolloutReport): string {
  switch (rollout.outcome) {
    case 'ready':
      return `✅ ready in ${((rollout.readyMs ?? 0) / 1000).toFixed(1)} s`;
    case 'rolled-back':
      return `↩️ rolled back${rollout.rolledBack?.digest ? ` to ${code(rollout.rolledBack.digest, true)}` : ''}`;
    case 'failed':
      return '❌ failed, not rolled back';
    case 'not-waited':
      return 'not waited';
  }
}
