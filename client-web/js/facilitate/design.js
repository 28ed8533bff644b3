// The set-up form's study design: treatment arms (each one changes a few settings; matches are
// assigned to them at random in balanced blocks) and the survey (items from the bank and the
// facilitator's own). Everything typed is read as text: values go into inputs, never into HTML.

import { h, clear, uid } from '../dom.js';

const MAX_ARMS = 6;
/** Settings an arm may switch on or off: [key, label]. */
const SWITCHES = [
  ['small_talk', 'Small talk'],
  ['icebreaker', 'Icebreaker prompt'],
  ['perspective_question', 'Guess their priorities in prep'],
  ['disclosure', 'Checked statements tool'],
  ['coaching', 'Coaching nudges'],
];
/** Phase lengths an arm may set: [key, label]. */
const LENGTHS = [
  ['small_talk', 'Small talk (min)'],
  ['bargaining', 'Bargaining (min)'],
];

/** A seed for the assignment: random, shown so it can be written down or reused. */
function newSeed() {
  return Math.floor(Math.random() * 1_000_000_000);
}

/** The arms editor: at least two arms, at most six. */
export class ArmsEditor {
  constructor() {
    this.list = h('div', { class: 'arm-list', testid: 'arms-list' });
    this.addButton = h('button', { type: 'button', class: 'secondary small-button', testid: 'arm-add' }, 'Add an arm');
    this.seed = h('input', { type: 'number', min: '0', step: '1', id: uid('seed'), testid: 'arms-seed', value: String(newSeed()), inputmode: 'numeric' });
    this.addButton.addEventListener('click', () => this.add());
    this.el = h(
      'div',
      { class: 'arms-editor', testid: 'arms-editor' },
      h(
        'p',
        { class: 'hint' },
        'Each match is assigned an arm at random, in blocks that hold every arm once, so the arms stay balanced however many people come. Leave a setting on “as above” to keep the session’s choice. The debrief compares the arms.',
      ),
      this.list,
      h('div', { class: 'button-row' }, this.addButton),
      h('div', { class: 'field inline-field' }, h('label', { for: this.seed.id }, 'Random seed'), this.seed),
    );
    this.add({ name: 'With small talk', small_talk: 'on' });
    this.add({ name: 'Without small talk', small_talk: 'off' });
  }

  /** Adds an arm card, optionally prefilled. */
  add(preset = {}) {
    if (this.list.children.length >= MAX_ARMS) return;
    const n = this.list.children.length + 1;
    const nameId = uid('arm-name');
    const name = h('input', { id: nameId, maxlength: '40', testid: 'arm-name', autocomplete: 'off', value: preset.name || `Arm ${n}` });
    const selects = SWITCHES.map(([key, label]) => {
      const id = uid(`arm-${key}`);
      const sel = h(
        'select',
        { id, testid: `arm-${key}`, 'data-key': key },
        h('option', { value: '' }, 'as above'),
        h('option', { value: 'on' }, 'on'),
        h('option', { value: 'off' }, 'off'),
      );
      sel.value = preset[key] || '';
      return h('div', { class: 'field' }, h('label', { for: id }, label), sel);
    });
    const lengths = LENGTHS.map(([key, label]) => {
      const id = uid(`arm-len-${key}`);
      const input = h('input', { id, type: 'number', min: key === 'bargaining' ? '0.5' : '0', max: '1440', step: '0.5', inputmode: 'decimal', testid: `arm-length-${key}`, 'data-length': key, placeholder: 'as above' });
      return h('div', { class: 'field' }, h('label', { for: id }, label), input);
    });
    const remove = h('button', { type: 'button', class: 'link-button', testid: 'arm-remove' }, 'Remove');
    const card = h(
      'fieldset',
      { class: 'arm-card', testid: 'arm' },
      h('legend', null, `Arm ${n}`),
      h('div', { class: 'field' }, h('label', { for: nameId }, 'Name'), name),
      h('div', { class: 'arm-grid' }, selects, lengths),
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
      if (legend) legend.textContent = `Arm ${i + 1}${i === 0 ? ' (the baseline the others are compared with)' : ''}`;
      const remove = /** @type {HTMLButtonElement} */ (c.querySelector('[data-testid="arm-remove"]'));
      if (remove) remove.hidden = cards.length <= 2;
    });
    this.addButton.hidden = cards.length >= MAX_ARMS;
  }

  /**
   * The `treatment` setting, or a sentence saying what to fix (and the field to focus).
   * @returns {{value?: object, error?: string, field?: HTMLElement}}
   */
  read() {
    const arms = [];
    const names = new Set();
    for (const card of this.list.children) {
      const nameInput = /** @type {HTMLInputElement} */ (card.querySelector('[data-testid="arm-name"]'));
      const name = nameInput.value.trim();
      if (!name) return { error: 'Every arm needs a name.', field: nameInput };
      if (names.has(name)) return { error: `Two arms are called “${name}”: give them different names.`, field: nameInput };
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
          return { error: `Phase lengths of “${name}” are 0 to 1440 minutes (bargaining at least 0.5).`, field: el };
        }
        durations[key] = Math.round(v * 60);
      }
      if (Object.keys(durations).length) arm.durations = durations;
      arms.push(arm);
    }
    const seed = Number(this.seed.value);
    if (!Number.isInteger(seed) || seed < 0) return { error: 'The seed is a whole number (0 or more).', field: this.seed };
    return { value: { arms, seed } };
  }
}

/** The survey editor: bank items as checkboxes, and the facilitator's own items. */
export class SurveyEditor {
  constructor() {
    this.bankList = h('div', { class: 'bank-list', testid: 'survey-bank' }, h('p', { class: 'muted small' }, 'Loading the questions…'));
    this.customList = h('div', { class: 'custom-list', testid: 'survey-custom-list' });
    this.addButton = h('button', { type: 'button', class: 'secondary small-button', testid: 'survey-add' }, 'Add a question of your own');
    this.addButton.addEventListener('click', () => this.addCustom());
    this.limits = { max_custom_items: 8, max_question_chars: 200, max_label_chars: 40 };
    this.el = h(
      'div',
      { class: 'survey-editor' },
      this.bankList,
      h('p', { class: 'hint' }, 'Questions marked “trust built” make it up; without any of them, trust built is the estimate from how people negotiated. Players never see each other’s answers; you see every answer in the exports (survey.csv).'),
      this.customList,
      h('div', { class: 'button-row' }, this.addButton),
    );
  }

  /** Shows the bank (from GET /api/survey-bank), the default items ticked. */
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
          h('span', null, item.text, h('span', { class: ['tag', 'topic-tag', item.trust_item ? 'trust-tag' : null] }, item.trust_item ? 'trust built' : item.topic)),
        ),
      );
    }
  }

  addCustom() {
    if (this.customList.children.length >= this.limits.max_custom_items) return;
    const textId = uid('custom-text');
    const kindId = uid('custom-kind');
    const kind = h('select', { id: kindId, testid: 'custom-kind' }, h('option', { value: 'scale' }, '1–7 scale'), h('option', { value: 'text' }, 'Short text'));
    const text = h('input', { id: textId, maxlength: String(this.limits.max_question_chars), testid: 'custom-text', autocomplete: 'off' });
    const lowId = uid('custom-low');
    const highId = uid('custom-high');
    const low = h('input', { id: lowId, maxlength: String(this.limits.max_label_chars), testid: 'custom-low', placeholder: 'Not at all' });
    const high = h('input', { id: highId, maxlength: String(this.limits.max_label_chars), testid: 'custom-high', placeholder: 'Very much' });
    const labels = h('div', { class: 'custom-labels' }, h('div', { class: 'field' }, h('label', { for: lowId }, 'Label of 1'), low), h('div', { class: 'field' }, h('label', { for: highId }, 'Label of 7'), high));
    kind.addEventListener('change', () => {
      labels.hidden = kind.value === 'text';
    });
    const remove = h('button', { type: 'button', class: 'link-button', testid: 'custom-remove' }, 'Remove');
    const row = h(
      'fieldset',
      { class: 'custom-item', testid: 'custom-item' },
      h('legend', null, 'Your question'),
      h('div', { class: 'field' }, h('label', { for: textId }, 'Question'), text),
      h('div', { class: 'field' }, h('label', { for: kindId }, 'Answer'), kind),
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
   * @returns {{value?: object, error?: string, field?: HTMLElement}}
   */
  read() {
    const items = [...this.bankList.querySelectorAll('input[type="checkbox"]')]
      .filter((b) => /** @type {HTMLInputElement} */ (b).checked)
      .map((b) => /** @type {HTMLInputElement} */ (b).value);
    const custom = [];
    for (const row of this.customList.children) {
      const text = /** @type {HTMLInputElement} */ (row.querySelector('[data-testid="custom-text"]'));
      const kind = /** @type {HTMLSelectElement} */ (row.querySelector('[data-testid="custom-kind"]')).value;
      if (!text.value.trim()) return { error: 'Write your question, or remove it.', field: text };
      const item = { kind, text: text.value.trim() };
      if (kind === 'scale') {
        item.low = /** @type {HTMLInputElement} */ (row.querySelector('[data-testid="custom-low"]')).value.trim();
        item.high = /** @type {HTMLInputElement} */ (row.querySelector('[data-testid="custom-high"]')).value.trim();
      }
      custom.push(item);
    }
    return { value: { items, custom } };
  }
}
