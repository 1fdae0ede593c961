import { describe, expect, it } from 'vitest';
import { isoWeekOf } from '../../../shared/domain/iso-week.js';
import { defaultPreferences, mergePreferences, preferencesUrlFor, withDefaults } from '../../../shared/domain/preferences.js';

describe('notification preferences', () => {
  it('a partial change keeps the other switches; a stored record missing a (newer) switch reads it as on', () => {
    const off = mergePreferences(defaultPreferences(), { email: { connectionExpired: false } });
    expect(off.email).toEqual({ connectionExpired: false, postsFailed: true, connectionRestored: true, expiringSoon: true, weeklyDigest: true });
    expect(mergePreferences(off, { email: { weeklyDigest: false } }).email).toMatchObject({ connectionExpired: false, weeklyDigest: false });
    expect(withDefaults({ email: { postsFailed: false, bogus: false } }).email).toEqual({ connectionExpired: true, postsFailed: false, connectionRestored: true, expiringSoon: true, weeklyDigest: true });
  });

  it('links to the dashboard notifications panel of the workspace, encoded', () => {
    expect(preferencesUrlFor('https://app.flamel.ai', 'ws 1&x')).toBe('https://app.flamel.ai/app/?workspace=ws%201%26x#notifications');
  });
});

describe('isoWeekOf', () => {
  it('names ISO weeks, including across a year boundary', () => {
    expect(isoWeekOf(new Date('2026-11-30T12:00:00Z')).week).toBe('2026-W49');
    expect(isoWeekOf(new Date('2026-12-06T23:59:59Z')).week).toBe('2026-W49');
    expect(isoWeekOf(new Date('2026-12-07T00:00:00Z')).week).toBe('2026-W50');
    // 2021-01-03 (a Sunday) belongs to 2020's week 53; 2024-12-30 (a Monday) to 2025's week 1.
    expect(isoWeekOf(new Date('2021-01-03T10:00:00Z')).week).toBe('2020-W53');
    expect(isoWeekOf(new Date('2024-12-30T10:00:00Z')).week).toBe('2025-W01');
    expect(isoWeekOf(new Date('2026-11-30T12:00:00Z')).start.toISOString()).toBe('2026-11-30T00:00:00.000Z');
  });
});
