// A learner's practice history (issue #15): three practice matches played from one browser show
// on the progress page (summary, trends, tactics, the match list); the recovery link opens the
// same history in another browser; the downloads hold it; deleting it empties the page and the
// server's history. Screenshots at 1280 and 390 px.

import { test } from 'node:test';
import assert from 'node:assert/strict';
import {
  useBrowser,
  openPages,
  BASE_URL,
  screenshot,
  waitPhaseAll,
  readyAll,
  collectPageErrors,
  normalise,
  download,
} from './lib.mjs';

const browser = useBrowser();

/** Joins the practice pool from the start page, in campsite, with a drill when given. */
async function practise(page, name, drill = '') {
  await page.goto(`${BASE_URL}/`);
  await page.getByTestId('practice-name').fill(name);
  await page.locator('[data-testid="practice-scenario"] option[value="campsite"]').waitFor({ state: 'attached' });
  await page.getByTestId('practice-scenario').selectOption('campsite');
  await page.getByTestId('practice-drill').selectOption(drill);
  await page.locator('[data-testid="practice-submit"]:not([disabled])').click();
}

/** Both pages vote ready in prep and small talk (the learner asks `questions` in small talk). */
async function toBargaining(me, other, questions) {
  await waitPhaseAll([me, other], 'prep');
  await readyAll([me, other]);
  await waitPhaseAll([me, other], 'small_talk');
  for (const question of questions) {
    await me.getByTestId('chat-input').fill(question);
    await me.getByTestId('chat-send').click();
    await other.getByTestId('chat-log').getByText(question).waitFor();
  }
  await readyAll([me, other]);
  await waitPhaseAll([me, other], 'bargaining');
}

/** `from` offers its best package and `to` accepts it; both skip the survey. */
async function deal(from, to) {
  await from.getByTestId('offer-fill-best').click();
  await from.locator('[data-testid="offer-send"]:not([disabled])').click();
  const accept = to.locator('[data-testid^="accept-"]').first();
  await accept.waitFor();
  await accept.click();
  await waitPhaseAll([from, to], 'survey');
  for (const p of [from, to]) await p.getByTestId('survey-skip').click();
  await waitPhaseAll([from, to], 'results');
}

test('three practice matches show on the progress page, which travels by link, exports and deletes', async () => {
  const mine = await openPages(browser, 1, { viewport: { width: 1280, height: 900 } });
  const theirs = await openPages(browser, 1, { viewport: { width: 1280, height: 900 } });
  const [me] = mine.pages;
  const [other] = theirs.pages;
  const errors = collectPageErrors({ me, other });
  try {
    // Match 1: the learner practises the "ask first" drill: its goal stays in view (hers only),
    // she asks three questions before her offer, and the results say the drill is done.
    await practise(me, 'Lea', 'ask_first');
    await practise(other, 'Pat');
    await waitPhaseAll([me, other], 'prep');
    assert.match(normalise(await me.getByTestId('drill-note').textContent()), /Your drill: Ask three questions/);
    assert.equal(await other.getByTestId('drill-note').isVisible(), false, 'the partner is not shown her drill');
    await toBargaining(me, other, [
      'Hello! What matters most to you this weekend?',
      'Why is the water so important to you?',
      'And what do you need firewood for?',
    ]);
    await screenshot(me, 'drill-bargaining-1280');
    await deal(me, other);
    const drill = me.getByTestId('results-drill');
    await drill.waitFor();
    assert.equal(await drill.getAttribute('data-met'), 'true', normalise(await drill.textContent()));
    assert.match(normalise(await drill.textContent()), /Drill done.*asked 3 questions/);
    assert.equal(await other.getByTestId('results-drill').count(), 0);
    await screenshot(me, 'drill-results-1280');
    // The results of a practice match point to the progress page.
    await me.getByTestId('results-progress').waitFor();

    // Match 2: the partner offers, the learner accepts.
    for (const p of [me, other]) await p.getByTestId('leave').click();
    await practise(me, 'Lea');
    await practise(other, 'Pat');
    await toBargaining(me, other, []);
    await deal(other, me);

    // Match 3: the learner walks away.
    for (const p of [me, other]) await p.getByTestId('leave').click();
    await practise(me, 'Lea');
    await practise(other, 'Pat');
    await toBargaining(me, other, []);
    await me.getByTestId('walk-away').click();
    await me.getByTestId('walk-away-confirm').click();
    await waitPhaseAll([me, other], 'survey');

    // The progress page, from the results' link.
    await me.goto(`${BASE_URL}/progress`);
    const rows = me.getByTestId('progress-row');
    await rows.first().waitFor();
    assert.equal(await rows.count(), 3);
    assert.deepEqual(
      await rows.evaluateAll((rs) => rs.map((r) => r.getAttribute('data-outcome'))),
      ['impasse', 'deal', 'deal'],
      'newest first',
    );
    assert.match(normalise(await me.getByTestId('stat-matches').textContent()), /^3 matches played/);
    assert.match(normalise(await me.getByTestId('stat-deals').textContent()), /^2 of 3 ended in a deal/);
    const asked = Number(await me.getByTestId('tactic-elicit-pref').locator('.n').textContent());
    assert.ok(asked >= 3, `the learner's questions count as asking their priorities (${asked})`);
    assert.equal(await me.locator('[data-testid="trend-efficiency"] circle').count(), 3, 'one point per match');
    assert.equal(await me.locator('[data-testid="trend-joint"] circle').count(), 3, 'joint value too');
    assert.match(normalise(await me.getByTestId('drill-ask_first').textContent()), /1 done in 1 try/);
    assert.match(normalise(await me.getByTestId('drill-find_a_trade').textContent()), /not tried yet/);
    await screenshot(me, 'progress-1280');
    await me.setViewportSize({ width: 390, height: 844 });
    const overflow = await me.evaluate(() => document.documentElement.scrollWidth - window.innerWidth);
    await screenshot(me, 'progress-390');
    assert.ok(overflow <= 1, `no sideways scrolling at 390 px (overflow ${overflow}px)`);
    await me.setViewportSize({ width: 1280, height: 900 });

    // The partner's browser has its own history, not the learner's.
    await other.goto(`${BASE_URL}/progress`);
    await other.getByTestId('progress-row').first().waitFor();
    assert.equal(await other.getByTestId('progress-row').count(), 3);
    // (Pat never chatted: the page says so instead of drawing empty bars.)
    await other.getByTestId('progress-tactics').getByText('You have not chatted in a practice match yet.').waitFor();

    // The recovery link opens the same history in a fresh browser, and leaves the address bar.
    const link = await me.getByTestId('progress-recovery').inputValue();
    assert.match(link, /\/progress#key=[0-9a-f]{32}$/);
    const elsewhere = await openPages(browser, 1, { viewport: { width: 390, height: 844 } });
    const [phone] = elsewhere.pages;
    await phone.goto(link);
    await phone.getByTestId('progress-row').first().waitFor();
    assert.equal(await phone.getByTestId('progress-row').count(), 3);
    assert.ok(!phone.url().includes('key='), `the key left the address: ${phone.url()}`);
    await elsewhere.close();

    // Downloads: the CSV has a header and three matches; the JSON holds the same three.
    const csv = (await download(me, 'progress-export-csv')).text.trim().split('\n');
    assert.equal(csv.length, 4, csv.join('\n'));
    assert.ok(csv[0].startsWith('match_id,at,at_iso,scenario,role,against_bot,outcome,points'), csv[0]);
    const json = JSON.parse((await download(me, 'progress-export-json')).text);
    assert.equal(json.matches.length, 3);
    assert.ok(!JSON.stringify(json).includes(link.split('key=')[1]), 'the export does not carry the key');

    // Deleting: confirmed, the page is empty, and the server's history too.
    const key = link.split('key=')[1];
    me.once('dialog', (d) => d.accept());
    await me.getByTestId('progress-delete').click();
    await me.getByTestId('progress-empty').waitFor();
    assert.match(normalise(await me.getByTestId('progress-status').textContent()), /deleted/);
    const after = await (await fetch(`${BASE_URL}/api/practice/history`, { headers: { 'x-practice-key': key } })).json();
    assert.equal(after.matches.length, 0);
    assert.equal(await me.evaluate(() => localStorage.getItem('parley.practiceKey')), null, 'the browser forgot the key');
    await screenshot(me, 'progress-deleted-1280');
    assert.deepEqual(errors, []);
  } finally {
    await mine.close();
    await theirs.close();
  }
});
