/**
 * Text from outside (inputs, manifest fields, image labels, server messages) made inert for a runner's log. The
 * GitHub runner reads a stdout line as a workflow command in two ways:
 * - `::name::value` when the line's start, trimmed as .NET's TrimStart trims (every Unicode space, U+0085
 *   included, which JavaScript's `\s` leaves out), is `::`;
 * - the older `##[name]value` (and Azure's `##vso[`) anywhere in the line: that parser looks the marker up with
 *   IndexOf, not at the start.
 * A zero-width space inside each marker keeps the text readable and makes it plain.
 */
const LEADING_COMMAND = /^([\s\u0085]*)::/;
const ANYWHERE_COMMAND = /##(\[|vso\[)/g;

export function inertLine(line: string): string {
  return line.replace(LEADING_COMMAND, '$1:\u200b:').replace(ANYWHERE_COMMAND, '#\u200b#$1');
}

/** Every line of a (possibly multi-line) message made inert. */
export function inertText(text: string): string {
  return text
    .split(/\r\n|\r|\n/)
    .map(inertLine)
    .join('\n');
}
