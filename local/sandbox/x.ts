import { s256Challenge } from '../../shared/adapters/platforms/pkce.js';
import { sniffImageType, X_IMAGE } from '../../shared/adapters/platforms/x.js';
import type { LocalRequest, LocalResponse } from '../http-types.js';
import { basicAuth, bearer, formParams, json, jsonBody } from './http.js';
import type { SandboxAccount, SandboxStore, TokenProblem } from './store.js';
import type { PlatformWire, WireContext } from './wire.js';

/**
 * X stand-in (paths below `/sandbox/x`; docs/platforms/x.md has the sources):
 * `POST /2/oauth2/token` (HTTP Basic client auth; code with PKCE S256; refresh with rotation),
 * `GET /2/users/me`, `POST /2/media/upload` (one-shot JSON image upload), `POST /2/tweets`,
 * `GET /2/tweets/{id}` (with `expansions=attachments.media_keys`, to see what a post carries).
 * Lifetimes: access 2 h; refresh tokens rotate on use and die after 180 days unused; media ids 24 h.
 * Each endpoint needs its documented scopes (a bare 403 otherwise). POST /2/tweets is limited as
 * documented: 100 per 15 minutes per user, 10,000 per 24 hours per app, with X's headers.
 * X answers every dead token with one bare 401; a `security_review` revoke answers 403 user-suspended.
 * No admin role on X: the admin toggle has no effect.
 */
const ACCESS_SECONDS = 7200;
const REFRESH_UNUSED_SECONDS = 180 * 86_400;
const MEDIA_SECONDS = 86_400;
export const X_TWEET_LIMITS = { perUser: { limit: 100, windowSeconds: 900 }, perApp: { limit: 10_000, windowSeconds: 86_400 } } as const;

const UNAUTHORIZED = { title: 'Unauthorized', type: 'about:blank', status: 401, detail: 'Unauthorized' };
const FORBIDDEN = { title: 'Forbidden', type: 'about:blank', status: 403, detail: 'Forbidden' };
const TOO_MANY = { title: 'Too Many Requests', type: 'about:blank', status: 429, detail: 'Too Many Requests' };
const SUSPENDED = {
  title: 'Forbidden',
  type: 'https://api.twitter.com/2/problems/user-suspended',
  status: 403,
  detail: 'Your account is suspended and is not permitted to access this feature.',
};
/** X's answer to an app whose access no longer covers the v2 endpoints (xdevplatform/twitter-api-java-sdk#67). */
const CLIENT_FORBIDDEN = {
  client_id: '28000001',
  detail: 'When authenticating requests to the Twitter API v2 endpoints, you must use keys and tokens from a Twitter developer App that is attached to a Project. You can create a project via the developer portal.',
  registration_url: 'https://developer.twitter.com/en/docs/projects/overview',
  title: 'Client Forbidden',
  required_enrollment: 'Appropriate Level of API Access',
  reason: 'client-not-enrolled',
  type: 'https://api.twitter.com/2/problems/client-forbidden',
};
/** X's answer to calls outside what the app's access still includes (v1.1's retirement: code 453). */
const NOT_IN_ACCESS = {
  errors: [
    {
      message:
        'You currently have access to a subset of X API V2 endpoints and limited v1.1 endpoints (e.g. media post, oauth) only. If you need access to this endpoint, you may need a different access level. You can learn more here: https://developer.x.com/en/portal/product',
      code: 453,
    },
  ],
};

const SCOPES: Record<string, string[]> = {
  'GET /2/users/me': ['tweet.read', 'users.read'],
  'POST /2/tweets': ['tweet.read', 'tweet.write', 'users.read'],
  'GET /2/tweets/:id': ['tweet.read', 'users.read'],
  'POST /2/media/upload': ['media.write'],
};

function invalidRequest(parameter: string, values: unknown[], message: string, headers: Record<string, string> = {}): LocalResponse {
  return json(400, {
    errors: [{ parameters: { [parameter]: values }, message }],
    title: 'Invalid Request',
    detail: 'One or more parameters to your request was invalid.',
    type: 'https://api.twitter.com/2/problems/invalid-request',
  }, headers);
}

function tokenFailure(problem: TokenProblem): LocalResponse {
  if (problem.kind === 'revoked' && problem.reason === 'security_review') return json(403, SUSPENDED);
  return json(401, UNAUTHORIZED);
}

// ---- what X remembers besides tokens: media, attachments, rate-limit windows (per sandbox) --------

interface Window {
  start: number;
  count: number;
}
interface XState {
  media: Map<string, { accountId: string; key: string; category: string; expiresAt: number }>;
  attachments: Map<string, { text: string; accountId: string; mediaKeys: string[] }>;
  userWindows: Map<string, Window>;
  appWindow: Window;
}
const states = new WeakMap<SandboxStore, XState>();
function stateOf(store: SandboxStore): XState {
  let s = states.get(store);
  if (!s) {
    s = { media: new Map(), attachments: new Map(), userWindows: new Map(), appWindow: { start: store.now(), count: 0 } };
    states.set(store, s);
  }
  return s;
}

/** A fixed window, restarted once it has run out; its reset in epoch seconds (what X's headers say). */
function roll(w: Window, now: number, windowSeconds: number): number {
  if (now >= w.start + windowSeconds * 1000) {
    w.start = now;
    w.count = 0;
  }
  return Math.ceil((w.start + windowSeconds * 1000) / 1000);
}

/** Counts one request against a limit; refused (and not counted) once the window is used up. */
function count(w: Window, now: number, limit: number, windowSeconds: number): { allowed: boolean; remaining: number; reset: number } {
  const reset = roll(w, now, windowSeconds);
  if (w.count >= limit) return { allowed: false, remaining: 0, reset };
  w.count += 1;
  return { allowed: true, remaining: limit - w.count, reset };
}

export const xWire: PlatformWire = {
  platform: 'x',
  realAuthorizePath: /^\/i\/oauth2\/authorize$/,
  clientIdParam: 'client_id',
  pkce: true,
  scopeSeparator: /\s+/,
  codeTtlSeconds: 30,
  outage: () => json(503, { title: 'Service Unavailable', detail: 'Service Unavailable', type: 'about:blank', status: 503 }),
  appFailure: (_sub, _req, cause) => json(403, cause === 'permission_revoked' ? CLIENT_FORBIDDEN : NOT_IN_ACCESS),
  handle(sub, req, ctx) {
    if (sub === '/2/oauth2/token' && req.method === 'POST') return token(req, ctx);
    const tweetId = /^\/2\/tweets\/(\d+)$/.exec(sub)?.[1];
    const route = `${req.method} ${tweetId !== undefined ? '/2/tweets/:id' : sub}`;
    const needs = SCOPES[route];
    if (needs === undefined) {
      const known = sub === '/2/users/me' || sub === '/2/tweets' || sub === '/2/media/upload' || tweetId !== undefined;
      return known
        ? json(405, { title: 'Method Not Allowed', type: 'about:blank', status: 405, detail: 'Method Not Allowed' })
        : json(404, { title: 'Not Found Error', type: 'https://api.twitter.com/2/problems/resource-not-found', status: 404, detail: `No route ${req.method} ${sub}` });
    }
    const check = ctx.store.checkToken('x', bearer(req), ['access']);
    if (!check.ok) return tokenFailure(check.problem);
    if (!needs.every((s) => check.token.scopes.includes(s))) return json(403, FORBIDDEN);
    const account = check.account;
    if (route === 'GET /2/users/me') {
      return json(200, { data: { id: account.externalAccountId, name: account.name, username: account.name.replace(/\W+/g, '').slice(0, 15) || 'sandbox' } });
    }
    if (route === 'POST /2/media/upload') return upload(req, ctx, account);
    if (route === 'GET /2/tweets/:id') return lookup(req, ctx, tweetId ?? '');
    return tweet(req, ctx, account);
  },
};

function upload(req: LocalRequest, ctx: WireContext, account: SandboxAccount): LocalResponse {
  const body = (req.headers['content-type'] ?? '').includes('application/json') ? (jsonBody(req) as Record<string, unknown> | undefined) : undefined;
  if (!body) return invalidRequest('media', [], 'The request body must be JSON with media and media_category.');
  const { media, media_category: category, media_type: declared } = body;
  if (typeof category !== 'string' || !['tweet_image', 'dm_image', 'subtitles'].includes(category)) return invalidRequest('media_category', [category], 'media_category must be tweet_image, dm_image or subtitles.');
  if (typeof media !== 'string' || media === '' || !/^[A-Za-z0-9+/]+={0,2}$/.test(media)) return invalidRequest('media', [], 'media must be the file base64-encoded.');
  const bytes = Buffer.from(media, 'base64');
  if (bytes.length > X_IMAGE.maxBytes) return invalidRequest('media', [], 'Images must be 5 MB or smaller.');
  const sniffed = sniffImageType(bytes);
  if (category !== 'subtitles' && sniffed === undefined) return invalidRequest('media', [], 'media is not a supported image.');
  const jpeg = (t: unknown) => (t === 'image/pjpeg' ? 'image/jpeg' : t);
  if (declared !== undefined && jpeg(declared) !== sniffed) return invalidRequest('media_type', [declared], 'media_type does not match the media.');
  const id = `1${ctx.store.nextId()}`;
  const key = `3_${id}`;
  stateOf(ctx.store).media.set(id, { accountId: account.externalAccountId, key, category, expiresAt: ctx.store.now() + MEDIA_SECONDS * 1000 });
  return json(200, { data: { id, media_key: key, size: bytes.length, expires_after_secs: MEDIA_SECONDS } });
}

function tweet(req: LocalRequest, ctx: WireContext, account: SandboxAccount): LocalResponse {
  const state = stateOf(ctx.store);
  const now = ctx.store.now();
  const window = state.userWindows.get(account.externalAccountId) ?? { start: now, count: 0 };
  state.userWindows.set(account.externalAccountId, window);
  const user = count(window, now, X_TWEET_LIMITS.perUser.limit, X_TWEET_LIMITS.perUser.windowSeconds);
  const perApp = X_TWEET_LIMITS.perApp;
  const app = user.allowed
    ? count(state.appWindow, now, perApp.limit, perApp.windowSeconds)
    : { allowed: true, reset: roll(state.appWindow, now, perApp.windowSeconds), remaining: Math.max(0, perApp.limit - state.appWindow.count) };
  const headers = {
    'x-rate-limit-limit': String(X_TWEET_LIMITS.perUser.limit),
    'x-rate-limit-remaining': String(user.remaining),
    'x-rate-limit-reset': String(user.reset),
    'x-app-limit-24hour-limit': String(X_TWEET_LIMITS.perApp.limit),
    'x-app-limit-24hour-remaining': String(app.remaining),
    'x-app-limit-24hour-reset': String(app.reset),
  };
  if (!user.allowed || !app.allowed) return json(429, TOO_MANY, headers);

  const body = jsonBody(req) as { text?: unknown; media?: unknown } | undefined;
  const mediaIds = body?.media === undefined ? [] : (body.media as { media_ids?: unknown }).media_ids;
  if (!body || (body.media !== undefined && (!Array.isArray(mediaIds) || mediaIds.length < 1 || mediaIds.length > 4))) {
    return json(400, { title: 'Invalid Request', type: 'https://api.twitter.com/2/problems/invalid-request', status: 400, detail: 'One or more parameters to your request was invalid.' }, headers);
  }
  const ids = mediaIds as unknown[];
  const bad = ids.filter((id) => {
    const m = typeof id === 'string' ? state.media.get(id) : undefined;
    return !m || m.accountId !== account.externalAccountId || m.expiresAt <= now || m.category !== 'tweet_image';
  });
  if (bad.length > 0) return invalidRequest('media.media_ids', bad, 'Your media IDs are invalid.', headers);
  const text = typeof body.text === 'string' ? body.text : '';
  if (text === '' && ids.length === 0) {
    return json(400, { title: 'Invalid Request', type: 'https://api.twitter.com/2/problems/invalid-request', status: 400, detail: 'One or more parameters to your request was invalid.' }, headers);
  }
  if (ctx.store.lastPostText('x', account.externalAccountId) === text) {
    return json(403, { detail: 'You are not allowed to create a Tweet with duplicate content.', type: 'about:blank', title: 'Forbidden', status: 403 }, headers);
  }
  const id = `1${ctx.store.nextId()}`;
  ctx.store.record('x', { externalAccountId: account.externalAccountId, text, platformPostId: id });
  state.attachments.set(id, { text, accountId: account.externalAccountId, mediaKeys: ids.map((m) => state.media.get(m as string)?.key ?? '') });
  return json(201, { data: { id, text, edit_history_tweet_ids: [id] } }, headers);
}

function lookup(req: LocalRequest, ctx: WireContext, id: string): LocalResponse {
  const post = stateOf(ctx.store).attachments.get(id);
  if (!post) {
    return json(200, { errors: [{ value: id, detail: `Could not find tweet with id: [${id}].`, title: 'Not Found Error', resource_type: 'tweet', parameter: 'id', resource_id: id, type: 'https://api.twitter.com/2/problems/resource-not-found' }] });
  }
  const data: Record<string, unknown> = { id, text: post.text, edit_history_tweet_ids: [id] };
  const expand = (req.query.get('expansions') ?? '').split(',').includes('attachments.media_keys');
  if (post.mediaKeys.length === 0) return json(200, { data });
  data.attachments = { media_keys: post.mediaKeys };
  return json(200, expand ? { data, includes: { media: post.mediaKeys.map((media_key) => ({ media_key, type: 'photo' })) } } : { data });
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
