/**
 * Credentials a service may print that the run never saw: the room gives a container participant tokens (JWTs) and
 * may give it API keys, and a service that logs its environment prints them. Text shaped like one is hidden before
 * it reaches the log, the summary or the result; the run's own secrets are hidden by name besides.
 */

/** A JWT: three base64url parts, the first two JSON objects (`eyJ` is `{"`). */
const JWT = /\beyJ[A-Za-z0-9_-]{8,}\.eyJ[A-Za-z0-9_-]{8,}\.[A-Za-z0-9_-]+/g;
/** A MeshAgent API key, `ma-<key id>-<project id>-<secret>`. */
const API_KEY = /\bma-[A-Za-z0-9]{4,}-[A-Za-z0-9-]{8,}/g;

export function scrubTokens(text: string): string {
  return text.replace(JWT, '***').replace(API_KEY, '***');
}
