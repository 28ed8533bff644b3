// The join screen: join a session by code, or practise now; the link that opened the page.

import { practiceKey } from '../practice-key.js';
import { h, $ } from '../dom.js';
import { keepToken, lastCode } from '../conn.js';
import { app, conn, NAME_KEY } from './state.js';
import { setView } from './screens.js';
import { t, tn, language } from '../i18n.js';

/** @param {string} id @returns {HTMLInputElement} */
const input = (id) => $(`#${id}`);

/** The join code in the page's link (?code=), cleaned, or ''. */
function linkCode() {
  const params = new URLSearchParams(location.search);
  return (params.get('code') || '').toUpperCase().replace(/[^A-Z0-9]/g, '').slice(0, 6);
}

/** @param {string} [message] an error to show under the join form */
export function showJoin(message) {
  setView('join');
  if (message) {
    const el = /** @type {HTMLElement} */ (document.querySelector('[data-error-for="join"]'));
    el.textContent = message;
    el.hidden = false;
  }
  updateJoinButtons();
}

export function updateJoinButtons() {
  const ready = conn.isOpen() && !app.pendingJoin;
  /** @type {HTMLButtonElement} */
  const js = $('#join-submit');
  /** @type {HTMLButtonElement} */
  const ps = $('#practice-submit');
  js.disabled = !ready;
  ps.disabled = !ready;
  js.textContent = app.pendingJoin && app.lastAction === 'join' ? t('player.join.joining') : t('player.join.submit');
  ps.textContent = app.pendingJoin && app.lastAction === 'practice' ? t('player.join.joining') : t('player.practice.title');
}

export function setupJoin() {
  const code = linkCode();
  const codeInput = input('join-code');
  if (code) codeInput.value = code;
  let savedName = '';
  try {
    savedName = localStorage.getItem(NAME_KEY) || '';
  } catch {
    /* ignore */
  }
  if (savedName) {
    input('join-name').value = savedName;
    input('practice-name').value = savedName;
  }

  let lookup = 0;
  const checkCode = async () => {
    const hint = $('#join-code-hint');
    const v = codeInput.value.trim().toUpperCase();
    hint.textContent = '';
    if (v.length !== 6) return;
    const mine = ++lookup;
    try {
      const res = await fetch(`/api/sessions/${encodeURIComponent(v)}?lang=${language()}`);
      if (mine !== lookup) return;
      if (res.status === 404) {
        hint.textContent = t('player.join.no_session');
        return;
      }
      if (!res.ok) return;
      const info = await res.json();
      if (mine !== lookup) return;
      const parts = [];
      if (info.title) parts.push(info.title);
      if (info.scenario && info.scenario.title) parts.push(info.scenario.title);
      if (typeof info.players === 'number') parts.push(tn('player.join.players_joined', info.players));
      hint.textContent = parts.join(' · ');
    } catch {
      /* the join itself will report problems */
    }
  };
  codeInput.addEventListener('input', () => {
    const cleaned = codeInput.value.toUpperCase().replace(/[^A-Z0-9]/g, '').slice(0, 6);
    if (cleaned !== codeInput.value) codeInput.value = cleaned;
    checkCode();
  });
  if (code) checkCode();

  $('#join-form').addEventListener('submit', (ev) => {
    ev.preventDefault();
    const err = /** @type {HTMLElement} */ (document.querySelector('[data-error-for="join"]'));
    err.hidden = true;
    const c = codeInput.value.trim().toUpperCase();
    const name = input('join-name').value.trim();
    if (c.length !== 6) return fieldError(err, t('player.join.bad_code'), codeInput);
    if (!name || name.length > 40) return fieldError(err, t('player.join.bad_name'), input('join-name'));
    app.lastAction = 'join';
    if (!conn.send({ type: 'join', code: c, name })) return fieldError(err, t('player.join.not_connected'));
    app.pendingJoin = true;
    updateJoinButtons();
  });

  $('#practice-form').addEventListener('submit', (ev) => {
    ev.preventDefault();
    const err = /** @type {HTMLElement} */ (document.querySelector('[data-error-for="practice"]'));
    err.hidden = true;
    const name = input('practice-name').value.trim();
    if (!name || name.length > 40) return fieldError(err, t('player.join.bad_name'), input('practice-name'));
    const scenario = input('practice-scenario').value;
    /** @type {import('../types.js').ClientMsg} */
    const msg = { type: 'practice', name };
    if (scenario) msg.scenario = scenario;
    const drill = /** @type {HTMLSelectElement} */ ($('#practice-drill')).value;
    if (drill) msg.drill = /** @type {import('../types.js').Drill} */ (drill);
    // Links this visit to the learner's practice history (see js/practice-key.js).
    const key = practiceKey();
    if (key) msg.practice_key = key;
    app.lastAction = 'practice';
    if (!conn.send(msg)) return fieldError(err, t('player.join.not_connected'));
    app.pendingJoin = true;
    updateJoinButtons();
  });

  loadScenarios();
}

/**
 * @param {HTMLElement} el
 * @param {string} text
 * @param {HTMLElement} [focus]
 */
function fieldError(el, text, focus) {
  el.textContent = text;
  el.hidden = false;
  if (focus) focus.focus();
}

/**
 * A scenario in GET /api/scenarios (public facts only).
 * @typedef {Object} ScenarioListItem
 * @property {string} id
 * @property {string} title
 * @property {string} [summary]
 * @property {unknown[]} [roles]
 */

async function loadScenarios() {
  /** @type {HTMLSelectElement} */
  const select = $('#practice-scenario');
  const summary = $('#practice-scenario-summary');
  /** @type {ScenarioListItem[]} */
  let list = [];
  try {
    const res = await fetch(`/api/scenarios?lang=${language()}`);
    if (!res.ok) return;
    list = await res.json();
  } catch {
    return;
  }
  if (!Array.isArray(list)) return;
  for (const sc of list) {
    const n = Array.isArray(sc.roles) ? sc.roles.length : 2;
    const label = n === 2 ? sc.title : tn('player.practice.scenario_players', n, { title: sc.title });
    select.appendChild(h('option', { value: sc.id }, label));
  }
  select.addEventListener('change', () => {
    const sc = list.find((x) => x.id === select.value);
    summary.textContent = sc ? firstSentences(sc.summary) : '';
  });
}

/** @param {string | undefined} text */
function firstSentences(text) {
  const t = String(text || '').trim().replace(/\s+/g, ' ');
  const m = t.match(/^(.{0,220}?[.!?])(\s|$)/);
  return m ? m[1] : t.slice(0, 220);
}

/** The join code from the link, a rejoin token from the facilitator (#rejoin=...), or the last code. */
export function readLink() {
  const code = linkCode();
  const hash = new URLSearchParams(location.hash.replace(/^#/, ''));
  const rejoin = hash.get('rejoin');
  if (code && rejoin && /^[0-9a-f]{32}$/.test(rejoin)) {
    keepToken(code, rejoin);
    // The token must not stay in the address bar (or in a bookmark, or on a projected screen).
    history.replaceState(null, '', `${location.pathname}?code=${code}`);
  }
  app.code = code || lastCode();
}
