// The debrief's observers card: how many sheets came in, what observers ticked against what the
// tactic tagger read in the same matches, and every sheet's texts by match (for the facilitator to
// read out or pick from). Absent when nobody observed.

import { h } from '../dom.js';
import { sheetCard, TACTIC_NAMES } from '../observations.js';
import { plural } from './ui.js';

/**
 * @param {any} d the debrief
 * @returns {HTMLElement | null}
 */
export function observationsCard(d) {
  const o = d.observations;
  if (!o || !o.sheets) return null;
  const rows = (o.rows || []).map((/** @type {any} */ x) =>
    h(
      'tr',
      { testid: 'observed-tactic-row', 'data-tactic': x.tactic },
      h('th', { scope: 'row' }, TACTIC_NAMES[x.tactic] || x.name || x.tactic),
      h('td', { class: 'num' }, `${x.seen} of ${o.sheets}`),
      h('td', { class: 'num' }, `${x.tagged_matches} of ${o.matches_observed}`),
      h('td', { class: 'num' }, String(x.tagged_lines)),
      h('td', { class: 'num' }, `${x.agree} of ${o.sheets}`),
    ),
  );
  const table = h(
    'table',
    { class: 'data observed-table' },
    h('caption', { class: 'sr-only' }, 'Tactics observers saw against what the tagger read'),
    h(
      'thead',
      null,
      h(
        'tr',
        null,
        h('th', { scope: 'col' }, 'Tactic'),
        h('th', { scope: 'col', class: 'num' }, 'Sheets that ticked it'),
        h('th', { scope: 'col', class: 'num' }, 'Matches the tagger read it in'),
        h('th', { scope: 'col', class: 'num' }, 'Lines read'),
        h('th', { scope: 'col', class: 'num' }, 'Sheets agreeing with the tagger'),
      ),
    ),
    h('tbody', null, rows),
  );
  const byMatch = (d.matches || [])
    .filter((/** @type {any} */ m) => (m.observations || []).length)
    .map((/** @type {any} */ m) =>
      h(
        'div',
        { class: 'observed-match', testid: 'observed-match', 'data-match-id': m.id },
        h('h4', null, `The match of ${(m.players || []).join(' and ')}`),
        h('div', { class: 'sheet-list' }, m.observations.map(sheetCard)),
      ),
    );
  return h(
    'section',
    { class: 'card chart-card wide', testid: 'debrief-observations', 'aria-labelledby': 'observations-h' },
    h('h3', { id: 'observations-h' }, 'What the observers saw'),
    h(
      'p',
      { class: 'muted small' },
      `${plural(o.sheets, 'sheet', 'sheets')} from ${plural(o.observers, 'observer', 'observers')} on ${plural(o.matches_observed, 'match', 'matches')}. ` +
        'People tick what they noticed; the tagger reads every line, and one line is enough for it to count a match. Where they differ is worth asking about.',
    ),
    h('div', { class: 'table-scroll', tabindex: '0', role: 'region', 'aria-label': 'Observers and tagger (scrolls)' }, table),
    h('details', { class: 'observed-texts', testid: 'observed-texts' }, h('summary', null, 'Read every sheet, by match'), byMatch),
  );
}
