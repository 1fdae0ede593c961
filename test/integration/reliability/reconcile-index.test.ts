import { QueryCommand, type DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { DynamoStore } from '../../../shared/adapters/aws/dynamo-store.js';
import { DUE_SHARDS, TABLE, reconcilePk } from '../../../shared/config/table.js';
import type { Post } from '../../../shared/domain/post.js';
import { freshStore } from '../../helpers/table.js';

/**
 * The reconcile index is sparse: only failed and claimed posts and open expiry / failed-post alerts
 * carry its keys, and they leave it as soon as that stops being true (published, resolved), so the
 * reconciliation's reads grow with the stranded work, not with the table.
 */
let client: DynamoDBClient;
let tableName: string;
let store: DynamoStore;
beforeAll(async () => ({ client, tableName, store } = await freshStore()));
afterAll(() => client.destroy());

async function indexed(): Promise<string[]> {
  const all: string[] = [];
  for (let shard = 0; shard < DUE_SHARDS; shard++) {
    const out = await client.send(
      new QueryCommand({
        TableName: tableName,
        IndexName: TABLE.indexes.reconcile.name,
        KeyConditionExpression: '#pk = :pk',
        ExpressionAttributeNames: { '#pk': TABLE.indexes.reconcile.partitionKey },
        ExpressionAttributeValues: { ':pk': { S: reconcilePk(shard) } },
      }),
    );
    all.push(...(out.Items ?? []).map((i) => String(i.reconSk?.S)));
  }
  return all.sort();
}

const post = (postId: string, status: Post['status'], connectionId = 'c-1'): Post => ({
  workspaceId: 'ws-1',
  postId,
  connectionId,
  text: postId,
  publishAt: '2026-06-01T12:00:00.000Z',
  status,
  attempts: 0,
  createdAt: '2026-06-01T11:00:00.000Z',
  createdBy: 'u1',
  version: 1,
});

describe('the reconcile index', () => {
  it('holds failed and claimed posts and open expiry alerts only, grouped by connection, and lets go of them', async () => {
    await store.posts.create(post('p-scheduled', 'scheduled'));
    await store.posts.create(post('p-published', 'published'));
    await store.posts.create(post('p-failed', 'failed'));
    await store.posts.create(post('p-claimed', 'publishing', 'c-2'));
    await store.alerts.putIfAbsent({ workspaceId: 'ws-1', alertId: 'exp-1', kind: 'connection_expired', connectionId: 'c-1', episodeId: 'e1', message: 'down', createdAt: '2026-06-01T12:00:00Z' });
    await store.alerts.putIfAbsent({ workspaceId: 'ws-1', alertId: 'warn-1', kind: 'connection_expiring', connectionId: 'c-1', message: 'soon', createdAt: '2026-06-01T12:00:00Z' });
    expect(await indexed()).toEqual(['ws-1#c-1#a#exp-1', 'ws-1#c-1#f#p-failed', 'ws-1#c-2#c#p-claimed']);

    // A connection's entries come together, and a position skips a section or the whole connection.
    const shard = (await Promise.all(Array.from({ length: DUE_SHARDS }, (_, s) => store.reconcile.list(s, undefined, 10)))).findIndex((p) => p.some((e) => e.connectionId === 'c-1'));
    expect((await store.reconcile.list(shard, undefined, 10)).filter((e) => e.connectionId === 'c-1').map((e) => e.section)).toEqual(['alerts', 'failed']);
    expect((await store.reconcile.list(shard, { workspaceId: 'ws-1', connectionId: 'c-1', section: 'alerts' }, 10)).filter((e) => e.connectionId === 'c-1').map((e) => e.id)).toEqual(['p-failed']);
    expect((await store.reconcile.list(shard, { workspaceId: 'ws-1', connectionId: 'c-1' }, 10)).filter((e) => e.connectionId === 'c-1')).toEqual([]);

    const failed = (await store.posts.get('ws-1', 'p-failed'))!;
    await store.posts.update({ ...failed, status: 'published', version: 2 }, 1);
    expect(await store.reconcile.resolveAlert('ws-1', 'exp-1', '2026-06-02T00:00:00Z')).toBe(true);
    expect(await store.reconcile.resolveAlert('ws-1', 'exp-1', '2026-06-02T00:00:00Z')).toBe(false);
    expect(await indexed()).toEqual(['ws-1#c-2#c#p-claimed']);
    // The restore's own resolution (and a removal's) takes alerts off the index too.
    await store.alerts.putIfAbsent({ workspaceId: 'ws-1', alertId: 'pf-1', kind: 'post_failed', connectionId: 'c-2', postId: 'p-claimed', message: 'failed', createdAt: '2026-06-01T12:00:00Z' });
    expect(await indexed()).toEqual(['ws-1#c-2#a#pf-1', 'ws-1#c-2#c#p-claimed']);
    await store.alerts.resolveForConnection('ws-1', 'c-2', '2026-06-02T00:00:00Z');
    expect(await indexed()).toEqual(['ws-1#c-2#c#p-claimed']);
    expect((await store.alerts.list('ws-1')).find((a) => a.alertId === 'exp-1')).toMatchObject({ resolvedAt: '2026-06-02T00:00:00Z' });
  });
});
