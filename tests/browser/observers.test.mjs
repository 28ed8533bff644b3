// Observers (the fishbowl) in Chromium: the facilitator adds an observer to a running match from
// the console; the observer's page shows the match read-only (chat, offers) with a banner and the
// observation sheet, at desktop and phone width; nothing hidden reaches it before results (raw
// WebSocket frames); the sheet reaches the players' results and the console's debrief.

import { test } from 'node:test';
import assert from 'node:assert/strict';
import {
  useBrowser,
  openPages,
  createSession,
  screenshot,
  waitPhase,
  waitPhaseAll,
  join,
  joinAll,
  openConsole,
  recordFrames,
  readScenario,
  collectPageErrors,
  normalise,
  BASE_URL,
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
  return JSON.parse(text);
}

async function monitor(session) {
  const res = await fetch(`${BASE_URL}/api/sessions/${session.code}/monitor?token=${session.facilitator_token}`);
  return res.json();
}

test('an observer watches a match, sends a sheet, and the players and the debrief get it', async () => {
  const session = await createSession({
    scenario: 'campsite',
    pairing: 'facilitator',
    coaching: true,
    durations: { prep: 0, small_talk: 0, bargaining: 300, survey: 300 },
  });
  const scenario = readScenario('campsite');
  const { pages, close } = await openPages(browser, 4, { viewport: { width: 1280, height: 900 } });
  const [ana, ben, cy, fac] = pages;
  const errors = collectPageErrors({ ana, ben, cy, fac });
  const cyFrames = recordFrames(cy);
  try {
    await joinAll([ana, ben, cy], session.code, ['Ana', 'Ben', 'Cy']);
    for (const p of [ana, ben, cy]) await p.getByTestId('screen-waiting').waitFor();
    const players = (await monitor(session)).players;
    const id = (name) => players.find((p) => p.name === name).id;
    await control(session, { action: 'pair', players: [id('Ana'), id('Ben')] });
    await waitPhaseAll([ana, ben], 'bargaining');

    // The facilitator adds Cy as the match's observer from the console, by hand.
    await openConsole(fac, session);
    const row = fac.locator('[data-testid="match-row"]').first();
    await row.locator('[data-testid="add-observer"] > summary').click();
    await row.getByTestId('observer-pick').selectOption(id('Cy'));
    await row.getByTestId('observer-add').click();
    await fac.getByTestId('ctl-status-match').getByText('Cy now observes the match of Ana and Ben.').waitFor();
    await row.getByTestId('match-observers').getByText('Observed by Cy').waitFor();
    await fac.locator('[data-testid="player-row"][data-name="Cy"][data-status="observing"]').waitFor();

    // Cy's page: the banner, no chat box, no offer builder, no brief.
    await cy.getByTestId('screen-observe').waitFor();
    const banner = normalise(await cy.getByTestId('observe-banner').textContent());
    assert.match(banner, /You are observing Ana \(.+\) and Ben \(.+\)\./);
    await waitPhase(cy, 'bargaining');
    assert.equal(await cy.locator('[data-testid="screen-observe"] [data-testid="chat-input"]:visible').count(), 0);
    assert.equal(await cy.locator('[data-testid="offer-send"], [data-testid="brief-toggle"]').count(), 0);

    // What the players say and offer shows live.
    await ana.getByTestId('chat-input').fill('Water matters most to us. What about you?');
    await ana.getByTestId('chat-send').click();
    await cy.getByTestId('chat-log').getByText('Water matters most to us. What about you?').waitFor();
    const pkg = { food: 1, water: 3, firewood: 0 };
    for (const issue of scenario.issues) await ana.getByTestId(`offer-issue-${issue.id}`).selectOption(String(pkg[issue.id]));
    await ana.getByTestId('offer-send').click();
    const offer = cy.locator('[data-testid^="observed-offer-"][data-status="standing"]');
    await offer.waitFor();
    const water = scenario.issues.find((i) => i.id === 'water');
    assert.ok(normalise(await offer.textContent()).includes(`${water.name}: ${water.options[3]}`));
    // Ana's page names her observer.
    await ana.getByTestId('observed-by').getByText('Observed by Cy').waitFor();

    await screenshot(cy, 'observer-1280');
    await cy.setViewportSize({ width: 390, height: 844 });
    await cy.waitForTimeout(200);
    const overflow = await cy.evaluate(() => document.documentElement.scrollWidth - window.innerWidth);
    await screenshot(cy, 'observer-390');
    assert.ok(overflow <= 1, `no horizontal scrolling at 390 px (overflow ${overflow}px)`);

    // The sheet, filled in at phone width.
    await cy.getByTestId('tactic-self-need').check();
    await cy.getByTestId('tactic-elicit-pref').check();
    await cy.getByTestId('sheet-send').click();
    await cy.locator('[data-error-for="sheet"]').getByText('Write one thing they did well and one thing to try.').waitFor();
    await cy.getByTestId('sheet-done-well-input').fill('Ana said what she needs and asked <b>Ben</b> back.');
    await cy.getByTestId('sheet-to-try-input').fill('Ben could say which item matters least to him.');
    await cy.getByTestId('sheet-send').click();
    await cy.getByTestId('sheet-sent').waitFor();
    await screenshot(cy, 'observer-sheet-sent-390');
    await cy.setViewportSize({ width: 1280, height: 900 });

    // The deal, the survey skipped, results.
    await ben.locator('[data-testid^="accept-"]').first().click();
    await waitPhaseAll([ana, ben], 'survey');
    for (const p of [ana, ben]) await p.getByTestId('survey-skip').click();
    await waitPhaseAll([ana, ben, cy], 'results');
    const sheets = ana.getByTestId('results-observations');
    await sheets.waitFor();
    assert.equal(await sheets.getByTestId('sheet-done-well').textContent(), 'Ana said what she needs and asked <b>Ben</b> back.');
    assert.equal(await ana.locator('[data-testid="results-observations"] b').count(), 0, 'a sheet is text, never HTML');
    await ben.getByTestId('results-observations').waitFor();
    await sheets.scrollIntoViewIfNeeded();
    await screenshot(ana, 'observer-sheet-in-results');
    await cy.getByTestId('observe-outcome').getByText('They reached a deal.').waitFor();
    await screenshot(cy, 'observer-results-1280');

    // Raw frames: before results, nothing private reached the observer.
    const firstResults = cyFrames.findIndex((f) => f.type === 'observe' && f.phase === 'results');
    assert.ok(firstResults > 0, 'the observer got the results');
    const before = cyFrames.slice(0, firstResults).map((f) => JSON.stringify(f));
    assert.ok(before.some((f) => f.includes('"type":"observe"')));
    for (const f of before) {
      for (const key of ['"brief"', '"points"', '"batna"', '"value_to_you"', '"truthful"', '"coaching"', '"ratings"', '"you"']) {
        assert.ok(!f.includes(key), `${key} reached the observer before results: ${f.slice(0, 300)}`);
      }
      assert.ok(!f.includes('"type":"coach"') && !f.includes('"type":"state"'), `a player's frame reached the observer: ${f.slice(0, 300)}`);
      for (const role of scenario.roles) assert.ok(!f.includes(JSON.stringify(role.brief).slice(1, 40)), 'a brief reached the observer');
    }

    // The debrief: the sheet counted and readable.
    await fac.getByTestId('tab-debrief').click();
    const card = fac.getByTestId('debrief-observations');
    await card.waitFor();
    assert.match(normalise(await card.textContent()), /1 sheet from 1 observer on 1 match/);
    const selfNeed = card.locator('[data-testid="observed-tactic-row"][data-tactic="self-need"]');
    assert.match(normalise(await selfNeed.textContent()), /1 of 1/);
    await card.getByTestId('observed-texts').locator('summary').click();
    await card.getByText('Ben could say which item matters least to him.').waitFor();
    await card.scrollIntoViewIfNeeded();
    await screenshot(fac, 'observer-debrief');
    assert.deepEqual(errors, []);
  } finally {
    await close();
  }
});

test('the facilitator spreads the waiting people over the matches as observers', async () => {
  const session = await createSession({
    scenario: 'campsite',
    pairing: 'facilitator',
    durations: { prep: 300, small_talk: 300, bargaining: 300, survey: 300 },
  });
  const { pages, close } = await openPages(browser, 6, { viewport: { width: 1280, height: 900 } });
  const fac = pages[5];
  const errors = collectPageErrors(pages);
  try {
    await joinAll(pages.slice(0, 5), session.code, ['Ana', 'Ben', 'Cy', 'Di', 'Ed']);
    for (const p of pages.slice(0, 5)) await p.getByTestId('screen-waiting').waitFor();
    const players = (await monitor(session)).players;
    const id = (name) => players.find((p) => p.name === name).id;
    await control(session, { action: 'pair', players: [id('Ana'), id('Ben')] });
    await control(session, { action: 'pair', players: [id('Cy'), id('Di')] });
    await openConsole(fac, session);
    await fac.locator('[data-testid="match-row"]').nth(1).waitFor();
    await fac.getByTestId('ctl-observers-per-match').selectOption('1');
    await fac.getByTestId('ctl-assign-observers').click();
    await fac.getByTestId('ctl-status-observers').getByText('1 person now observes a match.').waitFor();
    await pages[4].getByTestId('observe-banner').waitFor();
    await fac.locator('[data-testid="player-row"][data-name="Ed"][data-status="observing"]').waitFor();
    await fac.getByTestId('match-observers').getByText('Observed by Ed').waitFor();
    await screenshot(fac, 'observer-console');

    // Ed stops observing: back to waiting.
    pages[4].once('dialog', (d) => d.accept());
    await pages[4].getByTestId('stop-observing').click();
    await pages[4].getByTestId('screen-waiting').waitFor();
    await fac.locator('[data-testid="player-row"][data-name="Ed"][data-status="waiting"]').waitFor();
    assert.deepEqual(errors, []);
  } finally {
    await close();
  }
});
