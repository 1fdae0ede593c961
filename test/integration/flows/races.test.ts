import fc from 'fast-check';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { LocalRuntime } from '../../../local/runtime.js';
import { checkConnection } from '../../../shared/use-cases/scan.js';
import { publishPost } from '../../../shared/use-cases/publish-post.js';
import { ApiClient, startTestRuntime } from '../../helpers/local-api.js';

let rt: LocalRuntime;
let owner: ApiClient;
beforeAll(async () => {
  rt = await startTestRuntime();
  owner = await new ApiClient(rt.url).login('race-owner', 'owner@race.test');
});
afterAll(async () => {
  await rt.stop();
});

interface BusEvent {
  'detail-type': string;
  detail: { connectionId: string; episodeId: string };
}

describe('races between the scan, a publish failure and a reconnect callback', () => {
  it('end consistent in every interleaving: one expired event per episode, restore closes the episode it saw', async () => {
    let run = 0;
    await fc.assert(
      fc.asyncProperty(fc.array(fc.integer({ min: 0, max: 30 }), { minLength: 3, maxLength: 3 }), async (delays) => {
        run++;
        await owner.login('race-owner', 'owner@race.test');
        const ws = await owner.createWorkspace(`Race ${run}`);
        const account = `race-${run}`;
        await owner.sandboxAccount('facebook', account, `Race Page ${run}`);
        await owner.connect(ws, 'facebook', account);
        const [c] = await owner.connections(ws);
        const post = await owner.call<{ postId: string }>('POST', `/workspaces/${ws}/posts`, { connectionId: c!.connectionId, text: `race ${run}`, publishAt: '2020-01-01T00:00:00Z' });
        // The account drops; the scan finds it due; a reconnect is under way at the same moment.
        await owner.call('POST', `/sandbox/facebook/accounts/${account}/revoke`, { reason: 'password_changed' });
        const stored = (await rt.deps.store.connections.get(ws, c!.connectionId))!;
        await rt.deps.store.connections.update({ ...stored, nextCheckAt: new Date(rt.clock.now().getTime() - 1000).toISOString(), version: stored.version + 1 }, stored.version);
        const start = await owner.call<{ authorizeUrl: string }>('POST', `/workspaces/${ws}/connections/${c!.connectionId}/reconnect`);
        const callback = (await fetch(`${start.body.authorizeUrl}&account=${account}&consent=allow`, { redirect: 'manual' })).headers.get('location')!;

        const later = (ms: number, f: () => Promise<unknown>) => new Promise((r) => setTimeout(r, ms)).then(f);
        const [scanOutcome, , reconnectUrl] = await Promise.all([
          later(delays[0]!, () => checkConnection(rt.deps, 'race-run', { workspaceId: ws, connectionId: c!.connectionId })),
          // A publish that raced a reconnect is retried by its queue with the new tokens (it throws transient).
          later(delays[1]!, () => publishPost(rt.deps, { workspaceId: ws, postId: post.body.postId, attemptKey: 'scheduled', retry: false }).catch((e: unknown) => e)),
          later(delays[2]!, () => owner.followCallback(callback)),
        ]);
        await owner.call('POST', '/local/drain');

        const final = (await rt.deps.store.connections.get(ws, c!.connectionId))!;
        const events = (await owner.call<{ events: BusEvent[] }>('GET', '/local/events')).body.events.filter((e) => e.detail.connectionId === c!.connectionId);
        const expired = events.filter((e) => e['detail-type'] === 'connection.expired');
        const restored = events.filter((e) => e['detail-type'] === 'connection.restored');
        const episodes = new Set(expired.map((e) => e.detail.episodeId));
        // Never two expired events for one episode.
        expect(expired).toHaveLength(episodes.size);
        // Every restore closes an episode that was announced.
        for (const r of restored) expect(episodes.has(r.detail.episodeId)).toBe(true);
        expect((reconnectUrl as URL).searchParams.get('result')).toBe('restored');
        // The reconnect's tokens work, so whatever ran last, the connection is either active with every
        // episode closed, or expired in its one open, announced episode (a check that read the old tokens
        // after the restore would find them revoked: that is a new, honest episode).
        if (final.status === 'active') {
          expect(restored.length).toBe(episodes.size);
        } else {
          expect(final.status).toBe('expired');
          expect(episodes.has(final.episodeId!)).toBe(true);
          expect(restored.some((r) => r.detail.episodeId === final.episodeId)).toBe(false);
        }
        const p = (await owner.call<{ status: string }>('GET', `/workspaces/${ws}/posts/${post.body.postId}`)).body;
        expect(['failed', 'published', 'scheduled']).toContain(p.status);
        // A post left failed waits for a reconnect: the connection is down, or a restore is on its way.
        expect(p.status !== 'failed' || final.status === 'expired' || restored.length > 0).toBe(true);
        expect(['healthy', 'refreshed', 'expired', 'expiring', 'transient', 'held', 'skipped']).toContain(scanOutcome);
      }),
      { numRuns: 10 },
    );
  }, 120_000);
});
