// The outcome of a reconnect link, in words: the address carries only a code (and a platform); the
// words come from /app/messages.json (their one home: shared/domain/notifications/reconnect-link.ts),
// so no text from the address is ever shown.
(function () {
  'use strict';
  var q = new URLSearchParams(window.location.search);
  var code = q.get('result') === 'restored' ? 'restored' : q.get('code') || '';
  var platform = q.get('platform') || '_';
  var title = document.getElementById('link-title');
  var out = document.getElementById('link-message');
  function show(text, done) {
    out.textContent = text;
    title.textContent = done ? 'Reconnected' : 'Not reconnected';
    document.body.dataset.outcome = done ? 'restored' : 'error';
  }
  fetch('/app/messages.json', { credentials: 'omit' })
    .then(function (r) { return r.ok ? r.json() : null; })
    .then(function (data) {
      var table = data && data.linkResults;
      var byCode = table && Object.prototype.hasOwnProperty.call(table, code) ? table[code] : null;
      var text = byCode ? byCode[Object.prototype.hasOwnProperty.call(byCode, platform) ? platform : '_'] : null;
      show(text || 'The reconnect did not finish. Ask the person who sent you the link for a new one.', code === 'restored');
    })
    .catch(function () {
      show(code === 'restored' ? 'Done: the account is reconnected to Flamel. You can close this page.' : 'The reconnect did not finish. Ask the person who sent you the link for a new one.', code === 'restored');
    });
})();
