import { z } from 'zod';
import { TIKTOK_PRIVACY_LEVELS } from '../../shared/config/platforms.js';
import { tiktokChallenge } from '../../shared/adapters/platforms/pkce.js';
import type { LocalRequest, LocalResponse } from '../http-types.js';
import { bearer, formParams, json, jsonBody, logId } from './http.js';
import { platformMemory } from './platform-memory.js';
import type { IssuedToken, SandboxAccount, SandboxStore, TokenProblem } from './store.js';
import type { PlatformWire, WireContext } from './wire.js';

/**
 * TikTok stand-in (paths below `/sandbox/tiktok`, trailing slashes optional), as strict as TikTok
 * (facts and sources: docs/platforms/tiktok.md):
 * - `POST /v2/oauth/token/`: code with PKCE S256 checked the way TikTok checks it, HEX(SHA256(verifier))
 *   (a base64url challenge fails with TikTok's "Code verifier or code challenge is invalid."); refresh
 *   with rotation. Lifetimes as documented now: access 2 h, refresh 180 days (they were 24 h / 365 d).
 * - `GET /v2/user/info/?fields=`: only user.info.basic fields; `username` needs user.info.profile.
 * - `POST /v2/post/publish/creator_info/query/`: the account's creator settings (below).
 * - `POST /v2/post/publish/content/init/` (photo, PULL_FROM_URL): refuses a privacy_level the creator is
 *   not offered, and a creator who cannot post; `POST /v2/post/publish/status/fetch/`: post ids above 2^53.
 * Control route (TikTok only): `GET|POST /accounts/{id}/creator` `{privacyLevelOptions?, commentDisabled?,
 * cannotPost?: "spam_risk_too_many_posts" | "spam_risk_user_banned_from_posting" | null}`.
 * One answer for any dead token (`access_token_invalid`); a `policy_update` revoke answers
 * `scope_not_authorized`. No admin role on TikTok: the admin toggle has no effect here.
 */
const ACCESS_SECONDS = 7_200;
const REFRESH_SECONDS = 180 * 86_400;
const BASIC_FIELDS = new Set(['open_id', 'union_id', 'avatar_url', 'avatar_url_100', 'avatar_large_url', 'display_name']);
const PROFILE_FIELDS = new Set(['bio_description', 'profile_deep_link', 'is_verified', 'username']);
const CANNOT_POST = ['spam_risk_too_many_posts', 'spam_risk_user_banned_from_posting'] as const;
const CANNOT_POST_MESSAGES: Record<(typeof CANNOT_POST)[number], string> = {
  spam_risk_too_many_posts: 'The daily post cap from the API is reached for the current user.',
  spam_risk_user_banned_from_posting: 'The user is banned from making new posts.',
};
/** What a public account is offered (a private one: FOLLOWER_OF_CREATOR, MUTUAL_FOLLOW_FRIENDS, SELF_ONLY). */
const PUBLIC_OPTIONS = ['PUBLIC_TO_EVERYONE', 'MUTUAL_FOLLOW_FRIENDS', 'SELF_ONLY'];

interface Creator {
  privacyLevelOptions: string[];
  commentDisabled: boolean;
  cannotPost?: (typeof CANNOT_POST)[number];
}
const creatorBody = z.object({
  privacyLevelOptions: z.array(z.enum(TIKTOK_PRIVACY_LEVELS)).optional(),
  commentDisabled: z.boolean().optional(),
  cannotPost: z.enum(CANNOT_POST).nullable().optional(),
});

interface PendingPublish {
  accountId: string;
  postId: string;
  polls: number;
}
interface TikTokState {
  publishes: Map<string, PendingPublish>;
  creators: Map<string, Creator>;
}
const stateOf = platformMemory<TikTokState>(() => ({ publishes: new Map(), creators: new Map() }));

function creatorOf(store: SandboxStore, accountId: string): Creator {
  return stateOf(store).creators.get(accountId) ?? { privacyLevelOptions: PUBLIC_OPTIONS, commentDisabled: false };
}

function apiError(status: number, code: string, message: string): LocalResponse {
  return json(status, { data: {}, error: { code, message, log_id: logId() } });
}

function apiOk(data: unknown): LocalResponse {
  return json(200, { data, error: { code: 'ok', message: '', log_id: logId() } });
}

function oauthError(status: number, error: string, description: string): LocalResponse {
  return json(status, { error, error_description: description, log_id: logId() });
}

function tokenFailure(problem: TokenProblem): LocalResponse {
  if (problem.kind === 'revoked' && problem.reason === 'policy_update') return scopeNotAuthorized();
  return apiError(401, 'access_token_invalid', 'The access token is invalid or not found in the request.');
}

function scopeNotAuthorized(): LocalResponse {
  return apiError(401, 'scope_not_authorized', 'The user did not authorize the scope required for completing this request.');
}

export const tiktokWire: PlatformWire = {
  platform: 'tiktok',
  realAuthorizePath: /^\/v2\/auth\/authorize$/,
  clientIdParam: 'client_key',
  pkce: true,
  // TikTok takes the challenge as an opaque string at sign-in and checks it at the token exchange.
  pkceChallenge: /^[A-Za-z0-9._~-]{43,128}$/,
  scopeSeparator: /[\s,]+/,
  codeTtlSeconds: 600,
  outage: (sub) =>
    sub.startsWith('/v2/oauth/')
      ? oauthError(503, 'temporarily_unavailable', 'The server is temporarily unavailable. Please try again later.')
      : apiError(503, 'internal_error', 'Something went wrong. Please try again later.'),
  appFailure(sub, _req, cause) {
    // TikTok has one API version; a retired one answers like a path it no longer serves (⚠ undocumented body).
    if (cause === 'version_retired') return { status: 404, headers: { 'content-type': 'text/plain; charset=utf-8' }, body: 'Not Found' };
    // Content Posting approval withdrawn: TikTok's answer for an unaudited client posting to a public account.
    if (sub === '/v2/post/publish/content/init' || sub === '/v2/post/publish/video/init') {
      return apiError(403, 'unaudited_client_can_only_post_to_private_accounts', 'Please review our integration guidelines at https://developers.tiktok.com/doc/content-sharing-guidelines/');
    }
    return undefined;
  },
  control(sub, req, store) {
    const m = /^\/accounts\/([^/]+)\/creator$/.exec(sub);
    if (!m?.[1]) return undefined;
    const id = decodeURIComponent(m[1]);
    if (!store.account('tiktok', id)) return json(404, { error: { code: 'NOT_FOUND', message: `No tiktok sandbox account "${id}". Create it with POST /sandbox/tiktok/accounts.` } });
    if (req.method === 'POST') {
      const parsed = creatorBody.safeParse(jsonBody(req));
      if (!parsed.success) {
        const detail = parsed.error.issues.map((i) => `${i.path.join('.') || 'body'}: ${i.message}`).join('; ');
        return json(400, { error: { code: 'VALIDATION_FAILED', message: `Fix the request body: ${detail}.` } });
      }
      const now = creatorOf(store, id);
      const { privacyLevelOptions, commentDisabled, cannotPost } = parsed.data;
      const next: Creator = { privacyLevelOptions: privacyLevelOptions ?? now.privacyLevelOptions, commentDisabled: commentDisabled ?? now.commentDisabled };
      const blocked = cannotPost === undefined ? now.cannotPost : (cannotPost ?? undefined);
      if (blocked) next.cannotPost = blocked;
      stateOf(store).creators.set(id, next);
    } else if (req.method !== 'GET') return json(405, { error: { code: 'METHOD_NOT_ALLOWED', message: 'Use GET or POST.' } });
    return json(200, { externalAccountId: id, ...creatorOf(store, id) });
  },
  handle(sub, req, ctx) {
    if (sub === '/v2/oauth/token' && req.method === 'POST') return token(req, ctx);
    const known = sub === '/v2/user/info' ? 'GET' : ['/v2/post/publish/creator_info/query', '/v2/post/publish/content/init', '/v2/post/publish/status/fetch'].includes(sub) ? 'POST' : undefined;
    if (known !== req.method) return apiError(404, 'invalid_params', `Unknown endpoint ${req.method} ${sub}`);
    const check = ctx.store.checkToken('tiktok', bearer(req), ['access']);
    if (!check.ok) return tokenFailure(check.problem);
    const { account, token: used } = check;
    if (sub === '/v2/user/info') return userInfo(req, account, used);
    if (!used.scopes.includes('video.publish')) return scopeNotAuthorized();
    if (sub === '/v2/post/publish/creator_info/query') return creatorInfo(ctx, account);
    if (sub === '/v2/post/publish/content/init') return init(req, ctx, account);
    return status(req, ctx, account);
  },
};

function userInfo(req: LocalRequest, account: SandboxAccount, used: IssuedToken): LocalResponse {
  const fields = (req.query.get('fields') ?? '').split(',').filter((f) => f !== '');
  if (fields.length === 0) return apiError(400, 'invalid_params', 'fields is required.');
  const unknown = fields.find((f) => !BASIC_FIELDS.has(f) && !PROFILE_FIELDS.has(f));
  if (unknown) return apiError(400, 'invalid_params', `Invalid field: ${unknown}.`);
  if (fields.some((f) => PROFILE_FIELDS.has(f)) && !used.scopes.includes('user.info.profile')) return scopeNotAuthorized();
  const all: Record<string, string> = { open_id: account.externalAccountId, union_id: `u-${account.externalAccountId}`, avatar_url: 'https://p16.tiktokcdn.com/sandbox.jpeg', display_name: account.name };
  return apiOk({ user: Object.fromEntries(fields.filter((f) => f in all).map((f) => [f, all[f]])) });
}

function creatorInfo(ctx: WireContext, account: SandboxAccount): LocalResponse {
  const creator = creatorOf(ctx.store, account.externalAccountId);
  if (creator.cannotPost) return apiError(403, creator.cannotPost, CANNOT_POST_MESSAGES[creator.cannotPost]);
  return apiOk({
    creator_avatar_url: 'https://p16.tiktokcdn.com/sandbox.jpeg',
    creator_username: account.externalAccountId,
    creator_nickname: account.name,
    privacy_level_options: creator.privacyLevelOptions,
    comment_disabled: creator.commentDisabled,
    duet_disabled: false,
    stitch_disabled: false,
    max_video_post_duration_sec: 600,
  });
}

function init(req: LocalRequest, ctx: WireContext, account: SandboxAccount): LocalResponse {
  const body = jsonBody(req) as { post_info?: { title?: unknown; description?: unknown; privacy_level?: unknown }; source_info?: { source?: unknown; photo_images?: unknown }; media_type?: unknown; post_mode?: unknown } | undefined;
  const images = body?.source_info?.photo_images;
  if (!body || body.media_type !== 'PHOTO' || body.post_mode !== 'DIRECT_POST' || body.source_info?.source !== 'PULL_FROM_URL' || !Array.isArray(images) || images.length === 0 || typeof images[0] !== 'string') {
    return apiError(400, 'invalid_params', 'photo_images must list at least one image URL to pull.');
  }
  const info = body.post_info ?? {};
  const title = typeof info.title === 'string' ? info.title : '';
  const description = typeof info.description === 'string' ? info.description : '';
  if (title.length > 90 || description.length > 4000) return apiError(400, 'invalid_params', 'title must be at most 90 and description at most 4000 characters.');
  const creator = creatorOf(ctx.store, account.externalAccountId);
  if (creator.cannotPost) return apiError(403, creator.cannotPost, CANNOT_POST_MESSAGES[creator.cannotPost]);
  if (typeof info.privacy_level !== 'string' || !creator.privacyLevelOptions.includes(info.privacy_level)) {
    return apiError(403, 'privacy_level_option_mismatch', 'privacy_level is not specified or is not one of the privacy_level_options in the creator_info response.');
  }
  const publishId = `p_pub_url~v2.${ctx.store.nextId()}`;
  // int64 ids above 2^53 (19 digits from 7...): a client reading them as doubles rounds them.
  const postId = `7${ctx.store.nextId().padStart(18, '0')}`;
  stateOf(ctx.store).publishes.set(publishId, { accountId: account.externalAccountId, postId, polls: 0 });
  ctx.store.record('tiktok', { externalAccountId: account.externalAccountId, text: description || title, platformPostId: postId, mediaUrl: images[0] });
  return apiOk({ publish_id: publishId });
}

function status(req: LocalRequest, ctx: WireContext, account: SandboxAccount): LocalResponse {
  const body = jsonBody(req) as { publish_id?: unknown } | undefined;
  const pending = typeof body?.publish_id === 'string' ? stateOf(ctx.store).publishes.get(body.publish_id) : undefined;
  if (!pending || pending.accountId !== account.externalAccountId) return apiError(400, 'invalid_params', 'publish_id is invalid or not found.');
  pending.polls += 1;
  if (pending.polls < 2) return apiOk({ status: 'PROCESSING_DOWNLOAD', publicaly_available_post_id: [], downloaded_bytes: 1024 });
  // Written as TikTok writes it: a bare JSON number (list<int64>), not a string.
  const answer = apiOk({ status: 'PUBLISH_COMPLETE', publicaly_available_post_id: ['@ID@'], uploaded_bytes: 0 });
  return { ...answer, body: (answer.body ?? '').replace('"@ID@"', pending.postId) };
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
    let badPkce = false;
    const redeemed = store.redeemCode('tiktok', form.get('code') ?? undefined, {
      clientId: form.get('client_key') ?? undefined,
      redirectUri: form.get('redirect_uri') ?? undefined,
      verifier: (challenge) => {
        badPkce = challenge === undefined || verifier === undefined || !/^[A-Za-z0-9._~-]{43,128}$/.test(verifier) || tiktokChallenge(verifier) !== challenge;
        return !badPkce;
      },
    });
    if (!redeemed.ok) {
      if (badPkce) return oauthError(400, 'invalid_request', 'Code verifier or code challenge is invalid.');
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
