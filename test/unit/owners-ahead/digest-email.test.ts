import { describe, expect, it } from 'vitest';
import { renderWeeklyDigestEmail, type WeeklyDigestInput } from '../../../shared/domain/notifications/digest-email.js';
import { renderConnectionExpiredEmail, renderConnectionRestoredEmail } from '../../../shared/domain/notifications/index.js';
import { sampleExpiredEmailInput } from '../notifications/fixtures.js';

const input = (over: Partial<WeeklyDigestInput> = {}): WeeklyDigestInput => ({
  workspaceName: 'Acme <Marketing>',
  week: '2026-W49',
  connections: [
    { platform: 'x', accountName: 'Acme on X', status: 'active' },
    { platform: 'linkedin', accountName: 'Acme Company', status: 'expiring', deadline: '2026-12-10T00:00:00Z' },
    { platform: 'facebook', accountName: 'Acme Page', status: 'expired', postsAtRisk: 3 },
  ],
  dropped: [{ platform: 'facebook', accountName: 'Acme Page', status: 'expired' }],
  cameBack: [],
  failed: [{ platform: 'facebook', text: 'Spring sale <b>now</b>', at: '2026-11-28T09:00:00Z' }],
  retried: [],
  published: [{ platform: 'x', text: 'Hello week', at: '2026-11-27T09:00:00Z' }],
  dashboardUrl: 'https://app.flamel.ai/app/?workspace=ws-1',
  preferencesUrl: 'https://app.flamel.ai/app/?workspace=ws-1#notifications',
  ...over,
});

describe('weekly digest email', () => {
  it('says "week", lists accounts needing action first with deadline and posts at risk, and the week\'s posts', () => {
    const e = renderWeeklyDigestEmail(input());
    expect(e.subject).toMatch(/week/);
    expect(e.subject).toContain('2 accounts need attention');
    const lines = e.text.split('\n');
    const at = (s: string) => lines.findIndex((l) => l.includes(s));
    expect(at('Acme Page')).toBeLessThan(at('Acme Company'));
    expect(at('Acme Company')).toBeLessThan(at('Acme on X'));
    expect(e.text).toContain('access until 2026-12-10 00:00 UTC');
    expect(e.text).toContain('3 posts of the next 7 days will not go out');
    expect(e.text).toContain('Disconnected this week: Facebook "Acme Page"');
    expect(e.text).toContain('Failed (1)');
    expect(e.text).toContain('Published (1)');
    expect(e.text).toContain('https://app.flamel.ai/app/?workspace=ws-1#notifications');
  });

  it('escapes user text in HTML', () => {
    const html = renderWeeklyDigestEmail(input()).html;
    expect(html).not.toContain('<b>now</b>');
    expect(html).not.toContain('<Marketing>');
    expect(html).toContain('&lt;b&gt;now&lt;/b&gt;');
  });
});

describe('preferences link and posts at risk in the existing emails', () => {
  it('every email with a preferencesUrl carries it; posts at risk are listed in the expiry email', () => {
    const url = 'https://app.flamel.ai/app/?workspace=ws-1#notifications';
    const expired = renderConnectionExpiredEmail(
      sampleExpiredEmailInput({ preferencesUrl: url, postsAtRisk: [{ postId: 'p1', text: 'Friday brunch menu', publishAt: '2025-05-03T09:00:00Z' }], postsAtRiskTotal: 4 }),
    );
    expect(expired.text).toContain(url);
    expect(expired.text).toContain('4 posts coming up will not go out');
    expect(expired.text).toContain('Friday brunch menu');
    expect(expired.text).toContain('and 3 more');
    const restored = renderConnectionRestoredEmail({ platform: 'x', accountName: 'A', workspaceName: 'W', retriedPosts: 0, preferencesUrl: url });
    expect(restored.html).toContain('href="https://app.flamel.ai/app/?workspace=ws-1#notifications"');
  });
});
