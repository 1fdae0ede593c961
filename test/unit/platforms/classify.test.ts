import { describe, expect, it } from 'vitest';
import { createPlatformRegistry, GRAPH_POLICY_UPDATE_SUBCODE, realPlatformEndpoints, platformsConfig } from '../../../shared/adapters/platforms/index.js';
import type { Platform } from '../../../shared/config/platforms.js';
import type { PlatformFailure, PlatformResponse } from '../../../shared/ports/platform.js';

// classifyError is pure: no fetch is ever made here.
const noFetch = (() => Promise.reject(new Error('no network in unit tests'))) as typeof fetch;
const creds = { clientId: 'id', clientSecret: 'secret' };
const registry = createPlatformRegistry(
  platformsConfig({ facebook: creds, instagram: creds, linkedin: creds, tiktok: creds, x: creds }, realPlatformEndpoints()),
  noFetch,
);

type Expected = { kind: 'expired'; reason: string } | { kind: 'transient'; unrecognised?: boolean } | { kind: 'rejected' } | { kind: 'integration'; cause: string };
type Row = [name: string, response: PlatformResponse, expected: Expected];

const expired = (reason: string): Expected => ({ kind: 'expired', reason });
const transient: Expected = { kind: 'transient' };
const rejected: Expected = { kind: 'rejected' };

function check(platform: Platform, rows: Row[]): void {
  it.each(rows)('%s', (_name, response, expected) => {
    const failure: PlatformFailure = registry[platform].classifyError(response);
    expect(failure).toMatchObject(expected);
    expect(failure.message.length).toBeGreaterThan(0);
  });
}

const graph = (status: number, error: Record<string, unknown>): PlatformResponse => ({
  status,
  body: { error: { type: 'OAuthException', fbtrace_id: 'EJplcsCHuLu', ...error } },
});

const GRAPH_ROWS: Row[] = [
  ['190/460 password changed', graph(400, { code: 190, error_subcode: 460, message: 'Error validating access token: The session has been invalidated because the user changed their password or Facebook has changed the session for security reasons.' }), expired('password_changed')],
  ['190/459 checkpoint', graph(400, { code: 190, error_subcode: 459, message: 'Error validating access token: You cannot access the app till you log in to www.facebook.com and follow the instructions given.' }), expired('security_review')],
  ['190/464 unconfirmed user', graph(400, { code: 190, error_subcode: 464, message: 'Error validating access token: Sessions for the user are not allowed because the user is not a confirmed user.' }), expired('security_review')],
  ['190/463 expired', graph(400, { code: 190, error_subcode: 463, message: 'Error validating access token: Session has expired on Monday, 19-Jun-23 06:29:46 PDT. The current time is Tuesday, 04-Jul-23 02:11:32 PDT.' }), expired('token_expired')],
  ['190/458 de-authorized', graph(400, { code: 190, error_subcode: 458, message: 'Error validating access token: The user has not authorized application 875877299126xxx.' }), expired('revoked')],
  ['190/467 logged out', graph(400, { code: 190, error_subcode: 467, message: 'Error validating access token: The session is invalid because the user logged out.' }), expired('revoked')],
  ['190/492 no role on the Page', graph(400, { code: 190, error_subcode: 492, message: 'Invalid session: user associated with the Page token has no role on the Page' }), expired('admin_role_lost')],
  ['190/493 90-day inactivity', graph(400, { code: 190, error_subcode: 493, message: "The access token is invalid since the user hasn't engaged the app in longer than 90 days." }), expired('inactivity')],
  ['190 with the sandbox policy stand-in', graph(400, { code: 190, error_subcode: GRAPH_POLICY_UPDATE_SUBCODE, message: 'terms' }), expired('policy_update')],
  ['190 without subcode (garbage token)', graph(400, { code: 190, message: 'Invalid OAuth access token - Cannot parse access token' }), expired('unknown')],
  ['debug_token is_valid:false with inner error', { status: 400, body: { data: { is_valid: false, error: { code: 190, subcode: 460, message: 'changed password' } } } }, expired('password_changed')],
  ['102 API session without subcode (token expired, revoked or invalid)', graph(400, { code: 102, message: 'Session key invalid or no longer valid' }), expired('unknown')],
  ['102 API session with subcode 460', graph(400, { code: 102, error_subcode: 460, message: 'Session key invalid: password changed' }), expired('password_changed')],
  ['(#341) application limit reached', graph(400, { code: 341, message: '(#341) Application limit reached' }), transient],
  ['(#200) permission missing', graph(403, { code: 200, message: "(#200) The user hasn't authorized the application to perform this action" }), expired('admin_role_lost')],
  ['(#10) permission', graph(400, { code: 10, error_subcode: 3, message: '(#10) Application does not have permission for this action' }), expired('admin_role_lost')],
  ['(#4) app rate limit', graph(400, { code: 4, message: '(#4) Application request limit reached' }), transient],
  ['(#17) user rate limit', graph(400, { code: 17, message: '(#17) User request limit reached' }), transient],
  ['(#32) page rate limit', graph(400, { code: 32, message: '(#32) Page request limit reached' }), transient],
  ['(#613) custom rate limit', graph(400, { code: 613, message: '(#613) Calls to this api have exceeded the rate limit.' }), transient],
  ['80001 Pages BUC', graph(400, { code: 80001, message: 'There have been too many calls to this Page account.' }), transient],
  ['code 1 unknown error', graph(500, { code: 1, message: 'An unknown error occurred' }), transient],
  ['code 2 is_transient', graph(503, { code: 2, is_transient: true, message: 'An unexpected error has occurred. Please retry your request later.' }), transient],
  ['368 policy block (going too fast)', graph(400, { code: 368, error_subcode: 1390008, message: 'It looks like you were misusing this feature by going too fast.' }), transient],
  ['506 duplicate post', graph(400, { code: 506, message: '(#506) Duplicate status message' }), rejected],
  ['IG 36000 image too large', graph(400, { code: 36000, error_subcode: 2207004, is_transient: false, message: 'The image size is too large.', error_user_title: 'Image size too large' }), rejected],
  ['IG -1/2207001 server error', graph(500, { code: -1, error_subcode: 2207001, message: 'Instagram server error. Try again.' }), transient],
  ['HTTP 429 without envelope', { status: 429, body: {} }, transient],
  ['HTTP 502 html', { status: 502, body: { text: '<html>Bad gateway</html>' } }, transient],
  ['no answer (timeout)', { status: 0, body: { networkError: 'timeout' } }, transient],
];

describe('Facebook classifyError', () => check('facebook', GRAPH_ROWS));
describe('Instagram classifyError', () =>
  check('instagram', [
    ...GRAPH_ROWS,
    ['IG Login OAuth error on code exchange', { status: 400, body: { error_type: 'OAuthException', code: 400, error_message: 'Invalid authorization code' } }, rejected],
  ]));

describe('Instagram Login OAuth errors', () => {
  it('keep the platform\'s own words (what a user quotes to support)', () => {
    const failure = registry.instagram.classifyError({ status: 400, body: { error_type: 'OAuthException', code: 400, error_message: 'Invalid authorization code' } });
    expect(failure).toMatchObject({ kind: 'rejected', status: 400 });
    expect(failure.message).toContain('Invalid authorization code');
  });
});

describe('LinkedIn classifyError', () =>
  check('linkedin', [
    ['401 65602 expired', { status: 401, body: { status: 401, serviceErrorCode: 65602, code: 'EXPIRED_ACCESS_TOKEN', message: 'The token used in the request has expired' } }, expired('token_expired')],
    ['401 65601 revoked', { status: 401, body: { status: 401, serviceErrorCode: 65601, code: 'REVOKED_ACCESS_TOKEN', message: 'The token used in the request has been revoked by the user' } }, expired('revoked')],
    ['401 65600 invalid', { status: 401, body: { status: 401, serviceErrorCode: 65600, code: 'INVALID_ACCESS_TOKEN', message: 'Invalid access token' } }, expired('unknown')],
    ['401 empty token', { status: 401, body: { message: 'Empty oauth2_access_token', serviceErrorCode: 401, status: 401 } }, expired('unknown')],
    // Our app may not call the resource (a product/permission taken from the app): not the member's role.
    ['403 app permission', { status: 403, body: { status: 403, serviceErrorCode: 100, code: 'ACCESS_DENIED', message: 'Not enough permissions to access: partnerApiPostsExternal.CREATE.20240101' } }, { kind: 'integration', cause: 'permission_revoked' }],
    ['403 member without a Page role (post author refused)', { status: 403, body: { serviceErrorCode: 100, message: 'Field Value validation failed in REQUEST_BODY: Data Processing Exception while processing fields [/author]', status: 403 } }, expired('admin_role_lost')],
    ['403 member without a Page role (admin-only fields)', { status: 403, body: { status: 403, serviceErrorCode: 100, code: 'ACCESS_DENIED', message: "Viewer don't have permission to the ADMIN_ONLY VisibilityReduction for urn:li:organization:2414183" } }, expired('admin_role_lost')],
    ['403 never documented', { status: 403, body: { status: 403, message: 'Something new' } }, { kind: 'transient', unrecognised: true }],
    ['invalid_client (our credentials)', { status: 401, body: { error: 'invalid_client', error_description: 'Client authentication failed' } }, { kind: 'integration', cause: 'app_invalid' }],
    ['refresh invalid_request (refresh token refused)', { status: 400, body: { error: 'invalid_request', error_description: 'The provided authorization grant or refresh token is invalid, expired or revoked' } }, expired('revoked')],
    ['refresh invalid_grant', { status: 400, body: { error: 'invalid_grant', error_description: 'The provided authorization grant or refresh token is invalid, expired or revoked' } }, expired('revoked')],
    ['code not found', { status: 401, body: { error: 'invalid_request', error_description: 'Unable to retrieve access token: authorization code not found' } }, rejected],
    ['redirect/verifier mismatch', { status: 400, body: { error: 'invalid_request', error_description: 'Unable to retrieve access token: appid/redirect uri/code verifier does not match authorization code. Or authorization code expired. Or external member binding exists' } }, rejected],
    ['introspect revoked', { status: 200, body: { active: false, status: 'revoked' } }, expired('revoked')],
    ['introspect expired', { status: 200, body: { active: false, status: 'expired' } }, expired('token_expired')],
    ['422 duplicate', { status: 422, body: { status: 422, message: 'Content is a duplicate of urn:li:share:7012345678901234567' } }, rejected],
    ['426 version retired (a deploy fixes it; nothing expires)', { status: 426, body: { status: 426, code: 'NONEXISTENT_VERSION', message: 'Requested version 20240901 is not active' } }, { kind: 'integration', cause: 'version_retired' }],
    ['429 throttle', { status: 429, body: { status: 429, code: 'TOO_MANY_REQUESTS', message: 'Resource level throttle limit for calls to this resource is reached.' } }, transient],
    ['500 server', { status: 500, body: { status: 500, code: 'INTERNAL_SERVER_ERROR', message: 'Internal Server Error' } }, transient],
    ['504 gateway', { status: 504, body: {} }, transient],
    ['no answer', { status: 0, body: { networkError: 'unreachable' } }, transient],
  ]));

const tt = (status: number, code: string, message: string): PlatformResponse => ({ status, body: { data: {}, error: { code, message, log_id: '20220829194722CBE87ED59D524E727021' } } });

describe('TikTok classifyError', () =>
  check('tiktok', [
    ['access_token_invalid', tt(401, 'access_token_invalid', 'The access token is invalid or not found in the request.'), expired('revoked')],
    // The user withheld a permission (TikTok's error doc): not a policy change; reconnect and tick it.
    ['scope_not_authorized', tt(401, 'scope_not_authorized', 'The user did not authorize the scope required for completing this request.'), expired('revoked')],
    ['scope_permission_missed', tt(400, 'scope_permission_missed', 'Access token is invalid, some fields need additional scopes.'), expired('revoked')],
    ['OAuth invalid_grant', { status: 400, body: { error: 'invalid_grant', error_description: 'Refresh token is invalid or expired.', log_id: '2023' } }, expired('revoked')],
    ['rate_limit_exceeded', tt(429, 'rate_limit_exceeded', 'Too many requests.'), transient],
    ['internal_error', tt(500, 'internal_error', 'Something went wrong.'), transient],
    ['503 without body', { status: 503, body: {} }, transient],
    // OAuth invalid_client, reached_active_user_cap, unaudited_client_*: `integration` (test/unit/platforms/tiktok-fixtures.test.ts).
    ['spam_risk_too_many_posts', tt(403, 'spam_risk_too_many_posts', 'The daily post cap is reached.'), rejected],
    ['spam_risk_user_banned_from_posting', tt(403, 'spam_risk_user_banned_from_posting', 'The user is banned from posting.'), rejected],
    ['privacy_level_option_mismatch', tt(400, 'privacy_level_option_mismatch', 'privacy_level is not an option.'), rejected],
    ['invalid_params', tt(400, 'invalid_params', 'photo_images is required.'), rejected],
    ['no answer', { status: 0, body: { networkError: 'timeout' } }, transient],
  ]));

const problem = (status: number, title: string, detail: string, type = 'about:blank'): PlatformResponse => ({ status, body: { title, type, status, detail } });

describe('X classifyError', () =>
  check('x', [
    ['401 Unauthorized (expired, revoked, password change: not told apart)', problem(401, 'Unauthorized', 'Unauthorized'), expired('revoked')],
    ['refresh token refused', { status: 400, body: { error: 'invalid_request', error_description: 'Value passed for the token was invalid.' } }, expired('revoked')],
    ['refresh invalid_grant', { status: 400, body: { error: 'invalid_grant', error_description: 'Value passed for the token was invalid.' } }, expired('revoked')],
    ['403 duplicate', problem(403, 'Forbidden', 'You are not allowed to create a Tweet with duplicate content.'), rejected],
    ['403 not permitted', problem(403, 'Forbidden', 'You are not permitted to perform this action.'), rejected],
    ['403 user suspended', problem(403, 'Forbidden', 'Your account is suspended and is not permitted to access this feature.', 'https://api.twitter.com/2/problems/user-suspended'), expired('security_review')],
    ['429 rate limit', problem(429, 'Too Many Requests', 'Too Many Requests'), transient],
    ['503', problem(503, 'Service Unavailable', 'Service Unavailable'), transient],
    ['no answer', { status: 0, body: { networkError: 'unreachable' } }, transient],
  ]));
