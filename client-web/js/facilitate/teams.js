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
