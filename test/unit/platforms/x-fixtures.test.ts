import { describe, expect, it } from 'vitest';
import type { PlatformAdapter, PlatformResult, TokenSet } from '../../../shared/ports/platform.js';
import { fakeFetch, realRegistry, type Seen } from '../../helpers/fake-fetch.js';
import { X_FIXTURES, type XFixture } from './fixtures/x.js';

// X's documented answers (fixtures/x.ts) through the real adapter, with a fetch that answers them.
const NOW = Date.parse('2026-03-01T12:00:00.000Z');
const clock = { now: () => new Date(NOW) };
const creds = { clientId: 'x-client-id', clientSecret: 'x-client-secret' };
const PNG = Buffer.from('iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mNkYPhfDwAChwGA60e6kgAAAABJRU5ErkJggg==', 'base64');
const IMAGE_URL = 'https://cdn.example.com/posts/cake.png?sig=SECRET-SIGNATURE';

function xWith(answer: (req: Seen) => XFixture | Response): { x: PlatformAdapter; seen: Seen[] } {
  const { fetchImpl, seen } = fakeFetch((req) => {
    const a = answer(req);
    if (a instanceof Response) return a;
    return new Response(JSON.stringify(a.body), { status: a.status, headers: { 'content-type': 'application/json', ...a.headers } });
  });
  return { x: realRegistry(fetchImpl, creds, { clock, timeoutMs: 2000 }).x, seen };
}

const onlyThis = (f: XFixture) => xWith(() => f).x;
const failureOf = <T>(r: PlatformResult<T>) => {
  if (r.ok) throw new Error('expected a failure');
  return r.failure;
};
const tokens: TokenSet = { accessToken: 'access-1', refreshToken: 'refresh-1', accessTokenExpiresAt: new Date(NOW + 3600_000).toISOString(), scopes: ['tweet.read', 'tweet.write', 'users.read', 'media.write', 'offline.access'] };
const classify = (f: XFixture) => onlyThis(f).classifyError({ status: f.status, body: f.body, headers: f.headers });

describe('X rate limits (429): retry at the reset header, read against our clock', () => {
  it('the per-user 15-minute window: transient, retry when x-rate-limit-reset comes (600 s)', () => {
    expect(classify(X_FIXTURES.userRateLimited)).toMatchObject({ kind: 'transient', status: 429, retryAfterSeconds: 600 });
  });

  it('the account\'s 24-hour limit: transient until x-user-limit-24hour-reset', () => {
    expect(classify(X_FIXTURES.userDayLimited)).toMatchObject({ kind: 'transient', retryAfterSeconds: 14_400 });
  });

  it('the app\'s 24-hour limit holds for every account: integration / app_rate_limited, until its reset', () => {
    expect(classify(X_FIXTURES.appDayLimited)).toMatchObject({ kind: 'integration', cause: 'app_rate_limited', retryAfterSeconds: 43_200 });
  });

  it('the monthly usage cap (UsageCapExceeded) is ours, not the account\'s: integration / app_rate_limited', () => {
    const f = classify(X_FIXTURES.usageCapped);
    expect(f).toMatchObject({ kind: 'integration', cause: 'app_rate_limited', status: 429 });
    expect(f.message).toContain('Monthly');
  });

  it('a Retry-After, when present, is honoured if it is later than the reset', () => {
    const f = X_FIXTURES.userRateLimited;
    expect(onlyThis(f).classifyError({ status: 429, body: f.body, headers: { ...f.headers, 'retry-after': '900' } })).toMatchObject({ retryAfterSeconds: 900 });
  });

  it('a publish that hits the limit says when to try again', async () => {
    expect(failureOf(await onlyThis(X_FIXTURES.userRateLimited).publish(tokens, { externalAccountId: '2244994945', text: 'Hi' }))).toMatchObject({ kind: 'transient', retryAfterSeconds: 600 });
  });
});

describe('X 401: refresh once before calling it expired', () => {
  it('a bare 401 asks the caller to refresh and retry (the 2-hour token may just have aged)', async () => {
    expect(failureOf(await onlyThis(X_FIXTURES.unauthorized).publish(tokens, { externalAccountId: '2244994945', text: 'Hi' }))).toMatchObject({ kind: 'expired', reason: 'revoked', refreshAndRetry: true });
  });

  it('past the stored access expiry it reads token_expired, still asking for a refresh', async () => {
    const aged = { ...tokens, accessTokenExpiresAt: new Date(NOW - 1000).toISOString() };
    expect(failureOf(await onlyThis(X_FIXTURES.unauthorized).publish(aged, { externalAccountId: '2244994945', text: 'Hi' }))).toMatchObject({ kind: 'expired', reason: 'token_expired', refreshAndRetry: true });
  });

  it('a refused refresh is final: expired / revoked, no second refresh asked for', async () => {
    const f = failureOf(await onlyThis(X_FIXTURES.refreshRefused).refresh(tokens));
    expect(f).toMatchObject({ kind: 'expired', reason: 'revoked' });
    expect(f).not.toHaveProperty('refreshAndRetry');
  });

  it('a bare 401 from the token endpoint itself asks for no further refresh', async () => {
    expect(failureOf(await onlyThis(X_FIXTURES.unauthorized).refresh(tokens))).not.toHaveProperty('refreshAndRetry');
  });
});

describe('X publish with an image', () => {
  const answers = (req: Seen): XFixture | Response => {
    if (req.url.href === IMAGE_URL) return new Response(PNG, { status: 200, headers: { 'content-type': 'application/octet-stream' } });
    if (req.url.pathname === '/2/media/upload') return X_FIXTURES.mediaUploaded;
    return X_FIXTURES.tweetCreated;
  };

  it('downloads the image, uploads it (POST /2/media/upload) and attaches its media id to the post', async () => {
    const { x, seen } = xWith(answers);
    const res = await x.publish(tokens, { externalAccountId: '2244994945', text: 'Cake!', mediaUrl: IMAGE_URL });
    expect(res).toEqual({ ok: true, value: { platformPostId: '1445880548472328192' } });
    const [download, upload, post] = seen;
    expect(download?.url.href).toBe(IMAGE_URL);
    expect(upload?.url.href).toBe('https://api.x.com/2/media/upload');
    expect(upload?.headers.authorization).toBe('Bearer access-1');
    expect(upload?.headers['content-type']).toContain('application/json');
    expect(JSON.parse(upload?.body ?? '{}')).toEqual({ media: PNG.toString('base64'), media_category: 'tweet_image', media_type: 'image/png' });
    expect(post?.url.href).toBe('https://api.x.com/2/tweets');
    expect(JSON.parse(post?.body ?? '{}')).toEqual({ text: 'Cake!', media: { media_ids: ['1146654567674912769'] } });
  });

  it('a connection without media.write is told to reconnect, and nothing is posted', async () => {
    const { x, seen } = xWith(answers);
    const f = failureOf(await x.publish({ ...tokens, scopes: ['tweet.read', 'tweet.write', 'users.read', 'offline.access'] }, { externalAccountId: '1', text: 'Cake!', mediaUrl: IMAGE_URL }));
    expect(f).toMatchObject({ kind: 'rejected' });
    expect(f.message).toMatch(/Reconnect/);
    expect(seen).toHaveLength(0);
  });

  it('X refusing the upload for a missing scope (bare 403) rejects the post with the same advice', async () => {
    const { x } = xWith((req) => (req.url.pathname === '/2/media/upload' ? X_FIXTURES.scopeMissing : answers(req)));
    const f = failureOf(await x.publish({ accessToken: 'a' }, { externalAccountId: '1', text: 'Cake!', mediaUrl: IMAGE_URL }));
    expect(f).toMatchObject({ kind: 'rejected', status: 403 });
    expect(f.message).toMatch(/media\.write/);
  });

  it.each([
    ['not an image', 'rejected', new Response('<html>hi</html>', { status: 200, headers: { 'content-type': 'image/png' } })],
    ['gone (404)', 'rejected', new Response('', { status: 404 })],
    ['its host down (503)', 'transient', new Response('', { status: 503 })],
  ])('an image address that answers %s: %s, and the address (it may be signed) is never in the message', async (_name, kind, response) => {
    const { x, seen } = xWith((req) => (req.url.href === IMAGE_URL ? response : answers(req)));
    const f = failureOf(await x.publish(tokens, { externalAccountId: '1', text: 'Cake!', mediaUrl: IMAGE_URL }));
    expect(f.kind).toBe(kind);
    expect(f.message).not.toContain('SECRET-SIGNATURE');
    expect(seen.map((s) => s.url.pathname)).not.toContain('/2/tweets');
  });

  it('unknown media ids are refused for what they are (rejected)', async () => {
    const { x } = xWith((req) => (req.url.pathname === '/2/tweets' ? X_FIXTURES.mediaIdsInvalid : answers(req)));
    expect(failureOf(await x.publish(tokens, { externalAccountId: '1', text: 'Cake!', mediaUrl: IMAGE_URL })).kind).toBe('rejected');
  });
});

describe('X refusing our app (integration) or the account', () => {
  it.each([
    ['client-forbidden / client-not-enrolled', X_FIXTURES.clientNotEnrolled, { kind: 'integration', cause: 'permission_revoked' }],
    ['code 453 (not in the app\'s access: retired v1.1)', X_FIXTURES.notInAccess, { kind: 'integration', cause: 'version_retired' }],
    ['unsupported-authentication', X_FIXTURES.unsupportedAuthentication, { kind: 'integration', cause: 'app_invalid' }],
    ['code 416 invalid or suspended application', X_FIXTURES.appSuspended, { kind: 'integration', cause: 'app_invalid' }],
    ['unauthorized_client on the token endpoint (our client credentials)', X_FIXTURES.clientAuthRefused, { kind: 'integration', cause: 'app_invalid' }],
    ['code 64 account suspended', X_FIXTURES.accountSuspended, { kind: 'expired', reason: 'security_review' }],
    ['code 326 account locked', X_FIXTURES.accountLocked, { kind: 'expired', reason: 'security_review' }],
  ])('%s', (_name, fixture, expected) => {
    expect(classify(fixture)).toMatchObject(expected);
  });

  it('a refresh refused for our client credentials expires nothing', async () => {
    expect(failureOf(await onlyThis(X_FIXTURES.clientAuthRefused).refresh(tokens))).toMatchObject({ kind: 'integration', cause: 'app_invalid' });
  });
});

describe('X calls as documented', () => {
  it('authorize URL: x.com, every scope we use incl. media.write and offline.access, PKCE S256', () => {
    const url = new URL(onlyThis(X_FIXTURES.me).buildAuthorizeUrl({ state: 's', redirectUri: 'https://app.flamel.ai/oauth/x/callback', codeChallenge: 'c'.repeat(43) }));
    expect(`${url.origin}${url.pathname}`).toBe('https://x.com/i/oauth2/authorize');
    expect(url.searchParams.get('scope')?.split(' ').sort()).toEqual(['media.write', 'offline.access', 'tweet.read', 'tweet.write', 'users.read']);
    expect(url.searchParams.get('response_type')).toBe('code');
    expect(url.searchParams.get('code_challenge_method')).toBe('S256');
  });

  it('code exchange: Basic client auth, form with code, redirect_uri and the PKCE verifier; reads the documented answer', async () => {
    const { x, seen } = xWith(() => X_FIXTURES.tokenIssued);
    const res = await x.exchangeCode({ code: 'code-1', redirectUri: 'https://app.flamel.ai/oauth/x/callback', codeVerifier: 'v'.repeat(43) });
    expect(res).toMatchObject({ ok: true, value: { accessToken: X_FIXTURES.tokenIssued.body.access_token, refreshToken: X_FIXTURES.tokenIssued.body.refresh_token, accessTokenExpiresAt: new Date(NOW + 7200_000).toISOString() } });
    expect(res.ok ? res.value.scopes : []).toContain('media.write');
    expect(seen[0]?.url.href).toBe('https://api.x.com/2/oauth2/token');
    expect(seen[0]?.headers.authorization).toBe(`Basic ${Buffer.from('x-client-id:x-client-secret').toString('base64')}`);
    expect(Object.fromEntries(new URLSearchParams(seen[0]?.body))).toEqual({ grant_type: 'authorization_code', code: 'code-1', redirect_uri: 'https://app.flamel.ai/oauth/x/callback', code_verifier: 'v'.repeat(43) });
  });

  it('identity from /2/users/me', async () => {
    expect(await onlyThis(X_FIXTURES.me).identify(tokens)).toEqual({ ok: true, value: { externalAccountId: '2244994945', displayName: 'X Dev', isAdmin: true } });
  });

  it('a text post: POST /2/tweets {text}, the id from the 201', async () => {
    const { x, seen } = xWith(() => X_FIXTURES.tweetCreated);
    expect(await x.publish(tokens, { externalAccountId: '2244994945', text: 'Hello world!' })).toEqual({ ok: true, value: { platformPostId: '1445880548472328192' } });
    expect(JSON.parse(seen[0]?.body ?? '{}')).toEqual({ text: 'Hello world!' });
  });

  it.each([
    ['duplicate content', 'rejected', X_FIXTURES.duplicate],
    ['503', 'transient', X_FIXTURES.serviceUnavailable],
  ])('%s -> %s', (_name, kind, fixture) => {
    expect(classify(fixture).kind).toBe(kind);
  });

  it.each([
    ['an undocumented status', { status: 418, body: { title: 'I am a teapot', type: 'about:blank', status: 418, detail: 'Teapot' } }],
    ['an undocumented problem type', { status: 403, body: { title: 'Something New', type: 'https://api.x.com/2/problems/something-new', status: 403, detail: 'New.' } }],
    ['an undocumented OAuth error', { status: 400, body: { error: 'invalid_scope', error_description: 'Nope.' } }],
  ])('%s is unrecognised: transient and flagged, never an expiry', (_name, fixture) => {
    expect(classify(fixture)).toMatchObject({ kind: 'transient', unrecognised: true });
  });
});
