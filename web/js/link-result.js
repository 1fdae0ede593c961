// The outcome of a reconnect link, in words: the address carries only a code (and a platform); the
// words come from /app/messages.json (their one home: shared/domain/notifications/reconnect-link.ts),
// so no text from the address is ever shown.
const q = new URLSearchParams(window.location.search);
const code = q.get('result') === 'restored' ? 'restored' : q.get('code') || '';
const platform = q.get('platform') || '_';
const title = document.getElementById('link-title');
const out = document.getElementById('link-message');
const own = (obj, key) => (obj && Object.prototype.hasOwnProperty.call(obj, key) ? obj[key] : undefined);

function show(text, done) {
  out.textContent = text;
  title.textContent = done ? 'Reconnected' : 'Not reconnected';
  document.body.dataset.outcome = done ? 'restored' : 'error';
}

try {
  const res = await fetch('/app/messages.json', { credentials: 'omit' });
  const table = res.ok ? (await res.json()).linkResults : null;
  // A code the table does not know is not one the system sent: the words for an invalid link.
  const byCode = own(table, code) || own(table, 'LINK_INVALID');
  const text = byCode ? own(byCode, platform) || own(byCode, '_') : '';
  show(text || 'The outcome could not be read. Reload this page.', code === 'restored' && !!own(table, code));
} catch {
  show('The outcome could not be read. Reload this page.', false);
}
