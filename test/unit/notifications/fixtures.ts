import type { ConnectionExpiredEmailInput, FailedPostSummary } from '../../../shared/domain/notifications/index.js';
import { connectionExpiredErrorCode } from '../../../shared/domain/notifications/index.js';

/** `count` failed posts, an hour apart from 2025-05-01T09:00Z. */
export function sampleFailedPosts(count: number): FailedPostSummary[] {
  return Array.from({ length: count }, (_, i) => ({
    postId: `post-${String(i + 1).padStart(3, '0')}`,
    text: `Spring sale, day ${i + 1}: everything in the shop is 20% off until Sunday. Tag a friend who needs new running shoes!`,
    publishAt: new Date(Date.UTC(2025, 4, 1, 9 + i)).toISOString(),
  }));
}

/**
 * A realistic expired-connection email input (Facebook, password changed, three failed posts, the
 * platform's own message). The README's screenshot is rendered from it:
 *   renderConnectionExpiredEmail(sampleExpiredEmailInput()).html
 */
export function sampleExpiredEmailInput(overrides: Partial<ConnectionExpiredEmailInput> = {}): ConnectionExpiredEmailInput {
  const platform = overrides.platform ?? 'facebook';
  const reason = overrides.reason ?? 'password_changed';
  return {
    platform,
    accountName: 'Acme Running Co.',
    workspaceName: 'Acme Marketing',
    reason,
    errorCode: connectionExpiredErrorCode(platform, reason),
    platformMessage:
      'Error validating access token: The session has been invalidated because the user changed their password or Facebook has changed the session for security reasons. (OAuthException, code 190, subcode 460)',
    reconnectUrl: 'https://app.flamel.ai/app/connections/conn-7f3a2c/reconnect?workspaceId=ws-acme',
    failedPosts: sampleFailedPosts(3),
    occurredAt: '2025-05-01T08:42:17.000Z',
    ...overrides,
  };
}
