import type { AuthorizeRequest, PlatformAdapter, PlatformFailure, PlatformIdentity, PlatformResponse, PlatformResult, PublishRequest, TokenSet } from '../../ports/platform.js';
import type { Clock } from '../../ports/misc.js';
import { BaseAdapter } from './base.js';
import type { ClientCredentials, InstagramEndpoints, PollSchedule } from './config.js';
import { classifyGraphError, isPermissionError, mentionsRole, permissionScope, readGraphError } from './graph-errors.js';
import { asRecord, fail, isSuccess, mergeRefreshed, ok, send, signInFailure, splitScopes, str, unrecognisedAnswer, type HttpDeps } from './http.js';

/**
 * Instagram API with Instagram Login (graph.instagram.com). Error mapping: the Graph table in
 * graph-errors.ts (same envelope as Facebook; every ExpiryReason told apart, policy_update only from
 * the sandbox's documented stand-in).
 *
 * - Tokens: code (POST api.instagram.com/oauth/access_token; answer flat or wrapped in `data:[...]`)
 *   -> short-lived token -> `ig_exchange_token` -> long-lived (~60 days, `expires_in`).
 *   Refresh = `refresh_access_token` with the long-lived token itself (no refresh token).
 * - Identity: `/me?fields=user_id,username,name`; `user_id` is the professional account id.
 *   There is no role API: "may publish" is read from `/{ig-user-id}/content_publishing_limit`,
 *   a harmless call that needs the publish permission (code 10/200 = not allowed).
 * - Publish: no text-only posts: container `/{ig-user-id}/media` (image_url, caption), then its
 *   `status_code` is polled (IN_PROGRESS -> wait, bounded; FINISHED -> go; ERROR/EXPIRED -> fail by
 *   the documented meaning), then `/{ig-user-id}/media_publish` (creation_id).
 * - A permission error (10, 200-299) the body cannot place is decided from the permissions granted
 *   at sign-in (`permissions` of the code exchange / refresh, kept in TokenSet.scopes): a needed one
 *   missing -> the person did not grant it (admin_role_lost); all granted -> our app (integration),
 *   unless the message names the person's role. Unknown grants leave the body's reading.
 * Facts and sources: docs/platforms/instagram.md.
 */
export const INSTAGRAM_SCOPES = ['instagram_business_basic', 'instagram_business_content_publish'];

const sleep = (ms: number): Promise<void> => new Promise((resolve) => setTimeout(resolve, ms));

export class InstagramAdapter extends BaseAdapter<'instagram'> implements PlatformAdapter {
  readonly platform = 'instagram' as const;

  constructor(config: ClientCredentials & InstagramEndpoints, http: HttpDeps, clock: Clock, private readonly poll: PollSchedule = { attempts: 6, intervalMs: 2000 }) {
    super(config, http, clock);
  }

  classifyError(response: PlatformResponse): PlatformFailure {
    return classifyGraphError('Instagram', response);
  }

  buildAuthorizeUrl(req: AuthorizeRequest): string {
    return this.authorizeUrl({ client_id: this.config.clientId, redirect_uri: req.redirectUri, response_type: 'code', scope: INSTAGRAM_SCOPES.join(','), state: req.state });
  }

  async exchangeCode(input: { code: string; redirectUri: string }): Promise<PlatformResult<TokenSet>> {
    const res = await send(this.http, {
      method: 'POST',
      url: `${this.config.oauthUrl}/oauth/access_token`,
      form: {
        client_id: this.config.clientId,
        client_secret: this.config.clientSecret,
        grant_type: 'authorization_code',
        redirect_uri: input.redirectUri,
        code: input.code,
      },
    });
    if (!isSuccess(res)) return fail(signInFailure(this.classifyError(res)));
    const short = readCodeExchange(res.body);
    if (short === undefined) return fail({ kind: 'rejected', message: 'Instagram gave no access token for this code.' });
    const long = await this.tokenCall('/access_token', {
      grant_type: 'ig_exchange_token',
      client_secret: this.config.clientSecret,
      access_token: short.accessToken,
    });
    if (!long.ok) return fail(signInFailure(long.failure));
    const scopes = long.value.scopes ?? short.scopes;
    return ok({ ...long.value, ...(scopes ? { scopes } : {}) });
  }

  async refresh(tokens: TokenSet): Promise<PlatformResult<TokenSet>> {
    const next = await this.tokenCall('/refresh_access_token', { grant_type: 'ig_refresh_token', access_token: tokens.accessToken });
    return next.ok ? ok(mergeRefreshed(tokens, next.value)) : next;
  }

  async identify(tokens: TokenSet): Promise<PlatformResult<PlatformIdentity>> {
    const me = await this.me(tokens);
    if (!me.ok) return me;
    const limit = await this.publishingLimit(tokens, me.value.userId);
    if (!limit.ok && !(limit.failure.kind === 'expired' && limit.failure.reason === 'admin_role_lost')) return limit;
    return ok({ externalAccountId: me.value.userId, displayName: me.value.name, isAdmin: limit.ok });
  }

  async checkAccess(tokens: TokenSet, externalAccountId: string): Promise<PlatformResult<void>> {
    const me = await this.me(tokens);
    if (!me.ok) return me;
    if (me.value.userId !== externalAccountId) return this.differentAccount();
    return this.publishingLimit(tokens, externalAccountId);
  }

  async publish(tokens: TokenSet, req: PublishRequest): Promise<PlatformResult<{ platformPostId: string }>> {
    if (req.mediaUrl === undefined) return fail({ kind: 'rejected', message: 'Instagram cannot publish text alone: add an image (mediaUrl).' });
    const user = encodeURIComponent(req.externalAccountId);
    const container = await this.api('POST', `/${user}/media`, tokens, { image_url: req.mediaUrl, caption: req.text });
    if (!isSuccess(container)) return fail(this.failureOf(container, tokens));
    const creationId = str(asRecord(container.body).id);
    if (creationId === undefined) return this.unrecognised(container, 'a media container without an id');
    const ready = await this.waitForContainer(tokens, creationId);
    if (!ready.ok) return ready;
    const published = await this.api('POST', `/${user}/media_publish`, tokens, { creation_id: creationId });
    if (!isSuccess(published)) return fail(this.failureOf(published, tokens));
    const id = str(asRecord(published.body).id);
    if (id === undefined) return this.unrecognised(published, 'a published media without an id');
    return ok({ platformPostId: id });
  }

  /**
   * `GET /{container-id}?fields=status_code,status` until FINISHED (IG Container reference):
   * IN_PROGRESS waits (bounded: a container left unpublished just expires, so the retry is safe);
   * ERROR is read by the subcode `status` carries; EXPIRED (not published within 24 h) is retried
   * with a new container.
   */
  private async waitForContainer(tokens: TokenSet, creationId: string): Promise<PlatformResult<void>> {
    for (let attempt = 1; attempt <= this.poll.attempts; attempt += 1) {
      const res = await this.api('GET', `/${encodeURIComponent(creationId)}`, tokens, { fields: 'status_code,status' });
      if (!isSuccess(res)) return fail(this.failureOf(res, tokens));
      const body = asRecord(res.body);
      const code = str(body.status_code);
      const status = str(body.status);
      if (code === 'FINISHED') return ok(undefined);
      if (code === 'ERROR') {
        const subcode = /\b(2207\d{3})\b/.exec(status ?? '')?.[1];
        if (subcode === undefined) return fail({ kind: 'rejected', status: res.status, message: `Instagram could not process this media (container status ERROR${status ? `: ${status}` : ''}).` });
        // Read by the error-code reference's subcode table; a subcode it does not list stays unrecognised.
        return fail(this.classifyError({ status: 400, body: { error: { code: 0, error_subcode: Number(subcode), message: `Container status ERROR: ${status ?? subcode}` } } }));
      }
      if (code === 'EXPIRED') return fail({ kind: 'transient', status: res.status, message: 'Instagram: the media container expired before it was published (24 hours). Flamel will try again with a new one.' });
      if (code !== 'IN_PROGRESS') return fail(unrecognisedAnswer('Instagram', res, code, status));
      if (attempt < this.poll.attempts) await sleep(this.poll.intervalMs);
    }
    return fail({ kind: 'transient', message: 'Instagram is still processing the media. Flamel will try again.' });
  }

  /** A failed answer, with a permission error the body cannot place decided from the granted permissions. */
  private failureOf(res: PlatformResponse, tokens: TokenSet): PlatformFailure {
    const failure = this.classifyError(res);
    const e = readGraphError(res.body);
    if (failure.kind !== 'expired' || e === undefined || !isPermissionError(e) || permissionScope(e) !== 'unclear' || tokens.scopes === undefined) return failure;
    const missing = INSTAGRAM_SCOPES.filter((s) => !(tokens.scopes ?? []).includes(s));
    if (missing.length > 0) return { ...failure, reason: 'admin_role_lost', message: `${failure.message} (${missing.join(', ')} not granted at sign-in)` };
    if (mentionsRole(e)) return failure;
    return { kind: 'integration', cause: 'permission_revoked', status: res.status, message: `${failure.message} (every permission was granted: Meta refuses the app)` };
  }

  private async me(tokens: TokenSet): Promise<PlatformResult<{ userId: string; name: string }>> {
    const res = await this.api('GET', '/me', tokens, { fields: 'user_id,username,name' });
    if (!isSuccess(res)) return fail(this.failureOf(res, tokens));
    const body = asRecord(res.body);
    const userId = str(body.user_id) ?? str(body.id);
    if (userId === undefined) return this.unrecognised(res, 'an account without user_id');
    return ok({ userId, name: str(body.username) ?? str(body.name) ?? 'Instagram account' });
  }

  private async publishingLimit(tokens: TokenSet, userId: string): Promise<PlatformResult<void>> {
    const res = await this.api('GET', `/${encodeURIComponent(userId)}/content_publishing_limit`, tokens, { fields: 'quota_usage' });
    return isSuccess(res) ? ok(undefined) : fail(this.failureOf(res, tokens));
  }

  private async tokenCall(path: string, query: Record<string, string>): Promise<PlatformResult<TokenSet>> {
    const res = await send(this.http, { method: 'GET', url: `${this.config.graphUrl}${path}`, query });
    if (!isSuccess(res)) return fail(this.classifyError(res));
    // No refresh token: the long-lived token refreshes itself.
    return this.tokensFrom(res, { scopes: 'permissions' }, 'a token answer without access_token');
  }

  private api(method: 'GET' | 'POST', path: string, tokens: TokenSet, params: Record<string, string>): Promise<PlatformResponse> {
    const url = `${this.config.graphUrl}/${this.config.graphVersion}${path}`;
    const all = { ...params, access_token: tokens.accessToken };
    return method === 'GET' ? send(this.http, { method, url, query: all }) : send(this.http, { method, url, form: all });
  }
}

/** The code exchange answer: documented as `{data:[{access_token,user_id,permissions}]}`, seen flat too. */
export function readCodeExchange(body: unknown): { accessToken: string; userId?: string; scopes?: string[] } | undefined {
  const root = asRecord(body);
  const first = Array.isArray(root.data) ? asRecord(root.data[0]) : root;
  const accessToken = str(first.access_token);
  if (accessToken === undefined) return undefined;
  return { accessToken, userId: str(first.user_id), scopes: splitScopes(first.permissions) };
}
