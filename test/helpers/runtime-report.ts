// Reads the sandbox's runtime report (GET /_sandbox/runtime) until a service's container is ready.
import type { Sandbox } from '../../sandbox/server.js';
import type { RuntimeReportEntry } from '../../sandbox/runtime/report.js';

/**
 * The runtime's entry for service `name` once its container ran and its port answered; with `after`, only an entry
 * for another image than that one (the pull that followed it).
 */
export async function readyEntry(
  sandbox: Sandbox,
  name: string,
  options: { readonly after?: RuntimeReportEntry | undefined; readonly timeoutMs?: number } = {},
): Promise<RuntimeReportEntry> {
  const deadline = Date.now() + (options.timeoutMs ?? 90_000);
  for (;;) {
    const response = await fetch(`${sandbox.apiUrl}/_sandbox/runtime`, { headers: { authorization: `Bearer ${sandbox.apiKey}` } });
    const entry = ((await response.json()) as { services: RuntimeReportEntry[] }).services.find((s) => s.name === name);
    if (entry?.pull_to_ready_ms != null && (options.after === undefined || entry.image !== options.after.image)) return entry;
    if (Date.now() > deadline) throw new Error(`${name} did not get ready: ${JSON.stringify(entry)}`);
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
}
