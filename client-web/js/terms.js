// Tentative terms: agreeing single issues in principle while the rest stays open. One row per
// issue that has a proposal or an agreement (answer, withdraw or reopen it there), and a small
// form to propose one option for one open issue. The deal is still a full offer (bargain.js),
// whose builder starts from what was agreed here.

import { h, clear, uid } from './dom.js';
import { pts, dealRule } from './format.js';
import { t, list } from './i18n.js';

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
  for (const term of (state && state.terms) || []) {
    if (term.agreed) out[term.issue] = term.agreed.option;
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
 * "a", "a and b", "a, b and c" (in the page's language).
 * @param {string[]} items
 */
export function listWords(items) {
  return items.length ? list(items) : '';
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
    this.empty = h('p', { class: 'muted small', testid: 'terms-empty' }, t('player.terms.empty'));
    const issueId = uid('terms-issue');
    const optionId = uid('terms-option');
    this.issueSelect = h('select', { id: issueId, testid: 'terms-issue', name: 'issue' });
    this.optionSelect = h('select', { id: optionId, testid: 'terms-option', name: 'option' });
    this.proposeButton = h(
      'button',
      { type: 'submit', class: 'secondary', testid: 'terms-propose', 'data-action': 'true' },
      t('player.terms.propose'),
    );
    this.form = h(
      'form',
      { class: 'terms-form', testid: 'terms-form', novalidate: true, 'aria-label': t('player.terms.form_label') },
      h('div', { class: 'field' }, h('label', { for: issueId }, t('common.col.issue')), this.issueSelect),
      h('div', { class: 'field' }, h('label', { for: optionId }, t('common.col.option')), this.optionSelect),
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
      { class: 'panel terms-panel', testid: 'terms-panel', 'aria-label': t('player.terms.title') },
      h('h2', { class: 'panel-title' }, t('player.terms.title')),
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
    if (!this.opts.send(msg)) this.showError(t('player.disclose.offline'));
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
    return typeof row[option] === 'number' ? `${label} (${t('player.bargain.points_to_you', { points: pts(row[option]) })})` : label;
  }

  /**
   * My points for an option, beside its label in a row (quieter than the label).
   * @param {PublicIssue} issue
   * @param {number} option
   */
  pointsNote(issue, option) {
    const row = /** @type {StateView} */ (this.state).you.points[issue.id] || [];
    return typeof row[option] === 'number' ? h('span', { class: 'terms-points' }, ` (${t('player.bargain.points_to_you', { points: pts(row[option]) })})`) : null;
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
        ? t('player.terms.intro_many', { rule: dealRule(state.scenario, state.players) })
        : t('player.terms.intro_two'),
    );
    clear(this.list);
    const rows = (state.terms || []).filter((term) => term.proposal || term.agreed);
    for (const term of rows) {
      const row = this.row(term);
      if (row) this.list.appendChild(row);
    }
    this.empty.hidden = rows.length > 0;
    this.fillIssues();
  }

  /**
   * One issue's row: agreed, or a proposal (mine or another's) with what I can do about it.
   * @param {TermsView} term
   */
  row(term) {
    const s = /** @type {StateView} */ (this.state);
    const issue = this.issue(term.issue);
    if (!issue) return null;
    const me = s.you.seat;
    const active = this.active();
    const buttons = h('div', { class: 'terms-buttons' });
    /** @type {(string | Node)[]} */
    const status = [];
    let kind = '';
    let option = 0;
    if (term.agreed) {
      kind = 'agreed';
      option = term.agreed.option;
      const by = term.agreed.proposed_by === me ? t('player.bargain.you_lower') : this.opts.playerName(term.agreed.proposed_by);
      status.push(h('span', { class: 'tag terms-agreed-tag' }, t('player.terms.agreed_tag')), t('player.terms.agreed_by', { name: by }));
      const reopen = h(
        'button',
        { type: 'button', class: 'link-button small', testid: `terms-reopen-${term.issue}`, disabled: !active, 'data-action': 'true' },
        t('player.terms.reopen'),
      );
      reopen.setAttribute('aria-label', t('player.terms.reopen_label', { issue: issue.name }));
      reopen.addEventListener('click', () => this.act('terms', { type: 'reopen_terms', issue: term.issue }));
      buttons.append(reopen);
    } else if (term.proposal) {
      const p = term.proposal;
      option = p.option;
      const waiting = s.players.filter((x) => !p.accepted_by.includes(x.seat) && !p.rejected_by.includes(x.seat));
      const waitingNames = waiting.map((x) => (x.seat === me ? t('player.bargain.you_lower') : x.name));
      if (p.seat === me) {
        kind = 'mine';
        status.push(t('player.terms.you_proposed', { names: listWords(waitingNames) || t('player.terms.an_answer') }));
        const withdraw = h(
          'button',
          { type: 'button', class: 'secondary small', testid: `terms-withdraw-${term.issue}`, disabled: !active, 'data-action': 'true' },
          t('player.bargain.withdraw'),
        );
        withdraw.setAttribute('aria-label', t('player.terms.withdraw_label', { issue: issue.name }));
        withdraw.addEventListener('click', () => this.act('terms', { type: 'withdraw_terms', issue: term.issue }));
        buttons.append(withdraw);
      } else {
        kind = 'theirs';
        const said = p.accepted_by.includes(me);
        status.push(t('player.terms.proposes', { name: this.opts.playerName(p.seat) }));
        if (s.players.length > 2) {
          const yes = p.accepted_by.map((x) => (x === me ? t('player.bargain.you_lower') : this.opts.playerName(x)));
          status.push(t('player.terms.yes_so_far', { names: listWords(yes) }));
        }
        const agree = h(
          'button',
          { type: 'button', class: 'primary small', testid: `terms-agree-${term.issue}`, disabled: !active || said, 'data-action': 'true' },
          said ? t('player.terms.you_agreed') : t('player.terms.agree'),
        );
        agree.setAttribute('aria-label', t('player.terms.agree_label', { issue: issue.name, option: issue.options[p.option] }));
        agree.addEventListener('click', () => this.act('terms', { type: 'agree_terms', issue: term.issue, option: p.option }));
        const reject = h(
          'button',
          {
            type: 'button',
            class: 'secondary small',
            testid: `terms-reject-${term.issue}`,
            disabled: !active || p.rejected_by.includes(me),
            'data-action': 'true',
          },
          t('player.bargain.reject'),
        );
        reject.setAttribute('aria-label', t('player.terms.reject_label', { issue: issue.name, option: issue.options[p.option] }));
        reject.addEventListener('click', () => this.act('terms', { type: 'reject_terms', issue: term.issue, option: p.option }));
        buttons.append(agree, reject);
      }
    }
    return h(
      'li',
      { class: ['terms-row', `terms-${kind}`], testid: `terms-${term.issue}`, 'data-state': kind, 'data-option': String(option) },
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
      const term = (s.terms || []).find((x) => x.issue === i.id);
      return !term || (!term.agreed && (!term.proposal || term.proposal.seat === me));
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
      this.showError(t('player.terms.choose_first'));
      return;
    }
    this.act('terms', { type: 'propose_terms', issue, option });
  }
}
