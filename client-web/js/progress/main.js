// The learner's progress page: their practice matches over time (value created, reading the
// other side, tactics, trust built), read with the private practice key this browser keeps
// (js/practice-key.js), plus the recovery link, downloads and deletion. Untrusted text (scenario
// titles, roles) is only ever set as text.

import { h, s, $, replace, show } from '../dom.js';
import { percent, drillGoal } from '../format.js';
import { TACTIC_NAMES } from '../tactic-names.js';
import { t, tn, num, dateTime, translatePage } from '../i18n.js';
import { setupLanguagePicker } from '../lang-picker.js';
import {
  storedPracticeKey,
  adoptPracticeKey,
  forgetPracticeKey,
  recoveryLink,
  keyInAddress,
} from '../practice-key.js';

/** @typedef {import('../types.js').PracticeHistory} PracticeHistory */
/** @typedef {import('../types.js').PracticeMatch} PracticeMatch */

/** @type {PracticeHistory | null} */
let current = null;


/**
 * @param {string} text
 * @param {'ok' | 'busy' | 'error' | ''} [kind]
 */
function status(text, kind = '') {
  const el = $('[data-testid="progress-status"]');
  el.textContent = text;
  el.dataset.kind = kind;
}

/** A key in the address (a recovery link) becomes this browser's key, then leaves the address. */
function takeKeyFromAddress() {
  const fromLink = keyInAddress();
  if (!fromLink) return;
  const mine = storedPracticeKey();
  const ok =
    !mine ||
    mine === fromLink ||
    window.confirm(t('progress.confirm_adopt'));
  if (ok && !adoptPracticeKey(fromLink)) status(t('progress.no_storage'), 'error');
  // The key stays out of the address bar, the history list and screenshots.
  history.replaceState(null, '', location.pathname);
}

/**
 * @param {string} key
 * @param {string} path
 */
function ask(key, path, method = 'GET') {
  return fetch(path, { method, headers: { 'x-practice-key': key }, cache: 'no-store' });
}

/** @param {Response} r */
async function failure(r) {
  try {
    const body = await r.json();
    return typeof body.message === 'string' ? body.message : t('progress.server_answered', { status: r.status });
  } catch {
    return t('progress.server_answered', { status: r.status });
  }
}

async function load() {
  const key = storedPracticeKey();
  $('[data-testid="progress-recovery"]').setAttribute('value', key ? recoveryLink(key) : '');
  show($('[data-testid="progress-keep"]'), !!key);
  if (!key) return render({ visits: 0, matches: [] });
  status(t('progress.loading'), 'busy');
  try {
    const r = await ask(key, '/api/practice/history');
    if (!r.ok) return status(await failure(r), 'error');
    /** @type {PracticeHistory} */
    const history = await r.json();
    status('');
    render(history);
  } catch {
    status(t('progress.unreachable_reload'), 'error');
  }
}

/** @param {PracticeHistory} history */
function render(history) {
  current = history;
  const any = history.matches.length > 0;
  show($('[data-testid="progress-empty"]'), !any);
  show($('[data-testid="progress-body"]'), any);
  if (!any) return;
  renderSummary(history.matches);
  renderCharts(history.matches);
  renderDrills(history.matches);
  renderTactics(history.matches);
  renderTable(history.matches);
}

/**
 * @param {(number | null | undefined)[]} xs
 * @returns {number | null}
 */
function mean(xs) {
  const v = /** @type {number[]} */ (xs.filter((x) => typeof x === 'number' && Number.isFinite(x)));
  return v.length ? v.reduce((a, b) => a + b, 0) / v.length : null;
}

/** @param {PracticeMatch[]} ms */
function renderSummary(ms) {
  const finished = ms.filter((m) => m.outcome === 'deal' || m.outcome === 'impasse');
  const deals = ms.filter((m) => m.outcome === 'deal').length;
  const recent = finished.slice(-3);
  /** @param {string} value @param {string} label @param {string} id */
  const stat = (value, label, id) =>
    h('div', { class: 'stat', testid: `stat-${id}` }, h('span', { class: 'stat-value' }, value), ' ', h('span', { class: 'stat-label' }, label));
  const eff = mean(finished.map((m) => m.efficiency));
  const recentEff = mean(recent.map((m) => m.efficiency));
  const reading = mean(ms.map((m) => m.perspective_after));
  const trust = mean(ms.map((m) => m.trust_estimate));
  replace(
    $('[data-testid="progress-summary"]'),
    stat(num(ms.length), tn('progress.stat.matches', ms.length), 'matches'),
    stat(t('progress.stat.deals_of', { deals: num(deals), total: num(finished.length) }), t('progress.stat.deals'), 'deals'),
    stat(percent(eff), t('progress.stat.efficiency'), 'efficiency'),
    stat(percent(recentEff), recent.length === 1 ? t('progress.stat.last_match') : tn('progress.stat.last_matches', recent.length), 'recent'),
    stat(reading === null ? '–' : num(reading, { minimumFractionDigits: 2, maximumFractionDigits: 2 }), t('progress.stat.reading'), 'reading'),
    stat(trust === null ? '–' : num(Math.round(trust)), t('progress.stat.trust'), 'trust'),
  );
}

/**
 * A small line chart of one number per match.
 * @param {string} title
 * @param {(number | null)[]} values
 * @param {[number, number]} range
 * @param {(v: number) => string} label
 * @param {string} id
 */
function trend(title, values, range, label, id) {
  const box = h('div', { class: 'trend', testid: `trend-${id}` }, h('h3', null, title));
  const points = values.map((v, i) => ({ v, i })).filter((p) => typeof p.v === 'number');
  if (!points.length) {
    box.appendChild(h('p', { class: 'none' }, t('progress.no_number')));
    return box;
  }
  const W = 300;
  const H = 120;
  const pad = { l: 34, r: 8, t: 8, b: 18 };
  const [lo, hi] = range;
  const n = Math.max(values.length - 1, 1);
  /** @param {number} i */
  const x = (i) => pad.l + (values.length === 1 ? (W - pad.l - pad.r) / 2 : (i / n) * (W - pad.l - pad.r));
  /** @param {number} v */
  const y = (v) => pad.t + (1 - (Math.min(Math.max(v, lo), hi) - lo) / (hi - lo)) * (H - pad.t - pad.b);
  const path = points.map((p, k) => `${k ? 'L' : 'M'}${x(p.i).toFixed(1)},${y(/** @type {number} */ (p.v)).toFixed(1)}`).join(' ');
  const last = points[points.length - 1];
  const svg = s(
    'svg',
    { viewBox: `0 0 ${W} ${H}`, role: 'img', 'aria-label': t('progress.latest', { title, value: label(/** @type {number} */ (last.v)) }) },
    s('line', { class: 'axis', x1: pad.l, y1: y(lo), x2: W - pad.r, y2: y(lo) }),
    s('line', { class: 'axis', x1: pad.l, y1: y(hi), x2: W - pad.r, y2: y(hi) }),
    s('text', { class: 'label', x: 2, y: y(hi) + 4, text: label(hi) }),
    s('text', { class: 'label', x: 2, y: y(lo) + 4, text: label(lo) }),
    s('path', { class: 'line', d: path }),
    ...points.map((p) => s('circle', { class: 'dot', cx: x(p.i), cy: y(/** @type {number} */ (p.v)), r: 3.5 })),
  );
  box.appendChild(svg);
  return box;
}

/** @param {PracticeMatch[]} ms */
function renderCharts(ms) {
  /** @param {number} v */
  const pct = (v) => percent(v);
  /** @param {number} v */
  const plain = (v) => num(v, { maximumFractionDigits: 1 });
  replace(
    $('[data-testid="progress-charts"]'),
    trend(t('progress.trend.efficiency'), ms.map((m) => m.efficiency ?? null), [0, 1], pct, 'efficiency'),
    trend(
      t('progress.trend.joint'),
      ms.map((m) => m.joint_value ?? null),
      [0, Math.max(1, ...ms.map((m) => m.max_joint_value ?? 0))],
      plain,
      'joint',
    ),
    trend(t('progress.trend.reading'), ms.map((m) => m.perspective_after ?? null), [-1, 1], plain, 'reading'),
    trend(t('progress.trend.trust'), ms.map((m) => m.trust_estimate ?? null), [0, 100], plain, 'trust'),
    trend(
      t('progress.trend.surplus'),
      ms.map((m) => (typeof m.points === 'number' ? m.points - m.walk_away : null)),
      [Math.min(0, ...ms.map((m) => (typeof m.points === 'number' ? m.points - m.walk_away : 0))), Math.max(1, ...ms.map((m) => (typeof m.points === 'number' ? m.points - m.walk_away : 0)))],
      plain,
      'surplus',
    ),
  );
}

/** @param {PracticeMatch[]} ms */
function renderTactics(ms) {
  /** @type {Record<string, number>} */
  const totals = {};
  for (const m of ms) for (const [k, n] of Object.entries(m.tactics)) totals[k] = (totals[k] || 0) + n;
  const named = Object.keys(TACTIC_NAMES).map((k) => [k, totals[k] || 0]);
  const most = Math.max(1, ...named.map(([, n]) => Number(n)));
  const lines = Object.values(totals).reduce((a, b) => a + b, 0);
  replace(
    $('[data-testid="progress-tactics"]'),
    lines
      ? h(
          'ul',
          { class: 'tactic-bars' },
          named.map(([k, n]) =>
            h(
              'li',
              { testid: `tactic-${k}` },
              h('span', null, TACTIC_NAMES[k]),
              h('span', { class: 'bar', 'aria-hidden': 'true' }, h('span', { style: `width: ${(Number(n) / most) * 100}%` })),
              h('span', { class: 'n' }, num(Number(n))),
            ),
          ),
        )
      : h('p', { class: 'muted' }, t('progress.no_chat')),
  );
}

/** The drills in the order the practice form lists them (their short names: `player.drill.<id>`). */
const DRILLS = /** @type {const} */ (['ask_first', 'find_a_trade', 'acknowledge_first', 'efficient_deal']);

/** @param {PracticeMatch[]} ms */
function renderDrills(ms) {
  const tried = ms.filter((m) => m.drill);
  replace(
    $('[data-testid="progress-drills"]'),
    tried.length
      ? h(
          'ul',
          { class: 'drill-list' },
          DRILLS.map((id) => {
            const name = t(`player.drill.${id}`);
            const mine = tried.filter((m) => m.drill && m.drill.drill === id);
            const done = mine.filter((m) => m.drill && m.drill.met).length;
            const text = mine.length ? tn('progress.drill_tries', mine.length, { done: num(done) }) : t('progress.not_tried');
            return h('li', { testid: `drill-${id}`, 'data-done': String(done) }, h('strong', null, name), ' — ', text);
          }),
        )
      : h('p', { class: 'muted', testid: 'drills-none' }, t('progress.no_drill')),
  );
}

/** @param {string} outcome `deal`, `impasse`, `abandoned` or `running` */
const outcomeWords = (outcome) =>
  ['deal', 'impasse', 'abandoned', 'running'].includes(outcome) ? t(`progress.outcome.${outcome}`) : outcome;

/** @param {PracticeMatch[]} ms */
function renderTable(ms) {
  const cols = {
    when: t('progress.col.when'),
    scenario: t('player.practice.scenario'),
    role: t('progress.col.role'),
    with: t('progress.col.with'),
    outcome: t('progress.col.outcome'),
    points: t('common.brief.your_points'),
    value: t('progress.col.value'),
    read: t('progress.col.read'),
    drill: t('player.practice.drill'),
  };
  replace(
    $('[data-testid="progress-matches"]'),
    h(
      'thead',
      null,
      h(
        'tr',
        null,
        [cols.when, cols.scenario, cols.role, cols.with, cols.outcome].map((name) => h('th', { scope: 'col' }, name)),
        [cols.points, cols.value, cols.read].map((name) => h('th', { scope: 'col', class: 'num' }, name)),
        h('th', { scope: 'col' }, cols.drill),
      ),
    ),
    h(
      'tbody',
      null,
      [...ms].reverse().map((m) =>
        h(
          'tr',
          { testid: 'progress-row', 'data-outcome': m.outcome },
          h('td', { 'data-label': cols.when }, dateTime(new Date(m.at))),
          h('td', { 'data-label': cols.scenario }, m.scenario_title),
          h('td', { 'data-label': cols.role }, m.role),
          h('td', { 'data-label': cols.with }, m.against_bot ? t('progress.with_bot') : t('progress.with_person')),
          h('td', { 'data-label': cols.outcome }, outcomeWords(m.outcome)),
          h(
            'td',
            { class: 'num', 'data-label': cols.points },
            typeof m.points === 'number' ? t('progress.points_walk_away', { points: num(m.points), batna: num(m.walk_away) }) : '–',
          ),
          h('td', { class: 'num', 'data-label': cols.value }, percent(m.efficiency)),
          h(
            'td',
            { class: 'num', 'data-label': cols.read },
            typeof m.perspective_after === 'number' ? num(m.perspective_after, { minimumFractionDigits: 2, maximumFractionDigits: 2 }) : '–',
          ),
          h(
            'td',
            { 'data-label': cols.drill },
            m.drill ? `${m.drill.met ? t('progress.drill_done') : t('progress.drill_not_yet')}: ${drillGoal(m.drill.drill, m.drill.goal)}` : '–',
          ),
        ),
      ),
    ),
  );
}

/**
 * @param {Blob} blob
 * @param {string} name
 */
function save(blob, name) {
  const url = URL.createObjectURL(blob);
  const a = h('a', { href: url, download: name });
  document.body.appendChild(a);
  a.click();
  a.remove();
  setTimeout(() => URL.revokeObjectURL(url), 10_000);
}

function wire() {
  $('[data-testid="progress-copy"]').addEventListener('click', async () => {
    const input = /** @type {HTMLInputElement} */ ($('[data-testid="progress-recovery"]'));
    try {
      await navigator.clipboard.writeText(input.value);
      status(t('progress.copied'), 'ok');
    } catch {
      input.select();
      status(t('progress.copy_by_hand'), '');
    }
  });
  $('[data-testid="progress-export-json"]').addEventListener('click', () => {
    if (!current) return;
    save(new Blob([JSON.stringify(current, null, 2)], { type: 'application/json' }), 'parley-practice-history.json');
  });
  $('[data-testid="progress-export-csv"]').addEventListener('click', async () => {
    const key = storedPracticeKey();
    if (!key) return;
    const r = await ask(key, '/api/practice/history.csv').catch(() => null);
    if (!r || !r.ok) return status(r ? await failure(r) : t('progress.unreachable'), 'error');
    save(await r.blob(), 'parley-practice-history.csv');
  });
  $('[data-testid="progress-delete"]').addEventListener('click', async () => {
    const key = storedPracticeKey();
    if (!key) return;
    const sure = window.confirm(t('progress.confirm_delete'));
    if (!sure) return;
    status(t('progress.deleting'), 'busy');
    const r = await ask(key, '/api/practice/history', 'DELETE').catch(() => null);
    if (!r || !r.ok) return status(r ? await failure(r) : t('progress.unreachable_nothing_deleted'), 'error');
    forgetPracticeKey();
    await load();
    status(t('progress.deleted'), 'ok');
  });
}

translatePage();
document.title = t('progress.doc_title');
setupLanguagePicker(/** @type {HTMLSelectElement} */ ($('#language')));
takeKeyFromAddress();
wire();
load();
