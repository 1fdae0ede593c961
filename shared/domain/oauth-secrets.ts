import { createHash, randomBytes } from 'node:crypto';

/** 256 random bits, URL-safe: the OAuth `state` value handed to the platform. */
export function newStateValue(): string {
  return randomBytes(32).toString('base64url');
}

/** Only the hash of a state is stored, so a leaked table row cannot be replayed as a callback. */
export function hashState(state: string): string {
  return createHash('sha256').update(state).digest('base64url');
}

export interface PkcePair {
  /** 43 characters of base64url (32 random bytes): within RFC 7636's 43-128. Secret: never logged. */
  verifier: string;
  /** BASE64URL(SHA256(verifier)). */
  challenge: string;
  method: 'S256';
}

/** RFC 7636 S256: BASE64URL(SHA256(verifier)). The sandbox checks verifiers with it too. */
export function s256Challenge(verifier: string): string {
  return createHash('sha256').update(verifier, 'ascii').digest('base64url');
}

/** A PKCE pair: a verifier from 32 random bytes and its S256 challenge. */
export function newPkcePair(): PkcePair {
  const verifier = randomBytes(32).toString('base64url');
  return { verifier, challenge: s256Challenge(verifier), method: 'S256' };
}
