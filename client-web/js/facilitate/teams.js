// Teams in the console: the set-up form's "People per role" and "Who decides for a team" (sent as
// the session's `team_size` and `team_decision`), and the monitor's line saying which teams the
// session plays. See docs/protocol.md (Teams).

import { h } from '../dom.js';
import { t } from '../i18n.js';

/** The team sizes a facilitator can pick (1: everyone plays alone). */
const SIZES = [1, 2, 3, 4];
const RULES = ['any', 'spokesperson', 'consensus'];

/**
 * Puts the teams fieldset into the set-up form, after the pairing choice.
 * @param {HTMLFormElement} form
 */
export function mountTeamsSetup(form) {
  const size = h(
    'select',
    { id: 'setup-team-size', name: 'team_size', testid: 'setup-team-size' },
    ...SIZES.map((n) => h('option', { value: String(n) }, n === 1 ? t('teams.setup.size_one') : t('teams.setup.size_n', { n }))),
  );
  const rules = h(
    'div',
    { class: 'team-rules', testid: 'setup-team-rules', hidden: true },
    h('p', { class: 'small' }, h('strong', null, t('teams.setup.decision'))),
    ...RULES.map((rule, i) =>
      h(
        'label',
        { class: 'radio' },
        h('input', { type: 'radio', name: 'team_decision', value: rule, testid: `setup-team-${rule}`, checked: i === 0 }),
        h('span', null, t(`teams.setup.${rule}`)),
      ),
    ),
  );
  size.addEventListener('change', () => {
    rules.hidden = size.value === '1';
  });
  const fieldset = h(
    'fieldset',
    { class: 'choice', testid: 'setup-teams' },
    h('legend', null, t('teams.setup.size')),
    h('div', { class: 'field inline-field' }, h('label', { for: 'setup-team-size', class: 'sr-only' }, t('teams.setup.size')), size),
    h('p', { class: 'muted small' }, t('teams.setup.size_hint')),
    rules,
  );
  const pairing = form.querySelector('input[name="pairing"]');
  const after = pairing ? pairing.closest('fieldset') : null;
  if (after && after.parentNode) after.parentNode.insertBefore(fieldset, after.nextSibling);
  else form.appendChild(fieldset);
}

/**
 * The teams part of the session's settings (nothing when everyone plays alone).
 * @param {HTMLFormElement} form
 */
export function readTeams(form) {
  const size = Number(/** @type {HTMLSelectElement | null} */ (form.querySelector('#setup-team-size'))?.value || 1);
  if (size <= 1) return {};
  const rule = /** @type {HTMLInputElement | null} */ (form.querySelector('input[name="team_decision"]:checked'));
  return { team_size: size, team_decision: rule ? rule.value : 'any' };
}

/**
 * The monitor's words for the session's teams (empty without teams).
 * @param {{team_size?: number, team_decision?: string}} session
 */
export function teamsLine(session) {
  const n = session.team_size || 1;
  if (n <= 1) return '';
  return t('teams.monitor.teams', { n, rule: t(`teams.monitor.rule.${session.team_decision || 'any'}`) });
}

/** The most people one side of a match may have (`core::team::MAX_TEAM`). */
export const MAX_TEAM = 4;

/**
 * Pairing teams by hand: which side each picked person is on. A person picked goes to the side
 * with the fewest so far (the first such side); the facilitator can move them with the
 * side picker beside their name. Sent as the `pair` control's `teams`, one list per role.
 */
export class HandTeams {
  constructor() {
    /** @type {Map<string, number>} player id → seat index */
    this.side = new Map();
  }

  /**
   * Keeps the sides of the people still picked; gives each newly picked one the emptiest side.
   * @param {string[]} picked ids, in the order picked
   * @param {number} seats
   */
  sync(picked, seats) {
    for (const id of [...this.side.keys()]) if (!picked.includes(id)) this.side.delete(id);
    for (const id of picked) {
      if (this.side.has(id)) continue;
      const counts = this.counts(picked, seats);
      this.side.set(id, counts.indexOf(Math.min(...counts)));
    }
  }

  /**
   * People per side.
   * @param {string[]} picked
   * @param {number} seats
   */
  counts(picked, seats) {
    const counts = Array.from({ length: seats }, () => 0);
    for (const id of picked) {
      const s = this.side.get(id);
      if (s !== undefined && s < seats) counts[s] += 1;
    }
    return counts;
  }

  /**
   * The teams in seat order, each in the order its people were picked.
   * @param {string[]} picked
   * @param {number} seats
   */
  teams(picked, seats) {
    return Array.from({ length: seats }, (_, s) => picked.filter((id) => this.side.get(id) === s));
  }

  /**
   * Whether the picked people make a match: every side 1 to MAX_TEAM people.
   * @param {string[]} picked
   * @param {number} seats
   */
  ready(picked, seats) {
    return this.counts(picked, seats).every((n) => n >= 1 && n <= MAX_TEAM);
  }

  /**
   * One line per picked person: their name and a side picker.
   * @param {string[]} picked
   * @param {string[]} roleNames by seat
   * @param {(id: string) => string} nameOf
   * @param {() => void} changed called after a side changes
   */
  render(picked, roleNames, nameOf, changed) {
    return h(
      'ul',
      { class: 'hand-sides', testid: 'hand-sides' },
      ...picked.map((id) => {
        const name = nameOf(id);
        const select = h(
          'select',
          { testid: 'hand-side', 'data-player-id': id, 'aria-label': t('console.hand.side_of', { name }) },
          ...roleNames.map((role, s) =>
            h('option', { value: String(s), selected: this.side.get(id) === s }, t('console.hand.seat', { n: s + 1, role })),
          ),
        );
        select.addEventListener('change', () => {
          this.side.set(id, Number(select.value));
          changed();
        });
        return h('li', null, h('span', { class: 'pname' }, name), ' ', select);
      }),
    );
  }
}
