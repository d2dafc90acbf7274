// The tag rules against the MeshAgent CLI's own answers: cli-tags.fixture.json holds 500 tags and what the CLI's
// `_parse_build_tag` (meshagent-cli image.py at f5163bc, run by Python 3.13) made of each: the parsed parts, or the
// error. The tags are drawn to reach its edges: whitespace of every kind around them (Python's str.strip), registry
// ports in digits of other scripts (str.isdigit), uppercase, empty parts, digests, long tags. Each must parse to the
// same parts, or fail with the same words (the value in the message is quoted here, raw there).
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { ShipError } from '../../src/errors.js';
import { parseImageTag } from '../../src/reference.js';

interface Case {
  readonly tag: string;
  readonly ok?: readonly [string, string | null, string, string | null];
  readonly error?: string;
}
const { cases } = JSON.parse(readFileSync(new URL('cli-tags.fixture.json', import.meta.url), 'utf8')) as { cases: Case[] };

/** What the parser made of a tag, in the fixture's terms; an error by its words before the value. */
function ours(tag: string): string {
  try {
    const parsed = parseImageTag(tag);
    return JSON.stringify([parsed.value, parsed.registry ?? null, parsed.repository, parsed.tag ?? null]);
  } catch (error) {
    if (!(error instanceof ShipError)) throw error;
    return error.message.split(': ')[0] ?? '';
  }
}

describe("the tag rules, against the MeshAgent CLI's answers", () => {
  it('parses every tag to the same parts, or refuses it with the same words', () => {
    expect(cases).toHaveLength(500);
    const differ = cases.filter((c) => ours(c.tag) !== (c.ok ? JSON.stringify(c.ok) : (c.error ?? '').split(': ')[0]));
    expect(differ.map((c) => c.tag)).toEqual([]);
    // Both outcomes are there to be agreed on.
    expect(cases.filter((c) => c.ok).length).toBeGreaterThan(50);
  });
});
