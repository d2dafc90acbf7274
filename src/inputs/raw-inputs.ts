/**
 * Each input's raw text, as the runner gives it: the input, else its environment variable (MESHAGENT_*), else its
 * default. A secret input is masked the moment it is read.
 */
import { INPUTS, type InputName } from './spec.js';

/** Raw input values by name ('' when unset), and the environment for the MESHAGENT_* fallbacks. */
export interface InputSource {
  getInput(name: string): string;
  readonly env: Readonly<Record<string, string | undefined>>;
  /** Called with the API key the moment it is read, so it is masked before anything can print it. */
  setSecret(value: string): void;
}

export type RawInputs = Readonly<Record<InputName, string>>;

/** Each input's raw text: the input, else its environment fallback, else its default. */
export function readRawInputs(source: InputSource): RawInputs {
  const raw: Partial<Record<InputName, string>> = {};
  for (const spec of INPUTS) {
    let value = source.getInput(spec.name);
    if (value.trim() === '' && 'env' in spec) value = source.env[spec.env] ?? '';
    if (value.trim() === '' && 'default' in spec) value = spec.default;
    if ('secret' in spec && value.trim() !== '') source.setSecret(value.trim());
    raw[spec.name] = value;
  }
  return raw as RawInputs;
}
