// Hubs: an agency's overview of its client workspaces (by name, with their red/amber/green counts),
// the way into each, creating a hub, and an owner adding a workspace to one.
import { api } from './api.js';
import { $, append, busy, clear, el, show } from './dom.js';
import { clearNotice, notify } from './notice.js';
import { state } from './state.js';
import { handleError, loadLists, selectWorkspace } from './workspace.js';

export async function loadHubs() {
  const r = await api('GET', '/hubs').catch(() => null);
  if (!r) return;
  state.hubs = await Promise.all((r.hubs || []).map(async (h) => {
    const w = await api('GET', '/hubs/' + encodeURIComponent(h.hubId) + '/workspaces').catch(() => null);
    return { hubId: h.hubId, name: h.name, workspaces: (w && w.workspaces) || [] };
  }));
}

function count(n, kind, text) {
  return el('span', { class: 'badge badge-' + kind + (n ? '' : ' badge-zero'), dataset: { count: text } }, n + ' ' + text);
}

function row(w) {
  const n = w.connections || { active: 0, expiring: 0, expired: 0 };
  const here = w.workspaceId === state.selected;
  return el('li', { class: 'hub-workspace' + (here ? ' current' : ''), dataset: { workspaceId: w.workspaceId } },
    el('strong', null, el('bdi', null, w.name)),
    el('span', { class: 'counts' }, count(n.expired, 'red', 'expired'), count(n.expiring, 'amber', 'expiring'), count(n.active, 'green', 'active')),
    here && state.context === w.workspaceId
      ? el('span', { class: 'muted you-are-here' }, 'You are working here')
      : el('button', { type: 'button', class: 'btn btn-secondary switch-context', onclick: () => selectWorkspace(w.workspaceId, true) },
          'Switch into ', el('bdi', null, w.name), '\u2019s context'));
}

export function renderHubs() {
  const box = $('hubs');
  clear(box);
  show($('hub-overview'), state.hubs.length > 0);
  for (const h of state.hubs) {
    append(box, el('div', { class: 'hub', dataset: { hubId: h.hubId } },
      el('h3', null, el('bdi', null, h.name)),
      h.workspaces.length
        ? el('ul', { class: 'hub-workspaces' }, h.workspaces.map(row))
        : el('p', { class: 'empty' }, 'No client workspaces yet.'),
      el('p', { class: 'fine hub-share' }, 'Clients add their workspace to this hub with its hub id: ', el('code', { class: 'hub-id' }, h.hubId))));
  }
  // An owner may put the workspace it is in into an agency's hub.
  const own = state.workspaces.some((w) => w.workspaceId === state.selected && w.own);
  show($('hub-join-form'), own && !state.context);
}

export function wireHubs() {
  $('hub-create-form').addEventListener('submit', async (ev) => {
    ev.preventDefault();
    const name = $('hub-create-name').value.trim();
    const done = busy(ev.target.querySelector('button[type=submit]'), 'Creating\u2026');
    clearNotice();
    try {
      await api('POST', '/hubs', { name });
      $('hub-create-name').value = '';
      done();
      await loadLists();
      notify('Hub \u201c' + name + '\u201d created. Give its hub id to your clients: they add their workspace to it.');
      $('hub-title').focus();
    } catch (err) {
      done();
      handleError(err);
    }
  });

  $('hub-join-form').addEventListener('submit', async (ev) => {
    ev.preventDefault();
    const hubId = $('hub-join-id').value.trim();
    const done = busy(ev.target.querySelector('button[type=submit]'), 'Adding\u2026');
    clearNotice();
    try {
      await api('POST', '/hubs/' + encodeURIComponent(hubId) + '/workspaces', { workspaceId: state.selected });
      $('hub-join-id').value = '';
      done();
      notify('Added: the hub\u2019s admins can now switch into this workspace and manage its accounts.');
    } catch (err) {
      done();
      handleError(err);
    }
  });
}
