import { describe, expect, it } from 'vitest';
import { createPlatformRegistry, platformsConfig, realPlatformEndpoints } from '../../../shared/adapters/platforms/index.js';
import { parseExactJson } from '../../../shared/adapters/platforms/tiktok.js';
import type { PlatformAdapter, PlatformFailure, PlatformResponse, PublishRequest } from '../../../shared/ports/platform.js';
import { API_ERRORS, CREATOR_INFO_ANSWER, INIT_ANSWER, OAUTH_ERRORS, PKCE, POSTING_ERRORS, STATUS_COMPLETE_POST_ID, STATUS_COMPLETE_TEXT, TOKEN_ANSWER, USER_INFO_ANSWER } from './fixtures/tiktok.js';

const NOW = Date.parse('2026-03-01T12:00:00.000Z');
const creds = { clientId: 'app-key', clientSecret: 'app-secret' };

interface Seen {
  path: string;
  query: URLSearchParams;
  body: string;
}

/** The real adapter over a fetch that answers per path (raw text or JSON), remembering every request. */
function tiktokWith(answers: Record<string, { status?: number; json?: unknown; text?: string }>): { adapter: PlatformAdapter; seen: Seen[] } {
  const seen: Seen[] = [];
  const fetchImpl = (async (input: string | URL | Request, init?: RequestInit) => {
    const url = new URL(String(input));
    seen.push({ path: url.pathname, query: url.searchParams, body: typeof init?.body === 'string' ? init.body : '' });
    const a = answers[url.pathname];
    if (!a) return new Response('{"data":{},"error":{"code":"invalid_params","message":"unexpected call","log_id":"x"}}', { status: 400 });
    return new Response(a.text ?? JSON.stringify(a.json), { status: a.status ?? 200, headers: { 'content-type': 'application/json' } });
  }) as typeof fetch;
  const registry = createPlatformRegistry(
    platformsConfig({ facebook: creds, instagram: creds, linkedin: creds, tiktok: creds, x: creds }, realPlatformEndpoints(), { clock: { now: () => new Date(NOW) }, tiktokPoll: { attempts: 3, intervalMs: 0 } }),
    fetchImpl,
  );
  return { adapter: registry.tiktok, seen };
}

const asAnswer = (r: PlatformResponse) => ({ status: r.status, json: r.body });
const CREATOR = '/v2/post/publish/creator_info/query/';
const INIT = '/v2/post/publish/content/init/';
const STATUS = '/v2/post/publish/status/fetch/';
const req = (privacyLevel?: 'PUBLIC_TO_EVERYONE' | 'FOLLOWER_OF_CREATOR'): PublishRequest => ({
  externalAccountId: 'o',
  text: 'Hello',
  mediaUrl: 'https://cdn.example.com/a.jpg',
  ...(privacyLevel ? { tiktok: { privacyLevel } } : {}),
});

async function failureOf(p: Promise<{ ok: true } | { ok: false; failure: PlatformFailure }>): Promise<PlatformFailure> {
  const r = await p;
  if (r.ok) throw new Error('expected a failure');
  return r.failure;
}

describe('TikTok documented error bodies', () => {
  const { adapter } = tiktokWith({});
  it.each([
    ['access_token_invalid: refresh and retry first', API_ERRORS.access_token_invalid, { kind: 'expired', reason: 'revoked', refreshAndRetry: true }],
    ['scope_not_authorized: a withheld permission', API_ERRORS.scope_not_authorized, { kind: 'expired', reason: 'revoked' }],
    ['scope_permission_missed', API_ERRORS.scope_permission_missed, { kind: 'expired', reason: 'revoked' }],
    ['rate_limit_exceeded', API_ERRORS.rate_limit_exceeded, { kind: 'transient' }],
    ['internal_error', API_ERRORS.internal_error, { kind: 'transient' }],
    ['invalid_params', API_ERRORS.invalid_params, { kind: 'rejected' }],
    ['invalid_file_upload', API_ERRORS.invalid_file_upload, { kind: 'rejected' }],
    ['spam_risk_too_many_posts', POSTING_ERRORS.spam_risk_too_many_posts, { kind: 'rejected', code: 'TIKTOK_CREATOR_CANNOT_POST' }],
    ['spam_risk_user_banned_from_posting', POSTING_ERRORS.spam_risk_user_banned_from_posting, { kind: 'rejected', code: 'TIKTOK_CREATOR_CANNOT_POST' }],
    ['privacy_level_option_mismatch', POSTING_ERRORS.privacy_level_option_mismatch, { kind: 'rejected', code: 'TIKTOK_PRIVACY_NOT_OFFERED' }],
    ['url_ownership_unverified', POSTING_ERRORS.url_ownership_unverified, { kind: 'rejected' }],
    ['reached_active_user_cap: our app hit its daily publishing users', POSTING_ERRORS.reached_active_user_cap, { kind: 'integration', cause: 'app_rate_limited' }],
    ['unaudited client: our app lacks the posting audit', POSTING_ERRORS.unaudited_client_can_only_post_to_private_accounts, { kind: 'integration', cause: 'permission_revoked' }],
    ['OAuth invalid_grant', OAUTH_ERRORS.invalid_grant, { kind: 'expired', reason: 'revoked' }],
    ['OAuth invalid_client: our client key is refused', OAUTH_ERRORS.invalid_client, { kind: 'integration', cause: 'app_invalid' }],
    ['OAuth unauthorized_client', OAUTH_ERRORS.unauthorized_client, { kind: 'integration', cause: 'app_invalid' }],
    ['OAuth invalid_scope: a scope the app is not approved for', OAUTH_ERRORS.invalid_scope, { kind: 'integration', cause: 'permission_revoked' }],
    ['OAuth invalid_request (PKCE mismatch)', OAUTH_ERRORS.pkce_invalid, { kind: 'rejected' }],
    ['a retired endpoint (404 without a TikTok code)', { status: 404, body: { text: 'Not Found' } }, { kind: 'integration', cause: 'version_retired' }],
    ['an undocumented code', { status: 400, body: { data: {}, error: { code: 'brand_new_code', message: 'New.', log_id: 'l' } } }, { kind: 'transient', unrecognised: true }],
  ] as const)('%s', (_name, response, expected) => {
    const failure = adapter.classifyError(response);
    expect(failure).toMatchObject(expected);
    if (expected.kind !== 'expired' || !('refreshAndRetry' in expected)) expect('refreshAndRetry' in failure).toBe(false);
  });
});

describe('TikTok sign-in', () => {
  it('sends the HEX of the verifier\'s SHA-256 as code_challenge (TikTok\'s encoding), S256, client_key and comma-separated scopes', () => {
    const { adapter } = tiktokWith({});
    const url = new URL(adapter.buildAuthorizeUrl({ state: 's', redirectUri: 'https://app.example/cb', codeChallenge: PKCE.rfc7636Challenge }));
    expect(url.searchParams.get('code_challenge')).toBe(PKCE.tiktokChallenge);
    expect(url.searchParams.get('code_challenge_method')).toBe('S256');
    expect(url.searchParams.get('client_key')).toBe('app-key');
    expect(url.searchParams.get('scope')).toBe('user.info.basic,video.publish');
    expect(url.searchParams.get('response_type')).toBe('code');
  });

  it('exchanges the code with client_key, client_secret, redirect_uri and code_verifier and reads the documented answer', async () => {
    const { adapter, seen } = tiktokWith({ '/v2/oauth/token/': { json: TOKEN_ANSWER } });
    const r = await adapter.exchangeCode({ code: 'c', redirectUri: 'https://app.example/cb', codeVerifier: PKCE.verifier });
    expect(r).toMatchObject({ ok: true, value: { accessToken: TOKEN_ANSWER.access_token, refreshToken: TOKEN_ANSWER.refresh_token, accessTokenExpiresAt: new Date(NOW + 7200_000).toISOString(), refreshTokenExpiresAt: new Date(NOW + 15552000_000).toISOString() } });
    const form = new URLSearchParams(seen[0]?.body);
    expect(Object.fromEntries(form)).toEqual({ client_key: 'app-key', client_secret: 'app-secret', code: 'c', grant_type: 'authorization_code', redirect_uri: 'https://app.example/cb', code_verifier: PKCE.verifier });
  });

  it('a refused PKCE pair is a refused sign-in, not an expiry', async () => {
    const { adapter } = tiktokWith({ '/v2/oauth/token/': asAnswer(OAUTH_ERRORS.pkce_invalid) });
    expect(await failureOf(adapter.exchangeCode({ code: 'c', redirectUri: 'https://app.example/cb', codeVerifier: 'v' }))).toMatchObject({ kind: 'rejected' });
  });

  it('our client key refused at the exchange is our app\'s problem (integration), not a refused sign-in', async () => {
    const { adapter } = tiktokWith({ '/v2/oauth/token/': asAnswer(OAUTH_ERRORS.invalid_client) });
    expect(await failureOf(adapter.exchangeCode({ code: 'c', redirectUri: 'https://app.example/cb', codeVerifier: 'v' }))).toMatchObject({ kind: 'integration', cause: 'app_invalid' });
  });

  it('reads the user from user/info with user.info.basic fields only', async () => {
    const { adapter, seen } = tiktokWith({ '/v2/user/info/': { json: USER_INFO_ANSWER } });
    expect(await adapter.identify({ accessToken: 't' })).toMatchObject({ ok: true, value: { externalAccountId: USER_INFO_ANSWER.data.user.open_id, displayName: 'Jane', isAdmin: true } });
    expect(seen[0]?.query.get('fields')).toBe('open_id,union_id,avatar_url,display_name');
  });

  it('a withheld scope names the permission to tick on reconnect', async () => {
    const { adapter } = tiktokWith({ '/v2/user/info/': asAnswer(API_ERRORS.scope_not_authorized), [CREATOR]: asAnswer(API_ERRORS.scope_not_authorized) });
    expect((await failureOf(adapter.checkAccess({ accessToken: 't' }, 'o'))).message).toContain('"user.info.basic"');
    const publish = await failureOf(adapter.publish({ accessToken: 't' }, req('PUBLIC_TO_EVERYONE')));
    expect(publish).toMatchObject({ kind: 'expired', reason: 'revoked' });
    expect(publish.message).toContain('"video.publish" permission. Reconnect TikTok');
  });
});

describe('TikTok publish: creator_info first, the owner\'s audience, exact ids', () => {
  it('publishes with the chosen level when offered, comments as the creator allows, and keeps a 64-bit post id exact', async () => {
    const creator = { ...CREATOR_INFO_ANSWER, data: { ...CREATOR_INFO_ANSWER.data, comment_disabled: true } };
    const { adapter, seen } = tiktokWith({ [CREATOR]: { json: creator }, [INIT]: { json: INIT_ANSWER }, [STATUS]: { text: STATUS_COMPLETE_TEXT } });
    expect(await adapter.publish({ accessToken: 't' }, req('PUBLIC_TO_EVERYONE'))).toEqual({ ok: true, value: { platformPostId: STATUS_COMPLETE_POST_ID } });
    expect(seen.map((s) => s.path)).toEqual([CREATOR, INIT, STATUS]);
    expect(JSON.parse(seen[1]?.body ?? '{}')).toMatchObject({ post_info: { privacy_level: 'PUBLIC_TO_EVERYONE', disable_comment: true, title: 'Hello', description: 'Hello' } });
  });

  it('a level the creator is no longer offered fails the post with TIKTOK_PRIVACY_NOT_OFFERED naming what is offered; nothing is posted', async () => {
    const { adapter, seen } = tiktokWith({ [CREATOR]: { json: CREATOR_INFO_ANSWER } });
    const failure = await failureOf(adapter.publish({ accessToken: 't' }, req('FOLLOWER_OF_CREATOR')));
    expect(failure).toMatchObject({ kind: 'rejected', code: 'TIKTOK_PRIVACY_NOT_OFFERED' });
    expect(failure.message).toContain('PUBLIC_TO_EVERYONE, MUTUAL_FOLLOW_FRIENDS, SELF_ONLY');
    expect(seen.map((s) => s.path)).toEqual([CREATOR]);
  });

  it('no privacy level chosen: refused before any call (never a silent SELF_ONLY)', async () => {
    const { adapter, seen } = tiktokWith({});
    expect(await failureOf(adapter.publish({ accessToken: 't' }, req()))).toMatchObject({ kind: 'rejected', code: 'TIKTOK_PRIVACY_REQUIRED' });
    expect(seen).toHaveLength(0);
  });

  it.each([POSTING_ERRORS.spam_risk_too_many_posts, POSTING_ERRORS.spam_risk_user_banned_from_posting])('a creator who cannot post now ($body.error.code) stops at creator_info', async (answer) => {
    const { adapter, seen } = tiktokWith({ [CREATOR]: asAnswer(answer) });
    expect(await failureOf(adapter.publish({ accessToken: 't' }, req('PUBLIC_TO_EVERYONE')))).toMatchObject({ kind: 'rejected', code: 'TIKTOK_CREATOR_CANNOT_POST' });
    expect(seen.map((s) => s.path)).toEqual([CREATOR]);
  });

  it('access_token_invalid on creator_info asks the caller to refresh and retry (nothing was posted yet)', async () => {
    const { adapter } = tiktokWith({ [CREATOR]: asAnswer(API_ERRORS.access_token_invalid) });
    expect(await failureOf(adapter.publish({ accessToken: 't' }, req('PUBLIC_TO_EVERYONE')))).toMatchObject({ kind: 'expired', refreshAndRetry: true });
  });

  it('once TikTok accepted the post, a failing status fetch reports the publish id (a retry would post twice)', async () => {
    const { adapter } = tiktokWith({ [CREATOR]: { json: CREATOR_INFO_ANSWER }, [INIT]: { json: INIT_ANSWER }, [STATUS]: asAnswer(API_ERRORS.access_token_invalid) });
    expect(await adapter.publish({ accessToken: 't' }, req('PUBLIC_TO_EVERYONE'))).toEqual({ ok: true, value: { platformPostId: INIT_ANSWER.data.publish_id } });
  });

  it('parseExactJson keeps integers above 2^53 exact and leaves everything else as JSON.parse reads it', () => {
    expect(parseExactJson('{"a":[7248315452349598981,12,-3.5e2],"s":"9007199254740993 \\" 1","n":null}')).toEqual({ a: ['7248315452349598981', 12, -350], s: '9007199254740993 " 1', n: null });
    expect(parseExactJson('not json')).toBeUndefined();
  });
});
