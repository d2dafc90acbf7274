// The sandbox's room websocket at the protocol level: who is let in (a participant token in the Authorization
// header, the token query parameter or the browser subprotocol; refusals before the upgrade), what the room sends
// first, and how it answers requests it does not serve. Messages are framed by MeshAgent's own SDK `Protocol` over
// a plain `ws` socket, so the handshake is the test's to shape.
import { mkdtempSync, rmSync } from 'node:fs';
import { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { WebSocket } from 'ws';
import { issueParticipantToken } from '../../sandbox/participant-token.js';
import { startSandbox, type Sandbox } from '../../sandbox/server.js';
import { FakeRoomRuntime } from '../helpers/fake-room-runtime.js';

const sdk = createRequire(import.meta.url)('@meshagent/meshagent') as typeof import('@meshagent/meshagent');
type Content = ReturnType<typeof sdk.unpackContent>;

const ROOM = 'protocol';
const work = mkdtempSync(join(tmpdir(), 'sandbox-room-protocol-'));
const runtime = new FakeRoomRuntime();
let sandbox: Sandbox;
let roomUrl: string;
let jwt: string;
const sockets: WebSocket[] = [];

beforeAll(async () => {
  sandbox = await startSandbox({ dir: work, registry: false, roomRuntime: runtime });
  const api = new sdk.Meshagent({ baseUrl: sandbox.apiUrl, token: sandbox.apiKey });
  await api.createRoom({ projectId: sandbox.projectId, name: ROOM });
  await api.createRoom({ projectId: sandbox.projectId, name: 'other' });
  ({ roomUrl, jwt } = await api.connectRoom(sandbox.projectId, ROOM));
});

afterEach(() => {
  for (const socket of sockets.splice(0)) socket.terminate();
});

afterAll(async () => {
  await sandbox?.stop();
  rmSync(work, { recursive: true, force: true });
});

function token(room: string, seconds = 600, api: Record<string, unknown> = { services: {}, containers: {} }): string {
  return issueParticipantToken(sandbox.apiKey, { name: 'tester', room, role: 'user', api, seconds });
}

/** The status and message of a refused handshake, or 101 when the room let the client in. */
async function handshake(
  url: string,
  options: { headers?: Record<string, string>; protocols?: string[] } = {},
): Promise<{ status: number; message: string; socket?: WebSocket }> {
  const socket = new WebSocket(url, options.protocols ?? [], { headers: options.headers });
  sockets.push(socket);
  return new Promise((resolve, reject) => {
    socket.on('unexpected-response', (request, response) => {
      let body = '';
      response.on('data', (chunk: Buffer) => (body += chunk.toString()));
      response.on('end', () => {
        request.destroy();
        resolve({ status: response.statusCode ?? 0, message: body ? ((JSON.parse(body) as { error?: { message?: string } }).error?.message ?? '') : '' });
      });
    });
    socket.on('open', () => resolve({ status: 101, message: '', socket }));
    socket.on('error', reject);
  });
}

/** A connected room client speaking through the SDK's Protocol over `socket`. */
function speak(socket: WebSocket) {
  const received: { id: number; type: string; data: Uint8Array }[] = [];
  let wake: (() => void) | undefined;
  const closed = new Promise<{ code: number; reason: string }>((resolve) => socket.on('close', (code, reason) => resolve({ code, reason: reason.toString() })));
  const protocol = new sdk.Protocol({
    channel: {
      start: (onData: (data: Uint8Array) => void) => socket.on('message', (data: Buffer) => onData(new Uint8Array(data))),
      dispose: () => socket.close(),
      sendData: async (data: Uint8Array) => socket.send(data),
    },
  });
  protocol.start({
    onMessage: async (_protocol, id, type, data) => {
      received.push({ id, type, data: data ?? new Uint8Array() });
      wake?.();
    },
  });
  async function next(test: (m: (typeof received)[number]) => boolean) {
    for (;;) {
      const index = received.findIndex(test);
      if (index >= 0) return received.splice(index, 1)[0] as (typeof received)[number];
      await new Promise<void>((resolve) => (wake = resolve));
    }
  }
  return {
    closed,
    next,
    /** Sends a request and returns the content of its `__response__`. */
    async request(type: string, header: Record<string, unknown>, payload?: Uint8Array): Promise<Content> {
      const id = protocol.getNextMessageId();
      await protocol.send(type, sdk.packMessage(header, payload), id);
      const answer = await next((m) => m.type === '__response__' && m.id === id);
      return sdk.unpackContent(answer.data);
    },
    invoke(toolkit: string, tool: string, args: Record<string, unknown>): Promise<Content> {
      return this.request('room.invoke_tool', { toolkit, tool, tool_call_id: 'call-1', arguments: args });
    },
  };
}

async function enter(): Promise<ReturnType<typeof speak>> {
  const { socket } = await handshake(roomUrl, { headers: { Authorization: `Bearer ${jwt}` } });
  if (!socket) throw new Error('the room refused the handshake');
  return speak(socket);
}

function errorOf(content: Content): { text: string; code: number | undefined } {
  expect(content).toBeInstanceOf(sdk.ErrorContent);
  const error = content as InstanceType<typeof sdk.ErrorContent>;
  return { text: error.text, code: error.code };
}

describe('the sandbox room websocket', () => {
  it('lets a participant in with its token as a bearer header, a query parameter or a subprotocol', async () => {
    expect((await handshake(roomUrl, { headers: { Authorization: `Bearer ${jwt}` } })).status).toBe(101);
    const query = new URL(roomUrl);
    query.searchParams.set('token', jwt);
    expect((await handshake(query.toString())).status).toBe(101);
    const viaProtocol = await handshake(roomUrl, { protocols: [`meshagent-room.${jwt}`] });
    expect(viaProtocol.status).toBe(101);
    expect(viaProtocol.socket?.protocol).toBe(`meshagent-room.${jwt}`);
  });

  it('refuses before the upgrade: no token 401, a token that does not admit 403, no such room 404', async () => {
    expect(await handshake(roomUrl)).toMatchObject({ status: 401, message: expect.stringContaining('participant token is required') });
    const bearer = (t: string) => ({ headers: { Authorization: `Bearer ${t}` } });
    expect(await handshake(roomUrl, bearer(token('other')))).toMatchObject({ status: 403, message: 'the participant token does not admit to this room' });
    expect(await handshake(roomUrl, bearer(token(ROOM, -1)))).toMatchObject({ status: 403, message: 'the token has expired' });
    const [header, claims] = jwt.split('.');
    expect(await handshake(roomUrl, bearer(`${header}.${claims}.${Buffer.from('forged').toString('base64url')}`))).toMatchObject({
      status: 403,
      message: 'the token signature does not match its API key',
    });
    const none = Buffer.from(JSON.stringify({ alg: 'none', typ: 'JWT' })).toString('base64url');
    expect(await handshake(roomUrl, bearer(`${none}.${claims}.`))).toMatchObject({ status: 403, message: 'the token is not signed with HS256' });
    expect(await handshake(roomUrl, bearer('not-a-jwt'))).toMatchObject({ status: 403, message: 'the token is not a JWT' });
    const missingRoom = roomUrl.replace(`/rooms/${ROOM}`, '/rooms/no-such-room');
    expect(await handshake(missingRoom, bearer(token('no-such-room')))).toMatchObject({ status: 404, message: 'room not found' });
    expect((await handshake(`${sandbox.apiUrl.replace('http:', 'ws:')}/elsewhere`, bearer(jwt))).status).toBe(404);
  });

  it('says the room is ready and who the participant is, then answers requests by their id', async () => {
    const room = await enter();
    const [ready] = sdk.unpackMessage((await room.next((m) => m.type === 'room_ready')).data);
    expect(ready).toMatchObject({ room_name: ROOM, room_url: roomUrl, session_id: expect.any(String) });
    const [connected] = sdk.unpackMessage((await room.next((m) => m.type === 'connected')).data);
    expect(connected).toMatchObject({ type: 'init', participantId: expect.any(String), attributes: { name: expect.stringMatching(/^api-key:/) } });
    const listed = await room.invoke('services', 'list', { type: 'json', json: {} });
    expect(listed).toBeInstanceOf(sdk.JsonContent);
    expect((listed as InstanceType<typeof sdk.JsonContent>).json).toEqual({ services_json: [], service_states: [] });
  });

  it('answers what it does not serve with error codes MeshAgent uses', async () => {
    const room = await enter();
    expect(errorOf(await room.invoke('storage', 'list', { type: 'json', json: {} }))).toMatchObject({ code: 1003, text: 'the room has no tool storage.list' });
    expect(errorOf(await room.invoke('services', 'toString', { type: 'json', json: {} })).code).toBe(1003);
    expect(errorOf(await room.invoke('services', 'list', { type: 'json', json: { all: true } }))).toMatchObject({
      code: 1002,
      text: expect.stringContaining('invalid arguments for services.list'),
    });
    expect(errorOf(await room.invoke('services', 'restart', { type: 'json', json: {} })).code).toBe(1002);
    expect(errorOf(await room.invoke('services', 'list', { type: 'control', method: 'open' }))).toMatchObject({
      code: 1002,
      text: 'services.list does not take streamed input',
    });
    expect(errorOf(await room.invoke('containers', 'logs', { type: 'json', json: { container_id: 'x' } }))).toMatchObject({
      code: 1002,
      text: 'containers.logs requires streamed input',
    });
    expect(errorOf(await room.request('room.tool_call_request_chunk', { tool_call_id: 'nothing-open', chunk: { type: 'empty' } })).code).toBe(1003);
    expect(errorOf(await room.request('room.list_participants', {}))).toMatchObject({
      code: 1002,
      text: 'the sandbox room does not serve room.list_participants messages',
    });
  });

  it("checks a streamed call's start chunk", async () => {
    const room = await enter();
    const opened = await room.request('room.invoke_tool', {
      toolkit: 'containers',
      tool: 'logs',
      tool_call_id: 'logs-1',
      arguments: { type: 'control', method: 'open' },
    });
    expect(opened).toBeInstanceOf(sdk.ControlContent);
    const start = await room.request('room.tool_call_request_chunk', {
      tool_call_id: 'logs-1',
      chunk: { type: 'binary', headers: { kind: 'start', container_id: 'x' } },
    });
    expect(start).toBeInstanceOf(sdk.EmptyContent);
    const chunks: Content[] = [];
    for (;;) {
      const message = await room.next((m) => m.type === 'room.tool_call_response_chunk');
      const [header] = sdk.unpackMessage(message.data);
      expect(header).toMatchObject({ tool_call_id: 'logs-1', toolkit: 'containers', tool: 'logs' });
      chunks.push(sdk.unpackContent(sdk.packMessage(header.chunk as Record<string, unknown>)));
      if (chunks.at(-1) instanceof sdk.ControlContent) break;
    }
    expect(errorOf(chunks[0] as Content)).toMatchObject({ code: 1002, text: expect.stringContaining('invalid arguments for containers.logs') });
    expect((chunks[1] as InstanceType<typeof sdk.ControlContent>).method).toBe('close');
  });

  it('refuses tools the token does not grant', async () => {
    const { socket } = await handshake(roomUrl, { headers: { Authorization: `Bearer ${token(ROOM, 600, { containers: { logs: false } })}` } });
    const room = speak(socket as WebSocket);
    expect(errorOf(await room.invoke('services', 'list', { type: 'json', json: {} }))).toMatchObject({
      code: 1001,
      text: expect.stringContaining('needs the services grant'),
    });
    expect(errorOf(await room.invoke('services', 'restart', { type: 'json', json: { service_id: 'x' } })).code).toBe(1001);
  });

  it('closes the connection on packets that break the framing', async () => {
    const outOfOrder = await enter();
    const packet = Buffer.alloc(20);
    packet.writeUInt32BE(7, 4);
    packet.writeUInt32BE(2, 8);
    sockets.at(-1)?.send(packet);
    expect(await outOfOrder.closed).toEqual({ code: 1002, reason: 'data packet 2 of message 7 came without its header packet' });

    const text = await enter();
    sockets.at(-1)?.send('hello');
    expect(await text.closed).toEqual({ code: 1002, reason: 'the room protocol sends binary packets, not text' });
  });
});
