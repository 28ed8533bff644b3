// The projector view: what a room may see, fed by the same monitor frames as the console. The
// join code large, the join link, how many joined, wait and play, and how far the matches
// are. Never a name, a token, a private or rejoin link, or a control: it shows only what this
// module writes into #screen-projector, and that is built from counts.

import { h, replace, show, $ } from '../dom.js';
import { t, tn, num } from '../i18n.js';
import { PHASE_ORDER, phaseName } from './ui.js';

/** @typedef {import('../types.js').MonitorView} MonitorView */

export class ProjectorView {
  constructor() {
    this.el = {
      title: $('[data-testid="projector-title"]'),
      code: $('[data-testid="projector-code"]'),
      url: $('[data-testid="projector-url"]'),
      stats: $('[data-testid="projector-stats"]'),
      progress: $('[data-testid="projector-progress"]'),
    };
  }

  /**
   * The join code and link; the title when the session has one.
   * @param {string} code
   * @param {string} title
   */
  setJoin(code, title) {
    this.el.code.replaceChildren(h('span', null, code.slice(0, 3)), h('span', null, code.slice(3)));
    this.el.code.setAttribute('aria-label', t('console.join.code_aria', { code: code.split('').join(' ') }));
    // Shown as text: the room types it, nobody clicks it on a projector.
    this.el.url.textContent = `${location.host}/?code=${code}`;
    this.el.title.textContent = title || '';
    show(this.el.title, !!title);
  }

  /** @param {MonitorView} frame */
  update(frame) {
    const players = (frame.players || []).filter((p) => p.status !== 'removed');
    const matches = frame.matches || [];
    const bots = players.filter((p) => p.bot).length;
    const playing = players.filter((p) => p.status === 'playing').length;
    /** @param {string} label @param {number} value @param {string} testid @param {string} [note] */
    const stat = (label, value, testid, note) =>
      h(
        'div',
        { class: 'pstat', testid, 'data-value': String(value) },
        h('span', { class: 'pstat-value' }, num(value)),
        h('span', { class: 'pstat-label' }, label, note ? h('span', { class: 'pstat-note' }, ` ${note}`) : null),
      );
    replace(
      this.el.stats,
      stat(t('console.stat.joined'), players.length, 'projector-joined', bots ? `(${tn('console.projector.bots', bots)})` : ''),
      stat(t('console.stat.waiting'), frame.waiting || 0, 'projector-waiting'),
      stat(t('console.stat.playing'), playing, 'projector-playing'),
    );

    /** @type {Record<string, number>} */
    const counts = {};
    for (const m of matches) counts[m.phase] = (counts[m.phase] || 0) + 1;
    const done = counts.results || 0;
    const tour = frame.tournament && frame.tournament.config ? frame.tournament : null;
    const round = tour && tour.config ? `${t('console.projector.round', { round: num(tour.round), of: num((tour.config.rounds || []).length) })} · ` : '';
    if (!matches.length) {
      replace(
        this.el.progress,
        h('p', { class: 'projector-line', testid: 'projector-matches', 'data-total': '0', 'data-done': '0' }, `${round}${t('console.projector.no_match')}`),
      );
      return;
    }
    const phases = PHASE_ORDER.filter((p) => counts[p]);
    const bar = h(
      'div',
      { class: 'pbar', 'aria-hidden': 'true' },
      phases.map((p) => {
        const seg = h('span', { class: 'pbar-seg', 'data-phase': p });
        seg.style.flexGrow = String(counts[p]);
        return seg;
      }),
    );
    replace(
      this.el.progress,
      h(
        'p',
        { class: 'projector-line', testid: 'projector-matches', 'data-total': String(matches.length), 'data-done': String(done) },
        `${round}${tn('console.projector.finished', matches.length, { done: num(done) })}`,
      ),
      bar,
      h(
        'ul',
        { class: 'pbar-legend', testid: 'projector-phases' },
        phases.map((p) =>
          h(
            'li',
            { 'data-phase': p, 'data-count': String(counts[p]) },
            h('span', { class: 'pbar-key', 'data-phase': p, 'aria-hidden': 'true' }),
            `${phaseName(p)}: ${num(counts[p])}`,
          ),
        ),
      ),
    );
  }
}
