/** GitHub Actions entry: the GitHub runner, then the pipeline. */
import { githubRunner } from './runner.js';
import { runShip } from './ship.js';

process.exitCode = await runShip(githubRunner());
