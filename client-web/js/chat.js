// @ts-nocheck: not yet annotated for `tsc --checkJs` (see client-web/jsconfig.json); the player modules and conn.js are.
// The chat panel: log (the icebreaker is a line of it, shown once), and the send box.
// Chat text and names always go in as text nodes (see dom.js).

import { h, clear, uid } from './dom.js';
import { timeOfDay } from './format.js';

/** The expressions a line can carry (the server's `Expression`), in the picker's order, with their words. */
export const EXPRESSIONS = [
  ['neutral', 'Neutral'],
  ['pleased', 'Pleased'],
  ['concerned', 'Concerned'],
  ['frustrated', 'Frustrated'],
  ['surprised', 'Surprised'],
];
const EXPRESSION_WORDS = Object.fromEntries(EXPRESSIONS);

export class ChatPanel {
  /**
   * @param {object} opts
   *   send(text, expression) → boolean  sends a chat frame (expression: null for none), false when offline
   *   mySeat()              my seat number
   *   playerName(seat)      a display name for a seat
   */
  constructor(opts) {
    this.opts = opts;
    this.pending = []; // my messages sent but not yet echoed or refused, oldest first
    this.lines = []; // every line shown, as the server sent it (for the results' transcript)
    const inputId = uid('chat-input');
    this.log = h('ol', {
      class: 'chat-log',
      testid: 'chat-log',
      'aria-live': 'polite',
      'aria-relevant': 'additions',
      'aria-label': 'Chat messages',
      tabindex: '0',
    });
    this.empty = h('p', { class: 'chat-empty muted' }, 'No messages yet. Say hello!');
    this.input = h('input', {
      id: inputId,
      type: 'text',
      class: 'chat-input',
      testid: 'chat-input',
      maxlength: '1000',
      autocomplete: 'off',
      placeholder: 'Write a message…',
    });
    this.sendButton = h('button', { type: 'submit', class: 'primary', testid: 'chat-send' }, 'Send');
    // How the line sounds: optional, picked by words (a select reads well to screen readers and on a phone).
    const toneId = uid('chat-tone');
    this.tone = h(
      'select',
      { id: toneId, class: 'chat-tone-select', testid: 'chat-expression' },
      h('option', { value: '' }, 'No expression'),
      ...EXPRESSIONS.map(([value, words]) => h('option', { value }, words)),
    );
    this.error = h('p', { class: 'error', testid: 'error', 'data-error-for': 'chat', role: 'alert', hidden: true });
    this.form = h(
      'form',
      { class: 'chat-form', novalidate: true },
      h('div', { class: 'chat-tone' }, h('label', { for: toneId }, 'I feel'), this.tone),
      h('label', { for: inputId, class: 'sr-only' }, 'Message'),
      this.input,
      this.sendButton,
    );
    this.form.addEventListener('submit', (ev) => {
      ev.preventDefault();
      this.submit();
    });
    this.el = h(
      'section',
      { class: 'panel chat-panel', 'aria-label': 'Chat' },
      h('h2', { class: 'panel-title' }, 'Chat'),
      h('div', { class: 'chat-scroll' }, this.empty, this.log),
      this.form,
      this.error,
    );
  }

  submit() {
    const text = this.input.value.trim();
    this.showError('');
    if (!text) {
      this.showError('Type a message first.');
      return;
    }
    if (text.length > 1000) {
      this.showError('Messages can be at most 1000 characters.');
      return;
    }
    const expression = this.tone.value || null;
    if (!this.opts.send(text, expression)) {
      this.showError('You are offline. Your message was not sent: try again when you are back online.');
      return;
    }
    this.pending.push(text);
    this.input.value = '';
    this.tone.value = ''; // an expression goes with one line, not every line after it
    this.input.focus();
  }

  /** The server echoed one of my messages: it was delivered. */
  delivered(text) {
    const i = this.pending.indexOf(text);
    if (i >= 0) this.pending.splice(0, i + 1);
  }

  /** The server refused my oldest pending message: put its text back so it is not lost. */
  refused() {
    const text = this.pending.shift();
    if (text && !this.input.value) this.input.value = text;
  }

  showError(text) {
    this.error.textContent = text;
    this.error.hidden = !text;
  }

  setEnabled(enabled, placeholder) {
    this.input.disabled = !enabled;
    this.tone.disabled = !enabled;
    this.sendButton.disabled = !enabled;
    if (placeholder) this.input.placeholder = placeholder;
  }

  reset(lines) {
    this.pending = [];
    this.lines = [];
    clear(this.log);
    for (const line of lines || []) this.add(line, { scroll: false });
    this.updateEmpty();
    this.scrollToEnd(true);
  }

  updateEmpty() {
    this.empty.hidden = this.log.childElementCount > 0;
  }

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
        h('span', { class: 'chat-meta' }, h('span', { class: 'chat-name' }, 'Conversation starter'), time ? ` · ${time}` : ''),
        h('span', { class: 'chat-text' }, line.text),
      );
    } else {
      const name = line.name || this.opts.playerName(line.seat);
      const words = line.expression ? EXPRESSION_WORDS[line.expression] : null;
      li = h(
        'li',
        { class: ['chat-line', mine ? 'mine' : 'theirs'], 'data-seat': String(line.seat) },
        h(
          'span',
          { class: 'chat-meta' },
          h('span', { class: 'chat-name' }, mine ? `${name} (you)` : name),
          time ? ` · ${time}` : '',
          words ? h('span', { class: 'chat-expression', 'data-expression': line.expression, testid: 'chat-expression-shown' }, words) : '',
        ),
        h('span', { class: 'chat-text' }, line.text),
      );
    }
    this.log.appendChild(li);
    this.updateEmpty();
    if (scroll && (nearBottom || mine)) this.scrollToEnd();
  }

  scrollToEnd() {
    const scroller = this.log.parentElement;
    if (scroller) scroller.scrollTop = scroller.scrollHeight;
  }
}
