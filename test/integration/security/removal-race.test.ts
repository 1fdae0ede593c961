import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { LocalRuntime } from '../../../local/runtime.js';
import type { Platform } from '../../../shared/config/platforms.js';
import { VersionConflictError } from '../../../shared/domain/errors.js';
import type { PlatformAdapter } from '../../../shared/ports/platform.js';
import { completeOAuth } from '../../../shared/use-cases/complete-oauth.js';
import { removeConnection, startReconnect } from '../../../shared/use-cases/connections.js';
import type { Deps } from '../../../shared/use-cases/deps.js';
import { ApiClient, startTestRuntime } from '../../helpers/local-api.js';

/**
 * A removed connection stays removed: a reconnect callback that finishes after (or while) the
 * owner removes the connection never brings it back, and nothing is published on it afterwards.
 */
let rt: LocalRuntime;
let owner: ApiClient;
beforeAll(async () => {
  rt = await startTestRuntime();
  owner = await new ApiClient(rt.url).login('removal-owner', 'owner@removal.test');
});
afterAll(async () => {
  await rt.stop();
});

interface BusEvent {
  'detail-type': string;
  detail: { connectionId: string };
}

async function connected(ws: string, platform: Platform, account: string): Promise<string> {
  await owner.sandboxAccount(platform, account, `Page ${account}`);
  const done = await owner.connect(ws, platform, account);
  expect(done.searchParams.get('result')).toBe('connected');
  return done.searchParams.get('connectionId')!;
}

/** The platform's redirect back to us for a started sign-in: its code and state. */
async function signIn(authorizeUrl: string, account: string): Promise<{ code: string; state: string }> {
  const res = await fetch(`${authorizeUrl}&account=${account}&consent=allow`, { redirect: 'manual' });
  const q = new URL(res.headers.get('location')!).searchParams;
  return { code: q.get('code')!, state: q.get('state')! };
}

describe('a removed connection stays removed', () => {
  it('the repository refuses any write that would bring a removed connection back, even with the right version', async () => {
    const ws = await owner.createWorkspace('Repo');
    const id = await connected(ws, 'facebook', 'repo-page');
    expect((await owner.call('DELETE', `/workspaces/${ws}/connections/${id}`)).status).toBe(204);
    const removed = (await rt.deps.store.connections.get(ws, id))!;
    expect(removed.status).toBe('removed');
    await expect(rt.deps.store.connections.update({ ...removed, status: 'active', version: removed.version + 1 }, removed.version)).rejects.toBeInstanceOf(VersionConflictError);
    // The refresh lease is not taken on a removed connection either.
    expect(await rt.deps.store.connections.acquireLease(ws, id, '2999-01-01T00:00:00.000Z', new Date().toISOString())).toBeUndefined();
    // Writes that keep it removed still work (e.g. bookkeeping).
    await rt.deps.store.connections.update({ ...removed, version: removed.version + 1 }, removed.version);
    expect((await rt.deps.store.connections.get(ws, id))!.status).toBe('removed');
  });

  it('a reconnect callback whose sign-in was under way when the connection was removed changes nothing (NOT_FOUND)', async () => {
    const ws = await owner.createWorkspace('Interleaved');
    const id = await connected(ws, 'facebook', 'inter-page');
    const started = await startReconnect(rt.deps, { userId: 'removal-owner' }, ws, id);
    const { code, state } = await signIn(started.authorizeUrl, 'inter-page');
    // The removal lands exactly between the callback's read of the connection and its write.
    const real = rt.deps.platforms.facebook;
    const racing: PlatformAdapter = Object.assign(Object.create(real) as PlatformAdapter, {
      identify: async (...args: Parameters<PlatformAdapter['identify']>) => {
        await removeConnection(rt.deps, ws, id);
        return real.identify(...args);
      },
    });
    const deps: Deps = { ...rt.deps, platforms: { ...rt.deps.platforms, facebook: racing } };
    await expect(completeOAuth(deps, 'facebook', { state, code, browserSecret: started.browserBinding.secret })).rejects.toMatchObject({ code: 'NOT_FOUND' });
    const after = (await rt.deps.store.connections.get(ws, id))!;
    expect(after).toMatchObject({ status: 'removed' });
    expect(after.tokens).toBeUndefined();
    expect(await owner.connections(ws)).toEqual([]);
    const events = (await owner.call<{ events: BusEvent[] }>('GET', '/local/events')).body.events.filter((e) => e.detail.connectionId === id);
    expect(events.map((e) => e['detail-type'])).not.toContain('connection.restored');
  });

  it('under many concurrent DELETE + reconnect callbacks, a removed connection never comes back and nothing publishes on it', async () => {
    const later = (ms: number, f: () => Promise<unknown>) => new Promise((r) => setTimeout(r, ms)).then(f);
    for (let run = 0; run < 16; run++) {
      const ws = await owner.createWorkspace(`Race ${run}`);
      const account = `removal-race-${run}`;
      const id = await connected(ws, 'facebook', account);
      const before = await owner.call<{ postId: string }>('POST', `/workspaces/${ws}/posts`, { connectionId: id, text: `before ${run}`, publishAt: new Date(rt.clock.now().getTime() + 300 * 86_400_000).toISOString() });
      expect(before.status).toBe(201);
      const start = await owner.call<{ authorizeUrl: string }>('POST', `/workspaces/${ws}/connections/${id}/reconnect`);
      const callback = (await fetch(`${start.body.authorizeUrl}&account=${account}&consent=allow`, { redirect: 'manual' })).headers.get('location')!;
      // The callback exchanges the code and reads the account over HTTP first: delays that land the
      // DELETE before, during and after that.
      const [deleted, landing] = await Promise.all([
        later(run % 8, () => owner.call('DELETE', `/workspaces/${ws}/connections/${id}`)),
        later((run * 3) % 5, () => owner.followCallback(callback)),
      ]);
      expect((deleted as { status: number }).status).toBe(204);
      const result = (landing as URL).searchParams;
      expect(result.get('result') === 'restored' || result.get('result') === 'connected' || result.get('code') === 'NOT_FOUND', result.toString()).toBe(true);

      const stored = (await rt.deps.store.connections.get(ws, id))!;
      expect(stored.status, `run ${run}: ${result.toString()}`).toBe('removed');
      expect(stored.tokens).toBeUndefined();
      expect(await owner.connections(ws)).toEqual([]);
      // A post scheduled afterwards is refused; one scheduled before never goes out.
      const after = await owner.call('POST', `/workspaces/${ws}/posts`, { connectionId: id, text: `after ${run}`, publishAt: '2020-01-01T00:00:00Z' });
      expect(after.status).toBe(404);
      await rt.deps.store.posts
        .get(ws, before.body.postId)
        .then((p) => rt.deps.store.posts.update({ ...p!, publishAt: '2020-01-01T00:00:00Z', version: p!.version + 1 }, p!.version));
    }
    await owner.call('POST', '/local/publish-due');
    await owner.call('POST', '/local/drain');
    const published = (await owner.call<{ posts: { externalAccountId: string }[] }>('GET', '/sandbox/facebook/posts')).body.posts;
    expect(published.filter((p) => p.externalAccountId.startsWith('removal-race-'))).toEqual([]);
  }, 120_000);
});
