// The player's page on the clumsy paths of a real class (issue #10), in real Chromium: the
// practice bot and leaving the queue, closing the tab and coming back, "not you?", two tabs,
// double clicks, an incoming offer, a paused clock, tournament rounds, and a phone with long
// names. Screenshots at 1280 and 390 px go to screenshots/.

import { test } from 'node:test';
import assert from 'node:assert/strict';
import {
  BASE_URL,
  useBrowser,
  openPages,
  createSession,
  collectPageErrors,
  recordFrames,
  lastState,
  screenshot,
  waitPhase,
  waitPhaseAll,
  readyIntoBargaining,
  join,
  joinAll,
  normalise,
} from './lib.mjs';

const browser = useBrowser();
const FAST = { prep: 0, small_talk: 0, bargaining: 600, survey: 600 };
const SLOW = { prep: 600, small_talk: 600, bargaining: 600, survey: 600 };

async function control(session, body) {
  const res = await fetch(`${BASE_URL}/api/sessions/${session.code}/control`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', 'x-facilitator-token': session.facilitator_token },
    body: JSON.stringify(body),
  });
  assert.equal(res.status, 200, await res.text());
}

/** Picks option `k` (clamped) of every issue in the offer builder and returns the package. */
async function buildOffer(page, state, k) {
  const pkg = {};
  for (const issue of state.scenario.issues) {
    const o = Math.min(k, issue.options.length - 1);
    pkg[issue.id] = o;
    await page.getByTestId(`offer-issue-${issue.id}`).selectOption(String(o));
  }
  return pkg;
}

test('a lone practice player plays a bot from the waiting screen; another leaves the queue', async () => {
  const { pages, close } = await openPages(browser, 2, { viewport: { width: 390, height: 844 } });
  const [solo, shy] = pages;
  const errors = collectPageErrors({ solo, shy });
  try {
    await solo.goto(`${BASE_URL}/`);
    await solo.getByTestId('practice-name').fill('Solo');
    await solo.locator('[data-testid="practice-scenario"] option[value="campsite"]').waitFor({ state: 'attached' });
    await solo.getByTestId('practice-scenario').selectOption('campsite');
    await solo.locator('[data-testid="practice-submit"]:not([disabled])').click();
    // After the configured wait the page offers a bot, with a button (the old page had none).
    await solo.getByTestId('bot-offer').waitFor();
    await solo.getByTestId('bot-strategy').selectOption('hardballer');
    await screenshot(solo, 'classroom-390-bot-offer');
    await solo.getByTestId('play-bot').dblclick();
    await waitPhase(solo, 'prep');
    const names = normalise(await solo.getByTestId('players').textContent());
    assert.match(names, /\(bot\)/, `the counterpart is a bot and says so: ${names}`);
    const health = await (await fetch(`${BASE_URL}/healthz`)).json();
    assert.ok(health.matches >= 1);

    // Leaving the queue: back to the join form, and the seat is forgotten on this device.
    await shy.goto(`${BASE_URL}/`);
    await shy.getByTestId('practice-name').fill('Shy');
    await shy.locator('[data-testid="practice-scenario"] option[value="job-offer"]').waitFor({ state: 'attached' });
    await shy.getByTestId('practice-scenario').selectOption('job-offer');
    await shy.locator('[data-testid="practice-submit"]:not([disabled])').click();
    await shy.getByTestId('screen-waiting').waitFor();
    await shy.getByTestId('leave-queue').click();
    await shy.getByTestId('screen-join').waitFor();
    const kept = await shy.evaluate(() => localStorage.getItem('parley.tokens'));
    assert.equal(Object.keys(JSON.parse(kept || '{}')).length, 0, `no seat is kept after leaving: ${kept}`);
    assert.deepEqual(errors, []);
  } finally {
    await close();
  }
});

test('closing the tab and opening the join link again returns the player to their seat', async () => {
  const session = await createSession({ scenario: 'campsite', durations: SLOW });
  const ctxA = await browser.newContext({ viewport: { width: 1280, height: 900 } });
  const ctxB = await browser.newContext({ viewport: { width: 1280, height: 900 } });
  try {
    const a1 = await ctxA.newPage();
    const b = await ctxB.newPage();
    const framesA = recordFrames(a1);
    await join(a1, session.code, 'Ana');
    await join(b, session.code, 'Ben');
    await waitPhaseAll([a1, b], 'prep');
    const seat = lastState(framesA).you.seat;
    await a1.close();
    await b.locator(`[data-testid="player-${seat}"][data-online="false"]`).waitFor();
    // The same device opens the link again: the seat, not a second "Ana".
    const a2 = await ctxA.newPage();
    const framesA2 = recordFrames(a2);
    await a2.goto(`${BASE_URL}/?code=${session.code}`);
    await waitPhase(a2, 'prep');
    assert.equal(lastState(framesA2).you.seat, seat, 'the same seat');
    assert.equal(lastState(framesA2).you.name, 'Ana');
    await b.locator(`[data-testid="player-${seat}"][data-online="true"]`).waitFor();
    const monitor = await (
      await fetch(`${BASE_URL}/api/sessions/${session.code}/monitor`, { headers: { 'x-facilitator-token': session.facilitator_token } })
    ).json();
    assert.equal(monitor.players.filter((p) => p.name === 'Ana').length, 1, 'no second Ana');

    // "Not you?": this device lets go of Ana's seat and joins as someone else.
    a2.once('dialog', (d) => d.accept());
    await a2.getByTestId('not-you-match').click();
    await a2.getByTestId('screen-join').waitFor();
    await a2.getByTestId('join-name').fill('Zed');
    await a2.locator('[data-testid="join-submit"]:not([disabled])').click();
    await a2.getByTestId('screen-waiting').waitFor();
    assert.match(normalise(await a2.getByTestId('not-you-waiting').textContent()), /Playing as Zed/);
  } finally {
    await ctxA.close();
    await ctxB.close();
  }
});

test('two tabs with one seat: the older one says so and takes the seat back on request, no loop', async () => {
  const session = await createSession({ scenario: 'campsite', durations: SLOW });
  const ctxA = await browser.newContext({ viewport: { width: 1280, height: 900 } });
  const ctxB = await browser.newContext();
  try {
    const tab1 = await ctxA.newPage();
    const b = await ctxB.newPage();
    const errors = collectPageErrors({ tab1, b });
    let sockets1 = 0;
    tab1.on('websocket', () => {
      sockets1 += 1;
    });
    await join(tab1, session.code, 'Ana');
    await join(b, session.code, 'Ben');
    await waitPhaseAll([tab1, b], 'prep');
    const tab2 = await ctxA.newPage();
    await tab2.goto(`${BASE_URL}/?code=${session.code}`);
    await waitPhase(tab2, 'prep');
    await tab1.getByTestId('screen-replaced').waitFor();
    await screenshot(tab1, 'classroom-1280-replaced');
    const before = sockets1;
    // Something happens in the match through tab 2 (a sync point well after the handover).
    await tab2.getByTestId('ready').click();
    await b.locator('[data-testid="ready-votes"] [data-ready="true"]').waitFor();
    assert.equal(sockets1, before, 'the replaced tab did not reconnect by itself');
    assert.equal(await tab1.getByTestId('screen-replaced').isVisible(), true);
    // "Use this tab": the seat comes back here, and the other tab yields.
    await tab1.getByTestId('use-this-tab').click();
    await waitPhase(tab1, 'prep');
    await tab2.getByTestId('screen-replaced').waitFor();
    assert.deepEqual(errors, []);
  } finally {
    await ctxA.close();
    await ctxB.close();
  }
});

test('a double click on "Send offer" makes one offer, and the counterpart sees an alert', async () => {
  const session = await createSession({ scenario: 'job-offer', durations: FAST });
  const { pages, close } = await openPages(browser, 2, { viewport: { width: 390, height: 844 } });
  const [a, b] = pages;
  const framesA = recordFrames(a);
  const framesB = recordFrames(b);
  try {
    await joinAll(pages, session.code, ['Ana', 'Ben']);
    await waitPhaseAll(pages, 'bargaining');
    await buildOffer(a, lastState(framesA), 2);
    await a.getByTestId('offer-send').dblclick();
    await b.locator('[data-testid^="accept-"]').first().waitFor();
    // Wait until A has its answer (the button works again), then count.
    await a.locator('[data-testid="offer-send"]:not([disabled])').waitFor();
    const st = lastState(framesB);
    assert.equal(st.offers_total, 1, 'one offer, not two');
    // The alert is visible where the eye is, and leads to the offer.
    const alert = b.getByTestId('offer-alert');
    await alert.waitFor();
    assert.match(normalise(await alert.textContent()), /New offer from Ana/);
    await screenshot(b, 'classroom-390-offer-alert');
    await b.getByTestId('offer-alert-see').click();
    await alert.waitFor({ state: 'hidden' });
    const card = b.locator('[data-testid^="offer-"][data-offer-id]').first();
    await card.waitFor();
    assert.ok(await card.isVisible());
  } finally {
    await close();
  }
});

test('a paused clock shows the time left and says paused', async () => {
  const session = await createSession({ scenario: 'campsite', durations: SLOW });
  const { pages, close } = await openPages(browser, 2);
  try {
    await joinAll(pages, session.code, ['Ana', 'Ben']);
    await waitPhaseAll(pages, 'prep');
    await control(session, { action: 'pause' });
    const clock = pages[0].getByTestId('countdown');
    await pages[0].locator('[data-testid="countdown"]', { hasText: 'paused' }).waitFor();
    assert.match(normalise(await clock.textContent()), /^\d+:\d\d left · paused$/);
    const left = Number(await clock.getAttribute('data-remaining'));
    assert.ok(left > 500 && left <= 600, `about ten minutes left: ${left}`);
  } finally {
    await close();
  }
});

test('between tournament rounds players see the round and where they stand', async () => {
  const session = await createSession({ scenario: 'campsite', durations: { prep: 600, small_talk: 0, bargaining: 600, survey: 0 } });
  const { pages, close } = await openPages(browser, 2, { viewport: { width: 1280, height: 900 } });
  const errors = collectPageErrors(pages);
  try {
    await joinAll(pages, session.code, ['Ana', 'Ben']);
    await waitPhaseAll(pages, 'prep');
    await control(session, { action: 'end_phase' }); // the warm-up ends
    await waitPhaseAll(pages, 'bargaining');
    await control(session, { action: 'end_phase' });
    await waitPhaseAll(pages, 'results');
    await control(session, { action: 'tournament_start', rounds: ['campsite', 'campsite'] });
    await waitPhaseAll(pages, 'prep');
    await control(session, { action: 'end_phase' });
    await waitPhaseAll(pages, 'bargaining');
    await control(session, { action: 'end_phase' });
    await waitPhaseAll(pages, 'results');
    const card = pages[0].getByTestId('tournament-standing');
    await card.waitFor();
    assert.match(normalise(await card.textContent()), /round 1 of 2/);
    assert.match(normalise(await pages[0].getByTestId('tournament-rank').textContent()), /You are \d\w\w of 2/);
    await screenshot(pages[0], 'classroom-1280-tournament-between-rounds');
    await control(session, { action: 'tournament_next_round' });
    // Round 2 opens on a card naming the round, not straight into a new preparation.
    const intro = pages[0].getByTestId('round-intro');
    await intro.waitFor();
    assert.match(normalise(await pages[0].getByTestId('round-title').textContent()), /^Round 2 of 2$/);
    await screenshot(pages[0], 'classroom-1280-round-intro');
    await pages[0].getByTestId('round-start').click();
    await intro.waitFor({ state: 'hidden' });
    await pages[0].getByTestId('brief-panel').waitFor();
    assert.deepEqual(errors, []);
  } finally {
    await close();
  }
});

test('on a phone, 40-character names wrap instead of scrolling the page sideways', async () => {
  const session = await createSession({ scenario: 'job-offer', durations: SLOW });
  const { pages, close } = await openPages(browser, 2, { viewport: { width: 390, height: 844 } });
  const long = ['Annabella-Wilhelmina Featherstonehaugh-Z', 'Bartholomew-Maximilian Cholmondeley-Ward'];
  try {
    await joinAll(pages, session.code, long);
    await waitPhaseAll(pages, 'prep');
    await readyIntoBargaining(pages, ['prep', 'small_talk']);
    for (const [i, p] of pages.entries()) {
      const { scroll, client } = await p.evaluate(() => ({
        scroll: document.documentElement.scrollWidth,
        client: document.documentElement.clientWidth,
      }));
      assert.ok(scroll <= client, `page ${i} scrolls sideways: ${scroll} > ${client}`);
    }
    await screenshot(pages[0], 'classroom-390-long-names-bargaining');
  } finally {
    await close();
  }
});
