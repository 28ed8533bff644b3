// A small SVG chart of the Pareto frontier for two-role scenarios: the frontier, this pair's
// outcome, the Nash package and the walk-away point. No dependencies; all text via textContent.
// The drawing helpers exported here (scales, axes, frontier, walk-away zone) also draw the
// facilitator's debrief charts (facilitate/charts.js).

import { h, s } from './dom.js';
import { t, tn, num } from './i18n.js';

/** @typedef {number[]} Point a package's points: role 1 (x) first, role 2 (y) second */
/** @typedef {{lo: number, hi: number, ticks: number[]}} Domain */
/** @typedef {{left: number, right: number, top: number, bottom: number}} Margins */

/**
 * A plot box: the drawing's size, the inner box and the scales from points to SVG units.
 * @typedef {Object} Box
 * @property {number} W
 * @property {number} H
 * @property {number} iw
 * @property {number} ih
 * @property {number} left
 * @property {number} top
 * @property {number} right
 * @property {number} bottom
 * @property {(v: number) => number} X
 * @property {(v: number) => number} Y
 */

/**
 * A number rounded to one decimal, as SVG attribute text.
 * @param {number} n
 */
export const f1 = (n) => (Math.round(n * 10) / 10).toString();

/**
 * A round step (1, 2, 2.5 or 5 times a power of ten) that cuts `range` into about `target` parts.
 * @param {number} range
 * @param {number} target
 */
export function niceStep(range, target) {
  const raw = range / Math.max(1, target);
  const mag = 10 ** Math.floor(Math.log10(raw || 1));
  for (const m of [1, 2, 2.5, 5, 10]) {
    if (m * mag >= raw) return m * mag;
  }
  return 10 * mag;
}

/**
 * The multiples of `step` from lo to hi (both included), rounded to three decimals.
 * @param {number} lo
 * @param {number} hi
 * @param {number} step
 */
export function tickValues(lo, hi, step) {
  /** @type {number[]} */
  const out = [];
  for (let v = Math.ceil(lo / step) * step; v <= hi + 1e-9; v += step) out.push(Math.round(v * 1000) / 1000);
  return out;
}

/**
 * @param {number} min
 * @param {number} max
 * @param {number} [target]
 */
function ticks(min, max, target = 5) {
  const step = niceStep(max - min, target);
  return { ticks: tickValues(min, max, step), step };
}

/**
 * @param {number[]} values
 * @returns {Domain}
 */
function domain(values) {
  let lo = Math.min(0, ...values);
  let hi = Math.max(1, ...values);
  const pad = (hi - lo) * 0.06;
  hi += pad;
  if (lo < 0) lo -= pad;
  const step = ticks(lo, hi).step;
  lo = Math.floor(lo / step) * step;
  hi = Math.ceil(hi / step) * step;
  return { lo, hi, ticks: ticks(lo, hi).ticks };
}

/**
 * The frontier's points as [x, y] numbers, left to right (the higher one first on a tie).
 * @param {ArrayLike<number>[] | null | undefined} points
 * @returns {Point[]}
 */
export function frontierPoints(points) {
  return (points || [])
    .filter((p) => Array.isArray(p) && p.length >= 2)
    .map((p) => /** @type {Point} */ ([Number(p[0]), Number(p[1])]))
    .sort((a, b) => a[0] - b[0] || b[1] - a[1]);
}

/**
 * The plot box of a W × H drawing with margins M, and the scales X and Y from the domains
 * dx and dy ({lo, hi}) to it.
 * @param {number} W
 * @param {number} H
 * @param {Margins} M
 * @param {{lo: number, hi: number}} dx
 * @param {{lo: number, hi: number}} dy
 * @returns {Box}
 */
export function plotBox(W, H, M, dx, dy) {
  const iw = W - M.left - M.right;
  const ih = H - M.top - M.bottom;
  return {
    W,
    H,
    iw,
    ih,
    left: M.left,
    top: M.top,
    right: M.left + iw,
    bottom: M.top + ih,
    X: (v) => M.left + ((v - dx.lo) / (dx.hi - dx.lo)) * iw,
    Y: (v) => M.top + ih - ((v - dy.lo) / (dy.hi - dy.lo)) * ih,
  };
}

/**
 * An <svg> root for a box, labelled by its <title> and <desc>.
 * @param {Box} box
 * @param {{cls: string, titleId: string, descId: string, testid?: string, title: string, desc: string}} opts
 */
export function chartSvg(box, { cls, titleId, descId, testid, title, desc }) {
  const svg = s('svg', {
    viewBox: `0 0 ${box.W} ${box.H}`,
    class: cls,
    role: 'img',
    'aria-labelledby': `${titleId} ${descId}`,
    testid,
    preserveAspectRatio: 'xMidYMid meet',
  });
  svg.appendChild(s('title', { id: titleId }, title));
  svg.appendChild(s('desc', { id: descId }, desc));
  return svg;
}

/**
 * Draws the grid with its tick labels (dx.ticks, dy.ticks), the two axes and their labels.
 * gaps: how far the text sits from the box, in SVG units: xTick below the bottom edge, yTick
 * left of the left edge, xLabel above the bottom of the drawing, yLabel from its left side.
 */
/**
 * @param {SVGElement} svg
 * @param {Box} box
 * @param {{dx: {ticks: number[]}, dy: {ticks: number[]}, xLabel: string, yLabel: string, xLabelTestid?: string,
 *   yLabelTestid?: string, gaps: {xTick: number, yTick: number, xLabel: number, yLabel: number}}} opts
 */
export function drawAxes(svg, box, { dx, dy, xLabel, yLabel, xLabelTestid, yLabelTestid, gaps }) {
  const { X, Y } = box;
  const grid = s('g', { class: 'grid' });
  for (const tick of dx.ticks) {
    grid.appendChild(s('line', { x1: f1(X(tick)), x2: f1(X(tick)), y1: box.top, y2: box.bottom }));
    grid.appendChild(s('text', { x: f1(X(tick)), y: box.bottom + gaps.xTick, 'text-anchor': 'middle', class: 'tick' }, num(tick)));
  }
  for (const tick of dy.ticks) {
    grid.appendChild(s('line', { x1: box.left, x2: box.right, y1: f1(Y(tick)), y2: f1(Y(tick)) }));
    grid.appendChild(s('text', { x: box.left - gaps.yTick, y: f1(Y(tick) + 4), 'text-anchor': 'end', class: 'tick' }, num(tick)));
  }
  svg.appendChild(grid);
  svg.appendChild(s('line', { x1: box.left, x2: box.right, y1: box.bottom, y2: box.bottom, class: 'axis' }));
  svg.appendChild(s('line', { x1: box.left, x2: box.left, y1: box.top, y2: box.bottom, class: 'axis' }));
  svg.appendChild(
    s('text', { x: f1(box.left + box.iw / 2), y: box.H - gaps.xLabel, 'text-anchor': 'middle', class: 'axis-label', testid: xLabelTestid }, xLabel),
  );
  svg.appendChild(
    s(
      'text',
      {
        x: 0,
        y: 0,
        transform: `translate(${gaps.yLabel} ${f1(box.top + box.ih / 2)}) rotate(-90)`,
        'text-anchor': 'middle',
        class: 'axis-label',
        testid: yLabelTestid,
      },
      yLabel,
    ),
  );
}

let zoneIds = 0;

/**
 * The zone of possible agreement: packages better than both walk-away values. With the frontier
 * given, only the part under it is shaded (no package lies above the frontier).
 * @param {Box} box
 * @param {Point} batna
 * @param {import('./dom.js').Attrs} [attrs]
 * @param {Point[] | null} [frontier]
 */
export function batnaZone(box, batna, attrs = {}, frontier = null) {
  const zx = Math.max(box.left, box.X(batna[0]));
  const rect = s('rect', {
    x: f1(zx),
    y: f1(box.top),
    width: f1(Math.max(0, box.right - zx)),
    height: f1(Math.max(0, Math.min(box.bottom, box.Y(batna[1])) - box.top)),
    class: 'zone',
    ...attrs,
  });
  const pts = frontierPoints(frontier);
  if (!pts.length) return rect;
  // Under the frontier: from the bottom left, up to the first point, along the line, down.
  zoneIds += 1;
  const id = `zone-clip-${zoneIds}`;
  const outline = [
    [box.left, box.bottom],
    [box.left, box.Y(pts[0][1])],
    ...pts.map((p) => [box.X(p[0]), box.Y(p[1])]),
    [box.X(pts[pts.length - 1][0]), box.bottom],
  ];
  const clip = s('clipPath', { id }, s('polygon', { points: outline.map((p) => `${f1(p[0])},${f1(p[1])}`).join(' ') }));
  rect.setAttribute('clip-path', `url(#${id})`);
  return s('g', { class: 'zone-group' }, s('defs', null, clip), rect);
}

/**
 * Guide lines through the walk-away point, across the whole box.
 * @param {Box} box
 * @param {Point} batna
 * @param {string} cls
 */
export function batnaGuides(box, batna, cls) {
  const x = f1(box.X(batna[0]));
  const y = f1(box.Y(batna[1]));
  return [
    s('line', { x1: x, x2: x, y1: box.top, y2: box.bottom, class: cls }),
    s('line', { x1: box.left, x2: box.right, y1: y, y2: y, class: cls }),
  ];
}

/**
 * The frontier: a line through its points, and the points, each titled by title(point).
 * @param {SVGElement} svg
 * @param {Box} box
 * @param {Point[]} frontier
 * @param {{r: number, testid?: string, title: (p: Point) => string}} opts
 */
export function drawFrontier(svg, box, frontier, { r, testid, title }) {
  svg.appendChild(
    s('polyline', {
      points: frontier.map((p) => `${f1(box.X(p[0]))},${f1(box.Y(p[1]))}`).join(' '),
      class: 'frontier-line',
      testid,
    }),
  );
  const g = s('g', { class: 'frontier-points' });
  for (const p of frontier) {
    g.appendChild(s('circle', { cx: f1(box.X(p[0])), cy: f1(box.Y(p[1])), r }, s('title', null, title(p))));
  }
  svg.appendChild(g);
}

/**
 * @param {{frontier: ArrayLike<number>[] | null | undefined, xLabel: string, yLabel: string, batna?: Point | null,
 *   outcome?: Point | null, outcomeLabel?: string, nash?: Point | null, title?: string, width?: number}} o
 *   `frontier`: points of role 1 (x) and role 2 (y); `xLabel`, `yLabel`: role names; `title`: accessible title
 * @returns {HTMLElement} a <figure> holding the SVG and its legend
 */
export function frontierChart(o) {
  // A narrower drawing on phones keeps the text readable once the SVG is scaled to fit.
  const narrow = (o.width || 480) < 440;
  const W = narrow ? 340 : 480;
  const H = narrow ? 320 : 380;
  const M = { left: 52, right: 14, top: 16, bottom: 54 };
  const frontier = frontierPoints(o.frontier);
  const pts = [...frontier];
  if (o.batna) pts.push(o.batna);
  if (o.outcome) pts.push(o.outcome);
  if (o.nash) pts.push(o.nash);
  const dx = domain(pts.map((p) => p[0]));
  const dy = domain(pts.map((p) => p[1]));
  const box = plotBox(W, H, M, dx, dy);
  const { X, Y } = box;

  const titleId = `chart-title-${Math.random().toString(36).slice(2, 8)}`;
  const outcomeLabel = o.outcomeLabel || t('common.chart.your_outcome');
  /** @param {Point} p */
  const pair = (p) => ({ x: num(p[0]), y: num(p[1]) });
  const desc = [
    t('common.chart.axes', { x: o.xLabel, y: o.yLabel }),
    o.outcome ? t('common.chart.outcome_at', { label: outcomeLabel, ...pair(o.outcome) }) : '',
    o.nash ? t('common.chart.nash_at', pair(o.nash)) : '',
    o.batna ? t('common.chart.batna_at', pair(o.batna)) : '',
    tn('common.chart.frontier_size', frontier.length),
  ]
    .filter(Boolean)
    .join(' ');
  const svg = chartSvg(box, { cls: 'chart', titleId, descId: `${titleId}-d`, testid: 'frontier-svg', title: o.title || t('common.chart.possible_deals'), desc });

  // Zone of possible agreement (under the grid): better than both walk-away values.
  if (o.batna) svg.appendChild(batnaZone(box, o.batna, { testid: 'chart-zone' }, frontier));

  // Grid, ticks, axes, and the two role names as axis labels.
  drawAxes(svg, box, {
    dx,
    dy,
    xLabel: t('common.chart.axis_points', { role: o.xLabel }),
    yLabel: t('common.chart.axis_points', { role: o.yLabel }),
    xLabelTestid: 'chart-x-label',
    yLabelTestid: 'chart-y-label',
    gaps: { xTick: 16, yTick: 6, xLabel: 12, yLabel: 14 },
  });

  // Walk-away guide lines.
  if (o.batna) svg.append(...batnaGuides(box, o.batna, 'batna-line'));

  // Frontier: a line through the points, and the points.
  if (frontier.length) {
    drawFrontier(svg, box, frontier, { r: 3.2, testid: 'chart-frontier', title: (p) => `${o.xLabel}: ${num(p[0])}, ${o.yLabel}: ${num(p[1])}` });
  }

  // Walk-away point (both BATNAs): a square.
  if (o.batna) {
    const bx = X(o.batna[0]);
    const by = Y(o.batna[1]);
    svg.appendChild(
      s(
        'rect',
        { x: f1(bx - 6), y: f1(by - 6), width: 12, height: 12, class: 'mark-batna', testid: 'chart-batna' },
        s('title', null, t('common.chart.walk_away_title', pair(o.batna))),
      ),
    );
  }
  // This pair's outcome: a large ring (drawn first, so a Nash diamond on the same spot shows
  // inside it), with a label.
  /** @type {{x: number, y: number, text: string, cls: string, dx: number, dy: number, anchor: string}[]} */
  const labels = [];
  if (o.outcome) {
    const ox = X(o.outcome[0]);
    const oy = Y(o.outcome[1]);
    svg.appendChild(
      s(
        'circle',
        { cx: f1(ox), cy: f1(oy), r: 10, class: 'mark-outcome', testid: 'chart-outcome' },
        s('title', null, t('common.chart.outcome_title', { label: outcomeLabel, ...pair(o.outcome) })),
      ),
    );
    labels.push({ x: ox, y: oy, text: o.outcomeLabel || t('player.ready.you'), cls: 'mark-label', dx: -16, dy: 4, anchor: 'end' });
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
        s('title', null, t('common.chart.nash_title', pair(o.nash))),
      ),
    );
    labels.push({ x: nx, y: ny, text: 'Nash', cls: 'mark-label nash-label', dx: 0, dy: 24, anchor: 'middle' });
  }
  // Labels go where no package can be: left of and below a frontier point is under the frontier
  // (it falls from left to right). A label that would overlap one placed before it moves down.
  /** @typedef {{left: number, right: number, top: number, bottom: number}} Rect */
  /** @type {Rect[]} */
  const placed = [];
  for (const l of labels) {
    const w = l.text.length * 7.2;
    const x = Math.max(box.left + 2 + (l.anchor === 'end' ? w : l.anchor === 'middle' ? w / 2 : 0), l.x + l.dx);
    let y = l.y + l.dy;
    const rect = () => {
      const left = l.anchor === 'end' ? x - w : l.anchor === 'middle' ? x - w / 2 : x;
      return { left, right: left + w, top: y - 12, bottom: y + 3 };
    };
    const hits = (/** @type {Rect} */ a, /** @type {Rect} */ b) => a.left < b.right && b.left < a.right && a.top < b.bottom && b.top < a.bottom;
    for (let i = 0; i < 4 && placed.some((p) => hits(rect(), p)); i += 1) y += 16;
    y = Math.min(y, box.bottom - 4);
    placed.push(rect());
    svg.appendChild(s('text', { x: f1(x), y: f1(y), 'text-anchor': l.anchor, class: l.cls, testid: 'chart-label' }, l.text));
  }

  const legend = h(
    'ul',
    { class: 'chart-legend' },
    h('li', null, h('span', { class: 'key key-frontier', 'aria-hidden': 'true' }), t('common.chart.legend_frontier')),
    o.outcome ? h('li', null, h('span', { class: 'key key-outcome', 'aria-hidden': 'true' }), outcomeLabel) : null,
    o.nash ? h('li', null, h('span', { class: 'key key-nash', 'aria-hidden': 'true' }), t('common.chart.legend_nash')) : null,
    o.batna ? h('li', null, h('span', { class: 'key key-batna', 'aria-hidden': 'true' }), t('common.chart.legend_batna')) : null,
    o.batna ? h('li', null, h('span', { class: 'key key-zone', 'aria-hidden': 'true' }), t('common.chart.legend_zone')) : null,
  );
  return h('figure', { class: 'chart-figure', testid: 'frontier-chart' }, svg, legend);
}
