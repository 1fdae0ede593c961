import type { ExpiringCause } from '../connection.js';
import type { ExpiryReason } from '../../config/events.js';
import { PLATFORM_LABELS, type Platform } from '../../config/platforms.js';
import { supportLine } from '../errors.js';
import { administeredAs } from '../platform-policy.js';
import {
  IF_RECONNECT_KEEPS_FAILING,
  PLATFORM_TIPS,
  REASON_TEXT,
  expiringGuidance,
  guidanceFor,
} from '../guidance.js';
import { renderEmail, type Block, type Inline, type RenderedEmail } from './blocks.js';
import { excerpt, formatDay, formatUtc, plural, quoted, singleLine, truncate } from './format.js';

/** At most this many failed posts are listed one by one; the rest are counted ("and N more"). */
export const MAX_LISTED_POSTS = 10;

/** A post that failed while its connection was down (status `failed`, waiting for the connection). */
export interface FailedPostSummary {
  postId: string;
  text: string;
  publishAt: string;
}

export interface ConnectionExpiredEmailInput extends PreferencesLink {
  platform: Platform;
  /** The connection's display name (the Page, profile or account). */
  accountName: string;
  workspaceName: string;
  reason: ExpiryReason;
  /** The code users quote to support: `connectionExpiredErrorCode(platform, reason)`. */
  errorCode: string;
  /** What the platform said, verbatim, when access dropped. */
  platformMessage?: string;
  /** An absolute http(s) link that starts the reconnect (anything else throws a RangeError). */
  reconnectUrl: string;
  /** May be empty. Listed oldest first, at most MAX_LISTED_POSTS, then "and N more". */
  failedPosts: readonly FailedPostSummary[];
  /** How many failed posts there are in all, when more were found than were loaded into `failedPosts`. */
  failedPostsTotal?: number;
  /** An absolute http(s) link to the dashboard's list of every failed post (its alerts). */
  failedPostsUrl?: string;
  occurredAt: string;
  /**
   * The workspace's "skip posts older than N hours" option, when set: such posts are not retried,
   * and the email says so instead of promising they all will be.
   */
  skipPostsOlderThanHours?: number;
  /** Scheduled posts of the next 7 days that will not go out unless the owner reconnects (the next ones). */
  postsAtRisk?: readonly FailedPostSummary[];
  postsAtRiskTotal?: number;
}

export interface ConnectionExpiringEmailInput extends PreferencesLink {
  platform: Platform;
  accountName: string;
  workspaceName: string;
  /** When access ends unless the owner reconnects (ISO-8601). */
  deadline: string;
  reconnectUrl: string;
  /** Why: access / consent ends (default), or the account nears the platform's inactivity limit. */
  cause?: ExpiringCause;
}

export interface ConnectionRestoredEmailInput extends PreferencesLink {
  platform: Platform;
  accountName: string;
  workspaceName: string;
  /** Posts that failed during the outage and are now being retried (0: no retry sentence). */
  retriedPosts: number;
}

const PLATFORM_MESSAGE_MAX = 1000;

/** The help page's "Log in as the admin first" step, for this platform and account. */
function logInAsAdminFirst(platform: Platform, accountName: string): Block {
  const label = PLATFORM_LABELS[platform];
  const who = administeredAs(platform) ? `with the account that is an admin of ${quoted(accountName)}` : `as ${quoted(accountName)}`;
  return {
    kind: 'box',
    tone: 'info',
    title: 'Log in as the admin first',
    body: [
      `Before you click Reconnect, sign in to ${label}, in this same browser, ${who}. This avoids re-authorizing Flamel under the wrong account.`,
      `If a different ${label} account is signed in there, open the link in a private (incognito) window instead and sign in there.`,
    ],
  };
}

function reconnectButton(platform: Platform, reconnectUrl: string): Block {
  return { kind: 'button', label: `Reconnect ${PLATFORM_LABELS[platform]}`, href: reconnectUrl };
}

function whereToReconnect(workspaceName: string, badge: 'red' | 'amber'): Block {
  return {
    kind: 'paragraph',
    muted: true,
    text: `You can also reconnect from Flamel: go to Manage, then Connected Accounts, and click Reconnect on the account with the ${badge} badge. Hub admins: switch into the ${quoted(workspaceName)} workspace first.`,
  };
}

function keepsFailing(): Block[] {
  return [
    { kind: 'heading', text: 'If reconnect keeps failing' },
    { kind: 'list', ordered: true, items: IF_RECONNECT_KEEPS_FAILING },
  ];
}

/** Every email links to the owner's email preferences for the workspace (one click, no sign-in step in the mail). */
export interface PreferencesLink {
  /** An absolute http(s) link to the dashboard's notification settings (preferencesUrlFor). */
  preferencesUrl?: string;
}

export function footer(workspaceName: string, preferencesUrl?: string): Block[] {
  return [
    { kind: 'divider' },
    { kind: 'paragraph', muted: true, text: `Sent by Flamel about the ${quoted(workspaceName)} workspace.` },
    ...(preferencesUrl === undefined ? [] : [{ kind: 'button', secondary: true, label: 'Choose which emails you get', href: preferencesUrl } satisfies Block]),
  ];
}

/** Scheduled posts of the coming days that will not go out unless the owner reconnects (posts at risk). */
function postsAtRiskSection(label: string, posts: readonly FailedPostSummary[] | undefined, total: number | undefined): Block[] {
  if (!posts || posts.length === 0) return [];
  const listed = [...posts].sort(byPublishAt).slice(0, MAX_LISTED_POSTS);
  const all = Math.max(total ?? 0, posts.length);
  const items: Inline[] = listed.map((p) => [{ text: `"${excerpt(p.text) || '(no text)'}"`, style: 'strong' }, `, scheduled for ${formatUtc(p.publishAt)}`]);
  if (all > listed.length) items.push(`and ${all - listed.length} more`);
  return [
    { kind: 'heading', text: all === 1 ? 'A post coming up will not go out' : `${all} posts coming up will not go out` },
    { kind: 'paragraph', text: `Due in the next 7 days on ${label}, unless you reconnect first:` },
    { kind: 'list', items },
  ];
}

function byPublishAt(a: FailedPostSummary, b: FailedPostSummary): number {
  const x = Date.parse(a.publishAt);
  const y = Date.parse(b.publishAt);
  if (Number.isNaN(x) || Number.isNaN(y)) return Number.isNaN(x) ? (Number.isNaN(y) ? 0 : 1) : -1;
  return x - y;
}

/** How many posts failed in all: the loaded ones, or the counted total when there are more. */
function failedTotal(input: Pick<ConnectionExpiredEmailInput, 'failedPosts' | 'failedPostsTotal'>): number {
  return Math.max(input.failedPosts.length, input.failedPostsTotal ?? 0);
}

function failedPostsSection(input: Pick<ConnectionExpiredEmailInput, 'platform' | 'failedPosts' | 'failedPostsTotal' | 'failedPostsUrl' | 'skipPostsOlderThanHours'>): Block[] {
  const label = PLATFORM_LABELS[input.platform];
  const posts = [...input.failedPosts].sort(byPublishAt);
  const skip = input.skipPostsOlderThanHours;
  const caveat: Block[] =
    skip === undefined
      ? []
      : [
          {
            kind: 'paragraph',
            muted: true,
            text: `Your workspace is set to skip posts more than ${plural(skip, 'hour', 'hours')} past their scheduled time, so a post that is older than that when you reconnect is not published.`,
          },
        ];
  if (posts.length === 0) {
    return [
      { kind: 'heading', text: 'Your scheduled posts' },
      {
        kind: 'paragraph',
        text: `No posts have failed yet. Any post that comes due before you reconnect waits and retries automatically once ${label} is reconnected, so there is no need to reschedule anything by hand.`,
      },
      ...caveat,
    ];
  }
  const listed = posts.slice(0, MAX_LISTED_POSTS);
  const total = failedTotal(input);
  const more = total - listed.length;
  const items: Inline[] = listed.map((p) => [
    { text: `"${excerpt(p.text) || '(no text)'}"`, style: 'strong' },
    `, scheduled for ${formatUtc(p.publishAt)}`,
  ]);
  if (more > 0) items.push(`and ${more} more`);
  const these = total === 1 ? 'This post' : `These ${total} posts`;
  const them = total === 1 ? 'it' : 'them';
  const fullList: Block[] =
    input.failedPostsUrl === undefined
      ? []
      : [
          { kind: 'button', secondary: true, label: total === 1 ? 'See the failed post on your dashboard' : `See all ${total} failed posts on your dashboard`, href: input.failedPostsUrl },
          { kind: 'paragraph', muted: true, text: `Posts that fail later, until you reconnect, are added there too: you do not get an email for each one.` },
        ];
  return [
    { kind: 'heading', text: total === 1 ? 'A post is waiting' : `${total} posts are waiting` },
    {
      kind: 'paragraph',
      text: `${these} could not publish while ${label} was disconnected. ${total === 1 ? 'It retries' : 'They retry'} automatically once you reconnect, so there is no need to reschedule ${them} by hand.`,
    },
    { kind: 'list', items },
    ...fullList,
    ...caveat,
  ];
}

/**
 * The owner's email when a connection has expired: what happened and why, what to do (the
 * reason's step and the platform's tip), the Reconnect button, the failed posts and their
 * automatic retry, the help page's "If reconnect keeps failing" steps, and what to quote to support.
 */
export function renderConnectionExpiredEmail(input: ConnectionExpiredEmailInput): RenderedEmail {
  const label = PLATFORM_LABELS[input.platform];
  const account = quoted(input.accountName);
  const errorCode = singleLine(input.errorCode);
  const platformMessage =
    input.platformMessage === undefined ? '' : truncate(input.platformMessage.trim(), PLATFORM_MESSAGE_MAX);
  const waiting = failedTotal(input);

  const quoteToSupport: Inline[] = [[`Error code: `, { text: errorCode, style: 'code' }]];
  if (platformMessage !== '') quoteToSupport.push([`${label}'s message: `, { text: platformMessage, style: 'code' }]);
  quoteToSupport.push(supportLine(errorCode));

  const blocks: Block[] = [
    { kind: 'heading', level: 1, tone: 'danger', text: `Your ${label} account ${account} is disconnected` },
    {
      kind: 'paragraph',
      text: [
        `Since ${formatUtc(input.occurredAt)}, Flamel cannot post to ${label} as ${account} in the ${quoted(input.workspaceName)} workspace. `,
        { text: 'Why: ', style: 'strong' },
        `${REASON_TEXT[input.reason]}.`,
      ],
    },
    { kind: 'heading', text: 'What to do' },
    { kind: 'paragraph', text: guidanceFor(input.platform, input.reason) },
    logInAsAdminFirst(input.platform, input.accountName),
    reconnectButton(input.platform, input.reconnectUrl),
    {
      kind: 'paragraph',
      text: 'Complete the same login and permissions flow you used when you first connected the account.',
    },
    whereToReconnect(input.workspaceName, 'red'),
    ...failedPostsSection(input),
    ...postsAtRiskSection(label, input.postsAtRisk, input.postsAtRiskTotal),
    ...keepsFailing(),
    { kind: 'box', tone: 'neutral', title: 'Quote this to support', body: quoteToSupport },
    ...footer(input.workspaceName, input.preferencesUrl),
  ];

  return renderEmail({
    subject: `Action needed: your ${label} account ${account} is disconnected`,
    preheader:
      waiting === 0
        ? `Reconnect ${label} to keep posting.`
        : `Reconnect ${label} to keep posting: ${plural(waiting, 'post is', 'posts are')} waiting and will retry automatically.`,
    blocks,
  });
}

/** The failed-posts email: the expiry email went out before these posts came due; now they are waiting. */
export type PostsFailedEmailInput = Omit<ConnectionExpiredEmailInput, 'occurredAt'>;

/**
 * Sent at most once per connection and episode, when posts failed after the expiry email had
 * already gone out: which posts are waiting, that they retry by themselves once reconnected, how
 * to reconnect, and the code to quote to support.
 */
export function renderPostsFailedEmail(input: PostsFailedEmailInput): RenderedEmail {
  const label = PLATFORM_LABELS[input.platform];
  const account = quoted(input.accountName);
  const errorCode = singleLine(input.errorCode);
  const total = failedTotal(input);
  const blocks: Block[] = [
    {
      kind: 'heading',
      level: 1,
      tone: 'danger',
      text: `${total === 1 ? 'A post' : `${total} posts`} could not publish to ${label} ${account}`,
    },
    {
      kind: 'paragraph',
      text: [
        `${label} ${account} in the ${quoted(input.workspaceName)} workspace is still disconnected. `,
        { text: 'Why: ', style: 'strong' },
        `${REASON_TEXT[input.reason]}.`,
      ],
    },
    ...failedPostsSection(input),
    { kind: 'heading', text: 'What to do' },
    { kind: 'paragraph', text: guidanceFor(input.platform, input.reason) },
    logInAsAdminFirst(input.platform, input.accountName),
    reconnectButton(input.platform, input.reconnectUrl),
    whereToReconnect(input.workspaceName, 'red'),
    ...keepsFailing(),
    { kind: 'box', tone: 'neutral', title: 'Quote this to support', body: [[`Error code: `, { text: errorCode, style: 'code' }], supportLine(errorCode)] },
    ...footer(input.workspaceName, input.preferencesUrl),
  ];
  return renderEmail({
    subject: `${total === 1 ? 'A post' : `${total} posts`} to ${label} ${account} failed: reconnect to publish ${total === 1 ? 'it' : 'them'}`,
    preheader: `${total === 1 ? 'It retries' : 'They retry'} automatically once you reconnect ${label}: no need to reschedule.`,
    blocks,
  });
}

/** The owner's amber warning: still working, but reconnect before the deadline (LinkedIn: yearly re-consent). */
export function renderConnectionExpiringEmail(input: ConnectionExpiringEmailInput): RenderedEmail {
  const label = PLATFORM_LABELS[input.platform];
  const account = quoted(input.accountName);
  const day = formatDay(input.deadline);
  const guidance = expiringGuidance(input.platform, input.deadline, input.cause);
  const tip = PLATFORM_TIPS[input.platform];

  const blocks: Block[] = [
    { kind: 'heading', level: 1, tone: 'warning', text: `Reconnect your ${label} account ${account} before ${day}` },
    {
      kind: 'box',
      tone: 'warning',
      title: 'Still working, for now',
      body: [`Flamel can still post to ${label} as ${account} in the ${quoted(input.workspaceName)} workspace, but that access ends on ${day} unless you reconnect.`],
    },
    { kind: 'paragraph', text: guidance },
    ...(guidance.includes(tip) ? [] : [{ kind: 'paragraph', text: tip } satisfies Block]),
    logInAsAdminFirst(input.platform, input.accountName),
    reconnectButton(input.platform, input.reconnectUrl),
    whereToReconnect(input.workspaceName, 'amber'),
    {
      kind: 'paragraph',
      muted: true,
      text: `If access does lapse, any post that fails in the meantime retries automatically once ${label} is reconnected.`,
    },
    ...keepsFailing(),
    ...footer(input.workspaceName, input.preferencesUrl),
  ];

  return renderEmail({
    subject: `Reconnect before ${day}: your ${label} account ${account} will disconnect`,
    preheader: `Flamel still posts to ${label} until ${day}. Reconnect before then to avoid a gap.`,
    blocks,
  });
}

/** The short "back online" note; says how many failed posts are being retried (none: no sentence). */
export function renderConnectionRestoredEmail(input: ConnectionRestoredEmailInput): RenderedEmail {
  const label = PLATFORM_LABELS[input.platform];
  const account = quoted(input.accountName);
  const retried = Number.isFinite(input.retriedPosts) ? Math.max(0, Math.floor(input.retriedPosts)) : 0;

  const blocks: Block[] = [
    { kind: 'heading', level: 1, tone: 'success', text: `Your ${label} account ${account} is back online` },
    { kind: 'paragraph', text: `Flamel can post to ${label} as ${account} again in the ${quoted(input.workspaceName)} workspace.` },
  ];
  if (retried > 0) {
    blocks.push({
      kind: 'paragraph',
      text:
        retried === 1
          ? 'Flamel is retrying the 1 post that failed while it was disconnected. You do not need to reschedule it.'
          : `Flamel is retrying the ${retried} posts that failed while it was disconnected. You do not need to reschedule them.`,
    });
  }
  blocks.push(...footer(input.workspaceName, input.preferencesUrl));

  return renderEmail({
    subject: `Reconnected: your ${label} account ${account} is back online`,
    preheader: retried > 0 ? `${plural(retried, 'failed post is', 'failed posts are')} being retried.` : `Flamel can post to ${label} again.`,
    blocks,
  });
}
