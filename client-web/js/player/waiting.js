// The waiting screen (finding a partner, the practice bot offer) and "not you?".

import { clear, $ } from '../dom.js';
import { forgetToken } from '../conn.js';
import { app, conn } from './state.js';
import { setView } from './screens.js';
import { showJoin } from './join.js';
import { t, tn } from '../i18n.js';
import { waitingText } from '../server-words.js';

/** @param {boolean} busy */
export function setWaitingBusy(busy) {
  for (const b of document.querySelectorAll('#screen-waiting button')) /** @type {HTMLButtonElement} */ (b).disabled = busy;
  /** @type {HTMLSelectElement} */ ($('#bot-strategy')).disabled = busy;
  /** @type {HTMLSelectElement} */ ($('#bot-level')).disabled = busy;
}

/** "Not you?": forget this device's seat for the session and show the join form. */
export function notYou() {
  forgetToken(app.code);
  app.joined = null;
  app.waiting = null;
  app.state = null;
  app.match = null;
  clear($('#screen-match'));
  // A fresh connection without the token: the seat stays where it is for its real player.
  conn.restart();
  showJoin();
}

/** @param {HTMLElement} el */
function renderNotYou(el) {
  const name = app.joined && app.joined.name;
  $('.not-you-text', el).textContent = name ? t('player.playing_as', { name }) : '';
  el.hidden = !name;
}

export function renderWaiting() {
  const w = app.waiting;
  $('#bot-offer').hidden = !(w && w.bot_offer);
  $('[data-error-for="waiting"]').hidden = true;
  setWaitingBusy(false);
  renderNotYou($('[data-testid="not-you-waiting"]'));
  const ahead = $('#waiting-ahead');
  const msg = $('#waiting-message');
  const sess = $('#waiting-session');
  msg.textContent = w ? waitingText(w) : t('player.waiting.default');
  const n = w && typeof w.ahead === 'number' ? w.ahead : null;
  ahead.dataset.ahead = n === null ? '' : String(n);
  ahead.textContent = n ? tn('player.waiting.ahead', n) : '';
  ahead.hidden = !n;
  const joined = app.joined;
  const s = joined && joined.session;
  sess.textContent =
    joined && s
      ? [
          joined.name ? t('player.waiting.joined_as', { name: joined.name }) : t('player.waiting.joined'),
          // The practice pool's title is the server's English name for it: the page's word instead.
          s.kind === 'practice' ? t('player.waiting.practice') : s.title,
        ]
          .filter(Boolean)
          .join(' · ')
      : '';
}

export function setupWaiting() {
  $('#bot-offer').addEventListener('submit', (ev) => {
    ev.preventDefault();
    const strategy = /** @type {HTMLSelectElement} */ ($('#bot-strategy')).value;
    const level = /** @type {import('../types.js').BotLevel} */ (/** @type {HTMLSelectElement} */ ($('#bot-level')).value);
    /** @type {import('../types.js').ClientMsg} */
    const msg = { type: 'play_bot', level };
    if (strategy) msg.strategy = strategy;
    app.lastAction = 'waiting';
    if (conn.send(msg)) setWaitingBusy(true);
  });
  $('#leave-queue').addEventListener('click', () => {
    app.lastAction = 'waiting';
    if (conn.send({ type: 'leave' })) setWaitingBusy(true);
  });
  $('.not-you-button', $('[data-testid="not-you-waiting"]')).addEventListener('click', notYou);
  // The "replaced" screen: another tab took the seat; this one can take it back.
  $('#use-this-tab').addEventListener('click', () => {
    setView('connecting');
    conn.resume();
  });
}
