// The countdown in the top bar (ticks every half second, see main.js).

import { show, $ } from '../dom.js';
import { clock, phaseLabel, spokenDuration } from '../format.js';
import { app, conn } from './state.js';
import { announce } from './screens.js';
import { t, language } from '../i18n.js';

/** A phase's name inside a sentence: lower case, except in German, where nouns keep their capital. */
const phaseInSentence = (/** @type {string} */ phase) => (language() === 'de' ? phaseLabel(phase) : phaseLabel(phase).toLowerCase());

export function updateCountdown() {
  const el = $('[data-testid="countdown"]');
  // A player's match, or the match an observer watches (the same clock fields).
  const watching = app.view === 'observe' && app.observer ? app.observer.view : null;
  const s = watching || (app.view === 'match' ? app.state : null);
  if (!s || s.phase === 'results' || typeof s.deadline !== 'number') {
    show(el, false);
    return;
  }
  show(el, true);
  if (s.paused) {
    // The clock is stopped: what is left is what was left when it stopped.
    const left = typeof s.paused_at === 'number' ? s.deadline - s.paused_at : null;
    el.textContent = left === null ? t('player.clock.paused') : t('player.clock.left_paused', { time: clock(left) });
    el.dataset.remaining = left === null ? '' : String(Math.max(0, Math.ceil(left / 1000)));
    el.setAttribute('aria-label', left === null ? t('player.clock.paused') : t('player.clock.spoken_left_paused', { time: spokenDuration(left) }));
    el.classList.remove('urgent');
    return;
  }
  const remaining = s.deadline - conn.now();
  el.textContent = remaining > 0 ? t('player.clock.left', { time: clock(remaining) }) : t('player.clock.times_up');
  el.dataset.remaining = String(Math.max(0, Math.ceil(remaining / 1000)));
  el.setAttribute('aria-label', t('player.clock.spoken_left_in', { time: spokenDuration(remaining), phase: phaseInSentence(s.phase) }));
  el.classList.toggle('urgent', remaining < 60000);
  // Announce the last minute once.
  if (remaining < 60000 && remaining > 55000 && app.lastMinuteFor !== `${s.match_id}:${s.phase}`) {
    app.lastMinuteFor = `${s.match_id}:${s.phase}`;
    announce(t('player.clock.last_minute', { phase: phaseInSentence(s.phase) }));
  }
  if (app.match && app.state) app.match.updatePresence(app.state);
}
