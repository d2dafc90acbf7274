/**
 * The room's `containers.logs` tool (meshagent-api room_server_client.py:11071-11135, meshagent-ts
 * containers-client.ts `logs`): the caller opens a stream and sends one binary chunk with the headers
 * `{kind: "start", request_id, container_id, follow}`; the room answers each log line as a binary chunk on channel
 * 1 (stdout; clients skip other channels) and closes the stream when the logs end. With `follow` they end when the
 * container exits; the caller ends them earlier by closing its input.
 */
import { z } from 'zod';
import { content, ErrorCode } from './content.js';
import { RoomRuntimeError } from '../runtime/types.js';
import { parseArguments, requireGrant, ToolError, type StreamTool } from './toolkit.js';

const STDOUT = 1;

const StartHeaders = z.strictObject({
  kind: z.literal('start'),
  request_id: z.string(),
  container_id: z.string().min(1),
  follow: z.boolean(),
});

const logs: StreamTool = {
  kind: 'stream',
  run: async (context, input, send, signal) => {
    // ContainersGrant.logs (default true) is the switch for reading logs.
    if (requireGrant(context, 'containers', 'containers.logs').logs === false) {
      throw new ToolError(ErrorCode.PERMISSION_DENIED, 'permission denied: the containers grant does not allow logs');
    }
    const first = await input.next();
    if (!first) return;
    if (first.header.type !== 'binary') throw new ToolError(ErrorCode.INVALID_REQUEST, 'containers.logs: the first chunk must be binary with start headers');
    const start = parseArguments(StartHeaders, first.header.headers, 'containers.logs');
    // The caller closing its input ends a followed stream; so does the connection going.
    const stop = new AbortController();
    const abort = () => stop.abort();
    signal.addEventListener('abort', abort, { once: true });
    void input.ended.then(abort);
    try {
      for await (const line of context.runtime.logs(context.room, { containerId: start.container_id }, { follow: start.follow, signal: stop.signal })) {
        if (stop.signal.aborted) break;
        await send(content.binary({ channel: STDOUT }, typeof line === 'string' ? Buffer.from(line, 'utf8') : Buffer.from(line)));
      }
    } catch (error) {
      if (stop.signal.aborted) return;
      if (error instanceof RoomRuntimeError) throw new ToolError(ErrorCode.CONTAINER_NOT_FOUND, error.message);
      throw new ToolError(ErrorCode.OPERATION_FAILED, `logs failed: ${error instanceof Error ? error.message : String(error)}`);
    } finally {
      signal.removeEventListener('abort', abort);
    }
  },
};

export const containersToolkit = { logs };
