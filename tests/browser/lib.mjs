// Shared helpers for the browser tests: launching Chromium, opening player pages, talking to
// the server's HTTP API, reading scenario files, recording WebSocket frames, screenshots, and
// the steps many tests share (joining, voting ready, the facilitator console's set-up form), and
// the axe-core accessibility scan.

import { before, after } from 'node:test';
import { chromium } from 'playwright-core';
import fs from 'node:fs';
import path from 'node:path';
import { createRequire } from 'node:module';
import { fileURLToPath } from 'node:url';

const here = path.dirname(fileURLToPath(import.meta.url));
export const REPO = path.resolve(here, '..', '..');
export const SCREENSHOTS = path.join(here, 'screenshots');

const require = createRequire(import.meta.url);

export const BASE_URL = (process.env.PARLEY_URL || 'http://127.0.0.1:8080').replace(/\/$/, '');

export const CHROMIUM_ARGS = [
  '--no-sandbox',
  '--disable-gpu',
  '--disable-quic',
  '--no-first-run',
  '--disable-background-networking',
  '--disable-component-update',
  '--disable-sync',
];

export async function launch() {
  return chromium.launch({
    executablePath: process.env.CHROMIUM_PATH || '/usr/bin/chromium',
    args: CHROMIUM_ARGS,
  });
}

/**
 * Launches Chromium before the calling file's tests and closes it after them. Returns a handle
 * whose newContext(options) opens a context in that browser (once the tests run).
 */
export function useBrowser() {
  let browser = null;
  before(async () => {
    browser = await launch();
  });
  after(async () => {
    if (browser) await browser.close();
  });
  return { newContext: (options) => browser.newContext(options) };
}

/**
 * n pages, each in a browser context of its own (so its own sessionStorage: a separate player),
 * opened with the given context options. close() closes them all.
 */
export async function openPages(browser, n, options) {
  const contexts = [];
  const pages = [];
  for (let i = 0; i < n; i += 1) {
    const ctx = await browser.newContext(options);
    contexts.push(ctx);
    pages.push(await ctx.newPage());
  }
  return {
    pages,
    async close() {
      for (const ctx of contexts) await ctx.close();
    },
  };
}

/**
 * Collects the uncaught errors of pages into one list, which it returns (or adds to `errors`).
 * Pages given as {label: page} get their label in front of each error.
 */
export function collectPageErrors(pages, errors = []) {
  const labelled = Array.isArray(pages) ? pages.map((p) => [null, p]) : Object.entries(pages);
  for (const [label, page] of labelled) page.on('pageerror', (e) => errors.push(label ? `${label}: ${e}` : String(e)));
  return errors;
}

/** Phase durations of five minutes each: no clock runs out while a test plays. */
export const FIVE_MINUTES = Object.freeze({ prep: 300, small_talk: 300, bargaining: 300, survey: 300 });

/** POST /api/sessions and return its JSON answer. */
export async function createSession(body) {
  const headers = { 'content-type': 'application/json' };
  if (process.env.PARLEY_ADMIN_KEY) headers['x-admin-key'] = process.env.PARLEY_ADMIN_KEY;
  const res = await fetch(`${BASE_URL}/api/sessions`, { method: 'POST', headers, body: JSON.stringify(body) });
  const text = await res.text();
  if (res.status !== 201) throw new Error(`POST /api/sessions answered ${res.status}: ${text}`);
  return JSON.parse(text);
}

/**
 * Reads the parts of a scenario TOML file the tests need (roles with their brief and batna,
 * issues with their points). A small reader for the subset the shipped scenarios use.
 */
export function readScenario(id) {
  const text = fs.readFileSync(path.join(REPO, 'scenarios', `${id}.toml`), 'utf8');
  const blocks = text.split(/^\[\[(roles|issues)\]\]\s*$/m);
  const roles = [];
  const issues = [];
  for (let i = 1; i < blocks.length; i += 2) {
    const kind = blocks[i];
    const body = blocks[i + 1];
    const str = (key) => {
      const ml = body.match(new RegExp(`^${key}\\s*=\\s*"""\\n?([\\s\\S]*?)"""`, 'm'));
      if (ml) return ml[1];
      const m = body.match(new RegExp(`^${key}\\s*=\\s*"((?:[^"\\\\]|\\\\.)*)"`, 'm'));
      return m ? JSON.parse(`"${m[1]}"`) : null;
    };
    if (kind === 'roles') {
      const batna = body.match(/^batna\s*=\s*(-?\d+)/m);
      roles.push({ id: str('id'), name: str('name'), brief: str('brief'), batna: batna ? Number(batna[1]) : null });
    } else {
      const opts = body.match(/^options\s*=\s*\[([\s\S]*?)\]/m);
      const options = opts ? JSON.parse(`[${opts[1].replace(/,\s*$/, '')}]`) : [];
      const pm = body.match(/^points\s*=\s*\{([\s\S]*?)\}/m);
      const points = {};
      if (pm) {
        for (const m of pm[1].matchAll(/([a-z0-9_-]+)\s*=\s*\[([^\]]*)\]/g)) {
          points[m[1]] = m[2].split(',').map((x) => x.trim()).filter(Boolean).map(Number);
        }
      }
      issues.push({ id: str('id'), name: str('name'), options, points });
    }
  }
  return { id, roles, issues };
}

/** Records every JSON frame a page receives over its WebSockets. */
export function recordFrames(page) {
  const frames = [];
  page.on('websocket', (ws) => {
    ws.on('framereceived', (f) => {
      if (typeof f.payload !== 'string') return;
      try {
        frames.push(JSON.parse(f.payload));
      } catch {
        /* not JSON */
      }
    });
  });
  return frames;
}

export function lastState(frames) {
  for (let i = frames.length - 1; i >= 0; i -= 1) if (frames[i].type === 'state') return frames[i];
  return null;
}

/**
 * A screenshot of the whole page. The viewport is stretched to the page's height for it (and
 * put back afterwards), so sticky elements show where they sit in the layout.
 */
export async function screenshot(page, name) {
  fs.mkdirSync(SCREENSHOTS, { recursive: true });
  const size = page.viewportSize();
  await page.evaluate(() => window.scrollTo(0, 0));
  if (size) {
    for (let i = 0; i < 3; i += 1) {
      const height = await page.evaluate(() => document.documentElement.scrollHeight);
      if (height <= page.viewportSize().height) break;
      await page.setViewportSize({ width: size.width, height: Math.min(height, 16000) });
    }
  }
  await page.screenshot({ path: path.join(SCREENSHOTS, `${name}.png`) });
  if (size) await page.setViewportSize(size);
}

/** Waits until the page shows a phase (data-phase on the phase pill). */
export async function waitPhase(page, phase, timeout = 15000) {
  await page.locator(`[data-testid="phase"][data-phase="${phase}"]`).waitFor({ state: 'visible', timeout });
}

/** Waits until every page shows a phase, one page after the other. */
export async function waitPhaseAll(pages, phase) {
  for (const p of pages) await waitPhase(p, phase);
}

/** Every page votes ready, each once its ready button is enabled. */
export async function readyAll(pages) {
  for (const p of pages) await p.locator('[data-testid="ready"]:not([disabled])').click();
}

/** Players in one match vote ready in each of `phases` in turn, until every page is bargaining. */
export async function readyIntoBargaining(pages, phases) {
  for (const phase of phases) {
    await waitPhaseAll(pages, phase);
    await readyAll(pages);
  }
  await waitPhaseAll(pages, 'bargaining');
}

/** Opens the join page with the code and joins with a name. */
export async function join(page, code, name) {
  await page.goto(`${BASE_URL}/?code=${code}`);
  await page.getByTestId('join-code').waitFor({ state: 'visible' });
  const value = await page.getByTestId('join-code').inputValue();
  if (value !== code) throw new Error(`join code not pre-filled from ?code=: got ${JSON.stringify(value)}`);
  await page.getByTestId('join-name').fill(name);
  // The button is enabled once the server has welcomed us.
  await page.locator('[data-testid="join-submit"]:not([disabled])').click();
}

/** Each page joins the session, page i with the name names[i]. */
export async function joinAll(pages, code, names) {
  for (let i = 0; i < pages.length; i += 1) await join(pages[i], code, names[i]);
}

/** Opens the facilitator console's set-up form (/facilitate) with a scenario chosen. */
export async function openSetup(page, scenario) {
  await page.goto(`${BASE_URL}/facilitate`);
  await page.locator(`[data-testid="setup-scenario"] option[value="${scenario}"]`).waitFor({ state: 'attached' });
  await page.getByTestId('setup-scenario').selectOption(scenario);
}

/** Submits the console's set-up form: the server's answer (the new session) and the body sent. */
export async function submitSetup(page) {
  const created = page.waitForResponse((r) => r.url().endsWith('/api/sessions') && r.request().method() === 'POST');
  await page.getByTestId('setup-submit').click();
  const response = await created;
  const answer = await response.json();
  // A refusal (e.g. 429 when the suite outruns the per-address session budget) fails here, by name.
  if (response.status() !== 201) throw new Error(`POST /api/sessions answered ${response.status()}: ${JSON.stringify(answer)}`);
  return { answer, sent: JSON.parse(response.request().postData()) };
}

/** Waits until the facilitator console's live connection is up. */
export async function waitConsoleLive(page) {
  await page.locator('[data-testid="conn-status"][data-status="live"]').waitFor();
}

/** Opens the console of a session created over the API (its private console link). */
export async function openConsole(page, session) {
  await page.goto(`${BASE_URL}${session.console_url}`);
  await waitConsoleLive(page);
}

/** Clicks the control that downloads a file: the file's suggested name and its text. */
export async function download(page, testid) {
  const pending = page.waitForEvent('download');
  await page.getByTestId(testid).click();
  const file = await pending;
  return { name: file.suggestedFilename(), text: fs.readFileSync(await file.path(), 'utf8') };
}

/** The package's value for a role, from the scenario file. */
export function packageValue(scenario, roleId, pkg) {
  let total = 0;
  for (const issue of scenario.issues) total += issue.points[roleId][pkg[issue.id]];
  return total;
}

export function normalise(text) {
  return String(text || '').replace(/\s+/g, ' ').trim();
}

/** The visible and hidden text of a page's body, whitespace collapsed. */
export async function pageText(page) {
  return normalise(await page.evaluate(() => document.body.textContent));
}

/** axe-core's browser bundle (an exact version pinned in package.json). */
export const AXE_PATH = require.resolve('axe-core/axe.min.js');

/** The axe tags of WCAG 2.1 levels A and AA. */
export const WCAG21_AA = Object.freeze(['wcag2a', 'wcag2aa', 'wcag21a', 'wcag21aa']);

/**
 * Runs axe-core in the page (injected once per document) with the WCAG 2.1 A and AA rules:
 * {rules: how many rules ran, violations: [{id, impact, help, helpUrl, nodes: [{target, html, summary}]}]}.
 */
export async function axeScan(page, tags = WCAG21_AA) {
  if (!(await page.evaluate(() => typeof window.axe === 'object' && typeof window.axe.run === 'function'))) {
    await page.addScriptTag({ path: AXE_PATH });
  }
  return page.evaluate(async (values) => {
    const result = await window.axe.run(document, { runOnly: { type: 'tag', values }, resultTypes: ['violations'] });
    return {
      rules: result.passes.length + result.violations.length + result.incomplete.length + result.inapplicable.length,
      violations: result.violations.map((v) => ({
        id: v.id,
        impact: v.impact,
        help: v.help,
        helpUrl: v.helpUrl,
        nodes: v.nodes.map((n) => ({ target: n.target, html: n.html, summary: n.failureSummary })),
      })),
    };
  }, [...tags]);
}

/** Violations as readable lines: each rule's id, help and the nodes it found. */
export function formatViolations(violations) {
  const lines = [];
  for (const v of violations) {
    lines.push(`- ${v.id} (${v.impact}): ${v.help} [${v.helpUrl}]`);
    for (const n of v.nodes) {
      lines.push(`    at ${n.target.map((t) => (Array.isArray(t) ? t.join(' >> ') : t)).join(' , ')}`);
      lines.push(`       ${n.html.replace(/\s+/g, ' ').slice(0, 200)}`);
      if (n.summary) lines.push(`       ${n.summary.replace(/\s*\n\s*/g, ' / ')}`);
    }
  }
  return lines.join('\n');
}
