// Small DOM helpers. Every piece of data reaches the page as text (textContent, never innerHTML).

export function $(id) {
  return document.getElementById(id);
}

/** el('p', {class: 'x'}, 'text', childNode): strings become text nodes; on* values are listeners. */
export function el(tag, attrs, ...children) {
  const node = document.createElement(tag);
  for (const [k, v] of Object.entries(attrs || {})) {
    if (v === undefined || v === null || v === false) continue;
    if (k === 'class') node.className = v;
    else if (k === 'text') node.textContent = v;
    else if (k.startsWith('on') && typeof v === 'function') node.addEventListener(k.slice(2), v);
    else if (k === 'dataset') Object.assign(node.dataset, v);
    else node.setAttribute(k, v === true ? '' : String(v));
  }
  append(node, ...children);
  return node;
}

/** Strings become text nodes; arrays are flattened; null, undefined and false are skipped. */
export function append(parent, ...children) {
  for (const child of children) {
    if (child === undefined || child === null || child === false) continue;
    if (Array.isArray(child)) append(parent, ...child);
    else if (typeof child === 'string' || typeof child === 'number') parent.appendChild(document.createTextNode(String(child)));
    else parent.appendChild(child);
  }
}

export function clear(node) {
  while (node.firstChild) node.removeChild(node.firstChild);
}

export function show(node, visible) {
  node.hidden = !visible;
}

/** Fills `{name}` placeholders of a sentence from messages.json. */
export function fill(text, vars) {
  return String(text).replace(/\{(\w+)\}/g, (m, k) => (Object.prototype.hasOwnProperty.call(vars, k) ? String(vars[k]) : m));
}

const UTC = { year: 'numeric', month: 'short', day: 'numeric', hour: '2-digit', minute: '2-digit', timeZone: 'UTC', timeZoneName: 'short' };
const LOCAL = { year: 'numeric', month: 'short', day: 'numeric', hour: '2-digit', minute: '2-digit' };
const LOCAL_DAY = { year: 'numeric', month: 'short', day: 'numeric' };

/**
 * A time as the viewer reads it: in their own time zone, the UTC time on hover (title).
 * `day`: the date alone (deadlines). `short`: the clock time alone when it is today.
 */
export function timeEl(iso, opts) {
  const ms = Date.parse(iso);
  if (Number.isNaN(ms)) return el('span', null, String(iso));
  const d = new Date(ms);
  const sameDay = new Date().toDateString() === d.toDateString();
  const format = opts && opts.day ? LOCAL_DAY : opts && opts.short && sameDay ? { hour: '2-digit', minute: '2-digit' } : LOCAL;
  return el('time', { datetime: d.toISOString(), title: d.toLocaleString('en-GB', UTC) }, d.toLocaleString(undefined, format));
}

/** Disables a button while its request runs; the returned function puts it back. */
export function busy(button, text) {
  if (!button) return () => {};
  const before = button.textContent;
  button.disabled = true;
  button.textContent = text;
  return () => {
    button.disabled = false;
    button.textContent = before;
  };
}

/**
 * "Are you sure?" in place (no browser dialog): the question and two buttons replace `host`'s
 * content until one is chosen; focus goes to the question so a keyboard user hears it first.
 */
export function confirmInPlace(host, question, yesText, onYes, onNo) {
  const box = el('div', { class: 'confirm', role: 'group', tabindex: '-1', 'aria-label': question },
    el('p', null, question),
    el('div', { class: 'actions' },
      el('button', { type: 'button', class: 'btn btn-danger confirm-yes', onclick: (ev) => onYes(ev.currentTarget) }, yesText),
      el('button', { type: 'button', class: 'btn btn-secondary confirm-no', onclick: () => onNo() }, 'Cancel'),
    ),
  );
  clear(host);
  append(host, box);
  box.focus();
  return box;
}

const KEYED = '[data-connection-id],[data-post-id],[data-alert-id],[data-workspace-id]';

/** Where a node sits, in terms that survive a re-render: its keyed ancestor (a card, a post...) and its classes or id. */
function keyOf(node) {
  if (!node || node === document.body) return null;
  if (node.id) return { id: node.id };
  const owner = node.closest(KEYED);
  if (!owner) return null;
  const attr = ['connectionId', 'postId', 'alertId', 'workspaceId'].find((k) => owner.dataset[k] !== undefined);
  return { attr, value: owner.dataset[attr], tag: node.tagName, cls: node.className };
}

function find(key) {
  if (!key) return null;
  if (key.id) return document.getElementById(key.id);
  const dash = key.attr.replace(/[A-Z]/g, (c) => '-' + c.toLowerCase());
  const owners = document.querySelectorAll('[data-' + dash + '="' + CSS.escape(key.value) + '"]');
  for (const o of owners) {
    const hit = (o.tagName === key.tag && o.className === key.cls ? [o] : []).concat(Array.from(o.querySelectorAll(key.tag)).filter((n) => n.className === key.cls));
    if (hit[0]) return hit[0];
  }
  return null;
}

/**
 * Re-renders without losing the person's place: the focused control and the open disclosures (a
 * card's menu, its history) are the same after a refresh as before it.
 */
export function keepingPlace(render) {
  const focused = keyOf(document.activeElement);
  const open = Array.from(document.querySelectorAll('details[open]')).map(keyOf).filter(Boolean);
  render();
  for (const k of open) {
    const d = find(k);
    if (d && !d.open) d.open = true;
  }
  const f = find(focused);
  if (f && f !== document.activeElement) f.focus({ preventScroll: true });
}
