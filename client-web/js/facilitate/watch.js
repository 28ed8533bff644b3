// The facilitator's live view: the player page's Connection (hello, ping every 10 s, reconnect
// with backoff, the server's clock) carrying a `watch`. The server sends a monitor frame when
// something in the session changes (at most one a second), so a quiet class sends none: the
// link counts as alive while any frame arrives, the pong to our own ping included.

import { Connection } from '../conn.js';

const STALE_MS = 25000; // no frame at all (not even a pong) for this long: the link is treated as lost

/** @typedef {'connecting' | 'live' | 'lost' | 'refused'} WatchStatus */
/** @typedef {import('../types.js').MonitorView} MonitorView */
/** @typedef {import('../types.js').ServerMsg} ServerMsg */

/**
 * @typedef {object} WatchOptions
 * @property {string} code
 * @property {string} token
 * @property {(frame: MonitorView) => void} onMonitor every monitor frame
 * @property {(status: WatchStatus, detail?: string) => void} onStatus
 */

export class Watcher {
  /** @param {WatchOptions} o */
  constructor(o) {
    this.o = o;
    this.live = false;
    this.everLive = false;
    this.lastFrame = 0;
    /** @type {ReturnType<typeof setInterval> | undefined} */
    this.staleTimer = undefined;
    this.conn = new Connection({
      token: () => null,
      code: () => this.o.code || null,
      onStatus: (status) => this.onConnStatus(status),
      onMessage: (msg) => this.onFrame(msg),
    });
  }

  /** The current time on the server's clock. */
  now() {
    return this.conn.now();
  }

  start() {
    this.conn.start();
  }

  stop() {
    clearInterval(this.staleTimer);
    this.conn.stop();
  }

  /** @param {import('../conn.js').ConnStatus} status */
  onConnStatus(status) {
    if (status === 'open') {
      this.conn.send({ type: 'watch', code: this.o.code, token: this.o.token });
      this.lastFrame = Date.now();
      clearInterval(this.staleTimer);
      this.staleTimer = setInterval(() => {
        // Frames stopped without a close (sleeping laptop, dead Wi-Fi): start over.
        if (Date.now() - this.lastFrame > STALE_MS && this.conn.isOpen()) this.conn.restart();
      }, 2000);
      return;
    }
    if (status === 'connecting' || status === 'lost') {
      clearInterval(this.staleTimer);
      this.live = false;
      this.o.onStatus(this.everLive ? 'lost' : 'connecting');
    }
  }

  /** @param {ServerMsg} msg */
  onFrame(msg) {
    this.lastFrame = Date.now();
    if (msg.type === 'monitor') {
      if (!this.live) this.o.onStatus('live');
      this.live = true;
      this.everLive = true;
      this.o.onMonitor(msg);
    } else if (msg.type === 'error' && (msg.code === 'bad_token' || msg.code === 'unsupported_version')) {
      clearInterval(this.staleTimer);
      this.conn.stop();
      this.o.onStatus('refused', msg.message || msg.code);
    }
  }
}
