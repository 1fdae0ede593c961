import type { ExpiryReason } from '../../shared/config/events.js';
import type { LocalRequest, LocalResponse } from '../http-types.js';
import { bearer, formParams, json, jsonBody } from './http.js';
import type { SandboxAccount, TokenProblem } from './store.js';
import type { PlatformWire, WireContext } from './wire.js';

/**
 * LinkedIn stand-in (paths below `/sandbox/linkedin`): www.linkedin.com `POST /oauth/v2/accessToken`
 * (code, refresh_token), `POST /oauth/v2/introspectToken`; api.linkedin.com `GET /v2/userinfo`,
 * `GET /rest/organizationAcls`, `GET /rest/organizations/{id}`, `POST /rest/posts` (`/rest/*`
 * needs `LinkedIn-Version` and `X-Restli-Protocol-Version`).
 * An account is one Company Page with one member; `isAdmin:false` makes the member an ANALYST:
 * Page calls answer 403 ACCESS_DENIED.
 * Lifetimes: access 60 days; refresh 365 days from the consent, counted down on every refresh.
 *
 * Revoke reasons (LinkedIn has no distinct answer for most): token_expired and inactivity ->
 * 65602 EXPIRED_ACCESS_TOKEN; revoked, password_changed, security_review, policy_update -> 65601
 * REVOKED_ACCESS_TOKEN; unknown -> 65600 INVALID_ACCESS_TOKEN; admin_role_lost -> 403 ACCESS_DENIED.
 * A refresh with a token issued before the revoke answers LinkedIn's one refresh error.
 */
const ACCESS_SECONDS = 5_184_000;
export const LINKEDIN_CONSENT_SECONDS = 365 * 86_400;

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

function accessDenied(resource: string): LocalResponse {
  return json(403, { status: 403, serviceErrorCode: 100, code: 'ACCESS_DENIED', message: `Not enough permissions to access: ${resource}` });
}

function tokenFailure(problem: TokenProblem, resource: string): LocalResponse {
  if (problem.kind === 'invalid') return json(401, INVALID);
  if (problem.kind === 'expired') return json(401, EXPIRED);
  if (problem.reason === 'admin_role_lost') return accessDenied(resource);
  return json(401, REASON_BODIES[problem.reason]);
}

const REFRESH_REFUSED = { error: 'invalid_request', error_description: 'The provided authorization grant or refresh token is invalid, expired or revoked' };

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
  handle(sub, req, ctx) {
    if (sub === '/oauth/v2/accessToken' && req.method === 'POST') return accessToken(req, ctx);
    if (sub === '/oauth/v2/introspectToken' && req.method === 'POST') return introspect(req, ctx);
    if (sub === '/v2/userinfo' && req.method === 'GET') {
      return withToken(req, ctx, 'userinfo.GET', (account) =>
        json(200, { sub: personId(account), name: `${account.name} Member`, given_name: account.name, family_name: 'Member', picture: 'https://media.licdn.com/sandbox.png', locale: 'en-US' }),
      );
    }
    if (sub.startsWith('/rest/')) {
      if (!req.headers['linkedin-version']) {
        return json(400, { status: 400, code: 'VERSION_MISSING', message: 'A version must be present. Please specify a version by adding the LinkedIn-Version header.' });
      }
      if (req.headers['x-restli-protocol-version'] !== '2.0.0') {
        return json(400, { status: 400, code: 'ILLEGAL_ARGUMENT', message: 'X-Restli-Protocol-Version 2.0.0 is required for this resource.' });
      }
      if (sub === '/rest/organizationAcls' && req.method === 'GET') return withToken(req, ctx, 'organizationAcls.FINDER-roleAssignee', (account) => acls(req, account));
      const org = /^\/rest\/organizations\/([^/]+)$/.exec(sub);
      if (org && req.method === 'GET') {
        return withToken(req, ctx, 'organizations.GET', (account) =>
          org[1] === account.externalAccountId && account.isAdmin
            ? json(200, { id: /^\d+$/.test(account.externalAccountId) ? Number(account.externalAccountId) : account.externalAccountId, localizedName: account.name, vanityName: account.name.toLowerCase().replace(/\W+/g, '-') })
            : accessDenied(`organizations.GET.${req.headers['linkedin-version']}`),
        );
      }
      if (sub === '/rest/posts' && req.method === 'POST') return withToken(req, ctx, 'partnerApiPostsExternal.CREATE', (account) => createPost(req, ctx, account));
    }
    return json(404, { status: 404, code: 'NOT_FOUND', message: `No virtual resource found: ${req.method} ${sub}` });
  },
};

function personId(account: SandboxAccount): string {
  return `p${Buffer.from(account.externalAccountId).toString('base64url')}`;
}

function withToken(req: LocalRequest, ctx: WireContext, resource: string, then: (account: SandboxAccount) => LocalResponse): LocalResponse {
  const token = bearer(req);
  if (token === undefined) return json(401, { message: 'Empty oauth2_access_token', serviceErrorCode: 401, status: 401 });
  const check = ctx.store.checkToken('linkedin', token, ['access']);
  if (!check.ok) return tokenFailure(check.problem, `${resource}.${req.headers['linkedin-version'] ?? ''}`);
  return then(check.account);
}

function acls(req: LocalRequest, account: SandboxAccount): LocalResponse {
  if (req.query.get('q') !== 'roleAssignee') return json(400, { status: 400, code: 'ILLEGAL_ARGUMENT', message: 'Unsupported finder' });
  const element = {
    roleAssignee: `urn:li:person:${personId(account)}`,
    role: account.isAdmin ? 'ADMINISTRATOR' : 'ANALYST',
    state: 'APPROVED',
    organization: `urn:li:organization:${account.externalAccountId}`,
  };
  const role = req.query.get('role');
  const state = req.query.get('state');
  const elements = [element].filter((e) => (role === null || e.role === role) && (state === null || e.state === state));
  return json(200, { paging: { start: 0, count: 10, links: [], total: elements.length }, elements });
}

function createPost(req: LocalRequest, ctx: WireContext, account: SandboxAccount): LocalResponse {
  const version = req.headers['linkedin-version'] ?? '';
  const body = jsonBody(req) as { author?: unknown; commentary?: unknown } | undefined;
  if (!body || typeof body.commentary !== 'string' || typeof body.author !== 'string') {
    return json(422, { status: 422, code: 'UNPROCESSABLE_ENTITY', message: 'author and commentary are required' });
  }
  if (body.author !== `urn:li:organization:${account.externalAccountId}` || !account.isAdmin) return accessDenied(`partnerApiPostsExternal.CREATE.${version}`);
  const last = ctx.store.listPosts('linkedin').filter((p) => p.externalAccountId === account.externalAccountId).at(-1);
  if (last && last.text === body.commentary) {
    return json(422, { status: 422, code: 'DUPLICATE_POST', message: `Content is a duplicate of ${last.platformPostId}` });
  }
  const id = `urn:li:share:7${ctx.store.nextId()}`;
  ctx.store.record('linkedin', { externalAccountId: account.externalAccountId, text: body.commentary, platformPostId: id });
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
    const consentEnd = (account.consentStartedAt ?? store.now()) + LINKEDIN_CONSENT_SECONDS * 1000;
    const access = store.issueToken(account, 'access', ACCESS_SECONDS, code.scopes);
    const refresh = store.issueToken(account, 'refresh', Math.floor((consentEnd - store.now()) / 1000), code.scopes);
    return tokenAnswer(ctx, access.value, refresh.value, store.secondsLeft(access), store.secondsLeft(refresh), code.scopes);
  }
  if (grant === 'refresh_token') {
    const check = store.checkToken('linkedin', form.get('refresh_token') ?? undefined, ['refresh']);
    if (!check.ok) return json(400, REFRESH_REFUSED);
    const access = store.issueToken(check.account, 'access', ACCESS_SECONDS, check.token.scopes);
    // The same refresh token, its lifetime counting down from the consent: refreshing never extends it.
    return tokenAnswer(ctx, access.value, check.token.value, store.secondsLeft(access), store.secondsLeft(check.token), check.token.scopes);
  }
  return json(400, { error: 'unsupported_grant_type', error_description: 'The grant type is not supported' });
}

function tokenAnswer(_ctx: WireContext, access: string, refresh: string, expiresIn: number, refreshIn: number, scopes: string[]): LocalResponse {
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
