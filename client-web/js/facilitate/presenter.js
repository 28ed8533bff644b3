// Presenter mode: the debrief as slides for a projector. One slide at a time, in big type:
// the class in numbers, every pair against the Pareto frontier, the joint-value histogram, the
// small-talk comparison, what the pairs did (tactics), quotes picked from transcripts (names
// hidden unless shown) and the scenario's debrief questions. Keys: → / PageDown / Space next,
// ← / PageUp previous, Home / End, F full screen, Esc leaves. Printing it (the print
// stylesheet) gives one slide per page. The charts come from the debrief (charts.js), handed
// in by debrief.js, so this module only lays them out.

import { h, replace, show, $ } from '../dom.js';
import { t, tn, num } from '../i18n.js';
import { loadQuotes } from './quotes.js';
import { debriefQuestions } from './teaching.js';
import { pct, num1 } from './ui.js';

/** @typedef {import('./shapes.js').DebriefData} DebriefData */
/** @typedef {import('./shapes.js').DebriefMatch} DebriefMatch */

/**
 * What the presenter draws with: the debrief's own charts and tables.
 * @typedef {object} Renderers
 * @property {(chart: import('./shapes.js').DebriefChart) => HTMLElement} scatter      every outcome against the frontier
 * @property {(values: number[], best: number | null) => HTMLElement} histogram
 * @property {(treatment: DebriefData['treatment']) => HTMLElement} treatment  the small-talk comparison card
 * @property {(arms: import('./shapes.js').DebriefArms) => HTMLElement} arms  the treatment-arms comparison card
 * @property {(tactics: import('./shapes.js').DebriefTactics) => HTMLElement} tactics      the "What the pairs did" card
 */

/**
 * @typedef {object} Slide
 * @property {string} kind
 * @property {string} label  for the slide counter and screen readers
 * @property {HTMLElement} el
 */


/** Quotes per slide: more would need type too small to read from the back. */
const QUOTES_PER_SLIDE = 3;

export class Presenter {
  /**
   * @param {{code: string, renderers: Renderers, sessionTitle: () => string, onLeave?: () => void}} options
   */
  constructor({ code, renderers, sessionTitle, onLeave }) {
    this.code = code;
    this.renderers = renderers;
    this.sessionTitle = sessionTitle;
    this.onLeave = onLeave || (() => {});
    this.root = $('#presenter');
    this.deck = /** @type {HTMLElement} */ ($('[data-testid="deck"]', this.root));
    this.counter = /** @type {HTMLElement} */ ($('[data-testid="slide-count"]', this.root));
    this.announcer = /** @type {HTMLElement} */ ($('[data-testid="slide-announce"]', this.root));
    this.prevButton = /** @type {HTMLButtonElement} */ ($('[data-testid="slide-prev"]', this.root));
    this.nextButton = /** @type {HTMLButtonElement} */ ($('[data-testid="slide-next"]', this.root));
    this.namesButton = /** @type {HTMLButtonElement} */ ($('[data-testid="presenter-names"]', this.root));
    this.fullButton = /** @type {HTMLButtonElement} */ ($('[data-testid="presenter-fullscreen"]', this.root));
    /** @type {Slide[]} */
    this.slides = [];
    this.index = 0;
    this.showNames = false;
    this.open = false;
    /** @type {DebriefData | null} */
    this.data = null;
    // Set while this module itself leaves full screen, so that leaving it is not read as Esc.
    this.exitingFullscreen = false;

    this.prevButton.addEventListener('click', () => this.go(this.index - 1));
    this.nextButton.addEventListener('click', () => this.go(this.index + 1));
    this.namesButton.addEventListener('click', () => this.setNames(!this.showNames));
    this.fullButton.addEventListener('click', () => this.toggleFullscreen());
    $('[data-testid="presenter-print"]', this.root).addEventListener('click', () => window.print());
    $('[data-testid="presenter-leave"]', this.root).addEventListener('click', () => this.leave());
    document.addEventListener('keydown', (ev) => this.onKey(ev));
    document.addEventListener('fullscreenchange', () => {
      const full = !!document.fullscreenElement;
      this.fullButton.textContent = full ? t('console.presenter.leave_full') : t('console.presenter.full');
      this.fullButton.setAttribute('aria-pressed', String(full));
      // Esc in full screen is the browser's: it leaves full screen without telling the page.
      // Leaving presenter mode too is what a presenter pressing Esc wants.
      if (!full && this.open && !this.exitingFullscreen) this.leave();
      this.exitingFullscreen = false;
    });
  }

  /**
   * Opens presenter mode on the debrief's data (the last refresh).
   * @param {DebriefData} data  the debrief JSON
   */
  enter(data) {
    this.data = data;
    this.open = true;
    this.showNames = false;
    this.build();
    this.index = 0;
    document.documentElement.dataset.presenter = 'on';
    show(this.root, true);
    this.render();
    this.deck.focus({ preventScroll: true });
  }

  leave() {
    if (!this.open) return;
    this.open = false;
    show(this.root, false);
    delete document.documentElement.dataset.presenter;
    if (document.fullscreenElement && document.exitFullscreen) {
      this.exitingFullscreen = true;
      document.exitFullscreen().catch(() => {});
    }
    replace(this.deck);
    this.onLeave();
  }

  toggleFullscreen() {
    const root = document.documentElement;
    if (document.fullscreenElement) {
      this.exitingFullscreen = true;
      document.exitFullscreen().catch(() => {});
    } else if (root.requestFullscreen) {
      root.requestFullscreen().catch(() => {});
    }
    this.deck.focus({ preventScroll: true });
  }

  /** @param {KeyboardEvent} ev */
  onKey(ev) {
    if (!this.open || ev.ctrlKey || ev.metaKey || ev.altKey) return;
    const target = /** @type {HTMLElement | null} */ (ev.target instanceof HTMLElement ? ev.target : null);
    // Space and Enter on a focused button press that button.
    const onButton = !!target && target.tagName === 'BUTTON';
    let to = null;
    switch (ev.key) {
      case 'ArrowRight':
      case 'ArrowDown':
      case 'PageDown':
        to = this.index + 1;
        break;
      case ' ':
        if (!onButton) to = ev.shiftKey ? this.index - 1 : this.index + 1;
        break;
      case 'ArrowLeft':
      case 'ArrowUp':
      case 'PageUp':
        to = this.index - 1;
        break;
      case 'Home':
        to = 0;
        break;
      case 'End':
        to = this.slides.length - 1;
        break;
      case 'f':
      case 'F':
        ev.preventDefault();
        this.toggleFullscreen();
        return;
      case 'Escape':
        ev.preventDefault();
        this.leave();
        return;
      default:
        return;
    }
    if (to === null) return;
    ev.preventDefault();
    this.go(to);
  }

  /** @param {number} i */
  go(i) {
    const to = Math.max(0, Math.min(this.slides.length - 1, i));
    if (to === this.index) return;
    this.index = to;
    this.render();
  }

  /** @param {boolean} on */
  setNames(on) {
    this.showNames = on;
    this.namesButton.setAttribute('aria-pressed', String(on));
    this.namesButton.textContent = on ? t('console.presenter.hide_names') : t('console.presenter.show_names');
    for (const el of this.deck.querySelectorAll('[data-testid="quote-who"]')) {
      const who = /** @type {HTMLElement} */ (el);
      who.textContent = on ? who.dataset.named || '' : who.dataset.anonymous || '';
    }
  }

  render() {
    this.slides.forEach((s, i) => {
      s.el.classList.toggle('current', i === this.index);
      s.el.setAttribute('aria-hidden', String(i !== this.index));
    });
    const s = this.slides[this.index];
    this.counter.textContent = `${this.index + 1} / ${this.slides.length}`;
    this.announcer.textContent = t('console.presenter.slide_of', { n: num(this.index + 1), of: num(this.slides.length), label: s ? s.label : '' });
    this.root.dataset.slide = s ? s.kind : '';
    this.prevButton.disabled = this.index === 0;
    this.nextButton.disabled = this.index >= this.slides.length - 1;
    const hasQuotes = this.slides.some((x) => x.kind === 'quotes');
    show(this.namesButton, hasQuotes);
  }

  // ---------------------------------------------------------------- slides

  build() {
    const d = this.data;
    if (!d) return;
    /** @type {Slide[]} */
    const slides = [];
    /**
     * @param {string} kind
     * @param {string} label
     * @param {string} heading
     * @param {...unknown} content
     */
    const add = (kind, label, heading, ...content) => {
      const el = h(
        'section',
        { class: `slide kind-${kind}`, testid: 'slide', 'data-slide': kind, 'aria-roledescription': 'slide', 'aria-label': label },
        heading ? h('h2', { class: 'slide-heading' }, heading) : null,
        ...content,
      );
      slides.push({ kind, label, el });
    };
    const st = d.stats || {};
    const matches = Array.isArray(d.matches) ? d.matches : [];
    const done = matches.filter((m) => m.in_statistics);
    const best = matches.map((m) => m.max_joint_value).find((x) => x != null) ?? null;
    const scenarioTitle = (d.scenario && d.scenario.title) || t('console.debrief.title');

    // 1. The class in numbers.
    const people = new Set(done.flatMap((m) => m.players || []));
    const groups = done.some((m) => (m.players || []).length > 2);
    const big = (/** @type {string} */ value, /** @type {string} */ label, /** @type {string} */ testid) =>
      h('div', { class: 'slide-stat', testid }, h('span', { class: 'slide-stat-value' }, value), h('span', { class: 'slide-stat-label' }, label));
    const session = this.sessionTitle();
    add(
      'title',
      t('console.presenter.numbers_label', { title: scenarioTitle }),
      '',
      h('p', { class: 'slide-kicker' }, t('console.debrief.title')),
      h('h1', { class: 'slide-title', testid: 'slide-title' }, scenarioTitle),
      session ? h('p', { class: 'slide-subtitle', testid: 'slide-session' }, session) : null,
      h(
        'div',
        { class: 'slide-stats', testid: 'slide-stats' },
        big(num(people.size), t('console.presenter.people_played'), 'slide-people'),
        big(num(st.n ?? done.length), groups ? t('console.presenter.groups_finished') : t('console.presenter.pairs_finished'), 'slide-n'),
        big(num(st.deals ?? 0), st.deals === 1 ? t('console.presenter.deal') : t('console.presenter.deals'), 'slide-deals'),
        big(pct(st.impasse_rate), t('console.presenter.no_deal'), 'slide-impasse'),
        big(pct(st.mean_efficiency), t('console.presenter.efficiency'), 'slide-efficiency'),
      ),
    );

    // 2. Every pair against the frontier (two-role scenarios).
    if (d.chart && Array.isArray(d.chart.outcomes) && d.chart.outcomes.length) {
      const deals = done.filter((m) => m.outcome === 'deal');
      const onFrontier = deals.filter((m) => m.pareto_optimal).length;
      add(
        'frontier',
        t('console.presenter.frontier'),
        t('console.presenter.frontier'),
        h('p', { class: 'slide-lead', testid: 'slide-frontier-lead' }, tn('console.presenter.frontier_lead', deals.length, { k: num(onFrontier) })),
        h('div', { class: 'slide-chart' }, this.renderers.scatter(d.chart)),
      );
    }

    // 3. How much value the class created.
    const jv = Array.isArray(d.joint_values) ? d.joint_values : [];
    if (jv.length) {
      const mean = best != null ? t('console.presenter.mean_of', { mean: num1(st.mean_joint_value), best: num(best) }) : t('console.presenter.mean', { mean: num1(st.mean_joint_value) });
      const impasses =
        st.impasse_rate != null ? ` · ${t(groups ? 'console.presenter.no_deal_in_groups' : 'console.presenter.no_deal_in_pairs', { rate: pct(st.impasse_rate) })}` : '';
      add(
        'histogram',
        t('console.presenter.histogram'),
        t('console.presenter.histogram'),
        h('p', { class: 'slide-lead', testid: 'slide-histogram-lead' }, mean + impasses),
        h('div', { class: 'slide-chart' }, this.renderers.histogram(jv, best)),
      );
    }

    // 4. Small talk or not: only when both groups have finished matches.
    const treatment = d.treatment || { with_small_talk: {}, without_small_talk: {} };
    const arms = d.arms && d.arms.source === 'treatment' ? d.arms : null;
    if (arms && (arms.arms || []).filter((x) => x.n > 0).length >= 2) {
      add('arms', t('console.debrief.arms_title'), t('console.presenter.arms'), this.unwrap(this.renderers.arms(arms)));
    } else if (!arms && (treatment.with_small_talk.n || 0) > 0 && (treatment.without_small_talk.n || 0) > 0) {
      add('treatment', t('console.debrief.treatment_title'), t('console.debrief.treatment_title'), this.unwrap(this.renderers.treatment(treatment)));
    }

    // 5. What the pairs did.
    const tactics = d.tactics || {};
    if (Array.isArray(tactics.rows) && tactics.rows.length && tactics.matches) {
      add(
        'tactics',
        t('console.presenter.tactics_pairs'),
        groups ? t('console.presenter.tactics_groups') : t('console.presenter.tactics_pairs'),
        h('p', { class: 'slide-lead' }, groups ? t('console.presenter.tactics_lead_groups') : t('console.presenter.tactics_lead_pairs')),
        this.unwrap(this.renderers.tactics(tactics)),
      );
    }

    // 6. Quotes picked from transcripts.
    const quotes = loadQuotes(this.code);
    for (let i = 0; i < quotes.length; i += QUOTES_PER_SLIDE) {
      const chunk = quotes.slice(i, i + QUOTES_PER_SLIDE);
      const pages = Math.ceil(quotes.length / QUOTES_PER_SLIDE);
      const label = pages > 1 ? t('console.presenter.quotes_page', { n: num(i / QUOTES_PER_SLIDE + 1), of: num(pages) }) : t('console.presenter.quotes');
      add(
        'quotes',
        label,
        label,
        h(
          'div',
          { class: ['slide-quotes', `n-${chunk.length}`] },
          chunk.map((q) => {
            const role = q.role || t('console.presenter.a_player');
            const anonymous = `— ${q.match_no ? t('console.presenter.quote_match', { role, n: num(q.match_no) }) : role}`;
            const named = `— ${q.name || t('console.presenter.a_player')}${q.role ? ` (${q.role})` : ''}`;
            return h(
              'figure',
              { class: 'slide-quote', testid: 'quote', 'data-quote-id': q.id },
              h('blockquote', { testid: 'quote-text' }, q.text),
              h('figcaption', { testid: 'quote-who', 'data-named': named, 'data-anonymous': anonymous }, this.showNames ? named : anonymous),
            );
          }),
        ),
      );
    }

    // 7. The scenario's debrief questions.
    const questions = debriefQuestions(d.scenario && d.scenario.teaching);
    if (questions.length) {
      add(
        'questions',
        t('console.presenter.questions'),
        t('console.presenter.questions'),
        h('ol', { class: ['slide-questions', questions.length > 5 ? 'many' : null], testid: 'slide-questions' }, questions.map((q) => h('li', null, q))),
      );
    }

    slides.forEach((s, i) => {
      s.el.dataset.index = String(i + 1);
      s.el.appendChild(h('p', { class: 'slide-footer', 'aria-hidden': 'true' }, `${scenarioTitle} · ${i + 1} / ${slides.length}`));
    });
    this.slides = slides;
    replace(this.deck, slides.map((s) => s.el));
    this.setNames(false);
  }

  /**
   * A debrief card without its frame and heading (the slide has its own).
   * @param {HTMLElement} card
   */
  unwrap(card) {
    const heading = card.querySelector('h3');
    if (heading) heading.remove();
    card.classList.remove('card', 'chart-card', 'wide');
    card.classList.add('slide-body');
    card.removeAttribute('aria-labelledby');
    return card;
  }
}
