// The editor's live analysis panel: the numbers `parley scenario check` prints (maximum joint
// value, issue types, the Nash package, the frontier chart for two roles) and what the server adds
// for authors (the zone of possible agreement, the naive split, warnings). All text via textContent.

import { h, replace } from '../dom.js';
import { frontierChart } from '../chart.js';
import { t, num as fmt } from '../i18n.js';

/** @typedef {import('../types.js').AuthorAnswer} AuthorAnswer */
/** @typedef {import('../types.js').Draft} Draft */
/** @typedef {import('../types.js').IssueType} IssueType */

/** @param {IssueType} type */
function typeWord(type) {
  switch (type) {
    case 'distributive':
      return t('author.type.distributive');
    case 'integrative':
      return t('author.type.integrative');
    default:
      return t('author.type.compatible');
  }
}

/** @param {number} n a whole number as it is, else one decimal, in the chosen language */
const num = (n) => (Number.isInteger(n) ? fmt(n) : fmt(n, { minimumFractionDigits: 1, maximumFractionDigits: 1 }));
/** @param {number} share 0..1 as a whole percentage */
const pct = (share) => t('author.an.percent', { n: fmt(Math.round(share * 100)) });

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
  if (types.pairs.length === 1) return typeWord(types.pairs[0].type);
  /** @type {Record<string, number>} */
  const counts = {};
  for (const p of types.pairs) counts[p.type] = (counts[p.type] || 0) + 1;
  return Object.entries(counts)
    .map(([type, n]) => `${typeWord(/** @type {IssueType} */ (type))} ×${fmt(n)}`)
    .join(', ');
}

/**
 * A warning in the chosen language, written from its code and the draft's numbers (the server's
 * sentence, in English, for a code this page does not know).
 * @param {import('../types.js').AuthorWarning} w
 * @param {AuthorAnswer} answer
 */
function warningText(w, answer) {
  const d = answer.draft;
  const c = answer.analysis.check;
  const index = (/** @type {RegExp} */ re) => {
    const m = re.exec(w.field);
    return m ? Number(m[1]) : -1;
  };
  const roleName = (/** @type {number} */ i) => (d.roles[i] && (d.roles[i].name || d.roles[i].id)) || t('author.role_n', { n: i + 1 });
  switch (w.code) {
    case 'no_integrative_potential':
      return answer.analysis.min_joint_value === c.max_joint_value ? t('author.warn.nothing_to_create') : t('author.warn.no_trades');
    case 'no_zone_of_agreement':
      return t('author.warn.no_zone');
    case 'walk_away_above_every_deal': {
      const r = index(/^roles\[(\d+)\]/);
      if (r < 0 || !d.roles[r]) break;
      // The most a role can score: its best option on every issue.
      const most = d.issues.reduce((sum, is) => sum + Math.max(...(is.points[r] || [0])), 0);
      return t('author.warn.walk_away_above', { role: roleName(r), batna: fmt(d.roles[r].batna), most: fmt(most) });
    }
    case 'dominant_role': {
      if (!c.nash) break;
      const surplus = c.nash.points.map((p, i) => p - (c.batnas[i] ?? 0));
      // The same picks as the server: the largest gain (first on a tie), the smallest (first on a tie).
      let hi = 0;
      let lo = 0;
      surplus.forEach((x, i) => {
        if (x > surplus[hi]) hi = i;
        if (x < surplus[lo]) lo = i;
      });
      return t('author.warn.dominant', { role: roleName(hi), gain: fmt(surplus[hi]), other: roleName(lo), other_gain: fmt(surplus[lo]) });
    }
    case 'issue_nobody_cares_about': {
      const k = index(/^issues\[(\d+)\]/);
      if (k < 0 || !d.issues[k]) break;
      return t('author.warn.nobody_cares', { issue: d.issues[k].name || d.issues[k].id });
    }
    default:
      break;
  }
  return w.message;
}

/**
 * The deal rule in words, naming the roles (the same sentence as the server's, in the page's language).
 * @param {Draft} d
 */
function dealRuleText(d) {
  const parties = d.roles.length;
  if (d.deal.rule === 'majority') return t('author.rule.majority', { k: fmt(Math.floor(parties / 2) + 1), n: fmt(parties) });
  if (d.deal.rule === 'roles') {
    const names = d.roles.filter((r) => d.deal.roles.includes(r.id)).map((r) => r.name || r.id);
    const list = names.length > 1 ? t('author.list_and', { rest: names.slice(0, -1).join(', '), last: names[names.length - 1] }) : names.join('');
    return t('author.rule.roles', { roles: list });
  }
  return parties === 2 ? t('author.rule.both') : t('author.rule.every');
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
  const roleName = (/** @type {number} */ i) => (d.roles[i] && (d.roles[i].name || d.roles[i].id)) || t('author.role_n', { n: i + 1 });

  const strip = h(
    'div',
    { class: 'stat-strip' },
    stat(t('author.an.max_joint'), fmt(c.max_joint_value), 'an-max-joint'),
    stat(t('author.an.naive'), num(a.naive_split.joint_value), 'an-naive-joint'),
    stat(t('author.an.left'), `${num(a.naive_split.left_on_table)} (${pct(a.naive_split.share_left)})`, 'an-left'),
    stat(t('author.an.zone_count'), fmt(a.zone.frontier_packages), 'an-zone-count'),
  );

  const zoneText = a.zone.exists
    ? t('author.an.zone', {
        ranges: a.zone.role_ranges.map((r, i) => `${roleName(i)} ${fmt(r[0])}–${fmt(r[1])}`).join(', '),
        surplus: fmt(a.zone.surplus),
      })
    : t('author.an.no_zone');

  const nash = c.nash;
  const nashText = nash
    ? t('author.an.nash', {
        points: nash.points.map((p, i) => `${roleName(i)} ${fmt(p)}`).join(', '),
        package: nash.package.map((o, k) => `${(d.issues[k] && d.issues[k].name) || c.issues[k]}: ${(d.issues[k] && d.issues[k].options[o]) || o}`).join('; '),
      })
    : t('author.an.no_nash');
  const naiveText = t('author.an.naive_text', {
    points: a.naive_split.points.map((p, i) => `${roleName(i)} ${num(p)}${a.naive_split.beats_walk_away[i] ? '' : ` ${t('author.an.below_walk_away')}`}`).join(', '),
  });

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
      outcomeLabel: t('author.an.naive_label'),
      title: t('author.an.chart_title'),
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
        h('td', { class: 'num' }, w ? [fmt(w.weight[r]), h('span', { class: 'share' }, pct(w.share[r]))] : ''),
      ),
    );
  });
  // Focusable and named: with long role names (or German ones) the table scrolls sideways, and a
  // keyboard must reach it.
  const issueTable = h(
    'div',
    { class: 'table-scroll', tabindex: '0', role: 'region', 'aria-label': t('author.an.issues_aria') },
    h(
      'table',
      { class: 'an-issues' },
      h('caption', { class: 'sr-only' }, t('author.an.issues_caption')),
      h('thead', null, h('tr', null, h('th', { scope: 'col' }, t('author.an.issue')), h('th', { scope: 'col' }, t('author.an.type')), ...d.roles.map((_, r) => h('th', { scope: 'col', class: 'num' }, roleName(r))))),
      h('tbody', null, issueRows),
    ),
  );

  const warnings = [
    ...a.warnings.map((w) =>
      h(
        'li',
        { testid: 'an-warning', 'data-code': w.code },
        warningText(w, answer),
        ' ',
        h('button', { type: 'button', class: 'link-button small', onclick: () => focusField(w.field) }, t('author.an.go_to_field')),
      ),
    ),
    ...c.warnings.map((w) =>
      h('li', { class: 'muted', testid: 'an-teaching-warning' }, t('author.an.teaching_warning', { text: w.replace(/^teaching\.(\w+): /, '$1 ').replace(/^teaching: /, '') })),
    ),
  ];

  replace(
    panel,
    h('p', { class: 'an-status ok', testid: 'an-status' }, t('author.an.valid')),
    strip,
    h('p', { testid: 'an-zone' }, zoneText),
    h('p', { testid: 'an-nash' }, nashText),
    h('p', { testid: 'an-naive' }, naiveText),
    h('p', { class: 'small muted' }, dealRuleText(d)),
    chart,
    h('h3', null, t('author.an.issues')),
    h('p', { class: 'hint' }, t('author.an.issues_hint')),
    issueTable,
    h('h3', null, t('author.an.warnings')),
    warnings.length ? h('ul', { class: 'an-warnings', testid: 'an-warnings' }, warnings) : h('p', { class: 'muted', testid: 'an-no-warnings' }, t('author.an.no_warnings')),
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
