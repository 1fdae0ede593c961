import { PLATFORM_LABELS, type Platform } from '../../config/platforms.js';
import { renderEmail, type Block, type Inline, type RenderedEmail } from './blocks.js';
import { footer } from './emails.js';
import { excerpt, formatUtc, plural, quoted } from './format.js';

export interface DigestConnection {
  platform: Platform;
  accountName: string;
  status: 'active' | 'expiring' | 'expired';
  /** The date the owner must act by (expiring), or when access ends. */
  deadline?: string;
  postsAtRisk?: number;
}

export interface DigestPost {
  platform: Platform;
  text: string;
  /** When it was due (failed, retried) or went out (published). */
  at: string;
}

export interface WeeklyDigestInput {
  workspaceName: string;
  /** `2026-W49`. */
  week: string;
  connections: readonly DigestConnection[];
  /** Accounts that dropped this week, and those that came back (names). */
  dropped: readonly DigestConnection[];
  cameBack: readonly DigestConnection[];
  failed: readonly DigestPost[];
  retried: readonly DigestPost[];
  published: readonly DigestPost[];
  dashboardUrl: string;
  preferencesUrl: string;
}

/** Per section: listed one by one up to this many, then counted. */
const LISTED = 10;

const STATUS_WORDS: Record<DigestConnection['status'], string> = {
  expired: 'disconnected: reconnect it',
  expiring: 'will disconnect',
  active: 'connected',
};

/** Needs action first: disconnected, then soon to disconnect, then healthy. */
const ORDER: Record<DigestConnection['status'], number> = { expired: 0, expiring: 1, active: 2 };

function connectionLine(c: DigestConnection): Inline {
  const deadline = c.deadline && c.status !== 'expired' ? `, access until ${formatUtc(c.deadline)}` : '';
  const risk = c.postsAtRisk ? `, ${plural(c.postsAtRisk, 'post', 'posts')} of the next 7 days will not go out` : '';
  return [{ text: `${PLATFORM_LABELS[c.platform]} ${quoted(c.accountName)}`, style: 'strong' }, `: ${STATUS_WORDS[c.status]}${deadline}${risk}`];
}

function postsSection(title: string, posts: readonly DigestPost[], when: string): Block[] {
  if (posts.length === 0) return [];
  const items: Inline[] = posts.slice(0, LISTED).map((p) => [{ text: `"${excerpt(p.text) || '(no text)'}"`, style: 'strong' }, ` on ${PLATFORM_LABELS[p.platform]}, ${when} ${formatUtc(p.at)}`]);
  if (posts.length > LISTED) items.push(`and ${posts.length - LISTED} more`);
  return [{ kind: 'heading', text: `${title} (${posts.length})` }, { kind: 'list', items }];
}

/** The weekly digest: every connection's state (those needing action first), the week's changes and posts. */
export function renderWeeklyDigestEmail(input: WeeklyDigestInput): RenderedEmail {
  const connections = [...input.connections].sort((a, b) => ORDER[a.status] - ORDER[b.status]);
  const needAction = connections.filter((c) => c.status !== 'active').length;
  const blocks: Block[] = [
    { kind: 'heading', level: 1, tone: needAction > 0 ? 'warning' : 'success', text: `Your week in ${quoted(input.workspaceName)}` },
    {
      kind: 'paragraph',
      text: needAction > 0 ? `${plural(needAction, 'account needs', 'accounts need')} your attention.` : 'Every connected account is working.',
    },
    { kind: 'heading', text: 'Connected accounts' },
    connections.length === 0 ? { kind: 'paragraph', text: 'No accounts are connected.' } : { kind: 'list', items: connections.map(connectionLine) },
    ...(input.dropped.length > 0 ? [{ kind: 'paragraph', text: `Disconnected this week: ${input.dropped.map((c) => `${PLATFORM_LABELS[c.platform]} ${quoted(c.accountName)}`).join(', ')}.` } satisfies Block] : []),
    ...(input.cameBack.length > 0 ? [{ kind: 'paragraph', text: `Back online this week: ${input.cameBack.map((c) => `${PLATFORM_LABELS[c.platform]} ${quoted(c.accountName)}`).join(', ')}.` } satisfies Block] : []),
    ...postsSection('Failed', input.failed, 'due'),
    ...postsSection('Retried and published', input.retried, 'published'),
    ...postsSection('Published', input.published, 'published'),
    { kind: 'button', label: 'Open Connected Accounts', href: input.dashboardUrl },
    ...footer(input.workspaceName, input.preferencesUrl),
  ];
  return renderEmail({
    subject: `Your week in ${quoted(input.workspaceName)} (${input.week}): ${needAction > 0 ? `${plural(needAction, 'account needs', 'accounts need')} attention` : 'all accounts working'}`,
    preheader: `${plural(input.published.length, 'post', 'posts')} published, ${input.failed.length} failed this week.`,
    blocks,
  });
}
