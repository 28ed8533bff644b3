// A small SVG chart of the Pareto frontier for two-role scenarios: the frontier, this pair's
// outcome, the Nash package and the walk-away point. No dependencies; all text via textContent.

import { h, s } from './dom.js';

function niceStep(range, target) {
  const raw = range / Math.max(1, target);
  const mag = 10 ** Math.floor(Math.log10(raw || 1));
  for (const m of [1, 2, 2.5, 5, 10]) {
    if (m * mag >= raw) return m * mag;
  }
  return 10 * mag;
}

function ticks(min, max, target = 5) {
  const step = niceStep(max - min, target);
  const out = [];
  const start = Math.ceil(min / step) * step;
  for (let v = start; v <= max + 1e-9; v += step) out.push(Math.round(v * 1000) / 1000);
  return { ticks: out, step };
}

function domain(values) {
  let lo = Math.min(0, ...values);
  let hi = Math.max(1, ...values);
  const pad = (hi - lo) * 0.06;
  hi += pad;
  if (lo < 0) lo -= pad;
  const t = ticks(lo, hi);
  lo = Math.floor(lo / t.step) * t.step;
  hi = Math.ceil(hi / t.step) * t.step;
  return { lo, hi, ticks: ticks(lo, hi).ticks };
}

/**
 * @param {object} o
 *   frontier: [[x, y], ...]   points of role 1 (x) and role 2 (y)
 *   xLabel, yLabel: role names
 *   batna: [x, y]
 *   outcome: [x, y] or null, outcomeLabel: string
 *   nash: [x, y] or null
 *   title: accessible title
 * @returns {HTMLElement} a <figure> holding the SVG and its legend
 */
export function frontierChart(o) {
  // A narrower drawing on phones keeps the text readable once the SVG is scaled to fit.
  const narrow = (o.width || 480) < 440;
  const W = narrow ? 340 : 480;
  const H = narrow ? 320 : 380;
  const M = { left: 52, right: 14, top: 16, bottom: 54 };
  const frontier = (o.frontier || []).filter((p) => Array.isArray(p) && p.length >= 2).map((p) => [Number(p[0]), Number(p[1])]);
  frontier.sort((a, b) => a[0] - b[0] || b[1] - a[1]);
  const pts = [...frontier];
  if (o.batna) pts.push(o.batna);
  if (o.outcome) pts.push(o.outcome);
  if (o.nash) pts.push(o.nash);
  const dx = domain(pts.map((p) => p[0]));
  const dy = domain(pts.map((p) => p[1]));
  const iw = W - M.left - M.right;
  const ih = H - M.top - M.bottom;
  const X = (v) => M.left + ((v - dx.lo) / (dx.hi - dx.lo)) * iw;
  const Y = (v) => M.top + ih - ((v - dy.lo) / (dy.hi - dy.lo)) * ih;
  const f1 = (n) => (Math.round(n * 10) / 10).toString();

  const titleId = `chart-title-${Math.random().toString(36).slice(2, 8)}`;
  const descId = `${titleId}-d`;
  const svg = s('svg', {
    viewBox: `0 0 ${W} ${H}`,
    class: 'chart',
    role: 'img',
    'aria-labelledby': `${titleId} ${descId}`,
    testid: 'frontier-svg',
    preserveAspectRatio: 'xMidYMid meet',
  });
  svg.appendChild(s('title', { id: titleId }, o.title || 'Possible deals'));
  const desc = [
    `Horizontal axis: points for ${o.xLabel}. Vertical axis: points for ${o.yLabel}.`,
    o.outcome ? `${o.outcomeLabel || 'Your outcome'}: ${o.outcome[0]} and ${o.outcome[1]}.` : '',
    o.nash ? `Nash package: ${o.nash[0]} and ${o.nash[1]}.` : '',
    o.batna ? `Walk-away values: ${o.batna[0]} and ${o.batna[1]}.` : '',
    `${frontier.length} packages on the frontier of best possible deals.`,
  ]
    .filter(Boolean)
    .join(' ');
  svg.appendChild(s('desc', { id: descId }, desc));

  // Zone of possible agreement: better than both walk-away values.
  if (o.batna) {
    const bx = X(o.batna[0]);
    const by = Y(o.batna[1]);
    const zx = Math.max(M.left, bx);
    const zy = M.top;
    const zw = Math.max(0, M.left + iw - zx);
    const zh = Math.max(0, Math.min(M.top + ih, by) - zy);
    svg.appendChild(s('rect', { x: f1(zx), y: f1(zy), width: f1(zw), height: f1(zh), class: 'zone', testid: 'chart-zone' }));
  }

  // Grid and ticks.
  const grid = s('g', { class: 'grid' });
  for (const t of dx.ticks) {
    grid.appendChild(s('line', { x1: f1(X(t)), x2: f1(X(t)), y1: M.top, y2: M.top + ih }));
    grid.appendChild(s('text', { x: f1(X(t)), y: M.top + ih + 16, 'text-anchor': 'middle', class: 'tick' }, String(t)));
  }
  for (const t of dy.ticks) {
    grid.appendChild(s('line', { x1: M.left, x2: M.left + iw, y1: f1(Y(t)), y2: f1(Y(t)) }));
    grid.appendChild(s('text', { x: M.left - 6, y: f1(Y(t) + 4), 'text-anchor': 'end', class: 'tick' }, String(t)));
  }
  svg.appendChild(grid);
  svg.appendChild(s('line', { x1: M.left, x2: M.left + iw, y1: M.top + ih, y2: M.top + ih, class: 'axis' }));
  svg.appendChild(s('line', { x1: M.left, x2: M.left, y1: M.top, y2: M.top + ih, class: 'axis' }));

  // Axis labels: the two role names.
  svg.appendChild(
    s('text', { x: f1(M.left + iw / 2), y: H - 12, 'text-anchor': 'middle', class: 'axis-label', testid: 'chart-x-label' }, `${o.xLabel} (points)`),
  );
  svg.appendChild(
    s(
      'text',
      {
        x: 0,
        y: 0,
        transform: `translate(14 ${f1(M.top + ih / 2)}) rotate(-90)`,
        'text-anchor': 'middle',
        class: 'axis-label',
        testid: 'chart-y-label',
      },
      `${o.yLabel} (points)`,
    ),
  );

  // Walk-away guide lines.
  if (o.batna) {
    svg.appendChild(s('line', { x1: f1(X(o.batna[0])), x2: f1(X(o.batna[0])), y1: M.top, y2: M.top + ih, class: 'batna-line' }));
    svg.appendChild(s('line', { x1: M.left, x2: M.left + iw, y1: f1(Y(o.batna[1])), y2: f1(Y(o.batna[1])), class: 'batna-line' }));
  }

  // Frontier: a line through the points, and the points.
  if (frontier.length) {
    svg.appendChild(
      s('polyline', {
        points: frontier.map((p) => `${f1(X(p[0]))},${f1(Y(p[1]))}`).join(' '),
        class: 'frontier-line',
        testid: 'chart-frontier',
      }),
    );
    const g = s('g', { class: 'frontier-points' });
    for (const p of frontier) {
      g.appendChild(
        s('circle', { cx: f1(X(p[0])), cy: f1(Y(p[1])), r: 3.2 }, s('title', null, `${o.xLabel}: ${p[0]}, ${o.yLabel}: ${p[1]}`)),
      );
    }
    svg.appendChild(g);
  }

  // Walk-away point (both BATNAs): a square.
  if (o.batna) {
    const bx = X(o.batna[0]);
    const by = Y(o.batna[1]);
    svg.appendChild(
      s(
        'rect',
        { x: f1(bx - 6), y: f1(by - 6), width: 12, height: 12, class: 'mark-batna', testid: 'chart-batna' },
        s('title', null, `Walk-away: ${o.batna[0]} and ${o.batna[1]}`),
      ),
    );
  }
  // This pair's outcome: a large ring (drawn first, so a Nash diamond on the same spot shows
  // inside it), with a label.
  const labels = [];
  if (o.outcome) {
    const ox = X(o.outcome[0]);
    const oy = Y(o.outcome[1]);
    svg.appendChild(
      s(
        'circle',
        { cx: f1(ox), cy: f1(oy), r: 10, class: 'mark-outcome', testid: 'chart-outcome' },
        s('title', null, `${o.outcomeLabel || 'Your outcome'}: ${o.outcome[0]} and ${o.outcome[1]}`),
      ),
    );
    labels.push({ x: ox, y: oy, text: o.outcomeLabel || 'You', up: true });
  }
  // Nash package: a diamond.
  if (o.nash) {
    const nx = X(o.nash[0]);
    const ny = Y(o.nash[1]);
    svg.appendChild(
      s(
        'path',
        {
          d: `M${f1(nx)} ${f1(ny - 6.5)} L${f1(nx + 6.5)} ${f1(ny)} L${f1(nx)} ${f1(ny + 6.5)} L${f1(nx - 6.5)} ${f1(ny)} Z`,
          class: 'mark-nash',
          testid: 'chart-nash',
        },
        s('title', null, `Nash package: ${o.nash[0]} and ${o.nash[1]}`),
      ),
    );
    labels.push({ x: nx, y: ny, text: 'Nash', up: false });
  }
  // Labels: the outcome's above and outwards, Nash's below and inwards.
  for (const l of labels) {
    const right = l.x < M.left + iw * 0.6;
    const dxl = l.up ? (right ? 14 : -14) : right ? -10 : 10;
    svg.appendChild(
      s(
        'text',
        {
          x: f1(l.x + dxl),
          y: f1(l.up ? l.y - 12 : l.y + 20),
          'text-anchor': dxl > 0 ? 'start' : 'end',
          class: l.up ? 'mark-label' : 'mark-label nash-label',
        },
        l.text,
      ),
    );
  }

  const legend = h(
    'ul',
    { class: 'chart-legend' },
    h('li', null, h('span', { class: 'key key-frontier', 'aria-hidden': 'true' }), 'Best possible deals (Pareto frontier)'),
    o.outcome ? h('li', null, h('span', { class: 'key key-outcome', 'aria-hidden': 'true' }), o.outcomeLabel || 'Your outcome') : null,
    o.nash ? h('li', null, h('span', { class: 'key key-nash', 'aria-hidden': 'true' }), 'Nash package (a fair, efficient split)') : null,
    o.batna ? h('li', null, h('span', { class: 'key key-batna', 'aria-hidden': 'true' }), 'Both walk-away values') : null,
    o.batna ? h('li', null, h('span', { class: 'key key-zone', 'aria-hidden': 'true' }), 'Deals better than walking away for both') : null,
  );
  return h('figure', { class: 'chart-figure', testid: 'frontier-chart' }, svg, legend);
}
