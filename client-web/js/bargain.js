// Bargaining: the standing offers, issues agreed in principle (./terms.js), the offer builder
// with my live total (it starts from what was agreed), the history of offers, and walking away.

import { h, clear, uid } from './dom.js';
import { pts, versusBatna, offerStatus, timeOfDay, dealRule } from './format.js';
import { TermsPanel, agreedPackage, departures, listWords } from './terms.js';
import { t, tn, list } from './i18n.js';

/** @typedef {import('./types.js').StateView} StateView */
/** @typedef {import('./types.js').OfferView} OfferView */
/** @typedef {import('./types.js').PublicIssue} PublicIssue */
/** @typedef {import('./types.js').ClientMsg} ClientMsg */

/**
 * What the bargaining panel needs from the page.
 * @typedef {Object} BargainOptions
 * @property {(msg: ClientMsg) => boolean} send false when offline
 * @property {(area: string) => void} setLastAction
 * @property {(seat: number) => string} playerName
 * @property {(seat: number) => string} playerLabel a name with the role
 */

/**
 * @param {Record<string, number[]>} points
 * @param {Record<string, number>} pkg
 */
function packageTotal(points, pkg) {
  let total = 0;
  for (const [issue, idx] of Object.entries(pkg)) {
    const row = points[issue];
    if (row && typeof row[idx] === 'number') total += row[idx];
  }
  return total;
}

/**
 * @param {PublicIssue[]} issues
 * @param {Record<string, number[]>} points
 */
function scaleBounds(issues, points) {
  let min = 0;
  let max = 0;
  for (const issue of issues) {
    const row = points[issue.id] || [0];
    min += Math.min(...row);
    max += Math.max(...row);
  }
  return { min: Math.min(0, min), max: Math.max(max, 1) };
}

/**
 * A horizontal meter of my points with my walk-away marked.
 * @param {{value: number | null, batna: number, min: number, max: number, testid: string}} opts
 */
export function pointsMeter({ value, batna, min, max, testid }) {
  const span = max - min || 1;
  const pct = (/** @type {number} */ v) => `${Math.max(0, Math.min(100, ((v - min) / span) * 100))}%`;
  const fill = h('div', { class: ['meter-fill', value !== null && value < batna ? 'below' : 'above'] });
  fill.style.width = value === null ? '0%' : pct(value);
  const mark = h('div', {
    class: 'meter-batna',
    title: t('player.bargain.your_walk_away', { points: pts(batna) }),
    'data-label': t('player.bargain.meter_mark'),
  });
  mark.style.left = pct(batna);
  return h(
    'div',
    {
      class: 'meter',
      testid,
      role: 'img',
      'aria-label':
        value === null
          ? t('player.bargain.walk_away_is', { points: pts(batna) })
          : `${pts(value)}: ${versusBatna(value, batna)} (${pts(batna)})`,
    },
    fill,
    mark,
  );
}

export class BargainPanel {
  /** @param {BargainOptions} opts */
  constructor(opts) {
    this.opts = opts;
    /** @type {StateView | null} */
    this.state = null;
    /** Issue id → the option chosen in the builder (null: none yet). @type {Record<string, number | null>} */
    this.selection = {};
    /** @type {Record<string, HTMLSelectElement>} */
    this.selects = {};
    /** @type {string | null} */
    this.builtFor = null;
    this.lastOffersKey = '';
    this.agreedKey = '';
    /** @type {Record<string, HTMLElement>} */
    this.notes = {};
    this.bounds = { min: 0, max: 1 };
    this.terms = new TermsPanel(opts);

    this.standingList = h('div', { class: 'standing-list', testid: 'standing-offers' });
    this.offersError = h('p', { class: 'error', testid: 'error', 'data-error-for': 'offers', role: 'alert', hidden: true });

    this.builderFields = h('div', { class: 'builder-fields' });
    this.totalText = h('p', { class: 'offer-total', testid: 'offer-total', 'aria-live': 'polite' });
    this.meterSlot = h('div', { class: 'meter-slot' });
    this.sendButton = h('button', { type: 'submit', class: 'primary', testid: 'offer-send', 'data-action': 'true' }, t('player.bargain.send_offer'));
    this.bestButton = h('button', { type: 'button', class: 'secondary small', testid: 'offer-fill-best' }, t('player.bargain.fill_best'));
    this.clearButton = h('button', { type: 'button', class: 'secondary small', testid: 'offer-clear' }, t('player.bargain.clear'));
    this.builderError = h('p', { class: 'error', testid: 'error', 'data-error-for': 'offer', role: 'alert', hidden: true });
    this.builder = h(
      'form',
      { class: 'panel offer-builder', testid: 'offer-builder', novalidate: true, 'aria-label': t('player.bargain.build') },
      h('h2', { class: 'panel-title' }, t('player.bargain.make_offer')),
      h('p', { class: 'muted small' }, t('player.bargain.make_offer_hint')),
      h('div', { class: 'builder-tools' }, this.bestButton, this.clearButton),
      this.builderFields,
      h('div', { class: 'builder-summary' }, this.totalText, this.meterSlot, h('div', { class: 'button-row' }, this.sendButton), this.builderError),
    );
    this.builder.addEventListener('submit', (ev) => {
      ev.preventDefault();
      this.sendOffer();
    });
    this.bestButton.addEventListener('click', () => this.fillBest());
    // Clearing keeps what was agreed in principle: the builder starts from it.
    this.clearButton.addEventListener('click', () => this.fill(agreedPackage(this.state)));

    this.history = h('ol', { class: 'history', testid: 'offer-history', reversed: true });
    this.historyEmpty = h('p', { class: 'muted small' }, t('common.offers.none'));

    // Walk away, with an in-page confirmation.
    this.walkButton = h('button', { type: 'button', class: 'danger-outline', testid: 'walk-away' }, t('player.bargain.walk_away'));
    this.walkConfirm = h(
      'div',
      { class: 'confirm', testid: 'walk-away-dialog', role: 'alertdialog', 'aria-labelledby': uid('walk'), hidden: true },
    );
    this.walkButton.addEventListener('click', () => this.openWalkConfirm());

    this.el = h(
      'div',
      { class: 'bargain' },
      h(
        'section',
        { class: 'panel', 'aria-label': t('player.bargain.offers_on_table') },
        h('h2', { class: 'panel-title' }, t('common.offer_status.standing')),
        this.standingList,
        this.offersError,
      ),
      this.terms.el,
      this.builder,
      h(
        'section',
        { class: 'panel history-panel', 'aria-label': t('player.bargain.history_label') },
        h('h2', { class: 'panel-title' }, t('player.bargain.history')),
        this.historyEmpty,
        this.history,
      ),
      h(
        'section',
        { class: 'panel walk-panel', 'aria-label': t('player.bargain.walk_away') },
        h('p', { class: 'muted small' }, t('player.bargain.walk_away_hint')),
        this.walkButton,
        this.walkConfirm,
      ),
    );
  }

  /** The state of the match (set by the first update, before anything reads it). */
  get s() {
    return /** @type {StateView} */ (this.state);
  }

  get you() {
    return this.s.you;
  }

  issues() {
    return this.s.scenario.issues;
  }

  build() {
    clear(this.builderFields);
    this.selects = {};
    const points = this.you.points;
    for (const issue of this.issues()) {
      const id = uid(`offer-${issue.id}`);
      const select = h('select', { id, testid: `offer-issue-${issue.id}`, name: issue.id });
      select.appendChild(h('option', { value: '' }, t('player.bargain.choose')));
      issue.options.forEach((label, i) => {
        const p = points[issue.id] ? points[issue.id][i] : 0;
        select.appendChild(h('option', { value: String(i) }, `${label} (${pts(p)})`));
      });
      select.addEventListener('change', () => {
        this.selection[issue.id] = select.value === '' ? null : Number(select.value);
        this.updateTotal();
      });
      this.selects[issue.id] = select;
      // Where the issue stands on terms agreed in principle (filled in by updateNotes).
      const note = h('p', { class: 'field-note small', testid: `offer-note-${issue.id}`, 'aria-live': 'polite', hidden: true });
      this.notes[issue.id] = note;
      this.builderFields.appendChild(
        h('div', { class: 'field' }, h('label', { for: id }, issue.name), select, note),
      );
    }
    const b = scaleBounds(this.issues(), points);
    this.bounds = b;
    this.agreedKey = JSON.stringify(agreedPackage(this.state));
    this.fill(agreedPackage(this.state));
  }

  /**
   * A new agreement in principle (or one reopened): the builder takes the agreed options, and
   * leaves every other choice as the player made it.
   */
  followAgreements() {
    const agreed = agreedPackage(this.state);
    const key = JSON.stringify(agreed);
    if (key === this.agreedKey) return;
    /** @type {Record<string, number>} */
    const before = JSON.parse(this.agreedKey || '{}');
    this.agreedKey = key;
    for (const [issue, option] of Object.entries(agreed)) {
      if (before[issue] === option) continue;
      this.selection[issue] = option;
      if (this.selects[issue]) this.selects[issue].value = String(option);
    }
    this.updateTotal();
  }

  /** Beside each issue of the builder: what was agreed on it, and a warning when the choice departs. */
  updateNotes() {
    const agreed = agreedPackage(this.state);
    for (const issue of this.issues()) {
      const note = this.notes[issue.id];
      if (!note) continue;
      const option = agreed[issue.id];
      const chosen = this.selection[issue.id];
      if (typeof option !== 'number') {
        note.hidden = true;
        continue;
      }
      const label = issue.options[option];
      const departs = typeof chosen === 'number' && chosen !== option;
      note.textContent = departs
        ? t('player.bargain.departs_note', { option: label })
        : t('player.bargain.agreed_note', { option: label });
      note.classList.toggle('warn', departs);
      note.classList.toggle('muted', !departs);
      note.dataset.departs = String(departs);
      note.hidden = false;
    }
  }

  /** @param {Record<string, number | null | undefined>} pkg */
  fill(pkg) {
    for (const issue of this.issues()) {
      const v = pkg[issue.id];
      this.selection[issue.id] = typeof v === 'number' ? v : null;
      const sel = this.selects[issue.id];
      if (sel) sel.value = typeof v === 'number' ? String(v) : '';
    }
    this.updateTotal();
  }

  fillBest() {
    // My best on every open issue; what was agreed in principle stays.
    const agreed = agreedPackage(this.state);
    /** @type {Record<string, number>} */
    const pkg = {};
    for (const issue of this.issues()) {
      if (typeof agreed[issue.id] === 'number') {
        pkg[issue.id] = agreed[issue.id];
        continue;
      }
      const row = this.you.points[issue.id] || [];
      let best = 0;
      row.forEach((v, i) => {
        if (v > row[best]) best = i;
      });
      pkg[issue.id] = best;
    }
    this.fill(pkg);
  }

  complete() {
    return this.issues().every((i) => typeof this.selection[i.id] === 'number');
  }

  updateTotal() {
    if (!this.state) return;
    const you = this.you;
    /** @type {Record<string, number>} */
    const chosen = {};
    let missing = 0;
    for (const issue of this.issues()) {
      const v = this.selection[issue.id];
      if (typeof v === 'number') chosen[issue.id] = v;
      else missing += 1;
    }
    const total = packageTotal(you.points, chosen);
    clear(this.totalText);
    this.totalText.dataset.value = String(total);
    this.totalText.dataset.complete = missing === 0 ? 'true' : 'false';
    this.totalText.append(h('strong', { class: 'total-number' }, pts(total)));
    if (missing === 0) {
      this.totalText.append(` — ${versusBatna(total, you.batna)}`);
    } else {
      this.totalText.append(tn('player.bargain.so_far', missing, { points: pts(you.batna) }));
    }
    this.totalText.classList.toggle('below', missing === 0 && total < you.batna);
    this.updateNotes();
    clear(this.meterSlot);
    this.meterSlot.appendChild(
      pointsMeter({ value: total, batna: you.batna, min: this.bounds.min, max: this.bounds.max, testid: 'offer-meter' }),
    );
    this.updateSendEnabled();
  }

  updateSendEnabled() {
    const s = this.state;
    const active = s && s.phase === 'bargaining' && !s.paused;
    this.sendButton.disabled = !active || !this.complete();
    this.bestButton.disabled = !active;
    this.clearButton.disabled = !active;
    for (const sel of Object.values(this.selects)) sel.disabled = !active;
    this.walkButton.disabled = !active;
  }

  sendOffer() {
    this.showError('offer', '');
    if (!this.complete()) {
      this.showError('offer', t('player.bargain.choose_all'));
      return;
    }
    /** @type {Record<string, number>} */
    const pkg = {};
    for (const issue of this.issues()) pkg[issue.id] = /** @type {number} */ (this.selection[issue.id]);
    this.act('offer', { type: 'offer', package: pkg });
  }

  /**
   * @param {string} area
   * @param {ClientMsg} msg
   */
  act(area, msg) {
    this.opts.setLastAction(area);
    if (!this.opts.send(msg)) this.showError(area, t('player.disclose.offline'));
  }

  /**
   * @param {string} area `offer`, `offers` or `terms`
   * @param {string} text
   */
  showError(area, text) {
    if (area === 'terms') {
      this.terms.showError(text);
      return;
    }
    const el = area === 'offer' ? this.builderError : this.offersError;
    el.textContent = text;
    el.hidden = !text;
  }

  clearErrors() {
    this.showError('offer', '');
    this.showError('offers', '');
    this.showError('terms', '');
  }

  openWalkConfirm() {
    const you = this.you;
    const titleId = this.walkConfirm.getAttribute('aria-labelledby') || '';
    clear(this.walkConfirm);
    const yes = h('button', { type: 'button', class: 'danger', testid: 'walk-away-confirm', 'data-action': 'true' }, t('player.bargain.walk_yes'));
    const no = h('button', { type: 'button', class: 'secondary', testid: 'walk-away-cancel' }, t('player.bargain.walk_no'));
    yes.addEventListener('click', () => {
      this.walkConfirm.hidden = true;
      this.walkButton.hidden = false;
      this.act('offers', { type: 'walk_away' });
    });
    no.addEventListener('click', () => {
      this.walkConfirm.hidden = true;
      this.walkButton.hidden = false;
      this.walkButton.focus();
    });
    this.walkConfirm.append(
      h('p', { id: titleId, class: 'confirm-title' }, t('player.bargain.walk_title')),
      h('p', null, t('player.bargain.walk_text', { points: pts(you.batna) })),
      h('div', { class: 'button-row' }, yes, no),
    );
    this.walkButton.hidden = true;
    this.walkConfirm.hidden = false;
    no.focus();
  }

  /** @param {Record<string, number>} pkg */
  packageList(pkg) {
    const points = this.you.points;
    return h(
      'ul',
      { class: 'package' },
      this.issues().map((issue) => {
        const idx = pkg[issue.id];
        const label = typeof idx === 'number' && issue.options[idx] !== undefined ? issue.options[idx] : '–';
        const p = points[issue.id] && typeof idx === 'number' ? points[issue.id][idx] : null;
        return h(
          'li',
          null,
          h('span', { class: 'pkg-issue' }, issue.name),
          h('span', { class: 'pkg-option' }, label),
          p === null ? null : h('span', { class: 'pkg-points', title: t('player.bargain.your_points_title') }, pts(p)),
        );
      }),
    );
  }

  /** @param {OfferView} offer */
  offerValue(offer) {
    if (typeof offer.value_to_you === 'number') return offer.value_to_you;
    return packageTotal(this.you.points, offer.package || {});
  }

  /** @param {OfferView} offer */
  standingCard(offer) {
    const s = this.s;
    const me = s.you.seat;
    const mine = offer.seat === me;
    const value = this.offerValue(offer);
    const acceptedBy = offer.accepted_by || [];
    const iAccepted = acceptedBy.includes(me);
    const waitingFor = s.players.filter((p) => !acceptedBy.includes(p.seat));
    const active = s.phase === 'bargaining' && !s.paused;
    const card = h('article', {
      class: ['offer-card', mine ? 'mine' : 'theirs', value < s.you.batna && 'below'],
      testid: mine ? 'my-offer' : `offer-${offer.id}`,
      'data-offer-id': String(offer.id),
    });
    card.appendChild(
      h(
        'header',
        { class: 'offer-head' },
        h('span', { class: 'offer-from' }, mine ? t('player.bargain.your_offer') : t('player.bargain.offer_from', { name: this.opts.playerLabel(offer.seat) })),
        h('span', { class: 'offer-id muted small' }, `#${offer.id} · ${timeOfDay(offer.at)}`),
      ),
    );
    card.appendChild(
      h(
        'p',
        { class: ['offer-value', value < s.you.batna ? 'below' : 'above'], testid: `offer-value-${offer.id}` },
        t('player.bargain.worth'),
        h('strong', null, pts(value)),
        t('player.bargain.to_you', { batna: versusBatna(value, s.you.batna) }),
      ),
    );
    card.appendChild(this.packageList(offer.package || {}));
    const departs = departures(s, offer.package || {});
    if (departs.length) {
      card.appendChild(
        h(
          'p',
          { class: 'warn small', testid: `offer-departs-${offer.id}` },
          t('player.bargain.departs', { issues: listWords(departs) }),
        ),
      );
    }
    if (s.players.length > 2 || acceptedBy.length > 1) {
      const names = acceptedBy.map((seat) => (seat === me ? t('player.bargain.you_lower') : this.opts.playerName(seat)));
      card.appendChild(
        h(
          'p',
          { class: 'accepted-by small', testid: `accepted-by-${offer.id}` },
          t('player.bargain.accepted_by'),
          names.length ? list(names) : t('player.bargain.nobody_yet'),
          waitingFor.length
            ? t('player.bargain.waiting_for', { names: list(waitingFor.map((p) => (p.seat === me ? t('player.bargain.you_lower') : p.name))) })
            : '.',
          s.players.length > 2 && s.scenario.deal_rule
            ? h('span', { class: 'deal-rule muted', testid: `deal-rule-${offer.id}` }, ` ${dealRule(s.scenario, s.players)}`)
            : null,
        ),
      );
    }
    const buttons = h('div', { class: 'button-row' });
    if (mine) {
      const w = h('button', { type: 'button', class: 'secondary', testid: 'withdraw', disabled: !active, 'data-action': 'true' }, t('player.bargain.withdraw'));
      w.addEventListener('click', () => this.act('offers', { type: 'withdraw' }));
      buttons.appendChild(w);
    } else {
      const acc = h(
        'button',
        { type: 'button', class: 'primary', testid: `accept-${offer.id}`, disabled: !active || iAccepted, 'data-action': 'true' },
        iAccepted ? t('player.bargain.you_accepted') : t('player.bargain.accept'),
      );
      acc.addEventListener('click', () => this.act('offers', { type: 'accept', offer_id: offer.id }));
      const rej = h('button', { type: 'button', class: 'secondary', testid: `reject-${offer.id}`, disabled: !active, 'data-action': 'true' }, t('player.bargain.reject'));
      rej.addEventListener('click', () => this.act('offers', { type: 'reject', offer_id: offer.id }));
      const counter = h(
        'button',
        { type: 'button', class: 'link-button', testid: `counter-${offer.id}`, disabled: !active },
        t('player.bargain.starting_point'),
      );
      counter.addEventListener('click', () => {
        this.fill(offer.package || {});
        // Bring the builder into view below the sticky top bar, then put the focus in it.
        const first = this.selects[this.issues()[0].id];
        if (first) {
          first.scrollIntoView({ block: 'center', behavior: 'smooth' });
          first.focus({ preventScroll: true });
        }
      });
      buttons.append(acc, rej, counter);
      if (value < s.you.batna && !iAccepted) {
        card.appendChild(h('p', { class: 'warn small' }, t('player.bargain.careful')));
      }
    }
    card.appendChild(buttons);
    return card;
  }

  /**
   * @param {StateView} state
   * @param {{refresh?: boolean}} [options] refresh: draw again even if nothing changed
   */
  update(state, { refresh = false } = {}) {
    const first = !this.state || this.builtFor !== state.match_id;
    this.state = state;
    if (refresh) this.lastOffersKey = '';
    if (first) {
      this.builtFor = state.match_id;
      this.build();
    }
    const offers = state.offers || [];
    const standing = offers.filter((o) => o.status === 'standing');
    this.terms.update(state, { refresh });
    this.followAgreements();
    const key = JSON.stringify([offers, state.terms, state.phase, state.paused, state.players.map((p) => [p.name, p.online])]);
    if (key !== this.lastOffersKey) {
      this.lastOffersKey = key;
      // Others' offers first, then mine.
      standing.sort((a, b) => Number(a.seat === state.you.seat) - Number(b.seat === state.you.seat) || b.id - a.id);
      clear(this.standingList);
      if (!standing.length) {
        this.standingList.appendChild(
          h('p', { class: 'muted', testid: 'no-standing' }, t('player.bargain.no_standing')),
        );
      }
      for (const o of standing) this.standingList.appendChild(this.standingCard(o));
      if (!standing.some((o) => o.seat === state.you.seat) && standing.length) {
        this.standingList.appendChild(h('p', { class: 'muted small' }, t('player.bargain.none_of_yours')));
      }
      this.renderHistory(offers);
    }
    this.updateSendEnabled();
  }

  /** @param {OfferView[]} offers */
  renderHistory(offers) {
    clear(this.history);
    this.historyEmpty.hidden = offers.length > 0;
    const me = this.s.you.seat;
    for (const o of offers.slice().reverse()) {
      const value = this.offerValue(o);
      const who = o.seat === me ? t('player.ready.you') : this.opts.playerName(o.seat);
      const details = h(
        'details',
        null,
        h(
          'summary',
          null,
          h('span', { class: 'hist-who' }, `#${o.id} ${who}`),
          h('span', { class: 'hist-value' }, t('player.bargain.points_to_you', { points: pts(value) })),
          h('span', { class: ['status', `status-${o.status}`] }, offerStatus(o.status)),
        ),
        this.packageList(o.package || {}),
        o.accepted_by && o.accepted_by.length > 1
          ? h(
              'p',
              { class: 'small muted' },
              t('player.bargain.accepted_by_list', { names: list(o.accepted_by.map((seat) => (seat === me ? t('player.bargain.you_lower') : this.opts.playerName(seat)))) }),
            )
          : null,
      );
      this.history.appendChild(
        h('li', { class: 'history-item', testid: `history-${o.id}`, 'data-status': o.status }, details),
      );
    }
  }
}
