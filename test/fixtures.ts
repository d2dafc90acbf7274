/** Values several tests share. */

export const KEY_ID = '0b7f4c1e-2d3a-4b5c-8d9e-0f1a2b3c4d5e';
export const PROJECT_ID = '5f0c2a4e-9b1d-4e7f-a3c6-8d2b1e0f9a7c';

/** A UUID as an API key carries it: URL-safe base64 of its 16 bytes, unpadded, with - written as '.'. */
function encodeKeyUuid(uuid: string): string {
  return Buffer.from(uuid.replaceAll('-', ''), 'hex').toString('base64url').replaceAll('-', '.');
}

/** An API key in MeshAgent's real shape, ma-<keyid>-<projectid>-<secret>, for PROJECT_ID. */
export const API_KEY = `ma-${encodeKeyUuid(KEY_ID)}-${encodeKeyUuid(PROJECT_ID)}-s3cr3t-Value_123`;
