import { ScanCommand, type DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { DynamoStore } from '../../../shared/adapters/aws/dynamo-store.js';
import { historyTtlEpochSeconds, HISTORY_TTL_DAYS } from '../../../shared/domain/history.js';
import { hashState } from '../../../shared/domain/oauth-secrets.js';
import { linkExpiresAt, newLinkToken, type ReconnectLink } from '../../../shared/domain/reconnect-link.js';
import { freshStore } from '../../helpers/table.js';

let client: DynamoDBClient;
let tableName: string;
let store: DynamoStore;
beforeAll(async () => ({ client, tableName, store } = await freshStore()));
afterAll(() => client.destroy());

const NOW = new Date('2026-11-30T12:00:00Z');

describe('history items', () => {
  it('writes an event once per key, whatever its time, and lists them with a TTL of at least 90 days', async () => {
    expect(await store.history.add('w', 'c', 'expired#ep1', { at: NOW.toISOString(), type: 'expired', reason: 'revoked', errorCode: 'CONNECTION_EXPIRED/x/revoked', episodeId: 'ep1' })).toBe(true);
    // A redelivery, later: nothing is written twice.
    expect(await store.history.add('w', 'c', 'expired#ep1', { at: '2026-11-30T12:05:00Z', type: 'expired', reason: 'revoked', errorCode: 'CONNECTION_EXPIRED/x/revoked', episodeId: 'ep1' })).toBe(false);
    expect(await store.history.add('w', 'c', 'restored#ep1', { at: '2026-11-30T13:00:00Z', type: 'restored', episodeId: 'ep1' })).toBe(true);
    expect(await store.history.add('w', 'other', 'restored#ep1', { at: '2026-11-30T13:00:00Z', type: 'restored', episodeId: 'ep1' })).toBe(true);
    const events = await store.history.list('w', 'c');
    expect(events.map((e) => [e.type, e.at])).toEqual(
      expect.arrayContaining([
        ['expired', NOW.toISOString()],
        ['restored', '2026-11-30T13:00:00Z'],
      ]),
    );
    expect(events).toHaveLength(2);
    expect(HISTORY_TTL_DAYS).toBeGreaterThanOrEqual(90);
    expect(historyTtlEpochSeconds(NOW.toISOString()) - NOW.getTime() / 1000).toBe(HISTORY_TTL_DAYS * 86_400);
  });
});

describe('reconnect link items', () => {
  it('keeps only the hash, one current link per connection, and is consumed once', async () => {
    const token = newLinkToken();
    const link: ReconnectLink = { tokenHash: hashState(token), workspaceId: 'w', connectionId: 'c', platform: 'facebook', createdBy: 'u', createdAt: NOW.toISOString(), expiresAt: linkExpiresAt(NOW) };
    await store.reconnectLinks.put(link, 2_000_000_000);
    await store.reconnectLinks.setCurrent('w', 'c', link.tokenHash);
    expect(await store.reconnectLinks.get(link.tokenHash)).toEqual(link);
    expect(await store.reconnectLinks.current('w', 'c')).toBe(link.tokenHash);
    const raw = JSON.stringify((await client.send(new ScanCommand({ TableName: tableName }))).Items);
    expect(raw).not.toContain(token);

    expect(await store.reconnectLinks.consume(link.tokenHash, NOW.toISOString())).toBe(true);
    expect(await store.reconnectLinks.consume(link.tokenHash, NOW.toISOString())).toBe(false);
    expect((await store.reconnectLinks.get(link.tokenHash))?.usedAt).toBe(NOW.toISOString());
    expect(await store.reconnectLinks.consume(hashState('unknown'), NOW.toISOString())).toBe(false);

    await store.reconnectLinks.setCurrent('w', 'c', undefined);
    expect(await store.reconnectLinks.current('w', 'c')).toBeUndefined();
    // Other items of the workspace are not mistaken for connections.
    expect(await store.connections.listByWorkspace('w')).toEqual([]);
  });
});
