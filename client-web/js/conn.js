// The WebSocket connection: hello (with the resume token), ping every 10 s, reconnect with
// backoff, and the offset between the server's clock and ours.
//
// Tokens are kept per join code in localStorage, so closing the tab and opening the join link
// again puts a player back in their seat (the page offers "not you?" to join as someone else).
// Only one tab can hold a seat: the server closes the older one with `replaced`, and that tab
// stops reconnecting until its player asks to use it again.
//
// In a cluster a session lives on one server at a time: a server that does not hold it answers
// `moved` with the address of the one that does (and closes with code 4002). The connection
// reconnects there at once, resumes with its token, and sends again a `join` or `practice` that
// the other server did not answer.
//
// Every match action carries a client message id (`cid`, random, below 2^53). The server answers
// `ack` once it is done with it; after a reconnect the actions not acknowledged are sent again
// with their ids, and a match applies an id once, so nothing is applied twice (even when the
// server that applied it died before answering).

import { language } from './i18n.js';
const TOKENS_KEY = 'parley.tokens';
const LAST_KEY = 'parley.lastCode';
const PING_MS = 10000;
const PROTOCOL_VERSION = 1;
/** Frames a match applies: these carry a client message id and are resent until acknowledged. */
const ACTIONS = new Set([
  'chat',
  'ready',
  'offer',
  'withdraw',
  'accept',
  'reject',
  'walk_away',
  'survey',
  'skip_survey',
  'disclose',
  'guess_priorities',
  'propose_terms',
  'agree_terms',
  'reject_terms',
  'withdraw_terms',
  'reopen_terms',
]);

/** @returns {Record<string, string>} */
function readTokens() {
  try {
    const v = JSON.parse(localStorage.getItem(TOKENS_KEY) || '{}');
    return v && typeof v === 'object' ? v : {};
  } catch {
    return {};
  }
}

/** @param {Record<string, string>} tokens */
function writeTokens(tokens) {
  try {
    localStorage.setItem(TOKENS_KEY, JSON.stringify(tokens));
  } catch {
    /* private mode: resuming after a reload will not work, the game still does */
  }
}

/** The join code of the last session joined on this device, or ''. */
export function lastCode() {
  try {
    return localStorage.getItem(LAST_KEY) || '';
  } catch {
    return '';
  }
}

/**
 * The token kept for a join code, or null.
 * @param {string} code
 * @returns {string | null}
 */
export function tokenFor(code) {
  if (!code) return null;
  const t = readTokens()[code];
  return typeof t === 'string' && t ? t : null;
}

/**
 * Keeps a token for a join code (and remembers the code as the last one joined).
 * @param {string} code
 * @param {string} token
 */
export function keepToken(code, token) {
  if (!code || !token) return;
  const tokens = readTokens();
  tokens[code] = token;
  writeTokens(tokens);
  try {
    localStorage.setItem(LAST_KEY, code);
  } catch {
    /* ignore */
  }
}

/**
 * Forgets the token of a join code (leaving, "not you?", removed, unknown token).
 * @param {string} code
 */
export function forgetToken(code) {
  const tokens = readTokens();
  if (code in tokens) {
    delete tokens[code];
    writeTokens(tokens);
  }
  if (lastCode() === code) {
    try {
      localStorage.removeItem(LAST_KEY);
    } catch {
      /* ignore */
    }
  }
}

/** @typedef {'connecting' | 'open' | 'lost' | 'closed' | 'replaced'} ConnStatus */

/**
 * What a Connection tells its page.
 * @typedef {Object} ConnHandlers
 * @property {(msg: any) => void} onMessage every server frame, parsed (an object with a string `type`)
 * @property {(status: ConnStatus, info?: {resumed?: boolean}) => void} onStatus 'open' comes after the welcome
 * @property {() => string | null} [token] the token to resume with, or null
 * @property {() => string | null} [code] the join code this connection is about, if known: sent as
 *   `/ws?code=...` so a load balancer can hash on it and reach the server that owns the session
 */

export class Connection {
  /** @param {ConnHandlers} handlers */
  constructor(handlers) {
    this.handlers = handlers;
    /** @type {WebSocket | null} */
    this.ws = null;
    this.welcomed = false;
    this.attempt = 0;
    this.everWelcomed = false;
    this.stopped = false;
    this.offset = 0; // server_time - Date.now()
    /** @type {ReturnType<typeof setInterval> | undefined} */
    this.pingTimer = undefined;
    /** @type {ReturnType<typeof setTimeout> | undefined} */
    this.retryTimer = undefined;
    this.replaced = false;
    this.url = wsUrl();
    /** The page's own server (or load balancer): where to start again when a server sent to is gone. */
    this.homeUrl = this.url;
    /** The server this connection was sent to by a `moved` frame (the next close reconnects there at once). */
    this.moving = false;
    /** @type {import('./types.js').ClientMsg | null} a join or practice frame not yet answered */
    this.pendingEntry = null;
    /** @type {Map<number, object>} match actions sent and not acknowledged, by client message id, oldest first */
    this.unacked = new Map();
  }

  /** The current time on the server's clock, in Unix milliseconds. */
  now() {
    return Date.now() + this.offset;
  }

  /** @param {unknown} serverTime */
  noteServerTime(serverTime) {
    if (typeof serverTime === 'number' && Number.isFinite(serverTime)) {
      this.offset = serverTime - Date.now();
    }
  }

  start() {
    this.stopped = false;
    this.open();
    // Back online, or a phone brings the tab back: reconnect at once instead of waiting out the backoff.
    const wake = () => {
      if (!this.stopped && (!this.ws || this.ws.readyState === WebSocket.CLOSED)) this.reconnectNow();
    };
    window.addEventListener('online', wake);
    document.addEventListener('visibilitychange', () => {
      if (document.visibilityState === 'visible') wake();
    });
  }

  open() {
    clearTimeout(this.retryTimer);
    this.retryTimer = undefined;
    this.welcomed = false;
    this.handlers.onStatus(this.everWelcomed ? 'lost' : 'connecting');
    let ws;
    try {
      const code = this.handlers.code ? this.handlers.code() : null;
      ws = new WebSocket(code ? `${this.url}?code=${encodeURIComponent(code)}` : this.url);
    } catch {
      this.scheduleRetry();
      return;
    }
    this.ws = ws;
    ws.addEventListener('open', () => {
      /** @type {import('./types.js').ClientMsgHello} */
      // The page's language: the server sends the scenario's texts in it where it has them.
      const hello = { type: 'hello', version: PROTOCOL_VERSION, lang: language() };
      const token = this.handlers.token ? this.handlers.token() : null;
      if (token) hello.token = token;
      this.rawSend(hello);
      this.startPing();
    });
    ws.addEventListener('message', (ev) => {
      if (typeof ev.data !== 'string') return;
      let msg;
      try {
        msg = JSON.parse(ev.data);
      } catch {
        return;
      }
      if (!msg || typeof msg !== 'object' || typeof msg.type !== 'string') return;
      if ('server_time' in msg) this.noteServerTime(msg.server_time);
      if (msg.type === 'moved' || (msg.type === 'error' && msg.code === 'moved')) {
        // The session lives on another server: go there (the page need not know).
        if (msg.type === 'moved' && typeof msg.address === 'string') {
          const url = wsUrlFor(msg.address);
          // Sent back to where it is (a server restarting): reconnect with the usual backoff.
          if (url && url !== this.url) {
            this.url = url;
            this.moving = true;
          }
        }
        return;
      }
      if (msg.type === 'ack') {
        this.unacked.delete(msg.cid);
        return;
      }
      if (msg.type === 'joined' || (msg.type === 'error' && this.pendingEntry)) this.pendingEntry = null;
      if (msg.type === 'welcome') {
        this.welcomed = true;
        this.attempt = 0;
        const wasLost = this.everWelcomed;
        this.everWelcomed = true;
        this.handlers.onStatus('open', { resumed: wasLost });
        // A join the last server sent on elsewhere, asked again here (without a token only: with
        // one, the hello has resumed the seat).
        const token = this.handlers.token ? this.handlers.token() : null;
        if (this.pendingEntry && !token) this.rawSend(this.pendingEntry);
        // Actions the last connection sent without an answer: again, with their ids (the seat
        // was resumed by the hello's token; without one there is no seat to act in).
        if (token) {
          for (const frame of this.unacked.values()) this.rawSend(frame);
        } else {
          this.unacked.clear();
        }
      }
      if (msg.type === 'error' && (msg.code === 'unsupported_version' || msg.code === 'replaced')) {
        // Replaced: another tab holds this seat now; reconnecting would only take it back.
        this.stopped = true;
        this.replaced = msg.code === 'replaced';
      }
      this.handlers.onMessage(msg);
    });
    ws.addEventListener('close', () => {
      if (this.ws !== ws) return;
      this.stopPing();
      this.ws = null;
      this.welcomed = false;
      if (this.stopped) {
        this.handlers.onStatus(this.replaced ? 'replaced' : 'closed');
        return;
      }
      if (this.moving) {
        this.moving = false;
        this.attempt = 0;
        this.open();
        return;
      }
      this.handlers.onStatus('lost');
      // The server this one was sent to may be the one that died: ask the page's own server,
      // which knows who owns the session now.
      this.url = this.homeUrl;
      this.scheduleRetry();
    });
    ws.addEventListener('error', () => {
      /* a close event follows */
    });
  }

  scheduleRetry() {
    if (this.stopped) return;
    clearTimeout(this.retryTimer);
    // 0.5 s, 1 s, 2 s, 4 s, 8 s, then every 10 s, with a little jitter.
    const base = Math.min(10000, 500 * 2 ** this.attempt);
    const delay = base * (0.8 + Math.random() * 0.4);
    this.attempt += 1;
    this.retryTimer = setTimeout(() => this.open(), delay);
  }

  reconnectNow() {
    if (this.stopped) return;
    this.attempt = 0;
    this.open();
  }

  /** Stops for good: no reconnecting (a refused facilitator link). */
  stop() {
    this.stopped = true;
    clearTimeout(this.retryTimer);
    this.stopPing();
    if (this.ws) {
      try {
        this.ws.close();
      } catch {
        /* ignore */
      }
    }
  }

  /** Takes the seat back after another tab replaced this one ("use this tab"). */
  resume() {
    this.stopped = false;
    this.replaced = false;
    this.reconnectNow();
  }

  /** Reconnects from scratch (used after bad_token when the server closed the socket). */
  restart() {
    if (this.ws) {
      const ws = this.ws;
      this.ws = null;
      try {
        ws.close();
      } catch {
        /* ignore */
      }
    }
    this.stopPing();
    this.reconnectNow();
  }

  startPing() {
    this.stopPing();
    this.pingTimer = setInterval(() => this.rawSend({ type: 'ping' }), PING_MS);
  }

  stopPing() {
    clearInterval(this.pingTimer);
    this.pingTimer = undefined;
  }

  isOpen() {
    return !!this.ws && this.ws.readyState === WebSocket.OPEN && this.welcomed;
  }

  /** @param {object} msg a client frame (a `ClientMsg`, perhaps with its `cid`) */
  rawSend(msg) {
    if (!this.ws || this.ws.readyState !== WebSocket.OPEN) return false;
    try {
      this.ws.send(JSON.stringify(msg));
      return true;
    } catch {
      return false;
    }
  }

  /**
   * Sends a frame after the welcome; false when offline.
   * @param {import('./types.js').ClientMsg} msg
   */
  send(msg) {
    if (!this.isOpen()) return false;
    if (msg.type === 'join' || msg.type === 'practice') this.pendingEntry = msg;
    if (ACTIONS.has(msg.type)) {
      const cid = Math.floor(Math.random() * 2 ** 53);
      const frame = { ...msg, cid };
      this.unacked.set(cid, frame);
      return this.rawSend(frame);
    }
    return this.rawSend(msg);
  }
}

function wsUrl() {
  const proto = location.protocol === 'https:' ? 'wss:' : 'ws:';
  return `${proto}//${location.host}/ws`;
}

/**
 * The WebSocket URL of a server's advertised address (`http://host:port`, `https://host`), or
 * null when it is not an http(s) address.
 * @param {string} address
 * @returns {string | null}
 */
export function wsUrlFor(address) {
  try {
    const u = new URL(address);
    if (u.protocol !== 'http:' && u.protocol !== 'https:') return null;
    return `${u.protocol === 'https:' ? 'wss:' : 'ws:'}//${u.host}/ws`;
  } catch {
    return null;
  }
}
