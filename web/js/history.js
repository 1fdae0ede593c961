// A connection's timeline (GET .../history), loaded when opened.
import { api, wsPath } from './api.js';
import { append, clear, el, timeEl } from './dom.js';
import { reasonText } from './words.js';
import { handleError } from './workspace.js';

const WORDS = {
  connected: 'Connected',
  check_failed: 'Check got no answer (it will try again)',
  expiring: 'Warned: access ends soon',
  expired: 'Disconnected',
  email_sent: 'Email sent',
  reconnect_failed: 'Reconnect refused',
  restored: 'Reconnected',
  post_retried: 'Failed post retried',
  link_created: 'Reconnect link created',
  link_used: 'Reconnect link opened',
  links_revoked: 'Reconnect links cancelled',
};

function line(e) {
  const extra = [];
  if (e.count > 1) extra.push(e.count + ' times');
  if (e.type === 'expired' && e.reason) extra.push(reasonText(e.reason));
  if (e.deadline) extra.push('deadline ' + new Date(e.deadline).toLocaleDateString());
  if (e.to) extra.push('to ' + e.to);
  if (e.status) extra.push(e.status);
  if (e.by) extra.push('by ' + e.by);
  if (e.emailedTo) extra.push('emailed to ' + e.emailedTo);
  return el('li', { dataset: { type: e.type } }, timeEl(e.at), ' ', el('strong', null, WORDS[e.type] || e.type), extra.length ? ' \u00b7 ' + extra.join(' \u00b7 ') : '');
}

export function historyDetails(c) {
  const list = el('ol', { class: 'timeline' });
  let loaded = false;
  return el('details', {
    class: 'history',
    ontoggle: async (ev) => {
      if (!ev.currentTarget.open || loaded) return;
      loaded = true;
      try {
        const r = await api('GET', wsPath('connections', c.connectionId, 'history'));
        clear(list);
        if (!r.events.length) append(list, el('li', null, 'Nothing recorded yet.'));
        for (const e of r.events) append(list, line(e));
      } catch (err) {
        loaded = false;
        handleError(err);
      }
    },
  }, el('summary', null, 'History'), list);
}
