/** The action with `teardown: true`: the teardown command's work from the action's inputs, its summary in the job summary. */
import { formatError, quoted, ShipError } from '../errors.js';
import type { Runner } from '../runner.js';
import { renderTeardown, teardown } from './teardown.js';

/** A teardown switch's value: true or false in any case, or empty (false); anything else is an error naming it. */
export function teardownFlag(name: 'teardown' | 'teardown-tags', raw: string): boolean {
  const value = raw.trim().toLowerCase();
  if (value === '' || value === 'false') return false;
  if (value === 'true') return true;
  throw new ShipError(`${name}: ${quoted(raw)} is not a boolean`, { input: name, hint: 'use true or false' });
}

/** Whether the action tears down instead of shipping (the `teardown` input). */
export function teardownRequested(raw: string): boolean {
  return teardownFlag('teardown', raw);
}

export async function runTeardownAction(runner: Runner): Promise<number> {
  const input = (name: string) => runner.getInput(name).trim();
  // The action's api-key input wins over the environment, as it does for a ship.
  const env = { ...runner.env, ...(input('api-key') ? { MESHAGENT_API_KEY: input('api-key') } : {}) };
  try {
    const service = input('service-name');
    const result = await teardown(
      runner,
      {
        room: input('room') || (runner.env.MESHAGENT_ROOM ?? ''),
        ...(service ? { services: [service] } : {}),
        tags: teardownFlag('teardown-tags', input('teardown-tags')),
        ...(input('api-url') ? { apiUrl: input('api-url') } : {}),
        ...(input('project-id') ? { projectId: input('project-id') } : {}),
      },
      env,
    );
    const text = renderTeardown(result);
    runner.info(text);
    runner.setOutput(
      'result',
      JSON.stringify({
        room: result.report.room,
        room_state: result.report.roomState,
        services: result.report.servicesRemoved.map((s) => s.name),
        routes: result.report.routesRemoved,
        tags: result.tags,
        nothing_left: result.nothingLeft,
      }),
    );
    await runner.writeSummary(`### meshagent-ship teardown\n\n${text}\n`);
    return 0;
  } catch (error) {
    runner.fail(formatError(error), 'meshagent-ship: teardown');
    return error instanceof ShipError ? 1 : 70;
  }
}
