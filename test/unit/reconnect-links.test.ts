import { describe, expect, it } from 'vitest';
import { PLATFORMS } from '../../shared/config/platforms.js';
import { ERROR_CODES } from '../../shared/domain/errors.js';
import { timeline, type HistoryEvent } from '../../shared/domain/history.js';
import { linkResultMessageTable, renderReconnectLinkEmail } from '../../shared/domain/notifications/reconnect-link.js';
import { hashState } from '../../shared/domain/oauth-secrets.js';
import { checkLink, isWellFormedLinkToken, LINK_REFUSALS, linkExpiresAt, newLinkToken, type ReconnectLink } from '../../shared/domain/reconnect-link.js';

const now = new Date('2026-11-30T12:00:00.000Z');
function link(over: Partial<ReconnectLink> = {}): ReconnectLink {
  return { tokenHash: 'h1', workspaceId: 'w', connectionId: 'c', platform: 'facebook', createdBy: 'u', createdAt: now.toISOString(), expiresAt: linkExpiresAt(now), ...over };
}

describe('reconnect link rules', () => {
  it('lives 72 hours exactly', () => {
    expect(Date.parse(linkExpiresAt(now)) - now.getTime()).toBe(72 * 3_600_000);
    expect(checkLink(link(), 'h1', true, new Date(now.getTime() + 72 * 3_600_000 - 1))).toEqual({ ok: true });
    expect(checkLink(link(), 'h1', true, new Date(now.getTime() + 72 * 3_600_000))).toEqual({ ok: false, code: 'LINK_EXPIRED' });
  });

  it('refuses unknown, used, replaced, revoked links and those of removed connections', () => {
    expect(checkLink(undefined, 'h1', true, now)).toEqual({ ok: false, code: 'LINK_INVALID' });
    expect(checkLink(link({ usedAt: now.toISOString() }), 'h1', true, now)).toEqual({ ok: false, code: 'LINK_USED' });
    expect(checkLink(link(), 'h2', true, now)).toEqual({ ok: false, code: 'LINK_REVOKED' });
    expect(checkLink(link(), undefined, true, now)).toEqual({ ok: false, code: 'LINK_REVOKED' });
    expect(checkLink(link(), 'h1', false, now)).toEqual({ ok: false, code: 'LINK_REVOKED' });
  });

  it('makes 256-bit URL-safe secrets, stored only as a hash, and looks up nothing else', () => {
    const a = newLinkToken();
    expect(isWellFormedLinkToken(a)).toBe(true);
    expect(a).not.toBe(newLinkToken());
    expect(hashState(a)).not.toContain(a);
    for (const bad of ['', 'short', `${a}x`, `${a.slice(1)}/`, `${a.slice(1)}%`]) expect(isWellFormedLinkToken(bad), bad).toBe(false);
  });
});

describe('history timeline', () => {
  const e = (at: string, type: HistoryEvent['type']): HistoryEvent => ({ at, type }) as HistoryEvent;
  it('sorts oldest first and collapses check failures in a row into one', () => {
    const out = timeline([
      e('2026-11-03T00:00:00Z', 'check_failed'),
      e('2026-11-01T00:00:00Z', 'connected'),
      e('2026-11-02T00:00:00Z', 'check_failed'),
      e('2026-11-04T00:00:00Z', 'check_failed'),
      { at: '2026-11-05T00:00:00Z', type: 'expiring', deadline: '2026-11-20T00:00:00Z' },
      e('2026-11-06T00:00:00Z', 'check_failed'),
    ]);
    expect(out.map((x) => x.type)).toEqual(['connected', 'check_failed', 'expiring', 'check_failed']);
    expect(out[1]).toEqual({ at: '2026-11-02T00:00:00Z', type: 'check_failed', count: 3, until: '2026-11-04T00:00:00Z' });
    expect(out[3]).toEqual({ at: '2026-11-06T00:00:00Z', type: 'check_failed' });
  });
});

describe('reconnect link email and page words', () => {
  const input = {
    platform: 'facebook' as const,
    accountName: 'Tom & Jerry <script>alert(1)</script>',
    workspaceName: 'Bakery',
    reason: 'admin_role_lost' as const,
    askedBy: 'owner@shop.test',
    url: 'https://app.flamel.test/reconnect/abc',
    expiresAt: linkExpiresAt(now),
  };
  it('names the account, the platform, the reason, who asked and the tip, escaped in HTML', () => {
    const mail = renderReconnectLinkEmail(input);
    for (const part of ['Facebook', 'owner@shop.test', 'admin role', 'signed in to Facebook as the Page\u2019s admin in this browser', input.url]) expect(mail.text, part).toContain(part);
    expect(mail.html).not.toContain('<script>');
    expect(mail.html).toContain('Tom &amp; Jerry &lt;script&gt;');
  });
  it('refuses a link that is not http(s)', () => {
    expect(() => renderReconnectLinkEmail({ ...input, url: 'javascript:alert(1)' })).toThrow();
  });
  it('has words for every outcome, refusal and error code, per platform, without sending the visitor to a dashboard', () => {
    const table = linkResultMessageTable();
    for (const code of ['restored', ...LINK_REFUSALS, ...ERROR_CODES]) {
      for (const p of ['_', ...PLATFORMS] as const) {
        expect(table[code]?.[p], `${code}/${p}`).toMatch(/\S/);
        expect(table[code]?.[p], `${code}/${p}`).not.toMatch(/Connected Accounts/);
      }
    }
    expect(table.WRONG_ACCOUNT?.facebook).toContain('WRONG_ACCOUNT');
  });
});
