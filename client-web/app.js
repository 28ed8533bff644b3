// Parley browser client: one page, no build step. See docs/protocol.md for the frames.

import { h, clear, show, $ } from './js/dom.js';
import { Connection, tokenFor, keepToken, forgetToken, lastCode } from './js/conn.js';
import { phaseLabel, clock, errorSentence, pts, spokenDuration, outcomeSentence, versusBatna, allowed } from './js/format.js';
import { briefPanel } from './js/brief.js';
import { ChatPanel } from './js/chat.js';
import { BargainPanel } from './js/bargain.js';
import { SurveyPanel } from './js/survey.js';
import { resultsView } from './js/results.js';
import { DisclosePanel } from './js/disclose.js';
import { PriorityList } from './js/priorities.js';

const NAME_KEY = 'parley.name';

// Requests that change the match: sent one at a time (see MatchView's send).
const FLIGHT_TYPES = new Set([
  'offer', 'accept', 'reject', 'withdraw', 'walk_away', 'ready', 'survey', 'skip_survey', 'guess_priorities', 'disclose',
]);

const app = {
  // The join code this page is about: from the link (?code=), else the last one joined here.
  code: '',
  tournament: null, // the last `tournament` frame (round, standing)
  offers: new Map(), // offer id → offer, for the current match (state frames may carry a window)
  offersMatch: null,
  leftMatches: new Set(), // matches this page has moved on from
  view: 'connecting',
  joined: null,
  waiting: null,
  state: null,
  lastAction: null,
  pendingJoin: false,
  match: null, // the built match view (per match_id)
  briefOpen: false,
  backOnlineTimer: null,
  noticeTimer: null,
};

const conn = new Connection({ onMessage, onStatus, token: () => tokenFor(app.code) });

// ---------------------------------------------------------------- screens

function setView(view) {
  app.view = view;
  for (const name of ['connecting', 'join', 'waiting', 'match', 'replaced']) {
    show($(`#screen-${name}`), name === view);
  }
  document.body.dataset.view = view;
  const inMatch = view === 'match' && app.state;
  show($('[data-testid="phase"]'), !!inMatch);
  show($('[data-testid="match-title"]'), !!inMatch);
  if (!inMatch) {
    show($('[data-testid="countdown"]'), false);
    document.title = view === 'waiting' ? 'Parley — waiting for a partner' : 'Parley';
  }
}

function announce(text) {
  const el = $('#announcer');
  el.textContent = '';
  // A fresh text node after a tick makes screen readers read it again.
  setTimeout(() => {
    el.textContent = text;
  }, 50);
}

// ---------------------------------------------------------------- banners

function setConnBanner(text, kind) {
  const el = $('[data-testid="conn-banner"]');
  el.textContent = text || '';
  el.dataset.kind = kind || '';
  show(el, !!text);
}

function showNotice(text) {
  const el = $('[data-testid="notice"]');
  $('.notice-text', el).textContent = text;
  show(el, true);
  clearTimeout(app.noticeTimer);
  app.noticeTimer = setTimeout(() => show(el, false), 30000);
}

// ---------------------------------------------------------------- connection status

function onStatus(status, info = {}) {
  clearTimeout(app.backOnlineTimer);
  if (status === 'lost') {
    setConnBanner('Connection lost — reconnecting…', 'lost');
  } else if (status === 'closed') {
    setConnBanner('Disconnected. Reload the page to continue.', 'lost');
  } else if (status === 'replaced') {
    setConnBanner('');
    setView('replaced');
    $('#use-this-tab').focus();
  } else if (status === 'open') {
    if (info.resumed) {
      setConnBanner('Back online', 'ok');
      app.backOnlineTimer = setTimeout(() => setConnBanner(''), 3000);
    } else {
      setConnBanner('');
    }
    if (!tokenFor(app.code)) {
      // Nothing to resume: the player joins.
      app.joined = null;
      app.state = null;
      showJoin();
    }
  }
  if (app.match) app.match.refreshEnabled();
  updateJoinButtons();
}

// ---------------------------------------------------------------- messages

function onMessage(msg) {
  switch (msg.type) {
    case 'welcome':
      break;
    case 'joined':
      app.joined = msg;
      app.pendingJoin = false;
      if (msg.session && msg.session.code) {
        app.code = msg.session.code;
        if (msg.token) keepToken(app.code, msg.token);
      }
      if (msg.name) {
        try {
          localStorage.setItem(NAME_KEY, msg.name);
        } catch {
          /* ignore */
        }
      }
      if (app.view === 'join') {
        app.waiting = null;
        renderWaiting();
        setView('waiting');
      }
      break;
    case 'waiting':
      app.waiting = msg;
      renderWaiting();
      if (!app.state || app.state.phase === undefined || app.view !== 'match') setView('waiting');
      break;
    case 'left':
      // Out of the waiting line: this device forgets the seat, the join form comes back.
      forgetToken(app.code);
      app.joined = null;
      app.waiting = null;
      showJoin();
      break;
    case 'coach':
      if (app.match) app.match.showCoach(msg);
      break;
    case 'tournament':
      app.tournament = msg;
      if (app.match) app.match.renderTournament();
      break;
    case 'state':
      onState(msg);
      break;
    case 'chat_history':
      if (app.match) app.match.chat.reset(msg.lines || []);
      else app.pendingHistory = msg.lines || [];
      break;
    case 'chat':
      if (app.match) app.match.endFlight('chat');
      if (app.match) {
        if (app.state && msg.seat === app.state.you.seat) app.match.chat.delivered(msg.text);
        app.match.chat.add(msg);
      }
      break;
    case 'notice':
      if (msg.text) showNotice(msg.text);
      break;
    case 'pong':
      break;
    case 'error':
      onError(msg);
      break;
    default:
      break;
  }
}

// Errors that can only come from one kind of action go next to that control, whatever was
// clicked last; the others go next to the last action.
const CODE_AREAS = {
  rate_limited: ['chat'],
  empty_chat: ['chat'],
  chat_too_long: ['chat'],
  unknown_issue: ['offer', 'disclose'],
  missing_issue: ['offer'],
  unknown_option: ['offer'],
  bad_package: ['offer'],
  offer_not_standing: ['offers'],
  own_offer: ['offers'],
  nothing_to_withdraw: ['offers'],
  already_ready: ['ready'],
  already_answered: ['survey'],
  bad_survey: ['survey'],
  bad_guess: ['guess'],
  bad_statement: ['disclose'],
};

function errorArea(code) {
  const areas = CODE_AREAS[code];
  if (!areas) return app.lastAction || 'general';
  return areas.includes(app.lastAction) ? app.lastAction : areas[0];
}

function onError(msg) {
  const code = msg.code;
  const text = errorSentence(code, msg.message);
  if (code === 'bad_token' || code === 'removed') {
    // An unknown token is forgotten; a removed player's is kept, so that a reload still says why.
    if (code === 'bad_token') forgetToken(app.code);
    app.joined = null;
    app.state = null;
    app.match = null;
    clear($('#screen-match'));
    showJoin(text);
    if (!conn.isOpen()) conn.restart();
    return;
  }
  if (code === 'unsupported_version') {
    setConnBanner(text, 'lost');
    return;
  }
  if (code === 'too_slow' || code === 'replaced') {
    if (code === 'too_slow') setConnBanner(text, 'lost');
    return;
  }
  if (app.view === 'waiting') {
    const el = document.querySelector('[data-error-for="waiting"]');
    el.textContent = text;
    el.hidden = false;
    setWaitingBusy(false);
    return;
  }
  const area = errorArea(code);
  if (area === 'join' || area === 'practice') {
    app.pendingJoin = false;
    updateJoinButtons();
    if (code === 'already_joined') return;
    const el = document.querySelector(`[data-error-for="${area}"]`);
    el.textContent = text;
    el.hidden = false;
    return;
  }
  if (app.match) {
    app.match.endFlight();
    app.match.showError(area, text, code);
  } else {
    showNotice(text);
  }
}

/**
 * State frames after the first carry only the newest offers and every standing one: merge
 * them into the offers seen so far, so the page always has the whole history.
 */
function mergeOffers(state) {
  if (app.offersMatch !== state.match_id || state.offers_complete) {
    app.offers = new Map();
    app.offersMatch = state.match_id;
  }
  for (const o of state.offers || []) app.offers.set(o.id, o);
  state.offers = [...app.offers.values()].sort((a, b) => a.id - b.id);
}

function onState(state) {
  // A late frame of a match this page has moved on from (a tournament's earlier round) must not
  // pull the player back into it.
  if (app.leftMatches.has(state.match_id)) return;
  const prev = app.state;
  mergeOffers(state);
  app.state = state;
  if (!app.match || app.match.matchId !== state.match_id) {
    if (app.match) app.leftMatches.add(app.match.matchId);
    app.match = new MatchView(state);
    clear($('#screen-match'));
    $('#screen-match').appendChild(app.match.el);
    if (app.pendingHistory) {
      app.match.chat.reset(app.pendingHistory);
      app.pendingHistory = null;
    }
  }
  if (app.view !== 'match' && app.view !== 'replaced') {
    setView('match');
    const main = $('#main');
    if (main) main.focus({ preventScroll: true });
  }
  app.match.update(state, prev);
}

// ---------------------------------------------------------------- join and practice

function showJoin(message) {
  setView('join');
  if (message) {
    const el = document.querySelector('[data-error-for="join"]');
    el.textContent = message;
    el.hidden = false;
  }
  updateJoinButtons();
}

function updateJoinButtons() {
  const ready = conn.isOpen() && !app.pendingJoin;
  const js = $('#join-submit');
  const ps = $('#practice-submit');
  js.disabled = !ready;
  ps.disabled = !ready;
  js.textContent = app.pendingJoin && app.lastAction === 'join' ? 'Joining…' : 'Join';
  ps.textContent = app.pendingJoin && app.lastAction === 'practice' ? 'Joining…' : 'Practice now';
}

function setupJoin() {
  const params = new URLSearchParams(location.search);
  const code = (params.get('code') || '').toUpperCase().replace(/[^A-Z0-9]/g, '').slice(0, 6);
  const codeInput = $('#join-code');
  if (code) codeInput.value = code;
  let savedName = '';
  try {
    savedName = localStorage.getItem(NAME_KEY) || '';
  } catch {
    /* ignore */
  }
  if (savedName) {
    $('#join-name').value = savedName;
    $('#practice-name').value = savedName;
  }

  let lookup = 0;
  const checkCode = async () => {
    const hint = $('#join-code-hint');
    const v = codeInput.value.trim().toUpperCase();
    hint.textContent = '';
    if (v.length !== 6) return;
    const mine = ++lookup;
    try {
      const res = await fetch(`/api/sessions/${encodeURIComponent(v)}`);
      if (mine !== lookup) return;
      if (res.status === 404) {
        hint.textContent = 'No session has this code yet. Check it with your facilitator.';
        return;
      }
      if (!res.ok) return;
      const info = await res.json();
      if (mine !== lookup) return;
      const parts = [];
      if (info.title) parts.push(info.title);
      if (info.scenario && info.scenario.title) parts.push(info.scenario.title);
      if (typeof info.players === 'number') parts.push(`${info.players} joined`);
      hint.textContent = parts.join(' · ');
    } catch {
      /* the join itself will report problems */
    }
  };
  codeInput.addEventListener('input', () => {
    const cleaned = codeInput.value.toUpperCase().replace(/[^A-Z0-9]/g, '').slice(0, 6);
    if (cleaned !== codeInput.value) codeInput.value = cleaned;
    checkCode();
  });
  if (code) checkCode();

  $('#join-form').addEventListener('submit', (ev) => {
    ev.preventDefault();
    const err = document.querySelector('[data-error-for="join"]');
    err.hidden = true;
    const c = codeInput.value.trim().toUpperCase();
    const name = $('#join-name').value.trim();
    if (c.length !== 6) return fieldError(err, 'The join code has 6 letters and digits.', codeInput);
    if (!name || name.length > 40) return fieldError(err, 'Please enter a name of 1 to 40 characters.', $('#join-name'));
    app.lastAction = 'join';
    if (!conn.send({ type: 'join', code: c, name })) return fieldError(err, 'Not connected yet. Try again in a moment.');
    app.pendingJoin = true;
    updateJoinButtons();
  });

  $('#practice-form').addEventListener('submit', (ev) => {
    ev.preventDefault();
    const err = document.querySelector('[data-error-for="practice"]');
    err.hidden = true;
    const name = $('#practice-name').value.trim();
    if (!name || name.length > 40) return fieldError(err, 'Please enter a name of 1 to 40 characters.', $('#practice-name'));
    const scenario = $('#practice-scenario').value;
    const msg = { type: 'practice', name };
    if (scenario) msg.scenario = scenario;
    app.lastAction = 'practice';
    if (!conn.send(msg)) return fieldError(err, 'Not connected yet. Try again in a moment.');
    app.pendingJoin = true;
    updateJoinButtons();
  });

  loadScenarios();
}

function fieldError(el, text, focus) {
  el.textContent = text;
  el.hidden = false;
  if (focus) focus.focus();
}

async function loadScenarios() {
  const select = $('#practice-scenario');
  const summary = $('#practice-scenario-summary');
  let list = [];
  try {
    const res = await fetch('/api/scenarios');
    if (!res.ok) return;
    list = await res.json();
  } catch {
    return;
  }
  if (!Array.isArray(list)) return;
  for (const sc of list) {
    const n = Array.isArray(sc.roles) ? sc.roles.length : 2;
    const label = n === 2 ? sc.title : `${sc.title} (${n} players)`;
    select.appendChild(h('option', { value: sc.id }, label));
  }
  select.addEventListener('change', () => {
    const sc = list.find((x) => x.id === select.value);
    summary.textContent = sc ? firstSentences(sc.summary) : '';
  });
}

function firstSentences(text) {
  const t = String(text || '').trim().replace(/\s+/g, ' ');
  const m = t.match(/^(.{0,220}?[.!?])(\s|$)/);
  return m ? m[1] : t.slice(0, 220);
}

// ---------------------------------------------------------------- waiting

function setWaitingBusy(busy) {
  for (const b of document.querySelectorAll('#screen-waiting button')) b.disabled = busy;
  $('#bot-strategy').disabled = busy;
}

/** "Not you?": forget this device's seat for the session and show the join form. */
function notYou() {
  forgetToken(app.code);
  app.joined = null;
  app.waiting = null;
  app.state = null;
  app.match = null;
  clear($('#screen-match'));
  // A fresh connection without the token: the seat stays where it is for its real player.
  conn.restart();
  showJoin();
}

function renderNotYou(el) {
  const name = app.joined && app.joined.name;
  $('.not-you-text', el).textContent = name ? `Playing as ${name}.` : '';
  el.hidden = !name;
}

function renderWaiting() {
  const w = app.waiting;
  $('#bot-offer').hidden = !(w && w.bot_offer);
  $('[data-error-for="waiting"]').hidden = true;
  setWaitingBusy(false);
  renderNotYou($('[data-testid="not-you-waiting"]'));
  const ahead = $('#waiting-ahead');
  const msg = $('#waiting-message');
  const sess = $('#waiting-session');
  msg.textContent = (w && w.message) || 'The game begins as soon as a partner is ready.';
  const n = w && typeof w.ahead === 'number' ? w.ahead : null;
  ahead.dataset.ahead = n === null ? '' : String(n);
  ahead.textContent = n ? `${n} ${n === 1 ? 'person is' : 'people are'} ahead of you.` : '';
  ahead.hidden = !n;
  const s = app.joined && app.joined.session;
  sess.textContent = s
    ? `${app.joined.name ? `Joined as ${app.joined.name}` : 'Joined'}${s.title ? ` · ${s.title}` : ''}${s.kind === 'practice' ? ' · practice' : ''}`
    : '';
}

// ---------------------------------------------------------------- the match view

class MatchView {
  constructor(state) {
    this.matchId = state.match_id;
    this.state = state;
    this.phase = null;

    // One request at a time: a second click while the first is on its way is not sent (a
    // double click must not make two offers), and the action buttons stay disabled until the
    // server answers with a state or an error.
    this.inFlight = null;
    const send = (msg) => {
      if (FLIGHT_TYPES.has(msg.type) && this.inFlight) return true;
      const ok = conn.send(msg);
      if (ok && FLIGHT_TYPES.has(msg.type)) this.startFlight(msg.type);
      return ok;
    };
    const setLastAction = (area) => {
      app.lastAction = area;
      this.clearError(area);
    };
    const playerName = (seat) => {
      const p = (this.state.players || []).find((x) => x.seat === seat);
      return p ? p.name : `Player ${seat + 1}`;
    };
    const playerLabel = (seat) => {
      const p = (this.state.players || []).find((x) => x.seat === seat);
      if (!p) return `Player ${seat + 1}`;
      return p.role && p.role.name ? `${p.name} · ${p.role.name}` : p.name;
    };
    this.playerName = playerName;

    this.chat = new ChatPanel({
      send: (text) => {
        setLastAction('chat');
        return send({ type: 'chat', text });
      },
      mySeat: () => this.state.you.seat,
      playerName,
    });
    this.bargain = new BargainPanel({ send, setLastAction, playerName, playerLabel });
    this.survey = new SurveyPanel({
      send,
      setLastAction,
      counterpartLabel: () => {
        const others = this.state.players.filter((p) => p.seat !== this.state.you.seat);
        return others.length === 1 ? others[0].name : 'the other parties';
      },
    });

    // Bargaining: checked statements about my interests, under the chat box.
    this.disclose = new DisclosePanel({ send, setLastAction });
    this.chat.el.appendChild(this.disclose.el);

    // Prep: guess what matters most to the counterpart, before talking.
    this.guessList = new PriorityList(state.scenario.issues, { testid: 'guess-priorities', prefix: 'guess' });
    this.guessButton = h('button', { type: 'button', class: 'secondary', testid: 'guess-submit', 'data-action': 'true' }, 'Save my guess');
    this.guessStatus = h('p', { class: 'muted small', testid: 'guess-status', 'aria-live': 'polite' });
    this.guessError = h('p', { class: 'error', testid: 'error', 'data-error-for': 'guess', role: 'alert', hidden: true });
    this.guessTitle = h('h2', null, 'Before you talk');
    this.guessLead = h('p', { class: 'muted' });
    this.guessButton.addEventListener('click', () => {
      setLastAction('guess');
      this.guessSent = this.guessList.ids();
      if (!send({ type: 'guess_priorities', order: this.guessSent })) {
        this.showError('guess', 'You are offline. Try again when you are back online.');
      }
    });
    this.guessCard = h(
      'section',
      { class: 'card guess', testid: 'guess', 'aria-label': 'Guess their priorities' },
      this.guessTitle,
      this.guessLead,
      this.guessList.el,
      h('div', { class: 'button-row' }, this.guessButton),
      this.guessStatus,
      this.guessError,
    );

    // Header strip: who I am, who is here, the brief toggle.
    this.players = h('ul', { class: 'players', testid: 'players', 'aria-label': 'Players' });
    this.roleChip = h('p', { class: 'role-chip' });
    this.briefToggle = h(
      'button',
      { type: 'button', class: 'secondary small', testid: 'brief-toggle', 'aria-expanded': 'false', 'aria-controls': 'brief-drawer' },
      'Your brief & points',
    );
    this.briefToggle.addEventListener('click', () => {
      app.briefOpen = !app.briefOpen;
      this.renderBriefOpen();
      if (app.briefOpen) this.briefDrawer.scrollIntoView({ block: 'nearest' });
    });
    this.presence = h('div', { class: 'presence-note', testid: 'presence', role: 'status', hidden: true });
    this.generalError = h('p', { class: 'error', testid: 'error', 'data-error-for': 'general', role: 'alert', hidden: true });

    // Ready bar (prep and small talk).
    this.readyButton = h('button', { type: 'button', class: 'primary', testid: 'ready', 'data-action': 'true' }, 'Ready');
    this.readyButton.addEventListener('click', () => {
      setLastAction('ready');
      if (!send({ type: 'ready' })) this.showError('ready', 'You are offline. Try again when you are back online.');
    });
    this.readyText = h('p', { class: 'ready-text' });
    this.readyVotes = h('ul', { class: 'votes', testid: 'ready-votes', 'aria-label': 'Who is ready' });
    this.readyError = h('p', { class: 'error', testid: 'error', 'data-error-for': 'ready', role: 'alert', hidden: true });
    this.readyBar = h(
      'section',
      { class: 'ready-bar card', 'aria-label': 'Move on' },
      h('div', { class: 'ready-main' }, this.readyText, this.readyVotes),
      this.readyButton,
      this.readyError,
    );

    this.phaseIntro = h('section', { class: 'phase-intro', testid: 'phase-intro' });
    this.tournamentCard = h('section', { class: 'card tournament-card', testid: 'tournament-standing', hidden: true });
    this.roundIntro = h('section', { class: 'card calm round-intro', testid: 'round-intro', hidden: true });
    this.offerAlert = h('div', { class: 'offer-alert', testid: 'offer-alert', role: 'alert', hidden: true });
    // Coaching nudges: private to this player, next to the conversation.
    this.coachNote = h('div', { class: 'coach-note', testid: 'coach-note', role: 'status', hidden: true });
    this.notYou = h(
      'button',
      { type: 'button', class: 'link-button small not-you-button', testid: 'not-you-match' },
      'Not you?',
    );
    this.notYou.addEventListener('click', () => {
      const name = this.state && this.state.you ? this.state.you.name : '';
      if (window.confirm(`This page is playing as ${name}. Leave this seat to ${name} and join as someone else?`)) notYou();
    });
    this.briefDrawer = h('section', { class: 'brief-drawer card', id: 'brief-drawer', testid: 'brief-panel', 'aria-label': 'Your brief' });
    this.briefDrawer.appendChild(briefPanel(state.scenario, state.you));

    this.results = h('div', { class: 'results-slot' });
    this.layout = h('div', { class: 'layout' }, this.chat.el, this.bargain.el, this.survey.el, this.results);

    this.el = h(
      'div',
      { class: 'match' },
      h(
        'div',
        { class: 'match-strip' },
        h('div', { class: 'match-who' }, this.roleChip, this.players),
        h('div', { class: 'match-tools' }, this.briefToggle, this.notYou),
      ),
      this.roundIntro,
      this.presence,
      this.generalError,
      this.offerAlert,
      this.coachNote,
      this.tournamentCard,
      this.phaseIntro,
      this.readyBar,
      this.briefDrawer,
      this.guessCard,
      this.layout,
    );
  }

  startFlight(type) {
    this.inFlight = type;
    this.el.dataset.busy = 'true';
    for (const b of this.el.querySelectorAll('button[data-action]')) b.disabled = true;
    clearTimeout(this.flightTimer);
    // The answer can be lost with the connection: the buttons come back in any case.
    this.flightTimer = setTimeout(() => this.endFlight(), 10000);
  }

  /** The server answered (a state, an error): the buttons work again. */
  endFlight(kind) {
    if (!this.inFlight || (kind === 'chat' && this.inFlight !== 'disclose')) return;
    this.inFlight = null;
    clearTimeout(this.flightTimer);
    delete this.el.dataset.busy;
    if (this.state) this.update(this.state, this.state, { refresh: true });
  }

  /** A coaching nudge (only this player sees it). */
  showCoach(msg) {
    clear(this.coachNote);
    const close = h('button', { type: 'button', class: 'link-button small', 'aria-label': 'Dismiss the coaching tip' }, 'Got it');
    close.addEventListener('click', () => {
      this.coachNote.hidden = true;
    });
    this.coachNote.append(
      h('span', { class: 'coach-label' }, 'Coach'),
      h('span', { class: 'coach-text', testid: 'coach-text' }, msg.text),
      close,
    );
    this.coachNote.hidden = false;
  }

  /** Between tournament rounds: where the player stands (trust only from 3 ratings on). */
  renderTournament() {
    const t = app.tournament;
    const s = this.state;
    clear(this.tournamentCard);
    this.tournamentCard.hidden = !(t && s && s.phase === 'results');
    if (t && s) this.renderRoundIntro(t);
    // Leaving between rounds would drop this device's seat for the next round.
    const leave = this.el.querySelector('[data-testid="leave"]');
    if (leave) leave.hidden = !!t && t.status !== 'finished';
    if (this.tournamentCard.hidden) return;
    const st = t.standing || {};
    const next =
      t.status === 'finished' || t.round >= t.rounds
        ? 'That was the last round.'
        : `Round ${t.round + 1} starts when your facilitator is ready.`;
    this.tournamentCard.append(
      h('h2', null, `Tournament · round ${t.round} of ${t.rounds}`),
      h('p', { class: 'big', testid: 'tournament-rank' }, standingWords(st)),
      h('p', { class: 'muted' }, standingDetail(st)),
      h('p', { class: 'muted small' }, next),
    );
  }

  /** A new round's match opens on a card naming the round, until the player goes on. */
  renderRoundIntro(t) {
    const s = this.state;
    const key = `parley.roundSeen.${s.match_id}`;
    let seen = false;
    try {
      seen = sessionStorage.getItem(key) === '1';
    } catch {
      /* ignore */
    }
    const fresh = t.status === 'playing' && t.round > 1 && s.phase !== 'results' && !seen;
    this.roundIntro.hidden = !fresh;
    this.el.classList.toggle('between-rounds', fresh);
    if (!fresh) return;
    clear(this.roundIntro);
    const go = h('button', { type: 'button', class: 'primary', testid: 'round-start' }, `Go to round ${t.round}`);
    go.addEventListener('click', () => {
      try {
        sessionStorage.setItem(key, '1');
      } catch {
        /* ignore */
      }
      this.roundIntro.hidden = true;
      this.el.classList.remove('between-rounds');
      window.scrollTo({ top: 0 });
    });
    const others = s.players.filter((p) => p.seat !== s.you.seat).map((p) => p.name);
    this.roundIntro.append(
      h('h1', { testid: 'round-title' }, `Round ${t.round} of ${t.rounds}`),
      h('p', { class: 'big' }, standingWords(t.standing || {}, true)),
      h('p', { class: 'muted' }, standingDetail(t.standing || {})),
      h('p', null, `This round: ${s.scenario.title}, as ${s.you.role.name}, with ${others.join(', ') || 'a new partner'}.`),
      h('div', { class: 'button-row center' }, go),
    );
  }

  clearError(area) {
    if (area === 'chat') this.chat.showError('');
    else if (area === 'offer' || area === 'offers') this.bargain.showError(area, '');
    else if (area === 'survey') this.survey.showError('');
    else if (area === 'ready' || area === 'guess' || area === 'disclose') this.showError(area, '');
    this.generalError.hidden = true;
  }

  showError(area, text, code) {
    switch (area) {
      case 'chat':
        this.chat.showError(text);
        if (text && code) this.chat.refused();
        break;
      case 'offer':
      case 'offers':
        this.bargain.showError(area, text);
        break;
      case 'survey':
        this.survey.showError(text);
        break;
      case 'ready':
        this.readyError.textContent = text;
        this.readyError.hidden = !text;
        break;
      case 'guess':
        this.guessError.textContent = text;
        this.guessError.hidden = !text;
        break;
      case 'disclose':
        this.disclose.showError(text);
        break;
      default:
        this.generalError.textContent = text;
        this.generalError.hidden = !text;
    }
  }

  renderBriefOpen() {
    const phase = this.state.phase;
    const always = phase === 'prep';
    const open = always || app.briefOpen;
    show(this.briefDrawer, open);
    show(this.briefToggle, !always);
    this.briefToggle.setAttribute('aria-expanded', String(open));
    this.briefToggle.textContent = open ? 'Hide your brief' : 'Your brief & points';
  }

  refreshEnabled() {
    const s = this.state;
    const online = conn.isOpen();
    this.chat.setEnabled(allowed(s, 'chat'), s.paused ? 'The game is paused' : 'Write a message…');
    this.disclose.setEnabled(allowed(s, 'disclose'));
    if (!online) this.chat.sendButton.disabled = false; // let the player try: the offline message explains
  }

  update(state, prev, { refresh = false } = {}) {
    if (!refresh && this.inFlight) {
      // The answer to the request in flight (or news that replaces it).
      this.inFlight = null;
      clearTimeout(this.flightTimer);
      delete this.el.dataset.busy;
    }
    this.state = state;
    const phase = state.phase;
    const phaseChanged = this.phase !== phase;
    this.phase = phase;
    document.body.dataset.phase = phase;
    this.el.dataset.phase = phase;

    // Top bar.
    const phaseEl = $('[data-testid="phase"]');
    phaseEl.textContent = state.paused ? `${phaseLabel(phase)} · paused` : phaseLabel(phase);
    phaseEl.dataset.phase = phase;
    const title = $('[data-testid="match-title"]');
    title.textContent = state.scenario.title;
    document.title = `Parley — ${phaseLabel(phase)}`;

    // Who I am and who is here.
    clear(this.roleChip);
    this.roleChip.append('You are ', h('strong', null, state.you.role.name), ` · walk-away ${pts(state.you.batna)}`);
    clear(this.players);
    for (const p of state.players) {
      const me = p.seat === state.you.seat;
      this.players.appendChild(
        h(
          'li',
          { class: ['player', p.online ? 'online' : 'offline'], testid: `player-${p.seat}`, 'data-online': String(!!p.online) },
          h('span', { class: 'dot', 'aria-hidden': 'true' }),
          h('span', { class: 'player-name' }, me ? `${p.name} (you)` : p.name),
          h('span', { class: 'player-role' }, p.role ? p.role.name : ''),
          h('span', { class: 'sr-only' }, p.online ? ', online' : ', offline'),
        ),
      );
    }
    this.updatePresence(state);

    if (phaseChanged) {
      this.clearError('general');
      if (prev && prev.match_id === state.match_id) announce(`${phaseLabel(phase)} has started.`);
      if (phase !== 'prep') app.briefOpen = false;
      window.scrollTo({ top: 0 });
    }
    this.renderBriefOpen();
    this.renderIntro(state);
    this.renderReady(state);
    this.renderGuess(state);
    show(this.disclose.el, phase === 'bargaining');
    if (phase === 'bargaining') this.disclose.setIssues(state.scenario.issues);

    // Panels per phase. Preparation is for reading: chat opens with the conversation.
    const chatPhase = ['small_talk', 'bargaining'].includes(phase);
    show(this.chat.el, chatPhase);
    show(this.bargain.el, phase === 'bargaining');
    show(this.survey.el, phase === 'survey');
    show(this.results, phase === 'results');
    this.layout.dataset.phase = phase;
    if (phase === 'bargaining') {
      this.bargain.update(state, { refresh });
      if (!refresh) this.announceOffers(state, prev);
    } else {
      this.offerAlert.hidden = true;
    }
    if (!['small_talk', 'bargaining'].includes(phase)) this.coachNote.hidden = true;
    if (phase === 'survey') this.survey.update(state);
    if (phase === 'results' && state.results && !this.resultsBuilt) {
      this.resultsBuilt = true;
      clear(this.results);
      this.results.appendChild(
        resultsView(state, {
          lines: this.chat.lines,
          onLeave: () => {
            forgetToken(app.code);
            location.href = location.pathname;
          },
        }),
      );
    }
    this.renderTournament();
    this.refreshEnabled();
    if (this.inFlight) for (const b of this.el.querySelectorAll('button[data-action]')) b.disabled = true;
    updateCountdown();
  }

  /** A new offer from someone else: said to screen readers, and shown where the eye is. */
  announceOffers(state, prev) {
    if (!prev || prev.match_id !== state.match_id) return;
    const before = new Set((prev.offers || []).map((o) => o.id));
    const fresh = (state.offers || []).filter((o) => !before.has(o.id) && o.seat !== state.you.seat && o.status === 'standing');
    if (!fresh.length) return;
    const o = fresh[fresh.length - 1];
    const text = `New offer from ${this.playerName(o.seat)}: worth ${pts(o.value_to_you)} to you, ${versusBatna(o.value_to_you, state.you.batna)}.`;
    announce(text);
    clear(this.offerAlert);
    const see = h('button', { type: 'button', class: 'secondary small', testid: 'offer-alert-see' }, 'See the offer');
    see.addEventListener('click', () => {
      this.offerAlert.hidden = true;
      const card = this.el.querySelector(`[data-offer-id="${o.id}"]`);
      if (card) {
        card.scrollIntoView({ block: 'center', behavior: 'smooth' });
        const first = card.querySelector('button');
        if (first) first.focus({ preventScroll: true });
      }
    });
    const close = h('button', { type: 'button', class: 'link-button small', 'aria-label': 'Dismiss the offer alert' }, 'Dismiss');
    close.addEventListener('click', () => {
      this.offerAlert.hidden = true;
    });
    this.offerAlert.append(h('span', { class: 'offer-alert-text' }, text), see, close);
    this.offerAlert.hidden = false;
    clearTimeout(this.offerAlertTimer);
    this.offerAlertTimer = setTimeout(() => {
      this.offerAlert.hidden = true;
    }, 20000);
  }

  updatePresence(state) {
    const me = state.you.seat;
    const gone = state.players.filter((p) => p.seat !== me && !p.online);
    const lines = [];
    if (state.paused && state.phase !== 'results') lines.push('The facilitator has paused the game. The clock is stopped.');
    if (state.dropout && state.dropout.message) lines.push(state.dropout.message);
    for (const p of gone) {
      if (state.dropout && state.dropout.seat === p.seat && state.dropout.message) continue;
      if (state.phase === 'results') continue;
      const since = typeof p.gone_since === 'number' ? conn.now() - p.gone_since : null;
      lines.push(
        since !== null && since > 15000
          ? `${p.name} lost their connection ${spokenDuration(since)} ago. They can rejoin where they left off.`
          : `${p.name} lost their connection. They can rejoin where they left off.`,
      );
    }
    this.presence.dataset.offline = gone.map((p) => p.seat).join(',');
    const key = lines.join('\n');
    if (key === this.presenceKey) return;
    this.presenceKey = key;
    clear(this.presence);
    for (const l of lines) this.presence.appendChild(h('p', null, l));
    show(this.presence, lines.length > 0);
  }

  renderIntro(state) {
    clear(this.phaseIntro);
    const phase = state.phase;
    const others = state.players.filter((p) => p.seat !== state.you.seat).map((p) => p.name);
    const withWho = others.length ? others.join(', ') : 'your partner';
    let title = '';
    let text = '';
    if (phase === 'prep') {
      title = 'Read your brief';
      text = `You will negotiate with ${withWho}. Read the situation, your private brief and your points. Everything marked private is for your eyes only. The chat opens when the conversation starts.`;
    } else if (phase === 'small_talk') {
      title = 'Get to know each other';
      text = `Chat with ${withWho} before any business. The conversation starter below can help. No offers yet.`;
    } else if (phase === 'bargaining') {
      title = 'Bargaining';
      text = `Talk it through and make offers. A deal needs everyone to accept the same offer. Your walk-away value is ${pts(state.you.batna)}.`;
    } else if (phase === 'survey') {
      title = outcomeSentence(state.outcome) || 'Bargaining is over';
      text = 'Before the results, a few quick questions about how it went.';
    } else {
      return;
    }
    this.phaseIntro.append(h('h1', null, title), h('p', { class: 'muted' }, text));
  }

  renderGuess(state) {
    const visible = state.phase === 'prep' && state.scenario.issues.length > 1;
    show(this.guessCard, visible);
    if (!visible) return;
    const others = state.players.filter((p) => p.seat !== state.you.seat);
    const who = others.length === 1 ? others[0].name : 'the others';
    this.guessTitle.textContent = `Before you talk: what matters most to ${who}?`;
    this.guessLead.textContent =
      'Put the issues in order, the one you think matters most to them first. You can change your guess until the talking starts; at the end you will see how well you read them.';
    const saved = !!state.you.guessed_priorities;
    this.guessButton.textContent = saved ? 'Update my guess' : 'Save my guess';
    this.guessButton.disabled = !allowed(state, 'guess_priorities');
    if (this.guessList.disabled !== !!state.paused) this.guessList.setDisabled(!!state.paused);
    this.guessStatus.textContent = saved ? 'Your guess is saved.' : 'Optional, and only for you.';
    this.guessStatus.dataset.saved = String(saved);
  }

  renderReady(state) {
    const phase = state.phase;
    const visible = (phase === 'prep' || phase === 'small_talk') && !!state.players;
    show(this.readyBar, visible);
    if (!visible) return;
    const me = state.players.find((p) => p.seat === state.you.seat);
    const iVoted = !!(me && me.ready);
    const count = state.players.filter((p) => p.ready).length;
    const label = phase === 'prep' ? "I've read my brief" : 'Ready to talk business';
    this.readyButton.textContent = iVoted ? 'You are ready' : label;
    this.readyButton.disabled = !allowed(state, 'ready');
    this.readyButton.setAttribute('aria-pressed', String(iVoted));
    this.readyText.textContent =
      phase === 'prep'
        ? `When everyone is ready, the conversation begins (${count} of ${state.players.length} ready).`
        : `When everyone is ready, bargaining begins (${count} of ${state.players.length} ready).`;
    clear(this.readyVotes);
    for (const p of state.players) {
      this.readyVotes.appendChild(
        h(
          'li',
          { class: p.ready ? 'yes' : 'no', testid: `vote-${p.seat}`, 'data-ready': String(!!p.ready) },
          h('span', { 'aria-hidden': 'true', class: 'vote-mark' }, p.ready ? '✓' : '…'),
          ` ${p.seat === state.you.seat ? 'You' : p.name}: ${p.ready ? 'ready' : 'not yet'}`,
        ),
      );
    }
  }
}

// ---------------------------------------------------------------- tournament words

function ordinal(n) {
  const v = n % 100;
  const suffix = v >= 11 && v <= 13 ? 'th' : { 1: 'st', 2: 'nd', 3: 'rd' }[n % 10] || 'th';
  return `${n}${suffix}`;
}

function standingWords(st, before) {
  if (!st || typeof st.rank !== 'number') return '';
  if (!st.played) return before ? 'The first round: everyone starts level.' : 'No match played yet.';
  return `You are ${ordinal(st.rank)} of ${st.of}${before ? ' so far' : ''}.`;
}

function standingDetail(st) {
  if (!st || !st.played) return '';
  const parts = [`Value ${Math.round((st.value || 0) * 100)}/100 over ${st.played} match${st.played === 1 ? '' : 'es'}`];
  if (typeof st.trust === 'number') parts.push(`trust ${Math.round(st.trust)}/100`);
  else if (st.trust_private) parts.push('your trust score shows once at least 3 people have rated you');
  return `${parts.join('; ')}.`;
}

// ---------------------------------------------------------------- countdown

function updateCountdown() {
  const el = $('[data-testid="countdown"]');
  const s = app.state;
  if (!s || app.view !== 'match' || s.phase === 'results' || typeof s.deadline !== 'number') {
    show(el, false);
    return;
  }
  show(el, true);
  if (s.paused) {
    // The clock is stopped: what is left is what was left when it stopped.
    const left = typeof s.paused_at === 'number' ? s.deadline - s.paused_at : null;
    el.textContent = left === null ? 'Paused' : `${clock(left)} left · paused`;
    el.dataset.remaining = left === null ? '' : String(Math.max(0, Math.ceil(left / 1000)));
    el.setAttribute('aria-label', left === null ? 'Paused' : `${spokenDuration(left)} left, paused`);
    el.classList.remove('urgent');
    return;
  }
  const remaining = s.deadline - conn.now();
  el.textContent = remaining > 0 ? `${clock(remaining)} left` : "Time's up";
  el.dataset.remaining = String(Math.max(0, Math.ceil(remaining / 1000)));
  el.setAttribute('aria-label', `${spokenDuration(remaining)} left in ${phaseLabel(s.phase).toLowerCase()}`);
  el.classList.toggle('urgent', remaining < 60000);
  // Announce the last minute once.
  if (remaining < 60000 && remaining > 55000 && app.lastMinuteFor !== `${s.match_id}:${s.phase}`) {
    app.lastMinuteFor = `${s.match_id}:${s.phase}`;
    announce(`One minute left in ${phaseLabel(s.phase).toLowerCase()}.`);
  }
  if (app.match && s.phase !== 'results') app.match.updatePresence(s);
}

// ---------------------------------------------------------------- start

function setupWaiting() {
  $('#bot-offer').addEventListener('submit', (ev) => {
    ev.preventDefault();
    const strategy = $('#bot-strategy').value;
    const msg = { type: 'play_bot' };
    if (strategy) msg.strategy = strategy;
    app.lastAction = 'waiting';
    if (conn.send(msg)) setWaitingBusy(true);
  });
  $('#leave-queue').addEventListener('click', () => {
    app.lastAction = 'waiting';
    if (conn.send({ type: 'leave' })) setWaitingBusy(true);
  });
  $('.not-you-button', $('[data-testid="not-you-waiting"]')).addEventListener('click', notYou);
  $('#use-this-tab').addEventListener('click', () => {
    setView('connecting');
    conn.resume();
  });
}

/** The join code from the link, a rejoin token from the facilitator (#rejoin=...), or the last code. */
function readLink() {
  const params = new URLSearchParams(location.search);
  const code = (params.get('code') || '').toUpperCase().replace(/[^A-Z0-9]/g, '').slice(0, 6);
  const hash = new URLSearchParams(location.hash.replace(/^#/, ''));
  const rejoin = hash.get('rejoin');
  if (code && rejoin && /^[0-9a-f]{32}$/.test(rejoin)) {
    keepToken(code, rejoin);
    // The token must not stay in the address bar (or in a bookmark, or on a projected screen).
    history.replaceState(null, '', `${location.pathname}?code=${code}`);
  }
  app.code = code || lastCode();
}

function start() {
  readLink();
  setupJoin();
  setupWaiting();
  $('.notice-close').addEventListener('click', () => show($('[data-testid="notice"]'), false));
  setView('connecting');
  conn.start();
  setInterval(updateCountdown, 500);
}

start();
