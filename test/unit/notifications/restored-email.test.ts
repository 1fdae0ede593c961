import { describe, expect, it } from 'vitest';
import { PLATFORMS, PLATFORM_LABELS } from '../../../shared/config/platforms.js';
import { renderConnectionRestoredEmail } from '../../../shared/domain/notifications/index.js';

const base = { platform: 'facebook', accountName: 'Acme', workspaceName: 'Acme Marketing' } as const;

describe('renderConnectionRestoredEmail', () => {
  it.each(PLATFORMS)('names %s and the account', (platform) => {
    const email = renderConnectionRestoredEmail({ ...base, platform, retriedPosts: 0 });
    expect(email.subject).toBe(`Reconnected: your ${PLATFORM_LABELS[platform]} account "Acme" is back online`);
    expect(email.text).toContain(`Flamel can post to ${PLATFORM_LABELS[platform]} as "Acme" again`);
  });

  it('one post: singular', () => {
    const { text, html } = renderConnectionRestoredEmail({ ...base, retriedPosts: 1 });
    expect(text).toContain('Flamel is retrying the 1 post that failed while it was disconnected. You do not need to reschedule it.');
    expect(text).not.toContain('1 posts');
    expect(html).toContain('1 failed post is being retried.');
  });

  it('several posts: plural', () => {
    const { text, html } = renderConnectionRestoredEmail({ ...base, retriedPosts: 7 });
    expect(text).toContain('Flamel is retrying the 7 posts that failed while it was disconnected. You do not need to reschedule them.');
    expect(html).toContain('7 failed posts are being retried.');
  });

  it('no posts: no retry sentence', () => {
    for (const retriedPosts of [0, -1, Number.NaN]) {
      const { text, html } = renderConnectionRestoredEmail({ ...base, retriedPosts });
      expect(text).not.toMatch(/retr(y|ied|ying)/i);
      expect(html).not.toMatch(/retr(y|ied|ying)/i);
    }
  });

  it('is short', () => {
    const { text } = renderConnectionRestoredEmail({ ...base, retriedPosts: 3 });
    expect(text.split('\n').filter((l) => l.trim() !== '').length).toBeLessThanOrEqual(7);
  });
});
