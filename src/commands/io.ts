/**
 * Where commands print. Their text may carry values from outside (a manifest, an image, a server's answer), and the
 * command may run inside a GitHub step, whose runner obeys workflow commands on stdout and stderr: every line is
 * made inert on the way out.
 */
import { inertText } from '../inert.js';

export interface CommandIo {
  readonly stdout: (text: string) => void;
  readonly stderr: (text: string) => void;
}

export const processIo: CommandIo = {
  stdout: (text) => void process.stdout.write(inertText(text)),
  stderr: (text) => void process.stderr.write(inertText(text)),
};
