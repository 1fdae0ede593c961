import type { ExpiryReason } from '../../shared/config/events.js';
import type { LocalRequest, LocalResponse } from '../http-types.js';
import { bearer, formParams, json, jsonBody } from './http.js';
import { platformMemory } from './platform-memory.js';
import type { IssuedToken, SandboxAccount, SandboxStore, TokenProblem } from './store.js';
import type { PlatformWire, WireContext } from './wire.js';

/**
 * LinkedIn stand-in (paths below `/sandbox/linkedin`) for an app whose only product is the
 * Community Management API: www.linkedin.com `POST /oauth/v2/accessToken` (code, refresh_token),
 * `POST /oauth/v2/introspectToken`, `PUT /dms-uploads/...` (image bytes); api.linkedin.com
 * `GET /v2/me` (r_basicprofile), `GET /v2/userinfo` (refused: the app has no OpenID product),
 * `GET /rest/organizationAcls` (pages of 2), `GET /rest/organizations/{id}`,
 * `POST /rest/images?action=initializeUpload`, `POST /rest/posts`.
 * `/rest/*` needs a live `LinkedIn-Version` (else 426 NONEXISTENT_VERSION) and Rest.li 2.0.0.
 *
 * An account is one Company Page with one member, who also holds an ANALYST role on two other
 * Pages (`{id}-careers`, `{id}-events`, listed first) so the role list always pages. `isAdmin`
 * true = ADMINISTRATOR; false = ANALYST. `POST /accounts/{id}/role {role}` sets any documented role
 * (CONTENT_ADMINISTRATOR and DIRECT_SPONSORED_CONTENT_POSTER may post too). Roles and images live in
 * memory only (not in `--data` snapshots).
 * Post commentary is read as "little" text: it is cut at the first unescaped reserved character
 * (what LinkedIn does, answering 201) and `\x` stands for a reserved `x`.
 * Lifetimes: access 60 days; refresh 365 days from the consent (only with `linkedinRefreshTokens`).
 *
 * Revoke reasons (LinkedIn has no distinct answer for most): token_expired and inactivity ->
 * 65602 EXPIRED_ACCESS_TOKEN; revoked, password_changed, security_review, policy_update -> 65601
 * REVOKED_ACCESS_TOKEN; unknown -> 65600 INVALID_ACCESS_TOKEN; admin_role_lost -> the token works
 * but the member has no role: 403 on the Page's calls. A refresh with a token issued before the
 * revoke answers LinkedIn's one refresh error.
 */
const ACCESS_SECONDS = 5_184_000;
export const LINKEDIN_CONSENT_SECONDS = 365 * 86_400;

/**
 * The Marketing versions LinkedIn serves on 2026-11-30, with their sunset dates, from
 * https://learn.microsoft.com/en-us/linkedin/marketing/integrations/migrations (202511 retired
 * 2026-11-16, 202510 on 2026-10-15, 202509 on 2026-09-15; there is no 202512). Any other header
 * answers 426. 202608 and later are left out until their sunset dates can be read there.
 */
export const LINKEDIN_LIVE_VERSIONS: Readonly<Record<string, string>> = {
  '202601': '2027-01-15',
  '202602': '2027-02-15',
  '202603': '2027-03-16',
  '202604': '2027-04-15',
  '202605': '2027-05-15',
  '202606': '2027-06-15',
  '202607': '2027-07-15',
};

/** What the Community Management product lets an app request (its Auth tab); nothing else is granted. */
const APP_SCOPES = new Set(['r_basicprofile', 'r_1st_connections_size', 'r_organization_admin', 'rw_organization_admin', 'w_organization_social', 'r_organization_social', 'w_member_social', 'r_member_social']);
const ORG_ROLES = ['ADMINISTRATOR', 'CONTENT_ADMINISTRATOR', 'DIRECT_SPONSORED_CONTENT_POSTER', 'RECRUITING_POSTER', 'LEAD_CAPTURE_ADMINISTRATOR', 'LEAD_GEN_FORMS_MANAGER', 'ANALYST', 'CURATOR'];
/** The platform's rule (Posts API, w_organization_social), stated here as the platform, not read from the adapter. */
const POSTING_ROLES = new Set(['ADMINISTRATOR', 'CONTENT_ADMINISTRATOR', 'DIRECT_SPONSORED_CONTENT_POSTER']);
const ACL_MAX_PAGE = 2;
const UPLOAD_URL_SECONDS = 86_400;
const LITTLE_RESERVED = new Set(['\\', '|', '{', '}', '@', '[', ']', '(', ')', '<', '>', '#', '*', '_', '~']);

const EXPIRED = { status: 401, serviceErrorCode: 65602, code: 'EXPIRED_ACCESS_TOKEN', message: 'The token used in the request has expired' };
const REVOKED = { status: 401, serviceErrorCode: 65601, code: 'REVOKED_ACCESS_TOKEN', message: 'The token used in the request has been revoked by the user' };
const INVALID = { status: 401, serviceErrorCode: 65600, code: 'INVALID_ACCESS_TOKEN', message: 'Invalid access token' };
const REASON_BODIES: Record<Exclude<ExpiryReason, 'admin_role_lost'>, typeof EXPIRED> = {
  token_expired: EXPIRED,
  inactivity: EXPIRED,
  revoked: REVOKED,
  password_changed: REVOKED,
  security_review: REVOKED,
  policy_update: REVOKED,
  unknown: INVALID,
};
const REFRESH_REFUSED = { error: 'invalid_request', error_description: 'The provided authorization grant or refresh token is invalid, expired or revoked' };

/** LinkedIn writes the version as YYYYMM01 in its messages ("Requested version 20240901 is not active"). */
const longVersion = (v: string): string => (/^\d{6}$/.test(v) ? `${v}01` : v);

/** The app may not call this resource at all (its product lacks the permission, or the token lacks the scope). */
function appDenied(resource: string): LocalResponse {
  return json(403, { status: 403, serviceErrorCode: 100, code: 'ACCESS_DENIED', message: `Not enough permissions to access: ${resource}` });
}

/** The member's organization role does not let them act as the Page. */
function memberDenied(field: 'author' | 'owner'): LocalResponse {
  return json(403, { serviceErrorCode: 100, message: `Field Value validation failed in REQUEST_BODY: Data Processing Exception while processing fields [/${field}]`, status: 403 });
}

function versionRetired(version: string): LocalResponse {
  return json(426, { status: 426, code: 'NONEXISTENT_VERSION', message: `Requested version ${longVersion(version)} is not active` });
}

// ---- what the sandbox remembers for LinkedIn alone (roles other than admin/analyst, images) ----------

interface ImageRecord {
  urn: string;
  owner: string;
  accountId: string;
  uploadExpiresAt: number;
  uploaded: boolean;
}
interface LinkedInMemory {
  roles: Map<string, string>;
  images: Map<string, ImageRecord>;
}
const memory = platformMemory<LinkedInMemory>(() => ({ roles: new Map(), images: new Map() }));

function roleOf(store: SandboxStore, account: SandboxAccount, roleLost: boolean): string {
  const set = memory(store).roles.get(account.externalAccountId);
  if (roleLost || !account.isAdmin) return set !== undefined && !POSTING_ROLES.has(set) ? set : 'ANALYST';
  return set !== undefined && POSTING_ROLES.has(set) ? set : 'ADMINISTRATOR';
}

/** Which resource (in LinkedIn's own naming) a path is, for the 403 message. */
function resourceOf(sub: string, req: LocalRequest): string {
  const v = longVersion(req.headers['linkedin-version'] ?? '');
  if (sub === '/v2/me') return 'me.GET.NO_VERSION';
  if (sub === '/v2/userinfo') return 'userinfo.GET.NO_VERSION';
  if (sub === '/rest/organizationAcls') return `organizationAcls.FINDER-roleAssignee.${v}`;
  if (sub.startsWith('/rest/organizations/')) return `organizations.GET.${v}`;
  if (sub === '/rest/images') return `images.ACTION-initializeUpload.${v}`;
  if (sub === '/rest/posts') return `partnerApiPostsExternal.CREATE.${v}`;
  return `${sub.replace(/^\/(rest|v2)\//, '')}.${req.method}.${v || 'NO_VERSION'}`;
}

export const linkedinWire: PlatformWire = {
  platform: 'linkedin',
  realAuthorizePath: /^\/oauth\/v2\/authorization$/,
  clientIdParam: 'client_id',
  pkce: false,
  scopeSeparator: /[\s,]+/,
  codeTtlSeconds: 1800,
  consentPeriodSeconds: LINKEDIN_CONSENT_SECONDS,
  outage: (sub) =>
    sub.startsWith('/oauth/')
      ? json(503, { error: 'temporarily_unavailable', error_description: 'The service is temporarily unavailable' })
      : json(503, { status: 503, code: 'SERVICE_UNAVAILABLE', message: 'Service Unavailable' }),
  // Versions and permissions are checked on the API hosts; OAuth keeps working for a refused app.
  appFailure(sub, req, cause) {
    if (cause === 'version_retired') return sub.startsWith('/rest/') ? versionRetired(req.headers['linkedin-version'] ?? '') : undefined;
    return sub.startsWith('/rest/') || sub.startsWith('/v2/') ? appDenied(resourceOf(sub, req)) : undefined;
  },
  handle(sub, req, ctx) {
    if (sub === '/oauth/v2/accessToken' && req.method === 'POST') return accessToken(req, ctx);
    if (sub === '/oauth/v2/introspectToken' && req.method === 'POST') return introspect(req, ctx);
    const role = /^\/accounts\/([^/]+)\/role$/.exec(sub);
    if (role?.[1] && req.method === 'POST') return setRole(decodeURIComponent(role[1]), req, ctx);
    const upload = /^\/dms-uploads\/([^/]+)\/uploadedImage\/0$/.exec(sub);
    if (upload?.[1] && req.method === 'PUT') return uploadBytes(upload[1], req, ctx);
    if (sub === '/v2/me' && req.method === 'GET') {
      return withToken(req, ctx, sub, 'r_basicprofile', (account) =>
        json(200, { id: personId(account), localizedFirstName: account.name, localizedLastName: 'Member', vanityName: account.externalAccountId.toLowerCase(), localizedHeadline: 'Sandbox member' }),
      );
    }
    if (sub === '/v2/userinfo' && req.method === 'GET') return withToken(req, ctx, sub, 'openid', () => json(500, {}));
    if (sub.startsWith('/rest/')) {
      const version = req.headers['linkedin-version'];
      if (!version) return json(400, { status: 400, code: 'VERSION_MISSING', message: 'A version must be present. Please specify a version by adding the LinkedIn-Version header.' });
      if (LINKEDIN_LIVE_VERSIONS[version] === undefined) return versionRetired(version);
      if (req.headers['x-restli-protocol-version'] !== '2.0.0') {
        return json(400, { status: 400, code: 'ILLEGAL_ARGUMENT', message: 'X-Restli-Protocol-Version 2.0.0 is required for this resource.' });
      }
      if (sub === '/rest/organizationAcls' && req.method === 'GET') return withToken(req, ctx, sub, 'rw_organization_admin', (account, roleLost) => acls(req, ctx, account, roleLost));
      const org = /^\/rest\/organizations\/([^/]+)$/.exec(sub);
      if (org?.[1] && req.method === 'GET') {
        const id = decodeURIComponent(org[1]);
        return withToken(req, ctx, sub, 'rw_organization_admin', (account, roleLost) =>
          id === account.externalAccountId && POSTING_ROLES.has(roleOf(ctx.store, account, roleLost))
            ? json(200, { id: /^\d+$/.test(id) ? Number(id) : id, localizedName: account.name, vanityName: account.name.toLowerCase().replace(/\W+/g, '-') })
            : json(403, { status: 403, serviceErrorCode: 100, code: 'ACCESS_DENIED', message: `Viewer don't have permission to the ADMIN_ONLY VisibilityReduction for urn:li:organization:${id}` }),
        );
      }
      if (sub === '/rest/images' && req.method === 'POST' && req.query.get('action') === 'initializeUpload') {
        return withToken(req, ctx, sub, 'w_organization_social', (account, roleLost) => initializeUpload(req, ctx, account, roleLost));
      }
      if (sub === '/rest/posts' && req.method === 'POST') return withToken(req, ctx, sub, 'w_organization_social', (account, roleLost) => createPost(req, ctx, account, roleLost));
    }
    return json(404, { status: 404, code: 'NOT_FOUND', message: `No virtual resource found: ${req.method} ${sub}` });
  },
};

function personId(account: SandboxAccount): string {
  return `p${Buffer.from(account.externalAccountId).toString('base64url')}`;
}

function tokenFailure(problem: TokenProblem): LocalResponse {
  if (problem.kind === 'invalid') return json(401, INVALID);
  if (problem.kind === 'expired') return json(401, EXPIRED);
  return json(401, REASON_BODIES[problem.reason === 'admin_role_lost' ? 'unknown' : problem.reason]);
}

/**
 * A call with a member token. `scope` must be among the token's (and grantable to this app at all);
 * a token issued before an admin_role_lost revoke still works, for a member without a Page role.
 */
function withToken(req: LocalRequest, ctx: WireContext, sub: string, scope: string, then: (account: SandboxAccount, roleLost: boolean) => LocalResponse): LocalResponse {
  const token = bearer(req);
  if (token === undefined) return json(401, { message: 'Empty oauth2_access_token', serviceErrorCode: 401, status: 401 });
  const check = ctx.store.checkToken('linkedin', token, ['access']);
  if (!check.ok) {
    const p = check.problem;
    if (p.kind === 'revoked' && p.reason === 'admin_role_lost') {
      const issued = issuedToken(ctx, token);
      const account = issued && ctx.store.account('linkedin', issued.accountId);
      if (account && issued && APP_SCOPES.has(scope) && issued.scopes.includes(scope)) return then(account, true);
    }
    return tokenFailure(p);
  }
  if (!APP_SCOPES.has(scope) || !check.token.scopes.includes(scope)) return appDenied(resourceOf(sub, req));
  return then(check.account, false);
}

/** The token as issued, whatever its state (the store's check only names the problem). */
function issuedToken(ctx: WireContext, token: string): IssuedToken | undefined {
  return ctx.store.snapshot().tokens.find((t) => t.value === token);
}

function setRole(id: string, req: LocalRequest, ctx: WireContext): LocalResponse {
  const account = ctx.store.account('linkedin', id);
  if (!account) return json(404, { error: { code: 'NOT_FOUND', message: `No linkedin sandbox account "${id}".` } });
  const role = (jsonBody(req) as { role?: unknown } | undefined)?.role;
  if (typeof role !== 'string' || !ORG_ROLES.includes(role)) {
    return json(400, { error: { code: 'VALIDATION_FAILED', message: `Fix the request body: role must be one of ${ORG_ROLES.join(', ')}.` } });
  }
  memory(ctx.store).roles.set(id, role);
  account.isAdmin = POSTING_ROLES.has(role);
  return json(200, { externalAccountId: id, role, canPost: account.isAdmin });
}

function acls(req: LocalRequest, ctx: WireContext, account: SandboxAccount, roleLost: boolean): LocalResponse {
  if (req.query.get('q') !== 'roleAssignee') return json(400, { status: 400, code: 'ILLEGAL_ARGUMENT', message: 'Unsupported finder' });
  const start = Number(req.query.get('start') ?? '0');
  const asked = Number(req.query.get('count') ?? '10');
  if (!Number.isInteger(start) || start < 0 || !Number.isInteger(asked) || asked < 1) {
    return json(400, { status: 400, code: 'ILLEGAL_ARGUMENT', message: 'start must be >= 0 and count >= 1' });
  }
  const assignee = `urn:li:person:${personId(account)}`;
  const entry = (org: string, role: string) => ({ roleAssignee: assignee, role, state: 'APPROVED', organization: `urn:li:organization:${org}` });
  const all = [entry(`${account.externalAccountId}-careers`, 'ANALYST'), entry(`${account.externalAccountId}-events`, 'ANALYST'), entry(account.externalAccountId, roleOf(ctx.store, account, roleLost))];
  const role = req.query.get('role');
  const state = req.query.get('state');
  const matching = all.filter((e) => (role === null || e.role === role) && (state === null || e.state === state));
  const count = Math.min(asked, ACL_MAX_PAGE);
  const elements = matching.slice(start, start + count);
  const links = start + count < matching.length ? [{ rel: 'next', type: 'application/json', href: `/rest/organizationAcls?q=roleAssignee&start=${start + count}&count=${count}` }] : [];
  return json(200, { paging: { start, count, links }, elements });
}

function initializeUpload(req: LocalRequest, ctx: WireContext, account: SandboxAccount, roleLost: boolean): LocalResponse {
  const owner = (jsonBody(req) as { initializeUploadRequest?: { owner?: unknown } } | undefined)?.initializeUploadRequest?.owner;
  if (typeof owner !== 'string') return json(422, { status: 422, code: 'UNPROCESSABLE_ENTITY', message: '/initializeUploadRequest/owner is required' });
  if (owner !== `urn:li:organization:${account.externalAccountId}` || !POSTING_ROLES.has(roleOf(ctx.store, account, roleLost))) return memberDenied('owner');
  const key = `D4E10AQ${ctx.store.nextId()}`;
  const urn = `urn:li:image:${key}`;
  const uploadExpiresAt = ctx.store.now() + UPLOAD_URL_SECONDS * 1000;
  memory(ctx.store).images.set(key, { urn, owner, accountId: account.externalAccountId, uploadExpiresAt, uploaded: false });
  const uploadUrl = `http://${req.headers.host ?? '127.0.0.1'}/sandbox/linkedin/dms-uploads/${key}/uploadedImage/0?ca=vector_feedshare&cn=uploads&sync=0&v=beta`;
  return json(200, { value: { uploadUrlExpiresAt: uploadExpiresAt, uploadUrl, image: urn } });
}

/** The upload URL takes the bytes once, with the member's token, before it expires. */
function uploadBytes(key: string, req: LocalRequest, ctx: WireContext): LocalResponse {
  const image = memory(ctx.store).images.get(key);
  if (!image) return json(404, { status: 404, message: 'Upload URL not found' });
  const check = ctx.store.checkToken('linkedin', bearer(req), ['access']);
  if (!check.ok) return tokenFailure(check.problem);
  if (check.account.externalAccountId !== image.accountId) return json(403, { status: 403, message: 'The upload URL belongs to another owner' });
  if (image.uploaded || image.uploadExpiresAt <= ctx.store.now()) return json(400, { status: 400, message: 'The upload URL was used already or has expired' });
  if (req.body.length === 0) return json(400, { status: 400, message: 'The upload is empty' });
  image.uploaded = true;
  return { status: 201, headers: {}, body: '' };
}

/**
 * "little" text as LinkedIn stores it: `\x` is a literal reserved `x`; the first unescaped reserved
 * character ends the text (LinkedIn still answers 201).
 */
export function storedCommentary(commentary: string): string {
  let out = '';
  for (let i = 0; i < commentary.length; i++) {
    const c = commentary[i] ?? '';
    if (c === '\\' && LITTLE_RESERVED.has(commentary[i + 1] ?? '')) {
      out += commentary[i + 1];
      i += 1;
    } else if (LITTLE_RESERVED.has(c)) {
      break;
    } else {
      out += c;
    }
  }
  return out;
}

function createPost(req: LocalRequest, ctx: WireContext, account: SandboxAccount, roleLost: boolean): LocalResponse {
  const body = jsonBody(req) as { author?: unknown; commentary?: unknown; visibility?: unknown; lifecycleState?: unknown; distribution?: { feedDistribution?: unknown }; content?: { media?: { id?: unknown } } } | undefined;
  if (!body || typeof body.commentary !== 'string' || typeof body.author !== 'string') {
    return json(422, { status: 422, code: 'UNPROCESSABLE_ENTITY', message: 'author and commentary are required' });
  }
  if (typeof body.visibility !== 'string' || typeof body.lifecycleState !== 'string' || typeof body.distribution?.feedDistribution !== 'string') {
    return json(422, { status: 422, code: 'UNPROCESSABLE_ENTITY', message: 'visibility, lifecycleState and distribution.feedDistribution are required' });
  }
  if (body.author !== `urn:li:organization:${account.externalAccountId}` || !POSTING_ROLES.has(roleOf(ctx.store, account, roleLost))) return memberDenied('author');
  let mediaUrn: string | undefined;
  if (body.content !== undefined) {
    const id = body.content.media?.id;
    const image = typeof id === 'string' ? memory(ctx.store).images.get(id.replace(/^urn:li:image:/, '')) : undefined;
    if (!image || image.owner !== body.author || !image.uploaded) {
      return json(400, { status: 400, code: 'INVALID_CONTENT', message: `Media ${typeof id === 'string' ? id : '(none)'} is not an uploaded image of this author` });
    }
    mediaUrn = image.urn;
  }
  const text = storedCommentary(body.commentary);
  const last = ctx.store.listPosts('linkedin').filter((p) => p.externalAccountId === account.externalAccountId).at(-1);
  if (last && last.text === text) {
    return json(422, { status: 422, code: 'DUPLICATE_POST', message: `Content is a duplicate of ${last.platformPostId}` });
  }
  const id = `urn:li:share:7${ctx.store.nextId()}`;
  ctx.store.record('linkedin', { externalAccountId: account.externalAccountId, text, platformPostId: id, ...(mediaUrn ? { mediaUrl: mediaUrn } : {}) });
  return { status: 201, headers: { 'x-restli-id': id, 'x-linkedin-id': id }, body: '' };
}

function clientOk(form: URLSearchParams, ctx: WireContext): boolean {
  return form.get('client_id') === ctx.client.clientId && form.get('client_secret') === ctx.client.clientSecret;
}

function accessToken(req: LocalRequest, ctx: WireContext): LocalResponse {
  const form = formParams(req);
  const store = ctx.store;
  if (!clientOk(form, ctx)) return json(401, { error: 'invalid_client', error_description: 'Client authentication failed' });
  const grant = form.get('grant_type');
  if (grant === 'authorization_code') {
    const redeemed = store.redeemCode('linkedin', form.get('code') ?? undefined, { clientId: form.get('client_id') ?? undefined, redirectUri: form.get('redirect_uri') ?? undefined });
    if (!redeemed.ok) {
      return redeemed.problem === 'unknown' || redeemed.problem === 'used'
        ? json(400, { error: 'invalid_request', error_description: 'Unable to retrieve access token: authorization code not found' })
        : json(400, {
            error: 'invalid_request',
            error_description: 'Unable to retrieve access token: appid/redirect uri/code verifier does not match authorization code. Or authorization code expired. Or external member binding exists',
          });
    }
    const { account, code } = redeemed;
    const access = store.issueToken(account, 'access', ACCESS_SECONDS, code.scopes);
    if (!ctx.linkedinRefreshTokens) return json(200, { access_token: access.value, expires_in: store.secondsLeft(access), scope: code.scopes.join(',') });
    const consentEnd = (account.consentStartedAt ?? store.now()) + LINKEDIN_CONSENT_SECONDS * 1000;
    const refresh = store.issueToken(account, 'refresh', Math.floor((consentEnd - store.now()) / 1000), code.scopes);
    return tokenAnswer(access.value, refresh.value, store.secondsLeft(access), store.secondsLeft(refresh), code.scopes);
  }
  if (grant === 'refresh_token') {
    const check = store.checkToken('linkedin', form.get('refresh_token') ?? undefined, ['refresh']);
    if (!check.ok) return json(400, REFRESH_REFUSED);
    const access = store.issueToken(check.account, 'access', ACCESS_SECONDS, check.token.scopes);
    // The same refresh token, its lifetime counting down from the consent: refreshing never extends it.
    return tokenAnswer(access.value, check.token.value, store.secondsLeft(access), store.secondsLeft(check.token), check.token.scopes);
  }
  return json(400, { error: 'unsupported_grant_type', error_description: 'The grant type is not supported' });
}

function tokenAnswer(access: string, refresh: string, expiresIn: number, refreshIn: number, scopes: string[]): LocalResponse {
  return json(200, { access_token: access, expires_in: expiresIn, refresh_token: refresh, refresh_token_expires_in: refreshIn, scope: scopes.join(',') });
}

function introspect(req: LocalRequest, ctx: WireContext): LocalResponse {
  const form = formParams(req);
  if (!clientOk(form, ctx)) return json(401, { error: 'invalid_client', error_description: 'Client authentication failed' });
  const check = ctx.store.checkToken('linkedin', form.get('token') ?? undefined, ['access', 'refresh'], false);
  if (!check.ok) {
    const p = check.problem;
    if (p.kind === 'invalid') return json(200, { active: false });
    if (p.kind === 'expired' || p.reason === 'token_expired' || p.reason === 'inactivity') return json(200, { active: false, status: 'expired' });
    // Losing the admin role does not end the token itself.
    if (p.reason !== 'admin_role_lost') return json(200, { active: false, status: 'revoked' });
  }
  const token = check.ok ? check.token : undefined;
  const seconds = (ms: number | undefined): number => Math.floor((ms ?? ctx.store.now()) / 1000);
  return json(200, {
    active: true,
    client_id: ctx.client.clientId,
    authorized_at: seconds(token?.issuedAt),
    created_at: seconds(token?.issuedAt),
    status: 'active',
    expires_at: seconds(token?.expiresAt),
    scope: (token?.scopes ?? []).join(','),
    auth_type: '3L',
  });
}
