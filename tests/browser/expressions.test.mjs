// Expressions on chat lines (pleased, concerned, frustrated, surprised, neutral): one player picks
// one in the chat box, the other page shows it in words beside the line; and the practice bot
// offer lets a learner choose how hard the bot is.

import { test } from 'node:test';
import assert from 'node:assert/strict';
import { useBrowser, openPages, collectPageErrors, createSession, FIVE_MINUTES, joinAll, waitPhase, waitPhaseAll, screenshot, BASE_URL } from './lib.mjs';

const browser = useBrowser();

test('a chat line carries the expression its writer picked, shown in words on the other page', async () => {
  const session = await createSession({ scenario: 'campsite', title: 'Expressions', durations: FIVE_MINUTES });
  const { pages, close } = await openPages(browser, 2, { viewport: { width: 1280, height: 900 } });
  const [ana, ben] = pages;
  const pageErrors = collectPageErrors(pages);
  try {
    await joinAll(pages, session.code, ['Ana', 'Ben']);
    await waitPhaseAll(pages, 'prep');
    for (const p of pages) await p.locator('[data-testid="ready"]:not([disabled])').click();
    await waitPhaseAll(pages, 'small_talk');

    // The picker is a labelled select with words, not only symbols.
    const picker = ana.getByTestId('chat-expression');
    assert.equal(await picker.evaluate((el) => el.labels && el.labels[0] && el.labels[0].textContent), 'I feel');
    const options = await picker.locator('option').allTextContents();
    assert.deepEqual(options, ['No expression', 'Neutral', 'Pleased', 'Concerned', 'Frustrated', 'Surprised']);

    await picker.selectOption('surprised');
    await ana.getByTestId('chat-input').fill('A lake with otters? I did not expect that!');
    await ana.getByTestId('chat-input').press('Enter');
    const shown = ben.locator('[data-testid="chat-log"] .chat-line.theirs [data-testid="chat-expression-shown"]');
    await shown.waitFor();
    assert.equal(await shown.textContent(), 'Surprised');
    assert.equal(await shown.getAttribute('data-expression'), 'surprised');
    // The picker goes back to none after a line: an expression belongs to one line.
    assert.equal(await picker.inputValue(), '');

    // A line without an expression shows none.
    await ben.getByTestId('chat-input').fill('Ha, there are two of them.');
    await ben.getByTestId('chat-input').press('Enter');
    const plain = ana.locator('[data-testid="chat-log"] .chat-line.theirs').last();
    await plain.getByText('Ha, there are two of them.').waitFor();
    assert.equal(await plain.locator('[data-testid="chat-expression-shown"]').count(), 0);
    // Untrusted text stays text, expression or not.
    await ben.getByTestId('chat-expression').selectOption('frustrated');
    await ben.getByTestId('chat-input').fill('<b>not bold</b>');
    await ben.getByTestId('chat-input').press('Enter');
    await ana.locator('.chat-line.theirs .chat-text', { hasText: '<b>not bold</b>' }).waitFor();
    assert.equal(await ana.locator('.chat-line b').count(), 0);

    await screenshot(ben, 'expressions-1280');
    await ben.setViewportSize({ width: 390, height: 844 });
    await screenshot(ben, 'expressions-390');
    const overflow = await ben.evaluate(() => document.documentElement.scrollWidth - window.innerWidth);
    assert.ok(overflow <= 0, `no sideways scrolling at 390 px (${overflow} px)`);
    assert.deepEqual(pageErrors, []);
  } finally {
    await close();
  }
});

test('the practice bot offer lets the learner choose how hard the bot is', async () => {
  const { pages, close } = await openPages(browser, 1, { viewport: { width: 390, height: 844 } });
  const [solo] = pages;
  const pageErrors = collectPageErrors(pages);
  try {
    await solo.goto(`${BASE_URL}/`);
    await solo.getByTestId('practice-name').fill('Learner');
    await solo.locator('[data-testid="practice-scenario"] option[value="job-offer"]').waitFor({ state: 'attached' });
    await solo.getByTestId('practice-scenario').selectOption('job-offer');
    await solo.locator('[data-testid="practice-submit"]:not([disabled])').click();
    await solo.getByTestId('bot-offer').waitFor();
    const level = solo.getByTestId('bot-level');
    assert.equal(await level.inputValue(), 'realistic', 'realistic unless the learner chooses');
    await level.selectOption('tough');
    await screenshot(solo, 'expressions-390-bot-level');
    await solo.getByTestId('play-bot').click();
    await waitPhase(solo, 'prep');
    const names = await solo.getByTestId('players').textContent();
    assert.match(names, /\(bot\)/, `the counterpart is a bot and says so: ${names}`);
    assert.deepEqual(pageErrors, []);
  } finally {
    await close();
  }
});
