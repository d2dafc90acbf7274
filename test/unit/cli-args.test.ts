import { describe, expect, it } from 'vitest';
import { helpText, parseCliArgs } from '../../src/cli-args.js';
import { ShipError } from '../../src/errors.js';
import { INPUTS } from '../../src/inputs/spec.js';

describe('parseCliArgs', () => {
  it('maps flags to inputs of the same name', () => {
    const args = parseCliArgs(['plan', '--tag', 'app:1', '--room=dev', '--dry-run', '--no-deploy', '--public=false']);
    expect(args.command).toBe('plan');
    expect(args.inputs).toEqual({ tag: 'app:1', room: 'dev', 'dry-run': 'true', deploy: 'false', public: 'false' });
  });

  it('takes --no-wait for wait: false, and --wait alone or with a timeout', () => {
    expect(parseCliArgs(['ship', '--no-wait', '--room', 'dev']).inputs).toEqual({ wait: 'false', room: 'dev' });
    expect(parseCliArgs(['ship', '--wait', '--room', 'dev']).inputs).toEqual({ wait: 'true', room: 'dev' });
    expect(parseCliArgs(['ship', '--room', 'dev', '--wait']).inputs).toEqual({ room: 'dev', wait: 'true' });
    expect(parseCliArgs(['ship', '--wait', '90s']).inputs).toEqual({ wait: '90s' });
    expect(parseCliArgs(['ship', '--wait=false']).inputs).toEqual({ wait: 'false' });
    expect(() => parseCliArgs(['ship', '--no-wait=1'])).toThrow('unknown option --no-wait');
    expect(helpText()).toContain('--wait [VALUE], --no-wait');
  });

  it('adds a line for each repeated list flag and keeps the last single value', () => {
    const args = parseCliArgs(['plan', '--env', 'A=1', '--env=B=2', '--tag', 'a:1', '--tag', 'b:2']);
    expect(args.inputs).toEqual({ env: 'A=1\nB=2', tag: 'b:2' });
  });

  it('reads --json, --help, -h, --version and positionals', () => {
    expect(parseCliArgs(['plan', '--json'])).toMatchObject({ json: true, command: 'plan' });
    expect(parseCliArgs(['-h']).help).toBe(true);
    expect(parseCliArgs(['--help']).help).toBe(true);
    expect(parseCliArgs(['--version']).version).toBe(true);
    expect(parseCliArgs(['convert', 'a', '--', '--b'])).toMatchObject({ command: 'convert', positionals: ['a', '--b'] });
  });

  it('refuses a true or false after a boolean switch, which would have turned the switch on', () => {
    // `--deploy false` read as --deploy (true) and a stray argument would deploy where the user said not to.
    for (const [argv, flag] of [
      [['ship', '--deploy', 'false', '--tag', 'a:1'], 'deploy'],
      [['plan', '--push', 'False'], 'push'],
      [['ship', '--cache', 'true'], 'cache'],
      [['teardown', '--room', 'r', '--tags', 'false'], 'tags'],
      [['sandbox', '--runtime', 'no'], 'runtime'],
    ] as const) {
      const error = (() => {
        try {
          parseCliArgs(argv);
        } catch (thrown) {
          return thrown;
        }
        return undefined;
      })();
      expect(error).toBeInstanceOf(ShipError);
      expect((error as ShipError).message).toBe(`--${flag} takes no value: "${argv.at(flag === 'deploy' ? 2 : -1)}" follows it`);
      expect((error as ShipError).hint).toBe(`write --${flag}=${flag === 'cache' ? 'true' : 'false'}, or --${flag} / --no-${flag}`);
    }
    expect(parseCliArgs(['ship', '--deploy=false']).inputs).toEqual({ deploy: 'false' });
    // Only right after the switch: a word elsewhere is the command's own argument.
    expect(parseCliArgs(['convert', 'oci:a', 'false', '--prefetch', 'x']).positionals).toEqual(['oci:a', 'false']);
  });

  it('refuses an argument ship and plan do not take, such as a second room after a space', () => {
    expect(() => parseCliArgs(['ship', '--room', 'dev', 'staging'])).toThrow('ship takes no arguments, and got "staging"');
    expect(() => parseCliArgs(['plan', '--tag', 'a:1', '--', 'x'])).toThrow('plan takes no arguments, and got "x"');
  });

  it('gives each command its own options, and action inputs only to those that take them', () => {
    expect(parseCliArgs(['sandbox', '--dir', '/tmp/s', '--port=8080', '--no-registry']).options).toEqual({ dir: '/tmp/s', port: '8080', registry: 'false' });
    expect(() => parseCliArgs(['sandbox', '--tag', 'a:1'])).toThrow('unknown option --tag');
    expect(() => parseCliArgs(['plan', '--dir', 'x'])).toThrow('unknown option --dir');
    expect(() => parseCliArgs(['launch'])).toThrow('unknown command launch');
  });

  it.each([
    [['plan', '--nope'], 'unknown option --nope'],
    [['plan', '-x'], 'unknown option -x'],
    [['plan', '--tag'], '--tag needs a value'],
    [['plan', '--no-tag'], 'unknown option --no-tag'],
    [['plan', '--no-dry-run=1'], 'unknown option --no-dry-run'],
  ])('rejects %j', (argv, message) => {
    let thrown: unknown;
    try {
      parseCliArgs(argv);
    } catch (error) {
      thrown = error;
    }
    expect(thrown).toBeInstanceOf(ShipError);
    expect((thrown as ShipError).message).toBe(message);
    expect((thrown as ShipError).hint).toBe('see meshagent-ship --help');
  });

  it('never takes the API key from argv', () => {
    expect(() => parseCliArgs(['plan', '--api-key', 'ma-x'])).toThrow(/not accepted on the command line/);
    try {
      parseCliArgs(['plan', '--api-key=ma-x']);
      throw new Error('expected a refusal');
    } catch (error) {
      expect((error as ShipError).hint).toBe('set MESHAGENT_API_KEY in the environment instead');
    }
  });

  it('documents every input but the secret ones as a flag', () => {
    const help = helpText();
    for (const input of INPUTS) {
      if ('secret' in input) {
        expect(help).not.toContain(`--${input.name}`);
        expect(help).toContain(`${input.env} (environment)`);
      } else expect(help).toContain(`--${input.name}`);
    }
  });
});
