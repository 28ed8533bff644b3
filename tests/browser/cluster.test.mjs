// Two Parley nodes on one PostgreSQL (a cluster, docs/deploy.md): players open the join link on
// the node that does not own the session and the page follows the `moved` frame to the owner;
// then the owner is killed with SIGKILL mid-bargaining and the pages come back by themselves on
// the other node, which took the session over: the chat before the crash is there, the player is
// told the match was extended, and the match goes on.
//
// The test starts its own PostgreSQL (initdb in a temporary folder; as root it runs as the
// `postgres` user) and its own node processes (PARLEY_BIN, default target/debug/parley); it is
// skipped where PostgreSQL is not installed (scripts/test.sh installs it).

import { test, after } from 'node:test';
import assert from 'node:assert/strict';
import { spawn, execFileSync } from 'node:child_process';
import fs from 'node:fs';
import net from 'node:net';
import os from 'node:os';
import path from 'node:path';
import {
  REPO,
  useBrowser,
  openPages,
  collectPageErrors,
  FIVE_MINUTES,
  recordFrames,
  screenshot,
  waitPhase,
  readyIntoBargaining,
} from './lib.mjs';

const PARLEY_BIN = process.env.PARLEY_BIN || path.join(REPO, 'target', 'debug', 'parley');
const IS_ROOT = typeof process.getuid === 'function' && process.getuid() === 0;

/** Debian's PostgreSQL programs, or null. */
function pgBin() {
  const root = '/usr/lib/postgresql';
  if (!fs.existsSync(root)) return null;
  const found = fs
    .readdirSync(root)
    .map((v) => path.join(root, v, 'bin'))
    .filter((b) => fs.existsSync(path.join(b, 'initdb')))
    .sort();
  return found.pop() || null;
}

/** Runs a PostgreSQL program (as `postgres` when this is root, which PostgreSQL refuses). */
function pg(bin, program, args) {
  const exe = path.join(bin, program);
  if (IS_ROOT) execFileSync('runuser', ['-u', 'postgres', '--', exe, ...args], { stdio: 'pipe' });
  else execFileSync(exe, args, { stdio: 'pipe' });
}

function freePort() {
  return new Promise((resolve, reject) => {
    const srv = net.createServer();
    srv.on('error', reject);
    srv.listen(0, '127.0.0.1', () => {
      const { port } = /** @type {net.AddressInfo} */ (srv.address());
      srv.close(() => resolve(port));
    });
  });
}

const BIN = pgBin();
const cleanups = [];
after(() => {
  for (const c of cleanups.reverse()) {
    try {
      c();
    } catch {
      /* best effort */
    }
  }
});

async function startPostgres() {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'parley-browser-pg-'));
  if (IS_ROOT) execFileSync('chown', ['-R', 'postgres:postgres', dir]);
  const port = await freePort();
  const data = path.join(dir, 'data');
  pg(BIN, 'initdb', ['-D', data, '-A', 'trust', '-U', 'parley', '--no-sync', '-E', 'UTF8']);
  const options = `-p ${port} -k ${dir} -c listen_addresses=127.0.0.1 -c fsync=off`;
  pg(BIN, 'pg_ctl', ['-D', data, '-o', options, '-l', path.join(dir, 'log'), '-w', 'start']);
  cleanups.push(() => {
    pg(BIN, 'pg_ctl', ['-D', data, '-m', 'immediate', 'stop']);
    fs.rmSync(dir, { recursive: true, force: true });
  });
  return `postgres://parley@127.0.0.1:${port}/postgres`;
}

/** Starts a node; resolves with its base URL and process once it listens. */
async function startNode(pgUrl) {
  const port = await freePort();
  const base = `http://127.0.0.1:${port}`;
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'parley-browser-node-'));
  const child = spawn(
    PARLEY_BIN,
    [
      'serve',
      ...['--addr', `127.0.0.1:${port}`, '--node-address', base, '--postgres', pgUrl],
      ...['--lease-ms', '1500', '--heartbeat-ms', '250', '--db', path.join(dir, 'unused.db')],
      ...['--scenarios', path.join(REPO, 'scenarios'), '--static', path.join(REPO, 'client-web')],
      ...['--sessions-per-hour', '1000', '--practice-bot-after', '0'],
    ],
    { stdio: ['ignore', 'pipe', 'inherit'], env: { ...process.env, RUST_LOG: 'warn' } },
  );
  cleanups.push(() => {
    child.kill('SIGKILL');
    fs.rmSync(dir, { recursive: true, force: true });
  });
  await new Promise((resolve, reject) => {
    let out = '';
    child.stdout.on('data', (d) => {
      out += d;
      if (out.includes('listening on http://')) resolve(undefined);
    });
    child.on('exit', (code) => reject(new Error(`node exited with ${code}`)));
  });
  return { base, child };
}

const browser = useBrowser();

test('pages follow moved to the owner, and come back by themselves when the owner dies', { skip: !BIN && 'PostgreSQL is not installed' }, async () => {
  const pgUrl = await startPostgres();
  const owner = await startNode(pgUrl);
  const other = await startNode(pgUrl);
  const res = await fetch(`${owner.base}/api/sessions`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ scenario: 'campsite', durations: FIVE_MINUTES }),
  });
  assert.equal(res.status, 201);
  const { code } = await res.json();

  const wide = await openPages(browser, 1, { viewport: { width: 1280, height: 900 } });
  const narrow = await openPages(browser, 1, { viewport: { width: 390, height: 844 }, isMobile: true, hasTouch: true });
  const pages = [wide.pages[0], narrow.pages[0]];
  const frames = pages.map((p) => recordFrames(p));
  const pageErrors = collectPageErrors(pages);
  try {
    // Both open the join link on the node that does not own the session.
    for (const [i, page] of pages.entries()) {
      await page.goto(`${other.base}/?code=${code}`);
      await page.getByTestId('join-name').fill(i === 0 ? 'Ana' : 'Ben');
      await page.locator('[data-testid="join-submit"]:not([disabled])').click();
    }
    await readyIntoBargaining(pages, ['prep', 'small_talk']);
    for (const f of frames) {
      const moved = f.find((m) => m.type === 'moved');
      assert.equal(moved && moved.address, owner.base, 'the node without the session sent the page to its owner');
      assert.ok(f.some((m) => m.type === 'joined'), 'and the join was answered there');
    }
    await pages[0].getByTestId('chat-input').fill('Before the crash');
    await pages[0].getByTestId('chat-send').click();
    await pages[1].getByTestId('chat-log').getByText('Before the crash').waitFor();

    // The owner dies; each page reconnects through its own node, which takes the session over.
    owner.child.kill('SIGKILL');
    for (const page of pages) {
      await page.getByTestId('notice').getByText('another one took over').waitFor({ timeout: 30000 });
      await waitPhase(page, 'bargaining');
      await page.getByTestId('chat-log').getByText('Before the crash').waitFor();
    }
    await screenshot(pages[0], 'cluster-taken-over-1280');
    await screenshot(pages[1], 'cluster-taken-over-390');
    await pages[1].getByTestId('chat-input').fill('Still here after the takeover');
    await pages[1].getByTestId('chat-send').click();
    await pages[0].getByTestId('chat-log').getByText('Still here after the takeover').waitFor();
    const lines = frames[0].filter((m) => m.type === 'chat' && m.text === 'Still here after the takeover');
    assert.equal(lines.length, 1, 'the line arrived once');
    assert.deepEqual(pageErrors, []);
  } finally {
    await wide.close();
    await narrow.close();
  }
});

test("the console opened on a node without its session follows 421 to the owner for its HTTP calls", { skip: !BIN && 'PostgreSQL is not installed' }, async () => {
  const pgUrl = await startPostgres();
  const owner = await startNode(pgUrl);
  const other = await startNode(pgUrl);
  const res = await fetch(`${owner.base}/api/sessions`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ scenario: 'campsite', durations: FIVE_MINUTES, title: 'Cluster console' }),
  });
  assert.equal(res.status, 201);
  const session = await res.json();
  // A player waits on the owner, so a broadcast reaches someone.
  const player = await openPages(browser, 1, { viewport: { width: 1280, height: 900 } });
  await player.pages[0].goto(`${owner.base}/?code=${session.code}`);
  await player.pages[0].getByTestId('join-name').fill('Ana');
  await player.pages[0].locator('[data-testid="join-submit"]:not([disabled])').click();

  for (const [width, height, name] of [
    [1280, 900, 'cluster-console-1280'],
    [390, 844, 'cluster-console-390'],
  ]) {
    const opened = await openPages(browser, 1, { viewport: { width, height } });
    const page = opened.pages[0];
    const pageErrors = collectPageErrors([page]);
    /** @type {{url: string, status: number}[]} */
    const answers = [];
    page.on('response', (r) => answers.push({ url: r.url(), status: r.status() }));
    try {
      await page.goto(`${other.base}${session.console_url}`);
      await page.locator('[data-testid="conn-status"][data-status="live"]').waitFor({ timeout: 20000 });
      await page.getByTestId('stat-joined').and(page.locator('[data-value="1"]')).waitFor();
      const text = `Hello from a console on the other node (${width})`;
      await page.getByTestId('ctl-broadcast-text').fill(text);
      await page.getByTestId('ctl-broadcast').click();
      await player.pages[0].getByTestId('notice').getByText(text).waitFor();
      assert.equal(await page.getByTestId('ctl-broadcast-text').inputValue(), '', 'the broadcast was answered as sent');
      const monitorAt = (/** @type {string} */ base) =>
        answers.filter((a) => a.url.startsWith(`${base}/api/sessions/${session.code}/monitor`)).map((a) => a.status);
      assert.deepEqual(monitorAt(other.base), [421], 'the page’s own node sent the console on');
      assert.ok(monitorAt(owner.base).includes(200), 'the owner answered the monitor');
      const control = answers.filter((a) => a.url.endsWith(`/api/sessions/${session.code}/control`) && a.status === 200);
      assert.ok(control.length === 1 && control[0].url.startsWith(owner.base), 'the control went to the owner at once');
      await screenshot(page, name);
      assert.deepEqual(pageErrors, []);
    } finally {
      await opened.close();
    }
  }
  await player.close();
});

test('practising on two nodes: the pool pairs across them and the page sent on follows by itself', { skip: !BIN && 'PostgreSQL is not installed' }, async () => {
  const pgUrl = await startPostgres();
  const nodes = [await startNode(pgUrl), await startNode(pgUrl)];
  const wide = await openPages(browser, 1, { viewport: { width: 1280, height: 900 } });
  const narrow = await openPages(browser, 1, { viewport: { width: 390, height: 844 }, isMobile: true, hasTouch: true });
  const pages = [wide.pages[0], narrow.pages[0]];
  const frames = pages.map((p) => recordFrames(p));
  const pageErrors = collectPageErrors(pages);
  try {
    // Each opens the practice page on a different node.
    for (const [i, page] of pages.entries()) {
      await page.goto(`${nodes[i].base}/`);
      await page.getByTestId('practice-name').fill(i === 0 ? 'Ana' : 'Ben');
      await page.locator('[data-testid="practice-scenario"] option[value="campsite"]').waitFor({ state: 'attached' });
      await page.getByTestId('practice-scenario').selectOption('campsite');
      await page.locator('[data-testid="practice-submit"]:not([disabled])').click();
      if (i === 0) await page.getByTestId('waiting-message').waitFor();
    }
    for (const page of pages) await waitPhase(page, 'prep', 30000);
    const joinedAt = frames.map((f) => f.filter((m) => m.type === 'joined').length);
    const moved = frames.map((f) => f.filter((m) => m.type === 'moved'));
    assert.equal(moved[0].length + moved[1].length, 1, 'one of the two was sent to the node running the match');
    const sent = moved[0].length ? 0 : 1;
    assert.equal(moved[sent][0].address, nodes[1 - sent].base, 'to the node of the other player');
    assert.ok(joinedAt[sent] >= 2, 'joined on its own node, then again where the match runs');
    const matchIds = frames.map((f) => new Set(f.filter((m) => m.type === 'state').map((m) => m.match_id)));
    assert.deepEqual([...matchIds[0]], [...matchIds[1]], 'the same match, and only that one');
    assert.equal(matchIds[0].size, 1);
    await screenshot(pages[0], 'cluster-practice-1280');
    await screenshot(pages[1], 'cluster-practice-390');
    assert.deepEqual(pageErrors, []);
  } finally {
    await wide.close();
    await narrow.close();
  }
});
