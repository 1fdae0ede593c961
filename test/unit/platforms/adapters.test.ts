import { describe, expect, it } from 'vitest';
import { createPkcePair, createPlatformRegistry, platformsConfig, realPlatformEndpoints, s256Challenge } from '../../../shared/adapters/platforms/index.js';
import type { PlatformRegistry, PlatformResult, TokenSet } from '../../../shared/ports/platform.js';

const NOW = Date.parse('2026-03-01T12:00:00.000Z');
const clock = { now: () => new Date(NOW) };
const creds = { clientId: 'app-id', clientSecret: 'app-secret' };

interface Seen {
  url: URL;
  method: string;
  headers: Record<string, string>;
  body: string;
}

/** A fetch that answers from `answer(request)` and remembers every request. */
function fakeFetch(answer: (req: Seen) => Response | Promise<Response>): { fetchImpl: typeof fetch; seen: Seen[] } {
  const seen: Seen[] = [];
  const fetchImpl = (async (input: string | URL | Request, init?: RequestInit) => {
    const headers: Record<string, string> = {};
    new Headers(init?.headers).forEach((v, k) => {
      headers[k] = v;
    });
    const req: Seen = { url: new URL(String(input)), method: init?.method ?? 'GET', headers, body: typeof init?.body === 'string' ? init.body : '' };
    seen.push(req);
    return answer(req);
  }) as typeof fetch;
  return { fetchImpl, seen };
}

const jsonResponse = (status: number, body: unknown, headers: Record<string, string> = {}): Response =>
  new Response(status === 201 && body === undefined ? null : JSON.stringify(body), { status, headers: { 'content-type': 'application/json', ...headers } });

function registryWith(fetchImpl: typeof fetch, timeoutMs = 2000): PlatformRegistry {
  return createPlatformRegistry(
    platformsConfig({ facebook: creds, instagram: creds, linkedin: creds, tiktok: creds, x: creds }, realPlatformEndpoints(), { clock, timeoutMs, tiktokPoll: { attempts: 3, intervalMs: 0 } }),
    fetchImpl,
  );
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

  it('our own misconfiguration (invalid_client) stays a refusal', async () => {
    const { fetchImpl } = fakeFetch(() => jsonResponse(401, { error: 'invalid_client', error_description: 'Client authentication failed' }));
    expect(await registryWith(fetchImpl).linkedin.refresh(tokens)).toMatchObject({ ok: false, failure: { kind: 'rejected' } });
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
  const pages = {
    data: [
      { id: '111', name: 'First', access_token: 'page-111', tasks: ['ANALYZE', 'CREATE_CONTENT'] },
      { id: '222', name: 'Second', access_token: 'page-222', tasks: ['ANALYZE', 'ADVERTISE', 'MODERATE', 'CREATE_CONTENT', 'MANAGE'] },
    ],
  };
  const { fetchImpl } = fakeFetch(() => jsonResponse(200, pages));
  const fb = registryWith(fetchImpl).facebook;

  it('the expected one when given (admin from MANAGE, Page token as accountToken)', async () => {
    expect(value(await fb.identify({ accessToken: 'u' }, '222'))).toEqual({ externalAccountId: '222', displayName: 'Second', isAdmin: true, accountToken: 'page-222' });
  });

  it('else a Page the person administers, not merely the first listed (an editor elsewhere is not refused as a non-admin)', async () => {
    expect(value(await fb.identify({ accessToken: 'u' }))).toEqual({ externalAccountId: '222', displayName: 'Second', isAdmin: true, accountToken: 'page-222' });
  });

  it('a missing expected Page gives another one (the caller reports WRONG_ACCOUNT)', async () => {
    expect(value(await fb.identify({ accessToken: 'u' }, '999')).externalAccountId).not.toBe('999');
  });

  it('only Pages without MANAGE: the first, not admin', async () => {
    const { fetchImpl: editorOnly } = fakeFetch(() => jsonResponse(200, { data: [pages.data[0]] }));
    expect(value(await registryWith(editorOnly).facebook.identify({ accessToken: 'u' }))).toMatchObject({ externalAccountId: '111', isAdmin: false });
  });
});

describe('LinkedIn identity', () => {
  function linkedIn(adminElements: unknown[], anyElements: unknown[]): { reg: PlatformRegistry; seen: Seen[] } {
    const { fetchImpl, seen } = fakeFetch((req) => {
      if (req.url.pathname === '/v2/userinfo') return jsonResponse(200, { sub: '782bbtaQ', name: 'John Doe' });
      if (req.url.pathname === '/rest/organizationAcls') {
        return jsonResponse(200, { paging: { start: 0, count: 10, links: [] }, elements: req.url.searchParams.get('role') === 'ADMINISTRATOR' ? adminElements : anyElements });
      }
      return jsonResponse(200, { id: 2414183, localizedName: 'Acme Corp' });
    });
    return { reg: registryWith(fetchImpl), seen };
  }
  const acl = (org: string, role: string): unknown => ({ roleAssignee: 'urn:li:person:782bbtaQ', role, state: 'APPROVED', organization: `urn:li:organization:${org}` });

  it('an administered organization, the expected one first, with the versioned headers', async () => {
    const { reg, seen } = linkedIn([acl('1', 'ADMINISTRATOR'), acl('2414183', 'ADMINISTRATOR')], []);
    expect(value(await reg.linkedin.identify({ accessToken: 't' }, '2414183'))).toEqual({ externalAccountId: '2414183', displayName: 'Acme Corp', isAdmin: true });
    const aclCall = seen.find((s) => s.url.pathname === '/rest/organizationAcls');
    expect(aclCall?.headers['linkedin-version']).toMatch(/^\d{6}$/);
    expect(aclCall?.headers['x-restli-protocol-version']).toBe('2.0.0');
    expect(aclCall?.url.searchParams.get('q')).toBe('roleAssignee');
    expect(aclCall?.url.searchParams.get('state')).toBe('APPROVED');
  });

  it('no administered organization: the approved non-admin one, isAdmin false', async () => {
    const { reg } = linkedIn([], [acl('2414183', 'ANALYST')]);
    expect(value(await reg.linkedin.identify({ accessToken: 't' }))).toMatchObject({ externalAccountId: '2414183', isAdmin: false });
  });

  it('no organization at all: the person, isAdmin false', async () => {
    const { reg } = linkedIn([], []);
    expect(value(await reg.linkedin.identify({ accessToken: 't' }))).toEqual({ externalAccountId: '782bbtaQ', displayName: 'John Doe', isAdmin: false });
  });

  it('publishes to /rest/posts and reads the id from x-restli-id', async () => {
    const { fetchImpl, seen } = fakeFetch(() => new Response(null, { status: 201, headers: { 'x-restli-id': 'urn:li:share:7012345678901234567' } }));
    const res = value(await registryWith(fetchImpl).linkedin.publish({ accessToken: 't' }, { externalAccountId: '2414183', text: 'Hello' }));
    expect(res.platformPostId).toBe('urn:li:share:7012345678901234567');
    expect(JSON.parse(seen[0]?.body ?? '{}')).toMatchObject({ author: 'urn:li:organization:2414183', commentary: 'Hello', lifecycleState: 'PUBLISHED' });
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
    if (!result.ok) expect(result.failure.message).toContain('in time');
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
