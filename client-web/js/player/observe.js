// The observer's page (the fishbowl): built from the first `observe` frame and updated by each one
// after. Read-only chat and offers, the agreements in principle, the observation sheet, and in
// results the outcome and every sheet. The frame holds public facts only (see ObserverView in
// ../types.js): there is nothing private here to show.

import { h, clear, $ } from '../dom.js';
import { phaseLabel, pts, percent, timeOfDay, offerStatus } from '../format.js';
import { ChatPanel } from '../chat.js';
import { sheetCard, observationsSection } from '../observations.js';
import { conn } from './state.js';
import { announce } from './screens.js';
import { t, list } from '../i18n.js';
import { tacticName, tacticHint } from '../tactic-names.js';

/** @typedef {import('../types.js').ObserverView} ObserverView */
/** @typedef {import('../types.js').ObservedOffer} ObservedOffer */

/**
 * A package in words: "Food packs: 1 for North camp · Water: ...".
 * @param {ObserverView} view
 * @param {Record<string, number>} pkg
 */
function packageWords(view, pkg) {
  return view.scenario.issues
    .filter((i) => typeof pkg[i.id] === 'number')
    .map((i) => `${i.name}: ${i.options[pkg[i.id]] ?? pkg[i.id]}`)
    .join(' · ');
}

export class ObserverPage {
  /** @param {ObserverView} view the first `observe` frame */
  constructor(view) {
    this.matchId = view.match_id;
    this.view = view;
    /** @type {Map<number, ObservedOffer>} */
    this.offers = new Map();
    this.sending = false;

    this.banner = h('div', { class: 'observe-banner', testid: 'observe-banner', role: 'status' });
    const stop = h('button', { type: 'button', class: 'secondary small', testid: 'stop-observing' }, t('player.observe.stop'));
    stop.addEventListener('click', () => {
      if (window.confirm(t('player.observe.stop_confirm'))) conn.send({ type: 'stop_observing' });
    });
    this.stop = stop;
    this.error = h('p', { class: 'error', testid: 'error', 'data-error-for': 'observe', role: 'alert', hidden: true });

    this.chat = new ChatPanel({
      send: () => false,
      mySeat: () => -1,
      playerName: (/** @type {number} */ seat) => this.name(seat),
      issues: () => this.view.scenario.issues,
    });
    // Observers read; they do not write.
    this.chat.form.hidden = true;
    this.chat.empty.textContent = t('common.chat.empty');

    this.offerList = h('ol', { class: 'observed-offers', testid: 'observed-offers', 'aria-label': t('player.observe.offers_newest') });
    this.termsList = h('ul', { class: 'observed-terms', testid: 'observed-terms' });
    this.offersPanel = h(
      'section',
      { class: 'panel', 'aria-label': t('player.observe.offers') },
      h('h2', { class: 'panel-title' }, t('player.observe.offers')),
      this.offerList,
      h('h3', { class: 'small-title' }, t('common.terms.agreed_title')),
      this.termsList,
    );

    this.sheet = h('section', { class: 'panel sheet-panel', testid: 'sheet-panel', 'aria-label': t('player.observe.sheet') });
    this.results = h('div', { class: 'observe-results', testid: 'observe-results' });
    this.layout = h('div', { class: 'layout observe-layout' }, this.chat.el, this.offersPanel, this.sheet);
    this.el = h('div', { class: 'match observe' }, this.banner, this.error, this.results, this.layout);
    this.buildSheet();
  }

  /** @param {number} seat */
  name(seat) {
    const p = this.view.players.find((x) => x.seat === seat);
    return p ? p.name : t('common.player_n', { n: seat + 1 });
  }

  /** @param {ObserverView} view */
  update(view) {
    const prev = this.view;
    this.view = view;
    if (view.offers_complete) this.offers = new Map();
    for (const o of view.offers) this.offers.set(o.id, o);
    document.body.dataset.phase = view.phase;
    this.el.dataset.phase = view.phase;
    this.layout.dataset.phase = view.phase;

    const phaseEl = $('[data-testid="phase"]');
    phaseEl.textContent = view.paused ? t('player.match.phase_paused', { phase: phaseLabel(view.phase) }) : phaseLabel(view.phase);
    phaseEl.dataset.phase = view.phase;
    $('[data-testid="match-title"]').textContent = view.scenario.title;
    document.title = t('player.observe.doc_title', { phase: phaseLabel(view.phase) });

    const who = view.players.map((p) => `${p.name} (${p.role.name})`);
    clear(this.banner);
    this.banner.append(
      h('p', { class: 'observe-title' }, h('strong', null, t('player.observe.you_are_observing')), ` ${list(who)}.`),
      h(
        'p',
        { class: 'muted small' },
        t('player.observe.lead'),
      ),
      h('div', { class: 'button-row' }, this.stop),
    );

    this.renderOffers();
    if (prev.phase !== view.phase) announce(`${phaseLabel(view.phase)} has started.`);
    const sentBefore = !!prev.sheet.sent;
    if (!!view.sheet.sent !== sentBefore || (view.sheet.sent && !this.sheet.dataset.sent)) this.buildSheet();
    this.renderResults();
  }

  renderOffers() {
    const view = this.view;
    clear(this.offerList);
    const offers = [...this.offers.values()].sort((a, b) => b.id - a.id);
    if (!offers.length) this.offerList.appendChild(h('li', { class: 'muted' }, t('common.offers.none')));
    for (const o of offers) {
      const accepted = o.accepted_by.filter((s) => s !== o.seat).map((s) => this.name(s));
      this.offerList.appendChild(
        h(
          'li',
          { class: ['observed-offer', `status-${o.status}`], testid: `observed-offer-${o.id}`, 'data-status': o.status },
          h('p', { class: 'observed-offer-head' }, h('strong', null, this.name(o.seat)), ` · ${timeOfDay(o.at)} · `, h('span', { class: 'offer-status' }, offerStatus(o.status))),
          h('p', { class: 'offer-package' }, packageWords(view, o.package)),
          accepted.length ? h('p', { class: 'muted small' }, t('common.offers.accepted_by', { names: accepted.join(', ') })) : null,
        ),
      );
    }
    clear(this.termsList);
    const agreed = view.terms.filter((t) => t.agreed);
    if (!agreed.length) this.termsList.appendChild(h('li', { class: 'muted small' }, t('player.observe.nothing_yet')));
    for (const t of agreed) {
      const issue = view.scenario.issues.find((i) => i.id === t.issue);
      if (!issue || !t.agreed) continue;
      this.termsList.appendChild(h('li', null, `${issue.name}: ${issue.options[t.agreed.option] ?? t.agreed.option}`));
    }
  }

  /** The sheet: a form until it is sent, then what was sent. */
  buildSheet() {
    const sheet = this.view.sheet;
    clear(this.sheet);
    this.sheet.append(h('h2', { class: 'panel-title' }, t('player.observe.your_sheet')));
    if (sheet.sent) {
      this.sheet.dataset.sent = 'true';
      this.sheet.append(
        h('p', { class: 'ok-note', testid: 'sheet-sent' }, t('player.observe.sent')),
        sheetCard(sheet.sent),
      );
      return;
    }
    delete this.sheet.dataset.sent;
    const boxes = sheet.tactics.map((tac) => {
      const id = `tactic-${tac.label}`;
      return h(
        'li',
        { class: 'tactic-choice' },
        h('input', { type: 'checkbox', id, name: 'tactics', value: tac.label, testid: `tactic-${tac.label}` }),
        h('label', { for: id }, h('span', { class: 'tactic-name' }, tacticName(tac.label, tac.name)), h('span', { class: 'tactic-hint muted small' }, tacticHint(tac.label, tac.hint))),
      );
    });
    /**
     * @param {string} id
     * @param {string} label
     * @param {string} hint
     */
    const text = (id, label, hint) => {
      const area = /** @type {HTMLTextAreaElement} */ (h('textarea', { id, name: id, rows: '3', maxlength: String(sheet.max_chars), testid: id, required: true }));
      const count = h('span', { class: 'char-count muted small', 'aria-live': 'off' }, `0 / ${sheet.max_chars}`);
      area.addEventListener('input', () => {
        count.textContent = `${area.value.length} / ${sheet.max_chars}`;
      });
      return { area, el: h('div', { class: 'sheet-field' }, h('label', { for: id }, label), h('p', { class: 'hint' }, hint), area, count) };
    };
    const well = text('sheet-done-well-input', t('player.observe.done_well'), t('player.observe.done_well_hint'));
    const tryNext = text('sheet-to-try-input', t('player.observe.to_try'), t('player.observe.to_try_hint'));
    const submit = h('button', { type: 'submit', class: 'primary', testid: 'sheet-send' }, t('player.observe.send'));
    const error = h('p', { class: 'error', testid: 'error', 'data-error-for': 'sheet', role: 'alert', hidden: true });
    this.sheetError = error;
    const form = h(
      'form',
      { class: 'sheet-form', novalidate: true },
      h(
        'fieldset',
        null,
        h('legend', null, t('player.observe.tactics_legend')),
        h('ul', { class: 'tactic-choices' }, boxes),
      ),
      well.el,
      tryNext.el,
      submit,
      error,
    );
    form.addEventListener('submit', (ev) => {
      ev.preventDefault();
      const tactics = [...form.querySelectorAll('input[name="tactics"]:checked')].map((x) => /** @type {HTMLInputElement} */ (x).value);
      const done = well.area.value.trim();
      const next = tryNext.area.value.trim();
      if (!done || !next) {
        this.showSheetError(t('player.observe.both_needed'));
        return;
      }
      this.showSheetError('');
      const msg = /** @type {import('../types.js').ClientMsg} */ ({ type: 'observation', tactics, done_well: done, to_try: next });
      if (!conn.send(msg)) this.showSheetError(t('player.observe.offline'));
    });
    this.sheet.append(
      h('p', { class: 'muted small' }, t('player.observe.fill_in')),
      form,
    );
  }

  /** @param {string} text */
  showSheetError(text) {
    if (!this.sheetError) return;
    this.sheetError.textContent = text;
    this.sheetError.hidden = !text;
  }

  /** @param {string} text an error from the server */
  showError(text) {
    if (this.sheetError && !this.view.sheet.sent) {
      this.showSheetError(text);
      return;
    }
    this.error.textContent = text;
    this.error.hidden = !text;
  }

  /** Results: how it ended, the scores, and every sheet. */
  renderResults() {
    const r = this.view.results;
    clear(this.results);
    if (!r) return;
    const outcome = r.outcome;
    const headline = !outcome
      ? t('player.observe.over')
      : outcome.kind === 'deal'
        ? t('player.observe.deal')
        : outcome.kind === 'impasse'
          ? t('player.observe.no_deal')
          : t('common.outcome.abandoned');
    const rows = r.roles.map((role) =>
      h('tr', null, h('th', { scope: 'row' }, `${role.player} · ${role.name}`), h('td', null, pts(role.score)), h('td', null, pts(role.batna))),
    );
    this.results.append(
      h(
        'section',
        { class: 'card', testid: 'observe-outcome' },
        h('h2', null, headline),
        h(
          'p',
          null,
          t('player.observe.created', { joint: pts(r.joint_value), max: pts(r.max_joint_value), percent: percent(r.efficiency) }),
        ),
        h(
          'div',
          { class: 'table-scroll' },
          h(
            'table',
            { class: 'scores' },
            h('thead', null, h('tr', null, h('th', { scope: 'col' }, t('common.col.player')), h('th', { scope: 'col' }, t('common.col.points')), h('th', { scope: 'col' }, t('common.col.walk_away')))),
            h('tbody', null, rows),
          ),
        ),
      ),
    );
    const sheets = observationsSection(r.observations);
    if (sheets) {
      const title = sheets.querySelector('h2');
      if (title) title.textContent = t('player.observe.sheets');
      const lead = sheets.querySelector('p');
      if (lead) lead.textContent = t('player.observe.sheets_lead');
      this.results.append(sheets);
    }
  }
}
