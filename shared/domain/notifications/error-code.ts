import { EXPIRY_REASONS, type ExpiryReason } from '../../config/events.js';
import { isPlatform, type Platform } from '../../config/platforms.js';

/**
 * The error code a user quotes to support when a connection has expired.
 *
 * Format: `CONNECTION_EXPIRED/<platform>/<reason>`, all parts from the contract's fixed lists:
 *   - `<platform>` is one of `facebook`, `instagram`, `linkedin`, `tiktok`, `x`;
 *   - `<reason>` is one of the expiry reasons (`password_changed`, ..., `unknown`).
 * e.g. `CONNECTION_EXPIRED/facebook/password_changed`, `CONNECTION_EXPIRED/linkedin/admin_role_lost`.
 *
 * It is stable (same platform + reason → same code, in every email and alert), contains only
 * `A-Z a-z 0-9 _ /` so it survives copy-paste and needs no escaping, and it parses back with
 * `parseConnectionExpiredErrorCode`. The platform's own message, when there is one, is quoted
 * next to it rather than folded into it.
 */
export const CONNECTION_EXPIRED_CODE_PREFIX = 'CONNECTION_EXPIRED';

export function connectionExpiredErrorCode(platform: Platform, reason: ExpiryReason | undefined): string {
  return `${CONNECTION_EXPIRED_CODE_PREFIX}/${platform}/${reason ?? 'unknown'}`;
}

export function parseConnectionExpiredErrorCode(code: string): { platform: Platform; reason: ExpiryReason } | undefined {
  const [prefix, platform, reason, ...rest] = code.trim().split('/');
  if (prefix !== CONNECTION_EXPIRED_CODE_PREFIX || rest.length > 0 || !isPlatform(platform)) return undefined;
  const known = EXPIRY_REASONS.find((r) => r === reason);
  return known === undefined ? undefined : { platform, reason: known };
}
