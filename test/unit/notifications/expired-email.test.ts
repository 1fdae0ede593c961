import { describe, expect, it } from 'vitest';
import { EXPIRY_REASONS } from '../../../shared/config/events.js';
import { PLATFORMS, PLATFORM_LABELS } from '../../../shared/config/platforms.js';
import { SUPPORT_EMAIL } from '../../../shared/domain/errors.js';
import { IF_RECONNECT_KEEPS_FAILING, PLATFORM_TIPS, REASON_TEXT } from '../../../shared/domain/guidance.js';
import {
  MAX_LISTED_POSTS,
  connectionExpiredErrorCode,
  renderConnectionExpiredEmail,
} from '../../../shared/domain/notifications/index.js';
import { sampleExpiredEmailInput, sampleFailedPosts } from './fixtures.js';

/** The HTML's visible text, entities decoded: what a reader of the HTML part sees. */
function visibleText(html: string): string {
  return html
    .replace(/<div style="display:none[^>]*>.*?<\/div>/s, '')
    .replace(/<title>.*?<\/title>/s, '')
    .replace(/<[^>]+>/g, ' ')
    .replace(/&quot;/g, '"')
    .replace(/&#39;/g, "'")
    .replace(/&lt;/g, '<')
    .replace(/&gt;/g, '>')
    .replace(/&amp;/g, '&')
    .replace(/\s+/g, ' ');
}

describe('renderConnectionExpiredEmail, every platform × reason', () => {
  const cases = PLATFORMS.flatMap((platform) => EXPIRY_REASONS.map((reason) => ({ platform, reason })));

  it.each(cases)('$platform / $reason', ({ platform, reason }) => {
    const label = PLATFORM_LABELS[platform];
    const input = sampleExpiredEmailInput({
      platform,
      reason,
      errorCode: connectionExpiredErrorCode(platform, reason),
      platformMessage: undefined,
    });
    const email = renderConnectionExpiredEmail(input);

    expect(email.subject).toBe(`Action needed: your ${label} account "Acme Running Co." is disconnected`);
    for (const part of [email.text, visibleText(email.html)]) {
      expect(part).toContain(REASON_TEXT[reason]);
      expect(part).toContain(PLATFORM_TIPS[platform]);
      expect(part).toContain(input.reconnectUrl);
      expect(part).toContain(SUPPORT_EMAIL);
      expect(part).toContain(`CONNECTION_EXPIRED/${platform}/${reason}`);
      expect(part).toContain('Log in as the admin first');
      expect(part).toContain('private (incognito) window');
      expect(part).toContain('retry automatically once you reconnect');
      expect(part).toContain('no need to reschedule');
      for (const step of IF_RECONNECT_KEEPS_FAILING) expect(part).toContain(step);
    }
    expect(email.text).toContain(`Reconnect ${label}: ${input.reconnectUrl}`);
    expect(email.text).toContain('Connected Accounts, and click Reconnect on the account with the red badge');
    expect(email.html).toContain(`href="${input.reconnectUrl.replace(/&/g, '&amp;')}"`);
  });

  it('tells an owner who lost the admin role to get it back first, before reconnecting', () => {
    for (const platform of PLATFORMS) {
      const { text } = renderConnectionExpiredEmail(sampleExpiredEmailInput({ platform, reason: 'admin_role_lost' }));
      const roleBack = text.indexOf('back first, then click Reconnect');
      expect(roleBack).toBeGreaterThan(-1);
      expect(text).toMatch(/Get your admin role on the \S+ (Company )?Page back first/);
      expect(roleBack).toBeLessThan(text.indexOf(`Reconnect ${PLATFORM_LABELS[platform]}:`));
    }
  });

  it('does not ask for the admin role when the reason is something else', () => {
    const { text } = renderConnectionExpiredEmail(sampleExpiredEmailInput({ reason: 'password_changed' }));
    expect(text).not.toContain('back first');
    expect(text).toContain('Click Reconnect and sign in to Facebook again.');
  });

  it('puts the reason\'s step, the admin advice and the button in that order', () => {
    const { text } = renderConnectionExpiredEmail(sampleExpiredEmailInput());
    const order = ['What to do', 'Click Reconnect and sign in', 'Log in as the admin first', 'Reconnect Facebook: https://', 'If reconnect keeps failing', 'Quote this to support'];
    const at = order.map((s) => text.indexOf(s));
    expect(at.every((i) => i >= 0)).toBe(true);
    expect([...at].sort((a, b) => a - b)).toEqual(at);
  });

  it('quotes the platform\'s own message next to the error code when there is one', () => {
    const input = sampleExpiredEmailInput({ platformMessage: 'Session invalidated (code 190)' });
    const email = renderConnectionExpiredEmail(input);
    expect(email.text).toContain("Facebook's message: Session invalidated (code 190)");
    expect(email.text).toContain(`include this error code: ${input.errorCode}.`);
    const without = renderConnectionExpiredEmail(sampleExpiredEmailInput({ platformMessage: undefined }));
    expect(without.text).not.toContain("Facebook's message");
  });

  it('says when it happened', () => {
    const { text } = renderConnectionExpiredEmail(sampleExpiredEmailInput({ occurredAt: '2025-05-01T08:42:17.000Z' }));
    expect(text).toContain('Since 2025-05-01 08:42 UTC');
  });
});

describe('failed posts', () => {
  it('lists up to 10, oldest first, then "and N more"', () => {
    const posts = sampleFailedPosts(13).reverse();
    const { text, html } = renderConnectionExpiredEmail(sampleExpiredEmailInput({ failedPosts: posts }));
    expect(text).toContain('13 posts are waiting');
    expect(text).toContain('These 13 posts could not publish while Facebook was disconnected.');
    const listed = text.split('\n').filter((l) => l.startsWith('  - "Spring sale'));
    expect(listed).toHaveLength(MAX_LISTED_POSTS);
    expect(listed[0]).toContain('day 1:');
    expect(listed[0]).toContain('scheduled for 2025-05-01 09:00 UTC');
    expect(listed[9]).toContain('day 10:');
    expect(text).not.toContain('day 11:');
    expect(text).toContain('  - and 3 more');
    expect(html).toContain('and 3 more');
    expect(html.match(/<li /g)?.length).toBe(MAX_LISTED_POSTS + 1 + IF_RECONNECT_KEEPS_FAILING.length);
  });

  it('lists exactly 10 without "and N more"', () => {
    const { text } = renderConnectionExpiredEmail(sampleExpiredEmailInput({ failedPosts: sampleFailedPosts(10) }));
    expect(text).not.toMatch(/and \d+ more/);
    expect(text.split('\n').filter((l) => l.startsWith('  - "Spring sale'))).toHaveLength(10);
  });

  it('gets one post right', () => {
    const { text, html } = renderConnectionExpiredEmail(sampleExpiredEmailInput({ failedPosts: sampleFailedPosts(1) }));
    expect(text).toContain('A post is waiting');
    expect(text).toContain('This post could not publish while Facebook was disconnected. It retries automatically once you reconnect, so there is no need to reschedule it by hand.');
    expect(html).toContain('1 post is waiting');
  });

  it('shortens long posts to one line', () => {
    const long = `First line\nsecond line ${'x'.repeat(300)}`;
    const { text } = renderConnectionExpiredEmail(
      sampleExpiredEmailInput({ failedPosts: [{ postId: 'p1', text: long, publishAt: '2025-05-01T09:00:00Z' }] }),
    );
    const line = text.split('\n').find((l) => l.startsWith('  - "First line second line'));
    expect(line).toContain('…"');
    expect(line!.length).toBeLessThan(140);
  });

  it('with none failed yet, still promises the automatic retry', () => {
    const { text } = renderConnectionExpiredEmail(sampleExpiredEmailInput({ failedPosts: [] }));
    expect(text).toContain('No posts have failed yet.');
    expect(text).toContain('retries automatically once Facebook is reconnected');
    expect(text).not.toMatch(/and \d+ more/);
  });

  it('is honest about the workspace\'s "skip old posts" option', () => {
    const { text } = renderConnectionExpiredEmail(sampleExpiredEmailInput({ skipPostsOlderThanHours: 24 }));
    expect(text).toContain('skip posts more than 24 hours past their scheduled time');
    expect(renderConnectionExpiredEmail(sampleExpiredEmailInput()).text).not.toContain('skip posts');
  });
});
