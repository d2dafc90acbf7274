/** The Runner for the GitHub Actions runtime, apart from runner.ts so the command line never loads @actions/core. */
import * as core from '@actions/core';
import { inertText } from './inert.js';
import type { Runner } from './runner.js';

/** The runner for the GitHub Actions runtime. */
export function githubRunner(): Runner {
  return {
    kind: 'github',
    // Lists keep their lines as written, so errors can name the right line.
    getInput: (name) => core.getInput(name, { trimWhitespace: false }),
    env: process.env,
    setSecret: (value) => core.setSecret(value),
    setOutput: (name, value) => core.setOutput(name, value),
    // core.debug, core.warning and core.error escape newlines inside their own command; info and group titles
    // are printed as they are, so their lines are made inert first.
    debug: (message) => core.debug(message),
    info: (message) => core.info(inertText(message)),
    warning: (message, title) => core.warning(message, title ? { title } : {}),
    error: (message, title) => core.error(message, title ? { title } : {}),
    group: (title, fn) => core.group(inertText(title).replace(/\n/g, ' '), fn),
    // A summary that cannot be written (no GITHUB_STEP_SUMMARY, as on an old runner; a full disk) costs the
    // summary only, never the outcome of the run.
    writeSummary: async (markdown) => {
      if (!process.env.GITHUB_STEP_SUMMARY) {
        core.info('no job summary: GITHUB_STEP_SUMMARY is not set');
        return;
      }
      try {
        await core.summary.addRaw(markdown, true).write();
      } catch (error) {
        core.warning(`the job summary could not be written: ${error instanceof Error ? error.message : String(error)}`);
      }
    },
    // What core.setFailed does, with the annotation's title.
    fail: (message, title) => {
      process.exitCode = 1;
      core.error(message, title ? { title } : {});
    },
  };
}
