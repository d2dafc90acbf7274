/** Registries the push and pull commands reach over plain HTTP although they are not loopback. */

/** Hosts reached over plain HTTP although not loopback: MESHAGENT_SHIP_INSECURE_REGISTRIES, comma-separated. */
export function insecureRegistries(env: Readonly<Record<string, string | undefined>>): string[] {
  return (env.MESHAGENT_SHIP_INSECURE_REGISTRIES ?? '')
    .split(',')
    .map((s) => s.trim())
    .filter(Boolean);
}
