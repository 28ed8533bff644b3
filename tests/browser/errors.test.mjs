// Refusals shown as sentences near their control, a stale token, an unknown code, and the
// practice pool.

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
  joinAll,
  BASE_URL,
  normalise,
  readyAll,
} from './lib.mjs';

const browser = useBrowser();

test('an unknown join code is explained under the join form', async () => {
  const { pages: [page], close } = await openPages(browser, 1);
  try {
    await page.goto(`${BASE_URL}/?code=ZZZZZ9`);
    await page.getByTestId('join-name').fill('Ana');
    await page.locator('[data-testid="join-submit"]:not([disabled])').click();
    const err = page.locator('[data-testid="error"][data-error-for="join"]');
    await err.waitFor();
    assert.match(await err.textContent(), /no session with that code/i);
    assert.equal(await page.getByTestId('screen-join').isVisible(), true);
  } finally {
    await close();
  }
});

test('a stale token sends the player back to the join form', async () => {
  const { pages: [page], close } = await openPages(browser, 1);
  try {
    await page.goto(`${BASE_URL}/`);
    // Tokens are kept per join code in localStorage (issue #10: closing the tab keeps the seat).
    await page.evaluate(() => {
      localStorage.setItem('parley.tokens', JSON.stringify({ ZZZZZ9: '00000000000000000000000000000000' }));
      localStorage.setItem('parley.lastCode', 'ZZZZZ9');
    });
    await page.reload();
    await page.getByTestId('screen-join').waitFor();
    const err = page.locator('[data-testid="error"][data-error-for="join"]');
    await err.waitFor();
    assert.match(await err.textContent(), /join again/i);
    assert.equal(
      await page.evaluate(() => JSON.parse(localStorage.getItem('parley.tokens') || '{}').ZZZZZ9),
      undefined,
      'the stale token is cleared',
    );
    // The join form works on the same page afterwards.
    const session = await createSession({ scenario: 'campsite' });
    await page.getByTestId('join-code').fill(session.code);
    await page.getByTestId('join-name').fill('Ana');
    await page.locator('[data-testid="join-submit"]:not([disabled])').click();
    await page.getByTestId('screen-waiting').waitFor();
  } finally {
    await close();
  }
});

test('chat refused by the server (too fast) is explained under the chat box, text kept', async () => {
  const session = await createSession({ scenario: 'campsite', durations: FIVE_MINUTES });
  const { pages, close } = await openPages(browser, 2);
  const [pageA, pageB] = pages;
  try {
    await joinAll(pages, session.code, ['Ana', 'Ben']);
    // Chat opens with small talk (preparation is for reading).
    await readyAll(pages.slice(0, 1));
    await waitPhase(pageB, 'prep');
    await readyAll(pages.slice(1));
    await waitPhase(pageA, 'small_talk');
    const input = pageA.getByTestId('chat-input');
    const err = pageA.locator('[data-testid="error"][data-error-for="chat"]');
    for (let i = 1; i <= 12 && !(await err.isVisible()); i += 1) {
      await input.fill(`message ${i}`);
      await input.press('Enter');
      // Wait for this message's fate (shown in the log, or refused) before typing the next one: a
      // refusal arriving while the next is being typed raced with the typing.
      await pageA.waitForFunction((n) => {
        const e = document.querySelector('[data-testid="error"][data-error-for="chat"]');
        if (e && !e.hidden && e.textContent) return true;
        const log = document.querySelector('[data-testid="chat-log"]');
        return [...(log ? log.querySelectorAll('*') : [])].some((el) => el.textContent === `message ${n}`);
      }, i);
    }
    await err.waitFor();
    assert.match(normalise(await err.textContent()), /very fast/);
    assert.match(await input.inputValue(), /^message \d+$/, 'the refused message is back in the box');
    await screenshot(pageA, '11-chat-rate-limited');
    // The next message after a pause goes through and clears the error.
    await pageA.waitForTimeout(2500);
    await input.fill('after a pause');
    await input.press('Enter');
    await pageB.getByTestId('chat-log').getByText('after a pause').waitFor();
    await err.waitFor({ state: 'hidden' });
  } finally {
    await close();
  }
});

test('two players in the practice pool are paired into the scenario they picked', async () => {
  const { pages, close } = await openPages(browser, 2);
  const [pageA, pageB] = pages;
  try {
    for (const [page, name] of [
      [pageA, 'Pia'],
      [pageB, 'Quin'],
    ]) {
      await page.goto(`${BASE_URL}/`);
      await page.getByTestId('practice-name').fill(name);
      // The scenario list comes from GET /api/scenarios.
      await page.locator('[data-testid="practice-scenario"] option[value="campsite"]').waitFor({ state: 'attached' });
      await page.getByTestId('practice-scenario').selectOption('campsite');
      await page.locator('[data-testid="practice-submit"]:not([disabled])').click();
      if (page === pageA) {
        await pageA.getByTestId('screen-waiting').waitFor();
        assert.ok(normalise(await pageA.getByTestId('waiting-message').textContent()).length > 0);
        await screenshot(pageA, '00-waiting');
      }
    }
    await waitPhaseAll(pages, 'prep');
    assert.match(await pageA.getByTestId('match-title').textContent(), /Silverpine/);
  } finally {
    await close();
  }
});
