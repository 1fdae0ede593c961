import { s256Challenge } from '../../shared/adapters/platforms/pkce.js';
import type { LocalRequest, LocalResponse } from '../http-types.js';
import { bearer, formParams, json, jsonBody, logId } from './http.js';
import type { SandboxAccount, SandboxStore, TokenProblem } from './store.js';
import type { PlatformWire, WireContext } from './wire.js';

/**
 * TikTok stand-in (paths below `/sandbox/tiktok`, trailing slashes optional): `POST /v2/oauth/token/`
 * (code with PKCE S256, refresh with rotation), `GET /v2/user/info/`,
 * `POST /v2/post/publish/content/init/` (photo, PULL_FROM_URL), `POST /v2/post/publish/status/fetch/`.
 * Answers `{data, error:{code,message,log_id}}`. Lifetimes as TikTok documents them now (they were
 * 24 h / 365 days before): access 2 h, refresh 180 days, rotating (each refresh issues a new one and
 * the old one stops working). The adapter reads them from expires_in / refresh_expires_in.
 * TikTok has one answer for any dead token (`access_token_invalid`); a `policy_update` revoke
 * answers `scope_not_authorized` (the permissions are no longer granted). No admin role on TikTok:
 * the admin toggle has no effect here.
 */
const ACCESS_SECONDS = 7_200;
const REFRESH_SECONDS = 180 * 86_400;

function apiError(status: number, code: string, message: string): LocalResponse {
  return json(status, { data: {}, error: { code, message, log_id: logId() } });
}

function oauthError(status: number, error: string, description: string): LocalResponse {
  return json(status, { error, error_description: description, log_id: logId() });
}

function tokenFailure(problem: TokenProblem): LocalResponse {
  if (problem.kind === 'revoked' && problem.reason === 'policy_update') {
    return apiError(401, 'scope_not_authorized', 'The user did not authorize the scope required for completing this request.');
  }
  return apiError(401, 'access_token_invalid', 'The access token is invalid or not found in the request.');
}

interface PendingPublish {
  accountId: string;
  postId: string;
  polls: number;
}
const publishesByStore = new WeakMap<SandboxStore, Map<string, PendingPublish>>();

function publishesOf(store: SandboxStore): Map<string, PendingPublish> {
  let map = publishesByStore.get(store);
  if (!map) {
    map = new Map();
    publishesByStore.set(store, map);
  }
  return map;
}

export const tiktokWire: PlatformWire = {
  platform: 'tiktok',
  realAuthorizePath: /^\/v2\/auth\/authorize$/,
  clientIdParam: 'client_key',
  pkce: true,
  scopeSeparator: /[\s,]+/,
  codeTtlSeconds: 600,
  outage: (sub) =>
    sub.startsWith('/v2/oauth/')
      ? oauthError(503, 'temporarily_unavailable', 'The server is temporarily unavailable. Please try again later.')
      : apiError(503, 'internal_error', 'Something went wrong. Please try again later.'),
  handle(sub, req, ctx) {
    if (sub === '/v2/oauth/token' && req.method === 'POST') return token(req, ctx);
    if (!sub.startsWith('/v2/user/info') && !sub.startsWith('/v2/post/publish/')) return apiError(404, 'invalid_params', `Unknown endpoint ${req.method} ${sub}`);
    const check = ctx.store.checkToken('tiktok', bearer(req), ['access']);
    if (!check.ok) return tokenFailure(check.problem);
    const account = check.account;
    if (sub === '/v2/user/info' && req.method === 'GET') {
      return json(200, {
        data: { user: { open_id: account.externalAccountId, union_id: `u-${account.externalAccountId}`, avatar_url: 'https://p16.tiktokcdn.com/sandbox.jpeg', display_name: account.name } },
        error: { code: 'ok', message: '', log_id: logId() },
      });
    }
    if (sub === '/v2/post/publish/content/init' && req.method === 'POST') return init(req, ctx, account);
    if (sub === '/v2/post/publish/status/fetch' && req.method === 'POST') return status(req, ctx, account);
    return apiError(404, 'invalid_params', `Unknown endpoint ${req.method} ${sub}`);
  },
};

function init(req: LocalRequest, ctx: WireContext, account: SandboxAccount): LocalResponse {
  const body = jsonBody(req) as { post_info?: { title?: unknown; description?: unknown; privacy_level?: unknown }; source_info?: { source?: unknown; photo_images?: unknown }; media_type?: unknown } | undefined;
  const images = body?.source_info?.photo_images;
  if (!body || body.media_type !== 'PHOTO' || body.source_info?.source !== 'PULL_FROM_URL' || !Array.isArray(images) || images.length === 0 || typeof images[0] !== 'string') {
    return apiError(400, 'invalid_params', 'photo_images must list at least one image URL to pull.');
  }
  if (body.post_info?.privacy_level !== 'SELF_ONLY') {
    return apiError(403, 'unaudited_client_can_only_post_to_private_accounts', 'Unaudited clients can only post with SELF_ONLY privacy.');
  }
  const text = typeof body.post_info.description === 'string' ? body.post_info.description : typeof body.post_info.title === 'string' ? body.post_info.title : '';
  const publishId = `p_pub_url~v2.${ctx.store.nextId()}`;
  const postId = `7${ctx.store.nextId()}`;
  publishesOf(ctx.store).set(publishId, { accountId: account.externalAccountId, postId, polls: 0 });
  ctx.store.record('tiktok', { externalAccountId: account.externalAccountId, text, platformPostId: postId, mediaUrl: images[0] });
  return json(200, { data: { publish_id: publishId }, error: { code: 'ok', message: '', log_id: logId() } });
}

function status(req: LocalRequest, ctx: WireContext, account: SandboxAccount): LocalResponse {
  const body = jsonBody(req) as { publish_id?: unknown } | undefined;
  const pending = typeof body?.publish_id === 'string' ? publishesOf(ctx.store).get(body.publish_id) : undefined;
  if (!pending || pending.accountId !== account.externalAccountId) return apiError(400, 'invalid_params', 'publish_id is invalid or not found.');
  pending.polls += 1;
  const done = pending.polls >= 2;
  return json(200, {
    data: done
      ? { status: 'PUBLISH_COMPLETE', publicaly_available_post_id: [pending.postId], uploaded_bytes: 0 }
      : { status: 'PROCESSING_DOWNLOAD', publicaly_available_post_id: [], downloaded_bytes: 1024 },
    error: { code: 'ok', message: '', log_id: logId() },
  });
}

function token(req: LocalRequest, ctx: WireContext): LocalResponse {
  const form = formParams(req);
  const store = ctx.store;
  if (form.get('client_key') !== ctx.client.clientId || form.get('client_secret') !== ctx.client.clientSecret) {
    return oauthError(401, 'invalid_client', 'Client key or secret is incorrect.');
  }
  const grant = form.get('grant_type');
  if (grant === 'authorization_code') {
    const verifier = form.get('code_verifier') ?? undefined;
    const redeemed = store.redeemCode('tiktok', form.get('code') ?? undefined, {
      clientId: form.get('client_key') ?? undefined,
      redirectUri: form.get('redirect_uri') ?? undefined,
      verifier: (challenge) => challenge !== undefined && verifier !== undefined && s256Challenge(verifier) === challenge,
    });
    if (!redeemed.ok) {
      const why = { unknown: 'Authorization code is invalid.', used: 'Authorization code has been used.', expired: 'Authorization code is expired.', client: 'Client key does not match.', redirect: 'Redirect URI does not match.', verifier: 'Code verifier is invalid.' }[redeemed.problem];
      return oauthError(400, 'invalid_grant', why);
    }
    return issue(ctx, redeemed.account, redeemed.code.scopes);
  }
  if (grant === 'refresh_token') {
    const check = store.checkToken('tiktok', form.get('refresh_token') ?? undefined, ['refresh']);
    if (!check.ok) return oauthError(400, 'invalid_grant', 'Refresh token is invalid or expired.');
    store.spend(check.token); // rotating: the old refresh token is done
    return issue(ctx, check.account, check.token.scopes);
  }
  return oauthError(400, 'unsupported_grant_type', 'The grant type is not supported.');
}

function issue(ctx: WireContext, account: SandboxAccount, scopes: string[]): LocalResponse {
  const access = ctx.store.issueToken(account, 'access', ACCESS_SECONDS, scopes);
  const refresh = ctx.store.issueToken(account, 'refresh', REFRESH_SECONDS, scopes);
  return json(200, {
    access_token: access.value,
    expires_in: ctx.store.secondsLeft(access),
    open_id: account.externalAccountId,
    refresh_expires_in: ctx.store.secondsLeft(refresh),
    refresh_token: refresh.value,
    scope: scopes.join(','),
    token_type: 'Bearer',
  });
}
