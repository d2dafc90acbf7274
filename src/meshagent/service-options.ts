/**
 * What a deploy may set on a room service, besides its image: the environment, the run-as account and its token,
 * mounts, ports, the liveness path, public access, the domain, request validation and the container template. The
 * inputs are parsed into these; the spec builder reads them. Each kind left undefined keeps what the service has.
 */

export interface EnvVar {
  readonly name: string;
  readonly value: string;
}
export interface EnvSecret {
  readonly name: string;
  readonly secretId: string;
}
export interface RoomMount {
  readonly path: string;
  /** The room storage folder; absent for the whole room (source `.` or `/`). */
  readonly subpath: string | undefined;
  readonly readOnly: boolean;
}
export interface ImageMount {
  readonly image: string;
  readonly path: string;
  readonly readOnly: boolean;
}
export interface EmptyDirMount {
  readonly path: string;
  readonly readOnly: boolean;
}
export interface PortOption {
  readonly num: number;
  readonly type: 'http' | 'tcp';
}
/**
 * One more path on the service's domain (`--extra-port TARGET:/path`): routed to a port of the room (a number), or
 * to a service of the room by name or id, alone (`SERVICE`) or with its port (`SERVICE:PORT`).
 */
export interface ExtraRoutePort {
  readonly target: number | string;
  /** Starts with `/`; never `/` itself. */
  readonly path: string;
}
/** The participant token's scope: a named preset, or an ApiScope object given as JSON. */
export type TokenScopeOption = { readonly preset: 'userDefault' | 'agentDefault' | 'full' } | { readonly scope: Readonly<Record<string, unknown>> };

/** The service template inputs, as given: read and rendered at deploy time. */
export interface TemplateInputs {
  /** The template's path; undefined: `.meshagent/deploy.yaml` in the context, when it exists. */
  readonly path: string | undefined;
  /** A YAML map of values. */
  readonly valuesFile: string | undefined;
  /** `set` lines, over the values file. */
  readonly set: Readonly<Record<string, string>>;
}

export interface ServiceOptions {
  /** undefined: keep the service's environment; a list (even empty with envSecrets) replaces it. */
  readonly env: readonly EnvVar[] | undefined;
  readonly envSecrets: readonly EnvSecret[] | undefined;
  readonly runAs: string | undefined;
  readonly meshagentToken: TokenScopeOption | undefined;
  readonly identity: string | undefined;
  /** undefined: keep the service's mounts of that kind. */
  readonly roomMounts: readonly RoomMount[] | undefined;
  readonly imageMounts: readonly ImageMount[] | undefined;
  readonly emptyDirMounts: readonly EmptyDirMount[] | undefined;
  /** undefined: the existing service's ports, else the image's exposed ports. */
  readonly ports: readonly PortOption[] | undefined;
  readonly liveness: string | undefined;
  readonly public: boolean;
  readonly domain: string | undefined;
  /** More paths on the domain, after `/` (none when left out). */
  readonly extraPorts?: readonly ExtraRoutePort[];
  readonly validationMode: 'default' | 'cookie' | 'none';
  readonly template: 'agent' | 'none';
  /** Kept in the service's annotations for change detection; undefined removes an old one. */
  readonly inputsDigest?: string | undefined;
}
