// The live monitor: who joined, who waits, every match with its phase and clock, and the
// facilitator's controls. Rows are keyed and updated in place every second, so focus, the
// pairing selection and half-typed text survive the updates. Seat repair (a gone player's seat
// handed to someone waiting or to a bot) and rejoin links open in one panel above the
// participants table.

import { teamsLine, HandTeams, MAX_TEAM } from './teams.js';
import { h, replace, show, $ } from '../dom.js';
import { t, tn, num } from '../i18n.js';
import { clock } from '../format.js';
import { apiErrorSentence } from './api.js';
import { setStatus, confirmDialog, nameList, outcomeText, announce, copyText, phaseName, PHASE_ORDER } from './ui.js';
import { wireObserverControls, fillObservers } from './observers.js';

/** @typedef {import('../types.js').MonitorView} MonitorView */
/** @typedef {import('../types.js').MonitorMatch} MonitorMatch */
/** @typedef {import('../types.js').MonitorPlayer} MonitorPlayer */
/** @typedef {import('../types.js').PlayerStatus} PlayerStatus */

/**
 * One participant's row, kept across frames.
 * @typedef {object} PlayerRow
 * @property {HTMLTableRowElement} tr
 * @property {HTMLInputElement} pick
 * @property {HTMLElement} seat
 * @property {HTMLElement} name
 * @property {HTMLElement} botTag
 * @property {HTMLElement} status
 * @property {HTMLElement} onlineText
 * @property {HTMLButtonElement} handSeat
 * @property {HTMLButtonElement} rejoin
 * @property {HTMLButtonElement} remove
 * @property {string} id
 */

/**
 * One match's row, kept across frames.
 * @typedef {object} MatchRow
 * @property {HTMLTableRowElement} tr
 * @property {HTMLElement} names
 * @property {HTMLElement} treatment
 * @property {HTMLElement} phase
 * @property {HTMLElement} paused
 * @property {HTMLElement} left
 * @property {HTMLElement} offers
 * @property {HTMLElement} messages
 * @property {HTMLElement} outcome
 * @property {HTMLButtonElement} pauseBtn
 * @property {HTMLButtonElement} extendBtn
 * @property {HTMLButtonElement} endBtn
 * @property {HTMLButtonElement} transcriptBtn
 * @property {MonitorMatch} m  the match as the latest frame has it
 * @property {import('./observers.js').ObserverParts} [observerParts]
 */

/**
 * The open seat-repair or rejoin panel of one player.
 * @typedef {object} Panel
 * @property {'hand' | 'rejoin'} kind
 * @property {string} id
 * @property {string} name
 * @property {HTMLElement} [heading]
 * @property {HTMLButtonElement} [close]
 * @property {HTMLElement} [context]
 * @property {HTMLSelectElement} [select]
 * @property {HTMLButtonElement} [submit]
 * @property {HTMLElement} [status]
 * @property {string} [optionsKey]
 * @property {HTMLInputElement} [input]
 * @property {HTMLButtonElement} [copy]
 * @property {HTMLElement} [line]
 * @property {boolean} [loading]
 */

/**
 * @typedef {object} MonitorOptions
 * @property {import('./api.js').SessionApi} api
 * @property {import('./watch.js').Watcher} watcher  for the server's clock
 * @property {{roles: {id: string, name: string}[]} | null} scenario
 * @property {(matchId: string) => void} [onTranscript]  show one match's transcript
 */

/**
 * A bot's name without the " (bot)" its players see: the console marks bots with a tag.
 * @param {MonitorPlayer} p
 */
function displayName(p) {
  return p.bot ? String(p.name).replace(/\s*\(bot\)\s*$/i, '') || String(p.name) : String(p.name);
}

/** @param {PlayerStatus} status */
function statusLabel(status) {
  switch (status) {
    case 'waiting':
      return t('console.status.waiting');
    case 'playing':
      return t('console.status.playing');
    case 'finished':
      return t('console.status.finished');
    case 'lobby':
      return t('console.status.lobby');
    case 'removed':
      return t('console.status.removed');
    case 'observing':
      return t('console.status.observing');
    default:
      return String(status);
  }
}

/** @type {Record<string, number>} */
const STATUS_ORDER = { waiting: 0, lobby: 1, playing: 2, finished: 2, observing: 2, removed: 3 };

/** The bot styles of the "Add a bot" control, in the words of the status line. */
const botStyle = () => ({
  logroller: t('console.bot.style_logroller'),
  hardballer: t('console.bot.style_hardballer'),
  tit_for_tat: t('console.bot.style_tit_for_tat'),
});

/**
 * A required element of a panel (built with it).
 * @template T
 * @param {T | undefined} x
 * @returns {T}
 */
function built(x) {
  if (x === undefined) throw new Error('panel part missing');
  return x;
}

export class Monitor {
  /** @param {MonitorOptions} o */
  constructor(o) {
    this.o = o;
    this.api = o.api;
    /** @type {MonitorView | null} */
    this.frame = null;
    /** @type {string[]} player ids, in seat order */
    this.selection = [];
    /** @type {Map<string, PlayerRow>} */
    this.playerRows = new Map();
    /** @type {Map<string, MatchRow>} */
    this.matchRows = new Map();
    this.roles = (o.scenario && o.scenario.roles) || [];
    this.groupSize = this.roles.length || 2;
    /** Pairing by hand in a session with teams: each picked person's side. */
    this.handTeams = new HandTeams();
    /** @type {Panel | null} */
    this.panel = null;

    this.el = {
      summary: $('[data-testid="monitor-summary"]'),
      pairingMode: $('[data-testid="pairing-mode"]'),
      players: $('[data-testid="monitor-players"] tbody'),
      playersEmpty: $('[data-testid="players-empty"]'),
      playersCount: $('[data-testid="players-count"]'),
      matches: $('[data-testid="monitor-matches"] tbody'),
      matchesEmpty: $('[data-testid="matches-empty"]'),
      matchesCount: $('[data-testid="matches-count"]'),
      phaseCounts: $('[data-testid="phase-counts"]'),
      filter: /** @type {HTMLInputElement} */ ($('[data-testid="player-filter"]')),
      handHint: $('[data-testid="hand-pair-hint"]'),
      pairSelected: /** @type {HTMLButtonElement} */ ($('[data-testid="ctl-pair-selected"]')),
      clearSelection: /** @type {HTMLButtonElement} */ ($('[data-testid="ctl-clear-selection"]')),
      statusPairing: $('[data-testid="ctl-status-pairing"]'),
      statusClock: $('[data-testid="ctl-status-clock"]'),
      statusBroadcast: $('[data-testid="ctl-status-broadcast"]'),
      statusPlayers: $('[data-testid="ctl-status-players"]'),
      statusMatch: $('[data-testid="ctl-status-match"]'),
      botStrategy: /** @type {HTMLSelectElement} */ ($('[data-testid="ctl-bot-strategy"]')),
      oddHint: $('[data-testid="odd-hint"]'),
      panel: $('[data-testid="player-panel"]'),
    };
    this.wireControls();
    this.renderHandPair();
    this.ticker = setInterval(() => this.tick(), 500);
  }

  // ---------------------------------------------------------------- controls

  /**
   * Posts a control; shows the answer (or the server's error message) in the status line. The
   * button stays disabled (data-busy) until the server answers: one request per click.
   * @param {Record<string, unknown>} body
   * @param {HTMLElement} statusEl
   * @param {HTMLButtonElement | null} button
   * @param {(affected: number) => string} success the sentence for the answer
   */
  async run(body, statusEl, button, success) {
    if (button && button.dataset.busy) return false;
    if (button) {
      button.disabled = true;
      button.dataset.busy = '1';
    }
    setStatus(statusEl, t('console.sending'), 'busy');
    try {
      const answer = await this.api.control(body);
      const text = success(answer && typeof answer.affected === 'number' ? answer.affected : 0);
      setStatus(statusEl, text, 'ok');
      announce(text);
      return true;
    } catch (e) {
      setStatus(statusEl, apiErrorSentence(e), 'error');
      return false;
    } finally {
      if (button) {
        delete button.dataset.busy;
        button.disabled = false;
      }
      if (this.frame) {
        this.renderControls(this.frame);
        this.renderPanel();
      }
    }
  }

  wireControls() {
    /**
     * @param {string} testid
     * @param {(b: HTMLButtonElement) => unknown} fn
     */
    const on = (testid, fn) => {
      const b = /** @type {HTMLButtonElement} */ ($(`[data-testid="${testid}"]`));
      b.addEventListener('click', () => fn(b));
    };
    on('ctl-start-pairing', (b) =>
      this.run({ action: 'start_pairing' }, this.el.statusPairing, b, (n) =>
        n ? tn('console.ctl.pairing_on_started', n) : t('console.ctl.pairing_on'),
      ),
    );
    on('ctl-pair-now', (b) =>
      this.run({ action: 'pair_now' }, this.el.statusPairing, b, (n) =>
        n ? tn('console.ctl.paired_random', n) : t('console.ctl.nobody_paired', { n: num(this.groupSize) }),
      ),
    );
    on('ctl-add-bot', (b) => {
      const strategy = this.el.botStrategy.value;
      const styles = /** @type {Record<string, string>} */ (botStyle());
      const sess = this.frame && this.frame.session;
      const auto = !!sess && (sess.pairing === 'auto' || sess.auto_pairing);
      return this.run({ action: 'add_bot', ...(strategy ? { strategy } : {}) }, this.el.statusPairing, b, () => {
        const key = auto ? 'console.ctl.bot_added_auto' : 'console.ctl.bot_added_wait';
        const styled = auto ? 'console.ctl.bot_added_auto_style' : 'console.ctl.bot_added_wait_style';
        return strategy ? t(styled, { style: styles[strategy] || strategy }) : t(key);
      });
    });
    on('ctl-pause', (b) =>
      this.run({ action: 'pause' }, this.el.statusClock, b, (n) => (n ? tn('console.ctl.paused', n) : t('console.ctl.nothing_to_pause'))),
    );
    on('ctl-resume', (b) =>
      this.run({ action: 'resume' }, this.el.statusClock, b, (n) => (n ? tn('console.ctl.resumed', n) : t('console.ctl.nothing_to_resume'))),
    );
    on('ctl-extend-1', (b) =>
      this.run({ action: 'extend', seconds: 60 }, this.el.statusClock, b, (n) =>
        n ? tn('console.ctl.extended_1', n) : t('console.ctl.nothing_to_extend'),
      ),
    );
    on('ctl-extend-5', (b) =>
      this.run({ action: 'extend', seconds: 300 }, this.el.statusClock, b, (n) =>
        n ? tn('console.ctl.extended_5', n) : t('console.ctl.nothing_to_extend'),
      ),
    );
    on('ctl-end-phase', async (b) => {
      const ok = await confirmDialog(t('console.ctl.end_phase_confirm'), t('console.ctl.end_phase_all'));
      if (!ok) return;
      await this.run({ action: 'end_phase' }, this.el.statusClock, b, (n) =>
        n ? tn('console.ctl.ended_phase', n) : t('console.ctl.no_running_match'),
      );
    });
    wireObserverControls(this);
    const form = $('#broadcast-form');
    const input = /** @type {HTMLInputElement} */ ($('[data-testid="ctl-broadcast-text"]'));
    form.addEventListener('submit', async (ev) => {
      ev.preventDefault();
      const text = input.value.trim();
      if (!text) {
        setStatus(this.el.statusBroadcast, t('console.ctl.type_first'), 'error');
        input.focus();
        return;
      }
      const send = /** @type {HTMLButtonElement} */ ($('[data-testid="ctl-broadcast"]'));
      const ok = await this.run({ action: 'broadcast', text }, this.el.statusBroadcast, send, (n) =>
        n ? tn('console.ctl.sent_to', n) : t('console.ctl.sent_nobody'),
      );
      if (ok) input.value = '';
    });

    this.el.pairSelected.addEventListener('click', async () => {
      const ids = this.selection.slice();
      const teams = this.teamsOn() ? this.handTeams.teams(ids, this.groupSize) : null;
      const names = teams ? teams.map((team) => team.map((id) => this.playerName(id)).join(' & ')) : ids.map((id) => this.playerName(id));
      const body = teams ? { action: 'pair', teams } : { action: 'pair', players: ids };
      const ok = await this.run(body, this.el.statusPlayers, this.el.pairSelected, () => t('console.ctl.paired', { names: nameList(names) }));
      if (ok) this.selection = [];
      this.renderHandPair();
      if (this.frame) this.renderPlayers(this.frame);
    });
    this.el.clearSelection.addEventListener('click', () => {
      this.selection = [];
      this.renderHandPair();
      if (this.frame) this.renderPlayers(this.frame);
    });
    this.el.filter.addEventListener('input', () => {
      if (this.frame) this.renderPlayers(this.frame);
    });
  }

  /**
   * @param {string} id
   * @param {HTMLButtonElement} button
   */
  async removePlayer(id, button) {
    const name = this.playerName(id);
    const ok = await confirmDialog(t('console.remove.confirm', { name }), t('console.remove.named', { name }));
    if (!ok) return;
    this.selection = this.selection.filter((x) => x !== id);
    await this.run({ action: 'remove', player_id: id }, this.el.statusPlayers, button, () => t('console.remove.done', { name }));
    this.renderHandPair();
  }

  /**
   * @param {string} matchId
   * @param {Record<string, unknown>} body
   * @param {HTMLButtonElement} button
   * @param {(affected: number) => string} success
   */
  async matchControl(matchId, body, button, success) {
    await this.run({ ...body, match_id: matchId }, this.el.statusMatch, button, success);
  }

  /** @param {string} id */
  playerName(id) {
    const p = this.frame && this.frame.players.find((x) => x.id === id);
    return p ? p.name : t('console.that_participant');
  }

  // ---------------------------------------------------------------- rendering

  /** @param {MonitorView} frame */
  update(frame) {
    this.frame = frame;
    this.renderSummary(frame);
    this.renderControls(frame);
    this.renderPlayers(frame);
    this.renderMatches(frame);
    this.renderHandPair();
    this.renderPanel();
    this.tick();
  }

  /** @param {MonitorView} f */
  renderSummary(f) {
    const players = f.players || [];
    const matches = f.matches || [];
    const online = players.filter((p) => p.online && p.status !== 'removed').length;
    const playing = players.filter((p) => p.status === 'playing').length;
    const finished = matches.filter((m) => m.outcome).length;
    /** @param {string} label @param {number} value @param {string} testid */
    const stat = (label, value, testid) =>
      h('div', { class: 'stat', testid, 'data-value': String(value) }, h('span', { class: 'stat-value' }, num(value)), h('span', { class: 'stat-label' }, label));
    replace(
      this.el.summary,
      stat(t('console.stat.joined'), players.filter((p) => p.status !== 'removed').length, 'stat-joined'),
      stat(t('console.stat.online'), online, 'stat-online'),
      stat(t('console.stat.waiting'), f.waiting || 0, 'stat-waiting'),
      stat(t('console.stat.playing'), playing, 'stat-playing'),
      stat(t('console.stat.matches'), matches.length, 'stat-matches'),
      stat(t('console.stat.finished'), finished, 'stat-finished'),
    );
    /** @type {Record<string, number>} */
    const counts = {};
    for (const m of matches) counts[m.phase] = (counts[m.phase] || 0) + 1;
    this.el.phaseCounts.textContent = PHASE_ORDER.filter((p) => counts[p])
      .map((p) => `${phaseName(p)}: ${num(counts[p])}`)
      .join(' · ');
  }

  /** @param {MonitorView} f */
  renderControls(f) {
    const sess = f.session;
    const start = /** @type {HTMLButtonElement} */ ($('[data-testid="ctl-start-pairing"]'));
    let text;
    if (sess.pairing === 'auto') text = t('console.pairing.auto');
    else if (sess.auto_pairing) text = t('console.ctl.pairing_on');
    else text = t('console.pairing.by_hand');
    const teams = teamsLine(sess);
    this.el.pairingMode.textContent = teams ? `${text} ${teams}.` : text;
    this.el.pairingMode.dataset.auto = String(!!sess.auto_pairing);
    if (!start.matches('[data-busy]')) start.disabled = !!sess.auto_pairing;
    start.textContent = sess.auto_pairing ? t('console.pairing.is_on') : t('console.pairing.start');

    // Odd numbers: say who would be left without a partner, and that a bot fixes it.
    // With teams a match needs a full team per role to start on its own, but pairing everyone
    // leaves nobody out once there is one person per role (smaller or larger teams).
    const size = this.teamsOn() ? sess.team_size || 1 : 1;
    const n = this.groupSize * size;
    const waiting = f.waiting || 0;
    const auto = sess.pairing === 'auto' || sess.auto_pairing;
    const left = size > 1 && !auto && waiting >= this.groupSize ? 0 : waiting % n;
    let hint;
    if (left && auto) {
      const bots = n - left === 1 ? t('console.odd.a_bot') : t('console.odd.bots', { n: num(n - left) });
      hint = tn(n === 2 ? 'console.odd.waits_partner' : 'console.odd.waits_group', left, { bots });
    } else if (left) {
      hint = tn(n === 2 ? 'console.odd.would_leave_partner' : 'console.odd.would_leave_group', waiting, { left: num(left) });
    } else {
      hint = t('console.odd.hint');
    }
    this.el.oddHint.textContent = hint;
    this.el.oddHint.dataset.left = String(left);
  }

  /** Whether the session seats teams (hand pairing then picks a side per person). */
  teamsOn() {
    return !!(this.frame && (this.frame.session.team_size || 1) > 1);
  }

  /** How many people hand pairing may pick. */
  maxPick() {
    return this.teamsOn() ? this.groupSize * MAX_TEAM : this.groupSize;
  }

  renderHandPair() {
    const f = this.frame;
    const waiting = new Set(((f && f.players) || []).filter((p) => p.status === 'waiting').map((p) => p.id));
    this.selection = this.selection.filter((id) => waiting.has(id));
    const n = this.groupSize;
    const seats = this.roles.length
      ? this.roles.map((r, i) => t('console.hand.seat', { n: i + 1, role: r.name })).join(', ')
      : tn('console.hand.seats', n);
    const old = this.el.handHint.parentElement && this.el.handHint.parentElement.querySelector('[data-testid="hand-sides"]');
    if (old) old.remove();
    if (this.teamsOn()) {
      this.handTeams.sync(this.selection, n);
      const roleNames = Array.from({ length: n }, (_, i) => (this.roles[i] ? this.roles[i].name : String(i + 1)));
      this.el.handHint.textContent = t('console.hand.hint_teams', { max: num(MAX_TEAM), seats });
      if (this.selection.length) {
        const list = this.handTeams.render(this.selection, roleNames, (id) => this.playerName(id), () => {
          this.renderHandPair();
          if (this.frame) this.renderPlayers(this.frame);
        });
        this.el.handHint.after(list);
        // One side with nobody (an odd number of teams): a bot can play it.
        const counts = this.handTeams.counts(this.selection, n);
        const empty = counts.filter((c) => c === 0).length === 1 ? counts.indexOf(0) : -1;
        if (empty >= 0 && counts.every((c) => c <= MAX_TEAM)) {
          const withBot = h(
            'button',
            { type: 'button', class: 'secondary small', testid: 'ctl-pair-with-bot' },
            t('console.hand.with_bot', { role: roleNames[empty] }),
          );
          withBot.addEventListener('click', async () => {
            const teams = this.handTeams.teams(this.selection, n).map((team) => (team.length ? team : ['bot']));
            const names = teams.map((team) => (team[0] === 'bot' ? t('console.hand.a_bot') : team.map((id) => this.playerName(id)).join(' & ')));
            const ok = await this.run({ action: 'pair', teams }, this.el.statusPlayers, withBot, () => t('console.ctl.paired', { names: nameList(names) }));
            if (ok) this.selection = [];
            this.renderHandPair();
            if (this.frame) this.renderPlayers(this.frame);
          });
          list.append(h('li', null, withBot));
        }
      }
      this.el.pairSelected.disabled = !this.handTeams.ready(this.selection, n);
      this.el.clearSelection.disabled = this.selection.length === 0;
      return;
    }
    const picked = this.selection.map((id, i) => `${i + 1}. ${this.playerName(id)}${this.roles[i] ? ` (${this.roles[i].name})` : ''}`);
    this.el.handHint.textContent = picked.length
      ? t('console.hand.picked', { k: num(picked.length), n: num(n), names: picked.join(', ') })
      : t('console.hand.hint', { n: num(n), seats });
    this.el.pairSelected.disabled = this.selection.length !== n;
    this.el.clearSelection.disabled = this.selection.length === 0;
  }

  /** @param {MonitorView} f */
  renderPlayers(f) {
    const players = (f.players || []).slice();
    players.sort(
      (a, b) => (STATUS_ORDER[a.status] ?? 9) - (STATUS_ORDER[b.status] ?? 9) ||
        String(a.name).localeCompare(String(b.name), undefined, { numeric: true, sensitivity: 'base' }) ||
        (a.id < b.id ? -1 : 1),
    );
    const q = this.el.filter.value.trim().toLowerCase();
    const phaseOf = new Map((f.matches || []).map((m) => [m.id, m]));
    const alive = new Set();
    const tbody = this.el.players;
    /** @type {ChildNode | null} */
    let prev = null;
    for (const p of players) {
      alive.add(p.id);
      let row = this.playerRows.get(p.id);
      if (!row) {
        row = this.playerRow(p);
        this.playerRows.set(p.id, row);
      }
      this.fillPlayerRow(row, p, p.match_id ? phaseOf.get(p.match_id) : undefined);
      row.tr.hidden = !!q && !String(p.name).toLowerCase().includes(q);
      // Move the row only when it is out of place (moving a focused row would drop focus).
      /** @type {ChildNode | null} */
      const want = prev ? prev.nextSibling : tbody.firstChild;
      if (want !== row.tr) tbody.insertBefore(row.tr, want);
      prev = row.tr;
    }
    for (const [id, row] of this.playerRows) {
      if (!alive.has(id)) {
        row.tr.remove();
        this.playerRows.delete(id);
      }
    }
    const active = players.filter((p) => p.status !== 'removed').length;
    this.el.playersCount.textContent = `(${num(active)})`;
    show(this.el.playersEmpty, players.length === 0);
  }

  /**
   * @param {MonitorPlayer} p
   * @returns {PlayerRow}
   */
  playerRow(p) {
    const pick = h('input', { type: 'checkbox', class: 'pick', 'aria-label': t('console.player.pick_aria', { name: p.name }) });
    const seat = h('span', { class: 'seat-no', 'aria-hidden': 'true' });
    const name = h('span', { class: 'pname' });
    const botTag = h('span', { class: 'tag bot-tag', testid: 'bot-tag', hidden: true }, t('console.player.bot_tag'));
    const status = h('span', { class: 'pstatus' });
    const dot = h('span', { class: 'dot', 'aria-hidden': 'true' });
    const onlineText = h('span', { class: 'online-text' });
    const handSeat = h('button', { type: 'button', class: 'secondary small', testid: 'ctl-hand-seat', hidden: true }, t('console.player.hand_seat'));
    const rejoin = h('button', { type: 'button', class: 'link-button small', testid: 'ctl-rejoin-link', hidden: true }, t('console.player.rejoin'));
    const remove = h('button', { type: 'button', class: 'link-button danger-link small', testid: 'ctl-remove' }, t('console.player.remove'));
    const tr = h(
      'tr',
      { testid: 'player-row', 'data-player-id': p.id },
      h('td', { class: 'pick-cell' }, h('label', { class: 'pick-label' }, pick, seat)),
      h('th', { scope: 'row', class: 'name-cell' }, name, botTag),
      h('td', null, status),
      h('td', { class: 'online-cell' }, dot, onlineText),
      h('td', { class: 'actions' }, h('div', { class: 'row-buttons' }, handSeat, rejoin, remove)),
    );
    const row = { tr, pick, seat, name, botTag, status, onlineText, handSeat, rejoin, remove, id: p.id };
    handSeat.addEventListener('click', () => this.openPanel('hand', p.id));
    rejoin.addEventListener('click', () => this.openPanel('rejoin', p.id));
    pick.addEventListener('change', () => {
      if (pick.checked) {
        if (!this.selection.includes(p.id)) this.selection.push(p.id);
      } else {
        this.selection = this.selection.filter((x) => x !== p.id);
      }
      this.renderHandPair();
      if (this.frame) this.renderPlayers(this.frame);
    });
    remove.addEventListener('click', () => this.removePlayer(p.id, remove));
    return row;
  }

  /**
   * @param {PlayerRow} row
   * @param {MonitorPlayer} p
   * @param {MonitorMatch | undefined} match
   */
  fillPlayerRow(row, p, match) {
    const tr = row.tr;
    tr.dataset.name = p.name;
    tr.dataset.status = p.status;
    tr.dataset.online = String(!!p.online);
    tr.dataset.bot = String(!!p.bot);
    tr.className = `status-${p.status}${p.online || p.status === 'removed' ? '' : ' offline'}${p.bot ? ' is-bot' : ''}`;
    const shown = displayName(p);
    if (row.name.textContent !== shown) row.name.textContent = shown;
    row.botTag.hidden = !p.bot;
    let st = statusLabel(p.status);
    if ((p.status === 'playing' || p.status === 'finished') && match) {
      st = match.phase === 'results' ? t('console.status.reading_results') : t('console.status.playing_phase', { phase: phaseName(match.phase) });
    }
    if (p.status === 'observing' && match) st = t('console.status.observing_names', { names: nameList(match.players || []) });
    if (row.status.textContent !== st) row.status.textContent = st;
    const on = p.status === 'removed' ? '—' : p.online ? t('console.player.online') : t('console.player.offline');
    if (row.onlineText.textContent !== on) row.onlineText.textContent = on;
    const waiting = p.status === 'waiting';
    const idx = this.selection.indexOf(p.id);
    row.pick.disabled = !waiting || (idx < 0 && this.selection.length >= this.maxPick());
    row.pick.checked = idx >= 0;
    row.pick.hidden = !waiting;
    // With teams the number beside a pick is the person's side, else their seat in pick order.
    const side = this.teamsOn() ? this.handTeams.side.get(p.id) : idx;
    row.seat.textContent = idx >= 0 && side !== undefined ? String(side + 1) : '';
    row.remove.disabled = p.status === 'removed';
    row.remove.setAttribute('aria-label', t('console.remove.named', { name: p.name }));
    // Seat repair: a seated player who has gone can have their seat handed on.
    const repairable = p.status === 'playing' && !p.online;
    row.handSeat.hidden = !repairable;
    row.handSeat.setAttribute('aria-label', t('console.player.hand_seat_aria', { name: p.name }));
    row.rejoin.hidden = !!p.bot || p.status === 'removed';
    row.rejoin.setAttribute('aria-label', t('console.rejoin.title', { name: p.name }));
    const open = this.panel && this.panel.id === p.id ? this.panel.kind : '';
    row.handSeat.setAttribute('aria-expanded', String(open === 'hand'));
    row.rejoin.setAttribute('aria-expanded', String(open === 'rejoin'));
    row.handSeat.setAttribute('aria-controls', 'player-panel');
    row.rejoin.setAttribute('aria-controls', 'player-panel');
  }

  // ---------------------------------------------------------------- seat repair and rejoin links

  /** @param {string} id */
  player(id) {
    return (this.frame && (this.frame.players || []).find((x) => x.id === id)) || null;
  }

  /**
   * Opens the panel of one player (or closes it when the same button is pressed again).
   * @param {'hand' | 'rejoin'} kind
   * @param {string} id
   */
  openPanel(kind, id) {
    if (this.panel && this.panel.kind === kind && this.panel.id === id) {
      this.closePanel(true);
      return;
    }
    const p = this.player(id);
    if (!p) return;
    this.panel = { kind, id, name: p.name };
    if (kind === 'hand') this.buildHandPanel(p);
    else this.buildRejoinPanel(p);
    show(this.el.panel, true);
    this.renderPanel();
    if (this.frame) this.renderPlayers(this.frame);
    built(this.panel.heading).focus({ preventScroll: true });
    this.el.panel.scrollIntoView({ block: 'nearest' });
    if (kind === 'rejoin') this.fetchRejoin();
  }

  /** Closes the panel and takes what it showed (a rejoin link is a secret) out of the page. */
  closePanel(returnFocus = false) {
    const was = this.panel;
    this.panel = null;
    replace(this.el.panel);
    show(this.el.panel, false);
    if (this.frame) this.renderPlayers(this.frame);
    if (returnFocus && was) {
      const row = this.playerRows.get(was.id);
      const button = row && (was.kind === 'hand' ? row.handSeat : row.rejoin);
      if (row && button && !button.hidden && !row.tr.hidden) button.focus();
      else this.el.filter.focus();
    }
  }

  /**
   * @param {Panel} panel
   * @param {string} title
   * @param {string} testid
   */
  panelShell(panel, title, testid) {
    const heading = h('h3', { id: 'player-panel-heading', tabindex: '-1' }, title);
    const close = h('button', { type: 'button', class: 'link-button small', testid: 'player-panel-close' }, t('console.close'));
    close.addEventListener('click', () => this.closePanel(true));
    const body = h('div', { class: 'panel-body', testid });
    replace(this.el.panel, h('div', { class: 'section-head' }, heading, close), body);
    this.el.panel.dataset.kind = panel.kind;
    this.el.panel.dataset.playerId = panel.id;
    panel.heading = heading;
    panel.close = close;
    return body;
  }

  /** @param {MonitorPlayer} p */
  buildHandPanel(p) {
    const panel = built(this.panel || undefined);
    const body = this.panelShell(panel, t('console.hand.title', { name: p.name }), 'hand-seat-panel');
    const context = h('p', { class: 'small', testid: 'hand-seat-context' });
    const select = h('select', { id: 'hand-seat-to', testid: 'hand-seat-to' });
    const submit = h('button', { type: 'submit', class: 'primary', testid: 'hand-seat-submit' }, t('console.hand.submit'));
    const status = h('p', { class: 'ctl-status', testid: 'hand-seat-status', role: 'status', 'aria-live': 'polite' });
    const form = h(
      'form',
      { class: 'hand-seat-form', novalidate: true },
      context,
      h('label', { for: 'hand-seat-to' }, t('console.hand.give_to')),
      h('div', { class: 'inline-form' }, select, submit),
      status,
    );
    replace(body, form);
    Object.assign(panel, { context, select, submit, status, optionsKey: '' });
    select.addEventListener('change', () => this.renderPanel());
    form.addEventListener('submit', async (ev) => {
      ev.preventDefault();
      const panel = this.panel;
      if (!panel || panel.kind !== 'hand' || submit.dataset.busy) return;
      const to = select.value;
      if (!to) {
        setStatus(status, t('console.hand.choose'), 'error');
        select.focus();
        return;
      }
      const name = panel.name;
      let done = '';
      const ok = await this.run({ action: 'hand_seat', player_id: panel.id, to }, status, submit, () => {
        done = to === 'bot' ? t('console.hand.done_bot', { name }) : t('console.hand.done', { name, to: this.playerName(to) });
        return done;
      });
      if (ok && this.panel === panel) {
        this.closePanel(true);
        setStatus(this.el.statusPlayers, done, 'ok');
      }
    });
  }

  /** @param {MonitorPlayer} p */
  buildRejoinPanel(p) {
    const panel = built(this.panel || undefined);
    const body = this.panelShell(panel, t('console.rejoin.title', { name: p.name }), 'rejoin-panel');
    const input = h('input', {
      type: 'text',
      readonly: true,
      class: 'rejoin-url',
      testid: 'rejoin-link',
      'aria-label': t('console.rejoin.title', { name: p.name }),
      spellcheck: 'false',
      autocomplete: 'off',
    });
    const copy = h('button', { type: 'button', class: 'secondary small', testid: 'rejoin-copy', disabled: true }, t('console.copy'));
    const status = h('p', { class: 'ctl-status', testid: 'rejoin-status', role: 'status', 'aria-live': 'polite' });
    const line = h('div', { class: 'inline-form rejoin-line', hidden: true }, input, copy);
    replace(body, h('p', { class: 'small' }, t('console.rejoin.text', { name: p.name })), line, status);
    Object.assign(panel, { input, copy, status, line });
    input.addEventListener('focus', () => input.select());
    copy.addEventListener('click', () => copyText(input.value, input, status));
  }

  async fetchRejoin() {
    const panel = this.panel;
    if (!panel || panel.kind !== 'rejoin' || panel.loading) return;
    panel.loading = true;
    const row = this.playerRows.get(panel.id);
    if (row) row.rejoin.disabled = true;
    setStatus(panel.status, t('console.rejoin.fetching'), 'busy');
    try {
      const answer = await this.api.rejoinLink(panel.id);
      if (this.panel !== panel) return;
      const url = new URL(answer.url, location.origin).href;
      built(panel.input).value = url;
      show(panel.line, true);
      built(panel.copy).disabled = false;
      setStatus(panel.status, '', '');
    } catch (e) {
      if (this.panel === panel) setStatus(panel.status, apiErrorSentence(e), 'error');
    } finally {
      panel.loading = false;
      if (row) row.rejoin.disabled = false;
    }
  }

  /** Keeps the open panel true to the latest frame (who waits, whether the player came back). */
  renderPanel() {
    const panel = this.panel;
    if (!panel) return;
    const p = this.player(panel.id);
    if (!p) {
      this.closePanel(false);
      return;
    }
    if (panel.kind === 'rejoin') {
      if (p.status === 'removed') {
        built(panel.input).value = '';
        show(panel.line, false);
        setStatus(panel.status, t('console.rejoin.removed', { name: p.name }), 'error');
      }
      return;
    }
    // The hand-seat panel: the match, the choice of taker, and whether a handover is possible.
    const players = this.frame ? this.frame.players : [];
    const m = this.frame && (this.frame.matches || []).find((x) => x.id === p.match_id);
    const repairable = p.status === 'playing' && !p.online;
    const context = built(panel.context);
    const select = built(panel.select);
    const submit = built(panel.submit);
    let text;
    if (p.status !== 'playing') text = t('console.hand.no_seat', { name: p.name });
    else if (p.online) text = t('console.hand.back_online', { name: p.name });
    else {
      const others = m && m.players ? m.players.slice() : [];
      const at = others.indexOf(p.name);
      if (at >= 0) others.splice(at, 1);
      text = m
        ? t('console.hand.gone_from', { name: p.name, others: nameList(others) || t('console.hand.their_partner'), phase: phaseName(m.phase).toLowerCase() })
        : t('console.hand.gone', { name: p.name });
    }
    if (context.textContent !== text) context.textContent = text;
    context.dataset.repairable = String(repairable);

    const waiting = players
      .filter((x) => x.status === 'waiting' && x.id !== p.id)
      .sort((a, b) => String(a.name).localeCompare(String(b.name), undefined, { numeric: true, sensitivity: 'base' }));
    const options = [
      ['', waiting.length ? t('console.hand.choose_placeholder') : t('console.hand.nobody_waiting')],
      ...waiting.map((x) => [x.id, t('console.hand.waiting_option', { name: `${x.name}${x.bot && !/\(bot\)\s*$/i.test(x.name) ? ' (bot)' : ''}` })]),
      ['bot', t('console.hand.new_bot')],
    ];
    const key = JSON.stringify(options);
    if (key !== panel.optionsKey) {
      // Rebuilt only when the list changes, so an open drop-down is not closed every second.
      const keep = select.value;
      replace(select, options.map(([value, label]) => h('option', { value }, label)));
      select.value = options.some(([v]) => v === keep) ? keep : '';
      panel.optionsKey = key;
    }
    select.disabled = !repairable;
    if (!submit.dataset.busy) submit.disabled = !repairable || !select.value;
  }

  /** @param {MonitorView} f */
  renderMatches(f) {
    // Matches still being played first, then finished ones; otherwise the server's order.
    const done = (/** @type {MonitorMatch} */ m) => (m.phase === 'results' || m.phase === 'survey' ? 1 : 0);
    const matches = (f.matches || [])
      .map((m, i) => /** @type {[MonitorMatch, number]} */ ([m, i]))
      .sort((a, b) => done(a[0]) - done(b[0]) || a[1] - b[1])
      .map((x) => x[0]);
    const alive = new Set();
    const tbody = this.el.matches;
    /** @type {ChildNode | null} */
    let prev = null;
    matches.forEach((m) => {
      alive.add(m.id);
      let row = this.matchRows.get(m.id);
      if (!row) {
        row = this.matchRow(m);
        this.matchRows.set(m.id, row);
      }
      this.fillMatchRow(row, m);
      /** @type {ChildNode | null} */
      /** @type {ChildNode | null} */
      const want = prev ? prev.nextSibling : tbody.firstChild;
      if (want !== row.tr) tbody.insertBefore(row.tr, want);
      prev = row.tr;
    });
    for (const [id, row] of this.matchRows) {
      if (!alive.has(id)) {
        row.tr.remove();
        this.matchRows.delete(id);
      }
    }
    this.el.matchesCount.textContent = `(${num(matches.length)})`;
    show(this.el.matchesEmpty, matches.length === 0);
  }

  /**
   * @param {MonitorMatch} m
   * @returns {MatchRow}
   */
  matchRow(m) {
    const names = h('span', { class: 'mnames' });
    const treatment = h('span', { class: 'tag no-talk-tag' }, t('console.match.no_talk'));
    const phase = h('span', { class: 'phase-pill', testid: 'match-phase' });
    const paused = h('span', { class: 'tag paused-tag' }, t('console.match.paused'));
    const left = h('span', { class: 'time-left', testid: 'match-time-left' });
    const offers = h('span');
    const messages = h('span');
    const outcome = h('span', { class: 'moutcome', testid: 'match-outcome' });
    const pauseBtn = h('button', { type: 'button', class: 'secondary small', testid: 'match-pause' }, t('console.match.pause'));
    const extendBtn = h('button', { type: 'button', class: 'secondary small', testid: 'match-extend' }, t('console.match.plus1'));
    const endBtn = h('button', { type: 'button', class: 'secondary small', testid: 'match-end-phase' }, t('console.match.end_phase'));
    const transcriptBtn = h('button', { type: 'button', class: 'link-button small', testid: 'match-transcript' }, t('console.match.transcript'));
    const tr = h(
      'tr',
      { testid: 'match-row', 'data-match-id': m.id },
      h('th', { scope: 'row' }, names, treatment),
      h('td', null, phase, paused),
      h('td', { class: 'num' }, left),
      h('td', { class: 'num' }, offers),
      h('td', { class: 'num' }, messages),
      h('td', null, outcome),
      h('td', { class: 'actions' }, h('div', { class: 'row-buttons' }, pauseBtn, extendBtn, endBtn, transcriptBtn)),
    );
    /** @type {MatchRow} */
    const row = { tr, names, treatment, phase, paused, left, offers, messages, outcome, pauseBtn, extendBtn, endBtn, transcriptBtn, m };
    const who = () => nameList(row.m.players || []);
    pauseBtn.addEventListener('click', () => {
      const resume = row.m.paused;
      this.matchControl(m.id, { action: resume ? 'resume' : 'pause' }, pauseBtn, (n) => {
        if (resume) return n ? t('console.match.resumed', { names: who() }) : t('console.match.not_resumed', { names: who() });
        return n ? t('console.match.paused_done', { names: who() }) : t('console.match.not_paused', { names: who() });
      });
    });
    extendBtn.addEventListener('click', () =>
      this.matchControl(m.id, { action: 'extend', seconds: 60 }, extendBtn, (n) =>
        n ? t('console.match.extended', { names: who() }) : t('console.match.no_clock', { names: who() }),
      ),
    );
    endBtn.addEventListener('click', async () => {
      const bargaining = row.m.phase === 'bargaining';
      const phase = phaseName(row.m.phase).toLowerCase();
      const ok = await confirmDialog(
        t(bargaining ? 'console.match.end_confirm_bargaining' : 'console.match.end_confirm', { phase, names: who() }),
        t('console.match.end_phase'),
      );
      if (!ok) return;
      this.matchControl(m.id, { action: 'end_phase' }, endBtn, (n) =>
        n ? t('console.match.ended', { phase: phaseName(row.m.phase).toLowerCase(), names: who() }) : t('console.match.nothing_to_end', { names: who() }),
      );
    });
    transcriptBtn.addEventListener('click', () => this.o.onTranscript && this.o.onTranscript(m.id));
    return row;
  }

  /**
   * @param {MatchRow} row
   * @param {MonitorMatch} m
   */
  fillMatchRow(row, m) {
    row.m = m;
    const tr = row.tr;
    tr.dataset.phase = m.phase;
    tr.dataset.paused = String(!!m.paused);
    tr.dataset.outcome = m.outcome ? m.outcome.kind : '';
    tr.dataset.smallTalk = String(!!m.small_talk);
    tr.className = `phase-${m.phase}${m.paused ? ' paused' : ''}${m.outcome ? ` outcome-${m.outcome.kind}` : ''}`;
    const names = nameList(m.players || []);
    if (row.names.textContent !== names) row.names.textContent = names;
    row.treatment.hidden = !!m.small_talk;
    const pl = phaseName(m.phase);
    if (row.phase.textContent !== pl) row.phase.textContent = pl;
    row.phase.dataset.phase = m.phase;
    row.paused.hidden = !m.paused;
    row.offers.textContent = num(m.offers ?? 0);
    row.messages.textContent = num(m.messages ?? 0);
    const oc = outcomeText(m.outcome);
    if (row.outcome.textContent !== oc) row.outcome.textContent = oc;
    row.outcome.dataset.kind = m.outcome ? m.outcome.kind : '';
    const live = m.phase !== 'results';
    row.pauseBtn.textContent = m.paused ? t('console.match.resume') : t('console.match.pause');
    row.pauseBtn.setAttribute('aria-label', t(m.paused ? 'console.match.resume_aria' : 'console.match.pause_aria', { names }));
    // Each name starts with the button's visible text (WCAG 2.5.3, label in name).
    row.extendBtn.setAttribute('aria-label', t('console.match.plus1_aria', { names }));
    row.endBtn.setAttribute('aria-label', t('console.match.end_phase_aria', { names }));
    row.transcriptBtn.setAttribute('aria-label', t('console.match.transcript_aria', { names }));
    for (const b of [row.pauseBtn, row.extendBtn, row.endBtn]) b.hidden = !live;
    fillObservers(this, row, m);
  }

  /** Time left in every match, from the deadline and the server's clock. */
  tick() {
    const now = this.o.watcher ? this.o.watcher.now() : Date.now();
    for (const row of this.matchRows.values()) {
      const m = row.m;
      let text;
      let urgent = false;
      if (m.phase === 'results' || m.deadline == null) text = '—';
      else if (m.paused) text = t('console.match.paused');
      else {
        const ms = m.deadline - now;
        text = clock(ms);
        urgent = ms < 60000;
      }
      if (row.left.textContent !== text) row.left.textContent = text;
      row.left.classList.toggle('urgent', urgent);
    }
  }
}
