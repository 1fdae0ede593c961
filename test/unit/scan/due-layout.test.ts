import { describe, expect, it } from 'vitest';
import { PEAK_CHECKS_PER_SECOND, RATE_BUDGETS } from '../../../shared/config/rate-budgets.js';
import { DUE_CONNECTIONS, DUE_SHARDS, DUE_WRITES_PER_PARTITION_CEILING, dueConnectionKeys, dueConnectionShardsFor, parseDueConnectionSk, shardOf } from '../../../shared/config/table.js';
import { PLATFORMS } from '../../../shared/config/platforms.js';

describe('due-index layout', () => {
  it('sizes the shards from the expected connections and the peak write rate', () => {
    expect(dueConnectionShardsFor(10_000, 10)).toBe(DUE_SHARDS);
    expect(dueConnectionShardsFor(1_000_000, 10)).toBe(64);
    expect(dueConnectionShardsFor(10_000_000, 10)).toBe(512);
    // 10,000 checks a second: each moves a due entry (2 index writes), at most the ceiling per partition.
    const byWrites = dueConnectionShardsFor(10_000, 10_000);
    expect((2 * 10_000) / byWrites).toBeLessThanOrEqual(DUE_WRITES_PER_PARTITION_CEILING);
  });

  it('the configured layout absorbs the rate budgets at their peak, and reads at least what it writes', () => {
    expect((2 * PEAK_CHECKS_PER_SECOND) / DUE_CONNECTIONS.shards).toBeLessThanOrEqual(DUE_WRITES_PER_PARTITION_CEILING);
    expect(DUE_CONNECTIONS.readShards).toBeGreaterThanOrEqual(DUE_CONNECTIONS.shards);
  });

  it('an earlier, smaller layout lies inside the current one (growing loses no entry)', () => {
    for (let i = 0; i < 500; i++) expect(shardOf(`c-${i}`, DUE_SHARDS)).toBeLessThan(DUE_CONNECTIONS.readShards);
  });

  it('builds and reads back one sort key', () => {
    const keys = dueConnectionKeys({ workspaceId: 'ws-1', connectionId: 'c-9', nextCheckAt: '2026-06-01T06:00:00.000Z' }, 16);
    expect(keys).toEqual({ duePk: `DUE#CONN#${shardOf('c-9', 16)}`, dueSk: '2026-06-01T06:00:00.000Z#ws-1#c-9' });
    expect(parseDueConnectionSk(keys.dueSk)).toEqual({ workspaceId: 'ws-1', connectionId: 'c-9' });
  });

  it('every platform has a budget with its source, and the daily one fits in the minutes of a day', () => {
    for (const p of PLATFORMS) {
      const b = RATE_BUDGETS[p];
      expect(b.source).toMatch(/^https:\/\//);
      expect(b.checksPerMinute).toBeGreaterThan(0);
      if (b.checksPerDay !== undefined) expect(b.checksPerDay).toBeLessThanOrEqual(b.checksPerMinute * 1440);
    }
    // TikTok documents 600 requests a minute for /v2/user/info/: the budget stays under it.
    expect(RATE_BUDGETS.tiktok.checksPerMinute * RATE_BUDGETS.tiktok.callsPerCheck).toBeLessThan(600);
  });
});
