// Reading what an action wrote for the runner: its GITHUB_OUTPUT file and its stdout.

/** A multi-line output as GITHUB_OUTPUT holds it: name<<delimiter, lines, delimiter. */
export function output(text: string, name: string): string | undefined {
  const match = new RegExp(`^${name}<<(.+)\\n([^]*?)\\n\\1$`, 'm').exec(text);
  return match?.[2];
}

/** stdout without the ::add-mask:: commands, which are how GitHub learns what to hide. */
export function withoutMaskCommands(stdout: string): string {
  return stdout
    .split('\n')
    .filter((line) => !line.startsWith('::add-mask::'))
    .join('\n');
}
