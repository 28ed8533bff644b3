// Results: the deal or impasse, every role's score, joint value and efficiency, the frontier
// chart, what the other side valued, and feedback. It reads the `results` of the state frame
// (`ResultsView`, generated from the server's types): what this player may see, no more.

import { h, paragraphs } from './dom.js';
import { observationsSection } from './observations.js';
import { pts, percent, outcomeSentence, drillGoal } from './format.js';
import { drillFeedback, statementText } from './server-words.js';
import { frontierChart } from './chart.js';
import { t, tn, num, list } from './i18n.js';
import { TACTIC_NAMES } from './tactic-names.js';

/** @typedef {import('./types.js').StateView} StateView */
/** @typedef {import('./types.js').ResultsView} ResultsView */
/** @typedef {import('./types.js').RoleResultView} RoleResultView */
/** @typedef {import('./types.js').TrustResultView} TrustResultView */
/** @typedef {import('./types.js').PublicIssue} PublicIssue */
/** @typedef {import('./types.js').ChatLineView} ChatLineView */
/** @typedef {import('./types.js').WalkedAway} WalkedAway */
/** @typedef {Record<string, number>} Package option index by issue id */

/** @param {import('./types.js').IssueType} type */
const issueTypeWords = (type) => t(`common.issue_type.${type}`);

/**
 * @param {{options: string[]} | undefined} issue
 * @param {number | null | undefined} idx
 */
function optionLabel(issue, idx) {
  if (!issue || typeof idx !== 'number') return '–';
  return issue.options[idx] !== undefined ? issue.options[idx] : num(idx);
}

/**
 * @param {RoleResultView} role
 * @param {string | null} myRoleId
 */
function roleHeader(role, myRoleId) {
  return h(
    'th',
    { scope: 'col', class: 'num', 'data-role': role.id },
    role.id === myRoleId ? t('player.ready.you') : role.player || role.name,
    h('span', { class: 'col-role' }, role.name),
  );
}

/**
 * @param {PublicIssue[]} issues
 * @param {Package} pkg
 * @param {RoleResultView[]} roles the roles whose points are revealed
 * @param {string | null} myRoleId
 */
function packageLines(issues, pkg, roles, myRoleId) {
  return h(
    'table',
    { class: 'data-table package-table' },
    h(
      'thead',
      null,
      h('tr', null, h('th', { scope: 'col' }, t('common.col.issue')), h('th', { scope: 'col' }, t('common.col.option')), roles.map((r) => roleHeader(r, myRoleId))),
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
            return h('td', { class: 'num' }, row && typeof idx === 'number' ? num(row[idx]) : '–');
          }),
        );
      }),
    ),
  );
}

/**
 * Issue × option table with one points column per role (mine first).
 * @param {PublicIssue[]} issues
 * @param {RoleResultView[]} roles the roles whose points are revealed
 * @param {string | null} myRoleId
 * @param {Package | null} deal
 */
function comparisonTable(issues, roles, myRoleId, deal) {
  const table = h('table', { class: 'points-table compare', testid: 'reveal-points' });
  table.appendChild(
    h(
      'thead',
      null,
      h(
        'tr',
        null,
        h('th', { scope: 'col' }, t('common.col.option')),
        roles.map((role) => roleHeader(role, myRoleId)),
      ),
    ),
  );
  for (const issue of issues) {
    const body = h('tbody', { 'data-issue': issue.id });
    body.appendChild(
      h('tr', { class: 'issue-row' }, h('th', { scope: 'rowgroup', colspan: String(roles.length + 1) }, h('span', { class: 'issue-name' }, issue.name))),
    );
    issue.options.forEach((label, i) => {
      const agreed = deal && deal[issue.id] === i;
      body.appendChild(
        h(
          'tr',
          { class: ['option-row', agreed && 'chosen'] },
          h('td', null, label, agreed ? h('span', { class: 'tag' }, t('common.brief.agreed')) : null),
          roles.map((role) => {
            /** @type {number[]} */
            const row = (role.points && role.points[issue.id]) || [];
            const best = row.length ? Math.max(...row) : null;
            return h(
              'td',
              { class: ['num', row[i] === best && 'best-cell'], 'data-role': role.id },
              row[i] === undefined ? '–' : num(row[i]),
            );
          }),
        ),
      );
    });
    table.appendChild(body);
  }
  return table;
}

/**
 * "You walked away: no deal." / "Ben walked away: no deal."
 * @param {WalkedAway | null} w
 * @param {StateView} state
 */
function walkedAwaySentence(w, state) {
  if (!w || typeof w.seat !== 'number') return '';
  const me = state.you && w.seat === state.you.seat;
  return me ? t('player.results.you_walked') : t('player.results.walked', { name: w.name || t('player.results.counterpart') });
}

/** @param {number | null | undefined} x */
function score100(x) {
  return typeof x === 'number' && Number.isFinite(x) ? `${num(Math.round(x))}/100` : null;
}

/**
 * "once", "2 times", "0.5 times", in the page's language.
 * @param {number} n
 */
function timesWords(n) {
  if (n === 1) return t('player.times.once');
  return tn('player.times.n', n, { n: num(n, { maximumFractionDigits: 1 }) });
}

/**
 * My own trust line in the page's language, from the numbers (the server's English sentences
 * when the frame has none of them).
 * @param {import('./types.js').OwnTrustView} own
 * @param {import('./types.js').PlayerTrustView | undefined} mine
 * @returns {string[]}
 */
function trustSentences(own, mine) {
  if (!mine || !mine.index_moves) return own.sentences;
  const earned =
    typeof own.trust_earned === 'number'
      ? t('player.trust.earned', { score: num(Math.round(own.trust_earned)), raters: num(mine.trust_raters) })
      : mine.trust_raters > 0
        ? t('player.trust.earned_private')
        : t('player.trust.earned_none');
  const b = mine.places_right_before;
  const a = mine.places_right_after;
  const n = num(mine.issues);
  let reading;
  if (typeof b === 'number' && typeof a === 'number') {
    const how = a > b ? 'player.trust.reading_learned' : a === mine.issues ? 'player.trust.reading_well' : 'player.trust.reading_ask';
    reading = `${t('player.trust.reading_both', { before: num(b), after: num(a), n })} ${t(how)}`;
  } else if (typeof a === 'number') {
    reading = t('player.trust.reading_after', { after: num(a), n });
  } else if (typeof b === 'number') {
    reading = t('player.trust.reading_before', { before: num(b), n });
  } else {
    reading = t('player.trust.reading_none');
  }
  /** @param {unknown[] | null} move @param {string} key */
  const moved = (move, key) => {
    if (!move) return '';
    const [signal, points] = /** @type {[string, number]} */ (move);
    return t(key, { signal: t(`common.signal.${signal}`), points: num(Math.round(points), { signDisplay: 'exceptZero' }) });
  };
  const behaviour = `${t('player.trust.behaviour', { index: num(Math.round(mine.behaviour_index)) })}${moved(
    mine.index_moves.raised_by,
    'player.trust.raised_by',
  )}${moved(mine.index_moves.lowered_by, 'player.trust.lowered_by')}.`;
  return [earned, reading, behaviour];
}

/**
 * My tactic profile in the page's language (the server's English when the frame has no data).
 * @param {import('./types.js').PlayerTrustView} mine
 * @returns {string[]}
 */
function profileSentences(mine) {
  if (!mine.profile_lines || !mine.profile_lines.length) return mine.profile;
  return mine.profile_lines.map((line) => {
    const key = `player.profile.${line.tactic}`;
    const you = line.count === 0 ? t(`${key}.never`) : t(`${key}.did`, { times: timesWords(line.count) });
    return typeof line.reference === 'number'
      ? t('player.profile.against_reference', { you, times: timesWords(line.reference) })
      : `${you}.`;
  });
}

/**
 * Trust built, the behaviour index, and my own trust line. Survey-based numbers come only when
 * they average at least three people (the server sends null and a `*_private` flag otherwise);
 * the others' trust earned and sentences are never sent.
 * @param {TrustResultView} trust
 * @param {StateView} state
 */
function trustSection(trust, state) {
  const me = state.you.seat;
  const mine = trust.players.find((p) => p.seat === me);
  const own = trust.you;
  const stats = h('dl', { class: 'stats' });
  /**
   * @param {string} label
   * @param {string | null} value
   * @param {string} testid
   */
  const stat = (label, value, testid) => {
    if (value === null) return;
    stats.append(h('div', { class: 'stat', testid }, h('dt', null, label), h('dd', null, value)));
  };
  if (mine) {
    if (typeof mine.trust_estimate === 'number') {
      stat(t('player.results.trust_estimate'), score100(mine.trust_estimate), 'results-my-estimate');
    }
    stat(t('player.results.my_behaviour'), score100(mine.behaviour_index), 'results-my-behaviour');
  }
  if (typeof own.trust_earned === 'number') stat(t('player.results.trust_earned'), score100(own.trust_earned), 'results-my-trust');
  stat(t('player.results.behaviour_all'), score100(trust.behaviour_index), 'results-behaviour');
  if (trust.trust_built_private) {
    stat(t('player.results.trust_built'), t('player.results.with_facilitator'), 'results-trust-built');
  } else {
    stat(t('player.results.trust_built'), score100(trust.trust_built) || t('player.results.not_rated'), 'results-trust-built');
  }
  return h(
    'section',
    { class: 'card', testid: 'results-trust' },
    h('h2', null, t('player.results.trust_title')),
    stats,
    own.sentences.length
      ? h(
          'div',
          { testid: 'results-my-sentences' },
          h('h3', null, t('player.results.how_you_did')),
          h('ul', { class: 'sentences' }, trustSentences(own, mine).map((line) => h('li', null, line))),
        )
      : null,
    mine && mine.profile.length
      ? h(
          'div',
          { testid: 'results-profile' },
          h('h3', null, t('player.results.your_tactics')),
          h('ul', { class: 'sentences' }, profileSentences(mine).map((line) => h('li', null, line))),
          h(
            'p',
            { class: 'muted small' },
            t('player.results.tactics_model'),
          ),
        )
      : null,
    trust.trust_built_private || own.trust_earned_private
      ? h(
          'p',
          { class: 'muted small', testid: 'results-trust-private' },
          t('player.results.trust_private'),
        )
      : null,
  );
}

/** A tactic as a short tag on a transcript line (`common.tactic_tag.<label>`). */
const TACTIC_TAG = Object.fromEntries(Object.keys(TACTIC_NAMES).map((label) => [label, t(`common.tactic_tag.${label}`)]));

/**
 * The conversation with each line's tactics as small tags.
 * @param {ChatLineView[] | undefined} lines the chat lines shown in the match, in order
 * @param {TrustResultView} trust
 * @param {StateView} state
 */
function transcriptSection(lines, trust, state) {
  const tags = trust.line_tactics;
  const said = (lines || []).filter((l) => typeof l.seat === 'number');
  if (!said.length) return null;
  const me = state.you.seat;
  return h(
    'details',
    { class: 'card transcript-card', testid: 'results-transcript' },
    h('summary', null, h('strong', null, t('player.results.transcript'))),
    h(
      'ol',
      { class: 'transcript-lines' },
      said.map((l, i) =>
        h(
          'li',
          { class: l.seat === me ? 'mine' : 'theirs', testid: 'transcript-line' },
          h('span', { class: 'chat-name' }, l.seat === me ? t('player.ready.you') : l.name),
          ' ',
          h('span', { class: 'chat-text' }, (l.statement && statementText(l.statement, state.scenario.issues)) || l.text),
          h(
            'span',
            { class: 'line-tags' },
            (tags[i] || []).filter((tag) => TACTIC_TAG[tag]).map((tag) => h('span', { class: 'tactic-tag', 'data-tactic': tag }, TACTIC_TAG[tag])),
          ),
        ),
      ),
    ),
  );
}

/**
 * The feedback in the page's language, from the server's codes (its English sentences when an
 * older server sent none).
 * @param {ResultsView} r
 * @param {Record<string, PublicIssue>} issueById
 * @returns {string[]}
 */
function feedbackLines(r, issueById) {
  if (!r.feedback_items || !r.feedback_items.length) return r.feedback;
  /** @param {number[]} values @param {string} key */
  const perRole = (values, key) =>
    list(r.roles.map((role, i) => t(key, { role: role.name, points: num(values[i] ?? 0) })));
  return r.feedback_items.map((item) => {
    switch (item.code) {
      case 'both_preferred': {
        const issue = issueById[item.issue];
        return t('player.feedback.both_preferred', {
          issue: issue ? issue.name : item.issue,
          preferred: optionLabel(issue, item.preferred),
          agreed: optionLabel(issue, item.agreed),
        });
      }
      case 'value_left':
        return t('player.feedback.value_left', { gains: perRole(item.gains, 'player.feedback.role_more') });
      case 'pareto_optimal':
        return t('player.feedback.pareto_optimal');
      case 'created':
        return t('player.feedback.created', {
          joint: num(item.joint),
          max: num(item.max),
          percent: num(item.percent / 100, { style: 'percent' }),
        });
      case 'impasse_missed':
        return t('player.feedback.impasse_missed', { points: perRole(item.points, 'player.feedback.role_points') });
      case 'impasse_reasonable':
        return t('player.feedback.impasse_reasonable');
      default:
        return '';
    }
  });
}

/**
 * @param {StateView} state the whole state frame (phase results)
 * @param {ResultsView} r its reveal (`state.results`)
 * @param {{onLeave?: () => void, lines?: ChatLineView[], progress?: boolean}} [opts] the chat lines shown in the
 *   match; `progress`: a practice match, so offer the learner's progress page
 */
export function resultsView(state, r, opts = {}) {
  const scenario = state.scenario;
  const issues = scenario.issues;
  const issueById = Object.fromEntries(issues.map((i) => [i.id, i]));
  const roles = r.roles;
  const myRoleId = state.you.role.id;
  const outcome = r.outcome || state.outcome || null;
  const deal = outcome && outcome.kind === 'deal' ? outcome.package : null;
  // Roles whose points are revealed (a session may reveal only scores: then just mine).
  const shown = roles.filter((role) => role.points && typeof role.points === 'object');

  const el = h('div', { class: 'results', testid: 'results' });

  // Headline.
  el.appendChild(
    h(
      'section',
      { class: 'card results-head' },
      h(
        'h1',
        { testid: 'results-outcome', 'data-kind': outcome ? outcome.kind : '' },
        walkedAwaySentence(r.walked_away || state.walked_away, state) || outcomeSentence(outcome) || t('player.observe.over'),
      ),
      deal
        ? h('p', { class: 'muted' }, t('player.results.lead_deal'))
        : h('p', { class: 'muted' }, t('player.results.lead_no_deal')),
    ),
  );

  // The practice drill this player chose: did it work, and what to try next.
  if (r.drill) {
    el.appendChild(
      h(
        'section',
        { class: 'card drill-result', testid: 'results-drill', 'data-met': String(r.drill.met) },
        h('h2', null, r.drill.met ? t('player.results.drill_done') : t('player.results.drill_not_yet')),
        h('p', { class: 'muted' }, drillGoal(r.drill.drill, r.drill.goal)),
        h('p', { testid: 'results-drill-feedback' }, drillFeedback(r.drill, issues)),
      ),
    );
  }

  // Scores: me first, then the others in seat order (the same order in every table).
  const ordered = [...roles.filter((role) => role.id === myRoleId), ...roles.filter((role) => role.id !== myRoleId)];
  const shownOrdered = ordered.filter((role) => role.points && typeof role.points === 'object');
  const scoreRows = ordered.map((role) =>
    h(
      'tr',
      { class: role.id === myRoleId ? 'me' : null, testid: `results-score-${role.id}` },
      h(
        'th',
        { scope: 'row' },
        h('span', { class: 'score-player' }, role.player || role.name, role.id === myRoleId ? h('span', { class: 'tag' }, t('player.bargain.you_lower')) : null),
        role.player ? h('span', { class: 'score-role' }, role.name) : null,
      ),
      h('td', { class: 'num', 'data-value': String(role.score) }, num(role.score)),
      h('td', { class: 'num' }, num(role.batna)),
      h('td', { class: 'num' }, num(role.surplus, { signDisplay: 'exceptZero' })),
    ),
  );
  const jointText = [
    h('strong', null, pts(r.joint_value)),
    t('player.results.out_of', { max: pts(r.max_joint_value) }),
    h('strong', null, percent(r.efficiency)),
    t('player.results.efficiency'),
  ];
  el.appendChild(
    h(
      'section',
      { class: 'card' },
      h('h2', null, t('player.results.scores')),
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
              h('th', { scope: 'col' }, t('player.results.player_role')),
              h('th', { scope: 'col', class: 'num' }, t('player.results.score')),
              h('th', { scope: 'col', class: 'num' }, t('common.col.walk_away')),
              h('th', { scope: 'col', class: 'num' }, t('player.results.gain')),
            ),
          ),
          h('tbody', null, scoreRows),
        ),
      ),
      h('p', { class: 'joint', testid: 'results-joint', 'data-value': String(r.joint_value) }, t('player.results.joint_value'), jointText),
      deal && typeof r.surplus_efficiency === 'number'
        ? h(
            'p',
            { class: 'muted small' },
            r.surplus_efficiency >= 0
              ? t('player.results.captured', { percent: percent(r.surplus_efficiency) })
              : t('player.results.below_batnas'),
          )
        : null,
      r.pareto_optimal
        ? h('p', { class: 'good', testid: 'results-pareto' }, t('player.results.on_frontier'))
        : null,
    ),
  );

  // Feedback.
  if (r.feedback.length || (r.feedback_items && r.feedback_items.length)) {
    el.appendChild(
      h(
        'section',
        { class: 'card feedback' },
        h('h2', null, t('player.results.feedback')),
        h('ul', { testid: 'results-feedback' }, feedbackLines(r, issueById).map((f) => h('li', null, f))),
      ),
    );
  }

  // Frontier chart (two roles only).
  if (r.frontier && r.frontier.length && roles.length === 2) {
    // My points across, theirs up: the frontier's pairs are in seat order, so swap for seat 1.
    const mine = Math.max(0, roles.findIndex((role) => role.id === myRoleId));
    const other = 1 - mine;
    /** @param {number[]} p */
    const flip = (p) => [Number(p[mine]), Number(p[other])];
    const them = roles[other];
    const outcomePoint = flip([roles[0].score, roles[1].score]);
    el.appendChild(
      h(
        'section',
        { class: 'card' },
        h('h2', null, t('player.results.possible')),
        h(
          'p',
          { class: 'muted small' },
          t('player.results.possible_hint'),
        ),
        frontierChart({
          frontier: r.frontier.map(flip),
          xLabel: t('player.ready.you'),
          yLabel: them.player || them.name,
          batna: flip([roles[0].batna, roles[1].batna]),
          outcome: outcomePoint,
          outcomeLabel: deal ? t('player.results.your_deal') : t('player.results.your_outcome_no_deal'),
          nash: r.nash ? flip(r.nash.points) : null,
          title: t('player.results.chart_title', { name: them.player || them.name }),
          width: Math.min(window.innerWidth, 1000) - 60,
        }),
      ),
    );
  }

  // Trust and conduct, and the checked statements.
  const trust = trustSection(r.trust, state);
  if (trust) el.appendChild(trust);
  const transcript = transcriptSection(opts.lines, r.trust, state);
  if (transcript) el.appendChild(transcript);
  if (r.disclosures.length) {
    /** @param {number} seat */
    const nameOf = (seat) => {
      if (seat === state.you.seat) return t('player.ready.you');
      const p = (state.players || []).find((x) => x.seat === seat);
      return p ? p.name : t('common.player_n', { n: seat + 1 });
    };
    el.appendChild(
      h(
        'section',
        { class: 'card', testid: 'results-disclosures' },
        h('h2', null, t('player.results.statements')),
        h('p', { class: 'muted small' }, t('player.results.statements_hint')),
        h(
          'ul',
          { class: 'disclosure-list' },
          r.disclosures.map((d) =>
            h(
              'li',
              { 'data-truthful': String(!!d.truthful) },
              h('span', { class: 'disc-who' }, nameOf(d.seat)),
              h('span', { class: 'disc-text' }, `“${(d.statement && statementText(d.statement, state.scenario.issues)) || d.text}”`),
              h('span', { class: ['type-tag', d.truthful ? 'type-compatible' : 'type-false'] }, d.truthful ? t('player.results.true') : t('player.results.not_true')),
            ),
          ),
        ),
      ),
    );
  }

  // The agreed package, and a better one if there was one.
  if (deal) {
    el.appendChild(
      h('section', { class: 'card' }, h('h2', null, t('player.results.the_deal')), h('div', { class: 'table-scroll' }, packageLines(issues, deal, shownOrdered, myRoleId))),
    );
  }
  if (r.better_package && !r.pareto_optimal && deal) {
    const bp = r.better_package;
    const who = list(
      ordered.map((role) =>
        t('player.results.points_for', {
          points: pts(bp.points[roles.indexOf(role)]),
          name: role.id === myRoleId ? t('player.bargain.you_lower') : role.player || role.name,
        }),
      ),
    );
    el.appendChild(
      h(
        'section',
        { class: 'card', testid: 'results-better' },
        h('h2', null, t('player.results.better')),
        h('p', null, t('player.results.for_example', { who })),
        h('div', { class: 'table-scroll' }, packageLines(issues, bp.package, shownOrdered, myRoleId)),
      ),
    );
  }

  // Issue by issue.
  if (r.issues.length) {
    el.appendChild(
      h(
        'section',
        { class: 'card' },
        h('h2', null, t('player.results.issue_by_issue')),
        h(
          'ul',
          { class: 'issue-list', testid: 'results-issues' },
          r.issues.map((ri) => {
            /** @type {{name: string, options: string[]}} */
            const issue = issueById[ri.id] || { name: ri.name, options: [] };
            return h(
              'li',
              null,
              h('span', { class: 'issue-name' }, ri.name || issue.name),
              ri.type ? h('span', { class: ['type-tag', `type-${ri.type}`] }, issueTypeWords(ri.type)) : null,
              h(
                'span',
                { class: 'small' },
                typeof ri.agreed === 'number' ? t('player.results.agreed', { option: optionLabel(issue, ri.agreed) }) : '',
                typeof ri.best_joint === 'number' ? t('player.results.most_value', { option: optionLabel(issue, ri.best_joint) }) : '',
              ),
            );
          }),
        ),
      ),
    );
  }

  // What each side valued: every role's points side by side, the agreed option highlighted.
  const others = shown.filter((role) => role.id !== myRoleId);
  if (!others.length && roles.length > 1) {
    el.appendChild(
      h(
        'section',
        { class: 'card', testid: 'results-reveal' },
        h('h2', null, t('player.results.other_valued')),
        h('p', { class: 'muted' }, t('player.results.stay_private')),
      ),
    );
  }
  if (others.length) {
    el.appendChild(
      h(
        'section',
        { class: 'card', testid: 'results-reveal' },
        h('h2', null, others.length === 1 ? t('player.results.other_valued') : t('player.results.others_valued')),
        h(
          'p',
          { class: 'muted small' },
          t('player.results.revealed'),
        ),
        h('div', { class: 'table-scroll' }, comparisonTable(issues, shownOrdered, myRoleId, deal)),
        others.map((role) =>
          role.brief
            ? h(
                'details',
                { class: 'reveal-brief', 'data-role': role.id },
                h('summary', null, t('player.results.read_brief', { name: role.player || role.name, role: role.name, points: pts(role.batna) })),
                h('div', { class: 'prose' }, paragraphs(role.brief)),
              )
            : null,
        ),
      ),
    );
  }

  const sheets = observationsSection(r.observations);
  if (sheets) el.appendChild(sheets);

  if (opts.onLeave) {
    const leave = h('button', { type: 'button', class: 'secondary', testid: 'leave' }, t('player.results.leave'));
    leave.addEventListener('click', opts.onLeave);
    const row = h('div', { class: 'button-row center' }, leave);
    if (opts.progress) row.appendChild(h('a', { href: '/progress', testid: 'results-progress' }, t('player.practice.progress_link')));
    el.appendChild(row);
  }
  return el;
}
