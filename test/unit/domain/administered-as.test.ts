import { describe, expect, it } from 'vitest';
import { PLATFORMS } from '../../../shared/config/platforms.js';
import { guidanceFor } from '../../../shared/domain/guidance.js';
import { callbackErrorMessage } from '../../../shared/domain/notifications/callback-messages.js';
import { administeredAs } from '../../../shared/domain/platform-policy.js';

/** "Has a Page admin role" and "Page" vs "Company Page" have one home (PlatformPolicy); every sentence follows it. */
describe('what a person administers on each platform', () => {
  it('is a Page on Facebook and Instagram, a Company Page on LinkedIn, and nothing on TikTok and X', () => {
    expect(Object.fromEntries(PLATFORMS.map((p) => [p, administeredAs(p) ?? null]))).toEqual({
      facebook: 'Page',
      instagram: 'Page',
      linkedin: 'Company Page',
      tiktok: null,
      x: null,
    });
  });

  it.each(PLATFORMS)('the %s messages name it, and mention a role to lose only where there is one', (platform) => {
    const word = administeredAs(platform);
    const wrongAccount = callbackErrorMessage('WRONG_ACCOUNT', platform);
    if (word) {
      expect(wrongAccount).toContain(`lost its role on the ${word}`);
      expect(callbackErrorMessage('ADMIN_ROLE_REQUIRED', platform)).toContain(`not an admin of the ${word} `);
      expect(guidanceFor(platform, 'admin_role_lost')).toContain(`admin role on the ${platform === 'linkedin' ? 'LinkedIn' : platform === 'facebook' ? 'Facebook' : 'Instagram'} ${word} back`);
    } else {
      expect(wrongAccount).not.toContain('lost its role');
    }
    if (word !== 'Company Page') expect(wrongAccount + callbackErrorMessage('ADMIN_ROLE_REQUIRED', platform)).not.toContain('Company Page');
  });
});
