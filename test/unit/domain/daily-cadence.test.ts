import { describe, expect, it } from 'vitest';
import { DAILY_SCAN } from '../../../shared/config/messaging.js';
import { computeNextCheckAt, recordHealthyCheck, type Connection } from '../../../shared/domain/connection.js';
import { PLATFORMS } from '../../../shared/config/platforms.js';

/**
 * Daily means daily on hourly ticks: 14 days of a tick every hour; a connection is checked by the
 * first tick at or after it is due, and its check finishes up to DAILY_SCAN.earlyStartHours into the
 * tick (waiting in the queue, or deferred by a spent rate budget within the hour). Every connection is
 * checked once a day: 14 checks, each about 24 hours after the one before, never 21-22 hours.
 */
const HOUR = 3_600_000;
const START = Date.parse('2026-12-01T06:00:00Z');

function seeded(seed: number): () => number {
  let a = seed;
  return () => ((a = (a * 1_103_515_245 + 12_345) % 2_147_483_648) / 2_147_483_648);
}

describe('the hourly ticks check every connection once a day', () => {
  it.each(PLATFORMS)('%s: 14 days of hourly ticks, 14 checks, whenever in its hour a check finishes', (platform) => {
    const random = seeded(platform.length * 7919);
    // Connected (which counts as checked) the morning before the first tick.
    const connectedAt = new Date(START - 22 * HOUR);
    let c: Connection = {
      workspaceId: 'w', connectionId: `c-${platform}`, platform, externalAccountId: 'a', displayName: 'A', status: 'active',
      transientFailures: 0, version: 1, connectedAt: connectedAt.toISOString(), connectedBy: 'u', lastCheckedAt: connectedAt.toISOString(), lastUsedAt: connectedAt.toISOString(),
    };
    c = { ...c, nextCheckAt: computeNextCheckAt(c, connectedAt) };
    const checkedAt: number[] = [];
    for (let tick = START; tick < START + 14 * 24 * HOUR; tick += HOUR) {
      if (c.nextCheckAt !== undefined && Date.parse(c.nextCheckAt) <= tick) {
        const at = tick + DAILY_SCAN.earlyStartHours * HOUR * random() * 0.99;
        checkedAt.push(at);
        c = recordHealthyCheck(c, new Date(at));
      }
    }
    expect(checkedAt).toHaveLength(14);
    for (let i = 1; i < checkedAt.length; i++) expect(checkedAt[i]! - checkedAt[i - 1]!).toBeGreaterThan(23 * HOUR);
  });

  it('a second run on the same day checks nothing again', () => {
    const checkedAt = new Date(START);
    const c: Connection = {
      workspaceId: 'w', connectionId: 'c', platform: 'facebook', externalAccountId: 'a', displayName: 'A', status: 'active',
      transientFailures: 0, version: 1, connectedAt: checkedAt.toISOString(), connectedBy: 'u', lastCheckedAt: checkedAt.toISOString(), lastUsedAt: checkedAt.toISOString(),
    };
    const due = Date.parse(computeNextCheckAt(c, checkedAt)!);
    expect(due - START).toBe((24 - DAILY_SCAN.earlyStartHours) * HOUR);
  });
});
