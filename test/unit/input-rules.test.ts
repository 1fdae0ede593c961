import { describe, expect, it } from 'vitest';
import { mediaUrlProblem } from '../../shared/domain/media-url.js';
import { dashboardAlertMessage, renderPostsFailedEmail } from '../../shared/domain/notifications/index.js';
import { hasVisibleText, isWellFormedText, shownText } from '../../shared/domain/notifications/format.js';
import { normalizePublishAt } from '../../shared/domain/post.js';

const NOW = new Date('2026-11-30T10:00:00Z');

describe('publishAt (issue 10, point 5)', () => {
  it('stores the UTC instant; past instants are fine (as soon as possible)', () => {
    expect(normalizePublishAt('2026-12-01T09:30:00+02:00', NOW)).toEqual({ ok: true, iso: '2026-12-01T07:30:00.000Z' });
    expect(normalizePublishAt('2001-01-01T00:00:00Z', NOW)).toEqual({ ok: true, iso: '2001-01-01T00:00:00.000Z' });
  });
  it('refuses what the due index cannot order and what lies past two years', () => {
    expect(normalizePublishAt('9999-12-31T23:00:00-05:00', NOW)).toMatchObject({ ok: false, message: expect.stringMatching(/2 years/) });
    expect(normalizePublishAt('2028-12-01T00:00:00Z', NOW).ok).toBe(false);
    expect(normalizePublishAt('2028-11-29T00:00:00Z', NOW).ok).toBe(true);
    expect(normalizePublishAt('0000-01-01T00:30:00+01:00', NOW).ok).toBe(false); // would be year -000001
  });
  it('refuses impossible dates instead of rolling them over', () => {
    for (const v of ['2026-02-30T10:00:00Z', '2027-02-29T00:00:00Z', '2026-04-31T00:00:00Z']) expect(normalizePublishAt(v, NOW).ok).toBe(false);
    expect(normalizePublishAt('2028-02-29T00:00:00Z', NOW).ok).toBe(true);
  });
});

describe('mediaUrl (issue 10, point 12)', () => {
  it('accepts https on public hosts, and only the configured extra origins', () => {
    expect(mediaUrlProblem('https://cdn.example.com/a.jpg')).toBeUndefined();
    expect(mediaUrlProblem('https://8.8.8.8/a.jpg')).toBeUndefined();
    expect(mediaUrlProblem('https://[2606:4700::1111]/a.jpg')).toBeUndefined();
    expect(mediaUrlProblem('http://127.0.0.1:3000/m.jpg', ['http://127.0.0.1:3000'])).toBeUndefined();
    expect(mediaUrlProblem('http://127.0.0.1:3001/m.jpg', ['http://127.0.0.1:3000'])).toMatch(/https/);
  });
  it.each(['javascript:alert(1)', 'data:image/png;base64,AAAA', 'file:///etc/passwd', 'http://169.254.169.254/', 'https://169.254.169.254/', 'https://0xa9fea9fe/', 'https://100.64.0.1/', 'https://0.0.0.0/', 'https://[::]/', 'https://[64:ff9b::a9fe:a9fe]/', 'https://a.localhost/', 'https://printer.local/', 'https://metadata/'])('refuses %s', (u) => {
    expect(mediaUrlProblem(u)).toMatch(/mediaUrl/);
  });
});

describe('user text (issue 10, points 8 and 12)', () => {
  it('shownText drops every bidi control and nothing else', () => {
    expect(shownText('a\u202ab\u202bc\u202cd\u202de\u202ef\u2066g\u2067h\u2068i\u2069j\u200ek\u200fl\u061cm')).toBe('abcdefghijklm');
    expect(shownText('مرحبا שלום 🚀')).toBe('مرحبا שלום 🚀');
  });
  it('hasVisibleText and isWellFormedText', () => {
    expect(hasVisibleText(' \t\n\u3000\u200b\u2060\ufeff\u0001\u202e')).toBe(false);
    expect(hasVisibleText(' a ')).toBe(true);
    expect(isWellFormedText('ok 🚀')).toBe(true);
    expect(isWellFormedText('\ud83d')).toBe(false);
    expect(isWellFormedText('x\ude80')).toBe(false);
  });
  it('alerts and emails carry no bidi control from names or post text', () => {
    const msg = dashboardAlertMessage({ kind: 'post_failed', platform: 'x', postText: 'Pay \u202e0010\u202c now', accountName: 'Acme\u2067' });
    expect(msg).toBe('Post "Pay 0010 now" to X account "Acme" could not publish; it will retry automatically once X is reconnected.');
    const email = renderPostsFailedEmail({
      platform: 'x',
      accountName: '\u202eemca',
      workspaceName: 'W\u200f',
      reason: 'revoked',
      errorCode: 'CONNECTION_EXPIRED/x/revoked',
      reconnectUrl: 'https://app.flamel.ai/app/?reconnect=1',
      failedPosts: [{ postId: 'p', text: 'a\u2066b', publishAt: '2026-11-30T10:00:00Z' }],
    });
    for (const part of [email.subject, email.text, email.html]) expect(part).not.toMatch(/[\u061c\u200e\u200f\u202a-\u202e\u2066-\u2069]/);
  });
});
