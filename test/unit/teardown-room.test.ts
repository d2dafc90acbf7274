// The teardown of a room against the sandbox's API: before it deletes a room this tool created, the log says so and
// whether the room's storage is persistent (a room create-room: true made, a production room say) or ephemeral; a
// teardown of some services only keeps the room.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { MeshagentClient } from '../../src/meshagent/client.js';
import { teardownRoom } from '../../src/meshagent/teardown.js';
import { startApiSandbox } from '../helpers/api-sandbox.js';

const OURS = { 'com.meshagent.ship.deployed-by': 'meshagent-ship' };

describe('teardown of a room this tool created', () => {
  let api: MeshagentClient;
  let stop: (() => Promise<void>) | undefined;

  beforeAll(async () => ({ api, stop } = await startApiSandbox('teardown-room-')));
  afterAll(() => stop?.());

  /** The teardown's log, with the moment the room is deleted put in as `<delete>`. */
  async function logOf(room: string): Promise<string[]> {
    const log: string[] = [];
    const client = Object.create(api) as MeshagentClient;
    client.deleteRoom = async (r) => {
      log.push('<delete>');
      await api.deleteRoom(r);
    };
    await teardownRoom({ client, room, log: (line) => log.push(line) });
    return log;
  }

  it('says before the delete that a persistent room goes with its storage', async () => {
    await api.createRoom({ name: 'production', annotations: OURS });
    expect(await logOf('production')).toEqual([
      'deleting room production with its persistent storage: meshagent-ship created it (create-room) and no service is left in it',
      '<delete>',
      'removed room production',
    ]);
    expect(await api.getRoom('production')).toBeUndefined();
  });

  it('says so for an ephemeral room too', async () => {
    await api.createRoom({ name: 'pr-5', annotations: { ...OURS, 'meshagent.storage.class': 'ephemeral' } });
    expect((await logOf('pr-5'))[0]).toBe(
      'deleting room pr-5 with its ephemeral storage: meshagent-ship created it (create-room) and no service is left in it',
    );
  });

  it('keeps the room when only some services were asked for, even when they were its last', async () => {
    await api.createRoom({ name: 'pr-6', annotations: OURS });
    const log: string[] = [];
    const report = await teardownRoom({ client: api, room: 'pr-6', services: ['web'], log: (line) => log.push(line) });
    expect(report).toMatchObject({ roomState: 'kept', roomKeptBecause: 'only the services named were asked for (services)' });
    expect(log).toContain('room pr-6 kept: only the services named were asked for (services)');
    expect(await api.getRoom('pr-6')).toBeDefined();
  });
});
