import type { ExpiryReason } from '../../config/events.js';
import type { PlatformFailure, PlatformResponse } from '../../ports/platform.js';
import { asRecord, clip, networkFailure, num, retryAfterSeconds, str, unrecognisedAnswer } from './http.js';

/**
 * Meta Graph errors (Facebook Pages and Instagram, both hosts), envelope
 * `{"error":{"message","type":"OAuthException","code","error_subcode","is_transient","fbtrace_id"}}`,
 * or inside a debug_token answer `{"data":{"is_valid":false,"error":{"code","subcode","message"}}}`.
 * Sources and the full table: docs/platforms/facebook.md and docs/platforms/instagram.md.
 *
 * Order: no answer -> throttle codes -> Instagram publishing subcode (2207xxx, so 4/2207051 spam is
 * not read as a throttle) -> usage headers at their limit -> is_transient -> code:
 *
 * | code                  | failure                                                             |
 * |-----------------------|---------------------------------------------------------------------|
 * | 190, 102              | expired, reason by subcode (SUBCODE_REASONS), else unknown          |
 * | 3                     | integration/permission_revoked ("app does not have the capability") |
 * | 10, 200-299           | by permissionScope(): app -> integration, account -> admin_role_lost |
 * | 12, 2635              | integration/version_retired (deprecated for this version)           |
 * | 4, 17, 32, 613, 9, 341, 80000-80014 + usage headers at 100 | transient, retryAfterSeconds  |
 * | 1, 2, -1, -2, 368     | transient                                                           |
 * | 100 subcode 33        | expired/unknown: the Page / IG account does not exist or cannot be loaded any more |
 * | 506, 100, 36000-36999, 352, 9004 | rejected                                                 |
 * | other / no envelope   | unrecognisedAnswer (transient, flagged)                             |
 *
 * GRAPH_POLICY_UPDATE_SUBCODE: Meta documents no error for "the terms changed and the user must
 * consent again". 1990 is NOT a Meta code: the local sandbox sends it for a `policy_update` revoke
 * so the whole reason chain can be exercised; against real Meta this reason is never produced.
 */
export const GRAPH_POLICY_UPDATE_SUBCODE = 1990;

const SUBCODE_REASONS: Record<number, ExpiryReason> = {
  460: 'password_changed',
  459: 'security_review',
  464: 'security_review',
  463: 'token_expired',
  458: 'revoked',
  467: 'revoked',
  492: 'admin_role_lost',
  493: 'inactivity',
  [GRAPH_POLICY_UPDATE_SUBCODE]: 'policy_update',
};

/** Platform (4 app, 17 user, 32 Page, 613 custom, 9/341 application limit) and BUC (80000-80014) throttles. */
const RATE_LIMIT_CODES = new Set([4, 9, 17, 32, 341, 613]);

/**
 * Instagram content-publishing subcodes, by the "Recommended Solution" of Instagram's error-code
 * reference: "try again" -> transient (publish() creates a new container each attempt), a fault of
 * this media or post -> rejected, the account blocked until its owner acts -> expired.
 */
const IG_SUBCODES: Record<number, 'transient' | 'rejected' | { expired: ExpiryReason }> = {
  2207001: 'transient', // Instagram server error. Try again.
  2207003: 'transient', // It takes too long to download the media. Try again.
  2207020: 'transient', // The media has expired: generate a new container and try again.
  2207032: 'transient', // Create media fail: try again.
  2207053: 'transient', // Unknown upload error: new container, try again.
  2207006: 'transient', // Media not found (permission or expired token): new container, try again.
  2207008: 'transient', // Temporary error publishing a container: try again in 30 s to 2 min.
  2207027: 'transient', // (9007) Media is not ready for publishing: wait.
  2207042: 'transient', // Daily publishing limit reached: try again the following day.
  2207050: { expired: 'security_review' }, // Account inactive, checkpointed or restricted: sign in to Instagram.
  2207051: 'rejected', // Publishing action suspected to be spam.
  2207052: 'rejected', // (9004) Media could not be fetched from the URI: make it valid and public.
  2207057: 'rejected', // Thumbnail offset out of bounds.
  2207004: 'rejected', // Image too large (8 MiB).
  2207005: 'rejected', // Image format not supported.
  2207009: 'rejected', // Aspect ratio not supported.
  2207010: 'rejected', // Caption too long / too many hashtags or tags.
  2207023: 'rejected', // Unknown media type.
  2207026: 'rejected', // Video format not supported.
  2207028: 'rejected', // Carousel needs 2 to 10 items.
  2207035: 'rejected', // Product tag positions not supported for videos.
  2207036: 'rejected', // Product tag positions required for photos.
  2207037: 'rejected', // Product tags could not be added.
  2207040: 'rejected', // Too many product tags.
};

export interface GraphError {
  code?: number;
  subcode?: number;
  message?: string;
  isTransient: boolean;
}

export function readGraphError(body: unknown): GraphError | undefined {
  const root = asRecord(body);
  const inner = root.error ?? asRecord(root.data).error;
  if (inner === undefined || inner === null || typeof inner !== 'object') {
    // Instagram Login's OAuth endpoint: `{"error_type":"OAuthException","code":400,"error_message":"..."}`
    // (its `code` is the HTTP status, not a Graph code).
    const igMessage = str(root.error_message);
    return igMessage === undefined ? undefined : { message: igMessage, isTransient: false };
  }
  const e = asRecord(inner);
  return { code: num(e.code), subcode: num(e.error_subcode ?? e.subcode), message: str(e.message), isTransient: e.is_transient === true };
}

/** Codes that mean "permission not granted or removed" (Graph's error-handling table). */
export function isPermissionError(e: GraphError | undefined): boolean {
  const code = e?.code;
  return code === 3 || code === 10 || (code !== undefined && code >= 200 && code <= 299);
}

// Wording Graph uses when the APP lacks the permission or feature (App Review, app mode, capability).
const APP_WORDING = /does not have the capability|app review|reviewed and approved|must be approved|advanced access|feature (?:is )?not (?:approved|available|enabled)|app (?:is )?not (?:live|active)|development mode/i;
// Wording about the PERSON: their role or tasks on the Page, or a permission they did not grant.
const ACCOUNT_WORDING = /administrative permission|no role on the page|not an admin|\btasks?\b on the page|user hasn't authorized|user has not authorized|permission (?:was|has been) declined|not an instagram business/i;
const NAMES_PERMISSION = /\b(?:pages|instagram|publish|business|ads)_[a-z_]+/i;

/**
 * Who a permission error (3, 10, 200-299) is about. `app`: our app lacks the permission or feature
 * for every account (integration). `account`: this person's role or grant (admin_role_lost).
 * `unclear`: the body alone cannot tell; the adapter decides from the token's granted permissions
 * (Facebook: debug_token + /{user-id}/permissions; Instagram: the permissions granted at sign-in).
 */
export function permissionScope(e: GraphError): 'app' | 'account' | 'unclear' {
  if (e.code === 3) return 'app';
  const m = e.message ?? '';
  if (APP_WORDING.test(m)) return 'app';
  // "requires both pages_read_engagement and pages_manage_posts as an admin with sufficient
  // administrative permission": a missing grant and a missing role read the same; look at the grants.
  if (NAMES_PERMISSION.test(m)) return 'unclear';
  return ACCOUNT_WORDING.test(m) ? 'account' : 'unclear';
}

/** The person's role is named (used once the grants are known to be complete). */
export function mentionsRole(e: GraphError | undefined): boolean {
  return ACCOUNT_WORDING.test(e?.message ?? '');
}

// ---- rate limits ---------------------------------------------------------------------------------

function parseJsonHeader(raw: string | undefined): unknown {
  if (raw === undefined) return undefined;
  try {
    return JSON.parse(raw) as unknown;
  } catch {
    return undefined;
  }
}

function usageAt100(u: Record<string, unknown>): boolean {
  return ['call_count', 'total_cputime', 'total_time'].some((k) => (num(u[k]) ?? 0) >= 100);
}

/**
 * Meta's usage headers: `X-App-Usage` / `X-Page-Usage` `{call_count,total_cputime,total_time}` (percent
 * of the limit; throttled at 100) and `X-Business-Use-Case-Usage` `{"<id>":[{type,call_count,
 * total_cputime,total_time,estimated_time_to_regain_access}]}` (minutes until calls go through again).
 */
export function graphThrottle(res: PlatformResponse): { throttled: boolean; appWide: boolean; retryAfterSeconds?: number } {
  const h = res.headers ?? {};
  const app = asRecord(parseJsonHeader(h['x-app-usage']));
  const page = asRecord(parseJsonHeader(h['x-page-usage']));
  const appWide = usageAt100(app);
  let throttled = appWide || usageAt100(page);
  let minutes = 0;
  for (const entries of Object.values(asRecord(parseJsonHeader(h['x-business-use-case-usage'])))) {
    for (const raw of Array.isArray(entries) ? entries : []) {
      const u = asRecord(raw);
      const eta = num(u.estimated_time_to_regain_access) ?? 0;
      if (usageAt100(u) || eta > 0) throttled = true;
      minutes = Math.max(minutes, eta);
    }
  }
  const header = retryAfterSeconds(res);
  const seconds = Math.max(minutes * 60, header ?? 0);
  return { throttled, appWide, ...(seconds > 0 ? { retryAfterSeconds: seconds } : {}) };
}

// ---- the classifier ------------------------------------------------------------------------------

export function classifyGraphError(label: string, res: PlatformResponse): PlatformFailure {
  if (res.status === 0) return networkFailure(label, res);
  const e = readGraphError(res.body);
  const status = res.status;
  const message = `${label}: ${clip(e?.message, `answered HTTP ${status}`)}`;
  const throttle = graphThrottle(res);
  const transient = (): PlatformFailure => ({ kind: 'transient', message, status, retryAfterSeconds: throttle.retryAfterSeconds ?? retryAfterSeconds(res) });
  const expired = (reason: ExpiryReason): PlatformFailure => ({ kind: 'expired', reason, message, status });
  const rejected = (): PlatformFailure => ({ kind: 'rejected', message, status });

  if (e?.code === undefined) {
    if (throttle.throttled || status === 429 || status >= 500) return transient();
    // Instagram Login's OAuth error (code exchange): the documented shape of a refused code.
    if (e?.message !== undefined && status === 400) return rejected();
    return unrecognisedAnswer(label, res, undefined, e?.message);
  }
  const code = e.code;
  if (RATE_LIMIT_CODES.has(code) && e.subcode === undefined) return transient();
  if (code >= 80000 && code <= 80014) return transient();
  const ig = e.subcode !== undefined ? IG_SUBCODES[e.subcode] : undefined;
  if (ig === 'transient') return transient();
  if (ig === 'rejected') return rejected();
  if (ig !== undefined) return expired(ig.expired);
  if (RATE_LIMIT_CODES.has(code) || throttle.throttled) return transient();
  if (e.isTransient) return transient();
  if (code === 190 || code === 102) return expired((e.subcode !== undefined ? SUBCODE_REASONS[e.subcode] : undefined) ?? 'unknown');
  if (isPermissionError(e)) {
    return permissionScope(e) === 'app'
      ? { kind: 'integration', cause: 'permission_revoked', message: `${message} (Meta refuses Flamel's app this permission for every account)`, status }
      : expired('admin_role_lost');
  }
  if (code === 12 || code === 2635) return { kind: 'integration', cause: 'version_retired', message, status };
  if (code === 1 || code === 2 || code === -1 || code === -2 || code === 368 || code === 9007) return transient();
  if (code === 100 && e.subcode === 33) {
    return {
      kind: 'expired',
      reason: 'unknown',
      status,
      message: `${label} says this account does not exist or can no longer be loaded with this access (deleted, unpublished, restricted, or access removed): ${clip(e.message, '')}`,
    };
  }
  if (code === 506 || code === 100 || code === 352 || code === 9004 || (code >= 36000 && code <= 36999)) return rejected();
  if (status === 429 || status >= 500) return transient();
  return unrecognisedAnswer(label, res, String(code), e.message);
}
