// @ts-nocheck: not yet annotated for `tsc --checkJs` (see client-web/jsconfig.json); the player modules and conn.js are.
// The survey: the session's questions (1–7 scales and short texts) and the perspective-taking
// question (order the issues by how much they mattered to the counterpart).

import { h, clear, uid } from './dom.js';
import { PriorityList } from './priorities.js';

export class SurveyPanel {
  /**
   * @param {object} opts  send(msg) → boolean, setLastAction(area), counterpartLabel() → string
   */
  constructor(opts) {
    this.opts = opts;
    this.builtFor = null;
    this.ratings = {};
    /** @type {Record<string, HTMLTextAreaElement>} */
    this.texts = {};
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
    this.texts = {};
    const issues = survey.issues || [];

    this.error = h('p', { class: 'error', testid: 'error', 'data-error-for': 'survey', role: 'alert', hidden: true });
    this.form = h('form', { class: 'survey-form', novalidate: true });
    this.form.appendChild(h('h1', null, 'A few questions'));
    this.form.appendChild(
      h(
        'p',
        { class: 'muted', testid: 'survey-privacy' },
        'Who sees your answers: your facilitator sees each of them. The people you negotiated with never see your answers; they see a trust score only as the average of at least three people\'s ratings (over several rounds of a tournament, or in a group of four), never one rating on its own. Answer what you like, or skip.',
      ),
    );
    for (const q of survey.questions || []) {
      this.form.appendChild(q.kind === 'text' ? this.textQuestion(q) : this.question(q));
    }
    if (issues.length > 1) this.form.appendChild(this.priorities(issues));

    const submit = h('button', { type: 'submit', class: 'primary', testid: 'survey-submit', 'data-action': 'true' }, 'Submit answers');
    const skip = h('button', { type: 'button', class: 'secondary', testid: 'survey-skip', 'data-action': 'true' }, 'Skip the survey');
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

  /** A short-text question (the facilitator's own): at most 500 characters, optional. */
  textQuestion(q) {
    const id = uid(`q-${q.id}`);
    const count = h('span', { class: 'muted small', 'aria-live': 'polite' }, '0 / 500');
    const area = h('textarea', { id, rows: '3', maxlength: '500', testid: `survey-text-${q.id}` });
    area.addEventListener('input', () => {
      count.textContent = `${area.value.length} / 500`;
    });
    this.texts[q.id] = area;
    return h(
      'div',
      { class: 'question text-question', testid: `survey-q-${q.id}` },
      h('label', { for: id, class: 'legend' }, q.text),
      area,
      count,
    );
  }

  priorities(issues) {
    this.includeOrder = h('input', { type: 'checkbox', id: uid('include-order'), testid: 'survey-priorities-include' });
    this.orderList = new PriorityList(issues, {
      testid: 'survey-priorities',
      prefix: 'priority',
      onChange: () => {
        this.includeOrder.checked = true;
      },
    });
    const who = this.opts.counterpartLabel();
    return h(
      'fieldset',
      { class: 'question priorities' },
      h('legend', null, `What mattered most to ${who}?`),
      h('p', { class: 'muted small' }, 'Put the issues in order, the one you think mattered most to them first. Use the arrow buttons.'),
      this.orderList.el,
      h(
        'p',
        { class: 'check-line' },
        this.includeOrder,
        h('label', { for: this.includeOrder.id }, ' Include my guess with my answers'),
      ),
    );
  }

  submit() {
    this.showError('');
    const msg = { type: 'survey', ratings: { ...this.ratings } };
    const texts = {};
    for (const [id, area] of Object.entries(this.texts)) {
      if (area.value.trim()) texts[id] = area.value.trim();
    }
    if (Object.keys(texts).length) msg.texts = texts;
    if (this.includeOrder && this.includeOrder.checked) msg.counterpart_priorities = this.orderList.ids();
    this.opts.setLastAction('survey');
    if (!this.opts.send(msg)) this.showError('You are offline. Try again when you are back online.');
  }

  showError(text) {
    if (!this.error) return;
    this.error.textContent = text;
    this.error.hidden = !text;
  }
}
