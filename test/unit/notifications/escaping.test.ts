import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import {
  escapeHtml,
  renderConnectionExpiredEmail,
  renderConnectionExpiringEmail,
  renderConnectionRestoredEmail,
  renderEmail,
} from '../../../shared/domain/notifications/index.js';
import { sampleExpiredEmailInput } from './fixtures.js';

const EVIL = `<script>alert("x")</script> Tom & Jerry's`;
const EVIL_ESCAPED = '&lt;script&gt;alert(&quot;x&quot;)&lt;/script&gt; Tom &amp; Jerry&#39;s';

describe('escaping', () => {
  it('escapes every interpolated value in the HTML and keeps it readable in the text', () => {
    const email = renderConnectionExpiredEmail(
      sampleExpiredEmailInput({
        accountName: EVIL,
        workspaceName: EVIL,
        platformMessage: EVIL,
        errorCode: `CODE&<b>`,
        reconnectUrl: 'https://app.flamel.ai/reconnect?a=1&b=<2>',
        failedPosts: [{ postId: 'p1', text: EVIL, publishAt: '2025-05-01T09:00:00Z' }],
      }),
    );
    expect(email.html).not.toContain('<script');
    expect(email.html).not.toContain('<b>');
    expect(email.html).not.toMatch(/&(?!amp;|lt;|gt;|quot;|#39;)/);
    expect(email.html).toContain(EVIL_ESCAPED);
    expect(email.html).toContain('CODE&amp;&lt;b&gt;');
    expect(email.html).toContain('href="https://app.flamel.ai/reconnect?a=1&amp;b=&lt;2&gt;"');

    expect(email.text).toContain(`"${EVIL}"`);
    expect(email.text).toContain('CODE&<b>');
    expect(email.text).toContain('https://app.flamel.ai/reconnect?a=1&b=<2>');
    expect(email.text).not.toContain('&amp;');
    expect(email.subject).toBe(`Action needed: your Facebook account "${EVIL}" is disconnected`);
  });

  it('escapes the expiring and restored emails too', () => {
    const expiring = renderConnectionExpiringEmail({
      platform: 'linkedin',
      accountName: EVIL,
      workspaceName: EVIL,
      deadline: '2025-06-01T00:00:00Z',
      reconnectUrl: 'https://app.flamel.ai/r?x=1&y=2',
    });
    const restored = renderConnectionRestoredEmail({ platform: 'x', accountName: EVIL, workspaceName: EVIL, retriedPosts: 2 });
    for (const email of [expiring, restored]) {
      expect(email.html).not.toContain('<script');
      expect(email.html).toContain(EVIL_ESCAPED);
      expect(email.text).toContain(EVIL);
    }
  });

  it('keeps names on one line in the subject (no header injection)', () => {
    const email = renderConnectionExpiredEmail(sampleExpiredEmailInput({ accountName: 'Acme\r\nBcc: victim@example.com' }));
    expect(email.subject).not.toMatch(/[\r\n]/);
    expect(email.subject).toContain('"Acme Bcc: victim@example.com"');
  });

  it('refuses links that are not http(s)', () => {
    for (const reconnectUrl of ['javascript:alert(1)', 'data:text/html,hi', '/relative/path', 'not a url']) {
      expect(() => renderConnectionExpiredEmail(sampleExpiredEmailInput({ reconnectUrl }))).toThrow(RangeError);
    }
  });

  it('escapeHtml leaves no markup characters and round-trips', () => {
    const unescape = (s: string): string =>
      s.replace(/&lt;/g, '<').replace(/&gt;/g, '>').replace(/&quot;/g, '"').replace(/&#39;/g, "'").replace(/&amp;/g, '&');
    fc.assert(
      fc.property(fc.string({ unit: 'binary' }), (s) => {
        const e = escapeHtml(s);
        expect(e).not.toMatch(/[<>"']/);
        expect(unescape(e)).toBe(s);
      }),
    );
  });

  it('no value can add markup: the HTML has the same "<" and ">" whatever the values', () => {
    const count = (html: string): number => html.replace(/[^<>]/g, '').length;
    const base = count(renderConnectionExpiredEmail(sampleExpiredEmailInput({ failedPosts: [] })).html);
    fc.assert(
      fc.property(fc.string(), fc.string(), fc.string(), (name, workspace, message) => {
        const { html } = renderConnectionExpiredEmail(
          sampleExpiredEmailInput({ accountName: name, workspaceName: workspace, platformMessage: `m${message}`, failedPosts: [] }),
        );
        expect(count(html)).toBe(base);
      }),
      { numRuns: 200 },
    );
  });
});

describe('one template, two renderings', () => {
  it('renders every block kind to both HTML and text', () => {
    const email = renderEmail({
      subject: 'S',
      preheader: 'P',
      blocks: [
        { kind: 'heading', level: 1, tone: 'danger', text: 'Title' },
        { kind: 'paragraph', text: ['Plain ', { text: 'bold', style: 'strong' }, ' and ', { text: 'CODE/1', style: 'code' }] },
        { kind: 'list', ordered: true, items: ['one', 'two\ncontinued'] },
        { kind: 'list', items: ['a'] },
        { kind: 'button', label: 'Go', href: 'https://example.com/go' },
        { kind: 'box', tone: 'warning', title: 'Careful', body: ['line 1', 'line 2'] },
        { kind: 'divider' },
        { kind: 'paragraph', muted: true, text: 'small print' },
      ],
    });
    expect(email.text).toBe(
      [
        'Title',
        '=====',
        '',
        'Plain bold and CODE/1',
        '',
        '  1. one',
        '  2. two',
        '     continued',
        '',
        '  - a',
        '',
        'Go: https://example.com/go',
        '',
        '| Careful',
        '|',
        '| line 1',
        '|',
        '| line 2',
        '',
        '-'.repeat(40),
        '',
        'small print',
        '',
      ].join('\n'),
    );
    expect(email.html).toMatch(/^<!DOCTYPE html>/);
    expect(email.html).toContain('<title>S</title>');
    expect(email.html).toContain('>P</div>');
    expect(email.html).toContain('<strong');
    expect(email.html).toContain('>CODE/1</code>');
    expect(email.html).toMatch(/<ol [^>]*><li [^>]*>one<\/li><li [^>]*>two\ncontinued<\/li><\/ol>/);
    expect(email.html).toContain('<a href="https://example.com/go"');
    expect(email.html).toContain('Careful</p>');
    expect(email.html).toContain('<hr ');
  });

  it('uses inline CSS only and no external assets', () => {
    const { html } = renderConnectionExpiredEmail(sampleExpiredEmailInput());
    expect(html).not.toMatch(/<style|<link|<img|<script|url\(|@import/i);
    const hrefs = [...html.matchAll(/href="([^"]*)"/g)].map((m) => m[1]);
    expect(hrefs.length).toBeGreaterThan(0);
    expect(new Set(hrefs)).toEqual(new Set([sampleExpiredEmailInput().reconnectUrl]));
    expect(html).not.toMatch(/\ssrc=/);
  });
});
