// Message catalogs and locale formatting for every page. A string a person reads goes through t()
// (or a `data-i18n` attribute in the HTML); numbers and dates go through num()/dateTime() so they
// follow the chosen language's conventions. Catalogs are plain ES modules (no fetch, no build
// step), one per language and area (i18n/<lang>/<area>.js), merged by i18n/<lang>/index.js.
// tests/browser/i18n-check.mjs fails on a key used here but missing from any catalog.

import en from './i18n/en/index.js';
import es from './i18n/es/index.js';
import de from './i18n/de/index.js';

/** The languages Parley speaks, each named in itself (for the picker). */
export const LANGUAGES = /** @type {const} */ ({ en: 'English', es: 'Español', de: 'Deutsch' });

/** @typedef {keyof typeof LANGUAGES} Lang */

/** @type {Record<Lang, Record<string, string>>} */
const CATALOGS = { en, es, de };
/** @type {Record<string, string>} */
const ENGLISH = en;

const STORAGE_KEY = 'parley.lang';

/** @param {unknown} code @returns {code is Lang} */
function isLang(code) {
  return typeof code === 'string' && Object.prototype.hasOwnProperty.call(LANGUAGES, code);
}

/**
 * The language to use: `?lang=` in the address, then the person's earlier choice, then the
 * browser's preferred languages, then English.
 * @returns {Lang}
 */
export function pickLanguage() {
  /** @type {unknown[]} */
  const wanted = [];
  try {
    wanted.push(new URLSearchParams(location.search).get('lang'));
    wanted.push(localStorage.getItem(STORAGE_KEY));
  } catch {
    // storage can be blocked (private modes, sandboxed frames): fall through to the browser's list
  }
  for (const tag of navigator.languages || [navigator.language]) wanted.push(String(tag).slice(0, 2).toLowerCase());
  return /** @type {Lang} */ (wanted.find(isLang) || 'en');
}

/** @type {Lang} */
let current = typeof navigator === 'undefined' ? 'en' : pickLanguage();
if (typeof document !== 'undefined') document.documentElement.lang = current;

/** The language strings are shown in now. */
export function language() {
  return current;
}

/**
 * Switches language and remembers the choice. Pages re-render what they show (the simplest
 * correct way is a reload: every page restores its state from the server).
 * @param {string} lang
 */
export function setLanguage(lang) {
  if (!isLang(lang)) return;
  current = lang;
  try {
    localStorage.setItem(STORAGE_KEY, lang);
  } catch {
    // not remembered, still used for this page
  }
  document.documentElement.lang = lang;
}

/**
 * Whether the catalogs have `key` (for keys built from what the server sends: a key the page
 * does not know yet is shown in the server's own words instead).
 * @param {string} key
 */
export function has(key) {
  return Object.prototype.hasOwnProperty.call(ENGLISH, key);
}

/**
 * The string for `key` in the current language (falling back to English, then to the key itself,
 * which the catalog check makes impossible for keys written in the code), with `{name}`
 * placeholders filled from `vars`.
 * @param {string} key
 * @param {Record<string, string | number>} [vars]
 */
export function t(key, vars) {
  const text = CATALOGS[current][key] ?? ENGLISH[key] ?? key;
  if (!vars) return text;
  return text.replace(/\{(\w+)\}/g, (whole, name) => (name in vars ? String(vars[name]) : whole));
}

/**
 * A counted string: `key.one` / `key.other` (and any other plural category the language has),
 * chosen by Intl.PluralRules, with `{n}` filled by the locale-formatted count.
 * @param {string} key
 * @param {number} n
 * @param {Record<string, string | number>} [vars]
 */
export function tn(key, n, vars) {
  const category = new Intl.PluralRules(current).select(n);
  const chosen = CATALOGS[current][`${key}.${category}`] !== undefined ? `${key}.${category}` : `${key}.other`;
  return t(chosen, { n: num(n), ...vars });
}

/**
 * A number in the current language's format (decimal separator, grouping).
 * @param {number} n
 * @param {Intl.NumberFormatOptions} [options]
 */
export function num(n, options) {
  return new Intl.NumberFormat(current, options).format(n);
}

/**
 * A list in the current language's words: "A, B and C", "A, B y C", "A, B und C".
 * @param {string[]} items
 */
export function list(items) {
  // British English: no comma before the "and" (Parley's English is British).
  return new Intl.ListFormat(current === 'en' ? 'en-GB' : current, { type: 'conjunction' }).format(items);
}

/**
 * A date and/or time in the current language's format.
 * @param {number | Date} when milliseconds since the epoch, or a Date
 * @param {Intl.DateTimeFormatOptions} [options] defaults to a short date and time
 */
export function dateTime(when, options = { dateStyle: 'medium', timeStyle: 'short' }) {
  return new Intl.DateTimeFormat(current, options).format(when);
}

/**
 * Fills the static HTML: a `data-i18n` attribute holding a key sets the element's text; a
 * `data-i18n-attr` attribute holding `attribute:key` pairs separated by `;` sets attributes
 * (placeholder, aria-label, title).
 * @param {ParentNode} [root]
 */
export function translatePage(root = document) {
  for (const el of root.querySelectorAll('[data-i18n]')) {
    el.textContent = t(/** @type {string} */ (el.getAttribute('data-i18n')));
  }
  for (const el of root.querySelectorAll('[data-i18n-attr]')) {
    for (const pair of (el.getAttribute('data-i18n-attr') || '').split(';')) {
      const [attr, key] = pair.split(':').map((part) => part.trim());
      if (attr && key) el.setAttribute(attr, t(key));
    }
  }
}
