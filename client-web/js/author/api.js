// HTTP calls of the scenario editor. The admin key (when the server has one) travels in the
// x-admin-key header, as for creating a session; the page keeps it in memory only.

import { t } from '../i18n.js';

/** @typedef {import('../types.js').AuthorAnswer} AuthorAnswer */
/** @typedef {import('../types.js').AuthorListed} AuthorListed */
/** @typedef {import('../types.js').SavedAnswer} SavedAnswer */
/** @typedef {import('../types.js').Draft} Draft */

/** A refused call: the HTTP status, the stable code, the sentence and the field it is about. */
export class AuthorError extends Error {
  /**
   * @param {number} status
   * @param {string} code
   * @param {string} message
   * @param {string | null} field
   */
  constructor(status, code, message, field) {
    super(message);
    this.status = status;
    this.code = code;
    this.field = field;
  }
}

/** The admin key typed into the page, if any. */
let adminKey = '';

/** @param {string} key */
export function setAdminKey(key) {
  adminKey = key;
}

/**
 * @param {string} url
 * @param {RequestInit} init
 * @returns {Promise<any>}
 */
async function request(url, init) {
  /** @type {Record<string, string>} */
  const headers = { accept: 'application/json' };
  if (init.body) headers['content-type'] = 'application/json';
  if (adminKey) headers['x-admin-key'] = adminKey;
  let res;
  try {
    res = await fetch(url, { ...init, headers, cache: 'no-store' });
  } catch {
    throw new AuthorError(0, 'network', t('author.error.network'), null);
  }
  const text = await res.text();
  let body = null;
  try {
    body = text ? JSON.parse(text) : null;
  } catch {
    body = null;
  }
  if (!res.ok) {
    const code = body && typeof body.code === 'string' ? body.code : '';
    const message = body && typeof body.message === 'string' ? body.message : `HTTP ${res.status}`;
    const field = body && typeof body.field === 'string' ? body.field : null;
    throw new AuthorError(res.status, code, message, field);
  }
  return body;
}

/** @returns {Promise<AuthorListed[]>} */
export function listScenarios() {
  return request('/api/author/scenarios', { method: 'GET' });
}

/**
 * @param {string} id
 * @returns {Promise<AuthorAnswer>}
 */
export function openScenario(id) {
  return request(`/api/author/scenarios/${encodeURIComponent(id)}`, { method: 'GET' });
}

/**
 * The draft checked and analysed (or a file's text imported).
 * @param {{draft: Draft} | {toml: string}} body
 * @param {AbortSignal} [signal]
 * @returns {Promise<AuthorAnswer>}
 */
export function analyse(body, signal) {
  return request('/api/author/analyse', { method: 'POST', body: JSON.stringify(body), signal });
}

/**
 * @param {Draft} draft
 * @param {boolean} overwrite
 * @returns {Promise<SavedAnswer>}
 */
export function saveScenario(draft, overwrite) {
  return request('/api/author/scenarios', { method: 'POST', body: JSON.stringify({ draft, overwrite }) });
}
