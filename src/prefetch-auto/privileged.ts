/**
 * Commands that need root (chroot, namespaces, mounts): as they are when this process is root, else under
 * `sudo -n` (GitHub's ubuntu runners allow it without a password; elsewhere it fails at once instead of asking).
 */
export function privileged(argv: readonly string[]): string[] {
  return process.getuid?.() === 0 ? [...argv] : ['sudo', '-n', ...argv];
}
