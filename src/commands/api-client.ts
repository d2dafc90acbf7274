/**
 * The MeshAgent client of a command that reads or changes a project outside a ship (teardown, the services
 * command's comparison with what is deployed): the key from MESHAGENT_API_KEY only, never from argv.
 */
import { ShipError } from '../errors.js';
import { MeshagentClient } from '../meshagent/client.js';
import { checkApiUrl, projectIdFromApiKey, sendsInClear, unusableApiKey } from '../inputs/value-parsers.js';

type Env = Readonly<Record<string, string | undefined>>;

export interface ApiClientOptions {
  /** What needs the key, for the error when it is missing (e.g. `teardown`). */
  readonly command: string;
  readonly apiUrl?: string | undefined;
  readonly projectId?: string | undefined;
  readonly mask: (secret: string) => void;
  readonly log?: (line: string) => void;
}

/** The API URL in use: the option, else MESHAGENT_API_URL, else the default; checked as the action's input is. */
export function apiUrlOf(options: { readonly apiUrl?: string | undefined }, env: Env): string {
  const { value: apiUrl, problem } = checkApiUrl(options.apiUrl ?? env.MESHAGENT_API_URL ?? '');
  if (problem) throw new ShipError(problem.message, { input: 'api-url', hint: problem.hint });
  if (sendsInClear(apiUrl)) throw new ShipError(`api-url ${apiUrl} is plain http to a host that is not loopback`, { input: 'api-url', hint: 'use https' });
  return apiUrl;
}

/** True when MESHAGENT_API_KEY holds a key. */
export function hasApiKey(env: Env): boolean {
  return (env.MESHAGENT_API_KEY ?? '').trim() !== '';
}

export function apiClient(options: ApiClientOptions, env: Env): MeshagentClient {
  const apiKey = (env.MESHAGENT_API_KEY ?? '').trim();
  if (apiKey === '') throw new ShipError(`${options.command} needs the MeshAgent API key`, { input: 'api-key', hint: 'set MESHAGENT_API_KEY' });
  const unusable = unusableApiKey(apiKey);
  if (unusable) throw new ShipError(unusable.message, { input: 'api-key', hint: unusable.hint });
  options.mask(apiKey);
  const apiUrl = apiUrlOf(options, env);
  // An empty variable (a workflow input left empty) is no project id: the key's own is used.
  const projectId = options.projectId || env.MESHAGENT_PROJECT_ID?.trim() || projectIdFromApiKey(apiKey);
  if (!projectId) throw new ShipError('the project id is unknown', { input: 'project-id', hint: 'set MESHAGENT_PROJECT_ID or --project-id' });
  const log = options.log;
  return new MeshagentClient({ apiUrl, apiKey, projectId, mask: options.mask, ...(log ? { http: { log } } : {}) });
}
