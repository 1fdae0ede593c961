// The page's sentences that are not API answers, from their one home in shared/domain, served as
// /app/messages.json (local/dashboard.ts dashboardMessages). The page keeps no copy of them.

let table = null;

/** Loads the words once; the page starts after this (one small same-origin file). */
export async function loadWords() {
  try {
    const res = await fetch('/app/messages.json', { credentials: 'omit' });
    table = res.ok ? await res.json() : null;
  } catch {
    table = null;
  }
  return table;
}

function own(obj, key) {
  return obj && Object.prototype.hasOwnProperty.call(obj, key) ? obj[key] : undefined;
}

/** The dashboard's words (shared/domain/notifications/dashboard-words.ts), or empty ones if the file failed. */
export function words() {
  return (table && table.words) || { platforms: {}, reasons: {}, keepsFailing: [], emails: [], postsAtRisk: {}, cannotShow: {} };
}

export function wordsLoaded() {
  return table !== null;
}

export function platformLabel(platform) {
  return own(words().platforms, platform) || platform || 'The platform';
}

export function isPlatform(platform) {
  return own(words().platforms, platform) !== undefined;
}

export function reasonText(reason) {
  return own(words().reasons, reason) || own(words().reasons, 'unknown') || '';
}

/** The words written for a callback error code (and platform); null for a code the table does not know. */
export function callbackErrorText(code, platform) {
  const byCode = own(table && table.callbackErrors, code);
  if (!byCode) return null;
  return own(byCode, platform) || own(byCode, '_') || null;
}
