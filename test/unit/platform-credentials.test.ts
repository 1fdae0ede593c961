import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { awsDeps } from '../../functions/lib/aws/deps.js';
import { cachedPlatformCredentials, eagerPlatforms, platformsOnFirstNeed, PLATFORM_SECRET_MAX_AGE_SECONDS } from '../../functions/lib/aws/platform-credentials.js';
import { ENV } from '../../shared/config/functions.js';
import type { EventBus } from '../../shared/ports/misc.js';

const creds = (id: string) => JSON.stringify(Object.fromEntries(['facebook', 'instagram', 'linkedin', 'tiktok', 'x'].map((p) => [p, { clientId: id, clientSecret: `${id}-secret` }])));

describe('the platforms app credentials from their secret', () => {
  it('are read once per max age, concurrent reads sharing the call; a rotation is seen after it', async () => {
    let now = 0;
    let value = creds('one');
    const names: string[] = [];
    const read = cachedPlatformCredentials(async (name) => (names.push(name), value), () => now);
    const [a, b] = await Promise.all([read('s'), read('s')]);
    expect(a.x.clientId).toBe('one');
    expect(b).toBe(a);
    value = creds('two');
    now = PLATFORM_SECRET_MAX_AGE_SECONDS * 1000 - 1;
    expect((await read('s')).x.clientId).toBe('one');
    now = PLATFORM_SECRET_MAX_AGE_SECONDS * 1000;
    expect((await read('s')).x.clientId).toBe('two');
    expect(names).toEqual(['s', 's']);
  });

  it('keep no failed read: the next read tries again; a malformed secret fails with the field', async () => {
    let fail = true;
    const read = cachedPlatformCredentials(async () => {
      if (fail) throw new Error('throttled');
      return creds('one');
    });
    await expect(read('s')).rejects.toThrow('throttled');
    fail = false;
    expect((await read('s')).facebook.clientSecret).toBe('one-secret');
    await expect(cachedPlatformCredentials(async () => '{"facebook":{}}')('s')).rejects.toThrow();
    await expect(cachedPlatformCredentials(async () => undefined)('s')).rejects.toThrow('has no string value');
  });
});

describe('awsDeps with the platforms', () => {
  const saved = { ...process.env };
  const events: EventBus = { publish: async () => undefined };
  const bus = () => events;
  beforeEach(() => {
    process.env[ENV.tableName] = 'table';
    process.env[ENV.eventBusName] = 'bus';
    process.env[ENV.dashboardOrigin] = 'https://app.example.com';
    process.env[ENV.apiBaseUrl] = 'https://api.example.com';
    process.env[ENV.platformSecretsName] = 'platform-secret';
    process.env[ENV.tokenKeyId] = 'key';
  });
  afterEach(() => {
    process.env = { ...saved };
    vi.unstubAllGlobals();
  });
  const dataKeys = () => ({ keyId: 'key', generate: () => Promise.reject(new Error('no')), decrypt: () => Promise.reject(new Error('no')) });

  it('publish starts without reading the secret; an X publish does not read it, a Facebook publish does', async () => {
    // No call leaves the test: every platform answers 503.
    vi.stubGlobal('fetch', async () => new Response('{}', { status: 503 }));
    const reads: string[] = [];
    const wiring = platformsOnFirstNeed(cachedPlatformCredentials(async (name) => (reads.push(name), creds('one'))));
    const { deps, refreshPlatforms } = await awsDeps('publish', { bus, dataKeys, platforms: wiring })();
    await refreshPlatforms();
    expect(reads).toEqual([]);
    await deps.platforms.x.publish({ accessToken: 'a' }, { externalAccountId: '1', text: 't' });
    expect(reads).toEqual([]);
    await deps.platforms.facebook.publish({ accessToken: 'a', accountToken: 'p' }, { externalAccountId: '1', text: 't' });
    expect(reads).toEqual(['platform-secret']);
  });

  it('the expiry check reads the secret as it starts, and swaps the registry when the secret rotates', async () => {
    let value = creds('one');
    const reads: string[] = [];
    let now = 0;
    const wiring = eagerPlatforms(cachedPlatformCredentials(async (name) => (reads.push(name), value), () => now));
    const { deps, refreshPlatforms } = await awsDeps('expiryCheck', { bus, dataKeys, platforms: wiring })();
    expect(reads).toEqual(['platform-secret']);
    const first = deps.platforms;
    await refreshPlatforms();
    expect(deps.platforms).toBe(first);
    value = creds('two');
    now = PLATFORM_SECRET_MAX_AGE_SECONDS * 1000;
    await refreshPlatforms();
    expect(deps.platforms).not.toBe(first);
    expect(deps.platforms.x.buildAuthorizeUrl({ state: 's', redirectUri: 'https://api.example.com/cb', codeChallenge: 'c' })).toContain('client_id=two');
  });
});
