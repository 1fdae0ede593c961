import { describe, expect, it } from 'vitest';
import { createPlatformRegistry, GRAPH_VERSION, platformsConfig, realPlatformEndpoints } from '../../../shared/adapters/platforms/index.js';
import type { PlatformFailure, PlatformRegistry, PlatformResponse, PlatformResult, TokenSet } from '../../../shared/ports/platform.js';
import * as F from './fixtures/graph.js';

const NOW = Date.parse('2026-03-01T12:00:00.000Z');
const creds = { clientId: 'app-id', clientSecret: 'app-secret' };
const PAGE = '104857600123';
const IG_USER = '17841405822304914';

interface Seen {
  url: URL;
  method: string;
  body: URLSearchParams;
}

/** A fetch answering from `answer`, remembering each request (the adapter as it runs for real, minus the network). */
function fakeFetch(answer: (req: Seen) => PlatformResponse): { fetchImpl: typeof fetch; seen: Seen[] } {
  const seen: Seen[] = [];
  const fetchImpl = (async (input: string | URL | Request, init?: RequestInit) => {
    const req: Seen = { url: new URL(String(input)), method: init?.method ?? 'GET', body: new URLSearchParams(typeof init?.body === 'string' ? init.body : '') };
    seen.push(req);
    const res = answer(req);
    return new Response(JSON.stringify(res.body), { status: res.status, headers: { 'content-type': 'application/json', ...res.headers } });
  }) as typeof fetch;
  return { fetchImpl, seen };
}

function registry(fetchImpl: typeof fetch = (() => Promise.reject(new Error('no network'))) as typeof fetch): PlatformRegistry {
  return createPlatformRegistry(
    platformsConfig({ facebook: creds, instagram: creds, linkedin: creds, tiktok: creds, x: creds }, realPlatformEndpoints(), {
      clock: { now: () => new Date(NOW) },
      timeoutMs: 2000,
      instagramPoll: { attempts: 3, intervalMs: 0 },
    }),
    fetchImpl,
  );
}

function failureOf<T>(r: PlatformResult<T>): PlatformFailure {
  if (r.ok) throw new Error('expected a failure');
  return r.failure;
}

const ok = (body: unknown): PlatformResponse => ({ status: 200, body });
const ALL_FB = ['pages_show_list', 'pages_manage_posts', 'pages_read_engagement', 'public_profile'];

describe('Graph API version', () => {
  it('is one Meta still serves today, with at least 90 days left (else plan the move now)', () => {
    expect(Object.keys(F.GRAPH_VERSIONS_AVAILABLE_UNTIL)).toContain(GRAPH_VERSION);
    const until = F.GRAPH_VERSIONS_AVAILABLE_UNTIL[GRAPH_VERSION];
    // Deliberately the real date: this test starts failing before Meta stops serving the version.
    if (until !== undefined) expect(Date.parse(until) - Date.now()).toBeGreaterThan(90 * 86_400_000);
    expect(realPlatformEndpoints().facebook.graphUrl).toBe(`https://graph.facebook.com/${GRAPH_VERSION}`);
    expect(realPlatformEndpoints().instagram.graphVersion).toBe(GRAPH_VERSION);
  });
});

describe('Graph answers, as Meta documents them', () => {
  const reg = registry();
  it.each([
    ['190/460 password changed', F.PASSWORD_CHANGED, { kind: 'expired', reason: 'password_changed' }],
    ['190/463 expired', F.TOKEN_EXPIRED, { kind: 'expired', reason: 'token_expired' }],
    ['190/492 no role on the Page', F.NO_ROLE_ON_PAGE, { kind: 'expired', reason: 'admin_role_lost' }],
    ['(#200) permission not available: App Review', F.APP_PERMISSION_NOT_AVAILABLE, { kind: 'integration', cause: 'permission_revoked' }],
    ['(#3) no capability', F.APP_NO_CAPABILITY, { kind: 'integration', cause: 'permission_revoked' }],
    ['(#200) not sufficient administrative permission', F.NO_ADMIN_PERMISSION, { kind: 'expired', reason: 'admin_role_lost' }],
    ["(#200) the user hasn't authorized", F.USER_NOT_AUTHORIZED, { kind: 'expired', reason: 'admin_role_lost' }],
    ['(#12) deprecated for this version', F.DEPRECATED_FOR_VERSION, { kind: 'integration', cause: 'version_retired' }],
    ['(#4) app limit + X-App-Usage at 100', F.APP_LIMIT, { kind: 'transient' }],
    ['(#17) user limit', F.USER_LIMIT, { kind: 'transient' }],
    ['(#32) Page limit', F.PAGE_LIMIT, { kind: 'transient' }],
    ['(#613) custom limit', F.CUSTOM_LIMIT, { kind: 'transient' }],
    ['(#80001) Pages BUC, 19 minutes to regain access', F.PAGES_BUC_LIMIT, { kind: 'transient', retryAfterSeconds: 19 * 60 }],
    ['an undocumented code', F.UNDOCUMENTED, { kind: 'transient', unrecognised: true }],
    ['Instagram Login OAuth error', F.IG_OAUTH_BAD_CODE, { kind: 'rejected' }],
  ] as [string, PlatformResponse, Partial<PlatformFailure>][])('%s', (_name, res, expected) => {
    expect(reg.facebook.classifyError(res)).toMatchObject(expected);
    expect(reg.instagram.classifyError(res)).toMatchObject(expected);
  });

  it('an unknown answer is never an expiry or a refusal', () => {
    expect(reg.facebook.classifyError({ status: 400, body: { weird: true } })).toMatchObject({ kind: 'transient', unrecognised: true });
  });

  it('a failed answer with usage headers at their limit is a throttle, with the minutes to regain access as seconds', () => {
    const res = F.graph(400, { code: 1, message: 'An unknown error occurred' }, F.BUC_PAGES_19_MIN);
    expect(reg.facebook.classifyError(res)).toMatchObject({ kind: 'transient', retryAfterSeconds: 1140 });
    expect(reg.facebook.classifyError({ status: 400, body: {}, headers: F.APP_USAGE_FULL })).toMatchObject({ kind: 'transient' });
  });

  it.each(F.IG_PUBLISHING_ERRORS)('Instagram %i/%i "%s" is read by its documented meaning (%s)', (code, subcode, message, kind) => {
    const failure = reg.instagram.classifyError(F.graph(400, { code, error_subcode: subcode, message, is_transient: false }));
    if (kind === 'security_review') expect(failure).toMatchObject({ kind: 'expired', reason: 'security_review' });
    else expect(failure).toMatchObject({ kind });
    if (failure.kind === 'transient') expect(failure.unrecognised).toBeUndefined();
  });
});

describe('Facebook: a permission error the body cannot place is decided from the grants', () => {
  /** Page read fails with `pageError`; debug_token and /{user}/permissions answer as given. */
  function fb(pageError: PlatformResponse, debug: unknown, perms?: unknown): { reg: PlatformRegistry; seen: Seen[] } {
    const { fetchImpl, seen } = fakeFetch((req) => {
      if (req.url.pathname.endsWith('/debug_token')) return ok(debug);
      if (req.url.pathname.endsWith('/permissions')) return perms === undefined ? F.graph(500, { code: 2, message: 'down', is_transient: true }) : ok(perms);
      return pageError;
    });
    return { reg: registry(fetchImpl), seen };
  }
  const tokens: TokenSet = { accessToken: 'user', accountToken: 'page' };

  it('every permission granted for this Page: the app is refused (integration), nobody is told to reconnect', async () => {
    const { reg } = fb(F.APPLICATION_NO_PERMISSION, F.debugTokenValid(ALL_FB));
    // The first debug_token (checkAccess) and the probe both say valid.
    expect(failureOf(await reg.facebook.checkAccess(tokens, PAGE))).toMatchObject({ kind: 'integration', cause: 'permission_revoked' });
  });

  it('a permission the person declined (/{user-id}/permissions): admin_role_lost', async () => {
    const { reg, seen } = fb(F.APPLICATION_NO_PERMISSION, F.debugTokenValid(['pages_show_list', 'pages_read_engagement']), F.userPermissions([['pages_show_list', 'granted'], ['pages_read_engagement', 'granted'], ['pages_manage_posts', 'declined']]));
    expect(failureOf(await reg.facebook.checkAccess(tokens, PAGE))).toMatchObject({ kind: 'expired', reason: 'admin_role_lost' });
    expect(seen.some((s) => s.url.pathname === '/v23.0/10158000000/permissions' && s.url.searchParams.get('access_token') === 'app-id|app-secret')).toBe(true);
  });

  it('a permission neither granted nor declined: the app no longer has it (integration)', async () => {
    const { reg } = fb(F.REQUIRES_READ_ENGAGEMENT, F.debugTokenValid(['pages_show_list', 'pages_manage_posts']), F.userPermissions([['pages_show_list', 'granted'], ['pages_manage_posts', 'granted']]));
    expect(failureOf(await reg.facebook.checkAccess(tokens, PAGE))).toMatchObject({ kind: 'integration', cause: 'permission_revoked' });
  });

  it('permissions granted for other Pages only (granular_scopes): the person left this Page out', async () => {
    const { reg } = fb(F.APPLICATION_NO_PERMISSION, F.debugTokenValid(ALL_FB, ['999']));
    // checkAccess's own debug_token passes (the token is valid); the Page read is refused.
    expect(failureOf(await reg.facebook.checkAccess(tokens, PAGE))).toMatchObject({ kind: 'expired', reason: 'admin_role_lost' });
  });

  it('"requires both ... as an admin with sufficient administrative permission" with every grant in place: the role', async () => {
    const { reg } = fb(F.REQUIRES_BOTH_AS_ADMIN, F.debugTokenValid(ALL_FB));
    expect(failureOf(await reg.facebook.checkAccess(tokens, PAGE))).toMatchObject({ kind: 'expired', reason: 'admin_role_lost' });
  });

  it('a probe that cannot answer is transient, never a guess that expires the connection', async () => {
    const { reg } = fb(F.REQUIRES_READ_ENGAGEMENT, F.debugTokenValid(['pages_show_list']));
    expect(failureOf(await reg.facebook.checkAccess(tokens, PAGE)).kind).toBe('transient');
  });

  it('the body that names App Review needs no probe', async () => {
    const { reg, seen } = fb(F.APP_PERMISSION_NOT_AVAILABLE, F.debugTokenValid(ALL_FB));
    expect(failureOf(await reg.facebook.checkAccess(tokens, PAGE))).toMatchObject({ kind: 'integration', cause: 'permission_revoked' });
    expect(seen.filter((s) => s.url.pathname.endsWith('/debug_token'))).toHaveLength(1);
  });
});

describe('Facebook: the Page read', () => {
  it('100/33 (the Page does not exist or cannot be loaded) ends the access with the honest reason, not a retry forever', async () => {
    const { fetchImpl } = fakeFetch((req) => (req.url.pathname.endsWith('/debug_token') ? ok(F.debugTokenValid(ALL_FB)) : F.PAGE_NOT_LOADABLE));
    const failure = failureOf(await registry(fetchImpl).facebook.checkAccess({ accessToken: 'u', accountToken: 'p' }, PAGE));
    expect(failure).toMatchObject({ kind: 'expired', reason: 'unknown' });
    expect(failure.message).toMatch(/does not exist or can no longer be loaded/);
  });

  it('our app token refused by debug_token is our problem (integration/app_invalid), not the account expiring', async () => {
    const { fetchImpl } = fakeFetch(() => F.graph(400, { code: 190, message: 'Invalid OAuth access token signature.' }));
    expect(failureOf(await registry(fetchImpl).facebook.checkAccess({ accessToken: 'u', accountToken: 'p' }, PAGE))).toMatchObject({ kind: 'integration', cause: 'app_invalid' });
  });
});

describe('answers of an undocumented shape', () => {
  it('a publish accepted without an id is unrecognised (logged), not silently retried as an outage', async () => {
    const { fetchImpl } = fakeFetch(() => ok({ success: true }));
    expect(failureOf(await registry(fetchImpl).facebook.publish({ accessToken: 'u', accountToken: 'p' }, { externalAccountId: PAGE, text: 'Hi' }))).toMatchObject({ kind: 'transient', unrecognised: true });
  });
});

describe('Facebook sign-in', () => {
  it('reads the granted scopes from debug_token (the exchange does not list them)', async () => {
    const { fetchImpl, seen } = fakeFetch((req) => (req.url.pathname.endsWith('/debug_token') ? ok(F.debugTokenValid(['pages_show_list', 'pages_read_engagement'])) : ok(F.FB_LONG_LIVED)));
    const r = await registry(fetchImpl).facebook.exchangeCode({ code: 'c', redirectUri: 'https://app/cb' });
    expect(r).toMatchObject({ ok: true, value: { accessToken: 'EAAlong', scopes: ['pages_show_list', 'pages_read_engagement'] } });
    expect(seen[1]?.url.searchParams.get('grant_type')).toBe('fb_exchange_token');
  });

  it('a retired version on the code exchange stays our app\'s problem, not "sign in again"', async () => {
    const { fetchImpl } = fakeFetch(() => F.DEPRECATED_FOR_VERSION);
    expect(failureOf(await registry(fetchImpl).facebook.exchangeCode({ code: 'c', redirectUri: 'https://app/cb' }))).toMatchObject({ kind: 'integration', cause: 'version_retired' });
  });
});

describe('Instagram: permission errors decided from the permissions granted at sign-in', () => {
  const call = async (scopes: string[] | undefined): Promise<PlatformFailure> => {
    const { fetchImpl } = fakeFetch((req) => (req.url.pathname.endsWith('/me') ? ok({ user_id: IG_USER, username: 'acme' }) : F.APPLICATION_NO_PERMISSION));
    return failureOf(await registry(fetchImpl).instagram.checkAccess({ accessToken: 'IGAA', ...(scopes ? { scopes } : {}) }, IG_USER));
  };
  it('both granted: the app is refused', async () => {
    expect(await call(['instagram_business_basic', 'instagram_business_content_publish'])).toMatchObject({ kind: 'integration', cause: 'permission_revoked' });
  });
  it('publishing not granted: the person must reconnect and allow it', async () => {
    expect(await call(['instagram_business_basic'])).toMatchObject({ kind: 'expired', reason: 'admin_role_lost' });
  });
});

describe('Instagram: the container is awaited before media_publish', () => {
  function ig(statuses: unknown[]): { reg: PlatformRegistry; seen: Seen[] } {
    let polls = 0;
    const { fetchImpl, seen } = fakeFetch((req) => {
      if (req.url.pathname.endsWith('/media')) return ok({ id: '17889455560051444' });
      if (req.url.pathname.endsWith('/media_publish')) return ok({ id: '17920238422030506' });
      polls += 1;
      return ok(statuses[Math.min(polls, statuses.length) - 1]);
    });
    return { reg: registry(fetchImpl), seen };
  }
  const req = { externalAccountId: IG_USER, text: 'Hi', mediaUrl: 'https://cdn.example.com/a.jpg' };
  const publishes = (seen: Seen[]): number => seen.filter((s) => s.url.pathname.endsWith('/media_publish')).length;

  it('IN_PROGRESS, then FINISHED: publishes once, after reading status_code', async () => {
    const { reg, seen } = ig([F.CONTAINER.inProgress, F.CONTAINER.finished]);
    expect(await reg.instagram.publish({ accessToken: 't' }, req)).toEqual({ ok: true, value: { platformPostId: '17920238422030506' } });
    const polls = seen.filter((s) => s.url.pathname === '/v23.0/17889455560051444');
    expect(polls).toHaveLength(2);
    expect(polls[0]?.url.searchParams.get('fields')).toBe('status_code,status');
    expect(publishes(seen)).toBe(1);
  });

  it('still IN_PROGRESS after the bounded polls: transient, and nothing published', async () => {
    const { reg, seen } = ig([F.CONTAINER.inProgress]);
    expect(failureOf(await reg.instagram.publish({ accessToken: 't' }, req)).kind).toBe('transient');
    expect(publishes(seen)).toBe(0);
  });

  it('ERROR with 2207052 (media could not be fetched): rejected; EXPIRED: transient', async () => {
    const bad = ig([F.CONTAINER.errorFetch]);
    expect(failureOf(await bad.reg.instagram.publish({ accessToken: 't' }, req)).kind).toBe('rejected');
    expect(publishes(bad.seen)).toBe(0);
    const old = ig([F.CONTAINER.expired]);
    expect(failureOf(await old.reg.instagram.publish({ accessToken: 't' }, req)).kind).toBe('transient');
  });

  it('ERROR with a subcode the reference does not list: unrecognised (logged, retried), never published', async () => {
    const odd = ig([{ ...F.CONTAINER.errorFetch, status: 'Error: 2207999' }]);
    expect(failureOf(await odd.reg.instagram.publish({ accessToken: 't' }, req))).toMatchObject({ kind: 'transient', unrecognised: true });
    expect(publishes(odd.seen)).toBe(0);
  });
});
