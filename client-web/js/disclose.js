// @ts-nocheck: not yet annotated for `tsc --checkJs` (see client-web/jsconfig.json); the player modules and conn.js are.
// Bargaining: a structured, checked statement about my own interests ("Salary matters a lot to
// me", "On Start date I prefer X over Y"). The others see it as my chat line; the server checks
// it against my hidden points and reveals the verdict in the results.

import { h, clear, uid } from './dom.js';

export class DisclosePanel {
  /** @param {object} opts  send(msg) → boolean, setLastAction(area) */
  constructor(opts) {
    this.opts = opts;
    this.issues = [];
    const kindName = uid('disclose-kind');
    this.kindImportance = h('input', { type: 'radio', name: kindName, value: 'importance', id: uid('dk'), testid: 'disclose-kind-importance', checked: true });
    this.kindPrefers = h('input', { type: 'radio', name: kindName, value: 'prefers', id: uid('dk'), testid: 'disclose-kind-prefers' });
    this.issue = h('select', { id: uid('disclose-issue'), testid: 'disclose-issue' });
    this.level = h(
      'select',
      { id: uid('disclose-level'), testid: 'disclose-level' },
      h('option', { value: 'high' }, 'matters a lot to me'),
      h('option', { value: 'low' }, 'matters little to me'),
    );
    this.better = h('select', { id: uid('disclose-better'), testid: 'disclose-better' });
    this.worse = h('select', { id: uid('disclose-worse'), testid: 'disclose-worse' });
    this.preview = h('p', { class: 'disclose-preview', testid: 'disclose-preview', 'aria-live': 'polite' });
    this.send = h('button', { type: 'submit', class: 'secondary', testid: 'disclose-send', 'data-action': 'true' }, 'Say it');
    this.error = h('p', { class: 'error', testid: 'error', 'data-error-for': 'disclose', role: 'alert', hidden: true });

    this.importanceFields = h(
      'div',
      { class: 'disclose-fields' },
      h('label', { for: this.level.id }, 'How much'),
      this.level,
    );
    this.prefersFields = h(
      'div',
      { class: 'disclose-fields', hidden: true },
      h('label', { for: this.better.id }, 'I prefer'),
      this.better,
      h('label', { for: this.worse.id }, 'over'),
      this.worse,
    );
    this.form = h(
      'form',
      { class: 'disclose-form', novalidate: true },
      h(
        'fieldset',
        { class: 'disclose-kind' },
        h('legend', { class: 'sr-only' }, 'Kind of statement'),
        h('span', { class: 'radio-line' }, this.kindImportance, h('label', { for: this.kindImportance.id }, 'How much an issue matters')),
        h('span', { class: 'radio-line' }, this.kindPrefers, h('label', { for: this.kindPrefers.id }, 'Which option I prefer')),
      ),
      h('label', { for: this.issue.id }, 'Issue'),
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
      h('summary', null, 'Share something about your interests'),
      h(
        'p',
        { class: 'muted small' },
        'It appears in the chat as your message. Parley checks it against your points and shows at the end whether it was true.',
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

  statement() {
    const issue = this.currentIssue();
    if (!issue) return null;
    if (this.kindPrefers.checked) {
      return { kind: 'prefers', issue: issue.id, better: Number(this.better.value), worse: Number(this.worse.value) };
    }
    return { kind: 'importance', issue: issue.id, level: this.level.value };
  }

  updatePreview() {
    const st = this.statement();
    const issue = this.currentIssue();
    if (!st || !issue) {
      this.preview.textContent = '';
      return;
    }
    // The same wording the server uses for the chat line.
    this.preview.textContent =
      st.kind === 'importance'
        ? `“${issue.name} matters ${st.level === 'high' ? 'a lot' : 'little'} to me.”`
        : `“On ${issue.name}, I prefer "${issue.options[st.better]}" over "${issue.options[st.worse]}".”`;
  }

  setEnabled(enabled) {
    this.send.disabled = !enabled;
  }

  submit() {
    this.showError('');
    const st = this.statement();
    if (!st) return;
    if (st.kind === 'prefers' && st.better === st.worse) {
      this.showError('Pick two different options.');
      return;
    }
    this.opts.setLastAction('disclose');
    if (!this.opts.send({ type: 'disclose', statement: st })) {
      this.showError('You are offline. Nothing was sent: try again when you are back online.');
    }
  }

  showError(text) {
    this.error.textContent = text;
    this.error.hidden = !text;
  }
}
