// The set-up form's study design: treatment arms (each one changes a few settings; matches are
// assigned to them at random in balanced blocks) and the survey (items from the bank and the
// facilitator's own). Everything typed is read as text: values go into inputs, never into HTML.

import { h, clear, uid } from '../dom.js';
import { t } from '../i18n.js';
import { wording } from '../survey.js';

/** The survey bank's topics (the server names them in English), in the console's language. */
const TOPIC_KEYS = /** @type {Record<string, string>} */ ({
  trust: 'console.survey.topic.trust',
  relationship: 'console.survey.topic.relationship',
  'perceived listening': 'console.survey.topic.perceived_listening',
  fairness: 'console.survey.topic.fairness',
  satisfaction: 'console.survey.topic.satisfaction',
});

/** @param {string} topic */
const topicName = (topic) => (TOPIC_KEYS[topic] ? t(TOPIC_KEYS[topic]) : topic);

/** @typedef {import('./shapes.js').SurveyBank} SurveyBank */

/**
 * What read() gives: the setting, or a sentence saying what to fix and the field to focus.
 * @typedef {{value: object, error?: undefined, field?: undefined} | {value?: undefined, error: string, field: HTMLElement}} ReadResult
 */

const MAX_ARMS = 6;
/** Settings an arm may switch on or off: [key, label]. */
const switches = () => [
  ['small_talk', t('console.arms.small_talk')],
  ['icebreaker', t('console.arms.icebreaker')],
  ['perspective_question', t('console.arms.perspective')],
  ['disclosure', t('console.arms.disclosure')],
  ['coaching', t('console.arms.coaching')],
];
/** Phase lengths an arm may set: [key, label]. */
const lengths = () => [
  ['small_talk', t('console.arms.small_talk_min')],
  ['bargaining', t('console.arms.bargaining_min')],
];

/** A seed for the assignment: random, shown so it can be written down or reused. */
function newSeed() {
  return Math.floor(Math.random() * 1_000_000_000);
}

/** The arms editor: at least two arms, at most six. */
export class ArmsEditor {
  constructor() {
    this.list = h('div', { class: 'arm-list', testid: 'arms-list' });
    this.addButton = h('button', { type: 'button', class: 'secondary small-button', testid: 'arm-add' }, t('console.arms.add'));
    this.seed = h('input', { type: 'number', min: '0', step: '1', id: uid('seed'), testid: 'arms-seed', value: String(newSeed()), inputmode: 'numeric' });
    this.addButton.addEventListener('click', () => this.add());
    this.el = h(
      'div',
      { class: 'arms-editor', testid: 'arms-editor' },
      h(
        'p',
        { class: 'hint' },
        t('console.arms.hint'),
      ),
      this.list,
      h('div', { class: 'button-row' }, this.addButton),
      h('div', { class: 'field inline-field' }, h('label', { for: this.seed.id }, t('console.arms.seed')), this.seed),
    );
    this.add({ name: t('console.arms.with_talk'), small_talk: 'on' });
    this.add({ name: t('console.arms.without_talk'), small_talk: 'off' });
  }

  /**
   * Adds an arm card, optionally prefilled.
   * @param {Record<string, string>} [preset]
   */
  add(preset = {}) {
    if (this.list.children.length >= MAX_ARMS) return;
    const n = this.list.children.length + 1;
    const nameId = uid('arm-name');
    const name = h('input', { id: nameId, maxlength: '40', testid: 'arm-name', autocomplete: 'off', value: preset.name || t('console.arms.arm', { n }) });
    const selects = switches().map(([key, label]) => {
      const id = uid(`arm-${key}`);
      const sel = h(
        'select',
        { id, testid: `arm-${key}`, 'data-key': key },
        h('option', { value: '' }, t('console.arms.as_above')),
        h('option', { value: 'on' }, t('console.arms.on')),
        h('option', { value: 'off' }, t('console.arms.off')),
      );
      sel.value = preset[key] || '';
      return h('div', { class: 'field' }, h('label', { for: id }, label), sel);
    });
    const lengthFields = lengths().map(([key, label]) => {
      const id = uid(`arm-len-${key}`);
      const input = h('input', { id, type: 'number', min: key === 'bargaining' ? '0.5' : '0', max: '1440', step: '0.5', inputmode: 'decimal', testid: `arm-length-${key}`, 'data-length': key, placeholder: t('console.arms.as_above') });
      return h('div', { class: 'field' }, h('label', { for: id }, label), input);
    });
    const remove = h('button', { type: 'button', class: 'link-button', testid: 'arm-remove' }, t('console.arms.remove'));
    const card = h(
      'fieldset',
      { class: 'arm-card', testid: 'arm' },
      h('legend', null, t('console.arms.arm', { n })),
      h('div', { class: 'field' }, h('label', { for: nameId }, t('console.arms.name')), name),
      h('div', { class: 'arm-grid' }, selects, lengthFields),
      remove,
    );
    remove.addEventListener('click', () => {
      card.remove();
      this.renumber();
    });
    this.list.appendChild(card);
    this.renumber();
  }

  renumber() {
    const cards = [...this.list.children];
    cards.forEach((c, i) => {
      const legend = c.querySelector('legend');
      if (legend) legend.textContent = i === 0 ? t('console.arms.baseline', { n: i + 1 }) : t('console.arms.arm', { n: i + 1 });
      const remove = /** @type {HTMLButtonElement} */ (c.querySelector('[data-testid="arm-remove"]'));
      if (remove) remove.hidden = cards.length <= 2;
    });
    this.addButton.hidden = cards.length >= MAX_ARMS;
  }

  /**
   * The `treatment` setting, or a sentence saying what to fix (and the field to focus).
   * @returns {ReadResult}
   */
  read() {
    const arms = [];
    const names = new Set();
    for (const card of this.list.children) {
      const nameInput = /** @type {HTMLInputElement} */ (card.querySelector('[data-testid="arm-name"]'));
      const name = nameInput.value.trim();
      if (!name) return { error: t('console.arms.need_name'), field: nameInput };
      if (names.has(name)) return { error: t('console.arms.same_name', { name }), field: nameInput };
      names.add(name);
      /** @type {Record<string, any>} */
      const arm = { name };
      for (const sel of card.querySelectorAll('select[data-key]')) {
        const v = /** @type {HTMLSelectElement} */ (sel).value;
        if (v) arm[/** @type {HTMLElement} */ (sel).dataset.key || ''] = v === 'on';
      }
      /** @type {Record<string, number>} */
      const durations = {};
      for (const input of card.querySelectorAll('input[data-length]')) {
        const el = /** @type {HTMLInputElement} */ (input);
        if (el.value.trim() === '') continue;
        const v = Number(el.value);
        const key = el.dataset.length || '';
        if (!Number.isFinite(v) || v < 0 || v > 1440 || (key === 'bargaining' && v <= 0)) {
          return { error: t('console.arms.bad_length', { name }), field: el };
        }
        durations[key] = Math.round(v * 60);
      }
      if (Object.keys(durations).length) arm.durations = durations;
      arms.push(arm);
    }
    const seed = Number(this.seed.value);
    if (!Number.isInteger(seed) || seed < 0) return { error: t('console.arms.bad_seed'), field: this.seed };
    return { value: { arms, seed } };
  }
}

/** The survey editor: bank items as checkboxes, and the facilitator's own items. */
export class SurveyEditor {
  constructor() {
    this.bankList = h('div', { class: 'bank-list', testid: 'survey-bank' }, h('p', { class: 'muted small' }, t('console.survey.loading')));
    this.customList = h('div', { class: 'custom-list', testid: 'survey-custom-list' });
    this.addButton = h('button', { type: 'button', class: 'secondary small-button', testid: 'survey-add' }, t('console.survey.add'));
    this.addButton.addEventListener('click', () => this.addCustom());
    this.limits = { max_custom_items: 8, max_question_chars: 200, max_label_chars: 40 };
    this.el = h(
      'div',
      { class: 'survey-editor' },
      this.bankList,
      h('p', { class: 'hint' }, t('console.survey.hint')),
      this.customList,
      h('div', { class: 'button-row' }, this.addButton),
    );
  }

  /**
   * Shows the bank (from GET /api/survey-bank), the default items ticked. The items' texts and
   * topics are the server's (the survey's own wording, in English).
   * @param {SurveyBank} bank
   */
  setBank(bank) {
    this.limits = bank;
    clear(this.bankList);
    for (const item of bank.items || []) {
      const id = uid(`bank-${item.id}`);
      const box = h('input', { type: 'checkbox', id, value: item.id, testid: `survey-item-${item.id}` });
      box.checked = !!item.default;
      this.bankList.appendChild(
        h(
          'label',
          { class: 'radio bank-item', for: id },
          box,
          h('span', null, wording(item).text, h('span', { class: ['tag', 'topic-tag', item.trust_item ? 'trust-tag' : null] }, item.trust_item ? t('console.survey.trust_tag') : topicName(item.topic))),
        ),
      );
    }
  }

  addCustom() {
    if (this.customList.children.length >= this.limits.max_custom_items) return;
    const textId = uid('custom-text');
    const kindId = uid('custom-kind');
    // The question in Spanish and German, each optional: a player whose page is in one of them
    // reads it there; everyone else reads the question above.
    const inLangs = ['es', 'de'].map((lang) => {
      const id = uid(`custom-text-${lang}`);
      const input = h('input', { id, maxlength: String(this.limits.max_question_chars), testid: `custom-text-${lang}`, 'data-lang': lang, lang, autocomplete: 'off' });
      return h('div', { class: 'field' }, h('label', { for: id }, t(`console.survey.question_in.${lang}`), ' ', h('span', { class: 'muted' }, t('common.optional'))), input);
    });
    const kind = h('select', { id: kindId, testid: 'custom-kind' }, h('option', { value: 'scale' }, t('console.survey.scale')), h('option', { value: 'text' }, t('console.survey.short_text')));
    const text = h('input', { id: textId, maxlength: String(this.limits.max_question_chars), testid: 'custom-text', autocomplete: 'off' });
    const lowId = uid('custom-low');
    const highId = uid('custom-high');
    const low = h('input', { id: lowId, maxlength: String(this.limits.max_label_chars), testid: 'custom-low', placeholder: t('console.survey.low_placeholder') });
    const high = h('input', { id: highId, maxlength: String(this.limits.max_label_chars), testid: 'custom-high', placeholder: t('console.survey.high_placeholder') });
    const labels = h('div', { class: 'custom-labels' }, h('div', { class: 'field' }, h('label', { for: lowId }, t('console.survey.low_label')), low), h('div', { class: 'field' }, h('label', { for: highId }, t('console.survey.high_label')), high));
    kind.addEventListener('change', () => {
      labels.hidden = kind.value === 'text';
    });
    const remove = h('button', { type: 'button', class: 'link-button', testid: 'custom-remove' }, t('console.arms.remove'));
    const row = h(
      'fieldset',
      { class: 'custom-item', testid: 'custom-item' },
      h('legend', null, t('console.survey.your_question')),
      h('div', { class: 'field' }, h('label', { for: textId }, t('console.survey.question')), text),
      h('p', { class: 'muted small' }, t('console.survey.question_in_hint')),
      ...inLangs,
      h('div', { class: 'field' }, h('label', { for: kindId }, t('console.survey.answer')), kind),
      labels,
      remove,
    );
    remove.addEventListener('click', () => {
      row.remove();
      this.addButton.hidden = false;
    });
    this.customList.appendChild(row);
    this.addButton.hidden = this.customList.children.length >= this.limits.max_custom_items;
    text.focus();
  }

  /**
   * The `survey` setting, or a sentence saying what to fix.
   * @returns {ReadResult}
   */
  read() {
    const items = [...this.bankList.querySelectorAll('input[type="checkbox"]')]
      .filter((b) => /** @type {HTMLInputElement} */ (b).checked)
      .map((b) => /** @type {HTMLInputElement} */ (b).value);
    const custom = [];
    for (const row of this.customList.children) {
      const text = /** @type {HTMLInputElement} */ (row.querySelector('[data-testid="custom-text"]'));
      const kind = /** @type {HTMLSelectElement} */ (row.querySelector('[data-testid="custom-kind"]')).value;
      if (!text.value.trim()) return { error: t('console.survey.empty'), field: text };
      /** @type {{kind: string, text: string, low?: string, high?: string, translations?: Record<string, string>}} */
      const item = { kind, text: text.value.trim() };
      /** @type {Record<string, string>} */
      const translations = {};
      for (const input of row.querySelectorAll('input[data-lang]')) {
        const value = /** @type {HTMLInputElement} */ (input).value.trim();
        if (value) translations[/** @type {HTMLInputElement} */ (input).dataset.lang || ''] = value;
      }
      if (Object.keys(translations).length) item.translations = translations;
      if (kind === 'scale') {
        item.low = /** @type {HTMLInputElement} */ (row.querySelector('[data-testid="custom-low"]')).value.trim();
        item.high = /** @type {HTMLInputElement} */ (row.querySelector('[data-testid="custom-high"]')).value.trim();
      }
      custom.push(item);
    }
    return { value: { items, custom } };
  }
}
