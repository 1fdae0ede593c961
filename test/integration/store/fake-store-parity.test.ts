import { DUE_CONNECTIONS } from '../../../shared/config/table.js';
import type { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DynamoStore } from '../../../shared/adapters/aws/dynamo-store.js';
import type { Platform } from '../../../shared/config/platforms.js';
import type { Connection } from '../../../shared/domain/connection.js';
import { VersionConflictError } from '../../../shared/domain/errors.js';
import type { Post } from '../../../shared/domain/post.js';
import type { Store } from '../../../shared/ports/store.js';
import { FakeStore } from '../../fakes/store.js';
import { freshTable } from '../../helpers/table.js';

/**
 * The in-memory store (test/fakes) answers as the DynamoDB adapter does: the same calls, the same
 * assertions, against both. A use-case unit test on the fake then catches what the real one would.
 */
const AT = '2026-06-01T12:00:00.000Z';
const conn = (id: string, over: Partial<Connection> = {}): Connection => ({
  workspaceId: 'ws-p',
  connectionId: id,
  platform: 'linkedin',
  externalAccountId: `acct-${id}`,
  displayName: id,
  status: 'active',
  transientFailures: 0,
  version: 1,
  connectedAt: AT,
  connectedBy: 'u1',
  ...over,
});
const post = (id: string, over: Partial<Post> = {}): Post => ({
  workspaceId: 'ws-p',
  postId: id,
  connectionId: 'c-posts',
  text: id,
  publishAt: AT,
  status: 'scheduled',
  attempts: 0,
  createdAt: AT,
  createdBy: 'u1',
  version: 1,
  ...over,
});

let client: DynamoDBClient;
const stores: Record<string, () => Store> = {};
beforeAll(async () => {
  const t = await freshTable();
  client = t.client;
  const dynamo = new DynamoStore(t.client, t.tableName);
  const fake = new FakeStore();
  stores.dynamo = () => dynamo;
  stores.fake = () => fake;
});
afterAll(() => client.destroy());

describe.each(['dynamo', 'fake'])('the %s store', (name) => {
  const store = () => stores[name]!();

  it('connections: a create of an existing id, a stale version and a revival of a removed one are conflicts', async () => {
    await store().connections.create(conn('c1'));
    await expect(store().connections.create(conn('c1'))).rejects.toBeInstanceOf(VersionConflictError);
    await expect(store().connections.update(conn('c1', { displayName: 'stale', version: 2 }), 7)).rejects.toBeInstanceOf(VersionConflictError);
    await store().connections.update(conn('c1', { status: 'removed', version: 2 }), 1);
    await expect(store().connections.update(conn('c1', { status: 'active', version: 3 }), 2)).rejects.toBeInstanceOf(VersionConflictError);
    await expect(store().connections.update(conn('missing', { version: 2 }), 1)).rejects.toBeInstanceOf(VersionConflictError);
    expect(await store().connections.get('ws-p', 'c1')).toMatchObject({ status: 'removed', version: 2, displayName: 'c1' });
  });

  it('connections: the refresh lease goes to one caller until it lapses, never on a removed connection, and bumps no version', async () => {
    await store().connections.create(conn('lease'));
    // Taken: the connection as stored under the lease.
    expect(await store().connections.acquireLease('ws-p', 'lease', '2026-06-01T12:01:00.000Z', AT)).toEqual({ ...conn('lease'), leaseUntil: '2026-06-01T12:01:00.000Z' });
    expect(await store().connections.acquireLease('ws-p', 'lease', '2026-06-01T12:01:00.000Z', AT)).toBeUndefined();
    expect(await store().connections.acquireLease('ws-p', 'lease', '2026-06-01T12:03:00.000Z', '2026-06-01T12:02:00.000Z')).toMatchObject({ leaseUntil: '2026-06-01T12:03:00.000Z' });
    expect((await store().connections.get('ws-p', 'lease'))?.version).toBe(1);
    await store().connections.create(conn('gone', { status: 'removed' }));
    expect(await store().connections.acquireLease('ws-p', 'gone', '2026-06-01T12:01:00.000Z', AT)).toBeUndefined();
    expect(await store().connections.acquireLease('ws-p', 'nobody', '2026-06-01T12:01:00.000Z', AT)).toBeUndefined();
  });

  it("an expiry-check message's reads: its connections in order (missing ones undefined, a repeated one twice), the run's counters, each platform's health", async () => {
    await store().connections.create(conn('many-a'));
    await store().connections.create(conn('many-b', { displayName: 'B' }));
    await store().scanRuns.start('run-reads', AT, Date.parse(AT) / 1000 + 86_400);
    await store().scanRuns.addCounts('run-reads', { checked: 2, 'checked:x': 2 });
    await store().platformHealth.put({ platform: 'x', suspectedOutageSince: AT, updatedAt: AT });
    const refs = ['many-b', 'nobody', 'many-a', 'many-b'].map((connectionId) => ({ workspaceId: 'ws-p', connectionId }));
    const read = await store().checkReads.read('run-reads', refs, ['x', 'tiktok']);
    expect(read.connections).toEqual([conn('many-b', { displayName: 'B' }), undefined, conn('many-a'), conn('many-b', { displayName: 'B' })]);
    expect(read.counts).toEqual({ checked: 2, 'checked:x': 2 });
    expect(read.health).toEqual(new Map([['x', { platform: 'x', suspectedOutageSince: AT, updatedAt: AT }], ['tiktok', undefined]]));
    expect(await store().checkReads.read('run-none', [], [])).toEqual({ connections: [], counts: {}, health: new Map() });
  });

  it('rate budgets: a take of several platforms in one window gets what is left of each, then nothing', async () => {
    const ttl = Date.parse(AT) / 1000 + 86_400;
    const take = async (window: string, wants: [Platform, number, number][]) =>
      Object.fromEntries(await store().rateBudgets.takeUpTo(window, wants.map(([platform, limit, wanted]) => ({ platform, limit, wanted })), ttl));
    expect(await take('minute#parity', [['tiktok', 10, 4], ['x', 5, 5]])).toEqual({ tiktok: 4, x: 5 });
    expect(await take('minute#parity', [['tiktok', 10, 4]])).toEqual({ tiktok: 4 });
    // x is spent: tiktok still gets what is left of its own budget.
    expect(await take('minute#parity', [['tiktok', 10, 4], ['x', 5, 1]])).toEqual({ tiktok: 2 });
    expect(await take('minute#parity', [['tiktok', 10, 1], ['x', 5, 1]])).toEqual({});
    // Another window: budgets of its own.
    expect(await take('minute#parity-next', [['tiktok', 10, 25]])).toEqual({ tiktok: 10 });
  });

  it("scan runs: a message's outcomes add up in one write, and every counter comes back", async () => {
    await store().scanRuns.start('run-parity', AT, Date.parse(AT) / 1000 + 86_400);
    expect(await store().scanRuns.addCounts('run-parity', { checked: 3, healthy: 2, 'checked:x': 3, 'healthy:x': 2, 'transient:x': 1, transient: 1 })).toEqual({ checked: 3, healthy: 2, 'checked:x': 3, 'healthy:x': 2, 'transient:x': 1, transient: 1 });
    expect(await store().scanRuns.addCounts('run-parity', { checked: 1, 'checked:x': 1, transient: 1, 'transient:x': 1 })).toMatchObject({ checked: 4, transient: 2, 'transient:x': 2 });
    expect(await store().scanRuns.countPermanent('run-parity', 'x', 'revoked')).toMatchObject({ checked: 4, 'permanent:x:revoked': 1 });
    expect((await store().scanRuns.get('run-parity'))?.counts).toMatchObject({ checked: 4, healthy: 2, 'permanent:x:revoked': 1 });
  });

  it('account claims: one holder; a released claim is free; a takeover is compare-and-set', async () => {
    const claim = { workspaceId: 'ws-p', platform: 'x' as const, externalAccountId: 'acct', connectionId: 'a', claimedAt: AT };
    expect(await store().connections.claimAccount(claim)).toBeUndefined();
    expect(await store().connections.claimAccount({ ...claim, connectionId: 'b' })).toMatchObject({ connectionId: 'a' });
    expect(await store().connections.takeOverAccountClaim({ ...claim, connectionId: 'c' }, { ...claim, claimedAt: '2020-01-01T00:00:00.000Z' })).toBe(false);
    expect(await store().connections.takeOverAccountClaim({ ...claim, connectionId: 'c' }, claim)).toBe(true);
    await store().connections.releaseAccountClaim('ws-p', 'x', 'acct', 'a', AT); // not a's any more: no effect
    expect(await store().connections.claimAccount({ ...claim, connectionId: 'd' })).toMatchObject({ connectionId: 'c' });
    await store().connections.releaseAccountClaim('ws-p', 'x', 'acct', 'c', AT);
    expect(await store().connections.claimAccount({ ...claim, connectionId: 'd' })).toBeUndefined();
  });

  it('the due index: only what is due by then, in order, page by page', async () => {
    const ids = ['d1', 'd2', 'd3', 'd4', 'd5', 'd6', 'd7', 'd8'];
    for (const [i, id] of ids.entries()) await store().connections.create(conn(id, { workspaceId: 'ws-due', nextCheckAt: `2026-06-0${1 + (i % 3)}T00:00:00.000Z` }));
    await store().connections.create(conn('later', { workspaceId: 'ws-due', nextCheckAt: '2026-07-01T00:00:00.000Z' }));
    const seen: string[] = [];
    for (let shard = 0; shard < DUE_CONNECTIONS.readShards; shard++) {
      let cursor: string | undefined;
      do {
        const p = await store().connections.queryDue(shard, '2026-06-02T00:00:00.000Z', cursor, 1);
        seen.push(...p.items.filter((i) => i.workspaceId === 'ws-due').map((i) => i.connectionId));
        cursor = p.cursor;
      } while (cursor);
    }
    // Due on 06-01 or 06-02 (i % 3 is 0 or 1), never 06-03 or July.
    expect(seen.sort()).toEqual(['d1', 'd2', 'd4', 'd5', 'd7', 'd8']);
  });

  it('posts: version and status conditions; a discard only from the named statuses', async () => {
    await store().posts.create(post('p1'));
    await expect(store().posts.create(post('p1'))).rejects.toBeInstanceOf(VersionConflictError);
    await expect(store().posts.transition(post('p1', { status: 'publishing', version: 2 }), ['failed'], 1)).rejects.toBeInstanceOf(VersionConflictError);
    await store().posts.transition(post('p1', { status: 'publishing', version: 2 }), ['scheduled'], 1);
    await expect(store().posts.update(post('p1', { version: 3 }), 1)).rejects.toBeInstanceOf(VersionConflictError);
    expect(await store().owners.discardPost('ws-p', 'p1', ['scheduled', 'failed'])).toBe(false);
    expect(await store().owners.discardPost('ws-p', 'nope', ['scheduled'])).toBe(false);
    await store().posts.create(post('p2'));
    expect(await store().owners.discardPost('ws-p', 'p2', ['scheduled'])).toBe(true);
    expect(await store().posts.get('ws-p', 'p2')).toBeUndefined();
  });

  it('posts at risk read [from, until) of one connection, only scheduled ones', async () => {
    await store().posts.create(post('r1', { connectionId: 'c-risk', publishAt: '2026-06-02T00:00:00.000Z' }));
    await store().posts.create(post('r2', { connectionId: 'c-risk', publishAt: '2026-06-03T00:00:00.000Z' }));
    await store().posts.create(post('r3', { connectionId: 'c-risk', publishAt: '2026-06-04T00:00:00.000Z' }));
    await store().posts.create(post('r4', { connectionId: 'c-risk', publishAt: '2026-06-02T06:00:00.000Z', status: 'failed' }));
    const page = await store().owners.scheduledByConnection('c-risk', '2026-06-02T00:00:00.000Z', '2026-06-04T00:00:00.000Z', 10);
    expect(page).toEqual({ items: [expect.objectContaining({ postId: 'r1' }), expect.objectContaining({ postId: 'r2' })], more: false });
    expect((await store().owners.scheduledByConnection('c-risk', '2026-06-01T00:00:00.000Z', '2026-06-09T00:00:00.000Z', 2)).more).toBe(true);
  });

  it('single-use stamps and notices answer once', async () => {
    const state = { stateHash: 'h1', platform: 'x' as const, workspaceId: 'ws-p', mode: 'connect' as const, actorUserId: 'u1', createdAt: AT, expiresAt: AT };
    await store().oauthStates.put(state, 1);
    expect(await store().oauthStates.consume('h1', AT)).toBe(true);
    expect(await store().oauthStates.consume('h1', AT)).toBe(false);
    expect(await store().oauthStates.consume('never-issued', AT)).toBe(false);
    expect(await store().notices.claim('n1', AT, '2026-06-01T12:01:00.000Z', 1)).toBe('claimed');
    expect(await store().notices.claim('n1', AT, '2026-06-01T12:01:00.000Z', 1)).toBe('busy');
    expect(await store().notices.claim('n1', '2026-06-01T12:02:00.000Z', '2026-06-01T12:03:00.000Z', 1)).toBe('claimed');
    await store().notices.markSent('n1', AT);
    expect(await store().notices.claim('n1', '2026-06-02T00:00:00.000Z', '2026-06-02T00:01:00.000Z', 1)).toBe('sent');
    expect(await store().history.add('ws-p', 'c1', 'k1', { at: AT, type: 'connected' })).toBe(true);
    expect(await store().history.add('ws-p', 'c1', 'k1', { at: AT, type: 'link_used' })).toBe(false);
    expect(await store().history.list('ws-p', 'c1')).toEqual([{ at: AT, type: 'connected' }]);
  });

  it('settings of a workspace that does not exist fail as a condition, not as a new item', async () => {
    await expect(store().workspaces.setHub('ws-none', 'hub')).rejects.toMatchObject({ name: 'ConditionalCheckFailedException' });
    await expect(store().owners.setStalePosts('ws-none', { policy: 'hold', afterHours: 2 })).rejects.toMatchObject({ name: 'ConditionalCheckFailedException' });
    expect(await store().workspaces.get('ws-none')).toBeUndefined();
  });

  it('reconcile: failed and claimed posts and open expiry alerts, grouped by connection, resumable', async () => {
    await store().posts.create(post('f1', { workspaceId: 'ws-r', connectionId: 'c-r', status: 'failed' }));
    await store().posts.create(post('c1', { workspaceId: 'ws-r', connectionId: 'c-r', status: 'publishing' }));
    await store().alerts.putIfAbsent({ workspaceId: 'ws-r', alertId: 'a1', kind: 'connection_expired', connectionId: 'c-r', message: 'm', createdAt: AT });
    expect(await store().alerts.putIfAbsent({ workspaceId: 'ws-r', alertId: 'a1', kind: 'connection_expired', connectionId: 'c-r', message: 'other', createdAt: AT })).toBe(false);
    const all = async () => {
      const out: string[] = [];
      for (let s = 0; s < 4; s++) out.push(...(await store().reconcile.list(s, undefined, 50)).filter((e) => e.workspaceId === 'ws-r').map((e) => `${e.section}:${e.id}`));
      return out;
    };
    expect(await all()).toEqual(['alerts:a1', 'claims:c1', 'failed:f1']);
    expect(await store().reconcile.resolveAlert('ws-r', 'a1', AT)).toBe(true);
    expect(await store().reconcile.resolveAlert('ws-r', 'a1', AT)).toBe(false);
    expect(await all()).toEqual(['claims:c1', 'failed:f1']);
  });
});
