/** The entry GitHub runs (dist/index.js): nothing but the call, so `run` stays importable without side effects. */
import { run } from './main.js';

await run();
