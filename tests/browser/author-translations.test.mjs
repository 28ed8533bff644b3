// The scenario editor's language switch in real Chromium: a bundled scenario opened under a new
// id, its German texts shown beside the English ones, a German text cleared (counted and listed
// as missing), one option label left out (the server's error at that label), the German title
// and role names edited and saved; after a reload the editor shows the edited German (and, with
// the page in Spanish, says so in Spanish), the file on the server holds it, and two players
// whose browsers speak German read it in their match.
// Screenshots of the editor at 1280 and 390 px and of a German player's page.

import { test } from 'node:test';
import assert from 'node:assert/strict';
import {
  useBrowser,
  openPages,
  collectPageErrors,
  createSession,
  FIVE_MINUTES,
  screenshot,
  joinAll,
  waitPhaseAll,
  normalise,
  readScenario,
  axeScan,
  formatViolations,
  BASE_URL,
} from './lib.mjs';

const browser = useBrowser();

/** The editor's draft of a scenario as the server has it now. */
async function serverDraft(id) {
  const res = await fetch(`${BASE_URL}/api/author/scenarios/${encodeURIComponent(id)}`);
  assert.equal(res.status, 200, `GET /api/author/scenarios/${id}`);
  return (await res.json()).draft;
}

/** Opens a scenario of the server in the editor. */
async function openInEditor(page, id) {
  await page.locator(`[data-testid="open-select"] option[value="${id}"]`).waitFor({ state: 'attached' });
  await page.getByTestId('open-select').selectOption(id);
  await page.getByTestId('open').click();
  await page.locator('[data-testid="an-status"].ok').waitFor();
}

test('a German translation is edited in the editor, saved, reloaded and read by German players', async () => {
  const { pages: [ed], close: closeEditor } = await openPages(browser, 1, { viewport: { width: 1280, height: 900 }, locale: 'en-GB' });
  const errors = collectPageErrors({ editor: ed });
  const id = `lease-de-${Date.now().toString(36)}`;
  const de = (rest) => `field-translations.de.${rest}`;
  const title = 'Mietverlängerung: alles neu verhandelt';
  const names = { owner: 'Vermieterin Dimitra', tenant: 'Mieter Rahul' };
  try {
    await ed.goto(`${BASE_URL}/author`);
    await openInEditor(ed, 'lease-renewal');
    // A copy under a new id, so the bundled file stays as it is.
    await ed.getByTestId('field-id').fill(id);
    await ed.locator('[data-testid="an-status"].ok').waitFor();

    // German: every text of the bundled scenario is there, each beside its English original.
    assert.match(normalise(await ed.getByTestId('text-language').textContent()), /English \(the scenario’s language\)/);
    await ed.getByTestId('text-language-select').selectOption('de');
    await ed.locator('[data-testid="tr-missing"].complete').waitFor();
    assert.equal(normalise(await ed.getByTestId('tr-missing').textContent()), 'Every text is in German.');
    assert.equal(await ed.getByTestId(de('title')).inputValue(), 'Mietverlängerung in der Rathdowne Street');
    assert.match(normalise(await ed.getByTestId('source-translations.de.title').textContent()), /^Original \(English\)Renewing the lease on Rathdowne Street$/);
    assert.equal(await ed.getByTestId(de('issues.kitchen.options[0]')).inputValue(), 'Diesen Winter');
    assert.match(normalise(await ed.getByTestId('source-translations.de.issues.kitchen.options[0]').textContent()), /This winter$/);
    assert.equal(await ed.getByTestId('field-roles[0].batna').count(), 0, 'points and walk-away values are not part of a translation');
    const { violations } = await axeScan(ed);
    assert.deepEqual(violations, [], `the translation form meets WCAG 2.1 AA:\n${formatViolations(violations)}`);

    // A text cleared falls back to English: it is counted and listed, and its link goes to it.
    await ed.getByTestId(de('summary')).fill('');
    await ed.locator('[data-testid="tr-missing"][data-count="1"]').waitFor();
    assert.equal(normalise(await ed.getByTestId('tr-missing').textContent()), '1 text not yet in German');
    await ed.getByTestId('tr-missing-list').locator('summary').click();
    await ed.getByTestId('tr-missing-list').getByRole('button', { name: 'Public summary' }).click();
    assert.equal(await ed.evaluate(() => document.activeElement && document.activeElement.getAttribute('data-field')), 'translations.de.summary');
    await ed.getByTestId(de('roles.owner.brief')).fill('');
    await ed.locator('[data-testid="tr-missing"][data-count="2"]').waitFor();
    assert.match(normalise(await ed.getByTestId('tr-missing-list').textContent()), /Brief of Owner/);

    // One option label left out: the server refuses the partial list at that label (a stable
    // code), the analysis waits, and saving is not offered until it is filled in again.
    await ed.getByTestId(de('issues.kitchen.options[1]')).fill('');
    const labelError = ed.locator('[data-testid="field-error"][data-for="translations.de.issues.kitchen.options[1]"]');
    await labelError.waitFor();
    assert.match(normalise(await labelError.textContent()), /translate every label of the issue, or none/);
    await ed.locator('[data-testid="an-status"].blocked').waitFor();
    assert.equal(await ed.getByTestId('save').isDisabled(), true);
    await screenshot(ed, 'author-translations-1280');
    await ed.setViewportSize({ width: 390, height: 844 });
    await ed.getByTestId(de('issues.kitchen.options[1]')).scrollIntoViewIfNeeded();
    const overflow = await ed.evaluate(() => document.documentElement.scrollWidth - window.innerWidth);
    // What sticks out, if anything (the innermost elements wider than the window).
    const wide = await ed.evaluate(() =>
      [...document.querySelectorAll('body *')]
        .filter((el) => el.getBoundingClientRect().right + window.scrollX > window.innerWidth + 1)
        .slice(0, 5)
        .map((el) => `${el.tagName}.${el.className} ${el.getAttribute('data-testid') || ''}`),
    );
    await screenshot(ed, 'author-translations-390');
    assert.ok(overflow <= 1, `no horizontal scrolling at 390 px (overflow ${overflow}px): ${wide.join(', ')}`);
    await ed.setViewportSize({ width: 1280, height: 900 });
    await ed.getByTestId(de('issues.kitchen.options[1]')).fill('Nächstes Jahr');
    await ed.locator('[data-testid="an-status"].ok').waitFor();
    assert.equal(await ed.locator('[data-testid="field-error"]').count(), 0, 'the error is gone once the label is back');

    // The edits: a new German title and role names.
    await ed.getByTestId(de('title')).fill(title);
    await ed.getByTestId(de('roles.owner.name')).fill(names.owner);
    await ed.getByTestId(de('roles.tenant.name')).fill(names.tenant);
    await ed.locator('[data-testid="an-status"].ok').waitFor();
    await ed.getByTestId('save').click();
    await ed.getByTestId('save-done').waitFor();
    assert.match(normalise(await ed.getByTestId('toolbar-status').textContent()), new RegExp(`Saved as ${id}\\.toml`));

    // The server's file: the edits, the cleared texts left out (they fall back), the rest kept.
    const saved = await serverDraft(id);
    const german = saved.translations.de;
    assert.equal(german.title, title);
    assert.deepEqual([german.roles.owner.name, german.roles.tenant.name], [names.owner, names.tenant]);
    assert.equal(german.summary, undefined, 'the cleared summary is not in the file');
    assert.equal(german.roles.owner.brief, undefined, 'the cleared brief is not in the file');
    assert.ok(german.roles.tenant.brief.startsWith('Du bist Rahul Mehta'), 'the untouched brief is kept');
    assert.equal(german.issues.kitchen.options[1], 'Nächstes Jahr');
    assert.equal(saved.translations.es.title, 'Renovar el alquiler en Rathdowne Street', 'the Spanish table is kept as it was');

    // A reload: the editor shows the saved German.
    await ed.reload();
    await openInEditor(ed, id);
    await ed.getByTestId('text-language-select').selectOption('de');
    assert.equal(await ed.getByTestId(de('title')).inputValue(), title);
    assert.equal(await ed.getByTestId(de('roles.tenant.name')).inputValue(), names.tenant);
    await ed.locator('[data-testid="tr-missing"][data-count="2"]').waitFor();
    // The editor in Spanish: the switch and the count speak Spanish and name German in Spanish.
    await ed.getByTestId('language-picker').selectOption('es');
    await ed.locator('[data-testid="tr-missing"]:text-is("2 textos aún sin traducir al alemán")').waitFor();
    assert.equal(normalise(await ed.locator('#text-lang option:checked').textContent()), 'Alemán');
    assert.equal(await ed.getByTestId(de('title')).inputValue(), title, 'the draft is kept');
    await screenshot(ed, 'author-translations-es-1280');
    await ed.getByTestId('language-picker').selectOption('en');
    assert.deepEqual(errors, [], 'no JavaScript errors in the editor');
  } finally {
    await closeEditor();
  }

  // Two players whose browsers speak German read the edited texts; the cleared brief falls back
  // to the English one.
  const lease = readScenario('lease-renewal');
  const session = await createSession({ scenario: id, title: 'Übersetzt', durations: FIVE_MINUTES });
  const { pages, close } = await openPages(browser, 2, { viewport: { width: 390, height: 844 }, locale: 'de-DE' });
  const pageErrors = collectPageErrors(pages);
  try {
    await joinAll(pages, session.code, ['Anna', 'Bernd']);
    await waitPhaseAll(pages, 'prep');
    const seen = [];
    for (const page of pages) {
      await page.getByTestId('brief-private').waitFor();
      assert.equal(normalise(await page.getByTestId('match-title').textContent()), title);
      const role = normalise(await page.getByTestId('my-role').textContent());
      seen.push(role);
      const brief = normalise(await page.getByTestId('brief-private').textContent());
      if (role === names.owner) {
        const english = lease.roles.find((r) => r.id === 'owner').brief;
        assert.ok(brief.startsWith(normalise(english).slice(0, 60)), 'the cleared German brief falls back to English');
      } else {
        assert.ok(brief.startsWith('Du bist Rahul Mehta'), `the tenant reads the German brief: ${brief.slice(0, 60)}`);
      }
    }
    assert.deepEqual(seen.sort(), Object.values(names).sort(), 'each player reads the edited German role name');
    await screenshot(pages[0], 'author-translations-player-de');
    assert.deepEqual(pageErrors, []);
  } finally {
    await close();
  }
});
