import { describe, expect, it } from 'vitest';
import { EVENT_TYPES } from '../../../shared/config/events.js';
import { notifyOwners } from '../../../shared/use-cases/notify-owners.js';
import { updateNotificationPreferences } from '../../../shared/use-cases/preferences.js';
import { fakeDeps, type Fakes } from '../../fakes/deps.js';
import { OWNER, seedConnection, seedPost, seedWorkspace } from './seed.js';

const detail = { workspaceId: 'ws-1', connectionId: 'conn-1', platform: 'facebook' as const, reason: 'password_changed' as const, occurredAt: '2026-06-01T09:00:00.000Z', episodeId: 'ep-1' };

async function expiredConnection(f: Fakes) {
  await seedWorkspace(f);
  await seedConnection(f, { platform: 'facebook', status: 'expired', reason: 'password_changed', episodeId: 'ep-1', episodeAnnounced: true, displayName: 'Acme Page' });
}

describe('telling owners', () => {
  it('an expiry: a dashboard alert and one email per owner with the reason, the reconnect link and the code to quote', async () => {
    // Prepare
    const f = fakeDeps();
    await expiredConnection(f);
    // Act: the event is delivered twice
    await notifyOwners(f.deps, EVENT_TYPES.expired, detail);
    await notifyOwners(f.deps, EVENT_TYPES.expired, detail);
    // Assess
    expect(f.mailer.sent).toHaveLength(1);
    const email = f.mailer.sent[0]!;
    expect(email.to).toBe(OWNER.email);
    expect(email.text).toContain('Acme Page');
    expect(email.text).toContain('https://app.flamel.test/app/?workspace=ws-1&reconnect=conn-1');
    expect(email.text).toContain('CONNECTION_EXPIRED/facebook/password_changed');
    expect(email.text).toContain('support@flamel.ai');
    expect((await f.store.alerts.list('ws-1')).map((a) => a.kind)).toEqual(['connection_expired']);
  });

  it('the failed posts are listed in the expiry email', async () => {
    const f = fakeDeps();
    await expiredConnection(f);
    await seedPost(f, { status: 'failed', failedEpisodeId: 'ep-1', failedAt: f.clock.iso(), text: 'Our spring collection is here' });
    f.clock.advanceMinutes(1);
    await notifyOwners(f.deps, EVENT_TYPES.expired, detail);
    expect(f.mailer.sent).toHaveLength(1);
    expect(f.mailer.sent[0]?.text).toContain('Our spring collection is here');
  });

  it('an owner who turned expiry emails off gets none; the alert is still raised', async () => {
    const f = fakeDeps();
    await expiredConnection(f);
    await updateNotificationPreferences(f.deps, OWNER, 'ws-1', { email: { connectionExpired: false } });
    await notifyOwners(f.deps, EVENT_TYPES.expired, detail);
    expect(f.mailer.sent).toEqual([]);
    expect(await f.store.alerts.list('ws-1')).toHaveLength(1);
  });

  it('SES failing: the notice is released, so the redelivery sends it', async () => {
    const f = fakeDeps();
    await expiredConnection(f);
    f.mailer.failNext();
    await expect(notifyOwners(f.deps, EVENT_TYPES.expired, detail)).rejects.toThrow(/SES/);
    await notifyOwners(f.deps, EVENT_TYPES.expired, detail);
    expect(f.mailer.sent).toHaveLength(1);
  });

  it('a restore that overtook the expiry event: no alert, no email', async () => {
    const f = fakeDeps();
    await seedWorkspace(f);
    await seedConnection(f, { platform: 'facebook', status: 'active', episodeId: 'ep-1' });
    expect(await notifyOwners(f.deps, EVENT_TYPES.expired, detail)).toEqual({ emailsSent: 0 });
    expect(await f.store.alerts.list('ws-1')).toEqual([]);
  });

  it('a restore resolves the alerts and says the account is back', async () => {
    const f = fakeDeps();
    await expiredConnection(f);
    await notifyOwners(f.deps, EVENT_TYPES.expired, detail);
    f.store.data.connections.update('ws-1#conn-1', (c) => ({ ...c, status: 'active', version: c.version + 1 }));
    await notifyOwners(f.deps, EVENT_TYPES.restored, detail);
    expect(f.mailer.sent).toHaveLength(2);
    expect((await f.store.alerts.list('ws-1')).every((a) => a.resolvedAt === f.clock.iso())).toBe(true);
  });
});
