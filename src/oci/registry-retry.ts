/**
 * Which failed answers of a registry are worth retrying. Every request the registry client sends may be repeated:
 * reads (GET, HEAD: blob-exists and manifest checks), a manifest PUT (the same bytes under the same digest), opening
 * an upload session (an unused one is purged by the registry) and upload requests (sent once; the upload resumes or
 * starts again on its own). So 500 is retried besides the 429, 502, 503 and 504 every client of ours retries, as
 * go-containerregistry does: its transport retries 408, 429, 500, 502, 503 and 504, and it repeats a whole blob
 * upload or manifest PUT after such a failure (3 tries, backoff from 1 s, 10% jitter; it does not read Retry-After,
 * which we honour). 501 and 505 say the request can never work. No 4xx but 429 is retried (not 408 either), with
 * one exception: the race below.
 */
import type { FailedAnswer } from '../http.js';

const RETRYABLE_STATUSES = new Set([429, 500, 502, 503, 504]);

export function isRetryableRegistryAnswer(answer: FailedAnswer): boolean {
  return RETRYABLE_STATUSES.has(answer.status) || isManifestLinkRace(answer);
}

/**
 * CNCF distribution before 3.1 (Debian ships 2.8) writes a repository's blob link files in place, so a request that
 * reads a link while a concurrent push of the same blob rewrites it reads an empty file: "invalid checksum digest
 * format" (distribution issue 4478, fixed in 3.1 by writing a temporary file and renaming it). Reads answer 500
 * then (retried above), and a manifest PUT answers 400 DIGEST_INVALID, with MANIFEST_BLOB_UNKNOWN for the blob whose
 * link it read. A manifest PUT is idempotent and we send it only once its blobs are there, so this answer is retried.
 * MANIFEST_BLOB_UNKNOWN alone (a blob really missing) is not: that cannot get better by asking again.
 */
function isManifestLinkRace({ method, url, status, body }: FailedAnswer): boolean {
  if (method !== 'PUT' || status !== 400 || !/\/v2\/.+\/manifests\/[^/]+$/.test(url)) return false;
  const codes = errorCodes(body);
  return codes.includes('DIGEST_INVALID') && codes.every((code) => code === 'DIGEST_INVALID' || code === 'MANIFEST_BLOB_UNKNOWN');
}

/** The `code`s of a distribution error body (`{"errors": [{"code": ...}]}`); none when it is not one. */
function errorCodes(body: Buffer | string): string[] {
  try {
    const errors = (JSON.parse(body.toString()) as { errors?: unknown }).errors;
    if (!Array.isArray(errors)) return [];
    return errors.map((e) => (e as { code?: unknown } | null)?.code).filter((code): code is string => typeof code === 'string');
  } catch {
    return [];
  }
}
