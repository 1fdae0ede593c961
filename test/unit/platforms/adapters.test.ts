import { describe, expect, it } from 'vitest';
import { createPkcePair, LINKEDIN_API_VERSION, s256Challenge } from '../../../shared/adapters/platforms/index.js';
import { escapeLittleText } from '../../../shared/adapters/platforms/linkedin.js';
import type { PlatformRegistry, PlatformResult, TokenSet } from '../../../shared/ports/platform.js';
import { fakeFetch, realRegistry, type Seen } from '../../helpers/fake-fetch.js';

const NOW = Date.parse('2026-03-01T12:00:00.000Z');
const clock = { now: () => new Date(NOW) };
const creds = { clientId: 'app-id', clientSecret: 'app-secret' };

const jsonResponse = (status: number, body: unknown, headers: Record<string, string> = {}): Response =>
  new Response(status === 201 && body === undefined ? null : JSON.stringify(body), { status, headers: { 'content-type': 'application/json', ...headers } });

function registryWith(fetchImpl: typeof fetch, timeoutMs = 2000): PlatformRegistry {
  return realRegistry(fetchImpl, creds, { clock, timeoutMs, tiktokPoll: { attempts: 3, intervalMs: 0 } });
}

function value<T>(r: PlatformResult<T>): T {
  if (!r.ok) throw new Error(JSON.stringify(r.failure));
  return r.value;
}

const iso = (secondsFromNow: number): string => new Date(NOW + secondsFromNow * 1000).toISOString();

describe('refresh keeps what the answer leaves out', () => {
  const old: TokenSet = { accessToken: 'old-access', refreshToken: 'old-refresh', refreshTokenExpiresAt: '2026-12-01T00:00:00.000Z', scopes: ['a'] };

  it('LinkedIn: an answer without refresh_token keeps the old one and its expiry', async () => {
    const { fetchImpl, seen } = fakeFetch(() => jsonResponse(200, { access_token: 'new-access', expires_in: 5184000 }));
    const next = value(await registryWith(fetchImpl).linkedin.refresh(old));
    expect(next).toEqual({ accessToken: 'new-access', accessTokenExpiresAt: iso(5184000), refreshToken: 'old-refresh', refreshTokenExpiresAt: old.refreshTokenExpiresAt, scopes: ['a'] });
    expect(seen[0]?.url.href).toBe('https://www.linkedin.com/oauth/v2/accessToken');
    expect(new URLSearchParams(seen[0]?.body).get('grant_type')).toBe('refresh_token');
  });

  it('LinkedIn: refresh_token_expires_in counts down, so the stored expiry is taken from it', async () => {
    const { fetchImpl } = fakeFetch(() => jsonResponse(200, { access_token: 'n', expires_in: 5184000, refresh_token: 'old-refresh', refresh_token_expires_in: 1000 }));
    expect(value(await registryWith(fetchImpl).linkedin.refresh(old)).refreshTokenExpiresAt).toBe(iso(1000));
  });

  it('X: a rotated refresh token replaces the old one; Basic client auth is sent', async () => {
    const { fetchImpl, seen } = fakeFetch(() => jsonResponse(200, { token_type: 'bearer', expires_in: 7200, access_token: 'a2', scope: 'tweet.read offline.access', refresh_token: 'r2' }));
    const next = value(await registryWith(fetchImpl).x.refresh(old));
    expect(next).toMatchObject({ accessToken: 'a2', refreshToken: 'r2', accessTokenExpiresAt: iso(7200) });
    expect(next.refreshTokenExpiresAt).toBeUndefined();
    expect(seen[0]?.headers.authorization).toBe(`Basic ${Buffer.from('app-id:app-secret').toString('base64')}`);
    expect(seen[0]?.url.href).toBe('https://api.x.com/2/oauth2/token');
  });

  it('X: an answer without refresh token keeps the old one', async () => {
    const { fetchImpl } = fakeFetch(() => jsonResponse(200, { token_type: 'bearer', expires_in: 7200, access_token: 'a2' }));
    expect(value(await registryWith(fetchImpl).x.refresh(old))).toMatchObject({ accessToken: 'a2', refreshToken: 'old-refresh', refreshTokenExpiresAt: old.refreshTokenExpiresAt });
  });

  it('TikTok: rotation stores the newest refresh token and its refresh_expires_in; client_key is sent', async () => {
    const { fetchImpl, seen } = fakeFetch(() =>
      jsonResponse(200, { access_token: 'act.2', expires_in: 86400, open_id: 'o', refresh_expires_in: 31536000, refresh_token: 'rft.2', scope: 'user.info.basic,video.publish', token_type: 'Bearer' }),
    );
    const next = value(await registryWith(fetchImpl).tiktok.refresh(old));
    expect(next).toMatchObject({ accessToken: 'act.2', refreshToken: 'rft.2', refreshTokenExpiresAt: iso(31536000), scopes: ['user.info.basic', 'video.publish'] });
    expect(new URLSearchParams(seen[0]?.body).get('client_key')).toBe('app-id');
  });

  it('a refused refresh reads token_expired once the stored refresh expiry has passed, revoked before', async () => {
    const { fetchImpl } = fakeFetch(() => jsonResponse(400, { error: 'invalid_request', error_description: 'The provided authorization grant or refresh token is invalid, expired or revoked' }));
    const li = registryWith(fetchImpl).linkedin;
    expect(await li.refresh(old)).toMatchObject({ ok: false, failure: { kind: 'expired', reason: 'revoked' } });
    expect(await li.refresh({ ...old, refreshTokenExpiresAt: '2026-02-01T00:00:00.000Z' })).toMatchObject({ ok: false, failure: { kind: 'expired', reason: 'token_expired' } });
  });
});

describe('LinkedIn refresh refused', () => {
  const tokens: TokenSet = { accessToken: 'a', refreshToken: 'r', refreshTokenExpiresAt: '2026-12-01T00:00:00.000Z' };

  it.each([
    ['invalid_request, other wording', { error: 'invalid_request', error_description: 'Unable to retrieve access token: refresh token not found' }],
    ['invalid_grant, no description', { error: 'invalid_grant' }],
  ])('answered %s: the connection is expired (revoked), not a refusal the scan would retry forever', async (_name, body) => {
    const { fetchImpl } = fakeFetch(() => jsonResponse(400, body));
    expect(await registryWith(fetchImpl).linkedin.refresh(tokens)).toMatchObject({ ok: false, failure: { kind: 'expired', reason: 'revoked' } });
  });

  it('our own misconfiguration (invalid_client) is our integration\'s problem, never an expiry', async () => {
    const { fetchImpl } = fakeFetch(() => jsonResponse(401, { error: 'invalid_client', error_description: 'Client authentication failed' }));
    expect(await registryWith(fetchImpl).linkedin.refresh(tokens)).toMatchObject({ ok: false, failure: { kind: 'integration', cause: 'app_invalid' } });
  });
});

describe('Instagram code exchange', () => {
  it.each([
    ['wrapped in data:[...]', { data: [{ access_token: 'short', user_id: '1784', permissions: 'instagram_business_basic,instagram_business_content_publish' }] }],
    ['flat', { access_token: 'short', user_id: '1784', permissions: 'instagram_business_basic,instagram_business_content_publish' }],
  ])('accepts the answer %s, then trades it for a long-lived token', async (_name, answer) => {
    const { fetchImpl, seen } = fakeFetch((req) =>
      req.url.pathname === '/oauth/access_token' ? jsonResponse(200, answer) : jsonResponse(200, { access_token: 'long', token_type: 'bearer', expires_in: 5183944 }),
    );
    const tokens = value(await registryWith(fetchImpl).instagram.exchangeCode({ code: 'c', redirectUri: 'https://app/cb' }));
    expect(tokens).toEqual({ accessToken: 'long', accessTokenExpiresAt: iso(5183944), scopes: ['instagram_business_basic', 'instagram_business_content_publish'] });
    expect(seen[1]?.url.searchParams.get('grant_type')).toBe('ig_exchange_token');
    expect(seen[1]?.url.searchParams.get('access_token')).toBe('short');
  });
});

describe('Facebook identity picks the Page', () => {
  // Page feed reference: the person must be able to perform CREATE_CONTENT, MANAGE or MODERATE.
  const pages = {
    data: [
      { id: '111', name: 'First', access_token: 'page-111', tasks: ['ANALYZE'] },
      { id: '222', name: 'Second', access_token: 'page-222', tasks: ['ANALYZE', 'ADVERTISE', 'MODERATE', 'CREATE_CONTENT', 'MANAGE'] },
      { id: '333', name: 'Third', access_token: 'page-333', tasks: ['ANALYZE', 'CREATE_CONTENT'] },
    ],
  };
  const { fetchImpl } = fakeFetch(() => jsonResponse(200, pages));
  const fb = registryWith(fetchImpl).facebook;

  it('the expected one when given (may publish, Page token as accountToken)', async () => {
    expect(value(await fb.identify({ accessToken: 'u' }, '222'))).toEqual({ externalAccountId: '222', displayName: 'Second', isAdmin: true, accountToken: 'page-222' });
  });

  it('else a Page the person may publish to, not merely the first listed', async () => {
    expect(value(await fb.identify({ accessToken: 'u' }))).toEqual({ externalAccountId: '222', displayName: 'Second', isAdmin: true, accountToken: 'page-222' });
  });

  it('an editor (CREATE_CONTENT without MANAGE) may publish: not refused as a non-admin', async () => {
    expect(value(await fb.identify({ accessToken: 'u' }, '333'))).toEqual({ externalAccountId: '333', displayName: 'Third', isAdmin: true, accountToken: 'page-333' });
  });

  it('a missing expected Page gives another one (the caller reports WRONG_ACCOUNT)', async () => {
    expect(value(await fb.identify({ accessToken: 'u' }, '999')).externalAccountId).not.toBe('999');
  });

  it('only Pages without a publishing task (ANALYZE): the first, not admin', async () => {
    const { fetchImpl: analystOnly } = fakeFetch(() => jsonResponse(200, { data: [pages.data[0]] }));
    expect(value(await registryWith(analystOnly).facebook.identify({ accessToken: 'u' }))).toMatchObject({ externalAccountId: '111', isAdmin: false });
  });

  it('follows /me/accounts paging (after cursor) to find the expected Page', async () => {
    const { fetchImpl: paged, seen } = fakeFetch((req) =>
      req.url.searchParams.get('after') === 'CUR2'
        ? jsonResponse(200, { data: [pages.data[2]], paging: { cursors: { before: 'CUR1', after: 'CUR3' } } })
        : jsonResponse(200, { data: [pages.data[0]], paging: { cursors: { before: 'CUR0', after: 'CUR2' }, next: 'https://graph.facebook.com/v23.0/me/accounts?after=CUR2' } }),
    );
    expect(value(await registryWith(paged).facebook.identify({ accessToken: 'u' }, '333'))).toMatchObject({ externalAccountId: '333', isAdmin: true });
    expect(seen).toHaveLength(2);
    expect(seen[1]?.url.host).toBe('graph.facebook.com');
  });
});

describe('LinkedIn identity (Community Management only: /v2/me, organizationAcls)', () => {
  /** ACL entries served `pageSize` at a time (start/count), as LinkedIn pages its finders. */
  function linkedIn(elements: unknown[], pageSize = 10): { reg: PlatformRegistry; seen: Seen[] } {
    const { fetchImpl, seen } = fakeFetch((req) => {
      if (req.url.pathname === '/v2/me') return jsonResponse(200, { id: '782bbtaQ', localizedFirstName: 'John', localizedLastName: 'Doe' });
      if (req.url.pathname === '/oauth/v2/introspectToken') return jsonResponse(200, { active: true, status: 'active', auth_type: '3L' });
      if (req.url.pathname === '/rest/organizationAcls') {
        const start = Number(req.url.searchParams.get('start') ?? '0');
        const count = Math.min(Number(req.url.searchParams.get('count') ?? '10'), pageSize);
        return jsonResponse(200, { paging: { start, count, links: [] }, elements: elements.slice(start, start + count) });
      }
      return jsonResponse(200, { id: 2414183, localizedName: 'Acme Corp' });
    });
    return { reg: registryWith(fetchImpl), seen };
  }
  const acl = (org: string, role: string): unknown => ({ roleAssignee: 'urn:li:person:782bbtaQ', role, state: 'APPROVED', organization: `urn:li:organization:${org}` });

  it('asks only for scopes the Community Management product grants (no openid/profile: that is another product)', () => {
    const url = new URL(registryWith(fakeFetch(() => jsonResponse(500, {})).fetchImpl).linkedin.buildAuthorizeUrl({ state: 's', redirectUri: 'https://app/cb' }));
    expect(url.searchParams.get('scope')?.split(' ').sort()).toEqual(['r_basicprofile', 'rw_organization_admin', 'w_organization_social']);
  });

  it('an administered organization, the expected one first, with the versioned headers; the member from /v2/me', async () => {
    const { reg, seen } = linkedIn([acl('1', 'ADMINISTRATOR'), acl('2414183', 'ADMINISTRATOR')]);
    expect(value(await reg.linkedin.identify({ accessToken: 't' }, '2414183'))).toEqual({ externalAccountId: '2414183', displayName: 'Acme Corp', isAdmin: true });
    expect(seen.map((s) => s.url.pathname)).not.toContain('/v2/userinfo');
    const aclCall = seen.find((s) => s.url.pathname === '/rest/organizationAcls');
    expect(aclCall?.headers['linkedin-version']).toBe(LINKEDIN_API_VERSION.version);
    expect(aclCall?.headers['x-restli-protocol-version']).toBe('2.0.0');
    expect(aclCall?.url.searchParams.get('q')).toBe('roleAssignee');
    expect(aclCall?.url.searchParams.get('state')).toBe('APPROVED');
  });

  it.each(['CONTENT_ADMINISTRATOR', 'DIRECT_SPONSORED_CONTENT_POSTER'])('%s may post for the Page: it counts as the admin role', async (role) => {
    const { reg } = linkedIn([acl('2414183', role)]);
    expect(value(await reg.linkedin.identify({ accessToken: 't' }, '2414183'))).toMatchObject({ externalAccountId: '2414183', isAdmin: true });
    value(await reg.linkedin.checkAccess({ accessToken: 't' }, '2414183'));
  });

  it('pages through the role list: the posting role on the third page is found (identify and checkAccess)', async () => {
    const { reg, seen } = linkedIn([acl('9', 'ANALYST'), acl('8', 'ANALYST'), acl('7', 'CURATOR'), acl('6', 'ANALYST'), acl('2414183', 'ADMINISTRATOR')], 2);
    expect(value(await reg.linkedin.identify({ accessToken: 't' }))).toMatchObject({ externalAccountId: '2414183', isAdmin: true });
    expect(seen.filter((s) => s.url.pathname === '/rest/organizationAcls').map((s) => s.url.searchParams.get('start'))).toEqual(['0', '2', '4']);
    value(await reg.linkedin.checkAccess({ accessToken: 't' }, '2414183'));
  });

  it('the check stops paging at the page that names the Page with a posting role; without one it reads every page', async () => {
    const roles = [acl('9', 'ANALYST'), acl('2414183', 'ADMINISTRATOR'), acl('8', 'ANALYST'), acl('7', 'CURATOR'), acl('6', 'ANALYST')];
    const found = linkedIn(roles, 2);
    value(await found.reg.linkedin.checkAccess({ accessToken: 't' }, '2414183'));
    expect(found.seen.filter((s) => s.url.pathname === '/rest/organizationAcls').map((s) => s.url.searchParams.get('start'))).toEqual(['0']);
    const lost = linkedIn([acl('2414183', 'ANALYST'), ...roles.slice(2)], 2);
    expect(await lost.reg.linkedin.checkAccess({ accessToken: 't' }, '2414183')).toMatchObject({ ok: false, failure: { kind: 'expired', reason: 'admin_role_lost' } });
    expect(lost.seen.filter((s) => s.url.pathname === '/rest/organizationAcls').map((s) => s.url.searchParams.get('start'))).toEqual(['0', '2', '4']);
  });

  it('the expected organization with a role that may not post: that one, isAdmin false (the owner is told to get the role back)', async () => {
    const { reg } = linkedIn([acl('1', 'ADMINISTRATOR'), acl('2414183', 'ANALYST')]);
    expect(value(await reg.linkedin.identify({ accessToken: 't' }, '2414183'))).toMatchObject({ externalAccountId: '2414183', isAdmin: false });
  });

  it('no posting role anywhere: the approved non-posting one, isAdmin false', async () => {
    const { reg } = linkedIn([acl('2414183', 'ANALYST')]);
    expect(value(await reg.linkedin.identify({ accessToken: 't' }))).toMatchObject({ externalAccountId: '2414183', isAdmin: false });
  });

  it('no organization at all: the person, isAdmin false', async () => {
    const { reg } = linkedIn([]);
    expect(value(await reg.linkedin.identify({ accessToken: 't' }))).toEqual({ externalAccountId: '782bbtaQ', displayName: 'John Doe', isAdmin: false });
  });
});

describe('LinkedIn publish', () => {
  it('publishes to /rest/posts, escapes the "little" text reserved characters and reads the id from x-restli-id', async () => {
    const { fetchImpl, seen } = fakeFetch(() => new Response(null, { status: 201, headers: { 'x-restli-id': 'urn:li:share:7012345678901234567' } }));
    const text = 'Sale (today only) #deals @acme [50%] <b> a_b*c~d {x} | \\ end';
    const res = value(await registryWith(fetchImpl).linkedin.publish({ accessToken: 't' }, { externalAccountId: '2414183', text }));
    expect(res.platformPostId).toBe('urn:li:share:7012345678901234567');
    const body = JSON.parse(seen[0]?.body ?? '{}') as { commentary: string };
    expect(body).toMatchObject({ author: 'urn:li:organization:2414183', lifecycleState: 'PUBLISHED', visibility: 'PUBLIC' });
    expect(body.commentary).toBe('Sale \\(today only\\) \\#deals \\@acme \\[50%\\] \\<b\\> a\\_b\\*c\\~d \\{x\\} \\| \\\\ end');
    expect(escapeLittleText('plain text, no markup: 100% ok!')).toBe('plain text, no markup: 100% ok!');
  });

  it('a post with mediaUrl uploads the image (Images API) with the same fetch and posts content.media.id', async () => {
    const { fetchImpl, seen } = fakeFetch((req) => {
      // Served as octet-stream, as object storage often does: the JPEG signature decides.
      if (req.url.hostname === 'cdn.example.com') return new Response(new Uint8Array([0xff, 0xd8, 0xff, 0xe0]), { status: 200, headers: { 'content-type': 'application/octet-stream' } });
      if (req.url.pathname === '/rest/images') {
        return jsonResponse(200, { value: { uploadUrlExpiresAt: 1650567510704, uploadUrl: 'https://www.linkedin.com/dms-uploads/C4E10AQF/uploadedImage/0?ca=vector_feedshare', image: 'urn:li:image:C4E10AQF' } });
      }
      if (req.url.pathname.startsWith('/dms-uploads/')) return new Response(null, { status: 201 });
      return new Response(null, { status: 201, headers: { 'x-restli-id': 'urn:li:share:1' } });
    });
    value(await registryWith(fetchImpl).linkedin.publish({ accessToken: 't' }, { externalAccountId: '2414183', text: 'With a picture', mediaUrl: 'https://cdn.example.com/a.jpg' }));
    expect(seen.map((s) => `${s.method} ${s.url.hostname}${s.url.pathname}`)).toEqual([
      'GET cdn.example.com/a.jpg',
      'POST api.linkedin.com/rest/images',
      'PUT www.linkedin.com/dms-uploads/C4E10AQF/uploadedImage/0',
      'POST api.linkedin.com/rest/posts',
    ]);
    expect(seen[1]?.url.searchParams.get('action')).toBe('initializeUpload');
    expect(JSON.parse(seen[1]?.body ?? '{}')).toEqual({ initializeUploadRequest: { owner: 'urn:li:organization:2414183' } });
    expect(seen[2]?.headers.authorization).toBe('Bearer t');
    expect(seen[2]?.headers['content-type']).toBe('image/jpeg');
    expect(JSON.parse(seen[3]?.body ?? '{}')).toMatchObject({ content: { media: { id: 'urn:li:image:C4E10AQF' } } });
  });

  it('an image URL that answers 404 refuses the post (no text-only post instead); a 503 is retried later', async () => {
    const gone = fakeFetch(() => new Response('nope', { status: 404 }));
    expect(await registryWith(gone.fetchImpl).linkedin.publish({ accessToken: 't' }, { externalAccountId: '1', text: 'x', mediaUrl: 'https://cdn.example.com/a.jpg' })).toMatchObject({ ok: false, failure: { kind: 'rejected' } });
    expect(gone.seen.map((s) => s.url.hostname)).toEqual(['cdn.example.com']);
    const notImage = fakeFetch(() => new Response('<html>', { status: 200, headers: { 'content-type': 'text/html' } }));
    expect(await registryWith(notImage.fetchImpl).linkedin.publish({ accessToken: 't' }, { externalAccountId: '1', text: 'x', mediaUrl: 'https://cdn.example.com/a.jpg' })).toMatchObject({ ok: false, failure: { kind: 'rejected' } });
    const down = fakeFetch(() => new Response('busy', { status: 503 }));
    expect(await registryWith(down.fetchImpl).linkedin.publish({ accessToken: 't' }, { externalAccountId: '1', text: 'x', mediaUrl: 'https://cdn.example.com/a.jpg' })).toMatchObject({ ok: false, failure: { kind: 'transient' } });
  });
});

describe('LinkedIn without a refresh token (apps not approved for refresh tokens)', () => {
  it('refresh calls nothing: the access token stands until its end, then the connection has ended', async () => {
    const { fetchImpl, seen } = fakeFetch(() => jsonResponse(500, {}));
    const li = registryWith(fetchImpl).linkedin;
    const live: TokenSet = { accessToken: 'a', accessTokenExpiresAt: iso(86400) };
    expect(value(await li.refresh(live))).toEqual(live);
    expect(await li.refresh({ accessToken: 'a', accessTokenExpiresAt: iso(-1) })).toMatchObject({ ok: false, failure: { kind: 'expired', reason: 'token_expired' } });
    expect(seen).toEqual([]);
  });
});

describe('TikTok publish', () => {
  const ok = { code: 'ok', message: '', log_id: 'l' };
  const creatorInfo = (): Response => jsonResponse(200, { data: { privacy_level_options: ['PUBLIC_TO_EVERYONE', 'MUTUAL_FOLLOW_FRIENDS', 'SELF_ONLY'], comment_disabled: false }, error: ok });
  const req = { externalAccountId: 'o', text: 'Hi', mediaUrl: 'https://cdn/x.jpg', tiktok: { privacyLevel: 'PUBLIC_TO_EVERYONE' as const } };

  it('queries creator_info, inits a photo post with the chosen privacy level and polls status/fetch until PUBLISH_COMPLETE', async () => {
    let polls = 0;
    const { fetchImpl, seen } = fakeFetch((r) => {
      if (r.url.pathname === '/v2/post/publish/creator_info/query/') return creatorInfo();
      if (r.url.pathname === '/v2/post/publish/content/init/') return jsonResponse(200, { data: { publish_id: 'v_pub_url~v2.1' }, error: ok });
      polls += 1;
      return jsonResponse(200, { data: polls < 2 ? { status: 'PROCESSING_DOWNLOAD' } : { status: 'PUBLISH_COMPLETE', publicaly_available_post_id: ['7300'] }, error: ok });
    });
    const res = value(await registryWith(fetchImpl).tiktok.publish({ accessToken: 't' }, req));
    expect(res.platformPostId).toBe('7300');
    expect(seen.map((r) => r.url.pathname)).toEqual(['/v2/post/publish/creator_info/query/', '/v2/post/publish/content/init/', '/v2/post/publish/status/fetch/', '/v2/post/publish/status/fetch/']);
    expect(JSON.parse(seen[1]?.body ?? '{}')).toMatchObject({
      media_type: 'PHOTO',
      post_mode: 'DIRECT_POST',
      post_info: { privacy_level: 'PUBLIC_TO_EVERYONE', disable_comment: false },
      source_info: { source: 'PULL_FROM_URL', photo_images: ['https://cdn/x.jpg'] },
    });
  });

  it('stops polling after the bound and reports the publish id (retrying would post twice)', async () => {
    const { fetchImpl, seen } = fakeFetch((r) =>
      r.url.pathname.includes('creator_info') ? creatorInfo() : jsonResponse(200, { data: r.url.pathname.endsWith('/init/') ? { publish_id: 'p1' } : { status: 'PROCESSING_UPLOAD' }, error: ok }),
    );
    expect(value(await registryWith(fetchImpl).tiktok.publish({ accessToken: 't' }, req)).platformPostId).toBe('p1');
    expect(seen).toHaveLength(5);
  });
});

describe('network failures', () => {
  it('a refused connection is transient with status 0, and no token reaches the message', async () => {
    const reg = registryWith((() => Promise.reject(new TypeError('fetch failed'))) as typeof fetch);
    const result = await reg.x.checkAccess({ accessToken: 'SECRET-TOKEN-VALUE' }, '1');
    expect(result).toMatchObject({ ok: false, failure: { kind: 'transient', status: 0 } });
    expect(JSON.stringify(result)).not.toContain('SECRET-TOKEN-VALUE');
  });

  it('a call that takes too long is aborted and transient', async () => {
    const hang = ((_: unknown, init?: RequestInit) =>
      new Promise((_resolve, reject) => {
        init?.signal?.addEventListener('abort', () => reject(init.signal?.reason as Error));
      })) as typeof fetch;
    const result = await registryWith(hang, 30).facebook.checkAccess({ accessToken: 'SECRET' }, '1');
    expect(result).toMatchObject({ ok: false, failure: { kind: 'transient', status: 0 } });
    expect(result.ok ? '' : result.failure.message).toContain('in time');
  });
});

describe('PKCE', () => {
  it('makes a 43+ character base64url verifier and its S256 challenge', () => {
    const pair = createPkcePair();
    expect(pair.verifier).toMatch(/^[A-Za-z0-9_-]{43,128}$/);
    expect(pair.challenge).toBe(s256Challenge(pair.verifier));
    expect(pair.method).toBe('S256');
    // RFC 7636 appendix B
    expect(s256Challenge('dBjftJeZ4CVP-mB92K27uhbUJU1p1r_wW1gFWFOEjXk')).toBe('E9Melhoa2OwvFrEMTJguCHaoeK1t8URWbuGJSstw-cM');
    expect(createPkcePair().verifier).not.toBe(pair.verifier);
  });
});
