import { randomBytes } from 'node:crypto';
import type { Platform } from '../config/platforms.js';

/**
 * A reconnect link: an owner sends it to the person who really administers the Page, who opens it
 * with no Flamel sign-in and reconnects that one connection. The URL carries a 256-bit secret; only
 * its hash is stored. Single use (opening it uses it), 72 hours, and only the newest link of a
 * connection works: a new one, or a revoke, ends the older ones.
 */
export const LINK_TTL_HOURS = 72;

/** Where links live under the API's base URL (shared/config/routes.ts has the route). */
export const LINK_PATH_PREFIX = '/reconnect/';

export interface ReconnectLink {
  tokenHash: string;
  workspaceId: string;
  connectionId: string;
  platform: Platform;
  /** The Flamel user who created it: the sign-in it starts acts as them (access re-checked at the callback). */
  createdBy: string;
  createdAt: string;
  expiresAt: string;
  /** Set when it was opened (single use). */
  usedAt?: string;
}

/** Why a link starts nothing; the link page looks its words up by this code (link-messages.ts). */
export type LinkRefusal = 'LINK_INVALID' | 'LINK_USED' | 'LINK_EXPIRED' | 'LINK_REVOKED';
export const LINK_REFUSALS: readonly LinkRefusal[] = ['LINK_INVALID', 'LINK_USED', 'LINK_EXPIRED', 'LINK_REVOKED'];

/** 256 random bits, URL-safe. */
export function newLinkToken(): string {
  return randomBytes(32).toString('base64url');
}

/** A token as it may appear in a URL: base64url of 32 bytes (anything else is never looked up). */
export function isWellFormedLinkToken(token: string): boolean {
  return /^[A-Za-z0-9_-]{43}$/.test(token);
}

export function linkExpiresAt(now: Date): string {
  return new Date(now.getTime() + LINK_TTL_HOURS * 3_600_000).toISOString();
}

/**
 * May this link start a sign-in now? `currentHash` is the connection's newest link (undefined after a
 * revoke); `connectionLive` is false once the connection was removed. Time is read in code: TTL
 * deletion is lazy.
 */
export function checkLink(link: ReconnectLink | undefined, currentHash: string | undefined, connectionLive: boolean, now: Date): { ok: true } | { ok: false; code: LinkRefusal } {
  if (!link) return { ok: false, code: 'LINK_INVALID' };
  if (link.usedAt) return { ok: false, code: 'LINK_USED' };
  if (Date.parse(link.expiresAt) <= now.getTime()) return { ok: false, code: 'LINK_EXPIRED' };
  if (!connectionLive || currentHash !== link.tokenHash) return { ok: false, code: 'LINK_REVOKED' };
  return { ok: true };
}
