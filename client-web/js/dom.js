// Tiny DOM helpers. Every piece of text goes through createTextNode / textContent:
// nothing from the server (names, chat, scenario text) is ever parsed as HTML.

const SVG_NS = 'http://www.w3.org/2000/svg';

/**
 * Attributes for h() and s(): `class` (a string or a list), `testid` (data-testid), `text`,
 * `on<event>` handlers, boolean attributes, `value`, and any other attribute by name.
 * @typedef {Record<string, any>} Attrs
 */

/**
 * @param {Node} el
 * @param {unknown} child a node, text, a list of them, or null/undefined/false for nothing
 */
function append(el, child) {
  if (child === null || child === undefined || child === false) return;
  if (Array.isArray(child)) {
    for (const c of child) append(el, c);
  } else if (child instanceof Node) {
    el.appendChild(child);
  } else {
    el.appendChild(document.createTextNode(String(child)));
  }
}

/**
 * @param {Element} el
 * @param {Attrs | null | undefined} attrs
 */
function setAttrs(el, attrs) {
  if (!attrs) return;
  for (const [k, v] of Object.entries(attrs)) {
    if (v === null || v === undefined || v === false) continue;
    if (k === 'class') el.setAttribute('class', Array.isArray(v) ? v.filter(Boolean).join(' ') : v);
    else if (k === 'testid') el.setAttribute('data-testid', v);
    else if (k === 'text') el.textContent = String(v);
    else if (k.startsWith('on') && typeof v === 'function') el.addEventListener(k.slice(2), v);
    else if (k === 'hidden' || k === 'disabled' || k === 'checked' || k === 'selected' || k === 'required') {
      if (v) el.setAttribute(k, '');
      if (k === 'checked' || k === 'selected' || k === 'disabled') /** @type {any} */ (el)[k] = !!v;
    } else if (k === 'value') /** @type {any} */ (el).value = v;
    else el.setAttribute(k, v === true ? '' : String(v));
  }
}

/**
 * h('p', {class: 'x', testid: 'y'}, 'text', child...) → element. Strings become text nodes.
 * @template {keyof HTMLElementTagNameMap} K
 * @param {K} tag
 * @param {Attrs | null} [attrs]
 * @param {...unknown} children
 * @returns {HTMLElementTagNameMap[K]}
 */
export function h(tag, attrs, ...children) {
  const el = document.createElement(tag);
  setAttrs(el, attrs);
  append(el, children);
  return el;
}

/**
 * Same as h() for SVG elements.
 * @param {string} tag
 * @param {Attrs | null} [attrs]
 * @param {...unknown} children
 * @returns {SVGElement}
 */
export function s(tag, attrs, ...children) {
  const el = /** @type {SVGElement} */ (document.createElementNS(SVG_NS, tag));
  if (attrs) {
    for (const [k, v] of Object.entries(attrs)) {
      if (v === null || v === undefined || v === false) continue;
      if (k === 'testid') el.setAttribute('data-testid', v);
      else if (k === 'text') el.textContent = String(v);
      else el.setAttribute(k, String(v));
    }
  }
  append(el, children);
  return el;
}

/**
 * Removes every child of el.
 * @template {Node} T
 * @param {T} el
 * @returns {T}
 */
export function clear(el) {
  while (el.firstChild) el.removeChild(el.firstChild);
  return el;
}

/**
 * Replaces the children of el.
 * @template {Node} T
 * @param {T} el
 * @param {...unknown} children
 * @returns {T}
 */
export function replace(el, ...children) {
  clear(el);
  append(el, children);
  return el;
}

/**
 * Shows or hides an element with the hidden attribute.
 * @param {HTMLElement | null | undefined} el
 * @param {unknown} visible
 */
export function show(el, visible) {
  if (!el) return;
  el.hidden = !visible;
}

/**
 * The first element matching sel (the page's own markup: it is there).
 * @template {HTMLElement} [T=HTMLElement]
 * @param {string} sel
 * @param {ParentNode} [root]
 * @returns {T}
 */
export function $(sel, root = document) {
  // @ts-ignore: the caller names the element type it expects

  return root.querySelector(sel);
}

/**
 * @param {string} sel
 * @param {ParentNode} [root]
 * @returns {HTMLElement[]}
 */
export function $all(sel, root = document) {
  return /** @type {HTMLElement[]} */ (Array.from(root.querySelectorAll(sel)));
}

/**
 * Turns a multi-paragraph plain-text string into <p> elements (text only).
 * @param {unknown} text
 * @param {string} [cls]
 */
export function paragraphs(text, cls) {
  const parts = String(text || '').trim().split(/\n\s*\n/);
  return parts.filter((p) => p.trim() !== '').map((p) => h('p', { class: cls }, p.trim().replace(/\s*\n\s*/g, ' ')));
}

let idCounter = 0;
/**
 * A unique element id with a prefix.
 * @param {string} prefix
 */
export function uid(prefix) {
  idCounter += 1;
  return `${prefix}-${idCounter}`;
}

/**
 * Says a sentence to screen readers (the page's live region `#announcer`): the text is cleared,
 * then set after a tick, so screen readers read it even when it repeats.
 * @param {string} text
 */
export function announce(text) {
  const el = $('#announcer');
  if (!el) return;
  el.textContent = '';
  setTimeout(() => {
    el.textContent = text;
  }, 50);
}
