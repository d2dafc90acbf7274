// prefetch: auto needs root. Not root, it goes through `sudo -n` (as on GitHub's ubuntu runners); when that fails,
// the ship goes on without a recording and says why. The decision on its own, then a real run of the CLI as the
// user nobody on this machine (setpriv), where sudo asks a password or is not there at all.
import { execFileSync, spawnSync } from 'node:child_process';
import { chmodSync, mkdirSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { cannotRunPrivileged, privileged } from '../../src/prefetch-auto/privileged.js';
import { writeImageLayout } from '../helpers/image-layout.js';
import { buildTar } from '../helpers/tar-builder.js';

const ROOT = join(import.meta.dirname, '../..');
const dirs: string[] = [];
afterAll(() => dirs.forEach((d) => rmSync(d, { recursive: true, force: true })));

describe('running the recorder as root', () => {
  it('runs commands as they are for root, under sudo -n for anyone else', () => {
    expect(privileged(['unshare', '--net'], { uid: 0 })).toEqual(['unshare', '--net']);
    expect(privileged(['unshare', '--net'], { uid: 1001, name: 'runner' })).toEqual(['sudo', '-n', 'unshare', '--net']);
  });

  it('asks sudo nothing as root, and takes a sudo that needs no password', async () => {
    let asked = 0;
    const sudo = async () => {
      asked += 1;
      return { kind: 'ran', code: 0, stderr: '' } as const;
    };
    expect(await cannotRunPrivileged(sudo, { uid: 0 })).toBeUndefined();
    expect(asked).toBe(0);
    expect(await cannotRunPrivileged(sudo, { uid: 1001, name: 'runner' })).toBeUndefined();
    expect(asked).toBe(1);
  });

  it('says who it runs as, what sudo said, and what to do, when sudo -n fails or is missing', async () => {
    const refused = await cannotRunPrivileged(async () => ({ kind: 'ran', code: 1, stderr: 'sudo: a password is required\n' }), { uid: 1001, name: 'dev' });
    expect(refused).toBe(
      "it needs root: this runs as dev (uid 1001), not root, and `sudo -n true` failed (sudo: a password is required) (run as root, or allow this user sudo without a password, as GitHub's ubuntu runners do)",
    );
    const silent = await cannotRunPrivileged(async () => ({ kind: 'ran', code: 1, stderr: '' }), { uid: 1001 });
    expect(silent).toContain('this runs as uid 1001, not root, and `sudo -n true` failed with code 1');
    const missing = await cannotRunPrivileged(async () => ({ kind: 'missing' }), { uid: 1001 });
    expect(missing).toContain('sudo is not installed (run as root, or install sudo and allow this user to use it without a password)');
  });
});

function commandExists(name: string): boolean {
  return spawnSync('sh', ['-c', `command -v ${name}`]).status === 0;
}

/** Whether the user nobody may use sudo without a password here (then it would record, and this test is moot). */
function nobodyHasSudo(): boolean {
  return spawnSync('setpriv', ['--reuid=nobody', '--regid=nogroup', '--clear-groups', 'sudo', '-n', 'true']).status === 0;
}

const canSwitch = process.getuid?.() === 0 && commandExists('setpriv') && commandExists('strace') && commandExists('unshare');

describe('convert --prefetch auto as a user without root', () => {
  it('can switch to the user nobody, who may not use sudo without a password, here', () => {
    expect(canSwitch).toBe(true);
    expect(nobodyHasSudo()).toBe(false);
  });

  it('converts without a recording and says why: sudo -n refused, or no sudo', () => {
    const work = mkdtempSync(join(tmpdir(), 'prefetch-auto-nobody-'));
    dirs.push(work);
    chmodSync(work, 0o755);
    const src = join(work, 'src');
    writeImageLayout(src, [
      {
        platform: { os: 'linux', architecture: 'amd64' },
        layers: [
          buildTar([
            { name: 'bin/', type: '5' },
            { name: 'bin/busybox', data: readFileSync('/bin/busybox'), mode: 0o755 },
          ]),
        ],
        gzip: true,
        config: { Entrypoint: ['/bin/busybox', 'httpd', '-f', '-p', '8080'], ExposedPorts: { '8080/tcp': {} } },
      },
    ]);
    execFileSync('chmod', ['-R', 'a+rX', src]);
    const out = join(work, 'out');
    mkdirSync(out);
    chmodSync(out, 0o777);
    const result = spawnSync(
      'setpriv',
      [
        '--reuid=nobody',
        '--regid=nogroup',
        '--clear-groups',
        process.execPath,
        join(ROOT, 'dist/cli.js'),
        'convert',
        `oci:${src}`,
        `oci:${join(out, 'image')}`,
        '--prefetch',
        'auto',
      ],
      { encoding: 'utf8', timeout: 60_000, env: { PATH: process.env.PATH ?? '/usr/bin:/bin', USER: 'nobody', TMPDIR: '/tmp' } },
    );
    expect(result.status, result.stderr).toBe(0);
    const reason = commandExists('sudo') ? /`sudo -n true` failed \(sudo: a password is required\)/ : /sudo is not installed/;
    expect(result.stderr).toMatch(
      /prefetch auto: nothing recorded, fell back to the explicit list: it needs root: this runs as nobody \(uid 65534\), not root, and /,
    );
    expect(result.stderr).toMatch(reason);
    expect(result.stdout).toContain('Converted to eStargz');
  });
});
