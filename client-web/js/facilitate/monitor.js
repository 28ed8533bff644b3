// The live monitor: who joined, who waits, every match with its phase and clock, and the
// facilitator's controls. Rows are keyed and updated in place every second, so focus, the
// pairing selection and half-typed text survive the updates. Seat repair (a gone player's seat
// handed to someone waiting or to a bot) and rejoin links open in one panel above the
// participants table.

import { teamsLine } from './teams.js';
import { h, replace, show, $ } from '../dom.js';
import { phaseLabel, clock, PHASES } from '../format.js';
import { apiErrorSentence } from './api.js';
import { setStatus, confirmDialog, plural, nameList, outcomeText, announce, copyText } from './ui.js';
import { wireObserverControls, fillObservers } from './observers.js';

/** A bot's name without the " (bot)" its players see: the console marks bots with a tag. */
function displayName(p) {
  return p.bot ? String(p.name).replace(/\s*\(bot\)\s*$/i, '') || String(p.name) : String(p.name);
}

const STATUS_LABEL = {
  waiting: 'Waiting',
  playing: 'Playing',
  finished: 'Finished',
  lobby: 'Joined, not waiting',
  removed: 'Removed',
  observing: 'Observing a match',
};
const STATUS_ORDER = { waiting: 0, lobby: 1, playing: 2, finished: 2, observing: 2, removed: 3 };

export class Monitor {
  /**
   * @param {object} o
   *   api: SessionApi, watcher: Watcher (for the server clock), scenario: {roles:[{id,name}]}|null
   *   onTranscript(matchId)   show one match's transcript
   *   onFrame(frame)          after every monitor frame
   */
  constructor(o) {
    this.o = o;
    this.api = o.api;
    this.frame = null;
    this.selection = []; // player ids, in seat order
    this.playerRows = new Map();
    this.matchRows = new Map();
    this.roles = (o.scenario && o.scenario.roles) || [];
    this.groupSize = this.roles.length || 2;
    this.panel = null; // {kind: 'hand' | 'rejoin', id, ...}: the open seat-repair or rejoin panel

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
      filter: $('[data-testid="player-filter"]'),
      handHint: $('[data-testid="hand-pair-hint"]'),
      pairSelected: $('[data-testid="ctl-pair-selected"]'),
      clearSelection: $('[data-testid="ctl-clear-selection"]'),
      statusPairing: $('[data-testid="ctl-status-pairing"]'),
      statusClock: $('[data-testid="ctl-status-clock"]'),
      statusBroadcast: $('[data-testid="ctl-status-broadcast"]'),
      statusPlayers: $('[data-testid="ctl-status-players"]'),
      statusMatch: $('[data-testid="ctl-status-match"]'),
      addBot: $('[data-testid="ctl-add-bot"]'),
      botStrategy: $('[data-testid="ctl-bot-strategy"]'),
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
   */
  async run(body, statusEl, button, success) {
    if (button && button.dataset.busy) return false;
    if (button) {
      button.disabled = true;
      button.dataset.busy = '1';
    }
    setStatus(statusEl, 'Sending…', 'busy');
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
    const on = (testid, fn) => {
      const b = $(`[data-testid="${testid}"]`);
      b.addEventListener('click', () => fn(b));
    };
    on('ctl-start-pairing', (b) =>
      this.run({ action: 'start_pairing' }, this.el.statusPairing, b, (n) =>
        n ? `Pairing is on. ${plural(n, 'match', 'matches')} started.` : 'Pairing is on: people are paired as soon as enough of them wait.',
      ),
    );
    on('ctl-pair-now', (b) =>
      this.run({ action: 'pair_now' }, this.el.statusPairing, b, (n) =>
        n ? `${plural(n, 'match', 'matches')} started at random.` : `Nobody was paired: fewer than ${this.groupSize} people are waiting.`,
      ),
    );
    on('ctl-add-bot', (b) => {
      const strategy = this.el.botStrategy.value;
      const style = strategy ? ` (${this.el.botStrategy.selectedOptions[0].textContent.split(':')[0].toLowerCase()})` : '';
      const sess = (this.frame && this.frame.session) || {};
      const auto = sess.pairing === 'auto' || sess.auto_pairing;
      return this.run({ action: 'add_bot', ...(strategy ? { strategy } : {}) }, this.el.statusPairing, b, () =>
        auto
          ? `Added a bot${style}: it is paired with the next person waiting.`
          : `Added a bot${style}: it waits, and you pair it like anyone else.`,
      );
    });
    on('ctl-pause', (b) =>
      this.run({ action: 'pause' }, this.el.statusClock, b, (n) => (n ? `Paused ${plural(n, 'match', 'matches')}.` : 'No running match to pause.')),
    );
    on('ctl-resume', (b) =>
      this.run({ action: 'resume' }, this.el.statusClock, b, (n) => (n ? `Resumed ${plural(n, 'match', 'matches')}.` : 'No paused match to resume.')),
    );
    on('ctl-extend-1', (b) =>
      this.run({ action: 'extend', seconds: 60 }, this.el.statusClock, b, (n) =>
        n ? `Added 1 minute to ${plural(n, 'match', 'matches')}.` : 'No running match to extend.',
      ),
    );
    on('ctl-extend-5', (b) =>
      this.run({ action: 'extend', seconds: 300 }, this.el.statusClock, b, (n) =>
        n ? `Added 5 minutes to ${plural(n, 'match', 'matches')}.` : 'No running match to extend.',
      ),
    );
    on('ctl-end-phase', async (b) => {
      const ok = await confirmDialog(
        'End the current phase in every match now? Matches in bargaining end without a deal.',
        'End phase for everyone',
      );
      if (!ok) return;
      await this.run({ action: 'end_phase' }, this.el.statusClock, b, (n) =>
        n ? `Ended the current phase in ${plural(n, 'match', 'matches')}.` : 'No running match.',
      );
    });
    wireObserverControls(this);
    const form = $('#broadcast-form');
    const input = $('[data-testid="ctl-broadcast-text"]');
    form.addEventListener('submit', async (ev) => {
      ev.preventDefault();
      const text = input.value.trim();
      if (!text) {
        setStatus(this.el.statusBroadcast, 'Type a message first.', 'error');
        input.focus();
        return;
      }
      const ok = await this.run({ action: 'broadcast', text }, this.el.statusBroadcast, $('[data-testid="ctl-broadcast"]'), (n) =>
        n ? `Sent to ${plural(n, 'participant')}.` : 'Sent (nobody has joined yet).',
      );
      if (ok) input.value = '';
    });

    this.el.pairSelected.addEventListener('click', async () => {
      const ids = this.selection.slice();
      const names = ids.map((id) => this.playerName(id));
      const ok = await this.run({ action: 'pair', players: ids }, this.el.statusPlayers, this.el.pairSelected, () => `Paired ${nameList(names)}.`);
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

  async removePlayer(id, button) {
    const name = this.playerName(id);
    const ok = await confirmDialog(
      `Remove ${name} from this session? Their match ends as abandoned and their link stops working.`,
      `Remove ${name}`,
    );
    if (!ok) return;
    this.selection = this.selection.filter((x) => x !== id);
    await this.run({ action: 'remove', player_id: id }, this.el.statusPlayers, button, () => `Removed ${name}.`);
    this.renderHandPair();
  }

  async matchControl(matchId, body, button, success) {
    await this.run({ ...body, match_id: matchId }, this.el.statusMatch, button, success);
  }

  playerName(id) {
    const p = this.frame && this.frame.players.find((x) => x.id === id);
    return p ? p.name : 'that participant';
  }

  // ---------------------------------------------------------------- rendering

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

  renderSummary(f) {
    const players = f.players || [];
    const matches = f.matches || [];
    const online = players.filter((p) => p.online && p.status !== 'removed').length;
    const playing = players.filter((p) => p.status === 'playing').length;
    const finished = matches.filter((m) => m.outcome).length;
    const stat = (label, value, testid) =>
      h('div', { class: 'stat', testid, 'data-value': String(value) }, h('span', { class: 'stat-value' }, String(value)), h('span', { class: 'stat-label' }, label));
    replace(
      this.el.summary,
      stat('joined', players.filter((p) => p.status !== 'removed').length, 'stat-joined'),
      stat('online', online, 'stat-online'),
      stat('waiting', f.waiting || 0, 'stat-waiting'),
      stat('playing', playing, 'stat-playing'),
      stat('matches', matches.length, 'stat-matches'),
      stat('bargaining over', finished, 'stat-finished'),
    );
    const counts = {};
    for (const m of matches) counts[m.phase] = (counts[m.phase] || 0) + 1;
    this.el.phaseCounts.textContent = Object.keys(PHASES)
      .filter((p) => counts[p])
      .map((p) => `${phaseLabel(p)}: ${counts[p]}`)
      .join(' · ');
  }

  renderControls(f) {
    const sess = f.session || {};
    const start = $('[data-testid="ctl-start-pairing"]');
    let text;
    if (sess.pairing === 'auto') text = 'Automatic pairing: people are paired as they arrive, first come, first served.';
    else if (sess.auto_pairing) text = 'Pairing is on: people are paired as soon as enough of them wait.';
    else text = 'People wait for you. Pair them by hand (pick names below), all at random, or start pairing.';
    const teams = teamsLine(sess);
    this.el.pairingMode.textContent = teams ? `${text} ${teams}.` : text;
    this.el.pairingMode.dataset.auto = String(!!sess.auto_pairing);
    if (!start.matches('[data-busy]')) start.disabled = !!sess.auto_pairing;
    start.textContent = sess.auto_pairing ? 'Pairing is on' : 'Start pairing';

    // Odd numbers: say who would be left without a partner, and that a bot fixes it.
    const n = this.groupSize;
    const waiting = f.waiting || 0;
    const left = waiting % n;
    const auto = sess.pairing === 'auto' || sess.auto_pairing;
    let hint;
    if (left && auto) {
      hint = `${plural(left, 'person waits', 'people wait')} without ${n === 2 ? 'a partner' : 'a full group'}: add ${n - left === 1 ? 'a bot' : `${n - left} bots`} to start their match now.`;
    } else if (left) {
      hint = `${plural(waiting, 'person waits', 'people wait')}: pairing everyone would leave ${left} without ${n === 2 ? 'a partner' : 'a full group'}. A bot makes the numbers even.`;
    } else {
      hint = 'Odd numbers? A bot waits and plays like a participant.';
    }
    this.el.oddHint.textContent = hint;
    this.el.oddHint.dataset.left = String(left);
  }

  renderHandPair() {
    const f = this.frame;
    const waiting = new Set(((f && f.players) || []).filter((p) => p.status === 'waiting').map((p) => p.id));
    this.selection = this.selection.filter((id) => waiting.has(id));
    const n = this.groupSize;
    const seats = this.roles.length
      ? this.roles.map((r, i) => `seat ${i + 1}: ${r.name}`).join(', ')
      : `${n} seats`;
    const picked = this.selection.map((id, i) => `${i + 1}. ${this.playerName(id)}${this.roles[i] ? ` (${this.roles[i].name})` : ''}`);
    this.el.handHint.textContent = picked.length
      ? `Picked ${picked.length} of ${n}: ${picked.join(', ')}.`
      : `Pair by hand: tick ${n} waiting people in seat order (${seats}), then “Pair these”.`;
    this.el.pairSelected.disabled = this.selection.length !== n;
    this.el.clearSelection.disabled = this.selection.length === 0;
  }

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
    let prev = null;
    for (const p of players) {
      alive.add(p.id);
      let row = this.playerRows.get(p.id);
      if (!row) {
        row = this.playerRow(p);
        this.playerRows.set(p.id, row);
      }
      this.fillPlayerRow(row, p, phaseOf.get(p.match_id));
      row.tr.hidden = !!q && !String(p.name).toLowerCase().includes(q);
      // Move the row only when it is out of place (moving a focused row would drop focus).
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
    this.el.playersCount.textContent = `(${active})`;
    show(this.el.playersEmpty, players.length === 0);
  }

  playerRow(p) {
    const pick = h('input', { type: 'checkbox', class: 'pick', 'aria-label': `Pick ${p.name} for pairing` });
    const seat = h('span', { class: 'seat-no', 'aria-hidden': 'true' });
    const name = h('span', { class: 'pname' });
    const botTag = h('span', { class: 'tag bot-tag', testid: 'bot-tag', hidden: true }, 'bot');
    const status = h('span', { class: 'pstatus' });
    const dot = h('span', { class: 'dot', 'aria-hidden': 'true' });
    const onlineText = h('span', { class: 'online-text' });
    const handSeat = h('button', { type: 'button', class: 'secondary small', testid: 'ctl-hand-seat', hidden: true }, 'Hand seat to…');
    const rejoin = h('button', { type: 'button', class: 'link-button small', testid: 'ctl-rejoin-link', hidden: true }, 'Rejoin link');
    const remove = h('button', { type: 'button', class: 'link-button danger-link small', testid: 'ctl-remove' }, 'Remove');
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
    let st = STATUS_LABEL[p.status] || p.status;
    if ((p.status === 'playing' || p.status === 'finished') && match) st = match.phase === 'results' ? 'Finished · reading results' : `Playing · ${phaseLabel(match.phase)}`;
    if (p.status === 'observing' && match) st = `Observing ${nameList(match.players || [])}`;
    if (row.status.textContent !== st) row.status.textContent = st;
    const on = p.status === 'removed' ? '—' : p.online ? 'online' : 'offline';
    if (row.onlineText.textContent !== on) row.onlineText.textContent = on;
    const waiting = p.status === 'waiting';
    const idx = this.selection.indexOf(p.id);
    row.pick.disabled = !waiting || (idx < 0 && this.selection.length >= this.groupSize);
    row.pick.checked = idx >= 0;
    row.pick.hidden = !waiting;
    row.seat.textContent = idx >= 0 ? String(idx + 1) : '';
    row.remove.disabled = p.status === 'removed';
    row.remove.setAttribute('aria-label', `Remove ${p.name}`);
    // Seat repair: a seated player who has gone can have their seat handed on.
    const repairable = p.status === 'playing' && !p.online;
    row.handSeat.hidden = !repairable;
    row.handSeat.setAttribute('aria-label', `Hand seat to… (${p.name}'s seat)`);
    row.rejoin.hidden = !!p.bot || p.status === 'removed';
    row.rejoin.setAttribute('aria-label', `Rejoin link for ${p.name}`);
    const open = this.panel && this.panel.id === p.id ? this.panel.kind : '';
    row.handSeat.setAttribute('aria-expanded', String(open === 'hand'));
    row.rejoin.setAttribute('aria-expanded', String(open === 'rejoin'));
    row.handSeat.setAttribute('aria-controls', 'player-panel');
    row.rejoin.setAttribute('aria-controls', 'player-panel');
  }

  // ---------------------------------------------------------------- seat repair and rejoin links

  player(id) {
    return (this.frame && (this.frame.players || []).find((x) => x.id === id)) || null;
  }

  /** Opens the panel of one player (or closes it when the same button is pressed again). */
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
    this.panel.heading.focus({ preventScroll: true });
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
      if (button && !button.hidden && !row.tr.hidden) button.focus();
      else this.el.filter.focus();
    }
  }

  panelShell(title, testid) {
    const heading = h('h3', { id: 'player-panel-heading', tabindex: '-1' }, title);
    const close = h('button', { type: 'button', class: 'link-button small', testid: 'player-panel-close' }, 'Close');
    close.addEventListener('click', () => this.closePanel(true));
    const body = h('div', { class: 'panel-body', testid });
    replace(this.el.panel, h('div', { class: 'section-head' }, heading, close), body);
    this.el.panel.dataset.kind = this.panel.kind;
    this.el.panel.dataset.playerId = this.panel.id;
    this.panel.heading = heading;
    this.panel.close = close;
    return body;
  }

  buildHandPanel(p) {
    const body = this.panelShell(`Hand on ${p.name}'s seat`, 'hand-seat-panel');
    const context = h('p', { class: 'small', testid: 'hand-seat-context' });
    const select = h('select', { id: 'hand-seat-to', testid: 'hand-seat-to' });
    const submit = h('button', { type: 'submit', class: 'primary', testid: 'hand-seat-submit' }, 'Hand the seat on');
    const status = h('p', { class: 'ctl-status', testid: 'hand-seat-status', role: 'status', 'aria-live': 'polite' });
    const form = h(
      'form',
      { class: 'hand-seat-form', novalidate: true },
      context,
      h('label', { for: 'hand-seat-to' }, 'Give the seat to'),
      h('div', { class: 'inline-form' }, select, submit),
      status,
    );
    replace(body, form);
    Object.assign(this.panel, { context, select, submit, status, optionsKey: '' });
    select.addEventListener('change', () => this.renderPanel());
    form.addEventListener('submit', async (ev) => {
      ev.preventDefault();
      const panel = this.panel;
      if (!panel || panel.kind !== 'hand' || submit.dataset.busy) return;
      const to = select.value;
      if (!to) {
        setStatus(status, 'Choose who takes the seat.', 'error');
        select.focus();
        return;
      }
      const toName = to === 'bot' ? 'a new bot' : this.playerName(to);
      const name = panel.name;
      let done = '';
      const ok = await this.run({ action: 'hand_seat', player_id: panel.id, to }, status, submit, () => {
        done = `Handed ${name}'s seat to ${toName}: the match goes on.`;
        return done;
      });
      if (ok && this.panel === panel) {
        this.closePanel(true);
        setStatus(this.el.statusPlayers, done, 'ok');
      }
    });
  }

  buildRejoinPanel(p) {
    const body = this.panelShell(`Rejoin link for ${p.name}`, 'rejoin-panel');
    const input = h('input', {
      type: 'text',
      readonly: true,
      class: 'rejoin-url',
      testid: 'rejoin-link',
      'aria-label': `Rejoin link for ${p.name}`,
      spellcheck: 'false',
      autocomplete: 'off',
    });
    const copy = h('button', { type: 'button', class: 'secondary small', testid: 'rejoin-copy', disabled: true }, 'Copy');
    const status = h('p', { class: 'ctl-status', testid: 'rejoin-status', role: 'status', 'aria-live': 'polite' });
    replace(
      body,
      h(
        'p',
        { class: 'small' },
        `Send this link to ${p.name} only (by chat or email, not on the screen): opening it on any device puts them back in their seat. Anyone who has it can play as ${p.name}.`,
      ),
      h('div', { class: 'inline-form rejoin-line', hidden: true }, input, copy),
      status,
    );
    Object.assign(this.panel, { input, copy, status, line: input.parentElement });
    input.addEventListener('focus', () => input.select());
    copy.addEventListener('click', () => copyText(input.value, input, status));
  }

  async fetchRejoin() {
    const panel = this.panel;
    if (!panel || panel.kind !== 'rejoin' || panel.loading) return;
    panel.loading = true;
    const row = this.playerRows.get(panel.id);
    if (row) row.rejoin.disabled = true;
    setStatus(panel.status, 'Fetching the link…', 'busy');
    try {
      const answer = await this.api.rejoinLink(panel.id);
      if (this.panel !== panel) return;
      const url = new URL(answer.url, location.origin).href;
      panel.input.value = url;
      show(panel.line, true);
      panel.copy.disabled = false;
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
        panel.input.value = '';
        show(panel.line, false);
        setStatus(panel.status, `${p.name} was removed from the session: there is no seat to go back to.`, 'error');
      }
      return;
    }
    // The hand-seat panel: the match, the choice of taker, and whether a handover is possible.
    const m = this.frame && (this.frame.matches || []).find((x) => x.id === p.match_id);
    const repairable = p.status === 'playing' && !p.online;
    let text;
    if (p.status !== 'playing') text = `${p.name} no longer holds a seat: there is nothing to hand on.`;
    else if (p.online) text = `${p.name} is back online: their seat needs no repair.`;
    else {
      const others = (m && m.players ? m.players.slice() : []);
      const at = others.indexOf(p.name);
      if (at >= 0) others.splice(at, 1);
      const where = m ? ` from the match with ${nameList(others) || 'their partner'} (${phaseLabel(m.phase).toLowerCase()})` : '';
      text = `${p.name} has gone offline${where}. The person you choose takes the seat and the match goes on where it is; if ${p.name} comes back, they wait for a new partner.`;
    }
    if (panel.context.textContent !== text) panel.context.textContent = text;
    panel.context.dataset.repairable = String(repairable);

    const waiting = (this.frame.players || [])
      .filter((x) => x.status === 'waiting' && x.id !== p.id)
      .sort((a, b) => String(a.name).localeCompare(String(b.name), undefined, { numeric: true, sensitivity: 'base' }));
    const options = [
      ['', waiting.length ? 'Choose who takes the seat' : 'Nobody is waiting: choose a bot'],
      ...waiting.map((x) => [x.id, `${x.name}${x.bot && !/\(bot\)\s*$/i.test(x.name) ? ' (bot)' : ''} — waiting`]),
      ['bot', 'A new bot'],
    ];
    const key = JSON.stringify(options);
    if (key !== panel.optionsKey) {
      // Rebuilt only when the list changes, so an open drop-down is not closed every second.
      const keep = panel.select.value;
      replace(panel.select, options.map(([value, label]) => h('option', { value }, label)));
      panel.select.value = options.some(([v]) => v === keep) ? keep : '';
      panel.optionsKey = key;
    }
    panel.select.disabled = !repairable;
    if (!panel.submit.dataset.busy) panel.submit.disabled = !repairable || !panel.select.value;
  }

  renderMatches(f) {
    // Matches still being played first, then finished ones; otherwise the server's order.
    const done = (m) => (m.phase === 'results' || m.phase === 'survey' ? 1 : 0);
    const matches = (f.matches || []).map((m, i) => [m, i]).sort((a, b) => done(a[0]) - done(b[0]) || a[1] - b[1]).map((x) => x[0]);
    const alive = new Set();
    const tbody = this.el.matches;
    let prev = null;
    matches.forEach((m, i) => {
      alive.add(m.id);
      let row = this.matchRows.get(m.id);
      if (!row) {
        row = this.matchRow(m, i);
        this.matchRows.set(m.id, row);
      }
      this.fillMatchRow(row, m);
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
    this.el.matchesCount.textContent = `(${matches.length})`;
    show(this.el.matchesEmpty, matches.length === 0);
  }

  matchRow(m) {
    const names = h('span', { class: 'mnames' });
    const treatment = h('span', { class: 'tag no-talk-tag' }, 'no small talk');
    const phase = h('span', { class: 'phase-pill', testid: 'match-phase' });
    const paused = h('span', { class: 'tag paused-tag' }, 'paused');
    const left = h('span', { class: 'time-left', testid: 'match-time-left' });
    const offers = h('span');
    const messages = h('span');
    const outcome = h('span', { class: 'moutcome', testid: 'match-outcome' });
    const pauseBtn = h('button', { type: 'button', class: 'secondary small', testid: 'match-pause' }, 'Pause');
    const extendBtn = h('button', { type: 'button', class: 'secondary small', testid: 'match-extend' }, '+1 min');
    const endBtn = h('button', { type: 'button', class: 'secondary small', testid: 'match-end-phase' }, 'End phase');
    const transcriptBtn = h('button', { type: 'button', class: 'link-button small', testid: 'match-transcript' }, 'Transcript');
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
    const row = { tr, names, treatment, phase, paused, left, offers, messages, outcome, pauseBtn, extendBtn, endBtn, transcriptBtn, m };
    const who = () => nameList(row.m.players || []);
    pauseBtn.addEventListener('click', () => {
      const resume = row.m.paused;
      this.matchControl(m.id, { action: resume ? 'resume' : 'pause' }, pauseBtn, (n) =>
        n ? `${resume ? 'Resumed' : 'Paused'} the match of ${who()}.` : `The match of ${who()} could not be ${resume ? 'resumed' : 'paused'} now.`,
      );
    });
    extendBtn.addEventListener('click', () =>
      this.matchControl(m.id, { action: 'extend', seconds: 60 }, extendBtn, (n) =>
        n ? `Added 1 minute to the match of ${who()}.` : `The match of ${who()} has no clock to extend now.`,
      ),
    );
    endBtn.addEventListener('click', async () => {
      const bargaining = row.m.phase === 'bargaining';
      const ok = await confirmDialog(
        `End ${phaseLabel(row.m.phase).toLowerCase()} for ${who()} now?${bargaining ? ' Their bargaining ends without a deal.' : ''}`,
        'End phase',
      );
      if (!ok) return;
      this.matchControl(m.id, { action: 'end_phase' }, endBtn, (n) =>
        n ? `Ended ${phaseLabel(row.m.phase).toLowerCase()} for ${who()}.` : `Nothing to end for ${who()}.`,
      );
    });
    transcriptBtn.addEventListener('click', () => this.o.onTranscript && this.o.onTranscript(m.id));
    return row;
  }

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
    const pl = phaseLabel(m.phase);
    if (row.phase.textContent !== pl) row.phase.textContent = pl;
    row.phase.dataset.phase = m.phase;
    row.paused.hidden = !m.paused;
    row.offers.textContent = String(m.offers ?? 0);
    row.messages.textContent = String(m.messages ?? 0);
    const oc = outcomeText(m.outcome);
    if (row.outcome.textContent !== oc) row.outcome.textContent = oc;
    row.outcome.dataset.kind = m.outcome ? m.outcome.kind : '';
    const live = m.phase !== 'results';
    row.pauseBtn.textContent = m.paused ? 'Resume' : 'Pause';
    row.pauseBtn.setAttribute('aria-label', `${m.paused ? 'Resume' : 'Pause'} the match of ${names}`);
    // Each name starts with the button's visible text (WCAG 2.5.3, label in name).
    row.extendBtn.setAttribute('aria-label', `+1 min for the match of ${names}`);
    row.endBtn.setAttribute('aria-label', `End phase for ${names}`);
    row.transcriptBtn.setAttribute('aria-label', `Transcript of the match of ${names}`);
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
      else if (m.paused) text = 'paused';
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
