// HTTP calls of the facilitator console. The token travels in the x-facilitator-token header,
// never in a URL the page builds (the console keeps it in the # fragment).

import { t } from '../i18n.js';

/** @typedef {import('./shapes.js').ScenarioListing} ScenarioListing */
/** @typedef {import('./shapes.js').SurveyBank} SurveyBank */
/** @typedef {import('./shapes.js').CreatedSession} CreatedSession */
/** @typedef {import('./shapes.js').DebriefData} DebriefData */
/** @typedef {import('./shapes.js').Transcript} Transcript */
/** @typedef {import('../types.js').MonitorView} MonitorView */
/** @typedef {import('../types.js').TournamentView} TournamentView */
/** @typedef {import('./teaching.js').ScenarioNotes} ScenarioNotes */

export class ApiError extends Error {
  /**
   * @param {number} status
   * @param {string} code the server's stable error code ('network' when it could not be reached)
   * @param {string} message the server's sentence
   */
  constructor(status, code, message) {
    super(message || code || `HTTP ${status}`);
    this.status = status;
    this.code = code || '';
  }
}

/**
 * @param {Response} res
 * @returns {Promise<any>} the JSON answer: its shape is the caller's to name (every caller does)
 */
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

/**
 * The node that owns the session, once one answered 421 with its address (a cluster,
 * docs/deploy.md): later calls go there first. Empty: this page's own server.
 */
let owner = '';

/** Most 421 answers followed for one call (an owner can change while it is being asked). */
const MAX_HOPS = 3;

/**
 * Every HTTP call of the console: fetch, following `421` (this session lives on another node)
 * to the address in its answer, as the console's WebSocket follows `moved`. When the owner it
 * was sent to cannot be reached, the call is tried once more on the page's own server, which
 * knows the new owner.
 * @param {string} path a path on the server (`/api/...`)
 * @param {RequestInit} init
 * @returns {Promise<Response>}
 */
async function send(path, init) {
  let base = owner;
  for (let hop = 0; ; hop++) {
    let res;
    try {
      res = await fetch(`${base}${path}`, init);
    } catch {
      if (!base) throw new ApiError(0, 'network', 'network');
      owner = base = '';
      continue;
    }
    if (res.status !== 421 || hop >= MAX_HOPS) return res;
    const body = await res
      .clone()
      .json()
      .catch(() => null);
    const address = body && typeof body.address === 'string' ? body.address.replace(/\/+$/, '') : '';
    if (!/^https?:\/\//.test(address)) return res;
    owner = base = address === location.origin ? '' : address;
  }
}

/**
 * @param {string} path
 * @param {RequestInit} init
 * @returns {Promise<any>} see parse()
 */
async function request(path, init) {
  return parse(await send(path, init));
}

/** @returns {Promise<ScenarioListing[]>} */
export function getScenarios() {
  return request('/api/scenarios', { headers: { accept: 'application/json' } });
}

/**
 * The survey items a facilitator picks from, and the limits on their own.
 * @returns {Promise<SurveyBank>}
 */
export function getSurveyBank() {
  return request('/api/survey-bank', { headers: { accept: 'application/json' } });
}

/**
 * @param {object} body the session's settings
 * @param {string} adminKey
 * @returns {Promise<CreatedSession>}
 */
export function createSession(body, adminKey) {
  /** @type {Record<string, string>} */
  const headers = { 'content-type': 'application/json', accept: 'application/json' };
  if (adminKey) headers['x-admin-key'] = adminKey;
  return request('/api/sessions', {
    method: 'POST',
    headers,
    body: JSON.stringify(body),
  });
}

/**
 * @param {string} code
 * @returns {Promise<{title?: string} | null>}
 */
export function getSessionInfo(code) {
  return request(`/api/sessions/${encodeURIComponent(code)}`, { headers: { accept: 'application/json' } });
}

/** A client bound to one session and its facilitator token. */
export class SessionApi {
  /**
   * @param {string} code
   * @param {string} token
   */
  constructor(code, token) {
    this.code = code;
    this.token = token;
    this.base = `/api/sessions/${encodeURIComponent(code)}`;
  }

  /**
   * @param {Record<string, string>} [extra]
   * @returns {Record<string, string>}
   */
  headers(extra) {
    return { 'x-facilitator-token': this.token, accept: 'application/json', ...extra };
  }

  /**
   * @param {string} path
   * @returns {Promise<any>} see parse()
   */
  get(path) {
    return request(`${this.base}${path}`, { headers: this.headers(), cache: 'no-store' });
  }

  /** @returns {Promise<MonitorView>} */
  monitor() {
    return this.get('/monitor');
  }

  /** @returns {Promise<DebriefData>} */
  debrief() {
    return this.get('/debrief');
  }

  /**
   * The teaching notes of the session's scenarios.
   * @returns {Promise<{scenarios: ScenarioNotes[]} | null>}
   */
  teaching() {
    return this.get('/teaching');
  }

  /** @returns {Promise<TournamentView | null>} */
  tournament() {
    return this.get('/tournament');
  }

  /**
   * @param {string} matchId
   * @returns {Promise<Transcript>}
   */
  transcript(matchId) {
    return this.get(`/matches/${encodeURIComponent(matchId)}/transcript`);
  }

  /**
   * A link that puts a player back in their seat on another device.
   * The url holds that player's secret token, so it is fetched only when asked for.
   * @param {string} playerId
   * @returns {Promise<{player_id: string, name: string, url: string}>}
   */
  rejoinLink(playerId) {
    return this.get(`/players/${encodeURIComponent(playerId)}/rejoin`);
  }

  /**
   * @param {Record<string, unknown>} body
   * @returns {Promise<{affected?: number} | null>}
   */
  control(body) {
    return request(`${this.base}/control`, {
      method: 'POST',
      headers: this.headers({ 'content-type': 'application/json' }),
      body: JSON.stringify(body),
    });
  }

  /**
   * Fetches an export with the token in a header and hands it to the browser as a download.
   * @param {string} file
   * @returns {Promise<number>} its size in bytes
   */
  async download(file) {
    const res = await send(`${this.base}/export/${encodeURIComponent(file)}`, { headers: this.headers({ accept: '*/*' }), cache: 'no-store' });
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

/**
 * A sentence for a refused call, for the status line next to the control: our own words for
 * the codes whose sentence says all there is to say; the server's sentence (English) for the
 * ones that name a detail (a field, a limit).
 * @param {unknown} err
 */
export function apiErrorSentence(err) {
  if (!(err instanceof ApiError)) return t('console.error.unknown');
  switch (err.code) {
    case 'network':
      return t('console.error.network');
    case 'facilitator_token_required':
      return t('console.error.token_required');
    case 'wrong_facilitator_token':
      return t('console.error.wrong_token');
    case 'unknown_session':
      return t('console.error.unknown_session');
    case 'bot_player':
      return t('console.error.bot_player');
    case 'unknown_player':
      return t('console.error.unknown_player');
    case 'removed':
      return t('console.error.removed');
    case 'unknown_match':
      return t('console.error.unknown_match');
    case 'no_tournament':
      return t('console.error.no_tournament');
    case 'rate_limited':
      return t('console.error.rate_limited');
    case 'internal':
      return t('console.error.internal');
    case 'store_unavailable':
      return t('console.error.store_unavailable');
    default: {
      const m = String(err.message || t('console.error.refused'));
      return m.charAt(0).toUpperCase() + m.slice(1) + (/[.!?]$/.test(m) ? '' : '.');
    }
  }
}
