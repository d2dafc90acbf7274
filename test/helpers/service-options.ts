// Service options as the inputs give them when only the defaults are set; tests override what they are about.
import type { ServiceOptions } from '../../src/meshagent/service-options.js';

export const serviceOptions = (over: Partial<ServiceOptions> = {}): ServiceOptions => ({
  env: undefined,
  envSecrets: undefined,
  runAs: undefined,
  meshagentToken: undefined,
  identity: undefined,
  roomMounts: undefined,
  imageMounts: undefined,
  emptyDirMounts: undefined,
  ports: undefined,
  liveness: undefined,
  public: false,
  domain: undefined,
  validationMode: 'default',
  template: 'agent',
  ...over,
});
