import { describe, expect, it } from 'vitest';
import { sendWeeklyDigests } from '../../../shared/use-cases/digest.js';
import { updateNotificationPreferences } from '../../../shared/use-cases/preferences.js';
import { fakeDeps } from '../../fakes/deps.js';
import { OWNER, seedConnection, seedPost, seedWorkspace } from './seed.js';

describe('the weekly digest', () => {
  it('one email per owner per ISO week, with what was published, and an unsubscribe header', async () => {
    // Prepare
    const f = fakeDeps();
    await seedWorkspace(f);
    await seedConnection(f);
    await seedPost(f, { status: 'published', publishedAt: '2026-05-30T09:00:00.000Z', text: 'Launch day photos' });
    // Act: the weekly run, and a re-run the same week
    const first = await sendWeeklyDigests(f.deps);
    const again = await sendWeeklyDigests(f.deps);
    // Assess
    expect(first).toMatchObject({ workspaces: 1, sent: 1 });
    expect(again.sent).toBe(0);
    expect(f.mailer.sent).toHaveLength(1);
    expect(f.mailer.sent[0]).toMatchObject({ to: OWNER.email, headers: { 'List-Unsubscribe': '<https://app.flamel.test/app/?workspace=ws-1#notifications>' } });
    expect(f.mailer.sent[0]?.text).toContain('Launch day photos');
  });

  it('an owner who turned the digest off gets none', async () => {
    const f = fakeDeps();
    await seedWorkspace(f);
    await updateNotificationPreferences(f.deps, OWNER, 'ws-1', { email: { weeklyDigest: false } });
    expect((await sendWeeklyDigests(f.deps)).sent).toBe(0);
    expect(f.mailer.sent).toEqual([]);
  });

  it('SES failing: logged, not marked sent, so the next run sends it', async () => {
    const f = fakeDeps();
    await seedWorkspace(f);
    f.mailer.failNext();
    expect((await sendWeeklyDigests(f.deps)).sent).toBe(0);
    expect(f.log.at('error')).toHaveLength(1);
    expect((await sendWeeklyDigests(f.deps)).sent).toBe(1);
  });
});
