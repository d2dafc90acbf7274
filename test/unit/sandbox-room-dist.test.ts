// The bundled sandbox command (dist/cli.js sandbox) serves the room websocket to MeshAgent's SDK, and stops when
// told to even while a participant is connected: the room's connections are ended with it.
import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';

const sdk = createRequire(import.meta.url)('@meshagent/meshagent') as typeof import('@meshagent/meshagent');

const work = mkdtempSync(join(tmpdir(), 'sandbox-room-dist-'));
let child: ChildProcess | undefined;

afterAll(() => {
  if (child?.exitCode === null && child.pid) process.kill(child.pid, 'SIGKILL');
  rmSync(work, { recursive: true, force: true });
});

/** Starts the sandbox command and reads the environment it prints once it is up. */
async function startSandboxCommand(): Promise<{ env: Record<string, string>; exited: Promise<number | null> }> {
  child = spawn(process.execPath, ['dist/cli.js', 'sandbox', '--dir', join(work, 'sandbox'), '--no-registry', '--json'], { stdio: ['ignore', 'pipe', 'pipe'] });
  const exited = new Promise<number | null>((resolve) => child?.once('exit', (code) => resolve(code)));
  let out = '';
  const env = await new Promise<Record<string, string>>((resolve, reject) => {
    child?.stdout?.on('data', (chunk: Buffer) => {
      out += chunk.toString();
      try {
        resolve(JSON.parse(out) as Record<string, string>);
      } catch {
        // not all of it yet
      }
    });
    void exited.then((code) => reject(new Error(`the sandbox exited with ${code}`)));
  });
  return { env, exited };
}

describe('dist/cli.js sandbox: the room websocket', () => {
  it('serves a room to the SDK and stops with a participant still connected', async () => {
    const { env, exited } = await startSandboxCommand();
    const api = new sdk.Meshagent({ baseUrl: env.MESHAGENT_API_URL, token: env.MESHAGENT_API_KEY });
    const projectId = env.MESHAGENT_PROJECT_ID as string;
    await api.createRoom({ projectId, name: 'dist' });
    await api.createRoomService(projectId, 'dist', {
      version: 'v1',
      kind: 'Service',
      metadata: { name: 'web' },
      container: { image: 'registry.test/sandbox/web:1' },
    });
    const info = await api.connectRoom(projectId, 'dist');
    const room = new sdk.RoomClient({
      protocolFactory: sdk.WebSocketClientProtocol.createFactory({ url: info.roomUrl, token: info.jwt }),
      reconnectTimeout: 0,
    });
    await room.start();
    // This sandbox runs no containers: the service is listed, with no state, and has no logs.
    const listed = await room.services.listWithState();
    expect(listed.services.map((s) => s.metadata.name)).toEqual(['web']);
    expect(listed.serviceStates).toEqual({});
    const logs = room.containers.logs({ containerId: 'any' });
    await expect(logs.result).rejects.toMatchObject({ code: 6001, message: 'this sandbox runs no containers' });

    const closed = room.waitForClose();
    process.kill(child?.pid as number, 'SIGTERM');
    expect(await exited).toBe(0);
    await closed;
    expect(room.isConnected).toBe(false);
    room.dispose();
  });
});
