// The match view: one per match, built from its first state frame and updated by each one after.
// It holds the panels (chat, bargaining, survey, results), the parts of single phases
// (./phases.js), the tournament cards (./tournament.js), and sends one match-changing request at
// a time.

import { h, clear, show, replace, $ } from '../dom.js';
import { forgetToken } from '../conn.js';
import { phaseLabel, pts, spokenDuration, versusBatna, allowed, drillGoal } from '../format.js';
import { briefPanel } from '../brief.js';
import { ChatPanel } from '../chat.js';
import { coachText } from '../server-words.js';
import { BargainPanel } from '../bargain.js';
import { SurveyPanel } from '../survey.js';
import { resultsView } from '../results.js';
import { DisclosePanel } from '../disclose.js';
import { app, conn } from './state.js';
import { announce } from './screens.js';
import { notYou } from './waiting.js';
import { updateCountdown } from './countdown.js';
import { PhaseIntro, ReadyBar, GuessCard } from './phases.js';
import { TournamentCards } from './tournament.js';
import { t } from '../i18n.js';
import { TeamPanel, memberResults } from './team.js';

/** @typedef {import('../types.js').StateView} StateView */
/** @typedef {import('../types.js').ClientMsg} ClientMsg */
/** @typedef {import('../types.js').CoachView} CoachView */

// Requests that change the match: sent one at a time (see the constructor's send).
const FLIGHT_TYPES = new Set([
  'offer', 'accept', 'reject', 'withdraw', 'walk_away', 'ready', 'survey', 'skip_survey', 'guess_priorities', 'disclose',
  'propose_terms', 'agree_terms', 'reject_terms', 'withdraw_terms', 'reopen_terms', 'approve', 'decline', 'spokesperson',
]);

export class MatchView {
  /** @param {StateView} state the match's first state frame */
  constructor(state) {
    this.matchId = state.match_id;
    this.state = state;
    /** @type {string | null} */
    this.phase = null;
    this.resultsBuilt = false;
    /** @type {string | undefined} */
    this.presenceKey = undefined;
    /** @type {ReturnType<typeof setTimeout> | undefined} */
    this.flightTimer = undefined;
    /** @type {ReturnType<typeof setTimeout> | undefined} */
    this.offerAlertTimer = undefined;

    // One request at a time: a second click while the first is on its way is not sent (a
    // double click must not make two offers), and the action buttons stay disabled until the
    // server answers with a state or an error.
    /** @type {string | null} */
    this.inFlight = null;
    /** @param {ClientMsg} msg */
    const send = (msg) => {
      if (FLIGHT_TYPES.has(msg.type) && this.inFlight) return true;
      const ok = conn.send(msg);
      if (ok && FLIGHT_TYPES.has(msg.type)) this.startFlight(msg.type);
      return ok;
    };
    /** @param {string} area */
    const setLastAction = (area) => {
      app.lastAction = area;
      this.clearError(area);
    };
    /** @param {number} seat */
    const playerName = (seat) => {
      const p = (this.state.players || []).find((x) => x.seat === seat);
      return p ? p.name : t('common.player_n', { n: seat + 1 });
    };
    /** @param {number} seat */
    const playerLabel = (seat) => {
      const p = (this.state.players || []).find((x) => x.seat === seat);
      if (!p) return t('common.player_n', { n: seat + 1 });
      return p.role && p.role.name ? `${p.name} · ${p.role.name}` : p.name;
    };
    this.playerName = playerName;

    this.chat = new ChatPanel({
      /**
       * @param {string} text
       * @param {import('../types.js').Expression | null} expression
       */
      send: (text, expression) => {
        setLastAction('chat');
        return send(expression ? { type: 'chat', text, expression } : { type: 'chat', text });
      },
      mySeat: () => this.state.you.seat,
      // In a team seat, only my own lines are mine (not a teammate's).
      myMember: () => (this.state.team ? this.state.team.member : null),
      playerName,
      issues: () => this.state.scenario.issues,
    });
    // Teams: the team card and the private caucus beside the public chat (./team.js).
    this.team = state.team ? new TeamPanel({ send, setLastAction }) : null;
    this.bargain = new BargainPanel({ send, setLastAction, playerName, playerLabel });
    this.survey = new SurveyPanel({
      send,
      setLastAction,
      counterpartLabel: () => {
        const others = this.state.players.filter((p) => p.seat !== this.state.you.seat);
        return others.length === 1 ? others[0].name : t('player.match.the_other_parties');
      },
    });

    // Bargaining: checked statements about my interests, under the chat box.
    this.disclose = new DisclosePanel({ send, setLastAction });
    this.chat.el.appendChild(this.disclose.el);

    this.guess = new GuessCard(state, { send, setLastAction });
    this.ready = new ReadyBar({ send, setLastAction });
    this.intro = new PhaseIntro();
    this.tournament = new TournamentCards();

    // Header strip: who I am, who is here, the brief toggle.
    this.players = h('ul', { class: 'players', testid: 'players', 'aria-label': t('player.match.players') });
    this.roleChip = h('p', { class: 'role-chip' });
    // Observers (the fishbowl): the players know who watches them.
    this.observedBy = h('p', { class: 'observed-by muted small', testid: 'observed-by', hidden: true });
    this.briefToggle = h(
      'button',
      { type: 'button', class: 'secondary small', testid: 'brief-toggle', 'aria-expanded': 'false', 'aria-controls': 'brief-drawer' },
      t('player.match.brief_toggle'),
    );
    this.briefToggle.addEventListener('click', () => {
      app.briefOpen = !app.briefOpen;
      this.renderBriefOpen();
      if (app.briefOpen) this.briefDrawer.scrollIntoView({ block: 'nearest' });
    });
    this.presence = h('div', { class: 'presence-note', testid: 'presence', role: 'status', hidden: true });
    this.generalError = h('p', { class: 'error', testid: 'error', 'data-error-for': 'general', role: 'alert', hidden: true });

    this.offerAlert = h('div', { class: 'offer-alert', testid: 'offer-alert', role: 'alert', hidden: true });
    // Coaching nudges: private to this player, next to the conversation.
    this.coachNote = h('div', { class: 'coach-note', testid: 'coach-note', role: 'status', hidden: true });
    // The practice drill this player chose: its goal stays in view until the results judge it.
    this.drillNote = h('p', { class: 'drill-note', testid: 'drill-note', hidden: true });
    this.notYou = h(
      'button',
      { type: 'button', class: 'link-button small not-you-button', testid: 'not-you-match' },
      t('player.match.not_you'),
    );
    this.notYou.addEventListener('click', () => {
      const name = this.state && this.state.you ? this.state.you.name : '';
      if (window.confirm(t('player.match.not_you_confirm', { name }))) notYou();
    });
    this.briefDrawer = h('section', { class: 'brief-drawer card', id: 'brief-drawer', testid: 'brief-panel', 'aria-label': t('player.match.your_brief') });
    this.briefDrawer.appendChild(briefPanel(state.scenario, state.you));

    this.results = h('div', { class: 'results-slot' });
    const talk = this.team ? h('div', { class: 'talk-column' }, this.chat.el, this.team.caucus) : this.chat.el;
    this.layout = h('div', { class: 'layout' }, talk, this.bargain.el, this.survey.el, this.results);

    this.el = h(
      'div',
      { class: 'match' },
      h(
        'div',
        { class: 'match-strip' },
        h('div', { class: 'match-who' }, this.roleChip, this.players, this.observedBy),
        h('div', { class: 'match-tools' }, this.briefToggle, this.notYou),
      ),
      this.tournament.roundIntro,
      this.presence,
      this.generalError,
      this.offerAlert,
      this.drillNote,
      this.coachNote,
      this.tournament.standingCard,
      this.intro.el,
      this.ready.el,
      this.team ? this.team.card : null,
      this.briefDrawer,
      this.guess.el,
      this.layout,
    );
  }

  /** @param {string} type the request on its way */
  startFlight(type) {
    this.inFlight = type;
    this.el.dataset.busy = 'true';
    for (const b of this.actionButtons()) b.disabled = true;
    clearTimeout(this.flightTimer);
    // The answer can be lost with the connection: the buttons come back in any case.
    this.flightTimer = setTimeout(() => this.endFlight(), 10000);
  }

  /** @returns {NodeListOf<HTMLButtonElement>} */
  actionButtons() {
    return this.el.querySelectorAll('button[data-action]');
  }

  /**
   * The server answered (a state, an error): the buttons work again.
   * @param {string} [kind] `chat` when the answer was a chat line (it ends only a disclosure)
   */
  endFlight(kind) {
    if (!this.inFlight || (kind === 'chat' && this.inFlight !== 'disclose')) return;
    this.inFlight = null;
    clearTimeout(this.flightTimer);
    delete this.el.dataset.busy;
    if (this.state) this.update(this.state, this.state, { refresh: true });
  }

  /**
   * A coaching nudge (only this player sees it).
   * @param {CoachView} msg
   */
  showCoach(msg) {
    clear(this.coachNote);
    const close = h('button', { type: 'button', class: 'link-button small', 'aria-label': t('player.coach.dismiss') }, t('player.coach.got_it'));
    close.addEventListener('click', () => {
      this.coachNote.hidden = true;
    });
    this.coachNote.append(
      h('span', { class: 'coach-label' }, t('player.coach.label')),
      h('span', { class: 'coach-text', testid: 'coach-text', 'data-rule': msg.rule }, coachText(msg)),
      close,
    );
    this.coachNote.hidden = false;
  }

  /** Between tournament rounds: where the player stands, and the card that opens a round. */
  renderTournament() {
    this.tournament.render(app.tournament, this.state, this.el);
  }

  /** @param {string} area */
  clearError(area) {
    if (area === 'chat') this.chat.showError('');
    else if (area === 'offer' || area === 'offers' || area === 'terms') this.bargain.showError(area, '');
    else if (area === 'survey') this.survey.showError('');
    else if (area === 'ready' || area === 'guess' || area === 'disclose') this.showError(area, '');
    else if (this.team && area === 'team') this.team.showError('');
    else if (this.team && area === 'caucus') this.team.showCaucusError('');
    this.generalError.hidden = true;
  }

  /**
   * Shows an error next to the control it is about.
   * @param {string} area
   * @param {string} text
   * @param {string} [code] the server's error code, when the server refused
   */
  showError(area, text, code) {
    switch (area) {
      case 'chat':
        this.chat.showError(text);
        if (text && code) this.chat.refused();
        break;
      case 'offer':
      case 'offers':
      case 'terms':
        this.bargain.showError(area, text);
        break;
      case 'survey':
        this.survey.showError(text);
        break;
      case 'ready':
        this.ready.showError(text);
        break;
      case 'guess':
        this.guess.showError(text);
        break;
      case 'disclose':
        this.disclose.showError(text);
        break;
      case 'team':
      case 'caucus':
        if (!this.team) break;
        if (area === 'team') this.team.showError(text);
        else this.team.showCaucusError(text);
        break;
      default:
        this.generalError.textContent = text;
        this.generalError.hidden = !text;
    }
  }

  renderBriefOpen() {
    const phase = this.state.phase;
    const always = phase === 'prep';
    const open = always || app.briefOpen;
    show(this.briefDrawer, open);
    show(this.briefToggle, !always);
    this.briefToggle.setAttribute('aria-expanded', String(open));
    this.briefToggle.textContent = open ? t('player.match.brief_hide') : t('player.match.brief_toggle');
  }

  refreshEnabled() {
    const s = this.state;
    const online = conn.isOpen();
    this.chat.setEnabled(allowed(s, 'chat'), s.paused ? t('player.chat.paused') : t('player.chat.placeholder'));
    this.disclose.setEnabled(allowed(s, 'disclose'));
    if (!online) this.chat.sendButton.disabled = false; // let the player try: the offline message explains
  }

  /**
   * @param {StateView} state the new state
   * @param {StateView | null} prev the one before (null for the first)
   * @param {{refresh?: boolean}} [options] refresh: the same state drawn again (a request ended)
   */
  update(state, prev, { refresh = false } = {}) {
    if (!refresh && this.inFlight) {
      // The answer to the request in flight (or news that replaces it).
      this.inFlight = null;
      clearTimeout(this.flightTimer);
      delete this.el.dataset.busy;
    }
    this.state = state;
    const phase = state.phase;
    const phaseChanged = this.phase !== phase;
    this.phase = phase;
    document.body.dataset.phase = phase;
    this.el.dataset.phase = phase;

    // Top bar.
    const phaseEl = $('[data-testid="phase"]');
    phaseEl.textContent = state.paused ? t('player.match.phase_paused', { phase: phaseLabel(phase) }) : phaseLabel(phase);
    phaseEl.dataset.phase = phase;
    const title = $('[data-testid="match-title"]');
    title.textContent = state.scenario.title;
    document.title = `Parley — ${phaseLabel(phase)}`;

    const watchers = state.observers || [];
    this.observedBy.textContent = watchers.length ? t('player.match.observed_by', { names: watchers.join(', ') }) : '';
    this.observedBy.hidden = !watchers.length;

    // Who I am and who is here.
    clear(this.roleChip);
    this.roleChip.append(t('player.match.you_are'), h('strong', null, state.you.role.name), t('player.match.walk_away', { points: pts(state.you.batna) }));
    clear(this.players);
    for (const p of state.players) {
      const me = p.seat === state.you.seat;
      this.players.appendChild(
        h(
          'li',
          { class: ['player', p.online ? 'online' : 'offline'], testid: `player-${p.seat}`, 'data-online': String(!!p.online) },
          h('span', { class: 'dot', 'aria-hidden': 'true' }),
          h('span', { class: 'player-name' }, me ? t('player.match.name_you', { name: p.name }) : p.name),
          h('span', { class: 'player-role' }, p.role ? p.role.name : ''),
          h('span', { class: 'sr-only' }, p.online ? t('player.match.online') : t('player.match.offline')),
        ),
      );
    }
    this.updatePresence(state);

    if (phaseChanged) {
      this.clearError('general');
      if (prev && prev.match_id === state.match_id) announce(t('player.match.phase_started', { phase: phaseLabel(phase) }));
      if (phase !== 'prep') app.briefOpen = false;
      window.scrollTo({ top: 0 });
    }
    this.renderBriefOpen();
    this.intro.update(state);
    this.ready.update(state);
    this.guess.update(state);
    if (this.team) this.team.update(state);
    // A treatment arm can turn the statement tool off: then it is not offered at all (while paused
    // nothing is allowed, so the panel stays, disabled).
    show(this.disclose.el, phase === 'bargaining' && (allowed(state, 'disclose') || !!state.paused));
    if (phase === 'bargaining') this.disclose.setIssues(state.scenario.issues);

    // Panels per phase. Preparation is for reading: chat opens with the conversation.
    const chatPhase = phase === 'small_talk' || phase === 'bargaining';
    show(this.chat.el, chatPhase);
    show(this.bargain.el, phase === 'bargaining');
    show(this.survey.el, phase === 'survey');
    show(this.results, phase === 'results');
    this.layout.dataset.phase = phase;
    if (phase === 'bargaining') {
      this.bargain.update(state, { refresh });
      if (!refresh) {
        this.announceOffers(state, prev);
        this.announceTerms(state, prev);
      }
    } else {
      this.offerAlert.hidden = true;
    }
    if (!chatPhase) this.coachNote.hidden = true;
    const drill = state.you.drill;
    this.drillNote.hidden = !drill || phase === 'results';
    if (drill) replace(this.drillNote, h('strong', null, t('player.match.your_drill')), drillGoal(drill.drill, drill.goal));
    if (phase === 'survey') this.survey.update(state);
    if (phase === 'results' && state.results && !this.resultsBuilt) {
      this.resultsBuilt = true;
      clear(this.results);
      this.results.appendChild(
        resultsView(state, state.results, {
          lines: this.chat.lines,
          progress: !!(app.joined && app.joined.session && app.joined.session.kind === 'practice'),
          onLeave: () => {
            forgetToken(app.code);
            location.href = location.pathname;
          },
        }),
      );
      // Teams: who did what, right after the scores (the team's points are the role's).
      const scores = this.results.querySelector('[data-testid="results-scores"]');
      const scoresCard = scores ? scores.closest('section') : null;
      if (scoresCard && (state.results.members || []).length) scoresCard.after(memberResults(state, state.results));
    }
    this.renderTournament();
    this.refreshEnabled();
    if (this.inFlight) for (const b of this.actionButtons()) b.disabled = true;
    updateCountdown();
  }

  /**
   * A new offer from someone else: said to screen readers, and shown where the eye is.
   * @param {StateView} state
   * @param {StateView | null} prev
   */
  announceOffers(state, prev) {
    if (!prev || prev.match_id !== state.match_id) return;
    const before = new Set((prev.offers || []).map((o) => o.id));
    const fresh = (state.offers || []).filter((o) => !before.has(o.id) && o.seat !== state.you.seat && o.status === 'standing');
    if (!fresh.length) return;
    const o = fresh[fresh.length - 1];
    const text = t('player.offer_alert.text', { name: this.playerName(o.seat), points: pts(o.value_to_you), batna: versusBatna(o.value_to_you, state.you.batna) });
    announce(text);
    clear(this.offerAlert);
    const see = h('button', { type: 'button', class: 'secondary small', testid: 'offer-alert-see' }, t('player.offer_alert.see'));
    see.addEventListener('click', () => {
      this.offerAlert.hidden = true;
      const card = this.el.querySelector(`[data-offer-id="${o.id}"]`);
      if (card) {
        card.scrollIntoView({ block: 'center', behavior: 'smooth' });
        const first = card.querySelector('button');
        if (first) first.focus({ preventScroll: true });
      }
    });
    const close = h('button', { type: 'button', class: 'link-button small', 'aria-label': t('player.offer_alert.dismiss') }, t('common.dismiss'));
    close.addEventListener('click', () => {
      this.offerAlert.hidden = true;
    });
    this.offerAlert.append(h('span', { class: 'offer-alert-text' }, text), see, close);
    this.offerAlert.hidden = false;
    clearTimeout(this.offerAlertTimer);
    this.offerAlertTimer = setTimeout(() => {
      this.offerAlert.hidden = true;
    }, 20000);
  }

  /**
   * Tentative terms that changed, said to screen readers (the terms panel shows them): another
   * player's new proposal, a new agreement, a reopening.
   * @param {StateView} state
   * @param {StateView | null} prev
   */
  announceTerms(state, prev) {
    if (!prev || prev.match_id !== state.match_id) return;
    const me = state.you.seat;
    /** @type {string[]} */
    const said = [];
    for (const term of state.terms || []) {
      const before = (prev.terms || []).find((x) => x.issue === term.issue);
      const issue = state.scenario.issues.find((i) => i.id === term.issue);
      if (!issue || !before) continue;
      const p = term.proposal;
      const fresh = p && (!before.proposal || before.proposal.at !== p.at);
      if (p && fresh && p.seat !== me) {
        said.push(t('player.terms.said_proposes', { name: this.playerName(p.seat), issue: issue.name, option: issue.options[p.option] }));
      }
      if (term.agreed && (!before.agreed || before.agreed.order !== term.agreed.order)) {
        said.push(t('player.terms.said_agreed', { issue: issue.name, option: issue.options[term.agreed.option] }));
      }
      if (!term.agreed && before.agreed) said.push(t('player.terms.said_reopened', { issue: issue.name }));
    }
    if (said.length) announce(said.join(' '));
  }

  /**
   * Who is away, and whether the facilitator paused the game.
   * @param {StateView} state
   */
  updatePresence(state) {
    const me = state.you.seat;
    const gone = state.players.filter((p) => p.seat !== me && !p.online);
    const lines = [];
    if (state.paused && state.phase !== 'results') lines.push(t('player.presence.paused'));
    const dropout = state.dropout;
    if (dropout) {
      // Worded here from the data (the server's `message` is its English form).
      const name = state.players.find((p) => p.seat === dropout.seat)?.name ?? '';
      const time = spokenDuration(Math.max(0, conn.now() - dropout.gone_since));
      const key = {
        wait: 'player.presence.dropout_wait',
        abandon: 'player.presence.dropout_abandon',
        bot: 'player.presence.dropout_bot',
      }[dropout.policy];
      lines.push(t(key, { name, time }));
    }
    for (const p of gone) {
      if (dropout && dropout.seat === p.seat) continue;
      if (state.phase === 'results') continue;
      const since = typeof p.gone_since === 'number' ? conn.now() - p.gone_since : null;
      lines.push(
        since !== null && since > 15000
          ? t('player.presence.gone_for', { name: p.name, time: spokenDuration(since) })
          : t('player.presence.gone', { name: p.name }),
      );
    }
    this.presence.dataset.offline = gone.map((p) => p.seat).join(',');
    const key = lines.join('\n');
    if (key === this.presenceKey) return;
    this.presenceKey = key;
    clear(this.presence);
    for (const l of lines) this.presence.appendChild(h('p', null, l));
    show(this.presence, lines.length > 0);
  }
}
