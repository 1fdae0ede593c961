import type { ExpiryReason } from '../../config/events.js';
import { PLATFORM_LABELS, PLATFORMS, type Platform } from '../../config/platforms.js';
import { ERROR_CODES, supportLine, type ErrorCode } from '../errors.js';
import { describeReason } from '../guidance.js';
import { mayBeDown } from '../platform-status.js';
import { administeredAs } from '../platform-policy.js';
import { LINK_REFUSALS, LINK_TTL_HOURS, type LinkRefusal } from '../reconnect-link.js';
import { renderEmail, type Block, type RenderedEmail } from './blocks.js';
import { formatUtc, quoted } from './format.js';

/**
 * Words for the person who got a reconnect link: the email that carries it, and the page they land
 * on afterwards (/app/link-result.html looks them up by code in /app/messages.json). They have no
 * Flamel sign-in, so the words never send them to Connected Accounts: they say what happened and
 * who to ask.
 */

/** What to have ready before opening the link, per platform (the help page's tips, for someone in their own browser). */
export const LINK_TIPS: Record<Platform, string> = {
  facebook: 'Be signed in to Facebook as the Page\u2019s admin in this browser before you open the link.',
  instagram: 'Be signed in to Facebook, in this browser, as an admin of the Facebook Page linked to the Instagram account before you open the link.',
  linkedin: 'Be signed in to LinkedIn as an admin of the Company Page in this browser before you open the link.',
  tiktok: 'Be signed in to the right TikTok account in this browser before you open the link.',
  x: 'Be signed in to X as the account itself in this browser before you open the link.',
};

export interface ReconnectLinkEmailInput {
  platform: Platform;
  accountName: string;
  workspaceName: string;
  /** Why it needs reconnecting (undefined: it still works but is about to drop, or the owner asks anyway). */
  reason?: ExpiryReason;
  /** Who asked: the Flamel user's email, or their id when we know no email. */
  askedBy: string;
  url: string;
  expiresAt: string;
}

export function renderReconnectLinkEmail(input: ReconnectLinkEmailInput): RenderedEmail {
  const label = PLATFORM_LABELS[input.platform];
  const account = quoted(input.accountName);
  const why = input.reason ? `${describeReason(input.reason)}.` : `${label} needs the account\u2019s admin to sign in again.`;
  const blocks: Block[] = [
    { kind: 'heading', level: 1, tone: 'warning', text: `Please reconnect ${label} account ${account} to Flamel` },
    { kind: 'paragraph', text: `${input.askedBy} asked you to reconnect ${account} for the ${quoted(input.workspaceName)} workspace: Flamel can no longer post there. Why: ${why}` },
    { kind: 'box', tone: 'info', title: 'Before you click', body: [LINK_TIPS[input.platform], `Only ${account} itself can be reconnected with this link; another account is refused and nothing changes.`] },
    { kind: 'button', label: `Reconnect ${label}`, href: input.url },
    { kind: 'paragraph', muted: true, text: `The link works once, until ${formatUtc(input.expiresAt)} (${LINK_TTL_HOURS} hours). You do not need a Flamel account. If you did not expect this email, ignore it: nothing changes unless you sign in.` },
    { kind: 'divider' },
    { kind: 'paragraph', muted: true, text: `Sent by Flamel on behalf of ${input.askedBy}.` },
  ];
  return renderEmail({
    subject: `${input.askedBy} asks you to reconnect ${label} account ${account} to Flamel`,
    preheader: `One click, signed in to ${label} as the account\u2019s admin. The link works for ${LINK_TTL_HOURS} hours.`,
    blocks,
  });
}

/** The link page's outcome codes: a restore, a refused link, or the callback's error code. */
export type LinkResultCode = 'restored' | LinkRefusal | ErrorCode;

function linkResultMessage(code: LinkResultCode, platform?: Platform): string {
  const label = platform ? PLATFORM_LABELS[platform] : 'the platform';
  const ask = 'Ask the person who sent you the link for a new one.';
  const refusals: Record<LinkRefusal, string> = {
    LINK_INVALID: `This reconnect link is not valid (it may be incomplete: copy the whole address). ${ask}`,
    LINK_USED: `This reconnect link was already used; each link works once. If the account still needs reconnecting, ${ask.toLowerCase()}`,
    LINK_EXPIRED: `This reconnect link expired (links work for ${LINK_TTL_HOURS} hours). ${ask}`,
    LINK_REVOKED: `This reconnect link was replaced by a newer one or cancelled. Use the newest link you were sent, or ask for a new one.`,
  };
  if (code === 'restored') return `Done: the ${label} account is reconnected to Flamel, and posts that were waiting go out automatically. You can close this page.`;
  if ((LINK_REFUSALS as readonly string[]).includes(code)) return `${refusals[code as LinkRefusal]} Nothing was changed.`;
  const byError: Partial<Record<ErrorCode, string>> = {
    WRONG_ACCOUNT: `You signed in to ${label} with another account than the one to reconnect, so nothing was changed. Sign in to ${label} as that account\u2019s admin in this browser (or a private window), then ${ask.toLowerCase()}`,
    ADMIN_ROLE_REQUIRED: `The ${label} account you signed in with is not an admin of the ${administeredAs(platform) ?? 'Page'}, so nothing was changed. An admin of the ${administeredAs(platform) ?? 'Page'} must open a new link. ${ask}`,
    ACCESS_DENIED: `The ${label} sign-in was cancelled, so nothing was changed. ${ask}`,
    STATE_INVALID: `The sign-in was finished in another browser than the one that opened the link, so nothing was changed. ${ask}`,
    STATE_EXPIRED: `The ${label} sign-in took longer than 10 minutes, so nothing was changed. ${ask}`,
    STATE_USED: 'This sign-in was already finished. If the account is not reconnected yet, ask the person who sent you the link for a new one.',
    PLATFORM_UNAVAILABLE: `${label} did not answer during the sign-in. ${mayBeDown(label, 'try again later with a new link')}`,
    NOT_FOUND: 'This account was removed from Flamel meanwhile, so there is nothing to reconnect.',
    FORBIDDEN: 'The person who sent this link can no longer manage this workspace, so nothing was changed.',
  };
  return `${byError[code as ErrorCode] ?? `The reconnect did not finish. ${ask}`} ${supportLine(code)}`;
}

/** The page's table: per code, per platform (`_`: none named). */
export function linkResultMessageTable(): Record<string, Record<Platform | '_', string>> {
  const codes: LinkResultCode[] = ['restored', ...LINK_REFUSALS, ...ERROR_CODES];
  return Object.fromEntries(
    codes.map((code) => [code, Object.fromEntries([['_', linkResultMessage(code)], ...PLATFORMS.map((p) => [p, linkResultMessage(code, p)])])]),
  ) as Record<string, Record<Platform | '_', string>>;
}
