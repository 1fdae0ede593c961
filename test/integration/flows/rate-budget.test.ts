import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import type { DynamoStore } from '../../../shared/adapters/aws/dynamo-store.js';
import { RATE_BUDGETS } from '../../../shared/config/rate-budgets.js';
import type { TokenCipher } from '../../../shared/ports/misc.js';
import type { PlatformRegistry } from '../../../shared/ports/platform.js';
import type { Log } from '../../../shared/use-cases/deps.js';
import { takeCheckToken } from '../../../shared/use-cases/rate-budget.js';
import { checkConnection } from '../../../shared/use-cases/scan.js';
import { CountingMetrics } from '../../../local/services/metrics.js';
import { aConnection } from '../../helpers/connection-fixture.js';
import { freshStore } from '../../helpers/table.js';

const quiet: Log = { info: () => {}, warn: () => {}, error: () => {}, debug: () => {}, with: () => quiet };
const NOW = new Date('2026-06-01T06:00:30Z');

let client: DynamoDBClient;
let store: DynamoStore;
beforeAll(async () => ({ client, store } = await freshStore()));
afterAll(() => client.destroy());

describe('per-platform rate budgets', () => {
  it('hands out exactly the minute budget across concurrent workers, then a fresh one the next minute', async () => {
    const limit = RATE_BUDGETS.linkedin.checksPerMinute;
    const taken = await Promise.all(Array.from({ length: limit + 20 }, () => takeCheckToken({ store }, 'linkedin', NOW)));
    expect(taken.filter(Boolean)).toHaveLength(limit);
    expect(await takeCheckToken({ store }, 'linkedin', new Date(NOW.getTime() + 60_000))).toBe(true);
    // Other platforms have their own buckets.
    expect(await takeCheckToken({ store }, 'x', NOW)).toBe(true);
  });

  it('a check over budget asks nothing of the platform, is not counted, and leaves the connection due', async () => {
    const yesterday = new Date('2026-05-31T06:00:00Z');
    const c = aConnection('conn-r', yesterday, { workspaceId: 'ws-r', platform: 'linkedin', lastUsedAt: yesterday.toISOString(), nextCheckAt: '2026-06-01T05:00:00Z' });
    await store.connections.create(c);
    const refuse = <T>(): T => new Proxy({}, { get: (_t, p) => { throw new Error(`the platform was called (${String(p)})`); } }) as T;
    const later = new Date(NOW.getTime() + 10 * 60_000);
    const deps = { store, platforms: refuse<PlatformRegistry>(), cipher: refuse<TokenCipher>(), bus: { publish: async () => {} }, clock: { now: () => later }, ids: { newId: () => 'id' }, log: quiet, metrics: new CountingMetrics() };
    // Other workers spent this minute's LinkedIn budget.
    for (let i = 0; i < RATE_BUDGETS.linkedin.checksPerMinute; i++) expect(await takeCheckToken({ store }, 'linkedin', later)).toBe(true);
    expect(await checkConnection(deps, 'run-r', c)).toBe('deferred');
    expect(await store.connections.get('ws-r', 'conn-r')).toMatchObject({ version: 1, nextCheckAt: c.nextCheckAt });
    expect(deps.metrics.valueOf('Checks', { platform: 'linkedin' })).toBe(0);
    // An operator sees the budget biting.
    expect(deps.metrics.valueOf('ChecksDeferred', { platform: 'linkedin' })).toBe(1);
    expect((await store.scanRuns.get('run-r'))?.counts.checked ?? 0).toBe(0);
  });
});
