/** Whether a host name (as URL.hostname gives it, IPv6 in brackets) is this machine: plain HTTP never leaves it. */
export function isLoopbackHost(host: string): boolean {
  return host === 'localhost' || /^127(?:\.\d{1,3}){3}$/.test(host) || host === '[::1]';
}
