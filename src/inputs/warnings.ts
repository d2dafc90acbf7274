/**
 * Likely mistakes in inputs that are valid: each is said as a warning before anything runs, so a run that does
 * something other than what was meant says so at its top.
 */
import { shown } from '../errors.js';
import type { ShipConfig } from './ship-config.js';
import { sendsInClear } from './value-parsers.js';

/** The one platform MeshAgent runs room services on. */
const MESHAGENT_PLATFORM = 'linux/amd64';

/** `VALUE,NAME=...`: another assignment after a comma (upper-case names, as variables are; a URL query is not one). */
const JOINED_ASSIGNMENT = /,\s*[A-Z_][A-Z0-9_]*=/;

/** The warnings for this config, in input order; `arch` is the machine's (process.arch), for a native build. */
export function inputWarnings(config: ShipConfig, arch: string = process.arch): string[] {
  const warnings: string[] = [];
  // Parsing refuses this unless MESHAGENT_SHIP_INSECURE_API=1 allowed it; allowed, it is still said.
  if (config.meshagent.apiKey !== '' && sendsInClear(config.meshagent.apiUrl)) {
    warnings.push(`api-url: ${config.meshagent.apiUrl} is plain http: the API key crosses the network unencrypted (MESHAGENT_SHIP_INSECURE_API=1)`);
  }
  for (const { name, value } of config.service.env ?? []) {
    if (JOINED_ASSIGNMENT.test(value)) {
      // The name only: an env value may be a secret that is not masked yet, and the name is enough to find the line.
      warnings.push(`env: the value of ${shown(name)} looks like several variables joined by commas (",NAME="); write one NAME=value per line`);
    }
  }
  const foreign = config.image.platforms.filter((platform) => platform !== MESHAGENT_PLATFORM);
  if (foreign.length > 0) {
    warnings.push(`platforms: MeshAgent runs ${MESHAGENT_PLATFORM} only; an image for ${foreign.join(', ')} does not start there`);
  } else if (config.image.platforms.length === 0 && config.image.source === undefined && arch !== 'x64') {
    warnings.push(`platforms: this machine is ${arch}, so the build makes a ${arch} image, which MeshAgent does not run; set platforms: ${MESHAGENT_PLATFORM}`);
  }
  return warnings;
}
