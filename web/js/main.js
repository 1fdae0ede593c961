// Flamel: Connected Accounts. Native ES modules, no build step, no third-party code; the page talks
// to its own origin only (the HTTP API, /local/login, /app/messages.json).
import { api } from './api.js';
import { $, append, busy, clear, el } from './dom.js';
import { clearNotice, notify } from './notice.js';
import { rememberWorkspace, saveSession, saveWorkspaces, state, syncUrl } from './state.js';
import { isPlatform, loadWords, platformLabel, words } from './words.js';
import { handleError, loadLists, loadWorkspace, renderFrame, renderWorkspace, selectWorkspace } from './workspace.js';
import { loadPosts } from './posts.js';
import { wireHubs } from './hubs.js';
import { focusResult } from './result.js';

function wire() {
  $('sign-in-form').addEventListener('submit', async (ev) => {
    ev.preventDefault();
    const userId = $('sign-in-user').value.trim();
    const email = $('sign-in-email').value.trim();
    const done = busy(ev.target.querySelector('button[type=submit]'), 'Signing in\u2026');
    clearNotice();
    state.token = '';
    try {
      const r = await api('POST', '/local/login', { userId, email });
      done();
      if (state.user && state.user.userId !== userId) {
        // Another person: their workspaces are not this one's.
        state.workspaces = [];
        state.context = '';
        state.hubs = [];
        if (!new URLSearchParams(location.search).get('workspace')) state.selected = '';
        saveWorkspaces();
      }
      state.token = r.token;
      state.user = { userId, email };
      saveSession();
      $('sign-in-why').textContent = 'Sign in to see your workspace\u2019s connected social accounts.';
      renderFrame();
      await Promise.all([loadWorkspace(), loadLists()]);
      $('main').focus();
    } catch (err) {
      done();
      notify(err.message, err.code);
    }
  });

  $('sign-out').addEventListener('click', () => {
    state.token = '';
    saveSession();
    clearNotice();
    renderFrame();
  });

  $('ws-create-form').addEventListener('submit', async (ev) => {
    ev.preventDefault();
    const name = $('ws-create-name').value.trim();
    const done = busy(ev.target.querySelector('button[type=submit]'), 'Creating\u2026');
    clearNotice();
    try {
      const r = await api('POST', '/workspaces', { name });
      done();
      $('ws-create-name').value = '';
      $('ws-more').open = false;
      rememberWorkspace(r.workspaceId, name, true);
      await selectWorkspace(r.workspaceId, false);
    } catch (err) {
      done();
      handleError(err);
    }
  });

  $('posts-connection').addEventListener('change', () => loadPosts(false));
  $('posts-status').addEventListener('change', () => loadPosts(false));
  $('posts-more').addEventListener('click', () => loadPosts(true));
  $('ws-select').addEventListener('change', (ev) => selectWorkspace(ev.target.value));

  $('connect-form').addEventListener('submit', async (ev) => {
    ev.preventDefault();
    const platform = $('connect-platform').value;
    const done = busy($('connect-button'), 'Opening ' + platformLabel(platform) + '\u2026');
    clearNotice();
    try {
      const r = await api('POST', '/workspaces/' + encodeURIComponent(state.selected) + '/connections', { platform });
      window.location.assign(r.authorizeUrl);
    } catch (err) {
      done();
      handleError(err);
    }
  });
  wireHubs();

  // Coming back to the tab (e.g. after fixing the admin role elsewhere): show what is true now.
  document.addEventListener('visibilitychange', () => {
    if (document.visibilityState === 'visible' && state.token) loadWorkspace();
  });
}

/** Reads the address: the workspace, an email's reconnect link, and what a platform sign-in answered. */
function readAddress() {
  const q = new URLSearchParams(location.search);
  // Email links: /app/?workspace=WS&reconnect=ID (also accepted: /app/connections/ID/reconnect?workspaceId=WS).
  const pathLink = /^\/app\/connections\/([^/]+)\/reconnect\/?$/.exec(location.pathname);
  if (pathLink) {
    try {
      q.set('reconnect', decodeURIComponent(pathLink[1]));
    } catch {
      /* a malformed link: ignore the id */
    }
    if (!q.get('workspace') && q.get('workspaceId')) q.set('workspace', q.get('workspaceId'));
  }
  const ws = q.get('workspace');
  if (ws) {
    if (ws !== state.selected && state.context !== ws) state.context = '';
    state.selected = ws;
  }
  if (state.selected) rememberWorkspace(state.selected);
  if (q.get('reconnect')) state.reconnectId = q.get('reconnect');
  const result = q.get('result');
  if (result === 'connected' || result === 'restored' || result === 'error') {
    // Only what names something: a code of the known shape, a known platform, an id. Never words.
    const code = q.get('code') || '';
    const platform = q.get('platform') || '';
    state.result = { result, code: /^[A-Z_]{1,40}$/.test(code) ? code : '', connectionId: q.get('connectionId') || '', platform: isPlatform(platform) ? platform : '' };
    if (result === 'restored' && state.reconnectId === state.result.connectionId) state.reconnectId = '';
  }
  return result;
}

/** The platforms one can connect, named as shared/config/platforms.ts names them. */
function renderPlatforms() {
  const entries = Object.entries(words().platforms);
  if (!entries.length) return;
  const select = $('connect-platform');
  clear(select);
  for (const [value, label] of entries) append(select, el('option', { value }, label));
}

async function start() {
  await loadWords();
  renderPlatforms();
  const result = readAddress();
  saveWorkspaces();
  syncUrl();
  wire();
  renderFrame();
  renderWorkspace();
  await Promise.all([loadWorkspace(), loadLists()]);
  if (result) focusResult();
  if (location.hash === '#notifications' && !$('notifications').hidden) $('notifications').focus();
  if (result === 'restored') {
    // The failed posts retry on their own now: show them going out without a reload.
    for (const ms of [2000, 5000, 10000, 20000]) {
      setTimeout(() => {
        if (document.visibilityState === 'visible') loadWorkspace();
      }, ms);
    }
  }
}

start();
