/**
 * Files the kernel reads itself when a program is executed, which no traced call shows: the ELF interpreter
 * (PT_INTERP, the dynamic loader, e.g. /lib64/ld-linux-x86-64.so.2) and a script's `#!` interpreter. They are read
 * from the unpacked root, each path resolved inside it (absolute links lead back into the root, never into this
 * machine), and put right after the file that named them.
 */
import { lstat, open, readlink } from 'node:fs/promises';
import { join, posix } from 'node:path';

/** Links followed while resolving one path, as the kernel's bound. */
const MAX_LINKS = 40;
/** A script interpreter may itself be a script: this many levels, as binfmt_script allows. */
const MAX_DEPTH = 4;
const PT_INTERP = 3;

/** `opened` in order, each executed file followed by the interpreters the kernel loaded for it; each path once. */
export async function withInterpreters(opened: readonly string[], executed: ReadonlySet<string>, root: string): Promise<string[]> {
  const out: string[] = [];
  for (const path of opened) {
    out.push(path);
    if (executed.has(path)) out.push(...(await interpretersOf(root, path, 0)));
  }
  return [...new Set(out)];
}

async function interpretersOf(root: string, path: string, depth: number): Promise<string[]> {
  if (depth >= MAX_DEPTH) return [];
  const interpreter = await interpreterOf(root, path).catch(() => undefined);
  if (!interpreter) return [];
  return [interpreter, ...(await interpretersOf(root, interpreter, depth + 1))];
}

/** The interpreter a file names (ELF PT_INTERP or `#!`), absolute; undefined for none. */
async function interpreterOf(root: string, path: string): Promise<string | undefined> {
  const host = await resolveInRoot(root, path);
  if (!host) return undefined;
  const file = await open(host, 'r');
  try {
    const head = Buffer.alloc(256);
    const { bytesRead } = await file.read(head, 0, head.length, 0);
    if (head.subarray(0, 2).toString('latin1') === '#!') {
      const line = head.subarray(2, bytesRead).toString('utf8').split('\n')[0] ?? '';
      const name = line.trim().split(/[ \t]+/)[0] ?? '';
      return name.startsWith('/') ? name : undefined;
    }
    if (bytesRead < 64 || head.readUInt32BE(0) !== 0x7f454c46) return undefined;
    const wide = head[4] === 2;
    const little = head[5] === 1;
    const u16 = (at: number) => (little ? head.readUInt16LE(at) : head.readUInt16BE(at));
    const u32 = (buf: Buffer, at: number) => (little ? buf.readUInt32LE(at) : buf.readUInt32BE(at));
    const u64 = (buf: Buffer, at: number) => Number(little ? buf.readBigUInt64LE(at) : buf.readBigUInt64BE(at));
    const phoff = wide ? u64(head, 0x20) : u32(head, 0x1c);
    const phentsize = u16(wide ? 0x36 : 0x2a);
    const phnum = u16(wide ? 0x38 : 0x2c);
    const table = Buffer.alloc(phentsize * phnum);
    await file.read(table, 0, table.length, phoff);
    for (let i = 0; i < phnum; i += 1) {
      const at = i * phentsize;
      if (u32(table, at) !== PT_INTERP) continue;
      const offset = wide ? u64(table, at + 0x08) : u32(table, at + 0x04);
      const size = Math.min(wide ? u64(table, at + 0x20) : u32(table, at + 0x10), 4096);
      const name = Buffer.alloc(size);
      await file.read(name, 0, size, offset);
      const text = name.toString('utf8').replace(/\0.*$/s, '');
      return text.startsWith('/') ? text : undefined;
    }
    return undefined;
  } finally {
    await file.close();
  }
}

/** Where `path` (absolute, as the process saw it) is under `root`, links followed inside the root; undefined if it is not there. */
export async function resolveInRoot(root: string, path: string): Promise<string | undefined> {
  let pending = path.split('/').filter((c) => c !== '' && c !== '.');
  const done: string[] = [];
  let links = 0;
  while (pending.length > 0) {
    const [name, ...rest] = pending as [string, ...string[]];
    pending = rest;
    if (name === '..') {
      done.pop();
      continue;
    }
    const host = join(root, ...done, name);
    const info = await lstat(host).catch(() => undefined);
    if (!info) return undefined;
    if (!info.isSymbolicLink()) {
      done.push(name);
      continue;
    }
    links += 1;
    if (links > MAX_LINKS) return undefined;
    const target = await readlink(host);
    if (target.startsWith('/')) done.length = 0;
    pending = [
      ...posix
        .normalize(target)
        .split('/')
        .filter((c) => c !== '' && c !== '.'),
      ...pending,
    ];
  }
  return join(root, ...done);
}
