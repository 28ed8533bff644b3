// Small pieces of the console's interface: status lines, the confirm dialog, the announcer.

import { $ } from '../dom.js';
import { apiErrorSentence } from './api.js';

/** Sets a status line next to a control: kind 'ok' | 'error' | 'busy' | ''. */
export function setStatus(el, text, kind = 'ok') {
  if (!el) return;
  el.textContent = text || '';
  el.dataset.kind = text ? kind : '';
  el.setAttribute('role', kind === 'error' ? 'alert' : 'status');
}

/**
 * Downloads an export file (api.download) for the button that asked for it: the button is
 * disabled meanwhile, and the status line says how it went.
 */
export async function downloadExport(api, file, button, statusEl) {
  button.disabled = true;
  setStatus(statusEl, `Preparing ${file}…`, 'busy');
  try {
    const size = await api.download(file);
    setStatus(statusEl, `${file} downloaded (${size.toLocaleString('en')} bytes).`, 'ok');
  } catch (e) {
    setStatus(statusEl, `${file}: ${apiErrorSentence(e)}`, 'error');
  } finally {
    button.disabled = false;
  }
}

/** Asks a yes/no question in a modal dialog; resolves true for yes. */
export function confirmDialog(text, okLabel = 'Yes') {
  const dialog = $('#confirm-dialog');
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

export function plural(n, one, many = `${one}s`) {
  return `${n} ${n === 1 ? one : many}`;
}

/** "Ana", "Ana and Ben", "Ana, Ben and Cy". */
export function nameList(names) {
  const n = names.map(String);
  if (n.length <= 1) return n.join('');
  return `${n.slice(0, -1).join(', ')} and ${n[n.length - 1]}`;
}

export function outcomeText(outcome) {
  if (!outcome) return '';
  const kind = typeof outcome === 'string' ? outcome : outcome.kind;
  const reason = typeof outcome === 'string' ? '' : outcome.reason;
  if (kind === 'deal') return 'Deal';
  if (kind === 'impasse') {
    switch (reason) {
      case 'walked_away':
        return 'No deal: walked away';
      case 'deadline':
        return 'No deal: time ran out';
      case 'ended_by_facilitator':
        return 'No deal: ended by you';
      default:
        return 'No deal';
    }
  }
  if (kind === 'abandoned') return 'Abandoned';
  if (kind === 'running') return 'Running';
  return String(kind || '');
}

/**
 * Copies text to the clipboard and says so in statusEl. Without the clipboard API (plain http
 * on a LAN) it selects the text of selectEl (an input or any element) for Ctrl+C instead.
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
    if (typeof selectEl.select === 'function') {
      selectEl.focus();
      selectEl.select();
    } else {
      const range = document.createRange();
      range.selectNodeContents(selectEl);
      const sel = window.getSelection();
      sel.removeAllRanges();
      sel.addRange(range);
    }
  }
  const said = ok ? 'Copied.' : 'Selected: press Ctrl+C (⌘C) to copy.';
  setStatus(statusEl, said, 'ok');
  setTimeout(() => {
    if (statusEl.textContent === said) setStatus(statusEl, '', '');
  }, 4000);
  return ok;
}
