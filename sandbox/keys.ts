/**
 * The key and self-signed certificate the sandbox signs registry tokens with. The registry trusts the certificate
 * (its rootcertbundle) and finds it in each token's x5c header. Made once with openssl and kept in DIR/keys.
 */
import { spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';

export interface SigningKey {
  readonly keyPem: string;
  readonly certPath: string;
  /** The certificate, DER, base64: the token header's x5c entry. */
  readonly certDerBase64: string;
}

export function ensureSigningKey(dir: string): SigningKey {
  const keys = join(dir, 'keys');
  const keyPath = join(keys, 'token-key.pem');
  const certPath = join(keys, 'token-cert.pem');
  if (!existsSync(keyPath) || !existsSync(certPath)) {
    mkdirSync(keys, { recursive: true });
    const made = spawnSync(
      'openssl',
      ['req', '-x509', '-newkey', 'rsa:2048', '-nodes', '-keyout', keyPath, '-out', certPath, '-days', '3650', '-subj', '/CN=meshagent-sandbox-registry-token'],
      { encoding: 'utf8' },
    );
    if (made.error || made.status !== 0) {
      throw new Error(`openssl could not make the registry token key: ${made.error?.message ?? made.stderr.trim()} (install the openssl package)`);
    }
  }
  const certPem = readFileSync(certPath, 'utf8');
  return {
    keyPem: readFileSync(keyPath, 'utf8'),
    certPath,
    certDerBase64: certPem.replace(/-----[A-Z ]+-----/g, '').replace(/\s+/g, ''),
  };
}
