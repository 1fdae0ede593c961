import { EXPIRY_REASONS, type ExpiryReason } from '../../config/events.js';
import { PLATFORM_LABELS, type Platform } from '../../config/platforms.js';
import { SUPPORT_EMAIL } from '../errors.js';
import { IF_RECONNECT_KEEPS_FAILING, describeReason } from '../guidance.js';
import type { EmailPreferenceKey } from '../preferences.js';

/**
 * The sentences the dashboard shows that are not part of an API answer. Served to the page inside
 * /app/messages.json (local/dashboard.ts, and next to the files in AWS), so the page keeps no copy
 * of a sentence written here or in guidance.ts. Labels of buttons and headings stay in the page.
 *
 * Placeholders: `{count}`, `{name}`.
 */
export interface DashboardWords {
  platforms: Record<Platform, string>;
  /** Why access dropped, as a sentence (guidance.ts REASON_TEXT). */
  reasons: Record<ExpiryReason, string>;
  /** The help page's "If reconnect keeps failing" steps, shown only once a reconnect failed. */
  keepsFailing: readonly string[];
  supportEmail: string;
  /** The five emails an owner may turn off (contract: notification preferences), in the panel's order. */
  emails: { key: EmailPreferenceKey; label: string; hint: string }[];
  /** Shown while the owner has expiry emails off: what that risks. */
  expiryEmailsOff: string;
  /** Expired and expiring rows with `postsAtRisk` (the next 7 days). */
  postsAtRisk: { one: string; other: string };
  /** A workspace the page cannot show, by the API's code (the API's own message is for developers). */
  cannotShow: { WORKSPACE_CONTEXT_REQUIRED: string; FORBIDDEN: string; NOT_FOUND: string };
}

function sentence(text: string): string {
  return `${text.charAt(0).toUpperCase()}${text.slice(1)}.`;
}

export function dashboardWords(): DashboardWords {
  return {
    platforms: PLATFORM_LABELS,
    reasons: Object.fromEntries(EXPIRY_REASONS.map((r) => [r, sentence(describeReason(r))])) as Record<ExpiryReason, string>,
    keepsFailing: IF_RECONNECT_KEEPS_FAILING,
    supportEmail: SUPPORT_EMAIL,
    emails: [
      { key: 'connectionExpired', label: 'Connection expired', hint: 'When an account disconnects: why, and how to reconnect it.' },
      { key: 'postsFailed', label: 'Posts failed', hint: 'Posts that could not go out because their account is disconnected.' },
      { key: 'connectionRestored', label: 'Connection restored', hint: 'When an account works again and its failed posts retry.' },
      { key: 'expiringSoon', label: 'Expiring soon', hint: 'A warning before a platform drops access, while there is time to act.' },
      { key: 'weeklyDigest', label: 'Weekly digest', hint: 'Once a week: every account\u2019s state and the week\u2019s posts.' },
    ],
    expiryEmailsOff:
      'Expiry emails are off for this workspace. When an account disconnects you will see it only here, and its scheduled posts will not go out until someone reconnects it.',
    postsAtRisk: {
      one: '1 post scheduled this week will not go out unless you reconnect.',
      other: '{count} posts scheduled this week will not go out unless you reconnect.',
    },
    cannotShow: {
      WORKSPACE_CONTEXT_REQUIRED: '{name} is a client workspace of a hub you administer. Switch into its context to see and fix its accounts.',
      FORBIDDEN: 'You do not have access to this workspace: you are not its owner, and no hub you administer includes it. Ask its owner to add it to your hub.',
      NOT_FOUND: 'This workspace does not exist (any more). Pick one of yours instead.',
    },
  };
}
