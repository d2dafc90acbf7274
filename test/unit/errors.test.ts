// A user's value inside an error message stays on one line, and shows what it really holds.
import { describe, expect, it } from 'vitest';
import { InputErrors, quoted, shown } from '../../src/errors.js';
import { readConfig } from '../../src/inputs/parse-config.js';
import { parseImageTag } from '../../src/reference.js';
import { ConsoleRunner } from '../../src/runner.js';
import { API_KEY } from '../fixtures.js';

describe('quoted', () => {
  it('escapes line breaks, controls, quotes and invisible or direction marks', () => {
    expect(quoted('a\nb\r\tc"d\\e')).toBe('"a\\nb\\r\\tc\\"d\\\\e"');
    expect(quoted('x\u0000\u001b[31m\u007f\u0085')).toBe('"x\\u0000\\u001b[31m\\u007f\\u0085"');
    expect(quoted('abc\u202egnp.exe\u200b\u2028\ufeff')).toBe('"abc\\u202egnp.exe\\u200b\\u2028\\ufeff"');
  });

  it('cuts long values by characters, never inside a surrogate pair', () => {
    expect(quoted('é'.repeat(50), 10)).toBe(`"${'é'.repeat(7)}..."`);
    expect(quoted('😀'.repeat(20), 5)).toBe('"😀😀..."');
  });
});

describe('shown', () => {
  it('leaves a plain value as the MeshAgent CLI prints it', () => {
    expect(shown('registry.example.com/Bad/Name:1')).toBe('registry.example.com/Bad/Name:1');
    expect(shown('café:1')).toBe('café:1');
  });

  it('quotes a value with spaces, line breaks or hidden characters', () => {
    expect(shown(' app:1')).toBe('" app:1"');
    expect(shown('app:1\n::warning::x')).toBe('"app:1\\n::warning::x"');
    expect(shown('app\u202e:1')).toBe('"app\\u202e:1"');
    expect(shown('')).toBe('""');
  });
});

describe('errors about hostile inputs', () => {
  const hostile = 'app:1\n::warning title=X::pwned\u001b[2K';

  it('name the tag on one line, escaped', () => {
    expect(() => parseImageTag(hostile, 'tag')).toThrow('invalid OCI image tag: "app:1\\n::warning title=X::pwned\\u001b[2K"');
  });

  it('keep every input error message on one line', () => {
    const inputs = { 'api-key': API_KEY, tag: hostile, room: 'Dev\nroom', 'project-id': 'p\u202e', builder: 'x\ny', 'validation-mode': 'a\nb' };
    let messages: string[] = [];
    try {
      readConfig(new ConsoleRunner({ inputs, stdout: () => {}, stderr: () => {} }));
    } catch (error) {
      messages = (error as InputErrors).errors.map((e) => e.message);
    }
    expect(messages).toHaveLength(5);
    // An escape or a bidi control in a message is exactly what the test looks for.
    // eslint-disable-next-line no-control-regex
    for (const message of messages) expect(message).not.toMatch(/[\n\r\u001b\u202e]/);
  });
});
