// What players see when the facilitator acts: a broadcast notice, a paused clock, an extended
// phase, a phase ended early. Uses the facilitator control endpoint
// (POST /api/sessions/{code}/control with the session's facilitator token).

import { test } from 'node:test';
import assert from 'node:assert/strict';
import {
  useBrowser,
  openPages,
  createSession,
  FIVE_MINUTES,
  screenshot,
  waitPhase,
  waitPhaseAll,
  join,
  joinAll,
  BASE_URL,
  normalise,
} from './lib.mjs';

const browser = useBrowser();

async function control(session, body) {
  const res = await fetch(`${BASE_URL}/api/sessions/${session.code}/control`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', 'x-facilitator-token': session.facilitator_token },
    body: JSON.stringify(body),
  });
  const text = await res.text();
  assert.equal(res.status, 200, `control ${JSON.stringify(body)} answered ${res.status}: ${text}`);
}

async function remaining(page) {
  return Number(await page.getByTestId('countdown').getAttribute('data-remaining'));
}

test('notice, pause, extend and end-phase from the facilitator reach the players', async () => {
  const session = await createSession({ scenario: 'campsite', durations: { ...FIVE_MINUTES, prep: 120 } });
  const { pages, close } = await openPages(browser, 2);
  const [pageA, pageB] = pages;
  try {
    await joinAll(pages, session.code, ['Ana', 'Ben']);
    await waitPhaseAll(pages, 'prep');

    // A broadcast shows as a banner on every page.
    await control(session, { action: 'broadcast', text: 'Two minutes to read, then small talk.' });
    for (const p of [pageA, pageB]) {
      await p.getByTestId('notice').getByText('Two minutes to read, then small talk.').waitFor();
    }

    // Pause: the clock shows "Paused" and the ready vote is disabled; resume undoes it.
    await control(session, { action: 'pause' });
    await pageA.getByTestId('countdown').getByText('Paused').waitFor();
    await pageA.locator('[data-testid="ready"][disabled]').waitFor();
    await screenshot(pageA, '12-paused-with-notice');
    await control(session, { action: 'resume' });
    await pageA.locator('[data-testid="ready"]:not([disabled])').waitFor();
    await pageA.getByTestId('countdown').getByText(/left$/).waitFor();

    // Extend: the countdown jumps up.
    const before = await remaining(pageA);
    assert.ok(before > 0 && before <= 120, `prep countdown ${before}`);
    await control(session, { action: 'extend', seconds: 600 });
    await pageA.waitForFunction(
      (b) => Number(document.querySelector('[data-testid="countdown"]').dataset.remaining) > b + 500,
      before,
    );

    // End the phase now: small talk starts on both pages.
    await control(session, { action: 'end_phase' });
    await waitPhaseAll(pages, 'small_talk');
  } finally {
    await close();
  }
});

test('a session that reveals only scores keeps the other side private in the results', async () => {
  const session = await createSession({ scenario: 'campsite', durations: FIVE_MINUTES, reveal: 'scores' });
  const { pages, close } = await openPages(browser, 2);
  const [pageA, pageB] = pages;
  try {
    await joinAll(pages, session.code, ['Ana', 'Ben']);
    await waitPhase(pageA, 'prep');
    const briefB = normalise(await pageB.getByTestId('brief-private').textContent()).slice(0, 80);
    // The facilitator ends every phase: bargaining ends in impasse, then the survey ends.
    for (const next of ['small_talk', 'bargaining', 'survey', 'results']) {
      await control(session, { action: 'end_phase' });
      await waitPhase(pageA, next);
    }
    await pageA.getByTestId('results').waitFor();
    assert.match(await pageA.getByTestId('results-outcome').textContent(), /facilitator ended/);
    await pageA.getByTestId('results-reveal').getByText('stay private').waitFor();
    assert.equal(await pageA.getByTestId('reveal-points').count(), 0);
    const text = normalise(await pageA.evaluate(() => document.body.textContent));
    assert.ok(!text.includes(briefB), "A's results do not show B's brief");
  } finally {
    await close();
  }
});

test('a player removed by the facilitator is sent back to the join form', async () => {
  const session = await createSession({ scenario: 'campsite' });
  const { pages: [page], close } = await openPages(browser, 1);
  try {
    await join(page, session.code, 'Ana');
    await page.getByTestId('screen-waiting').waitFor();
    const res = await fetch(`${BASE_URL}/api/sessions/${session.code}/monitor`, {
      headers: { 'x-facilitator-token': session.facilitator_token },
    });
    const monitor = await res.json();
    const me = monitor.players.find((p) => p.name === 'Ana');
    assert.ok(me, `Ana is in the monitor: ${JSON.stringify(monitor.players)}`);
    await control(session, { action: 'remove', player_id: me.id });
    await page.reload();
    await page.getByTestId('screen-join').waitFor();
    await page.locator('[data-testid="error"][data-error-for="join"]').getByText('removed you').waitFor();
    assert.equal(await page.evaluate(() => sessionStorage.getItem('parley.token')), null);
  } finally {
    await close();
  }
});
