// The summary helpers with hostile values, rendered as GitHub renders a summary (GFM: tables and autolinks, HTML
// allowed): no value may add an element, a link or a table cell, and placeholders such as <registry> stay visible.
import { describe, expect, it } from 'vitest';
import { cell, code, codeBlock, link, prose, text } from '../../src/report/markdown.js';
import { renderGfm as render, renderGfmInline as inline } from '../helpers/gfm.js';

/** The HTML tags a rendering holds, by name. */
function tags(html: string): string[] {
  return [...html.matchAll(/<([a-z][a-z0-9]*)/gi)].map((m) => m[1]!.toLowerCase());
}

const HOSTILE = [
  '<img src=x onerror=alert(1)>',
  '<a href="https://evil.example">click</a>',
  '[click](javascript:alert(1))',
  '![x](https://evil.example/x.png)',
  '<script>alert(1)</script>',
  '&lt;already escaped&gt;',
  'a | b | c',
  'line one\n::warning::two\r\nthree',
  '`code` and ``more``',
  '\\[escaped\\]',
  'bare https://evil.example/x, ftp://evil.example and HTTP://EVIL.EXAMPLE',
  'www.evil.example and WWW.evil.example/path and _www.evil.example_ and foo_www.evil.example',
  'mail someone@evil.example or mailto:a@evil.example',
  '*em* _em_ **strong** ~~struck~~ snake_case_name',
];

describe('text', () => {
  it.each(HOSTILE)('renders %j as the same characters, with no element', (value) => {
    const html = inline(text(value.replace(/\s+/g, ' ')));
    expect(tags(html)).toEqual([]);
    // The text a reader sees is the value itself.
    expect(decode(html)).toBe(value.replace(/\s+/g, ' '));
  });

  it('keeps a <placeholder> visible instead of taking it for HTML', () => {
    expect(decode(inline(text('use <registry>/<project-key>/<repository>:<tag>')))).toBe('use <registry>/<project-key>/<repository>:<tag>');
  });
});

describe('prose', () => {
  it('keeps code spans code and escapes the text between them', () => {
    const html = inline(prose('run `docker save <image>` then use <registry>/x'));
    expect(html).toBe('run <code>docker save &lt;image&gt;</code> then use &lt;registry&gt;/x');
  });

  it('cannot be made to open a code span by a stray backtick', () => {
    expect(tags(inline(prose('a ` <b>bold</b>')))).toEqual([]);
  });
});

describe('cell', () => {
  it.each(HOSTILE)('keeps %j inside one cell of a two-column table', (value) => {
    const html = render(`| a | b |\n| --- | --- |\n| ${cell(value)} | end |\n`);
    const row = html.split('<tbody>')[1]!;
    expect(row.match(/<td>/g)).toHaveLength(2);
    expect(tags(row).filter((t) => t !== 'tr' && t !== 'td')).toEqual([]);
    expect(row).toContain('<td>end</td>');
  });
});

describe('code', () => {
  it.each(HOSTILE)('shows %j literally in one code span', (value) => {
    const html = inline(code(value));
    expect(tags(html)).toEqual(['code']);
    expect(decode(html.replace(/^<code>|<\/code>$/g, ''))).toBe(value.replace(/\s*[\r\n]+\s*/g, ' '));
  });

  it('stays in its table cell with a pipe inside', () => {
    const row = render(`| a | b |\n| --- | --- |\n| ${code('x|y', true)} | end |\n`).split('<tbody>')[1]!;
    expect(row.match(/<td>/g)).toHaveLength(2);
    expect(row).toContain('<code>x|y</code>');
  });
});

describe('codeBlock', () => {
  it('cannot be closed by a fence inside', () => {
    const html = render(`${codeBlock(['before', '```', '<img src=x>', '````'])}\n\nafter`);
    expect(tags(html)).toEqual(['pre', 'code', 'p']);
    expect(html).toContain('&lt;img src=x&gt;');
  });
});

describe('link', () => {
  it('links an https URL to itself', () => {
    expect(inline(link('https://web.example.com/a'))).toBe('<a href="https://web.example.com/a">https://web.example.com/a</a>');
  });

  it('cannot be broken out of by parentheses or brackets in the URL', () => {
    const html = inline(link('https://web.example.com/x)](javascript:alert(1))'));
    expect(tags(html)).toEqual(['a']);
    expect(html).not.toContain('href="javascript');
  });

  it('does not link what is not http(s)', () => {
    expect(tags(inline(link('javascript:alert(1)')))).toEqual([]);
  });
});

/** The text of rendered HTML, as a reader sees it. */
function decode(html: string): string {
  return html
    .replace(/<[^>]+>/g, '')
    .replaceAll('&lt;', '<')
    .replaceAll('&gt;', '>')
    .replaceAll('&quot;', '"')
    .replaceAll('&amp;', '&');
}
