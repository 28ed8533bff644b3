// Bargaining: a structured, checked statement about my own interests ("Salary matters a lot to
// me", "On Start date I prefer X over Y"). The others see it as my chat line; the server checks
// it against my hidden points and reveals the verdict in the results.

import { h, clear, uid } from './dom.js';
import { t } from './i18n.js';

/** @typedef {import('./types.js').PublicIssue} PublicIssue */
/** @typedef {import('./types.js').WireStatement} WireStatement */

export class DisclosePanel {
  /**
   * @param {{send: (msg: import('./types.js').ClientMsg) => boolean, setLastAction: (area: string) => void}} opts
   *   `send` is false when offline
   */
  constructor(opts) {
    this.opts = opts;
    /** @type {PublicIssue[]} */
    this.issues = [];
    const kindName = uid('disclose-kind');
    this.kindImportance = h('input', { type: 'radio', name: kindName, value: 'importance', id: uid('dk'), testid: 'disclose-kind-importance', checked: true });
    this.kindPrefers = h('input', { type: 'radio', name: kindName, value: 'prefers', id: uid('dk'), testid: 'disclose-kind-prefers' });
    this.issue = h('select', { id: uid('disclose-issue'), testid: 'disclose-issue' });
    this.level = h(
      'select',
      { id: uid('disclose-level'), testid: 'disclose-level' },
      h('option', { value: 'high' }, t('player.disclose.matters_a_lot')),
      h('option', { value: 'low' }, t('player.disclose.matters_little')),
    );
    this.better = h('select', { id: uid('disclose-better'), testid: 'disclose-better' });
    this.worse = h('select', { id: uid('disclose-worse'), testid: 'disclose-worse' });
    this.preview = h('p', { class: 'disclose-preview', testid: 'disclose-preview', 'aria-live': 'polite' });
    this.send = h('button', { type: 'submit', class: 'secondary', testid: 'disclose-send', 'data-action': 'true' }, t('player.disclose.say_it'));
    this.error = h('p', { class: 'error', testid: 'error', 'data-error-for': 'disclose', role: 'alert', hidden: true });

    this.importanceFields = h(
      'div',
      { class: 'disclose-fields' },
      h('label', { for: this.level.id }, t('player.disclose.how_much')),
      this.level,
    );
    this.prefersFields = h(
      'div',
      { class: 'disclose-fields', hidden: true },
      h('label', { for: this.better.id }, t('player.disclose.i_prefer')),
      this.better,
      h('label', { for: this.worse.id }, t('player.disclose.over')),
      this.worse,
    );
    this.form = h(
      'form',
      { class: 'disclose-form', novalidate: true },
      h(
        'fieldset',
        { class: 'disclose-kind' },
        h('legend', { class: 'sr-only' }, t('player.disclose.kind')),
        h('span', { class: 'radio-line' }, this.kindImportance, h('label', { for: this.kindImportance.id }, t('player.disclose.kind_importance'))),
        h('span', { class: 'radio-line' }, this.kindPrefers, h('label', { for: this.kindPrefers.id }, t('player.disclose.kind_prefers'))),
      ),
      h('label', { for: this.issue.id }, t('common.col.issue')),
      this.issue,
      this.importanceFields,
      this.prefersFields,
      this.preview,
      h('div', { class: 'button-row' }, this.send),
      this.error,
    );
    this.el = h(
      'details',
      { class: 'disclose', testid: 'disclose' },
      h('summary', null, t('player.disclose.summary')),
      h(
        'p',
        { class: 'muted small' },
        t('player.disclose.lead'),
      ),
      this.form,
    );

    for (const el of [this.kindImportance, this.kindPrefers]) el.addEventListener('change', () => this.sync());
    this.issue.addEventListener('change', () => this.fillOptions());
    for (const el of [this.level, this.better, this.worse]) el.addEventListener('change', () => this.updatePreview());
    this.form.addEventListener('submit', (ev) => {
      ev.preventDefault();
      this.submit();
    });
  }

  /** @param {PublicIssue[]} issues */
  setIssues(issues) {
    if (this.issues === issues) return;
    this.issues = issues;
    clear(this.issue);
    for (const i of issues) this.issue.appendChild(h('option', { value: i.id }, i.name));
    this.fillOptions();
  }

  currentIssue() {
    return this.issues.find((i) => i.id === this.issue.value) || this.issues[0];
  }

  fillOptions() {
    const issue = this.currentIssue();
    clear(this.better);
    clear(this.worse);
    if (issue) {
      issue.options.forEach((label, i) => {
        this.better.appendChild(h('option', { value: String(i) }, label));
        this.worse.appendChild(h('option', { value: String(i) }, label));
      });
      if (issue.options.length > 1) this.worse.value = '1';
    }
    this.sync();
  }

  sync() {
    const prefers = this.kindPrefers.checked;
    this.importanceFields.hidden = prefers;
    this.prefersFields.hidden = !prefers;
    this.updatePreview();
  }

  /** @returns {WireStatement | null} */
  statement() {
    const issue = this.currentIssue();
    if (!issue) return null;
    if (this.kindPrefers.checked) {
      return { kind: 'prefers', issue: issue.id, better: Number(this.better.value), worse: Number(this.worse.value) };
    }
    return { kind: 'importance', issue: issue.id, level: /** @type {import('./types.js').Level} */ (this.level.value) };
  }

  updatePreview() {
    const st = this.statement();
    const issue = this.currentIssue();
    if (!st || !issue) {
      this.preview.textContent = '';
      return;
    }
    // The wording the server uses for the chat line (in English: see docs/protocol.md).
    this.preview.textContent =
      st.kind === 'importance'
        ? t(st.level === 'high' ? 'player.disclose.preview_high' : 'player.disclose.preview_low', { issue: issue.name })
        : t('player.disclose.preview_prefers', { issue: issue.name, better: issue.options[st.better], worse: issue.options[st.worse] });
  }

  /** @param {boolean} enabled */
  setEnabled(enabled) {
    this.send.disabled = !enabled;
  }

  submit() {
    this.showError('');
    const st = this.statement();
    if (!st) return;
    if (st.kind === 'prefers' && st.better === st.worse) {
      this.showError(t('player.disclose.two_different'));
      return;
    }
    this.opts.setLastAction('disclose');
    if (!this.opts.send({ type: 'disclose', statement: st })) {
      this.showError(t('player.disclose.offline'));
    }
  }

  /** @param {string} text */
  showError(text) {
    this.error.textContent = text;
    this.error.hidden = !text;
  }
}
