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
import type { ClientCredentials, FacebookEndpoints } from './config.js';
import { classifyGraphError } from './graph-errors.js';
import { asRecord, expiresAt, exchangeFailure, fail, isSuccess, mergeRefreshed, ok, send, str, type HttpDeps } from './http.js';

/**
 * Facebook Pages via Facebook Login (Graph API). Error mapping: see the table in graph-errors.ts
 * (every ExpiryReason is told apart; policy_update only from the sandbox's documented stand-in).
 *
 * - Tokens: code -> short-lived user token -> `fb_exchange_token` -> long-lived user token (~60 days,
 *   `expires_in`). No refresh token; `refresh()` re-runs `fb_exchange_token` while the token is valid.
 * - Identity: `/me/accounts` lists the Pages with their Page tokens; the Page is the account, its
 *   Page token (no expiry of its own) publishes, admin = `tasks` contains MANAGE.
 * - Check: `debug_token` with the app token `appId|secret`, then a harmless Page read.
 */
export const FACEBOOK_SCOPES = ['pages_show_list', 'pages_manage_posts', 'pages_read_engagement'];

interface Page {
  id: string;
  name: string;
  accessToken?: string;
  tasks: string[];
}

export class FacebookAdapter implements PlatformAdapter {
  readonly platform = 'facebook' as const;
  readonly usesPkce = policyFor('facebook').usesPkce;
  readonly canRefresh = policyFor('facebook').canRefresh;

  constructor(
    private readonly config: ClientCredentials & FacebookEndpoints,
    private readonly http: HttpDeps,
    private readonly clock: Clock,
  ) {}

  classifyError(response: PlatformResponse): PlatformFailure {
    return classifyGraphError('Facebook', response);
  }

  buildAuthorizeUrl(req: AuthorizeRequest): string {
    const url = new URL(this.config.authorizeUrl);
    url.searchParams.set('client_id', this.config.clientId);
    url.searchParams.set('redirect_uri', req.redirectUri);
    url.searchParams.set('state', req.state);
    url.searchParams.set('response_type', 'code');
    url.searchParams.set('scope', FACEBOOK_SCOPES.join(','));
    return url.toString();
  }

  async exchangeCode(input: { code: string; redirectUri: string }): Promise<PlatformResult<TokenSet>> {
    const short = await this.get('/oauth/access_token', {
      client_id: this.config.clientId,
      client_secret: this.config.clientSecret,
      redirect_uri: input.redirectUri,
      code: input.code,
    });
    if (!isSuccess(short)) return fail(exchangeFailure(this.classifyError(short)));
    const shortToken = str(asRecord(short.body).access_token);
    if (shortToken === undefined) return fail({ kind: 'rejected', message: 'Facebook gave no access token for this code.' });
    const long = await this.exchangeLongLived(shortToken);
    return long.ok ? long : fail(exchangeFailure(long.failure));
  }

  /** Facebook has no refresh token: re-running fb_exchange_token on a valid token is the closest. */
  async refresh(tokens: TokenSet): Promise<PlatformResult<TokenSet>> {
    const next = await this.exchangeLongLived(tokens.accessToken);
    if (!next.ok) return next;
    return ok(mergeRefreshed(tokens, next.value));
  }

  async identify(tokens: TokenSet, expectedExternalAccountId?: string): Promise<PlatformResult<PlatformIdentity>> {
    const pages = await this.pages(tokens.accessToken);
    if (!pages.ok) return pages;
    // The Page asked for (reconnect), else one this person administers, else any (-> not admin).
    const page =
      pages.value.find((p) => p.id === expectedExternalAccountId) ?? pages.value.find((p) => p.tasks.includes('MANAGE')) ?? pages.value[0];
    if (page === undefined) {
      // The user manages no Page: report the person, not an admin; the caller says ADMIN_ROLE_REQUIRED.
      const me = await this.get('/me', { fields: 'id,name', access_token: tokens.accessToken });
      if (!isSuccess(me)) return fail(this.classifyError(me));
      const body = asRecord(me.body);
      return ok({ externalAccountId: str(body.id) ?? '', displayName: str(body.name) ?? 'Facebook user', isAdmin: false });
    }
    return ok({ externalAccountId: page.id, displayName: page.name, isAdmin: page.tasks.includes('MANAGE'), accountToken: page.accessToken });
  }

  async checkAccess(tokens: TokenSet, externalAccountId: string): Promise<PlatformResult<void>> {
    const token = tokens.accountToken ?? tokens.accessToken;
    const debug = await this.get('/debug_token', { input_token: token, access_token: `${this.config.clientId}|${this.config.clientSecret}` });
    if (!isSuccess(debug)) return fail(this.classifyError(debug));
    const data = asRecord(asRecord(debug.body).data);
    if (data.is_valid !== true) {
      const failure = this.classifyError({ status: 400, body: debug.body });
      return fail(failure.kind === 'rejected' ? { kind: 'expired', reason: 'unknown', message: failure.message, status: 400 } : failure);
    }
    const page = await this.get(`/${encodeURIComponent(externalAccountId)}`, { fields: 'id,name', access_token: token });
    if (!isSuccess(page)) return fail(this.classifyError(page));
    return ok(undefined);
  }

  async publish(tokens: TokenSet, req: PublishRequest): Promise<PlatformResult<{ platformPostId: string }>> {
    let pageToken = tokens.accountToken;
    if (pageToken === undefined) {
      const pages = await this.pages(tokens.accessToken);
      if (!pages.ok) return pages;
      pageToken = pages.value.find((p) => p.id === req.externalAccountId)?.accessToken;
      if (pageToken === undefined) return fail({ kind: 'expired', reason: 'admin_role_lost', message: 'Facebook: this user no longer manages the Page.' });
    }
    const pageId = encodeURIComponent(req.externalAccountId);
    const res =
      req.mediaUrl === undefined
        ? await this.post(`/${pageId}/feed`, { message: req.text, published: 'true', access_token: pageToken })
        : await this.post(`/${pageId}/photos`, { url: req.mediaUrl, caption: req.text, published: 'true', access_token: pageToken });
    if (!isSuccess(res)) return fail(this.classifyError(res));
    const body = asRecord(res.body);
    const id = str(body.post_id) ?? str(body.id);
    if (id === undefined) return fail({ kind: 'transient', message: 'Facebook accepted the post without an id.', status: res.status });
    return ok({ platformPostId: id });
  }

  private async exchangeLongLived(token: string): Promise<PlatformResult<TokenSet>> {
    const res = await this.get('/oauth/access_token', {
      grant_type: 'fb_exchange_token',
      client_id: this.config.clientId,
      client_secret: this.config.clientSecret,
      fb_exchange_token: token,
    });
    if (!isSuccess(res)) return fail(this.classifyError(res));
    const body = asRecord(res.body);
    const accessToken = str(body.access_token);
    if (accessToken === undefined) return fail({ kind: 'transient', message: 'Facebook answered without a token.', status: res.status });
    const set: TokenSet = { accessToken, scopes: [...FACEBOOK_SCOPES] };
    const exp = expiresAt(this.clock, body.expires_in);
    if (exp !== undefined) set.accessTokenExpiresAt = exp;
    return ok(set);
  }

  private async pages(userToken: string): Promise<PlatformResult<Page[]>> {
    const res = await this.get('/me/accounts', { fields: 'id,name,access_token,tasks', limit: '100', access_token: userToken });
    if (!isSuccess(res)) return fail(this.classifyError(res));
    const data = asRecord(res.body).data;
    const list = Array.isArray(data) ? data : [];
    return ok(
      list.map((raw) => {
        const p = asRecord(raw);
        return {
          id: str(p.id) ?? '',
          name: str(p.name) ?? 'Facebook Page',
          accessToken: str(p.access_token),
          tasks: Array.isArray(p.tasks) ? p.tasks.filter((t): t is string => typeof t === 'string') : [],
        };
      }),
    );
  }

  private get(path: string, query: Record<string, string>): Promise<PlatformResponse> {
    return send(this.http, { method: 'GET', url: `${this.config.graphUrl}${path}`, query });
  }

  private post(path: string, form: Record<string, string>): Promise<PlatformResponse> {
    return send(this.http, { method: 'POST', url: `${this.config.graphUrl}${path}`, form });
  }
}
