import { describe, expect, it } from 'vitest';
import { renderPostsFailedEmail } from '../../../shared/domain/notifications/index.js';
import { sampleExpiredEmailInput, sampleFailedPosts } from './fixtures.js';

function input(overrides: Parameters<typeof sampleExpiredEmailInput>[0] = {}) {
  const { occurredAt: _occurredAt, ...rest } = sampleExpiredEmailInput(overrides);
  return rest;
}

describe('renderPostsFailedEmail', () => {
  it('one post: names it, the platform and the account, and promises the automatic retry', () => {
    const email = renderPostsFailedEmail(input({ failedPosts: sampleFailedPosts(1) }));
    expect(email.subject).toBe('A post to Facebook "Acme Running Co." failed: reconnect to publish it');
    expect(email.text).toContain('Spring sale, day 1');
    expect(email.text).toContain('It retries automatically once you reconnect');
    expect(email.text).toContain('Reconnect Facebook: https://app.flamel.ai/');
    expect(email.text).toContain('Error code: CONNECTION_EXPIRED/facebook/password_changed');
    expect(email.text).toContain('Remove the account, then add it fresh');
  });

  it('several posts: counts them all and lists at most ten', () => {
    const email = renderPostsFailedEmail(input({ failedPosts: sampleFailedPosts(12) }));
    expect(email.subject).toBe('12 posts to Facebook "Acme Running Co." failed: reconnect to publish them');
    expect(email.text).toContain('Spring sale, day 10');
    expect(email.text).not.toContain('Spring sale, day 11');
    expect(email.text).toContain('and 2 more');
  });

  it('lost admin role: says to get the role back first', () => {
    const email = renderPostsFailedEmail(input({ reason: 'admin_role_lost', errorCode: 'CONNECTION_EXPIRED/facebook/admin_role_lost', failedPosts: sampleFailedPosts(1) }));
    expect(email.text).toMatch(/admin role .* back first/i);
  });

  it('escapes what the owner typed', () => {
    const email = renderPostsFailedEmail(input({ failedPosts: [{ postId: 'p', text: '<img src=x onerror=alert(1)>', publishAt: '2025-05-01T09:00:00Z' }] }));
    expect(email.html).not.toContain('<img');
    expect(email.text).toContain('<img src=x onerror=alert(1)>');
  });
});
