// The projector view: what a room may see, fed by the same monitor frames as the console. The
// join code large, the join link, how many joined, wait and play, and how far the matches
// are. Never a name, a token, a private or rejoin link, or a control: it shows only what this
// module writes into #screen-projector, and that is built from counts.

import { h, replace, show, $ } from '../dom.js';
import { PHASES, phaseLabel } from '../format.js';

const PHASE_ORDER = Object.keys(PHASES);

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

  /** The join code and link; the title when the session has one. */
  setJoin(code, title) {
    this.el.code.replaceChildren(h('span', null, code.slice(0, 3)), h('span', null, code.slice(3)));
    this.el.code.setAttribute('aria-label', `Join code ${code.split('').join(' ')}`);
    // Shown as text: the room types it, nobody clicks it on a projector.
    this.el.url.textContent = `${location.host}/?code=${code}`;
    this.el.title.textContent = title || '';
    show(this.el.title, !!title);
  }

  update(frame) {
    const players = (frame.players || []).filter((p) => p.status !== 'removed');
    const matches = frame.matches || [];
    const bots = players.filter((p) => p.bot).length;
    const playing = players.filter((p) => p.status === 'playing').length;
    const stat = (label, value, testid, note) =>
      h(
        'div',
        { class: 'pstat', testid, 'data-value': String(value) },
        h('span', { class: 'pstat-value' }, String(value)),
        h('span', { class: 'pstat-label' }, label, note ? h('span', { class: 'pstat-note' }, ` ${note}`) : null),
      );
    replace(
      this.el.stats,
      stat('joined', players.length, 'projector-joined', bots ? `(${bots === 1 ? '1 bot' : `${bots} bots`})` : ''),
      stat('waiting', frame.waiting || 0, 'projector-waiting'),
      stat('playing', playing, 'projector-playing'),
    );

    const counts = {};
    for (const m of matches) counts[m.phase] = (counts[m.phase] || 0) + 1;
    const done = counts.results || 0;
    const t = frame.tournament && frame.tournament.config ? frame.tournament : null;
    const round = t ? `Round ${t.round} of ${(t.config.rounds || []).length} · ` : '';
    if (!matches.length) {
      replace(
        this.el.progress,
        h('p', { class: 'projector-line', testid: 'projector-matches', 'data-total': '0', 'data-done': '0' }, `${round}No match has started yet.`),
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
        `${round}${done} of ${matches.length} ${matches.length === 1 ? 'match' : 'matches'} finished`,
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
            `${phaseLabel(p)}: ${counts[p]}`,
          ),
        ),
      ),
    );
  }
}
