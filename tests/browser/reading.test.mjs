// Reading people (issue #11) in real Chromium: a coaching nudge shown to one player only, the
// results' tactic profile and the conversation with its tactics, and the facilitator's debrief
// with the class's tactics and a transcript with tags and the nudge. Screenshots at 1280 and
// 390 px go to screenshots/.

import { test } from 'node:test';
import assert from 'node:assert/strict';
import {
  useBrowser,
  openPages,
  createSession,
  collectPageErrors,
  recordFrames,
  lastState,
  screenshot,
  waitPhaseAll,
  joinAll,
  openConsole,
  normalise,
} from './lib.mjs';

const browser = useBrowser();

async function say(from, to, text) {
  await from.getByTestId('chat-input').fill(text);
  await from.getByTestId('chat-send').click();
  await to.getByTestId('chat-log').getByText(text, { exact: true }).waitFor();
}

test('a coaching nudge reaches one player; results and the debrief show the tactics', async () => {
  const session = await createSession({
    scenario: 'campsite',
    durations: { prep: 0, small_talk: 0, bargaining: 600, survey: 0 },
    coaching: true,
  });
  const { pages, close } = await openPages(browser, 2, { viewport: { width: 390, height: 844 } });
  const [ana, ben] = pages;
  const fac = await (await browser.newContext({ viewport: { width: 1280, height: 900 } })).newPage();
  const framesA = recordFrames(ana);
  const errors = collectPageErrors({ ana, ben, fac });
  try {
    await joinAll(pages, session.code, ['Ana', 'Ben']);
    await waitPhaseAll(pages, 'bargaining');
    // Four lines from Ana without a question about what matters to Ben.
    for (const t of ['We packed light this time.', 'The trail was long.', 'Our tent is small.', 'We got here late.']) {
      await say(ana, ben, t);
    }
    const note = ana.getByTestId('coach-note');
    await note.waitFor();
    assert.match(normalise(await ana.getByTestId('coach-text').textContent()), /what matters most to them/);
    assert.equal(await ben.getByTestId('coach-note').isVisible(), false, 'the nudge is Ana\'s alone');
    await screenshot(ana, 'reading-390-coach-note');
    // Ana takes the advice; Ben answers; a deal.
    await say(ana, ben, 'What matters most to you on this trip?');
    await say(ben, ana, 'Water, we have a long hike in the heat. What about you?');
    const st = lastState(framesA);
    for (const issue of st.scenario.issues) {
      await ana.getByTestId(`offer-issue-${issue.id}`).selectOption('1');
    }
    await ana.getByTestId('offer-send').click();
    await ben.locator('[data-testid^="accept-"]').first().click();
    await waitPhaseAll(pages, 'results');
    // Results: the tactic profile in words, and the conversation with its tags.
    const profile = ana.getByTestId('results-profile');
    await profile.waitFor();
    assert.match(normalise(await profile.textContent()), /You asked about their priorities once/);
    await ana.getByTestId('results-transcript').locator('summary').click();
    const question = ana.getByTestId('transcript-line').filter({ hasText: 'What matters most to you' });
    await question.locator('[data-tactic="elicit-pref"]').waitFor();
    await screenshot(ana, 'reading-390-results');
    const { scroll, client } = await ana.evaluate(() => ({
      scroll: document.documentElement.scrollWidth,
      client: document.documentElement.clientWidth,
    }));
    assert.ok(scroll <= client, `results scroll sideways on a phone: ${scroll} > ${client}`);

    // The facilitator's debrief: the class's tactics, and a transcript with tags and the nudge.
    await openConsole(fac, session);
    await fac.getByTestId('tab-debrief').click();
    await fac.locator('[data-testid="tactic-row"][data-tactic="elicit-pref"]').waitFor();
    await fac.locator('[data-testid="debrief-row"]').first().click();
    await fac.locator('[data-testid="tl-coached"]').waitFor();
    await fac.locator('[data-testid="tl-chat"] [data-tactic="elicit-pref"]').first().waitFor();
    await screenshot(fac, 'reading-1280-debrief');
    assert.deepEqual(errors, []);
  } finally {
    await close();
    await fac.context().close();
  }
});
