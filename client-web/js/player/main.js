// The player page (index.html): join or practise, wait for a partner, play a match, see the
// results. No build step: the browser loads these modules as they are. docs/protocol.md
// describes the frames; ../types.js has their types, generated from the server's Rust types.
//
//   state.js      the page's shared state and its one connection (../conn.js)
//   screens.js    which screen shows; banners; the screen-reader announcer
//   join.js       the join and practice forms, the link that opened the page
//   waiting.js    finding a partner, the practice bot, "not you?"
//   messages.js   each server frame and connection status → the page
//   match.js      the match view (one per match)
//   phases.js     parts of single phases: intro, ready bar, priority guess
//   tournament.js the tournament standing and round cards
//   countdown.js  the phase clock in the top bar

import { show, $ } from '../dom.js';
import { conn } from './state.js';
import { setView } from './screens.js';
import { readLink, setupJoin } from './join.js';
import { setupWaiting } from './waiting.js';
import { onMessage, onStatus } from './messages.js';
import { updateCountdown } from './countdown.js';
import { translatePage } from '../i18n.js';
import { setupLanguagePicker } from '../lang-picker.js';

function start() {
  translatePage();
  setupLanguagePicker(/** @type {HTMLSelectElement} */ ($('#language')));
  conn.handlers.onMessage = onMessage;
  conn.handlers.onStatus = onStatus;
  readLink();
  setupJoin();
  setupWaiting();
  $('.notice-close').addEventListener('click', () => show($('[data-testid="notice"]'), false));
  setView('connecting');
  conn.start();
  setInterval(updateCountdown, 500);
}

start();
