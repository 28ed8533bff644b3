// Observers (the fishbowl) in the console: the "Observers" control group (make everyone waiting an
// observer, spread at random over the running matches) and, in each match row, who observes it,
// how many sheets came in, and a picker to add one observer by hand. The server checks every
// placement (docs/protocol.md, *Observers*); this only offers the people it would accept.

import { h, $ } from '../dom.js';
import { t, tn } from '../i18n.js';
import { nameList } from './ui.js';

/** @typedef {import('../types.js').MonitorMatch} MonitorMatch */
/** @typedef {import('../types.js').MonitorPlayer} MonitorPlayer */
/** @typedef {import('./monitor.js').Monitor} Monitor */
/** @typedef {import('./monitor.js').MatchRow} MatchRow */

/** Statuses whose people can be placed on a match by hand (people only: bots never observe). */
const PLACEABLE = new Set(['waiting', 'lobby', 'finished', 'observing']);

/**
 * Wires the control group: one request per click, the answer in its status line.
 * @param {Monitor} monitor its `run` posts a control and reports the answer
 */
export function wireObserverControls(monitor) {
  const form = $('#observers-form');
  const perMatch = /** @type {HTMLSelectElement} */ ($('[data-testid="ctl-observers-per-match"]'));
  const button = /** @type {HTMLButtonElement} */ ($('[data-testid="ctl-assign-observers"]'));
  const status = $('[data-testid="ctl-status-observers"]');
  form.addEventListener('submit', (ev) => {
    ev.preventDefault();
    const cap = perMatch.value ? Number(perMatch.value) : null;
    const body = cap ? { action: 'assign_observers', per_match: cap } : { action: 'assign_observers' };
    monitor.run(body, status, button, (n) => (n ? tn('console.observers.placed', n) : t('console.observers.none_placed')));
  });
}

/**
 * The observer parts of a match row, made once.
 * @typedef {object} ObserverParts
 * @property {HTMLElement} line  who observes, and how many sheets came in
 * @property {HTMLSelectElement} select
 * @property {HTMLButtonElement} add
 * @property {HTMLDetailsElement} box
 * @property {string} key  the people the picker was last built from
 */

/**
 * A status in the picker's words ("Ana (finished)").
 * @param {MonitorPlayer} p
 */
function pickLabel(p) {
  if (p.status === 'waiting') return p.name;
  const status = p.status === 'observing' ? t('console.observers.status_observing') : p.status === 'finished' ? t('console.observers.status_finished') : t('console.observers.status_lobby');
  return `${p.name} (${status})`;
}

/**
 * Adds the observer parts to a match row (once) and fills them from the latest frame.
 * @param {Monitor} monitor
 * @param {MatchRow} row its `names` sit in the row's header cell
 * @param {MonitorMatch} m the match in the monitor frame
 */
export function fillObservers(monitor, row, m) {
  if (!row.observerParts) {
    const line = h('span', { class: 'mobservers small muted', testid: 'match-observers' });
    const select = h('select', { testid: 'observer-pick', 'aria-label': t('console.observers.pick_aria') });
    const add = h('button', { type: 'submit', class: 'secondary small', testid: 'observer-add' }, t('console.observers.add'));
    const form = h('form', { class: 'add-observer inline-form', novalidate: true }, select, add);
    const box = h('details', { class: 'add-observer-box', testid: 'add-observer' }, h('summary', { class: 'small' }, t('console.observers.add_observer')), form);
    form.addEventListener('submit', (ev) => {
      ev.preventDefault();
      if (!select.value) return;
      const person = (monitor.frame ? monitor.frame.players : []).find((p) => p.id === select.value);
      const name = person ? person.name : select.value;
      monitor.run({ action: 'observe', player_id: select.value, match_id: row.m.id }, monitor.el.statusMatch, add, () => {
        box.open = false;
        return t('console.observers.now_observes', { name, players: nameList(row.m.players || []) });
      });
    });
    row.observerParts = { line, select, add, box, key: '' };
    const th = row.names.parentElement;
    if (th) th.append(line, box);
  }
  const parts = row.observerParts;
  const names = m.observers || [];
  const sheets = m.sheets || 0;
  const text = names.length || sheets
    ? [names.length ? t('console.observers.observed_by', { names: names.join(', ') }) : t('console.observers.none_now'), sheets ? tn('console.observers.sheets', sheets) : ''].filter(Boolean).join(' · ')
    : '';
  if (parts.line.textContent !== text) parts.line.textContent = text;
  parts.line.hidden = !text;

  // The picker: only for a running match, with the people the server would place.
  const people = (monitor.frame ? monitor.frame.players : []).filter(
    (p) => !p.bot && PLACEABLE.has(p.status) && !(p.status === 'observing' && p.match_id === m.id),
  );
  parts.box.hidden = m.phase === 'results' || !people.length;
  const key = people.map((p) => `${p.id}:${p.name}:${p.status}`).join('|');
  if (key !== parts.key) {
    // Rebuilt only when the people change, so an open choice is not reset every second.
    const chosen = parts.select.value;
    parts.select.replaceChildren(
      h('option', { value: '' }, t('console.observers.choose')),
      ...people.map((p) => h('option', { value: p.id }, pickLabel(p))),
    );
    if (people.some((p) => p.id === chosen)) parts.select.value = chosen;
    parts.key = key;
  }
}
