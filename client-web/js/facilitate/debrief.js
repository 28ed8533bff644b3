// The debrief: every match in a table, the class's outcomes against the Pareto frontier, the
// distribution of joint value, the small-talk comparison, issue insights, trust against value,
// and any match's transcript. Also the exports and the projector (full-screen) mode.

import { h, replace, show, $ } from '../dom.js';
import { phaseLabel, percent, clock } from '../format.js';
import { apiErrorSentence } from './api.js';
import { outcomeScatter, jointHistogram, treatmentBars, trustScatter, optionBars } from './charts.js';
import { Presenter } from './presenter.js';
import { debriefTeaching } from './teaching.js';
import { TACTIC_NAMES } from '../tactic-names.js';
import { quoteId, isPicked, toggleQuote, loadQuotes } from './quotes.js';
import { observationsCard } from './debrief_observers.js';


/** A line's tactics as small tags (non-strategic lines get none). */
function tacticTags(tactics) {
  const t = Array.isArray(tactics) ? tactics.filter((x) => TACTIC_NAMES[x]) : [];
  if (!t.length) return null;
  return h('span', { class: 'tl-tags' }, t.map((x) => h('span', { class: 'tactic-tag', 'data-tactic': x }, TACTIC_NAMES[x])));
}
import { setStatus, plural, nameList, outcomeText, downloadExport } from './ui.js';

const num1 = (x) => (x == null || !Number.isFinite(Number(x)) ? '–' : (Math.round(Number(x) * 10) / 10).toLocaleString('en'));
const meanSd = (m, sd) => (m == null ? '–' : sd == null ? num1(m) : `${num1(m)} ± ${num1(sd)}`);

const ISSUE_TYPE = {
  integrative: 'Integrative: worth more to one side than the other, so a trade creates value',
  compatible: 'Compatible: both sides want the same option',
  distributive: 'Distributive: what one side gains the other loses',
};

/** 1st, 2nd, 3rd, 4th, ..., 11th, 12th, 13th, 21st: a place in the order issues were settled. */
function ordinal(n) {
  const k = Number(n);
  const teen = k % 100 >= 11 && k % 100 <= 13;
  const suffix = teen ? 'th' : { 1: 'st', 2: 'nd', 3: 'rd' }[k % 10] || 'th';
  return `${k}${suffix}`;
}

export class Debrief {
  constructor({ api, sessionTitle = () => '' }) {
    this.api = api;
    this.data = null;
    this.body = $('[data-testid="debrief-body"]');
    this.status = $('[data-testid="debrief-status"]');
    this.error = $('[data-testid="debrief-error"]');
    this.refreshButton = $('[data-testid="debrief-refresh"]');
    this.fullButton = $('[data-testid="debrief-fullscreen"]');
    this.transcriptFor = null;
    this.scrollToTranscript = false;
    this.loading = null;
    // One transcript box for the page's life: a refresh moves it, never drops it, so a
    // transcript asked for before the first debrief arrives still has somewhere to go.
    this.transcriptBox = h('section', { class: 'card transcript', testid: 'transcript', 'aria-live': 'polite', hidden: true });

    this.presenterButton = $('[data-testid="presenter-open"]');
    this.presenter = new Presenter({
      code: api.code,
      sessionTitle,
      renderers: {
        scatter: (chart) => outcomeScatter(chart),
        histogram: (values, best) => jointHistogram(values, best),
        treatment: (t) => this.treatment(t),
        arms: (a) => this.arms(a),
        tactics: (t) => this.tactics(t),
      },
      onLeave: () => this.presenterButton.focus({ preventScroll: true }),
    });
    this.presenterButton.addEventListener('click', () => this.openPresenter());

    this.refreshButton.addEventListener('click', () => this.refresh());
    this.fullButton.addEventListener('click', () => this.toggleProjector());
    document.addEventListener('fullscreenchange', () => {
      if (!document.fullscreenElement && document.documentElement.dataset.projector === 'debrief') this.setProjector(false);
    });
    document.addEventListener('keydown', (ev) => {
      if (ev.key === 'Escape' && document.documentElement.dataset.projector === 'debrief' && !document.fullscreenElement) this.setProjector(false);
    });
    for (const b of document.querySelectorAll('[data-testid^="export-"][data-file]')) {
      b.addEventListener('click', () => this.download(b));
    }
  }

  /** Number of finished matches in the last debrief (for the "new results" badge). */
  finishedCount() {
    if (!this.data) return null;
    return (this.data.matches || []).filter((m) => m.outcome !== 'running').length;
  }

  async refresh() {
    if (this.loading) return this.loading;
    this.refreshButton.disabled = true;
    setStatus(this.status, 'Loading the debrief…', 'busy');
    this.loading = (async () => {
      try {
        const data = await this.api.debrief();
        this.data = data;
        show(this.error, false);
        this.render(data);
        const t = new Date().toLocaleTimeString([], { hour: '2-digit', minute: '2-digit', second: '2-digit' });
        setStatus(this.status, `Updated at ${t}. Press Refresh for results that came in since.`, 'ok');
        if (this.transcriptFor) {
          const scroll = this.scrollToTranscript;
          this.scrollToTranscript = false;
          await this.showTranscript(this.transcriptFor, { scroll });
        }
      } catch (e) {
        this.error.textContent = `Could not load the debrief: ${apiErrorSentence(e)}`;
        show(this.error, true);
        setStatus(this.status, '', '');
      } finally {
        this.refreshButton.disabled = false;
        this.loading = null;
      }
    })();
    return this.loading;
  }

  // ---------------------------------------------------------------- presenter mode

  /** Refreshes the debrief, then shows it as slides. */
  async openPresenter() {
    if (document.documentElement.dataset.projector === 'debrief') this.setProjector(false);
    await this.refresh();
    if (!this.data) return;
    this.presenter.enter(this.data);
  }

  // ---------------------------------------------------------------- projector

  toggleProjector() {
    this.setProjector(document.documentElement.dataset.projector !== 'debrief');
  }

  setProjector(on) {
    const root = document.documentElement;
    if (on) {
      root.dataset.projector = 'debrief';
      this.fullButton.textContent = 'Leave full-screen';
      this.fullButton.setAttribute('aria-pressed', 'true');
      if (root.requestFullscreen && !document.fullscreenElement) root.requestFullscreen().catch(() => {});
    } else {
      delete root.dataset.projector;
      this.fullButton.textContent = 'Show full-screen';
      this.fullButton.setAttribute('aria-pressed', 'false');
      if (document.fullscreenElement && document.exitFullscreen) document.exitFullscreen().catch(() => {});
    }
  }

  // ---------------------------------------------------------------- exports

  download(button) {
    return downloadExport(this.api, button.dataset.file, button, $('[data-testid="export-status"]'));
  }

  // ---------------------------------------------------------------- rendering

  render(d) {
    const title = $('[data-testid="debrief-title"]');
    title.textContent = d.scenario ? `Debrief — ${d.scenario.title}` : 'Debrief';
    const matches = d.matches || [];
    const st = d.stats || {};
    const parts = [];

    // Headline numbers.
    const stat = (label, value, testid) =>
      h('div', { class: 'stat', testid }, h('span', { class: 'stat-value' }, value), h('span', { class: 'stat-label' }, label));
    const excluded = matches.filter((m) => !m.in_statistics).length;
    parts.push(
      h(
        'div',
        { class: 'stat-strip debrief-stats', testid: 'debrief-stats' },
        stat('matches in the statistics', String(st.n ?? 0), 'debrief-n'),
        stat('deals', String(st.deals ?? 0), 'debrief-deals'),
        stat('impasse rate', st.impasse_rate == null ? '–' : percent(st.impasse_rate), 'debrief-impasse-rate'),
        stat('mean joint value', meanSd(st.mean_joint_value, st.sd_joint_value), 'debrief-mean-joint'),
        stat('mean efficiency', st.mean_efficiency == null ? '–' : percent(st.mean_efficiency), 'debrief-mean-efficiency'),
        stat('mean trust built', meanSd(st.mean_trust, st.sd_trust), 'debrief-mean-trust'),
      ),
    );
    if (excluded) {
      parts.push(
        h('p', { class: 'muted small' }, `${plural(excluded, 'match', 'matches')} still running or abandoned ${excluded === 1 ? 'is' : 'are'} listed in the table but left out of every statistic.`),
      );
    }

    // The scenario's teaching notes, for the facilitator (not in the projector mode).
    parts.push(debriefTeaching(d.scenario && d.scenario.teaching));

    // Table of matches.
    parts.push(this.matchTable(matches));

    // Transcript slot.
    parts.push(this.transcriptBox);

    // Charts.
    const best = matches.map((m) => m.max_joint_value).find((x) => x != null);
    const charts = h('div', { class: 'chart-grid' });
    if (d.chart) {
      charts.appendChild(
        h(
          'section',
          { class: 'card chart-card wide', 'aria-labelledby': 'scatter-h' },
          h('h3', { id: 'scatter-h' }, 'Outcomes against the best possible deals'),
          h(
            'p',
            { class: 'muted small' },
            'Each mark is one match. Marks on the frontier line left nothing on the table; the further below it, the more value the pair missed.',
          ),
          (d.chart.outcomes || []).length ? null : h('p', { class: 'muted', testid: 'scatter-empty' }, 'No finished match yet.'),
          outcomeScatter(d.chart),
        ),
      );
    } else {
      charts.appendChild(
        h('section', { class: 'card chart-card' }, h('h3', null, 'Outcomes'), h('p', { class: 'muted' }, 'The frontier chart is drawn for two-role scenarios only.')),
      );
    }
    // Full width, after the outcomes chart (also full width), so the half-width cards pair up.
    if (d.arms) charts.appendChild(this.arms(d.arms));
    const jv = d.joint_values || [];
    charts.appendChild(
      h(
        'section',
        { class: 'card chart-card', 'aria-labelledby': 'hist-h' },
        h('h3', { id: 'hist-h' }, 'Joint value'),
        h(
          'p',
          { class: 'big-line', testid: 'impasse-rate' },
          st.impasse_rate == null
            ? 'No finished match yet.'
            : `Impasse rate ${percent(st.impasse_rate)} (${st.impasses ?? 0} of ${st.n ?? 0})`,
        ),
        jv.length ? jointHistogram(jv, best) : h('p', { class: 'muted' }, 'The distribution appears once matches finish.'),
      ),
    );
    // The small-talk card compares by small talk alone: shown unless arms (which may not differ
    // in small talk) are the session's design.
    if (!d.arms || d.arms.source === 'small_talk_split') charts.appendChild(this.treatment(d.treatment || {}));
    charts.appendChild(this.tactics(d.tactics || {}));
    const observed = observationsCard(d);
    if (observed) charts.appendChild(observed);
    const tv = d.trust_vs_value || [];
    const withTrust = tv.filter((p) => p.trust_built != null).length;
    charts.appendChild(
      h(
        'section',
        { class: 'card chart-card', 'aria-labelledby': 'trust-h' },
        h('h3', { id: 'trust-h' }, 'Trust built and joint value'),
        h(
          'p',
          { class: 'muted small' },
          'Trust built: the survey answers averaged with the estimate read from how the players negotiated (the estimate alone where nobody answered).',
        ),
        withTrust ? trustScatter(tv, best, new Map(matches.map((m) => [m.id, !!m.small_talk]))) : h('p', { class: 'muted' }, 'No finished match yet.'),
        tv.length > withTrust ? h('p', { class: 'muted small' }, `${plural(tv.length - withTrust, 'match', 'matches')} without a trust score.`) : null,
      ),
    );
    parts.push(charts);

    // Issues.
    if ((d.issues || []).length) {
      parts.push(
        h(
          'section',
          { class: 'card issues', testid: 'issues', 'aria-labelledby': 'issues-h' },
          h('h3', { id: 'issues-h' }, 'Issue by issue'),
          h(
            'div',
            { class: 'issue-grid' },
            d.issues.map((i) =>
              h(
                'article',
                { class: 'issue', testid: 'issue', 'data-issue': i.id },
                h('h4', null, i.name, i.type ? h('span', { class: `tag type-${i.type}`, title: ISSUE_TYPE[i.type] || '' }, i.type) : null),
                i.deals > 0
                  ? h('p', { class: 'insight', testid: 'issue-insight' }, i.insight)
                  : h('p', { class: 'muted', testid: 'issue-insight' }, 'Insights appear once pairs reach deals.'),
                optionBars(i),
              ),
            ),
          ),
        ),
      );
    }

    // The order issues were settled in principle (only once some match did).
    const terms = d.terms;
    if (terms && terms.matches_with_terms > 0) {
      parts.push(
        h(
          'section',
          { class: 'card settled', testid: 'debrief-terms', 'aria-labelledby': 'terms-h' },
          h('h3', { id: 'terms-h' }, 'Issues agreed in principle'),
          h('p', { class: 'insight', testid: 'terms-insight' }, terms.insight),
          h(
            'p',
            { class: 'muted small' },
            `${plural(terms.agreements, 'agreement')} in principle, ${terms.reopened} reopened; the deals kept ${terms.kept_in_deal} of the ${terms.in_force_at_deal} still in force when they were made.`,
          ),
          h(
            'table',
            { class: 'data settled-table' },
            h(
              'thead',
              null,
              h(
                'tr',
                null,
                h('th', { scope: 'col' }, 'Issue'),
                h('th', { scope: 'col', class: 'num' }, 'Matches that agreed it'),
                h('th', { scope: 'col', class: 'num' }, 'Agreed first'),
                h('th', { scope: 'col', class: 'num' }, 'Mean place'),
              ),
            ),
            h(
              'tbody',
              null,
              (terms.issues || []).map((i) =>
                h(
                  'tr',
                  { testid: 'terms-issue-row', 'data-issue': i.id },
                  h('th', { scope: 'row' }, i.name),
                  h('td', { class: 'num' }, String(i.agreed)),
                  h('td', { class: 'num' }, String(i.first)),
                  h('td', { class: 'num' }, i.mean_place == null ? '–' : i.mean_place.toFixed(1)),
                ),
              ),
            ),
          ),
        ),
      );
    }

    replace(this.body, parts);
  }

  matchTable(matches) {
    const roles = (matches[0] && matches[0].roles) || [];
    const tbody = h('tbody');
    matches.forEach((m, i) => {
      const playersCell = h(
        'ul',
        { class: 'who' },
        (m.players || []).map((p, k) => h('li', { title: m.roles && m.roles[k] ? `${p}: ${m.roles[k]}` : null }, h('span', { class: 'pname' }, p))),
      );
      const pointsCell = m.points ? m.points.map((x) => String(x)).join(' / ') : '–';
      const excluded = !m.in_statistics;
      let outcome = outcomeText(m.outcome === 'impasse' ? { kind: 'impasse', reason: m.outcome_reason } : m.outcome);
      if (m.outcome === 'running') outcome = `Unfinished (${phaseLabel(m.phase).toLowerCase()})`;
      const button = h(
        'button',
        { type: 'button', class: 'link-button small', testid: 'debrief-transcript', 'aria-label': `Transcript of match ${i + 1} (${nameList(m.players || [])})` },
        'Transcript',
      );
      button.addEventListener('click', (ev) => {
        ev.stopPropagation();
        this.showTranscript(m.id);
      });
      const tr = h(
        'tr',
        {
          testid: 'debrief-row',
          'data-match-id': m.id,
          'data-outcome': m.outcome,
          'data-in-statistics': String(!!m.in_statistics),
          class: ['clickable', excluded ? 'excluded' : null, m.outcome ? `outcome-${m.outcome}` : null],
          title: 'Show the transcript',
        },
        h('td', { class: 'num' }, String(i + 1)),
        h('td', null, playersCell),
        h('td', null, m.small_talk ? 'yes' : 'no', m.arm ? h('span', { class: 'tag arm-tag', testid: 'cell-arm' }, m.arm) : null),
        h('td', null, h('span', { class: 'outcome-text' }, outcome), excluded ? h('span', { class: 'tag excluded-tag' }, 'not in stats') : null),
        h('td', { class: 'num', testid: 'cell-points' }, pointsCell),
        h('td', { class: 'num', testid: 'cell-joint' }, m.joint_value == null ? '–' : String(m.joint_value)),
        h('td', { class: 'num', testid: 'cell-efficiency' }, m.efficiency == null ? '–' : percent(m.efficiency)),
        h('td', { class: 'center', testid: 'cell-pareto' }, m.pareto_optimal == null ? '–' : m.pareto_optimal ? '✓ yes' : 'no'),
        h('td', { class: 'num', testid: 'cell-trust' }, num1(m.trust_built)),
        h('td', { class: 'num', testid: 'cell-behaviour' }, num1(m.behaviour_index)),
        h('td', { class: 'num' }, `${m.offers ?? 0} / ${m.messages ?? 0}`),
        h('td', { class: 'no-projector' }, button),
      );
      tr.addEventListener('click', () => this.showTranscript(m.id));
      tbody.appendChild(tr);
    });
    const th = (text, cls, title) => h('th', { scope: 'col', class: cls, title }, text);
    const table = h(
      'table',
      { class: 'data debrief-table', testid: 'debrief-table' },
      h('caption', { class: 'sr-only' }, 'Every match of the session'),
      h(
        'thead',
        null,
        h(
          'tr',
          null,
          th('#', 'num'),
          th('Players', null, roles.length ? `In role order: ${roles.join(' / ')}` : ''),
          th('Small talk'),
          th('Outcome'),
          th('Points', 'num', roles.length ? `In role order: ${roles.join(' / ')}` : ''),
          th('Joint value', 'num'),
          th('Efficiency', 'num', 'Joint value as a share of the best joint value possible'),
          th('Pareto-optimal', 'center', 'No other package is better for one side without being worse for the other'),
          th('Trust built', 'num', 'Survey averaged with the behavioural estimate, 0–100'),
          th('Behaviour index', 'num', '50 is neutral; see docs/scoring.md'),
          th('Offers / messages', 'num'),
          h('th', { scope: 'col', class: 'no-projector' }, h('span', { class: 'sr-only' }, 'Transcript')),
        ),
      ),
      tbody,
    );
    return h(
      'section',
      { class: 'card', 'aria-labelledby': 'table-h' },
      h('h3', { id: 'table-h' }, `Matches (${matches.length})`),
      roles.length ? h('p', { class: 'muted small', testid: 'debrief-table-note' }, `Players and points are listed in role order: ${roles.join(' / ')}.`) : null,
      matches.length
        ? h('div', { class: 'table-scroll wide-table', tabindex: '0', role: 'region', 'aria-label': 'Matches of the session (scrolls)' }, table)
        : h('div', null, h('p', { class: 'muted', testid: 'debrief-table-empty' }, 'No match has started yet.'), h('div', { hidden: true }, table)),
      matches.length ? h('p', { class: 'muted small no-projector' }, 'Click a row to read its transcript.') : null,
    );
  }

  /** What the class did: tactics in the matches that created more value, and with small talk. */
  tactics(t) {
    const rows = Array.isArray(t.rows) ? t.rows : [];
    const num = (x) => (x == null ? '–' : (Math.round(x * 10) / 10).toString());
    const r = (x) => (x == null ? '–' : x.toFixed(2));
    const max = Math.max(0.1, ...rows.flatMap((x) => [x.more_value || 0, x.less_value || 0]));
    const bar = (v, cls) =>
      h('span', { class: `tbar ${cls}`, style: `width:${Math.round(((v || 0) / max) * 100)}%`, 'aria-hidden': 'true' });
    const table = h(
      'table',
      { class: 'data tactics-table', testid: 'debrief-tactics' },
      h('caption', { class: 'sr-only' }, 'Tactics per match'),
      h(
        'thead',
        null,
        h(
          'tr',
          null,
          h('th', { scope: 'col' }, 'Tactic (lines per match)'),
          h('th', { scope: 'col' }, `More value (${t.more_value_matches ?? 0})`),
          h('th', { scope: 'col' }, `Less value (${t.less_value_matches ?? 0})`),
          h('th', { scope: 'col', class: 'num' }, 'r with efficiency'),
          h('th', { scope: 'col', class: 'num' }, 'r with trust'),
          h('th', { scope: 'col', class: 'num' }, 'With small talk'),
          h('th', { scope: 'col', class: 'num' }, 'Without'),
        ),
      ),
      h(
        'tbody',
        null,
        rows.map((x) =>
          h(
            'tr',
            { testid: 'tactic-row', 'data-tactic': x.tactic },
            h('th', { scope: 'row' }, TACTIC_NAMES[x.tactic] || x.tactic),
            h('td', null, h('span', { class: 'tbar-cell' }, bar(x.more_value, 'more'), ` ${num(x.more_value)}`)),
            h('td', null, h('span', { class: 'tbar-cell' }, bar(x.less_value, 'less'), ` ${num(x.less_value)}`)),
            h('td', { class: 'num' }, r(x.r_efficiency)),
            h('td', { class: 'num' }, r(x.r_trust)),
            h('td', { class: 'num' }, num(x.with_small_talk)),
            h('td', { class: 'num' }, num(x.without_small_talk)),
          ),
        ),
      ),
    );
    return h(
      'section',
      { class: 'card chart-card wide', testid: 'debrief-tactics-card', 'aria-labelledby': 'tactics-h' },
      h('h3', { id: 'tactics-h' }, 'What the pairs did: tactics, value and trust'),
      h(
        'p',
        { class: 'muted small' },
        'Each line is read for tactics by a model trained on human negotiations (the CaSiNo corpus, CC BY 4.0). “More value”: matches at or above the class median efficiency. The last two columns answer “what did the small-talk pairs do differently”.',
      ),
      rows.length && t.matches
        ? h('div', { class: 'table-scroll', tabindex: '0', role: 'region', 'aria-label': 'Tactics table (scrolls)' }, table)
        : h('p', { class: 'muted' }, 'The tactics appear once matches finish.'),
    );
  }

  /**
   * The treatment comparison: per arm n, mean ± sd of joint value, efficiency and trust built;
   * each arm against the first with a permutation test; and what those p-values cannot say.
   */
  arms(a) {
    const arms = Array.isArray(a.arms) ? a.arms : [];
    const pct = (m, sd) => (m == null ? '–' : sd == null ? percent(m) : `${percent(m)} ± ${percent(sd)}`);
    const th = (text, cls) => h('th', { scope: 'col', class: cls || null }, text);
    const table = h(
      'table',
      { class: 'data arms-table' },
      h('caption', { class: 'sr-only' }, 'Treatment arms'),
      h('thead', null, h('tr', null, th('Arm'), th('Matches', 'num'), th('Mean joint value ± sd', 'num'), th('Mean efficiency ± sd', 'num'), th('Mean trust built ± sd', 'num'))),
      h(
        'tbody',
        null,
        arms.map((x) =>
          h(
            'tr',
            { testid: 'arm-row', 'data-arm': x.name },
            h('th', { scope: 'row' }, h('span', { class: 'arm-name' }, x.name), h('span', { class: 'muted small arm-settings' }, x.settings)),
            h('td', { class: 'num', testid: 'arm-n' }, x.matches === x.n ? String(x.n) : `${x.n} of ${x.matches} finished`),
            h('td', { class: 'num', testid: 'arm-joint' }, meanSd(x.mean_joint_value, x.sd_joint_value)),
            h('td', { class: 'num' }, pct(x.mean_efficiency, x.sd_efficiency)),
            h('td', { class: 'num' }, `${meanSd(x.mean_trust_built, x.sd_trust_built)}${x.n_trust_built != null ? ` (n ${x.n_trust_built})` : ''}`),
          ),
        ),
      ),
    );
    const MEASURE = { joint_value: 'joint value', efficiency: 'efficiency', trust_built: 'trust built' };
    const comps = (a.comparisons || []).filter((c) => c.p_value != null);
    const signed = (c) => {
      const v = c.measure === 'efficiency' ? `${(c.difference * 100).toFixed(1)} percentage points` : num1(c.difference);
      return c.difference > 0 ? `+${v}` : v;
    };
    const pText = (c) => `p = ${c.p_value < 0.001 ? '< 0.001' : c.p_value.toFixed(3)}`;
    const how = (c) => (c.exact ? `exact, all ${c.permutations.toLocaleString('en')} relabellings` : `${c.permutations.toLocaleString('en')} random relabellings`);
    const compTable = comps.length
      ? h(
          'table',
          { class: 'data arms-comparisons' },
          h('caption', { class: 'sr-only' }, 'Each arm against the first'),
          h('thead', null, h('tr', null, th('Compared'), th('Difference in the mean', 'num'), th('Permutation test', 'num'))),
          h(
            'tbody',
            null,
            comps.map((c) =>
              h(
                'tr',
                { testid: 'arm-comparison', 'data-measure': c.measure },
                h(
                  'th',
                  { scope: 'row' },
                  h('span', { class: 'arm-name' }, MEASURE[c.measure] || c.measure),
                  h('span', { class: 'muted small arm-settings' }, `${c.arm} − ${c.baseline}`),
                ),
                h('td', { class: 'num' }, signed(c)),
                h('td', { class: 'num' }, pText(c), h('span', { class: 'muted small' }, ` (${how(c)})`)),
              ),
            ),
          ),
        )
      : h('p', { class: 'muted small' }, 'The tests appear once every arm has a finished match.');
    const source =
      a.source === 'treatment'
        ? `Matches were assigned to arms at random in balanced blocks (every ${arms.length} matches hold each arm once; seed ${a.seed}).`
        : 'Matches were split by alternation: every other match skipped small talk.';
    return h(
      'section',
      { class: 'card chart-card arms-card', testid: 'arms', 'aria-labelledby': 'arms-h' },
      h('h3', { id: 'arms-h' }, 'Treatment arms'),
      h('p', { class: 'muted small' }, source),
      h('div', { class: 'table-scroll', tabindex: '0', role: 'region', 'aria-label': 'Treatment arms (scrolls)' }, table),
      h('div', { class: 'table-scroll', tabindex: '0', role: 'region', 'aria-label': 'Comparisons (scrolls)' }, compTable),
      h('p', { class: 'small arms-limits', testid: 'arms-limits' }, a.limits || ''),
    );
  }

  treatment(t) {
    const w = t.with_small_talk || {};
    const wo = t.without_small_talk || {};
    const row = (label, a, b, testid) => h('tr', { testid }, h('th', { scope: 'row' }, label), h('td', { class: 'num' }, a), h('td', { class: 'num' }, b));
    const table = h(
      'table',
      { class: 'data treatment-table' },
      h('caption', { class: 'sr-only' }, 'With and without small talk'),
      h('thead', null, h('tr', null, h('th', { scope: 'col' }, ''), h('th', { scope: 'col', class: 'num' }, 'With small talk'), h('th', { scope: 'col', class: 'num' }, 'Without'))),
      h(
        'tbody',
        null,
        row('Matches (n)', String(w.n ?? 0), String(wo.n ?? 0), 'treatment-n'),
        row('Mean joint value ± sd', meanSd(w.mean_joint_value, w.sd_joint_value), meanSd(wo.mean_joint_value, wo.sd_joint_value), 'treatment-joint'),
        row('Mean efficiency', w.mean_efficiency == null ? '–' : percent(w.mean_efficiency), wo.mean_efficiency == null ? '–' : percent(wo.mean_efficiency), 'treatment-efficiency'),
        row('Impasse rate', w.impasse_rate == null ? '–' : percent(w.impasse_rate), wo.impasse_rate == null ? '–' : percent(wo.impasse_rate), 'treatment-impasse'),
        row(
          'Mean trust built ± sd',
          `${meanSd(w.mean_trust, w.sd_trust)}${w.n_trust != null ? ` (n ${w.n_trust})` : ''}`,
          `${meanSd(wo.mean_trust, wo.sd_trust)}${wo.n_trust != null ? ` (n ${wo.n_trust})` : ''}`,
          'treatment-trust',
        ),
      ),
    );
    let note = null;
    if (!(w.n > 0 && wo.n > 0)) {
      note = h(
        'p',
        { class: 'muted small' },
        'A comparison needs finished matches in both groups. Choose “Split” for small talk when you set up a session to get them.',
      );
    } else if (w.n < 5 || wo.n < 5) {
      note = h('p', { class: 'muted small' }, 'Few matches in a group: treat any difference as a talking point, not a finding.');
    }
    const hasData = w.n > 0 || wo.n > 0;
    return h(
      'section',
      { class: 'card chart-card', testid: 'treatment', 'aria-labelledby': 'treat-h' },
      h('h3', { id: 'treat-h' }, 'With and without small talk'),
      table,
      hasData
        ? h(
            'div',
            { class: 'bar-pair' },
            treatmentBars(t, 'mean_joint_value', 'sd_joint_value', 'Mean joint value'),
            treatmentBars(t, 'mean_trust', 'sd_trust', 'Mean trust built', { max: 100 }),
          )
        : null,
      note,
    );
  }

  // ---------------------------------------------------------------- transcript

  /**
   * Opens one match's transcript from elsewhere in the console (the live monitor's button):
   * after the debrief refresh under way, if any, so it lands where the drawn page puts it.
   */
  async openTranscript(matchId) {
    this.transcriptFor = matchId;
    this.scrollToTranscript = true;
    // Whatever transcript was open goes at once: never show another match's lines meanwhile.
    this.transcriptBox.dataset.matchId = matchId;
    show(this.transcriptBox, true);
    replace(this.transcriptBox, h('p', { class: 'muted' }, 'Loading the transcript…'));
    if (!this.transcriptBox.isConnected) this.body.prepend(this.transcriptBox);
    if (this.loading) await this.loading;
    if (this.transcriptFor !== matchId || !this.scrollToTranscript) return;
    this.scrollToTranscript = false;
    await this.showTranscript(matchId);
  }

  async showTranscript(matchId, { scroll = true } = {}) {
    this.transcriptFor = matchId;
    this.transcriptBox.dataset.matchId = matchId;
    for (const tr of this.body.querySelectorAll('[data-testid="debrief-row"]')) {
      tr.classList.toggle('selected', tr.dataset.matchId === matchId);
      if (tr.dataset.matchId === matchId) tr.setAttribute('aria-current', 'true');
      else tr.removeAttribute('aria-current');
    }
    show(this.transcriptBox, true);
    replace(this.transcriptBox, h('p', { class: 'muted' }, 'Loading the transcript…'));
    let t;
    try {
      t = await this.api.transcript(matchId);
    } catch (e) {
      replace(this.transcriptBox, h('p', { class: 'error' }, `Could not load the transcript: ${apiErrorSentence(e)}`));
      return;
    }
    if (this.transcriptFor !== matchId) return;
    const items = t.items || [];
    const row = ((this.data && this.data.matches) || []).find((m) => m.id === matchId);
    this.transcriptRoles = (row && row.roles) || [];
    const start = items.length ? items[0].at : 0;
    const close = h('button', { type: 'button', class: 'secondary small', testid: 'transcript-close' }, 'Close');
    close.addEventListener('click', () => {
      this.transcriptFor = null;
      show(this.transcriptBox, false);
      for (const tr of this.body.querySelectorAll('[data-testid="debrief-row"].selected')) tr.classList.remove('selected');
    });
    const number = ((this.data && this.data.matches) || []).findIndex((m) => m.id === matchId);
    this.transcriptMatch = { id: matchId, no: number + 1 };
    const heading = h(
      'h3',
      { tabindex: '-1', testid: 'transcript-heading' },
      `Transcript${number >= 0 ? ` of match ${number + 1}` : ''}: ${nameList(t.players || [])}`,
    );
    const settled = (row && row.settlements) || [];
    replace(
      this.transcriptBox,
      h('div', { class: 'section-head' }, heading, close),
      settled.length
        ? h(
            'div',
            { class: 'settled-order', testid: 'transcript-settled' },
            h('p', { class: 'small' }, h('strong', null, 'Order issues were agreed in principle')),
            h(
              'ol',
              { class: 'small' },
              settled.map((x) =>
                h(
                  'li',
                  null,
                  `${x.text} — proposed by ${x.proposed_by}`,
                  x.reopened_at != null ? ' (reopened later)' : '',
                  x.in_deal === false ? ' (the deal changed it)' : '',
                ),
              ),
            ),
          )
        : null,
      items.some((it) => it.kind === 'chat' || it.kind === 'disclosure')
        ? h(
            'p',
            { class: 'muted small no-projector', testid: 'quote-hint' },
            '“Quote” picks a line for the quotes slide of presenter mode (kept in this browser only; the slide hides names unless you show them). ',
            h('span', { testid: 'quote-count' }, this.quoteCountText()),
          )
        : null,
      items.length
        ? h('ol', { class: 'timeline', testid: 'transcript-items', tabindex: '0', 'aria-label': 'Transcript lines (scrolls)' }, items.map((it) => this.transcriptItem(it, start, t)))
        : h('p', { class: 'muted' }, 'Nothing happened in this match yet.'),
    );
    if (scroll) {
      this.transcriptBox.scrollIntoView({ block: 'start', behavior: 'smooth' });
      heading.focus({ preventScroll: true });
    }
  }

  quoteCountText() {
    const n = loadQuotes(this.api.code).length;
    return n ? `${plural(n, 'quote')} picked so far.` : 'No quote picked yet.';
  }

  /** A toggle that picks a player's line as a quote for presenter mode (or puts it back). */
  quoteButton(it, who) {
    const m = this.transcriptMatch || { id: '', no: 0 };
    const id = quoteId(m.id, Number(it.at), Number(it.seat));
    const picked = isPicked(this.api.code, id);
    const label = (on) => (on ? 'Quoted ✓' : 'Quote');
    const b = h(
      'button',
      {
        type: 'button',
        class: ['quote-pick', 'no-projector', picked ? 'picked' : null],
        testid: 'quote-pick',
        'aria-pressed': String(picked),
        'aria-label': `Quote this line by ${who} in presenter mode`,
      },
      label(picked),
    );
    b.addEventListener('click', () => {
      const on = toggleQuote(this.api.code, {
        id,
        match_id: m.id,
        match_no: m.no,
        at: Number(it.at),
        seat: Number(it.seat),
        name: String(who),
        role: String(this.transcriptRoles[it.seat] || ''),
        text: String(it.text || ''),
      });
      b.setAttribute('aria-pressed', String(on));
      b.classList.toggle('picked', on);
      b.textContent = label(on);
      const count = this.transcriptBox.querySelector('[data-testid="quote-count"]');
      if (count) count.textContent = this.quoteCountText();
    });
    return b;
  }

  transcriptItem(it, start, t) {
    const time = h('span', { class: 'tl-time', title: new Date(it.at).toLocaleTimeString() }, clock(it.at - start));
    const who = (it.name != null && it.name !== '') ? it.name : t.players && t.players[it.seat] != null ? t.players[it.seat] : `Seat ${Number(it.seat) + 1}`;
    const li = (cls, ...children) => h('li', { class: `tl-item ${cls}`, testid: `tl-${it.kind}`, 'data-kind': it.kind }, time, h('div', { class: 'tl-body' }, ...children));
    switch (it.kind) {
      case 'phase':
        return li('tl-phase', h('span', { class: 'tl-phase-label' }, phaseLabel(it.phase)));
      case 'icebreaker':
        return li('tl-icebreaker', h('span', { class: 'tl-who' }, 'Icebreaker'), h('span', { class: 'tl-text' }, it.text));
      case 'chat':
        return li(
          `tl-chat seat-${it.seat}`,
          h('span', { class: 'tl-who' }, who),
          h('span', { class: 'tl-text' }, it.text),
          tacticTags(it.tactics),
          this.quoteButton(it, who),
        );
      case 'coached':
        return li('tl-coached', h('span', { class: 'tl-who' }, `Coaching for ${who}`), h('span', { class: 'tl-text' }, it.text));
      case 'disclosure':
        return li(
          `tl-disclosure seat-${it.seat}`,
          h('span', { class: 'tl-who' }, who, h('span', { class: 'tag' }, 'statement')),
          h('span', { class: 'tl-text' }, it.text),
          it.truthful == null ? null : h('span', { class: ['verdict', it.truthful ? 'true' : 'false'] }, it.truthful ? 'true to their points' : 'misleading'),
          tacticTags(it.tactics),
          this.quoteButton(it, who),
        );
      case 'offer':
        return li(
          'tl-offer',
          h('span', { class: 'tl-who' }, `${who} offers`, h('span', { class: 'tag' }, `offer ${it.offer_id}`)),
          h('span', { class: 'tl-text' }, it.text),
          Array.isArray(it.points)
            ? h(
                'span',
                { class: 'tl-points' },
                it.points.map((p, k) => `${this.transcriptRoles[k] || `seat ${k + 1}`}: ${p} pts`).join(' · '),
              )
            : null,
        );
      case 'accept':
        return li('tl-accept', h('span', { class: 'tl-who' }, who), h('span', { class: 'tl-text' }, `accepts offer ${it.offer_id}`));
      case 'reject':
        return li('tl-reject', h('span', { class: 'tl-who' }, who), h('span', { class: 'tl-text' }, `rejects offer ${it.offer_id}`));
      case 'withdraw':
        return li('tl-withdraw', h('span', { class: 'tl-who' }, who), h('span', { class: 'tl-text' }, `withdraws offer ${it.offer_id}`));
      case 'seat_handed':
        return li(
          'tl-handed',
          h('span', { class: 'tl-who' }, 'Seat handed on'),
          h('span', { class: 'tl-text' }, `${it.from || 'A player who had gone'} → ${it.name || 'someone else'}: from here on, this seat's lines are ${it.name || 'theirs'}.`),
        );
      case 'terms_proposed':
        return li(
          'tl-terms',
          h('span', { class: 'tl-who' }, who, h('span', { class: 'tag' }, 'in principle')),
          h('span', { class: 'tl-text' }, `proposes ${it.text}`),
        );
      case 'terms_accepted':
        return li('tl-terms', h('span', { class: 'tl-who' }, who), h('span', { class: 'tl-text' }, `agrees on ${it.issue_name}`));
      case 'terms_rejected':
        return li('tl-terms', h('span', { class: 'tl-who' }, who), h('span', { class: 'tl-text' }, `rejects the proposal on ${it.issue_name}`));
      case 'terms_withdrawn':
        return li('tl-terms', h('span', { class: 'tl-who' }, who), h('span', { class: 'tl-text' }, `withdraws the proposal on ${it.issue_name}`));
      case 'terms_agreed':
        return li(
          'tl-terms tl-terms-agreed',
          h('span', { class: 'tl-who' }, `Agreed in principle (${ordinal(it.order)})`),
          h('span', { class: 'tl-text' }, `${it.text}, proposed by ${it.proposer}`),
        );
      case 'terms_reopened':
        return li('tl-terms', h('span', { class: 'tl-who' }, who), h('span', { class: 'tl-text' }, `reopens ${it.issue_name}`));
      case 'walk_away':
        return li('tl-walk', h('span', { class: 'tl-who' }, who), h('span', { class: 'tl-text' }, 'walks away'));
      case 'ended':
        return li('tl-ended', h('span', { class: 'tl-who' }, 'Ended'), h('span', { class: 'tl-text' }, outcomeText(it.outcome)));
      default:
        return li('tl-other', h('span', { class: 'tl-text' }, String(it.kind)));
    }
  }
}
