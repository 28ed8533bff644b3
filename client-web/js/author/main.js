// The scenario editor (/author): a form over the editor's model of a scenario file (a Draft),
// checked and analysed by the server while the author types (POST /api/author/analyse, debounced),
// its first problem shown at the field it names; import and export of the TOML file (the server
// writes the canonical text); save to the server's scenarios folder.

import { h, replace, show, $, announce } from '../dom.js';
import { AuthorError, analyse, listScenarios, openScenario, saveScenario, setAdminKey } from './api.js';
import { renderAnalysis, renderBlocked } from './analysis.js';

/** @typedef {import('../types.js').Draft} Draft */
/** @typedef {import('../types.js').DraftIssue} DraftIssue */
/** @typedef {import('../types.js').Teaching} Teaching */
/** @typedef {import('../types.js').AuthorAnswer} AuthorAnswer */

/** How long typing must pause before the draft is sent for analysis. */
const DEBOUNCE_MS = 350;

const PHASES = /** @type {const} */ ([
  ['prep', 'Preparation'],
  ['small_talk', 'Small talk'],
  ['bargaining', 'Bargaining'],
  ['survey', 'Survey'],
]);

const TEACHING_LISTS = /** @type {const} */ ([
  ['goals', 'Learning goals (one a line)'],
  ['debrief_questions', 'Debrief questions (one a line)'],
  ['mistakes', 'Typical mistakes (one a line)'],
]);
const TEACHING_TEXTS = /** @type {const} */ ([
  ['research', 'The research point it makes'],
  ['frontier', 'What the frontier shows'],
  ['timing_45', 'A 45-minute class'],
  ['timing_90', 'A 90-minute class'],
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
  /** Numbers typed that are not whole numbers, by field. @type {Map<string, string>} */
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
 * Reads a whole number typed into a field, or records why it is not one.
 * @param {string} field
 * @param {string} text
 * @param {(v: number) => void} set
 * @param {number} [min]
 */
function readInt(field, text, set, min) {
  const t = text.trim().replace(/^\+/, '').replace('−', '-');
  if (!/^-?\d{1,7}$/.test(t)) {
    state.localErrors.set(field, 'a whole number, like 12 or -5');
    return;
  }
  const v = Number(t);
  if (min !== undefined && v < min) {
    state.localErrors.set(field, `at least ${min}`);
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
    'Scenario',
    'section-scenario',
    h(
      'div',
      { class: 'two-cols' },
      textField('title', 'Title', d.title, (v) => {
        followName(d, d.title, v, 'id');
        d.title = v;
      }, { maxlength: 200 }),
      textField('id', 'Id (the file name)', d.id, (v) => (d.id = v), { hint: 'a-z, 0-9, - and _; saved as <id>.toml' }),
    ),
    textField('summary', 'Public summary (every player reads it)', d.summary, (v) => (d.summary = v), { multiline: true, rows: 5 }),
    textField('icebreakers', 'Icebreakers (one a line)', d.icebreakers.join('\n'), (v) => (d.icebreakers = lines(v)), { multiline: true, rows: 3 }),
    h(
      'fieldset',
      { class: 'phases', 'data-field': 'phases' },
      h('legend', null, 'Phase durations (seconds)'),
      h('div', { class: 'duration-grid' }, PHASES.map(([k, label]) => intField(`phases.${k}`, label, d.phases[k], (v) => (d.phases[k] = v), { min: 0 }))),
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
        textField(`roles[${i}].name`, 'Name', r.name, (v) => {
          followName(r, r.name, v, `roles[${i}].id`);
          r.name = v;
          relabelGrids();
        }),
        textField(`roles[${i}].id`, 'Id', r.id, (v) => (r.id = v)),
        intField(`roles[${i}].batna`, 'Walk-away value (points)', r.batna, (v) => (r.batna = v)),
      ),
      textField(`roles[${i}].brief`, 'Private brief', r.brief, (v) => (r.brief = v), { multiline: true, rows: 4 }),
      d.roles.length > 2
        ? h('button', { type: 'button', class: 'link-button danger-link', testid: `remove-role-${i}`, onclick: () => structural(() => removeRole(i)) }, `Remove ${r.name || 'this role'}`)
        : null,
    ),
  );
  return section(
    'Roles',
    'section-roles',
    h('div', { 'data-field': 'roles' }, cards),
    h('button', { type: 'button', class: 'secondary', testid: 'add-role', disabled: d.roles.length >= 6, onclick: () => structural(addRole) }, 'Add a role'),
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
      h('caption', { class: 'sr-only' }, `Points of each role for each option of ${is.name || 'this issue'}`),
      h('thead', null, h('tr', null, h('th', { scope: 'col' }, 'Points'), is.options.map((o, j) => h('th', { scope: 'col', 'data-option-head': `${k}-${j}` }, o || `Option ${j + 1}`)))),
      h(
        'tbody',
        null,
        d.roles.map((r, ri) =>
          h(
            'tr',
            { 'data-field': `issues[${k}].points.${r.id}`, 'data-role-row': String(ri) },
            h('th', { scope: 'row', 'data-role-head': String(ri) }, r.name || r.id || `Role ${ri + 1}`),
            is.options.map((_, j) => {
              const field = `issues[${k}].points[${ri}][${j}]`;
              const input = h('input', {
                type: 'text',
                inputmode: 'numeric',
                class: 'int',
                value: String(is.points[ri][j]),
                testid: `cell-${k}-${ri}-${j}`,
                'data-cell': field,
                'aria-label': `${r.name || `Role ${ri + 1}`}, ${is.options[j] || `option ${j + 1}`}`,
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
    th.textContent = (r && (r.name || r.id)) || `Role ${ri + 1}`;
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
        textField(`issues[${k}].name`, 'Name', is.name, (v) => {
          followName(is, is.name, v, `issues[${k}].id`);
          is.name = v;
        }),
        textField(`issues[${k}].id`, 'Id', is.id, (v) => (is.id = v)),
      ),
      textField(`issues[${k}].description`, 'Description (public, one line)', is.description, (v) => (is.description = v)),
      h(
        'fieldset',
        { class: 'options', 'data-field': `issues[${k}].options` },
        h('legend', null, 'Options, in order'),
        is.options.map((o, j) =>
          h(
            'div',
            { class: 'option-row' },
            textField(`issues[${k}].options[${j}]`, `Option ${j + 1}`, o, (v) => {
              is.options[j] = v;
              const head = document.querySelector(`[data-option-head="${k}-${j}"]`);
              if (head) head.textContent = v || `Option ${j + 1}`;
            }),
            is.options.length > 2
              ? h('button', { type: 'button', class: 'link-button danger-link small', 'aria-label': `Remove option ${j + 1}`, onclick: () => structural(() => removeOption(is, j)) }, 'Remove')
              : null,
          ),
        ),
        h('button', { type: 'button', class: 'secondary small', testid: `add-option-${k}`, disabled: is.options.length >= 10, onclick: () => structural(() => addOption(is)) }, 'Add an option'),
      ),
      h('p', { class: 'label-like' }, 'Points for each role (whole numbers; each role sees only its own row)'),
      pointsGrid(is, k),
      d.issues.length > 1
        ? h('button', { type: 'button', class: 'link-button danger-link', testid: `remove-issue-${k}`, onclick: () => structural(() => d.issues.splice(k, 1)) }, `Remove ${is.name || 'this issue'}`)
        : null,
    ),
  );
  return section(
    'Issues and points',
    'section-issues',
    h('div', { 'data-field': 'issues' }, cards),
    h('button', { type: 'button', class: 'secondary', testid: 'add-issue', disabled: d.issues.length >= 12, onclick: () => structural(addIssue) }, 'Add an issue'),
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
    h('option', { value: 'unanimous', selected: d.deal.rule === 'unanimous' }, 'Every party must accept (unanimous)'),
    h('option', { value: 'majority', selected: d.deal.rule === 'majority' }, 'More than half must accept (majority)'),
    h('option', { value: 'roles', selected: d.deal.rule === 'roles' }, 'These roles must accept'),
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
            return h('label', { class: 'radio' }, box, h('span', null, r.name || r.id || 'Unnamed role'));
          }),
        )
      : null;
  return section('Deal rule', 'section-deal', h('div', { class: 'field', 'data-field-box': 'deal.rule' }, h('label', { for: 'f-deal-rule' }, 'Who must accept a package'), select), who);
}

function renderTeachingSection() {
  const d = state.draft;
  const box = h('input', { type: 'checkbox', testid: 'teaching-toggle', checked: d.teaching !== null });
  box.addEventListener('change', () => structural(() => (d.teaching = box.checked ? d.teaching || blankTeaching() : null)));
  const t = d.teaching;
  return section(
    'Teaching notes',
    'section-teaching',
    h('p', { class: 'hint' }, 'For facilitators only: never sent to a player. The console shows them beside the live monitor and in the debrief.'),
    h('label', { class: 'radio' }, box, h('span', null, 'This scenario has teaching notes')),
    t
      ? h(
          'div',
          { 'data-field': 'teaching' },
          TEACHING_LISTS.map(([k, label]) => textField(`teaching.${k}`, label, t[k].join('\n'), (v) => (t[k] = lines(v)), { multiline: true, rows: 3 })),
          TEACHING_TEXTS.map(([k, label]) => textField(`teaching.${k}`, label, t[k], (v) => (t[k] = v), { multiline: true, rows: 3 })),
        )
      : null,
  );
}

/** Draws the whole form from the draft (after opening, importing, or adding or removing a part). */
function renderForm() {
  replace(form(), renderScenarioSection(), renderRolesSection(), renderIssuesSection(), renderDealSection(), renderTeachingSection());
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
  state.unsaved = true;
  state.answer = null;
  show($('[data-testid="save-done"]'), false);
  if (state.timer) clearTimeout(state.timer);
  state.timer = setTimeout(runAnalysis, DEBOUNCE_MS);
  renderBlocked(panel(), 'Checking…');
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
          grid.insertAdjacentElement('afterend', h('p', { class: 'field-error', role: 'alert', testid: 'field-error', 'data-for': field }, `Points are ${message}.`));
        }
      } else {
        showError(field, `Must be ${message}.`);
      }
    }
    renderBlocked(panel(), 'Fix the highlighted numbers to see the analysis.');
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
      renderBlocked(panel(), `Not a valid scenario yet: ${e.field ? `${e.field}: ` : ''}${e.message}`);
    } else if (e instanceof AuthorError && e.code === 'admin_key_required') {
      askForKey();
      renderBlocked(panel(), 'This server needs its administrator key: enter it above.');
    } else {
      renderBlocked(panel(), `The analysis failed: ${e instanceof Error ? e.message : String(e)}`);
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
  state.localErrors.clear();
  renderForm();
  changed();
  state.unsaved = false;
}

/** Whether the current draft may be replaced: nothing unsaved, or the author says so. */
function mayDiscard() {
  return !state.unsaved || window.confirm('Your changes to this scenario are not saved. Discard them?');
}

async function refreshList() {
  const select = /** @type {HTMLSelectElement} */ ($('[data-testid="open-select"]'));
  try {
    const list = await listScenarios();
    list.sort((a, b) => a.title.localeCompare(b.title));
    replace(
      select,
      list.map((s) => h('option', { value: s.id }, `${s.title} (${s.id}${s.editor_file ? ', yours' : ''})`)),
    );
  } catch (e) {
    if (e instanceof AuthorError && e.code === 'admin_key_required') askForKey();
    replace(select, h('option', { value: '' }, 'No scenarios'));
  }
}

/** @param {string} text */
async function importText(text) {
  if (!mayDiscard()) return;
  try {
    const answer = await analyse({ toml: text });
    load(answer.draft, '');
    status(`Imported “${answer.draft.title}”. Saving it keeps the id ${answer.draft.id}.`);
  } catch (e) {
    if (e instanceof AuthorError && e.code === 'admin_key_required') askForKey();
    status(`That file was not imported: ${e instanceof AuthorError && e.field ? `${e.field}: ` : ''}${e instanceof Error ? e.message : String(e)}`, 'error');
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
  status(`Downloaded ${state.answer.draft.id}.toml.`);
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
  status('Saving…', 'busy');
  try {
    const saved = await saveScenario(state.draft, overwrite);
    state.openedId = saved.id;
    state.unsaved = false;
    status(`Saved as ${saved.file}${saved.replaced ? ' (replacing the earlier version)' : ''}.`);
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
      status('This server needs its administrator key to save: enter it and save again.', 'error');
    } else if (e instanceof AuthorError && e.code === 'invalid_scenario') {
      clearErrors();
      showError(e.field, e.message);
      status('Not saved: fix the field shown.', 'error');
    } else {
      status(`Not saved: ${e instanceof Error ? e.message : String(e)}`, 'error');
    }
  }
}

function start() {
  $('[data-testid="new"]').addEventListener('click', () => {
    if (!mayDiscard()) return;
    load(blankDraft(), '');
    status('A new scenario: two roles and one issue to fill in.');
  });
  $('[data-testid="open"]').addEventListener('click', async () => {
    const id = /** @type {HTMLSelectElement} */ ($('[data-testid="open-select"]')).value;
    if (!id || !mayDiscard()) return;
    try {
      const answer = await openScenario(id);
      load(answer.draft, id);
      status(`Opened “${answer.draft.title}”${answer.editor_file ? '' : ' (it came with the server: save it under a new id, or replace it when asked)'}.`);
    } catch (e) {
      if (e instanceof AuthorError && e.code === 'admin_key_required') askForKey();
      status(`Could not open it: ${e instanceof Error ? e.message : String(e)}`, 'error');
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
