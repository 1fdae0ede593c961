import { describe, expect, it } from 'vitest';
import { lateRetryDecision } from '../../../shared/domain/late-posts.js';

const now = new Date('2026-11-30T12:00:00Z');
const hoursAgo = (h: number) => ({ publishAt: new Date(now.getTime() - h * 3_600_000).toISOString() });

describe('lateRetryDecision (what a restore does with a late post)', () => {
  it('retries every late post by default, as the help page promises', () => {
    expect(lateRetryDecision(hoursAgo(500), {}, now)).toEqual({ action: 'publish' });
    expect(lateRetryDecision(hoursAgo(500), { stalePosts: { policy: 'retry', afterHours: 1 } }, now)).toEqual({ action: 'publish' });
  });

  it('holds or skips only posts more than afterHours late', () => {
    expect(lateRetryDecision(hoursAgo(3), { stalePosts: { policy: 'hold', afterHours: 4 } }, now).action).toBe('publish');
    expect(lateRetryDecision(hoursAgo(5), { stalePosts: { policy: 'hold', afterHours: 4 } }, now).action).toBe('hold');
    expect(lateRetryDecision(hoursAgo(5), { stalePosts: { policy: 'skip', afterHours: 4 } }, now).action).toBe('skip');
  });

  it('keeps skipRetriesOlderThanHours working, and it wins over hold', () => {
    expect(lateRetryDecision(hoursAgo(10), { skipRetriesOlderThanHours: 6 }, now)).toMatchObject({ action: 'skip', message: expect.stringContaining('6 hours') });
    expect(lateRetryDecision(hoursAgo(10), { skipRetriesOlderThanHours: 6, stalePosts: { policy: 'hold', afterHours: 2 } }, now).action).toBe('skip');
    expect(lateRetryDecision(hoursAgo(4), { skipRetriesOlderThanHours: 6, stalePosts: { policy: 'hold', afterHours: 2 } }, now).action).toBe('hold');
  });
});
