/**
 * No credential in a message: the caller's secrets, the request's own credentials (Authorization, proxy and API-key
 * headers, a Basic password) and token fields of a JSON answer are replaced by *** before any text leaves the client.
 */

const SNIPPET_LENGTH = 500;

/** JSON fields whose values are credentials even when no one told us about them. */
const SECRET_FIELD = /"(?:token|access_token|refresh_token|id_token|password|client_secret)"\s*:\s*"((?:[^"\\]|\\.)*)"/g;

/** The body for a message: secrets masked first (so a cut cannot leave half a secret), whitespace collapsed, cut. */
export function bodySnippet(body: Buffer, mask: (text: string) => string): string {
  const text = body.toString('utf8');
  const fieldSecrets = [...text.matchAll(SECRET_FIELD)].map((match) => match[1] ?? '');
  const collapsed = maskSecrets(mask(text), fieldSecrets).replace(/\s+/g, ' ').trim();
  return collapsed.length <= SNIPPET_LENGTH ? collapsed : `${cutWithoutSplittingPairs(collapsed, SNIPPET_LENGTH - 1)}…`;
}

function cutWithoutSplittingPairs(text: string, length: number): string {
  const cut = text.slice(0, length);
  const last = cut.charCodeAt(cut.length - 1);
  return last >= 0xd800 && last <= 0xdbff ? cut.slice(0, -1) : cut;
}

/** Replaces every secret with ***, longest first so a secret containing another is replaced whole. */
export function maskSecrets(text: string, secrets: Iterable<string>): string {
  const sorted = [...new Set(secrets)].filter((s) => s !== '').sort((a, b) => b.length - a.length);
  return sorted.reduce((masked, secret) => masked.split(secret).join('***'), text);
}

/** Credentials carried by the request's headers: the whole value, the part after the scheme, a Basic password. */
export function credentialsIn(headers: Readonly<Record<string, string>>): string[] {
  const found: string[] = [];
  for (const name of ['authorization', 'proxy-authorization', 'x-api-key']) {
    const value = headers[name]?.trim();
    if (!value) continue;
    found.push(value);
    const [scheme, credential] = value.split(/\s+/, 2);
    if (!credential) continue;
    found.push(credential);
    if (scheme?.toLowerCase() === 'basic') {
      const decoded = Buffer.from(credential, 'base64').toString('utf8');
      const password = decoded.slice(decoded.indexOf(':') + 1);
      found.push(decoded, password);
    }
  }
  return found;
}
