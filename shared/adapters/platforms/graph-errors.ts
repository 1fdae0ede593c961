import type { ExpiryReason } from '../../config/events.js';
import type { PlatformFailure, PlatformResponse } from '../../ports/platform.js';
import { asRecord, clip, networkFailure, num, retryAfterSeconds, str } from './http.js';

/**
 * Meta Graph errors (Facebook Pages and Instagram, both hosts), envelope
 * `{"error":{"message","type":"OAuthException","code","error_subcode","is_transient","fbtrace_id"}}`,
 * or inside a debug_token answer `{"data":{"is_valid":false,"error":{"code","subcode","message"}}}`.
 *
 * | code             | error_subcode | failure                      | why                                            |
 * |------------------|---------------|------------------------------|------------------------------------------------|
 * | (no answer)      |               | transient                    | network error / timeout (status 0)             |
 * | any, is_transient: true          | transient                    | Meta says retry                                |
 * | 190              | 460           | expired / password_changed   | "user changed their password"                  |
 * | 190              | 459, 464      | expired / security_review    | checkpointed / unconfirmed user                |
 * | 190              | 463           | expired / token_expired      | "Session has expired on ..."                   |
 * | 190              | 458, 467      | expired / revoked            | app de-authorized / user logged out            |
 * | 190              | 492           | expired / admin_role_lost    | Page token's user has no role on the Page      |
 * | 190              | 493           | expired / inactivity         | app not engaged for 90 days                    |
 * | 190              | 1990 (*)      | expired / policy_update      | see GRAPH_POLICY_UPDATE_SUBCODE                |
 * | 190              | none / other  | expired / unknown            | "Invalid OAuth access token"                   |
 * | 102              | as for 190    | as for 190                   | "API Session": same recovery as 190 (FBerr)    |
 * | 10, 200-299      |               | expired / admin_role_lost    | Page permission or role missing                |
 * | 1, 2, -1         |               | transient                    | unknown / temporary server error               |
 * | 4, 17, 32, 613, 9, 341, 80000-80014 | transient               | rate limits (app, user, page, custom, app limit, BUC) |
 * | 368              |               | transient                    | policy block "going too fast": wait and retry  |
 * | 506              |               | rejected                     | duplicate post                                 |
 * | 100, 36000-36999 |               | rejected                     | bad parameter, IG media errors (2207xxx)       |
 * | none, HTTP 429 / 5xx             | transient                    |                                                |
 * | none, HTTP 401                   | expired / unknown            |                                                |
 * | anything else                    | rejected                     |                                                |
 *
 * (*) Meta documents no error for "the platform's terms or policy changed and the user must consent
 * again". We do not guess from message text. The rule: `code 190` with `error_subcode 1990` means
 * policy_update. 1990 is NOT a Meta code: it is what the local sandbox sends for a
 * `policy_update` revoke, so the whole reason chain can be exercised. Against real Meta this
 * reason is never produced (it shows as `unknown`).
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

const RATE_LIMIT_CODES = new Set([4, 9, 17, 32, 341, 613]);

interface GraphError {
  code?: number;
  subcode?: number;
  message?: string;
  isTransient: boolean;
}

function readGraphError(body: unknown): GraphError | undefined {
  const root = asRecord(body);
  const inner = root.error ?? asRecord(root.data).error;
  if (inner === undefined || inner === null || typeof inner !== 'object') {
    // Instagram Login's OAuth endpoint: `{"error_type":"OAuthException","code":400,"error_message":"..."}`
    // (its `code` is the HTTP status, not a Graph code).
    const igMessage = str(root.error_message);
    return igMessage === undefined ? undefined : { message: igMessage, isTransient: false };
  }
  const e = asRecord(inner);
  return {
    code: num(e.code),
    subcode: num(e.error_subcode ?? e.subcode),
    message: str(e.message),
    isTransient: e.is_transient === true,
  };
}

export function classifyGraphError(label: string, res: PlatformResponse): PlatformFailure {
  if (res.status === 0) return networkFailure(label, res);
  const e = readGraphError(res.body);
  const status = res.status;
  const message = `${label}: ${clip(e?.message, `answered HTTP ${status}`)}`;
  const transient = (): PlatformFailure => ({ kind: 'transient', message, status, retryAfterSeconds: retryAfterSeconds(res) });
  const expired = (reason: ExpiryReason): PlatformFailure => ({ kind: 'expired', reason, message, status });

  if (e?.code === undefined) {
    if (status === 429 || status >= 500) return transient();
    if (status === 401) return expired('unknown');
    return { kind: 'rejected', message, status };
  }
  if (e.isTransient) return transient();
  const code = e.code;
  if (code === 190 || code === 102) return expired((e.subcode !== undefined ? SUBCODE_REASONS[e.subcode] : undefined) ?? 'unknown');
  if (code === 10 || (code >= 200 && code <= 299)) return expired('admin_role_lost');
  if (code === 1 || code === 2 || code === -1 || code === 368) return transient();
  if (RATE_LIMIT_CODES.has(code) || (code >= 80000 && code <= 80014)) return transient();
  if (code === 506 || code === 100 || (code >= 36000 && code <= 36999)) return { kind: 'rejected', message, status };
  if (status === 429 || status >= 500) return transient();
  return { kind: 'rejected', message, status };
}
