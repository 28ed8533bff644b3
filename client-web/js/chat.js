// The chat panel: log (the icebreaker is a line of it, shown once), and the send box.
// Chat text and names always go in as text nodes (see dom.js).

import { h, clear, uid } from './dom.js';
import { timeOfDay } from './format.js';
import { t } from './i18n.js';
import { statementText } from './server-words.js';

/** @typedef {import('./types.js').ChatLineView} ChatLineView */
/** @typedef {import('./types.js').Expression} Expression */

/** The expressions a line can carry (the server's `Expression`), in the picker's order. */
/** @type {Expression[]} */
export const EXPRESSIONS = ['neutral', 'pleased', 'concerned', 'frustrated', 'surprised'];

/** @param {Expression} expression */
const expressionWords = (expression) => t(`common.expression.${expression}`);

/**
 * What the chat panel needs from the page.
 * @typedef {Object} ChatOptions
 * @property {(text: string, expression: Expression | null) => boolean} send sends a chat frame; false when offline
 * @property {() => number} mySeat my seat number
 * @property {() => number | null} [myMember] my member index in a team seat (none: a seat played alone)
 * @property {(seat: number) => string} playerName a display name for a seat
 * @property {() => import('./types.js').PublicIssue[]} [issues] the scenario's issues as this page reads them (to word checked statements)
 */

export class ChatPanel {
  /** @param {ChatOptions} opts */
  constructor(opts) {
    this.opts = opts;
    /** My messages sent but not yet echoed or refused, oldest first. @type {string[]} */
    this.pending = [];
    /** Every line shown, as the server sent it (for the results' transcript). @type {ChatLineView[]} */
    this.lines = [];
    const inputId = uid('chat-input');
    this.log = h('ol', {
      class: 'chat-log',
      testid: 'chat-log',
      'aria-live': 'polite',
      'aria-relevant': 'additions',
      'aria-label': t('common.chat.messages'),
      tabindex: '0',
    });
    this.empty = h('p', { class: 'chat-empty muted' }, t('common.chat.empty_hello'));
    this.input = h('input', {
      id: inputId,
      type: 'text',
      class: 'chat-input',
      testid: 'chat-input',
      maxlength: '1000',
      autocomplete: 'off',
      placeholder: t('player.chat.placeholder'),
    });
    this.sendButton = h('button', { type: 'submit', class: 'primary', testid: 'chat-send' }, t('common.chat.send'));
    // How the line sounds: optional, picked by words (a select reads well to screen readers and on a phone).
    const toneId = uid('chat-tone');
    this.tone = h(
      'select',
      { id: toneId, class: 'chat-tone-select', testid: 'chat-expression' },
      h('option', { value: '' }, t('common.chat.no_expression')),
      ...EXPRESSIONS.map((value) => h('option', { value }, expressionWords(value))),
    );
    this.error = h('p', { class: 'error', testid: 'error', 'data-error-for': 'chat', role: 'alert', hidden: true });
    this.form = h(
      'form',
      { class: 'chat-form', novalidate: true },
      h('div', { class: 'chat-tone' }, h('label', { for: toneId }, t('common.chat.i_feel')), this.tone),
      h('label', { for: inputId, class: 'sr-only' }, t('common.chat.message')),
      this.input,
      this.sendButton,
    );
    this.form.addEventListener('submit', (ev) => {
      ev.preventDefault();
      this.submit();
    });
    this.el = h(
      'section',
      { class: 'panel chat-panel', 'aria-label': t('common.chat.title') },
      h('h2', { class: 'panel-title' }, t('common.chat.title')),
      h('div', { class: 'chat-scroll' }, this.empty, this.log),
      this.form,
      this.error,
    );
  }

  submit() {
    const text = this.input.value.trim();
    this.showError('');
    if (!text) {
      this.showError(t('common.error.empty_chat'));
      return;
    }
    if (text.length > 1000) {
      this.showError(t('common.error.chat_too_long'));
      return;
    }
    const expression = /** @type {Expression | null} */ (this.tone.value || null);
    if (!this.opts.send(text, expression)) {
      this.showError(t('common.chat.offline'));
      return;
    }
    this.pending.push(text);
    this.input.value = '';
    this.tone.value = ''; // an expression goes with one line, not every line after it
    this.input.focus();
  }

  /**
   * The server echoed one of my messages: it was delivered.
   * @param {string} text
   */
  delivered(text) {
    const i = this.pending.indexOf(text);
    if (i >= 0) this.pending.splice(0, i + 1);
  }

  /** The server refused my oldest pending message: put its text back so it is not lost. */
  refused() {
    const text = this.pending.shift();
    if (text && !this.input.value) this.input.value = text;
  }

  /** @param {string} text */
  showError(text) {
    this.error.textContent = text;
    this.error.hidden = !text;
  }

  /**
   * @param {boolean} enabled
   * @param {string} [placeholder]
   */
  setEnabled(enabled, placeholder) {
    this.input.disabled = !enabled;
    this.tone.disabled = !enabled;
    this.sendButton.disabled = !enabled;
    if (placeholder) this.input.placeholder = placeholder;
  }

  /** @param {ChatLineView[]} lines */
  reset(lines) {
    this.pending = [];
    this.lines = [];
    clear(this.log);
    for (const line of lines || []) this.add(line, { scroll: false });
    this.updateEmpty();
    this.scrollToEnd();
  }

  updateEmpty() {
    this.empty.hidden = this.log.childElementCount > 0;
  }

  /**
   * @param {ChatLineView} line
   * @param {{scroll?: boolean}} [opts]
   */
  add(line, { scroll = true } = {}) {
    this.lines.push(line);
    const scroller = this.log.parentElement;
    const nearBottom = !scroller || scroller.scrollHeight - scroller.scrollTop - scroller.clientHeight < 60;
    const isPrompt = line.seat === null || line.seat === undefined;
    const myMember = this.opts.myMember ? this.opts.myMember() : null;
    const mine = !isPrompt && line.seat === this.opts.mySeat() && (myMember === null || line.member === myMember);
    const time = typeof line.at === 'number' ? timeOfDay(line.at) : '';
    let li;
    if (isPrompt) {
      li = h(
        'li',
        { class: 'chat-line prompt', 'data-seat': 'server' },
        h('span', { class: 'chat-meta' }, h('span', { class: 'chat-name' }, t('common.chat.starter')), time ? ` · ${time}` : ''),
        h('span', { class: 'chat-text' }, line.text),
      );
    } else {
      const seat = /** @type {number} */ (line.seat);
      const name = line.name || this.opts.playerName(seat);
      const words = line.expression ? expressionWords(line.expression) : null;
      li = h(
        'li',
        { class: ['chat-line', mine ? 'mine' : 'theirs'], 'data-seat': String(line.seat) },
        h(
          'span',
          { class: 'chat-meta' },
          h('span', { class: 'chat-name' }, mine ? t('player.match.name_you', { name }) : name),
          time ? ` · ${time}` : '',
          words ? h('span', { class: 'chat-expression', 'data-expression': line.expression, testid: 'chat-expression-shown' }, words) : '',
        ),
        h('span', { class: 'chat-text' }, this.textOf(line)),
      );
    }
    this.log.appendChild(li);
    this.updateEmpty();
    if (scroll && (nearBottom || mine)) this.scrollToEnd();
  }

  /**
   * A line's words: a checked statement is worded in the page's language, anything else is
   * shown as it was said.
   * @param {ChatLineView} line
   */
  textOf(line) {
    const issues = line.statement && this.opts.issues ? this.opts.issues() : null;
    return (line.statement && issues && statementText(line.statement, issues)) || line.text;
  }

  scrollToEnd() {
    const scroller = this.log.parentElement;
    if (scroller) scroller.scrollTop = scroller.scrollHeight;
  }
}
