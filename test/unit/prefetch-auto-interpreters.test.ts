// The kernel reads a program's ELF interpreter and a script's #! interpreter itself, so strace never shows them:
// prefetch auto adds them after the file that names them, resolved inside the unpacked root.
import { copyFileSync, mkdirSync, mkdtempSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { resolveInRoot, withInterpreters } from '../../src/prefetch-auto/interpreters.js';

const root = mkdtempSync(join(tmpdir(), 'interpreters-'));
afterAll(() => rmSync(root, { recursive: true, force: true }));

// A merged-/usr root: /bin and /lib64 link into /usr; a dynamic cat (this machine's) and a script run by /bin/sh.
mkdirSync(join(root, 'usr/bin'), { recursive: true });
mkdirSync(join(root, 'usr/lib64'), { recursive: true });
mkdirSync(join(root, 'app'));
mkdirSync(join(root, 'etc'));
symlinkSync('usr/bin', join(root, 'bin'));
symlinkSync('usr/lib64', join(root, 'lib64'));
copyFileSync('/usr/bin/cat', join(root, 'usr/bin/cat'));
copyFileSync('/bin/busybox', join(root, 'usr/bin/busybox'));
symlinkSync('/bin/busybox', join(root, 'usr/bin/sh'));
writeFileSync(join(root, 'app/start.sh'), '#!/bin/sh -e\nexec /bin/cat /app/data\n');
writeFileSync(join(root, 'app/data'), 'data\n');
writeFileSync(join(root, 'app/env-script'), '#!/usr/bin/env python3\n');
symlinkSync('/etc/loop-b', join(root, 'etc/loop-a'));
symlinkSync('/etc/loop-a', join(root, 'etc/loop-b'));
symlinkSync('/etc/hostname', join(root, 'app/escape'));

describe('the interpreters the kernel loads', () => {
  it('follows an executed ELF file with its dynamic loader, as the file names it', async () => {
    const paths = await withInterpreters(['/bin/cat', '/app/data'], new Set(['/bin/cat']), root);
    expect(paths).toEqual(['/bin/cat', '/lib64/ld-linux-x86-64.so.2', '/app/data']);
  });

  it('follows a script with its #! interpreter (a static busybox has no loader), and not a file only read', async () => {
    expect(await withInterpreters(['/app/start.sh'], new Set(['/app/start.sh']), root)).toEqual(['/app/start.sh', '/bin/sh']);
    expect(await withInterpreters(['/app/start.sh'], new Set(), root)).toEqual(['/app/start.sh']);
    expect(await withInterpreters(['/app/env-script'], new Set(['/app/env-script']), root)).toEqual(['/app/env-script', '/usr/bin/env']);
  });

  it('resolves links inside the root: absolute ones lead back into it, a loop or a missing file gives nothing', async () => {
    expect(await resolveInRoot(root, '/bin/sh')).toBe(join(root, 'usr/bin/busybox'));
    expect(await resolveInRoot(root, '/bin/../bin/cat')).toBe(join(root, 'usr/bin/cat'));
    expect(await resolveInRoot(root, '/etc/loop-a')).toBeUndefined();
    // /etc/hostname of this machine exists; in the root it does not.
    expect(await resolveInRoot(root, '/app/escape')).toBeUndefined();
    expect(await withInterpreters(['/app/escape'], new Set(['/app/escape']), root)).toEqual(['/app/escape']);
  });
});
