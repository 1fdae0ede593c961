/**
 * One template description, two renderings: an email is a list of typed blocks, rendered once to
 * HTML (table layout, inline CSS only, no external assets: what email clients handle) and once to
 * plain text. Every string in a block is plain text; the HTML renderer escapes all of it, so
 * callers never build markup.
 */
import type { Email } from '../../ports/misc.js';
import { shownText } from './format.js';

export type Tone = 'neutral' | 'info' | 'danger' | 'warning' | 'success';

/** A run of text inside a block: plain, bold, or monospaced (codes a user should copy). */
export type Span = string | { readonly text: string; readonly style: 'strong' | 'code' };
/** Block text: one plain string, or spans run together. */
export type Inline = string | readonly Span[];

export type Block =
  | { readonly kind: 'heading'; readonly text: Inline; readonly level?: 1 | 2; readonly tone?: Tone }
  | { readonly kind: 'paragraph'; readonly text: Inline; readonly muted?: boolean }
  | { readonly kind: 'list'; readonly items: readonly Inline[]; readonly ordered?: boolean }
  /** The call to action: a button in HTML (with the raw link under it), `label: url` in text; `secondary`: a plain link. */
  | { readonly kind: 'button'; readonly label: string; readonly href: string; readonly secondary?: boolean }
  /** A quote-box / callout: a tinted box with an optional title and one or more paragraphs. */
  | { readonly kind: 'box'; readonly tone: Tone; readonly title?: string; readonly body: readonly Inline[] }
  | { readonly kind: 'divider' };

export interface EmailTemplate {
  readonly subject: string;
  /** The preview line inbox lists show after the subject (hidden in the body). */
  readonly preheader?: string;
  readonly blocks: readonly Block[];
}

/** What the Mailer port sends, minus the recipient. */
export type RenderedEmail = Omit<Email, 'to'>;

const HTML_ESCAPES: Record<string, string> = {
  '&': '&amp;',
  '<': '&lt;',
  '>': '&gt;',
  '"': '&quot;',
  "'": '&#39;',
};

/** Escapes text for HTML element content and quoted attribute values. */
export function escapeHtml(value: string): string {
  return value.replace(/[&<>"']/g, (c) => HTML_ESCAPES[c] ?? c);
}

/** Only absolute http(s) links go into an email (no `javascript:`, `data:` or relative URLs). */
export function assertSafeHref(href: string): string {
  let url: URL;
  try {
    url = new URL(href);
  } catch {
    throw new RangeError(`Link is not an absolute URL: ${JSON.stringify(href)}`);
  }
  if (url.protocol !== 'https:' && url.protocol !== 'http:') {
    throw new RangeError(`Link must be http(s), got ${JSON.stringify(url.protocol)}`);
  }
  return href;
}

/** Both renderings; bidi controls from any user text are dropped from all of it (format.ts shownText). */
export function renderEmail(template: EmailTemplate): RenderedEmail {
  return { subject: shownText(template.subject), text: shownText(renderText(template)), html: shownText(renderHtml(template)) };
}

// ---------------------------------------------------------------------------------------------
// Plain text

function spansOf(inline: Inline): readonly Span[] {
  return typeof inline === 'string' ? [inline] : inline;
}

function inlineText(inline: Inline): string {
  return spansOf(inline)
    .map((s) => (typeof s === 'string' ? s : s.text))
    .join('');
}

/** Continuation lines of a multi-line value keep the block's indent. */
function indentLines(value: string, first: string, rest: string): string {
  return value
    .split('\n')
    .map((line, i) => (i === 0 ? first : rest) + line)
    .join('\n');
}

function blockText(block: Block): string {
  switch (block.kind) {
    case 'heading': {
      const text = inlineText(block.text);
      const rule = (block.level ?? 2) === 1 ? '=' : '-';
      return `${text}\n${rule.repeat(Math.min(Array.from(text).length, 72))}`;
    }
    case 'paragraph':
      return inlineText(block.text);
    case 'list':
      return block.items
        .map((item, i) => {
          const marker = block.ordered ? `${i + 1}. ` : '- ';
          return indentLines(inlineText(item), `  ${marker}`, ' '.repeat(2 + marker.length));
        })
        .join('\n');
    case 'button':
      return `${block.label}: ${assertSafeHref(block.href)}`;
    case 'box': {
      const parts = [...(block.title === undefined ? [] : [block.title]), ...block.body.map(inlineText)];
      return parts.map((p) => indentLines(p, '| ', '| ')).join('\n|\n');
    }
    case 'divider':
      return '-'.repeat(40);
  }
}

export function renderText(template: EmailTemplate): string {
  return `${template.blocks.map(blockText).join('\n\n')}\n`;
}

// ---------------------------------------------------------------------------------------------
// HTML

const FONT = "-apple-system,BlinkMacSystemFont,'Segoe UI',Roboto,Helvetica,Arial,sans-serif";
const MONO = "SFMono-Regular,Menlo,Consolas,'Liberation Mono',monospace";
const INK = '#101828';
const BODY = '#344054';
const MUTED = '#667085';
const LINK = '#1d4ed8';
const PAGE_BG = '#f2f4f7';
const CARD_BORDER = '#e4e7ec';

const TONES: Record<Tone, { ink: string; bg: string; border: string }> = {
  neutral: { ink: INK, bg: '#f9fafb', border: '#d0d5dd' },
  info: { ink: '#175cd3', bg: '#eff8ff', border: '#2e90fa' },
  danger: { ink: '#b42318', bg: '#fef3f2', border: '#f04438' },
  warning: { ink: '#b54708', bg: '#fffaeb', border: '#f79009' },
  success: { ink: '#067647', bg: '#ecfdf3', border: '#17b26a' },
};

function inlineHtml(inline: Inline): string {
  return spansOf(inline)
    .map((s) => {
      if (typeof s === 'string') return escapeHtml(s);
      if (s.style === 'strong') return `<strong style="font-weight:700;color:${INK};">${escapeHtml(s.text)}</strong>`;
      return `<code style="font-family:${MONO};font-size:14px;color:${INK};background-color:#eaecf0;padding:2px 5px;border-radius:4px;overflow-wrap:anywhere;">${escapeHtml(s.text)}</code>`;
    })
    .join('');
}

function paragraphHtml(inline: Inline, opts: { muted?: boolean; margin?: string } = {}): string {
  const size = opts.muted ? '14px;line-height:21px' : '16px;line-height:24px';
  return `<p style="margin:${opts.margin ?? '0 0 16px 0'};font-family:${FONT};font-size:${size};color:${opts.muted ? MUTED : BODY};">${inlineHtml(inline)}</p>`;
}

function blockHtml(block: Block): string {
  switch (block.kind) {
    case 'heading': {
      const level = block.level ?? 2;
      const color = TONES[block.tone ?? 'neutral'].ink;
      const size = level === 1 ? '22px;line-height:30px' : '18px;line-height:26px';
      const margin = level === 1 ? '0 0 16px 0' : '24px 0 12px 0';
      return `<h${level} style="margin:${margin};font-family:${FONT};font-size:${size};font-weight:700;color:${color};">${inlineHtml(block.text)}</h${level}>`;
    }
    case 'paragraph':
      return paragraphHtml(block.text, { muted: block.muted ?? false });
    case 'list': {
      const tag = block.ordered ? 'ol' : 'ul';
      const items = block.items
        .map((item) => `<li style="margin:0 0 8px 0;">${inlineHtml(item)}</li>`)
        .join('');
      return `<${tag} style="margin:0 0 16px 0;padding:0 0 0 24px;font-family:${FONT};font-size:16px;line-height:24px;color:${BODY};">${items}</${tag}>`;
    }
    case 'button': {
      const href = escapeHtml(assertSafeHref(block.href));
      if (block.secondary) {
        return `<p style="margin:0 0 16px 0;font-family:${FONT};font-size:16px;line-height:24px;color:${BODY};"><a href="${href}" target="_blank" rel="noopener noreferrer" style="color:${LINK};font-weight:700;">${escapeHtml(block.label)}</a></p>`;
      }
      return (
        `<table role="presentation" cellpadding="0" cellspacing="0" border="0" style="margin:8px 0 12px 0;border-collapse:separate;">` +
        `<tr><td align="center" bgcolor="${LINK}" style="border-radius:6px;background-color:${LINK};">` +
        `<a href="${href}" target="_blank" rel="noopener noreferrer" style="display:inline-block;padding:14px 28px;font-family:${FONT};font-size:16px;font-weight:700;line-height:20px;color:#ffffff;text-decoration:none;border-radius:6px;">${escapeHtml(block.label)}</a>` +
        `</td></tr></table>` +
        `<p style="margin:0 0 16px 0;font-family:${FONT};font-size:13px;line-height:19px;color:${MUTED};">If the button does not work, copy this link into your browser: ` +
        `<a href="${href}" target="_blank" rel="noopener noreferrer" style="color:${LINK};word-break:break-all;">${escapeHtml(block.href)}</a></p>`
      );
    }
    case 'box': {
      const tone = TONES[block.tone];
      const title =
        block.title === undefined
          ? ''
          : `<p style="margin:0 0 8px 0;font-family:${FONT};font-size:16px;line-height:24px;font-weight:700;color:${tone.ink};">${escapeHtml(block.title)}</p>`;
      const body = block.body
        .map((p, i) => paragraphHtml(p, { margin: i === block.body.length - 1 ? '0' : '0 0 8px 0' }))
        .join('');
      return (
        `<table role="presentation" width="100%" cellpadding="0" cellspacing="0" border="0" style="margin:0 0 16px 0;border-collapse:separate;">` +
        `<tr><td bgcolor="${tone.bg}" style="padding:16px 18px;background-color:${tone.bg};border-left:4px solid ${tone.border};border-radius:4px;">${title}${body}</td></tr></table>`
      );
    }
    case 'divider':
      return `<hr style="border:none;border-top:1px solid ${CARD_BORDER};margin:24px 0;">`;
  }
}

export function renderHtml(template: EmailTemplate): string {
  const preheader =
    template.preheader === undefined
      ? ''
      : `<div style="display:none;max-height:0;max-width:0;overflow:hidden;opacity:0;mso-hide:all;font-size:1px;line-height:1px;color:${PAGE_BG};">${escapeHtml(template.preheader)}</div>`;
  return [
    '<!DOCTYPE html>',
    '<html lang="en">',
    '<head>',
    '<meta charset="utf-8">',
    '<meta name="viewport" content="width=device-width, initial-scale=1">',
    '<meta name="color-scheme" content="light">',
    '<meta name="supported-color-schemes" content="light">',
    `<title>${escapeHtml(template.subject)}</title>`,
    '</head>',
    `<body style="margin:0;padding:0;background-color:${PAGE_BG};">`,
    preheader,
    `<table role="presentation" width="100%" cellpadding="0" cellspacing="0" border="0" bgcolor="${PAGE_BG}" style="background-color:${PAGE_BG};">`,
    '<tr><td align="center" style="padding:24px 12px;">',
    `<table role="presentation" width="600" cellpadding="0" cellspacing="0" border="0" bgcolor="#ffffff" style="width:100%;max-width:600px;background-color:#ffffff;border:1px solid ${CARD_BORDER};border-radius:8px;border-collapse:separate;">`,
    `<tr><td style="padding:24px 32px 0 32px;font-family:${FONT};font-size:18px;line-height:24px;font-weight:800;letter-spacing:0.5px;color:${INK};">flamel</td></tr>`,
    `<tr><td style="padding:16px 32px 24px 32px;">`,
    ...template.blocks.map(blockHtml),
    '</td></tr>',
    '</table>',
    '</td></tr>',
    '</table>',
    '</body>',
    '</html>',
  ]
    .filter((line) => line !== '')
    .join('\n')
    .concat('\n');
}
