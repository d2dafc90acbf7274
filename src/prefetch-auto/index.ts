/** `prefetch: auto`: records the files an image's entrypoint opens at start, by running it traced, with no container runtime. */
export { DEFAULT_AUTO_TIMEOUT_SECONDS, describeOutcome, recordStartup, type StartupRecording } from './record.js';
export { reusableRecord, savedRecord } from './saved-record.js';
