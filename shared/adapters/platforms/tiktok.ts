import { setTimeout as sleep } from 'node:timers/promises';
import type { ExpiryReason } from '../../config/events.js';
import { policyFor } from '../../domain/platform-policy.js';
import type { Clock } from '../../ports/misc.js';
import type {
  AuthorizeRequest,
  PlatformAdapter,
  PlatformFailure,
  PlatformIdentity,
  PlatformResponse,
  PlatformResult,
  PublishRequest,
  TokenSet,
} from '../../ports/platform.js';
import type { ClientCredentials, TikTokEndpoints } from './config.js';
import {
  asRecord,
  clip,
  expiresAt,
  exchangeFailure,
  fail,
  hasPassed,
  isSuccess,
  mergeRefreshed,
  networkFailure,
  ok,
  refreshRefused,
  retryAfterSeconds,
  send,
  splitScopes,
  str,
  type HttpDeps,
} from './http.js';

/**
 * TikTok (Login Kit v2 + Content Posting API). Answers are `{data, error:{code,message,log_id}}`
 * (`code:"ok"` on success); the OAuth token endpoint answers `{error,error_description,log_id}`.
 *
 * classifyError:
 * | answer                                                             | failure                    |
 * |--------------------------------------------------------------------|----------------------------|
 * | no answer (status 0)                                               | transient                  |
 * | access_token_invalid (401)                                         | expired / revoked (*)      |
 * | scope_not_authorized, scope_permission_missed                      | expired / policy_update    |
 * | OAuth invalid_grant (refresh token refused)                        | expired / revoked (**)     |
 * | rate_limit_exceeded, internal_error, reached_active_user_cap, 429, 5xx | transient              |
 * | spam_risk_*, privacy_level_option_mismatch, invalid_params, invalid_file_upload, url_ownership_unverified, unaudited_client_*, other 4xx / OAuth errors | rejected |
 * TikTok CANNOT tell apart an expired, revoked or de-authorized token, a password change, a
 * security review, inactivity or anything else: all are `access_token_invalid`. Pure
 * classification says `revoked`, the nearest reason.
 * (*) checkAccess/publish know the TokenSet: when the stored access expiry has passed, it is
 *     token_expired. (**) refresh(): token_expired when the stored refresh expiry has passed.
 * There is no admin role on TikTok (the token is the user): admin_role_lost never comes from here.
 *
 * Tokens: lifetimes only from each answer's expires_in / refresh_expires_in (TikTok's documented
 * ones changed from 24 h / 365 days to 2 h / 180 days); refresh tokens rotate (always keep the
 * newest); PKCE S256.
 */
export const TIKTOK_SCOPES = ['user.info.basic', 'video.publish'];

const TRANSIENT_CODES = new Set(['rate_limit_exceeded', 'internal_error', 'reached_active_user_cap']);
const POLICY_CODES = new Set(['scope_not_authorized', 'scope_permission_missed']);
const DONE_STATUSES = new Set(['PUBLISH_COMPLETE', 'SEND_TO_USER_INBOX']);

export class TikTokAdapter implements PlatformAdapter {
  readonly platform = 'tiktok' as const;
  readonly usesPkce = policyFor('tiktok').usesPkce;
  readonly canRefresh = policyFor('tiktok').canRefresh;

  constructor(
    private readonly config: ClientCredentials & TikTokEndpoints,
    private readonly http: HttpDeps,
    private readonly clock: Clock,
    private readonly poll: { attempts: number; intervalMs: number },
  ) {}

  classifyError(response: PlatformResponse): PlatformFailure {
    return classifyTikTokError(response);
  }

  buildAuthorizeUrl(req: AuthorizeRequest): string {
    const url = new URL(this.config.authorizeUrl);
    url.searchParams.set('client_key', this.config.clientId);
    // The contract promises `client_id` on every authorizeUrl; TikTok reads `client_key` and, like
    // any OAuth server (RFC 6749 §3.1), ignores parameters it does not know.
    url.searchParams.set('client_id', this.config.clientId);
    url.searchParams.set('scope', TIKTOK_SCOPES.join(','));
    url.searchParams.set('redirect_uri', req.redirectUri);
    url.searchParams.set('state', req.state);
    url.searchParams.set('response_type', 'code');
    if (req.codeChallenge !== undefined) {
      url.searchParams.set('code_challenge', req.codeChallenge);
      url.searchParams.set('code_challenge_method', 'S256');
    }
    return url.toString();
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
    if (!res.ok) return fail(exchangeFailure(res.failure));
    return res;
  }

  async refresh(tokens: TokenSet): Promise<PlatformResult<TokenSet>> {
    if (tokens.refreshToken === undefined) return fail({ kind: 'expired', reason: 'unknown', message: 'TikTok: no refresh token is stored for this connection.' });
    const res = await this.token({
      client_key: this.config.clientId,
      client_secret: this.config.clientSecret,
      grant_type: 'refresh_token',
      refresh_token: tokens.refreshToken,
    });
    if (!res.ok) return fail(refreshRefused(this.clock, tokens, res.failure));
    return ok(mergeRefreshed(tokens, res.value));
  }

  async identify(tokens: TokenSet): Promise<PlatformResult<PlatformIdentity>> {
    const user = await this.userInfo(tokens);
    if (!user.ok) return user;
    return ok({ externalAccountId: user.value.openId, displayName: user.value.name, isAdmin: true });
  }

  async checkAccess(tokens: TokenSet, externalAccountId: string): Promise<PlatformResult<void>> {
    const user = await this.userInfo(tokens);
    if (!user.ok) return user;
    if (user.value.openId !== externalAccountId) {
      return fail({ kind: 'expired', reason: 'unknown', message: 'TikTok: this access now belongs to a different account.' });
    }
    return ok(undefined);
  }

  async publish(tokens: TokenSet, req: PublishRequest): Promise<PlatformResult<{ platformPostId: string }>> {
    if (req.mediaUrl === undefined) return fail({ kind: 'rejected', message: 'TikTok cannot publish text alone: add an image (mediaUrl).' });
    const init = await this.api(tokens, 'POST', '/v2/post/publish/content/init/', {
      post_info: { title: req.text.slice(0, 90), description: req.text, privacy_level: 'SELF_ONLY', disable_comment: false },
      source_info: { source: 'PULL_FROM_URL', photo_cover_index: 0, photo_images: [req.mediaUrl] },
      post_mode: 'DIRECT_POST',
      media_type: 'PHOTO',
    });
    if (!init.ok) return init;
    const publishId = str(asRecord(init.value).publish_id);
    if (publishId === undefined) return fail({ kind: 'transient', message: 'TikTok started no publish.' });
    for (let attempt = 0; attempt < this.poll.attempts; attempt++) {
      if (attempt > 0 && this.poll.intervalMs > 0) await sleep(this.poll.intervalMs);
      const status = await this.api(tokens, 'POST', '/v2/post/publish/status/fetch/', { publish_id: publishId });
      if (!status.ok) return status;
      const data = asRecord(status.value);
      const state = str(data.status);
      if (state !== undefined && DONE_STATUSES.has(state)) {
        const ids = data.publicaly_available_post_id;
        return ok({ platformPostId: (Array.isArray(ids) ? str(ids[0]) : undefined) ?? publishId });
      }
      if (state === 'FAILED') return fail({ kind: 'rejected', message: `TikTok could not publish: ${clip(str(data.fail_reason), 'failed')}` });
    }
    // Accepted and still processing: retrying would post twice, so report the publish id.
    return ok({ platformPostId: publishId });
  }

  private async userInfo(tokens: TokenSet): Promise<PlatformResult<{ openId: string; name: string }>> {
    const res = await this.api(tokens, 'GET', '/v2/user/info/', undefined, { fields: 'open_id,union_id,avatar_url,display_name' });
    if (!res.ok) return res;
    const user = asRecord(asRecord(res.value).user);
    const openId = str(user.open_id);
    if (openId === undefined) return fail({ kind: 'transient', message: 'TikTok answered without an open_id.' });
    return ok({ openId, name: str(user.display_name) ?? 'TikTok account' });
  }

  /** An API call: success is 2xx AND `error.code == "ok"`; returns `data`. */
  private async api(tokens: TokenSet, method: 'GET' | 'POST', path: string, json?: unknown, query?: Record<string, string>): Promise<PlatformResult<unknown>> {
    const res = await send(this.http, { method, url: `${this.config.apiUrl}${path}`, query, json, headers: { authorization: `Bearer ${tokens.accessToken}` } });
    const code = str(asRecord(asRecord(res.body).error).code);
    if (isSuccess(res) && (code === undefined || code === 'ok')) return ok(asRecord(res.body).data);
    const failure = this.classifyError(res);
    if (failure.kind === 'expired' && failure.reason === 'revoked' && hasPassed(this.clock, tokens.accessTokenExpiresAt)) {
      return fail({ ...failure, reason: 'token_expired' });
    }
    return fail(failure);
  }

  private async token(form: Record<string, string | undefined>): Promise<PlatformResult<TokenSet>> {
    const res = await send(this.http, { method: 'POST', url: `${this.config.apiUrl}/v2/oauth/token/`, form });
    const b = asRecord(res.body);
    if (!isSuccess(res) || typeof b.error === 'string') return fail(this.classifyError(res));
    const accessToken = str(b.access_token);
    if (accessToken === undefined) return fail({ kind: 'transient', message: 'TikTok answered without a token.', status: res.status });
    const set: TokenSet = { accessToken };
    const access = expiresAt(this.clock, b.expires_in);
    if (access !== undefined) set.accessTokenExpiresAt = access;
    const refreshToken = str(b.refresh_token);
    if (refreshToken !== undefined) {
      set.refreshToken = refreshToken;
      const refresh = expiresAt(this.clock, b.refresh_expires_in);
      if (refresh !== undefined) set.refreshTokenExpiresAt = refresh;
    }
    const scopes = splitScopes(b.scope);
    if (scopes !== undefined) set.scopes = scopes;
    return ok(set);
  }
}

export function classifyTikTokError(res: PlatformResponse): PlatformFailure {
  if (res.status === 0) return networkFailure('TikTok', res);
  const b = asRecord(res.body);
  const status = res.status;
  const apiError = asRecord(b.error);
  const code = typeof b.error === 'string' ? undefined : str(apiError.code);
  const oauthError = typeof b.error === 'string' ? b.error : undefined;
  const message = `TikTok: ${clip(str(apiError.message) ?? str(b.error_description) ?? code ?? oauthError, `answered HTTP ${status}`)}`;
  const expired = (reason: ExpiryReason): PlatformFailure => ({ kind: 'expired', reason, message, status });
  const transient = (): PlatformFailure => ({ kind: 'transient', message, status, retryAfterSeconds: retryAfterSeconds(res) });

  if (code !== undefined && code !== 'ok') {
    if (code === 'access_token_invalid') return expired('revoked');
    if (POLICY_CODES.has(code)) return expired('policy_update');
    if (TRANSIENT_CODES.has(code)) return transient();
    if (status === 429 || status >= 500) return transient();
    return { kind: 'rejected', message, status };
  }
  if (oauthError !== undefined) {
    if (oauthError === 'invalid_grant') return expired('revoked');
    if (oauthError === 'server_error' || oauthError === 'temporarily_unavailable' || status >= 500) return transient();
    return { kind: 'rejected', message, status };
  }
  if (status === 429 || status >= 500) return transient();
  if (status === 401) return expired('revoked');
  return { kind: 'rejected', message, status };
}
