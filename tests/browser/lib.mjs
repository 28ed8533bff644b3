// Shared helpers for the browser tests: launching Chromium, talking to the server's HTTP API,
// reading scenario files, recording WebSocket frames, and screenshots.

import { chromium } from 'playwright-core';
import fs from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

const here = path.dirname(fileURLToPath(import.meta.url));
export const REPO = path.resolve(here, '..', '..');
export const SCREENSHOTS = path.join(here, 'screenshots');

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
