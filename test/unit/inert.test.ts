/** Text from outside never becomes a workflow command in the GitHub runner's log. */
import { afterEach, describe, expect, it, vi } from 'vitest';
import { inertLine, inertText } from '../../src/inert.js';
import { processIo } from '../../src/commands/io.js';
import { githubRunner } from '../../src/github-runner.js';
import { ConsoleRunner } from '../../src/runner.js';

const HOSTILE =
  'app:1\n::warning title=X::pwned\n  ::stop-commands::token\r\n##[error]old style\n##vso[task.setvariable]x\n' +
  '\u0085::add-mask::nel\ntag x ##[set-env name=A]b';
/**
 * A line the runner would execute, as its parsers read lines: `::` after a .NET TrimStart (which also trims
 * U+0085, unlike JavaScript's \s), or the old `##[` (and `##vso[`) anywhere in the line.
 */
const isCommand = (line: string) => /^[\s\u0085]*::/.test(line) || /##(vso)?\[/.test(line);

describe('inert text', () => {
  it('leaves ordinary lines alone, colons and hashes inside included', () => {
    expect(inertLine('tag a::b ## c')).toBe('tag a::b ## c');
  });

  it('breaks every command marker at a line start, keeping the text readable', () => {
    const lines = inertText(HOSTILE).split('\n');
    expect(lines).toHaveLength(7);
    expect(lines.filter(isCommand)).toEqual([]);
    expect(lines.map((l) => l.replace(/\u200b/g, ''))).toEqual([
      'app:1',
      '::warning title=X::pwned',
      '  ::stop-commands::token',
      '##[error]old style',
      '##vso[task.setvariable]x',
      '\u0085::add-mask::nel',
      'tag x ##[set-env name=A]b',
    ]);
  });

  it('breaks an old-style marker in the middle of a line, every time it occurs', () => {
    const line = inertLine('a ##[error]x then ##vso[task]y and ##[warning]z');
    expect(isCommand(line)).toBe(false);
    expect(line.replace(/\u200b/g, '')).toBe('a ##[error]x then ##vso[task]y and ##[warning]z');
  });
});

describe('the GitHub runner', () => {
  afterEach(() => vi.restoreAllMocks());

  it('prints hostile info and group titles as plain text', async () => {
    const written: string[] = [];
    vi.spyOn(process.stdout, 'write').mockImplementation((chunk) => (written.push(String(chunk)), true));
    const runner = githubRunner();
    runner.info(`tag ${HOSTILE}`);
    await runner.group(`Push ${HOSTILE}`, async () => undefined);
    runner.warning(`bad ${HOSTILE}`);
    const lines = written.join('').split(/\r?\n/);
    // Only the runner's own commands: the group's start and end, and the warning (its newlines escaped as %0A).
    expect(lines.filter(isCommand).map((l) => l.split('::')[1])).toEqual(['group', 'endgroup', 'warning']);
    expect(lines.find((l) => l.startsWith('::warning'))).toContain('%0A');
  });

  it('fails with an error annotation titled by the stage, its newlines escaped, and exit code 1', () => {
    const written: string[] = [];
    vi.spyOn(process.stdout, 'write').mockImplementation((chunk) => (written.push(String(chunk)), true));
    const before = process.exitCode;
    try {
      githubRunner().fail(`push failed\n::stop-commands::x`, 'meshagent-ship: push');
      expect(process.exitCode).toBe(1);
    } finally {
      process.exitCode = before;
    }
    const lines = written.join('').split(/\r?\n/).filter(isCommand);
    expect(lines).toEqual(['::error title=meshagent-ship%3A push::push failed%0A::stop-commands::x']);
  });

  it('makes console lines inert too (the CLI may run inside a step)', () => {
    const runner = new ConsoleRunner({ stdout: () => undefined, stderr: () => undefined });
    runner.info(HOSTILE);
    expect(runner.lines.join('\n').split('\n').filter(isCommand)).toEqual([]);
  });

  it('makes the command-line output inert on stdout and stderr', () => {
    const written: string[] = [];
    vi.spyOn(process.stdout, 'write').mockImplementation((chunk) => (written.push(String(chunk)), true));
    vi.spyOn(process.stderr, 'write').mockImplementation((chunk) => (written.push(String(chunk)), true));
    processIo.stdout(`${HOSTILE}\n`);
    processIo.stderr(`meshagent-ship: ${HOSTILE}\n`);
    const lines = written.join('').split('\n');
    expect(lines).toHaveLength(15);
    expect(lines.filter(isCommand)).toEqual([]);
  });
});
