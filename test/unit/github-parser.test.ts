/**
 * action.yml and every workflow, loaded by GitHub's own parser (@actions/workflow-parser) as the runner loads
 * them: any error it reports would stop `uses:` of the action or a workflow run before a step starts.
 */
import { readFileSync, readdirSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { actionErrors, workflowErrors } from '../helpers/github-parser.js';

const DIR = '.github/workflows';
const WORKFLOWS = readdirSync(DIR)
  .filter((f) => f.endsWith('.yml') || f.endsWith('.yaml'))
  .sort();

describe("GitHub's parser", () => {
  it('loads action.yml with no error', () => {
    expect(actionErrors('action.yml', readFileSync('action.yml', 'utf8'))).toEqual([]);
  });

  it.each(WORKFLOWS)('loads %s, with the local workflows it calls, with no error', async (file) => {
    expect(await workflowErrors(`${DIR}/${file}`, readFileSync(`${DIR}/${file}`, 'utf8'))).toEqual([]);
  });

  // The checks above are only worth something if the parser finds what the runner refuses.
  it('refuses an expression in an input description (the defect action.yml once had)', () => {
    const manifest = readFileSync('action.yml', 'utf8').replace(
      /(api-key:\n {4}description: >-\n {6})/,
      '$1MeshAgent API key, e.g. $' + '{{ secrets.MESHAGENT_API_KEY }}. ',
    );
    expect(manifest).toContain('secrets.MESHAGENT_API_KEY');
    expect(actionErrors('action.yml', manifest)).toEqual([expect.stringContaining("Unrecognized named-value: 'secrets'")]);
  });

  it('refuses an input that a called local workflow does not declare', async () => {
    const caller = 'on: push\njobs:\n  ship:\n    uses: ./.github/workflows/ship.yml\n    with:\n      no-such-input: x\n';
    expect(await workflowErrors('caller.yml', caller)).toEqual([expect.stringContaining('no-such-input is not defined in the referenced workflow')]);
  });
});
