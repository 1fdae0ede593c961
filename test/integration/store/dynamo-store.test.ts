import { ScanCommand } from '@aws-sdk/client-dynamodb';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { DynamoStore } from '../../../shared/adapters/aws/dynamo-store.js';
import { EnvelopeTokenCipher, LocalKeyFileProvider } from '../../../shared/adapters/token-cipher.js';
import { DUE_CONNECTIONS } from '../../../shared/config/table.js';
import type { Connection } from '../../../shared/domain/connection.js';
import { VersionConflictError } from '../../../shared/domain/errors.js';
import { tokenAadFor } from '../../../shared/use-cases/tokens.js';
import { freshStore } from '../../helpers/table.js';
import { aConnection } from '../../helpers/connection-fixture.js';
import type { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { randomBytes } from 'node:crypto';

let client: DynamoDBClient;
let tableName: string;
let store: DynamoStore;
beforeAll(async () => ({ client, tableName, store } = await freshStore()));
afterAll(() => client.destroy());

const NOW = new Date('2026-06-01T12:00:00Z');
const connection = (id: string, over: Partial<Connection> = {}): Connection => aConnection(id, NOW, over);

describe('connections: conditional writes on a version number', () => {
  it('a lost race is detected and reported, never silently overwritten', async () => {
    await store.connections.create(connection('race'));
    const a = (await store.connections.get('ws-1', 'race'))!;
    const b = (await store.connections.get('ws-1', 'race'))!;
    await store.connections.update({ ...a, status: 'expired', reason: 'revoked', version: 2 }, a.version);
    await expect(store.connections.update({ ...b, displayName: 'renamed', version: 2 }, b.version)).rejects.toBeInstanceOf(VersionConflictError);
    const stored = await store.connections.get('ws-1', 'race');
    expect(stored).toMatchObject({ status: 'expired', reason: 'revoked', displayName: 'Page race', version: 2 });
  });

  it('creating an id that exists is refused', async () => {
    await store.connections.create(connection('dup'));
    await expect(store.connections.create(connection('dup'))).rejects.toBeInstanceOf(VersionConflictError);
  });

  it('only one of two workers gets the refresh lease', async () => {
    await store.connections.create(connection('lease'));
    const until = new Date(NOW.getTime() + 60_000).toISOString();
    const results = await Promise.all([1, 2, 3].map(() => store.connections.acquireLease('ws-1', 'lease', until, NOW.toISOString())));
    expect(results.filter(Boolean)).toHaveLength(1);
    // A lapsed lease can be taken again.
    // The lease answers the connection as stored under it (the refresh reads nothing after it).
    expect(await store.connections.acquireLease('ws-1', 'lease', until, new Date(NOW.getTime() + 120_000).toISOString())).toMatchObject({ connectionId: 'lease', leaseUntil: until, version: 1 });
  });
});

describe('the sparse due index', () => {
  it('returns only connections due by the given instant, and nothing that left the index', async () => {
    const { client: c2, store: s } = await freshStore();
    const due = ['d1', 'd2', 'd3'];
    for (const id of due) await s.connections.create(connection(id, { workspaceId: 'ws-due', nextCheckAt: '2026-06-01T06:00:00.000Z' }));
    for (const id of ['later1', 'later2']) await s.connections.create(connection(id, { workspaceId: 'ws-due', nextCheckAt: '2026-06-20T06:00:00.000Z' }));
    await s.connections.create(connection('gone', { workspaceId: 'ws-due', status: 'expired', nextCheckAt: undefined }));
    const found: string[] = [];
    for (let shard = 0; shard < DUE_CONNECTIONS.readShards; shard++) {
      let cursor: string | undefined;
      do {
        const page = await s.connections.queryDue(shard, NOW.toISOString(), cursor, 1);
        found.push(...page.items.map((i) => i.connectionId));
        cursor = page.cursor;
      } while (cursor);
    }
    expect(found.sort()).toEqual(due);
    c2.destroy();
  });
});

describe('OAuth state: single use', () => {
  it('is consumed once; a second consume fails', async () => {
    await store.oauthStates.put(
      { stateHash: 'h1', platform: 'x', workspaceId: 'ws-1', mode: 'connect', actorUserId: 'u1', createdAt: NOW.toISOString(), expiresAt: new Date(NOW.getTime() + 600_000).toISOString() },
      Math.floor(NOW.getTime() / 1000) + 1200,
    );
    const results = await Promise.all([store.oauthStates.consume('h1', NOW.toISOString()), store.oauthStates.consume('h1', NOW.toISOString())]);
    expect(results.sort()).toEqual([false, true]);
    expect(await store.oauthStates.consume('unknown', NOW.toISOString())).toBe(false);
  });
});

describe('tokens at rest', () => {
  it('the stored item holds no token text, and a sealed blob moved to another connection fails to open', async () => {
    const cipher = new EnvelopeTokenCipher(new LocalKeyFileProvider(randomBytes(32)));
    const secret = 'EAAB-super-secret-access-token-123';
    const refresh = 'AQX-refresh-token-456';
    const a = connection('enc-a');
    const sealed = await cipher.seal(JSON.stringify({ accessToken: secret, refreshToken: refresh }), tokenAadFor(a));
    await store.connections.create({ ...a, tokens: sealed });
    const raw = await client.send(new ScanCommand({ TableName: tableName }));
    const dump = JSON.stringify(raw.Items);
    expect(dump).toContain('enc-a');
    expect(dump).not.toContain(secret);
    expect(dump).not.toContain(refresh);

    const stored = (await store.connections.get('ws-1', 'enc-a'))!;
    expect(JSON.parse(await cipher.open(stored.tokens!, tokenAadFor(stored))).accessToken).toBe(secret);
    const b = connection('enc-b');
    await expect(cipher.open(stored.tokens!, tokenAadFor(b))).rejects.toThrow();
    await expect(cipher.open(stored.tokens!, tokenAadFor({ workspaceId: 'ws-2', connectionId: 'enc-a' }))).rejects.toThrow();
  });

  it('the wrapped data key is bound to its connection too (the KMS encryption context in AWS)', async () => {
    const provider = new LocalKeyFileProvider(randomBytes(32));
    const owner = tokenAadFor(connection('key-a'));
    const { plaintext, encrypted } = await provider.generate(owner);
    expect((await provider.decrypt(encrypted, owner)).equals(plaintext)).toBe(true);
    await expect(provider.decrypt(encrypted, tokenAadFor(connection('key-b')))).rejects.toThrow();
  });
});

describe('email notices: sent once per recipient, never lost to a crash', () => {
  it('one sender claims; others wait; a lapsed lease is taken over; a sent notice stays sent', async () => {
    const t = (s: number) => new Date(NOW.getTime() + s * 1000).toISOString();
    const ttl = Math.floor(NOW.getTime() / 1000) + 86_400;
    const claims = await Promise.all([1, 2, 3].map(() => store.notices.claim('n1', t(0), t(60), ttl)));
    expect(claims.sort()).toEqual(['busy', 'busy', 'claimed']);
    // The sender crashed before sending: after its lease, a retry claims it again.
    expect(await store.notices.claim('n1', t(30), t(90), ttl)).toBe('busy');
    expect(await store.notices.claim('n1', t(61), t(121), ttl)).toBe('claimed');
    await store.notices.markSent('n1', t(62));
    expect(await store.notices.claim('n1', t(500), t(560), ttl)).toBe('sent');
  });
});
