import type { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DynamoStore } from '../../../shared/adapters/aws/dynamo-store.js';
import type { AccountClaim } from '../../../shared/ports/store.js';
import { freshTable } from '../../helpers/table.js';

/** The account claim behind "one connection per account and workspace", on dynalite (no transactions). */
let client: DynamoDBClient;
let store: DynamoStore;
beforeAll(async () => {
  const t = await freshTable();
  client = t.client;
  store = new DynamoStore(t.client, t.tableName);
});
afterAll(() => client.destroy());

const claim = (connectionId: string, over: Partial<AccountClaim> = {}): AccountClaim => ({
  workspaceId: 'ws-claim',
  platform: 'facebook',
  externalAccountId: 'page-1',
  connectionId,
  claimedAt: '2026-06-01T12:00:00.000Z',
  ...over,
});

describe('account claim', () => {
  it('of many simultaneous claims exactly one wins; the others are told who holds it', async () => {
    const answers = await Promise.all(Array.from({ length: 10 }, (_, i) => store.connections.claimAccount(claim(`c${i}`))));
    const winners = answers.map((a, i) => (a === undefined ? `c${i}` : undefined)).filter((w) => w !== undefined);
    expect(winners).toHaveLength(1);
    for (const a of answers) if (a) expect(a.connectionId).toBe(winners[0]);
  });

  it('only the holder frees it; once freed, the next claim wins; a takeover needs the exact claim it replaces', async () => {
    const account = { externalAccountId: 'page-2' };
    expect(await store.connections.claimAccount(claim('a', account))).toBeUndefined();
    await store.connections.releaseAccountClaim('ws-claim', 'facebook', 'page-2', 'not-the-holder', '2026-06-01T12:01:00.000Z');
    expect(await store.connections.claimAccount(claim('b', account))).toMatchObject({ connectionId: 'a' });
    await store.connections.releaseAccountClaim('ws-claim', 'facebook', 'page-2', 'a', '2026-06-01T12:02:00.000Z');
    expect(await store.connections.claimAccount(claim('b', account))).toBeUndefined();

    const held = (await store.connections.claimAccount(claim('c', account)))!;
    expect(held.connectionId).toBe('b');
    expect(await store.connections.takeOverAccountClaim(claim('c', account), { ...held, claimedAt: '2020-01-01T00:00:00.000Z' })).toBe(false);
    const [first, second] = await Promise.all([
      store.connections.takeOverAccountClaim(claim('c', account), held),
      store.connections.takeOverAccountClaim(claim('d', account), held),
    ]);
    expect([first, second].filter(Boolean)).toHaveLength(1);
  });

  it('claims are per workspace, platform and account', async () => {
    expect(await store.connections.claimAccount(claim('x1', { externalAccountId: 'page-3' }))).toBeUndefined();
    expect(await store.connections.claimAccount(claim('x2', { externalAccountId: 'page-3', workspaceId: 'ws-other' }))).toBeUndefined();
    expect(await store.connections.claimAccount(claim('x3', { externalAccountId: 'page-3', platform: 'instagram' }))).toBeUndefined();
    // And never listed as a connection of the workspace.
    expect(await store.connections.listByWorkspace('ws-claim')).toEqual([]);
  });
});
