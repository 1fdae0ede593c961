import type { Platform } from '../config/platforms.js';

export const OAUTH_STATE_TTL_MINUTES = 10;

export interface OAuthState {
  stateHash: string;
  platform: Platform;
  workspaceId: string;
  /** Reconnects name the connection; a new connect gets one on success. */
  connectionId?: string;
  mode: 'connect' | 'reconnect';
  actorUserId: string;
  /** Hash of the secret in the starting browser's cookie; a state without one is never completed. */
  browserSecretHash?: string;
  codeVerifier?: string;
  /** Started by opening a reconnect link (actorUserId is the link's creator): the callback lands on the link page. */
  viaLink?: boolean;
  createdAt: string;
  expiresAt: string;
  usedAt?: string;
}

export type StateCheck = { ok: true } | { ok: false; code: 'STATE_INVALID' | 'STATE_EXPIRED' | 'STATE_USED' };

/** Checked in code by its timestamp: TTL deletion is lazy, in DynamoDB as in dynalite. */
export function checkState(state: OAuthState | undefined, platform: string, now: Date): StateCheck {
  if (!state || state.platform !== platform) return { ok: false, code: 'STATE_INVALID' };
  if (state.usedAt) return { ok: false, code: 'STATE_USED' };
  if (Date.parse(state.expiresAt) <= now.getTime()) return { ok: false, code: 'STATE_EXPIRED' };
  return { ok: true };
}
