// The one place an error code is shown: the support box. And the page's notice line.
import { $, append, clear, el, show } from './dom.js';
import { words } from './words.js';

/** "If you contact support, quote this": the code, and the platform's own words when there are some. */
export function supportBox(code, extra) {
  const email = words().supportEmail;
  return el('div', { class: 'quote support-box' },
    el('p', { class: 'quote-title' }, 'If you contact support, quote this'),
    el('p', null, 'Error code: ', el('code', { class: 'error-code' }, code)),
    extra || null,
    email ? el('p', { class: 'fine' }, el('a', { href: 'mailto:' + email + '?subject=' + encodeURIComponent(code) }, email)) : null,
  );
}

/** A short message at the top of the page; an error brings its support box, `button` one action. */
export function notify(message, code, button) {
  const box = $('notice');
  clear(box);
  box.className = code ? 'notice notice-error' : 'notice notice-info';
  append(box, el('p', null, message));
  if (code) append(box, supportBox(code));
  if (button) append(box, el('button', { type: 'button', class: 'btn btn-secondary', onclick: () => { show(box, false); button.action(); } }, button.text));
  append(box, el('button', { type: 'button', class: 'notice-close', 'aria-label': 'Dismiss', onclick: () => show(box, false) }, '\u00d7'));
  show(box, true);
}

export function clearNotice() {
  show($('notice'), false);
}
