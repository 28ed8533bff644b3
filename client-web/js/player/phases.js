// The parts of the match view that belong to one phase: the phase's introduction, the ready bar
// (prep and small talk) and the priority guess (prep). Bargaining, the survey and the results
// have panels of their own (../bargain.js, ../survey.js, ../results.js).

import { h, clear, show } from '../dom.js';
import { pts, outcomeSentence, allowed, dealRule } from '../format.js';
import { PriorityList } from '../priorities.js';
import { t, num } from '../i18n.js';

/** @typedef {import('../types.js').StateView} StateView */
/** @typedef {import('../types.js').ClientMsg} ClientMsg */

/**
 * What the match view gives its parts to act with.
 * @typedef {Object} Actions
 * @property {(msg: ClientMsg) => boolean} send sends a frame (one match-changing request at a time); false when offline
 * @property {(area: string) => void} setLastAction names the control that acted, and clears its error
 */

const OFFLINE = () => t('player.offline');

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
    const withWho = others.length ? others.join(', ') : t('player.intro.your_partner');
    let title = '';
    let text = '';
    if (phase === 'prep') {
      title = t('player.intro.prep_title');
      text = t('player.intro.prep', { who: withWho });
    } else if (phase === 'small_talk') {
      title = t('player.intro.small_talk_title');
      text = t('player.intro.small_talk', { who: withWho });
    } else if (phase === 'bargaining') {
      title = t('common.phase.bargaining');
      const rule = dealRule(state.scenario, state.players) || t('common.deal.every');
      text = t('player.intro.bargaining', { rule, points: pts(state.you.batna) });
    } else if (phase === 'survey') {
      title = outcomeSentence(state.outcome) || t('player.intro.survey_title');
      text = t('player.intro.survey');
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
    this.button = h('button', { type: 'button', class: 'primary', testid: 'ready', 'data-action': 'true' }, t('player.ready.button'));
    this.button.addEventListener('click', () => {
      setLastAction('ready');
      if (!send({ type: 'ready' })) this.showError(OFFLINE());
    });
    this.text = h('p', { class: 'ready-text' });
    this.votes = h('ul', { class: 'votes', testid: 'ready-votes', 'aria-label': t('player.ready.who') });
    this.error = h('p', { class: 'error', testid: 'error', 'data-error-for': 'ready', role: 'alert', hidden: true });
    this.el = h(
      'section',
      { class: 'ready-bar card', 'aria-label': t('player.ready.move_on') },
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
    const label = phase === 'prep' ? t('player.ready.read_brief') : t('player.ready.talk_business');
    this.button.textContent = iVoted ? t('player.ready.you_are_ready') : label;
    this.button.disabled = !allowed(state, 'ready');
    this.button.setAttribute('aria-pressed', String(iVoted));
    this.text.textContent =
      phase === 'prep'
        ? t('player.ready.conversation_begins', { count: num(count), total: num(state.players.length) })
        : t('player.ready.bargaining_begins', { count: num(count), total: num(state.players.length) });
    clear(this.votes);
    for (const p of state.players) {
      this.votes.appendChild(
        h(
          'li',
          { class: p.ready ? 'yes' : 'no', testid: `vote-${p.seat}`, 'data-ready': String(!!p.ready) },
          h('span', { 'aria-hidden': 'true', class: 'vote-mark' }, p.ready ? '✓' : '…'),
          ` ${p.seat === state.you.seat ? t('player.ready.you') : p.name}: ${p.ready ? t('player.ready.ready') : t('player.ready.not_yet')}`,
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
    this.button = h('button', { type: 'button', class: 'secondary', testid: 'guess-submit', 'data-action': 'true' }, t('player.guess.save'));
    this.status = h('p', { class: 'muted small', testid: 'guess-status', 'aria-live': 'polite' });
    this.error = h('p', { class: 'error', testid: 'error', 'data-error-for': 'guess', role: 'alert', hidden: true });
    this.title = h('h2', null, t('player.guess.before_you_talk'));
    this.lead = h('p', { class: 'muted' });
    this.button.addEventListener('click', () => {
      setLastAction('guess');
      if (!send({ type: 'guess_priorities', order: this.list.ids() })) this.showError(OFFLINE());
    });
    this.el = h(
      'section',
      { class: 'card guess', testid: 'guess', 'aria-label': t('player.guess.label') },
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
    const who = others.length === 1 ? others[0].name : t('player.guess.the_others');
    this.title.textContent = t('player.guess.title', { who });
    this.lead.textContent =
      t('player.guess.text');
    const saved = !!state.you.guessed_priorities;
    this.button.textContent = saved ? t('player.guess.update') : t('player.guess.save');
    this.button.disabled = !allowed(state, 'guess_priorities');
    if (this.list.disabled !== !!state.paused) this.list.setDisabled(!!state.paused);
    this.status.textContent = saved ? t('player.guess.saved') : t('player.guess.optional');
    this.status.dataset.saved = String(saved);
  }
}
