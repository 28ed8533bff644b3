// Accessibility: axe-core (the version pinned in package.json) runs in real Chromium on every
// page a player or a facilitator sees, with the WCAG 2.1 A and AA rules, and finds nothing.
// The player's pages: join, waiting, preparation, small talk, bargaining (the offer's sender and
// its receiver), survey, results, results between tournament rounds, and the tab another tab of
// the same player replaced. The facilitator's: the set-up form, and the console of a session with
// players (the live monitor with someone waiting and with a match running, the debrief, the
// tournament set-up and a running tournament). Each page is its own subtest, so one report lists
// every page that fails, each violation with its rule id, help and the nodes it found.

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
  readyIntoBargaining,
  waitPhaseAll,
  readyAll,
  join,
  openSetup,
  openConsole,
  axeScan,
  formatViolations,
} from './lib.mjs';

const browser = useBrowser();

/** A subtest asserting that axe finds no WCAG 2.1 A/AA violation on the page as it is now. */
function scanner(t) {
  return (label, page) =>
    t.test(label, async () => {
      const { rules, violations } = await axeScan(page);
      assert.ok(rules > 20, `${label}: axe ran ${rules} rules`);
      assert.equal(violations.length, 0, `${label}: ${violations.length} WCAG 2.1 A/AA violation(s)\n${formatViolations(violations)}`);
    });
}

test('every page passes axe-core with the WCAG 2.1 A and AA rules', async (t) => {
  const scan = scanner(t);
  const session = await createSession({ scenario: 'job-offer', title: 'Accessibility scan', durations: FIVE_MINUTES });
  const { pages, close } = await openPages(browser, 3, { viewport: { width: 1280, height: 900 } });
  const [pageA, pageB, fac] = pages;
  const framesA = recordFrames(pageA);
  const pageErrors = collectPageErrors({ A: pageA, B: pageB, facilitator: fac });

  try {
    // ---------------------------------------------------------------- the facilitator's set-up form
    await openSetup(fac, 'job-offer');
    await fac.getByTestId('setup-scenario-info').locator(':scope > *').first().waitFor();
    await scan('console: set-up form', fac);

    // ---------------------------------------------------------------- join, then waiting for a partner
    await pageA.goto(`${BASE_URL}/?code=${session.code}`);
    await pageA.locator('[data-testid="join-submit"]:not([disabled])').waitFor();
    await scan('player: join page', pageA);

    await openConsole(fac, session);
    await join(pageA, session.code, 'Ana');
    await pageA.getByTestId('screen-waiting').waitFor();
    await pageA.locator('[data-testid="waiting-message"]:not(:empty)').waitFor();
    await scan('player: waiting screen', pageA);
    await fac.locator('[data-testid="stat-waiting"][data-value="1"]').waitFor();
    await scan('console: live monitor, a participant waiting', fac);

    // ---------------------------------------------------------------- preparation
    await join(pageB, session.code, 'Ben');
    await waitPhaseAll([pageA, pageB], 'prep');
    await pageA.getByTestId('brief-private').waitFor();
    await pageA.getByTestId('guess').waitFor();
    await scan('player: preparation', pageA);

    // ---------------------------------------------------------------- small talk, with a line from each side
    await readyAll([pageA, pageB]);
    await waitPhaseAll([pageA, pageB], 'small_talk');
    await pageA.getByTestId('chat-input').fill('Hello from Ana!');
    await pageA.getByTestId('chat-send').click();
    await pageB.getByTestId('chat-log').getByText('Hello from Ana!').waitFor();
    await pageB.getByTestId('chat-input').fill('Hi Ana, Ben here.');
    await pageB.getByTestId('chat-send').click();
    await pageA.getByTestId('chat-log').getByText('Hi Ana, Ben here.').waitFor();
    await scan('player: small talk', pageA);

    // ---------------------------------------------------------------- the console, live, during a match
    await fac.locator('[data-testid="monitor-matches"] tbody tr').first().waitFor();
    await fac.locator('[data-testid="monitor-players"] tbody tr').nth(1).waitFor();
    await scan('console: live monitor, a match running', fac);

    // ---------------------------------------------------------------- bargaining: an offer sent and received
    await readyAll([pageA, pageB]);
    await waitPhaseAll([pageA, pageB], 'bargaining');
    await pageA.getByTestId('offer-fill-best').click();
    await pageA.getByTestId('offer-send').click();
    await pageA.getByTestId('my-offer').waitFor();
    const accept = pageB.locator('[data-testid^="accept-"]').first();
    await accept.waitFor();
    await pageB.locator('[data-testid="disclose"] > summary').click();
    await scan('player: bargaining (the offer sent)', pageA);
    await scan('player: bargaining (the offer received, statement form open)', pageB);

    // ---------------------------------------------------------------- survey
    await accept.click();
    await waitPhaseAll([pageA, pageB], 'survey');
    await pageA.getByTestId('survey').waitFor();
    await scan('player: survey', pageA);
    const questions = lastState(framesA).survey.questions;
    for (const page of [pageA, pageB]) {
      for (const q of questions) await page.getByTestId(`survey-rating-${q.id}-5`).check();
      await page.getByTestId('survey-submit').click();
    }

    // ---------------------------------------------------------------- results
    await waitPhaseAll([pageA, pageB], 'results');
    await pageA.getByTestId('results').waitFor();
    await pageA.getByTestId('frontier-chart').waitFor();
    await pageA.getByTestId('results-trust').waitFor();
    await scan('player: results', pageA);

    // ---------------------------------------------------------------- the console: debrief
    await fac.getByTestId('tab-debrief').click();
    await fac.locator('[data-testid="debrief-row"][data-outcome="deal"]').waitFor();
    await fac.getByTestId('debrief-scatter').waitFor();
    await scan('console: debrief', fac);

    // ---------------------------------------------------------------- the console: tournament, set up and running
    await fac.getByTestId('tab-tournament').click();
    await fac.locator('[data-testid="tournament-roster"][data-count="2"]').waitFor();
    await scan('console: tournament set-up', fac);
    await fac.getByTestId('tournament-rounds').fill('2');
    await fac.getByTestId('tournament-start').click();
    await fac.locator('[data-testid="pairing-round"][data-round="1"] [data-testid="pairing-group"]').first().waitFor();
    await fac.locator('[data-testid="standing-row"]').nth(1).waitFor();
    await scan('console: tournament running', fac);

    // ---------------------------------------------------------------- a player between tournament rounds
    await readyIntoBargaining([pageA, pageB], ['prep', 'small_talk']);
    await pageA.getByTestId('offer-fill-best').click();
    await pageA.getByTestId('offer-send').click();
    await pageB.locator('[data-testid^="accept-"]:not([disabled])').first().click();
    await waitPhaseAll([pageA, pageB], 'survey');
    for (const page of [pageA, pageB]) await page.getByTestId('survey-skip').click();
    await waitPhaseAll([pageA, pageB], 'results');
    await pageA.getByTestId('tournament-standing').waitFor();
    await scan('player: results between tournament rounds', pageA);

    // ---------------------------------------------------------------- the tab another tab replaced
    const tab2 = await pageA.context().newPage();
    await tab2.goto(`${BASE_URL}/?code=${session.code}`);
    await pageA.getByTestId('screen-replaced').waitFor();
    await scan('player: replaced by another tab', pageA);

    assert.deepEqual(pageErrors, [], 'no JavaScript errors');
  } finally {
    await close();
  }
});
