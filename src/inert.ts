/**
 * Text from outside (inputs, manifest fields, image labels, server messages) made inert for a runner's log. The
 * GitHub runner reads every stdout line whose trimmed start is `::` (or the older `##[`/`##vso[`) as a workflow
 * command, so a tag holding "\n::stop-commands::x" would be obeyed. A zero-width space after the first character
 * of such a line keeps it readable and makes it plain text.
 */
const COMMAND_START = /^(\s*)(::|##\[|##vso\[)/;

export function inertLine(line: string): string {
  return line.replace(COMMAND_START, (_, space: string, marker: string) => `${space}${marker[0]}\u200b${marker.slice(1)}`);
}

/** Every line of a (possibly multi-line) message made inert. */
export function inertText(text: string): string {
  return text.split(/\r\n|\r|\n/).map(inertLine).join('\n');
}
