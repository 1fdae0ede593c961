import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { createPkcePair, createPlatformRegistry } from '../../../shared/adapters/platforms/index.js';
import { tiktokChallenge } from '../../../shared/adapters/platforms/pkce.js';
import { EXPIRY_REASONS, type ExpiryReason } from '../../../shared/config/events.js';
import { PLATFORMS, type Platform } from '../../../shared/config/platforms.js';
import type { PlatformFailure, PlatformRegistry, PlatformResult, PublishRequest, TokenSet } from '../../../shared/ports/platform.js';
import { createSandbox, SANDBOX_CLIENTS, sandboxPlatformsConfig, type Sandbox } from '../../../local/sandbox/index.js';
import { startRouteServer } from './sandbox-server.js';

const CALLBACK_BASE = 'http://app.test';
const DAY = 86_400_000;
const T0 = Date.parse('2026-01-05T09:00:00.000Z');

let current = T0;
const clock = { now: () => new Date(current) };
let sandbox: Sandbox;
let server: { baseUrl: string; close(): Promise<void> };
let registry: PlatformRegistry;

beforeAll(async () => {
  server = await startRouteServer(() => sandbox.route);
});
afterAll(async () => {
  await server.close();
});
beforeEach(() => {
  current = T0;
  sandbox = createSandbox({ clock, callbackBaseUrl: CALLBACK_BASE });
  registry = createPlatformRegistry(sandboxPlatformsConfig(server.baseUrl, { clock, timeoutMs: 4000, tiktokPoll: { attempts: 5, intervalMs: 0 } }));
});

// ---- helpers --------------------------------------------------------------------------------------

const ACCOUNT_IDS: Record<Platform, string> = { facebook: '104857600123', instagram: '17841405822304914', linkedin: '2414183', tiktok: 'afd97af1-b87b-48b9-ac98', x: '2244994945' };
const redirectUri = (p: Platform): string => `${CALLBACK_BASE}/oauth/${p}/callback`;
const needsMedia = (p: Platform): boolean => p === 'instagram' || p === 'tiktok';

async function control(platform: Platform, path: string, body?: unknown, method = 'POST'): Promise<{ status: number; json: Record<string, unknown> }> {
  const res = await fetch(`${server.baseUrl}/sandbox/${platform}${path}`, {
    method,
    headers: { 'content-type': 'application/json' },
    body: body === undefined ? undefined : JSON.stringify(body),
  });
  return { status: res.status, json: (await res.json()) as Record<string, unknown> };
}

async function addAccount(platform: Platform, isAdmin = true, id = ACCOUNT_IDS[platform]): Promise<string> {
  const res = await control(platform, '/accounts', { externalAccountId: id, name: `Acme ${platform}`, isAdmin });
  expect(res.status).toBe(201);
  return id;
}

async function authorizeRedirect(platform: Platform, account: string, consent: 'allow' | 'deny'): Promise<{ url: URL; verifier?: string; state: string }> {
  const adapter = registry[platform];
  const pkce = adapter.usesPkce ? createPkcePair() : undefined;
  const state = `st-${Math.random().toString(36).slice(2)}`;
  const authorizeUrl = adapter.buildAuthorizeUrl({ state, redirectUri: redirectUri(platform), codeChallenge: pkce?.challenge });
  const res = await fetch(`${authorizeUrl}&account=${encodeURIComponent(account)}&consent=${consent}`, { redirect: 'manual' });
  expect(res.status).toBe(302);
  return { url: new URL(res.headers.get('location') ?? ''), verifier: pkce?.verifier, state };
}

function value<T>(result: PlatformResult<T>): T {
  if (!result.ok) throw new Error(`expected success, got ${JSON.stringify(result.failure)}`);
  return result.value;
}

function failure<T>(result: PlatformResult<T>): PlatformFailure {
  if (result.ok) throw new Error('expected a failure, got success');
  return result.failure;
}

function reasonOf<T>(result: PlatformResult<T>): ExpiryReason | PlatformFailure['kind'] {
  const f = failure(result);
  return f.kind === 'expired' ? f.reason : f.kind;
}

/** Signs in through the automatic authorize form, exchanges the code and keeps the Page token. */
async function connect(platform: Platform, account = ACCOUNT_IDS[platform]): Promise<TokenSet> {
  const { url, verifier, state } = await authorizeRedirect(platform, account, 'allow');
  expect(url.searchParams.get('state')).toBe(state);
  const code = url.searchParams.get('code');
  expect(code).toBeTruthy();
  const tokens = value(await registry[platform].exchangeCode({ code: code ?? '', redirectUri: redirectUri(platform), codeVerifier: verifier }));
  const identity = value(await registry[platform].identify(tokens, account));
  return identity.accountToken ? { ...tokens, accountToken: identity.accountToken } : tokens;
}

function publishReq(platform: Platform, text: string): PublishRequest {
  return {
    externalAccountId: ACCOUNT_IDS[platform],
    text,
    ...(needsMedia(platform) ? { mediaUrl: 'https://cdn.example.com/a.jpg' } : {}),
    ...(platform === 'tiktok' ? { tiktok: { privacyLevel: 'PUBLIC_TO_EVERYONE' as const } } : {}),
  };
}

// What each platform's answer for a revoke with that reason is read back as (see the tables in
// shared/adapters/platforms/*.ts). Facebook and Instagram tell every reason apart.
const SAME = Object.fromEntries(EXPIRY_REASONS.map((r) => [r, r])) as Record<ExpiryReason, ExpiryReason>;
const ALL = (reason: ExpiryReason): Record<ExpiryReason, ExpiryReason> => Object.fromEntries(EXPIRY_REASONS.map((r) => [r, reason])) as Record<ExpiryReason, ExpiryReason>;
const LINKEDIN_API: Record<ExpiryReason, ExpiryReason> = {
  password_changed: 'revoked',
  security_review: 'revoked',
  policy_update: 'revoked',
  inactivity: 'token_expired',
  token_expired: 'token_expired',
  admin_role_lost: 'admin_role_lost',
  revoked: 'revoked',
  unknown: 'unknown',
};
const EXPECTED: Record<Platform, { check: Record<ExpiryReason, ExpiryReason>; publish: Record<ExpiryReason, ExpiryReason>; refresh: Record<ExpiryReason, ExpiryReason> }> = {
  facebook: { check: SAME, publish: SAME, refresh: SAME },
  instagram: { check: SAME, publish: SAME, refresh: SAME },
  linkedin: { check: LINKEDIN_API, publish: LINKEDIN_API, refresh: ALL('revoked') },
  // scope_not_authorized (the policy_update revoke) says the user withheld a permission: `revoked`, naming it.
  tiktok: { check: ALL('revoked'), publish: ALL('revoked'), refresh: ALL('revoked') },
  x: { check: { ...ALL('revoked'), security_review: 'security_review' }, publish: { ...ALL('revoked'), security_review: 'security_review' }, refresh: ALL('revoked') },
};

// ---- per platform -----------------------------------------------------------------------------------

describe.each(PLATFORMS)('%s adapter against the sandbox', (platform) => {
  it('builds an authorize URL with client id, redirect_uri, state, scopes (and PKCE S256 where used)', () => {
    const adapter = registry[platform];
    const pkce = createPkcePair();
    const url = new URL(adapter.buildAuthorizeUrl({ state: 'abc', redirectUri: redirectUri(platform), codeChallenge: adapter.usesPkce ? pkce.challenge : undefined }));
    expect(url.href.startsWith(`${server.baseUrl}/sandbox/${platform}/oauth/authorize?`)).toBe(true);
    expect(url.searchParams.get(platform === 'tiktok' ? 'client_key' : 'client_id')).toBe(SANDBOX_CLIENTS[platform].clientId);
    // The contract's authorizeUrl query always has client_id (TikTok's own name is client_key).
    expect(url.searchParams.get('client_id')).toBe(SANDBOX_CLIENTS[platform].clientId);
    expect(url.searchParams.get('redirect_uri')).toBe(redirectUri(platform));
    expect(url.searchParams.get('state')).toBe('abc');
    expect(url.searchParams.get('scope')?.length).toBeGreaterThan(3);
    expect(adapter.usesPkce).toBe(platform === 'x' || platform === 'tiktok');
    if (adapter.usesPkce) {
      // TikTok verifies HEX(SHA256(verifier)), X the RFC 7636 BASE64URL of the same digest.
      expect(url.searchParams.get('code_challenge')).toBe(platform === 'tiktok' ? tiktokChallenge(pkce.verifier) : pkce.challenge);
      expect(url.searchParams.get('code_challenge_method')).toBe('S256');
    } else {
      expect(url.searchParams.has('code_challenge')).toBe(false);
    }
  });

  it('serves a usable consent page listing the accounts', async () => {
    await addAccount(platform);
    const url = registry[platform].buildAuthorizeUrl({ state: 's1', redirectUri: redirectUri(platform), codeChallenge: registry[platform].usesPkce ? createPkcePair().challenge : undefined });
    const res = await fetch(url);
    expect(res.status).toBe(200);
    const page = await res.text();
    expect(page).toContain(`data-account="${ACCOUNT_IDS[platform]}"`);
    expect(page).toContain('value="deny"');
  });

  it('connects an admin: exchange, identify, checkAccess, publish (recorded), refresh', async () => {
    await addAccount(platform);
    const tokens = await connect(platform);
    expect(tokens.accessToken).toBeTruthy();
    if (platform !== 'facebook') expect(tokens.accessTokenExpiresAt).toBeDefined();

    const identity = value(await registry[platform].identify(tokens));
    expect(identity).toMatchObject({ externalAccountId: ACCOUNT_IDS[platform], isAdmin: true });
    expect(identity.displayName).toContain('Acme');
    value(await registry[platform].checkAccess(tokens, ACCOUNT_IDS[platform]));

    const post = value(await registry[platform].publish(tokens, publishReq(platform, 'Hello from Flamel')));
    const posts = await control(platform, '/posts', undefined, 'GET');
    expect(posts.json.posts).toEqual([{ externalAccountId: ACCOUNT_IDS[platform], text: 'Hello from Flamel', platformPostId: post.platformPostId }]);

    current += 3 * DAY;
    const refreshed = value(await registry[platform].refresh(tokens));
    expect(refreshed.accessToken).not.toBe(tokens.accessToken);
    if (tokens.refreshToken) expect(refreshed.refreshToken).toBeDefined();
    value(await registry[platform].checkAccess(refreshed, ACCOUNT_IDS[platform]));
    expect(sandbox.requestCount(platform)).toBeGreaterThan(4);
  });

  it('refuses text-only posts where the platform needs media, and duplicates where it refuses them', async () => {
    await addAccount(platform);
    const tokens = await connect(platform);
    if (needsMedia(platform)) {
      expect(failure(await registry[platform].publish(tokens, { externalAccountId: ACCOUNT_IDS[platform], text: 'no media' })).kind).toBe('rejected');
    } else {
      value(await registry[platform].publish(tokens, publishReq(platform, 'same text')));
      expect(failure(await registry[platform].publish(tokens, publishReq(platform, 'same text'))).kind).toBe('rejected');
    }
  });

  it('identifies a non-admin (Page/Company Page role) as not admin', async () => {
    await addAccount(platform, false);
    const tokens = await connect(platform);
    const identity = value(await registry[platform].identify(tokens, ACCOUNT_IDS[platform]));
    expect(identity.externalAccountId).toBe(ACCOUNT_IDS[platform]);
    expect(identity.isAdmin).toBe(platform === 'tiktok' || platform === 'x');
  });

  it.each(EXPIRY_REASONS)('a revoke for %s fails old tokens with the documented reason; a new sign-in works', async (reason) => {
    await addAccount(platform);
    const tokens = await connect(platform);
    expect((await control(platform, `/accounts/${ACCOUNT_IDS[platform]}/revoke`, { reason })).status).toBe(200);

    expect(reasonOf(await registry[platform].checkAccess(tokens, ACCOUNT_IDS[platform]))).toBe(EXPECTED[platform].check[reason]);
    expect(reasonOf(await registry[platform].publish(tokens, publishReq(platform, `after ${reason}`)))).toBe(EXPECTED[platform].publish[reason]);
    expect(reasonOf(await registry[platform].refresh(tokens))).toBe(EXPECTED[platform].refresh[reason]);

    const again = await connect(platform);
    value(await registry[platform].checkAccess(again, ACCOUNT_IDS[platform]));
    value(await registry[platform].publish(again, publishReq(platform, `back after ${reason}`)));
  });

  it('taking the admin role away fails Page calls with admin_role_lost (no role on TikTok and X)', async () => {
    await addAccount(platform);
    const tokens = await connect(platform);
    const res = await control(platform, `/accounts/${ACCOUNT_IDS[platform]}/admin`, { isAdmin: false });
    expect(res.status).toBe(200);
    if (platform === 'tiktok' || platform === 'x') {
      expect(res.json.hasRoles).toBe(false);
      value(await registry[platform].checkAccess(tokens, ACCOUNT_IDS[platform]));
      return;
    }
    expect(reasonOf(await registry[platform].checkAccess(tokens, ACCOUNT_IDS[platform]))).toBe('admin_role_lost');
    expect(reasonOf(await registry[platform].publish(tokens, publishReq(platform, 'no role')))).toBe('admin_role_lost');
    await control(platform, `/accounts/${ACCOUNT_IDS[platform]}/admin`, { isAdmin: true });
    value(await registry[platform].checkAccess(tokens, ACCOUNT_IDS[platform]));
  });

  it('an outage answers 503 in the platform style: every call is transient; control routes keep working', async () => {
    await addAccount(platform);
    const tokens = await connect(platform);
    const { url, verifier } = await authorizeRedirect(platform, ACCOUNT_IDS[platform], 'allow');
    expect((await control(platform, '/outage', { down: true })).status).toBe(200);

    const check = failure(await registry[platform].checkAccess(tokens, ACCOUNT_IDS[platform]));
    expect(check).toMatchObject({ kind: 'transient', status: 503 });
    expect(failure(await registry[platform].publish(tokens, publishReq(platform, 'down'))).kind).toBe('transient');
    expect(failure(await registry[platform].refresh(tokens)).kind).toBe('transient');
    expect(failure(await registry[platform].exchangeCode({ code: url.searchParams.get('code') ?? '', redirectUri: redirectUri(platform), codeVerifier: verifier })).kind).toBe('transient');
    expect((await fetch(registry[platform].buildAuthorizeUrl({ state: 's', redirectUri: redirectUri(platform) }))).status).toBe(503);
    expect((await control(platform, '/posts', undefined, 'GET')).status).toBe(200);

    await control(platform, '/outage', { down: false });
    value(await registry[platform].checkAccess(tokens, ACCOUNT_IDS[platform]));
  });

  it('deny redirects with error=access_denied and the state', async () => {
    await addAccount(platform);
    const { url, state } = await authorizeRedirect(platform, ACCOUNT_IDS[platform], 'deny');
    expect(`${url.origin}${url.pathname}`).toBe(redirectUri(platform));
    expect(url.searchParams.get('error')).toBe('access_denied');
    expect(url.searchParams.get('error_description')).toBeTruthy();
    expect(url.searchParams.get('state')).toBe(state);
    expect(url.searchParams.has('code')).toBe(false);
  });

  it('a code is single-use, short-lived, bound to its redirect_uri (and PKCE verifier)', async () => {
    await addAccount(platform);
    const first = await authorizeRedirect(platform, ACCOUNT_IDS[platform], 'allow');
    const code = first.url.searchParams.get('code') ?? '';
    value(await registry[platform].exchangeCode({ code, redirectUri: redirectUri(platform), codeVerifier: first.verifier }));
    expect(failure(await registry[platform].exchangeCode({ code, redirectUri: redirectUri(platform), codeVerifier: first.verifier })).kind).toBe('rejected');

    const late = await authorizeRedirect(platform, ACCOUNT_IDS[platform], 'allow');
    current += 61 * 60_000;
    expect(failure(await registry[platform].exchangeCode({ code: late.url.searchParams.get('code') ?? '', redirectUri: redirectUri(platform), codeVerifier: late.verifier })).kind).toBe('rejected');

    if (registry[platform].usesPkce) {
      const wrong = await authorizeRedirect(platform, ACCOUNT_IDS[platform], 'allow');
      const result = await registry[platform].exchangeCode({ code: wrong.url.searchParams.get('code') ?? '', redirectUri: redirectUri(platform), codeVerifier: createPkcePair().verifier });
      expect(failure(result).kind).toBe('rejected');
    }
  });

  it('refuses an unknown client or a foreign redirect_uri on the authorize page', async () => {
    const url = new URL(registry[platform].buildAuthorizeUrl({ state: 's', redirectUri: 'https://evil.example/cb', codeChallenge: createPkcePair().challenge }));
    expect((await fetch(url, { redirect: 'manual' })).status).toBe(400);
    url.searchParams.set('redirect_uri', redirectUri(platform));
    url.searchParams.set(platform === 'tiktok' ? 'client_key' : 'client_id', 'someone-else');
    expect((await fetch(url, { redirect: 'manual' })).status).toBe(400);
  });
});

// ---- TikTok: PKCE encoding, creator_info, exact ids, app-level refusals -----------------------------------

describe('TikTok sandbox is as strict as TikTok', () => {
  const tt = ACCOUNT_IDS.tiktok;
  const creator = (body: unknown) => control('tiktok', `/accounts/${tt}/creator`, body);
  const publishAs = (tokens: TokenSet, privacyLevel: 'PUBLIC_TO_EVERYONE' | 'FOLLOWER_OF_CREATOR') => registry.tiktok.publish(tokens, { ...publishReq('tiktok', `as ${privacyLevel}`), tiktok: { privacyLevel } });

  it('checks PKCE as TikTok does: the RFC 7636 base64url challenge is refused with TikTok\'s body, the hex one works', async () => {
    await addAccount('tiktok');
    const pkce = createPkcePair();
    const url = new URL(registry.tiktok.buildAuthorizeUrl({ state: 's', redirectUri: redirectUri('tiktok'), codeChallenge: pkce.challenge }));
    url.searchParams.set('code_challenge', pkce.challenge); // what an RFC 7636 client sends
    const code = new URL((await fetch(`${url.href}&account=${tt}&consent=allow`, { redirect: 'manual' })).headers.get('location') ?? '').searchParams.get('code');
    const res = await fetch(`${server.baseUrl}/sandbox/tiktok/v2/oauth/token/`, {
      method: 'POST',
      headers: { 'content-type': 'application/x-www-form-urlencoded' },
      body: new URLSearchParams({ client_key: SANDBOX_CLIENTS.tiktok.clientId, client_secret: SANDBOX_CLIENTS.tiktok.clientSecret, code: code ?? '', grant_type: 'authorization_code', redirect_uri: redirectUri('tiktok'), code_verifier: pkce.verifier }),
    });
    expect(await res.json()).toMatchObject({ error: 'invalid_request', error_description: 'Code verifier or code challenge is invalid.', log_id: expect.any(String) });
    // The adapter's own URL carries the hex challenge: the whole sign-in works.
    expect((await connect('tiktok')).accessToken).toMatch(/^act\./);
  });

  it('offers per-account privacy levels: one not offered fails the post (nothing posted), an offered one publishes', async () => {
    await addAccount('tiktok');
    const tokens = await connect('tiktok');
    expect((await creator({ privacyLevelOptions: ['FOLLOWER_OF_CREATOR', 'MUTUAL_FOLLOW_FRIENDS', 'SELF_ONLY'] })).status).toBe(200);
    const refused = failure(await publishAs(tokens, 'PUBLIC_TO_EVERYONE'));
    expect(refused).toMatchObject({ kind: 'rejected', code: 'TIKTOK_PRIVACY_NOT_OFFERED' });
    expect(refused.message).toContain('FOLLOWER_OF_CREATOR, MUTUAL_FOLLOW_FRIENDS, SELF_ONLY');
    expect(sandbox.state().tiktok.posts).toHaveLength(0);
    value(await publishAs(tokens, 'FOLLOWER_OF_CREATOR'));
    expect(sandbox.state().tiktok.posts).toHaveLength(1);
  });

  it('its init refuses a privacy level the creator is not offered with TikTok\'s error body', async () => {
    await addAccount('tiktok');
    const tokens = await connect('tiktok');
    await creator({ privacyLevelOptions: ['SELF_ONLY'] });
    const res = await fetch(`${server.baseUrl}/sandbox/tiktok/v2/post/publish/content/init/`, {
      method: 'POST',
      headers: { authorization: `Bearer ${tokens.accessToken}`, 'content-type': 'application/json; charset=UTF-8' },
      body: JSON.stringify({ post_info: { title: 't', privacy_level: 'PUBLIC_TO_EVERYONE' }, source_info: { source: 'PULL_FROM_URL', photo_cover_index: 0, photo_images: ['https://cdn.example.com/a.jpg'] }, post_mode: 'DIRECT_POST', media_type: 'PHOTO' }),
    });
    expect(res.status).toBe(403);
    expect(await res.json()).toMatchObject({ data: {}, error: { code: 'privacy_level_option_mismatch', log_id: expect.any(String) } });
  });

  it('a creator who cannot post now is told at creator_info and nothing is posted; clearing it lets posts through', async () => {
    await addAccount('tiktok');
    const tokens = await connect('tiktok');
    await creator({ cannotPost: 'spam_risk_too_many_posts' });
    expect(failure(await publishAs(tokens, 'PUBLIC_TO_EVERYONE'))).toMatchObject({ kind: 'rejected', code: 'TIKTOK_CREATOR_CANNOT_POST' });
    expect(sandbox.state().tiktok.posts).toHaveLength(0);
    await creator({ cannotPost: null });
    value(await publishAs(tokens, 'PUBLIC_TO_EVERYONE'));
  });

  it('post ids above 2^53 come back exact', async () => {
    await addAccount('tiktok');
    const post = value(await publishAs(await connect('tiktok'), 'PUBLIC_TO_EVERYONE'));
    expect(BigInt(post.platformPostId) > 2n ** 53n).toBe(true);
    expect(post.platformPostId).toBe(sandbox.state().tiktok.posts[0]?.platformPostId);
  });

  it('an app refused for posting (permission_revoked) and a retired API (version_retired) are integration failures', async () => {
    await addAccount('tiktok');
    const tokens = await connect('tiktok');
    await control('tiktok', '/app', { state: 'permission_revoked' });
    expect(failure(await publishAs(tokens, 'PUBLIC_TO_EVERYONE'))).toMatchObject({ kind: 'integration', cause: 'permission_revoked' });
    value(await registry.tiktok.checkAccess(tokens, tt));
    await control('tiktok', '/app', { state: 'version_retired' });
    expect(failure(await registry.tiktok.checkAccess(tokens, tt))).toMatchObject({ kind: 'integration', cause: 'version_retired' });
    expect(failure(await registry.tiktok.refresh(tokens))).toMatchObject({ kind: 'integration', cause: 'version_retired' });
    await control('tiktok', '/app', { state: 'ok' });
    value(await publishAs(tokens, 'PUBLIC_TO_EVERYONE'));
  });

  it('the creator control route validates its body, knows its accounts and is not counted as a wire request', async () => {
    await addAccount('tiktok');
    sandbox.resetRequestCounts();
    expect((await creator({ privacyLevelOptions: ['EVERYONE'] })).status).toBe(400);
    expect((await control('tiktok', '/accounts/nobody/creator', {})).status).toBe(404);
    expect((await control('tiktok', `/accounts/${tt}/creator`, undefined, 'GET')).json).toMatchObject({ privacyLevelOptions: ['PUBLIC_TO_EVERYONE', 'MUTUAL_FOLLOW_FRIENDS', 'SELF_ONLY'], commentDisabled: false });
    expect(sandbox.requestCount('tiktok')).toBe(0);
  });
});

// ---- rotation and lifetimes on the clock --------------------------------------------------------------

describe('rotation and lifetimes', () => {
  it.each(['x', 'tiktok'] as const)('%s rotates refresh tokens: the newest works, the old one is refused', async (platform) => {
    await addAccount(platform);
    const tokens = await connect(platform);
    const next = value(await registry[platform].refresh(tokens));
    expect(next.refreshToken).toBeDefined();
    expect(next.refreshToken).not.toBe(tokens.refreshToken);
    expect(reasonOf(await registry[platform].refresh(tokens))).toBe('revoked');
    value(await registry[platform].refresh(next));
  });

  it('LinkedIn: the refresh expiry stays fixed from the consent across refreshes; access ends after 60 days', async () => {
    await addAccount('linkedin');
    const tokens = await connect('linkedin');
    expect(tokens.refreshTokenExpiresAt).toBe(new Date(T0 + 365 * DAY).toISOString());
    expect(tokens.accessTokenExpiresAt).toBe(new Date(T0 + 60 * DAY).toISOString());

    current = T0 + 61 * DAY;
    expect(reasonOf(await registry.linkedin.checkAccess(tokens, ACCOUNT_IDS.linkedin))).toBe('token_expired');
    const refreshed = value(await registry.linkedin.refresh(tokens));
    expect(refreshed.refreshTokenExpiresAt).toBe(new Date(T0 + 365 * DAY).toISOString());
    expect(refreshed.accessTokenExpiresAt).toBe(new Date(current + 60 * DAY).toISOString());
    value(await registry.linkedin.checkAccess(refreshed, ACCOUNT_IDS.linkedin));

    current = T0 + 300 * DAY;
    const again = value(await registry.linkedin.refresh(refreshed));
    expect(again.refreshTokenExpiresAt).toBe(new Date(T0 + 365 * DAY).toISOString());

    current = T0 + 366 * DAY;
    expect(reasonOf(await registry.linkedin.refresh(again))).toBe('token_expired');
    const reconsented = await connect('linkedin');
    expect(reconsented.refreshTokenExpiresAt).toBe(new Date(current + 365 * DAY).toISOString());
  });

  it('X: access ends after expires_in (7200 s) and reads as token_expired; refresh tokens die after 180 days unused', async () => {
    await addAccount('x');
    const tokens = await connect('x');
    expect(tokens.accessTokenExpiresAt).toBe(new Date(T0 + 7200_000).toISOString());
    current = T0 + 7199_000;
    value(await registry.x.checkAccess(tokens, ACCOUNT_IDS.x));
    current = T0 + 7201_000;
    expect(reasonOf(await registry.x.checkAccess(tokens, ACCOUNT_IDS.x))).toBe('token_expired');
    const next = value(await registry.x.refresh(tokens));
    current += 181 * DAY;
    expect(reasonOf(await registry.x.refresh(next))).toBe('revoked');
  });

  it('TikTok: lifetimes as documented now (access 2 h, refresh 180 days), read from expires_in / refresh_expires_in', async () => {
    await addAccount('tiktok');
    const tokens = await connect('tiktok');
    expect(tokens.accessTokenExpiresAt).toBe(new Date(T0 + 7200_000).toISOString());
    expect(tokens.refreshTokenExpiresAt).toBe(new Date(T0 + 180 * DAY).toISOString());
    current = T0 + 7200_000 + 1000;
    expect(reasonOf(await registry.tiktok.checkAccess(tokens, ACCOUNT_IDS.tiktok))).toBe('token_expired');
    const next = value(await registry.tiktok.refresh(tokens));
    expect(next.refreshTokenExpiresAt).toBe(new Date(current + 180 * DAY).toISOString());
    current += 181 * DAY;
    expect(reasonOf(await registry.tiktok.refresh(next))).toBe('token_expired');
  });

  it.each(['facebook', 'instagram'] as const)('%s drops a grant unused for 90 days (190/493 inactivity); use keeps it', async (platform) => {
    await addAccount(platform);
    const tokens = await connect(platform);
    current = T0 + 50 * DAY;
    if (platform === 'instagram') {
      // Instagram's 60-day token must be refreshed to live that long; the refresh is also engagement.
      const refreshed = value(await registry.instagram.refresh(tokens));
      current = T0 + 100 * DAY;
      value(await registry.instagram.checkAccess(refreshed, ACCOUNT_IDS.instagram));
      current = T0 + 191 * DAY;
      expect(reasonOf(await registry.instagram.checkAccess(refreshed, ACCOUNT_IDS.instagram))).toBe('inactivity');
      return;
    }
    value(await registry.facebook.checkAccess(tokens, ACCOUNT_IDS.facebook));
    current = T0 + 139 * DAY;
    value(await registry.facebook.checkAccess(tokens, ACCOUNT_IDS.facebook));
    current = T0 + 230 * DAY;
    expect(reasonOf(await registry.facebook.checkAccess(tokens, ACCOUNT_IDS.facebook))).toBe('inactivity');
    value(await registry.facebook.checkAccess(await connect('facebook'), ACCOUNT_IDS.facebook));
  });

  it('Instagram long-lived tokens end after 60 days (190/463 token_expired)', async () => {
    await addAccount('instagram');
    const tokens = await connect('instagram');
    expect(tokens.accessTokenExpiresAt).toBe(new Date(T0 + 60 * DAY).toISOString());
    current = T0 + 60 * DAY + 1000;
    expect(reasonOf(await registry.instagram.checkAccess(tokens, ACCOUNT_IDS.instagram))).toBe('token_expired');
  });
});

describe('account ids', () => {
  it.each(PLATFORMS)('%s works with a non-numeric sandbox account id', async (platform) => {
    await addAccount(platform, true, 'acme-page.1');
    const tokens = await connect(platform, 'acme-page.1');
    expect(value(await registry[platform].identify(tokens, 'acme-page.1'))).toMatchObject({ externalAccountId: 'acme-page.1', isAdmin: true });
    value(await registry[platform].checkAccess(tokens, 'acme-page.1'));
    value(await registry[platform].publish(tokens, { ...publishReq(platform, 'hi'), externalAccountId: 'acme-page.1' }));
  });
});

describe('control routes', () => {
  it('validate their bodies and answer 400 with a clear error', async () => {
    const bad = await control('facebook', '/accounts', { externalAccountId: '', name: 'x' });
    expect(bad.status).toBe(400);
    expect(bad.json).toMatchObject({ error: { code: 'VALIDATION_FAILED' } });
    expect((await control('linkedin', '/accounts', { externalAccountId: 'has space', name: 'Org', isAdmin: true })).status).toBe(400);
    await addAccount('x');
    expect((await control('x', `/accounts/${ACCOUNT_IDS.x}/revoke`, { reason: 'bored' })).status).toBe(400);
    expect((await control('x', '/accounts/nobody/revoke', { reason: 'revoked' })).status).toBe(404);
    expect((await control('x', '/outage', { down: 'yes' })).status).toBe(400);
  });

  it('upserts accounts, ignores foreign paths and counts wire requests only', async () => {
    await addAccount('x');
    const updated = await control('x', '/accounts', { externalAccountId: ACCOUNT_IDS.x, name: 'Renamed', isAdmin: true });
    expect(updated.status).toBe(201);
    expect(sandbox.state().x.accounts).toEqual([{ externalAccountId: ACCOUNT_IDS.x, name: 'Renamed', isAdmin: true }]);
    expect(sandbox.requestCount('x')).toBe(0);
    expect(await sandbox.route({ method: 'GET', path: '/workspaces', query: new URLSearchParams(), headers: {}, body: '' })).toBeUndefined();
    expect(await sandbox.route({ method: 'GET', path: '/sandbox/myspace/posts', query: new URLSearchParams(), headers: {}, body: '' })).toBeUndefined();
  });
});
