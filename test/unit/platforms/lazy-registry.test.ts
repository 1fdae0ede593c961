import { describe, expect, it } from 'vitest';
import { PLATFORMS, type Platform } from '../../../shared/config/platforms.js';
import { AppCredentialsNotLoadedError, createLazyPlatformRegistry, PUBLISH_READS_APP_CREDENTIALS, realPlatformEndpoints, type ClientCredentials } from '../../../shared/adapters/platforms/index.js';
import type { PlatformResult } from '../../../shared/ports/platform.js';
import { fakeFetch } from '../../helpers/fake-fetch.js';

const clock = { now: () => new Date('2026-03-01T12:00:00.000Z') };
const all = (c: ClientCredentials): Record<Platform, ClientCredentials> => ({ facebook: c, instagram: c, linkedin: c, tiktok: c, x: c });

/** A registry over `answer`, counting the credential reads; `creds` may change between reads (a rotation). */
function lazyRegistry(answer: () => Response, creds: { current: ClientCredentials } = { current: { clientId: 'app-id', clientSecret: 'app-secret' } }) {
  const reads = { count: 0 };
  const { fetchImpl, seen } = fakeFetch(answer);
  const registry = createLazyPlatformRegistry(
    async () => (reads.count++, all(creds.current)),
    realPlatformEndpoints(),
    { clock, timeoutMs: 1000, tiktokPoll: { attempts: 2, intervalMs: 0 }, instagramPoll: { attempts: 2, intervalMs: 0 } },
    fetchImpl,
  );
  return { registry, reads, seen };
}

const json = (status: number, body: unknown) => () => new Response(JSON.stringify(body), { status, headers: { 'content-type': 'application/json', 'x-restli-id': 'urn:li:share:1' } });
/** Answers that drive each publish down its success, refusal, expiry and outage paths. */
const ANSWERS: Record<string, () => Response> = {
  success: json(200, { id: '17', post_id: '1_2', data: { id: '17', publish_id: 'p1', status: 'PUBLISH_COMPLETE', publicaly_available_post_id: ['9'] }, status_code: 'FINISHED', error: { code: 'ok' } }),
  created: json(201, { id: '17', data: { id: '17' } }),
  badRequest: json(400, { error: { message: 'Invalid parameter', type: 'OAuthException', code: 100, error_subcode: 33 }, detail: 'bad', title: 'Bad' }),
  unauthorized: json(401, { error: { message: 'Error validating access token', type: 'OAuthException', code: 190, error_subcode: 463 }, status: 401, serviceErrorCode: 65600, code: 'access_token_invalid' }),
  forbidden: json(403, { error: { message: 'Permissions error', type: 'OAuthException', code: 200 }, status: 403, title: 'Forbidden' }),
  rateLimited: json(429, { error: { message: 'Too many calls', code: 4 }, title: 'Too Many Requests' }),
  outage: json(503, { message: 'unavailable' }),
};

describe('the lazy platform registry reads the app credentials only for calls that need them', () => {
  const tokens = { accessToken: 'access', refreshToken: 'refresh', accountToken: 'page-token' };

  it.each(PLATFORMS.filter((p) => !PUBLISH_READS_APP_CREDENTIALS[p]))('%s publishes on every path without reading the app credentials', async (platform) => {
    for (const [name, answer] of Object.entries(ANSWERS)) {
      for (const mediaUrl of [undefined, 'https://cdn.example.com/a.jpg']) {
        const { registry, reads } = lazyRegistry(answer);
        const result: PlatformResult<unknown> = await registry[platform].publish(tokens, {
          externalAccountId: '123',
          text: 'hello',
          mediaUrl,
          tiktok: { privacyLevel: 'SELF_ONLY' },
        });
        expect(result, `${name} ${mediaUrl ?? ''}`).toBeDefined();
        expect(reads.count, `${name} ${mediaUrl ?? ''}`).toBe(0);
      }
    }
  });

  it('Facebook reads them before publishing: a refusal is read with the app token', async () => {
    const { registry, reads } = lazyRegistry(ANSWERS.success!);
    await registry.facebook.publish(tokens, { externalAccountId: '123', text: 'hello' });
    expect(reads.count).toBe(1);
  });

  it.each(PLATFORMS)('%s reads them (through the cache) for every OAuth call, and picks up a rotated secret', async (platform) => {
    const creds = { current: { clientId: 'app-id', clientSecret: 'app-secret' } };
    const { registry, reads, seen } = lazyRegistry(ANSWERS.success!, creds);
    await registry[platform].refresh(tokens);
    await registry[platform].exchangeCode({ code: 'c', redirectUri: 'https://api.example.com/cb', codeVerifier: 'v'.repeat(43) });
    await registry[platform].identify(tokens);
    await registry[platform].checkAccess(tokens, '123');
    expect(reads.count).toBe(4);
    creds.current = { clientId: 'rotated-id', clientSecret: 'rotated-secret' };
    await registry[platform].exchangeCode({ code: 'c', redirectUri: 'https://api.example.com/cb', codeVerifier: 'v'.repeat(43) });
    const last = seen.at(-1)!;
    expect(`${last.url.href} ${last.body} ${last.headers.authorization ?? ''}`).toMatch(/rotated-id|cm90YXRlZC1pZD/);
  });

  it('refuses a sync read of the credentials before any call loaded them, with a typed error', async () => {
    const { registry } = lazyRegistry(ANSWERS.success!);
    const authorize = () => registry.linkedin.buildAuthorizeUrl({ state: 's', redirectUri: 'https://api.example.com/cb' });
    expect(authorize).toThrow(AppCredentialsNotLoadedError);
    await registry.linkedin.refresh(tokens);
    expect(authorize()).toContain('client_id=app-id');
  });
});
