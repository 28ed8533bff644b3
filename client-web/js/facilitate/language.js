// The language picker of the console's and the editor's headers: a <select> of the languages
// Parley speaks, each named in itself, labelled "Language" in the language shown now. The choice
// is remembered (i18n.js keeps it in localStorage); the page decides how to show it (the console
// reloads, as it restores its session from its address; the editor redraws in place, so a draft
// being written is not lost).

import { h, uid } from '../dom.js';
import { LANGUAGES, language, setLanguage, t } from '../i18n.js';

/**
 * Builds the picker into `host` (its label and select replace what was there).
 * @param {HTMLElement} host
 * @param {(lang: string) => void} onChange called after the new language is set
 */
export function mountLanguagePicker(host, onChange) {
  const id = uid('language');
  const label = h('label', { for: id, class: 'lang-label' }, t('common.language'));
  const select = h(
    'select',
    { id, class: 'lang-select', testid: 'language-picker' },
    Object.entries(LANGUAGES).map(([code, name]) => h('option', { value: code, lang: code, selected: code === language() }, name)),
  );
  select.addEventListener('change', () => {
    setLanguage(select.value);
    label.textContent = t('common.language');
    onChange(select.value);
  });
  host.replaceChildren(label, select);
  return select;
}

/**
 * The address without a `lang` parameter: i18n.js lets `?lang=` win over the remembered choice,
 * so a reload after picking must drop it.
 * @param {string} [hash] a fragment to put instead of the current one
 */
export function addressWithoutLang(hash) {
  const url = new URL(location.href);
  url.searchParams.delete('lang');
  if (hash !== undefined) url.hash = hash;
  return url.pathname + url.search + url.hash;
}
