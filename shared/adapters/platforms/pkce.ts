import { createHash, randomBytes } from 'node:crypto';

export interface PkcePair {
  /** 43 characters of base64url (32 random bytes): within RFC 7636's 43-128. Secret: never logged. */
  verifier: string;
  /** BASE64URL(SHA256(verifier)). */
  challenge: string;
  method: 'S256';
}

export function s256Challenge(verifier: string): string {
  return createHash('sha256').update(verifier, 'ascii').digest('base64url');
}

export function createPkcePair(bytes = 32): PkcePair {
  if (bytes < 32 || bytes > 96) throw new RangeError('PKCE verifier needs 32 to 96 random bytes (43 to 128 characters)');
  const verifier = randomBytes(bytes).toString('base64url');
  return { verifier, challenge: s256Challenge(verifier), method: 'S256' };
}
