/**
 * The sandbox's ports, kept in DIR/addresses.json so a restart on the same directory serves at the same addresses:
 * the services recorded in DIR name images at `127.0.0.1:<registry port>`, and a user's exported environment names
 * the API and the router. A recorded port is tried first; when something else holds it, another is picked and the
 * sandbox says what that breaks, rather than moving silently.
 */
import { existsSync, readFileSync, renameSync, writeFileSync } from 'node:fs';
import { createServer, type AddressInfo } from 'node:net';
import { join } from 'node:path';
import { z } from 'zod';
import type { SandboxState } from './state.js';

/** The sandbox's listeners whose addresses outlive a run. */
export type Listener = 'api' | 'registry' | 'router';

const Recorded = z.object({
  api: z.number().int().positive().optional(),
  registry: z.number().int().positive().optional(),
  router: z.number().int().positive().optional(),
});
export type RecordedPorts = z.infer<typeof Recorded>;

const FILE = 'addresses.json';

/**
 * The ports an earlier run on `dir` served at; none when the file is not the sandbox's. A directory an older
 * sandbox ran on has no file: its registry's port is read from the images its recorded services name, the one
 * address that matters to them (the rest were only ever in an exported environment).
 */
export function readRecordedPorts(dir: string, state: SandboxState): RecordedPorts {
  const file = join(dir, FILE);
  if (!existsSync(file)) {
    const registry = registryPortOfImages(state);
    return registry === undefined ? {} : { registry };
  }
  try {
    const parsed = Recorded.safeParse(JSON.parse(readFileSync(file, 'utf8')));
    return parsed.success ? parsed.data : {};
  } catch {
    return {};
  }
}

/** The registry port most of the recorded services' images name, at the sandbox's own `127.0.0.1:<port>/<project key>/`. */
function registryPortOfImages(state: SandboxState): number | undefined {
  const own = new RegExp(`^127\\.0\\.0\\.1:(\\d+)/${state.data.project.project_key}/`);
  const counts = new Map<number, number>();
  for (const service of [...Object.values(state.data.services).flat(), ...(state.data.projectServices ?? [])]) {
    const port = Number(own.exec(service.container?.image ?? '')?.[1] ?? 0);
    if (port > 0) counts.set(port, (counts.get(port) ?? 0) + 1);
  }
  return [...counts.entries()].sort((a, b) => b[1] - a[1])[0]?.[0];
}

/** Records the ports this run serves at, keeping those of listeners it does not run (a run without its registry). */
export function recordPorts(dir: string, ports: RecordedPorts, before: RecordedPorts): void {
  const file = join(dir, FILE);
  const temp = `${file}.${process.pid}.tmp`;
  writeFileSync(temp, `${JSON.stringify({ ...before, ...ports }, null, 2)}\n`);
  renameSync(temp, file);
}

/** Listens on `port` (0: any) of 127.0.0.1 and lets go; the port it got, or undefined when it is taken. */
async function tryPort(port: number): Promise<number | undefined> {
  const server = createServer();
  return new Promise((resolve) => {
    server.once('error', () => resolve(undefined));
    server.listen(port, '127.0.0.1', () => {
      const got = (server.address() as AddressInfo).port;
      server.close(() => resolve(got));
    });
  });
}

async function anyFreePort(): Promise<number> {
  const port = await tryPort(0);
  if (port === undefined) throw new Error('cannot listen on 127.0.0.1: no free port');
  return port;
}

export interface ChosenPort {
  readonly port: number;
  /** The recorded port this run could not take (something else listens there), when it moved. */
  readonly taken?: number;
}

/**
 * A listener's port: the one asked for (a flag or option), else the recorded one when it is free, else one the
 * OS picks (the first start, or the recorded one is taken).
 */
export async function choosePort(asked: number | undefined, recorded: number | undefined): Promise<ChosenPort> {
  if (asked) return { port: asked };
  if (recorded === undefined) return { port: await anyFreePort() };
  // A port just let go (the registry an earlier run left, stopped a moment ago) can take a moment to come free.
  for (let tries = 0; tries < 10; tries += 1) {
    if ((await tryPort(recorded)) === recorded) return { port: recorded };
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
  return { port: await anyFreePort(), taken: recorded };
}

/** `room/service` of each recorded service whose image is at `host`, the address the registry served at before. */
function servicesNamingHost(state: SandboxState, host: string): string[] {
  const named: string[] = [];
  const at = (image: string | undefined) => image?.startsWith(`${host}/`) ?? false;
  for (const [room, services] of Object.entries(state.data.services))
    for (const service of services) if (at(service.container?.image)) named.push(`${room}/${service.metadata.name}`);
  for (const service of state.data.projectServices ?? []) if (at(service.container?.image)) named.push(`(project)/${service.metadata.name}`);
  return named;
}

/** What moving a listener off its recorded port breaks, in a line the sandbox prints at its start. */
export function movedNotice(listener: Listener, moved: { from: number; to: number; taken: boolean }, state: SandboxState): string {
  const why = moved.taken ? `port ${moved.from} is taken` : `port ${moved.to} was given`;
  const head = `the ${listener === 'api' ? 'API' : listener} serves at 127.0.0.1:${moved.to}, not at 127.0.0.1:${moved.from} as the last run on this directory (${why})`;
  if (listener === 'api') return `${head}: an environment exported from that run names the old MESHAGENT_API_URL; export the variables printed now`;
  if (listener === 'router')
    return `${head}: an environment exported from that run names the old MESHAGENT_SANDBOX_ROUTER and MESHAGENT_SHIP_PROBE_ORIGIN; export the variables printed now`;
  const named = servicesNamingHost(state, `127.0.0.1:${moved.from}`);
  const change = `${head}, so the project registry and MESHAGENT_SANDBOX_REGISTRY change`;
  if (named.length === 0) return `${change}; no recorded service names an image at the old address`;
  return (
    `${change}: ${named.length} recorded service(s) name images at the old address (${named.join(', ')}), which the room runtime cannot ` +
    `pull; ship them again, or free port ${moved.from} and restart the sandbox`
  );
}
