// Connected Accounts: one card per connection, with the actions that fit its state.
import { api, wsPath } from './api.js';
import { $, append, busy, clear, confirmInPlace, el, fill, show, timeEl } from './dom.js';
import { clearNotice, notify, supportBox } from './notice.js';
import { state, syncUrl } from './state.js';
import { platformLabel, reasonText, words } from './words.js';
import { handleError, loadWorkspace } from './workspace.js';
import { historyDetails } from './history.js';
import { restoreOutcome } from './result.js';

const BADGE_TEXT = { green: 'Active', amber: 'Expiring soon', red: 'Expired' };
let focusedOnce = '';

export function reconnectButton(c, text, quiet) {
  return el('button', {
    type: 'button',
    class: 'btn ' + (quiet ? 'btn-secondary' : 'btn-primary') + ' reconnect',
    dataset: { connectionId: c.connectionId },
    onclick: (ev) => reconnect(c, ev.currentTarget),
  }, text || 'Reconnect');
}

async function reconnect(c, button) {
  clearNotice();
  const done = busy(button, 'Opening ' + platformLabel(c.platform) + '\u2026');
  try {
    const r = await api('POST', wsPath('connections', c.connectionId, 'reconnect'));
    window.location.assign(r.authorizeUrl);
  } catch (err) {
    done();
    handleError(err);
  }
}

/** Expired accounts whose history shows a refused reconnect since they dropped: they get the "keeps failing" steps. */
export async function loadFailedReconnects() {
  const expired = state.connections.filter((c) => c.status === 'expired');
  const found = {};
  await Promise.all(expired.map(async (c) => {
    const h = await api('GET', wsPath('connections', c.connectionId, 'history')).catch(() => null);
    const events = (h && h.events) || [];
    const lastDrop = events.map((e) => e.type).lastIndexOf('expired');
    if (events.slice(lastDrop + 1).some((e) => e.type === 'reconnect_failed')) found[c.connectionId] = true;
  }));
  state.failedReconnects = found;
}

function postsAtRisk(c) {
  const n = c.postsAtRisk && c.postsAtRisk.count;
  if (!n) return null;
  const text = words().postsAtRisk[n === 1 ? 'one' : 'other'] || '';
  return el('p', { class: 'at-risk' }, fill(text, { count: n }),
    c.postsAtRisk.nextPublishAt ? [' The next one is due ', timeEl(c.postsAtRisk.nextPublishAt), '.'] : '');
}

function fact(term, value) {
  return value ? [el('dt', null, term), el('dd', null, value)] : null;
}

/** Remove (and Reconnect on a working account) live behind "More": they are rarely what a person came for. */
function moreMenu(c) {
  const items = el('div', { class: 'menu-items' });
  const menu = el('details', { class: 'menu' }, el('summary', { class: 'btn btn-quiet', 'aria-label': 'More actions for ' + c.displayName }, 'More'), items);
  const fillItems = () => {
    clear(items);
    append(items,
      c.status === 'active' ? reconnectButton(c, 'Reconnect anyway', true) : null,
      el('button', { type: 'button', class: 'btn btn-secondary remove', onclick: () => askRemove(c, items, fillItems) }, 'Remove\u2026'));
  };
  fillItems();
  return menu;
}

function askRemove(c, host, restore) {
  const question = 'Remove ' + platformLabel(c.platform) + ' account \u201c' + c.displayName + '\u201d from this workspace? Flamel deletes its access and stops posting to it. You can connect it again later.';
  confirmInPlace(host, question, 'Remove it', async (button) => {
    const done = busy(button, 'Removing\u2026');
    try {
      await api('DELETE', wsPath('connections', c.connectionId));
      if (state.reconnectId === c.connectionId) {
        state.reconnectId = '';
        syncUrl();
      }
      notify(platformLabel(c.platform) + ' account \u201c' + c.displayName + '\u201d was removed.');
      await loadWorkspace();
      $('accounts-title').focus();
    } catch (err) {
      done();
      handleError(err);
    }
  }, restore);
}

// "Send a reconnect link": for the person who really administers the Page (no Flamel sign-in needed).
function linkForm(c) {
  const out = el('div', { class: 'link-made', role: 'status' });
  const input = el('input', { type: 'email', class: 'link-email', 'aria-label': 'Their email (optional)', placeholder: 'their email (optional)', autocomplete: 'off' });
  const form = el('form', { class: 'row-form link-form', onsubmit: (ev) => { ev.preventDefault(); sendLink(c, input.value.trim(), ev.submitter || form.querySelector('button'), out); } },
    input, el('button', { type: 'submit', class: 'btn btn-secondary send-link' }, 'Create the link'));
  return el('details', { class: 'send-link-box' },
    el('summary', null, 'Someone else administers it? Send them a reconnect link'),
    el('p', { class: 'fine' }, 'It works once, for 72 hours, with no Flamel sign-in; a new link replaces the last one.'), form, out);
}

async function sendLink(c, email, button, out) {
  clearNotice();
  const done = busy(button, 'Creating link\u2026');
  try {
    const r = await api('POST', wsPath('connections', c.connectionId, 'reconnect-link'), email ? { email } : {});
    done();
    clear(out);
    append(out, el('p', null, email ? 'Emailed to ' + email + '. ' : '', 'Works once, until ', timeEl(r.expiresAt), ':'),
      el('p', null, el('code', { class: 'link-url', text: r.url })),
      el('button', { type: 'button', class: 'btn btn-quiet', onclick: () => revokeLinks(c, out) }, 'Cancel this link'));
    if (navigator.clipboard) navigator.clipboard.writeText(r.url).catch(() => { /* shown on the page anyway */ });
  } catch (err) {
    done();
    handleError(err);
  }
}

async function revokeLinks(c, out) {
  try {
    await api('DELETE', wsPath('connections', c.connectionId, 'reconnect-link'));
    clear(out);
    append(out, el('p', null, 'Cancelled: the link no longer works.'));
  } catch (err) {
    handleError(err);
  }
}

function card(c) {
  const broken = c.status !== 'active';
  const focused = c.connectionId === state.reconnectId || (state.result && state.result.connectionId === c.connectionId);
  const quote = c.status === 'expired' && c.errorCode
    ? supportBox(c.errorCode, c.platformMessage ? el('p', null, platformLabel(c.platform) + '\u2019s message: ', el('q', { class: 'platform-message' }, c.platformMessage)) : null)
    : null;
  return el('article', {
    id: 'account-' + c.connectionId,
    class: 'card card-' + c.badge + (focused ? ' card-focus' : ''),
    tabindex: '-1',
    dataset: { connectionId: c.connectionId, status: c.status, badge: c.badge, platform: c.platform },
    'aria-label': platformLabel(c.platform) + ' ' + c.displayName + ', ' + (BADGE_TEXT[c.badge] || c.status),
  },
  el('header', { class: 'card-head' },
    el('span', { class: 'platform-mark platform-' + c.platform, 'aria-hidden': 'true' }, platformLabel(c.platform).charAt(0)),
    el('div', { class: 'card-title' }, el('h3', null, el('bdi', null, c.displayName || c.externalAccountId)), el('p', { class: 'muted' }, platformLabel(c.platform))),
    el('span', { class: 'badge badge-' + c.badge, dataset: { badge: c.badge } }, el('span', { class: 'dot', 'aria-hidden': 'true' }), BADGE_TEXT[c.badge] || c.status)),
  c.status === 'expired' ? el('p', { class: 'reason' }, reasonText(c.reason)) : null,
  // The API's guidance (it carries the platform's tip, and the outage notice when there is one): once, here.
  c.guidance ? el('p', { class: c.platformOutageSuspected ? 'guidance outage' : 'guidance' }, c.guidance) : null,
  postsAtRisk(c),
  c.status === 'active' ? restoreOutcome(c.connectionId) : null,
  el('dl', { class: 'facts' },
    c.status === 'expired' ? null : fact('Access ends', c.expiresAt ? timeEl(c.expiresAt, { day: true }) : 'Renewed automatically'),
    fact('Last checked', c.lastCheckedAt ? timeEl(c.lastCheckedAt) : 'Not yet')),
  el('div', { class: 'card-actions actions' }, broken ? reconnectButton(c) : null, moreMenu(c)),
  broken ? linkForm(c) : null,
  c.status === 'expired' && state.failedReconnects[c.connectionId]
    ? el('details', { class: 'keeps-failing', open: true }, el('summary', null, 'If reconnect keeps failing'), el('ol', { class: 'steps' }, words().keepsFailing.map((s) => el('li', null, s))))
    : null,
  quote,
  historyDetails(c));
}

export function renderAccounts() {
  const list = $('accounts');
  clear(list);
  show($('accounts-empty'), state.loaded && state.connections.length === 0);
  // What needs a person comes first: expired, then expiring, then active.
  const order = { red: 0, amber: 1, green: 2 };
  const sorted = state.connections.slice().sort((a, b) => (order[a.badge] || 0) - (order[b.badge] || 0));
  for (const c of sorted) append(list, card(c));
  // An email's link: bring its account into view once, with the keyboard on it.
  const target = state.reconnectId && document.getElementById('account-' + state.reconnectId);
  if (target && focusedOnce !== state.reconnectId) {
    focusedOnce = state.reconnectId;
    if (target.scrollIntoView) target.scrollIntoView({ block: 'center' });
    target.focus({ preventScroll: true });
  }
}
