/**
 * Which action inputs a service may set in the manifest, and how a manifest value becomes the input's text.
 * The kit passes these as the action's `with:` inputs in each matrix leg, so the names are the action's own.
 */
import { INPUTS, type InputKind } from '../inputs/spec.js';

/** Inputs the kit sets itself (or that must never sit in a file in the repository), with the reason. */
export const KIT_INPUTS: Readonly<Record<string, string>> = {
  'api-key': 'pass the API key as the MESHAGENT_API_KEY secret, never in a file in the repository',
  'api-url': 'set api-url on the workflow (input api-url) or in MESHAGENT_API_URL',
  'project-id': 'set project-id on the workflow (input project-id) or in MESHAGENT_PROJECT_ID',
  'dry-run': 'set dry-run on the workflow that ships the services (input dry-run)',
  teardown: "the preview workflow tears a pull request's room down when it closes; a manifest does not",
  'teardown-tags': "the preview workflow removes the preview's tags when it tears the room down",
  'inputs-digest': "the kit computes each service's inputs digest itself (meshagent-ship services --inputs-digest)",
};

/** The per-service inputs, in action.yml order. */
export const SERVICE_INPUTS: readonly { readonly name: string; readonly kind: InputKind }[] = INPUTS.filter((spec) => !(spec.name in KIT_INPUTS)).map(
  (spec) => ({ name: spec.name, kind: spec.kind }),
);

/** Lists whose lines are KEY=VALUE may also be written as a YAML mapping. */
export const KEY_VALUE_LISTS: ReadonlySet<string> = new Set(['env', 'build-args', 'env-secrets', 'labels']);

type Scalar = string | number | boolean;
export type FieldValue = Scalar | readonly Scalar[] | Readonly<Record<string, Scalar>>;

/** A validated manifest value as the action reads it: lists one item a line, booleans true/false. */
export function inputText(name: string, value: FieldValue): string {
  if (Array.isArray(value)) return value.map(String).join('\n');
  if (typeof value === 'object') {
    return Object.entries(value as Record<string, Scalar>)
      .map(([key, item]) => `${key}=${String(item)}`)
      .join('\n');
  }
  return String(value);
}
