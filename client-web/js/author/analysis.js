// The editor's live analysis panel: the numbers `parley scenario check` prints (maximum joint
// value, issue types, the Nash package, the frontier chart for two roles) and what the server adds
// for authors (the zone of possible agreement, the naive split, warnings). All text via textContent.

import { h, replace } from '../dom.js';
import { frontierChart } from '../chart.js';

/** @typedef {import('../types.js').AuthorAnswer} AuthorAnswer */
/** @typedef {import('../types.js').Draft} Draft */
/** @typedef {import('../types.js').IssueType} IssueType */

/** @type {Record<IssueType, string>} */
const TYPE_WORDS = { distributive: 'Distributive', integrative: 'Integrative', compatible: 'Compatible' };

/** @param {number} n */
const num = (n) => (Number.isInteger(n) ? String(n) : n.toFixed(1));

/**
 * A labelled number for the summary strip.
 * @param {string} label
 * @param {string} value
 * @param {string} testid
 */
function stat(label, value, testid) {
  return h('div', { class: 'stat' }, h('span', { class: 'stat-value', testid }, value), h('span', { class: 'stat-label' }, label));
}

/**
 * The issue type in words for a row: the pair's type with two roles, counts per type with more.
 * @param {import('../types.js').IssueTypes | undefined} types
 */
function typeText(types) {
  if (!types || !types.pairs.length) return '';
  if (types.pairs.length === 1) return TYPE_WORDS[types.pairs[0].type];
  /** @type {Record<string, number>} */
  const counts = {};
  for (const p of types.pairs) counts[p.type] = (counts[p.type] || 0) + 1;
  return Object.entries(counts)
    .map(([t, n]) => `${TYPE_WORDS[/** @type {IssueType} */ (t)]} ×${n}`)
    .join(', ');
}

/**
 * Renders the analysis of a valid draft into `panel`.
 * @param {HTMLElement} panel
 * @param {AuthorAnswer} answer
 * @param {(field: string) => void} focusField jumps to the input a warning is about
 */
export function renderAnalysis(panel, answer, focusField) {
  const a = answer.analysis;
  const c = a.check;
  const d = answer.draft;
  const roleName = (/** @type {number} */ i) => (d.roles[i] && (d.roles[i].name || d.roles[i].id)) || `Role ${i + 1}`;

  const strip = h(
    'div',
    { class: 'stat-strip' },
    stat('maximum joint value', String(c.max_joint_value), 'an-max-joint'),
    stat('naive split (every issue in the middle)', num(a.naive_split.joint_value), 'an-naive-joint'),
    stat('left on the table by the naive split', `${num(a.naive_split.left_on_table)} (${Math.round(a.naive_split.share_left * 100)} %)`, 'an-left'),
    stat('deals on the frontier better than walking away', String(a.zone.frontier_packages), 'an-zone-count'),
  );

  const zoneText = a.zone.exists
    ? `Zone of possible agreement: ${a.zone.role_ranges.map((r, i) => `${roleName(i)} ${r[0]}–${r[1]}`).join(', ')} points on the frontier; the best deal adds ${a.zone.surplus} points to walking away.`
    : 'No zone of possible agreement: no package gives every role its walk-away value.';

  const nash = c.nash;
  const nashText = nash
    ? `Nash package (${nash.points.map((p, i) => `${roleName(i)} ${p}`).join(', ')}): ${nash.package
        .map((o, k) => `${(d.issues[k] && d.issues[k].name) || c.issues[k]}: ${(d.issues[k] && d.issues[k].options[o]) || o}`)
        .join('; ')}.`
    : 'No Nash package: no package gives every role at least its walk-away value.';
  const naiveText = `Naive split: ${a.naive_split.points.map((p, i) => `${roleName(i)} ${num(p)}${a.naive_split.beats_walk_away[i] ? '' : ' (below walk-away)'}`).join(', ')}.`;

  /** @type {HTMLElement | null} */
  let chart = null;
  if (c.pareto_frontier && d.roles.length === 2) {
    chart = frontierChart({
      frontier: c.pareto_frontier,
      xLabel: roleName(0),
      yLabel: roleName(1),
      batna: c.batnas,
      nash: nash ? nash.points : null,
      outcome: a.naive_split.points,
      outcomeLabel: 'Naive split',
      title: 'Possible deals of this scenario',
      width: panel.clientWidth || 480,
    });
  }

  const issueRows = c.issues.map((id, k) => {
    const w = a.issues[k];
    return h(
      'tr',
      { testid: `an-issue-${id}` },
      h('th', { scope: 'row' }, (d.issues[k] && d.issues[k].name) || id),
      h('td', { testid: 'an-issue-type' }, typeText(c.issue_types[k])),
      ...d.roles.map((_, r) =>
        h('td', { class: 'num' }, w ? [String(w.weight[r]), h('span', { class: 'share' }, `${Math.round(w.share[r] * 100)} %`)] : ''),
      ),
    );
  });
  const issueTable = h(
    'div',
    { class: 'table-scroll' },
    h(
      'table',
      { class: 'an-issues' },
      h('caption', { class: 'sr-only' }, 'Each issue: its type and how much it is worth to each role'),
      h('thead', null, h('tr', null, h('th', { scope: 'col' }, 'Issue'), h('th', { scope: 'col' }, 'Type'), ...d.roles.map((_, r) => h('th', { scope: 'col', class: 'num' }, roleName(r))))),
      h('tbody', null, issueRows),
    ),
  );

  const warnings = [
    ...a.warnings.map((w) =>
      h(
        'li',
        { testid: 'an-warning', 'data-code': w.code },
        w.message,
        ' ',
        h('button', { type: 'button', class: 'link-button small', onclick: () => focusField(w.field) }, 'Go to the field'),
      ),
    ),
    ...c.warnings.map((w) => h('li', { class: 'muted', testid: 'an-teaching-warning' }, `Teaching notes: ${w.replace(/^teaching\.(\w+): /, '$1 ').replace(/^teaching: /, '')}`)),
  ];

  replace(
    panel,
    h('p', { class: 'an-status ok', testid: 'an-status' }, 'Valid scenario: analysis up to date.'),
    strip,
    h('p', { testid: 'an-zone' }, zoneText),
    h('p', { testid: 'an-nash' }, nashText),
    h('p', { testid: 'an-naive' }, naiveText),
    h('p', { class: 'small muted' }, c.deal_rule),
    chart,
    h('h3', null, 'Issues'),
    h('p', { class: 'hint' }, 'The type of each issue, and each role’s best minus worst points on it (its share of what the role can gain).'),
    issueTable,
    h('h3', null, 'Warnings'),
    warnings.length ? h('ul', { class: 'an-warnings', testid: 'an-warnings' }, warnings) : h('p', { class: 'muted', testid: 'an-no-warnings' }, 'None: this case has value to create and a deal to find.'),
  );
}

/**
 * Shows that the draft cannot be analysed yet (the first problem is shown at its field too).
 * @param {HTMLElement} panel
 * @param {string} text
 */
export function renderBlocked(panel, text) {
  const status = panel.querySelector('[data-testid="an-status"]');
  if (status) {
    status.textContent = text;
    status.className = 'an-status blocked';
  } else {
    replace(panel, h('p', { class: 'an-status blocked', testid: 'an-status' }, text));
  }
}
