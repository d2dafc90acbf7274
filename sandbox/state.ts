/**
 * The sandbox's state: one project, its API keys, repositories, repository tokens, rooms, services and routes.
 * Kept in memory and written to DIR/state.json after every change (write then rename, so a crash never leaves
 * half a file), so a restarted sandbox keeps everything.
 */
import { randomBytes, randomUUID } from 'node:crypto';
import { existsSync, readFileSync, renameSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import type { ProjectRecord, RepositoryRecord, RoomRecord } from './wire/accounts.js';
import type { RouteSpec } from './wire/route.js';
import type { ServiceSpec } from './wire/service.js';

/** What an API key may do beyond reading; the sandbox's main key may do everything. */
export type Permission = 'repositories:create' | 'rooms:create' | 'services:write' | 'routes:write';
export const ALL_PERMISSIONS: readonly Permission[] = ['repositories:create', 'rooms:create', 'services:write', 'routes:write'];

export interface ApiKeyRecord {
  readonly key: string;
  readonly permissions: readonly Permission[];
}

interface RepositoryTokenRecord {
  readonly token: string;
  /** `<project_key>/<repository>`, the registry repository the token grants. */
  readonly repository: string;
  readonly actions: readonly ('pull' | 'push')[];
  readonly expiresAt: number;
}

export interface SandboxData {
  readonly version: 1;
  project: ProjectRecord;
  apiKeys: ApiKeyRecord[];
  repositories: RepositoryRecord[];
  repositoryTokens: RepositoryTokenRecord[];
  rooms: RoomRecord[];
  /** Services by room name. */
  services: Record<string, ServiceSpec[]>;
  /** The project's services (in every room from its next session). Absent in older state. */
  projectServices?: ServiceSpec[];
  routes: RouteSpec[];
  /** Domains (lowercased) of routes stored flat, as before RouteSpec: answered in that form. Absent in older state. */
  legacyRoutes?: string[];
}

/** A UUID as MeshAgent writes it into an API key: URL-safe base64 of its bytes, unpadded, - as '.'. */
function encodeKeyUuid(uuid: string): string {
  return Buffer.from(uuid.replaceAll('-', ''), 'hex').toString('base64url').replaceAll('-', '.');
}

/** A new API key of the project in the real `ma-<keyid>-<projectid>-<secret>` shape. */
export function newApiKey(projectId: string): string {
  return `ma-${encodeKeyUuid(randomUUID())}-${encodeKeyUuid(projectId)}-${randomBytes(24).toString('base64url')}`;
}

function initialData(): SandboxData {
  const projectId = randomUUID();
  return {
    version: 1,
    project: { id: projectId, name: 'Sandbox', project_key: 'sandbox', owner_user_id: randomUUID(), created_at: new Date().toISOString() },
    apiKeys: [{ key: newApiKey(projectId), permissions: [...ALL_PERMISSIONS] }],
    repositories: [],
    repositoryTokens: [],
    rooms: [],
    services: {},
    routes: [],
  };
}

export class SandboxState {
  readonly data: SandboxData;
  private readonly file: string;

  constructor(dir: string) {
    this.file = join(dir, 'state.json');
    this.data = existsSync(this.file) ? (JSON.parse(readFileSync(this.file, 'utf8')) as SandboxData) : initialData();
    this.save();
  }

  /** The key the sandbox prints: it may do everything. */
  get mainApiKey(): string {
    const main = this.data.apiKeys[0];
    if (!main) throw new Error('sandbox state has no API key');
    return main.key;
  }

  /** Writes the state; called after every change. */
  save(): void {
    const temp = `${this.file}.${process.pid}.tmp`;
    writeFileSync(temp, JSON.stringify(this.data, null, 2));
    renameSync(temp, this.file);
  }
}
