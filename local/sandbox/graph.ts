import type { ExpiryReason } from '../../shared/config/events.js';
import { GRAPH_POLICY_UPDATE_SUBCODE } from '../../shared/adapters/platforms/graph-errors.js';
import type { LocalRequest, LocalResponse } from '../http-types.js';
import { json, jsonBody, logId } from './http.js';
import type { SandboxAppState, SandboxStore, TokenProblem } from './store.js';

/**
 * Meta Graph error bodies shared by the Facebook and Instagram stand-ins (same envelope on
 * graph.facebook.com and graph.instagram.com). One body per ExpiryReason; the adapters' table in
 * shared/adapters/platforms/graph-errors.ts reads each back to the same reason.
 */
const EXPIRED_AT = 'Session has expired on Monday, 19-Jun-23 06:29:46 PDT. The current time is Tuesday, 04-Jul-23 02:11:32 PDT.';

const REASON_ERRORS: Record<ExpiryReason, { subcode?: number; message: string }> = {
  password_changed: {
    subcode: 460,
    message: 'Error validating access token: The session has been invalidated because the user changed their password or Facebook has changed the session for security reasons.',
  },
  security_review: { subcode: 459, message: 'Error validating access token: You cannot access the app till you log in to www.facebook.com and follow the instructions given.' },
  // Not a Meta code: the sandbox's documented stand-in (see GRAPH_POLICY_UPDATE_SUBCODE).
  policy_update: { subcode: GRAPH_POLICY_UPDATE_SUBCODE, message: 'Error validating access token: The user must accept updated platform terms before this app can act for them.' },
  inactivity: { subcode: 493, message: "The access token is invalid since the user hasn't engaged the app in longer than 90 days." },
  token_expired: { subcode: 463, message: `Error validating access token: ${EXPIRED_AT}` },
  admin_role_lost: { subcode: 492, message: 'Invalid session: user associated with the Page token has no role on the Page.' },
  revoked: { subcode: 458, message: 'Error validating access token: The user has not authorized application 1000000000000001.' },
  unknown: { message: 'Invalid OAuth access token - Cannot parse access token' },
};

export function graphError(status: number, code: number, message: string, subcode?: number, extra: Record<string, unknown> = {}, headers: Record<string, string> = {}): LocalResponse {
  const error: Record<string, unknown> = { message, type: 'OAuthException', code };
  if (subcode !== undefined) error.error_subcode = subcode;
  return json(status, { error: { ...error, ...extra, fbtrace_id: logId().slice(0, 11) } }, headers);
}

// ---- our app refused (POST /sandbox/{facebook|instagram}/app) -----------------------------------

/**
 * Graph's answer while the app is refused. permission_revoked: the permission error Graph gives
 * when the app no longer has the permission (Facebook: "(#200) The permission(s) ... are not
 * available ... App Review", seen in production clients; Instagram: "(#10) Application does not
 * have permission for this action"). version_retired: "(#12) ... is deprecated for versions ...",
 * Graph's API Deprecated error (calls to a version past its end are otherwise moved to the oldest
 * live one, so a removed API is what fails).
 */
export function graphAppFailure(cause: Exclude<SandboxAppState, 'ok'>, platform: 'facebook' | 'instagram', version: string | undefined): LocalResponse {
  if (cause === 'version_retired') {
    return graphError(400, 12, `(#12) This endpoint is deprecated for versions ${version ?? 'v23.0'} and higher`);
  }
  return platform === 'facebook'
    ? graphError(403, 200, '(#200) The permission(s) pages_manage_posts are not available. It could because either they are deprecated or need to be approved by App Review.')
    : graphError(403, 10, '(#10) Application does not have permission for this action');
}

export function versionOf(sub: string): string | undefined {
  return /^\/(v\d+\.\d+)(?=\/|$)/.exec(sub)?.[1];
}

// ---- throttling (POST /sandbox/{facebook|instagram}/throttle {scope, minutes}) -----------------

interface Throttle {
  scope: 'app' | 'account';
  until: number;
}
const throttles = new WeakMap<SandboxStore, Map<string, Throttle>>();

/**
 * Sandbox-only control: for `minutes` (sandbox clock), every API call answers Graph's throttle with
 * its usage header: `app` = code 4 "Application request limit reached" with `X-App-Usage` at 100;
 * `account` = Business Use Case limit (80001 Pages, 80002 Instagram) with
 * `X-Business-Use-Case-Usage` and `estimated_time_to_regain_access` (minutes). `minutes: 0` clears.
 */
export function setThrottle(store: SandboxStore, platform: string, req: LocalRequest): LocalResponse {
  const body = jsonBody(req) as { scope?: unknown; minutes?: unknown } | undefined;
  const minutes = typeof body?.minutes === 'number' && Number.isInteger(body.minutes) && body.minutes >= 0 && body.minutes <= 1440 ? body.minutes : undefined;
  const scope = body?.scope === 'app' || body?.scope === 'account' ? body.scope : undefined;
  if (minutes === undefined || scope === undefined) {
    return json(400, { error: { code: 'VALIDATION_FAILED', message: 'Fix the request body: {"scope": "app" | "account", "minutes": 0..1440}.' } });
  }
  let map = throttles.get(store);
  if (!map) {
    map = new Map();
    throttles.set(store, map);
  }
  if (minutes === 0) map.delete(platform);
  else map.set(platform, { scope, until: store.now() + minutes * 60_000 });
  return json(200, { platform, scope, minutes });
}

export function throttled(store: SandboxStore, platform: 'facebook' | 'instagram', accountId: string | undefined): LocalResponse | undefined {
  const t = throttles.get(store)?.get(platform);
  if (!t || t.until <= store.now()) return undefined;
  const minutesLeft = Math.ceil((t.until - store.now()) / 60_000);
  if (t.scope === 'app') {
    return graphError(403, 4, '(#4) Application request limit reached', undefined, { is_transient: true }, { 'x-app-usage': JSON.stringify({ call_count: 100, total_cputime: 12, total_time: 20 }) });
  }
  const [code, type, what] = platform === 'facebook' ? [80001, 'pages', 'Page'] : [80002, 'instagram', 'Instagram'];
  const usage = { [accountId ?? '0']: [{ type, call_count: 100, total_cputime: 9, total_time: 14, estimated_time_to_regain_access: minutesLeft }] };
  return graphError(
    400,
    code,
    `(#${code}) There have been too many calls to this ${what} account. Wait a bit and try again. For more info, please refer to https://developers.facebook.com/docs/graph-api/overview/rate-limiting.`,
    undefined,
    {},
    { 'x-business-use-case-usage': JSON.stringify(usage) },
  );
}

/** The inner `{code, subcode, message}` for a token problem (also what debug_token puts in `data.error`). */
export function graphTokenError(problem: TokenProblem): { code: number; subcode?: number; message: string } {
  if (problem.kind === 'invalid') return { code: 190, ...REASON_ERRORS.unknown };
  if (problem.kind === 'expired') return { code: 190, ...REASON_ERRORS.token_expired };
  return { code: 190, ...REASON_ERRORS[problem.reason] };
}

export function graphTokenFailure(problem: TokenProblem): LocalResponse {
  const e = graphTokenError(problem);
  return graphError(400, e.code, e.message, e.subcode);
}

export function graphOutage(): LocalResponse {
  return graphError(503, 2, 'An unexpected error has occurred. Please retry your request later.', undefined, { is_transient: true });
}

export function graphUnsupported(method: string, path: string): LocalResponse {
  return graphError(
    400,
    100,
    `Unsupported ${method.toLowerCase()} request. Object with ID '${path.split('/')[1] ?? ''}' does not exist, cannot be loaded due to missing permissions, or does not support this operation.`,
    33,
  );
}

export function graphAccessToken(req: { query: URLSearchParams; headers: Record<string, string>; method: string; body: string }, form?: URLSearchParams): string | undefined {
  const fromQuery = req.query.get('access_token');
  if (fromQuery) return fromQuery;
  const fromForm = form?.get('access_token');
  if (fromForm) return fromForm;
  const m = /^(?:Bearer|OAuth)\s+(.+)$/i.exec(req.headers.authorization ?? '');
  return m?.[1]?.trim();
}

/** `/v23.0/foo` -> `/foo` (any version is accepted). */
export function stripVersion(sub: string): string {
  return sub.replace(/^\/v\d+\.\d+(?=\/|$)/, '') || '/';
}
