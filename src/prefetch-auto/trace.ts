/**
 * Reads the file accesses strace recorded (`strace -f -ff -ttt -e trace=%file,%process -o DIR/trace`: one file per
 * process, each line stamped) into the files the service read, in the order it first opened them. Only what a
 * process did inside the image's root counts: in the process that entered it, the lines before its `chroot` are the
 * launcher's own. Failed calls, directories, files opened only to write, and /proc, /dev and /sys are left out.
 */
import { readdir, readFile } from 'node:fs/promises';
import { join, posix } from 'node:path';

/** The calls that read a file's content (a stat needs only the TOC's metadata, which a lazy pull has anyway). */
const OPENING = new Set(['open', 'openat', 'openat2', 'execve', 'execveat', 'uselib']);
/** Calls whose first string is relative to a directory descriptor given before it. */
const AT_CALLS = new Set(['openat', 'openat2', 'execveat']);
const KERNEL_TREES = ['proc', 'dev', 'sys'];

/** `1700000000.123456 openat(AT_FDCWD, "/etc/x", O_RDONLY) = 3` (the result may be `-1 ENOENT (...)`). */
const LINE = /^(\d+\.\d+) (\w+)\((.*)\) += (-?\d+)/;
/** A C string as strace prints it (escapes kept). */
const STRING = /"((?:[^"\\]|\\.)*)"/;

const EXECUTING = new Set(['execve', 'execveat']);

interface Access {
  readonly at: number;
  readonly path: string;
  readonly executed: boolean;
}

/** What the service opened: files, absolute, in the order of first opening, each once; and which it executed. */
export interface Opened {
  readonly paths: string[];
  readonly executed: ReadonlySet<string>;
}

/** The files opened by the traced processes. `workDir`: where processes start. */
export async function readTrace(dir: string, workDir: string): Promise<Opened> {
  const accesses: Access[] = [];
  for (const name of (await readdir(dir)).filter((n) => n.startsWith('trace.'))) {
    accesses.push(...parseProcessTrace(await readFile(join(dir, name), 'utf8'), workDir));
  }
  accesses.sort((a, b) => a.at - b.at);
  return { paths: [...new Set(accesses.map((a) => a.path))], executed: new Set(accesses.filter((a) => a.executed).map((a) => a.path)) };
}

/** One process's lines into its openings. */
function parseProcessTrace(text: string, workDir: string): Access[] {
  const lines = text.split('\n');
  // The launcher enters the root with chroot; a process that never did was started inside it.
  const entered = lines.findIndex((line) => / chroot\(/.test(line) && / = 0$/.test(line));
  let cwd = posix.resolve('/', workDir);
  const out: Access[] = [];
  for (const line of lines.slice(entered + 1)) {
    const match = LINE.exec(line);
    if (!match) continue;
    const [, at, call, args, result] = match as unknown as [string, string, string, string, string];
    if (Number(result) < 0) continue;
    const quoted = STRING.exec(args);
    if (!quoted) continue;
    const path = unescape(quoted[1] as string);
    if (call === 'chdir') {
      cwd = posix.resolve(cwd, path);
      continue;
    }
    if (!OPENING.has(call)) continue;
    if (/O_DIRECTORY|O_WRONLY|O_CREAT|O_PATH/.test(args)) continue;
    // Relative to a directory other than the working one: which one is not in the trace.
    if (!path.startsWith('/') && AT_CALLS.has(call) && !args.startsWith('AT_FDCWD')) continue;
    const absolute = posix.resolve(cwd, path);
    if (KERNEL_TREES.some((tree) => absolute === `/${tree}` || absolute.startsWith(`/${tree}/`))) continue;
    out.push({ at: Number(at), path: absolute, executed: EXECUTING.has(call) });
  }
  return out;
}

/** strace's C escapes (\n, \t, \", \\, \ooo octal, \xHH) back to the bytes they stand for, as UTF-8. */
function unescape(text: string): string {
  const bytes: number[] = [];
  const named: Record<string, number> = { n: 10, t: 9, r: 13, v: 11, f: 12, '"': 34, '\\': 92 };
  for (let i = 0; i < text.length; i += 1) {
    const char = text[i] as string;
    if (char !== '\\') {
      bytes.push(...Buffer.from(char, 'utf8'));
      continue;
    }
    const next = text[i + 1] ?? '';
    const hex = /^x([0-9a-fA-F]{2})/.exec(text.slice(i + 1));
    const octal = /^[0-7]{1,3}/.exec(text.slice(i + 1));
    if (hex) {
      bytes.push(parseInt(hex[1] as string, 16));
      i += 3;
    } else if (octal) {
      bytes.push(parseInt(octal[0], 8));
      i += octal[0].length;
    } else {
      bytes.push(named[next] ?? next.charCodeAt(0));
      i += 1;
    }
  }
  return Buffer.from(bytes).toString('utf8');
}
