import { readdirSync, readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { DASHBOARD_DIR, dashboardMessages } from '../../local/dashboard.js';
import { IF_RECONNECT_KEEPS_FAILING, PLATFORM_TIPS, REASON_TEXT } from '../../shared/domain/guidance.js';

/**
 * The dashboard keeps no copy of a sentence written in shared/domain (issue 12): what it shows comes
 * from the API or from /app/messages.json. A sentence pasted into web/ fails here.
 */
function files(dir: string): string[] {
  return readdirSync(dir).flatMap((f) => {
    const p = join(dir, f);
    return statSync(p).isDirectory() ? files(p) : /\.(js|html)$/.test(f) ? [p] : [];
  });
}

function strings(value: unknown): string[] {
  if (typeof value === 'string') return [value];
  if (Array.isArray(value)) return value.flatMap(strings);
  if (value && typeof value === 'object') return Object.values(value).flatMap(strings);
  return [];
}

/** The pieces of a text long enough to be a sentence of its own (placeholders cut out). */
function sentences(text: string): string[] {
  return text
    .split(/[.:;!?]\s+|\{\w+\}/)
    .map((s) => s.trim().toLowerCase())
    .filter((s) => s.length >= 28);
}

describe('the dashboard\u2019s words', () => {
  const page = files(DASHBOARD_DIR).map((f) => readFileSync(f, 'utf8').toLowerCase().replace(/\\u2019/g, '\u2019')).join('\n');
  const homes = [...strings(dashboardMessages()), ...Object.values(REASON_TEXT), ...Object.values(PLATFORM_TIPS), ...IF_RECONNECT_KEEPS_FAILING];

  it('are served to the page, and reasons read as sentences', () => {
    const { words } = dashboardMessages();
    expect(words.reasons.password_changed).toBe('The account password was changed, which ends every app session.');
    expect(words.keepsFailing).toEqual(IF_RECONNECT_KEEPS_FAILING);
    expect(words.emails.map((e) => e.key)).toEqual(['connectionExpired', 'postsFailed', 'connectionRestored', 'expiringSoon', 'weeklyDigest']);
  });

  it('are not copied into web/', () => {
    const copies = [...new Set(homes.flatMap(sentences))].filter((s) => page.includes(s));
    expect(copies).toEqual([]);
  });
});
