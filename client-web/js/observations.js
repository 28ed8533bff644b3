// Observation sheets (the fishbowl): how the observed players read them in their results, and how
// an observer sees the sheet they sent. Every text is untrusted and goes in as a text node.

import { h } from './dom.js';
import { timeOfDay } from './format.js';
import { TACTIC_NAMES } from './tactic-names.js';
import { t } from './i18n.js';

/** @typedef {import('./types.js').ObservationView} ObservationView */

// The tactic names, for the console's debrief (which imports them from here).
export { TACTIC_NAMES };

/**
 * One sheet: who wrote it, the tactics ticked, what went well, what to try.
 * @param {ObservationView} o
 */
export function sheetCard(o) {
  const tactics = o.tactics.length
    ? h('ul', { class: 'sheet-tactics', 'aria-label': t('common.sheet.tactics_seen') }, o.tactics.map((label) => h('li', { class: 'tactic-chip' }, TACTIC_NAMES[label] || label)))
    : h('p', { class: 'muted small' }, t('common.sheet.no_tactic'));
  return h(
    'article',
    { class: 'sheet-card', testid: 'sheet' },
    h('p', { class: 'sheet-meta muted small' }, `${o.observer} · ${timeOfDay(o.at)}`),
    tactics,
    h('p', { class: 'sheet-label' }, t('common.sheet.done_well')),
    h('p', { class: 'sheet-text', testid: 'sheet-done-well' }, o.done_well),
    h('p', { class: 'sheet-label' }, t('common.sheet.to_try')),
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
    h('h2', null, observations.length === 1 ? t('common.sheet.observer_saw') : t('common.sheet.observers_saw')),
    h('p', { class: 'muted small' }, t('common.sheet.classmate')),
    h('div', { class: 'sheet-list' }, observations.map(sheetCard)),
  );
}
