// Tentative terms: agreeing single issues in principle while the rest stays open. One row per
// issue that has a proposal or an agreement (answer, withdraw or reopen it there), and a small
// form to propose one option for one open issue. The deal is still a full offer (bargain.js),
// whose builder starts from what was agreed here.

import { h, clear, uid } from './dom.js';
import { pts } from './format.js';

/** @typedef {import('./types.js').StateView} StateView */
/** @typedef {import('./types.js').ClientMsg} ClientMsg */
/** @typedef {import('./types.js').PublicIssue} PublicIssue */
/** @typedef {import('./types.js').TermsView} TermsView */

/**
 * The options agreed in principle now, by issue id.
 * @param {StateView | null} state
 * @returns {Record<string, number>}
 */
export function agreedPackage(state) {
  /** @type {Record<string, number>} */
  const out = {};
  for (const t of (state && state.terms) || []) {
    if (t.agreed) out[t.issue] = t.agreed.option;
  }
  return out;
}

/**
 * The names of the issues on which a package departs from what was agreed in principle.
 * @param {StateView} state
 * @param {Record<string, number | null | undefined>} pkg
 * @returns {string[]}
 */
export function departures(state, pkg) {
  const agreed = agreedPackage(state);
  return state.scenario.issues
    .filter((i) => typeof agreed[i.id] === 'number' && typeof pkg[i.id] === 'number' && pkg[i.id] !== agreed[i.id])
    .map((i) => i.name);
}

/**
 * "a", "a and b", "a, b and c".
 * @param {string[]} items
 */
export function listWords(items) {
  if (items.length < 2) return items.join('');
  return `${items.slice(0, -1).join(', ')} and ${items[items.length - 1]}`;
}

export class TermsPanel {
  /**
   * @param {{
   *   send: (msg: ClientMsg) => boolean,
   *   setLastAction: (area: string) => void,
   *   playerName: (seat: number) => string,
   * }} opts
   */
  constructor(opts) {
    this.opts = opts;
    /** @type {StateView | null} */
    this.state = null;
    this.lastKey = '';

    this.intro = h('p', { class: 'muted small' });
    this.list = h('ul', { class: 'terms-list', testid: 'terms-list' });
    this.empty = h('p', { class: 'muted small', testid: 'terms-empty' }, 'No issue is agreed or proposed yet.');
    const issueId = uid('terms-issue');
    const optionId = uid('terms-option');
    this.issueSelect = h('select', { id: issueId, testid: 'terms-issue', name: 'issue' });
    this.optionSelect = h('select', { id: optionId, testid: 'terms-option', name: 'option' });
    this.proposeButton = h(
      'button',
      { type: 'submit', class: 'secondary', testid: 'terms-propose', 'data-action': 'true' },
      'Propose',
    );
    this.form = h(
      'form',
      { class: 'terms-form', testid: 'terms-form', novalidate: true, 'aria-label': 'Propose terms for one issue' },
      h('div', { class: 'field' }, h('label', { for: issueId }, 'Issue'), this.issueSelect),
      h('div', { class: 'field' }, h('label', { for: optionId }, 'Option'), this.optionSelect),
      h('div', { class: 'terms-form-send' }, this.proposeButton),
    );
    this.error = h('p', { class: 'error', testid: 'error', 'data-error-for': 'terms', role: 'alert', hidden: true });
    this.issueSelect.addEventListener('change', () => this.fillOptions());
    this.form.addEventListener('submit', (ev) => {
      ev.preventDefault();
      this.propose();
    });

    this.el = h(
      'section',
      { class: 'panel terms-panel', testid: 'terms-panel', 'aria-label': 'Agree issue by issue' },
      h('h2', { class: 'panel-title' }, 'Agree issue by issue'),
      this.intro,
      this.list,
      this.empty,
      this.form,
      this.error,
    );
  }

  /** @param {string} text */
  showError(text) {
    this.error.textContent = text;
    this.error.hidden = !text;
  }

  /**
   * @param {string} area
   * @param {ClientMsg} msg
   */
  act(area, msg) {
    this.opts.setLastAction(area);
    if (!this.opts.send(msg)) this.showError('You are offline. Nothing was sent: try again when you are back online.');
  }

  active() {
    const s = this.state;
    return !!s && s.phase === 'bargaining' && !s.paused;
  }

  /** @param {string} issueId */
  issue(issueId) {
    return /** @type {StateView} */ (this.state).scenario.issues.find((i) => i.id === issueId);
  }

  /**
   * An option in words with its worth to me.
   * @param {PublicIssue} issue
   * @param {number} option
   */
  optionLabel(issue, option) {
    const row = /** @type {StateView} */ (this.state).you.points[issue.id] || [];
    const label = issue.options[option] !== undefined ? issue.options[option] : '–';
    return typeof row[option] === 'number' ? `${label} (${pts(row[option])} to you)` : label;
  }

  /**
   * My points for an option, beside its label in a row (quieter than the label).
   * @param {PublicIssue} issue
   * @param {number} option
   */
  pointsNote(issue, option) {
    const row = /** @type {StateView} */ (this.state).you.points[issue.id] || [];
    return typeof row[option] === 'number' ? h('span', { class: 'terms-points' }, ` (${pts(row[option])} to you)`) : null;
  }

  /**
   * @param {StateView} state
   * @param {{refresh?: boolean}} [options] refresh: draw again even if nothing changed
   */
  update(state, { refresh = false } = {}) {
    this.state = state;
    const names = state.players.map((p) => p.name);
    const key = JSON.stringify([state.terms, state.phase, state.paused, names]);
    if (key === this.lastKey && !refresh) return;
    this.lastKey = key;
    clear(this.intro);
    this.intro.append(
      state.players.length > 2
        ? `Settle one issue in principle while the rest stays open: it is agreed once the deal rule is met. ${state.scenario.deal_rule} The deal is still a full offer.`
        : 'Settle one issue in principle while the rest stays open. The deal is still a full offer you both accept.',
    );
    clear(this.list);
    const rows = (state.terms || []).filter((t) => t.proposal || t.agreed);
    for (const t of rows) {
      const row = this.row(t);
      if (row) this.list.appendChild(row);
    }
    this.empty.hidden = rows.length > 0;
    this.fillIssues();
  }

  /**
   * One issue's row: agreed, or a proposal (mine or another's) with what I can do about it.
   * @param {TermsView} t
   */
  row(t) {
    const s = /** @type {StateView} */ (this.state);
    const issue = this.issue(t.issue);
    if (!issue) return null;
    const me = s.you.seat;
    const active = this.active();
    const buttons = h('div', { class: 'terms-buttons' });
    /** @type {(string | Node)[]} */
    const status = [];
    let kind = '';
    let option = 0;
    if (t.agreed) {
      kind = 'agreed';
      option = t.agreed.option;
      const by = t.agreed.proposed_by === me ? 'you' : this.opts.playerName(t.agreed.proposed_by);
      status.push(h('span', { class: 'tag terms-agreed-tag' }, 'Agreed'), ` in principle, proposed by ${by}`);
      const reopen = h(
        'button',
        { type: 'button', class: 'link-button small', testid: `terms-reopen-${t.issue}`, disabled: !active, 'data-action': 'true' },
        'Reopen',
      );
      reopen.setAttribute('aria-label', `Reopen ${issue.name}`);
      reopen.addEventListener('click', () => this.act('terms', { type: 'reopen_terms', issue: t.issue }));
      buttons.append(reopen);
    } else if (t.proposal) {
      const p = t.proposal;
      option = p.option;
      const waiting = s.players.filter((x) => !p.accepted_by.includes(x.seat) && !p.rejected_by.includes(x.seat));
      const waitingNames = waiting.map((x) => (x.seat === me ? 'you' : x.name));
      if (p.seat === me) {
        kind = 'mine';
        status.push(`You proposed this. Waiting for ${listWords(waitingNames) || 'an answer'}.`);
        const withdraw = h(
          'button',
          { type: 'button', class: 'secondary small', testid: `terms-withdraw-${t.issue}`, disabled: !active, 'data-action': 'true' },
          'Withdraw',
        );
        withdraw.setAttribute('aria-label', `Withdraw your proposal on ${issue.name}`);
        withdraw.addEventListener('click', () => this.act('terms', { type: 'withdraw_terms', issue: t.issue }));
        buttons.append(withdraw);
      } else {
        kind = 'theirs';
        const said = p.accepted_by.includes(me);
        status.push(`${this.opts.playerName(p.seat)} proposes this.`);
        if (s.players.length > 2) {
          const yes = p.accepted_by.map((x) => (x === me ? 'you' : this.opts.playerName(x)));
          status.push(` Yes so far: ${listWords(yes)}.`);
        }
        const agree = h(
          'button',
          { type: 'button', class: 'primary small', testid: `terms-agree-${t.issue}`, disabled: !active || said, 'data-action': 'true' },
          said ? 'You agreed' : 'Agree',
        );
        agree.setAttribute('aria-label', `Agree ${issue.name}: ${issue.options[p.option]}`);
        agree.addEventListener('click', () => this.act('terms', { type: 'agree_terms', issue: t.issue, option: p.option }));
        const reject = h(
          'button',
          {
            type: 'button',
            class: 'secondary small',
            testid: `terms-reject-${t.issue}`,
            disabled: !active || p.rejected_by.includes(me),
            'data-action': 'true',
          },
          'Reject',
        );
        reject.setAttribute('aria-label', `Reject ${issue.name}: ${issue.options[p.option]}`);
        reject.addEventListener('click', () => this.act('terms', { type: 'reject_terms', issue: t.issue, option: p.option }));
        buttons.append(agree, reject);
      }
    }
    return h(
      'li',
      { class: ['terms-row', `terms-${kind}`], testid: `terms-${t.issue}`, 'data-state': kind, 'data-option': String(option) },
      h('span', { class: 'terms-issue' }, issue.name),
      h('span', { class: 'terms-option' }, issue.options[option] !== undefined ? issue.options[option] : '–', this.pointsNote(issue, option)),
      h('span', { class: 'terms-status small' }, ...status),
      buttons,
    );
  }

  /** The issues I can propose on: not agreed, and no other player's proposal waiting. */
  openIssues() {
    const s = /** @type {StateView} */ (this.state);
    const me = s.you.seat;
    return s.scenario.issues.filter((i) => {
      const t = (s.terms || []).find((x) => x.issue === i.id);
      return !t || (!t.agreed && (!t.proposal || t.proposal.seat === me));
    });
  }

  fillIssues() {
    const keep = this.issueSelect.value;
    const open = this.openIssues();
    clear(this.issueSelect);
    for (const i of open) this.issueSelect.appendChild(h('option', { value: i.id }, i.name));
    if (open.some((i) => i.id === keep)) this.issueSelect.value = keep;
    this.form.hidden = open.length === 0;
    this.fillOptions();
  }

  fillOptions() {
    const keep = this.optionSelect.value;
    const keptFor = this.optionSelect.dataset.issue;
    clear(this.optionSelect);
    const issue = this.issue(this.issueSelect.value);
    const active = this.active();
    this.issueSelect.disabled = !active;
    this.optionSelect.disabled = !active || !issue;
    this.proposeButton.disabled = !active || !issue;
    if (!issue) return;
    issue.options.forEach((_, k) => this.optionSelect.appendChild(h('option', { value: String(k) }, this.optionLabel(issue, k))));
    this.optionSelect.dataset.issue = issue.id;
    if (keptFor === issue.id && keep !== '') this.optionSelect.value = keep;
  }

  propose() {
    this.showError('');
    const issue = this.issueSelect.value;
    const option = Number(this.optionSelect.value);
    if (!issue || !Number.isInteger(option)) {
      this.showError('Choose an issue and an option first.');
      return;
    }
    this.act('terms', { type: 'propose_terms', issue, option });
  }
}
