import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { LocalRuntime } from '../../../local/runtime.js';
import type { Platform } from '../../../shared/config/platforms.js';
import { QUEUES } from '../../../shared/config/messaging.js';
import { CHECKS_IN_FLIGHT_PER_PLATFORM } from '../../../shared/use-cases/scan.js';
import { ApiClient, startTestRuntime } from '../../helpers/local-api.js';
import { soakScale } from '../../helpers/soak.js';

/**
 * Faults from the platforms during a scan and a retry storm: 503s, 429s with Retry-After and
 * requests that time out, on a seeded share of every platform call. No connection may expire for
 * them, every failed post is published exactly once in the end, and the calls in flight to one
 * platform never exceed the per-platform bound.
 */
const PLATFORMS_UNDER_TEST: Platform[] = ['linkedin', 'x', 'facebook'];
const ACCOUNTS_PER_PLATFORM = 3 * soakScale();

/** A small seeded PRNG (mulberry32), so a failure can be replayed. */
function prng(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4_294_967_296;
  };
}

const random = prng(Number(process.env.FAULT_SEED ?? 7));
let faultShare = 0;
const inFlight = new Map<string, number>();
const maxInFlight = new Map<string, number>();
const faults = { '503': 0, '429': 0, timeout: 0 };

const faultyFetch: typeof fetch = async (input, init) => {
  const url = new URL(typeof input === 'string' || input instanceof URL ? input : input.url);
  const platform = /^\/sandbox\/([^/]+)\//.exec(url.pathname)?.[1] ?? 'other';
  inFlight.set(platform, (inFlight.get(platform) ?? 0) + 1);
  maxInFlight.set(platform, Math.max(maxInFlight.get(platform) ?? 0, inFlight.get(platform) ?? 0));
  try {
    const roll = random();
    if (roll < faultShare / 3) {
      faults['503'] += 1;
      return new Response(JSON.stringify({ message: 'Service Unavailable' }), { status: 503, headers: { 'content-type': 'application/json' } });
    }
    if (roll < (2 * faultShare) / 3) {
      faults['429'] += 1;
      return new Response(JSON.stringify({ message: 'Too Many Requests' }), { status: 429, headers: { 'content-type': 'application/json', 'retry-after': '1' } });
    }
    if (roll < faultShare) {
      faults.timeout += 1;
      await new Promise((r) => setTimeout(r, 20));
      throw Object.assign(new Error('The operation timed out.'), { name: 'TimeoutError' });
    }
    return await fetch(input, init);
  } finally {
    inFlight.set(platform, (inFlight.get(platform) ?? 1) - 1);
  }
};

let rt: LocalRuntime;
let owner: ApiClient;
let ws: string;

beforeAll(async () => {
  // Visibility as in AWS (longer than a check takes): a slow check is not handed to a second worker meanwhile.
  rt = await startTestRuntime({ fetchImpl: faultyFetch, awsConcurrency: true, visibilityTimeoutSeconds: 20 });
  owner = await new ApiClient(rt.url).login('faults-owner', 'owner@faults.test');
  ws = await owner.createWorkspace('Faulty');
  for (const platform of PLATFORMS_UNDER_TEST) {
    for (let n = 0; n < ACCOUNTS_PER_PLATFORM; n++) {
      await owner.sandboxAccount(platform, `${platform}-f${n}`, `Faulty ${platform} ${n}`);
      expect((await owner.connect(ws, platform, `${platform}-f${n}`)).searchParams.get('result')).toBe('connected');
    }
  }
}, 120_000);

afterAll(async () => {
  await rt.stop();
});

describe('platform faults during a scan and a retry storm', () => {
  it('expire nothing, and keep each platform under its bound', async () => {
    faultShare = 0.5;
    maxInFlight.clear();
    rt.clock.advanceDays(1);
    await owner.login('faults-owner', 'owner@faults.test');
    const run = (await owner.call<{ checked: number; expired: number }>('POST', '/local/scan')).body;
    expect(run.checked).toBe(PLATFORMS_UNDER_TEST.length * ACCOUNTS_PER_PLATFORM);
    expect(run.expired).toBe(0);
    const rows = await owner.connections(ws);
    expect(rows.filter((r) => r.status === 'expired')).toEqual([]);
    expect(faults['503'] + faults['429'] + faults.timeout).toBeGreaterThan(0);
    // One process here: the bound per platform is the limiter's (x the queue's concurrency in AWS, one per instance).
    const bound = CHECKS_IN_FLIGHT_PER_PLATFORM * QUEUES.expiryChecks.maxConcurrency;
    for (const p of PLATFORMS_UNDER_TEST) expect(maxInFlight.get(p) ?? 0).toBeLessThanOrEqual(bound);
  }, 180_000);

  it('a retry storm under faults still publishes every failed post exactly once', async () => {
    faultShare = 0;
    const account = 'linkedin-f0';
    const [row] = (await owner.connections(ws)).filter((r) => r.externalAccountId === account);
    await owner.call('POST', `/sandbox/linkedin/accounts/${account}/revoke`, { reason: 'revoked' });
    const texts = Array.from({ length: 15 }, (_, i) => `Storm post ${i + 1}`);
    for (const text of texts) {
      const r = await owner.call('POST', `/workspaces/${ws}/posts`, { connectionId: row!.connectionId, text, publishAt: '2020-01-01T00:00:00Z' });
      expect(r.status).toBe(201);
    }
    await owner.call('POST', '/local/publish-due');
    expect(await rt.drain()).toBe(true);
    expect((await owner.connections(ws)).find((r) => r.connectionId === row!.connectionId)?.status).toBe('expired');

    // Reconnect with the platform healthy, then let the retries meet faults.
    expect((await owner.reconnect(ws, row!.connectionId, account)).searchParams.get('result')).toBe('restored');
    faultShare = 0.4;
    const deadline = Date.now() + 150_000;
    let published: string[] = [];
    while (Date.now() < deadline) {
      await rt.drain(30_000);
      await owner.call('POST', '/local/publish-due');
      published = (await owner.call<{ posts: { externalAccountId: string; text: string }[] }>('GET', '/sandbox/linkedin/posts')).body.posts
        .filter((p) => p.externalAccountId === account)
        .map((p) => p.text);
      if (published.length >= texts.length) break;
      await new Promise((r) => setTimeout(r, 500));
    }
    faultShare = 0;
    await owner.call('POST', '/local/publish-due');
    await rt.drain();
    published = (await owner.call<{ posts: { externalAccountId: string; text: string }[] }>('GET', '/sandbox/linkedin/posts')).body.posts
      .filter((p) => p.externalAccountId === account)
      .map((p) => p.text);
    expect([...published].sort()).toEqual([...texts].sort());
    expect((await owner.connections(ws)).filter((r) => r.status === 'expired')).toEqual([]);
  }, 240_000);
});
