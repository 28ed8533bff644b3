// Results: the deal or impasse, every role's score, joint value and efficiency, the frontier
// chart, what the other side valued, and feedback.

import { h, paragraphs } from './dom.js';
import { pts, percent, outcomeSentence } from './format.js';
import { pointsTable } from './brief.js';
import { frontierChart } from './chart.js';

const ISSUE_TYPES = {
  compatible: 'Compatible: you both wanted the same thing',
  distributive: 'Distributive: a straight split',
  integrative: 'Integrative: worth more to one of you — room to trade',
};

function optionLabel(issue, idx) {
  if (!issue || typeof idx !== 'number') return '–';
  return issue.options[idx] !== undefined ? issue.options[idx] : String(idx);
}

function packageLines(issues, pkg, roles) {
  return h(
    'table',
    { class: 'data-table package-table' },
    h(
      'thead',
      null,
      h('tr', null, h('th', { scope: 'col' }, 'Issue'), h('th', { scope: 'col' }, 'Option'), roles.map((r) => h('th', { scope: 'col', class: 'num' }, r.name))),
    ),
    h(
      'tbody',
      null,
      issues.map((issue) => {
        const idx = pkg[issue.id];
        return h(
          'tr',
          null,
          h('th', { scope: 'row' }, issue.name),
          h('td', null, optionLabel(issue, idx)),
          roles.map((r) => {
            const row = r.points && r.points[issue.id];
            return h('td', { class: 'num' }, row && typeof idx === 'number' ? String(row[idx]) : '–');
          }),
        );
      }),
    ),
  );
}

/**
 * @param {object} state  the whole state frame (phase results)
 * @param {object} opts   onLeave()
 */
export function resultsView(state, opts = {}) {
  const r = state.results || {};
  const scenario = state.scenario;
  const issues = scenario.issues || [];
  const issueById = Object.fromEntries(issues.map((i) => [i.id, i]));
  const roles = r.roles || [];
  const myRoleId = state.you && state.you.role ? state.you.role.id : null;
  const outcome = r.outcome || state.outcome || null;
  const deal = outcome && outcome.kind === 'deal' ? outcome.package : null;

  const el = h('div', { class: 'results', testid: 'results' });

  // Headline.
  el.appendChild(
    h(
      'section',
      { class: 'card results-head' },
      h('h1', { testid: 'results-outcome', 'data-kind': outcome ? outcome.kind : '' }, outcomeSentence(outcome) || 'The match is over.'),
      deal
        ? h('p', { class: 'muted' }, 'Here is what you agreed, and how it looked from every side.')
        : h('p', { class: 'muted' }, 'Everyone gets their walk-away value. Here is what was possible.'),
    ),
  );

  // Scores.
  const scoreRows = roles.map((role) =>
    h(
      'tr',
      { class: role.id === myRoleId ? 'me' : null, testid: `results-score-${role.id}` },
      h('th', { scope: 'row' }, role.name, role.id === myRoleId ? h('span', { class: 'tag' }, 'you') : null),
      h('td', null, role.player || ''),
      h('td', { class: 'num', 'data-value': String(role.score) }, String(role.score)),
      h('td', { class: 'num' }, String(role.batna)),
      h('td', { class: 'num' }, typeof role.surplus === 'number' ? (role.surplus > 0 ? `+${role.surplus}` : String(role.surplus)) : '–'),
    ),
  );
  const jointText = [
    h('strong', null, pts(r.joint_value)),
    ` out of a possible ${pts(r.max_joint_value)} — `,
    h('strong', null, percent(r.efficiency)),
    ' efficiency',
  ];
  el.appendChild(
    h(
      'section',
      { class: 'card' },
      h('h2', null, 'Scores'),
      h(
        'div',
        { class: 'table-scroll' },
        h(
          'table',
          { class: 'data-table', testid: 'results-scores' },
          h(
            'thead',
            null,
            h(
              'tr',
              null,
              h('th', { scope: 'col' }, 'Role'),
              h('th', { scope: 'col' }, 'Player'),
              h('th', { scope: 'col', class: 'num' }, 'Score'),
              h('th', { scope: 'col', class: 'num' }, 'Walk-away'),
              h('th', { scope: 'col', class: 'num' }, 'Gain'),
            ),
          ),
          h('tbody', null, scoreRows),
        ),
      ),
      h('p', { class: 'joint', testid: 'results-joint', 'data-value': String(r.joint_value) }, 'Joint value: ', jointText),
      typeof r.surplus_efficiency === 'number'
        ? h('p', { class: 'muted small' }, `You captured ${percent(r.surplus_efficiency)} of the value available above your walk-away values.`)
        : null,
      r.pareto_optimal
        ? h('p', { class: 'good', testid: 'results-pareto' }, 'Your deal is on the frontier: no other package was better for everyone.')
        : null,
    ),
  );

  // Frontier chart (two roles only).
  if (Array.isArray(r.frontier) && r.frontier.length && roles.length === 2) {
    const outcomePoint = [Number(roles[0].score), Number(roles[1].score)];
    el.appendChild(
      h(
        'section',
        { class: 'card' },
        h('h2', null, 'What was possible'),
        h(
          'p',
          { class: 'muted small' },
          'Each dot on the line is a package that no other package beats for both of you. Further up and to the right is better for both.',
        ),
        frontierChart({
          frontier: r.frontier,
          xLabel: roles[0].name,
          yLabel: roles[1].name,
          batna: [Number(roles[0].batna), Number(roles[1].batna)],
          outcome: outcomePoint,
          outcomeLabel: deal ? 'Your deal' : 'Your outcome (no deal)',
          nash: r.nash && Array.isArray(r.nash.points) ? r.nash.points.map(Number) : null,
          title: `Possible deals for ${roles[0].name} and ${roles[1].name}`,
        }),
      ),
    );
  }

  // The agreed package, and a better one if there was one.
  if (deal) {
    el.appendChild(
      h('section', { class: 'card' }, h('h2', null, 'The deal'), h('div', { class: 'table-scroll' }, packageLines(issues, deal, roles))),
    );
  }
  if (r.better_package && r.better_package.package && !r.pareto_optimal && deal) {
    const bp = r.better_package;
    const who = roles.map((role, i) => `${pts(bp.points[i])} for ${role.name}`).join(', ');
    el.appendChild(
      h(
        'section',
        { class: 'card', testid: 'results-better' },
        h('h2', null, 'A package that was better for everyone'),
        h('p', null, `For example: ${who}.`),
        h('div', { class: 'table-scroll' }, packageLines(issues, bp.package, roles)),
      ),
    );
  }

  // Issue by issue.
  if (Array.isArray(r.issues) && r.issues.length) {
    el.appendChild(
      h(
        'section',
        { class: 'card' },
        h('h2', null, 'Issue by issue'),
        h(
          'ul',
          { class: 'issue-list', testid: 'results-issues' },
          r.issues.map((ri) => {
            const issue = issueById[ri.id] || { name: ri.name, options: [] };
            return h(
              'li',
              null,
              h('span', { class: 'issue-name' }, ri.name || issue.name),
              ri.type ? h('span', { class: ['type-tag', `type-${ri.type}`] }, ISSUE_TYPES[ri.type] || ri.type) : null,
              h(
                'span',
                { class: 'small' },
                typeof ri.agreed === 'number' ? `Agreed: ${optionLabel(issue, ri.agreed)}. ` : '',
                typeof ri.best_joint === 'number' ? `Most value together: ${optionLabel(issue, ri.best_joint)}.` : '',
              ),
            );
          }),
        ),
      ),
    );
  }

  // What the other side valued.
  const others = roles.filter((role) => role.id !== myRoleId);
  if (others.length) {
    el.appendChild(
      h(
        'section',
        { class: 'card', testid: 'results-reveal' },
        h('h2', null, others.length === 1 ? 'What the other side valued' : 'What the other sides valued'),
        others.map((role) =>
          h(
            'div',
            { class: 'reveal', 'data-role': role.id },
            h('h3', null, role.name, role.player ? ` — ${role.player}` : ''),
            h('p', null, `Walk-away value: ${pts(role.batna)}.`),
            pointsTable(issues, role.points || {}, { chosen: deal || {}, chosenLabel: 'agreed', testid: `reveal-points-${role.id}` }),
            role.brief
              ? h('details', { class: 'reveal-brief' }, h('summary', null, 'Read their private brief'), h('div', { class: 'prose' }, paragraphs(role.brief)))
              : null,
          ),
        ),
      ),
    );
  }

  // Feedback.
  if (Array.isArray(r.feedback) && r.feedback.length) {
    el.appendChild(
      h(
        'section',
        { class: 'card feedback' },
        h('h2', null, 'Feedback'),
        h('ul', { testid: 'results-feedback' }, r.feedback.map((f) => h('li', null, f))),
      ),
    );
  }

  if (opts.onLeave) {
    const leave = h('button', { type: 'button', class: 'secondary', testid: 'leave' }, 'Leave and play again');
    leave.addEventListener('click', opts.onLeave);
    el.appendChild(h('div', { class: 'button-row center' }, leave));
  }
  return el;
}
