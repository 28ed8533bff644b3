// The survey: 1–7 rating questions and the perspective-taking question (order the issues by
// how much they mattered to the counterpart).

import { h, clear, uid } from './dom.js';

export class SurveyPanel {
  /**
   * @param {object} opts  send(msg) → boolean, setLastAction(area), counterpartLabel() → string
   */
  constructor(opts) {
    this.opts = opts;
    this.builtFor = null;
    this.ratings = {};
    this.order = [];
    this.orderTouched = false;
    this.el = h('section', { class: 'survey', testid: 'survey', 'aria-label': 'Survey' });
  }

  update(state) {
    const survey = state.survey;
    if (!survey) return;
    const key = `${state.match_id}`;
    if (this.builtFor !== key) {
      this.builtFor = key;
      this.build(state);
    }
    const answered = !!survey.answered;
    this.form.hidden = answered;
    this.done.hidden = !answered;
    if (answered) {
      clear(this.doneList);
      for (const p of state.players) {
        this.doneList.appendChild(
          h(
            'li',
            { class: p.survey_done ? 'done' : 'pending' },
            p.seat === state.you.seat ? `${p.name} (you)` : p.name,
            ': ',
            p.survey_done ? 'finished' : 'still answering',
          ),
        );
      }
    }
  }

  build(state) {
    const survey = state.survey;
    clear(this.el);
    this.ratings = {};
    this.order = (survey.issues || []).map((i) => ({ id: i.id, name: i.name }));
    this.orderTouched = false;

    this.error = h('p', { class: 'error', testid: 'error', 'data-error-for': 'survey', role: 'alert', hidden: true });
    this.form = h('form', { class: 'survey-form', novalidate: true });
    this.form.appendChild(h('h1', null, 'A few questions'));
    this.form.appendChild(
      h('p', { class: 'muted' }, 'Your answers are private and help your facilitator. Answer what you like, or skip.'),
    );
    for (const q of survey.questions || []) this.form.appendChild(this.question(q));
    if (this.order.length > 1) this.form.appendChild(this.priorities());

    const submit = h('button', { type: 'submit', class: 'primary', testid: 'survey-submit' }, 'Submit answers');
    const skip = h('button', { type: 'button', class: 'secondary', testid: 'survey-skip' }, 'Skip the survey');
    skip.addEventListener('click', () => {
      this.opts.setLastAction('survey');
      if (!this.opts.send({ type: 'skip_survey' })) this.showError('You are offline. Try again when you are back online.');
    });
    this.form.addEventListener('submit', (ev) => {
      ev.preventDefault();
      this.submit();
    });
    this.form.appendChild(h('div', { class: 'button-row' }, submit, skip));
    this.form.appendChild(this.error);

    this.doneList = h('ul', { class: 'done-list', testid: 'survey-progress' });
    this.done = h(
      'div',
      { class: 'card calm', testid: 'survey-done', hidden: true },
      h('h1', null, 'Thank you!'),
      h('p', null, 'The results appear as soon as everyone has finished.'),
      this.doneList,
    );
    this.el.append(this.form, this.done);
  }

  question(q) {
    const name = uid(`q-${q.id}`);
    const legendId = uid('legend');
    const scale = h('div', { class: 'scale', role: 'presentation' });
    for (let n = 1; n <= 7; n += 1) {
      const input = h('input', {
        type: 'radio',
        name,
        value: String(n),
        testid: `survey-rating-${q.id}-${n}`,
        'aria-label': n === 1 ? `1, ${q.low}` : n === 7 ? `7, ${q.high}` : String(n),
      });
      input.addEventListener('change', () => {
        if (input.checked) this.ratings[q.id] = n;
      });
      scale.appendChild(h('label', { class: 'scale-opt' }, input, h('span', { class: 'scale-num', 'aria-hidden': 'true' }, String(n))));
    }
    return h(
      'fieldset',
      { class: 'question', testid: `survey-q-${q.id}`, 'aria-labelledby': legendId },
      h('legend', { id: legendId }, q.text),
      scale,
      h('div', { class: 'scale-ends', 'aria-hidden': 'true' }, h('span', null, `1 = ${q.low}`), h('span', null, `7 = ${q.high}`)),
    );
  }

  priorities() {
    this.orderList = h('ol', { class: 'priority-list', testid: 'survey-priorities' });
    this.includeOrder = h('input', { type: 'checkbox', id: uid('include-order'), testid: 'survey-priorities-include' });
    const who = this.opts.counterpartLabel();
    const box = h(
      'fieldset',
      { class: 'question priorities' },
      h('legend', null, `What mattered most to ${who}?`),
      h(
        'p',
        { class: 'muted small' },
        'Put the issues in order, the one you think mattered most to them first. Use the arrow buttons.',
      ),
      this.orderList,
      h(
        'p',
        { class: 'check-line' },
        this.includeOrder,
        h('label', { for: this.includeOrder.id }, ' Include my guess with my answers'),
      ),
    );
    this.renderOrder();
    return box;
  }

  renderOrder(focus) {
    clear(this.orderList);
    this.order.forEach((item, i) => {
      const up = h(
        'button',
        { type: 'button', class: 'icon-button', testid: `priority-up-${item.id}`, disabled: i === 0, 'aria-label': `Move ${item.name} up` },
        '↑',
      );
      const down = h(
        'button',
        {
          type: 'button',
          class: 'icon-button',
          testid: `priority-down-${item.id}`,
          disabled: i === this.order.length - 1,
          'aria-label': `Move ${item.name} down`,
        },
        '↓',
      );
      up.addEventListener('click', () => this.move(i, -1, `priority-up-${item.id}`));
      down.addEventListener('click', () => this.move(i, 1, `priority-down-${item.id}`));
      this.orderList.appendChild(
        h(
          'li',
          { class: 'priority-item', 'data-issue': item.id },
          h('span', { class: 'priority-rank', 'aria-hidden': 'true' }, String(i + 1)),
          h('span', { class: 'priority-name' }, item.name),
          h('span', { class: 'priority-buttons' }, up, down),
        ),
      );
    });
    if (focus) {
      let el = this.orderList.querySelector(`[data-testid="${focus}"]`);
      if (el && el.disabled) {
        const other = focus.includes('-up-') ? focus.replace('-up-', '-down-') : focus.replace('-down-', '-up-');
        el = this.orderList.querySelector(`[data-testid="${other}"]`);
      }
      if (el) el.focus();
    }
  }

  move(i, delta, focus) {
    const j = i + delta;
    if (j < 0 || j >= this.order.length) return;
    const [item] = this.order.splice(i, 1);
    this.order.splice(j, 0, item);
    this.orderTouched = true;
    if (this.includeOrder) this.includeOrder.checked = true;
    this.renderOrder(focus);
  }

  submit() {
    this.showError('');
    const msg = { type: 'survey', ratings: { ...this.ratings } };
    if (this.includeOrder && this.includeOrder.checked) msg.counterpart_priorities = this.order.map((i) => i.id);
    this.opts.setLastAction('survey');
    if (!this.opts.send(msg)) this.showError('You are offline. Try again when you are back online.');
  }

  showError(text) {
    if (!this.error) return;
    this.error.textContent = text;
    this.error.hidden = !text;
  }
}
