// The page's screens, its banners and the screen-reader announcer.

import { show, $ } from '../dom.js';
import { app } from './state.js';
import { t } from '../i18n.js';

/** @param {import('./state.js').ViewName} view */
export function setView(view) {
  app.view = view;
  for (const name of ['connecting', 'join', 'waiting', 'match', 'observe', 'replaced']) {
    show($(`#screen-${name}`), name === view);
  }
  document.body.dataset.view = view;
  const inMatch = (view === 'match' && app.state) || (view === 'observe' && app.observer);
  show($('[data-testid="phase"]'), !!inMatch);
  show($('[data-testid="match-title"]'), !!inMatch);
  if (!inMatch) {
    show($('[data-testid="countdown"]'), false);
    document.title = view === 'waiting' ? t('player.title.waiting') : 'Parley';
  }
}

export { announce } from '../dom.js';

/**
 * @param {string} text
 * @param {string} [kind] `lost` or `ok`
 */
export function setConnBanner(text, kind) {
  const el = $('[data-testid="conn-banner"]');
  el.textContent = text || '';
  el.dataset.kind = kind || '';
  show(el, !!text);
}

/** @param {string} text */
export function showNotice(text) {
  const el = $('[data-testid="notice"]');
  $('.notice-text', el).textContent = text;
  show(el, true);
  clearTimeout(app.noticeTimer);
  app.noticeTimer = setTimeout(() => show(el, false), 30000);
}
