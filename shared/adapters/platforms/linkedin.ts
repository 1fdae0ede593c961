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
import type { ClientCredentials, LinkedInEndpoints } from './config.js';
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
  num,
  ok,
  refreshRefused,
  retryAfterSeconds,
  send,
  splitScopes,
  str,
  type HttpDeps,
} from './http.js';

/**
 * LinkedIn Company Pages (Community Management API).
 *
 * classifyError:
 * | answer                                                                      | failure                    |
 * |-----------------------------------------------------------------------------|----------------------------|
 * | no answer (status 0)                                                        | transient                  |
 * | 401 serviceErrorCode 65602 EXPIRED_ACCESS_TOKEN                             | expired / token_expired    |
 * | 401 serviceErrorCode 65601 REVOKED_ACCESS_TOKEN                             | expired / revoked          |
 * | 401 serviceErrorCode 65600 INVALID_ACCESS_TOKEN, or any other 401           | expired / unknown          |
 * | 403 ACCESS_DENIED ("Not enough permissions ...")                             | expired / admin_role_lost  |
 * | introspectToken `{active:false,status:"expired"}`                           | expired / token_expired    |
 * | introspectToken `{active:false,status:"revoked"}` (or no status)            | expired / revoked          |
 * | OAuth `invalid_grant`, or `invalid_request` "...refresh token is invalid, expired or revoked" | expired / revoked (*) |
 * | 422 (duplicate content), other 4xx, other OAuth errors                      | rejected                   |
 * | 426 NONEXISTENT_VERSION (our LinkedIn-Version is sunset: a deploy fixes it) | transient                  |
 * | 429, 5xx                                                                    | transient                  |
 * (*) `refresh()` knows the TokenSet: when the stored `refreshTokenExpiresAt` has passed the same
 *     answer means token_expired (the yearly re-consent), otherwise revoked.
 * LinkedIn has no distinct answer for a password change, a security checkpoint, a policy update or
 * inactivity: those surface as 65601 (revoked) or 65602 (token_expired); the dashboard shows that.
 *
 * Tokens: access 60 days (`expires_in`), refresh 365 days from the first consent; on refresh
 * `refresh_token_expires_in` counts down, so refreshTokenExpiresAt stays where it was.
 */
export const LINKEDIN_SCOPES = ['openid', 'profile', 'w_organization_social', 'r_organization_social', 'rw_organization_admin'];

/** Real organization ids are digits; any id the URN carries is accepted (the sandbox allows others). */
const ORG_URN = /^urn:li:organization:([^:\s]+)$/;

interface Acl {
  organizationId: string;
  role: string;
  state: string;
}

export class LinkedInAdapter implements PlatformAdapter {
  readonly platform = 'linkedin' as const;
  readonly usesPkce = policyFor('linkedin').usesPkce;
  readonly canRefresh = policyFor('linkedin').canRefresh;

  constructor(
    private readonly config: ClientCredentials & LinkedInEndpoints,
    private readonly http: HttpDeps,
    private readonly clock: Clock,
  ) {}

  classifyError(response: PlatformResponse): PlatformFailure {
    return classifyLinkedInError(response);
  }

  buildAuthorizeUrl(req: AuthorizeRequest): string {
    const url = new URL(this.config.authorizeUrl);
    url.searchParams.set('response_type', 'code');
    url.searchParams.set('client_id', this.config.clientId);
    url.searchParams.set('redirect_uri', req.redirectUri);
    url.searchParams.set('state', req.state);
    url.searchParams.set('scope', LINKEDIN_SCOPES.join(' '));
    return url.toString();
  }

  async exchangeCode(input: { code: string; redirectUri: string }): Promise<PlatformResult<TokenSet>> {
    const res = await this.oauth('/accessToken', {
      grant_type: 'authorization_code',
      code: input.code,
      redirect_uri: input.redirectUri,
      client_id: this.config.clientId,
      client_secret: this.config.clientSecret,
    });
    if (!isSuccess(res)) return fail(exchangeFailure(this.classifyError(res)));
    const set = this.readTokens(res.body);
    return set ? ok(set) : fail({ kind: 'rejected', message: 'LinkedIn gave no access token for this code.' });
  }

  async refresh(tokens: TokenSet): Promise<PlatformResult<TokenSet>> {
    if (tokens.refreshToken === undefined) {
      const reason: ExpiryReason = hasPassed(this.clock, tokens.accessTokenExpiresAt) ? 'token_expired' : 'unknown';
      return fail(reason === 'token_expired' ? { kind: 'expired', reason, message: 'LinkedIn: access ended and this app has no refresh token.' } : { kind: 'rejected', message: 'LinkedIn issued no refresh token for this connection.' });
    }
    const res = await this.oauth('/accessToken', {
      grant_type: 'refresh_token',
      refresh_token: tokens.refreshToken,
      client_id: this.config.clientId,
      client_secret: this.config.clientSecret,
    });
    if (!isSuccess(res)) return fail(refreshRefused(this.clock, tokens, refreshFailure(res, this.classifyError(res))));
    const set = this.readTokens(res.body);
    if (!set) return fail({ kind: 'transient', message: 'LinkedIn answered the refresh without a token.', status: res.status });
    return ok(mergeRefreshed(tokens, set));
  }

  async identify(tokens: TokenSet, expectedExternalAccountId?: string): Promise<PlatformResult<PlatformIdentity>> {
    const me = await this.api('GET', '/v2/userinfo', tokens);
    if (!isSuccess(me)) return fail(this.classifyError(me));
    const person = asRecord(me.body);
    const sub = str(person.sub) ?? '';
    const personName = str(person.name) ?? 'LinkedIn member';

    const admins = await this.acls(tokens, true);
    if (!admins.ok) return admins;
    let chosen = pick(admins.value.filter(isApprovedAdmin), expectedExternalAccountId);
    let isAdmin = chosen !== undefined;
    if (!chosen) {
      const any = await this.acls(tokens, false);
      if (!any.ok) return any;
      chosen = pick(any.value.filter((a) => a.state === 'APPROVED'), expectedExternalAccountId);
      isAdmin = chosen !== undefined && isApprovedAdmin(chosen);
    }
    if (!chosen) return ok({ externalAccountId: sub, displayName: personName, isAdmin: false });

    const org = await this.api('GET', `/rest/organizations/${encodeURIComponent(chosen.organizationId)}`, tokens);
    let displayName = `LinkedIn Page ${chosen.organizationId}`;
    if (isSuccess(org)) {
      displayName = str(asRecord(org.body).localizedName) ?? displayName;
    } else {
      const failure = this.classifyError(org);
      if (failure.kind === 'transient' || (failure.kind === 'expired' && failure.reason !== 'admin_role_lost')) return fail(failure);
    }
    return ok({ externalAccountId: chosen.organizationId, displayName, isAdmin });
  }

  async checkAccess(tokens: TokenSet, externalAccountId: string): Promise<PlatformResult<void>> {
    const admins = await this.acls(tokens, true);
    if (!admins.ok) return admins;
    if (!admins.value.some((a) => isApprovedAdmin(a) && a.organizationId === externalAccountId)) {
      return fail({ kind: 'expired', reason: 'admin_role_lost', message: 'LinkedIn: this member is no longer an administrator of the Company Page.', status: 200 });
    }
    const res = await this.oauth('/introspectToken', { client_id: this.config.clientId, client_secret: this.config.clientSecret, token: tokens.accessToken });
    if (!isSuccess(res)) return fail(this.classifyError(res));
    if (asRecord(res.body).active !== true) return fail(this.classifyError({ status: 401, body: res.body }));
    return ok(undefined);
  }

  async publish(tokens: TokenSet, req: PublishRequest): Promise<PlatformResult<{ platformPostId: string }>> {
    const res = await this.api('POST', '/rest/posts', tokens, {
      author: `urn:li:organization:${req.externalAccountId}`,
      commentary: req.text,
      visibility: 'PUBLIC',
      distribution: { feedDistribution: 'MAIN_FEED', targetEntities: [], thirdPartyDistributionChannels: [] },
      lifecycleState: 'PUBLISHED',
      isReshareDisabledByAuthor: false,
    });
    if (!isSuccess(res)) return fail(this.classifyError(res));
    const id = res.headers?.['x-restli-id'] ?? res.headers?.['x-linkedin-id'];
    if (id === undefined) return fail({ kind: 'transient', message: 'LinkedIn accepted the post without an id.', status: res.status });
    return ok({ platformPostId: id });
  }

  private async acls(tokens: TokenSet, adminOnly: boolean): Promise<PlatformResult<Acl[]>> {
    const query: Record<string, string> = { q: 'roleAssignee', state: 'APPROVED' };
    if (adminOnly) query.role = 'ADMINISTRATOR';
    const res = await this.api('GET', '/rest/organizationAcls', tokens, undefined, query);
    if (!isSuccess(res)) return fail(this.classifyError(res));
    const elements = asRecord(res.body).elements;
    const list: Acl[] = [];
    for (const raw of Array.isArray(elements) ? elements : []) {
      const e = asRecord(raw);
      const id = ORG_URN.exec(str(e.organization) ?? str(e.organizationalTarget) ?? '')?.[1];
      if (id !== undefined) list.push({ organizationId: id, role: str(e.role) ?? '', state: str(e.state) ?? '' });
    }
    return ok(list);
  }

  private readTokens(body: unknown): TokenSet | undefined {
    const b = asRecord(body);
    const accessToken = str(b.access_token);
    if (accessToken === undefined) return undefined;
    const set: TokenSet = { accessToken };
    const access = expiresAt(this.clock, b.expires_in);
    if (access !== undefined) set.accessTokenExpiresAt = access;
    const refreshToken = str(b.refresh_token);
    if (refreshToken !== undefined) {
      set.refreshToken = refreshToken;
      const refresh = expiresAt(this.clock, b.refresh_token_expires_in);
      if (refresh !== undefined) set.refreshTokenExpiresAt = refresh;
    }
    const scopes = splitScopes(b.scope);
    if (scopes !== undefined) set.scopes = scopes;
    return set;
  }

  private oauth(path: string, form: Record<string, string>): Promise<PlatformResponse> {
    return send(this.http, { method: 'POST', url: `${this.config.oauthUrl}${path}`, form });
  }

  private api(method: 'GET' | 'POST', path: string, tokens: TokenSet, json?: unknown, query?: Record<string, string>): Promise<PlatformResponse> {
    return send(this.http, {
      method,
      url: `${this.config.apiUrl}${path}`,
      query,
      json,
      headers: {
        authorization: `Bearer ${tokens.accessToken}`,
        'linkedin-version': this.config.apiVersion,
        'x-restli-protocol-version': '2.0.0',
      },
    });
  }
}

function isApprovedAdmin(a: Acl): boolean {
  return a.role === 'ADMINISTRATOR' && a.state === 'APPROVED';
}

function pick(list: Acl[], expected: string | undefined): Acl | undefined {
  return list.find((a) => a.organizationId === expected) ?? list[0];
}

const REFRESH_REFUSED = /refresh token is invalid, expired or revoked/i;

/**
 * On the refresh call every request parameter is ours and fixed, so an OAuth `invalid_request` or
 * `invalid_grant` (whatever its wording: LinkedIn's documented answers differ) means the refresh
 * token is no longer good. Read as a refusal ("rejected"), the scan would retry it forever and the
 * dead connection would stay green.
 */
function refreshFailure(res: PlatformResponse, failure: PlatformFailure): PlatformFailure {
  const error = str(asRecord(res.body).error);
  if (failure.kind === 'rejected' && (error === 'invalid_request' || error === 'invalid_grant')) {
    return { kind: 'expired', reason: 'revoked', message: failure.message, status: failure.status };
  }
  return failure;
}

export function classifyLinkedInError(res: PlatformResponse): PlatformFailure {
  if (res.status === 0) return networkFailure('LinkedIn', res);
  const b = asRecord(res.body);
  const status = res.status;
  const oauthError = str(b.error);
  const description = str(b.error_description);
  const message = `LinkedIn: ${clip(str(b.message) ?? description ?? oauthError, `answered HTTP ${status}`)}`;
  const expired = (reason: ExpiryReason): PlatformFailure => ({ kind: 'expired', reason, message, status });

  if (status === 429 || status >= 500 || status === 426) return { kind: 'transient', message, status, retryAfterSeconds: retryAfterSeconds(res) };
  if (b.active === false) return expired(str(b.status) === 'expired' ? 'token_expired' : 'revoked');
  if (oauthError !== undefined) {
    if (oauthError === 'invalid_grant' || (oauthError === 'invalid_request' && REFRESH_REFUSED.test(description ?? ''))) return expired('revoked');
    if (oauthError === 'server_error' || oauthError === 'temporarily_unavailable') return { kind: 'transient', message, status };
    return { kind: 'rejected', message, status };
  }
  if (status === 401) {
    const code = num(b.serviceErrorCode);
    if (code === 65602) return expired('token_expired');
    if (code === 65601) return expired('revoked');
    return expired('unknown');
  }
  if (status === 403) return expired('admin_role_lost');
  return { kind: 'rejected', message, status };
}
