// The debrief's observers card: how many sheets came in, what observers ticked against what the
// tactic tagger read in the same matches, and every sheet's texts by match (for the facilitator to
// read out or pick from). Absent when nobody observed.

import { h } from '../dom.js';
import { t, tn, num } from '../i18n.js';
import { sheetCard, TACTIC_NAMES } from '../observations.js';
import { nameList } from './ui.js';

/** @type {Record<string, string>} the tagger's tactic names (observations.js) by tactic */
const TACTICS = TACTIC_NAMES;

/**
 * @param {import('./shapes.js').DebriefData} d the debrief
 * @returns {HTMLElement | null}
 */
export function observationsCard(d) {
  const o = d.observations;
  if (!o || !o.sheets) return null;
  /** @param {number} k @param {number} n */
  const of = (k, n) => t('console.observed.k_of_n', { k: num(k), n: num(n) });
  const rows = (o.rows || []).map((x) =>
    h(
      'tr',
      { testid: 'observed-tactic-row', 'data-tactic': x.tactic },
      h('th', { scope: 'row' }, TACTICS[x.tactic] || x.name || x.tactic),
      h('td', { class: 'num' }, of(x.seen, o.sheets)),
      h('td', { class: 'num' }, of(x.tagged_matches, o.matches_observed)),
      h('td', { class: 'num' }, num(x.tagged_lines)),
      h('td', { class: 'num' }, of(x.agree, o.sheets)),
    ),
  );
  const table = h(
    'table',
    { class: 'data observed-table' },
    h('caption', { class: 'sr-only' }, t('console.observed.caption')),
    h(
      'thead',
      null,
      h(
        'tr',
        null,
        h('th', { scope: 'col' }, t('console.observed.col_tactic')),
        h('th', { scope: 'col', class: 'num' }, t('console.observed.col_ticked')),
        h('th', { scope: 'col', class: 'num' }, t('console.observed.col_tagged')),
        h('th', { scope: 'col', class: 'num' }, t('console.observed.col_lines')),
        h('th', { scope: 'col', class: 'num' }, t('console.observed.col_agree')),
      ),
    ),
    h('tbody', null, rows),
  );
  const byMatch = (d.matches || [])
    .filter((m) => (m.observations || []).length)
    .map((m) =>
      h(
        'div',
        { class: 'observed-match', testid: 'observed-match', 'data-match-id': m.id },
        h('h4', null, t('console.observed.match_of', { names: nameList(m.players || []) })),
        h('div', { class: 'sheet-list' }, m.observations.map((sheet) => sheetCard(sheet))),
      ),
    );
  const counts = t('console.observed.counts', {
    sheets: tn('console.observers.sheets', o.sheets),
    observers: tn('console.observed.observers', o.observers),
    matches: tn('console.observed.matches', o.matches_observed),
  });
  return h(
    'section',
    { class: 'card chart-card wide', testid: 'debrief-observations', 'aria-labelledby': 'observations-h' },
    h('h3', { id: 'observations-h' }, t('console.observed.title')),
    h('p', { class: 'muted small' }, `${counts} ${t('console.observed.hint')}`),
    h('div', { class: 'table-scroll', tabindex: '0', role: 'region', 'aria-label': t('console.observed.aria') }, table),
    h('details', { class: 'observed-texts', testid: 'observed-texts' }, h('summary', null, t('console.observed.read_all')), byMatch),
  );
}
