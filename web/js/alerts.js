// Alerts: the open ones first; resolved ones folded away, each saying how it ended.
import { $, append, clear, el, show, timeEl } from './dom.js';
import { findConnection, state } from './state.js';
import { platformLabel } from './words.js';

const KIND_TEXT = {
  connection_expired: 'Connection expired',
  connection_expiring: 'Expiring soon',
  post_failed: 'Failed post',
  platform_outage: 'Platform outage',
};

function aboutConnection(a) {
  return a.kind === 'connection_expired' || a.kind === 'connection_expiring';
}

/** An open alert about an account: its card says why and what to do, so the alert only points there. */
function openBody(a) {
  const conn = a.connectionId ? findConnection(a.connectionId) : null;
  if (aboutConnection(a) && conn) {
    return el('p', { class: 'alert-message' }, platformLabel(conn.platform) + ' account \u201c', el('bdi', null, conn.displayName), '\u201d ',
      a.kind === 'connection_expired' ? 'is disconnected. ' : 'will disconnect soon. ',
      el('a', { href: '#account-' + conn.connectionId, class: 'to-account' }, 'See what to do'));
  }
  return el('p', { class: 'alert-message' }, a.message);
}

/** How a resolved alert ended: reconnected (and what went out since), or the post published. */
function outcome(a) {
  if (aboutConnection(a)) {
    const r = a.connectionId ? state.restores[a.connectionId] : null;
    const published = r && r.count > 0 && r.since === a.resolvedAt
      ? [' \u00b7 ', r.count === 1 ? '1 post published at ' : r.count + ' posts published at ', timeEl(r.lastAt, { short: true })]
      : '';
    return el('p', { class: 'alert-outcome' }, 'Reconnected ', timeEl(a.resolvedAt), published);
  }
  const post = a.postId ? state.posts.find((p) => p.postId === a.postId) : null;
  if (post && post.status === 'published' && post.publishedAt) return el('p', { class: 'alert-outcome' }, 'Published ', timeEl(post.publishedAt));
  return el('p', { class: 'alert-outcome' }, 'Resolved ', timeEl(a.resolvedAt));
}

/** What a resolved alert was about, briefly (its old message's advice no longer applies). */
function was(a) {
  const conn = a.connectionId ? findConnection(a.connectionId) : null;
  const post = a.postId ? state.posts.find((p) => p.postId === a.postId) : null;
  if (post) return el('p', { class: 'fine alert-was' }, '\u201c', el('bdi', null, post.text), '\u201d');
  if (conn) return el('p', { class: 'fine alert-was' }, platformLabel(conn.platform) + ' account \u201c', el('bdi', null, conn.displayName), '\u201d');
  return null;
}

function item(a) {
  const resolved = !!a.resolvedAt;
  const tone = resolved ? 'resolved' : a.kind === 'connection_expiring' || a.kind === 'platform_outage' ? 'warning' : 'danger';
  return el('li', { class: 'alert alert-' + tone, dataset: { kind: a.kind, alertId: a.alertId, resolved: resolved ? 'true' : 'false' } },
    el('div', { class: 'alert-main' },
      el('p', { class: 'alert-kind' }, KIND_TEXT[a.kind] || a.kind, resolved ? el('span', { class: 'resolved-tag' }, 'Resolved') : null),
      resolved ? outcome(a) : openBody(a),
      resolved ? was(a) : el('p', { class: 'fine' }, timeEl(a.createdAt))));
}

export function renderAlerts() {
  const list = $('alerts');
  const folded = $('alerts-resolved');
  clear(list);
  clear(folded);
  const newest = (x, y) => String(y.createdAt).localeCompare(String(x.createdAt));
  const open = state.alerts.filter((a) => !a.resolvedAt).sort(newest);
  const resolved = state.alerts.filter((a) => a.resolvedAt).sort((x, y) => String(y.resolvedAt).localeCompare(String(x.resolvedAt)));
  for (const a of open) append(list, item(a));
  if (resolved.length) {
    append(folded, el('details', { class: 'resolved-alerts' },
      el('summary', null, resolved.length === 1 ? '1 resolved alert' : resolved.length + ' resolved alerts'),
      el('ul', { class: 'alerts' }, resolved.slice(0, 30).map(item))));
  }
  $('alerts-count').textContent = open.length ? open.length + ' open' : '';
  // "Everything is posting normally" only when the page really knows so.
  const broken = state.connections.some((c) => c.status !== 'active');
  const empty = $('alerts-empty');
  empty.textContent = broken ? 'No open alerts.' : 'No open alerts. Everything is posting normally.';
  show(empty, state.loaded && !state.blocked && open.length === 0);
}
