import { describe, expect, it } from 'vitest';
import { renderConnectionExpiredEmail, renderPostsFailedEmail } from '../../shared/domain/notifications/index.js';

// Issue 10, point 6: the emails say how many failed in all, list the first ten, and link to the rest.
const loaded = Array.from({ length: 50 }, (_, i) => ({ postId: `p${i}`, text: `Post ${i + 1}`, publishAt: `2026-11-30T10:${String(i).padStart(2, '0')}:00Z` }));
const base = {
  platform: 'linkedin' as const,
  accountName: 'Count Co',
  workspaceName: 'Counted',
  reason: 'revoked' as const,
  errorCode: 'CONNECTION_EXPIRED/linkedin/revoked',
  reconnectUrl: 'https://app.flamel.ai/app/?workspace=w&reconnect=c',
  failedPostsUrl: 'https://app.flamel.ai/app/?workspace=w#alerts',
};

describe('failed posts counted whole', () => {
  it('120 failed, 50 loaded: every figure says 120, ten are listed, "and 110 more", and the link', () => {
    for (const email of [renderPostsFailedEmail({ ...base, failedPosts: loaded, failedPostsTotal: 120 }), renderConnectionExpiredEmail({ ...base, failedPosts: loaded, failedPostsTotal: 120, occurredAt: '2026-11-30T09:00:00Z' })]) {
      expect(email.text).toContain('120 posts are waiting');
      expect(email.text).toContain('These 120 posts could not publish');
      expect(email.text).not.toMatch(/\b50 posts/);
      expect(email.text.match(/^ {2}- "Post \d+"/gm)).toHaveLength(10);
      expect(email.text).toContain('and 110 more');
      expect(email.text).toContain('See all 120 failed posts on your dashboard: https://app.flamel.ai/app/?workspace=w#alerts');
      expect(email.html).toContain('href="https://app.flamel.ai/app/?workspace=w#alerts"');
    }
    expect(renderConnectionExpiredEmail({ ...base, failedPosts: loaded, failedPostsTotal: 120, occurredAt: '2026-11-30T09:00:00Z' }).html).toContain('120 posts are waiting and will retry');
  });
});
