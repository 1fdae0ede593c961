/** Small text helpers shared by the emails and the dashboard alert messages. */

// Control characters (C0, DEL, C1) and the Unicode line/paragraph separators.
// eslint-disable-next-line no-control-regex
const CONTROL_CHARS = /[\u0000-\u001f\u007f-\u009f\u2028\u2029]+/g;

/**
 * Bidirectional formatting characters: embeddings and overrides (U+202A-202E), isolates
 * (U+2066-2069) and the marks (U+200E LRM, U+200F RLM, U+061C ALM). Inside user text (a post, an
 * account or workspace name) they reorder the words around them, e.g. make an alert read as a
 * different sentence, so they never reach an email, an alert or an API view.
 */
const BIDI_CONTROLS = /[\u061c\u200e\u200f\u202a-\u202e\u2066-\u2069]/g;

/** Invisible characters that make a string look filled while showing nothing (zero-width, BOM, soft hyphen...). */
// Combining invisibles (U+034F, U+17B4/5) as alternatives: inside a class they would attach to their neighbour.
const INVISIBLE = /\u034f|\u17b4|\u17b5|[\u00ad\u061c\u115f\u1160\u180e\u200b-\u200f\u202a-\u202e\u2060-\u206f\u3164\ufeff\uffa0]/g;

/**
 * User text as it may be shown: bidi controls removed. The one function the emails (every block,
 * at render), the dashboard alerts and the API's views pass user text through.
 */
export function shownText(value: string): string {
  return value.replace(BIDI_CONTROLS, '');
}

/** No unpaired UTF-16 surrogate (JSON can carry one: "\ud800"); with the u flag only lone ones match \p{Cs}. */
export function isWellFormedText(value: string): boolean {
  return !/\p{Cs}/u.test(value);
}

/** Whether the text shows anything: not only white space, control or invisible characters. */
export function hasVisibleText(value: string): boolean {
  return value.replace(CONTROL_CHARS, '').replace(INVISIBLE, '').replace(/\s+/g, '').length > 0;
}

/** One line of text: bidi controls dropped, control characters (CR/LF included) become spaces, runs of spaces collapse. */
export function singleLine(value: string): string {
  return shownText(value).replace(CONTROL_CHARS, ' ').replace(/\s+/g, ' ').trim();
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
