// A four-party match (alignment-meeting): every party's standing offer is shown, with who has
// accepted it, and a deal needs all four.

import { test } from 'node:test';
import assert from 'node:assert/strict';
import {
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
  joinAll,
  readyIntoBargaining,
  normalise,
} from './lib.mjs';

const browser = useBrowser();

test('four parties: standing offers, accepted_by, and a deal only when all accept', async () => {
  const session = await createSession({ scenario: 'alignment-meeting', durations: FIVE_MINUTES, small_talk: 'none' });
  const names = ['Ana', 'Ben', 'Cleo', 'Dev'];
  const { pages, close } = await openPages(browser, 4, { viewport: { width: 1100, height: 850 } });
  const pageErrors = collectPageErrors(pages);
  const frames = pages.map(recordFrames);
  try {
    await joinAll(pages, session.code, names);
    // Small talk is off for this session: straight to bargaining.
    await readyIntoBargaining(pages, ['prep']);

    // Pages by seat.
    const bySeat = [];
    for (let i = 0; i < 4; i += 1) bySeat[lastState(frames[i]).you.seat] = i;
    const page = (seat) => pages[bySeat[seat]];
    const issues = lastState(frames[0]).scenario.issues;

    // Seats 0 and 1 both put an offer on the table.
    for (const [seat, option] of [
      [0, '0'],
      [1, '1'],
    ]) {
      for (const issue of issues) await page(seat).getByTestId(`offer-issue-${issue.id}`).selectOption(option);
      await page(seat).getByTestId('offer-send').click();
      await page(seat).getByTestId('my-offer').waitFor();
    }
    const offers = lastState(frames[bySeat[3]]).offers;
    await page(3).locator('[data-testid^="accept-"]').nth(1).waitFor();
    const standing = lastState(frames[bySeat[3]]).offers.filter((o) => o.status === 'standing');
    assert.equal(standing.length, 2, `two standing offers (${JSON.stringify(offers)})`);
    const first = standing.find((o) => o.seat === 0);
    // Seat 3 sees both parties' offers, each with its own accept button.
    for (const o of standing) await page(3).getByTestId(`accept-${o.id}`).waitFor();

    // Seats 1 and 2 accept seat 0's offer: everyone sees who accepted; no deal yet.
    await page(1).getByTestId(`accept-${first.id}`).click();
    await page(2).getByTestId(`accept-${first.id}`).click();
    const acceptedBy = page(3).getByTestId(`accepted-by-${first.id}`);
    // Wait until seat 2's name is in the "accepted by" part (before that it is in "waiting for").
    await page(3).waitForFunction(
      ([id, name]) => {
        const t = document.querySelector(`[data-testid="accepted-by-${id}"]`)?.textContent || '';
        return t.split('Waiting for')[0].includes(name);
      },
      [first.id, names[bySeat[2]]],
    );
    const text = normalise(await acceptedBy.textContent());
    for (const seat of [0, 1, 2]) assert.ok(text.includes(names[bySeat[seat]]), `accepted-by lists seat ${seat}: ${text}`);
    assert.match(text, /Waiting for: you/);
    assert.match(text, /Every party must accept a package for it to be the deal\./, 'the deal rule in words');
    assert.equal(await page(1).getByTestId(`accept-${first.id}`).isDisabled(), true, 'an accepted offer cannot be accepted twice');
    await screenshot(page(3), '09-four-parties-bargaining');
    await waitPhase(page(0), 'bargaining');

    // The last party accepts: the deal.
    await page(3).getByTestId(`accept-${first.id}`).click();
    await waitPhaseAll(pages, 'survey');
    for (const p of pages) await p.getByTestId('survey-skip').click();
    await waitPhaseAll(pages, 'results');
    const results = lastState(frames[0]).results;
    assert.equal(results.outcome.kind, 'deal');
    for (const p of pages) {
      assert.equal(Number(await p.getByTestId('results-joint').getAttribute('data-value')), results.joint_value);
      assert.equal(await p.locator('[data-testid="results-scores"] tbody tr').count(), 4);
      assert.equal(await p.getByTestId('frontier-chart').count(), 0, 'no frontier chart with four roles');
    }
    await screenshot(page(0), '10-four-parties-results');
    assert.deepEqual(pageErrors, []);
  } finally {
    await close();
  }
});
