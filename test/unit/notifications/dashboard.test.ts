import { describe, expect, it } from 'vitest';
import { EXPIRY_REASONS } from '../../../shared/config/events.js';
import { PLATFORMS, PLATFORM_LABELS } from '../../../shared/config/platforms.js';
import { REASON_TEXT, expiringGuidance, guidanceFor } from '../../../shared/domain/guidance.js';
import { dashboardAlertMessage } from '../../../shared/domain/notifications/index.js';

describe('dashboardAlertMessage', () => {
  it('connection_expired: platform, account, reason and guidance, on one line', () => {
    for (const platform of PLATFORMS) {
      for (const reason of EXPIRY_REASONS) {
        const m = dashboardAlertMessage({ kind: 'connection_expired', platform, accountName: 'Acme', reason });
        expect(m).toBe(`${PLATFORM_LABELS[platform]} account "Acme" is disconnected because ${REASON_TEXT[reason]}. ${guidanceFor(platform, reason)}`);
        expect(m).not.toMatch(/\n/);
      }
    }
  });

  it('connection_expired: unknown reason, and the error code when given', () => {
    const m = dashboardAlertMessage({
      kind: 'connection_expired',
      platform: 'x',
      accountName: 'Acme',
      errorCode: 'CONNECTION_EXPIRED/x/unknown',
    });
    expect(m).toContain(REASON_TEXT.unknown);
    expect(m).toMatch(/Error code: CONNECTION_EXPIRED\/x\/unknown$/);
  });

  it('connection_expired with admin_role_lost says to get the role back first', () => {
    const m = dashboardAlertMessage({ kind: 'connection_expired', platform: 'linkedin', accountName: 'Acme', reason: 'admin_role_lost' });
    expect(m).toContain('Get your admin role on the LinkedIn Company Page back first, then click Reconnect.');
  });

  it('connection_expiring', () => {
    const deadline = '2025-06-01T00:00:00Z';
    const m = dashboardAlertMessage({ kind: 'connection_expiring', platform: 'linkedin', accountName: 'Acme', deadline });
    expect(m).toBe(`LinkedIn account "Acme" will disconnect on 2025-06-01. ${expiringGuidance('linkedin', deadline)}`);
  });

  it('post_failed: an excerpt and the automatic retry', () => {
    const m = dashboardAlertMessage({
      kind: 'post_failed',
      platform: 'instagram',
      postText: `New drop\n\nour summer collection is here, with ${'more words '.repeat(20)}`,
    });
    expect(m).toMatch(/^Post "New drop our summer collection is here, with more words .*…" to Instagram could not publish; /);
    expect(m).toContain('will retry automatically once Instagram is reconnected');
    expect(m).not.toMatch(/\n/);
    const withAccount = dashboardAlertMessage({ kind: 'post_failed', platform: 'x', postText: 'hi', accountName: 'Acme' });
    expect(withAccount).toBe('Post "hi" to X account "Acme" could not publish; it will retry automatically once X is reconnected.');
  });

  it('post_failed: never splits an emoji', () => {
    const m = dashboardAlertMessage({ kind: 'post_failed', platform: 'tiktok', postText: '🎉'.repeat(100) });
    expect(m).not.toMatch(/[\uD800-\uDBFF](?![\uDC00-\uDFFF])/);
  });

  it('platform_outage', () => {
    expect(dashboardAlertMessage({ kind: 'platform_outage', platform: 'facebook' })).toBe(
      'Facebook may be having an outage: check its status page. Flamel keeps retrying and does not mark accounts expired for it.',
    );
  });
});
