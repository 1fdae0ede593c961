import { describe, expect, it } from 'vitest';
import { createPlatformRegistry, LINKEDIN_API_VERSION, platformsConfig, realPlatformEndpoints } from '../../../shared/adapters/platforms/index.js';
import type { PlatformAdapter, PlatformResponse, PlatformResult } from '../../../shared/ports/platform.js';
import { LINKEDIN_LIVE_VERSIONS, storedCommentary } from '../../../local/sandbox/linkedin.js';
import * as F from './fixtures/linkedin.js';

const NOW = Date.parse('2026-11-30T12:00:00.000Z');
const creds = { clientId: 'app-id', clientSecret: 'app-secret' };

/** The LinkedIn adapter over a fetch that answers `route(path)` (JSON), as LinkedIn would. */
function linkedIn(route: (url: URL) => { status: number; body?: unknown; headers?: Record<string, string> }): PlatformAdapter {
  const fetchImpl = (async (input: string | URL | Request) => {
    const answer = route(new URL(String(input)));
    return new Response(answer.body === undefined ? null : JSON.stringify(answer.body), { status: answer.status, headers: { 'content-type': 'application/json', ...answer.headers } });
  }) as typeof fetch;
  return createPlatformRegistry(platformsConfig({ facebook: creds, instagram: creds, linkedin: creds, tiktok: creds, x: creds }, realPlatformEndpoints(), { clock: { now: () => new Date(NOW) } }), fetchImpl).linkedin;
}
const classify = (r: PlatformResponse) => linkedIn(() => ({ status: 500 })).classifyError(r);
function value<T>(r: PlatformResult<T>): T {
  if (!r.ok) throw new Error(JSON.stringify(r.failure));
  return r.value;
}

describe('LinkedIn-Version', () => {
  it('the configured version is not within 60 days of its sunset (today, real time): move to a newer one before then', () => {
    const daysLeft = (Date.parse(`${LINKEDIN_API_VERSION.sunsetsOn}T00:00:00Z`) - Date.now()) / 86_400_000;
    expect(daysLeft, `LinkedIn-Version ${LINKEDIN_API_VERSION.version} is retired on ${LINKEDIN_API_VERSION.sunsetsOn}`).toBeGreaterThan(60);
  });

  it('is one LinkedIn serves (the sandbox\'s list of live versions, with the same sunset date)', () => {
    expect(LINKEDIN_LIVE_VERSIONS[LINKEDIN_API_VERSION.version]).toBe(LINKEDIN_API_VERSION.sunsetsOn);
    for (const retired of ['202509', '202510', '202511', '202512']) expect(LINKEDIN_LIVE_VERSIONS[retired]).toBeUndefined();
  });

  it('a 426 NONEXISTENT_VERSION is our integration\'s problem (version_retired), never an outage or an expiry', () => {
    expect(classify(F.VERSION_RETIRED)).toMatchObject({ kind: 'integration', cause: 'version_retired', status: 426 });
  });
});

describe('LinkedIn error bodies', () => {
  it.each([
    ['app-level 403 (userinfo)', F.APP_PERMISSION_DENIED],
    ['app-level 403 (posts)', F.APP_PERMISSION_DENIED_POSTS],
  ])('%s: permission_revoked for the app, not a lost admin role', (_n, r) => {
    expect(classify(r)).toMatchObject({ kind: 'integration', cause: 'permission_revoked' });
  });

  it.each([
    ['author refused', F.MEMBER_NOT_PAGE_ROLE],
    ['admin-only visibility', F.MEMBER_ROLE_REVOKED],
  ])('member-level 403 (%s): admin_role_lost', (_n, r) => {
    expect(classify(r)).toMatchObject({ kind: 'expired', reason: 'admin_role_lost' });
  });

  it('401s end the access with their reason', () => {
    expect(classify(F.TOKEN_REVOKED)).toMatchObject({ kind: 'expired', reason: 'revoked' });
    expect(classify(F.TOKEN_INVALID)).toMatchObject({ kind: 'expired', reason: 'unknown' });
  });

  it('429: transient, retried when the daily limits reset (midnight UTC), as LinkedIn sends no Retry-After', () => {
    expect(classify(F.THROTTLED)).toMatchObject({ kind: 'transient', retryAfterSeconds: 2 * 3600 });
  });

  it('invalid_client is our app (app_invalid); a refused refresh token is revoked', () => {
    expect(classify(F.CLIENT_REFUSED)).toMatchObject({ kind: 'integration', cause: 'app_invalid' });
    expect(classify(F.REFRESH_REFUSED)).toMatchObject({ kind: 'expired', reason: 'revoked' });
  });

  it('an answer no rule documents is flagged unrecognised (retried, logged), never an expiry', () => {
    expect(classify({ status: 403, body: { status: 403, message: 'Something LinkedIn never documented' } })).toMatchObject({ kind: 'transient', unrecognised: true });
    expect(classify({ status: 409, body: {} })).toMatchObject({ kind: 'transient', unrecognised: true });
  });
});

describe('LinkedIn answers read by the adapter', () => {
  it('a token answer without refresh_token: access for 60 days and nothing to refresh', async () => {
    const tokens = value(await linkedIn(() => ({ status: 200, body: F.TOKEN_ANSWER })).exchangeCode({ code: 'c', redirectUri: 'https://app/cb' }));
    expect(tokens).toEqual({ accessToken: F.TOKEN_ANSWER.access_token, accessTokenExpiresAt: new Date(NOW + 5184000 * 1000).toISOString(), scopes: ['r_basicprofile'] });
  });

  it('a partner token answer keeps the refresh token and its end', async () => {
    const tokens = value(await linkedIn(() => ({ status: 200, body: F.TOKEN_ANSWER_WITH_REFRESH })).exchangeCode({ code: 'c', redirectUri: 'https://app/cb' }));
    expect(tokens).toMatchObject({ refreshToken: 'CCCC', refreshTokenExpiresAt: new Date(NOW + 31536000 * 1000).toISOString() });
  });

  it('identify and checkAccess read /v2/me, organizationAcls, organizations and introspectToken', async () => {
    const adapter = linkedIn((url) => {
      if (url.pathname === '/v2/me') return { status: 200, body: F.ME };
      if (url.pathname === '/rest/organizationAcls') return { status: 200, body: F.ACLS };
      if (url.pathname === '/oauth/v2/introspectToken') return { status: 200, body: F.INTROSPECT_ACTIVE };
      return { status: 200, body: F.ORGANIZATION };
    });
    expect(value(await adapter.identify({ accessToken: 't' }))).toEqual({ externalAccountId: '2414183', displayName: 'Devtestco', isAdmin: true });
    value(await adapter.checkAccess({ accessToken: 't' }, '2414183'));
  });

  it.each([
    [F.INTROSPECT_EXPIRED, 'token_expired'],
    [F.INTROSPECT_REVOKED, 'revoked'],
  ])('introspection %j ends the access (%s)', async (answer, reason) => {
    const adapter = linkedIn((url) => (url.pathname === '/rest/organizationAcls' ? { status: 200, body: F.ACLS } : { status: 200, body: answer }));
    expect(await adapter.checkAccess({ accessToken: 't' }, '2414183')).toMatchObject({ ok: false, failure: { kind: 'expired', reason } });
  });

  it.each(F.POSTING_ROLES)('%s may post: checkAccess passes', async (role) => {
    const acls = { ...F.ACLS, elements: [{ ...F.ACLS.elements[0], role }] };
    const adapter = linkedIn((url) => (url.pathname === '/rest/organizationAcls' ? { status: 200, body: acls } : { status: 200, body: F.INTROSPECT_ACTIVE }));
    value(await adapter.checkAccess({ accessToken: 't' }, '2414183'));
  });

  it.each(F.NON_POSTING_ROLES)('%s may not post: admin_role_lost', async (role) => {
    const acls = { ...F.ACLS, elements: [{ ...F.ACLS.elements[0], role }] };
    const adapter = linkedIn((url) => (url.pathname === '/rest/organizationAcls' ? { status: 200, body: acls } : { status: 200, body: F.INTROSPECT_ACTIVE }));
    expect(await adapter.checkAccess({ accessToken: 't' }, '2414183')).toMatchObject({ ok: false, failure: { kind: 'expired', reason: 'admin_role_lost' } });
  });

  it('authorize URL: only scopes an app with Community Management alone can be granted', () => {
    const scopes = new URL(linkedIn(() => ({ status: 500 })).buildAuthorizeUrl({ state: 's', redirectUri: 'https://app/cb' })).searchParams.get('scope')?.split(' ') ?? [];
    expect(scopes.length).toBeGreaterThan(0);
    for (const s of scopes) expect(F.COMMUNITY_MANAGEMENT_SCOPES).toContain(s);
  });

  it('publishes with the image from initializeUpload and reads the post id', async () => {
    const fetchImpl = (async (input: string | URL | Request) => {
      const url = new URL(String(input));
      if (url.hostname === 'cdn.example.com') return new Response(new Uint8Array([137, 80, 78, 71]), { status: 200, headers: { 'content-type': 'image/png' } });
      if (url.pathname === '/rest/images') return new Response(JSON.stringify(F.IMAGE_UPLOAD), { status: 200, headers: { 'content-type': 'application/json' } });
      if (url.pathname.startsWith('/dms-uploads/')) return new Response(null, { status: 201 });
      return new Response(null, F.POST_CREATED);
    }) as typeof fetch;
    const adapter = createPlatformRegistry(platformsConfig({ facebook: creds, instagram: creds, linkedin: creds, tiktok: creds, x: creds }, realPlatformEndpoints()), fetchImpl).linkedin;
    expect(value(await adapter.publish({ accessToken: 't' }, { externalAccountId: '2414183', text: 'Hi', mediaUrl: 'https://cdn.example.com/a.png' }))).toEqual({ platformPostId: 'urn:li:share:6844785523593134080' });
  });
});

describe('Little Text Format, as LinkedIn stores it (the sandbox\'s reading)', () => {
  it('cuts at the first unescaped reserved character and unescapes escaped ones', () => {
    expect(storedCommentary('Big news (really)')).toBe('Big news ');
    expect(storedCommentary('Big news \\(really\\) \\#1')).toBe('Big news (really) #1');
  });
});
