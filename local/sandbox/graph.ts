import type { ExpiryReason } from '../../shared/config/events.js';
import { GRAPH_POLICY_UPDATE_SUBCODE } from '../../shared/adapters/platforms/graph-errors.js';
import type { LocalResponse } from '../http-types.js';
import { json, logId } from './http.js';
import type { TokenProblem } from './store.js';

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

export function graphError(status: number, code: number, message: string, subcode?: number, extra: Record<string, unknown> = {}): LocalResponse {
  const error: Record<string, unknown> = { message, type: 'OAuthException', code };
  if (subcode !== undefined) error.error_subcode = subcode;
  return json(status, { error: { ...error, ...extra, fbtrace_id: logId().slice(0, 11) } });
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
