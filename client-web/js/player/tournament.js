// Tournaments on the match view: the standing card in results, the card that opens a new round.

import { h, clear } from '../dom.js';
import { t, tn, num, language } from '../i18n.js';

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
   * @param {TournamentMsg | null} tour the last tournament frame
   * @param {StateView} s
   * @param {HTMLElement} matchEl the match view (its leave button, its between-rounds class)
   */
  render(tour, s, matchEl) {
    clear(this.standingCard);
    this.standingCard.hidden = !(tour && s && s.phase === 'results');
    if (tour && s) this.renderRoundIntro(tour, s, matchEl);
    // Leaving between rounds would drop this device's seat for the next round.
    const leave = /** @type {HTMLElement | null} */ (matchEl.querySelector('[data-testid="leave"]'));
    if (leave) leave.hidden = !!tour && tour.status !== 'finished';
    if (this.standingCard.hidden || !tour) return;
    const st = tour.standing || {};
    const next =
      tour.status === 'finished' || tour.round >= tour.rounds
        ? t('player.tournament.last_round')
        : t('player.tournament.next_round', { round: num(tour.round + 1) });
    this.standingCard.append(
      h('h2', null, t('player.tournament.heading', { round: num(tour.round), rounds: num(tour.rounds) })),
      h('p', { class: 'big', testid: 'tournament-rank' }, standingWords(st)),
      h('p', { class: 'muted' }, standingDetail(st)),
      h('p', { class: 'muted small' }, next),
    );
  }

  /**
   * A new round's match opens on a card naming the round, until the player goes on.
   * @param {TournamentMsg} tour
   * @param {StateView} s
   * @param {HTMLElement} matchEl
   */
  renderRoundIntro(tour, s, matchEl) {
    const key = `parley.roundSeen.${s.match_id}`;
    let seen = false;
    try {
      seen = sessionStorage.getItem(key) === '1';
    } catch {
      /* ignore */
    }
    const fresh = tour.status === 'playing' && tour.round > 1 && s.phase !== 'results' && !seen;
    this.roundIntro.hidden = !fresh;
    matchEl.classList.toggle('between-rounds', fresh);
    if (!fresh) return;
    clear(this.roundIntro);
    const go = h('button', { type: 'button', class: 'primary', testid: 'round-start' }, t('player.tournament.go_to_round', { round: num(tour.round) }));
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
      h('h1', { testid: 'round-title' }, t('player.tournament.round_of', { round: num(tour.round), rounds: num(tour.rounds) })),
      h('p', { class: 'big' }, standingWords(tour.standing || {}, true)),
      h('p', { class: 'muted' }, standingDetail(tour.standing || {})),
      h('p', null, t('player.tournament.this_round', { title: s.scenario.title, role: s.you.role.name, others: others.join(', ') || t('player.tournament.new_partner') })),
      h('div', { class: 'button-row center' }, go),
    );
  }
}

/** @param {number} n */
function ordinal(n) {
  // English has four ordinal forms (1st, 2nd, 3rd, 4th); Spanish and German one each (1.º, 1.).
  const form = new Intl.PluralRules(language(), { type: 'ordinal' }).select(n);
  const keys = { one: 'player.ordinal.one', two: 'player.ordinal.two', few: 'player.ordinal.few' };
  return t(keys[/** @type {'one' | 'two' | 'few'} */ (form)] || 'player.ordinal.other', { n: num(n) });
}

/**
 * @param {Standing} st
 * @param {boolean} [before] said before the round is played
 */
function standingWords(st, before) {
  if (!st || typeof st.rank !== 'number') return '';
  if (!st.played) return before ? t('player.tournament.first_round') : t('player.tournament.none_played');
  const vars = { rank: ordinal(st.rank), of: num(st.of || 0) };
  return before ? t('player.tournament.rank_so_far', vars) : t('player.tournament.rank', vars);
}

/** @param {Standing} st */
function standingDetail(st) {
  if (!st || !st.played) return '';
  const parts = [tn('player.tournament.value_over', st.played, { value: num(Math.round((st.value || 0) * 100)) })];
  if (typeof st.trust === 'number') parts.push(t('player.tournament.trust', { trust: num(Math.round(st.trust)) }));
  else if (st.trust_private) parts.push(t('player.tournament.trust_private'));
  return `${parts.join('; ')}.`;
}
