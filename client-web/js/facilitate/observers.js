// Observers (the fishbowl) in the console: the "Observers" control group (make everyone waiting an
// observer, spread at random over the running matches) and, in each match row, who observes it,
// how many sheets came in, and a picker to add one observer by hand. The server checks every
// placement (docs/protocol.md, *Observers*); this only offers the people it would accept.

import { h, $ } from '../dom.js';
import { plural } from './ui.js';

/** Statuses whose people can be placed on a match by hand (people only: bots never observe). */
const PLACEABLE = new Set(['waiting', 'lobby', 'finished', 'observing']);

/**
 * Wires the control group: one request per click, the answer in its status line.
 * @param {any} monitor the Monitor (its `run` posts a control and reports the answer)
 */
export function wireObserverControls(monitor) {
  const form = $('#observers-form');
  const perMatch = /** @type {HTMLSelectElement} */ ($('[data-testid="ctl-observers-per-match"]'));
  const button = $('[data-testid="ctl-assign-observers"]');
  const status = $('[data-testid="ctl-status-observers"]');
  form.addEventListener('submit', (ev) => {
    ev.preventDefault();
    const cap = perMatch.value ? Number(perMatch.value) : null;
    const body = cap ? { action: 'assign_observers', per_match: cap } : { action: 'assign_observers' };
    monitor.run(body, status, button, (/** @type {number} */ n) =>
      n === 1
        ? '1 person now observes a match.'
        : n
          ? `${n} people now observe a match.`
          : 'Nobody was placed: nobody is waiting, or every match has its observers.',
    );
  });
}

/**
 * Adds the observer parts to a match row (once) and fills them from the latest frame.
 * @param {any} monitor the Monitor
 * @param {any} row the match row (its `th` holds the names)
 * @param {any} m the match in the monitor frame
 */
export function fillObservers(monitor, row, m) {
  if (!row.observers) {
    row.observers = h('span', { class: 'mobservers small muted', testid: 'match-observers' });
    const select = /** @type {HTMLSelectElement} */ (h('select', { testid: 'observer-pick', 'aria-label': 'Participant to add as observer' }));
    const add = h('button', { type: 'submit', class: 'secondary small', testid: 'observer-add' }, 'Add');
    const form = h('form', { class: 'add-observer inline-form', novalidate: true }, select, add);
    const box = h('details', { class: 'add-observer-box', testid: 'add-observer' }, h('summary', { class: 'small' }, 'Add observer'), form);
    form.addEventListener('submit', (ev) => {
      ev.preventDefault();
      if (!select.value) return;
      const name = select.selectedOptions[0].textContent;
      monitor.run({ action: 'observe', player_id: select.value, match_id: row.m.id }, monitor.el.statusMatch, add, () => {
        box.open = false;
        return `${name} now observes the match of ${(row.m.players || []).join(' and ')}.`;
      });
    });
    row.observerPick = { select, add, box, key: '' };
    const th = row.names.parentElement;
    th.append(row.observers, box);
  }
  const names = m.observers || [];
  const sheets = m.sheets || 0;
  const text = names.length || sheets
    ? [names.length ? `Observed by ${names.join(', ')}` : 'No observer now', sheets ? plural(sheets, 'sheet', 'sheets') : ''].filter(Boolean).join(' · ')
    : '';
  if (row.observers.textContent !== text) row.observers.textContent = text;
  row.observers.hidden = !text;

  // The picker: only for a running match, with the people the server would place.
  const pick = row.observerPick;
  const people = ((monitor.frame && monitor.frame.players) || []).filter(
    (/** @type {any} */ p) => !p.bot && PLACEABLE.has(p.status) && !(p.status === 'observing' && p.match_id === m.id),
  );
  pick.box.hidden = m.phase === 'results' || !people.length;
  const key = people.map((/** @type {any} */ p) => `${p.id}:${p.name}`).join('|');
  if (key !== pick.key) {
    // Rebuilt only when the people change, so an open choice is not reset every second.
    const chosen = pick.select.value;
    pick.select.replaceChildren(
      h('option', { value: '' }, 'Choose someone…'),
      ...people.map((/** @type {any} */ p) => h('option', { value: p.id }, p.status === 'waiting' ? p.name : `${p.name} (${p.status})`)),
    );
    if (people.some((/** @type {any} */ p) => p.id === chosen)) pick.select.value = chosen;
    pick.key = key;
  }
}
