// The live monitor: who joined, who waits, every match with its phase and clock, and the
// facilitator's controls. Rows are keyed and updated in place every second, so focus, the
// pairing selection and half-typed text survive the updates.

import { h, replace, show, $ } from '../dom.js';
import { phaseLabel, clock, PHASES } from '../format.js';
import { apiErrorSentence } from './api.js';
import { setStatus, confirmDialog, plural, nameList, outcomeText, announce } from './ui.js';

const STATUS_LABEL = {
  waiting: 'Waiting',
  playing: 'Playing',
  finished: 'Finished',
  lobby: 'Joined, not waiting',
  removed: 'Removed',
};
const STATUS_ORDER = { waiting: 0, lobby: 1, playing: 2, finished: 2, removed: 3 };

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
    };
    this.wireControls();
    this.renderHandPair();
    this.ticker = setInterval(() => this.tick(), 500);
  }

  // ---------------------------------------------------------------- controls

  /** Posts a control; shows the answer (or the server's error message) in the status line. */
  async run(body, statusEl, button, success) {
    if (button) button.disabled = true;
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
      if (button) button.disabled = false;
      if (this.frame) this.renderControls(this.frame);
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
    this.el.pairingMode.textContent = text;
    this.el.pairingMode.dataset.auto = String(!!sess.auto_pairing);
    if (!start.matches('[data-busy]')) start.disabled = !!sess.auto_pairing;
    start.textContent = sess.auto_pairing ? 'Pairing is on' : 'Start pairing';
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
    const status = h('span', { class: 'pstatus' });
    const dot = h('span', { class: 'dot', 'aria-hidden': 'true' });
    const onlineText = h('span', { class: 'online-text' });
    const remove = h('button', { type: 'button', class: 'link-button danger-link small', testid: 'ctl-remove' }, 'Remove');
    const tr = h(
      'tr',
      { testid: 'player-row', 'data-player-id': p.id },
      h('td', { class: 'pick-cell' }, h('label', { class: 'pick-label' }, pick, seat)),
      h('th', { scope: 'row' }, name),
      h('td', null, status),
      h('td', { class: 'online-cell' }, dot, onlineText),
      h('td', { class: 'actions' }, remove),
    );
    const row = { tr, pick, seat, name, status, onlineText, remove, id: p.id };
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
    tr.className = `status-${p.status}${p.online || p.status === 'removed' ? '' : ' offline'}`;
    if (row.name.textContent !== p.name) row.name.textContent = p.name;
    let st = STATUS_LABEL[p.status] || p.status;
    if ((p.status === 'playing' || p.status === 'finished') && match) st = match.phase === 'results' ? 'Finished · reading results' : `Playing · ${phaseLabel(match.phase)}`;
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
    row.extendBtn.setAttribute('aria-label', `Add 1 minute to the match of ${names}`);
    row.endBtn.setAttribute('aria-label', `End the current phase for ${names}`);
    row.transcriptBtn.setAttribute('aria-label', `Transcript of the match of ${names}`);
    for (const b of [row.pauseBtn, row.extendBtn, row.endBtn]) b.hidden = !live;
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
