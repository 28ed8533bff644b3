// A counterpart who stays away past the grace period, told on a Spanish and a German page in the
// page's language: the server's dropout frame carries data (seat, policy, since when) and the page
// words it (its `message` is only the English form).

import { test } from 'node:test';
import assert from 'node:assert/strict';
import { useBrowser, openPages, createSession, FIVE_MINUTES, screenshot, readyIntoBargaining, joinAll } from './lib.mjs';

const { newContext } = useBrowser();
const browser = { newContext };

for (const [locale, expected] of [
  ['es-ES', /Beto perdió la conexión hace .+\. La partida le espera; la persona que modera puede terminarla\./],
  ['de-DE', /Beto hat vor .+ die Verbindung verloren\. Die Partie wartet; die Moderation kann sie beenden\./],
]) {
  test(`a counterpart gone past the grace period is told in ${locale}`, async () => {
    const session = await createSession({
      scenario: 'campsite',
      durations: FIVE_MINUTES,
      small_talk: 'none',
      dropout: 'wait',
      grace_seconds: 1,
    });
    const { pages, close } = await openPages(browser, 2, { viewport: { width: 390, height: 844 }, locale });
    try {
      await joinAll(pages, session.code, ['Ana', 'Beto']);
      await readyIntoBargaining(pages, ['prep']);
      await pages[1].context().close();
      const presence = pages[0].getByTestId('presence');
      await presence.filter({ hasText: expected }).waitFor({ timeout: 15000 });
      const text = await presence.textContent();
      assert.doesNotMatch(text ?? '', /lost their connection|The match waits/, 'no English left');
      await screenshot(pages[0], `dropout-${locale}-390`);
      await pages[0].setViewportSize({ width: 1280, height: 900 });
      await screenshot(pages[0], `dropout-${locale}-1280`);
    } finally {
      await close().catch(() => {});
    }
  });
}
