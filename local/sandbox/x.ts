import { s256Challenge } from '../../shared/adapters/platforms/pkce.js';
import type { LocalRequest, LocalResponse } from '../http-types.js';
import { basicAuth, bearer, formParams, json, jsonBody } from './http.js';
import type { SandboxAccount, TokenProblem } from './store.js';
import type { PlatformWire, WireContext } from './wire.js';

/**
 * X stand-in (paths below `/sandbox/x`): `POST /2/oauth2/token` (HTTP Basic client auth; code with
 * PKCE S256; refresh with rotation), `GET /2/users/me`, `POST /2/tweets`.
 * Lifetimes: access 2 h; refresh tokens rotate on use and die after 180 days unused.
 * X answers every dead token with one bare 401; a `security_review` revoke answers 403
 * user-suspended (the only reason X tells apart). No admin role on X: the admin toggle has no effect.
 */
const ACCESS_SECONDS = 7200;
const REFRESH_UNUSED_SECONDS = 180 * 86_400;

const UNAUTHORIZED = { title: 'Unauthorized', type: 'about:blank', status: 401, detail: 'Unauthorized' };
const SUSPENDED = {
  title: 'Forbidden',
  type: 'https://api.twitter.com/2/problems/user-suspended',
  status: 403,
  detail: 'Your account is suspended and is not permitted to access this feature.',
};

function tokenFailure(problem: TokenProblem): LocalResponse {
  if (problem.kind === 'revoked' && problem.reason === 'security_review') return json(403, SUSPENDED);
  return json(401, UNAUTHORIZED);
}

export const xWire: PlatformWire = {
  platform: 'x',
  realAuthorizePath: /^\/i\/oauth2\/authorize$/,
  clientIdParam: 'client_id',
  pkce: true,
  scopeSeparator: /\s+/,
  codeTtlSeconds: 30,
  outage: () => json(503, { title: 'Service Unavailable', detail: 'Service Unavailable', type: 'about:blank', status: 503 }),
  handle(sub, req, ctx) {
    if (sub === '/2/oauth2/token' && req.method === 'POST') return token(req, ctx);
    if (sub !== '/2/users/me' && sub !== '/2/tweets') {
      return json(404, { title: 'Not Found Error', type: 'https://api.twitter.com/2/problems/resource-not-found', status: 404, detail: `No route ${req.method} ${sub}` });
    }
    const check = ctx.store.checkToken('x', bearer(req), ['access']);
    if (!check.ok) return tokenFailure(check.problem);
    const account = check.account;
    if (sub === '/2/users/me' && req.method === 'GET') {
      return json(200, { data: { id: account.externalAccountId, name: account.name, username: account.name.replace(/\W+/g, '').slice(0, 15) || 'sandbox' } });
    }
    if (sub === '/2/tweets' && req.method === 'POST') return tweet(req, ctx, account);
    return json(405, { title: 'Method Not Allowed', type: 'about:blank', status: 405, detail: 'Method Not Allowed' });
  },
};

function tweet(req: LocalRequest, ctx: WireContext, account: SandboxAccount): LocalResponse {
  const body = jsonBody(req) as { text?: unknown } | undefined;
  if (!body || typeof body.text !== 'string' || body.text.length === 0) {
    return json(400, { title: 'Invalid Request', type: 'https://api.twitter.com/2/problems/invalid-request', status: 400, detail: 'One or more parameters to your request was invalid.' });
  }
  if (ctx.store.lastPostText('x', account.externalAccountId) === body.text) {
    return json(403, { detail: 'You are not allowed to create a Tweet with duplicate content.', type: 'about:blank', title: 'Forbidden', status: 403 });
  }
  const id = `1${ctx.store.nextId()}`;
  ctx.store.record('x', { externalAccountId: account.externalAccountId, text: body.text, platformPostId: id });
  return json(201, { data: { id, text: body.text, edit_history_tweet_ids: [id] } });
}

function token(req: LocalRequest, ctx: WireContext): LocalResponse {
  const auth = basicAuth(req);
  if (!auth || auth.user !== ctx.client.clientId || auth.password !== ctx.client.clientSecret) {
    return json(401, { error: 'unauthorized_client', error_description: 'Missing valid authorization header' });
  }
  const form = formParams(req);
  const store = ctx.store;
  const grant = form.get('grant_type');
  if (grant === 'authorization_code') {
    const verifier = form.get('code_verifier') ?? undefined;
    const redeemed = store.redeemCode('x', form.get('code') ?? undefined, {
      redirectUri: form.get('redirect_uri') ?? undefined,
      verifier: (challenge) => challenge !== undefined && verifier !== undefined && s256Challenge(verifier) === challenge,
    });
    if (!redeemed.ok) return json(400, { error: 'invalid_request', error_description: 'Value passed for the authorization code was invalid.' });
    return issue(ctx, redeemed.account, redeemed.code.scopes);
  }
  if (grant === 'refresh_token') {
    const check = store.checkToken('x', form.get('refresh_token') ?? undefined, ['refresh']);
    if (!check.ok) return json(400, { error: 'invalid_request', error_description: 'Value passed for the token was invalid.' });
    store.spend(check.token);
    return issue(ctx, check.account, check.token.scopes);
  }
  return json(400, { error: 'unsupported_grant_type', error_description: 'Grant type is not supported.' });
}

function issue(ctx: WireContext, account: SandboxAccount, scopes: string[]): LocalResponse {
  const access = ctx.store.issueToken(account, 'access', ACCESS_SECONDS, scopes);
  const refresh = ctx.store.issueToken(account, 'refresh', REFRESH_UNUSED_SECONDS, scopes);
  const body: Record<string, unknown> = { token_type: 'bearer', expires_in: ctx.store.secondsLeft(access), access_token: access.value, scope: scopes.join(' ') };
  if (scopes.includes('offline.access')) body.refresh_token = refresh.value;
  return json(200, body);
}
