// Presenter mode: the debrief as slides for a projector. One slide at a time, in big type:
// the class in numbers, every pair against the Pareto frontier, the joint-value histogram, the
// small-talk comparison, what the pairs did (tactics), quotes picked from transcripts (names
// hidden unless shown) and the scenario's debrief questions. Keys: → / PageDown / Space next,
// ← / PageUp previous, Home / End, F full screen, Esc leaves. Printing it (the print
// stylesheet) gives one slide per page. The charts come from the debrief (charts.js), handed
// in by debrief.js, so this module only lays them out.

import { h, replace, show, $ } from '../dom.js';
import { percent } from '../format.js';
import { loadQuotes } from './quotes.js';
import { debriefQuestions } from './teaching.js';

/**
 * What the presenter draws with: the debrief's own charts and tables.
 * @typedef {object} Renderers
 * @property {(chart: any) => HTMLElement} scatter      every outcome against the frontier
 * @property {(values: number[], best: number | null) => HTMLElement} histogram
 * @property {(treatment: any) => HTMLElement} treatment  the small-talk comparison card
 * @property {(arms: any) => HTMLElement} arms  the treatment-arms comparison card
 * @property {(tactics: any) => HTMLElement} tactics      the "What the pairs did" card
 */

/**
 * @typedef {object} Slide
 * @property {string} kind
 * @property {string} label  for the slide counter and screen readers
 * @property {HTMLElement} el
 */

/** @param {unknown} x */
const r1 = (x) => (typeof x === 'number' && Number.isFinite(x) ? (Math.round(x * 10) / 10).toLocaleString('en') : '–');

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
    /** @type {any} */
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
      this.fullButton.textContent = full ? 'Leave full screen' : 'Full screen';
      this.fullButton.setAttribute('aria-pressed', String(full));
      // Esc in full screen is the browser's: it leaves full screen without telling the page.
      // Leaving presenter mode too is what a presenter pressing Esc wants.
      if (!full && this.open && !this.exitingFullscreen) this.leave();
      this.exitingFullscreen = false;
    });
  }

  /**
   * Opens presenter mode on the debrief's data (the last refresh).
   * @param {any} data  the debrief JSON
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
    this.namesButton.textContent = on ? 'Hide names' : 'Show names';
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
    this.announcer.textContent = `Slide ${this.index + 1} of ${this.slides.length}: ${s ? s.label : ''}`;
    this.root.dataset.slide = s ? s.kind : '';
    this.prevButton.disabled = this.index === 0;
    this.nextButton.disabled = this.index >= this.slides.length - 1;
    const hasQuotes = this.slides.some((x) => x.kind === 'quotes');
    show(this.namesButton, hasQuotes);
  }

  // ---------------------------------------------------------------- slides

  build() {
    const d = this.data || {};
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
    const done = matches.filter((/** @type {any} */ m) => m.in_statistics);
    const best = matches.map((/** @type {any} */ m) => m.max_joint_value).find((/** @type {any} */ x) => x != null) ?? null;
    const scenarioTitle = (d.scenario && d.scenario.title) || 'Debrief';

    // 1. The class in numbers.
    const people = new Set(done.flatMap((/** @type {any} */ m) => m.players || []));
    const groupWord = done.some((/** @type {any} */ m) => (m.players || []).length > 2) ? 'groups' : 'pairs';
    const big = (/** @type {string} */ value, /** @type {string} */ label, /** @type {string} */ testid) =>
      h('div', { class: 'slide-stat', testid }, h('span', { class: 'slide-stat-value' }, value), h('span', { class: 'slide-stat-label' }, label));
    const session = this.sessionTitle();
    add(
      'title',
      `${scenarioTitle}: the class in numbers`,
      '',
      h('p', { class: 'slide-kicker' }, 'Debrief'),
      h('h1', { class: 'slide-title', testid: 'slide-title' }, scenarioTitle),
      session ? h('p', { class: 'slide-subtitle', testid: 'slide-session' }, session) : null,
      h(
        'div',
        { class: 'slide-stats', testid: 'slide-stats' },
        big(String(people.size), 'people played', 'slide-people'),
        big(String(st.n ?? done.length), `${groupWord} finished`, 'slide-n'),
        big(String(st.deals ?? 0), st.deals === 1 ? 'deal' : 'deals', 'slide-deals'),
        big(st.impasse_rate == null ? '–' : percent(st.impasse_rate), 'no deal', 'slide-impasse'),
        big(st.mean_efficiency == null ? '–' : percent(st.mean_efficiency), 'of the best joint value, on average', 'slide-efficiency'),
      ),
    );

    // 2. Every pair against the frontier (two-role scenarios).
    if (d.chart && Array.isArray(d.chart.outcomes) && d.chart.outcomes.length) {
      const deals = done.filter((/** @type {any} */ m) => m.outcome === 'deal');
      const onFrontier = deals.filter((/** @type {any} */ m) => m.pareto_optimal).length;
      add(
        'frontier',
        'Every pair against the best possible deals',
        'Every pair against the best possible deals',
        h(
          'p',
          { class: 'slide-lead', testid: 'slide-frontier-lead' },
          `${onFrontier} of ${deals.length} ${deals.length === 1 ? 'deal is' : 'deals are'} on the frontier. Below the line: value left on the table.`,
        ),
        h('div', { class: 'slide-chart' }, this.renderers.scatter(d.chart)),
      );
    }

    // 3. How much value the class created.
    const jv = Array.isArray(d.joint_values) ? d.joint_values : [];
    if (jv.length) {
      add(
        'histogram',
        'How much value the pairs created',
        'How much value the pairs created',
        h(
          'p',
          { class: 'slide-lead', testid: 'slide-histogram-lead' },
          `Mean joint value ${r1(st.mean_joint_value)}${best != null ? ` of a possible ${best}` : ''}` +
            (st.impasse_rate != null ? ` · no deal in ${percent(st.impasse_rate)} of ${groupWord}` : ''),
        ),
        h('div', { class: 'slide-chart' }, this.renderers.histogram(jv, best)),
      );
    }

    // 4. Small talk or not: only when both groups have finished matches.
    const t = d.treatment || {};
    const arms = d.arms && d.arms.source === 'treatment' ? d.arms : null;
    if (arms && (arms.arms || []).filter((/** @type {{n: number}} */ x) => x.n > 0).length >= 2) {
      add('arms', 'Treatment arms', 'What each arm did', this.unwrap(this.renderers.arms(arms)));
    } else if (!arms && (t.with_small_talk || {}).n > 0 && (t.without_small_talk || {}).n > 0) {
      add('treatment', 'With and without small talk', 'With and without small talk', this.unwrap(this.renderers.treatment(t)));
    }

    // 5. What the pairs did.
    const tactics = d.tactics || {};
    if (Array.isArray(tactics.rows) && tactics.rows.length && tactics.matches) {
      add(
        'tactics',
        'What the pairs did',
        `What the ${groupWord} did`,
        h(
          'p',
          { class: 'slide-lead' },
          `Lines per match with each tactic, in the ${groupWord} that created more value (at or above the median) and the others.`,
        ),
        this.unwrap(this.renderers.tactics(tactics)),
      );
    }

    // 6. Quotes picked from transcripts.
    const quotes = loadQuotes(this.code);
    for (let i = 0; i < quotes.length; i += QUOTES_PER_SLIDE) {
      const chunk = quotes.slice(i, i + QUOTES_PER_SLIDE);
      const pages = Math.ceil(quotes.length / QUOTES_PER_SLIDE);
      const label = pages > 1 ? `In their own words (${i / QUOTES_PER_SLIDE + 1} of ${pages})` : 'In their own words';
      add(
        'quotes',
        label,
        label,
        h(
          'div',
          { class: ['slide-quotes', `n-${chunk.length}`] },
          chunk.map((q) => {
            const anonymous = `— ${q.role || 'a player'}${q.match_no ? `, match ${q.match_no}` : ''}`;
            const named = `— ${q.name || 'a player'}${q.role ? ` (${q.role})` : ''}`;
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
        'Questions for the debrief',
        'Questions for the debrief',
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
