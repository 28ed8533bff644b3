// The Tournament tab: set up a tournament (rounds, a scenario per round, the leaderboard
// weights), start the next round, and follow the standings and the round-by-round pairings
// live from the monitor frames (their `tournament` field). Every name goes in as text.

import { h, replace, show, $ } from '../dom.js';
import { phaseLabel } from '../format.js';
import { apiErrorSentence } from './api.js';
import { setStatus, confirmDialog, plural, announce, outcomeText, downloadExport } from './ui.js';

const MAX_ROUNDS = 50;

/** A weight for display: at most two decimals, no trailing zeros. */
function w2(x) {
  const v = Math.round(Number(x) * 100) / 100;
  return v.toLocaleString('en', { maximumFractionDigits: 2 });
}

const pct = (x) => (x == null || !Number.isFinite(Number(x)) ? '–' : `${Math.round(Number(x) * 100)}%`);
const num1 = (x) => (x == null || !Number.isFinite(Number(x)) ? '–' : (Math.round(Number(x) * 10) / 10).toLocaleString('en', { minimumFractionDigits: 1, maximumFractionDigits: 1 }));

/**
 * The leaderboard formula in words: "score = value × 0.7 + trust × 0.3". Weights that do not add
 * up to 1 are shown rescaled (the server divides by their sum), with the weights as entered.
 */
export function formula(wv, wt) {
  const sum = wv + wt;
  if (!(sum > 0)) return { text: 'score = value × w + trust × w: give at least one weight above 0.', ok: false };
  const nv = wv / sum;
  const nt = wt / sum;
  let text = `score = value × ${w2(nv)} + trust × ${w2(nt)}`;
  if (Math.abs(sum - 1) > 1e-9) text += ` (weights ${w2(wv)} and ${w2(wt)}, scaled to add up to 1)`;
  return { text, ok: true };
}

export class Tournament {
  /**
   * @param {object} o
   *   api: SessionApi
   *   scenarios: [{id, title, roles:[{id,name}]}]  (from GET /api/scenarios; may be empty)
   *   defaultScenario: the session's scenario id
   */
  constructor(o) {
    this.api = o.api;
    this.scenarios = o.scenarios || [];
    this.byId = new Map(this.scenarios.map((s) => [s.id, s]));
    this.defaultScenario = o.defaultScenario || (this.scenarios[0] && this.scenarios[0].id) || '';
    this.frame = null;
    this.lastKey = '';
    this.roster = 0;

    this.el = {
      setup: $('[data-testid="tournament-setup"]'),
      rounds: $('[data-testid="tournament-rounds"]'),
      roundsHint: $('[data-testid="tournament-rounds-hint"]'),
      roundList: $('[data-testid="tournament-round-list"]'),
      roster: $('[data-testid="tournament-roster"]'),
      wValue: $('[data-testid="tournament-weight-value"]'),
      wTrust: $('[data-testid="tournament-weight-trust"]'),
      formula: $('[data-testid="tournament-formula"]'),
      start: $('[data-testid="tournament-start"]'),
      startStatus: $('[data-testid="tournament-start-status"]'),
      live: $('[data-testid="tournament-live"]'),
      heading: $('[data-testid="tournament-heading"]'),
      progress: $('[data-testid="tournament-progress"]'),
      weights: $('[data-testid="tournament-weights"]'),
      next: $('[data-testid="tournament-next"]'),
      force: $('[data-testid="tournament-force"]'),
      nextStatus: $('[data-testid="tournament-next-status"]'),
      standings: $('[data-testid="tournament-standings"]'),
      standingsBody: $('[data-testid="tournament-standings"] tbody'),
      standingsEmpty: $('[data-testid="tournament-standings-empty"]'),
      pairings: $('[data-testid="tournament-pairings"]'),
      exportStatus: $('[data-testid="tournament-export-status"]'),
      tabTag: $('[data-testid="tournament-tab-round"]'),
      full: $('[data-testid="tournament-fullscreen"]'),
    };
    this.wire();
    this.renderRoundList();
    this.renderFormula();
  }

  // ---------------------------------------------------------------- set up

  scenarioTitle(id) {
    const sc = this.byId.get(id);
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
    const options = (selected) =>
      this.scenarios.length
        ? this.scenarios.map((sc) =>
            h('option', { value: sc.id, selected: sc.id === selected }, `${sc.title} (${(sc.roles || []).length} roles)`),
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
          h('label', { for: id }, `Round ${i + 1}`),
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
    if (n < 2) text = 'With 2 roles per match, everyone meets someone new each round for up to n − 1 rounds (n = the number of players, rounded up to even).';
    else {
      const even = n % 2 === 0 ? n : n + 1;
      text = `With ${n} players in two-role scenarios, ${even - 1} ${even - 1 === 1 ? 'round lets' : 'rounds let'} everyone meet a new counterpart every round; after that, players who met least are paired.`;
      if (n % 2 === 1) text += ' With an odd number, one player sits out (a bye) each round; a bye does not lower their average.';
    }
    this.el.roundsHint.textContent = text;
  }

  weightValues() {
    const read = (el) => {
      const s = String(el.value).trim();
      const v = Number(s);
      return s === '' || !Number.isFinite(v) ? NaN : v;
    };
    return { value: read(this.el.wValue), trust: read(this.el.wTrust) };
  }

  renderFormula() {
    const w = this.weightValues();
    if (!Number.isFinite(w.value) || !Number.isFinite(w.trust) || w.value < 0 || w.trust < 0) {
      this.el.formula.textContent = 'score = value × w + trust × w: each weight is a number of 0 or more.';
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
    for (const b of document.querySelectorAll('[data-tournament-export]')) b.addEventListener('click', () => this.download(b));
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
      setStatus(st, `A tournament has 1 to ${MAX_ROUNDS} rounds.`, 'error');
      this.el.rounds.focus();
      return;
    }
    const rounds = Array.from(this.el.roundList.querySelectorAll('select')).map((s) => s.value);
    if (rounds.length !== n || rounds.some((r) => !r)) {
      setStatus(st, 'Choose a scenario for every round.', 'error');
      return;
    }
    const w = this.weightValues();
    if (!Number.isFinite(w.value) || !Number.isFinite(w.trust) || w.value < 0 || w.trust < 0 || !(w.value + w.trust > 0)) {
      setStatus(st, 'The weights are numbers of 0 or more, and not both 0.', 'error');
      this.el.wValue.focus();
      return;
    }
    this.el.start.disabled = true;
    setStatus(st, 'Starting…', 'busy');
    try {
      const answer = await this.api.control({ action: 'tournament_start', rounds, weights: { value: w.value, trust: w.trust } });
      const m = answer && typeof answer.affected === 'number' ? answer.affected : 0;
      const text = `Tournament started: round 1 of ${n}, ${plural(m, 'match', 'matches')}.`;
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
      const view = await this.api.get('/tournament');
      if (view && view.config) this.update({ ...(this.frame || {}), tournament: view });
    } catch {
      /* the next monitor frame brings it */
    }
  }

  // ---------------------------------------------------------------- next round

  /** The matches of the last round started, with their monitor rows. */
  lastRoundState(t) {
    const r = (t.rounds || [])[(t.rounds || []).length - 1];
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
    const t = this.frame && this.frame.tournament;
    if (!t || !t.config) return;
    const force = this.el.force.checked;
    const total = (t.config.rounds || []).length;
    const next = (t.round || 0) + 1;
    if (force) {
      const { total: m, done } = this.lastRoundState(t);
      if (done < m) {
        const ok = await confirmDialog(
          `Start round ${next} now, although ${plural(m - done, 'match', 'matches')} of round ${next - 1} ${m - done === 1 ? 'is' : 'are'} still being played? Their players are seated in round ${next} straight away.`,
          `Start round ${next}`,
        );
        if (!ok) return;
      }
    }
    const st = this.el.nextStatus;
    this.el.next.disabled = true;
    this.el.next.dataset.busy = 'true';
    setStatus(st, 'Sending…', 'busy');
    try {
      const body = { action: 'tournament_next_round' };
      if (force) body.force = true;
      const answer = await this.api.control(body);
      const m = answer && typeof answer.affected === 'number' ? answer.affected : 0;
      const text = `Round ${next} of ${total} started: ${plural(m, 'match', 'matches')}.`;
      setStatus(st, text, 'ok');
      announce(text);
      this.el.force.checked = false;
      await this.showViewNow();
    } catch (e) {
      setStatus(st, apiErrorSentence(e), 'error');
      this.refusedIn = t.round || 0;
    } finally {
      delete this.el.next.dataset.busy;
      this.el.next.disabled = false;
      if (this.frame) this.renderControls(this.frame.tournament);
    }
  }

  // ---------------------------------------------------------------- exports, projector

  download(button) {
    return downloadExport(this.api, button.dataset.tournamentExport, button, this.el.exportStatus);
  }

  setProjector(on) {
    const root = document.documentElement;
    const b = this.el.full;
    if (on) {
      root.dataset.projector = 'tournament';
      b.textContent = 'Leave full-screen';
      b.setAttribute('aria-pressed', 'true');
      if (root.requestFullscreen && !document.fullscreenElement) root.requestFullscreen().catch(() => {});
    } else {
      if (root.dataset.projector === 'tournament') delete root.dataset.projector;
      b.textContent = 'Show standings full-screen';
      b.setAttribute('aria-pressed', 'false');
      if (document.fullscreenElement && document.exitFullscreen) document.exitFullscreen().catch(() => {});
    }
  }

  // ---------------------------------------------------------------- live view

  /** Every monitor frame (and the first HTTP monitor). */
  update(frame) {
    this.frame = frame;
    const players = (frame.players || []).filter((p) => p.status !== 'removed');
    if (players.length !== this.roster) {
      this.roster = players.length;
      this.el.roster.textContent = players.length
        ? `${plural(players.length, 'participant')} will play: everyone who has joined and was not removed. From then on the tournament does the pairing.`
        : 'Nobody has joined yet. Everyone who has joined when you start takes part; the tournament then does the pairing.';
      this.el.roster.dataset.count = String(players.length);
      this.renderRoundsHint();
    }
    const t = frame.tournament && frame.tournament.config ? frame.tournament : null;
    show(this.el.setup, !t);
    show(this.el.live, !!t);
    const tag = this.el.tabTag;
    if (t) {
      tag.textContent = `round ${t.round} of ${(t.config.rounds || []).length}`;
      show(tag, true);
    } else show(tag, false);
    if (!t) return;
    // Re-render only when something shown changed (frames arrive every second).
    const phases = ((frame.matches || []).map((m) => `${m.id}:${m.phase}:${m.outcome ? m.outcome.kind : ''}`)).join('|');
    const key = `${JSON.stringify(t)}#${phases}`;
    if (key === this.lastKey) return;
    this.lastKey = key;
    this.renderControls(t);
    this.renderStandings(t);
    this.renderPairings(t, frame);
  }

  renderControls(t) {
    if (!t || !t.config) return;
    const total = (t.config.rounds || []).length;
    const round = t.round || 0;
    const scenario = round ? this.scenarioTitle(t.config.rounds[round - 1]) : '';
    this.el.heading.textContent = `Tournament — round ${round} of ${total}`;
    this.el.heading.dataset.round = String(round);
    const { total: m, done } = this.lastRoundState(t);
    const complete = round >= total && done === m;
    // A refusal ("still being played") is stale once that round has finished or moved on.
    if (this.refusedIn != null && (this.refusedIn !== round || done === m) && this.el.nextStatus.dataset.kind === 'error') {
      setStatus(this.el.nextStatus, '', '');
      this.refusedIn = null;
    }
    let text = `Round ${round}${scenario ? ` (${scenario})` : ''}: ${done} of ${plural(m, 'match', 'matches')} finished.`;
    if (complete) text = `All ${plural(total, 'round')} played: the standings are final.`;
    else if (round < total && done === m) text += ` Ready for round ${round + 1}${t.config.rounds[round] ? ` (${this.scenarioTitle(t.config.rounds[round])})` : ''}.`;
    this.el.progress.textContent = text;
    this.el.progress.dataset.done = String(done);
    this.el.progress.dataset.total = String(m);
    const w = t.config.weights || { value: 0.7, trust: 0.3 };
    this.el.weights.textContent = formula(Number(w.value), Number(w.trust)).text;
    const last = round >= total;
    this.el.next.textContent = last ? `All ${total} rounds started` : `Start round ${round + 1}`;
    if (!this.el.next.dataset.busy) this.el.next.disabled = last;
    this.el.force.disabled = last;
  }

  renderStandings(t) {
    const rows = t.standings || [];
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
          h('td', { class: 'num rank' }, r.played ? String(r.rank) : '–'),
          h('th', { scope: 'row', class: 'pname' }, r.name),
          h('td', { class: 'num', testid: 'standing-played' }, String(r.played)),
          h('td', { class: 'num', testid: 'standing-byes' }, String(r.byes)),
          h('td', { class: 'num', testid: 'standing-value' }, r.played ? pct(r.value) : '–'),
          h('td', { class: 'num', testid: 'standing-trust' }, num1(r.trust)),
          h('td', { class: 'num score', testid: 'standing-score' }, r.played ? num1(Number(r.score) * 100) : '–'),
        ),
      ),
    );
    show(this.el.standingsEmpty, !played);
  }

  renderPairings(t, frame) {
    const byMatch = new Map((frame.matches || []).map((m) => [m.id, m]));
    const results = new Map();
    for (const r of t.results || []) results.set(`${r.match_id}|${r.player}`, r);
    const rounds = (t.rounds || []).slice();
    const total = ((t.config && t.config.rounds) || []).length;
    const blocks = rounds.map((r, idx) => {
      const number = r.round || idx + 1;
      const sid = r.scenario || (t.config.rounds || [])[number - 1];
      const sc = this.byId.get(sid);
      const groups = r.groups || [];
      const size = Math.max(...groups.map((g) => (g.names || []).length), (sc && sc.roles && sc.roles.length) || 0, 2);
      const roleName = (i) => (sc && sc.roles && sc.roles[i] ? sc.roles[i].name : `Role ${i + 1}`);
      const head = h(
        'tr',
        null,
        Array.from({ length: size }, (_, i) => h('th', { scope: 'col' }, roleName(i))),
        h('th', { scope: 'col' }, 'Match'),
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
            res ? h('span', { class: 'seat-value', title: `Value: ${pct(res.value)} of this role's range${res.trust != null ? `; trust earned ${num1(res.trust)}` : ''}` }, pct(res.value)) : null,
          );
        });
        let status = 'Starting…';
        let kind = '';
        if (m) {
          if (m.phase === 'results' || m.outcome) {
            status = outcomeText(m.outcome) || phaseLabel(m.phase);
            kind = m.outcome ? m.outcome.kind : '';
          } else status = phaseLabel(m.phase) + (m.paused ? ' (paused)' : '');
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
        { class: ['pairing-round', number === t.round ? 'current' : null], testid: 'pairing-round', 'data-round': String(number) },
        h(
          'h4',
          null,
          `Round ${number}${total ? ` of ${total}` : ''}`,
          h('span', { class: 'muted round-scenario' }, ` · ${this.scenarioTitle(sid)}`),
          number === t.round ? h('span', { class: 'tag' }, 'current') : null,
        ),
        h(
          'div',
          { class: 'table-scroll pairing-scroll', tabindex: '0', role: 'region', 'aria-label': `Pairings of round ${number} (scrolls)` },
          h(
            'table',
            { class: 'data pairing-table' },
            h('caption', { class: 'sr-only' }, `Pairings of round ${number}: each row is one match, players in role order`),
            h('thead', null, head),
            h('tbody', null, body),
          ),
        ),
        byeNames.length
          ? h('p', { class: 'small byes', testid: 'pairing-byes' }, 'Sits out (bye): ', byeNames.map((n, i) => [i ? ', ' : '', h('span', { class: 'pname' }, n)]))
          : null,
      );
    });
    blocks.reverse(); // the current round first
    replace(
      this.el.pairings,
      blocks.length ? blocks : h('p', { class: 'muted' }, 'No round has started yet.'),
      blocks.length ? h('p', { class: 'muted small' }, 'Players are listed in role order: the first name plays the first role. Percentages are each player’s value: their points within their own role’s range.') : null,
    );
  }
}
