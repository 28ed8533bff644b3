// The brief: public summary, my private brief, my points table and walk-away value.

import { h, paragraphs } from './dom.js';
import { pts } from './format.js';
import { t, num } from './i18n.js';

/** @typedef {Pick<import('./types.js').PublicIssue, 'id' | 'name' | 'options'> & {description?: string}} IssueText */

/**
 * A points table, one block of rows per issue (issue × option), readable at phone width.
 * @param {IssueText[]} issues the scenario's issues
 * @param {Record<string, number[]> | null | undefined} points issue id → points per option
 * @param {{testid?: string, caption?: string, chosen?: Record<string, number>, chosenLabel?: string}} [opts]
 *   `chosen`: issue id → the option to mark (with `chosenLabel`)
 */
export function pointsTable(issues, points, opts = {}) {
  const table = h('table', { class: 'points-table', testid: opts.testid });
  if (opts.caption) table.appendChild(h('caption', null, opts.caption));
  table.appendChild(
    h('thead', null, h('tr', null, h('th', { scope: 'col' }, t('common.col.option')), h('th', { scope: 'col', class: 'num' }, t('common.col.points')))),
  );
  for (const issue of issues) {
    const row = (points && points[issue.id]) || [];
    const best = row.length ? Math.max(...row) : null;
    const body = h('tbody', { 'data-issue': issue.id });
    body.appendChild(
      h(
        'tr',
        { class: 'issue-row' },
        h(
          'th',
          { scope: 'rowgroup', colspan: '2' },
          h('span', { class: 'issue-name' }, issue.name),
          issue.description ? h('span', { class: 'issue-desc' }, issue.description) : null,
        ),
      ),
    );
    issue.options.forEach((label, i) => {
      const v = row[i];
      const chosen = opts.chosen && opts.chosen[issue.id] === i;
      const isBest = v === best && best !== null;
      body.appendChild(
        h(
          'tr',
          { class: ['option-row', isBest && 'best', chosen && 'chosen'] },
          h(
            'td',
            null,
            label,
            chosen ? h('span', { class: 'tag' }, opts.chosenLabel || t('common.brief.agreed')) : null,
          ),
          h('td', { class: 'num' }, v === undefined ? '–' : num(v)),
        ),
      );
    });
    table.appendChild(body);
  }
  return table;
}

/**
 * The whole brief panel for the player's own role.
 * @param {{summary: string, issues: IssueText[]}} scenario
 * @param {Pick<import('./types.js').YouView, 'role' | 'brief' | 'batna' | 'points'> & {max_points?: number}} you
 * @param {{testid?: string}} [opts]
 */
export function briefPanel(scenario, you, { testid = 'brief' } = {}) {
  const batnaLine =
    typeof you.max_points === 'number'
      ? t('common.brief.batna_line_max', { max: pts(you.max_points) })
      : t('common.brief.batna_line');
  const situation = h(
    'section',
    { class: 'brief-section' },
    h('h2', null, t('common.brief.situation')),
    h('div', { class: 'prose', testid: 'brief-summary' }, paragraphs(scenario.summary)),
  );
  const role = h(
    'section',
    { class: 'brief-section private' },
    h('h2', null, t('common.brief.your_role'), h('span', { testid: 'my-role' }, (you.role && you.role.name) || '')),
    h('p', { class: 'private-note' }, t('common.brief.private')),
    h('div', { class: 'prose', testid: 'brief-private' }, paragraphs(you.brief)),
  );
  const points = h(
    'section',
    { class: 'brief-section' },
    h('h2', null, t('common.brief.your_points')),
    h(
      'p',
      { class: 'batna-line' },
      t('common.brief.walk_away_value'),
      h('strong', { testid: 'my-batna' }, pts(you.batna)),
      batnaLine,
    ),
    pointsTable(scenario.issues, you.points, { testid: 'my-points' }),
  );
  return h('div', { class: 'brief', testid }, h('div', { class: 'brief-text' }, situation, role), points);
}
