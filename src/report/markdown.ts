/**
 * Markdown from outside text. The job summary is rendered as GitHub-flavoured markdown with HTML allowed, so a
 * tag, an error or a server message could otherwise add markup (`<img>`, links) or eat a `<placeholder>`.
 * Every piece of text goes through one of these before it lands in a summary.
 */

/**
 * Plain text: `&`, `<` and `>` as entities; `[`, `]`, `` ` ``, `\`, `*`, `_` and `~` escaped (no links, images, code
 * or emphasis); lines kept.
 * GitHub also links bare URLs (`scheme://`), `www.` names and e-mail addresses (the GFM autolink extension); an
 * escaped `:`, `.` or `@` splits the text there, so none of them is taken for a link, and it reads the same.
 */
export function text(value: string): string {
  return withoutMarkup(value)
    .replaceAll('@', '\\@')
    .replace(/:(?=\/\/)/g, '\\:')
    .replace(/(www)\./gi, '$1\\.');
}

/** `text` without the autolink breaks: for a link's own label, where GFM makes no link inside the link. */
function withoutMarkup(value: string): string {
  return value
    .replaceAll('&', '&amp;')
    .replaceAll('<', '&lt;')
    .replaceAll('>', '&gt;')
    .replace(/[\\[\]`*_~]/g, (c) => `\\${c}`);
}

/**
 * Prose such as a hint: as `text`, except that `code spans` stay code (entities would show literally inside
 * them). A stray backtick is escaped by `text`, so it cannot open a span.
 */
export function prose(value: string): string {
  return value
    .split(/(`[^`\n]+`)/)
    .map((part, i) => (i % 2 === 1 ? code(part.slice(1, -1)) : text(part)))
    .join('');
}

/** Text inside a table cell: as `text`, on one line, with `|` escaped (it would end the cell). */
export function cell(value: string): string {
  return text(oneLine(value)).replaceAll('|', '\\|');
}

/**
 * An inline code span on one line. The fence is longer than any run of backticks inside, so the value cannot
 * close it; markup inside a code span is shown, not rendered. `inTable` escapes `|`, which ends a cell even there.
 */
export function code(value: string, inTable = false): string {
  const line = oneLine(value);
  const fence = '`'.repeat(longestRun(line, '`') + 1);
  const padded = line.startsWith('`') || line.endsWith('`') ? ` ${line} ` : line;
  return `${fence}${inTable ? padded.replaceAll('|', '\\|') : padded}${fence}`;
}

/** A fenced code block whose fence no line inside can close. */
export function codeBlock(lines: readonly string[]): string {
  const fence = '`'.repeat(Math.max(3, ...lines.map((line) => longestRun(line, '`') + 1)));
  return [fence, ...lines, fence].join('\n');
}

/**
 * A link to an http(s) URL, labelled with the URL; anything else is shown as text, not linked. In the target,
 * the characters that could end it (parentheses, brackets, spaces, angle brackets, controls) are percent-encoded.
 */
export function link(url: string): string {
  let protocol: string;
  try {
    protocol = new URL(url).protocol;
  } catch {
    return cell(url);
  }
  if (protocol !== 'https:' && protocol !== 'http:') return cell(url);
  // Control characters are exactly what must not reach the link target.
  // eslint-disable-next-line no-control-regex
  const href = url.replace(/[()[\]<>|`\s\x00-\x1f\x7f]/g, (c) => `%${c.charCodeAt(0).toString(16).toUpperCase().padStart(2, '0')}`);
  return `[${withoutMarkup(oneLine(url)).replaceAll('|', '\\|')}](${href})`;
}

function oneLine(value: string): string {
  return value.replace(/\s*[\r\n]+\s*/g, ' ');
}

function longestRun(value: string, char: string): number {
  let longest = 0;
  let run = 0;
  for (const c of value) {
    run = c === char ? run + 1 : 0;
    longest = Math.max(longest, run);
  }
  return longest;
}
