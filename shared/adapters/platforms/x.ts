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
import type { ClientCredentials, XEndpoints } from './config.js';
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
 * X (OAuth 2.0 Authorization Code + PKCE S256, API v2). Errors are RFC 7807 problems
 * `{title,type,status,detail}`; the token endpoint answers `{error,error_description}`.
 *
 * classifyError:
 * | answer                                                                 | failure                    |
 * |------------------------------------------------------------------------|----------------------------|
 * | no answer (status 0)                                                   | transient                  |
 * | 401 Unauthorized                                                       | expired / revoked (*)      |
 * | 403 type .../problems/user-suspended (or detail "suspended")           | expired / security_review  |
 * | 403 "duplicate content", other 403                                     | rejected                   |
 * | OAuth invalid_request / invalid_grant ("Value passed for the token was invalid.") | expired / revoked (**) |
 * | 429 (rate limit, .../problems/usage-capped), 5xx                       | transient                  |
 * | other 4xx, other OAuth errors (unauthorized_client: our credentials)   | rejected                   |
 * X CANNOT tell apart an expired or revoked token, a password change (which ends every session:
 * "reconnect after any password change"), inactivity, a policy update or anything else: one bare 401.
 * Pure classification says `revoked`, the nearest reason. Only a suspension is told apart.
 * (*) checkAccess/publish know the TokenSet: when the stored access expiry has passed, token_expired.
 * (**) refresh(): token_expired when a stored refresh expiry has passed (X gives none, so: revoked).
 * There is no admin role on X: admin_role_lost never comes from here.
 *
 * Tokens: access 2 h, refresh token with offline.access, rotated on every use (keep the newest).
 */
export const X_SCOPES = ['tweet.read', 'tweet.write', 'users.read', 'offline.access'];

export class XAdapter implements PlatformAdapter {
  readonly platform = 'x' as const;
  readonly usesPkce = policyFor('x').usesPkce;
  readonly canRefresh = policyFor('x').canRefresh;

  constructor(
    private readonly config: ClientCredentials & XEndpoints,
    private readonly http: HttpDeps,
    private readonly clock: Clock,
  ) {}

  classifyError(response: PlatformResponse): PlatformFailure {
    return classifyXError(response);
  }

  buildAuthorizeUrl(req: AuthorizeRequest): string {
    const url = new URL(this.config.authorizeUrl);
    url.searchParams.set('response_type', 'code');
    url.searchParams.set('client_id', this.config.clientId);
    url.searchParams.set('redirect_uri', req.redirectUri);
    url.searchParams.set('scope', X_SCOPES.join(' '));
    url.searchParams.set('state', req.state);
    if (req.codeChallenge !== undefined) {
      url.searchParams.set('code_challenge', req.codeChallenge);
      url.searchParams.set('code_challenge_method', 'S256');
    }
    return url.toString();
  }

  async exchangeCode(input: { code: string; redirectUri: string; codeVerifier?: string }): Promise<PlatformResult<TokenSet>> {
    const res = await this.token({ grant_type: 'authorization_code', code: input.code, redirect_uri: input.redirectUri, code_verifier: input.codeVerifier });
    return res.ok ? res : fail(exchangeFailure(res.failure));
  }

  async refresh(tokens: TokenSet): Promise<PlatformResult<TokenSet>> {
    if (tokens.refreshToken === undefined) return fail({ kind: 'expired', reason: 'unknown', message: 'X: no refresh token is stored for this connection.' });
    const res = await this.token({ grant_type: 'refresh_token', refresh_token: tokens.refreshToken });
    if (!res.ok) return fail(refreshRefused(this.clock, tokens, res.failure));
    return ok(mergeRefreshed(tokens, res.value));
  }

  async identify(tokens: TokenSet): Promise<PlatformResult<PlatformIdentity>> {
    const me = await this.me(tokens);
    if (!me.ok) return me;
    return ok({ externalAccountId: me.value.id, displayName: me.value.name, isAdmin: true });
  }

  async checkAccess(tokens: TokenSet, externalAccountId: string): Promise<PlatformResult<void>> {
    const me = await this.me(tokens);
    if (!me.ok) return me;
    if (me.value.id !== externalAccountId) return fail({ kind: 'expired', reason: 'unknown', message: 'X: this access now belongs to a different account.' });
    return ok(undefined);
  }

  async publish(tokens: TokenSet, req: PublishRequest): Promise<PlatformResult<{ platformPostId: string }>> {
    const res = await this.api(tokens, 'POST', '/2/tweets', { text: req.text });
    if (!isSuccess(res)) return fail(this.apiFailure(tokens, res));
    const id = str(asRecord(asRecord(res.body).data).id);
    if (id === undefined) return fail({ kind: 'transient', message: 'X accepted the post without an id.', status: res.status });
    return ok({ platformPostId: id });
  }

  private async me(tokens: TokenSet): Promise<PlatformResult<{ id: string; name: string }>> {
    const res = await this.api(tokens, 'GET', '/2/users/me');
    if (!isSuccess(res)) return fail(this.apiFailure(tokens, res));
    const data = asRecord(asRecord(res.body).data);
    const id = str(data.id);
    if (id === undefined) return fail({ kind: 'transient', message: 'X answered without a user id.', status: res.status });
    const username = str(data.username);
    return ok({ id, name: str(data.name) ?? (username !== undefined ? `@${username}` : 'X account') });
  }

  private apiFailure(tokens: TokenSet, res: PlatformResponse): PlatformFailure {
    const failure = this.classifyError(res);
    if (failure.kind === 'expired' && failure.reason === 'revoked' && hasPassed(this.clock, tokens.accessTokenExpiresAt)) return { ...failure, reason: 'token_expired' };
    return failure;
  }

  private api(tokens: TokenSet, method: 'GET' | 'POST', path: string, json?: unknown): Promise<PlatformResponse> {
    return send(this.http, { method, url: `${this.config.apiUrl}${path}`, json, headers: { authorization: `Bearer ${tokens.accessToken}` } });
  }

  /** Confidential client: HTTP Basic client authentication on the token endpoint. */
  private async token(form: Record<string, string | undefined>): Promise<PlatformResult<TokenSet>> {
    const basic = Buffer.from(`${encodeURIComponent(this.config.clientId)}:${encodeURIComponent(this.config.clientSecret)}`).toString('base64');
    const res = await send(this.http, { method: 'POST', url: `${this.config.apiUrl}/2/oauth2/token`, form, headers: { authorization: `Basic ${basic}` } });
    if (!isSuccess(res)) return fail(this.classifyError(res));
    const b = asRecord(res.body);
    const accessToken = str(b.access_token);
    if (accessToken === undefined) return fail({ kind: 'transient', message: 'X answered without a token.', status: res.status });
    const set: TokenSet = { accessToken };
    const access = expiresAt(this.clock, b.expires_in);
    if (access !== undefined) set.accessTokenExpiresAt = access;
    const refreshToken = str(b.refresh_token);
    if (refreshToken !== undefined) set.refreshToken = refreshToken;
    const scopes = splitScopes(b.scope);
    if (scopes !== undefined) set.scopes = scopes;
    return ok(set);
  }
}

export function classifyXError(res: PlatformResponse): PlatformFailure {
  if (res.status === 0) return networkFailure('X', res);
  const b = asRecord(res.body);
  const status = res.status;
  const oauthError = str(b.error);
  const type = str(b.type) ?? '';
  const detail = str(b.detail) ?? str(b.error_description) ?? str(b.title);
  const message = `X: ${clip(detail ?? oauthError, `answered HTTP ${status}`)}`;
  const expired = (reason: ExpiryReason): PlatformFailure => ({ kind: 'expired', reason, message, status });

  if (status === 429 || status >= 500 || type.endsWith('/usage-capped')) return { kind: 'transient', message, status, retryAfterSeconds: retryAfterSeconds(res) };
  if (oauthError !== undefined) {
    if (oauthError === 'invalid_request' || oauthError === 'invalid_grant') return expired('revoked');
    return { kind: 'rejected', message, status };
  }
  if (status === 401) return expired('revoked');
  if (status === 403 && (type.endsWith('/user-suspended') || /suspended/i.test(detail ?? ''))) return expired('security_review');
  return { kind: 'rejected', message, status };
}
