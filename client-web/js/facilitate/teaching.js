// A scenario's teaching notes ([teaching] in its file), for the facilitator's eyes only: the
// console gets them from the token-guarded /teaching endpoint and the debrief, never from a
// player frame. Beside the live monitor: goals, timing for a 45- and a 90-minute class and
// mistakes to watch for. In the debrief: the research point, the questions to ask and what the
// frontier shows. Everything goes in as text (dom.js).

import { h, replace, show, paragraphs } from '../dom.js';
import { t } from '../i18n.js';

/**
 * @typedef {object} Teaching
 * @property {string[]} [goals]
 * @property {string} [research]
 * @property {string[]} [debrief_questions]
 * @property {string} [frontier]
 * @property {string[]} [mistakes]
 * @property {string} [timing_45]
 * @property {string} [timing_90]
 */

/**
 * @typedef {object} ScenarioNotes
 * @property {string} id
 * @property {string} title
 * @property {Teaching | null} teaching
 */

/** @param {unknown} list */
const lines = (list) => (Array.isArray(list) ? list.map(String).filter((x) => x.trim() !== '') : []);

/** @param {unknown} text */
const has = (text) => typeof text === 'string' && text.trim() !== '';

/**
 * One heading and its content, or nothing when the content is empty.
 * @param {string} title
 * @param {string} testid
 * @param {Node | Node[] | null} content
 */
function part(title, testid, content) {
  if (!content || (Array.isArray(content) && !content.length)) return null;
  return h('section', { class: 'notes-part', testid }, h('h3', null, title), content);
}

/**
 * @param {string[]} items
 * @param {'ul' | 'ol'} [tag]
 */
function list(items, tag = 'ul') {
  return items.length ? h(tag, { class: 'notes-list' }, items.map((x) => h('li', null, x))) : null;
}

/**
 * The notes of one scenario for the live tab.
 * @param {ScenarioNotes} s
 * @param {boolean} titled  several scenarios (a tournament): each gets its title
 */
function liveNotes(s, titled) {
  const notes = s.teaching;
  const heading = titled ? h('h3', { class: 'notes-scenario' }, s.title) : null;
  if (!notes) return h('div', { class: 'notes-scenario-block', 'data-scenario': s.id }, heading, h('p', { class: 'muted' }, t('console.teaching.none')));
  const timing = [];
  if (has(notes.timing_45)) timing.push(h('div', { class: 'notes-timing', testid: 'teaching-timing-45' }, h('h4', null, t('console.teaching.class_45')), paragraphs(notes.timing_45)));
  if (has(notes.timing_90)) timing.push(h('div', { class: 'notes-timing', testid: 'teaching-timing-90' }, h('h4', null, t('console.teaching.class_90')), paragraphs(notes.timing_90)));
  return h(
    'div',
    { class: 'notes-scenario-block', 'data-scenario': s.id },
    heading,
    h(
      'div',
      { class: 'notes-grid' },
      part(t('console.teaching.goals'), 'teaching-goals', list(lines(notes.goals))),
      part(t('console.teaching.timing'), 'teaching-timing', timing),
      part(t('console.teaching.mistakes'), 'teaching-mistakes', list(lines(notes.mistakes))),
    ),
  );
}

/**
 * Fills the live tab's collapsible "Teaching notes" panel.
 * @param {HTMLElement} panel  the <details> element
 * @param {ScenarioNotes[]} scenarios  the session's scenario first
 */
export function fillTeachingPanel(panel, scenarios) {
  const body = /** @type {HTMLElement} */ (panel.querySelector('.notes-body'));
  const title = /** @type {HTMLElement} */ (panel.querySelector('.notes-title'));
  const withNotes = scenarios.filter((s) => s.teaching);
  title.textContent = scenarios.length === 1 ? t('console.teaching.title_named', { title: scenarios[0].title }) : t('console.teaching.title');
  panel.dataset.state = withNotes.length ? 'notes' : 'none';
  if (!scenarios.length) {
    replace(body, h('p', { class: 'muted' }, t('console.teaching.no_scenario')));
  } else {
    replace(body, scenarios.map((s) => liveNotes(s, scenarios.length > 1)));
  }
  show(panel, true);
}

/**
 * The debrief's card of notes: the research point, the debrief questions, what the frontier shows.
 * Null when the scenario has none of them.
 * @param {Teaching | null | undefined} notes
 * @returns {HTMLElement | null}
 */
export function debriefTeaching(notes) {
  if (!notes) return null;
  const research = has(notes.research) ? paragraphs(notes.research) : [];
  const questions = list(lines(notes.debrief_questions), 'ol');
  const frontier = has(notes.frontier) ? paragraphs(notes.frontier) : [];
  if (!research.length && !questions && !frontier.length) return null;
  return h(
    'details',
    { class: 'card teaching-notes teaching-debrief no-projector', testid: 'teaching-debrief', open: true },
    h('summary', null, h('span', { class: 'notes-title' }, t('console.teaching.debrief_title')), h('span', { class: 'notes-private' }, t('console.teaching.private'))),
    h(
      'div',
      { class: 'notes-grid' },
      part(t('console.teaching.research'), 'teaching-research', research),
      part(t('console.teaching.questions'), 'teaching-questions', questions),
      part(t('console.teaching.frontier'), 'teaching-frontier', frontier),
    ),
  );
}

/**
 * The scenario's debrief questions (for the presenter's last slide).
 * @param {Teaching | null | undefined} notes
 */
export function debriefQuestions(notes) {
  return notes ? lines(notes.debrief_questions) : [];
}
