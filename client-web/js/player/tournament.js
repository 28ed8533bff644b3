// Tournaments on the match view: the standing card in results, the card that opens a new round.

import { h, clear } from '../dom.js';

/** @typedef {import('./state.js').TournamentMsg} TournamentMsg */
/** @typedef {import('./state.js').Standing} Standing */
/** @typedef {import('../types.js').StateView} StateView */

export class TournamentCards {
  constructor() {
    this.standingCard = h('section', { class: 'card tournament-card', testid: 'tournament-standing', hidden: true });
    this.roundIntro = h('section', { class: 'card calm round-intro', testid: 'round-intro', hidden: true });
  }

  /**
   * Between tournament rounds: where the player stands (trust only from 3 ratings on).
   * @param {TournamentMsg | null} t the last tournament frame
   * @param {StateView} s
   * @param {HTMLElement} matchEl the match view (its leave button, its between-rounds class)
   */
  render(t, s, matchEl) {
    clear(this.standingCard);
    this.standingCard.hidden = !(t && s && s.phase === 'results');
    if (t && s) this.renderRoundIntro(t, s, matchEl);
    // Leaving between rounds would drop this device's seat for the next round.
    const leave = /** @type {HTMLElement | null} */ (matchEl.querySelector('[data-testid="leave"]'));
    if (leave) leave.hidden = !!t && t.status !== 'finished';
    if (this.standingCard.hidden || !t) return;
    const st = t.standing || {};
    const next =
      t.status === 'finished' || t.round >= t.rounds
        ? 'That was the last round.'
        : `Round ${t.round + 1} starts when your facilitator is ready.`;
    this.standingCard.append(
      h('h2', null, `Tournament · round ${t.round} of ${t.rounds}`),
      h('p', { class: 'big', testid: 'tournament-rank' }, standingWords(st)),
      h('p', { class: 'muted' }, standingDetail(st)),
      h('p', { class: 'muted small' }, next),
    );
  }

  /**
   * A new round's match opens on a card naming the round, until the player goes on.
   * @param {TournamentMsg} t
   * @param {StateView} s
   * @param {HTMLElement} matchEl
   */
  renderRoundIntro(t, s, matchEl) {
    const key = `parley.roundSeen.${s.match_id}`;
    let seen = false;
    try {
      seen = sessionStorage.getItem(key) === '1';
    } catch {
      /* ignore */
    }
    const fresh = t.status === 'playing' && t.round > 1 && s.phase !== 'results' && !seen;
    this.roundIntro.hidden = !fresh;
    matchEl.classList.toggle('between-rounds', fresh);
    if (!fresh) return;
    clear(this.roundIntro);
    const go = h('button', { type: 'button', class: 'primary', testid: 'round-start' }, `Go to round ${t.round}`);
    go.addEventListener('click', () => {
      try {
        sessionStorage.setItem(key, '1');
      } catch {
        /* ignore */
      }
      this.roundIntro.hidden = true;
      matchEl.classList.remove('between-rounds');
      window.scrollTo({ top: 0 });
    });
    const others = s.players.filter((p) => p.seat !== s.you.seat).map((p) => p.name);
    this.roundIntro.append(
      h('h1', { testid: 'round-title' }, `Round ${t.round} of ${t.rounds}`),
      h('p', { class: 'big' }, standingWords(t.standing || {}, true)),
      h('p', { class: 'muted' }, standingDetail(t.standing || {})),
      h('p', null, `This round: ${s.scenario.title}, as ${s.you.role.name}, with ${others.join(', ') || 'a new partner'}.`),
      h('div', { class: 'button-row center' }, go),
    );
  }
}

/** @param {number} n */
function ordinal(n) {
  const v = n % 100;
  /** @type {Record<number, string>} */
  const suffixes = { 1: 'st', 2: 'nd', 3: 'rd' };
  const suffix = v >= 11 && v <= 13 ? 'th' : suffixes[n % 10] || 'th';
  return `${n}${suffix}`;
}

/**
 * @param {Standing} st
 * @param {boolean} [before] said before the round is played
 */
function standingWords(st, before) {
  if (!st || typeof st.rank !== 'number') return '';
  if (!st.played) return before ? 'The first round: everyone starts level.' : 'No match played yet.';
  return `You are ${ordinal(st.rank)} of ${st.of}${before ? ' so far' : ''}.`;
}

/** @param {Standing} st */
function standingDetail(st) {
  if (!st || !st.played) return '';
  const parts = [`Value ${Math.round((st.value || 0) * 100)}/100 over ${st.played} match${st.played === 1 ? '' : 'es'}`];
  if (typeof st.trust === 'number') parts.push(`trust ${Math.round(st.trust)}/100`);
  else if (st.trust_private) parts.push('your trust score shows once at least 3 people have rated you');
  return `${parts.join('; ')}.`;
}
