// Observation sheets (the fishbowl): how the observed players read them in their results, and how
// an observer sees the sheet they sent. Every text is untrusted and goes in as a text node.

import { h } from './dom.js';
import { timeOfDay } from './format.js';

/** @typedef {import('./types.js').ObservationView} ObservationView */

/** Plain names of the tactics an observer can tick (the tagger's labels). */
/** @type {Record<string, string>} */
export const TACTIC_NAMES = {
  'small-talk': 'Small talk',
  'showing-empathy': 'Showing empathy',
  'promote-coordination': 'Proposing to work together',
  'elicit-pref': 'Asking their priorities',
  'self-need': 'Saying one\'s own needs',
  'other-need': 'Needs of others',
  'no-need': 'Saying what one does not need',
  'uv-part': 'Undervaluing their needs',
  'vouch-fair': 'Appealing to fairness',
};

/**
 * One sheet: who wrote it, the tactics ticked, what went well, what to try.
 * @param {ObservationView} o
 */
export function sheetCard(o) {
  const tactics = o.tactics.length
    ? h('ul', { class: 'sheet-tactics', 'aria-label': 'Tactics seen' }, o.tactics.map((t) => h('li', { class: 'tactic-chip' }, TACTIC_NAMES[t] || t)))
    : h('p', { class: 'muted small' }, 'No tactic from the list was ticked.');
  return h(
    'article',
    { class: 'sheet-card', testid: 'sheet' },
    h('p', { class: 'sheet-meta muted small' }, `${o.observer} · ${timeOfDay(o.at)}`),
    tactics,
    h('p', { class: 'sheet-label' }, 'Done well'),
    h('p', { class: 'sheet-text', testid: 'sheet-done-well' }, o.done_well),
    h('p', { class: 'sheet-label' }, 'To try next time'),
    h('p', { class: 'sheet-text', testid: 'sheet-to-try' }, o.to_try),
  );
}

/**
 * The results section with every sheet filed about the match; none when nobody observed.
 * @param {ObservationView[] | undefined} observations
 * @returns {HTMLElement | null}
 */
export function observationsSection(observations) {
  if (!observations || !observations.length) return null;
  return h(
    'section',
    { class: 'card', testid: 'results-observations' },
    h('h2', null, observations.length === 1 ? 'What your observer saw' : 'What your observers saw'),
    h('p', { class: 'muted small' }, 'A classmate watched your match without a seat and wrote this for you.'),
    h('div', { class: 'sheet-list' }, observations.map(sheetCard)),
  );
}
