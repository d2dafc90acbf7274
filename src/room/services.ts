/**
 * The room calls a rollout needs (meshagent-api room_server_client.py 3240-3341 and 11071-11135): `services.list`
 * (every service spec with its runtime state), `services.restart`, and `containers.logs`, followed. Answers are read
 * leniently, as the SDKs read them: unknown fields are ignored, so a newer room does not break an older client.
 */
import { randomUUID } from 'node:crypto';
import { z } from 'zod';
import { contents } from './content.js';
import { RoomError } from './errors.js';
import type { RoomSession } from './session.js';

const PortState = z.object({
  num: z.number(),
  liveness: z.string().nullish(),
  /** not_configured, not_ready or ready; kept as a string so a new value does not break the read. */
  liveness_status: z.string().nullish(),
  last_error: z.string().nullish(),
});

export const ServiceState = z.object({
  service_id: z.string(),
  state: z.string().nullish(),
  container_id: z.string().nullish(),
  restart_count: z.number().int().nullish(),
  last_exit_code: z.number().int().nullish(),
  status: z.object({ ports: z.array(PortState).nullish() }).nullish(),
});
export type ServiceState = z.infer<typeof ServiceState>;

const ServicesAnswer = z.object({ services_json: z.array(z.string()), service_states: z.array(ServiceState) });

/** What `services.list` tells of one service's spec: its id and name. */
interface RoomServiceEntry {
  readonly id: string | undefined;
  readonly name: string | undefined;
}

export interface RoomServices {
  readonly services: readonly RoomServiceEntry[];
  /** By service id. */
  readonly states: ReadonlyMap<string, ServiceState>;
}

export async function listServices(session: RoomSession, deadline: number): Promise<RoomServices> {
  const answer = await session.call('services', 'list', {}, deadline);
  const parsed = ServicesAnswer.safeParse(answer.header.type === 'json' ? answer.header.json : undefined);
  if (!parsed.success) throw new RoomError(`services.list of room ${session.room} answered an unexpected body`, { retryable: false });
  const services = parsed.data.services_json.map((text) => {
    const spec = parseJsonObject(text);
    const metadata = spec?.metadata as { name?: unknown } | undefined;
    return { id: typeof spec?.id === 'string' ? spec.id : undefined, name: typeof metadata?.name === 'string' ? metadata.name : undefined };
  });
  return { services, states: new Map(parsed.data.service_states.map((state) => [state.service_id, state])) };
}

/**
 * `services.restart`: the service's spec in a new container. Asked again after a dropped connection: a second
 * restart only makes one more new container, and a rollout waits for any new one.
 */
export async function restartService(session: RoomSession, serviceId: string, deadline: number, timeoutMs: number): Promise<void> {
  await session.call('services', 'restart', { service_id: serviceId }, deadline, timeoutMs);
}

export interface FollowLogsOptions {
  readonly containerId: string;
  /** Each line as written (without its newline); a last line without one comes when the logs end. */
  readonly onLine: (line: string) => void;
  /** Stops following. */
  readonly signal: AbortSignal;
  /** How long a dropped connection may take to come back. */
  readonly deadline: () => number;
}

/**
 * Follows a container's logs until they end (the container exited), the signal aborts or the connection cannot come
 * back. After a dropped connection the logs are asked for again and what was already read is skipped, so no line
 * is said twice.
 */
export async function followLogs(session: RoomSession, options: FollowLogsOptions): Promise<void> {
  let seen = 0;
  let partial = '';
  const take = (text: string) => {
    const lines = (partial + text).split('\n');
    partial = lines.pop() ?? '';
    for (const line of lines) options.onLine(line.replace(/\r$/, ''));
  };
  await session.use(`containers.logs ${options.containerId}`, options.deadline(), async (connection) => {
    if (options.signal.aborted) return;
    const stream = await connection.openStream('containers', 'logs', session.callTimeoutMs);
    const stop = () => void stream.end(session.callTimeoutMs).catch(() => undefined);
    options.signal.addEventListener('abort', stop, { once: true });
    try {
      await stream.send(contents.binary({ kind: 'start', request_id: randomUUID(), container_id: options.containerId, follow: true }), session.callTimeoutMs);
      let skip = seen;
      for await (const chunk of stream.chunks) {
        if (chunk.header.type === 'error') {
          const text = typeof chunk.header.text === 'string' ? chunk.header.text : 'the logs ended with an error';
          const code = typeof chunk.header.code === 'number' ? { code: chunk.header.code } : {};
          throw new RoomError(`containers.logs failed: ${text}`, { retryable: false, reason: text, ...code });
        }
        // Channel 1 is the container's output; a client skips the others.
        if (chunk.header.type !== 'binary' || (chunk.header.headers as { channel?: unknown } | undefined)?.channel !== 1) continue;
        let text = chunk.payload.toString('utf8');
        if (skip > 0) {
          const skipped = Math.min(skip, text.length);
          skip -= skipped;
          text = text.slice(skipped);
        }
        seen += text.length;
        if (text) take(text);
      }
      if (partial) options.onLine(partial);
      partial = '';
    } finally {
      options.signal.removeEventListener('abort', stop);
      stop();
    }
  });
}

function parseJsonObject(text: string): Record<string, unknown> | undefined {
  try {
    const value: unknown = JSON.parse(text);
    return value !== null && typeof value === 'object' && !Array.isArray(value) ? (value as Record<string, unknown>) : undefined;
  } catch {
    return undefined;
  }
}
