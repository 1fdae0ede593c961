import { afterEach, describe, expect, it } from 'vitest';
import type { LocalRuntime, LocalRuntimeOptions } from '../../../local/runtime.js';
import type { Store } from '../../../shared/ports/store.js';
import type { Deps } from '../../../shared/use-cases/deps.js';
import { notifyOwners } from '../../../shared/use-cases/notify-owners.js';
import { publishPost, TransientPublishError } from '../../../shared/use-cases/publish-post.js';
import { checkConnection } from '../../../shared/use-cases/scan.js';
import { startWithConnectedAccount } from '../../helpers/connected-account.js';

let rt: LocalRuntime | undefined;
afterEach(async () => {
  await rt?.stop();
  rt = undefined;
});

async function setUp(opts: LocalRuntimeOptions = {}, platform: 'facebook' | 'x' = 'facebook') {
  const base = await startWithConnectedAccount(
    { userId: 'retry-owner', email: 'owner@retry.test', workspace: 'Retry Bakery', platform, account: `${platform}-retry`, accountName: 'Retry Page' },
    opts,
  );
  rt = base.rt;
  const { owner, account, schedule, post, drain } = base;
  const dropAndFail = async (texts: string[]) => {
    await owner.call('POST', `/sandbox/${platform}/accounts/${account}/revoke`, { reason: 'password_changed' });
    const ids = [];
    for (const text of texts) ids.push(await schedule(text));
    await owner.call('POST', '/local/publish-due');
    await drain();
    for (const id of ids) expect((await post(id)).status).toBe('failed');
    return ids;
  };
  return { ...base, dropAndFail };
}

/** Runs publishPost as the publish queue would: a TransientPublishError means "deliver it again". */
async function publishAsQueue(deps: Deps, workspaceId: string, postId: string): Promise<string> {
  for (let receive = 1; receive <= 5; receive++) {
    try {
      return (await publishPost(deps, { workspaceId, postId, attemptKey: 'scheduled', retry: false })).outcome;
    } catch (error) {
      if (!(error instanceof TransientPublishError)) throw error;
    }
  }
  return 'dead-lettered';
}

describe('failed posts after a restore', () => {
  it('a post marked failed just as the restore\'s fan-out ran is still published (not left failed with the account back)', async () => {
    const s = await setUp();
    await s.owner.call('POST', `/sandbox/facebook/accounts/${s.account}/revoke`, { reason: 'password_changed' });
    s.rt.clock.advanceDays(1);
    await s.owner.login('retry-owner', 'owner@retry.test');
    await s.owner.call('POST', '/local/scan');
    await s.drain();
    expect((await s.owner.connections(s.ws))[0]).toMatchObject({ status: 'expired' });
    const postId = await s.schedule('Pretzels at noon');

    // The publisher read the connection as expired; before its "failed" write lands, the owner
    // reconnects and the restore's fan-out lists the failed posts (this one is not among them yet).
    let restoredDuringWrite = false;
    const store: Store = {
      ...s.rt.deps.store,
      posts: {
        ...s.rt.deps.store.posts,
        get: (w, p) => s.rt.deps.store.posts.get(w, p),
        create: (p) => s.rt.deps.store.posts.create(p),
        transition: (n, f, v) => s.rt.deps.store.posts.transition(n, f, v),
        listFailedByConnection: (c, cur, l) => s.rt.deps.store.posts.listFailedByConnection(c, cur, l),
        queryDue: (sh, u, cur, l) => s.rt.deps.store.posts.queryDue(sh, u, cur, l),
        update: async (next, expected) => {
          if (next.status === 'failed' && !restoredDuringWrite) {
            restoredDuringWrite = true;
            expect((await s.owner.reconnect(s.ws, s.connectionId, s.account)).searchParams.get('result')).toBe('restored');
            await s.drain();
          }
          return s.rt.deps.store.posts.update(next, expected);
        },
      },
    };
    await publishAsQueue({ ...s.rt.deps, store }, s.ws, postId);
    await s.drain();

    expect(restoredDuringWrite).toBe(true);
    expect((await s.owner.connections(s.ws))[0]).toMatchObject({ status: 'active' });
    expect((await s.post(postId)).status).toBe('published');
    expect(await s.published()).toEqual(['Pretzels at noon']);
  });

  it('a retried post that meets a platform outage longer than the queue\'s retries is published once the platform is back', async () => {
    let outageDuringRetries = false;
    const sandbox: { toggle?: (down: boolean) => Promise<void> } = {};
    const s = await setUp({
      wrapQueueHandler: (consumer, handler) =>
        consumer !== 'publish'
          ? handler
          : async (event, context) => {
              const isRetry = event.Records.some((r) => (JSON.parse(r.body) as { retry?: boolean }).retry === true);
              if (isRetry && !outageDuringRetries && sandbox.toggle) {
                // The platform goes down just as the restore's retries arrive.
                outageDuringRetries = true;
                await sandbox.toggle(true);
              }
              return handler(event, context);
            },
    });
    const toggle = async (down: boolean) => {
      await s.owner.call('POST', '/sandbox/facebook/outage', { down });
    };
    sandbox.toggle = toggle;
    const [postId] = await s.dropAndFail(['Bagels on Sunday']);
    expect((await s.owner.reconnect(s.ws, s.connectionId, s.account)).searchParams.get('result')).toBe('restored');
    // Every receive of the retry fails transiently until the message is dead-lettered.
    const deadline = Date.now() + 30_000;
    while ((await s.rt.queues.dlqDepth('publish')).visible === 0 && Date.now() < deadline) await new Promise((r) => setTimeout(r, 250));
    expect(outageDuringRetries).toBe(true);
    expect((await s.rt.queues.dlqDepth('publish')).visible).toBe(1);
    await s.drain();
    expect(await s.published()).toEqual([]);

    // The platform recovers; the account is still connected: the post goes out with no call from anyone
    // but the every-minute publish-due, exactly once.
    await toggle(false);
    expect((await s.owner.connections(s.ws))[0]).toMatchObject({ status: 'active' });
    await s.owner.call('POST', '/local/publish-due');
    await s.drain();
    await s.owner.call('POST', '/local/publish-due');
    await s.drain();
    expect((await s.post(postId!)).status).toBe('published');
    expect(await s.published()).toEqual(['Bagels on Sunday']);
  }, 60_000);
});

describe('the "back online" note', () => {
  it('says how many failed posts are retried even when the retries published them before the note was written', async () => {
    let releaseRestoredNote: (() => void) | undefined;
    const notesHeld = new Promise<void>((resolve) => (releaseRestoredNote = resolve));
    const s = await setUp({
      wrapQueueHandler: (consumer, handler) =>
        consumer !== 'alerts'
          ? handler
          : async (event, context) => {
              // The alerts worker is slow this time (a cold start, an SES retry): the retries win.
              if (event.Records.some((r) => (JSON.parse(r.body) as { 'detail-type': string })['detail-type'] === 'connection.restored')) await notesHeld;
              return handler(event, context);
            },
    });
    await s.dropAndFail(['Rye loaf', 'Spelt loaf', 'Oat loaf']);
    expect((await s.owner.reconnect(s.ws, s.connectionId, s.account)).searchParams.get('result')).toBe('restored');
    const deadline = Date.now() + 20_000;
    while ((await s.published()).length < 3 && Date.now() < deadline) await new Promise((r) => setTimeout(r, 100));
    expect(await s.published()).toEqual(['Oat loaf', 'Rye loaf', 'Spelt loaf']);
    releaseRestoredNote!();
    await s.drain();

    const notes = (await s.outbox()).filter((e) => !e.subject.startsWith('Action needed'));
    expect(notes).toHaveLength(1);
    expect(notes[0]!.text).toContain('retrying the 3 posts that failed');
  });

  it('a late restore of an earlier episode, while the account is down again, neither resolves the new alert nor says "back online"', async () => {
    const s = await setUp();
    await s.dropAndFail(['First croissant']);
    expect((await s.owner.reconnect(s.ws, s.connectionId, s.account)).searchParams.get('result')).toBe('restored');
    await s.drain();
    const restoredEvent = (await s.events()).find((e) => e['detail-type'] === 'connection.restored')!;

    // It drops again: a new episode with its own alert and email.
    await s.dropAndFail(['Second croissant']);
    const alertsBefore = (await s.owner.call<{ alerts: { kind: string; episodeId?: string; resolvedAt?: string }[] }>('GET', `/workspaces/${s.ws}/alerts`)).body.alerts;
    const open = alertsBefore.filter((a) => a.kind === 'connection_expired' && !a.resolvedAt);
    expect(open).toHaveLength(1);
    const emailsBefore = (await s.outbox()).length;

    // The first restore's event is delivered again now (at-least-once, out of order).
    await notifyOwners(s.rt.deps, 'connection.restored', restoredEvent.detail);

    const alertsAfter = (await s.owner.call<{ alerts: { alertId: string; kind: string; resolvedAt?: string }[] }>('GET', `/workspaces/${s.ws}/alerts`)).body.alerts;
    expect(alertsAfter.filter((a) => a.kind === 'connection_expired' && !a.resolvedAt)).toHaveLength(1);
    expect((await s.outbox()).length).toBe(emailsBefore);
    expect((await s.owner.connections(s.ws))[0]).toMatchObject({ status: 'expired', badge: 'red' });
  });
});

describe('refreshing rotating tokens', () => {
  it('a transient error saving the rotated refresh token does not lose it (the account does not drop the next day)', async () => {
    const s = await setUp({}, 'x');
    const deps = s.rt.deps;
    let sealFailures = 0;
    const flakyDeps: Deps = {
      ...deps,
      cipher: {
        open: (sealed, aad) => deps.cipher.open(sealed, aad),
        seal: async (plaintext, aad) => {
          if (sealFailures === 0) {
            sealFailures++;
            throw Object.assign(new Error('Rate exceeded'), { name: 'ThrottlingException' });
          }
          return deps.cipher.seal(plaintext, aad);
        },
      },
    };
    const check = async (d: Deps) => {
      s.rt.clock.advanceDays(1);
      await checkConnection(d, `run-${Date.now()}`, { workspaceId: s.ws, connectionId: s.connectionId }).catch((e: unknown) => e);
    };
    await check(flakyDeps);
    expect(sealFailures).toBe(1);
    await check(deps);
    await s.drain();
    expect((await s.owner.login('retry-owner', 'owner@retry.test')).token).toMatch(/^[\w-]+\.[\w-]+\.[\w-]+$/);
    expect((await s.owner.connections(s.ws))[0]).toMatchObject({ status: 'active', badge: 'green' });
    expect((await s.events()).filter((e) => e['detail-type'] === 'connection.expired')).toHaveLength(0);
  });
});
