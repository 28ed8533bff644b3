// The editor's language switch: a scenario's texts in another language (`[translations.<lang>]`,
// docs/scenarios.md). Each translatable text is shown with the scenario's own text beside it and
// edits the draft's translation for that language; what is still missing is counted and listed.
// Ids, points, walk-away values, phases, the deal rule and teaching notes are the same in every
// language, so this mode does not show them. The server checks a translation as it checks the
// rest of the draft; its errors name fields like `translations.de.roles.buyer.brief`, which the
// inputs here carry as their data-field.

import { h } from '../dom.js';
import { LANGUAGES, language, t } from '../i18n.js';

/** @typedef {import('../types.js').Draft} Draft */
/** @typedef {import('../types.js').Translation} Translation */

/** The scenario's own language (the file's `language`, English when it has none). @param {Draft} d */
export function ownLanguage(d) {
  return d.language || 'en';
}

/**
 * The languages the switch offers: the scenario's own first, then the languages Parley's pages
 * speak and any other language the draft already has a table for.
 * @param {Draft} d
 */
export function textLanguages(d) {
  const own = ownLanguage(d);
  const others = [...new Set([...Object.keys(LANGUAGES), ...Object.keys(d.translations || {})])].filter((l) => l !== own);
  return [own, ...others];
}

/**
 * A language's name in the page's language, as written inside a sentence ("German", "alemán",
 * "Deutsch"), or its code; `capital` starts it with a capital letter (a list entry).
 * @param {string} code
 * @param {boolean} [capital]
 */
export function languageName(code, capital = false) {
  let name = code;
  try {
    name = new Intl.DisplayNames([language()], { type: 'language' }).of(code) || code;
  } catch {
    // an unknown code: shown as it is
  }
  return capital ? name.charAt(0).toLocaleUpperCase(language()) + name.slice(1) : name;
}

/**
 * The draft's table for `lang`, made when it has none.
 * @param {Draft} d
 * @param {string} lang
 * @returns {Translation}
 */
function table(d, lang) {
  if (!d.translations) d.translations = {};
  if (!d.translations[lang]) d.translations[lang] = {};
  return d.translations[lang];
}

/**
 * Drops the empty parts of a table (a text cleared falls back to the scenario's own text; an
 * empty table is no table), so the file keeps only what is translated.
 * @param {Draft} d
 * @param {string} lang
 */
function prune(d, lang) {
  const tr = d.translations && d.translations[lang];
  if (!tr || !d.translations) return;
  if (!tr.title) delete tr.title;
  if (!tr.summary) delete tr.summary;
  if (tr.icebreakers && tr.icebreakers.every((x) => x.trim() === '')) delete tr.icebreakers;
  for (const [id, r] of Object.entries(tr.roles || {})) {
    if (!r.name) delete r.name;
    if (!r.brief) delete r.brief;
    if (!r.name && !r.brief && tr.roles) delete tr.roles[id];
  }
  for (const [id, is] of Object.entries(tr.issues || {})) {
    if (!is.name) delete is.name;
    if (!is.description) delete is.description;
    if (is.options && is.options.every((x) => x.trim() === '')) delete is.options;
    if (!is.name && !is.description && !is.options && tr.issues) delete tr.issues[id];
  }
  if (tr.roles && Object.keys(tr.roles).length === 0) delete tr.roles;
  if (tr.issues && Object.keys(tr.issues).length === 0) delete tr.issues;
  if (Object.keys(tr).length === 0) delete d.translations[lang];
}

/** @param {string | null | undefined} s */
const blank = (s) => !s || s.trim() === '';

/**
 * What the draft lacks in `lang`, in the order of the form: the field each text would fill and
 * how to name it. The same list as the server's `Scenario::untranslated` (a list of prompts or
 * option labels counts once; a partly filled list counts as missing).
 * @param {Draft} d
 * @param {string} lang
 * @returns {{field: string, label: string}[]}
 */
export function untranslated(d, lang) {
  if (lang === ownLanguage(d)) return [];
  const tr = (d.translations && d.translations[lang]) || {};
  const at = (/** @type {string} */ rest) => `translations.${lang}.${rest}`;
  /** @type {{field: string, label: string}[]} */
  const out = [];
  if (blank(tr.title)) out.push({ field: at('title'), label: t('author.field.title') });
  if (blank(tr.summary) && !blank(d.summary)) out.push({ field: at('summary'), label: t('author.tr.summary') });
  const partly = (/** @type {string[] | undefined} */ list) => !list || list.length === 0 || list.some((x) => x.trim() === '');
  if (d.icebreakers.length > 0 && partly(tr.icebreakers)) out.push({ field: at('icebreakers'), label: t('author.tr.icebreakers') });
  for (const r of d.roles) {
    if (!r.id) continue;
    const rt = (tr.roles || {})[r.id] || {};
    const role = r.name || r.id;
    if (blank(rt.name)) out.push({ field: at(`roles.${r.id}.name`), label: t('author.tr.missing_role_name', { role }) });
    if (blank(rt.brief) && !blank(r.brief)) out.push({ field: at(`roles.${r.id}.brief`), label: t('author.tr.missing_role_brief', { role }) });
  }
  for (const is of d.issues) {
    if (!is.id) continue;
    const it = (tr.issues || {})[is.id] || {};
    const issue = is.name || is.id;
    if (blank(it.name)) out.push({ field: at(`issues.${is.id}.name`), label: t('author.tr.missing_issue_name', { issue }) });
    if (blank(it.description) && !blank(is.description)) {
      out.push({ field: at(`issues.${is.id}.description`), label: t('author.tr.missing_issue_description', { issue }) });
    }
    if (partly(it.options)) out.push({ field: at(`issues.${is.id}.options`), label: t('author.tr.missing_issue_options', { issue }) });
  }
  return out;
}

/**
 * One translatable text: its label, the scenario's own text beside it (above it on a phone) and
 * the input for the translation.
 * @param {{field: string, label: string, source: string, value: string, set: (v: string) => void,
 *   onChange: () => void, lang: string, own: string, multiline?: boolean, rows?: number}} o
 */
function pair(o) {
  const id = `f-${o.field.replace(/[^a-zA-Z0-9]+/g, '-')}`;
  const attrs = { id, 'data-field': o.field, testid: `field-${o.field}`, value: o.value, lang: o.lang, autocomplete: 'off' };
  const input = o.multiline ? h('textarea', { ...attrs, rows: o.rows || 4 }) : h('input', { ...attrs, type: 'text' });
  input.addEventListener('input', () => {
    o.set(input.value);
    o.onChange();
  });
  const sourceId = `${id}-source`;
  input.setAttribute('aria-describedby', sourceId);
  return h(
    'div',
    { class: 'field tr-pair', 'data-field-box': o.field },
    h('label', { for: id }, o.label),
    h(
      'div',
      { class: 'tr-cols' },
      h(
        'div',
        // A long original scrolls on its own: it can take the focus, so a keyboard can scroll it too.
        {
          class: ['tr-source', o.multiline ? 'long' : null],
          id: sourceId,
          testid: `source-${o.field}`,
          tabindex: o.multiline ? '0' : null,
          role: o.multiline ? 'region' : null,
          'aria-label': o.multiline ? `${o.label}: ${t('author.tr.source', { language: languageName(o.own) })}` : null,
        },
        h('span', { class: 'tr-source-label' }, t('author.tr.source', { language: languageName(o.own) })),
        h('span', { class: 'tr-source-text', lang: o.own }, o.source || '—'),
      ),
      input,
    ),
  );
}

/**
 * A list translated as a whole (icebreakers, option labels): one input per item, the list kept
 * at the scenario's length so position k translates item k.
 * @param {string[] | undefined} list
 * @param {number} n
 * @param {number} k
 * @param {string} v
 */
function setItem(list, n, k, v) {
  const out = Array.from({ length: n }, (_, i) => (list && i < list.length ? list[i] : ''));
  out[k] = v;
  return out;
}

/**
 * The form's sections in translation mode.
 * @param {Draft} d
 * @param {string} lang
 * @param {() => void} onChange called after every edit
 * @returns {HTMLElement[]}
 */
export function renderTranslationForm(d, lang, onChange) {
  const own = ownLanguage(d);
  const at = (/** @type {string} */ rest) => `translations.${lang}.${rest}`;
  const edit = (/** @type {(tr: Translation) => void} */ change) => {
    change(table(d, lang));
    prune(d, lang);
  };
  const tr = () => (d.translations && d.translations[lang]) || {};
  const common = { lang, own, onChange };
  const section = (/** @type {string} */ title, /** @type {string} */ testid, /** @type {unknown[]} */ ...children) =>
    h('section', { class: 'card author-section', testid }, h('h2', null, title), ...children);

  const scenario = section(
    t('author.section.scenario'),
    'tr-section-scenario',
    pair({ ...common, field: at('title'), label: t('author.field.title'), source: d.title, value: tr().title || '', set: (v) => edit((x) => (x.title = v)) }),
    pair({
      ...common,
      field: at('summary'),
      label: t('author.tr.summary'),
      source: d.summary,
      value: tr().summary || '',
      set: (v) => edit((x) => (x.summary = v)),
      multiline: true,
      rows: 6,
    }),
    d.icebreakers.length
      ? h(
          'fieldset',
          { class: 'tr-list', 'data-field': at('icebreakers') },
          h('legend', null, t('author.tr.icebreakers')),
          d.icebreakers.map((source, k) =>
            pair({
              ...common,
              field: at(`icebreakers[${k}]`),
              label: t('author.tr.prompt_n', { n: k + 1 }),
              source,
              value: (tr().icebreakers || [])[k] || '',
              set: (v) => edit((x) => (x.icebreakers = setItem(x.icebreakers, d.icebreakers.length, k, v))),
            }),
          ),
        )
      : null,
  );

  const roles = section(
    t('author.section.roles'),
    'tr-section-roles',
    d.roles.map((r, i) =>
      h(
        'div',
        { class: 'item-card', testid: `tr-role-${i}`, 'data-field': r.id ? at(`roles.${r.id}`) : null },
        h('h3', { class: 'tr-item-head' }, r.name || r.id || t('author.role_n', { n: i + 1 })),
        r.id
          ? [
              pair({
                ...common,
                field: at(`roles.${r.id}.name`),
                label: t('author.field.name'),
                source: r.name,
                value: ((tr().roles || {})[r.id] || {}).name || '',
                set: (v) => edit((x) => ((x.roles ||= {})[r.id] ||= {}).name = v),
              }),
              pair({
                ...common,
                field: at(`roles.${r.id}.brief`),
                label: t('author.field.brief'),
                source: r.brief,
                value: ((tr().roles || {})[r.id] || {}).brief || '',
                set: (v) => edit((x) => ((x.roles ||= {})[r.id] ||= {}).brief = v),
                multiline: true,
                rows: 8,
              }),
            ]
          : h('p', { class: 'hint' }, t('author.tr.needs_id')),
      ),
    ),
  );

  const issues = section(
    t('author.section.issues'),
    'tr-section-issues',
    d.issues.map((is, k) => {
      const it = () => (tr().issues || {})[is.id] || {};
      const issueTable = (/** @type {Translation} */ x) => ((x.issues ||= {})[is.id] ||= {});
      return h(
        'div',
        { class: 'item-card', testid: `tr-issue-${k}`, 'data-field': is.id ? at(`issues.${is.id}`) : null },
        h('h3', { class: 'tr-item-head' }, is.name || is.id || t('author.tr.issue_n', { n: k + 1 })),
        is.id
          ? [
              pair({ ...common, field: at(`issues.${is.id}.name`), label: t('author.field.name'), source: is.name, value: it().name || '', set: (v) => edit((x) => (issueTable(x).name = v)) }),
              is.description
                ? pair({
                    ...common,
                    field: at(`issues.${is.id}.description`),
                    label: t('author.tr.description'),
                    source: is.description,
                    value: it().description || '',
                    set: (v) => edit((x) => (issueTable(x).description = v)),
                  })
                : null,
              h(
                'fieldset',
                { class: 'tr-list', 'data-field': at(`issues.${is.id}.options`) },
                h('legend', null, t('author.field.options')),
                h('p', { class: 'hint' }, t('author.tr.options_hint')),
                is.options.map((source, j) =>
                  pair({
                    ...common,
                    field: at(`issues.${is.id}.options[${j}]`),
                    label: t('author.option_n', { n: j + 1 }),
                    source,
                    value: (it().options || [])[j] || '',
                    set: (v) =>
                      edit((x) => {
                        const t2 = issueTable(x);
                        t2.options = setItem(t2.options, is.options.length, j, v);
                      }),
                  }),
                ),
              ),
            ]
          : h('p', { class: 'hint' }, t('author.tr.needs_id')),
      );
    }),
  );

  const same = h('section', { class: 'card author-section tr-same', testid: 'tr-same' }, h('p', { class: 'hint' }, t('author.tr.same_everywhere', { language: languageName(own) })));
  return [scenario, roles, issues, same];
}
