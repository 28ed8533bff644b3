// SVG charts of the debrief: every outcome against the Pareto frontier, the distribution of
// joint value, the treatment comparison and trust against joint value. No dependencies;
// all text goes in as text nodes (dom.js), so names and labels are never parsed as HTML.

import { h, s } from '../dom.js';
import {
  f1,
  niceStep,
  tickValues,
  frontierPoints,
  plotBox,
  chartSvg,
  drawAxes,
  batnaZone,
  batnaGuides,
  drawFrontier,
} from '../chart.js';
import { t, tn, num } from '../i18n.js';

/** @typedef {import('./shapes.js').DebriefChart} DebriefChart */
/** @typedef {import('./shapes.js').DebriefIssue} DebriefIssue */
/** @typedef {import('./shapes.js').GroupStats} GroupStats */
/** @typedef {{lo: number, hi: number, ticks: number[]}} Domain */
/** @typedef {(v: number) => number} Scale */
/** @typedef {{W: number, H: number, iw: number, ih: number, left: number, top: number, right: number, bottom: number, X: Scale, Y: Scale}} Box */

/** @param {number} n */
const r1 = (n) => num(Math.round(n * 10) / 10, { maximumFractionDigits: 1 });

/**
 * A padded domain with round ticks that contains every value (and zero unless told not to).
 * @param {number[]} values
 * @param {{zero?: boolean, min?: number | null, max?: number | null, target?: number, integer?: boolean}} [options]
 * @returns {Domain}
 */
export function niceDomain(values, { zero = true, min = null, max = null, target = 5, integer = false } = {}) {
  const finite = values.filter((v) => Number.isFinite(v));
  let lo = min ?? Math.min(zero ? 0 : Infinity, ...finite);
  let hi = max ?? Math.max(zero ? 1 : -Infinity, ...finite);
  if (!Number.isFinite(lo)) lo = 0;
  if (!Number.isFinite(hi)) hi = lo + 1;
  if (hi <= lo) hi = lo + 1;
  if (max === null) hi += (hi - lo) * 0.05;
  if (min === null && lo < 0) lo -= (hi - lo) * 0.05;
  let step = niceStep(hi - lo, target);
  if (integer) step = Math.max(1, Math.round(step));
  if (min === null) lo = Math.floor(lo / step) * step;
  if (max === null) hi = Math.ceil(hi / step) * step;
  return { lo, hi, ticks: tickValues(lo, hi, step) };
}

let chartCounter = 0;

/**
 * An empty plot with grid, ticks and axis labels (drawn by chart.js, with a little more room for
 * the text than the player's chart).
 * @param {{W: number, H: number, M: {left: number, right: number, top: number, bottom: number}, dx: Domain, dy: Domain, xLabel: string, yLabel: string, title: string, desc: string, testid: string}} o
 * @returns {{svg: SVGElement, X: Scale, Y: Scale, box: Box}}
 */
function plotFrame({ W, H, M, dx, dy, xLabel, yLabel, title, desc, testid }) {
  chartCounter += 1;
  const tid = `fchart-${chartCounter}`;
  const box = /** @type {Box} */ (plotBox(W, H, M, dx, dy));
  const svg = chartSvg(box, { cls: 'fchart', titleId: `${tid}-t`, descId: `${tid}-d`, testid, title, desc });
  drawAxes(svg, box, {
    dx,
    dy,
    xLabel,
    yLabel,
    xLabelTestid: `${testid}-x-label`,
    yLabelTestid: `${testid}-y-label`,
    gaps: { xTick: 17, yTick: 7, xLabel: 10, yLabel: 16 },
  });
  return { svg, X: box.X, Y: box.Y, box };
}

/**
 * A small inline SVG key for legends.
 * @param {string} shape
 * @param {string} cls
 */
function key(shape, cls) {
  const k = s('svg', { viewBox: '0 0 20 20', width: 20, height: 20, class: 'key', 'aria-hidden': 'true', focusable: 'false' });
  k.appendChild(markShape(shape, 10, 10, 6, cls));
  return k;
}

/**
 * @param {string} shape
 * @param {number} x
 * @param {number} y
 * @param {number} r
 * @param {string} cls
 * @param {Record<string, string>} [attrs]
 */
function markShape(shape, x, y, r, cls, attrs = {}) {
  if (shape === 'triangle') {
    const d = `M${f1(x)} ${f1(y - r * 1.15)} L${f1(x + r * 1.05)} ${f1(y + r * 0.75)} L${f1(x - r * 1.05)} ${f1(y + r * 0.75)} Z`;
    return s('path', { d, class: cls, ...attrs });
  }
  if (shape === 'square') return s('rect', { x: f1(x - r), y: f1(y - r), width: f1(2 * r), height: f1(2 * r), class: cls, ...attrs });
  if (shape === 'diamond') {
    const d = `M${f1(x)} ${f1(y - r * 1.2)} L${f1(x + r * 1.2)} ${f1(y)} L${f1(x)} ${f1(y + r * 1.2)} L${f1(x - r * 1.2)} ${f1(y)} Z`;
    return s('path', { d, class: cls, ...attrs });
  }
  if (shape === 'line') return s('line', { x1: 2, x2: 18, y1: 10, y2: 10, class: cls, ...attrs });
  if (shape === 'zone') return s('rect', { x: 2, y: 2, width: 16, height: 16, class: cls, ...attrs });
  return s('circle', { cx: f1(x), cy: f1(y), r: f1(r), class: cls, ...attrs });
}

/** @param {([string, string, string] | null)[]} items shape, class, text */
function legend(items) {
  return h(
    'ul',
    { class: 'fchart-legend' },
    items.map((item) => (item ? h('li', null, key(item[0], item[1]), item[2]) : null)),
  );
}

/**
 * Every outcome of the class against the Pareto frontier, the Nash point and the walk-away point.
 * @param {DebriefChart} chart  the debrief's `chart` object
 */
export function outcomeScatter(chart) {
  const [xRole, yRole] = chart.roles || [t('console.tournament.role', { n: 1 }), t('console.tournament.role', { n: 2 })];
  const frontier = /** @type {number[][]} */ (frontierPoints(chart.frontier));
  const outcomes = (chart.outcomes || []).filter((o) => Array.isArray(o.points) && o.points.length >= 2);
  const all = [...frontier, ...outcomes.map((o) => o.points)];
  if (chart.batna) all.push(chart.batna);
  if (chart.nash) all.push(chart.nash);
  const dx = niceDomain(all.map((p) => Number(p[0])));
  const dy = niceDomain(all.map((p) => Number(p[1])));
  const W = 560;
  const H = 430;
  const withTalk = outcomes.filter((o) => o.small_talk).length;
  const deals = outcomes.filter((o) => o.deal).length;
  const { svg, X, Y, box } = plotFrame({
    W,
    H,
    M: { left: 58, right: 16, top: 16, bottom: 56 },
    dx,
    dy,
    xLabel: t('console.chart.points_axis', { role: xRole }),
    yLabel: t('console.chart.points_axis', { role: yRole }),
    title: t('console.chart.scatter_title'),
    desc:
      t('console.chart.scatter_desc', { n: num(outcomes.length), deals: num(deals), impasses: num(outcomes.length - deals), talk: num(withTalk), frontier: num(frontier.length) }) +
      (chart.nash ? ` ${t('console.chart.nash_desc', { x: num(chart.nash[0]), y: num(chart.nash[1]) })}` : '') +
      (chart.batna ? ` ${t('console.chart.batna_desc', { x: num(chart.batna[0]), y: num(chart.batna[1]) })}` : ''),
    testid: 'debrief-scatter-svg',
  });

  // The zone and the walk-away guides, over the grid.
  /** @param {number[]} p */
  const at = (p) => t('console.chart.at', { xRole, x: num(p[0]), yRole, y: num(p[1]) });
  if (chart.batna) {
    svg.appendChild(batnaZone(box, chart.batna, {}, /** @type {any} */ (frontier))); // chart.js's JSDoc-less default (null) narrows the parameter: any until chart.js types it
    svg.append(...batnaGuides(box, chart.batna, 'guide'));
  }
  if (frontier.length) {
    drawFrontier(svg, box, frontier, { r: 3, testid: 'scatter-frontier', title: (/** @type {number[]} */ p) => t('console.chart.frontier_point', { at: at(p) }) });
  }
  if (chart.batna) {
    svg.appendChild(
      markShape('square', X(chart.batna[0]), Y(chart.batna[1]), 6, 'mark-batna', { 'data-testid': 'scatter-batna' }),
    ).appendChild(s('title', null, t('console.chart.batna_point', { at: at(chart.batna) })));
  }
  if (chart.nash) {
    svg.appendChild(
      markShape('diamond', X(chart.nash[0]), Y(chart.nash[1]), 7, 'mark-nash', { 'data-testid': 'scatter-nash' }),
    ).appendChild(s('title', null, t('console.chart.nash_point', { at: at(chart.nash) })));
  }

  // Outcomes: identical points are drawn once, larger, with a count.
  /** @type {Map<string, {points: number[], small_talk: boolean, deal: boolean, ids: string[]}>} */
  const groups = new Map();
  for (const o of outcomes) {
    const k = `${o.points[0]}|${o.points[1]}|${o.small_talk ? 1 : 0}|${o.deal ? 1 : 0}`;
    const group = groups.get(k) || { points: o.points, small_talk: !!o.small_talk, deal: !!o.deal, ids: [] };
    groups.set(k, group);
    group.ids.push(o.match_id);
  }
  const both = new Set();
  /** @type {Map<string, boolean>} */
  const seen = new Map();
  for (const g of groups.values()) {
    const pk = `${g.points[0]}|${g.points[1]}`;
    if (seen.has(pk) && seen.get(pk) !== g.small_talk) both.add(pk);
    seen.set(pk, g.small_talk);
  }
  const og = s('g', { class: 'outcomes' });
  for (const g of groups.values()) {
    const n = g.ids.length;
    const r = 6 + Math.min(8, 2.2 * Math.sqrt(n - 1));
    const pk = `${g.points[0]}|${g.points[1]}`;
    const shift = both.has(pk) ? (g.small_talk ? -5 : 5) : 0;
    const x = X(g.points[0]) + shift;
    const y = Y(g.points[1]);
    const cls = `outcome ${g.small_talk ? 'talk' : 'no-talk'} ${g.deal ? 'deal' : 'impasse'}`;
    const mark = markShape(g.small_talk ? 'circle' : 'triangle', x, y, r, cls, {
      'data-testid': 'scatter-outcome',
      'data-count': String(n),
      'data-small-talk': String(g.small_talk),
      'data-deal': String(g.deal),
      'data-x': String(g.points[0]),
      'data-y': String(g.points[1]),
    });
    const what = g.deal
      ? tn(g.small_talk ? 'console.chart.deals_with' : 'console.chart.deals_without', n)
      : tn(g.small_talk ? 'console.chart.impasses_with' : 'console.chart.impasses_without', n);
    mark.appendChild(s('title', null, `${what}: ${at(g.points)}`));
    og.appendChild(mark);
    if (n > 1) {
      og.appendChild(s('text', { x: f1(x + r + 3), y: f1(y - r + 2), class: 'count-label' }, `×${n}`));
    }
  }
  svg.appendChild(og);

  return h(
    'figure',
    { class: 'fchart-figure', testid: 'debrief-scatter' },
    svg,
    legend([
      ['circle', 'outcome talk deal', t('console.chart.key_deal_talk')],
      ['triangle', 'outcome no-talk deal', t('console.chart.key_deal_no_talk')],
      ['circle', 'outcome talk impasse', t('console.chart.key_impasse')],
      ['line', 'frontier-line', t('console.chart.key_frontier')],
      chart.nash ? ['diamond', 'mark-nash', t('console.chart.key_nash')] : null,
      chart.batna ? ['square', 'mark-batna', t('console.chart.key_batna')] : null,
      chart.batna ? ['zone', 'zone', t('console.chart.key_zone')] : null,
    ]),
  );
}

/**
 * A histogram of joint values.
 * @param {number[]} values
 * @param {number|null} best  the largest joint value possible (marked)
 */
export function jointHistogram(values, best) {
  const vals = values.map(Number).filter(Number.isFinite).map(Math.round);
  const hasBest = typeof best === 'number' && Number.isFinite(best);
  const lo0 = Math.min(...vals, hasBest ? best : Infinity);
  const hi0 = Math.max(...vals, hasBest ? best : -Infinity);
  // Integer bins [a, a + width − 1]: about 8 of them across the observed range and the best value.
  const width = Math.max(1, Math.round(niceStep(Math.max(1, hi0 - lo0 + 1), 8)));
  let start = Math.floor(lo0 / width) * width;
  let nb = Math.max(1, Math.floor((hi0 - start) / width) + 1);
  if (hasBest) {
    // Align the bins so that the last one ends at the best possible value.
    nb = Math.max(1, Math.ceil((best - lo0 + 1) / width));
    start = best - nb * width + 1;
  }
  const counts = new Array(nb).fill(0);
  for (const v of vals) counts[Math.min(nb - 1, Math.floor((v - start) / width))] += 1;
  const label = (/** @type {number} */ i) => (width === 1 ? num(start + i) : `${num(start + i * width)}–${num(start + (i + 1) * width - 1)}`);
  // Bars cover [a − ½, b + ½], so a bin of one value sits centred on its tick.
  /** @type {Domain} */
  const dx = { lo: start - 0.5, hi: start + nb * width - 0.5, ticks: [] };
  const tstep = Math.max(1, Math.ceil(nb / 7));
  for (let i = (nb - 1) % tstep; i < nb; i += tstep) dx.ticks.push(start + i * width);
  const dy = niceDomain(counts, { integer: true, target: 4 });
  const { svg, X, Y, box } = plotFrame({
    W: 420,
    H: 260,
    M: { left: 44, right: 14, top: 14, bottom: 50 },
    dx,
    dy,
    xLabel: t('console.chart.joint_axis'),
    yLabel: t('console.chart.matches_axis'),
    title: t('console.chart.hist_title'),
    desc: counts.map((c, i) => `${label(i)}: ${c}`).join('; '),
    testid: 'hist-svg',
  });
  counts.forEach((c, i) => {
    if (!c) return;
    const x0 = X(start + i * width - 0.5) + 1.5;
    const x1 = X(start + (i + 1) * width - 0.5) - 1.5;
    const bar = s('rect', { x: f1(x0), y: f1(Y(c)), width: f1(Math.max(1, x1 - x0)), height: f1(box.bottom - Y(c)), class: 'bar', 'data-testid': 'hist-bar' });
    bar.appendChild(s('title', null, tn('console.chart.hist_bar', c, { range: label(i) })));
    svg.appendChild(bar);
  });
  if (hasBest) {
    const bx = X(best + 0.5);
    svg.appendChild(s('line', { x1: f1(bx), x2: f1(bx), y1: box.top, y2: box.bottom, class: 'best-line' }));
    svg.appendChild(s('text', { x: f1(bx - 4), y: box.top + 12, 'text-anchor': 'end', class: 'note' }, t('console.chart.best', { best: num(best) })));
  }
  return h('figure', { class: 'fchart-figure small-chart', testid: 'joint-histogram' }, svg);
}

/**
 * Bars of a mean ± sd for the two treatment groups.
 * @param {{with_small_talk: GroupStats, without_small_talk: GroupStats}} treatment
 * @param {'mean_joint_value' | 'mean_trust'} field
 * @param {'sd_joint_value' | 'sd_trust'} sdField
 * @param {string} label
 * @param {{max?: number | null}} [options]
 */
export function treatmentBars(treatment, field, sdField, label, { max = null } = {}) {
  /** @type {[string, GroupStats, string][]} */
  const groups = [
    [t('console.arms.with_talk'), treatment.with_small_talk || {}, 'talk'],
    [t('console.arms.without_talk'), treatment.without_small_talk || {}, 'no-talk'],
  ];
  const tops = groups.map(([, g]) => (Number(g[field]) || 0) + (Number(g[sdField]) || 0));
  const dy = niceDomain(tops, { target: 4, max: max ?? undefined });
  /** @type {Domain} */
  const dx = { lo: 0, hi: 2, ticks: [] };
  const { svg, Y, box } = plotFrame({
    W: 300,
    H: 240,
    M: { left: 46, right: 10, top: 14, bottom: 48 },
    dx,
    dy,
    xLabel: '',
    yLabel: label,
    title: t('console.chart.bars_title', { label }),
    desc: groups
      .map(([name, g]) => {
        const m = g[field];
        const sd = g[sdField];
        const value = m == null ? t('console.chart.no_data') : `${r1(m)}${sd == null ? '' : ` ± ${r1(sd)}`}`;
        return `${name}: ${value} (n ${num(g.n || 0)})`;
      })
      .join('. '),
    testid: `treatment-bars-${field}`,
  });
  const slot = box.iw / 2;
  groups.forEach(([name, g, cls], i) => {
    const cx = box.left + slot * (i + 0.5);
    const bw = Math.min(70, slot * 0.55);
    svg.appendChild(s('text', { x: f1(cx), y: box.bottom + 18, 'text-anchor': 'middle', class: 'tick' }, name));
    const m = g[field];
    if (m == null) {
      svg.appendChild(s('text', { x: f1(cx), y: f1(box.bottom - 10), 'text-anchor': 'middle', class: 'note' }, t('console.chart.no_data')));
      return;
    }
    const y = Y(m);
    svg.appendChild(
      s('rect', { x: f1(cx - bw / 2), y: f1(y), width: f1(bw), height: f1(Math.max(0, box.bottom - y)), class: `bar ${cls}` }, s('title', null, `${name}: ${r1(m)}`)),
    );
    const sd = g[sdField];
    if (sd != null && sd > 0) {
      const y0 = Y(Math.max(dy.lo, m - sd));
      const y1 = Y(Math.min(dy.hi, m + sd));
      svg.appendChild(s('line', { x1: f1(cx), x2: f1(cx), y1: f1(y0), y2: f1(y1), class: 'whisker' }));
      svg.appendChild(s('line', { x1: f1(cx - 8), x2: f1(cx + 8), y1: f1(y0), y2: f1(y0), class: 'whisker' }));
      svg.appendChild(s('line', { x1: f1(cx - 8), x2: f1(cx + 8), y1: f1(y1), y2: f1(y1), class: 'whisker' }));
    }
    svg.appendChild(s('text', { x: f1(cx + bw / 2 + 4), y: f1(y + 4), class: 'value-label' }, r1(m)));
  });
  return h('figure', { class: 'fchart-figure small-chart' }, svg);
}

/**
 * Trust built (0–100) against joint value, one point per match.
 * @param {{match_id: string, joint_value: number, trust_built: number | null}[]} points
 * @param {number | null | undefined} best
 * @param {Map<string, boolean>} [smallTalkOf]
 */
export function trustScatter(points, best, smallTalkOf = new Map()) {
  const pts = points.filter((p) => p.trust_built != null && Number.isFinite(Number(p.trust_built)));
  const hasBest = typeof best === 'number' && Number.isFinite(best);
  const dx = niceDomain([0, 100], { min: 0, max: 100 });
  const dy = niceDomain([...pts.map((p) => Number(p.joint_value)), ...(hasBest ? [best] : [])]);
  const { svg, X, Y, box } = plotFrame({
    W: 420,
    H: 300,
    M: { left: 50, right: 14, top: 14, bottom: 50 },
    dx,
    dy,
    xLabel: t('console.chart.trust_axis'),
    yLabel: t('console.chart.joint_value'),
    title: t('console.chart.trust_title'),
    desc: tn('console.chart.trust_desc', pts.length),
    testid: 'trust-svg',
  });
  if (hasBest) {
    svg.appendChild(s('line', { x1: box.left, x2: box.right, y1: f1(Y(best)), y2: f1(Y(best)), class: 'best-line' }));
    svg.appendChild(s('text', { x: box.left + 6, y: f1(Y(best) - 5), 'text-anchor': 'start', class: 'note' }, t('console.chart.best', { best: num(best) })));
  }
  let anyNoTalk = false;
  for (const p of pts) {
    const talk = smallTalkOf.has(p.match_id) ? smallTalkOf.get(p.match_id) : true;
    anyNoTalk = anyNoTalk || !talk;
    const mark = markShape(talk ? 'circle' : 'triangle', X(Number(p.trust_built)), Y(Number(p.joint_value)), 6, `outcome deal ${talk ? 'talk' : 'no-talk'}`, {
      'data-testid': 'trust-point',
    });
    mark.appendChild(s('title', null, t(talk ? 'console.chart.trust_point_talk' : 'console.chart.trust_point_no_talk', { trust: r1(Number(p.trust_built)), joint: num(p.joint_value) })));
    svg.appendChild(mark);
  }
  return h(
    'figure',
    { class: 'fchart-figure small-chart', testid: 'trust-scatter' },
    svg,
    anyNoTalk ? legend([['circle', 'outcome talk deal', t('console.arms.with_talk')], ['triangle', 'outcome no-talk deal', t('console.arms.without_talk')]]) : null,
  );
}

/**
 * Horizontal bars: how many deals agreed each option of an issue.
 * @param {DebriefIssue} issue
 */
export function optionBars(issue) {
  const counts = issue.agreed_counts || [];
  const total = Math.max(1, ...counts);
  return h(
    'ol',
    { class: 'option-bars', 'aria-label': t('console.chart.options_aria', { issue: issue.name }) },
    (issue.options || []).map((opt, i) =>
      h(
        'li',
        { class: i === issue.best_joint_option ? 'best' : null },
        h('span', { class: 'opt-name' }, opt, i === issue.best_joint_option ? h('span', { class: 'tag' }, t('console.chart.best_for_pair')) : null),
        h(
          'span',
          { class: 'opt-bar', 'aria-hidden': 'true' },
          h('span', { class: 'opt-fill', style: `width:${Math.round(((counts[i] || 0) / total) * 100)}%` }),
        ),
        h('span', { class: 'opt-count num' }, num(counts[i] || 0)),
      ),
    ),
  );
}
