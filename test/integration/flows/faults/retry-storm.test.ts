import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { LocalRuntime } from '../../../../local/runtime.js';
import { faultyFetch } from '../../../helpers/faulty-fetch.js';
import { ApiClient, startTestRuntime } from '../../../helpers/local-api.js';
import { soakScale } from '../../../helpers/soak.js';

/**
 * A restore's retry storm meeting platform faults (503s, 429s with Retry-After, timeouts on a seeded
 * share of the calls): every failed post is published exactly once in the end, and nothing expires
 * for the faults.
 */
const POSTS = 15 * soakScale();
const ACCOUNT = 'linkedin-storm';
const faulty = faultyFetch();

let rt: LocalRuntime;
let owner: ApiClient;
let ws: string;

beforeAll(async () => {
  // Longer than a publish takes here, short enough that a failed publish comes back within seconds
  // (AWS: 6x the function's timeout; only the wait for a redelivery is shorter here).
  rt = await startTestRuntime({ fetchImpl: faulty.fetch, awsConcurrency: true, visibilityTimeoutSeconds: 2 });
  owner = await new ApiClient(rt.url).login('storm-owner', 'owner@storm.test');
  ws = await owner.createWorkspace('Stormy');
  await owner.sandboxAccount('linkedin', ACCOUNT, 'Stormy LinkedIn');
  expect((await owner.connect(ws, 'linkedin', ACCOUNT)).searchParams.get('result')).toBe('connected');
}, 120_000);

afterAll(async () => {
  await rt.stop();
});

async function publishedTexts(): Promise<string[]> {
  const { posts } = (await owner.call<{ posts: { externalAccountId: string; text: string }[] }>('GET', '/sandbox/linkedin/posts')).body;
  return posts.filter((p) => p.externalAccountId === ACCOUNT).map((p) => p.text);
}

describe('a retry storm under platform faults', () => {
  it('still publishes every failed post exactly once', async () => {
    const [row] = await owner.connections(ws);
    await owner.call('POST', `/sandbox/linkedin/accounts/${ACCOUNT}/revoke`, { reason: 'revoked' });
    const texts = Array.from({ length: POSTS }, (_, i) => `Storm post ${i + 1}`);
    for (const text of texts) {
      const r = await owner.call('POST', `/workspaces/${ws}/posts`, { connectionId: row!.connectionId, text, publishAt: '2020-01-01T00:00:00Z' });
      expect(r.status).toBe(201);
    }
    await owner.call('POST', '/local/publish-due');
    expect(await rt.drain()).toBe(true);
    expect((await owner.connections(ws))[0]?.status).toBe('expired');

    // Reconnect with the platform healthy, then let the retries meet faults.
    expect((await owner.reconnect(ws, row!.connectionId, ACCOUNT)).searchParams.get('result')).toBe('restored');
    faulty.share = 0.4;
    const deadline = Date.now() + 150_000;
    while (Date.now() < deadline && (await publishedTexts()).length < texts.length) {
      await rt.drain(30_000);
      await owner.call('POST', '/local/publish-due');
      await new Promise((r) => setTimeout(r, 200));
    }
    expect(faulty.faults['503'] + faulty.faults['429'] + faulty.faults.timeout).toBeGreaterThan(0);
    faulty.share = 0;
    await owner.call('POST', '/local/publish-due');
    await rt.drain();
    expect([...(await publishedTexts())].sort()).toEqual([...texts].sort());
    expect((await owner.connections(ws)).filter((r) => r.status === 'expired')).toEqual([]);
  }, 240_000);
});
