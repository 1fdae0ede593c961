import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { createPkcePair, createPlatformRegistry, LINKEDIN_API_VERSION } from '../../../shared/adapters/platforms/index.js';
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
  registry = createPlatformRegistry(sandboxPlatformsConfig(server.baseUrl, { clock, timeoutMs: 4000, tiktokPoll: { attempts: 5, intervalMs: 0 }, instagramPoll: { attempts: 5, intervalMs: 0 } }));
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
  expect(code).toMatch(/\S/);
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
    expect(tokens.accessToken).toMatch(/\S/);
    // Facebook's long-lived user token: the adapter keeps its end only when the platform gives one.
    if (platform !== 'facebook') expect(tokens.accessTokenExpiresAt).toMatch(/^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}/);

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
    // A refresh never loses the refresh token (rotated, or kept when the answer has none).
    expect(refreshed.refreshToken === undefined).toBe(tokens.refreshToken === undefined);
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
    expect(url.searchParams.get('error_description')).toMatch(/\S/);
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
    expect(next.refreshToken).toMatch(/\S/);
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

// ---- LinkedIn as it is today (versions, Community Management only, little text, images, roles) ------

describe('LinkedIn specifics', () => {
  const li = (path: string, token: string, init: { method?: string; version?: string; body?: unknown } = {}) =>
    fetch(`${server.baseUrl}/sandbox/linkedin${path}`, {
      method: init.method ?? 'GET',
      headers: { authorization: `Bearer ${token}`, 'x-restli-protocol-version': '2.0.0', 'content-type': 'application/json', ...(init.version ? { 'linkedin-version': init.version } : {}) },
      body: init.body === undefined ? undefined : JSON.stringify(init.body),
    });

  it('refuses a retired or unknown LinkedIn-Version with 426 NONEXISTENT_VERSION; the adapter reads it as version_retired', async () => {
    await addAccount('linkedin');
    const tokens = await connect('linkedin');
    for (const v of ['202509', '202511', '202512', '209901']) {
      const res = await li('/rest/organizationAcls?q=roleAssignee', tokens.accessToken, { version: v });
      expect(res.status).toBe(426);
      expect(await res.json()).toEqual({ status: 426, code: 'NONEXISTENT_VERSION', message: `Requested version ${v}01 is not active` });
    }
    const stale = createPlatformRegistry({ ...sandboxPlatformsConfig(server.baseUrl, { clock, timeoutMs: 4000 }), linkedin: { ...sandboxPlatformsConfig(server.baseUrl).linkedin, apiVersion: '202509' } });
    expect(failure(await stale.linkedin.checkAccess(tokens, ACCOUNT_IDS.linkedin))).toMatchObject({ kind: 'integration', cause: 'version_retired', status: 426 });
  });

  it('POST /app version_retired and permission_revoked: LinkedIn\'s real bodies, read as integration problems; ok restores', async () => {
    await addAccount('linkedin');
    const tokens = await connect('linkedin');
    await control('linkedin', '/app', { state: 'version_retired' });
    expect(failure(await registry.linkedin.checkAccess(tokens, ACCOUNT_IDS.linkedin))).toMatchObject({ kind: 'integration', cause: 'version_retired' });
    expect(failure(await registry.linkedin.publish(tokens, publishReq('linkedin', 'retired')))).toMatchObject({ kind: 'integration', cause: 'version_retired' });
    await control('linkedin', '/app', { state: 'permission_revoked' });
    expect(failure(await registry.linkedin.checkAccess(tokens, ACCOUNT_IDS.linkedin))).toMatchObject({ kind: 'integration', cause: 'permission_revoked', status: 403 });
    expect(failure(await registry.linkedin.identify(tokens))).toMatchObject({ kind: 'integration', cause: 'permission_revoked' });
    await control('linkedin', '/app', { state: 'ok' });
    value(await registry.linkedin.checkAccess(tokens, ACCOUNT_IDS.linkedin));
  });

  it('an app with Community Management alone has no OpenID product: /v2/userinfo is refused, /v2/me answers', async () => {
    await addAccount('linkedin');
    const tokens = await connect('linkedin');
    const userinfo = await li('/v2/userinfo', tokens.accessToken);
    expect(userinfo.status).toBe(403);
    expect(await userinfo.json()).toMatchObject({ code: 'ACCESS_DENIED', message: 'Not enough permissions to access: userinfo.GET.NO_VERSION' });
    expect((await li('/v2/me', tokens.accessToken)).status).toBe(200);
  });

  it('cuts unescaped commentary at the first reserved character (answering 201); the adapter\'s escaped text arrives whole', async () => {
    await addAccount('linkedin');
    const tokens = await connect('linkedin');
    const post = (commentary: string) =>
      li('/rest/posts', tokens.accessToken, {
        method: 'POST',
        version: LINKEDIN_API_VERSION.version,
        body: { author: `urn:li:organization:${ACCOUNT_IDS.linkedin}`, commentary, visibility: 'PUBLIC', distribution: { feedDistribution: 'MAIN_FEED' }, lifecycleState: 'PUBLISHED' },
      });
    expect((await post('Launch day (finally) #news')).status).toBe(201);
    const text = 'Launch day (finally) #news @team [v2] <3 a_b *c* ~d~ {x} | \\o/';
    value(await registry.linkedin.publish(tokens, publishReq('linkedin', text)));
    expect(sandbox.state().linkedin.posts.map((p) => p.text)).toEqual(['Launch day ', text]);
  });

  it('pages the role list (2 a page) and lets every posting role publish; a role that may not post is admin_role_lost', async () => {
    await addAccount('linkedin');
    const tokens = await connect('linkedin');
    expect((await control('linkedin', `/accounts/${ACCOUNT_IDS.linkedin}/role`, { role: 'CONTENT_ADMINISTRATOR' })).status).toBe(200);
    expect(value(await registry.linkedin.identify(tokens))).toMatchObject({ externalAccountId: ACCOUNT_IDS.linkedin, isAdmin: true });
    value(await registry.linkedin.checkAccess(tokens, ACCOUNT_IDS.linkedin));
    value(await registry.linkedin.publish(tokens, publishReq('linkedin', 'by a content admin')));
    await control('linkedin', `/accounts/${ACCOUNT_IDS.linkedin}/role`, { role: 'DIRECT_SPONSORED_CONTENT_POSTER' });
    value(await registry.linkedin.publish(tokens, publishReq('linkedin', 'by a sponsored content poster')));
    await control('linkedin', `/accounts/${ACCOUNT_IDS.linkedin}/role`, { role: 'CURATOR' });
    expect(reasonOf(await registry.linkedin.checkAccess(tokens, ACCOUNT_IDS.linkedin))).toBe('admin_role_lost');
    expect(reasonOf(await registry.linkedin.publish(tokens, publishReq('linkedin', 'by a curator')))).toBe('admin_role_lost');
    const page1 = (await (await li('/rest/organizationAcls?q=roleAssignee&count=100', tokens.accessToken, { version: LINKEDIN_API_VERSION.version })).json()) as { elements: unknown[] };
    expect(page1.elements).toHaveLength(2);
  });

  it('publishes an image through the Images API (bytes fetched with the same fetch); a post naming an image never uploaded is refused', async () => {
    await addAccount('linkedin');
    const tokens = await connect('linkedin');
    const withCdn = (async (input: string | URL | Request, init?: RequestInit) =>
      new URL(String(input)).hostname === 'cdn.example.com' ? new Response(new Uint8Array([0xff, 0xd8, 0xff, 0xe0, 1, 2, 3]), { status: 200, headers: { 'content-type': 'image/jpeg' } }) : fetch(input, init)) as typeof fetch;
    const reg = createPlatformRegistry(sandboxPlatformsConfig(server.baseUrl, { clock, timeoutMs: 4000 }), withCdn);
    value(await reg.linkedin.publish(tokens, { externalAccountId: ACCOUNT_IDS.linkedin, text: 'With a picture', mediaUrl: 'https://cdn.example.com/a.jpg' }));
    const [posted] = sandbox.state().linkedin.posts;
    expect(posted).toMatchObject({ text: 'With a picture', mediaUrl: expect.stringMatching(/^urn:li:image:/) });

    const init = (await (
      await li('/rest/images?action=initializeUpload', tokens.accessToken, { method: 'POST', version: LINKEDIN_API_VERSION.version, body: { initializeUploadRequest: { owner: `urn:li:organization:${ACCOUNT_IDS.linkedin}` } } })
    ).json()) as { value: { uploadUrl: string; image: string } };
    const post = await li('/rest/posts', tokens.accessToken, {
      method: 'POST',
      version: LINKEDIN_API_VERSION.version,
      body: { author: `urn:li:organization:${ACCOUNT_IDS.linkedin}`, commentary: 'no bytes', visibility: 'PUBLIC', distribution: { feedDistribution: 'MAIN_FEED' }, lifecycleState: 'PUBLISHED', content: { media: { id: init.value.image } } },
    });
    expect(post.status).toBe(400);
    const put = () => fetch(init.value.uploadUrl, { method: 'PUT', headers: { authorization: `Bearer ${tokens.accessToken}` }, body: 'bytes' });
    expect((await put()).status).toBe(201);
    expect((await put()).status).toBe(400);
  });

  it('an app without refresh tokens: none issued, and refresh never calls LinkedIn', async () => {
    sandbox = createSandbox({ clock, callbackBaseUrl: CALLBACK_BASE, linkedinRefreshTokens: false });
    await addAccount('linkedin');
    const tokens = await connect('linkedin');
    expect(tokens.refreshToken).toBeUndefined();
    expect(tokens.accessTokenExpiresAt).toBe(new Date(T0 + 60 * DAY).toISOString());
    const before = sandbox.requestCount('linkedin');
    expect(value(await registry.linkedin.refresh(tokens))).toEqual(tokens);
    current = T0 + 61 * DAY;
    expect(reasonOf(await registry.linkedin.refresh(tokens))).toBe('token_expired');
    expect(sandbox.requestCount('linkedin')).toBe(before);
  });
});

// ---- X: rate limits, media upload, app-level refusals ---------------------------------------------------

describe('X sandbox is as strict as X', () => {
  const PNG = Buffer.from('iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mNkYPhfDwAChwGA60e6kgAAAABJRU5ErkJggg==', 'base64');
  const IMAGE_URL = 'https://cdn.example.com/cake.png';
  /** The real registry, with the image host answered locally (everything else goes to the sandbox). */
  const withImageHost = (): PlatformRegistry =>
    createPlatformRegistry(sandboxPlatformsConfig(server.baseUrl, { clock, timeoutMs: 4000 }), (async (input: string | URL | Request, init?: RequestInit) =>
      String(input) === IMAGE_URL ? new Response(PNG, { status: 200, headers: { 'content-type': 'image/png' } }) : fetch(input, init)) as typeof fetch);
  const api = async (path: string, token: string, body?: unknown): Promise<{ status: number; json: Record<string, unknown>; headers: Headers }> => {
    const res = await fetch(`${server.baseUrl}/sandbox/x${path}`, {
      method: body === undefined ? 'GET' : 'POST',
      headers: { authorization: `Bearer ${token}`, 'content-type': 'application/json' },
      body: body === undefined ? undefined : JSON.stringify(body),
    });
    return { status: res.status, json: (await res.json()) as Record<string, unknown>, headers: res.headers };
  };

  it('POST /2/tweets: 100 per 15 minutes per user, then 429 with x-rate-limit-* headers; the adapter waits for the reset', async () => {
    await addAccount('x');
    const tokens = await connect('x');
    for (let i = 0; i < 100; i++) value(await registry.x.publish(tokens, { externalAccountId: ACCOUNT_IDS.x, text: `post ${i}` }));
    const limited = await api('/2/tweets', tokens.accessToken, { text: 'one too many' });
    expect(limited.status).toBe(429);
    expect(limited.headers.get('x-rate-limit-limit')).toBe('100');
    expect(limited.headers.get('x-rate-limit-remaining')).toBe('0');
    const reset = Number(limited.headers.get('x-rate-limit-reset'));
    expect(reset).toBe(Math.ceil((T0 + 900_000) / 1000));

    current = T0 + 300_000;
    expect(failure(await registry.x.publish(tokens, { externalAccountId: ACCOUNT_IDS.x, text: 'still limited' }))).toMatchObject({ kind: 'transient', status: 429, retryAfterSeconds: 600 });
    current = T0 + 900_000;
    value(await registry.x.publish(tokens, { externalAccountId: ACCOUNT_IDS.x, text: 'after the reset' }));
  });

  it('POST /2/tweets: 10,000 per 24 hours for the whole app, then 429 with x-app-limit-24hour-*: integration until the reset', async () => {
    const accounts: { id: string; token: string }[] = [];
    for (let i = 0; i < 20; i++) {
      const id = await addAccount('x', true, `x-busy-${i}`);
      accounts.push({ id, token: (await connect('x', id)).accessToken });
    }
    // 20 accounts x 100 posts per 15-minute window, 5 windows (in-process: 10,000 calls over HTTP would be slow).
    let n = 0;
    for (let w = 0; w < 5; w++, current += 900_000) {
      for (const a of accounts) {
        for (let i = 0; i < 100; i++) {
          const res = await sandbox.route({ method: 'POST', path: '/sandbox/x/2/tweets', query: new URLSearchParams(), headers: { authorization: `Bearer ${a.token}`, 'content-type': 'application/json' }, body: JSON.stringify({ text: `post ${n++}` }) });
          expect(res?.status).toBe(201);
        }
      }
    }
    const last = accounts[0]!;
    const refused = await api('/2/tweets', last.token, { text: 'the app is done for today' });
    expect(refused.status).toBe(429);
    expect(refused.headers.get('x-app-limit-24hour-remaining')).toBe('0');
    expect(Number(refused.headers.get('x-app-limit-24hour-reset'))).toBe(Math.ceil((T0 + 86_400_000) / 1000));
    const f = failure(await registry.x.publish({ accessToken: last.token }, { externalAccountId: last.id, text: 'the app is done for today' }));
    expect(f).toMatchObject({ kind: 'integration', cause: 'app_rate_limited', retryAfterSeconds: Math.ceil((T0 + 86_400_000 - current) / 1000) });
  }, 120_000);

  it('a post with an image: uploaded with media.write, attached by media id, visible on the post', async () => {
    await addAccount('x');
    const tokens = await connect('x');
    expect(tokens.scopes).toContain('media.write');
    const post = value(await withImageHost().x.publish(tokens, { externalAccountId: ACCOUNT_IDS.x, text: 'Cake!', mediaUrl: IMAGE_URL }));
    const seen = await api(`/2/tweets/${post.platformPostId}?expansions=attachments.media_keys`, tokens.accessToken);
    expect(seen.json).toMatchObject({ data: { text: 'Cake!', attachments: { media_keys: [expect.stringMatching(/^3_\d+$/)] } }, includes: { media: [{ type: 'photo' }] } });
  });

  it('refuses media ids it did not issue to this account, and uploads without media.write', async () => {
    await addAccount('x');
    const tokens = await connect('x');
    const unknown = await api('/2/tweets', tokens.accessToken, { text: 'fake media', media: { media_ids: ['1146654567674912769'] } });
    expect(unknown).toMatchObject({ status: 400, json: { errors: [{ message: 'Your media IDs are invalid.' }], type: 'https://api.twitter.com/2/problems/invalid-request' } });

    // A connection made before media.write was asked for (same scopes otherwise).
    const pkce = createPkcePair();
    const url = new URL(registry.x.buildAuthorizeUrl({ state: 's', redirectUri: redirectUri('x'), codeChallenge: pkce.challenge }));
    url.searchParams.set('scope', 'tweet.read tweet.write users.read offline.access');
    const res = await fetch(`${url.href}&account=${ACCOUNT_IDS.x}&consent=allow`, { redirect: 'manual' });
    const code = new URL(res.headers.get('location') ?? '').searchParams.get('code') ?? '';
    const old = value(await registry.x.exchangeCode({ code, redirectUri: redirectUri('x'), codeVerifier: pkce.verifier }));
    const upload = await api('/2/media/upload', old.accessToken, { media: PNG.toString('base64'), media_category: 'tweet_image' });
    expect(upload).toMatchObject({ status: 403, json: { detail: 'Forbidden' } });
    const refused = failure(await withImageHost().x.publish({ ...old, scopes: undefined }, { externalAccountId: ACCOUNT_IDS.x, text: 'Cake!', mediaUrl: IMAGE_URL }));
    expect(refused).toMatchObject({ kind: 'rejected', status: 403 });
    expect((await control('x', '/posts', undefined, 'GET')).json.posts).toEqual([]);
  });

  it('an aged access token answers a bare 401 that asks for a refresh; the refresh works', async () => {
    await addAccount('x');
    const tokens = await connect('x');
    current = T0 + 7201_000;
    expect(failure(await registry.x.publish(tokens, { externalAccountId: ACCOUNT_IDS.x, text: 'late' }))).toMatchObject({ kind: 'expired', reason: 'token_expired', refreshAndRetry: true });
    const next = value(await registry.x.refresh(tokens));
    value(await registry.x.publish(next, { externalAccountId: ACCOUNT_IDS.x, text: 'late' }));
  });

  it.each([
    ['permission_revoked', 'permission_revoked'],
    ['version_retired', 'version_retired'],
  ] as const)('app state %s: every call answers X\'s own body, read as integration (%s); nothing expires', async (state, cause) => {
    await addAccount('x');
    const tokens = await connect('x');
    expect((await control('x', '/app', { state })).status).toBe(200);
    expect(failure(await registry.x.checkAccess(tokens, ACCOUNT_IDS.x))).toMatchObject({ kind: 'integration', cause });
    expect(failure(await registry.x.publish(tokens, { externalAccountId: ACCOUNT_IDS.x, text: 'app refused' }))).toMatchObject({ kind: 'integration', cause });
    expect(failure(await registry.x.refresh(tokens))).toMatchObject({ kind: 'integration', cause });
    await control('x', '/app', { state: 'ok' });
    value(await registry.x.publish(tokens, { externalAccountId: ACCOUNT_IDS.x, text: 'app back' }));
  });
});

// ---- Meta (Facebook, Instagram): app refusals, Page tasks, throttles, containers ----------------

describe('Meta against the sandbox', () => {
  const META = ['facebook', 'instagram'] as const;

  it.each(META)('%s: our app refused a permission (App Review): integration/permission_revoked on every call, nothing expires', async (platform) => {
    await addAccount(platform);
    const tokens = await connect(platform);
    expect((await control(platform, '/app', { state: 'permission_revoked' })).status).toBe(200);
    expect(failure(await registry[platform].checkAccess(tokens, ACCOUNT_IDS[platform]))).toMatchObject({ kind: 'integration', cause: 'permission_revoked' });
    expect(failure(await registry[platform].publish(tokens, publishReq(platform, 'refused')))).toMatchObject({ kind: 'integration', cause: 'permission_revoked' });
    await control(platform, '/app', { state: 'ok' });
    value(await registry[platform].publish(tokens, publishReq(platform, 'back')));
  });

  it.each(META)('%s: a retired API version is integration/version_retired, sign-in included', async (platform) => {
    await addAccount(platform);
    const tokens = await connect(platform);
    await control(platform, '/app', { state: 'version_retired' });
    expect(failure(await registry[platform].checkAccess(tokens, ACCOUNT_IDS[platform]))).toMatchObject({ kind: 'integration', cause: 'version_retired' });
    expect(failure(await registry[platform].publish(tokens, publishReq(platform, 'old')))).toMatchObject({ kind: 'integration', cause: 'version_retired' });
    if (platform === 'facebook') {
      const { url } = await authorizeRedirect(platform, ACCOUNT_IDS[platform], 'allow');
      expect(failure(await registry.facebook.exchangeCode({ code: url.searchParams.get('code') ?? '', redirectUri: redirectUri(platform) }))).toMatchObject({ kind: 'integration', cause: 'version_retired' });
    }
  });

  it('Facebook: an editor (CREATE_CONTENT, no MANAGE) may publish; without CREATE_CONTENT, MANAGE or MODERATE the Page refuses it', async () => {
    const res = await control('facebook', '/accounts', { externalAccountId: ACCOUNT_IDS.facebook, name: 'Acme facebook', isAdmin: false, tasks: ['ANALYZE', 'CREATE_CONTENT'] });
    expect(res.json).toMatchObject({ tasks: ['ANALYZE', 'CREATE_CONTENT'] });
    const tokens = await connect('facebook');
    expect(value(await registry.facebook.identify(tokens, ACCOUNT_IDS.facebook))).toMatchObject({ isAdmin: true });
    value(await registry.facebook.publish(tokens, publishReq('facebook', 'from an editor')));

    await control('facebook', `/accounts/${ACCOUNT_IDS.facebook}/admin`, { isAdmin: false, tasks: ['ANALYZE', 'ADVERTISE'] });
    expect(reasonOf(await registry.facebook.publish(tokens, publishReq('facebook', 'from an analyst')))).toBe('admin_role_lost');
    await control('facebook', `/accounts/${ACCOUNT_IDS.facebook}/admin`, { isAdmin: false, tasks: ['MODERATE'] });
    value(await registry.facebook.publish(tokens, publishReq('facebook', 'from a moderator')));
    expect((await control('facebook', `/accounts/${ACCOUNT_IDS.facebook}/admin`, { isAdmin: true, tasks: ['OWNER'] })).status).toBe(400);
  });

  it.each(META)('%s: throttled answers carry the usage headers; backed off with the minutes to regain access', async (platform) => {
    await addAccount(platform);
    const tokens = await connect(platform);
    expect((await control(platform, '/throttle', { scope: 'account', minutes: 5 })).status).toBe(200);
    expect(failure(await registry[platform].checkAccess(tokens, ACCOUNT_IDS[platform]))).toMatchObject({ kind: 'transient', retryAfterSeconds: 300 });
    await control(platform, '/throttle', { scope: 'app', minutes: 5 });
    expect(failure(await registry[platform].publish(tokens, publishReq(platform, 'throttled'))).kind).toBe('transient');
    current += 6 * 60_000;
    value(await registry[platform].checkAccess(tokens, ACCOUNT_IDS[platform]));
    expect((await control(platform, '/throttle', { scope: 'everyone', minutes: 5 })).status).toBe(400);
  });

  it('Instagram: a container is IN_PROGRESS before FINISHED, and media_publish of an unfinished one is refused (9007/2207027)', async () => {
    await addAccount('instagram');
    const tokens = await connect('instagram');
    const api = `${server.baseUrl}/sandbox/instagram/v23.0`;
    const form = (o: Record<string, string>): RequestInit => ({ method: 'POST', headers: { 'content-type': 'application/x-www-form-urlencoded' }, body: new URLSearchParams(o).toString() });
    const created = (await (await fetch(`${api}/${ACCOUNT_IDS.instagram}/media`, form({ image_url: 'https://cdn.example.com/a.jpg', caption: 'c', access_token: tokens.accessToken }))).json()) as { id: string };
    const early = await fetch(`${api}/${ACCOUNT_IDS.instagram}/media_publish`, form({ creation_id: created.id, access_token: tokens.accessToken }));
    expect(early.status).toBe(400);
    expect(await early.json()).toMatchObject({ error: { code: 9007, error_subcode: 2207027 } });
    const status = async (): Promise<unknown> => (await fetch(`${api}/${created.id}?fields=status_code,status&access_token=${tokens.accessToken}`)).json();
    expect(await status()).toMatchObject({ status_code: 'IN_PROGRESS' });
    expect(await status()).toMatchObject({ status_code: 'FINISHED' });
    expect((await fetch(`${api}/${ACCOUNT_IDS.instagram}/media_publish`, form({ creation_id: created.id, access_token: tokens.accessToken }))).status).toBe(200);
  });
});
