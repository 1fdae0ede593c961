// Posts: the workspace's posts (filterable by account and status), the held ones waiting for the
// owner's decision, and what went out after each restore.
import { api, wsPath } from './api.js';
import { $, append, busy, clear, confirmInPlace, el, show, timeEl } from './dom.js';
import { supportBox } from './notice.js';
import { findConnection, state } from './state.js';
import { platformLabel } from './words.js';
import { handleError, loadWorkspace } from './workspace.js';

const STATUS_TEXT = { scheduled: 'Scheduled', retrying: 'Retrying', published: 'Published', failed: 'Waiting for reconnect', failed_permanent: 'Failed', held: 'Held for you' };
const STATUS_TONE = { scheduled: 'neutral', retrying: 'amber', published: 'green', failed: 'amber', failed_permanent: 'red', held: 'amber' };
const WEEK_MS = 7 * 86_400_000;

/** A scheduled post that already failed once is being retried. */
function shownStatus(p) {
  return p.status === 'scheduled' && p.attempts > 0 ? 'retrying' : p.status;
}

/** The post on the platform, where its id alone makes the address (X status ids, Facebook Page post ids, LinkedIn share URNs). */
function platformPostUrl(platform, id) {
  if (!id) return '';
  if (platform === 'x' && /^\d{1,25}$/.test(id)) return 'https://x.com/i/web/status/' + id;
  if (platform === 'facebook' && /^\d{1,25}_\d{1,25}$/.test(id)) return 'https://www.facebook.com/' + id;
  if (platform === 'linkedin' && /^urn:li:(share|ugcPost):\d{1,25}$/.test(id)) return 'https://www.linkedin.com/feed/update/' + id;
  return '';
}

export function postsQuery(nextToken, filters) {
  const q = new URLSearchParams();
  const f = filters || { connectionId: $('posts-connection').value, status: $('posts-status').value };
  if (f.connectionId) q.set('connectionId', f.connectionId);
  if (f.status) q.set('status', f.status);
  if (nextToken) q.set('nextToken', nextToken);
  const s = q.toString();
  return s ? '?' + s : '';
}

/** The account filter follows the connections. */
export function renderPostsFilter() {
  const select = $('posts-connection');
  const chosen = select.value;
  clear(select);
  append(select, el('option', { value: '' }, 'All accounts'));
  for (const c of state.connections) append(select, el('option', { value: c.connectionId, selected: c.connectionId === chosen }, platformLabel(c.platform) + ' \u00b7 ' + c.displayName));
  if (chosen && !findConnection(chosen)) select.value = '';
}

function postItem(p, actions) {
  const conn = findConnection(p.connectionId);
  const platform = conn ? conn.platform : '';
  const url = platformPostUrl(platform, p.platformPostId);
  const status = shownStatus(p);
  return el('li', { class: 'post', dataset: { postId: p.postId, status: p.status, connectionId: p.connectionId } },
    el('div', { class: 'post-head' },
      el('span', { class: 'badge badge-' + (STATUS_TONE[status] || 'neutral') }, STATUS_TEXT[status] || status),
      el('span', { class: 'post-time' }, p.status === 'published' && p.publishedAt ? ['Published ', timeEl(p.publishedAt)] : [p.status === 'held' ? 'Was due ' : 'For ', timeEl(p.publishAt)]),
      conn ? el('span', { class: 'muted' }, platformLabel(platform), ' \u00b7 ', el('bdi', null, conn.displayName)) : null),
    el('p', { class: 'post-text' }, p.text),
    p.status === 'failed_permanent' && p.lastError ? [el('p', { class: 'post-error' }, p.lastError.message), supportBox(p.lastError.code)] : null,
    url ? el('p', { class: 'fine' }, el('a', { class: 'post-link', href: url, target: '_blank', rel: 'noopener noreferrer' }, 'View on ' + platformLabel(platform))) : null,
    actions || null);
}

export function renderPosts() {
  const list = $('posts');
  clear(list);
  show($('posts-empty'), state.loaded && state.posts.length === 0);
  show($('posts-more'), !!state.postsNext);
  for (const p of state.posts) append(list, postItem(p));
}

/** The first page again (filters changed), or the next page after what is shown. */
let postsSeq = 0;
export async function loadPosts(more) {
  if (!state.token || !state.selected) return;
  const seq = ++postsSeq;
  try {
    const r = await api('GET', wsPath('posts') + postsQuery(more ? state.postsNext : ''));
    if (seq !== postsSeq) return;
    state.posts = (more ? state.posts : []).concat((r && r.posts) || []);
    state.postsNext = (r && r.nextToken) || '';
    renderPosts();
  } catch (err) {
    handleError(err);
  }
}

export async function loadHeld() {
  const r = await api('GET', wsPath('posts') + postsQuery('', { status: 'held' })).catch(() => null);
  state.held = (r && r.posts) || [];
}

/** Held posts (stalePosts: hold): late after a reconnect, they wait for the owner to publish or discard them. */
export function renderHeld() {
  const list = $('held');
  clear(list);
  show($('held-section'), state.held.length > 0);
  for (const p of state.held) {
    const actions = el('div', { class: 'actions post-actions' });
    const reset = () => {
      clear(actions);
      append(actions,
        el('button', { type: 'button', class: 'btn btn-primary publish-now', onclick: (ev) => publishNow(p, ev.currentTarget) }, 'Publish now'),
        el('button', { type: 'button', class: 'btn btn-secondary discard', onclick: () => confirmInPlace(actions, 'Discard this post? It will not be published.', 'Discard it', (b) => discard(p, b), reset) }, 'Discard\u2026'));
    };
    reset();
    append(list, postItem(p, actions));
  }
}

async function publishNow(p, button) {
  const done = busy(button, 'Publishing\u2026');
  try {
    await api('POST', wsPath('posts', p.postId, 'publish-now'));
    await loadWorkspace();
  } catch (err) {
    done();
    handleError(err);
  }
}

async function discard(p, button) {
  const done = busy(button, 'Discarding\u2026');
  try {
    await api('DELETE', wsPath('posts', p.postId));
    await loadWorkspace();
  } catch (err) {
    done();
    handleError(err);
  }
}

/** The server's "now", as far as the page can tell (the local clock may be moved ahead). */
function serverNow() {
  const times = state.alerts.flatMap((a) => [a.createdAt, a.resolvedAt]).concat(state.connections.map((c) => c.lastCheckedAt));
  return Math.max(Date.now(), ...times.filter(Boolean).map((t) => Date.parse(t)));
}

/** For each account restored in the last 7 days: how many of its posts went out since, and when the last did. */
export async function loadRestores() {
  const since = {};
  for (const a of state.alerts) {
    if (a.kind !== 'connection_expired' || !a.resolvedAt || !a.connectionId) continue;
    if (!since[a.connectionId] || a.resolvedAt > since[a.connectionId]) since[a.connectionId] = a.resolvedAt;
  }
  const recent = Object.entries(since).filter(([id, at]) => (findConnection(id) || {}).status === 'active' && Date.parse(at) > serverNow() - WEEK_MS);
  const found = {};
  await Promise.all(recent.map(async ([id, at]) => {
    const r = await api('GET', wsPath('posts') + postsQuery('', { connectionId: id, status: 'published' })).catch(() => null);
    const out = ((r && r.posts) || []).filter((p) => p.publishedAt && p.publishedAt >= at);
    if (out.length) found[id] = { count: out.length, lastAt: out.map((p) => p.publishedAt).sort().pop(), since: at };
  }));
  state.restores = found;
}
