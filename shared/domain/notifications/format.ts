/** Small text helpers shared by the emails and the dashboard alert messages. */

// Control characters (C0, DEL, C1) and the Unicode line/paragraph separators.
// eslint-disable-next-line no-control-regex
const CONTROL_CHARS = /[\u0000-\u001f\u007f-\u009f\u2028\u2029]+/g;

/** One line of text: control characters (CR/LF included) become spaces, runs of spaces collapse. */
export function singleLine(value: string): string {
  return value.replace(CONTROL_CHARS, ' ').replace(/\s+/g, ' ').trim();
}

/** At most `max` code points (never splits an emoji's surrogate pair), ending in "…" when cut. */
export function truncate(value: string, max: number): string {
  const points = Array.from(value);
  if (points.length <= max) return value;
  return `${points.slice(0, Math.max(0, max - 1)).join('').trimEnd()}…`;
}

/** A one-line excerpt of free text (a post), for lists and alerts. */
export function excerpt(value: string, max = 80): string {
  return truncate(singleLine(value), max);
}

/** An account or workspace name as it appears in quotes in a subject or sentence. */
export function quoted(name: string, max = 80): string {
  const clean = truncate(singleLine(name), max);
  return `"${clean === '' ? '(unnamed)' : clean}"`;
}

/** `2025-05-01T09:30:12.000Z` → `2025-05-01 09:30 UTC`; anything unparseable is shown as given. */
export function formatUtc(iso: string): string {
  const ms = Date.parse(iso);
  if (Number.isNaN(ms)) return singleLine(iso);
  const d = new Date(ms).toISOString();
  return `${d.slice(0, 10)} ${d.slice(11, 16)} UTC`;
}

/** The calendar day of a deadline, as `expiringGuidance` shows it (`YYYY-MM-DD`). */
export function formatDay(iso: string): string {
  return iso.slice(0, 10);
}

/** `1 post` / `3 posts`. */
export function plural(count: number, one: string, many: string): string {
  return `${count} ${count === 1 ? one : many}`;
}
