import type { ExpiringCause } from './connection.js';
import type { ExpiryReason } from '../config/events.js';
import { PLATFORM_LABELS, type Platform } from '../config/platforms.js';
import { SUPPORT_EMAIL } from './errors.js';
import { administeredAs } from './platform-policy.js';

/** Plain words for why access dropped (the help page's list of causes). */
export const REASON_TEXT: Record<ExpiryReason, string> = {
  password_changed: 'the account password was changed, which ends every app session',
  security_review: 'the platform ran a security review on the account',
  policy_update: 'the platform pushed a policy update that needs your consent again',
  inactivity: 'the connection sat unused too long and the platform dropped it',
  token_expired: 'the access Flamel was granted reached its end of life',
  admin_role_lost: 'the account no longer has the admin role on the Page or profile',
  revoked: 'access for Flamel was removed on the platform',
  unknown: 'the platform stopped accepting Flamel\'s access',
};

/** The help page's per-platform tips. */
export const PLATFORM_TIPS: Record<Platform, string> = {
  facebook: 'Be logged into the admin account of the Page on Facebook before clicking Reconnect.',
  instagram: 'Be logged into the admin account of the linked Facebook Page before clicking Reconnect.',
  linkedin: 'LinkedIn tokens expire after 1 year, and you need Company Page admin access to reconnect.',
  tiktok: 'Confirm you are signed into the right TikTok account before clicking Reconnect.',
  x: 'Reconnect after any password change on X.',
};

/** Steps from the help page for when reconnect keeps failing. */
export const IF_RECONNECT_KEEPS_FAILING: readonly string[] = [
  'Remove the account, then add it fresh from Connected Accounts.',
  'Confirm your admin access on the Page or Company Page on the platform itself.',
  'Try an incognito (private) browser window, so no other account is signed in.',
  'Check the platform\'s status page: the outage may be on their side.',
  `Contact ${SUPPORT_EMAIL} and include the exact error message you see.`,
];

/** What the owner should do now, for this platform and this reason. */
export function guidanceFor(platform: Platform, reason: ExpiryReason | undefined): string {
  const label = PLATFORM_LABELS[platform];
  if (reason === 'admin_role_lost') {
    return `Get your admin role on the ${label} ${administeredAs(platform) ?? 'Page'} back first, then click Reconnect. ${PLATFORM_TIPS[platform]}`;
  }
  return `Click Reconnect and sign in to ${label} again. ${PLATFORM_TIPS[platform]}`;
}

/** Guidance shown while a connection is still working but will drop soon. */
export function expiringGuidance(platform: Platform, deadline: string, cause: ExpiringCause = 'access_ends'): string {
  const day = deadline.slice(0, 10);
  const label = PLATFORM_LABELS[platform];
  if (cause === 'inactivity') {
    return `${label} drops access that sits unused too long, and Flamel has not been able to use this account lately. Click Reconnect (or publish a post) before ${day} to keep it. ${PLATFORM_TIPS[platform]}`;
  }
  if (platform === 'linkedin' && cause === 'yearly_consent') {
    return `LinkedIn asks for your consent again once a year. Click Reconnect before ${day} to keep posting without a gap. ${PLATFORM_TIPS.linkedin}`;
  }
  if (platform === 'linkedin') {
    return `LinkedIn gives Flamel access for 60 days at a time. Click Reconnect before ${day} to keep posting without a gap. ${PLATFORM_TIPS.linkedin}`;
  }
  return `Access to ${label} ends on ${day} unless you reconnect. Click Reconnect before then.`;
}

export function describeReason(reason: ExpiryReason | undefined): string {
  return REASON_TEXT[reason ?? 'unknown'];
}
