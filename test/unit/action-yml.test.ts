import { spawnSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { parse } from 'yaml';
import { describe, expect, it } from 'vitest';
import { INPUTS, OUTPUTS } from '../../src/inputs/spec.js';
import { VERSION } from '../../src/version.js';

interface ActionYml {
  runs: { using: string; main: string };
  branding: { icon: string; color: string };
  inputs: Record<string, { description: string; required: boolean; default?: string }>;
  outputs: Record<string, { description: string }>;
}

const action = parse(readFileSync('action.yml', 'utf8')) as ActionYml;

describe('action.yml', () => {
  it('runs the bundled action on node24', () => {
    expect(action.runs).toEqual({ using: 'node24', main: 'dist/index.js' });
    expect(action.branding.icon).toBeTruthy();
    expect(action.branding.color).toBeTruthy();
  });

  it('declares exactly the inputs the code reads, in the same order', () => {
    expect(Object.keys(action.inputs)).toEqual(INPUTS.map((input) => input.name));
  });

  it('agrees with the code on every default and on required', () => {
    for (const spec of INPUTS) {
      const declared = action.inputs[spec.name];
      expect(declared?.description.length, spec.name).toBeGreaterThan(10);
      expect(declared?.required, spec.name).toBe('required' in spec);
      // An input that falls back to a MESHAGENT_* variable must declare no default, or the fallback never applies.
      expect(declared?.default, spec.name).toBe('default' in spec ? spec.default : undefined);
      if ('env' in spec) expect(declared?.description, spec.name).toContain(spec.env);
    }
  });

  it('declares exactly the outputs the code writes', () => {
    expect(Object.keys(action.outputs)).toEqual(OUTPUTS.map((output) => output.name));
  });

  it('is versioned with package.json', () => {
    const pkg = JSON.parse(readFileSync('package.json', 'utf8')) as { version: string; type: string };
    expect(VERSION).toBe(pkg.version);
    expect(pkg.type).toBe('module');
  });
});

describe('README', () => {
  it('has the input and output tables of action.yml', () => {
    const run = spawnSync(process.execPath, ['scripts/docs.mjs', '--check'], { encoding: 'utf8' });
    expect(run.stderr).toBe('');
    expect(run.status).toBe(0);
  });

  it('gives the two commands, and .ci/run runs the same test command', () => {
    const readme = readFileSync('README.md', 'utf8');
    expect(readme).toContain('bash scripts/demo.sh');
    expect(readme).toContain('bash scripts/test.sh');
    expect(readFileSync('.ci/run', 'utf8')).toMatch(/^bash scripts\/test\.sh$/m);
  });
});
