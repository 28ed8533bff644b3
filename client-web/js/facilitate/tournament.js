// The Tournament tab: set up a tournament (rounds, a scenario per round, the leaderboard
// weights), start the next round, and follow the standings and the round-by-round pairings
// live from the monitor frames (their `tournament` field). Every name goes in as text.

import { h, replace, show, $ } from '../dom.js';
import { t, tn, num } from '../i18n.js';
import { apiErrorSentence } from './api.js';
import { setStatus, confirmDialog, announce, outcomeText, downloadExport, phaseName, pct } from './ui.js';

/** @typedef {import('../types.js').MonitorView} MonitorView */
/** @typedef {import('../types.js').TournamentView} TournamentView */
/** @typedef {import('../types.js').TournamentResult} TournamentResult */
/** @typedef {import('./shapes.js').ScenarioListing} ScenarioListing */

const MAX_ROUNDS = 50;

/**
 * A weight for display: at most two decimals, no trailing zeros.
 * @param {number} x
 */
function w2(x) {
  const v = Math.round(Number(x) * 100) / 100;
  return num(v, { maximumFractionDigits: 2 });
}

/**
 * A mean trust or score: one decimal, always shown ("61.0"), or a dash.
 * @param {unknown} x
 */
const num1 = (x) => (x == null || !Number.isFinite(Number(x)) ? '–' : num(Math.round(Number(x) * 10) / 10, { minimumFractionDigits: 1, maximumFractionDigits: 1 }));

/**
 * The leaderboard formula in words: "score = value × 0.7 + trust × 0.3". Weights that do not add
 * up to 1 are shown rescaled (the server divides by their sum), with the weights as entered.
 * @param {number} wv
 * @param {number} wt
 */
export function formula(wv, wt) {
  const sum = wv + wt;
  if (!(sum > 0)) return { text: t('console.tournament.formula_zero'), ok: false };
  const nv = wv / sum;
  const nt = wt / sum;
  let text = t('console.tournament.formula', { value: w2(nv), trust: w2(nt) });
  if (Math.abs(sum - 1) > 1e-9) text += ` ${t('console.tournament.formula_scaled', { value: w2(wv), trust: w2(wt) })}`;
  return { text, ok: true };
}

/**
 * @typedef {object} TournamentOptions
 * @property {import('./api.js').SessionApi} api
 * @property {ScenarioListing[]} scenarios  from GET /api/scenarios; may be empty
 * @property {string} defaultScenario  the session's scenario id
 */

export class Tournament {
  /** @param {TournamentOptions} o */
  constructor(o) {
    this.api = o.api;
    this.scenarios = o.scenarios || [];
    this.byId = new Map(this.scenarios.map((s) => [s.id, s]));
    this.defaultScenario = o.defaultScenario || (this.scenarios[0] && this.scenarios[0].id) || '';
    /** @type {MonitorView | null} */
    this.frame = null;
    this.lastKey = '';
    this.roster = 0;
    /** @type {number | null} the round whose "next round" was refused */
    this.refusedIn = null;

    this.el = {
      setup: $('[data-testid="tournament-setup"]'),
      rounds: /** @type {HTMLInputElement} */ ($('[data-testid="tournament-rounds"]')),
      roundsHint: $('[data-testid="tournament-rounds-hint"]'),
      roundList: $('[data-testid="tournament-round-list"]'),
      roster: $('[data-testid="tournament-roster"]'),
      wValue: /** @type {HTMLInputElement} */ ($('[data-testid="tournament-weight-value"]')),
      wTrust: /** @type {HTMLInputElement} */ ($('[data-testid="tournament-weight-trust"]')),
      formula: $('[data-testid="tournament-formula"]'),
      start: /** @type {HTMLButtonElement} */ ($('[data-testid="tournament-start"]')),
      startStatus: $('[data-testid="tournament-start-status"]'),
      live: $('[data-testid="tournament-live"]'),
      heading: $('[data-testid="tournament-heading"]'),
      progress: $('[data-testid="tournament-progress"]'),
      weights: $('[data-testid="tournament-weights"]'),
      next: /** @type {HTMLButtonElement} */ ($('[data-testid="tournament-next"]')),
      force: /** @type {HTMLInputElement} */ ($('[data-testid="tournament-force"]')),
      nextStatus: $('[data-testid="tournament-next-status"]'),
      standings: $('[data-testid="tournament-standings"]'),
      standingsBody: $('[data-testid="tournament-standings"] tbody'),
      standingsEmpty: $('[data-testid="tournament-standings-empty"]'),
      pairings: $('[data-testid="tournament-pairings"]'),
      exportStatus: $('[data-testid="tournament-export-status"]'),
      tabTag: $('[data-testid="tournament-tab-round"]'),
      full: /** @type {HTMLButtonElement} */ ($('[data-testid="tournament-fullscreen"]')),
    };
    this.wire();
    this.renderRoundList();
    this.renderFormula();
  }

  // ---------------------------------------------------------------- set up

  /** @param {string | null | undefined} id */
  scenarioTitle(id) {
    const sc = id ? this.byId.get(id) : undefined;
    return sc ? sc.title : String(id || '');
  }

  roundCount() {
    const n = Math.floor(Number(this.el.rounds.value));
    return Number.isFinite(n) ? n : 0;
  }

  /** One scenario select per round; keeps the choices already made when the count changes. */
  renderRoundList() {
    const list = this.el.roundList;
    const n = Math.max(0, Math.min(MAX_ROUNDS, this.roundCount()));
    const current = Array.from(list.querySelectorAll('select')).map((s) => s.value);
    const options = (/** @type {string} */ selected) =>
      this.scenarios.length
        ? this.scenarios.map((sc) =>
            h('option', { value: sc.id, selected: sc.id === selected }, t('console.setup.scenario_option', { title: sc.title, roles: tn('console.setup.role_count', (sc.roles || []).length) })),
          )
        : [h('option', { value: selected, selected: true }, selected)];
    const items = [];
    for (let i = 0; i < n; i += 1) {
      const id = `tournament-round-${i + 1}`;
      const selected = current[i] || this.defaultScenario;
      items.push(
        h(
          'li',
          { class: 'round-item' },
          h('label', { for: id }, t('console.tournament.round_label', { n: num(i + 1) })),
          h('select', { id, testid: `tournament-round-scenario-${i + 1}`, 'data-round': String(i + 1) }, options(selected)),
        ),
      );
    }
    replace(list, items);
    this.renderRoundsHint();
  }

  renderRoundsHint() {
    const n = this.roster;
    let text;
    if (n < 2) text = t('console.tournament.rounds_hint_few');
    else {
      const even = n % 2 === 0 ? n : n + 1;
      text = tn('console.tournament.rounds_hint', even - 1, { players: num(n) });
      if (n % 2 === 1) text += ` ${t('console.tournament.rounds_hint_odd')}`;
    }
    this.el.roundsHint.textContent = text;
  }

  weightValues() {
    const read = (/** @type {HTMLInputElement} */ el) => {
      const s = String(el.value).trim();
      const v = Number(s);
      return s === '' || !Number.isFinite(v) ? NaN : v;
    };
    return { value: read(this.el.wValue), trust: read(this.el.wTrust) };
  }

  renderFormula() {
    const w = this.weightValues();
    if (!Number.isFinite(w.value) || !Number.isFinite(w.trust) || w.value < 0 || w.trust < 0) {
      this.el.formula.textContent = t('console.tournament.formula_bad');
      this.el.formula.dataset.ok = 'false';
      return;
    }
    const f = formula(w.value, w.trust);
    this.el.formula.textContent = f.text;
    this.el.formula.dataset.ok = String(f.ok);
  }

  wire() {
    this.el.rounds.addEventListener('input', () => this.renderRoundList());
    for (const el of [this.el.wValue, this.el.wTrust]) el.addEventListener('input', () => this.renderFormula());
    this.el.setup.addEventListener('submit', (ev) => {
      ev.preventDefault();
      this.start();
    });
    this.el.next.addEventListener('click', () => this.nextRound());
    for (const b of document.querySelectorAll('button[data-tournament-export]')) {
      b.addEventListener('click', () => this.download(/** @type {HTMLButtonElement} */ (b)));
    }
    this.el.full.addEventListener('click', () => this.setProjector(document.documentElement.dataset.projector !== 'tournament'));
    document.addEventListener('fullscreenchange', () => {
      if (!document.fullscreenElement && document.documentElement.dataset.projector === 'tournament') this.setProjector(false);
    });
    document.addEventListener('keydown', (ev) => {
      if (ev.key === 'Escape' && document.documentElement.dataset.projector === 'tournament' && !document.fullscreenElement) this.setProjector(false);
    });
  }

  async start() {
    const st = this.el.startStatus;
    const n = this.roundCount();
    if (!(n >= 1 && n <= MAX_ROUNDS) || String(this.el.rounds.value).includes('.')) {
      setStatus(st, t('console.tournament.bad_rounds', { max: num(MAX_ROUNDS) }), 'error');
      this.el.rounds.focus();
      return;
    }
    const rounds = Array.from(this.el.roundList.querySelectorAll('select')).map((s) => s.value);
    if (rounds.length !== n || rounds.some((r) => !r)) {
      setStatus(st, t('console.tournament.choose_scenarios'), 'error');
      return;
    }
    const w = this.weightValues();
    if (!Number.isFinite(w.value) || !Number.isFinite(w.trust) || w.value < 0 || w.trust < 0 || !(w.value + w.trust > 0)) {
      setStatus(st, t('console.tournament.bad_weights'), 'error');
      this.el.wValue.focus();
      return;
    }
    this.el.start.disabled = true;
    setStatus(st, t('console.tournament.starting'), 'busy');
    try {
      const answer = await this.api.control({ action: 'tournament_start', rounds, weights: { value: w.value, trust: w.trust } });
      const m = answer && typeof answer.affected === 'number' ? answer.affected : 0;
      const text = tn('console.tournament.started', m, { rounds: num(n) });
      setStatus(st, text, 'ok');
      setStatus(this.el.nextStatus, text, 'ok');
      announce(text);
      await this.showViewNow();
    } catch (e) {
      setStatus(st, apiErrorSentence(e), 'error');
    } finally {
      this.el.start.disabled = false;
    }
  }

  /** Shows the running tournament at once, without waiting for the next monitor frame. */
  async showViewNow() {
    try {
      const view = await this.api.tournament();
      if (view && view.config && this.frame) this.update({ ...this.frame, tournament: view });
    } catch {
      /* the next monitor frame brings it */
    }
  }

  // ---------------------------------------------------------------- next round

  /**
   * The matches of the last round started, with their monitor rows.
   * @param {TournamentView} tour
   */
  lastRoundState(tour) {
    const r = (tour.rounds || [])[(tour.rounds || []).length - 1];
    if (!r) return { total: 0, done: 0 };
    const byId = new Map(((this.frame && this.frame.matches) || []).map((m) => [m.id, m]));
    const groups = r.groups || [];
    const done = groups.filter((g) => {
      const m = byId.get(g.match_id);
      return m && m.phase === 'results';
    }).length;
    return { total: groups.length, done };
  }

  async nextRound() {
    const tour = this.frame && this.frame.tournament;
    if (!tour || !tour.config) return;
    const force = this.el.force.checked;
    const total = (tour.config.rounds || []).length;
    const next = (tour.round || 0) + 1;
    if (force) {
      const { total: m, done } = this.lastRoundState(tour);
      if (done < m) {
        const ok = await confirmDialog(
          tn('console.tournament.force_confirm', m - done, { next: num(next), previous: num(next - 1) }),
          t('console.tournament.start_round', { n: num(next) }),
        );
        if (!ok) return;
      }
    }
    const st = this.el.nextStatus;
    this.el.next.disabled = true;
    this.el.next.dataset.busy = 'true';
    setStatus(st, t('console.sending'), 'busy');
    try {
      /** @type {Record<string, unknown>} */
      const body = { action: 'tournament_next_round' };
      if (force) body.force = true;
      const answer = await this.api.control(body);
      const m = answer && typeof answer.affected === 'number' ? answer.affected : 0;
      const text = tn('console.tournament.round_started', m, { round: num(next), of: num(total) });
      setStatus(st, text, 'ok');
      announce(text);
      this.el.force.checked = false;
      await this.showViewNow();
    } catch (e) {
      setStatus(st, apiErrorSentence(e), 'error');
      this.refusedIn = tour.round || 0;
    } finally {
      delete this.el.next.dataset.busy;
      this.el.next.disabled = false;
      if (this.frame && this.frame.tournament) this.renderControls(this.frame.tournament);
    }
  }

  // ---------------------------------------------------------------- exports, projector

  /** @param {HTMLButtonElement} button */
  download(button) {
    return downloadExport(this.api, button.dataset.tournamentExport || '', button, this.el.exportStatus);
  }

  /** @param {boolean} on */
  setProjector(on) {
    const root = document.documentElement;
    const b = this.el.full;
    if (on) {
      root.dataset.projector = 'tournament';
      b.textContent = t('console.fullscreen.leave');
      b.setAttribute('aria-pressed', 'true');
      if (root.requestFullscreen && !document.fullscreenElement) root.requestFullscreen().catch(() => {});
    } else {
      if (root.dataset.projector === 'tournament') delete root.dataset.projector;
      b.textContent = t('console.tournament.fullscreen');
      b.setAttribute('aria-pressed', 'false');
      if (document.fullscreenElement && document.exitFullscreen) document.exitFullscreen().catch(() => {});
    }
  }

  // ---------------------------------------------------------------- live view

  /**
   * Every monitor frame (and the first HTTP monitor).
   * @param {MonitorView} frame
   */
  update(frame) {
    this.frame = frame;
    const players = (frame.players || []).filter((p) => p.status !== 'removed');
    if (players.length !== this.roster) {
      this.roster = players.length;
      this.el.roster.textContent = players.length
        ? tn('console.tournament.roster', players.length)
        : t('console.tournament.roster_none');
      this.el.roster.dataset.count = String(players.length);
      this.renderRoundsHint();
    }
    const tour = frame.tournament && frame.tournament.config ? frame.tournament : null;
    show(this.el.setup, !tour);
    show(this.el.live, !!tour);
    const tag = this.el.tabTag;
    if (tour && tour.config) {
      tag.textContent = t('console.tournament.tab_round', { round: num(tour.round), of: num((tour.config.rounds || []).length) });
      show(tag, true);
    } else show(tag, false);
    if (!tour) return;
    // Re-render only when something shown changed (frames arrive every second).
    const phases = ((frame.matches || []).map((m) => `${m.id}:${m.phase}:${m.outcome ? m.outcome.kind : ''}`)).join('|');
    const key = `${JSON.stringify(tour)}#${phases}`;
    if (key === this.lastKey) return;
    this.lastKey = key;
    this.renderControls(tour);
    this.renderStandings(tour);
    this.renderPairings(tour, frame);
  }

  /** @param {TournamentView} tour */
  renderControls(tour) {
    if (!tour || !tour.config) return;
    const config = tour.config;
    const total = (config.rounds || []).length;
    const round = tour.round || 0;
    const scenario = round ? this.scenarioTitle(config.rounds[round - 1]) : '';
    this.el.heading.textContent = t('console.tournament.heading', { round: num(round), of: num(total) });
    this.el.heading.dataset.round = String(round);
    const { total: m, done } = this.lastRoundState(tour);
    const complete = round >= total && done === m;
    // A refusal ("still being played") is stale once that round has finished or moved on.
    if (this.refusedIn != null && (this.refusedIn !== round || done === m) && this.el.nextStatus.dataset.kind === 'error') {
      setStatus(this.el.nextStatus, '', '');
      this.refusedIn = null;
    }
    const roundName = scenario ? t('console.tournament.round_named', { n: num(round), scenario }) : t('console.tournament.round_label', { n: num(round) });
    let text = tn('console.tournament.progress', m, { round: roundName, done: num(done) });
    if (complete) text = tn('console.tournament.complete', total);
    else if (round < total && done === m) {
      const upcoming = config.rounds[round];
      text += ` ${upcoming ? t('console.tournament.ready_for_named', { n: num(round + 1), scenario: this.scenarioTitle(upcoming) }) : t('console.tournament.ready_for', { n: num(round + 1) })}`;
    }
    this.el.progress.textContent = text;
    this.el.progress.dataset.done = String(done);
    this.el.progress.dataset.total = String(m);
    const w = config.weights || { value: 0.7, trust: 0.3 };
    this.el.weights.textContent = formula(Number(w.value), Number(w.trust)).text;
    const last = round >= total;
    this.el.next.textContent = last ? tn('console.tournament.all_started', total) : t('console.tournament.start_round', { n: num(round + 1) });
    if (!this.el.next.dataset.busy) this.el.next.disabled = last;
    this.el.force.disabled = last;
  }

  /** @param {TournamentView} tour */
  renderStandings(tour) {
    const rows = tour.standings || [];
    const tbody = this.el.standingsBody;
    const played = rows.some((r) => r.played > 0);
    replace(
      tbody,
      rows.map((r) =>
        h(
          'tr',
          {
            testid: 'standing-row',
            class: r.rank <= 3 && r.played > 0 ? `top top-${r.rank}` : null,
            'data-rank': String(r.rank),
            'data-name': r.name,
            'data-player-id': r.player,
            'data-played': String(r.played),
            'data-byes': String(r.byes),
            'data-score': String(r.score),
          },
          h('td', { class: 'num rank' }, r.played ? num(r.rank) : '–'),
          // A team by its members; a line breaks after an "&", never inside one member's name.
          h(
            'th',
            { scope: 'row', class: ['pname', r.members && r.members.length ? 'team' : null] },
            r.members && r.members.length ? r.members.join('\u00a0& ') : r.name,
          ),
          h('td', { class: 'num', testid: 'standing-played' }, num(r.played)),
          h('td', { class: 'num', testid: 'standing-byes' }, num(r.byes)),
          h('td', { class: 'num', testid: 'standing-value' }, r.played ? pct(r.value) : '–'),
          h('td', { class: 'num', testid: 'standing-trust' }, num1(r.trust)),
          h('td', { class: 'num score', testid: 'standing-score' }, r.played ? num1(Number(r.score) * 100) : '–'),
        ),
      ),
    );
    show(this.el.standingsEmpty, !played);
  }

  /**
   * @param {TournamentView} tour
   * @param {MonitorView} frame
   */
  renderPairings(tour, frame) {
    const byMatch = new Map((frame.matches || []).map((m) => [m.id, m]));
    /** @type {Map<string, TournamentResult>} */
    const results = new Map();
    for (const r of tour.results || []) results.set(`${r.match_id}|${r.player}`, r);
    const rounds = (tour.rounds || []).slice();
    const configRounds = (tour.config && tour.config.rounds) || [];
    const total = configRounds.length;
    const blocks = rounds.map((r, idx) => {
      const number = r.round || idx + 1;
      const sid = r.scenario || configRounds[number - 1];
      const sc = sid ? this.byId.get(sid) : undefined;
      const groups = r.groups || [];
      const size = Math.max(...groups.map((g) => (g.names || []).length), (sc && sc.roles && sc.roles.length) || 0, 2);
      const roleName = (/** @type {number} */ i) => (sc && sc.roles && sc.roles[i] ? sc.roles[i].name : t('console.tournament.role', { n: num(i + 1) }));
      const head = h(
        'tr',
        null,
        Array.from({ length: size }, (_, i) => h('th', { scope: 'col' }, roleName(i))),
        h('th', { scope: 'col' }, t('console.tournament.match')),
      );
      const body = groups.map((g) => {
        const m = byMatch.get(g.match_id);
        const ids = g.players || [];
        const names = g.names || [];
        const cells = Array.from({ length: size }, (_, i) => {
          const res = results.get(`${g.match_id}|${ids[i]}`);
          return h(
            'td',
            { testid: 'pairing-seat', 'data-seat': String(i), 'data-name': names[i] == null ? '' : names[i] },
            h('span', { class: 'pname' }, names[i] == null ? '' : names[i]),
            res
              ? h(
                  'span',
                  {
                    class: 'seat-value',
                    title: res.trust != null ? t('console.tournament.value_trust_title', { value: pct(res.value), trust: num1(res.trust) }) : t('console.tournament.value_title', { value: pct(res.value) }),
                  },
                  pct(res.value),
                )
              : null,
          );
        });
        let status = t('console.tournament.starting');
        let kind = '';
        if (m) {
          if (m.phase === 'results' || m.outcome) {
            status = outcomeText(m.outcome) || phaseName(m.phase);
            kind = m.outcome ? m.outcome.kind : '';
          } else status = m.paused ? t('console.tournament.phase_paused', { phase: phaseName(m.phase) }) : phaseName(m.phase);
        }
        return h(
          'tr',
          {
            testid: 'pairing-group',
            'data-match-id': g.match_id,
            'data-round': String(number),
            'data-names': JSON.stringify(names),
            'data-phase': m ? m.phase : '',
          },
          cells,
          h('td', null, h('span', { class: 'moutcome', 'data-kind': kind }, status)),
        );
      });
      const byes = r.byes || [];
      const byeNames = byes.map((b) => (typeof b === 'string' ? b : b.name || b.player || ''));
      return h(
        'section',
        { class: ['pairing-round', number === tour.round ? 'current' : null], testid: 'pairing-round', 'data-round': String(number) },
        h(
          'h4',
          null,
          total ? t('console.projector.round', { round: num(number), of: num(total) }) : t('console.tournament.round_label', { n: num(number) }),
          h('span', { class: 'muted round-scenario' }, ` · ${this.scenarioTitle(sid)}`),
          number === tour.round ? h('span', { class: 'tag' }, t('console.tournament.current')) : null,
        ),
        h(
          'div',
          { class: 'table-scroll pairing-scroll', tabindex: '0', role: 'region', 'aria-label': t('console.tournament.pairings_aria', { n: num(number) }) },
          h(
            'table',
            { class: 'data pairing-table' },
            h('caption', { class: 'sr-only' }, t('console.tournament.pairings_caption', { n: num(number) })),
            h('thead', null, head),
            h('tbody', null, body),
          ),
        ),
        byeNames.length
          ? h('p', { class: 'small byes', testid: 'pairing-byes' }, t('console.tournament.byes'), ' ', byeNames.map((n, i) => [i ? ', ' : '', h('span', { class: 'pname' }, n)]))
          : null,
      );
    });
    blocks.reverse(); // the current round first
    replace(
      this.el.pairings,
      blocks.length ? blocks : h('p', { class: 'muted' }, t('console.tournament.no_round')),
      blocks.length ? h('p', { class: 'muted small' }, t('console.tournament.pairings_note')) : null,
    );
  }
}
