// The debrief: every match in a table, the class's outcomes against the Pareto frontier, the
// distribution of joint value, the small-talk comparison, issue insights, trust against value,
// and any match's transcript. Also the exports and the projector (full-screen) mode.

import { h, replace, show, $ } from '../dom.js';
import { t, tn, num, dateTime, language } from '../i18n.js';
import { clock } from '../format.js';
import { apiErrorSentence } from './api.js';
import { outcomeScatter, jointHistogram, treatmentBars, trustScatter, optionBars } from './charts.js';
import { Presenter } from './presenter.js';
import { debriefTeaching } from './teaching.js';
import { TACTIC_NAMES } from '../tactic-names.js';
import { coachText, statementText } from '../server-words.js';
import { quoteId, isPicked, toggleQuote, loadQuotes } from './quotes.js';
import { observationsCard } from './debrief_observers.js';
import { setStatus, nameList, outcomeText, downloadExport, phaseName, pct, num1 } from './ui.js';
import { issueInsight, termsInsight, armsLimits, armSettings, armName } from './insights.js';

/** @typedef {import('./shapes.js').DebriefData} DebriefData */
/** @typedef {import('./shapes.js').DebriefMatch} DebriefMatch */
/** @typedef {import('./shapes.js').DebriefArms} DebriefArms */
/** @typedef {import('./shapes.js').ArmComparison} ArmComparison */
/** @typedef {import('./shapes.js').DebriefTactics} DebriefTactics */
/** @typedef {import('./shapes.js').GroupStats} GroupStats */
/** @typedef {import('./shapes.js').Transcript} Transcript */
/** @typedef {import('./shapes.js').TranscriptItem} TranscriptItem */

/** @type {Record<string, string>} the tagger's tactic names (tactic-names.js) by tactic */
const TACTICS = TACTIC_NAMES;

/**
 * A line's tactics as small tags (non-strategic lines get none).
 * @param {unknown} tactics
 */
function tacticTags(tactics) {
  const known = Array.isArray(tactics) ? tactics.filter((x) => TACTICS[x]) : [];
  if (!known.length) return null;
  return h('span', { class: 'tl-tags' }, known.map((x) => h('span', { class: 'tactic-tag', 'data-tactic': x }, TACTICS[x])));
}

/**
 * @param {number | null | undefined} m
 * @param {number | null | undefined} sd
 */
const meanSd = (m, sd) => (m == null ? '–' : sd == null ? num1(m) : `${num1(m)} ± ${num1(sd)}`);

/** @param {string} type */
function issueTypeTitle(type) {
  switch (type) {
    case 'integrative':
      return t('console.debrief.type_integrative');
    case 'compatible':
      return t('console.debrief.type_compatible');
    case 'distributive':
      return t('console.debrief.type_distributive');
    default:
      return '';
  }
}

/** @param {string} type */
function issueTypeName(type) {
  switch (type) {
    case 'integrative':
      return t('console.debrief.tag_integrative');
    case 'compatible':
      return t('console.debrief.tag_compatible');
    case 'distributive':
      return t('console.debrief.tag_distributive');
    default:
      return type;
  }
}

/**
 * A place in the order issues were settled, in the language's way of writing it: 1st, 2nd (en),
 * 1.º (es), 1. (de).
 * @param {number} n
 */
function ordinal(n) {
  const k = Number(n);
  const category = new Intl.PluralRules(language(), { type: 'ordinal' }).select(k);
  switch (category) {
    case 'one':
      return t('console.debrief.ordinal_one', { n: k });
    case 'two':
      return t('console.debrief.ordinal_two', { n: k });
    case 'few':
      return t('console.debrief.ordinal_few', { n: k });
    default:
      return t('console.debrief.ordinal_other', { n: k });
  }
}

export class Debrief {
  /** @param {{api: import('./api.js').SessionApi, sessionTitle?: () => string}} o */
  constructor({ api, sessionTitle = () => '' }) {
    this.api = api;
    /** @type {DebriefData | null} */
    this.data = null;
    this.body = $('[data-testid="debrief-body"]');
    this.status = $('[data-testid="debrief-status"]');
    this.error = $('[data-testid="debrief-error"]');
    this.refreshButton = /** @type {HTMLButtonElement} */ ($('[data-testid="debrief-refresh"]'));
    this.fullButton = $('[data-testid="debrief-fullscreen"]');
    /** @type {string | null} */
    this.transcriptFor = null;
    this.scrollToTranscript = false;
    /** @type {Promise<void> | null} */
    this.loading = null;
    /** @type {string[]} role names by seat, of the transcript shown */
    this.transcriptRoles = [];
    /** @type {{name: string, options: string[]}[]} the issues of the transcript shown, by index */
    this.transcriptIssues = [];
    /** @type {{id: string, no: number} | null} */
    this.transcriptMatch = null;
    // One transcript box for the page's life: a refresh moves it, never drops it, so a
    // transcript asked for before the first debrief arrives still has somewhere to go.
    this.transcriptBox = h('section', { class: 'card transcript', testid: 'transcript', 'aria-live': 'polite', hidden: true });

    this.presenterButton = /** @type {HTMLButtonElement} */ ($('[data-testid="presenter-open"]'));
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
    for (const b of document.querySelectorAll('button[data-testid^="export-"][data-file]')) {
      b.addEventListener('click', () => this.download(/** @type {HTMLButtonElement} */ (b)));
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
    setStatus(this.status, t('console.debrief.loading'), 'busy');
    this.loading = (async () => {
      try {
        const data = await this.api.debrief();
        this.data = data;
        show(this.error, false);
        this.render(data);
        const at = dateTime(Date.now(), { hour: '2-digit', minute: '2-digit', second: '2-digit' });
        setStatus(this.status, t('console.debrief.updated', { time: at }), 'ok');
        if (this.transcriptFor) {
          const scroll = this.scrollToTranscript;
          this.scrollToTranscript = false;
          await this.showTranscript(this.transcriptFor, { scroll });
        }
      } catch (e) {
        this.error.textContent = t('console.debrief.load_failed', { reason: apiErrorSentence(e) });
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

  /** @param {boolean} on */
  setProjector(on) {
    const root = document.documentElement;
    if (on) {
      root.dataset.projector = 'debrief';
      this.fullButton.textContent = t('console.fullscreen.leave');
      this.fullButton.setAttribute('aria-pressed', 'true');
      if (root.requestFullscreen && !document.fullscreenElement) root.requestFullscreen().catch(() => {});
    } else {
      delete root.dataset.projector;
      this.fullButton.textContent = t('console.debrief.fullscreen');
      this.fullButton.setAttribute('aria-pressed', 'false');
      if (document.fullscreenElement && document.exitFullscreen) document.exitFullscreen().catch(() => {});
    }
  }

  // ---------------------------------------------------------------- exports

  /** @param {HTMLButtonElement} button */
  download(button) {
    return downloadExport(this.api, button.dataset.file || '', button, $('[data-testid="export-status"]'));
  }

  // ---------------------------------------------------------------- rendering

  /** @param {DebriefData} d */
  render(d) {
    const title = $('[data-testid="debrief-title"]');
    title.textContent = d.scenario ? t('console.debrief.title_named', { title: d.scenario.title }) : t('console.debrief.title');
    const matches = d.matches || [];
    const st = d.stats || {};
    /** @type {unknown[]} */
    const parts = [];

    // Headline numbers.
    /** @param {string} label @param {string} value @param {string} testid */
    const stat = (label, value, testid) =>
      h('div', { class: 'stat', testid }, h('span', { class: 'stat-value' }, value), h('span', { class: 'stat-label' }, label));
    const excluded = matches.filter((m) => !m.in_statistics).length;
    parts.push(
      h(
        'div',
        { class: 'stat-strip debrief-stats', testid: 'debrief-stats' },
        stat(t('console.debrief.stat_n'), num(st.n ?? 0), 'debrief-n'),
        stat(t('console.debrief.stat_deals'), num(st.deals ?? 0), 'debrief-deals'),
        stat(t('console.debrief.stat_impasse'), pct(st.impasse_rate), 'debrief-impasse-rate'),
        stat(t('console.debrief.stat_joint'), meanSd(st.mean_joint_value, st.sd_joint_value), 'debrief-mean-joint'),
        stat(t('console.debrief.stat_efficiency'), pct(st.mean_efficiency), 'debrief-mean-efficiency'),
        stat(t('console.debrief.stat_trust'), meanSd(st.mean_trust, st.sd_trust), 'debrief-mean-trust'),
      ),
    );
    if (excluded) {
      parts.push(h('p', { class: 'muted small' }, tn('console.debrief.excluded', excluded)));
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
          h('h3', { id: 'scatter-h' }, t('console.debrief.scatter_title')),
          h('p', { class: 'muted small' }, t('console.debrief.scatter_hint')),
          (d.chart.outcomes || []).length ? null : h('p', { class: 'muted', testid: 'scatter-empty' }, t('console.debrief.no_finished')),
          outcomeScatter(d.chart),
        ),
      );
    } else {
      charts.appendChild(
        h('section', { class: 'card chart-card' }, h('h3', null, t('console.debrief.outcomes')), h('p', { class: 'muted' }, t('console.debrief.two_roles_only'))),
      );
    }
    // Full width, after the outcomes chart (also full width), so the half-width cards pair up.
    if (d.arms) charts.appendChild(this.arms(d.arms));
    const jv = d.joint_values || [];
    charts.appendChild(
      h(
        'section',
        { class: 'card chart-card', 'aria-labelledby': 'hist-h' },
        h('h3', { id: 'hist-h' }, t('console.chart.joint_value')),
        h(
          'p',
          { class: 'big-line', testid: 'impasse-rate' },
          st.impasse_rate == null
            ? t('console.debrief.no_finished')
            : t('console.debrief.impasse_rate', { rate: pct(st.impasse_rate), k: num(st.impasses ?? 0), n: num(st.n ?? 0) }),
        ),
        jv.length ? jointHistogram(jv, best ?? null) : h('p', { class: 'muted' }, t('console.debrief.hist_later')),
      ),
    );
    // The small-talk card compares by small talk alone: shown unless arms (which may not differ
    // in small talk) are the session's design.
    if (!d.arms || d.arms.source === 'small_talk_split') charts.appendChild(this.treatment(d.treatment || { with_small_talk: {}, without_small_talk: {} }));
    charts.appendChild(this.tactics(d.tactics || {}));
    const observed = observationsCard(d);
    if (observed) charts.appendChild(observed);
    const tv = d.trust_vs_value || [];
    const withTrust = tv.filter((p) => p.trust_built != null).length;
    charts.appendChild(
      h(
        'section',
        { class: 'card chart-card', 'aria-labelledby': 'trust-h' },
        h('h3', { id: 'trust-h' }, t('console.debrief.trust_title')),
        h('p', { class: 'muted small' }, t('console.debrief.trust_hint')),
        withTrust ? trustScatter(tv, best, new Map(matches.map((m) => [m.id, !!m.small_talk]))) : h('p', { class: 'muted' }, t('console.debrief.no_finished')),
        tv.length > withTrust ? h('p', { class: 'muted small' }, tn('console.debrief.without_trust', tv.length - withTrust)) : null,
      ),
    );
    parts.push(charts);

    // Issues.
    if ((d.issues || []).length) {
      parts.push(
        h(
          'section',
          { class: 'card issues', testid: 'issues', 'aria-labelledby': 'issues-h' },
          h('h3', { id: 'issues-h' }, t('console.debrief.issues_title')),
          h(
            'div',
            { class: 'issue-grid' },
            d.issues.map((i) =>
              h(
                'article',
                { class: 'issue', testid: 'issue', 'data-issue': i.id },
                h('h4', null, i.name, i.type ? h('span', { class: `tag type-${i.type}`, title: issueTypeTitle(i.type) }, issueTypeName(i.type)) : null),
                i.deals > 0
                  ? h('p', { class: 'insight', testid: 'issue-insight' }, issueInsight(i))
                  : h('p', { class: 'muted', testid: 'issue-insight' }, t('console.debrief.insights_later')),
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
          h('h3', { id: 'terms-h' }, t('console.debrief.terms_title')),
          h('p', { class: 'insight', testid: 'terms-insight' }, termsInsight(terms)),
          h(
            'p',
            { class: 'muted small' },
            tn('console.debrief.terms_counts', terms.agreements, { reopened: num(terms.reopened), kept: num(terms.kept_in_deal), in_force: num(terms.in_force_at_deal) }),
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
                h('th', { scope: 'col' }, t('console.debrief.col_issue')),
                h('th', { scope: 'col', class: 'num' }, t('console.debrief.col_agreed')),
                h('th', { scope: 'col', class: 'num' }, t('console.debrief.col_first')),
                h('th', { scope: 'col', class: 'num' }, t('console.debrief.col_place')),
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
                  h('td', { class: 'num' }, num(i.agreed)),
                  h('td', { class: 'num' }, num(i.first)),
                  h('td', { class: 'num' }, i.mean_place == null ? '–' : num(i.mean_place, { minimumFractionDigits: 1, maximumFractionDigits: 1 })),
                ),
              ),
            ),
          ),
        ),
      );
    }

    replace(this.body, parts);
  }

  /** @param {DebriefMatch[]} matches */
  matchTable(matches) {
    const roles = (matches[0] && matches[0].roles) || [];
    const tbody = h('tbody');
    matches.forEach((m, i) => {
      const playersCell = h(
        'ul',
        { class: 'who' },
        (m.players || []).map((p, k) => h('li', { title: m.roles && m.roles[k] ? `${p}: ${m.roles[k]}` : null }, h('span', { class: 'pname' }, p))),
      );
      const pointsCell = m.points ? m.points.map((x) => num(x)).join(' / ') : '–';
      const excluded = !m.in_statistics;
      let outcome = outcomeText(m.outcome === 'impasse' ? { kind: 'impasse', reason: m.outcome_reason } : m.outcome);
      if (m.outcome === 'running') outcome = t('console.debrief.unfinished', { phase: phaseName(m.phase).toLowerCase() });
      const button = h(
        'button',
        { type: 'button', class: 'link-button small', testid: 'debrief-transcript', 'aria-label': t('console.debrief.transcript_aria', { n: num(i + 1), names: nameList(m.players || []) }) },
        t('console.match.transcript'),
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
          title: t('console.debrief.row_title'),
        },
        h('td', { class: 'num' }, num(i + 1)),
        h('td', null, playersCell),
        h('td', null, m.small_talk ? t('console.debrief.yes') : t('console.debrief.no'), m.arm ? h('span', { class: 'tag arm-tag', testid: 'cell-arm' }, m.arm) : null),
        h('td', null, h('span', { class: 'outcome-text' }, outcome), excluded ? h('span', { class: 'tag excluded-tag' }, t('console.debrief.not_in_stats')) : null),
        h('td', { class: 'num', testid: 'cell-points' }, pointsCell),
        h('td', { class: 'num', testid: 'cell-joint' }, m.joint_value == null ? '–' : num(m.joint_value)),
        h('td', { class: 'num', testid: 'cell-efficiency' }, pct(m.efficiency)),
        h('td', { class: 'center', testid: 'cell-pareto' }, m.pareto_optimal == null ? '–' : m.pareto_optimal ? t('console.debrief.pareto_yes') : t('console.debrief.no')),
        h('td', { class: 'num', testid: 'cell-trust' }, num1(m.trust_built)),
        h('td', { class: 'num', testid: 'cell-behaviour' }, num1(m.behaviour_index)),
        h('td', { class: 'num' }, `${num(m.offers ?? 0)} / ${num(m.messages ?? 0)}`),
        h('td', { class: 'no-projector' }, button),
      );
      tr.addEventListener('click', () => this.showTranscript(m.id));
      tbody.appendChild(tr);
    });
    /** @param {string} text @param {string | null} [cls] @param {string} [title] */
    const th = (text, cls, title) => h('th', { scope: 'col', class: cls, title }, text);
    const order = roles.length ? t('console.debrief.role_order', { roles: roles.join(' / ') }) : '';
    const table = h(
      'table',
      { class: 'data debrief-table', testid: 'debrief-table' },
      h('caption', { class: 'sr-only' }, t('console.debrief.table_caption')),
      h(
        'thead',
        null,
        h(
          'tr',
          null,
          th('#', 'num'),
          th(t('console.debrief.col_players'), null, order),
          th(t('console.phase.small_talk')),
          th(t('console.debrief.col_outcome')),
          th(t('console.debrief.col_points'), 'num', order),
          th(t('console.chart.joint_value'), 'num'),
          th(t('console.debrief.col_efficiency'), 'num', t('console.debrief.col_efficiency_title')),
          th(t('console.debrief.col_pareto'), 'center', t('console.debrief.col_pareto_title')),
          th(t('console.debrief.col_trust'), 'num', t('console.debrief.col_trust_title')),
          th(t('console.debrief.col_behaviour'), 'num', t('console.debrief.col_behaviour_title')),
          th(t('console.debrief.col_offers'), 'num'),
          h('th', { scope: 'col', class: 'no-projector' }, h('span', { class: 'sr-only' }, t('console.match.transcript'))),
        ),
      ),
      tbody,
    );
    return h(
      'section',
      { class: 'card', 'aria-labelledby': 'table-h' },
      h('h3', { id: 'table-h' }, t('console.debrief.matches_heading', { n: num(matches.length) })),
      roles.length ? h('p', { class: 'muted small', testid: 'debrief-table-note' }, t('console.debrief.table_note', { roles: roles.join(' / ') })) : null,
      matches.length
        ? h('div', { class: 'table-scroll wide-table', tabindex: '0', role: 'region', 'aria-label': t('console.debrief.table_aria') }, table)
        : h('div', null, h('p', { class: 'muted', testid: 'debrief-table-empty' }, t('console.projector.no_match')), h('div', { hidden: true }, table)),
      matches.length ? h('p', { class: 'muted small no-projector' }, t('console.debrief.click_row')) : null,
    );
  }

  /**
   * What the class did: tactics in the matches that created more value, and with small talk.
   * @param {DebriefTactics} tac
   */
  tactics(tac) {
    const rows = Array.isArray(tac.rows) ? tac.rows : [];
    const n1 = (/** @type {number | null} */ x) => (x == null ? '–' : num(Math.round(x * 10) / 10, { maximumFractionDigits: 1 }));
    const r = (/** @type {number | null} */ x) => (x == null ? '–' : num(x, { minimumFractionDigits: 2, maximumFractionDigits: 2 }));
    const max = Math.max(0.1, ...rows.flatMap((x) => [x.more_value || 0, x.less_value || 0]));
    /** @param {number | null} v @param {string} cls */
    const bar = (v, cls) =>
      h('span', { class: `tbar ${cls}`, style: `width:${Math.round(((v || 0) / max) * 100)}%`, 'aria-hidden': 'true' });
    const table = h(
      'table',
      { class: 'data tactics-table', testid: 'debrief-tactics' },
      h('caption', { class: 'sr-only' }, t('console.debrief.tactics_caption')),
      h(
        'thead',
        null,
        h(
          'tr',
          null,
          h('th', { scope: 'col' }, t('console.debrief.col_tactic')),
          h('th', { scope: 'col' }, t('console.debrief.col_more', { n: num(tac.more_value_matches ?? 0) })),
          h('th', { scope: 'col' }, t('console.debrief.col_less', { n: num(tac.less_value_matches ?? 0) })),
          h('th', { scope: 'col', class: 'num' }, t('console.debrief.col_r_efficiency')),
          h('th', { scope: 'col', class: 'num' }, t('console.debrief.col_r_trust')),
          h('th', { scope: 'col', class: 'num' }, t('console.arms.with_talk')),
          h('th', { scope: 'col', class: 'num' }, t('console.debrief.col_without')),
        ),
      ),
      h(
        'tbody',
        null,
        rows.map((x) =>
          h(
            'tr',
            { testid: 'tactic-row', 'data-tactic': x.tactic },
            h('th', { scope: 'row' }, TACTICS[x.tactic] || x.tactic),
            h('td', null, h('span', { class: 'tbar-cell' }, bar(x.more_value, 'more'), ` ${n1(x.more_value)}`)),
            h('td', null, h('span', { class: 'tbar-cell' }, bar(x.less_value, 'less'), ` ${n1(x.less_value)}`)),
            h('td', { class: 'num' }, r(x.r_efficiency)),
            h('td', { class: 'num' }, r(x.r_trust)),
            h('td', { class: 'num' }, n1(x.with_small_talk)),
            h('td', { class: 'num' }, n1(x.without_small_talk)),
          ),
        ),
      ),
    );
    return h(
      'section',
      { class: 'card chart-card wide', testid: 'debrief-tactics-card', 'aria-labelledby': 'tactics-h' },
      h('h3', { id: 'tactics-h' }, t('console.debrief.tactics_title')),
      h('p', { class: 'muted small' }, t('console.debrief.tactics_hint')),
      rows.length && tac.matches
        ? h('div', { class: 'table-scroll', tabindex: '0', role: 'region', 'aria-label': t('console.debrief.tactics_aria') }, table)
        : h('p', { class: 'muted' }, t('console.debrief.tactics_later')),
    );
  }

  /**
   * The treatment comparison: per arm n, mean ± sd of joint value, efficiency and trust built;
   * each arm against the first with a permutation test; and what those p-values cannot say.
   */
  /** @param {DebriefArms} a */
  arms(a) {
    const arms = Array.isArray(a.arms) ? a.arms : [];
    const pctSd = (/** @type {number | null} */ m, /** @type {number | null} */ sd) => (m == null ? '–' : sd == null ? pct(m) : `${pct(m)} ± ${pct(sd)}`);
    const th = (/** @type {string} */ text, /** @type {string} */ cls = '') => h('th', { scope: 'col', class: cls || null }, text);
    const table = h(
      'table',
      { class: 'data arms-table' },
      h('caption', { class: 'sr-only' }, t('console.debrief.arms_title')),
      h(
        'thead',
        null,
        h(
          'tr',
          null,
          th(t('console.debrief.col_arm')),
          th(t('console.chart.matches_axis'), 'num'),
          th(t('console.debrief.col_joint_sd'), 'num'),
          th(t('console.debrief.col_efficiency_sd'), 'num'),
          th(t('console.debrief.col_trust_sd'), 'num'),
        ),
      ),
      h(
        'tbody',
        null,
        arms.map((x) =>
          h(
            'tr',
            { testid: 'arm-row', 'data-arm': x.name },
            h('th', { scope: 'row' }, h('span', { class: 'arm-name' }, armName(a, x.name)), h('span', { class: 'muted small arm-settings' }, armSettings(x.settings))),
            h('td', { class: 'num', testid: 'arm-n' }, x.matches === x.n ? num(x.n) : t('console.debrief.arm_finished', { n: num(x.n), of: num(x.matches) })),
            h('td', { class: 'num', testid: 'arm-joint' }, meanSd(x.mean_joint_value, x.sd_joint_value)),
            h('td', { class: 'num' }, pctSd(x.mean_efficiency, x.sd_efficiency)),
            h('td', { class: 'num' }, `${meanSd(x.mean_trust_built, x.sd_trust_built)}${x.n_trust_built != null ? ` (n ${num(x.n_trust_built)})` : ''}`),
          ),
        ),
      ),
    );
    /** @param {ArmComparison['measure']} measure */
    const measureName = (measure) =>
      measure === 'joint_value' ? t('console.debrief.measure_joint') : measure === 'efficiency' ? t('console.debrief.measure_efficiency') : t('console.debrief.measure_trust');
    const comps = (a.comparisons || []).filter((c) => c.p_value != null);
    /** @param {ArmComparison} c */
    const signed = (c) => {
      const d = c.difference ?? 0;
      const v =
        c.measure === 'efficiency'
          ? t('console.debrief.points_pct', { n: num(d * 100, { minimumFractionDigits: 1, maximumFractionDigits: 1 }) })
          : num1(d);
      return d > 0 ? `+${v}` : v;
    };
    /** @param {ArmComparison} c */
    const pText = (c) => {
      const p = c.p_value ?? 1;
      return `p = ${p < 0.001 ? `< ${num(0.001, { minimumFractionDigits: 3 })}` : num(p, { minimumFractionDigits: 3, maximumFractionDigits: 3 })}`;
    };
    /** @param {ArmComparison} c */
    const how = (c) => t(c.exact ? 'console.debrief.exact' : 'console.debrief.random', { n: num(c.permutations ?? 0) });
    const compTable = comps.length
      ? h(
          'table',
          { class: 'data arms-comparisons' },
          h('caption', { class: 'sr-only' }, t('console.debrief.comparisons_caption')),
          h('thead', null, h('tr', null, th(t('console.debrief.col_compared')), th(t('console.debrief.col_difference'), 'num'), th(t('console.debrief.col_test'), 'num'))),
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
                  h('span', { class: 'arm-name' }, measureName(c.measure)),
                  h('span', { class: 'muted small arm-settings' }, `${armName(a, c.arm)} − ${armName(a, c.baseline)}`),
                ),
                h('td', { class: 'num' }, signed(c)),
                h('td', { class: 'num' }, pText(c), h('span', { class: 'muted small' }, ` (${how(c)})`)),
              ),
            ),
          ),
        )
      : h('p', { class: 'muted small' }, t('console.debrief.tests_later'));
    const source =
      a.source === 'treatment'
        ? t('console.debrief.arms_source', { n: num(arms.length), seed: String(a.seed ?? '') })
        : t('console.debrief.arms_split');
    return h(
      'section',
      { class: 'card chart-card arms-card', testid: 'arms', 'aria-labelledby': 'arms-h' },
      h('h3', { id: 'arms-h' }, t('console.debrief.arms_title')),
      h('p', { class: 'muted small' }, source),
      h('div', { class: 'table-scroll', tabindex: '0', role: 'region', 'aria-label': t('console.debrief.arms_aria') }, table),
      h('div', { class: 'table-scroll', tabindex: '0', role: 'region', 'aria-label': t('console.debrief.comparisons_aria') }, compTable),
      h('p', { class: 'small arms-limits', testid: 'arms-limits' }, armsLimits(a)),
    );
  }

  /** @param {{with_small_talk: GroupStats, without_small_talk: GroupStats}} tr */
  treatment(tr) {
    const w = tr.with_small_talk || {};
    const wo = tr.without_small_talk || {};
    /** @param {string} label @param {string} a @param {string} b @param {string} testid */
    const row = (label, a, b, testid) => h('tr', { testid }, h('th', { scope: 'row' }, label), h('td', { class: 'num' }, a), h('td', { class: 'num' }, b));
    /** @param {GroupStats} g */
    const trust = (g) => `${meanSd(g.mean_trust, g.sd_trust)}${g.n_trust != null ? ` (n ${num(g.n_trust)})` : ''}`;
    const table = h(
      'table',
      { class: 'data treatment-table' },
      h('caption', { class: 'sr-only' }, t('console.debrief.treatment_title')),
      h('thead', null, h('tr', null, h('th', { scope: 'col' }, ''), h('th', { scope: 'col', class: 'num' }, t('console.arms.with_talk')), h('th', { scope: 'col', class: 'num' }, t('console.debrief.col_without')))),
      h(
        'tbody',
        null,
        row(t('console.debrief.row_n'), num(w.n ?? 0), num(wo.n ?? 0), 'treatment-n'),
        row(t('console.debrief.col_joint_sd'), meanSd(w.mean_joint_value, w.sd_joint_value), meanSd(wo.mean_joint_value, wo.sd_joint_value), 'treatment-joint'),
        row(t('console.debrief.row_efficiency'), pct(w.mean_efficiency), pct(wo.mean_efficiency), 'treatment-efficiency'),
        row(t('console.debrief.row_impasse'), pct(w.impasse_rate), pct(wo.impasse_rate), 'treatment-impasse'),
        row(t('console.debrief.col_trust_sd'), trust(w), trust(wo), 'treatment-trust'),
      ),
    );
    const nw = w.n || 0;
    const nwo = wo.n || 0;
    let note = null;
    if (!(nw > 0 && nwo > 0)) {
      note = h('p', { class: 'muted small' }, t('console.debrief.treatment_needs'));
    } else if (nw < 5 || nwo < 5) {
      note = h('p', { class: 'muted small' }, t('console.debrief.treatment_few'));
    }
    const hasData = nw > 0 || nwo > 0;
    return h(
      'section',
      { class: 'card chart-card', testid: 'treatment', 'aria-labelledby': 'treat-h' },
      h('h3', { id: 'treat-h' }, t('console.debrief.treatment_title')),
      table,
      hasData
        ? h(
            'div',
            { class: 'bar-pair' },
            treatmentBars(tr, 'mean_joint_value', 'sd_joint_value', t('console.debrief.bars_joint')),
            treatmentBars(tr, 'mean_trust', 'sd_trust', t('console.debrief.bars_trust'), { max: 100 }),
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
  /** @param {string} matchId */
  async openTranscript(matchId) {
    this.transcriptFor = matchId;
    this.scrollToTranscript = true;
    // Whatever transcript was open goes at once: never show another match's lines meanwhile.
    this.transcriptBox.dataset.matchId = matchId;
    show(this.transcriptBox, true);
    replace(this.transcriptBox, h('p', { class: 'muted' }, t('console.transcript.loading')));
    if (!this.transcriptBox.isConnected) this.body.prepend(this.transcriptBox);
    if (this.loading) await this.loading;
    if (this.transcriptFor !== matchId || !this.scrollToTranscript) return;
    this.scrollToTranscript = false;
    await this.showTranscript(matchId);
  }

  /**
   * @param {string} matchId
   * @param {{scroll?: boolean}} [options]
   */
  async showTranscript(matchId, { scroll = true } = {}) {
    this.transcriptFor = matchId;
    this.transcriptBox.dataset.matchId = matchId;
    for (const tr of this.body.querySelectorAll('tr[data-testid="debrief-row"]')) {
      if (!(tr instanceof HTMLElement)) continue;
      tr.classList.toggle('selected', tr.dataset.matchId === matchId);
      if (tr.dataset.matchId === matchId) tr.setAttribute('aria-current', 'true');
      else tr.removeAttribute('aria-current');
    }
    show(this.transcriptBox, true);
    replace(this.transcriptBox, h('p', { class: 'muted' }, t('console.transcript.loading')));
    /** @type {Transcript} */
    let tx;
    try {
      tx = await this.api.transcript(matchId);
    } catch (e) {
      replace(this.transcriptBox, h('p', { class: 'error' }, t('console.transcript.failed', { reason: apiErrorSentence(e) })));
      return;
    }
    if (this.transcriptFor !== matchId) return;
    const items = tx.items || [];
    const row = ((this.data && this.data.matches) || []).find((m) => m.id === matchId);
    this.transcriptRoles = (row && row.roles) || [];
    this.transcriptIssues = tx.issues || [];
    const start = items.length ? items[0].at : 0;
    const close = h('button', { type: 'button', class: 'secondary small', testid: 'transcript-close' }, t('console.close'));
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
      number >= 0
        ? t('console.transcript.heading_numbered', { n: num(number + 1), names: nameList(tx.players || []) })
        : t('console.transcript.heading', { names: nameList(tx.players || []) }),
    );
    const settled = (row && row.settlements) || [];
    replace(
      this.transcriptBox,
      h('div', { class: 'section-head' }, heading, close),
      settled.length
        ? h(
            'div',
            { class: 'settled-order', testid: 'transcript-settled' },
            h('p', { class: 'small' }, h('strong', null, t('console.transcript.settled_order'))),
            h(
              'ol',
              { class: 'small' },
              settled.map((x) =>
                h(
                  'li',
                  null,
                  t('console.transcript.proposed_by', { text: x.text, name: x.proposed_by }),
                  x.reopened_at != null ? ` ${t('console.transcript.reopened_later')}` : '',
                  x.in_deal === false ? ` ${t('console.transcript.deal_changed')}` : '',
                ),
              ),
            ),
          )
        : null,
      items.some((it) => it.kind === 'chat' || it.kind === 'disclosure')
        ? h(
            'p',
            { class: 'muted small no-projector', testid: 'quote-hint' },
            `${t('console.transcript.quote_hint')} `,
            h('span', { testid: 'quote-count' }, this.quoteCountText()),
          )
        : null,
      items.length
        ? h('ol', { class: 'timeline', testid: 'transcript-items', tabindex: '0', 'aria-label': t('console.transcript.lines_aria') }, items.map((it) => this.transcriptItem(it, start, tx)))
        : h('p', { class: 'muted' }, t('console.transcript.empty')),
    );
    if (scroll) {
      this.transcriptBox.scrollIntoView({ block: 'start', behavior: 'smooth' });
      heading.focus({ preventScroll: true });
    }
  }

  quoteCountText() {
    const n = loadQuotes(this.api.code).length;
    return n ? tn('console.transcript.quotes_picked', n) : t('console.transcript.no_quote');
  }

  /**
   * A toggle that picks a player's line as a quote for presenter mode (or puts it back).
   * @param {TranscriptItem} it
   * @param {string} who
   * @param {string} [text] the line as shown (a statement is worded here), else the item's text
   */
  quoteButton(it, who, text = it.text) {
    const m = this.transcriptMatch || { id: '', no: 0 };
    const id = quoteId(m.id, Number(it.at), Number(it.seat));
    const picked = isPicked(this.api.code, id);
    const label = (/** @type {boolean} */ on) => (on ? t('console.transcript.quoted') : t('console.transcript.quote'));
    const b = h(
      'button',
      {
        type: 'button',
        class: ['quote-pick', 'no-projector', picked ? 'picked' : null],
        testid: 'quote-pick',
        'aria-pressed': String(picked),
        'aria-label': t('console.transcript.quote_aria', { name: who }),
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
        role: String(this.transcriptRoles[Number(it.seat)] || ''),
        text: String(text || ''),
      });
      b.setAttribute('aria-pressed', String(on));
      b.classList.toggle('picked', on);
      b.textContent = label(on);
      const count = this.transcriptBox.querySelector('[data-testid="quote-count"]');
      if (count) count.textContent = this.quoteCountText();
    });
    return b;
  }

  /**
   * @param {TranscriptItem} it
   * @param {number} start
   * @param {Transcript} tx
   */
  transcriptItem(it, start, tx) {
    const time = h('span', { class: 'tl-time', title: dateTime(it.at, { timeStyle: 'medium' }) }, clock(it.at - start));
    const seat = Number(it.seat);
    const who = it.name != null && it.name !== '' ? it.name : tx.players && tx.players[seat] != null ? tx.players[seat] : t('console.transcript.seat', { n: num(seat + 1) });
    const offer = num(Number(it.offer_id));
    /** @param {string} cls @param {...unknown} children */
    const li = (cls, ...children) => h('li', { class: `tl-item ${cls}`, testid: `tl-${it.kind}`, 'data-kind': it.kind }, time, h('div', { class: 'tl-body' }, ...children));
    switch (it.kind) {
      case 'phase':
        return li('tl-phase', h('span', { class: 'tl-phase-label' }, phaseName(it.phase)));
      case 'icebreaker':
        return li('tl-icebreaker', h('span', { class: 'tl-who' }, t('console.transcript.icebreaker')), h('span', { class: 'tl-text' }, it.text));
      case 'chat':
        return li(
          `tl-chat seat-${it.seat}`,
          h('span', { class: 'tl-who' }, who),
          h('span', { class: 'tl-text' }, it.text),
          tacticTags(it.tactics),
          this.quoteButton(it, who),
        );
      case 'coached':
        return li('tl-coached', h('span', { class: 'tl-who' }, t('console.transcript.coaching_for', { name: who })), h('span', { class: 'tl-text' }, coachText({ rule: it.rule || '', text: it.text || '' })));
      case 'disclosure': {
        // Worded in the console's language from the data; the server's English text if it names what we lack.
        const said = (it.statement && statementText(it.statement, this.transcriptIssues)) || it.text;
        return li(
          `tl-disclosure seat-${it.seat}`,
          h('span', { class: 'tl-who' }, who, h('span', { class: 'tag' }, t('console.transcript.statement'))),
          h('span', { class: 'tl-text' }, said),
          it.truthful == null ? null : h('span', { class: ['verdict', it.truthful ? 'true' : 'false'] }, it.truthful ? t('console.transcript.truthful') : t('console.transcript.misleading')),
          tacticTags(it.tactics),
          this.quoteButton(it, who, said),
        );
      }
      case 'offer':
        return li(
          'tl-offer',
          h('span', { class: 'tl-who' }, t('console.transcript.offers', { name: who }), h('span', { class: 'tag' }, t('console.transcript.offer_tag', { n: offer }))),
          h('span', { class: 'tl-text' }, it.text),
          Array.isArray(it.points)
            ? h(
                'span',
                { class: 'tl-points' },
                it.points.map((p, k) => `${this.transcriptRoles[k] || t('console.transcript.seat_lower', { n: num(k + 1) })}: ${tn('console.transcript.pts', p)}`).join(' · '),
              )
            : null,
        );
      case 'accept':
        return li('tl-accept', h('span', { class: 'tl-who' }, who), h('span', { class: 'tl-text' }, t('console.transcript.accepts', { n: offer })));
      case 'reject':
        return li('tl-reject', h('span', { class: 'tl-who' }, who), h('span', { class: 'tl-text' }, t('console.transcript.rejects', { n: offer })));
      case 'withdraw':
        return li('tl-withdraw', h('span', { class: 'tl-who' }, who), h('span', { class: 'tl-text' }, t('console.transcript.withdraws', { n: offer })));
      case 'seat_handed':
        return li(
          'tl-handed',
          h('span', { class: 'tl-who' }, t('console.transcript.seat_handed')),
          h(
            'span',
            { class: 'tl-text' },
            t('console.transcript.handed_text', {
              from: it.from || t('console.transcript.gone_player'),
              to: it.name || t('console.transcript.someone_else'),
              whose: it.name || t('console.transcript.theirs'),
            }),
          ),
        );
      case 'terms_proposed':
        return li(
          'tl-terms',
          h('span', { class: 'tl-who' }, who, h('span', { class: 'tag' }, t('console.transcript.in_principle'))),
          h('span', { class: 'tl-text' }, t('console.transcript.proposes', { text: it.text || '' })),
        );
      case 'terms_accepted':
        return li('tl-terms', h('span', { class: 'tl-who' }, who), h('span', { class: 'tl-text' }, t('console.transcript.agrees_on', { issue: it.issue_name || '' })));
      case 'terms_rejected':
        return li('tl-terms', h('span', { class: 'tl-who' }, who), h('span', { class: 'tl-text' }, t('console.transcript.rejects_on', { issue: it.issue_name || '' })));
      case 'terms_withdrawn':
        return li('tl-terms', h('span', { class: 'tl-who' }, who), h('span', { class: 'tl-text' }, t('console.transcript.withdraws_on', { issue: it.issue_name || '' })));
      case 'terms_agreed':
        return li(
          'tl-terms tl-terms-agreed',
          h('span', { class: 'tl-who' }, t('console.transcript.agreed', { nth: ordinal(Number(it.order)) })),
          h('span', { class: 'tl-text' }, t('console.transcript.agreed_text', { text: it.text || '', name: it.proposer || '' })),
        );
      case 'terms_reopened':
        return li('tl-terms', h('span', { class: 'tl-who' }, who), h('span', { class: 'tl-text' }, t('console.transcript.reopens', { issue: it.issue_name || '' })));
      case 'walk_away':
        return li('tl-walk', h('span', { class: 'tl-who' }, who), h('span', { class: 'tl-text' }, t('console.transcript.walks_away')));
      case 'ended':
        return li('tl-ended', h('span', { class: 'tl-who' }, t('console.transcript.ended')), h('span', { class: 'tl-text' }, outcomeText(it.outcome)));
      default:
        return li('tl-other', h('span', { class: 'tl-text' }, String(it.kind)));
    }
  }
}
