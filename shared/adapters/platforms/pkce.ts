import { createHash } from 'node:crypto';

/** PKCE lives in the domain (the connect use case makes the pair); re-exported for the adapters' callers. */
export { newPkcePair as createPkcePair, s256Challenge, type PkcePair } from '../../domain/oauth-secrets.js';

/**
 * TikTok's S256 challenge: HEX(SHA256(verifier)), not RFC 7636's BASE64URL (TikTok's Login Kit for
 * Desktop doc and its own Android SDK; see docs/platforms/tiktok.md). The sandbox checks with it.
 */
export function tiktokChallenge(verifier: string): string {
  return createHash('sha256').update(verifier, 'ascii').digest('hex');
}

/** The same digest re-encoded: the connect use case hands adapters the RFC 7636 (base64url) challenge. */
export function tiktokChallengeFromS256(base64urlChallenge: string): string {
  return Buffer.from(base64urlChallenge, 'base64url').toString('hex');
}

/** The authorize URL's PKCE parameters for an S256 challenge (none without one). */
export function pkceParams(challenge: string | undefined): Record<string, string> {
  return challenge === undefined ? {} : { code_challenge: challenge, code_challenge_method: 'S256' };
}
