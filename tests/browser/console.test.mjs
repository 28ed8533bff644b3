// The facilitator console as a facilitator with a projector, an odd number and dropouts needs
// it (issue 10): the private link kept off the screen, a projector view with no secret in it,
// "Add a bot", the bot dropout policy, seat repair (a gone player's seat handed to someone
// waiting), rejoin links, the live monitor's Transcript button, and the console on a phone.
// Screenshots land in tests/browser/screenshots/console-*.png.

import { test } from 'node:test';
import assert from 'node:assert/strict';
import {
  BASE_URL,
  useBrowser,
  openPages,
  collectPageErrors,
  createSession,
  FIVE_MINUTES,
  recordFrames,
  lastState,
  screenshot,
  waitPhase,
  waitPhaseAll,
  readyAll,
  join,
  normalise,
  openSetup,
  submitSetup,
  waitConsoleLive,
  openConsole,
} from './lib.mjs';

const browser = useBrowser();

const DESKTOP = { width: 1280, height: 900 };
const PHONE = { width: 390, height: 844 };
// 40 characters, no spaces: the worst case for a table cell.
const LONG_NAME = 'Maximiliana-Wolfeschlegelsteinhausenberg';

/** The monitor row of a participant, by their full name. */
function playerRow(page, name) {
  return page.locator(`[data-testid="monitor-players"] tr[data-testid="player-row"][data-name="${name.replace(/"/g, '\\"')}"]`);
}

/** GET a facilitator endpoint of a session. */
async function facGet(session, path) {
  const res = await fetch(`${BASE_URL}/api/sessions/${session.code}${path}`, { headers: { 'x-facilitator-token': session.facilitator_token } });
  const body = await res.json();
  if (!res.ok) throw new Error(`GET ${path}: ${res.status} ${JSON.stringify(body)}`);
  return body;
}

/** Every player token of a session (each rejoin link holds one), for the bots too none exists. */
async function playerTokens(session) {
  const monitor = await facGet(session, '/monitor');
  const tokens = [];
  for (const p of monitor.players) {
    if (p.bot || p.status === 'removed') continue;
    const link = await facGet(session, `/players/${p.id}/rejoin`);
    tokens.push(new URL(link.url, BASE_URL).hash.replace('#rejoin=', ''));
  }
  return tokens;
}

/**
 * Which of the secrets the page holds anywhere a person or a script could read them: the
 * markup with every attribute and text, form values, link targets, the title and the address.
 */
async function secretsIn(page, secrets) {
  return page.evaluate((list) => {
    const parts = [document.documentElement.outerHTML, document.title, location.href];
    for (const el of document.querySelectorAll('input, textarea, select')) parts.push(el.value);
    for (const a of document.querySelectorAll('a')) parts.push(a.href);
    const all = parts.join('\n');
    return list.filter((s) => s && all.includes(s));
  }, secrets);
}

/** The page scrolls sideways: the root's scroll width beyond its client width (0 when it fits). */
async function sidewaysOverflow(page) {
  return page.evaluate(() => document.documentElement.scrollWidth - document.documentElement.clientWidth);
}

/** Two players in a running match (automatic pairing), and the console of their session. */
async function matchWithConsole(names, { sessionBody = {}, viewport = DESKTOP } = {}) {
  const session = await createSession({ scenario: 'campsite', durations: FIVE_MINUTES, pairing: 'auto', ...sessionBody });
  const players = await openPages(browser, names.length, { viewport: { width: 1000, height: 800 } });
  const frames = players.pages.map((p) => recordFrames(p));
  for (let i = 0; i < names.length; i += 1) await join(players.pages[i], session.code, names[i]);
  const facCtx = await browser.newContext({ viewport });
  const fac = await facCtx.newPage();
  const pageErrors = collectPageErrors({ facilitator: fac, ...Object.fromEntries(names.map((n, i) => [n, players.pages[i]])) });
  await openConsole(fac, session);
  return {
    session,
    players,
    frames,
    fac,
    facCtx,
    pageErrors,
    async close() {
      await facCtx.close();
      await players.close();
    },
  };
}

// ------------------------------------------------------------------------------------------

test('the set-up form explains the three dropout policies and sends "bot"', async () => {
  const ctx = await browser.newContext({ viewport: DESKTOP });
  const fac = await ctx.newPage();
  const pageErrors = collectPageErrors([fac]);
  try {
    await openSetup(fac, 'campsite');
    for (const policy of ['wait', 'abandon', 'bot']) {
      const line = normalise(await fac.locator(`label:has([data-testid="setup-dropout-${policy}"])`).textContent());
      assert.ok(line.length > 30, `"${policy}" is explained in a line: ${line}`);
    }
    assert.match(normalise(await fac.locator('label:has([data-testid="setup-dropout-bot"])').textContent()), /a bot takes the seat/);
    await fac.getByTestId('setup-dropout-bot').check();
    await fac.getByTestId('setup-grace').fill('1');
    await screenshot(fac, 'console-01-setup-1280');
    await fac.setViewportSize(PHONE);
    assert.ok((await sidewaysOverflow(fac)) <= 0, 'the set-up form fits 390 px');
    await screenshot(fac, 'console-01-setup-390');
    await fac.setViewportSize(DESKTOP);

    const { answer, sent } = await submitSetup(fac);
    assert.equal(sent.dropout, 'bot', 'the form sends dropout: bot');
    assert.equal(sent.grace_seconds, 60);
    await waitConsoleLive(fac);
    const monitor = await facGet({ code: answer.code, facilitator_token: answer.facilitator_token }, '/monitor');
    assert.equal(monitor.session.dropout, 'bot', 'the session runs with the bot policy');
    assert.deepEqual(pageErrors, []);
  } finally {
    await ctx.close();
  }
});

test('the private console link stays hidden until "Show private link"; the created banner can be dismissed', async () => {
  const ctx = await browser.newContext({ viewport: DESKTOP });
  const fac = await ctx.newPage();
  const pageErrors = collectPageErrors([fac]);
  try {
    await openSetup(fac, 'campsite');
    const { answer } = await submitSetup(fac);
    const token = answer.facilitator_token;
    await waitConsoleLive(fac);
    const visibleText = () => fac.evaluate(() => document.body.innerText);

    // Just created: the banner says where the link is; the link itself is not on screen.
    const banner = fac.getByTestId('created-banner');
    await banner.waitFor();
    assert.match(normalise(await banner.textContent()), /Show private link/);
    assert.equal(await fac.getByTestId('console-link').isVisible(), false, 'the private link is hidden');
    assert.ok(!(await visibleText()).includes(token), 'the token is nowhere on screen');
    assert.equal(await fac.getByTestId('console-link-toggle').getAttribute('aria-expanded'), 'false');
    await screenshot(fac, 'console-02-created-1280');

    await fac.getByTestId('created-banner-dismiss').click();
    await banner.waitFor({ state: 'hidden' });

    // Shown on demand, with a copy button; hidden again.
    await fac.getByTestId('console-link-toggle').click();
    await fac.getByTestId('console-link').waitFor({ state: 'visible' });
    assert.equal(await fac.getByTestId('console-link').getAttribute('href'), `${BASE_URL}${answer.console_url}`);
    assert.ok((await visibleText()).includes(token), 'shown: the link is on screen');
    assert.equal(await fac.getByTestId('console-link-copy').isVisible(), true, 'a copy button beside it');
    assert.equal(await fac.getByTestId('console-link-toggle').getAttribute('aria-expanded'), 'true');
    await fac.getByTestId('console-link-copy').click();
    await fac.locator('[data-testid="copy-status"]').filter({ hasText: /Copied|Selected/ }).waitFor();
    await screenshot(fac, 'console-02-private-link-shown-1280');
    await fac.getByTestId('console-link-toggle').click();
    await fac.getByTestId('console-link').waitFor({ state: 'hidden' });
    assert.ok(!(await visibleText()).includes(token));

    // Reloading the console: the link is hidden again and no banner comes back.
    await fac.reload();
    await waitConsoleLive(fac);
    assert.equal(await fac.getByTestId('console-link').isVisible(), false);
    assert.equal(await banner.isVisible(), false);
    assert.ok(!(await visibleText()).includes(token));
    assert.deepEqual(pageErrors, []);
  } finally {
    await ctx.close();
  }
});

test('the projector view shows the room its numbers and holds no token, private link or rejoin link', async () => {
  const run = await matchWithConsole(['Ana', 'Ben', 'Cy']);
  const { session, fac, facCtx } = run;
  try {
    await fac.locator('[data-testid="match-row"][data-phase="prep"]').waitFor();
    await playerRow(fac, 'Cy').and(fac.locator('[data-status="waiting"]')).waitFor();
    const secrets = [session.facilitator_token, ...(await playerTokens(session))];
    assert.equal(secrets.length, 4);

    // The console shows the private link and a rejoin link: both must go when projecting.
    await fac.getByTestId('console-link-toggle').click();
    await playerRow(fac, 'Ana').getByTestId('ctl-rejoin-link').click();
    await fac.waitForFunction(() => document.querySelector('[data-testid="rejoin-link"]').value.includes('#rejoin='));
    assert.ok((await secretsIn(fac, secrets)).length >= 2, 'the console itself holds the private link and a rejoin link');

    await fac.getByTestId('projector-open').click();
    await fac.getByTestId('screen-projector').waitFor();
    assert.equal(await fac.getByTestId('screen-console').isVisible(), false, 'no console, no controls');
    assert.deepEqual(await secretsIn(fac, secrets), [], 'no token anywhere in the projector view (markup, values, links, address)');
    assert.equal(new URL(fac.url()).hash, '', 'the address bar shows no token');
    assert.equal(await fac.locator('button:visible').count(), 1, 'the only button is the way back');
    assert.equal(normalise(await fac.getByTestId('projector-code').textContent()).replace(/\s/g, ''), session.code);
    assert.ok(normalise(await fac.getByTestId('projector-url').textContent()).endsWith(`/?code=${session.code}`));
    await fac.locator('[data-testid="projector-joined"][data-value="3"]').waitFor();
    await fac.locator('[data-testid="projector-waiting"][data-value="1"]').waitFor();
    await fac.locator('[data-testid="projector-playing"][data-value="2"]').waitFor();
    await fac.locator('[data-testid="projector-matches"][data-total="1"][data-done="0"]').waitFor();
    assert.match(normalise(await fac.getByTestId('projector-phases').textContent()), /Preparation: 1/);
    const text = normalise(await fac.getByTestId('screen-projector').textContent());
    for (const name of ['Ana', 'Ben', 'Cy']) assert.ok(!text.includes(name), `no participant's name on the projector (${name})`);
    const codeSize = await fac.getByTestId('projector-code').evaluate((el) => parseFloat(getComputedStyle(el).fontSize));
    assert.ok(codeSize >= 100, `the join code is big (${codeSize}px)`);
    await screenshot(fac, 'console-03-projector-1280');
    await fac.setViewportSize(PHONE);
    assert.ok((await sidewaysOverflow(fac)) <= 0, 'the projector view fits 390 px');
    await screenshot(fac, 'console-03-projector-390');
    await fac.setViewportSize(DESKTOP);

    // The numbers follow the room: Cy's partner arrives.
    const late = await openPages(browser, 1);
    try {
      await join(late.pages[0], session.code, 'Dee');
      await fac.locator('[data-testid="projector-matches"][data-total="2"]').waitFor();
      await fac.locator('[data-testid="projector-waiting"][data-value="0"]').waitFor();
      await fac.locator('[data-testid="projector-playing"][data-value="4"]').waitFor();
      assert.deepEqual(await secretsIn(fac, [...secrets, ...(await playerTokens(session))]), []);
      // A reload keeps the projector view (its address has no token: the tab remembers it).
      await fac.reload();
      await fac.locator('[data-testid="projector-matches"][data-total="2"]').waitFor();
      assert.deepEqual(await secretsIn(fac, [...secrets, ...(await playerTokens(session))]), [], 'reloaded: still no secret');

      // Back to the console: the private link is back in the page (hidden), the address has the token.
      await fac.getByTestId('projector-leave').click();
      await fac.getByTestId('screen-console').waitFor();
      assert.equal(new URL(fac.url()).hash, `#token=${session.facilitator_token}`);
      assert.equal(await fac.getByTestId('console-link').getAttribute('href'), `${BASE_URL}${session.console_url}`);
      assert.equal(await fac.getByTestId('console-link').isVisible(), false, 'hidden until shown again');
      assert.equal(await fac.getByTestId('player-panel').isVisible(), false, 'the rejoin link was closed');

      // A window of its own for a second screen: no token in its address or its page.
      const opened = facCtx.waitForEvent('page');
      await fac.getByTestId('projector-window').click();
      const win = await opened;
      collectPageErrors({ 'projector window': win }, run.pageErrors);
      await win.getByTestId('screen-projector').waitFor();
      await win.locator('[data-testid="projector-matches"][data-total="2"]').waitFor();
      assert.deepEqual(await secretsIn(win, [...secrets, ...(await playerTokens(session))]), []);
      await win.close();

      // The ?view=projector link with the token: the token leaves the address at once.
      const direct = await facCtx.newPage();
      await direct.goto(`${BASE_URL}/facilitate?code=${session.code}&view=projector#token=${session.facilitator_token}`);
      await direct.locator('[data-testid="projector-joined"][data-value="4"]').waitFor();
      assert.deepEqual(await secretsIn(direct, secrets), []);
      await direct.close();
      // Without the console in this browser tab, the projector address alone opens nothing.
      const stranger = await browser.newContext();
      const strangerPage = await stranger.newPage();
      await strangerPage.goto(`${BASE_URL}/facilitate?code=${session.code}&view=projector`);
      await strangerPage.getByTestId('screen-problem').waitFor();
      assert.match(normalise(await strangerPage.getByTestId('problem-title').textContent()), /from your console/);
      await stranger.close();
    } finally {
      await late.close();
    }
    assert.deepEqual(run.pageErrors, []);
  } finally {
    await run.close();
  }
});

test('"Add a bot" pairs a lone player: one bot per click, the button disabled while the request is out', async () => {
  const session = await createSession({ scenario: 'campsite', durations: FIVE_MINUTES, pairing: 'auto' });
  const { pages, close } = await openPages(browser, 2, { viewport: DESKTOP });
  const [ana, fac] = pages;
  const pageErrors = collectPageErrors({ Ana: ana, facilitator: fac });
  try {
    await join(ana, session.code, 'Ana');
    await ana.getByTestId('screen-waiting').waitFor();
    await openConsole(fac, session);
    await playerRow(fac, 'Ana').and(fac.locator('[data-status="waiting"]')).waitFor();
    await fac.locator('[data-testid="odd-hint"][data-left="1"]').waitFor();
    assert.match(normalise(await fac.getByTestId('odd-hint').textContent()), /add a bot/);

    // The request is held at the network until the button has been checked.
    const sent = [];
    let release;
    const held = new Promise((r) => {
      release = r;
    });
    await fac.route('**/control', async (route) => {
      sent.push(JSON.parse(route.request().postData()));
      await held;
      await route.continue();
    });
    await fac.getByTestId('ctl-bot-strategy').selectOption('hardballer');
    const answered = fac.waitForResponse((r) => r.url().endsWith('/control'));
    await fac.getByTestId('ctl-add-bot').dblclick();
    await fac.locator('[data-testid="ctl-add-bot"]:disabled').waitFor();
    assert.equal(sent.length, 1, 'a double click sends one request');
    assert.deepEqual(sent[0], { action: 'add_bot', strategy: 'hardballer' });
    release();
    await answered;
    await fac.locator('[data-testid="ctl-status-pairing"][data-kind="ok"]').filter({ hasText: 'Added a bot (hardballer)' }).waitFor();
    await fac.locator('[data-testid="ctl-add-bot"]:enabled').waitFor();
    await fac.unroute('**/control');

    // Ana's page reaches preparation with a bot across the table.
    await waitPhase(ana, 'prep');
    const counterpart = normalise(await ana.getByTestId('players').textContent());
    assert.match(counterpart, /\(bot\)/, `a bot is Ana's counterpart: ${counterpart}`);
    // The console marks the bot, and there is exactly one.
    const botRow = fac.locator('[data-testid="player-row"][data-bot="true"]');
    await botRow.and(fac.locator('[data-status="playing"]')).waitFor();
    assert.equal(await botRow.count(), 1, 'one bot for one request');
    assert.equal(await botRow.getByTestId('bot-tag').isVisible(), true, 'bots carry a "bot" tag');
    assert.equal(await botRow.getByTestId('ctl-rejoin-link').isVisible(), false, 'a bot needs no rejoin link');
    const monitor = await facGet(session, '/monitor');
    assert.equal(monitor.players.filter((p) => p.bot).length, 1);
    assert.equal(monitor.matches.length, 1);
    assert.deepEqual(pageErrors, []);
  } finally {
    await close();
  }
});

test("seat repair: an offline player's seat, handed to a waiting participant from the console, puts them in the match in that role", async () => {
  const run = await matchWithConsole(['Ana', 'Ben']);
  const { session, fac, players, frames } = run;
  const [ana, ben] = players.pages;
  try {
    await waitPhaseAll([ana, ben], 'prep');
    const anaState = lastState(frames[0]);
    const anaRole = anaState.you.role.name;
    const matchId = anaState.match_id;
    // Ana's device dies.
    await ana.context().close();
    await playerRow(fac, 'Ana').and(fac.locator('[data-online="false"][data-status="playing"]')).waitFor();
    const handSeat = playerRow(fac, 'Ana').getByTestId('ctl-hand-seat');
    await handSeat.waitFor();
    assert.equal(await playerRow(fac, 'Ben').getByTestId('ctl-hand-seat').isVisible(), false, 'an online player\'s seat is not offered');

    // Cy arrives and waits; the facilitator opens the hand-seat control.
    const cyPages = await openPages(browser, 1, { viewport: { width: 1000, height: 800 } });
    const [cy] = cyPages.pages;
    const cyFrames = recordFrames(cy);
    collectPageErrors({ Cy: cy }, run.pageErrors);
    try {
      await join(cy, session.code, 'Cy');
      await cy.getByTestId('screen-waiting').waitFor();
      await handSeat.click();
      const panel = fac.getByTestId('player-panel');
      await panel.getByTestId('hand-seat-panel').waitFor();
      assert.match(normalise(await panel.getByTestId('hand-seat-context').textContent()), /Ana has gone offline from the match with Ben/);
      await panel.locator('[data-testid="hand-seat-to"] option', { hasText: 'Cy — waiting' }).waitFor({ state: 'attached' });
      const options = await panel.locator('[data-testid="hand-seat-to"] option').allTextContents();
      assert.ok(options.includes('A new bot'), `"a bot" is offered: ${options}`);
      assert.equal(await panel.getByTestId('hand-seat-submit').isDisabled(), true, 'nothing chosen yet');
      await screenshot(fac, 'console-04-hand-seat-1280');

      // A refusal shows the server's sentence next to the control.
      const cyId = await playerRow(fac, 'Cy').getAttribute('data-player-id');
      const anaId = await playerRow(fac, 'Ana').getAttribute('data-player-id');
      await fac.route(
        '**/control',
        (route) =>
          route.fulfill({ status: 400, contentType: 'application/json', body: JSON.stringify({ code: 'bad_request', message: 'Cy is not waiting: only a waiting participant can take a seat' }) }),
        { times: 1 },
      );
      await panel.getByTestId('hand-seat-to').selectOption(cyId);
      await panel.getByTestId('hand-seat-submit').click();
      await panel
        .locator('[data-testid="hand-seat-status"][data-kind="error"]')
        .filter({ hasText: 'Cy is not waiting: only a waiting participant can take a seat.' })
        .waitFor();

      // The real handover.
      const control = fac.waitForRequest((r) => r.url().endsWith('/control'));
      await panel.getByTestId('hand-seat-submit').click();
      assert.deepEqual(JSON.parse((await control).postData()), { action: 'hand_seat', player_id: anaId, to: cyId });
      await fac.locator('[data-testid="ctl-status-players"][data-kind="ok"]').filter({ hasText: "Handed Ana's seat to Cy" }).waitFor();
      await waitPhase(cy, 'prep');
      assert.equal(normalise(await cy.getByTestId('my-role').textContent()), anaRole, 'Cy plays in Ana\'s role');
      const cyState = lastState(cyFrames);
      assert.equal(cyState.match_id, matchId, 'in the same match');
      assert.equal(cyState.you.seat, anaState.you.seat, 'in the same seat');
      await playerRow(fac, 'Cy').and(fac.locator('[data-status="playing"]')).waitFor();
      await playerRow(fac, 'Ana').and(fac.locator(':not([data-status="playing"])')).waitFor();
      assert.equal(await fac.getByTestId('player-panel').isVisible(), false, 'the panel closed');
      // Ben's page shows Cy now.
      await ben.getByTestId('players').filter({ hasText: 'Cy' }).waitFor();

      // The live monitor's transcript shows the handover.
      await fac.locator(`[data-testid="match-row"][data-match-id="${matchId}"]`).filter({ hasText: 'Cy' }).waitFor();
      await fac.locator(`[data-testid="match-row"][data-match-id="${matchId}"]`).getByTestId('match-transcript').click();
      await fac.locator(`[data-testid="transcript"][data-match-id="${matchId}"] [data-testid="tl-seat_handed"]`).waitFor();
      assert.match(normalise(await fac.getByTestId('tl-seat_handed').textContent()), /Ana → Cy/);
    } finally {
      await cyPages.close();
    }
    assert.deepEqual(run.pageErrors, []);
  } finally {
    await run.close();
  }
});

test("a rejoin link from the console puts a player back in their seat on another device", async () => {
  const run = await matchWithConsole(['Ana', 'Ben']);
  const { session, fac, players, frames } = run;
  const [ana, ben] = players.pages;
  try {
    await waitPhaseAll([ana, ben], 'prep');
    const anaState = lastState(frames[0]);
    await ana.context().close();
    await playerRow(fac, 'Ana').and(fac.locator('[data-online="false"]')).waitFor();

    // The link is fetched only when asked for, shown with a copy button.
    assert.equal(await fac.locator('[data-testid="rejoin-link"]').count(), 0, 'no rejoin link in the page before it is asked for');
    const fetched = fac.waitForResponse((r) => r.url().includes(`/players/`) && r.url().endsWith('/rejoin'));
    await playerRow(fac, 'Ana').getByTestId('ctl-rejoin-link').click();
    await fetched;
    const input = fac.getByTestId('rejoin-link');
    await fac.waitForFunction(() => (document.querySelector('[data-testid="rejoin-link"]') || {}).value?.includes('#rejoin='));
    const link = await input.inputValue();
    assert.ok(link.startsWith(`${BASE_URL}/?code=${session.code}#rejoin=`), `an absolute link: ${link}`);
    assert.match(normalise(await fac.getByTestId('rejoin-panel').textContent()), /Send this link to Ana only/);
    assert.equal(await fac.getByTestId('rejoin-copy').isEnabled(), true);
    await fac.getByTestId('rejoin-copy').click();
    await fac.locator('[data-testid="rejoin-status"]').filter({ hasText: /Copied|Selected/ }).waitFor();
    await screenshot(fac, 'console-05-rejoin-link-1280');

    // Another device: a fresh browser context opens the link.
    const other = await browser.newContext({ viewport: { width: 390, height: 844 } });
    try {
      const phone = await other.newPage();
      const phoneFrames = recordFrames(phone);
      collectPageErrors({ 'Ana on a phone': phone }, run.pageErrors);
      await phone.goto(link);
      await waitPhase(phone, 'prep');
      const st = lastState(phoneFrames);
      assert.equal(st.match_id, anaState.match_id, 'the same match');
      assert.equal(st.you.seat, anaState.you.seat, 'the same seat');
      assert.equal(st.players.find((p) => p.seat === st.you.seat).name, 'Ana', 'as Ana');
      assert.equal(normalise(await phone.getByTestId('my-role').textContent()), anaState.you.role.name, 'in the same role');
      await playerRow(fac, 'Ana').and(fac.locator('[data-online="true"][data-status="playing"]')).waitFor();
      // Ben sees Ana back.
      await ben.locator(`[data-testid="player-${anaState.you.seat}"][data-online="true"]`).waitFor();
    } finally {
      await other.close();
    }

    // Closing the panel takes the link out of the page.
    await fac.getByTestId('player-panel-close').click();
    assert.equal(await fac.locator('[data-testid="rejoin-link"]').count(), 0, 'the link is gone from the page');
    assert.deepEqual(await secretsIn(fac, await playerTokens(session)), []);
    assert.deepEqual(run.pageErrors, []);
  } finally {
    await run.close();
  }
});

test("the live monitor's Transcript button opens that match's transcript", async () => {
  const run = await matchWithConsole(['Ana', 'Ben', 'Cy', 'Dee']);
  const { fac, players, frames } = run;
  const pages = players.pages;
  try {
    await waitPhaseAll(pages, 'prep');
    await readyAll(pages);
    await waitPhaseAll(pages, 'small_talk');
    // One line in each match, each naming its own match.
    const byMatch = new Map();
    for (let i = 0; i < pages.length; i += 1) {
      const st = lastState(frames[i]);
      if (byMatch.has(st.match_id)) continue;
      const line = `Hello from match ${byMatch.size + 1}, ${st.players.find((p) => p.seat === st.you.seat).name} speaking.`;
      byMatch.set(st.match_id, line);
      await pages[i].getByTestId('chat-input').fill(line);
      await pages[i].getByTestId('chat-send').click();
    }
    assert.equal(byMatch.size, 2);
    for (const id of byMatch.keys()) {
      await fac.locator(`[data-testid="match-row"][data-match-id="${id}"] td.num >> nth=2`).filter({ hasText: '1' }).waitFor();
    }

    const open = async (id) => {
      await fac.getByTestId('tab-live').click();
      await fac.locator(`[data-testid="match-row"][data-match-id="${id}"]`).getByTestId('match-transcript').click();
      // From the click on, no line of another match is on show (not even while loading).
      const now = await fac.evaluate(() => {
        const box = document.querySelector('[data-testid="transcript"]');
        return box && !box.hidden ? box.textContent : '';
      });
      for (const [other, line] of byMatch) {
        if (other !== id) assert.ok(!now.includes(line), `right after the click on ${id}, the other match's transcript is not shown`);
      }
    };
    const shows = async (id) => {
      const box = fac.locator(`[data-testid="transcript"][data-match-id="${id}"]`);
      await box.locator('[data-testid="tl-chat"]').first().waitFor();
      const text = normalise(await box.textContent());
      for (const [other, line] of byMatch) {
        if (other === id) assert.ok(text.includes(line), `the transcript of ${id} has its line`);
        else assert.ok(!text.includes(line), `the transcript of ${id} has no line of the other match`);
      }
      // It is in view, below the sticky header, not under it.
      const header = await fac.locator('.f-top').boundingBox();
      await fac.waitForFunction(() => {
        const r = document.querySelector('[data-testid="transcript-heading"]').getBoundingClientRect();
        return r.top >= document.querySelector('.f-top').getBoundingClientRect().bottom - 1 && r.bottom <= innerHeight;
      });
      assert.ok(header.height > 0);
    };
    const [first, second] = [...byMatch.keys()];
    await open(second);
    await shows(second);
    await open(first);
    await shows(first);
    // Quickly one then the other: the last one asked for wins.
    await open(second);
    await open(first);
    await shows(first);
    await screenshot(fac, 'console-06-transcript-1280');
    assert.deepEqual(run.pageErrors, []);
  } finally {
    await run.close();
  }
});

test('on a 390 px phone the console scrolls its tables inside their boxes, never the page sideways', async () => {
  const run = await matchWithConsole(['Ana', LONG_NAME], { viewport: DESKTOP });
  const { session, fac, players } = run;
  const [ana] = players.pages;
  try {
    await waitPhaseAll(players.pages, 'prep');
    // An offline player, a bot, and someone waiting with a long name.
    await ana.context().close();
    await playerRow(fac, 'Ana').and(fac.locator('[data-online="false"]')).waitFor();
    const waiting = await openPages(browser, 1);
    try {
      await join(waiting.pages[0], session.code, `${LONG_NAME.slice(0, 30)} Junior`);
      await fac.locator('[data-testid="stat-waiting"][data-value="1"]').waitFor();
      await fac.getByTestId('ctl-bot-strategy').selectOption('logroller');
      await fac.getByTestId('ctl-add-bot').click();
      await fac.locator('[data-testid="match-row"]').nth(1).waitFor();
      await fac.locator('[data-testid="player-row"][data-bot="true"]').waitFor();
      await playerRow(fac, 'Ana').getByTestId('ctl-hand-seat').click();
      await fac.getByTestId('hand-seat-panel').waitFor();
      await screenshot(fac, 'console-07-live-1280');
      assert.ok((await sidewaysOverflow(fac)) <= 0, 'the console fits 1280 px');

      await fac.setViewportSize(PHONE);
      await fac.waitForFunction(() => document.documentElement.scrollWidth <= document.documentElement.clientWidth);
      await screenshot(fac, 'console-07-live-390');
      // The scroll boxes are reachable from the keyboard, and named.
      const regions = await fac.locator('#panel-live .table-scroll').evaluateAll((els) =>
        els.map((e) => ({ tabindex: e.getAttribute('tabindex'), role: e.getAttribute('role'), label: e.getAttribute('aria-label') })),
      );
      assert.equal(regions.length, 2);
      for (const r of regions) {
        assert.equal(r.tabindex, '0');
        assert.equal(r.role, 'region');
        assert.ok(r.label, 'a named region');
      }
      // The players table is wider than the phone: it scrolls inside its box.
      const box = await fac.locator('#panel-live .table-scroll').first().evaluate((e) => ({ sw: e.scrollWidth, cw: e.clientWidth }));
      assert.ok(box.cw <= PHONE.width, `the box fits the phone (${box.cw}px)`);

      // The rejoin panel, the debrief, the tournament tab and the projector view fit as well.
      await playerRow(fac, LONG_NAME).getByTestId('ctl-rejoin-link').click();
      await fac.waitForFunction(() => (document.querySelector('[data-testid="rejoin-link"]') || {}).value?.includes('#rejoin='));
      assert.ok((await sidewaysOverflow(fac)) <= 0, 'the rejoin link fits');
      await fac.getByTestId('player-panel-close').click();
      await fac.getByTestId('console-link-toggle').click();
      assert.ok((await sidewaysOverflow(fac)) <= 0, 'the private link fits');
      await fac.getByTestId('tab-debrief').click();
      await fac.locator('[data-testid="debrief-row"]').nth(1).waitFor();
      assert.ok((await sidewaysOverflow(fac)) <= 0, 'the debrief fits');
      await fac.locator('[data-testid="debrief-row"]').first().click();
      await fac.getByTestId('transcript-items').waitFor();
      assert.ok((await sidewaysOverflow(fac)) <= 0, 'a transcript fits');
      await fac.getByTestId('tab-tournament').click();
      assert.ok((await sidewaysOverflow(fac)) <= 0, 'the tournament set-up fits');
      await fac.getByTestId('tab-live').click();
      await fac.getByTestId('projector-open').click();
      await fac.getByTestId('screen-projector').waitFor();
      assert.ok((await sidewaysOverflow(fac)) <= 0, 'the projector view fits');
      await fac.getByTestId('projector-leave').click();
      // A reload on the phone: the console comes back as it was.
      await fac.reload();
      await waitConsoleLive(fac);
      await fac.locator('[data-testid="player-row"][data-bot="true"]').waitFor();
      assert.ok((await sidewaysOverflow(fac)) <= 0, 'reloaded: still fits');
    } finally {
      await waiting.close();
    }
    assert.deepEqual(run.pageErrors, []);
  } finally {
    await run.close();
  }
});

test('the console shares the player page connection: a cut link shows "lost" and comes back live by itself', async () => {
  const ctx = await browser.newContext({ viewport: DESKTOP });
  const fac = await ctx.newPage();
  const pageErrors = collectPageErrors([fac]);
  try {
    // Keep a handle on every WebSocket the page opens, to cut the live one as a dead Wi-Fi would.
    await fac.addInitScript(() => {
      const Native = window.WebSocket;
      window.__sockets = [];
      window.WebSocket = class extends Native {
        constructor(...args) {
          super(...args);
          window.__sockets.push(this);
        }
      };
    });
    const session = await createSession({ scenario: 'campsite', durations: FIVE_MINUTES });
    await openConsole(fac, session);
    const opened = await fac.evaluate(() => window.__sockets.length);
    await fac.evaluate(() => window.__sockets[window.__sockets.length - 1].close());
    await fac.locator('[data-testid="conn-status"][data-status="lost"]').waitFor();
    await waitConsoleLive(fac);
    assert.ok((await fac.evaluate(() => window.__sockets.length)) > opened, 'a new socket was opened');
    assert.deepEqual(pageErrors, []);
  } finally {
    await ctx.close();
  }
});
