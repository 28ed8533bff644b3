// HTTP calls of the facilitator console. The token travels in the x-facilitator-token header,
// never in a URL the page builds (the console keeps it in the # fragment).

export class ApiError extends Error {
  constructor(status, code, message) {
    super(message || code || `HTTP ${status}`);
    this.status = status;
    this.code = code || '';
  }
}

async function parse(res) {
  const text = await res.text();
  let body = null;
  try {
    body = text ? JSON.parse(text) : null;
  } catch {
    body = null;
  }
  if (!res.ok) {
    const code = body && typeof body.code === 'string' ? body.code : '';
    const message = body && typeof body.message === 'string' ? body.message : text.slice(0, 200) || `HTTP ${res.status}`;
    throw new ApiError(res.status, code, message);
  }
  return body;
}

async function request(url, init) {
  let res;
  try {
    res = await fetch(url, init);
  } catch {
    throw new ApiError(0, 'network', 'the server could not be reached: check the network and try again');
  }
  return parse(res);
}

export function getScenarios() {
  return request('/api/scenarios', { headers: { accept: 'application/json' } });
}

/** The survey items a facilitator picks from, and the limits on their own. */
export function getSurveyBank() {
  return request('/api/survey-bank', { headers: { accept: 'application/json' } });
}

export function createSession(body, adminKey) {
  const headers = { 'content-type': 'application/json', accept: 'application/json' };
  if (adminKey) headers['x-admin-key'] = adminKey;
  return request('/api/sessions', {
    method: 'POST',
    headers,
    body: JSON.stringify(body),
  });
}

export function getSessionInfo(code) {
  return request(`/api/sessions/${encodeURIComponent(code)}`, { headers: { accept: 'application/json' } });
}

/** A client bound to one session and its facilitator token. */
export class SessionApi {
  constructor(code, token) {
    this.code = code;
    this.token = token;
    this.base = `/api/sessions/${encodeURIComponent(code)}`;
  }

  headers(extra) {
    return { 'x-facilitator-token': this.token, accept: 'application/json', ...extra };
  }

  get(path) {
    return request(`${this.base}${path}`, { headers: this.headers(), cache: 'no-store' });
  }

  monitor() {
    return this.get('/monitor');
  }

  debrief() {
    return this.get('/debrief');
  }

  /** The teaching notes of the session's scenarios: {scenarios: [{id, title, teaching}]}. */
  teaching() {
    return this.get('/teaching');
  }

  transcript(matchId) {
    return this.get(`/matches/${encodeURIComponent(matchId)}/transcript`);
  }

  /**
   * A link that puts a player back in their seat on another device: {player_id, name, url}.
   * The url holds that player's secret token, so it is fetched only when asked for.
   */
  rejoinLink(playerId) {
    return this.get(`/players/${encodeURIComponent(playerId)}/rejoin`);
  }

  control(body) {
    return request(`${this.base}/control`, {
      method: 'POST',
      headers: this.headers({ 'content-type': 'application/json' }),
      body: JSON.stringify(body),
    });
  }

  /** Fetches an export with the token in a header and hands it to the browser as a download. */
  async download(file) {
    let res;
    try {
      res = await fetch(`${this.base}/export/${encodeURIComponent(file)}`, { headers: this.headers({ accept: '*/*' }), cache: 'no-store' });
    } catch {
      throw new ApiError(0, 'network', 'the server could not be reached: check the network and try again');
    }
    if (!res.ok) await parse(res);
    const blob = await res.blob();
    const url = URL.createObjectURL(blob);
    const a = document.createElement('a');
    a.href = url;
    a.download = `parley-${this.code}-${file}`;
    a.hidden = true;
    document.body.appendChild(a);
    a.click();
    a.remove();
    setTimeout(() => URL.revokeObjectURL(url), 60000);
    return blob.size;
  }
}

/** A sentence for a refused call, for the status line next to the control. */
export function apiErrorSentence(err) {
  if (!(err instanceof ApiError)) return 'Something went wrong. Please try again.';
  switch (err.code) {
    case 'facilitator_token_required':
      return 'This console link has no facilitator token. Open the full private link (with #token=…).';
    case 'wrong_facilitator_token':
      return 'The token in this link does not belong to this session.';
    case 'unknown_session':
      return 'There is no session with this code on this server.';
    case 'bot_player':
      return 'Bots do not need a rejoin link.';
    default: {
      const m = String(err.message || 'the server refused that');
      return m.charAt(0).toUpperCase() + m.slice(1) + (/[.!?]$/.test(m) ? '' : '.');
    }
  }
}
