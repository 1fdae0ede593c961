import type { LocalResponse } from '../http-types.js';
import { graphAccessToken, graphAppFailure, graphError, graphOutage, graphTokenError, graphTokenFailure, graphUnsupported, setThrottle, stripVersion, throttled, versionOf } from './graph.js';
import { formParams, json } from './http.js';
import type { SandboxAccount, IssuedToken } from './store.js';
import type { PlatformWire, WireContext } from './wire.js';

/**
 * graph.facebook.com stand-in (paths below `/sandbox/facebook`, any `/vNN.0` prefix):
 * `GET /oauth/access_token` (code, or grant_type=fb_exchange_token), `GET /debug_token`,
 * `GET /{user-id}/permissions` (app token), `GET /me`, `GET /me/accounts`, `GET /{page-id}`,
 * `POST /{page-id}/feed`, `POST /{page-id}/photos`; sandbox-only `POST /throttle` (graph.ts).
 * An account is one Page with one person on it. The person's tasks are the account's `tasks`, else
 * all five (`isAdmin:true`) or ANALYZE only (`isAdmin:false`). Without CREATE_CONTENT, MANAGE or
 * MODERATE (the tasks the Page feed reference lets publish) every call on the Page answers the
 * `(#200)` administrative-permission error.
 */
const SHORT_LIVED_SECONDS = 7200;
const LONG_LIVED_SECONDS = 5_184_000;
const ALL_TASKS = ['ANALYZE', 'ADVERTISE', 'MODERATE', 'CREATE_CONTENT', 'MANAGE'];
const PUBLISH_TASKS = ['CREATE_CONTENT', 'MANAGE', 'MODERATE'];

function tasksOf(account: SandboxAccount): string[] {
  return account.tasks ?? (account.isAdmin ? ALL_TASKS : ['ANALYZE']);
}
const USER_KINDS = ['short', 'access'] as const;

/** Page token per user token, so `/me/accounts` answers the same Page token each time. */
const pageTokens = new WeakMap<IssuedToken, IssuedToken>();

export const facebookWire: PlatformWire = {
  platform: 'facebook',
  realAuthorizePath: /^\/v\d+\.\d+\/dialog\/oauth$/,
  clientIdParam: 'client_id',
  pkce: false,
  scopeSeparator: /[\s,]+/,
  codeTtlSeconds: 600,
  outage: () => graphOutage(),
  appFailure(sub, req, cause) {
    const version = versionOf(sub);
    if (cause === 'version_retired') return version === undefined ? undefined : graphAppFailure(cause, 'facebook', version);
    // The permission concerns calls made with a user or Page token, not the app's own token calls.
    const path = stripVersion(sub);
    if (path === '/oauth/access_token' || path === '/debug_token' || path === '/throttle' || /\/permissions$/.test(path)) return undefined;
    return graphAppFailure(cause, 'facebook', version);
  },
  handle(sub, req, ctx) {
    const path = stripVersion(sub);
    const form = req.method === 'POST' ? formParams(req) : new URLSearchParams();
    const p = (name: string): string | undefined => req.query.get(name) ?? form.get(name) ?? undefined;
    if (req.method === 'POST' && sub === '/throttle') return setThrottle(ctx.store, 'facebook', req);
    if (req.method === 'GET' && path === '/oauth/access_token') return tokenEndpoint(p, ctx);
    if (req.method === 'GET' && path === '/debug_token') return debugToken(p, ctx);
    const perms = /^\/([^/]+)\/permissions$/.exec(path);
    if (req.method === 'GET' && perms?.[1] && perms[1] !== 'me') return permissions(perms[1], p, ctx);
    const token = graphAccessToken(req, form);
    if (token === undefined) return graphError(400, 2500, 'An active access token must be used to query information about the current user.');
    if (req.method === 'GET' && (path === '/me' || path === '/me/accounts')) {
      const check = ctx.store.checkToken('facebook', token, USER_KINDS);
      if (!check.ok) return graphTokenFailure(check.problem);
      const { account } = check;
      const limited = throttled(ctx.store, 'facebook', undefined);
      if (limited) return limited;
      if (path === '/me') return json(200, { id: personId(account), name: `${account.name} (person)` });
      return json(200, {
        data: [
          {
            id: account.externalAccountId,
            name: account.name,
            access_token: pageTokenFor(check.token, account, ctx).value,
            category: 'Software',
            tasks: tasksOf(account),
          },
        ],
        paging: { cursors: { before: 'QVFIUbefore', after: 'QVFIUafter' } },
      });
    }
    const m = /^\/([^/]+)(\/feed|\/photos)?$/.exec(path);
    if (!m?.[1]) return graphUnsupported(req.method, path);
    const check = ctx.store.checkToken('facebook', token, ['page', ...USER_KINDS]);
    if (!check.ok) return graphTokenFailure(check.problem);
    const { account } = check;
    if (m[1] !== account.externalAccountId) return graphUnsupported(req.method, path);
    const limited = throttled(ctx.store, 'facebook', account.externalAccountId);
    if (limited) return limited;
    if (!tasksOf(account).some((t) => PUBLISH_TASKS.includes(t))) {
      return graphError(403, 200, '(#200) The user does not have sufficient administrative permission for this action on this page. If the page business requires Two Factor Authentication, the user also needs to enable Two Factor Authentication.');
    }
    if (req.method === 'GET' && m[2] === undefined) return json(200, { id: account.externalAccountId, name: account.name });
    if (req.method !== 'POST' || m[2] === undefined) return graphUnsupported(req.method, path);
    if (check.token.kind !== 'page') return graphError(403, 200, '(#200) If posting to a page, requires both pages_read_engagement and pages_manage_posts as an admin with sufficient administrative permission');
    const text = m[2] === '/feed' ? p('message') : p('caption');
    const mediaUrl = m[2] === '/photos' ? p('url') : undefined;
    if (m[2] === '/feed' && !text && !p('link')) return graphError(400, 100, '(#100) Missing message or attachment.');
    if (m[2] === '/photos' && !mediaUrl) return graphError(400, 324, '(#324) Requires upload file');
    if (text && ctx.store.lastPostText('facebook', account.externalAccountId) === text) return graphError(400, 506, '(#506) Duplicate status message');
    const postId = `${account.externalAccountId}_${ctx.store.nextId()}`;
    ctx.store.record('facebook', { externalAccountId: account.externalAccountId, text: text ?? '', platformPostId: postId, ...(mediaUrl ? { mediaUrl } : {}) });
    return json(200, m[2] === '/feed' ? { id: postId } : { id: ctx.store.nextId(), post_id: postId });
  },
};

function personId(account: SandboxAccount): string {
  return `10${account.externalAccountId}`;
}

function pageTokenFor(userToken: IssuedToken, account: SandboxAccount, ctx: WireContext): IssuedToken {
  const existing = pageTokens.get(userToken);
  if (existing) return existing;
  // Page tokens obtained with a long-lived user token do not expire on their own (expires_at 0).
  const page = ctx.store.issueToken(account, 'page', undefined, userToken.scopes);
  pageTokens.set(userToken, page);
  return page;
}

function appCredentialsOk(p: (n: string) => string | undefined, ctx: WireContext): LocalResponse | undefined {
  if (p('client_id') !== ctx.client.clientId) return graphError(400, 101, 'Error validating application. Invalid application ID.');
  if (p('client_secret') !== ctx.client.clientSecret) return graphError(400, 1, 'Error validating client secret.');
  return undefined;
}

function tokenEndpoint(p: (n: string) => string | undefined, ctx: WireContext): LocalResponse {
  const bad = appCredentialsOk(p, ctx);
  if (bad) return bad;
  if (p('grant_type') === 'fb_exchange_token') {
    const check = ctx.store.checkToken('facebook', p('fb_exchange_token'), USER_KINDS);
    if (!check.ok) return graphTokenFailure(check.problem);
    const long = ctx.store.issueToken(check.account, 'access', LONG_LIVED_SECONDS, check.token.scopes);
    return json(200, { access_token: long.value, token_type: 'bearer', expires_in: ctx.store.secondsLeft(long) });
  }
  const redeemed = ctx.store.redeemCode('facebook', p('code'), { clientId: p('client_id'), redirectUri: p('redirect_uri') });
  if (!redeemed.ok) {
    const messages = {
      unknown: [36006, 'Invalid verification code format.'],
      used: [36009, 'This authorization code has been used.'],
      expired: [36007, 'This authorization code has expired.'],
      client: [36008, 'Error validating verification code. Please make sure your redirect_uri is identical to the one you used in the OAuth dialog request'],
      redirect: [36008, 'Error validating verification code. Please make sure your redirect_uri is identical to the one you used in the OAuth dialog request'],
      verifier: [36008, 'Error validating verification code.'],
    } as const;
    const [subcode, message] = messages[redeemed.problem];
    return graphError(400, 100, message, subcode);
  }
  const short = ctx.store.issueToken(redeemed.account, 'short', SHORT_LIVED_SECONDS, redeemed.code.scopes);
  return json(200, { access_token: short.value, token_type: 'bearer', expires_in: ctx.store.secondsLeft(short) });
}

function debugToken(p: (n: string) => string | undefined, ctx: WireContext): LocalResponse {
  if (p('access_token') !== `${ctx.client.clientId}|${ctx.client.clientSecret}`) return graphError(400, 190, 'Invalid OAuth access token signature.');
  const check = ctx.store.checkToken('facebook', p('input_token'), ['page', ...USER_KINDS], false);
  if (!check.ok) {
    const e = graphTokenError(check.problem);
    return json(200, {
      data: { app_id: ctx.client.clientId, is_valid: false, scopes: [], error: { code: e.code, ...(e.subcode !== undefined ? { subcode: e.subcode } : {}), message: e.message } },
    });
  }
  const { token, account } = check;
  return json(200, {
    data: {
      app_id: ctx.client.clientId,
      type: token.kind === 'page' ? 'PAGE' : 'USER',
      application: 'Flamel (sandbox)',
      data_access_expires_at: Math.floor(account.lastUsedAt / 1000) + 90 * 86_400,
      expires_at: token.expiresAt === undefined ? 0 : Math.floor(token.expiresAt / 1000),
      is_valid: true,
      issued_at: Math.floor(token.issuedAt / 1000),
      ...(token.kind === 'page' ? { profile_id: account.externalAccountId } : {}),
      scopes: token.scopes,
      granular_scopes: token.scopes.map((scope) => ({ scope, target_ids: [account.externalAccountId] })),
      user_id: personId(account),
    },
  });
}

/** `GET /{user-id}/permissions` with the app token: what the person granted (the sandbox asks for nothing they could decline). */
function permissions(userId: string, p: (n: string) => string | undefined, ctx: WireContext): LocalResponse {
  if (p('access_token') !== `${ctx.client.clientId}|${ctx.client.clientSecret}`) return graphError(400, 190, 'Invalid OAuth access token signature.');
  const account = ctx.store.listAccounts('facebook').find((a) => personId(a) === userId);
  if (!account) return graphUnsupported('GET', `/${userId}/permissions`);
  const granted = ['pages_show_list', 'pages_manage_posts', 'pages_read_engagement', 'public_profile'];
  return json(200, { data: granted.map((permission) => ({ permission, status: 'granted' })) });
}
