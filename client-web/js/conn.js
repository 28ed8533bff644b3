// The WebSocket connection: hello (with the resume token), ping every 10 s, reconnect with
// backoff, and the offset between the server's clock and ours.
//
// Tokens are kept per join code in localStorage, so closing the tab and opening the join link
// again puts a player back in their seat (the page offers "not you?" to join as someone else).
// Only one tab can hold a seat: the server closes the older one with `replaced`, and that tab
// stops reconnecting until its player asks to use it again.

import { language } from './i18n.js';
const TOKENS_KEY = 'parley.tokens';
const LAST_KEY = 'parley.lastCode';
const PING_MS = 10000;
const PROTOCOL_VERSION = 1;

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
      ws = new WebSocket(this.url);
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
      if (msg.type === 'welcome') {
        this.welcomed = true;
        this.attempt = 0;
        const wasLost = this.everWelcomed;
        this.everWelcomed = true;
        this.handlers.onStatus('open', { resumed: wasLost });
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
      this.handlers.onStatus('lost');
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

  /** @param {import('./types.js').ClientMsg} msg */
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
    return this.rawSend(msg);
  }
}

function wsUrl() {
  const proto = location.protocol === 'https:' ? 'wss:' : 'ws:';
  return `${proto}//${location.host}/ws`;
}
