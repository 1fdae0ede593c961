// What happened after the platform's sign-in (?result=...), and the account an email link asked to
// reconnect. Only what names something is read from the address; the words come from the code.
import { $, append, clear, el, show, timeEl } from './dom.js';
import { supportBox } from './notice.js';
import { findConnection, state, syncUrl } from './state.js';
import { callbackErrorText, platformLabel, words, wordsLoaded } from './words.js';
import { reconnectButton, renderAccounts } from './accounts.js';

function who(r, conn) {
  // <bdi>: a name's own direction never reorders the sentence around it.
  return conn ? [platformLabel(conn.platform) + ' account \u201c', el('bdi', null, conn.displayName), '\u201d'] : platformLabel(r.platform);
}

/** After a restore: what went out since (the posts list's answer), else what will happen. */
export function restoreOutcome(connectionId) {
  const r = state.restores[connectionId];
  if (r && r.count > 0) return el('p', { class: 'restore-outcome' }, r.count === 1 ? '1 post published at ' : r.count + ' posts published at ', timeEl(r.lastAt, { short: true }), '.');
  const waiting = state.posts.some((p) => p.connectionId === connectionId && (p.status === 'failed' || p.status === 'retrying'));
  return waiting ? el('p', { class: 'restore-outcome' }, 'Posts that failed while it was down are being retried now; nothing to reschedule.') : null;
}

export function renderResult() {
  const box = $('result');
  clear(box);
  const r = state.result;
  show(box, !!r);
  if (!r) return;
  const conn = r.connectionId ? findConnection(r.connectionId) : null;
  box.dataset.result = r.result;
  if (r.result === 'connected' || r.result === 'restored') {
    box.className = 'banner banner-success';
    append(box, el('div', { class: 'banner-icon', 'aria-hidden': 'true' }, '\u2713'),
      el('div', { class: 'banner-body' },
        el('h2', null, who(r, conn), r.result === 'restored' ? ' is reconnected' : ' is connected'),
        r.result === 'restored' ? restoreOutcome(r.connectionId) : el('p', null, 'Flamel can now post to it. It is checked every day; you will hear from us if it needs attention.'),
      ));
  } else {
    box.className = 'banner banner-error';
    if (wordsLoaded()) box.dataset.messages = 'loaded';
    // A code the table does not know is not one the system sent.
    const text = callbackErrorText(r.code, r.platform);
    const code = text ? r.code : 'unknown';
    const message = text ? text.split('{account}').join(conn ? '\u201c' + conn.displayName + '\u201d' : 'this account') : 'The sign-in did not finish. Nothing was changed.';
    // A replayed sign-in (STATE_USED) already finished: offer Reconnect only if the account still needs it.
    const retry = conn && conn.status !== 'active' ? reconnectButton(conn, 'Try Reconnect again') : null;
    // The "keeps failing" steps only once a reconnect of an existing account failed (not a first Deny).
    const steps = conn ? el('ol', { class: 'steps' }, words().keepsFailing.map((s) => el('li', null, s))) : null;
    append(box, el('div', { class: 'banner-icon', 'aria-hidden': 'true' }, '!'),
      el('div', { class: 'banner-body' },
        el('h2', null, r.platform ? platformLabel(r.platform) + ': that did not work' : 'That did not work'),
        el('p', { class: 'result-message' }, message),
        retry ? el('div', { class: 'actions' }, retry) : null,
        steps ? el('details', { class: 'keeps-failing' }, el('summary', null, 'If reconnect keeps failing'), steps) : null,
        supportBox(code),
      ));
  }
  append(box, el('button', { type: 'button', class: 'banner-close', 'aria-label': 'Dismiss', onclick: () => { state.result = null; renderResult(); } }, '\u00d7'));
}

/** Back from the platform: focus goes to what happened, so a screen reader or keyboard user starts there. */
export function focusResult() {
  const box = $('result');
  if (box.hidden) return;
  box.tabIndex = -1;
  box.focus();
}

/** An email's link (?reconnect=ID): point at the account; its card says why and holds Reconnect. */
export function renderReconnectFocus() {
  const box = $('reconnect-focus');
  clear(box);
  show(box, !!state.reconnectId && state.loaded);
  if (!state.reconnectId || !state.loaded) return;
  const c = findConnection(state.reconnectId);
  if (!c) {
    box.className = 'banner banner-info';
    append(box, el('div', { class: 'banner-body' }, el('h2', null, 'That account is not in this workspace'),
      el('p', null, 'It may have been removed, or the link belongs to another workspace. Connected Accounts below shows what is here now.')));
  } else if (c.status === 'active') {
    box.className = 'banner banner-success';
    append(box, el('div', { class: 'banner-icon', 'aria-hidden': 'true' }, '\u2713'),
      el('div', { class: 'banner-body' }, el('h2', null, who(null, c), ' is working again'), el('p', null, 'Nothing to do: it is already reconnected.')));
  } else {
    box.className = 'banner banner-focus';
    append(box, el('div', { class: 'banner-icon', 'aria-hidden': 'true' }, '\u21bb'),
      el('div', { class: 'banner-body' }, el('h2', null, 'Reconnect ', who(null, c)), el('p', null, 'Its card, highlighted below, says why it dropped and what to do first.')));
  }
  append(box, el('button', { type: 'button', class: 'banner-close', 'aria-label': 'Dismiss', onclick: () => { state.reconnectId = ''; syncUrl(); renderReconnectFocus(); renderAccounts(); } }, '\u00d7'));
}
