// Tentative terms in the player's page: one player proposes a salary in principle, the other (on a
// phone) agrees to it, the offer builder fills it in and warns when an offer departs from it, a
// second proposal is rejected, and a full offer becomes the deal. Screenshots at 1280 and 390 px.

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
  join,
  waitPhaseAll,
  collectPageErrors,
  normalise,
  openConsole,
  download,
} from './lib.mjs';

const browser = useBrowser();

test('two players agree an issue in principle, then close a deal that keeps it', async () => {
  const session = await createSession({ scenario: 'job-offer', durations: { ...FIVE_MINUTES, prep: 0, small_talk: 0 } });
  const wide = await openPages(browser, 1, { viewport: { width: 1280, height: 900 } });
  const phone = await openPages(browser, 1, { viewport: { width: 390, height: 844 } });
  const facilitator = await openPages(browser, 1, { viewport: { width: 1280, height: 900 } });
  const [a] = wide.pages;
  const [b] = phone.pages;
  const errors = collectPageErrors({ wide: a, phone: b });
  const framesA = recordFrames(a);
  const framesB = recordFrames(b);
  try {
    await join(a, session.code, 'Ana');
    await join(b, session.code, 'Ben');
    await waitPhaseAll([a, b], 'bargaining');
    await b.getByTestId('terms-empty').waitFor();

    // Ana proposes a salary in principle.
    await a.getByTestId('terms-issue').selectOption('salary');
    await a.getByTestId('terms-option').selectOption('2');
    await a.getByTestId('terms-propose').click();
    await a.locator('[data-testid="terms-salary"][data-state="mine"]').waitFor();
    assert.match(normalise(await a.getByTestId('terms-salary').textContent()), /You proposed this\. Waiting for Ben/);
    // Ana may still replace her proposal; Ben's form leaves salary out while it waits for him.
    const row = b.locator('[data-testid="terms-salary"][data-state="theirs"]');
    await row.waitFor();
    assert.match(normalise(await row.textContent()), /£70,000.*Ana proposes this/);
    const bIssues = await b.getByTestId('terms-issue').locator('option').evaluateAll((os) => os.map((o) => o.value));
    assert.ok(!bIssues.includes('salary'), `Ben cannot propose on salary while Ana's proposal waits: ${bIssues}`);
    await screenshot(b, 'terms-390-proposal');

    // Ben agrees: both pages mark salary agreed, and the offer builders start from it.
    await b.getByTestId('terms-agree-salary').click();
    for (const p of [a, b]) {
      await p.locator('[data-testid="terms-salary"][data-state="agreed"]').waitFor();
      assert.equal(await p.getByTestId('offer-issue-salary').inputValue(), '2', 'the builder takes the agreed salary');
      assert.match(normalise(await p.getByTestId('offer-note-salary').textContent()), /Agreed in principle: £70,000/);
    }
    const agreed = lastState(framesA).terms.find((t) => t.issue === 'salary').agreed;
    assert.deepEqual([agreed.option, agreed.order], [2, 1]);

    // Ben proposes a start date; Ana rejects it, and it leaves the list for both.
    await b.getByTestId('terms-issue').selectOption('start-date');
    await b.getByTestId('terms-option').selectOption('4');
    await b.getByTestId('terms-propose').click();
    await a.locator('[data-testid="terms-start-date"][data-state="theirs"]').waitFor();
    await a.getByTestId('terms-reject-start-date').click();
    for (const p of [a, b]) await p.getByTestId('terms-start-date').waitFor({ state: 'detached' });

    // Ana's offer: departing from the agreed salary is allowed, but the builder says so.
    await a.getByTestId('offer-fill-best').click();
    assert.equal(await a.getByTestId('offer-issue-salary').inputValue(), '2', '"Fill in my best" keeps what was agreed');
    await a.getByTestId('offer-issue-salary').selectOption('0');
    const note = a.getByTestId('offer-note-salary');
    assert.equal(await note.getAttribute('data-departs'), 'true');
    assert.match(normalise(await note.textContent()), /departs/);
    await a.getByTestId('offer-issue-salary').selectOption('2');
    assert.equal(await note.getAttribute('data-departs'), 'false');
    // A package Ben can take: the middle option on every other issue.
    for (const issue of lastState(framesA).scenario.issues) {
      if (issue.id !== 'salary') await a.getByTestId(`offer-issue-${issue.id}`).selectOption('2');
    }
    await screenshot(a, 'terms-1280-agreed');
    await a.getByTestId('offer-send').click();

    const accept = b.locator('[data-testid^="accept-"]').first();
    await accept.waitFor();
    const id = (await accept.getAttribute('data-testid')).slice('accept-'.length);
    assert.equal(await b.getByTestId(`offer-departs-${id}`).count(), 0, 'the offer keeps the agreed salary');
    const width = await b.evaluate(() => document.documentElement.scrollWidth);
    assert.ok(width <= 390, `the phone page does not scroll sideways (${width} px)`);
    await screenshot(b, 'terms-390-offer');
    await accept.click();

    for (const p of [a, b]) await waitPhase(p, 'survey');
    const outcome = lastState(framesB).outcome;
    assert.equal(outcome.kind, 'deal');
    assert.equal(outcome.package.salary, 2, 'the deal kept the salary agreed in principle');

    // The facilitator's debrief: the class's order of settling, and the match's in its transcript.
    const [fac] = facilitator.pages;
    collectPageErrors({ console: fac }, errors);
    await openConsole(fac, session);
    await fac.getByTestId('tab-debrief').click();
    await fac.getByTestId('debrief-refresh').click();
    const card = fac.getByTestId('debrief-terms');
    await card.waitFor();
    assert.equal(
      normalise(await card.getByTestId('terms-insight').textContent()),
      'Base salary was agreed in principle first in 1 of the 1 matches that agreed any issue in principle.',
    );
    await fac.getByTestId('debrief-transcript').first().click();
    const agreedLine = fac.getByTestId('tl-terms_agreed');
    await agreedLine.waitFor();
    assert.match(normalise(await agreedLine.textContent()), /Agreed in principle \(1st\).*Base salary: £70,000, proposed by Ana/);
    assert.match(normalise(await fac.getByTestId('transcript-settled').textContent()), /Base salary: £70,000 — proposed by Ana/);
    await screenshot(fac, 'terms-1280-debrief');
    const csv = await download(fac, 'export-settlements');
    assert.match(csv.name, /settlements\.csv$/);
    assert.match(csv.text.split('\n')[1], /,1,salary,Base salary,2,"?£70,000"?,/);
    assert.deepEqual(errors, []);
  } finally {
    await wide.close();
    await phone.close();
    await facilitator.close();
  }
});
