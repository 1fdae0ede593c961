import { describe, expect, it } from 'vitest';
import { getNotificationPreferences, updateNotificationPreferences } from '../../../shared/use-cases/preferences.js';
import { fakeDeps } from '../../fakes/deps.js';
import { OWNER } from './seed.js';

describe('email preferences', () => {
  it('every email is on until turned off; a partial change keeps the other switches', async () => {
    const f = fakeDeps();
    const before = await getNotificationPreferences(f.deps, OWNER, 'ws-1');
    expect(Object.values(before.email).every((v) => v)).toBe(true);
    await updateNotificationPreferences(f.deps, OWNER, 'ws-1', { email: { weeklyDigest: false } });
    const after = await updateNotificationPreferences(f.deps, OWNER, 'ws-1', { email: { expiringSoon: false } });
    expect(after.email).toEqual({ ...before.email, weeklyDigest: false, expiringSoon: false });
    expect(await getNotificationPreferences(f.deps, OWNER, 'ws-1')).toEqual(after);
  });

  it("are per owner and per workspace", async () => {
    const f = fakeDeps();
    await updateNotificationPreferences(f.deps, OWNER, 'ws-1', { email: { connectionExpired: false } });
    expect((await getNotificationPreferences(f.deps, OWNER, 'ws-2')).email.connectionExpired).toBe(true);
    expect((await getNotificationPreferences(f.deps, { userId: 'bob' }, 'ws-1')).email.connectionExpired).toBe(true);
  });
});
