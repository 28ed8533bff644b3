// The facilitator's live WebSocket: hello, watch, a monitor frame every second, ping every
// 10 s (the server closes silent connections after 30 s), reconnect with backoff.

const PING_MS = 10000;
const STALE_MS = 6000; // no monitor frame for this long: the link is treated as lost

export class Watcher {
  /**
   * @param {object} o
   *   code, token
   *   onMonitor(frame)   every monitor frame
   *   onStatus(status, detail)  'connecting' | 'live' | 'lost' | 'refused'
   */
  constructor(o) {
    this.o = o;
    this.ws = null;
    this.attempt = 0;
    this.stopped = false;
    this.offset = 0; // server clock − our clock
    this.pingTimer = null;
    this.retryTimer = null;
    this.staleTimer = null;
    this.lastFrame = 0;
    this.everLive = false;
    this.live = false;
  }

  now() {
    return Date.now() + this.offset;
  }

  start() {
    this.open();
    const wake = () => {
      if (!this.stopped && (!this.ws || this.ws.readyState === WebSocket.CLOSED)) {
        this.attempt = 0;
        this.open();
      }
    };
    window.addEventListener('online', wake);
    document.addEventListener('visibilitychange', () => {
      if (document.visibilityState === 'visible') wake();
    });
  }

  stop() {
    this.stopped = true;
    clearTimeout(this.retryTimer);
    clearInterval(this.pingTimer);
    clearInterval(this.staleTimer);
    if (this.ws) this.ws.close();
  }

  open() {
    clearTimeout(this.retryTimer);
    this.retryTimer = null;
    if (this.stopped) return;
    this.live = false;
    this.o.onStatus(this.everLive ? 'lost' : 'connecting');
    const proto = location.protocol === 'https:' ? 'wss:' : 'ws:';
    let ws;
    try {
      ws = new WebSocket(`${proto}//${location.host}/ws`);
    } catch {
      this.scheduleRetry();
      return;
    }
    this.ws = ws;
    ws.addEventListener('open', () => {
      ws.send(JSON.stringify({ type: 'hello', version: 1 }));
    });
    ws.addEventListener('message', (ev) => {
      if (ws !== this.ws) return;
      let msg;
      try {
        msg = JSON.parse(ev.data);
      } catch {
        return;
      }
      this.onFrame(ws, msg);
    });
    ws.addEventListener('close', () => {
      if (ws !== this.ws) return;
      clearInterval(this.pingTimer);
      clearInterval(this.staleTimer);
      if (this.stopped) return;
      this.o.onStatus('lost');
      this.scheduleRetry();
    });
    ws.addEventListener('error', () => {
      /* close follows */
    });
  }

  onFrame(ws, msg) {
    if (typeof msg.server_time === 'number') this.offset = msg.server_time - Date.now();
    switch (msg.type) {
      case 'welcome':
        ws.send(JSON.stringify({ type: 'watch', code: this.o.code, token: this.o.token }));
        clearInterval(this.pingTimer);
        this.pingTimer = setInterval(() => {
          if (ws.readyState === WebSocket.OPEN) ws.send(JSON.stringify({ type: 'ping' }));
        }, PING_MS);
        clearInterval(this.staleTimer);
        this.lastFrame = Date.now();
        this.staleTimer = setInterval(() => {
          if (Date.now() - this.lastFrame > STALE_MS && ws.readyState === WebSocket.OPEN) {
            // Frames stopped without a close (sleeping laptop, dead Wi-Fi): start over.
            ws.close();
          }
        }, 2000);
        break;
      case 'monitor':
        this.lastFrame = Date.now();
        if (!this.live) this.o.onStatus('live');
        this.live = true;
        this.everLive = true;
        this.attempt = 0;
        this.o.onMonitor(msg);
        break;
      case 'error':
        if (msg.code === 'bad_token' || msg.code === 'unsupported_version') {
          this.stopped = true;
          clearInterval(this.pingTimer);
          clearInterval(this.staleTimer);
          this.o.onStatus('refused', msg.message || msg.code);
          ws.close();
        }
        break;
      default:
        break;
    }
  }

  scheduleRetry() {
    if (this.stopped) return;
    this.attempt += 1;
    const base = Math.min(15000, 500 * 2 ** Math.min(this.attempt, 5));
    const delay = base / 2 + Math.random() * (base / 2);
    this.retryTimer = setTimeout(() => this.open(), delay);
  }
}
