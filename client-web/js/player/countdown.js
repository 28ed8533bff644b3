// The countdown in the top bar (ticks every half second, see main.js).

import { show, $ } from '../dom.js';
import { clock, phaseLabel, spokenDuration } from '../format.js';
import { app, conn } from './state.js';
import { announce } from './screens.js';

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
    el.textContent = left === null ? 'Paused' : `${clock(left)} left · paused`;
    el.dataset.remaining = left === null ? '' : String(Math.max(0, Math.ceil(left / 1000)));
    el.setAttribute('aria-label', left === null ? 'Paused' : `${spokenDuration(left)} left, paused`);
    el.classList.remove('urgent');
    return;
  }
  const remaining = s.deadline - conn.now();
  el.textContent = remaining > 0 ? `${clock(remaining)} left` : "Time's up";
  el.dataset.remaining = String(Math.max(0, Math.ceil(remaining / 1000)));
  el.setAttribute('aria-label', `${spokenDuration(remaining)} left in ${phaseLabel(s.phase).toLowerCase()}`);
  el.classList.toggle('urgent', remaining < 60000);
  // Announce the last minute once.
  if (remaining < 60000 && remaining > 55000 && app.lastMinuteFor !== `${s.match_id}:${s.phase}`) {
    app.lastMinuteFor = `${s.match_id}:${s.phase}`;
    announce(`One minute left in ${phaseLabel(s.phase).toLowerCase()}.`);
  }
  if (app.match && app.state) app.match.updatePresence(app.state);
}
