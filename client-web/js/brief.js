// @ts-nocheck: not yet annotated for `tsc --checkJs` (see client-web/jsconfig.json); the player modules and conn.js are.
// The brief: public summary, my private brief, my points table and walk-away value.

import { h, paragraphs } from './dom.js';
import { pts } from './format.js';

/**
 * A points table, one block of rows per issue (issue × option), readable at phone width.
 * @param {Array} issues   scenario issues [{id,name,description,options}]
 * @param {Object} points  {issue_id: [points per option]}
 * @param {Object} opts    {testid, caption, chosen: {issue_id: index}, chosenLabel}
 */
export function pointsTable(issues, points, opts = {}) {
  const table = h('table', { class: 'points-table', testid: opts.testid });
  if (opts.caption) table.appendChild(h('caption', null, opts.caption));
  table.appendChild(
    h('thead', null, h('tr', null, h('th', { scope: 'col' }, 'Option'), h('th', { scope: 'col', class: 'num' }, 'Points'))),
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
            chosen ? h('span', { class: 'tag' }, opts.chosenLabel || 'agreed') : null,
          ),
          h('td', { class: 'num' }, v === undefined ? '–' : String(v)),
        ),
      );
    });
    table.appendChild(body);
  }
  return table;
}

/** The whole brief panel for the player's own role. */
export function briefPanel(scenario, you, { testid = 'brief' } = {}) {
  const maxLine = typeof you.max_points === 'number' ? ` out of a possible ${pts(you.max_points)}` : '';
  const situation = h(
    'section',
    { class: 'brief-section' },
    h('h2', null, 'The situation'),
    h('div', { class: 'prose', testid: 'brief-summary' }, paragraphs(scenario.summary)),
  );
  const role = h(
    'section',
    { class: 'brief-section private' },
    h('h2', null, 'Your role: ', h('span', { testid: 'my-role' }, (you.role && you.role.name) || '')),
    h('p', { class: 'private-note' }, 'Private: only you can see this.'),
    h('div', { class: 'prose', testid: 'brief-private' }, paragraphs(you.brief)),
  );
  const points = h(
    'section',
    { class: 'brief-section' },
    h('h2', null, 'Your points'),
    h(
      'p',
      { class: 'batna-line' },
      'Your walk-away value: ',
      h('strong', { testid: 'my-batna' }, pts(you.batna)),
      `. If there is no deal, you get this${maxLine}. The best option on each issue is highlighted.`,
    ),
    pointsTable(scenario.issues, you.points, { testid: 'my-points' }),
  );
  return h('div', { class: 'brief', testid }, h('div', { class: 'brief-text' }, situation, role), points);
}
