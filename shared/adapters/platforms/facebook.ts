import type { AuthorizeRequest, PlatformAdapter, PlatformFailure, PlatformIdentity, PlatformResponse, PlatformResult, PublishRequest, TokenSet } from '../../ports/platform.js';
import { BaseAdapter } from './base.js';
import { classifyGraphError, isPermissionError, mentionsRole, permissionScope, readGraphError } from './graph-errors.js';
import { asRecord, fail, isSuccess, mergeRefreshed, ok, send, signInFailure, str } from './http.js';

/**
 * Facebook Pages via Facebook Login (Graph API). Error mapping: graph-errors.ts; the facts and their
 * sources: docs/platforms/facebook.md.
 *
 * - Tokens: code -> short-lived user token -> `fb_exchange_token` -> long-lived user token (~60 days,
 *   `expires_in`). No refresh token; `refresh()` re-runs `fb_exchange_token` while the token is valid.
 *   The granted scopes are read from `debug_token` (the exchange does not list them).
 * - Identity: `/me/accounts` (every page of it) lists the Pages with their Page tokens; the Page is
 *   the account, its Page token (no expiry of its own) publishes. "May publish" (`isAdmin`) = the
 *   person can perform CREATE_CONTENT, MANAGE or MODERATE on the Page (Page feed reference).
 * - Check: `debug_token` with the app token `appId|secret`, then a harmless Page read.
 * - A permission error (3, 10, 200-299) the body cannot place is decided from the grants: see
 *   `resolvePermission`.
 */
export const FACEBOOK_SCOPES = ['pages_show_list', 'pages_manage_posts', 'pages_read_engagement'];
/** Tasks with which a person may publish to the Page (any one of them). */
export const PAGE_PUBLISH_TASKS = ['CREATE_CONTENT', 'MANAGE', 'MODERATE'];
/** `/me/accounts` pages followed at most (100 Pages each). */
const MAX_ACCOUNT_PAGES = 10;

export function canPublishWith(tasks: readonly string[]): boolean {
  return tasks.some((t) => PAGE_PUBLISH_TASKS.includes(t));
}

interface Page {
  id: string;
  name: string;
  accessToken?: string;
  tasks: string[];
}

export class FacebookAdapter extends BaseAdapter<'facebook'> implements PlatformAdapter {
  readonly platform = 'facebook' as const;

  classifyError(response: PlatformResponse): PlatformFailure {
    return classifyGraphError('Facebook', response);
  }

  buildAuthorizeUrl(req: AuthorizeRequest): string {
    return this.authorizeUrl({ client_id: this.config.clientId, redirect_uri: req.redirectUri, state: req.state, response_type: 'code', scope: FACEBOOK_SCOPES.join(',') });
  }

  async exchangeCode(input: { code: string; redirectUri: string }): Promise<PlatformResult<TokenSet>> {
    const short = await this.get('/oauth/access_token', {
      client_id: this.config.clientId,
      client_secret: this.config.clientSecret,
      redirect_uri: input.redirectUri,
      code: input.code,
    });
    if (!isSuccess(short)) return fail(signInFailure(this.classifyError(short)));
    const shortToken = str(asRecord(short.body).access_token);
    if (shortToken === undefined) return fail({ kind: 'rejected', message: 'Facebook gave no access token for this code.' });
    const long = await this.exchangeLongLived(shortToken);
    if (!long.ok) return fail(signInFailure(long.failure));
    const debug = await this.debugToken(long.value.accessToken);
    const scopes = debug.ok ? debug.value.scopes : undefined;
    return ok({ ...long.value, ...(scopes ? { scopes } : {}) });
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
      pages.value.find((p) => p.id === expectedExternalAccountId) ?? pages.value.find((p) => canPublishWith(p.tasks)) ?? pages.value[0];
    if (page === undefined) {
      // The user manages no Page: report the person, not an admin; the caller says ADMIN_ROLE_REQUIRED.
      const me = await this.get('/me', { fields: 'id,name', access_token: tokens.accessToken });
      if (!isSuccess(me)) return fail(await this.failureOf(me, tokens.accessToken));
      const body = asRecord(me.body);
      return ok({ externalAccountId: str(body.id) ?? '', displayName: str(body.name) ?? 'Facebook user', isAdmin: false });
    }
    return ok({ externalAccountId: page.id, displayName: page.name, isAdmin: canPublishWith(page.tasks), accountToken: page.accessToken });
  }

  async checkAccess(tokens: TokenSet, externalAccountId: string): Promise<PlatformResult<void>> {
    const token = tokens.accountToken ?? tokens.accessToken;
    const debug = await this.debugToken(token);
    if (!debug.ok) return debug;
    const page = await this.get(`/${encodeURIComponent(externalAccountId)}`, { fields: 'id,name', access_token: token });
    if (!isSuccess(page)) return fail(await this.failureOf(page, token, externalAccountId));
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
    if (!isSuccess(res)) return fail(await this.failureOf(res, pageToken, req.externalAccountId));
    const body = asRecord(res.body);
    const id = str(body.post_id) ?? str(body.id);
    if (id === undefined) return this.unrecognised(res, 'a published post without an id');
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
    // Neither a refresh token nor the scopes (debug_token lists those).
    return this.tokensFrom(res, {}, 'a token answer without access_token');
  }

  /** Every Page of `/me/accounts`, following `paging.cursors.after` while Graph says there is a next page. */
  private async pages(userToken: string): Promise<PlatformResult<Page[]>> {
    const all: Page[] = [];
    let after: string | undefined;
    for (let i = 0; i < MAX_ACCOUNT_PAGES; i += 1) {
      const res = await this.get('/me/accounts', { fields: 'id,name,access_token,tasks', limit: '100', access_token: userToken, ...(after ? { after } : {}) });
      if (!isSuccess(res)) return fail(await this.failureOf(res, userToken));
      const body = asRecord(res.body);
      const data = Array.isArray(body.data) ? body.data : [];
      all.push(...data.map(readPage));
      const paging = asRecord(body.paging);
      after = str(asRecord(paging.cursors).after);
      if (paging.next === undefined || after === undefined || data.length === 0) break;
    }
    return ok(all);
  }

  /** The token as Meta sees it (app token `appId|secret`); an invalid token is read from its inner error. */
  private async debugToken(token: string): Promise<PlatformResult<{ scopes: string[]; granular: Map<string, string[] | undefined>; userId?: string }>> {
    const debug = await this.get('/debug_token', { input_token: token, access_token: this.appToken() });
    if (!isSuccess(debug)) return fail(this.appCallFailure(debug));
    const data = asRecord(asRecord(debug.body).data);
    if (data.is_valid !== true) {
      const failure = this.classifyError({ status: 400, body: debug.body });
      // Meta says the token is not valid: an answer without a readable reason still ends this access.
      return fail(failure.kind === 'expired' || failure.kind === 'integration' ? failure : { kind: 'expired', reason: 'unknown', message: failure.message, status: 400 });
    }
    const granular = new Map<string, string[] | undefined>();
    for (const raw of Array.isArray(data.granular_scopes) ? data.granular_scopes : []) {
      const g = asRecord(raw);
      const scope = str(g.scope);
      if (scope !== undefined) granular.set(scope, Array.isArray(g.target_ids) ? g.target_ids.map((t) => String(t)) : undefined);
    }
    return ok({ scopes: strings(data.scopes), granular, userId: str(data.user_id) });
  }

  /**
   * A failed answer. A permission error whose body does not say whether it is about our app or the
   * person is decided from the grants, in this order:
   * 1. `debug_token`: a needed permission granted but not for this Page (`granular_scopes`
   *    target_ids) -> the person left the Page out: admin_role_lost.
   * 2. Every needed permission granted -> the person's role if the message names it
   *    (admin_role_lost), else our app (integration/permission_revoked).
   * 3. A needed permission missing: `/{user-id}/permissions` says `declined` (or `expired`) -> the
   *    person's doing (admin_role_lost); neither granted nor declined -> the app no longer has it
   *    (App Review, app mode): integration/permission_revoked.
   * A probe that fails leaves the body's own reading (or a transient failure).
   */
  private async failureOf(res: PlatformResponse, token: string, pageId?: string): Promise<PlatformFailure> {
    const failure = this.classifyError(res);
    const e = readGraphError(res.body);
    if (failure.kind !== 'expired' || e === undefined || !isPermissionError(e) || permissionScope(e) !== 'unclear') return failure;
    const app = (why: string): PlatformFailure => ({ kind: 'integration', cause: 'permission_revoked', status: res.status, message: `${failure.message} (${why})` });
    const person = (why: string): PlatformFailure => ({ ...failure, reason: 'admin_role_lost', message: `${failure.message} (${why})` });
    const debug = await this.debugToken(token);
    if (!debug.ok) return debug.failure.kind === 'transient' ? debug.failure : failure;
    const { scopes, granular, userId } = debug.value;
    const notForPage = pageId === undefined ? [] : FACEBOOK_SCOPES.filter((s) => granular.get(s) !== undefined && !(granular.get(s) ?? []).includes(pageId));
    if (notForPage.length > 0) return person(`${notForPage.join(', ')} not granted for this Page`);
    const missing = FACEBOOK_SCOPES.filter((s) => !scopes.includes(s));
    if (missing.length === 0) return mentionsRole(e) ? person('every permission is granted: the role on the Page is missing') : app('every permission is granted, yet Meta refuses the app');
    if (userId === undefined) return failure;
    const perms = await this.get(`/${encodeURIComponent(userId)}/permissions`, { access_token: this.appToken() });
    if (!isSuccess(perms)) return this.classifyError(perms).kind === 'transient' ? this.classifyError(perms) : failure;
    const status = new Map<string, string>();
    for (const raw of Array.isArray(asRecord(perms.body).data) ? (asRecord(perms.body).data as unknown[]) : []) {
      const p = asRecord(raw);
      const name = str(p.permission);
      if (name !== undefined) status.set(name, str(p.status) ?? '');
    }
    const declined = missing.filter((s) => status.get(s) === 'declined' || status.get(s) === 'expired');
    if (declined.length > 0) return person(`${declined.join(', ')} declined`);
    return app(`${missing.join(', ')} no longer available to the app`);
  }

  /** A call made with our app token that failed: an answer about the token is about our app. */
  private appCallFailure(res: PlatformResponse): PlatformFailure {
    const failure = this.classifyError(res);
    if (failure.kind !== 'expired' && failure.kind !== 'rejected') return failure;
    return { kind: 'integration', cause: 'app_invalid', status: res.status, message: `${failure.message} (Meta refuses Flamel's app credentials)` };
  }

  private appToken(): string {
    return `${this.config.clientId}|${this.config.clientSecret}`;
  }

  private get(path: string, query: Record<string, string>): Promise<PlatformResponse> {
    return send(this.http, { method: 'GET', url: `${this.config.graphUrl}${path}`, query });
  }

  private post(path: string, form: Record<string, string>): Promise<PlatformResponse> {
    return send(this.http, { method: 'POST', url: `${this.config.graphUrl}${path}`, form });
  }
}

function readPage(raw: unknown): Page {
  const p = asRecord(raw);
  return {
    id: str(p.id) ?? '',
    name: str(p.name) ?? 'Facebook Page',
    accessToken: str(p.access_token),
    tasks: strings(p.tasks),
  };
}

function strings(value: unknown): string[] {
  return Array.isArray(value) ? value.filter((t): t is string => typeof t === 'string') : [];
}
