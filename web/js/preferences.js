// Notification preferences (#notifications): which emails the signed-in person gets for this
// workspace. Dashboard alerts are always raised; turning expiry emails off says what that risks.
import { api, wsPath } from './api.js';
import { $, append, clear, el, show } from './dom.js';
import { state } from './state.js';
import { words } from './words.js';
import { handleError } from './workspace.js';

export async function loadPreferences() {
  state.preferences = await api('GET', wsPath('notification-preferences')).catch(() => null);
}

function expiryOff() {
  return !!state.preferences && state.preferences.email.connectionExpired === false;
}

async function toggle(key, input) {
  input.disabled = true;
  try {
    state.preferences = await api('PUT', wsPath('notification-preferences'), { email: { [key]: input.checked } });
    $('notifications-saved').textContent = 'Saved.';
  } catch (err) {
    input.checked = !input.checked;
    handleError(err);
  }
  input.disabled = false;
  renderNote();
}

function renderNote() {
  const text = words().expiryEmailsOff || '';
  for (const id of ['notifications-note', 'accounts-note']) {
    const note = $(id);
    note.textContent = text;
    show(note, expiryOff());
  }
}

export function renderPreferences() {
  const list = $('notifications-list');
  clear(list);
  const prefs = state.preferences;
  show($('notifications'), !!prefs);
  $('notifications-saved').textContent = '';
  renderNote();
  if (!prefs) return;
  for (const e of words().emails) {
    const input = el('input', { type: 'checkbox', id: 'pref-' + e.key, name: e.key, checked: prefs.email[e.key] !== false, onchange: (ev) => toggle(e.key, ev.currentTarget) });
    append(list, el('li', { class: 'pref' }, input, el('label', { for: 'pref-' + e.key }, el('strong', null, e.label), el('span', { class: 'fine' }, e.hint))));
  }
}
