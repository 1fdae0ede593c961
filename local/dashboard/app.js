// Flamel: Connected Accounts dashboard. Plain browser JavaScript, no build step, no third-party code.
// Every piece of data is put on the page with textContent (never innerHTML), and the page only talks
// to its own origin (the contract's HTTP API: /local/login and /workspaces/...).
(function () {
  'use strict';

  var PLATFORM_LABELS = { facebook: 'Facebook', instagram: 'Instagram', linkedin: 'LinkedIn', tiktok: 'TikTok', x: 'X' };
  var SUPPORT_EMAIL = 'support@flamel.ai';

  // The help page's causes, in plain words (shared/domain/guidance.ts REASON_TEXT).
  var REASON_TEXT = {
    password_changed: 'The account password was changed, which ends every app session.',
    security_review: 'The platform ran a security review on the account.',
    policy_update: 'The platform pushed a policy update that needs your consent again.',
    inactivity: 'The connection sat unused too long and the platform dropped it.',
    token_expired: 'The access Flamel was granted reached its end of life.',
    admin_role_lost: 'The account no longer has the admin role on the Page or profile. Get that role back first, then reconnect.',
    revoked: 'Access for Flamel was removed on the platform.',
    unknown: 'The platform stopped accepting Flamel\u2019s access.',
  };

  // The help page's "If reconnect keeps failing" steps.
  var KEEPS_FAILING = [
    ['Remove the account, then add it fresh.', 'Click Remove on the account, then Connect it again from scratch rather than reusing the broken one.'],
    ['Confirm admin access on the Page or Company Page.', 'You can only reconnect an account you administer. Check your admin role on the platform itself.'],
    ['Try a private (incognito) browser window.', 'A clean browser session avoids stale logins or a session for a different account.'],
    ['Check the platform\u2019s status page.', 'The outage may be on the platform\u2019s side. Confirm its API is healthy before retrying.'],
    ['Contact support.', null],
  ];

  var ADMIN_HINT = 'Log in as the admin first: be signed into the right account for this Page/profile in this browser, or use a private window.';

  var BADGE_TEXT = { green: 'Active', amber: 'Expiring soon', red: 'Expired' };
  var ALERT_KIND_TEXT = {
    connection_expired: 'Connection expired',
    connection_expiring: 'Expiring soon',
    post_failed: 'Failed post',
    platform_outage: 'Platform outage',
  };

  var KEYS = { token: 'flamel.token', user: 'flamel.user', workspaces: 'flamel.workspaces', selected: 'flamel.workspace', context: 'flamel.context' };

  // ---------- small helpers ----------

  function $(id) {
    return document.getElementById(id);
  }

  /** el('p', {class: 'x'}, 'text', childNode): strings become text nodes, never HTML. */
  function el(tag, attrs) {
    var node = document.createElement(tag);
    if (attrs) {
      Object.keys(attrs).forEach(function (k) {
        var v = attrs[k];
        if (v === undefined || v === null || v === false) return;
        if (k === 'class') node.className = v;
        else if (k === 'text') node.textContent = v;
        else if (k.slice(0, 2) === 'on' && typeof v === 'function') node.addEventListener(k.slice(2), v);
        else if (k === 'dataset') Object.keys(v).forEach(function (d) { node.dataset[d] = v[d]; });
        else node.setAttribute(k, v === true ? '' : String(v));
      });
    }
    for (var i = 2; i < arguments.length; i++) append(node, arguments[i]);
    return node;
  }

  /** append(parent, child, child, ...): strings become text nodes; arrays are flattened; null/false skipped. */
  function append(parent) {
    for (var i = 1; i < arguments.length; i++) {
      var child = arguments[i];
      if (child === undefined || child === null || child === false) continue;
      if (Array.isArray(child)) child.forEach(function (c) { append(parent, c); });
      else if (typeof child === 'string' || typeof child === 'number') parent.appendChild(document.createTextNode(String(child)));
      else parent.appendChild(child);
    }
  }

  function clear(node) {
    while (node.firstChild) node.removeChild(node.firstChild);
  }

  function show(node, visible) {
    node.hidden = !visible;
  }

  function readJson(key, fallback) {
    try {
      var raw = localStorage.getItem(key);
      return raw ? JSON.parse(raw) : fallback;
    } catch {
      return fallback;
    }
  }

  function writeJson(key, value) {
    try {
      if (value === undefined || value === null) localStorage.removeItem(key);
      else localStorage.setItem(key, JSON.stringify(value));
    } catch {
      /* storage full or blocked: the page still works for this visit */
    }
  }

  function label(platform) {
    return PLATFORM_LABELS[platform] || platform || 'The platform';
  }

  /** 2025-05-01T09:30:12Z -> "1 May 2025, 09:30 UTC" (the system's times are UTC; the local clock may be moved). */
  function formatTime(iso) {
    var ms = Date.parse(iso);
    if (isNaN(ms)) return String(iso);
    var d = new Date(ms);
    var months = ['Jan', 'Feb', 'Mar', 'Apr', 'May', 'Jun', 'Jul', 'Aug', 'Sep', 'Oct', 'Nov', 'Dec'];
    var pad = function (n) { return n < 10 ? '0' + n : String(n); };
    return d.getUTCDate() + ' ' + months[d.getUTCMonth()] + ' ' + d.getUTCFullYear() + ', ' + pad(d.getUTCHours()) + ':' + pad(d.getUTCMinutes()) + ' UTC';
  }

  function formatDay(iso) {
    var t = formatTime(iso);
    var i = t.indexOf(',');
    return i > 0 ? t.slice(0, i) : t;
  }

  /** A time in the viewer's own time zone, with the zone named (posts are scheduled for people, not servers). */
  function formatLocalTime(iso) {
    var ms = Date.parse(iso);
    if (isNaN(ms)) return String(iso);
    try {
      return new Date(ms).toLocaleString(undefined, { year: 'numeric', month: 'short', day: 'numeric', hour: '2-digit', minute: '2-digit', timeZoneName: 'short' });
    } catch {
      return formatTime(iso);
    }
  }

  /** The post on the platform, where its id alone makes the address (X status ids, Facebook Page post ids, LinkedIn share URNs). */
  function platformPostUrl(platform, id) {
    if (!id) return '';
    if (platform === 'x' && /^\d{1,25}$/.test(id)) return 'https://x.com/i/web/status/' + id;
    if (platform === 'facebook' && /^\d{1,25}_\d{1,25}$/.test(id)) return 'https://www.facebook.com/' + id;
    if (platform === 'linkedin' && /^urn:li:(share|ugcPost):\d{1,25}$/.test(id)) return 'https://www.linkedin.com/feed/update/' + id;
    return '';
  }

  var POST_STATUS_TEXT = { scheduled: 'Scheduled', published: 'Published', failed: 'Waiting for reconnect', failed_permanent: 'Failed', held: 'Held' };
  var POST_STATUS_TONE = { scheduled: 'neutral', published: 'green', failed: 'amber', failed_permanent: 'red', held: 'amber' };

  // ---------- state ----------

  var state = {
    token: localStorage.getItem(KEYS.token) || '',
    user: readJson(KEYS.user, null), // {userId, email}
    workspaces: readJson(KEYS.workspaces, []), // [{workspaceId, name?}]
    selected: localStorage.getItem(KEYS.selected) || '',
    context: localStorage.getItem(KEYS.context) || '', // hub admin: the workspace id it switched into
    connections: [],
    alerts: [],
    result: null, // {result, code, connectionId, platform}
    // Callback error messages per code and platform, from their one home (/app/messages.json).
    messages: null,
    reconnectId: '',
    highlightId: '',
    loadSeq: 0,
    posts: [], // one or more pages of GET /workspaces/{ws}/posts, newest first
    postsNext: '', // the last page's nextToken
    postsSeq: 0,
    hubs: [], // [{hubId, name, workspaces: [{workspaceId, name, connections: {active, expiring, expired}}]}]
  };

  function saveSession() {
    if (state.token) localStorage.setItem(KEYS.token, state.token);
    else localStorage.removeItem(KEYS.token);
    writeJson(KEYS.user, state.user);
  }

  function saveWorkspaces() {
    writeJson(KEYS.workspaces, state.workspaces);
    if (state.selected) localStorage.setItem(KEYS.selected, state.selected);
    else localStorage.removeItem(KEYS.selected);
    if (state.context) localStorage.setItem(KEYS.context, state.context);
    else localStorage.removeItem(KEYS.context);
  }

  function rememberWorkspace(id, name) {
    var found = state.workspaces.filter(function (w) { return w.workspaceId === id; })[0];
    if (found) {
      if (name) found.name = name;
    } else {
      state.workspaces.push(name ? { workspaceId: id, name: name } : { workspaceId: id });
    }
  }

  function workspaceName(id) {
    var found = state.workspaces.filter(function (w) { return w.workspaceId === id; })[0];
    return found && found.name ? found.name : '';
  }

  /** Keeps ?workspace= (and ?reconnect= while it is pending) in the address bar, nothing else. */
  function syncUrl() {
    var q = new URLSearchParams();
    if (state.selected) q.set('workspace', state.selected);
    if (state.reconnectId) q.set('reconnect', state.reconnectId);
    var s = q.toString();
    history.replaceState(null, '', '/app/' + (s ? '?' + s : ''));
  }

  // ---------- API ----------

  function ApiError(status, code, message) {
    this.status = status;
    this.code = code;
    this.message = message;
  }

  function api(method, path, body) {
    var headers = { accept: 'application/json' };
    if (body !== undefined) headers['content-type'] = 'application/json';
    if (state.token) headers.authorization = 'Bearer ' + state.token;
    if (state.context && state.context === state.selected) headers['x-workspace-context'] = state.context;
    // same-origin: Connect / Reconnect answer the cookie that lets only this browser finish the sign-in.
    return fetch(path, { method: method, headers: headers, body: body === undefined ? undefined : JSON.stringify(body), credentials: 'same-origin' }).then(
      function (res) {
        return res.text().then(function (text) {
          var data = null;
          try {
            data = text ? JSON.parse(text) : null;
          } catch {
            data = null;
          }
          if (res.ok) return data;
          var err = data && data.error ? data.error : {};
          throw new ApiError(res.status, err.code || 'HTTP_' + res.status, err.message || 'The request failed (' + res.status + ').');
        });
      },
      function () {
        throw new ApiError(0, 'NETWORK', 'Flamel could not be reached. Check your connection and try again.');
      },
    );
  }

  /** Shows an API failure; an ended session goes back to the sign-in form, keeping everything else. */
  function handleError(err) {
    if (err && err.status === 401) {
      state.token = '';
      saveSession();
      render();
      $('sign-in-why').textContent = 'Your session has ended. Sign in again to continue.';
      return;
    }
    var message = err && err.message ? err.message : String(err);
    var code = err && err.code ? err.code : '';
    if (code === 'WORKSPACE_CONTEXT_REQUIRED' && state.selected) {
      notify(message, code, {
        text: 'Switch into this workspace\u2019s context',
        action: function () {
          state.context = state.selected;
          saveWorkspaces();
          render();
          loadWorkspace();
        },
      });
      return;
    }
    notify(message, code);
  }

  function notify(message, code, button) {
    var box = $('notice');
    clear(box);
    box.className = 'notice notice-error';
    append(box, el('p', null, message));
    if (code) append(box, el('p', { class: 'fine' }, 'Error code: ', el('code', { text: code })));
    if (button) append(box, el('button', { type: 'button', class: 'btn btn-secondary btn-small', onclick: function () { show(box, false); button.action(); } }, button.text));
    append(box, el('button', { type: 'button', class: 'notice-close', 'aria-label': 'Dismiss', onclick: function () { show(box, false); } }, '\u00d7'));
    show(box, true);
  }

  function clearNotice() {
    show($('notice'), false);
  }

  // ---------- rendering ----------

  function render() {
    var signedIn = !!state.token;
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
    renderResult();
    var hasWs = !!state.selected;
    show($('workspace-view'), hasWs);
    show($('no-workspace'), !hasWs);
    if (!hasWs) $('ws-more').open = true;
  }

  function renderWorkspaceBar() {
    var current = $('ws-current');
    clear(current);
    if (state.selected) {
      var name = workspaceName(state.selected);
      append(current, el('strong', { text: name || 'Workspace' }), ' ', el('code', { class: 'ws-id', title: 'Workspace id' }, state.selected));
    } else {
      current.textContent = 'No workspace selected';
    }
    var ctx = $('ws-context');
    clear(ctx);
    var inContext = !!state.context && state.context === state.selected;
    if (inContext) {
      append(
        ctx,
        'Hub admin: you are acting in this workspace\u2019s context. ',
        el('button', {
          type: 'button',
          class: 'linklike',
          onclick: function () {
            state.context = '';
            saveWorkspaces();
            render();
            loadWorkspace();
          },
        }, 'Leave context'),
      );
    }
    show(ctx, inContext);

    var select = $('ws-select');
    clear(select);
    state.workspaces.forEach(function (w) {
      append(select, el('option', { value: w.workspaceId, selected: w.workspaceId === state.selected }, w.name ? w.name + ' (' + w.workspaceId.slice(0, 8) + ')' : w.workspaceId));
    });
    show($('ws-select-wrap'), state.workspaces.length > 1);
  }

  function renderResult() {
    var box = $('result');
    clear(box);
    var r = state.result;
    if (!r) {
      show(box, false);
      return;
    }
    var platform = label(r.platform);
    var conn = r.connectionId ? findConnection(r.connectionId) : null;
    // <bdi>: a name's own direction never reorders the sentence around it.
    var who = conn ? [platform + ' account \u201c', el('bdi', null, conn.displayName), '\u201d'] : platform;
    if (r.result === 'connected' || r.result === 'restored') {
      box.className = 'banner banner-success';
      box.dataset.result = r.result;
      append(
        box,
        el('div', { class: 'banner-icon', 'aria-hidden': 'true' }, '\u2713'),
        el(
          'div',
          { class: 'banner-body' },
          el('h2', null, who, r.result === 'restored' ? ' is reconnected' : ' is connected'),
          r.result === 'restored'
            ? el('p', null, 'Posts that failed while it was down will retry automatically. No need to reschedule them by hand.')
            : el('p', null, 'Flamel can now post to it. We check the connection every day and tell you if it needs attention.'),
        ),
      );
    } else {
      box.className = 'banner banner-error';
      box.dataset.result = 'error';
      // A code the table does not know is not one the system sent.
      var code = state.messages && !state.messages[r.code] ? 'unknown' : r.code || 'unknown';
      if (state.messages) box.dataset.messages = 'loaded';
      var steps = el('ol', { class: 'steps' });
      KEEPS_FAILING.forEach(function (s) {
        if (s[1]) append(steps, el('li', null, el('strong', null, s[0]), ' ', s[1]));
        else append(steps, el('li', null, el('strong', null, s[0]), ' Email ', el('a', { href: 'mailto:' + SUPPORT_EMAIL + '?subject=' + encodeURIComponent('Reconnect failed: ' + code) }, SUPPORT_EMAIL), ' and include this error code: ', el('code', null, code), '.'));
      });
      // A replayed sign-in (STATE_USED) already finished: offer Reconnect only if the account still needs it.
      var retry = conn && !(r.code === 'STATE_USED' && conn.status === 'active')
        ? reconnectButton(conn, 'Try Reconnect again')
        : null;
      append(
        box,
        el('div', { class: 'banner-icon', 'aria-hidden': 'true' }, '!'),
        el(
          'div',
          { class: 'banner-body' },
          el('h2', null, r.platform ? platform + ': that did not work' : 'That did not work'),
          el('p', { class: 'result-message' }, callbackMessage(r, conn)),
          el('p', { class: 'fine' }, 'Error code: ', el('code', { class: 'result-code' }, code)),
          retry ? el('div', { class: 'actions' }, retry, el('p', { class: 'hint' }, ADMIN_HINT)) : null,
          el('details', { class: 'keeps-failing', open: true }, el('summary', null, 'If reconnect keeps failing'), steps),
        ),
      );
    }
    append(box, el('button', { type: 'button', class: 'banner-close', 'aria-label': 'Dismiss', onclick: function () { state.result = null; renderResult(); } }, '\u00d7'));
    show(box, true);
  }

  /**
   * The words for a callback error: looked up by code (and platform) in the table the server wrote,
   * never taken from the address; {account} is the connection's name as the API reports it.
   */
  function callbackMessage(r, conn) {
    var byCode = state.messages && r.code ? state.messages[r.code] : null;
    var text = byCode ? byCode[r.platform] || byCode._ : '';
    if (!text) return state.messages ? 'The sign-in did not finish. Go back to Connected Accounts and try again.' : 'The sign-in did not finish.';
    return text.split('{account}').join(conn && conn.displayName ? '\u201c' + conn.displayName + '\u201d' : 'this account');
  }

  function loadMessages() {
    return fetch('/app/messages.json', { credentials: 'omit' })
      .then(function (res) { return res.ok ? res.json() : null; })
      .then(function (data) {
        state.messages = data && data.callbackErrors ? data.callbackErrors : null;
        renderResult();
      }, function () { /* the banner keeps its generic words */ });
  }

  function findConnection(id) {
    return state.connections.filter(function (c) { return c.connectionId === id; })[0] || null;
  }

  function reconnectButton(c, text, quiet) {
    return el(
      'button',
      {
        type: 'button',
        class: 'btn ' + (quiet || c.badge === 'green' ? 'btn-secondary' : 'btn-primary') + ' reconnect',
        dataset: { connectionId: c.connectionId },
        onclick: function (ev) { reconnect(c, ev.currentTarget); },
      },
      text || 'Reconnect',
    );
  }

  function renderReconnectFocus() {
    var box = $('reconnect-focus');
    clear(box);
    if (!state.reconnectId) {
      show(box, false);
      return;
    }
    var c = findConnection(state.reconnectId);
    if (!c) {
      box.className = 'banner banner-info';
      append(box, el('div', { class: 'banner-body' }, el('h2', null, 'That connection is not in this workspace'), el('p', null, 'It may have been removed, or the link belongs to another workspace. Connected Accounts below shows what is here now.')));
    } else if (c.status === 'active') {
      box.className = 'banner banner-success';
      append(box, el('div', { class: 'banner-icon', 'aria-hidden': 'true' }, '\u2713'), el('div', { class: 'banner-body' }, el('h2', null, label(c.platform) + ' account \u201c' + c.displayName + '\u201d is working again'), el('p', null, 'Nothing to do: it is already reconnected.')));
    } else {
      box.className = 'banner banner-focus';
      append(
        box,
        el('div', { class: 'banner-icon', 'aria-hidden': 'true' }, '\u21bb'),
        el(
          'div',
          { class: 'banner-body' },
          el('h2', null, 'Reconnect ' + label(c.platform) + ' account \u201c' + c.displayName + '\u201d'),
          el('p', null, c.guidance || 'Click Reconnect and sign in to ' + label(c.platform) + ' again.'),
          el('div', { class: 'actions' }, reconnectButton(c), el('p', { class: 'hint' }, ADMIN_HINT)),
        ),
      );
    }
    append(box, el('button', { type: 'button', class: 'banner-close', 'aria-label': 'Dismiss', onclick: function () { state.reconnectId = ''; syncUrl(); renderReconnectFocus(); renderAccounts(); } }, '\u00d7'));
    show(box, true);
  }

  function detail(term, value, cls) {
    if (value === undefined || value === null || value === '') return null;
    return [el('dt', null, term), el('dd', { class: cls || null }, value)];
  }

  function renderAccounts() {
    var list = $('accounts');
    clear(list);
    show($('accounts-empty'), state.connections.length === 0);
    // Expired first, then expiring, then active: what needs a person comes first.
    var order = { red: 0, amber: 1, green: 2 };
    var sorted = state.connections.slice().sort(function (a, b) { return (order[a.badge] || 0) - (order[b.badge] || 0); });
    sorted.forEach(function (c) {
      var focused = c.connectionId === state.reconnectId || c.connectionId === state.highlightId;
      var dl = el(
        'dl',
        { class: 'facts' },
        c.status !== 'active' ? detail('Why', REASON_TEXT[c.reason] || (c.status === 'expiring' ? 'Access will end soon unless you reconnect.' : REASON_TEXT.unknown), 'reason') : null,
        c.status === 'expired' ? null : detail('Access ends', c.expiresAt ? formatDay(c.expiresAt) : 'Renewed automatically'),
        detail('Last checked', c.lastCheckedAt ? formatTime(c.lastCheckedAt) : 'Not yet'),
      );
      var quote = null;
      if (c.status === 'expired' && (c.errorCode || c.platformMessage)) {
        quote = el(
          'div',
          { class: 'quote' },
          el('p', { class: 'quote-title' }, 'If you contact support, quote this'),
          c.errorCode ? el('p', null, 'Error code: ', el('code', { class: 'error-code' }, c.errorCode)) : null,
          c.platformMessage ? el('p', null, label(c.platform) + '\u2019s message: ', el('q', { class: 'platform-message' }, c.platformMessage)) : null,
        );
      }
        var card = el(
        'article',
        {
          class: 'card card-' + c.badge + (focused ? ' card-focus' : ''),
          dataset: { connectionId: c.connectionId, status: c.status, badge: c.badge, platform: c.platform },
          'aria-label': label(c.platform) + ' ' + c.displayName + ', ' + (BADGE_TEXT[c.badge] || c.status),
        },
        el(
          'header',
          { class: 'card-head' },
          el('span', { class: 'platform-mark platform-' + c.platform, 'aria-hidden': 'true' }, (label(c.platform) || '?').charAt(0)),
          el('div', { class: 'card-title' }, el('h3', null, el('bdi', null, c.displayName || c.externalAccountId)), el('p', { class: 'muted' }, label(c.platform), ' \u00b7 ', el('span', { class: 'ext-id' }, c.externalAccountId))),
          el('span', { class: 'badge badge-' + c.badge, dataset: { badge: c.badge } }, el('span', { class: 'dot', 'aria-hidden': 'true' }), BADGE_TEXT[c.badge] || c.status),
        ),
        // The API's guidance already carries the outage notice (and the status-page step): shown once, as a notice.
        c.guidance ? el('p', { class: c.platformOutageSuspected ? 'guidance outage' : 'guidance' }, c.guidance) : null,
        dl,
        quote,
        el(
          'div',
          { class: 'card-actions' },
          el('div', { class: 'actions' }, reconnectButton(c), c.status !== 'active' ? linkButton(c) : null, el('button', { type: 'button', class: 'btn btn-quiet remove', onclick: function (ev) { removeConnection(c, ev.currentTarget); } }, 'Remove')),
          el('p', { class: 'hint' }, ADMIN_HINT),
        ),
        c.status === 'expired' ? keepsFailingDetails(c) : null,
        historyDetails(c),
      );
      append(list, card);
    });
  }

  function keepsFailingDetails(c) {
    var steps = el('ol', { class: 'steps' });
    KEEPS_FAILING.forEach(function (s) {
      if (s[1]) append(steps, el('li', null, el('strong', null, s[0]), ' ', s[1]));
      else append(steps, el('li', null, el('strong', null, s[0]), ' Email ', el('a', { href: 'mailto:' + SUPPORT_EMAIL }, SUPPORT_EMAIL), ' and include the error code', c.errorCode ? [' ', el('code', null, c.errorCode)] : '', '.'));
    });
    return el('details', { class: 'keeps-failing' }, el('summary', null, 'If reconnect keeps failing'), steps);
  }

  function renderAlerts() {
    var list = $('alerts');
    clear(list);
    var alerts = state.alerts.slice().sort(function (a, b) {
      var ra = a.resolvedAt ? 1 : 0;
      var rb = b.resolvedAt ? 1 : 0;
      if (ra !== rb) return ra - rb;
      return String(b.createdAt).localeCompare(String(a.createdAt));
    });
    var open = alerts.filter(function (a) { return !a.resolvedAt; }).length;
    $('alerts-count').textContent = alerts.length === 0 ? '' : open === 0 ? 'all resolved' : open + ' open';
    show($('alerts-empty'), alerts.length === 0);
    alerts.slice(0, 30).forEach(function (a) {
      var tone = a.resolvedAt ? 'resolved' : a.kind === 'connection_expiring' || a.kind === 'platform_outage' ? 'warning' : 'danger';
      var conn = a.connectionId ? findConnection(a.connectionId) : null;
      var aboutConnection = a.kind === 'connection_expired' || a.kind === 'connection_expiring';
      var action = !a.resolvedAt && aboutConnection && conn && conn.status !== 'active' ? reconnectButton(conn, 'Reconnect', true) : null;
      append(
        list,
        el(
          'li',
          { class: 'alert alert-' + tone, dataset: { kind: a.kind, alertId: a.alertId, resolved: a.resolvedAt ? 'true' : 'false' } },
          el('div', { class: 'alert-main' },
            el('p', { class: 'alert-kind' }, ALERT_KIND_TEXT[a.kind] || a.kind, a.resolvedAt ? el('span', { class: 'resolved-tag' }, 'Resolved ' + formatTime(a.resolvedAt)) : null),
            el('p', { class: 'alert-message' }, a.message),
            el('p', { class: 'fine' }, formatTime(a.createdAt)),
          ),
          action ? el('div', { class: 'alert-action' }, action) : null,
        ),
      );
    });
  }

  /** The account filter of the Posts list follows the connections; the choice survives a reload. */
  function renderPostsFilter() {
    var select = $('posts-connection');
    var chosen = select.value;
    clear(select);
    append(select, el('option', { value: '' }, 'All accounts'));
    state.connections.forEach(function (c) {
      append(select, el('option', { value: c.connectionId, selected: c.connectionId === chosen }, label(c.platform) + ' \u00b7 ' + (c.displayName || c.externalAccountId)));
    });
    if (chosen && !findConnection(chosen)) select.value = '';
  }

  function renderPosts() {
    var list = $('posts');
    clear(list);
    show($('posts-empty'), state.posts.length === 0);
    show($('posts-more'), !!state.postsNext);
    state.posts.forEach(function (p) {
      var conn = findConnection(p.connectionId);
      var platform = conn ? conn.platform : '';
      var url = platformPostUrl(platform, p.platformPostId);
      var when = p.status === 'published' && p.publishedAt ? 'Published ' + formatLocalTime(p.publishedAt) : 'For ' + formatLocalTime(p.publishAt);
      append(
        list,
        el(
          'li',
          { class: 'post', dataset: { postId: p.postId, status: p.status, connectionId: p.connectionId } },
          el('div', { class: 'post-head' },
            el('span', { class: 'badge badge-' + (POST_STATUS_TONE[p.status] || 'neutral') }, POST_STATUS_TEXT[p.status] || p.status),
            el('time', { class: 'post-time', datetime: p.publishedAt || p.publishAt }, when),
            conn ? el('span', { class: 'muted' }, label(platform), ' \u00b7 ', el('bdi', null, conn.displayName)) : null,
          ),
          el('p', { class: 'post-text' }, p.text),
          p.lastError && p.status !== 'published' ? el('p', { class: 'fine' }, 'Error code: ', el('code', null, p.lastError.code)) : null,
          url
            ? el('p', { class: 'fine' }, el('a', { class: 'post-link', href: url, target: '_blank', rel: 'noopener noreferrer' }, 'View on ' + label(platform)))
            : p.platformPostId ? el('p', { class: 'fine' }, label(platform) + ' post id: ', el('code', null, p.platformPostId)) : null,
        ),
      );
    });
  }

  function postsPath(nextToken) {
    var q = new URLSearchParams();
    if ($('posts-connection').value) q.set('connectionId', $('posts-connection').value);
    if ($('posts-status').value) q.set('status', $('posts-status').value);
    if (nextToken) q.set('nextToken', nextToken);
    var qs = q.toString();
    return '/workspaces/' + encodeURIComponent(state.selected) + '/posts' + (qs ? '?' + qs : '');
  }

  /** The first page again (filters changed), or the next page after what is shown. */
  function loadPosts(more) {
    if (!state.token || !state.selected) return Promise.resolve();
    var seq = ++state.postsSeq;
    return api('GET', postsPath(more ? state.postsNext : '')).then(
      function (r) {
        if (seq !== state.postsSeq) return;
        state.posts = (more ? state.posts : []).concat((r && r.posts) || []);
        state.postsNext = (r && r.nextToken) || '';
        renderPosts();
      },
      handleError,
    );
  }

  /** A hub admin's clients at a glance: counts as Connected Accounts shows them, and the switch into each. */
  function renderHubs() {
    var box = $('hubs');
    clear(box);
    var any = state.hubs.some(function (h) { return h.workspaces.length > 0; });
    show($('hub-overview'), any);
    state.hubs.forEach(function (h) {
      if (h.workspaces.length === 0) return;
      var rows = el('ul', { class: 'hub-workspaces' });
      h.workspaces.forEach(function (w) {
        var n = w.connections || { active: 0, expiring: 0, expired: 0 };
        append(
          rows,
          el(
            'li',
            { class: 'hub-workspace', dataset: { workspaceId: w.workspaceId } },
            el('strong', null, el('bdi', null, w.name)),
            el('span', { class: 'counts' },
              el('span', { class: 'badge badge-red', dataset: { count: 'expired' } }, n.expired + ' expired'),
              el('span', { class: 'badge badge-amber', dataset: { count: 'expiring' } }, n.expiring + ' expiring'),
              el('span', { class: 'badge badge-green', dataset: { count: 'active' } }, n.active + ' active'),
            ),
            el('button', {
              type: 'button',
              class: 'btn btn-secondary btn-small switch-context',
              onclick: function () {
                rememberWorkspace(w.workspaceId, w.name);
                state.context = w.workspaceId;
                selectWorkspace(w.workspaceId);
              },
            }, 'Switch into ', el('bdi', null, w.name), '\u2019s context'),
          ),
        );
      });
      append(box, el('div', { class: 'hub' }, el('h3', null, el('bdi', null, h.name)), rows));
    });
  }

  /** The caller's own workspaces (names in the switcher) and the hubs it administers; a failure here leaves the page as it was. */
  function loadLists() {
    if (!state.token) return Promise.resolve();
    var quiet = function () { return null; };
    return Promise.all([api('GET', '/workspaces').catch(quiet), api('GET', '/hubs').catch(quiet)]).then(function (answers) {
      ((answers[0] && answers[0].workspaces) || []).forEach(function (w) { rememberWorkspace(w.workspaceId, w.name); });
      if (answers[0]) {
        if (!state.selected && state.workspaces.length > 0) {
          selectWorkspace(state.workspaces[0].workspaceId);
        } else {
          saveWorkspaces();
          renderWorkspaceBar();
        }
      }
      var hubs = (answers[1] && answers[1].hubs) || [];
      return Promise.all(hubs.map(function (h) {
        return api('GET', '/hubs/' + encodeURIComponent(h.hubId) + '/workspaces').then(
          function (r) { return { hubId: h.hubId, name: h.name, workspaces: (r && r.workspaces) || [] }; },
          function () { return { hubId: h.hubId, name: h.name, workspaces: [] }; },
        );
      })).then(function (full) {
        state.hubs = full;
        renderHubs();
      });
    });
  }

  // ---------- actions ----------

  function loadWorkspace() {
    if (!state.token || !state.selected) return Promise.resolve();
    var seq = ++state.loadSeq;
    var ws = encodeURIComponent(state.selected);
    show($('accounts-loading'), state.connections.length === 0);
    var postsSeq = ++state.postsSeq;
    loadPlatformStatus();
    return Promise.all([api('GET', '/workspaces/' + ws + '/connections'), api('GET', '/workspaces/' + ws + '/alerts'), api('GET', postsPath(''))]).then(
      function (answers) {
        if (seq !== state.loadSeq) return;
        show($('accounts-loading'), false);
        state.connections = (answers[0] && answers[0].connections) || [];
        state.alerts = (answers[1] && answers[1].alerts) || [];
        if (postsSeq === state.postsSeq) {
          state.posts = (answers[2] && answers[2].posts) || [];
          state.postsNext = (answers[2] && answers[2].nextToken) || '';
        }
        renderPostsFilter();
        renderPosts();
        document.body.dataset.loaded = 'true';
        renderResult();
        renderReconnectFocus();
        renderAlerts();
        renderAccounts();
        var focus = document.querySelector('.card-focus');
        if (focus && state.reconnectId && focus.scrollIntoView) focus.scrollIntoView({ block: 'center' });
      },
      function (err) {
        if (seq !== state.loadSeq) return;
        show($('accounts-loading'), false);
        state.connections = [];
        state.alerts = [];
        state.posts = [];
        state.postsNext = '';
        renderAlerts();
        renderAccounts();
        renderPosts();
        show($('accounts-empty'), false);
        handleError(err);
      },
    );
  }

  // One banner per platform that is not ok for everyone (GET /platform-status): the words are the API's.
  function loadPlatformStatus() {
    return api('GET', '/platform-status').then(
      function (answer) {
        var box = $('platform-status');
        clear(box);
        var troubled = ((answer && answer.platforms) || []).filter(function (p) {
          return p.status !== 'ok' && p.message;
        });
        troubled.forEach(function (p) {
          append(box, el('p', { class: 'banner ' + (p.status === 'integration_problem' ? 'banner-paused' : 'banner-warning'), 'data-platform': p.platform }, p.message));
        });
        show(box, troubled.length > 0);
      },
      function () {
        show($('platform-status'), false);
      },
    );
  }

  function busy(button, text) {
    if (!button) return function () {};
    var before = button.textContent;
    button.disabled = true;
    button.textContent = text;
    return function () {
      button.disabled = false;
      button.textContent = before;
    };
  }

  function reconnect(c, button) {
    clearNotice();
    var done = busy(button, 'Opening ' + label(c.platform) + '\u2026');
    api('POST', '/workspaces/' + encodeURIComponent(state.selected) + '/connections/' + encodeURIComponent(c.connectionId) + '/reconnect').then(
      function (r) {
        window.location.assign(r.authorizeUrl);
      },
      function (err) {
        done();
        handleError(err);
      },
    );
  }

  // "Send a reconnect link": for the person who really administers the Page (no Flamel sign-in needed).
  function linkButton(c) {
    return el('button', { type: 'button', class: 'btn btn-secondary send-link', onclick: function (ev) { sendLink(c, ev.currentTarget); } }, 'Send a reconnect link');
  }

  function sendLink(c, button) {
    var email = window.prompt('Email the link to the ' + label(c.platform) + ' admin of “' + c.displayName + '” (leave empty to only copy it). It works once, for 72 hours; a new link replaces this one.', '');
    if (email === null) return;
    clearNotice();
    var done = busy(button, 'Creating link…');
    var body = email.trim() ? { email: email.trim() } : {};
    api('POST', '/workspaces/' + encodeURIComponent(state.selected) + '/connections/' + encodeURIComponent(c.connectionId) + '/reconnect-link', body).then(
      function (r) {
        done();
        var card = button.closest('article');
        var old = card && card.querySelector('.link-made');
        if (old) old.remove();
        var made = el(
          'div',
          { class: 'link-made', role: 'status' },
          el('p', null, (body.email ? 'Emailed to ' + body.email + '. ' : '') + 'Works once, until ' + formatTime(r.expiresAt) + ':'),
          el('p', null, el('code', { class: 'link-url', text: r.url })),
          el('button', { type: 'button', class: 'btn btn-quiet btn-small', onclick: function () { revokeLinks(c, made); } }, 'Cancel this link'),
        );
        if (card) button.closest('.card-actions').after(made);
        if (navigator.clipboard) navigator.clipboard.writeText(r.url).catch(function () { /* shown on the page anyway */ });
      },
      function (err) {
        done();
        handleError(err);
      },
    );
  }

  function revokeLinks(c, made) {
    api('DELETE', '/workspaces/' + encodeURIComponent(state.selected) + '/connections/' + encodeURIComponent(c.connectionId) + '/reconnect-link').then(
      function () {
        clear(made);
        append(made, el('p', null, 'Cancelled: the link no longer works.'));
      },
      handleError,
    );
  }

  // The connection's timeline, loaded when opened.
  var HISTORY_WORDS = {
    connected: 'Connected',
    check_failed: 'Check did not get an answer (transient)',
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

  function historyLine(e) {
    var extra = [];
    if (e.count > 1) extra.push(e.count + ' times, until ' + formatTime(e.until));
    if (e.deadline) extra.push('deadline ' + formatDay(e.deadline));
    if (e.errorCode) extra.push(e.errorCode);
    if (e.platformMessage) extra.push('“' + e.platformMessage + '”');
    if (e.code) extra.push(e.code);
    if (e.to) extra.push('to ' + e.to + (e.kind ? ' (' + e.kind + ')' : ''));
    if (e.postId) extra.push('post ' + e.postId + ': ' + e.status);
    if (e.by) extra.push('by ' + e.by);
    if (e.emailedTo) extra.push('emailed to ' + e.emailedTo);
    return el('li', { dataset: { type: e.type } }, el('time', { datetime: e.at }, formatTime(e.at)), ' ', el('strong', null, HISTORY_WORDS[e.type] || e.type), extra.length ? ' · ' + extra.join(' · ') : '');
  }

  function historyDetails(c) {
    var list = el('ol', { class: 'timeline' });
    var loaded = false;
    return el('details', {
      class: 'history',
      ontoggle: function (ev) {
        if (!ev.currentTarget.open || loaded) return;
        loaded = true;
        api('GET', '/workspaces/' + encodeURIComponent(state.selected) + '/connections/' + encodeURIComponent(c.connectionId) + '/history').then(
          function (r) {
            clear(list);
            if (!r.events.length) append(list, el('li', null, 'Nothing recorded yet.'));
            r.events.forEach(function (e) { append(list, historyLine(e)); });
          },
          function (err) {
            loaded = false;
            handleError(err);
          },
        );
      },
    }, el('summary', null, 'History'), list);
  }

  function removeConnection(c, button) {
    var ok = window.confirm('Remove ' + label(c.platform) + ' account \u201c' + c.displayName + '\u201d from this workspace? Flamel deletes its access tokens and stops posting to it. You can connect it again later.');
    if (!ok) return;
    clearNotice();
    var done = busy(button, 'Removing\u2026');
    api('DELETE', '/workspaces/' + encodeURIComponent(state.selected) + '/connections/' + encodeURIComponent(c.connectionId)).then(
      function () {
        done();
        if (state.reconnectId === c.connectionId) {
          state.reconnectId = '';
          syncUrl();
        }
        loadWorkspace();
      },
      function (err) {
        done();
        handleError(err);
      },
    );
  }

  function selectWorkspace(id) {
    if (state.context && state.context !== id) state.context = '';
    state.selected = id;
    state.connections = [];
    state.alerts = [];
    state.reconnectId = '';
    state.result = null;
    state.posts = [];
    state.postsNext = '';
    $('posts-connection').value = '';
    saveWorkspaces();
    syncUrl();
    clearNotice();
    render();
    renderReconnectFocus();
    renderAlerts();
    renderAccounts();
    return loadWorkspace();
  }

  function wire() {
    $('sign-in-form').addEventListener('submit', function (ev) {
      ev.preventDefault();
      var userId = $('sign-in-user').value.trim();
      var email = $('sign-in-email').value.trim();
      var button = ev.target.querySelector('button[type=submit]');
      var done = busy(button, 'Signing in\u2026');
      clearNotice();
      state.token = '';
      api('POST', '/local/login', { userId: userId, email: email }).then(
        function (r) {
          done();
          if (!state.user || state.user.userId !== userId) {
            // Another person: their workspaces are not this one's.
            if (state.user && state.user.userId !== userId) {
              state.workspaces = [];
              state.context = '';
              if (!new URLSearchParams(location.search).get('workspace')) state.selected = '';
              saveWorkspaces();
            }
          }
          state.token = r.token;
          state.user = { userId: userId, email: email };
          saveSession();
          $('sign-in-why').textContent = 'Sign in to see your workspace\u2019s connected social accounts.';
          render();
          loadWorkspace();
          loadLists();
        },
        function (err) {
          done();
          notify(err.message, err.code);
        },
      );
    });

    $('sign-out').addEventListener('click', function () {
      state.token = '';
      saveSession();
      clearNotice();
      render();
    });

    $('ws-create-form').addEventListener('submit', function (ev) {
      ev.preventDefault();
      var name = $('ws-create-name').value.trim();
      var done = busy(ev.target.querySelector('button[type=submit]'), 'Creating\u2026');
      clearNotice();
      api('POST', '/workspaces', { name: name }).then(
        function (r) {
          done();
          $('ws-create-name').value = '';
          $('ws-more').open = false;
          rememberWorkspace(r.workspaceId, name);
          state.context = '';
          selectWorkspace(r.workspaceId);
        },
        function (err) {
          done();
          handleError(err);
        },
      );
    });

    $('ws-context-form').addEventListener('submit', function (ev) {
      ev.preventDefault();
      var id = $('ws-context-id').value.trim();
      if (!id) return;
      $('ws-context-id').value = '';
      $('ws-more').open = false;
      rememberWorkspace(id);
      state.context = id;
      selectWorkspace(id);
    });

    $('posts-connection').addEventListener('change', function () { loadPosts(false); });
    $('posts-status').addEventListener('change', function () { loadPosts(false); });
    $('posts-more').addEventListener('click', function () { loadPosts(true); });

    $('ws-select').addEventListener('change', function (ev) {
      selectWorkspace(ev.target.value);
    });

    $('connect-form').addEventListener('submit', function (ev) {
      ev.preventDefault();
      var platform = $('connect-platform').value;
      var done = busy($('connect-button'), 'Opening ' + label(platform) + '\u2026');
      clearNotice();
      api('POST', '/workspaces/' + encodeURIComponent(state.selected) + '/connections', { platform: platform }).then(
        function (r) {
          window.location.assign(r.authorizeUrl);
        },
        function (err) {
          done();
          handleError(err);
        },
      );
    });

    // Coming back to the tab (e.g. after fixing the admin role elsewhere): show what is true now.
    document.addEventListener('visibilitychange', function () {
      if (document.visibilityState === 'visible' && state.token) loadWorkspace();
    });
  }

  function start() {
    var q = new URLSearchParams(location.search);
    // Email links: /app/?workspace=WS&reconnect=ID (also accepted: /app/connections/ID/reconnect?workspaceId=WS).
    var pathLink = /^\/app\/connections\/([^/]+)\/reconnect\/?$/.exec(location.pathname);
    if (pathLink) {
      try {
        q.set('reconnect', decodeURIComponent(pathLink[1]));
      } catch {
        /* a malformed link: ignore the id */
      }
      if (!q.get('workspace') && q.get('workspaceId')) q.set('workspace', q.get('workspaceId'));
    }
    var ws = q.get('workspace');
    if (ws) {
      if (ws !== state.selected && state.context && state.context !== ws) state.context = '';
      state.selected = ws;
      rememberWorkspace(ws);
    }
    if (state.selected) rememberWorkspace(state.selected);
    var reconnectId = q.get('reconnect');
    if (reconnectId) state.reconnectId = reconnectId;
    var result = q.get('result');
    if (result === 'connected' || result === 'restored' || result === 'error') {
      // Only what names something is read from the address (a code of the known shape, a known
      // platform, an id); never words to show: the message comes from the code (callbackMessage).
      var code = q.get('code') || '';
      var platformParam = q.get('platform') || '';
      state.result = {
        result: result,
        code: /^[A-Z_]{1,40}$/.test(code) ? code : '',
        connectionId: q.get('connectionId') || '',
        platform: Object.prototype.hasOwnProperty.call(PLATFORM_LABELS, platformParam) ? platformParam : '',
      };
      if (state.result.connectionId && result !== 'error') state.highlightId = state.result.connectionId;
      if (result === 'restored' && state.reconnectId === state.result.connectionId) state.reconnectId = '';
    }
    saveWorkspaces();
    syncUrl();
    wire();
    render();
    if (state.result && state.result.result === 'error') loadMessages();
    loadWorkspace();
    loadLists();
    if (result === 'restored') {
      // The failed posts retry on their own now: show their alerts resolving without a reload.
      [2000, 5000, 10000, 20000].forEach(function (ms) {
        setTimeout(function () {
          if (document.visibilityState === 'visible') loadWorkspace();
        }, ms);
      });
    }
  }

  if (document.readyState === 'loading') document.addEventListener('DOMContentLoaded', start);
  else start();
})();
