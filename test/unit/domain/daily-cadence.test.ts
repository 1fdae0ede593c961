import { describe, expect, it } from 'vitest';
import { DAILY_SCAN } from '../../../shared/config/messaging.js';
import { computeNextCheckAt, recordHealthyCheck, type Connection } from '../../../shared/domain/connection.js';
import { PLATFORMS } from '../../../shared/config/platforms.js';

/**
 * Daily means daily: 14 runs of the daily scan, each starting at 06:00 give or take (up to two
 * hours earlier than the day before, or late), each check finishing some minutes into its run.
 * Every connection is checked in every run: 14 checks, one per day.
 */
const HOUR = 3_600_000;
const START = Date.parse('2026-12-01T06:00:00Z');

function seeded(seed: number): () => number {
  let a = seed;
  return () => ((a = (a * 1_103_515_245 + 12_345) % 2_147_483_648) / 2_147_483_648);
}

describe('the daily scan checks every connection every day', () => {
  it.each(PLATFORMS)('%s: 14 runs, 14 checks, even when a run starts up to two hours earlier than the one before', (platform) => {
    const random = seeded(platform.length * 7919);
    // Connected (which counts as checked) the morning before the first run.
    const connectedAt = new Date(START - 22 * HOUR);
    let c: Connection = {
      workspaceId: 'w', connectionId: `c-${platform}`, platform, externalAccountId: 'a', displayName: 'A', status: 'active',
      transientFailures: 0, version: 1, connectedAt: connectedAt.toISOString(), connectedBy: 'u', lastCheckedAt: connectedAt.toISOString(), lastUsedAt: connectedAt.toISOString(),
    };
    c = { ...c, nextCheckAt: computeNextCheckAt(c, connectedAt) };
    let checks = 0;
    let runStart = START;
    for (let day = 0; day < 14; day++) {
      // Each run starts a day after the one before, give or take: up to an hour late, or up to two
      // hours early (every other day the full two hours: the worst case after a late run).
      if (day > 0) runStart += 24 * HOUR + (day % 2 === 0 ? HOUR * random() : -2 * HOUR);
      if (c.nextCheckAt !== undefined && Date.parse(c.nextCheckAt) <= runStart) {
        checks += 1;
        // The check itself finishes some minutes into the run.
        c = recordHealthyCheck(c, new Date(runStart + 40 * 60_000 * random()));
      }
    }
    expect(checks).toBe(14);
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
