// What the player page shares between its modules: the page's state (`app`) and its one
// connection to the server (the same Connection class as the facilitator console's).

import { Connection, tokenFor } from '../conn.js';

/** @typedef {import('../types.js').StateView} StateView */
/** @typedef {import('../types.js').ChatLineView} ChatLineView */
/** @typedef {import('../types.js').OfferView} OfferView */
/** @typedef {import('./match.js').MatchView} MatchView */

// The session-level frames, generated from the server's Rust types (server/src/wire.rs) like the
// match's; docs/protocol.md has them.
/** @typedef {import('../types.js').SessionRef} SessionRef */
/** @typedef {import('../types.js').ServerMsgWelcome} WelcomeMsg */
/** @typedef {import('../types.js').ServerMsgJoined} JoinedMsg */
/** @typedef {import('../types.js').ServerMsgWaiting} WaitingMsg */
/** @typedef {import('../types.js').ServerMsgLeft} LeftMsg */
/** @typedef {import('../types.js').ServerMsgPong} PongMsg */
/** @typedef {import('../types.js').StandingView} Standing */
/** @typedef {import('../types.js').ServerMsgTournament} TournamentMsg */

/** Every frame the player page may receive. */
/** @typedef {import('../types.js').ServerMsg} IncomingMsg */

/** @typedef {'connecting' | 'join' | 'waiting' | 'match' | 'observe' | 'replaced'} ViewName */

/**
 * @typedef {Object} AppState
 * @property {string} code The join code this page is about: from the link (?code=), else the last one joined here.
 * @property {TournamentMsg | null} tournament The last `tournament` frame (round, standing).
 * @property {Map<number, OfferView>} offers Offer id → offer, for the current match (state frames may carry a window).
 * @property {string | null} offersMatch
 * @property {Set<string>} leftMatches Matches this page has moved on from.
 * @property {ViewName} view
 * @property {JoinedMsg | null} joined
 * @property {WaitingMsg | null} waiting
 * @property {StateView | null} state
 * @property {string | null} lastAction
 * @property {boolean} pendingJoin
 * @property {MatchView | null} match The built match view (per match_id).
 * @property {import('./observe.js').ObserverPage | null} observer The observer's page, while observing a match.
 * @property {ChatLineView[] | null} pendingHistory Chat history that came before the match view.
 * @property {boolean} briefOpen
 * @property {ReturnType<typeof setTimeout> | undefined} backOnlineTimer
 * @property {ReturnType<typeof setTimeout> | undefined} noticeTimer
 * @property {string} lastMinuteFor The match and phase whose last minute was announced.
 */

export const NAME_KEY = 'parley.name';

/** @type {AppState} */
export const app = {
  code: '',
  tournament: null,
  offers: new Map(),
  offersMatch: null,
  leftMatches: new Set(),
  view: 'connecting',
  joined: null,
  waiting: null,
  state: null,
  lastAction: null,
  pendingJoin: false,
  match: null,
  observer: null,
  pendingHistory: null,
  briefOpen: false,
  backOnlineTimer: undefined,
  noticeTimer: undefined,
  lastMinuteFor: '',
};

/**
 * The page's connection. Its handlers are set by main.js (see `listen`), which knows the
 * modules that handle frames; every other module only sends.
 */
export const conn = new Connection({
  onMessage: () => {},
  onStatus: () => {},
  token: () => tokenFor(app.code),
  code: () => app.code || null,
});
