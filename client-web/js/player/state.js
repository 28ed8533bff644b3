// What the player page shares between its modules: the page's state (`app`) and its one
// connection to the server (the same Connection class as the facilitator console's).

import { Connection, tokenFor } from '../conn.js';

/** @typedef {import('../types.js').StateView} StateView */
/** @typedef {import('../types.js').ChatLineView} ChatLineView */
/** @typedef {import('../types.js').OfferView} OfferView */
/** @typedef {import('./match.js').MatchView} MatchView */

// The session-level frames below are still built as JSON in the server (not yet Rust types in
// server/src/wire.rs), so they are described here by hand; docs/protocol.md has them.

/**
 * @typedef {Object} SessionRef
 * @property {string} [code]
 * @property {string} [title]
 * @property {string} [kind] `practice` or `classroom`
 */

/**
 * @typedef {Object} WelcomeMsg
 * @property {'welcome'} type
 * @property {number} version
 * @property {number} server_time
 */

/**
 * @typedef {Object} JoinedMsg
 * @property {'joined'} type
 * @property {string} [player_id]
 * @property {string} [token]
 * @property {string} [name]
 * @property {SessionRef} [session]
 */

/**
 * @typedef {Object} WaitingMsg
 * @property {'waiting'} type
 * @property {number} [ahead]
 * @property {number} [waiting]
 * @property {string} [message]
 * @property {boolean} [bot_offer]
 */

/**
 * @typedef {Object} LeftMsg
 * @property {'left'} type
 */

/**
 * @typedef {Object} PongMsg
 * @property {'pong'} type
 * @property {number} server_time
 */

/**
 * Where the player stands in a tournament.
 * @typedef {Object} Standing
 * @property {number} [rank]
 * @property {number} [of]
 * @property {number} [played]
 * @property {number} [value]
 * @property {number} [trust]
 * @property {boolean} [trust_private]
 */

/**
 * @typedef {Object} TournamentMsg
 * @property {'tournament'} type
 * @property {number} round
 * @property {number} rounds
 * @property {string} status `playing` or `finished`
 * @property {Standing} [standing]
 */

/** @typedef {WelcomeMsg | JoinedMsg | WaitingMsg | LeftMsg | PongMsg | TournamentMsg} SessionMsg */

/** Every frame the player page may receive. */
/** @typedef {import('../types.js').ServerMsg | SessionMsg} IncomingMsg */

/** @typedef {'connecting' | 'join' | 'waiting' | 'match' | 'replaced'} ViewName */

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
});
