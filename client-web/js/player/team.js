// Teams (a seat held by 2–4 people): the team card (who is on the team, the decision rule in
// effect, the proposal waiting for approval with Approve/Decline), the private caucus panel
// beside the public chat, and each member's part in the results. Only the team's own members are
// ever sent its caucus; names and text go in as text nodes (../dom.js).

import { h, clear, show, uid } from '../dom.js';
import { allowed } from '../format.js';
import { t, tn, num, dateTime } from '../i18n.js';

/** @typedef {import('../types.js').StateView} StateView */
/** @typedef {import('../types.js').ClientMsg} ClientMsg */
/** @typedef {import('../types.js').CaucusLineView} CaucusLineView */
/** @typedef {import('../types.js').MotionView} MotionView */
/** @typedef {import('../types.js').ResultsView} ResultsView */

/**
 * The names of a seat's team by member index.
 * @param {StateView} state
 * @param {number} seat
 */
function memberNames(state, seat) {
  const p = state.players.find((x) => x.seat === seat);
  return p && p.members ? p.members.map((m) => m.name) : [];
}

/**
 * The member indexes of a seat's team the facilitator removed (the team plays on without them).
 * @param {StateView} state
 * @param {number} seat
 * @returns {Set<number>}
 */
function removedMembers(state, seat) {
  const p = state.players.find((x) => x.seat === seat);
  return new Set(((p && p.members) || []).filter((m) => m.removed).map((m) => m.member));
}

/**
 * What a proposal does, in words.
 * @param {StateView} state
 * @param {MotionView} m
 */
function motionText(state, m) {
  if (m.act === 'offer' && m.package) {
    const pkg = m.package;
    const parts = state.scenario.issues.map((i) => `${i.name}: ${i.options[pkg[i.id]] ?? '?'}`);
    return t('teams.motion.offer', { terms: parts.join('; '), points: num(m.value_to_you ?? 0) });
  }
  if (m.act === 'accept') {
    const offer = (state.offers || []).find((o) => o.id === m.offer_id);
    return offer ? t('teams.motion.accept_worth', { points: num(offer.value_to_you) }) : t('teams.motion.accept');
  }
  return t('teams.motion.walk_away');
}

export class TeamPanel {
  /**
   * @param {{send: (msg: ClientMsg) => boolean, setLastAction: (area: string) => void}} opts
   */
  constructor(opts) {
    this.opts = opts;
    /** @type {StateView | null} */
    this.state = null;

    // The team card: members, the rule, the proposal waiting for approval.
    this.members = h('p', { class: 'team-members', testid: 'team-members' });
    this.rule = h('p', { class: 'team-rule muted small', testid: 'team-rule' });
    this.spokesRow = h('div', { class: 'team-spokes button-row', testid: 'team-spokesperson', hidden: true });
    this.motion = h('div', { class: 'team-motion', testid: 'team-motion', role: 'status', hidden: true });
    this.error = h('p', { class: 'error', testid: 'error', 'data-error-for': 'team', role: 'alert', hidden: true });
    this.card = h(
      'section',
      { class: 'team-card card', testid: 'team-card', 'aria-label': t('teams.card.label') },
      h('h2', { class: 'panel-title' }, t('teams.card.title')),
      this.members,
      this.rule,
      this.spokesRow,
      this.motion,
      this.error,
    );

    // The caucus: a chat of its own, private to the team and drawn apart from the public one.
    const inputId = uid('caucus-input');
    this.log = h('ol', {
      class: 'chat-log caucus-log',
      testid: 'caucus-log',
      'aria-live': 'polite',
      'aria-relevant': 'additions',
      'aria-label': t('teams.caucus.log'),
      tabindex: '0',
    });
    this.empty = h('p', { class: 'chat-empty muted' }, t('teams.caucus.empty'));
    this.input = h('input', {
      id: inputId,
      type: 'text',
      class: 'chat-input',
      testid: 'caucus-input',
      maxlength: '1000',
      autocomplete: 'off',
      placeholder: t('teams.caucus.placeholder'),
    });
    this.sendButton = h('button', { type: 'submit', class: 'secondary', testid: 'caucus-send' }, t('teams.caucus.send'));
    this.caucusError = h('p', { class: 'error', testid: 'error', 'data-error-for': 'caucus', role: 'alert', hidden: true });
    const form = h(
      'form',
      { class: 'chat-form caucus-form', novalidate: true },
      h('label', { for: inputId, class: 'sr-only' }, t('teams.caucus.message')),
      this.input,
      this.sendButton,
    );
    form.addEventListener('submit', (ev) => {
      ev.preventDefault();
      this.submit();
    });
    this.caucus = h(
      'section',
      { class: 'panel caucus-panel', testid: 'caucus-panel', 'aria-label': t('teams.caucus.title') },
      h(
        'div',
        { class: 'caucus-head' },
        h('h2', { class: 'panel-title' }, t('teams.caucus.title')),
        h('span', { class: 'caucus-badge', testid: 'caucus-private' }, t('teams.caucus.private')),
      ),
      h('p', { class: 'muted small caucus-note' }, t('teams.caucus.note')),
      h('div', { class: 'chat-scroll caucus-scroll' }, this.empty, this.log),
      form,
      this.caucusError,
    );
  }

  submit() {
    const text = this.input.value.trim();
    this.showCaucusError('');
    if (!text) return this.showCaucusError(t('teams.caucus.type_first'));
    this.opts.setLastAction('caucus');
    if (!this.opts.send({ type: 'caucus', text })) return this.showCaucusError(t('teams.caucus.offline'));
    this.input.value = '';
    this.input.focus();
  }

  /** @param {string} text */
  showCaucusError(text) {
    this.caucusError.textContent = text;
    this.caucusError.hidden = !text;
  }

  /** @param {string} text */
  showError(text) {
    this.error.textContent = text;
    this.error.hidden = !text;
  }

  /** @param {CaucusLineView[]} lines the team's caucus so far */
  reset(lines) {
    clear(this.log);
    for (const line of lines) this.add(line);
  }

  /** @param {CaucusLineView} line */
  add(line) {
    const me = this.state && this.state.team ? line.member === this.state.team.member : false;
    const scroller = this.log.parentElement;
    this.log.appendChild(
      h(
        'li',
        { class: ['chat-line', 'caucus-line', me ? 'mine' : 'theirs'], 'data-member': String(line.member) },
        h(
          'span',
          { class: 'chat-meta' },
          h('span', { class: 'chat-name' }, me ? t('teams.you_name', { name: line.name }) : line.name),
          ` · ${dateTime(line.at, { timeStyle: 'short' })}`,
        ),
        h('span', { class: 'chat-text' }, line.text),
      ),
    );
    this.empty.hidden = true;
    if (scroller) scroller.scrollTop = scroller.scrollHeight;
  }

  /** @param {StateView} state */
  update(state) {
    this.state = state;
    const team = state.team;
    if (!team) return;
    const names = memberNames(state, state.you.seat);
    const removed = removedMembers(state, state.you.seat);
    const mine = team.member;
    clear(this.members);
    this.members.append(
      t('teams.card.with'),
      ' ',
      ...names.flatMap((n, i) => [
        i ? ', ' : '',
        removed.has(i)
          ? h('span', { class: 'muted', 'data-member': String(i), 'data-removed': 'true' }, t('teams.removed_name', { name: n }))
          : h('strong', { 'data-member': String(i) }, i === mine ? t('teams.you_name', { name: n }) : n),
      ]),
    );
    const speaker = names[team.spokesperson] || '';
    if (team.decision === 'spokesperson') {
      this.rule.textContent =
        team.spokesperson === mine ? t('teams.rule.spokesperson_you') : t('teams.rule.spokesperson', { name: speaker });
    } else if (team.decision === 'consensus') {
      this.rule.textContent = t('teams.rule.consensus');
    } else {
      this.rule.textContent = t('teams.rule.any');
    }
    this.renderSpokes(state, names);
    this.renderMotion(state, names);
    const open = allowed(state, 'caucus');
    this.input.disabled = !open;
    this.sendButton.disabled = !open;
    this.input.placeholder = state.paused ? t('teams.caucus.paused') : t('teams.caucus.placeholder');
    show(this.caucus, state.phase === 'prep' || state.phase === 'small_talk' || state.phase === 'bargaining');
    show(this.card, state.phase !== 'results');
  }

  /**
   * Under the spokesperson rule, any member may hand the role to a teammate.
   * @param {StateView} state
   * @param {string[]} names
   */
  renderSpokes(state, names) {
    const team = /** @type {import('../types.js').TeamView} */ (state.team);
    clear(this.spokesRow);
    const can = allowed(state, 'spokesperson');
    show(this.spokesRow, can);
    if (!can) return;
    const removed = removedMembers(state, state.you.seat);
    names.forEach((name, member) => {
      if (member === team.spokesperson || removed.has(member)) return;
      const b = h(
        'button',
        { type: 'button', class: 'secondary small', 'data-action': 'spokesperson', testid: `make-spokesperson-${member}` },
        t('teams.spokesperson.make', { name }),
      );
      b.addEventListener('click', () => {
        this.opts.setLastAction('team');
        this.opts.send({ type: 'spokesperson', member });
      });
      this.spokesRow.appendChild(b);
    });
  }

  /**
   * The proposal waiting for the team: what it does, who approved, and Approve/Decline for a
   * teammate who has not answered yet.
   * @param {StateView} state
   * @param {string[]} names
   */
  renderMotion(state, names) {
    const team = /** @type {import('../types.js').TeamView} */ (state.team);
    const m = team.motion;
    clear(this.motion);
    show(this.motion, !!m);
    if (!m) return;
    this.motion.dataset.motionId = String(m.id);
    const removed = removedMembers(state, state.you.seat);
    const waitingFor = names
      .map((n, i) => (i === team.member ? t('teams.you_name', { name: n }) : n))
      .filter((_, i) => !m.approved_by.includes(i) && !removed.has(i));
    this.motion.append(
      h('p', { class: 'team-motion-what' }, h('strong', null, t('teams.motion.by', { name: names[m.member] || '' })), ' ', motionText(state, m)),
      h(
        'p',
        { class: 'muted small', testid: 'team-motion-waiting' },
        tn('teams.motion.waiting', waitingFor.length, { names: waitingFor.join(', ') }),
      ),
    );
    if (allowed(state, 'approve')) {
      const approve = h('button', { type: 'button', class: 'primary small', 'data-action': 'approve', testid: 'motion-approve' }, t('teams.motion.approve'));
      const decline = h('button', { type: 'button', class: 'secondary small', 'data-action': 'decline', testid: 'motion-decline' }, t('teams.motion.decline'));
      approve.addEventListener('click', () => {
        this.opts.setLastAction('team');
        this.opts.send({ type: 'approve', motion_id: m.id });
      });
      decline.addEventListener('click', () => {
        this.opts.setLastAction('team');
        this.opts.send({ type: 'decline', motion_id: m.id });
      });
      this.motion.appendChild(h('div', { class: 'button-row' }, approve, decline));
    } else if (m.member === team.member) {
      this.motion.appendChild(h('p', { class: 'muted small' }, t('teams.motion.yours')));
    }
  }
}

/**
 * The results card of a match with teams: what each member of each team did.
 * @param {StateView} state
 * @param {ResultsView} r
 */
export function memberResults(state, r) {
  const members = r.members || [];
  const roleOf = (/** @type {number} */ seat) => (r.roles[seat] ? r.roles[seat].name : '');
  /** @type {HTMLTableRowElement[]} */
  const rows = [];
  members.forEach((m, i) => {
    // One heading row per team: its role.
    if (i === 0 || members[i - 1].seat !== m.seat) {
      rows.push(h('tr', { class: 'team-row' }, h('th', { scope: 'colgroup', colspan: '6' }, roleOf(m.seat))));
    }
    rows.push(
      h(
        'tr',
        { class: m.seat === state.you.seat ? 'me' : null, testid: `member-result-${m.seat}-${m.member}` },
        h('th', { scope: 'row' }, m.name),
        h('td', { class: 'num' }, num(m.messages)),
        h('td', { class: 'num' }, num(m.statements)),
        h('td', { class: 'num' }, num(m.offers)),
        h('td', { class: 'num' }, num(m.accepts)),
        h('td', { class: 'num' }, num(m.caucus_lines)),
      ),
    );
  });
  return h(
    'section',
    { class: 'card team-results', testid: 'results-members' },
    h('h2', null, t('teams.results.title')),
    h('p', { class: 'muted small' }, t('teams.results.note')),
    h(
      'div',
      { class: 'table-scroll' },
      h(
        'table',
        { class: 'data-table' },
        h(
          'thead',
          null,
          h(
            'tr',
            null,
            h('th', { scope: 'col' }, t('teams.results.member')),
            h('th', { scope: 'col', class: 'num' }, t('teams.results.messages')),
            h('th', { scope: 'col', class: 'num' }, t('teams.results.statements')),
            h('th', { scope: 'col', class: 'num' }, t('teams.results.offers')),
            h('th', { scope: 'col', class: 'num' }, t('teams.results.accepts')),
            h('th', { scope: 'col', class: 'num' }, t('teams.results.caucus')),
          ),
        ),
        h('tbody', null, rows),
      ),
    ),
  );
}
