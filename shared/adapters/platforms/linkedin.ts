import type { ExpiryReason } from '../../config/events.js';
import type { AuthorizeRequest, PlatformAdapter, PlatformFailure, PlatformIdentity, PlatformResponse, PlatformResult, PublishRequest, TokenSet } from '../../ports/platform.js';
import { BaseAdapter, type TokenFields } from './base.js';
import { asRecord, clip, fail, hasPassed, isSuccess, networkFailure, num, ok, retryAfterSeconds, send, sendRaw, signInFailure, str, unrecognisedAnswer } from './http.js';

/**
 * LinkedIn Company Pages, with only what the Community Management API product grants (an app with
 * that product may have no other one: no OpenID Connect, so no `openid`/`profile`, no /v2/userinfo).
 * See docs/platforms/linkedin.md for every call, scope and answer, with sources.
 *
 * classifyError:
 * | answer                                                                           | failure                        |
 * |----------------------------------------------------------------------------------|--------------------------------|
 * | no answer (status 0), 5xx, OAuth server_error / temporarily_unavailable          | transient                      |
 * | 426, or code NONEXISTENT_VERSION (our LinkedIn-Version is retired)               | integration / version_retired  |
 * | 403 "Not enough permissions to access: <resource>" (our app may not call it)     | integration / permission_revoked |
 * | 403 on the member's organization role ([/author] refused, ADMIN_ONLY visibility) | expired / admin_role_lost      |
 * | OAuth invalid_client / unauthorized_client (our client id or secret)             | integration / app_invalid      |
 * | 401 65602 EXPIRED_ACCESS_TOKEN                                                   | expired / token_expired        |
 * | 401 65601 REVOKED_ACCESS_TOKEN                                                   | expired / revoked              |
 * | 401 65600 INVALID_ACCESS_TOKEN, or any other 401                                 | expired / unknown              |
 * | introspectToken `{active:false,status:"expired"}` / other inactive               | expired / token_expired / revoked |
 * | OAuth invalid_grant, or invalid_request "...refresh token is invalid, expired or revoked" | expired / revoked (*) |
 * | 429 (daily limits reset at midnight UTC; LinkedIn sends no Retry-After)          | transient, retry at 00:00 UTC  |
 * | 400, 404, 405, 411, 413, 415, 422 (duplicate content), other OAuth errors        | rejected                       |
 * | anything else (another 403, 3xx, ...)                                            | unrecognisedAnswer             |
 * (*) `refresh()` knows the TokenSet: when the stored `refreshTokenExpiresAt` has passed the same
 *     answer means token_expired (the yearly re-consent), otherwise revoked.
 *
 * Tokens: access 60 days (`expires_in`). Refresh tokens (365 days from the first consent, counted
 * down) only for apps LinkedIn approved for them; without one nothing is ever refreshed and the
 * access token's end is the connection's end.
 */
export const LINKEDIN_SCOPES = ['r_basicprofile', 'rw_organization_admin', 'w_organization_social'] as const;

/**
 * Organization roles that may post as the Page (Posts API, `w_organization_social`: ADMINISTRATOR,
 * DIRECT_SPONSORED_CONTENT_POSTER, CONTENT_ADMIN; organizationAcls spells the last one
 * CONTENT_ADMINISTRATOR).
 */
export const LINKEDIN_POSTING_ROLES: ReadonlySet<string> = new Set(['ADMINISTRATOR', 'CONTENT_ADMINISTRATOR', 'CONTENT_ADMIN', 'DIRECT_SPONSORED_CONTENT_POSTER']);

/** "Little Text Format": these are markup in post commentary; each must be preceded by a backslash. */
const LITTLE_RESERVED = /[\\|{}@[\]()<>#*_~]/g;

export function escapeLittleText(text: string): string {
  return text.replace(LITTLE_RESERVED, (c) => `\\${c}`);
}

/** Real organization ids are digits; any id the URN carries is accepted (the sandbox allows others). */
const ORG_URN = /^urn:li:organization:([^:\s]+)$/;
const ACL_PAGE_SIZE = 100;
/** A bound on paging (100 x 50 roles), so a looping answer cannot keep a worker forever. */
const ACL_MAX_PAGES = 50;

interface Acl {
  organizationId: string;
  role: string;
  state: string;
}

/** LinkedIn's token answer: a refresh token (approved apps only) with its own lifetime, scopes comma separated. */
const TOKEN_FIELDS: TokenFields = { refreshToken: 'refresh_token', refreshTokenExpiresIn: 'refresh_token_expires_in', scopes: 'scope' };

export class LinkedInAdapter extends BaseAdapter<'linkedin'> implements PlatformAdapter {
  readonly platform = 'linkedin' as const;

  classifyError(response: PlatformResponse): PlatformFailure {
    return classifyLinkedInError(response);
  }

  buildAuthorizeUrl(req: AuthorizeRequest): string {
    return this.authorizeUrl({ response_type: 'code', client_id: this.config.clientId, redirect_uri: req.redirectUri, state: req.state, scope: LINKEDIN_SCOPES.join(' ') });
  }

  async exchangeCode(input: { code: string; redirectUri: string }): Promise<PlatformResult<TokenSet>> {
    const res = await this.oauth('/accessToken', {
      grant_type: 'authorization_code',
      code: input.code,
      redirect_uri: input.redirectUri,
      client_id: this.config.clientId,
      client_secret: this.config.clientSecret,
    });
    if (!isSuccess(res)) return fail(signInFailure(this.classifyError(res)));
    return this.tokensFrom(withoutEmptyRefreshToken(res), TOKEN_FIELDS, 'no access_token in the token answer');
  }

  /**
   * Without a refresh token (LinkedIn issues them to approved partners only) there is nothing to
   * call: the access token stands until its end, then the connection has ended (token_expired).
   */
  async refresh(tokens: TokenSet): Promise<PlatformResult<TokenSet>> {
    if (tokens.refreshToken === undefined) {
      if (hasPassed(this.clock, tokens.accessTokenExpiresAt)) {
        return fail({ kind: 'expired', reason: 'token_expired', message: 'LinkedIn: access ended after its 60 days and this app gets no refresh token. Reconnect to continue.' });
      }
      return ok(tokens);
    }
    return this.refreshWith(tokens, async (refreshToken) => {
      const res = await this.oauth('/accessToken', {
        grant_type: 'refresh_token',
        refresh_token: refreshToken,
        client_id: this.config.clientId,
        client_secret: this.config.clientSecret,
      });
      if (!isSuccess(res)) return fail(refreshFailure(res, this.classifyError(res)));
      return this.tokensFrom(withoutEmptyRefreshToken(res), TOKEN_FIELDS, 'no access_token in the refresh answer');
    });
  }

  async identify(tokens: TokenSet, expectedExternalAccountId?: string): Promise<PlatformResult<PlatformIdentity>> {
    // r_basicprofile (Community Management): /v2/me is unversioned.
    const me = await this.api('GET', '/v2/me', tokens);
    if (!isSuccess(me)) return fail(this.classifyError(me));
    const person = asRecord(me.body);
    const personId = str(person.id);
    if (personId === undefined) return this.unrecognised(me, 'no member id from /v2/me');
    const personName = [str(person.localizedFirstName), str(person.localizedLastName)].filter((x) => x).join(' ') || 'LinkedIn member';

    const acls = await this.acls(tokens);
    if (!acls.ok) return acls;
    const posting = acls.value.filter(canPost);
    const expected = expectedExternalAccountId;
    let chosen = posting.find((a) => a.organizationId === expected) ?? acls.value.find((a) => a.organizationId === expected);
    chosen ??= posting[0] ?? acls.value[0];
    if (!chosen) return ok({ externalAccountId: personId, displayName: personName, isAdmin: false });

    const org = await this.api('GET', `/rest/organizations/${encodeURIComponent(chosen.organizationId)}`, tokens);
    let displayName = `LinkedIn Page ${chosen.organizationId}`;
    if (isSuccess(org)) {
      displayName = str(asRecord(org.body).localizedName) ?? displayName;
    } else {
      // A member without an admin role may not read the Page's details: the name is a nicety.
      const failure = this.classifyError(org);
      if (!(failure.kind === 'expired' && failure.reason === 'admin_role_lost') && failure.kind !== 'rejected') return fail(failure);
    }
    return ok({ externalAccountId: chosen.organizationId, displayName, isAdmin: canPost(chosen) });
  }

  async checkAccess(tokens: TokenSet, externalAccountId: string): Promise<PlatformResult<void>> {
    // Paging stops at the page that names the Company Page with a posting role: the rest cannot change the answer.
    const postsForPage = (a: Acl) => canPost(a) && a.organizationId === externalAccountId;
    const acls = await this.acls(tokens, postsForPage);
    if (!acls.ok) return acls;
    if (!acls.value.some(postsForPage)) {
      return fail({ kind: 'expired', reason: 'admin_role_lost', message: 'LinkedIn: this member no longer has a role that may post for the Company Page.', status: 200 });
    }
    const res = await this.oauth('/introspectToken', { client_id: this.config.clientId, client_secret: this.config.clientSecret, token: tokens.accessToken });
    if (!isSuccess(res)) return fail(this.classifyError(res));
    const body = asRecord(res.body);
    if (body.active === true) return ok(undefined);
    if (body.active === false) return fail(this.classifyError({ status: 401, body: res.body }));
    return this.unrecognised(res, 'introspectToken without "active"');
  }

  async publish(tokens: TokenSet, req: PublishRequest): Promise<PlatformResult<{ platformPostId: string }>> {
    const author = `urn:li:organization:${req.externalAccountId}`;
    let content: Record<string, unknown> = {};
    if (req.mediaUrl !== undefined) {
      const image = await this.uploadImage(tokens, author, req.mediaUrl);
      if (!image.ok) return image;
      content = { content: { media: { id: image.value } } };
    }
    const res = await this.api('POST', '/rest/posts', tokens, {
      author,
      commentary: escapeLittleText(req.text),
      visibility: 'PUBLIC',
      distribution: { feedDistribution: 'MAIN_FEED', targetEntities: [], thirdPartyDistributionChannels: [] },
      ...content,
      lifecycleState: 'PUBLISHED',
      isReshareDisabledByAuthor: false,
    });
    if (!isSuccess(res)) return fail(this.classifyError(res));
    const id = res.headers?.['x-restli-id'] ?? res.headers?.['x-linkedin-id'];
    if (id === undefined) return this.unrecognised(res, 'post accepted without x-restli-id');
    return ok({ platformPostId: id });
  }

  /** Images API: initializeUpload (owner = the Page), PUT the bytes to the upload URL, then the image URN. */
  private async uploadImage(tokens: TokenSet, owner: string, mediaUrl: string): Promise<PlatformResult<string>> {
    const media = await this.download(mediaUrl);
    if (!media.ok) return media;
    const init = await this.api('POST', '/rest/images', tokens, { initializeUploadRequest: { owner } }, { action: 'initializeUpload' });
    if (!isSuccess(init)) return fail(this.classifyError(init));
    const value = asRecord(asRecord(init.body).value);
    const uploadUrl = str(value.uploadUrl);
    const image = str(value.image);
    if (uploadUrl === undefined || image === undefined) return this.unrecognised(init, 'initializeUpload without uploadUrl or image');
    const put = await this.putBytes(uploadUrl, tokens, media.value);
    if (!isSuccess(put)) return fail(this.classifyError(put));
    return ok(image);
  }

  /** The post's image, fetched with the same fetch (and timeout) as every platform call. */
  private async download(url: string): Promise<PlatformResult<{ bytes: ArrayBuffer; type: string }>> {
    try {
      const res = await this.http.fetchImpl(url, { method: 'GET', signal: AbortSignal.timeout(this.http.timeoutMs) });
      if (res.status >= 500) return fail({ kind: 'transient', message: `The post's image could not be fetched (HTTP ${res.status}). Flamel will try again.`, status: res.status });
      if (!res.ok) return fail({ kind: 'rejected', message: `The post's image could not be fetched (HTTP ${res.status}).`, status: res.status });
      const declared = (res.headers.get('content-type') ?? '').split(';')[0]?.trim().toLowerCase() ?? '';
      const bytes = await res.arrayBuffer();
      if (bytes.byteLength === 0) return fail({ kind: 'rejected', message: "The post's image is empty." });
      // Storage often serves images as application/octet-stream: the first bytes say what it is.
      const type = IMAGE_TYPES.has(declared) ? declared : sniffImage(new Uint8Array(bytes, 0, Math.min(4, bytes.byteLength)));
      if (type === undefined) return fail({ kind: 'rejected', message: `LinkedIn images must be JPG, PNG or GIF; the post's media is "${clip(declared, 'of no type')}".` });
      return ok({ bytes, type });
    } catch {
      return fail({ kind: 'transient', message: "The post's image could not be fetched. Flamel will try again.", status: 0 });
    }
  }

  private putBytes(url: string, tokens: TokenSet, media: { bytes: ArrayBuffer; type: string }): Promise<PlatformResponse> {
    return sendRaw(this.http, url, { method: 'PUT', headers: { authorization: `Bearer ${tokens.accessToken}`, 'content-type': media.type }, body: media.bytes });
  }

  /** Every APPROVED role of the member, all pages of the roleAssignee finder (start/count), or up to the page where `enough` holds for one. */
  private async acls(tokens: TokenSet, enough: (acl: Acl) => boolean = () => false): Promise<PlatformResult<Acl[]>> {
    const list: Acl[] = [];
    let start = 0;
    for (let page = 0; page < ACL_MAX_PAGES; page++) {
      const res = await this.api('GET', '/rest/organizationAcls', tokens, undefined, { q: 'roleAssignee', state: 'APPROVED', start: String(start), count: String(ACL_PAGE_SIZE) });
      if (!isSuccess(res)) return fail(this.classifyError(res));
      const body = asRecord(res.body);
      if (!Array.isArray(body.elements)) return fail(unrecognisedAnswer('LinkedIn', res, undefined, 'organizationAcls without elements'));
      for (const raw of body.elements) {
        const e = asRecord(raw);
        const id = ORG_URN.exec(str(e.organization) ?? str(e.organizationalTarget) ?? '')?.[1];
        if (id !== undefined) list.push({ organizationId: id, role: str(e.role) ?? '', state: str(e.state) ?? '' });
      }
      const paging = asRecord(body.paging);
      const pageSize = num(paging.count) ?? ACL_PAGE_SIZE;
      const total = num(paging.total);
      start += body.elements.length;
      const done = body.elements.length === 0 || (total !== undefined ? start >= total : body.elements.length < pageSize) || list.some(enough);
      if (done) break;
    }
    return ok(list);
  }

  private oauth(path: string, form: Record<string, string>): Promise<PlatformResponse> {
    return send(this.http, { method: 'POST', url: `${this.config.oauthUrl}${path}`, form });
  }

  /** `/rest/*` is versioned (LinkedIn-Version, Rest.li 2.0.0); `/v2/*` is not. */
  private api(method: 'GET' | 'POST', path: string, tokens: TokenSet, json?: unknown, query?: Record<string, string>): Promise<PlatformResponse> {
    const versioned = path.startsWith('/rest/');
    return send(this.http, {
      method,
      url: `${this.config.apiUrl}${path}`,
      query,
      json,
      headers: {
        authorization: `Bearer ${tokens.accessToken}`,
        ...(versioned ? { 'linkedin-version': this.config.apiVersion } : {}),
        'x-restli-protocol-version': '2.0.0',
      },
    });
  }
}

const IMAGE_TYPES = new Set(['image/jpeg', 'image/png', 'image/gif']);

function sniffImage(head: Uint8Array): string | undefined {
  if (head[0] === 0xff && head[1] === 0xd8 && head[2] === 0xff) return 'image/jpeg';
  if (head[0] === 0x89 && head[1] === 0x50 && head[2] === 0x4e && head[3] === 0x47) return 'image/png';
  if (head[0] === 0x47 && head[1] === 0x49 && head[2] === 0x46 && head[3] === 0x38) return 'image/gif';
  return undefined;
}

function canPost(a: Acl): boolean {
  return a.state === 'APPROVED' && LINKEDIN_POSTING_ROLES.has(a.role);
}

/** A token answer's empty `refresh_token` is no refresh token. */
function withoutEmptyRefreshToken(res: PlatformResponse): PlatformResponse {
  const b = asRecord(res.body);
  return b.refresh_token === '' ? { ...res, body: { ...b, refresh_token: undefined } } : res;
}

const REFRESH_REFUSED = /refresh token is invalid, expired or revoked/i;
/** The app itself may not call the resource (product or permission not granted to the app). */
const APP_PERMISSION = /^Not enough permissions to access/i;
/** The member's organization role does not allow it (posting as the Page, admin-only fields). */
const MEMBER_ROLE = /processing fields \[\/(author|owner)\]|ADMIN_ONLY VisibilityReduction/i;
const REJECTED_STATUSES = new Set([400, 404, 405, 411, 413, 415, 422]);

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

/** LinkedIn's daily limits reset at midnight UTC; its 429 carries no Retry-After, only its Date. */
function secondsToUtcMidnight(res: PlatformResponse): number | undefined {
  const explicit = retryAfterSeconds(res);
  if (explicit !== undefined) return explicit;
  const date = Date.parse(res.headers?.date ?? '');
  if (Number.isNaN(date)) return undefined;
  const d = new Date(date);
  const midnight = Date.UTC(d.getUTCFullYear(), d.getUTCMonth(), d.getUTCDate() + 1);
  return Math.ceil((midnight - date) / 1000);
}

export function classifyLinkedInError(res: PlatformResponse): PlatformFailure {
  if (res.status === 0) return networkFailure('LinkedIn', res);
  const b = asRecord(res.body);
  const status = res.status;
  const oauthError = str(b.error);
  const description = str(b.error_description);
  const text = str(b.message) ?? description ?? oauthError;
  const message = `LinkedIn: ${clip(text, `answered HTTP ${status}`)}`;
  const expired = (reason: ExpiryReason): PlatformFailure => ({ kind: 'expired', reason, message, status });

  if (status === 426 || str(b.code) === 'NONEXISTENT_VERSION') return { kind: 'integration', cause: 'version_retired', message, status };
  if (status === 429) return { kind: 'transient', message, status, retryAfterSeconds: secondsToUtcMidnight(res) };
  if (status >= 500) return { kind: 'transient', message, status, retryAfterSeconds: retryAfterSeconds(res) };
  if (b.active === false) return expired(str(b.status) === 'expired' ? 'token_expired' : 'revoked');
  if (oauthError !== undefined) {
    if (oauthError === 'invalid_grant' || (oauthError === 'invalid_request' && REFRESH_REFUSED.test(description ?? ''))) return expired('revoked');
    if (oauthError === 'server_error' || oauthError === 'temporarily_unavailable') return { kind: 'transient', message, status };
    if (oauthError === 'invalid_client' || oauthError === 'unauthorized_client') return { kind: 'integration', cause: 'app_invalid', message, status };
    return { kind: 'rejected', message, status };
  }
  if (status === 401) {
    const code = num(b.serviceErrorCode);
    if (code === 65602) return expired('token_expired');
    if (code === 65601) return expired('revoked');
    return expired('unknown');
  }
  if (status === 403) {
    if (APP_PERMISSION.test(text ?? '')) return { kind: 'integration', cause: 'permission_revoked', message, status };
    if (MEMBER_ROLE.test(text ?? '')) return expired('admin_role_lost');
    return unrecognisedAnswer('LinkedIn', res, str(b.code), text);
  }
  if (REJECTED_STATUSES.has(status)) return { kind: 'rejected', message, status };
  return unrecognisedAnswer('LinkedIn', res, str(b.code), text);
}
