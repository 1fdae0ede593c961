// What the page knows, and what it keeps in localStorage between visits.

const KEYS = { token: 'flamel.token', user: 'flamel.user', workspaces: 'flamel.workspaces', selected: 'flamel.workspace', context: 'flamel.context' };

function readJson(key, fallback) {
  try {
    const raw = localStorage.getItem(key);
    return raw ? JSON.parse(raw) : fallback;
  } catch {
    return fallback;
  }
}

function write(key, value) {
  try {
    if (value === undefined || value === null || value === '') localStorage.removeItem(key);
    else localStorage.setItem(key, typeof value === 'string' ? value : JSON.stringify(value));
  } catch {
    /* storage full or blocked: the page still works for this visit */
  }
}

export const state = {
  token: localStorage.getItem(KEYS.token) || '',
  user: readJson(KEYS.user, null), // {userId, email}
  workspaces: readJson(KEYS.workspaces, []), // [{workspaceId, name?, own?}]
  selected: localStorage.getItem(KEYS.selected) || '',
  context: localStorage.getItem(KEYS.context) || '', // a hub admin's client workspace it switched into
  connections: [],
  alerts: [],
  posts: [], // pages of GET /workspaces/{ws}/posts, newest first
  postsNext: '',
  held: [], // posts held for the owner (stalePosts: hold)
  restores: {}, // connectionId -> {count, lastAt} of posts published since its restore
  failedReconnects: {}, // connectionId -> true when its history shows a refused reconnect
  preferences: null, // {email: {...}} of the caller for the selected workspace
  hubs: [], // [{hubId, name, workspaces: [{workspaceId, name, connections}]}]
  blocked: null, // {code, message}: the API refused to show the selected workspace
  result: null, // {result, code, connectionId, platform}: back from a platform's sign-in
  reconnectId: '', // the connection an email link asked to reconnect
  loaded: false,
};

export function saveSession() {
  write(KEYS.token, state.token);
  write(KEYS.user, state.user);
}

export function saveWorkspaces() {
  write(KEYS.workspaces, state.workspaces);
  write(KEYS.selected, state.selected);
  write(KEYS.context, state.context);
}

export function rememberWorkspace(id, name, own) {
  const found = state.workspaces.find((w) => w.workspaceId === id);
  if (found) {
    if (name) found.name = name;
    if (own !== undefined) found.own = own;
  } else {
    state.workspaces.push({ workspaceId: id, ...(name ? { name } : {}), ...(own !== undefined ? { own } : {}) });
  }
}

export function workspaceName(id) {
  const found = state.workspaces.find((w) => w.workspaceId === id);
  return found && found.name ? found.name : '';
}

/** The hub a client workspace belongs to, for a hub admin (null for the caller's own). */
export function hubOf(id) {
  return state.hubs.find((h) => h.workspaces.some((w) => w.workspaceId === id)) || null;
}

export function inContext() {
  return !!state.context && state.context === state.selected;
}

export function findConnection(id) {
  return state.connections.find((c) => c.connectionId === id) || null;
}

/** Keeps ?workspace= (and ?reconnect= while it is pending) in the address bar, and the #fragment. */
export function syncUrl() {
  const q = new URLSearchParams();
  if (state.selected) q.set('workspace', state.selected);
  if (state.reconnectId) q.set('reconnect', state.reconnectId);
  const s = q.toString();
  history.replaceState(null, '', '/app/' + (s ? '?' + s : '') + location.hash);
}
