// docs/summary-example.md is the job summary of a real run: the demo's result (docs/summary-example.json, written by
// `bash scripts/demo.sh --json`) rendered by the summary code. This keeps the committed example in step with the code:
// after a change to the summary, regenerate it with UPDATE_SUMMARY_EXAMPLE=1 and read the difference.
import { readFileSync, writeFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import type { ShipResult } from '../../src/report/result.js';
import { renderSummary } from '../../src/report/summary.js';

const result = JSON.parse(readFileSync('docs/summary-example.json', 'utf8')) as ShipResult;
const header = '<!-- The job summary of `bash scripts/demo.sh`, from docs/summary-example.json; test/unit/summary-example.test.ts checks it. -->\n\n';

describe('docs/summary-example.md', () => {
  it('is the summary the code renders for the recorded result of a real run', () => {
    const rendered = header + renderSummary(result);
    if (process.env.UPDATE_SUMMARY_EXAMPLE === '1') writeFileSync('docs/summary-example.md', rendered);
    expect(readFileSync('docs/summary-example.md', 'utf8')).toBe(rendered);
  });

  it('comes from a run that shipped and waited: every stage done, the rollout ready, then the service URL, at the top', () => {
    expect(result.status).toBe('shipped');
    expect(result.stages.every((stage) => stage.status === 'done')).toBe(true);
    expect(result.rollout?.outcome).toBe('ready');
    const lines = renderSummary(result).split('\n');
    expect(lines[2]).toMatch(/^\*\*Rollout:\*\* ✅ ready in /);
    expect(lines[4]).toBe(`**Service URL:** [${result.service?.url}](${result.service?.url})`);
  });
});
