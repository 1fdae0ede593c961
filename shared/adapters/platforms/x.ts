import type { ExpiryReason } from '../../config/events.js';
import type { AuthorizeRequest, IntegrationCause, PlatformAdapter, PlatformFailure, PlatformResponse, PlatformResult, PublishRequest, TokenSet } from '../../ports/platform.js';
import { OwnAccountAdapter, type TokenFields } from './base.js';
import { asRecord, clip, exchangeFailure, fail, isSuccess, networkFailure, num, ok, retryAfterSeconds, send, str, unrecognisedAnswer, type HttpDeps } from './http.js';
import { pkceParams } from './pkce.js';

/**
 * X (OAuth 2.0 Authorization Code + PKCE S256, API v2; docs/platforms/x.md has the sources). API
 * errors are RFC 7807 problems `{title,type,status,detail}` (a few still carry the v1.1 shape
 * `{errors:[{code,message}]}`); the token endpoint answers `{error,error_description}`.
 *
 * classifyError:
 * | answer                                                                   | failure                               |
 * |--------------------------------------------------------------------------|---------------------------------------|
 * | no answer (status 0), 5xx                                                | transient                             |
 * | 429 .../usage-capped (UsageCapExceeded: our monthly cap)                 | integration / app_rate_limited        |
 * | 429 with x-app-limit-24hour-remaining: 0 (the app's 24 h limit)          | integration / app_rate_limited, reset |
 * | 429 otherwise (per-user 15 min or 24 h window)                           | transient, retry at its reset header  |
 * | 403 .../client-forbidden (client-not-enrolled), v1.1 code 261            | integration / permission_revoked      |
 * | 403 v1.1 code 453 (endpoint not in the app's access: v1.1 retired)       | integration / version_retired         |
 * | 403 .../unsupported-authentication, v1.1 code 416, OAuth unauthorized_client / invalid_client | integration / app_invalid |
 * | account suspended (.../user-suspended, v1.1 code 64) or locked (326)     | expired / security_review             |
 * | 401 Unauthorized                                                         | expired / revoked, refreshAndRetry (*) |
 * | OAuth invalid_request / invalid_grant ("Value passed for the token was invalid.") | expired / revoked (**)       |
 * | 403 duplicate content, 403 bare "Forbidden" (a scope not granted), 400 .../invalid-request | rejected            |
 * | anything else                                                            | unrecognisedAnswer (transient, logged) |
 * X cannot tell apart an expired or revoked token, a password change (which ends every session:
 * "reconnect after any password change"), or anything else: one bare 401. A 401 may also just be the
 * 2-hour token ageing, so it asks the caller to refresh once and retry before calling it expired.
 * (*) checkAccess/publish know the TokenSet: when the stored access expiry has passed, token_expired.
 * (**) refresh(): token_expired when a stored refresh expiry has passed (X gives none, so: revoked).
 * There is no admin role on X: admin_role_lost never comes from here.
 *
 * Tokens: access 2 h, refresh token with offline.access, rotated on every use (keep the newest).
 */
export const X_SCOPES = ['tweet.read', 'tweet.write', 'users.read', 'media.write', 'offline.access'];

/** What X's one-shot `POST /2/media/upload` takes (media_category tweet_image); GIF and video need the chunked upload. */
export const X_IMAGE = { maxBytes: 5 * 1024 * 1024, category: 'tweet_image', types: ['image/jpeg', 'image/png', 'image/webp', 'image/bmp', 'image/tiff'] } as const;
export type XImageType = (typeof X_IMAGE.types)[number];

/** The image type its first bytes say it is (a server's content-type is often generic or wrong). */
export function sniffImageType(bytes: Uint8Array): XImageType | undefined {
  const at = (i: number, ...b: number[]): boolean => b.every((v, k) => bytes[i + k] === v);
  if (at(0, 0xff, 0xd8, 0xff)) return 'image/jpeg';
  if (at(0, 0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a)) return 'image/png';
  if (at(0, 0x52, 0x49, 0x46, 0x46) && at(8, 0x57, 0x45, 0x42, 0x50)) return 'image/webp';
  if (at(0, 0x42, 0x4d)) return 'image/bmp';
  if (at(0, 0x49, 0x49, 0x2a, 0x00) || at(0, 0x4d, 0x4d, 0x00, 0x2a)) return 'image/tiff';
  return undefined;
}

const NO_MEDIA_SCOPE = 'X refused the image: this connection was made before Flamel could post images on X (media.write). Reconnect the account to post images.';

/** X's token answer: a refresh token (no lifetime given), scopes space separated. */
const TOKEN_FIELDS: TokenFields = { refreshToken: 'refresh_token', scopes: 'scope' };

export class XAdapter extends OwnAccountAdapter<'x'> implements PlatformAdapter {
  readonly platform = 'x' as const;

  classifyError(response: PlatformResponse): PlatformFailure {
    return classifyXError(response, this.clock.now());
  }

  buildAuthorizeUrl(req: AuthorizeRequest): string {
    return this.authorizeUrl({ response_type: 'code', client_id: this.config.clientId, redirect_uri: req.redirectUri, scope: X_SCOPES.join(' '), state: req.state, ...pkceParams(req.codeChallenge) });
  }

  async exchangeCode(input: { code: string; redirectUri: string; codeVerifier?: string }): Promise<PlatformResult<TokenSet>> {
    const res = await this.token({ grant_type: 'authorization_code', code: input.code, redirect_uri: input.redirectUri, code_verifier: input.codeVerifier });
    return res.ok ? res : fail(exchangeFailure(res.failure));
  }

  refresh(tokens: TokenSet): Promise<PlatformResult<TokenSet>> {
    return this.refreshWith(tokens, (refreshToken) => this.token({ grant_type: 'refresh_token', refresh_token: refreshToken }));
  }

  /** With `mediaUrl`: the image is uploaded first and attached by its media id (never the text alone). */
  async publish(tokens: TokenSet, req: PublishRequest): Promise<PlatformResult<{ platformPostId: string }>> {
    const body: Record<string, unknown> = { text: req.text };
    if (req.mediaUrl !== undefined) {
      const media = await this.uploadImage(tokens, req.mediaUrl);
      if (!media.ok) return fail(media.failure);
      body.media = { media_ids: [media.value] };
    }
    const res = await this.api(tokens, 'POST', '/2/tweets', body);
    if (!isSuccess(res)) return fail(this.apiFailure(tokens, res));
    const id = str(asRecord(asRecord(res.body).data).id);
    if (id === undefined) return this.unrecognised(res, 'the post was accepted without an id');
    return ok({ platformPostId: id });
  }

  private async uploadImage(tokens: TokenSet, mediaUrl: string): Promise<PlatformResult<string>> {
    if (tokens.scopes !== undefined && !tokens.scopes.includes('media.write')) return fail({ kind: 'rejected', message: NO_MEDIA_SCOPE });
    const image = await downloadImage(this.http, mediaUrl);
    if (!image.ok) return fail(image.failure);
    const res = await this.api(tokens, 'POST', '/2/media/upload', { media: image.value.bytes.toString('base64'), media_category: X_IMAGE.category, media_type: image.value.type });
    if (!isSuccess(res)) {
      const failure = this.apiFailure(tokens, res);
      // A bare 403 here is the scope missing from a token issued before media.write was asked for.
      return fail(failure.kind === 'rejected' && res.status === 403 && str(asRecord(res.body).detail) === 'Forbidden' ? { ...failure, message: NO_MEDIA_SCOPE } : failure);
    }
    const data = asRecord(asRecord(res.body).data);
    const id = str(data.id);
    if (id === undefined) return this.unrecognised(res, 'the image upload answered without a media id');
    if (str(asRecord(data.processing_info).state) === 'failed') return fail({ kind: 'rejected', message: 'X could not process the image.', status: res.status });
    return ok(id);
  }

  protected async account(tokens: TokenSet): Promise<PlatformResult<{ id: string; name: string }>> {
    const res = await this.api(tokens, 'GET', '/2/users/me');
    if (!isSuccess(res)) return fail(this.apiFailure(tokens, res));
    const data = asRecord(asRecord(res.body).data);
    const id = str(data.id);
    if (id === undefined) return this.unrecognised(res, 'the user lookup answered without a user id');
    const username = str(data.username);
    return ok({ id, name: str(data.name) ?? (username !== undefined ? `@${username}` : 'X account') });
  }

  private apiFailure(tokens: TokenSet, res: PlatformResponse): PlatformFailure {
    return this.agedOut(tokens, this.classifyError(res));
  }

  private api(tokens: TokenSet, method: 'GET' | 'POST', path: string, json?: unknown): Promise<PlatformResponse> {
    return send(this.http, { method, url: `${this.config.apiUrl}${path}`, json, headers: { authorization: `Bearer ${tokens.accessToken}` } });
  }

  /** Confidential client: HTTP Basic client authentication on the token endpoint. */
  private async token(form: Record<string, string | undefined>): Promise<PlatformResult<TokenSet>> {
    const basic = Buffer.from(`${encodeURIComponent(this.config.clientId)}:${encodeURIComponent(this.config.clientSecret)}`).toString('base64');
    const res = await send(this.http, { method: 'POST', url: `${this.config.apiUrl}/2/oauth2/token`, form, headers: { authorization: `Basic ${basic}` } });
    if (!isSuccess(res)) {
      // A refusal here is the refresh itself: nothing left to refresh and retry.
      const failure = this.classifyError(res);
      return fail(failure.kind === 'expired' ? { kind: 'expired', reason: failure.reason, message: failure.message, status: failure.status } : failure);
    }
    return this.tokensFrom(res, TOKEN_FIELDS, 'the token endpoint answered without a token');
  }
}

/**
 * Fetches the post's image for the upload. Never puts the address in a message (it may carry a
 * signed query). The image's own host failing is transient; an address that cannot work is rejected.
 */
async function downloadImage(http: HttpDeps, address: string): Promise<PlatformResult<{ bytes: Buffer; type: XImageType }>> {
  const rejected = (why: string, status?: number): PlatformResult<never> => fail({ kind: 'rejected', message: `The post's image cannot be posted to X: ${why}.`, status });
  let url: URL;
  try {
    url = new URL(address);
  } catch {
    return rejected('its address is not a valid URL');
  }
  if (url.protocol !== 'https:' && url.protocol !== 'http:') return rejected('its address must be http(s)');
  let bytes: Buffer;
  try {
    const res = await http.fetchImpl(url, { method: 'GET', signal: AbortSignal.timeout(http.timeoutMs), redirect: 'follow' });
    if (res.status === 429 || res.status >= 500) return fail({ kind: 'transient', message: `The post's image could not be downloaded (HTTP ${res.status}). Flamel will try again.`, status: res.status });
    if (!res.ok) return rejected(`downloading it answered HTTP ${res.status}`, res.status);
    if ((num(res.headers.get('content-length')) ?? 0) > X_IMAGE.maxBytes) return rejected('it is larger than 5 MB');
    bytes = Buffer.from(await res.arrayBuffer());
  } catch {
    return fail({ kind: 'transient', message: "The post's image could not be downloaded (no answer). Flamel will try again.", status: 0 });
  }
  if (bytes.length > X_IMAGE.maxBytes) return rejected('it is larger than 5 MB');
  const type = sniffImageType(bytes);
  if (type === undefined) return rejected('it is not a JPEG, PNG, WEBP, BMP or TIFF image (GIFs and videos are not supported on X yet)');
  return ok({ bytes, type });
}

/** The v1.1-shaped error some answers still carry: `{errors:[{code,message}]}`. */
function legacyError(body: Record<string, unknown>): { code?: number; message?: string } | undefined {
  const first = Array.isArray(body.errors) ? asRecord(body.errors[0]) : undefined;
  return first === undefined ? undefined : { code: num(first.code), message: str(first.message) };
}

export function classifyXError(res: PlatformResponse, now: Date): PlatformFailure {
  if (res.status === 0) return networkFailure('X', res);
  const b = asRecord(res.body);
  const status = res.status;
  const oauthError = str(b.error);
  const type = str(b.type) ?? '';
  const legacy = legacyError(b);
  const detail = str(b.detail) ?? str(b.error_description) ?? legacy?.message ?? str(b.title);
  const message = `X: ${clip(detail ?? oauthError, `answered HTTP ${status}`)}`;
  const expired = (reason: ExpiryReason, refreshAndRetry?: true): PlatformFailure => ({ kind: 'expired', reason, message, status, ...(refreshAndRetry ? { refreshAndRetry } : {}) });
  const integration = (cause: IntegrationCause, retryAfter?: number): PlatformFailure => ({ kind: 'integration', cause, message, status, retryAfterSeconds: retryAfter });

  if (status === 429) return rateLimited(res, b, message, now);
  if (status >= 500) return { kind: 'transient', message, status, retryAfterSeconds: retryAfterSeconds(res) };
  if (oauthError !== undefined) {
    if (oauthError === 'invalid_request' || oauthError === 'invalid_grant') return expired('revoked');
    // Our client id/secret refused (wrong, reset or the app suspended): every account alike.
    if (oauthError === 'unauthorized_client' || oauthError === 'invalid_client') return integration('app_invalid');
    return unrecognisedAnswer('X', res, oauthError, detail);
  }
  if (type.endsWith('/client-forbidden') || legacy?.code === 261) return integration('permission_revoked');
  if (legacy?.code === 453) return integration('version_retired');
  if (type.endsWith('/unsupported-authentication') || legacy?.code === 416) return integration('app_invalid');
  if (type.endsWith('/user-suspended') || legacy?.code === 64 || /account is suspended/i.test(detail ?? '')) return expired('security_review');
  if (legacy?.code === 326) return expired('security_review');
  if (status === 401) return expired('revoked', true);
  if (status === 403 && (/duplicate content/i.test(detail ?? '') || detail === 'Forbidden' || detail === 'You are not permitted to perform this action.')) {
    return { kind: 'rejected', message, status };
  }
  if (status === 400 && type.endsWith('/invalid-request')) return { kind: 'rejected', message, status };
  return unrecognisedAnswer('X', res, type !== '' && type !== 'about:blank' ? type : str(b.title), detail);
}

/**
 * A 429. X sends no Retry-After: each window's end is an epoch-seconds reset header, read against
 * our clock. `x-rate-limit-*` is the endpoint's 15-minute window for this user's token;
 * `x-user-limit-24hour-*` / `x-app-limit-24hour-*` the daily ones (POST /2/tweets: 100 per 15 min
 * per user, 10,000 per 24 h per app). The app's daily limit and the usage cap hold for every account.
 */
function rateLimited(res: PlatformResponse, b: Record<string, unknown>, message: string, now: Date): PlatformFailure {
  const h = res.headers ?? {};
  const status = res.status;
  const secondsUntil = (header: string): number | undefined => {
    const reset = num(h[header]);
    return reset === undefined ? undefined : Math.max(0, Math.ceil(reset - now.getTime() / 1000));
  };
  const latest = (...s: (number | undefined)[]): number | undefined => {
    const known = s.filter((x): x is number => x !== undefined);
    return known.length === 0 ? undefined : Math.max(...known);
  };
  if (str(b.type)?.endsWith('/usage-capped') || str(b.title) === 'UsageCapExceeded') {
    const cap = [str(b.period), str(b.scope)].filter((x) => x !== undefined).join(' ');
    return { kind: 'integration', cause: 'app_rate_limited', status, message: `${message}${cap ? ` (${cap})` : ''}`, retryAfterSeconds: retryAfterSeconds(res) };
  }
  if (h['x-app-limit-24hour-remaining'] === '0') {
    return { kind: 'integration', cause: 'app_rate_limited', status, message: `X: the app's 24-hour limit (${h['x-app-limit-24hour-limit'] ?? '?'} requests) is used up.`, retryAfterSeconds: latest(secondsUntil('x-app-limit-24hour-reset'), retryAfterSeconds(res)) };
  }
  if (h['x-user-limit-24hour-remaining'] === '0') {
    return { kind: 'transient', status, message: `X: this account's 24-hour limit (${h['x-user-limit-24hour-limit'] ?? '?'} requests) is used up.`, retryAfterSeconds: latest(secondsUntil('x-user-limit-24hour-reset'), retryAfterSeconds(res)) };
  }
  const limit = h['x-rate-limit-limit'];
  return {
    kind: 'transient',
    status,
    message: limit !== undefined ? `X: this account's rate limit (${limit} requests per window) is used up.` : message,
    retryAfterSeconds: latest(secondsUntil('x-rate-limit-reset'), retryAfterSeconds(res)),
  };
}
