// The survey: the session's questions (1–7 scales and short texts) and the perspective-taking
// question (order the issues by how much they mattered to the counterpart).

import { h, clear, uid } from './dom.js';
import { PriorityList } from './priorities.js';
import { t, num } from './i18n.js';

/** @typedef {import('./types.js').StateView} StateView */
/** @typedef {import('./types.js').Question} Question */

/** The server's bank items (server/core/src/survey.rs), worded in the catalogs by id (`common.survey.<id>.*`). */
const BANK_IDS = [
  'trust', 'foundation', 'listened', 'fair', 'satisfied', 'honest', 'respected', 'outcome_fair', 'satisfied_process',
  'understood', 'again',
];

/**
 * The end labels the server gives a facilitator's scale left without its own
 * (server/core/src/survey.rs), worded like the bank's same words.
 * @type {Record<string, string>}
 */
const DEFAULT_LABELS = { 'Not at all': 'common.survey.foundation.low', 'Very much': 'common.survey.foundation.high' };

/** @param {string | undefined} label */
function endLabel(label) {
  const key = label ? DEFAULT_LABELS[label] : undefined;
  return key ? t(key) : label || '';
}

/**
 * A question's words in the page's language: a bank item's from the catalogs, a facilitator's own
 * as they wrote them. The console's survey picker shows the bank with these words too.
 * @param {Pick<Question, 'id' | 'text'> & {low?: string, high?: string}} q
 * @returns {{text: string, low: string, high: string}}
 */
export function wording(q) {
  if (!BANK_IDS.includes(String(q.id))) return { text: q.text, low: endLabel(q.low), high: endLabel(q.high) };
  const key = `common.survey.${q.id}`;
  return { text: t(`${key}.text`), low: t(`${key}.low`), high: t(`${key}.high`) };
}

export class SurveyPanel {
  /**
   * @param {{send: (msg: import('./types.js').ClientMsg) => boolean, setLastAction: (area: string) => void,
   *   counterpartLabel: () => string}} opts `send` is false when offline
   */
  constructor(opts) {
    this.opts = opts;
    /** @type {string | null} */
    this.builtFor = null;
    /** @type {Record<string, number>} */
    this.ratings = {};
    /** @type {Record<string, HTMLTextAreaElement>} */
    this.texts = {};
    this.el = h('section', { class: 'survey', testid: 'survey', 'aria-label': t('common.phase.survey') });
    this.error = h('p', { class: 'error', testid: 'error', 'data-error-for': 'survey', role: 'alert', hidden: true });
    this.form = h('form', { class: 'survey-form', novalidate: true });
    this.doneList = h('ul', { class: 'done-list', testid: 'survey-progress' });
    this.done = h('div', { class: 'card calm', testid: 'survey-done', hidden: true });
    /** @type {HTMLInputElement | null} */
    this.includeOrder = null;
    /** @type {PriorityList | null} */
    this.orderList = null;
  }

  /** @param {StateView} state */
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
            p.seat === state.you.seat ? t('player.match.name_you', { name: p.name }) : p.name,
            ': ',
            p.survey_done ? t('player.survey.finished') : t('player.survey.still_answering'),
          ),
        );
      }
    }
  }

  /** @param {StateView} state */
  build(state) {
    const survey = state.survey;
    if (!survey) return;
    clear(this.el);
    this.ratings = {};
    this.texts = {};
    const issues = survey.issues || [];

    this.error = h('p', { class: 'error', testid: 'error', 'data-error-for': 'survey', role: 'alert', hidden: true });
    this.form = h('form', { class: 'survey-form', novalidate: true });
    this.includeOrder = null;
    this.orderList = null;
    this.form.appendChild(h('h1', null, t('player.survey.title')));
    this.form.appendChild(
      h(
        'p',
        { class: 'muted', testid: 'survey-privacy' },
        t('player.survey.privacy'),
      ),
    );
    for (const q of survey.questions || []) {
      this.form.appendChild(q.kind === 'text' ? this.textQuestion(q) : this.question(q));
    }
    if (issues.length > 1) this.form.appendChild(this.priorities(issues));

    const submit = h('button', { type: 'submit', class: 'primary', testid: 'survey-submit', 'data-action': 'true' }, t('player.survey.submit'));
    const skip = h('button', { type: 'button', class: 'secondary', testid: 'survey-skip', 'data-action': 'true' }, t('player.survey.skip'));
    skip.addEventListener('click', () => {
      this.opts.setLastAction('survey');
      if (!this.opts.send({ type: 'skip_survey' })) this.showError(t('player.offline'));
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
      h('h1', null, t('player.survey.thanks')),
      h('p', null, t('player.survey.results_soon')),
      this.doneList,
    );
    this.el.append(this.form, this.done);
  }

  /** @param {Question} q */
  question(q) {
    const words = wording(q);
    const name = uid(`q-${q.id}`);
    const legendId = uid('legend');
    const scale = h('div', { class: 'scale', role: 'presentation' });
    for (let n = 1; n <= 7; n += 1) {
      const input = h('input', {
        type: 'radio',
        name,
        value: String(n),
        testid: `survey-rating-${q.id}-${n}`,
        'aria-label': n === 1 ? `${num(1)}, ${words.low}` : n === 7 ? `${num(7)}, ${words.high}` : num(n),
      });
      input.addEventListener('change', () => {
        if (input.checked) this.ratings[q.id] = n;
      });
      scale.appendChild(h('label', { class: 'scale-opt' }, input, h('span', { class: 'scale-num', 'aria-hidden': 'true' }, num(n))));
    }
    return h(
      'fieldset',
      { class: 'question', testid: `survey-q-${q.id}`, 'aria-labelledby': legendId },
      h('legend', { id: legendId }, words.text),
      scale,
      h('div', { class: 'scale-ends', 'aria-hidden': 'true' }, h('span', null, `${num(1)} = ${words.low}`), h('span', null, `${num(7)} = ${words.high}`)),
    );
  }

  /**
   * A short-text question (the facilitator's own): at most 500 characters, optional.
   * @param {Question} q
   */
  textQuestion(q) {
    const id = uid(`q-${q.id}`);
    const count = h('span', { class: 'muted small', 'aria-live': 'polite' }, `${num(0)} / ${num(500)}`);
    const area = h('textarea', { id, rows: '3', maxlength: '500', testid: `survey-text-${q.id}` });
    area.addEventListener('input', () => {
      count.textContent = `${num(area.value.length)} / ${num(500)}`;
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

  /** @param {import('./priorities.js').PriorityItem[]} issues */
  priorities(issues) {
    const include = h('input', { type: 'checkbox', id: uid('include-order'), testid: 'survey-priorities-include' });
    this.includeOrder = include;
    this.orderList = new PriorityList(issues, {
      testid: 'survey-priorities',
      prefix: 'priority',
      onChange: () => {
        include.checked = true;
      },
    });
    const who = this.opts.counterpartLabel();
    return h(
      'fieldset',
      { class: 'question priorities' },
      h('legend', null, t('player.survey.mattered_most', { who })),
      h('p', { class: 'muted small' }, t('player.survey.order_hint')),
      this.orderList.el,
      h(
        'p',
        { class: 'check-line' },
        include,
        h('label', { for: include.id }, ` ${t('player.survey.include_guess')}`),
      ),
    );
  }

  submit() {
    this.showError('');
    /** @type {import('./types.js').ClientMsgSurvey} */
    const msg = { type: 'survey', ratings: { ...this.ratings } };
    /** @type {Record<string, string>} */
    const texts = {};
    for (const [id, area] of Object.entries(this.texts)) {
      if (area.value.trim()) texts[id] = area.value.trim();
    }
    if (Object.keys(texts).length) msg.texts = texts;
    if (this.includeOrder && this.includeOrder.checked && this.orderList) msg.counterpart_priorities = this.orderList.ids();
    this.opts.setLastAction('survey');
    if (!this.opts.send(msg)) this.showError(t('player.offline'));
  }

  /** @param {string} text */
  showError(text) {
    this.error.textContent = text;
    this.error.hidden = !text;
  }
}
