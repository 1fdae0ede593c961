import { setTimeout as sleep } from 'node:timers/promises';
import type { Clock } from '../../ports/misc.js';
import type { AuthorizeRequest, IntegrationCause, PlatformAdapter, PlatformFailure, PlatformResponse, PlatformResult, PublishRequest, TokenSet } from '../../ports/platform.js';
import { OwnAccountAdapter, type TokenFields } from './base.js';
import type { ClientCredentials, PollSchedule, TikTokEndpoints } from './config.js';
import { asRecord, clip, fail, isSuccess, networkFailure, ok, parseBody, retryAfterSeconds, send, signInFailure, str, unrecognisedAnswer, type HttpDeps, type HttpRequest } from './http.js';
import { pkceParams, tiktokChallengeFromS256 } from './pkce.js';

/**
 * TikTok (Login Kit v2 + Content Posting API, Direct Post of photos). Facts and sources:
 * docs/platforms/tiktok.md. API answers are `{data, error:{code,message,log_id}}` (`code:"ok"` on
 * success); the OAuth token endpoint answers `{error,error_description,log_id}`.
 *
 * classifyError (by TikTok's code, whatever the HTTP status; nothing undocumented expires anything):
 * | answer                                                          | failure                                  |
 * |-----------------------------------------------------------------|------------------------------------------|
 * | no answer (status 0); rate_limit_exceeded, internal_error, 429, 5xx | transient                            |
 * | access_token_invalid ("refresh the token and retry")            | expired / revoked, refreshAndRetry (*)      |
 * | scope_not_authorized, scope_permission_missed (user withheld it)| expired / revoked, message names the scope |
 * | OAuth invalid_grant (refresh token refused)                     | expired / revoked (**)                   |
 * | privacy_level_option_mismatch                                   | rejected TIKTOK_PRIVACY_NOT_OFFERED      |
 * | spam_risk_* (daily cap, banned from posting)                    | rejected TIKTOK_CREATOR_CANNOT_POST      |
 * | invalid_param(s), invalid_file_upload, url_ownership_unverified; OAuth invalid_request, access_denied | rejected |
 * | reached_active_user_cap (our app's daily publishing users)      | integration / app_rate_limited           |
 * | unaudited_client_can_only_post_to_private_accounts; OAuth invalid_scope | integration / permission_revoked |
 * | OAuth invalid_client, unauthorized_client                       | integration / app_invalid                |
 * | 404 without a TikTok code on an endpoint we always call         | integration / version_retired            |
 * | anything else                                                   | unrecognisedAnswer (transient, logged)   |
 * TikTok cannot tell an expired, revoked or de-authorized token, a password change or a security
 * review apart: all are access_token_invalid, read as `revoked` (the nearest reason).
 * (*) the use case refreshes once and repeats the call; only a refused refresh expires the
 *     connection. When the stored access expiry has passed, the reason is token_expired.
 * (**) token_expired when the stored refresh expiry has passed. No admin role on TikTok.
 *
 * Tokens: lifetimes only from each answer's expires_in / refresh_expires_in; refresh tokens rotate
 * (always keep the newest). PKCE S256 with TikTok's HEX-encoded challenge.
 */
export const TIKTOK_SCOPES = ['user.info.basic', 'video.publish'];
const USER_FIELDS = 'open_id,union_id,avatar_url,display_name';
const CREATOR_INFO = '/v2/post/publish/creator_info/query/';
const CONTENT_INIT = '/v2/post/publish/content/init/';
const STATUS_FETCH = '/v2/post/publish/status/fetch/';
/** Photo post limits (Content Posting API, Direct Post: title 90, description 4000 characters). */
const TITLE_MAX = 90;
const DESCRIPTION_MAX = 4000;

const DONE_STATUSES = new Set(['PUBLISH_COMPLETE', 'SEND_TO_USER_INBOX']);
const REJECTED_CODES = new Set(['invalid_params', 'invalid_param', 'invalid_file_upload', 'url_ownership_unverified']);
const SCOPE_CODES = new Set(['scope_not_authorized', 'scope_permission_missed']);
const APP_CODES: Record<string, IntegrationCause> = {
  reached_active_user_cap: 'app_rate_limited',
  unaudited_client_can_only_post_to_private_accounts: 'permission_revoked',
};
const OAUTH_APP_ERRORS: Record<string, IntegrationCause> = { invalid_client: 'app_invalid', unauthorized_client: 'app_invalid', invalid_scope: 'permission_revoked' };
const OAUTH_REJECTED = new Set(['invalid_request', 'access_denied', 'unsupported_grant_type', 'unsupported_response_type']);

/** TikTok's token answer: a rotating refresh token with its own lifetime, scopes comma separated. */
const TOKEN_FIELDS: TokenFields = { refreshToken: 'refresh_token', refreshTokenExpiresIn: 'refresh_expires_in', scopes: 'scope' };

export class TikTokAdapter extends OwnAccountAdapter<'tiktok'> implements PlatformAdapter {
  readonly platform = 'tiktok' as const;

  constructor(config: ClientCredentials & TikTokEndpoints, http: HttpDeps, clock: Clock, private readonly poll: PollSchedule) {
    super(config, http, clock);
  }

  classifyError(response: PlatformResponse): PlatformFailure {
    return classifyTikTokError(response);
  }

  buildAuthorizeUrl(req: AuthorizeRequest): string {
    return this.authorizeUrl({
      client_key: this.config.clientId,
      // The contract promises `client_id` on every authorizeUrl; TikTok reads `client_key` and, like
      // any OAuth server (RFC 6749 §3.1), ignores parameters it does not know.
      client_id: this.config.clientId,
      scope: TIKTOK_SCOPES.join(','),
      redirect_uri: req.redirectUri,
      state: req.state,
      response_type: 'code',
      // Same SHA-256 digest of the verifier, hex-encoded as TikTok verifies it.
      ...pkceParams(req.codeChallenge === undefined ? undefined : tiktokChallengeFromS256(req.codeChallenge)),
    });
  }

  async exchangeCode(input: { code: string; redirectUri: string; codeVerifier?: string }): Promise<PlatformResult<TokenSet>> {
    const res = await this.token({
      client_key: this.config.clientId,
      client_secret: this.config.clientSecret,
      code: input.code,
      grant_type: 'authorization_code',
      redirect_uri: input.redirectUri,
      code_verifier: input.codeVerifier,
    });
    return res.ok ? res : fail(signInFailure(res.failure));
  }

  refresh(tokens: TokenSet): Promise<PlatformResult<TokenSet>> {
    return this.refreshWith(tokens, (refreshToken) =>
      this.token({ client_key: this.config.clientId, client_secret: this.config.clientSecret, grant_type: 'refresh_token', refresh_token: refreshToken }),
    );
  }

  /**
   * creator_info first (TikTok requires it before every post): the owner's chosen audience only if
   * the creator is still offered it, never a silent SELF_ONLY; a creator who cannot post now stops
   * here. Then a photo Direct Post and bounded status polling.
   */
  async publish(tokens: TokenSet, req: PublishRequest): Promise<PlatformResult<{ platformPostId: string }>> {
    if (req.mediaUrl === undefined) return fail({ kind: 'rejected', message: 'TikTok cannot publish text alone: add an image (mediaUrl).' });
    const privacy = req.tiktok?.privacyLevel;
    if (privacy === undefined) {
      return fail({ kind: 'rejected', code: 'TIKTOK_PRIVACY_REQUIRED', message: 'TikTok posts need a privacy level (who can see the post) and none was chosen for this post.' });
    }
    const creator = await this.api(tokens, CREATOR_INFO);
    if (!creator.ok) return creator;
    const offered = creator.value.data.privacy_level_options;
    if (!Array.isArray(offered)) return this.unrecognised(creator.value.res, 'creator_info without privacy_level_options');
    if (!offered.includes(privacy)) {
      return fail({
        kind: 'rejected',
        code: 'TIKTOK_PRIVACY_NOT_OFFERED',
        message: `TikTok no longer offers "${privacy}" for this account; it offers ${offered.map(String).join(', ') || 'no privacy level'}. Choose one of these for this post.`,
      });
    }
    const init = await this.api(tokens, CONTENT_INIT, {
      post_info: {
        title: req.text.slice(0, TITLE_MAX),
        description: req.text.slice(0, DESCRIPTION_MAX),
        privacy_level: privacy,
        // A creator who turned comments off is never posted with them on (TikTok's UX rules).
        disable_comment: creator.value.data.comment_disabled === true,
      },
      source_info: { source: 'PULL_FROM_URL', photo_cover_index: 0, photo_images: [req.mediaUrl] },
      post_mode: 'DIRECT_POST',
      media_type: 'PHOTO',
    });
    if (!init.ok) return init;
    const publishId = str(init.value.data.publish_id);
    if (publishId === undefined) return this.unrecognised(init.value.res, 'init without publish_id');
    return this.await(tokens, publishId);
  }

  /** Polls status/fetch. Accepted is accepted: from here on nothing is retried (that would post twice). */
  private async await(tokens: TokenSet, publishId: string): Promise<PlatformResult<{ platformPostId: string }>> {
    for (let attempt = 0; attempt < this.poll.attempts; attempt++) {
      if (attempt > 0 && this.poll.intervalMs > 0) await sleep(this.poll.intervalMs);
      const status = await this.api(tokens, STATUS_FETCH, { publish_id: publishId });
      if (!status.ok) break;
      const data = status.value.data;
      const state = str(data.status);
      if (state !== undefined && DONE_STATUSES.has(state)) {
        const ids = data.publicaly_available_post_id;
        return ok({ platformPostId: (Array.isArray(ids) ? str(ids[0]) : undefined) ?? publishId });
      }
      if (state === 'FAILED') return fail({ kind: 'rejected', message: `TikTok could not publish: ${clip(str(data.fail_reason), 'failed')}` });
    }
    return ok({ platformPostId: publishId });
  }

  /** The account is the token's `open_id`. */
  protected async account(tokens: TokenSet): Promise<PlatformResult<{ id: string; name: string }>> {
    const res = await this.api(tokens, '/v2/user/info/', undefined, { fields: USER_FIELDS });
    if (!res.ok) return res;
    const user = asRecord(res.value.data.user);
    const openId = str(user.open_id);
    if (openId === undefined) return this.unrecognised(res.value.res, 'user info without open_id');
    return ok({ id: openId, name: str(user.display_name) ?? 'TikTok account' });
  }

  /**
   * An API call (GET with `query`, else POST JSON): success is 2xx AND `error.code == "ok"`; returns
   * `data`, read so that 64-bit ids stay exact.
   */
  private async api(
    tokens: TokenSet,
    path: string,
    json?: unknown,
    query?: Record<string, string>,
  ): Promise<PlatformResult<{ data: Record<string, unknown>; res: PlatformResponse }>> {
    const headers = { authorization: `Bearer ${tokens.accessToken}`, 'content-type': 'application/json; charset=UTF-8' };
    const res = await this.call({ method: query ? 'GET' : 'POST', url: `${this.config.apiUrl}${path}`, query, json, headers });
    const code = str(asRecord(asRecord(res.body).error).code);
    if (isSuccess(res) && code === 'ok') return ok({ data: asRecord(asRecord(res.body).data), res });
    if (isSuccess(res) && code === undefined) return this.unrecognised(res, 'an answer without error.code');
    const failure = this.classifyError(res);
    if (failure.kind !== 'expired') return fail(failure);
    if (code !== undefined && SCOPE_CODES.has(code)) {
      const scope = path.startsWith('/v2/post/') ? 'video.publish' : 'user.info.basic';
      return fail({ ...failure, message: `TikTok: the account did not grant Flamel the "${scope}" permission. Reconnect TikTok and leave that permission ticked.` });
    }
    return fail(this.agedOut(tokens, failure));
  }

  private async token(form: Record<string, string | undefined>): Promise<PlatformResult<TokenSet>> {
    const res = await this.call({ method: 'POST', url: `${this.config.apiUrl}/v2/oauth/token/`, form });
    const b = asRecord(res.body);
    const refused = (typeof b.error === 'string' && b.error !== '') || (str(asRecord(b.error).code) ?? 'ok') !== 'ok';
    if (!isSuccess(res) || refused) return fail(this.classifyError(res));
    return this.tokensFrom(res, TOKEN_FIELDS, 'a token answer without access_token');
  }

  /** `send`, with the body read so that TikTok's int64 ids are not rounded. */
  private call(req: HttpRequest): Promise<PlatformResponse> {
    return send(this.http, req, (text) => parseExactJson(text) ?? parseBody(text));
  }
}

export function classifyTikTokError(res: PlatformResponse): PlatformFailure {
  if (res.status === 0) return networkFailure('TikTok', res);
  const b = asRecord(res.body);
  const status = res.status;
  const oauthError = typeof b.error === 'string' ? b.error : undefined;
  const code = oauthError === undefined ? str(asRecord(b.error).code) : undefined;
  const text = str(asRecord(b.error).message) ?? str(b.error_description);
  const message = `TikTok: ${clip(text ?? code ?? oauthError, `answered HTTP ${status}`)}`;
  const transient = (): PlatformFailure => ({ kind: 'transient', message, status, retryAfterSeconds: retryAfterSeconds(res) });
  const integration = (cause: IntegrationCause): PlatformFailure => ({ kind: 'integration', cause, message, status, retryAfterSeconds: retryAfterSeconds(res) });

  if (code !== undefined && code !== 'ok') {
    if (code === 'access_token_invalid') return { kind: 'expired', reason: 'revoked', message, status, refreshAndRetry: true };
    if (SCOPE_CODES.has(code)) return { kind: 'expired', reason: 'revoked', message: `${message} Reconnect TikTok and leave every permission Flamel asks for ticked.`, status };
    if (code === 'rate_limit_exceeded' || code === 'internal_error') return transient();
    if (code === 'privacy_level_option_mismatch') return { kind: 'rejected', code: 'TIKTOK_PRIVACY_NOT_OFFERED', message, status };
    if (code.startsWith('spam_risk')) return { kind: 'rejected', code: 'TIKTOK_CREATOR_CANNOT_POST', message, status };
    if (REJECTED_CODES.has(code)) return { kind: 'rejected', message, status };
    const cause = APP_CODES[code];
    if (cause) return integration(cause);
    if (status === 429 || status >= 500) return transient();
    return unrecognisedAnswer('TikTok', res, code, text);
  }
  if (oauthError !== undefined) {
    if (oauthError === 'invalid_grant') return { kind: 'expired', reason: 'revoked', message, status };
    const cause = OAUTH_APP_ERRORS[oauthError];
    if (cause) return integration(cause);
    if (OAUTH_REJECTED.has(oauthError)) return { kind: 'rejected', message, status };
    if (oauthError === 'server_error' || oauthError === 'temporarily_unavailable' || status >= 500) return transient();
    return unrecognisedAnswer('TikTok', res, oauthError, text);
  }
  if (status === 429 || status >= 500) return transient();
  // Every path we call is documented: one that is no longer there is a retired API, not the account.
  if (status === 404) return integration('version_retired');
  return unrecognisedAnswer('TikTok', res, undefined, text);
}

const NUMBER = /-?\d+(\.\d+)?([eE][+-]?\d+)?/y;

/**
 * JSON.parse, except that an integer too large for a double (TikTok's int64 post ids) becomes its
 * exact digits as a string. undefined when the text is not JSON.
 */
export function parseExactJson(text: string): unknown {
  let out = '';
  let i = 0;
  while (i < text.length) {
    const ch = text.charAt(i);
    if (ch === '"') {
      let j = i + 1;
      while (j < text.length && text.charAt(j) !== '"') j += text.charAt(j) === '\\' ? 2 : 1;
      out += text.slice(i, j + 1);
      i = j + 1;
      continue;
    }
    NUMBER.lastIndex = i;
    const m = ch === '-' || (ch >= '0' && ch <= '9') ? NUMBER.exec(text) : null;
    if (m) {
      const literal = m[0];
      out += m[1] === undefined && m[2] === undefined && !Number.isSafeInteger(Number(literal)) ? `"${literal}"` : literal;
      i += literal.length;
      continue;
    }
    out += ch;
    i += 1;
  }
  try {
    return JSON.parse(out) as unknown;
  } catch {
    return undefined;
  }
}
