import { createHash, randomBytes, timingSafeEqual } from 'node:crypto';

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

/**
 * Binds a sign-in to the browser that started it (login CSRF): the secret goes to that browser in
 * an HttpOnly cookie, only its hash is kept with the state. A callback opened anywhere else (a link
 * sent to someone else) has no such cookie and is refused.
 */
export interface BrowserBinding {
  /** One cookie per state, so sign-ins in two tabs do not overwrite each other's. */
  cookieName: string;
  secret: string;
  secretHash: string;
}

const BINDING_COOKIE_PREFIX = 'flamel_oauth_';

/** The binding cookie's name for a state value: a short hash, so the name is a valid cookie token and says nothing about the state. */
export function bindingCookieName(state: string): string {
  return `${BINDING_COOKIE_PREFIX}${createHash('sha256').update(`cookie:${state}`).digest('base64url').slice(0, 16)}`;
}

export function newBrowserBinding(state: string): BrowserBinding {
  const secret = randomBytes(32).toString('base64url');
  return { cookieName: bindingCookieName(state), secret, secretHash: hashState(secret) };
}

/** Compares in constant time (hash against hash, so lengths always match). */
export function browserSecretMatches(secret: string | undefined, expectedHash: string | undefined): boolean {
  if (!secret || !expectedHash || secret.length > 256) return false;
  const actual = Buffer.from(hashState(secret));
  const expected = Buffer.from(expectedHash);
  return actual.length === expected.length && timingSafeEqual(actual, expected);
}
