// What the page does with each frame from the server, and with the connection's status.

import { clear, $ } from '../dom.js';
import { keepToken, forgetToken, tokenFor } from '../conn.js';
import { errorSentence } from '../format.js';
import { app, conn, NAME_KEY } from './state.js';
import { setView, setConnBanner, showNotice } from './screens.js';
import { showJoin, updateJoinButtons } from './join.js';
import { renderWaiting, setWaitingBusy } from './waiting.js';
import { MatchView } from './match.js';
import { ObserverPage } from './observe.js';
import { t } from '../i18n.js';
import { noticeText } from '../server-words.js';

/** @typedef {import('../types.js').StateView} StateView */
/** @typedef {import('./state.js').IncomingMsg} IncomingMsg */

/**
 * @param {string} status `connecting`, `open` (after welcome), `lost`, `closed` or `replaced`
 * @param {{resumed?: boolean}} [info]
 */
export function onStatus(status, info = {}) {
  clearTimeout(app.backOnlineTimer);
  if (status === 'lost') {
    setConnBanner(t('common.conn.lost'), 'lost');
  } else if (status === 'closed') {
    setConnBanner(t('common.conn.closed'), 'lost');
  } else if (status === 'replaced') {
    setConnBanner('');
    setView('replaced');
    $('#use-this-tab').focus();
  } else if (status === 'open') {
    if (info.resumed) {
      setConnBanner(t('common.conn.back'), 'ok');
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

/** @param {IncomingMsg} msg */
export function onMessage(msg) {
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
      if (app.observer) stopObserving();
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
      if (app.observer) stopObserving();
      onState(msg);
      break;
    case 'observe':
      onObserve(msg);
      break;
    case 'caucus':
      if (app.match && app.match.team) app.match.team.add(msg);
      break;
    case 'caucus_history':
      if (app.match && app.match.team) app.match.team.reset(msg.lines || []);
      break;
    case 'chat_history':
      if (app.observer) app.observer.chat.reset(msg.lines || []);
      else if (app.match) app.match.chat.reset(msg.lines || []);
      else app.pendingHistory = msg.lines || [];
      break;
    case 'chat':
      if (app.observer) {
        app.observer.chat.add(msg);
        break;
      }
      if (app.match) app.match.endFlight('chat');
      if (app.match) {
        if (app.state && msg.seat === app.state.you.seat) app.match.chat.delivered(msg.text);
        app.match.chat.add(msg);
      }
      break;
    case 'notice':
      if (msg.text || msg.key) showNotice(noticeText(msg));
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
/** @type {Partial<Record<import('../types.js').ErrorCode, string[]>>} */
const CODE_AREAS = {
  rate_limited: ['chat'],
  empty_chat: ['chat'],
  chat_too_long: ['chat'],
  unknown_issue: ['offer', 'disclose', 'terms'],
  missing_issue: ['offer'],
  unknown_option: ['offer', 'terms'],
  bad_package: ['offer'],
  offer_not_standing: ['offers'],
  own_offer: ['offers'],
  nothing_to_withdraw: ['offers'],
  already_ready: ['ready'],
  already_answered: ['survey'],
  bad_survey: ['survey'],
  bad_guess: ['guess'],
  bad_statement: ['disclose'],
  terms_not_open: ['terms'],
  own_terms: ['terms'],
  terms_pending: ['terms'],
  terms_agreed: ['terms'],
  terms_not_agreed: ['terms'],
  not_spokesperson: ['offer', 'offers', 'terms'],
  motion_not_open: ['team'],
  own_motion: ['team'],
  not_a_member: ['team'],
  no_team: ['caucus'],
};

/** @param {import('../types.js').ErrorCode} code */
function errorArea(code) {
  const areas = CODE_AREAS[code];
  if (!areas) return app.lastAction || 'general';
  return app.lastAction && areas.includes(app.lastAction) ? app.lastAction : areas[0];
}

/** @param {{code: import('../types.js').ErrorCode, message: string}} msg */
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
  if (app.observer && app.view === 'observe') {
    app.observer.showError(text);
    return;
  }
  if (app.view === 'waiting') {
    const el = $('[data-error-for="waiting"]');
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
    const el = $(`[data-error-for="${area}"]`);
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
 * @param {StateView} state
 */
function mergeOffers(state) {
  if (app.offersMatch !== state.match_id || state.offers_complete) {
    app.offers = new Map();
    app.offersMatch = state.match_id;
  }
  for (const o of state.offers || []) app.offers.set(o.id, o);
  state.offers = [...app.offers.values()].sort((a, b) => a.id - b.id);
}

/** @param {StateView} state */
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

/**
 * An `observe` frame: the match this participant watches (a new page when the match is new).
 * @param {import('../types.js').ObserverView} view
 */
function onObserve(view) {
  if (!app.observer || app.observer.matchId !== view.match_id) {
    app.observer = new ObserverPage(view);
    // A player moved on to observe leaves their old match view behind.
    if (app.match) app.leftMatches.add(app.match.matchId);
    app.match = null;
    app.state = null;
    clear($('#screen-observe'));
    $('#screen-observe').appendChild(app.observer.el);
  }
  if (app.view !== 'observe' && app.view !== 'replaced') {
    setView('observe');
    const main = $('#main');
    if (main) main.focus({ preventScroll: true });
  }
  app.observer.update(view);
}

/** The participant no longer observes (they stopped, or took a seat): the page lets go of the match. */
function stopObserving() {
  app.observer = null;
  clear($('#screen-observe'));
}
