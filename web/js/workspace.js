// Which workspace the page shows, loading it, and the page's frame (signed in or not, the
// workspace bar, a workspace the page cannot show).
import { api, wsPath } from './api.js';
import { $, append, clear, el, fill, keepingPlace, show } from './dom.js';
import { clearNotice, notify, supportBox } from './notice.js';
import { hubOf, inContext, rememberWorkspace, saveSession, saveWorkspaces, state, syncUrl, workspaceName } from './state.js';
import { words } from './words.js';
import { loadFailedReconnects, renderAccounts } from './accounts.js';
import { renderAlerts } from './alerts.js';
import { loadHeld, loadRestores, postsQuery, renderHeld, renderPosts, renderPostsFilter } from './posts.js';
import { loadHubs, renderHubs } from './hubs.js';
import { loadPreferences, renderPreferences } from './preferences.js';
import { renderReconnectFocus, renderResult } from './result.js';

let loadSeq = 0;
/** Codes for which the page says, in its own words, why it cannot show the workspace. */
const CANNOT_SHOW = ['WORKSPACE_CONTEXT_REQUIRED', 'FORBIDDEN', 'NOT_FOUND'];

/** Everything for the selected workspace, then one render; a refusal shows why instead of an empty page. */
export async function loadWorkspace() {
  if (!state.token || !state.selected) return;
  const seq = ++loadSeq;
  loadPlatformStatus();
  try {
    const [c, a, p] = await Promise.all([api('GET', wsPath('connections')), api('GET', wsPath('alerts')), api('GET', wsPath('posts') + postsQuery(''))]);
    if (seq !== loadSeq) return;
    state.blocked = null;
    state.connections = (c && c.connections) || [];
    state.alerts = (a && a.alerts) || [];
    state.posts = (p && p.posts) || [];
    state.postsNext = (p && p.nextToken) || '';
    // The extras each fail quietly: the main lists are what matters.
    await Promise.all([loadHeld(), loadRestores(), loadFailedReconnects(), loadPreferences()]);
    if (seq !== loadSeq) return;
  } catch (err) {
    if (seq !== loadSeq) return;
    Object.assign(state, { connections: [], alerts: [], posts: [], postsNext: '', held: [], restores: {}, preferences: null });
    if (err.status === 401) return sessionEnded();
    state.blocked = { code: err.code, message: err.message };
  }
  state.loaded = true;
  renderWorkspace();
  document.body.dataset.loaded = 'true';
}

export function renderWorkspace() {
  keepingPlace(() => {
    renderFrame();
    renderResult();
    renderReconnectFocus();
    renderAlerts();
    renderAccounts();
    renderPostsFilter();
    renderPosts();
    renderHeld();
    renderPreferences();
    renderHubs();
  });
}

/** An ended session goes back to the sign-in form, keeping everything else. */
export function sessionEnded() {
  state.token = '';
  saveSession();
  renderFrame();
  $('sign-in-why').textContent = 'Your session has ended. Sign in again to continue.';
}

/** Shows an API failure of an action (a refused load shows in place of the workspace instead). */
export function handleError(err) {
  if (err && err.status === 401) return sessionEnded();
  notify(err && err.message ? err.message : String(err), err && err.code ? err.code : '');
}

export function selectWorkspace(id, asHubAdmin) {
  // true: as a hub admin (the context); false: leave it; undefined: keep it if it is this workspace's.
  if (asHubAdmin === true) state.context = id;
  else if (asHubAdmin === false || state.context !== id) state.context = '';
  state.selected = id;
  Object.assign(state, { connections: [], alerts: [], posts: [], postsNext: '', held: [], restores: {}, preferences: null, blocked: null, reconnectId: '', result: null, loaded: false });
  $('posts-connection').value = '';
  saveWorkspaces();
  syncUrl();
  clearNotice();
  renderWorkspace();
  return loadWorkspace();
}

/** The caller's own workspaces (their names) and the hubs it administers. */
export async function loadLists() {
  if (!state.token) return;
  const own = await api('GET', '/workspaces').catch((err) => (err.status === 401 ? 'ended' : null));
  // A session that ended (e.g. the local clock was moved past its expiry) goes back to the sign-in form.
  if (own === 'ended') return sessionEnded();
  if (own) for (const w of own.workspaces || []) rememberWorkspace(w.workspaceId, w.name, true);
  await loadHubs();
  for (const h of state.hubs) for (const w of h.workspaces) rememberWorkspace(w.workspaceId, w.name);
  saveWorkspaces();
  $('app').dataset.lists = 'loaded';
  const first = state.workspaces.find((w) => w.own);
  if (!state.selected && first) return selectWorkspace(first.workspaceId);
  renderWorkspace();
}

export function renderFrame() {
  const signedIn = !!state.token;
  show($('sign-in'), !signedIn);
  show($('app'), signedIn);
  show($('session'), signedIn);
  if (!signedIn) {
    if (state.user) {
      $('sign-in-user').value = state.user.userId || '';
      $('sign-in-email').value = state.user.email || '';
    }
    return;
  }
  $('session-user').textContent = state.user ? state.user.email || state.user.userId : '';
  renderWorkspaceBar();
  show($('workspace-view'), !!state.selected && !state.blocked);
  renderBlocked();
}

function renderWorkspaceBar() {
  const name = workspaceName(state.selected);
  const hasClients = state.hubs.some((h) => h.workspaces.length > 0);
  const listsLoaded = $('app').dataset.lists === 'loaded';
  // Nobody is greeted with "create your first workspace" when they have clients to look after.
  $('ws-current').textContent = state.selected ? name || 'This workspace' : hasClients ? 'Pick a client workspace below' : 'No workspace yet: create your first one';
  if (!state.selected && listsLoaded && !hasClients) $('ws-more').open = true;
  const role = $('ws-context');
  clear(role);
  const hub = hubOf(state.selected);
  const own = state.workspaces.some((w) => w.workspaceId === state.selected && w.own);
  if (inContext()) {
    append(role, 'Client workspace', hub ? [' of ', el('bdi', null, hub.name)] : '', ': you are working in it as a hub admin. ',
      el('button', { type: 'button', class: 'linklike leave-context', onclick: () => selectWorkspace(state.selected, false) }, 'Leave its context'));
  } else if (own) {
    append(role, 'Your workspace');
  }
  show(role, role.firstChild !== null && !!state.selected);
  role.dataset.role = inContext() ? 'hub-admin' : own ? 'owner' : 'none';

  const select = $('ws-select');
  clear(select);
  const named = state.workspaces.filter((w) => w.name && (w.own || w.workspaceId === state.selected));
  for (const w of named) append(select, el('option', { value: w.workspaceId, selected: w.workspaceId === state.selected }, w.name));
  show($('ws-select-wrap'), named.length > 1);
}

/** The API would not show this workspace: say why, in words a person uses, and offer the way in. */
function renderBlocked() {
  const box = $('ws-blocked');
  clear(box);
  const b = state.token && state.selected ? state.blocked : null;
  show(box, !!b);
  document.body.dataset.view = b ? 'blocked' : state.selected ? 'workspace' : 'none';
  if (!b) return;
  const name = workspaceName(state.selected);
  const known = CANNOT_SHOW.includes(b.code) ? words().cannotShow[b.code] : '';
  append(box,
    el('h2', null, name ? ['Cannot show ', el('bdi', null, name), ' yet'] : 'Cannot show this workspace'),
    el('p', { class: 'blocked-why' }, known ? fill(known, { name: name || 'This workspace' }) : b.message),
    b.code === 'WORKSPACE_CONTEXT_REQUIRED'
      ? el('button', { type: 'button', class: 'btn btn-primary switch-context', onclick: () => selectWorkspace(state.selected, true) },
          'Switch into ', name ? el('bdi', null, name) : 'this workspace', '\u2019s context')
      : null,
    known ? null : supportBox(b.code),
  );
}

// One banner per platform that is not ok for everyone (GET /platform-status): the words are the API's.
async function loadPlatformStatus() {
  const box = $('platform-status');
  const answer = await api('GET', '/platform-status').catch(() => null);
  clear(box);
  const troubled = ((answer && answer.platforms) || []).filter((p) => p.status !== 'ok' && p.message);
  for (const p of troubled) {
    append(box, el('p', { class: 'banner ' + (p.status === 'integration_problem' ? 'banner-paused' : 'banner-warning'), 'data-platform': p.platform }, p.message));
  }
  show(box, troubled.length > 0);
}
