// The parts of the match view that belong to one phase: the phase's introduction, the ready bar
// (prep and small talk) and the priority guess (prep). Bargaining, the survey and the results
// have panels of their own (../bargain.js, ../survey.js, ../results.js).

import { h, clear, show } from '../dom.js';
import { pts, outcomeSentence, allowed } from '../format.js';
import { PriorityList } from '../priorities.js';

/** @typedef {import('../types.js').StateView} StateView */
/** @typedef {import('../types.js').ClientMsg} ClientMsg */

/**
 * What the match view gives its parts to act with.
 * @typedef {Object} Actions
 * @property {(msg: ClientMsg) => boolean} send sends a frame (one match-changing request at a time); false when offline
 * @property {(area: string) => void} setLastAction names the control that acted, and clears its error
 */

const OFFLINE = 'You are offline. Try again when you are back online.';

/** The heading and lead of each phase, above its panels. */
export class PhaseIntro {
  constructor() {
    this.el = h('section', { class: 'phase-intro', testid: 'phase-intro' });
  }

  /** @param {StateView} state */
  update(state) {
    clear(this.el);
    const phase = state.phase;
    const others = state.players.filter((p) => p.seat !== state.you.seat).map((p) => p.name);
    const withWho = others.length ? others.join(', ') : 'your partner';
    let title = '';
    let text = '';
    if (phase === 'prep') {
      title = 'Read your brief';
      text = `You will negotiate with ${withWho}. Read the situation, your private brief and your points. Everything marked private is for your eyes only. The chat opens when the conversation starts.`;
    } else if (phase === 'small_talk') {
      title = 'Get to know each other';
      text = `Chat with ${withWho} before any business. The conversation starter below can help. No offers yet.`;
    } else if (phase === 'bargaining') {
      title = 'Bargaining';
      const rule = state.scenario.deal_rule || 'Every party must accept a package for it to be the deal.';
      text = `Talk it through and make offers. ${rule} Your walk-away value is ${pts(state.you.batna)}.`;
    } else if (phase === 'survey') {
      title = outcomeSentence(state.outcome) || 'Bargaining is over';
      text = 'Before the results, a few quick questions about how it went.';
    } else {
      return;
    }
    this.el.append(h('h1', null, title), h('p', { class: 'muted' }, text));
  }
}

/** Prep and small talk: everyone votes to move on. */
export class ReadyBar {
  /** @param {Actions} actions */
  constructor({ send, setLastAction }) {
    this.button = h('button', { type: 'button', class: 'primary', testid: 'ready', 'data-action': 'true' }, 'Ready');
    this.button.addEventListener('click', () => {
      setLastAction('ready');
      if (!send({ type: 'ready' })) this.showError(OFFLINE);
    });
    this.text = h('p', { class: 'ready-text' });
    this.votes = h('ul', { class: 'votes', testid: 'ready-votes', 'aria-label': 'Who is ready' });
    this.error = h('p', { class: 'error', testid: 'error', 'data-error-for': 'ready', role: 'alert', hidden: true });
    this.el = h(
      'section',
      { class: 'ready-bar card', 'aria-label': 'Move on' },
      h('div', { class: 'ready-main' }, this.text, this.votes),
      this.button,
      this.error,
    );
  }

  /** @param {string} text */
  showError(text) {
    this.error.textContent = text;
    this.error.hidden = !text;
  }

  /** @param {StateView} state */
  update(state) {
    const phase = state.phase;
    const visible = (phase === 'prep' || phase === 'small_talk') && !!state.players;
    show(this.el, visible);
    if (!visible) return;
    const me = state.players.find((p) => p.seat === state.you.seat);
    const iVoted = !!(me && me.ready);
    const count = state.players.filter((p) => p.ready).length;
    const label = phase === 'prep' ? "I've read my brief" : 'Ready to talk business';
    this.button.textContent = iVoted ? 'You are ready' : label;
    this.button.disabled = !allowed(state, 'ready');
    this.button.setAttribute('aria-pressed', String(iVoted));
    this.text.textContent =
      phase === 'prep'
        ? `When everyone is ready, the conversation begins (${count} of ${state.players.length} ready).`
        : `When everyone is ready, bargaining begins (${count} of ${state.players.length} ready).`;
    clear(this.votes);
    for (const p of state.players) {
      this.votes.appendChild(
        h(
          'li',
          { class: p.ready ? 'yes' : 'no', testid: `vote-${p.seat}`, 'data-ready': String(!!p.ready) },
          h('span', { 'aria-hidden': 'true', class: 'vote-mark' }, p.ready ? '✓' : '…'),
          ` ${p.seat === state.you.seat ? 'You' : p.name}: ${p.ready ? 'ready' : 'not yet'}`,
        ),
      );
    }
  }
}

/** Prep: guess what matters most to the counterpart, before talking. */
export class GuessCard {
  /**
   * @param {StateView} state the first state of the match (its issues)
   * @param {Actions} actions
   */
  constructor(state, { send, setLastAction }) {
    this.list = new PriorityList(state.scenario.issues, { testid: 'guess-priorities', prefix: 'guess' });
    this.button = h('button', { type: 'button', class: 'secondary', testid: 'guess-submit', 'data-action': 'true' }, 'Save my guess');
    this.status = h('p', { class: 'muted small', testid: 'guess-status', 'aria-live': 'polite' });
    this.error = h('p', { class: 'error', testid: 'error', 'data-error-for': 'guess', role: 'alert', hidden: true });
    this.title = h('h2', null, 'Before you talk');
    this.lead = h('p', { class: 'muted' });
    this.button.addEventListener('click', () => {
      setLastAction('guess');
      if (!send({ type: 'guess_priorities', order: this.list.ids() })) this.showError(OFFLINE);
    });
    this.el = h(
      'section',
      { class: 'card guess', testid: 'guess', 'aria-label': 'Guess their priorities' },
      this.title,
      this.lead,
      this.list.el,
      h('div', { class: 'button-row' }, this.button),
      this.status,
      this.error,
    );
  }

  /** @param {string} text */
  showError(text) {
    this.error.textContent = text;
    this.error.hidden = !text;
  }

  /** @param {StateView} state */
  update(state) {
    // A treatment arm can leave this question out: it is then never offered (while paused
    // nothing is allowed, so the card stays, disabled).
    const asked = allowed(state, 'guess_priorities') || !!state.paused;
    const visible = state.phase === 'prep' && state.scenario.issues.length > 1 && asked;
    show(this.el, visible);
    if (!visible) return;
    const others = state.players.filter((p) => p.seat !== state.you.seat);
    const who = others.length === 1 ? others[0].name : 'the others';
    this.title.textContent = `Before you talk: what matters most to ${who}?`;
    this.lead.textContent =
      'Put the issues in order, the one you think matters most to them first. You can change your guess until the talking starts; at the end you will see how well you read them.';
    const saved = !!state.you.guessed_priorities;
    this.button.textContent = saved ? 'Update my guess' : 'Save my guess';
    this.button.disabled = !allowed(state, 'guess_priorities');
    if (this.list.disabled !== !!state.paused) this.list.setDisabled(!!state.paused);
    this.status.textContent = saved ? 'Your guess is saved.' : 'Optional, and only for you.';
    this.status.dataset.saved = String(saved);
  }
}
