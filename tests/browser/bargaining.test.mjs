// Bargaining controls other than accept: reject, withdraw, the walk-away confirmation, and the
// impasse that follows.

import { test } from 'node:test';
import assert from 'node:assert/strict';
import {
  useBrowser,
  openPages,
  createSession,
  FIVE_MINUTES,
  recordFrames,
  lastState,
  screenshot,
  waitPhase,
  joinAll,
  readyIntoBargaining,
} from './lib.mjs';

const browser = useBrowser();

test('reject, withdraw, and walking away (after confirming) ends in an impasse', async () => {
  const session = await createSession({ scenario: 'campsite', durations: FIVE_MINUTES, small_talk: 'none' });
  const { pages, close } = await openPages(browser, 2);
  const [pageA, pageB] = pages;
  const framesA = recordFrames(pageA);
  try {
    await joinAll(pages, session.code, ['Ana', 'Ben']);
    // Small talk is off for this session: from prep straight to bargaining.
    await readyIntoBargaining(pages, ['prep']);
    const issues = lastState(framesA).scenario.issues;

    // The send button waits for a complete package; "Fill in my best" completes it.
    assert.equal(await pageA.getByTestId('offer-send').isDisabled(), true);
    await pageA.getByTestId('offer-fill-best').click();
    assert.equal(await pageA.locator('[data-testid="offer-total"]').getAttribute('data-complete'), 'true');
    const best = Number(await pageA.getByTestId('offer-total').getAttribute('data-value'));
    assert.equal(best, lastState(framesA).you.max_points, 'my best package is worth my maximum');
    await pageA.getByTestId('offer-send').click();

    // B rejects it: it leaves the table and the history says so on both pages.
    const reject = pageB.locator('[data-testid^="reject-"]').first();
    await reject.waitFor();
    const first = (await reject.getAttribute('data-testid')).slice('reject-'.length);
    await reject.click();
    for (const p of [pageA, pageB]) {
      await p.locator(`[data-testid="history-${first}"][data-status="rejected"]`).waitFor();
      await p.getByTestId('no-standing').waitFor();
    }

    // A offers again (copying nothing: option 1 everywhere), then withdraws it.
    for (const issue of issues) await pageA.getByTestId(`offer-issue-${issue.id}`).selectOption('1');
    await pageA.getByTestId('offer-send').click();
    await pageA.getByTestId('withdraw').click();
    await pageB.locator('[data-testid^="history-"][data-status="withdrawn"]').waitFor();
    assert.equal(await pageB.locator('[data-testid^="accept-"]').count(), 0, 'a withdrawn offer cannot be accepted');

    // Walking away asks first; "Keep negotiating" changes nothing.
    await pageB.getByTestId('walk-away').click();
    await pageB.getByTestId('walk-away-dialog').waitFor();
    await screenshot(pageB, '13-walk-away-confirm');
    await pageB.getByTestId('walk-away-cancel').click();
    await pageB.getByTestId('walk-away-dialog').waitFor({ state: 'hidden' });
    await waitPhase(pageB, 'bargaining');
    await pageB.getByTestId('walk-away').click();
    await pageB.getByTestId('walk-away-confirm').click();

    for (const p of [pageA, pageB]) await waitPhase(p, 'survey');
    assert.deepEqual(lastState(framesA).outcome, { kind: 'impasse', reason: 'walked_away' });
    for (const p of [pageA, pageB]) await p.getByTestId('survey-skip').click();
    await waitPhase(pageA, 'results');
    const head = pageA.getByTestId('results-outcome');
    await head.waitFor();
    assert.equal(await head.getAttribute('data-kind'), 'impasse');
    assert.match(await head.textContent(), /walked away/);
    const results = lastState(framesA).results;
    assert.equal(
      results.joint_value,
      results.roles.reduce((a, r) => a + r.batna, 0),
      'an impasse is worth the sum of the walk-away values',
    );
    assert.equal(Number(await pageA.getByTestId('results-joint').getAttribute('data-value')), results.joint_value);
    await pageA.getByTestId('frontier-chart').waitFor();
    await screenshot(pageA, '14-impasse-results');
  } finally {
    await close();
  }
});
