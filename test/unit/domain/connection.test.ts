import { describe, expect, it } from 'vitest';
import {
  addDays,
  badgeOf,
  computeNextCheckAt,
  decideCheck,
  expireConnection,
  expiringCauseOf,
  expiringDeadline,
  inactivityDeadline,
  markExpiring,
  recordTransientFailure,
  restoreConnection,
  type Connection,
} from '../../../shared/domain/connection.js';
import { authorizeWorkspaceAccess } from '../../../shared/domain/access.js';
import { checkState } from '../../../shared/domain/oauth-state.js';
import { secretReplacer } from '../../../shared/adapters/logger.js';
import { DAILY_SCAN } from '../../../shared/config/messaging.js';
import { aLinkedInConnection } from '../../helpers/connection-fixture.js';

/** A checked connection is due again this many days later. */
const DAILY = 1 - DAILY_SCAN.earlyStartHours / 24;

const NOW = new Date('2026-06-01T12:00:00Z');
const linkedin = (over: Partial<Connection> = {}): Connection => aLinkedInConnection('c', NOW, { externalAccountId: 'org', displayName: 'Org', version: 3, ...over });

describe('connection status machine', () => {
  it('badges: active green, expiring amber, expired red', () => {
    expect([badgeOf('active'), badgeOf('expiring'), badgeOf('expired')]).toEqual(['green', 'amber', 'red']);
  });

  it('expiring opens one episode; expiring it again keeps that episode', () => {
    const first = expireConnection(linkedin(), 'revoked', 'msg', 'ep-1', NOW);
    expect(first.opened).toBe(true);
    // Due again shortly until its announcement is confirmed (then it leaves the due index).
    expect(first.connection).toMatchObject({ status: 'expired', reason: 'revoked', episodeId: 'ep-1', episodeAnnounced: false, nextCheckAt: addDays(NOW, 10 / 1440) });
    const second = expireConnection(first.connection, 'password_changed', 'other', 'ep-2', NOW);
    expect(second.opened).toBe(false);
    expect(second.connection.episodeId).toBe('ep-1');
  });

  it('a restore clears the reason and puts it back on the scan schedule', () => {
    const expired = expireConnection(linkedin(), 'revoked', undefined, 'ep', NOW).connection;
    const sealed = { ciphertext: 'x', iv: 'x', tag: 'x', encryptedDataKey: 'x', keyId: 'k' };
    const restored = restoreConnection(expired, sealed, { accessTokenExpiresAt: addDays(NOW, 60) }, 'Org', NOW);
    expect(restored).toMatchObject({ status: 'active', reason: undefined, episodeId: 'ep' });
    expect(restored?.nextCheckAt).toMatch(/^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}/);
  });

  it('LinkedIn: expiring within 14 days of the consent end, expired (token_expired) after it', () => {
    const c = linkedin({ consentExpiresAt: addDays(NOW, 10), refreshTokenExpiresAt: addDays(NOW, 10) });
    expect(expiringDeadline(c, NOW)).toBe(addDays(NOW, 10));
    expect(expiringDeadline(linkedin(), NOW)).toBeUndefined();
    const m = markExpiring(c, addDays(NOW, 10), NOW);
    expect(m).toMatchObject({ raised: true, connection: { status: 'expiring' } });
    expect(markExpiring(m.connection, addDays(NOW, 10), NOW).raised).toBe(false);
    expect(decideCheck(c, new Date(Date.parse(addDays(NOW, 11))))).toEqual({ kind: 'expire', reason: 'token_expired' });
  });

  it('warns (amber) when an account nears its platform\'s inactivity limit: LinkedIn after 46 idle days, Facebook after 76, X never', () => {
    const idle = (days: number, over: Partial<Connection> = {}) => linkedin({ lastUsedAt: addDays(NOW, -days), ...over });
    expect(expiringDeadline(idle(45), NOW)).toBeUndefined();
    const c = idle(50);
    expect(inactivityDeadline(c)).toBe(addDays(NOW, 10));
    expect(expiringDeadline(c, NOW)).toBe(addDays(NOW, 10));
    expect(expiringCauseOf(c, addDays(NOW, 10))).toBe('inactivity');
    // the earlier of the consent end and the inactivity limit wins, and says why
    const both = idle(50, { consentExpiresAt: addDays(NOW, 5), refreshTokenExpiresAt: addDays(NOW, 5) });
    expect(expiringDeadline(both, NOW)).toBe(addDays(NOW, 5));
    expect(expiringCauseOf(both, addDays(NOW, 5))).toBe('yearly_consent');
    // LinkedIn without a partner refresh token: the 60-day access token is the end, not a yearly consent
    expect(expiringCauseOf({ ...both, refreshTokenExpiresAt: undefined }, addDays(NOW, 5))).toBe('access_ends');
    // past the limit it is the platform's answer that says whether access dropped, not a guess
    expect(expiringDeadline(idle(61), NOW)).toBeUndefined();
    expect(expiringDeadline(idle(75, { platform: 'facebook' }), NOW)).toBeUndefined();
    expect(expiringDeadline(idle(77, { platform: 'facebook', consentExpiresAt: undefined, refreshTokenExpiresAt: undefined, accessTokenExpiresAt: undefined }), NOW)).toBe(addDays(NOW, 13));
    expect(expiringDeadline(idle(200, { platform: 'x', consentExpiresAt: undefined, refreshTokenExpiresAt: undefined }), NOW)).toBeUndefined();
  });

  it('is due at the earliest of refresh-ahead, warning window, keep-warm and probe', () => {
    const c = linkedin();
    // the daily probe beats the others for a fresh connection (a little under a day: the next run may start earlier)
    expect(computeNextCheckAt(c, NOW)).toBe(addDays(NOW, DAILY));
    const old = linkedin({ lastCheckedAt: addDays(NOW, 50), accessTokenExpiresAt: addDays(NOW, 55) });
    // keep-warm (30 idle days) comes before the next daily probe once the connection sat idle
    const idle = linkedin({ lastUsedAt: addDays(NOW, -29.5), lastCheckedAt: NOW.toISOString() });
    expect(computeNextCheckAt(idle, NOW)).toBe(addDays(NOW, 0.5));
    expect(computeNextCheckAt(old, NOW)).toBe(addDays(NOW, 30));
    expect(computeNextCheckAt({ ...c, status: 'expired' }, NOW)).toBeUndefined();
    // An expiry whose announcement may have been lost (the announcer died before PutEvents) stays due
    // for the next scan, which announces it; announced, it leaves the index.
    expect(computeNextCheckAt({ ...c, status: 'expired', episodeAnnounced: false }, NOW)).toBe(addDays(NOW, 10 / 1440));
    expect(computeNextCheckAt({ ...c, status: 'expired', episodeAnnounced: true }, NOW)).toBeUndefined();
  });

  it('a transient failure backs off from now (1, 2, 4 ... hours, each up to a quarter later): the past deadline that made it due does not make it due again at once', () => {
    // Checked yesterday and due since this morning; the check just failed transiently (an outage).
    const due = linkedin({ lastCheckedAt: addDays(NOW, -1.2), lastUsedAt: addDays(NOW, -1.2) });
    expect(Date.parse(computeNextCheckAt(due, NOW)!)).toBeLessThan(NOW.getTime());
    const hour = 3_600_000;
    const after = (c: Connection) => (Date.parse(computeNextCheckAt(c, NOW)!) - NOW.getTime()) / hour;
    expect(after(recordTransientFailure(due, NOW))).toBeGreaterThanOrEqual(1);
    expect(after(recordTransientFailure(due, NOW))).toBeLessThanOrEqual(1.25);
    expect(after({ ...due, transientFailures: 3 })).toBeGreaterThanOrEqual(4);
    expect(after({ ...due, transientFailures: 3 })).toBeLessThanOrEqual(5);
    expect(after({ ...due, transientFailures: 9 })).toBe(24);
  });

  it('connections that failed together in an outage come back spread out, not all at once', () => {
    const times = new Set(
      Array.from({ length: 50 }, (_, i) => computeNextCheckAt(recordTransientFailure(linkedin({ connectionId: `c-${i}`, lastCheckedAt: addDays(NOW, -1.2), lastUsedAt: addDays(NOW, -1.2) }), NOW), NOW)),
    );
    expect(times.size).toBeGreaterThan(40);
    // The same connection and attempt always gives the same time (pure).
    const one = linkedin({ connectionId: 'same', lastCheckedAt: addDays(NOW, -1.2), transientFailures: 2 });
    expect(computeNextCheckAt(one, NOW)).toBe(computeNextCheckAt({ ...one }, NOW));
  });

  it('a publish in the last day proves the access: the day\'s check makes no platform call, unless a refresh or keep-warm is due', () => {
    const c = linkedin({ platform: 'facebook', consentExpiresAt: undefined, refreshTokenExpiresAt: undefined, lastUsedAt: addDays(NOW, -0.1) });
    expect(decideCheck({ ...c, lastPublishedAt: addDays(NOW, -0.5) }, NOW)).toEqual({ kind: 'proven' });
    expect(decideCheck({ ...c, lastPublishedAt: addDays(NOW, -1.5) }, NOW)).toEqual({ kind: 'probe', why: 'probe' });
    expect(decideCheck(c, NOW)).toEqual({ kind: 'probe', why: 'probe' });
    // LinkedIn inside its refresh window refreshes whatever was published
    const ahead = linkedin({ lastPublishedAt: addDays(NOW, -0.5), accessTokenExpiresAt: addDays(NOW, 3) });
    expect(decideCheck(ahead, NOW).kind).toBe('refresh');
  });

  it('X and TikTok short access tokens are not a reason to be due every day', () => {
    const x: Connection = { ...linkedin({ platform: 'x', consentExpiresAt: undefined, refreshTokenExpiresAt: undefined }), accessTokenExpiresAt: new Date(NOW.getTime() + 7_200_000).toISOString() };
    expect(computeNextCheckAt(x, NOW)).toBe(addDays(NOW, DAILY));
    expect(decideCheck(x, NOW).kind).toBe('refresh');
  });
});

describe('access rules', () => {
  const facts = { workspaceExists: true, isOwner: false, isAdminOfWorkspaceHub: false, workspaceId: 'w' };
  it('owner ok; hub admin needs the context header; strangers are forbidden', () => {
    expect(() => authorizeWorkspaceAccess({ ...facts, isOwner: true })).not.toThrow();
    expect(() => authorizeWorkspaceAccess({ ...facts, isAdminOfWorkspaceHub: true })).toThrow(expect.objectContaining({ code: 'WORKSPACE_CONTEXT_REQUIRED' }));
    expect(() => authorizeWorkspaceAccess({ ...facts, isAdminOfWorkspaceHub: true, contextWorkspaceId: 'w' })).not.toThrow();
    expect(() => authorizeWorkspaceAccess(facts)).toThrow(expect.objectContaining({ code: 'FORBIDDEN' }));
    expect(() => authorizeWorkspaceAccess({ ...facts, workspaceExists: false })).toThrow(expect.objectContaining({ code: 'NOT_FOUND' }));
  });
});

describe('OAuth state checks by timestamp', () => {
  const state = { stateHash: 'h', platform: 'x' as const, workspaceId: 'w', mode: 'connect' as const, actorUserId: 'u', createdAt: NOW.toISOString(), expiresAt: new Date(NOW.getTime() + 600_000).toISOString() };
  it('unknown, other platform, used, expired', () => {
    expect(checkState(undefined, 'x', NOW)).toEqual({ ok: false, code: 'STATE_INVALID' });
    expect(checkState(state, 'tiktok', NOW)).toEqual({ ok: false, code: 'STATE_INVALID' });
    expect(checkState({ ...state, usedAt: NOW.toISOString() }, 'x', NOW)).toEqual({ ok: false, code: 'STATE_USED' });
    expect(checkState(state, 'x', new Date(NOW.getTime() + 600_001))).toEqual({ ok: false, code: 'STATE_EXPIRED' });
    expect(checkState(state, 'x', NOW)).toEqual({ ok: true });
  });
});

describe('log redaction', () => {
  it('never lets token-like fields through', () => {
    const out = JSON.stringify({ accessToken: 'a', nested: { refresh_token: 'b', code: 'c', state: 's', ok: 1 }, authorization: 'Bearer z' }, secretReplacer);
    expect(out).not.toMatch(/"a"|"b"|"c"|"s"|Bearer/);
    expect(out).toContain('"ok":1');
  });
});
