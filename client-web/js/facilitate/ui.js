// Small pieces of the console's interface: status lines, the confirm dialog, the announcer, and
// the words and numbers many parts of the console share (phases, outcomes, lists of names), all
// from the message catalogs so they follow the chosen language.

import { $ } from '../dom.js';
import { t, num } from '../i18n.js';
import { apiErrorSentence } from './api.js';

/**
 * Sets a status line next to a control.
 * @param {HTMLElement | null | undefined} el
 * @param {string} text
 * @param {'ok' | 'error' | 'busy' | ''} [kind]
 */
export function setStatus(el, text, kind = 'ok') {
  if (!el) return;
  el.textContent = text || '';
  el.dataset.kind = text ? kind : '';
  el.setAttribute('role', kind === 'error' ? 'alert' : 'status');
}

/**
 * Downloads an export file (api.download) for the button that asked for it: the button is
 * disabled meanwhile, and the status line says how it went.
 * @param {import('./api.js').SessionApi} api
 * @param {string} file
 * @param {HTMLButtonElement} button
 * @param {HTMLElement} statusEl
 */
export async function downloadExport(api, file, button, statusEl) {
  button.disabled = true;
  setStatus(statusEl, t('console.export.preparing', { file }), 'busy');
  try {
    const size = await api.download(file);
    setStatus(statusEl, t('console.export.done', { file, size: num(size) }), 'ok');
  } catch (e) {
    setStatus(statusEl, `${file}: ${apiErrorSentence(e)}`, 'error');
  } finally {
    button.disabled = false;
  }
}

/**
 * Asks a yes/no question in a modal dialog; resolves true for yes.
 * @param {string} text
 * @param {string} [okLabel]
 * @returns {Promise<boolean>}
 */
export function confirmDialog(text, okLabel = t('console.confirm.yes')) {
  const dialog = /** @type {HTMLDialogElement} */ ($('#confirm-dialog'));
  $('#confirm-text').textContent = text;
  $('[data-testid="confirm-ok"]').textContent = okLabel;
  return new Promise((resolve) => {
    if (typeof dialog.showModal !== 'function') {
      resolve(window.confirm(text));
      return;
    }
    const done = () => {
      dialog.removeEventListener('close', done);
      resolve(dialog.returnValue === 'ok');
    };
    dialog.returnValue = '';
    dialog.addEventListener('close', done);
    dialog.showModal();
    $('[data-testid="confirm-cancel"]').focus();
  });
}

export { announce } from '../dom.js';

/**
 * "Ana", "Ana and Ben", "Ana, Ben and Cy" (the joining word from the catalog).
 * @param {unknown[]} names
 */
export function nameList(names) {
  const n = names.map(String);
  if (n.length <= 1) return n.join('');
  return t('console.list.and', { rest: n.slice(0, -1).join(', '), last: n[n.length - 1] });
}

/**
 * A phase's name, as the console says it.
 * @param {string | null | undefined} phase
 */
export function phaseName(phase) {
  switch (phase) {
    case 'prep':
      return t('console.phase.prep');
    case 'small_talk':
      return t('console.phase.small_talk');
    case 'bargaining':
      return t('console.phase.bargaining');
    case 'survey':
      return t('console.phase.survey');
    case 'results':
      return t('console.phase.results');
    default:
      return String(phase || '');
  }
}

/** Every phase, in the order a match goes through them. */
export const PHASE_ORDER = /** @type {const} */ (['prep', 'small_talk', 'bargaining', 'survey', 'results']);

/**
 * How a match ended (or that it runs), in words.
 * @param {import('../types.js').OutcomeView | {kind: string, reason?: string | null} | string | null | undefined} outcome
 */
export function outcomeText(outcome) {
  if (!outcome) return '';
  const kind = typeof outcome === 'string' ? outcome : outcome.kind;
  const reason = typeof outcome === 'string' || !('reason' in outcome) ? '' : outcome.reason;
  if (kind === 'deal') return t('console.outcome.deal');
  if (kind === 'impasse') {
    switch (reason) {
      case 'walked_away':
        return t('console.outcome.walked_away');
      case 'deadline':
        return t('console.outcome.deadline');
      case 'ended_by_facilitator':
        return t('console.outcome.ended_by_you');
      default:
        return t('console.outcome.impasse');
    }
  }
  if (kind === 'abandoned') return t('console.outcome.abandoned');
  if (kind === 'running') return t('console.outcome.running');
  return String(kind || '');
}

/**
 * A share (0..1) as a whole percentage in the chosen language ("85%", "85 %"), or a dash.
 * @param {unknown} x
 */
export function pct(x) {
  return typeof x === 'number' && Number.isFinite(x) ? num(x, { style: 'percent', maximumFractionDigits: 0 }) : '–';
}

/**
 * A number rounded to one decimal (no trailing zero), or a dash.
 * @param {unknown} x
 */
export function num1(x) {
  return x == null || !Number.isFinite(Number(x)) ? '–' : num(Math.round(Number(x) * 10) / 10, { maximumFractionDigits: 1 });
}

/**
 * Copies text to the clipboard and says so in statusEl. Without the clipboard API (plain http
 * on a LAN) it selects the text of selectEl (an input or any element) for Ctrl+C instead.
 * @param {string} text
 * @param {HTMLElement | null} selectEl
 * @param {HTMLElement} statusEl
 */
export async function copyText(text, selectEl, statusEl) {
  let ok = false;
  try {
    if (navigator.clipboard && window.isSecureContext) {
      await navigator.clipboard.writeText(text);
      ok = true;
    }
  } catch {
    ok = false;
  }
  if (!ok && selectEl) {
    if (selectEl instanceof HTMLInputElement || selectEl instanceof HTMLTextAreaElement) {
      selectEl.focus();
      selectEl.select();
    } else {
      const range = document.createRange();
      range.selectNodeContents(selectEl);
      const sel = window.getSelection();
      if (sel) {
        sel.removeAllRanges();
        sel.addRange(range);
      }
    }
  }
  const said = ok ? t('console.copy.copied') : t('console.copy.selected');
  setStatus(statusEl, said, 'ok');
  setTimeout(() => {
    if (statusEl.textContent === said) setStatus(statusEl, '', '');
  }, 4000);
  return ok;
}
