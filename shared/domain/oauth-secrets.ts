import { createHash, randomBytes } from 'node:crypto';

/** 256 random bits, URL-safe: the OAuth `state` value handed to the platform. */
export function newStateValue(): string {
  return randomBytes(32).toString('base64url');
}

/** Only the hash of a state is stored, so a leaked table row cannot be replayed as a callback. */
export function hashState(state: string): string {
  return createHash('sha256').update(state).digest('base64url');
}

/** RFC 7636 PKCE pair: 43-char verifier from 32 random bytes, S256 challenge. */
export function newPkcePair(): { verifier: string; challenge: string } {
  const verifier = randomBytes(32).toString('base64url');
  return { verifier, challenge: createHash('sha256').update(verifier).digest('base64url') };
}
