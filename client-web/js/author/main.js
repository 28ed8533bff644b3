// The scenario editor (/author): a form over the editor's model of a scenario file (a Draft),
// checked and analysed by the server while the author types (POST /api/author/analyse, debounced),
// its first problem shown at the field it names; import and export of the TOML file (the server
// writes the canonical text); save to the server's scenarios folder.

import { h, replace, show, $, announce } from '../dom.js';
import { t, tn, translatePage } from '../i18n.js';
import { mountLanguagePicker } from '../facilitate/language.js';
import { AuthorError, analyse, listScenarios, openScenario, saveScenario, setAdminKey } from './api.js';
import { renderAnalysis, renderBlocked } from './analysis.js';
import { languageName, ownLanguage, renderTranslationForm, textLanguages, untranslated } from './translations.js';

/** @typedef {import('../types.js').Draft} Draft */
/** @typedef {import('../types.js').DraftIssue} DraftIssue */
/** @typedef {import('../types.js').Teaching} Teaching */
/** @typedef {import('../types.js').AuthorAnswer} AuthorAnswer */

/** How long typing must pause before the draft is sent for analysis. */
const DEBOUNCE_MS = 350;

/** The phases whose durations a scenario sets, with their labels (called at each drawing, so they follow the language). */
const phases = () =>
  /** @type {const} */ ([
    ['prep', t('author.phase.prep')],
    ['small_talk', t('author.phase.small_talk')],
    ['bargaining', t('author.phase.bargaining')],
    ['survey', t('author.phase.survey')],
  ]);

const teachingLists = () =>
  /** @type {const} */ ([
    ['goals', t('author.teaching.goals')],
    ['debrief_questions', t('author.teaching.questions')],
    ['mistakes', t('author.teaching.mistakes')],
  ]);
const teachingTexts = () =>
  /** @type {const} */ ([
    ['research', t('author.teaching.research')],
    ['frontier', t('author.teaching.frontier')],
    ['timing_45', t('author.teaching.timing_45')],
    ['timing_90', t('author.teaching.timing_90')],
  ]);

/** @returns {Draft} a new scenario: two roles and one issue of two options, all to fill in */
function blankDraft() {
  return {
    id: '',
    title: '',
    summary: '',
    icebreakers: [],
    phases: { prep: 120, small_talk: 300, bargaining: 900, survey: 120 },
    roles: [
      { id: '', name: '', batna: 0, brief: '' },
      { id: '', name: '', batna: 0, brief: '' },
    ],
    issues: [{ id: '', name: '', description: '', options: ['', ''], points: [[0, 0], [0, 0]] }],
    deal: { rule: 'unanimous', roles: [] },
    teaching: null,
  };
}

/** @returns {Teaching} */
function blankTeaching() {
  return { goals: [], research: '', debrief_questions: [], frontier: '', mistakes: [], timing_45: '', timing_90: '' };
}

/**
 * An id from a name: lower case, a-z 0-9 and '-', as the file format allows.
 * @param {string} name
 */
export function slug(name) {
  return name
    .normalize('NFKD')
    .replace(/[\u0300-\u036f]/g, '')
    .toLowerCase()
    .replace(/[^a-z0-9]+/g, '-')
    .replace(/^-+|-+$/g, '')
    .slice(0, 64);
}

/** @param {string} text */
const lines = (text) => text.split('\n').map((l) => l.trim()).filter((l) => l !== '');

/** The editor's state. */
const state = {
  /** @type {Draft} */
  draft: blankDraft(),
  /** The last answer for the current draft, when it was valid. @type {AuthorAnswer | null} */
  answer: null,
  /** Numbers typed that a field does not take, by field: `whole` or `min:N` (numberProblem). @type {Map<string, string>} */
  localErrors: new Map(),
  /** The id of the scenario opened from the server, if any. */
  openedId: '',
  /** Sequence number of the latest analysis asked for (older answers are dropped). */
  asked: 0,
  /** @type {ReturnType<typeof setTimeout> | null} */
  timer: null,
  /** Edited since it was opened, imported or saved (leaving the page or replacing it asks first). */
  unsaved: false,
  /** A save is on its way (a double click saves once). */
  saving: false,
  /** @type {AbortController | null} */
  inflight: null,
  /** The language whose texts the form edits: the scenario's own, or a translation's. */
  textLang: 'en',
  /** Whether the list of texts missing from the translation is unfolded. */
  missingOpen: false,
};

const form = () => $('#author-form');
const panel = () => $('[data-testid="analysis"]');

/**
 * An input bound to a string of the draft.
 * @param {string} field the field path, as the server's errors name it
 * @param {string} label
 * @param {string} value
 * @param {(v: string) => void} set
 * @param {{multiline?: boolean, rows?: number, hint?: string, placeholder?: string, maxlength?: number}} [o]
 */
function textField(field, label, value, set, o = {}) {
  const id = `f-${field.replace(/[^a-zA-Z0-9]+/g, '-')}`;
  const attrs = { id, 'data-field': field, testid: `field-${field}`, value, placeholder: o.placeholder || null, maxlength: o.maxlength || null, autocomplete: 'off' };
  const input = o.multiline
    ? h('textarea', { ...attrs, rows: o.rows || 4 })
    : h('input', { ...attrs, type: 'text' });
  input.addEventListener('input', () => {
    set(input.value);
    changed();
  });
  return h('div', { class: 'field', 'data-field-box': field }, h('label', { for: id }, label), o.hint ? h('p', { class: 'hint' }, o.hint) : null, input);
}

/**
 * An input bound to a whole number of the draft; anything else is an error shown at once.
 * @param {string} field
 * @param {string} label
 * @param {number} value
 * @param {(v: number) => void} set
 * @param {{min?: number}} [o]
 */
function intField(field, label, value, set, o = {}) {
  const id = `f-${field.replace(/[^a-zA-Z0-9]+/g, '-')}`;
  const input = h('input', { id, type: 'text', inputmode: 'numeric', 'data-field': field, testid: `field-${field}`, value: String(value), autocomplete: 'off', class: 'int' });
  input.addEventListener('input', () => {
    readInt(field, input.value, set, o.min);
    changed();
  });
  return h('div', { class: 'field small-field', 'data-field-box': field }, h('label', { for: id }, label), input);
}

/**
 * The sentence for a number that is not one a field takes: `whole` (not a whole number) or
 * `min:N` (below N), in a points grid or another field.
 * @param {string} problem
 * @param {boolean} inGrid
 */
function numberProblem(problem, inGrid) {
  if (problem.startsWith('min:')) return t('author.number.at_least', { min: problem.slice(4) });
  return inGrid ? t('author.number.points_whole') : t('author.number.whole');
}

/**
 * Reads a whole number typed into a field, or records why it is not one.
 * @param {string} field
 * @param {string} text
 * @param {(v: number) => void} set
 * @param {number} [min]
 */
function readInt(field, text, set, min) {
  const typed = text.trim().replace(/^\+/, '').replace('−', '-');
  if (!/^-?\d{1,7}$/.test(typed)) {
    state.localErrors.set(field, 'whole');
    return;
  }
  const v = Number(typed);
  if (min !== undefined && v < min) {
    state.localErrors.set(field, `min:${min}`);
    return;
  }
  state.localErrors.delete(field);
  set(v);
}

/**
 * Keeps an id in step with its name while the id is still the name's slug (or empty).
 * @param {{id: string}} obj
 * @param {string} oldName
 * @param {string} newName
 * @param {string} idField
 */
function followName(obj, oldName, newName, idField) {
  if (obj.id !== '' && obj.id !== slug(oldName)) return;
  obj.id = slug(newName);
  const input = /** @type {HTMLInputElement | null} */ (document.querySelector(`[data-field="${idField}"]`));
  if (input) input.value = obj.id;
}

/** @param {string} title @param {string} testid @param {...unknown} children */
function section(title, testid, ...children) {
  return h('section', { class: 'card author-section', testid }, h('h2', null, title), ...children);
}

function renderScenarioSection() {
  const d = state.draft;
  return section(
    t('author.section.scenario'),
    'section-scenario',
    h(
      'div',
      { class: 'two-cols' },
      textField('title', t('author.field.title'), d.title, (v) => {
        followName(d, d.title, v, 'id');
        d.title = v;
      }, { maxlength: 200 }),
      textField('id', t('author.field.id_file'), d.id, (v) => (d.id = v), { hint: t('author.field.id_hint') }),
    ),
    textField('summary', t('author.field.summary'), d.summary, (v) => (d.summary = v), { multiline: true, rows: 5 }),
    textField('icebreakers', t('author.field.icebreakers'), d.icebreakers.join('\n'), (v) => (d.icebreakers = lines(v)), { multiline: true, rows: 3 }),
    h(
      'fieldset',
      { class: 'phases', 'data-field': 'phases' },
      h('legend', null, t('author.field.durations')),
      h('div', { class: 'duration-grid' }, phases().map(([k, label]) => intField(`phases.${k}`, label, d.phases[k], (v) => (d.phases[k] = v), { min: 0 }))),
    ),
  );
}

function renderRolesSection() {
  const d = state.draft;
  const cards = d.roles.map((r, i) =>
    h(
      'div',
      { class: 'item-card', testid: `role-${i}` },
      h(
        'div',
        { class: 'three-cols' },
        textField(`roles[${i}].name`, t('author.field.name'), r.name, (v) => {
          followName(r, r.name, v, `roles[${i}].id`);
          r.name = v;
          relabelGrids();
        }),
        textField(`roles[${i}].id`, t('author.field.id'), r.id, (v) => (r.id = v)),
        intField(`roles[${i}].batna`, t('author.field.batna'), r.batna, (v) => (r.batna = v)),
      ),
      textField(`roles[${i}].brief`, t('author.field.brief'), r.brief, (v) => (r.brief = v), { multiline: true, rows: 4 }),
      d.roles.length > 2
        ? h(
            'button',
            { type: 'button', class: 'link-button danger-link', testid: `remove-role-${i}`, onclick: () => structural(() => removeRole(i)) },
            r.name ? t('author.remove_named', { name: r.name }) : t('author.remove_role'),
          )
        : null,
    ),
  );
  return section(
    t('author.section.roles'),
    'section-roles',
    h('div', { 'data-field': 'roles' }, cards),
    h('button', { type: 'button', class: 'secondary', testid: 'add-role', disabled: d.roles.length >= 6, onclick: () => structural(addRole) }, t('author.add_role')),
  );
}

function addRole() {
  const d = state.draft;
  d.roles.push({ id: '', name: '', batna: 0, brief: '' });
  for (const is of d.issues) is.points.push(is.options.map(() => 0));
}

/** @param {number} i */
function removeRole(i) {
  const d = state.draft;
  const gone = d.roles[i].id;
  d.roles.splice(i, 1);
  for (const is of d.issues) is.points.splice(i, 1);
  d.deal.roles = d.deal.roles.filter((r) => r !== gone);
}

/**
 * The points grid of an issue: a row per role, a column per option.
 * @param {DraftIssue} is
 * @param {number} k
 */
function pointsGrid(is, k) {
  const d = state.draft;
  return h(
    'div',
    { class: 'table-scroll', 'data-field': `issues[${k}].points`, 'data-field-box': `issues[${k}].points` },
    h(
      'table',
      { class: 'points-grid', testid: `grid-${k}` },
      h('caption', { class: 'sr-only' }, is.name ? t('author.grid_caption', { issue: is.name }) : t('author.grid_caption_unnamed')),
      h('thead', null, h('tr', null, h('th', { scope: 'col' }, t('author.points')), is.options.map((o, j) => h('th', { scope: 'col', 'data-option-head': `${k}-${j}` }, o || t('author.option_n', { n: j + 1 }))))),
      h(
        'tbody',
        null,
        d.roles.map((r, ri) =>
          h(
            'tr',
            { 'data-field': `issues[${k}].points.${r.id}`, 'data-role-row': String(ri) },
            h('th', { scope: 'row', 'data-role-head': String(ri) }, r.name || r.id || t('author.role_n', { n: ri + 1 })),
            is.options.map((_, j) => {
              const field = `issues[${k}].points[${ri}][${j}]`;
              const input = h('input', {
                type: 'text',
                inputmode: 'numeric',
                class: 'int',
                value: String(is.points[ri][j]),
                testid: `cell-${k}-${ri}-${j}`,
                'data-cell': field,
                'aria-label': `${r.name || t('author.role_n', { n: ri + 1 })}, ${is.options[j] || t('author.option_lower', { n: j + 1 })}`,
              });
              input.addEventListener('input', () => {
                readInt(field, input.value, (v) => (is.points[ri][j] = v));
                changed();
              });
              return h('td', null, input);
            }),
          ),
        ),
      ),
    ),
  );
}

/** Role names changed: the grids' row headers follow without re-rendering the form. */
function relabelGrids() {
  for (const th of document.querySelectorAll('[data-role-head]')) {
    const ri = Number(th.getAttribute('data-role-head'));
    const r = state.draft.roles[ri];
    th.textContent = (r && (r.name || r.id)) || t('author.role_n', { n: ri + 1 });
  }
}

function renderIssuesSection() {
  const d = state.draft;
  const cards = d.issues.map((is, k) =>
    h(
      'div',
      { class: 'item-card', testid: `issue-${k}` },
      h(
        'div',
        { class: 'two-cols' },
        textField(`issues[${k}].name`, t('author.field.name'), is.name, (v) => {
          followName(is, is.name, v, `issues[${k}].id`);
          is.name = v;
        }),
        textField(`issues[${k}].id`, t('author.field.id'), is.id, (v) => (is.id = v)),
      ),
      textField(`issues[${k}].description`, t('author.field.description'), is.description, (v) => (is.description = v)),
      h(
        'fieldset',
        { class: 'options', 'data-field': `issues[${k}].options` },
        h('legend', null, t('author.field.options')),
        is.options.map((o, j) =>
          h(
            'div',
            { class: 'option-row' },
            textField(`issues[${k}].options[${j}]`, t('author.option_n', { n: j + 1 }), o, (v) => {
              is.options[j] = v;
              const head = document.querySelector(`[data-option-head="${k}-${j}"]`);
              if (head) head.textContent = v || t('author.option_n', { n: j + 1 });
            }),
            is.options.length > 2
              ? h(
                  'button',
                  { type: 'button', class: 'link-button danger-link small', 'aria-label': t('author.remove_option', { n: j + 1 }), onclick: () => structural(() => removeOption(is, j)) },
                  t('author.remove'),
                )
              : null,
          ),
        ),
        h('button', { type: 'button', class: 'secondary small', testid: `add-option-${k}`, disabled: is.options.length >= 10, onclick: () => structural(() => addOption(is)) }, t('author.add_option')),
      ),
      h('p', { class: 'label-like' }, t('author.points_hint')),
      pointsGrid(is, k),
      d.issues.length > 1
        ? h(
            'button',
            { type: 'button', class: 'link-button danger-link', testid: `remove-issue-${k}`, onclick: () => structural(() => d.issues.splice(k, 1)) },
            is.name ? t('author.remove_named', { name: is.name }) : t('author.remove_issue'),
          )
        : null,
    ),
  );
  return section(
    t('author.section.issues'),
    'section-issues',
    h('div', { 'data-field': 'issues' }, cards),
    h('button', { type: 'button', class: 'secondary', testid: 'add-issue', disabled: d.issues.length >= 12, onclick: () => structural(addIssue) }, t('author.add_issue')),
  );
}

function addIssue() {
  const d = state.draft;
  d.issues.push({ id: '', name: '', description: '', options: ['', ''], points: d.roles.map(() => [0, 0]) });
}

/** @param {DraftIssue} is */
function addOption(is) {
  is.options.push('');
  for (const row of is.points) row.push(0);
}

/** @param {DraftIssue} is @param {number} j */
function removeOption(is, j) {
  is.options.splice(j, 1);
  for (const row of is.points) row.splice(j, 1);
}

function renderDealSection() {
  const d = state.draft;
  const select = h(
    'select',
    { id: 'f-deal-rule', 'data-field': 'deal.rule', testid: 'field-deal.rule' },
    h('option', { value: 'unanimous', selected: d.deal.rule === 'unanimous' }, t('author.deal.unanimous')),
    h('option', { value: 'majority', selected: d.deal.rule === 'majority' }, t('author.deal.majority')),
    h('option', { value: 'roles', selected: d.deal.rule === 'roles' }, t('author.deal.roles')),
  );
  select.addEventListener('change', () =>
    structural(() => {
      d.deal.rule = select.value;
      if (d.deal.rule !== 'roles') d.deal.roles = [];
    }),
  );
  const who =
    d.deal.rule === 'roles'
      ? h(
          'div',
          { 'data-field': 'deal.roles', 'data-field-box': 'deal.roles' },
          d.roles.map((r) => {
            const box = h('input', { type: 'checkbox', checked: d.deal.roles.includes(r.id) });
            box.addEventListener('change', () => {
              d.deal.roles = d.roles.filter((x) => (x.id === r.id ? box.checked : d.deal.roles.includes(x.id))).map((x) => x.id);
              changed();
            });
            return h('label', { class: 'radio' }, box, h('span', null, r.name || r.id || t('author.deal.unnamed')));
          }),
        )
      : null;
  return section(
    t('author.section.deal'),
    'section-deal',
    h('div', { class: 'field', 'data-field-box': 'deal.rule' }, h('label', { for: 'f-deal-rule' }, t('author.deal.who')), select),
    who,
  );
}

function renderTeachingSection() {
  const d = state.draft;
  const box = h('input', { type: 'checkbox', testid: 'teaching-toggle', checked: d.teaching !== null });
  box.addEventListener('change', () => structural(() => (d.teaching = box.checked ? d.teaching || blankTeaching() : null)));
  const notes = d.teaching;
  return section(
    t('author.section.teaching'),
    'section-teaching',
    h('p', { class: 'hint' }, t('author.teaching.hint')),
    h('label', { class: 'radio' }, box, h('span', null, t('author.teaching.toggle'))),
    notes
      ? h(
          'div',
          { 'data-field': 'teaching' },
          teachingLists().map(([k, label]) => textField(`teaching.${k}`, label, notes[k].join('\n'), (v) => (notes[k] = lines(v)), { multiline: true, rows: 3 })),
          teachingTexts().map(([k, label]) => textField(`teaching.${k}`, label, notes[k], (v) => (notes[k] = v), { multiline: true, rows: 3 })),
        )
      : null,
  );
}

/** Draws the whole form from the draft (after opening, importing, or adding or removing a part). */
function renderForm() {
  renderTextLanguage();
  if (state.textLang !== ownLanguage(state.draft)) {
    replace(form(), ...renderTranslationForm(state.draft, state.textLang, changed));
    return;
  }
  replace(form(), renderScenarioSection(), renderRolesSection(), renderIssuesSection(), renderDealSection(), renderTeachingSection());
}

/**
 * The language switch above the form: which language's texts the form edits and, for a
 * translation, how many texts it still lacks and which (each one a link to its field).
 */
function renderTextLanguage() {
  const d = state.draft;
  const own = ownLanguage(d);
  const select = h(
    'select',
    { id: 'text-lang', testid: 'text-language-select' },
    textLanguages(d).map((code) =>
      h('option', { value: code, selected: code === state.textLang }, code === own ? t('author.tr.own_option', { language: languageName(code, true) }) : languageName(code, true)),
    ),
  );
  select.addEventListener('change', () => {
    state.textLang = select.value;
    renderForm();
    if (state.timer === null) runAnalysis();
    $('#text-lang').focus();
  });
  replace(
    $('[data-testid="text-language"]'),
    h('h2', null, t('author.tr.heading')),
    h('div', { class: 'field' }, h('label', { for: 'text-lang' }, t('author.tr.label')), select),
    state.textLang === own ? h('p', { class: 'hint' }, t('author.tr.own_hint')) : missingSummary(),
  );
}

/** How many texts the translation being edited lacks, and the list of them. */
function missingSummary() {
  const missing = untranslated(state.draft, state.textLang);
  const name = languageName(state.textLang);
  if (missing.length === 0) return h('p', { class: 'tr-missing complete', testid: 'tr-missing' }, t('author.tr.complete', { language: name }));
  const details = h(
    'details',
    { class: 'tr-missing-list', testid: 'tr-missing-list', open: state.missingOpen || null },
    h('summary', null, t('author.tr.which')),
    h(
      'ul',
      null,
      missing.map((m) => h('li', null, h('button', { type: 'button', class: 'link-button', 'data-go': m.field, onclick: () => focusField(m.field) }, m.label))),
    ),
  );
  details.addEventListener('toggle', () => (state.missingOpen = /** @type {HTMLDetailsElement} */ (details).open));
  return h('div', null, h('p', { class: 'tr-missing', testid: 'tr-missing', 'data-count': String(missing.length) }, tn('author.tr.missing', missing.length, { language: name })), details);
}

/**
 * A change of the draft's shape: redraw the form, keep the focus where it was if it still exists.
 * @param {() => void} change
 */
function structural(change) {
  change();
  renderForm();
  changed();
}

/** The draft changed: ask for an analysis once typing pauses. */
function changed() {
  if (state.textLang !== ownLanguage(state.draft)) renderTextLanguage();
  state.unsaved = true;
  state.answer = null;
  show($('[data-testid="save-done"]'), false);
  if (state.timer) clearTimeout(state.timer);
  state.timer = setTimeout(runAnalysis, DEBOUNCE_MS);
  renderBlocked(panel(), t('author.checking'));
}

/**
 * The input (or the box around the inputs) a server error's field names: the field itself, or
 * the nearest enclosing one (`issues[0].options[2]`, then `issues[0].options`, then `issues`).
 * @param {string} field
 * @returns {HTMLElement | null}
 */
function elementFor(field) {
  let f = field;
  for (;;) {
    const el = /** @type {HTMLElement | null} */ (document.querySelector(`[data-field="${CSS.escape(f)}"]`));
    if (el) return el;
    const shorter = f.replace(/(\[\d+\]|\.[^.[\]]+)$/, '');
    if (shorter === f || shorter === '') return null;
    f = shorter;
  }
}

/** Removes every inline error. */
function clearErrors() {
  for (const el of document.querySelectorAll('.field-error')) el.remove();
  for (const el of document.querySelectorAll('[aria-invalid="true"]')) el.removeAttribute('aria-invalid');
  for (const el of document.querySelectorAll('.has-error')) el.classList.remove('has-error');
  show($('[data-testid="form-error"]'), false);
}

/**
 * Shows an error at the input its field names (or above the form when no input matches).
 * @param {string | null} field
 * @param {string} message
 */
function showError(field, message) {
  const el = field ? elementFor(field) : null;
  if (!el) {
    const box = $('[data-testid="form-error"]');
    box.textContent = field ? `${field}: ${message}` : message;
    show(box, true);
    return;
  }
  const id = `err-${Math.random().toString(36).slice(2, 8)}`;
  const note = h('p', { class: 'field-error', id, role: 'alert', testid: 'field-error', 'data-for': field }, message);
  if (el instanceof HTMLInputElement || el instanceof HTMLTextAreaElement || el instanceof HTMLSelectElement) {
    el.setAttribute('aria-invalid', 'true');
    el.setAttribute('aria-describedby', id);
    el.insertAdjacentElement('afterend', note);
  } else if (el.tagName === 'TR') {
    el.classList.add('has-error');
    const table = el.closest('.table-scroll');
    (table || el).insertAdjacentElement('afterend', note);
  } else {
    el.classList.add('has-error');
    el.insertAdjacentElement('afterend', note);
  }
}

/** @param {string} field */
function focusField(field) {
  const el = elementFor(field);
  if (!el) return;
  const target = el.matches('input, textarea, select') ? el : el.querySelector('input, textarea, select');
  el.scrollIntoView({ block: 'center' });
  if (target instanceof HTMLElement) target.focus();
}

async function runAnalysis() {
  state.timer = null;
  clearErrors();
  if (state.localErrors.size) {
    for (const [field, message] of state.localErrors) {
      const cell = document.querySelector(`[data-cell="${CSS.escape(field)}"]`);
      if (cell) {
        cell.setAttribute('aria-invalid', 'true');
        const td = cell.closest('td');
        if (td) td.classList.add('has-error');
        const grid = cell.closest('.table-scroll');
        if (grid && !grid.nextElementSibling?.classList.contains('field-error')) {
          grid.insertAdjacentElement('afterend', h('p', { class: 'field-error', role: 'alert', testid: 'field-error', 'data-for': field }, numberProblem(message, true)));
        }
      } else {
        showError(field, numberProblem(message, false));
      }
    }
    renderBlocked(panel(), t('author.fix_numbers'));
    setExport(false);
    return;
  }
  if (state.inflight) state.inflight.abort();
  const inflight = new AbortController();
  state.inflight = inflight;
  state.asked += 1;
  const asked = state.asked;
  try {
    const answer = await analyse({ draft: state.draft }, inflight.signal);
    if (asked !== state.asked) return;
    state.answer = answer;
    renderAnalysis(panel(), answer, focusField);
    setExport(true);
  } catch (e) {
    if (asked !== state.asked || (e instanceof DOMException && e.name === 'AbortError')) return;
    setExport(false);
    if (e instanceof AuthorError && e.code === 'invalid_scenario') {
      showError(e.field, e.message);
      renderBlocked(panel(), t('author.not_valid', { problem: `${e.field ? `${e.field}: ` : ''}${e.message}` }));
    } else if (e instanceof AuthorError && e.code === 'admin_key_required') {
      askForKey();
      renderBlocked(panel(), t('author.key_needed'));
    } else {
      renderBlocked(panel(), t('author.analysis_failed', { reason: e instanceof Error ? e.message : String(e) }));
    }
  }
}

/** @param {boolean} ready */
function setExport(ready) {
  /** @type {HTMLButtonElement} */ ($('[data-testid="export"]')).disabled = !ready;
  /** @type {HTMLButtonElement} */ ($('[data-testid="save"]')).disabled = !ready;
}

function askForKey() {
  show($('[data-testid="admin-key-field"]'), true);
  $('#admin-key').focus();
}

/**
 * @param {string} text
 * @param {'ok' | 'error' | 'busy'} [kind]
 */
function status(text, kind = 'ok') {
  const el = $('[data-testid="toolbar-status"]');
  el.textContent = text;
  el.dataset.kind = kind;
  if (text) announce(text);
}

/**
 * Loads a draft into the editor.
 * @param {Draft} draft
 * @param {string} openedId
 */
function load(draft, openedId) {
  state.draft = draft;
  state.openedId = openedId;
  state.textLang = ownLanguage(draft);
  state.localErrors.clear();
  renderForm();
  changed();
  state.unsaved = false;
}

/** Whether the current draft may be replaced: nothing unsaved, or the author says so. */
function mayDiscard() {
  return !state.unsaved || window.confirm(t('author.discard'));
}

async function refreshList() {
  const select = /** @type {HTMLSelectElement} */ ($('[data-testid="open-select"]'));
  try {
    const list = await listScenarios();
    list.sort((a, b) => a.title.localeCompare(b.title));
    replace(
      select,
      list.map((s) => h('option', { value: s.id }, s.editor_file ? t('author.list_yours', { title: s.title, id: s.id }) : t('author.list_item', { title: s.title, id: s.id }))),
    );
  } catch (e) {
    if (e instanceof AuthorError && e.code === 'admin_key_required') askForKey();
    replace(select, h('option', { value: '' }, t('author.no_scenarios')));
  }
}

/** @param {string} text */
async function importText(text) {
  if (!mayDiscard()) return;
  try {
    const answer = await analyse({ toml: text });
    load(answer.draft, '');
    status(t('author.imported', { title: answer.draft.title, id: answer.draft.id }));
  } catch (e) {
    if (e instanceof AuthorError && e.code === 'admin_key_required') askForKey();
    status(t('author.not_imported', { reason: `${e instanceof AuthorError && e.field ? `${e.field}: ` : ''}${e instanceof Error ? e.message : String(e)}` }), 'error');
  }
}

function exportFile() {
  if (!state.answer) return;
  const blob = new Blob([state.answer.toml], { type: 'application/toml' });
  const url = URL.createObjectURL(blob);
  const a = h('a', { href: url, download: `${state.answer.draft.id}.toml`, hidden: true });
  document.body.appendChild(a);
  a.click();
  a.remove();
  setTimeout(() => URL.revokeObjectURL(url), 60000);
  status(t('author.downloaded', { file: `${state.answer.draft.id}.toml` }));
}

/** @param {boolean} overwrite */
async function save(overwrite) {
  if (state.saving) return;
  state.saving = true;
  const buttons = /** @type {HTMLButtonElement[]} */ ([$('[data-testid="save"]'), $('[data-testid="overwrite"]')]);
  for (const b of buttons) b.disabled = true;
  try {
    await saveOnce(overwrite);
  } finally {
    state.saving = false;
    for (const b of buttons) b.disabled = false;
  }
}

/** @param {boolean} overwrite */
async function saveOnce(overwrite) {
  const done = $('[data-testid="save-done"]');
  show($('[data-testid="overwrite-row"]'), false);
  status(t('author.saving'), 'busy');
  try {
    const saved = await saveScenario(state.draft, overwrite);
    state.openedId = saved.id;
    state.unsaved = false;
    status(saved.replaced ? t('author.saved_replacing', { file: saved.file }) : t('author.saved_as', { file: saved.file }));
    const link = /** @type {HTMLAnchorElement} */ ($('[data-testid="start-session"]'));
    link.href = `/facilitate?scenario=${encodeURIComponent(saved.id)}`;
    show(done, true);
    refreshList();
  } catch (e) {
    if (e instanceof AuthorError && e.code === 'scenario_exists') {
      status(e.message, 'error');
      show($('[data-testid="overwrite-row"]'), true);
    } else if (e instanceof AuthorError && e.code === 'admin_key_required') {
      askForKey();
      status(t('author.key_to_save'), 'error');
    } else if (e instanceof AuthorError && e.code === 'invalid_scenario') {
      clearErrors();
      showError(e.field, e.message);
      status(t('author.fix_field'), 'error');
    } else {
      status(t('author.not_saved', { reason: e instanceof Error ? e.message : String(e) }), 'error');
    }
  }
}

/**
 * The language picker: the page is drawn again in place (the draft, its analysis and anything
 * typed stay; a reload would lose an unsaved draft).
 */
function wireLanguage() {
  mountLanguagePicker($('#lang-picker'), () => {
    translatePage();
    const focused = document.activeElement instanceof HTMLElement ? document.activeElement.dataset.field : undefined;
    renderForm();
    if (state.answer) renderAnalysis(panel(), state.answer, focusField);
    else runAnalysis();
    refreshList();
    if (focused) focusField(focused);
    else $('#lang-picker select').focus();
  });
}

function start() {
  translatePage();
  wireLanguage();
  $('[data-testid="new"]').addEventListener('click', () => {
    if (!mayDiscard()) return;
    load(blankDraft(), '');
    status(t('author.new_status'));
  });
  $('[data-testid="open"]').addEventListener('click', async () => {
    const id = /** @type {HTMLSelectElement} */ ($('[data-testid="open-select"]')).value;
    if (!id || !mayDiscard()) return;
    try {
      const answer = await openScenario(id);
      load(answer.draft, id);
      status(answer.editor_file ? t('author.opened', { title: answer.draft.title }) : t('author.opened_bundled', { title: answer.draft.title }));
    } catch (e) {
      if (e instanceof AuthorError && e.code === 'admin_key_required') askForKey();
      status(t('author.not_opened', { reason: e instanceof Error ? e.message : String(e) }), 'error');
    }
  });
  const file = /** @type {HTMLInputElement} */ ($('[data-testid="import-file"]'));
  file.addEventListener('change', async () => {
    const f = file.files && file.files[0];
    if (f) await importText(await f.text());
    file.value = '';
  });
  $('[data-testid="import-paste"]').addEventListener('click', () => importText(/** @type {HTMLTextAreaElement} */ ($('#paste-toml')).value));
  $('[data-testid="export"]').addEventListener('click', exportFile);
  $('[data-testid="save"]').addEventListener('click', () => save(false));
  $('[data-testid="overwrite"]').addEventListener('click', () => save(true));
  $('#admin-key').addEventListener('change', () => {
    setAdminKey(/** @type {HTMLInputElement} */ ($('#admin-key')).value);
    refreshList();
    changed();
  });
  // Closing the tab or going elsewhere with unsaved changes asks first (the browser's own dialog).
  window.addEventListener('beforeunload', (ev) => {
    if (state.unsaved) ev.preventDefault();
  });
  load(blankDraft(), '');
  refreshList();
}

start();
