// The scenario editor (/author) in real Chromium: a small case written from scratch (two roles,
// three issues), the live analysis following the typing, inline errors at their fields and fixed,
// export of the canonical TOML, a save, a session with it from the facilitator console, and two
// players playing it to the results. Screenshots of the editor at 1280 and 390 px.

import { test } from 'node:test';
import assert from 'node:assert/strict';
import {
  useBrowser,
  openPages,
  collectPageErrors,
  screenshot,
  download,
  joinAll,
  readyIntoBargaining,
  waitPhaseAll,
  submitSetup,
  normalise,
  BASE_URL,
} from './lib.mjs';

const browser = useBrowser();

/** Waits until the analysis panel says the draft is valid and shows `maxJoint`. */
async function analysed(page, maxJoint) {
  await page.locator('[data-testid="an-status"].ok').waitFor();
  await page.locator(`[data-testid="an-max-joint"]:text-is("${maxJoint}")`).waitFor();
}

/** Types a whole row of points into issue k's grid for role r. */
async function fillRow(page, k, r, values) {
  for (let j = 0; j < values.length; j += 1) await page.getByTestId(`cell-${k}-${r}-${j}`).fill(String(values[j]));
}

test('a case written from scratch is analysed live, saved, set up and played to results', async () => {
  const { pages: [ed], close: closeEditor } = await openPages(browser, 1, { viewport: { width: 1280, height: 900 } });
  const errors = collectPageErrors({ editor: ed });
  const id = `orchard-${Date.now().toString(36)}`;
  try {
    await ed.goto(`${BASE_URL}/author`);
    // A new draft is not a scenario yet: the first problem is shown at its field.
    await ed.locator('[data-testid="an-status"].blocked').waitFor();
    await ed.locator('[data-testid="field-error"][data-for="id"]').waitFor();

    await ed.getByTestId('field-title').fill('Orchard lease');
    assert.equal(await ed.getByTestId('field-id').inputValue(), 'orchard-lease', 'the id follows the title');
    await ed.getByTestId('field-id').fill(id);
    await ed.getByTestId('field-summary').fill('A grower rents an orchard to a cider maker.\n\nThey meet in the barn to agree the lease.');
    await ed.getByTestId('field-icebreakers').fill('What is your favourite apple?\nWhere did you grow up?');
    for (const k of ['prep', 'small_talk', 'bargaining', 'survey']) await ed.getByTestId(`field-phases.${k}`).fill('300');

    await ed.getByTestId('field-roles[0].name').fill('Grower');
    await ed.getByTestId('field-roles[0].batna').fill('10');
    await ed.getByTestId('field-roles[0].brief').fill('You own the orchard. Your walk-away value is 10 points.');
    await ed.getByTestId('field-roles[1].name').fill('Cider maker');
    await ed.getByTestId('field-roles[1].batna').fill('8');
    assert.equal(await ed.getByTestId('field-roles[1].id').inputValue(), 'cider-maker');
    // The second brief is still empty: the server's error names roles[1].brief, shown at that input.
    const briefError = ed.locator('[data-testid="field-error"][data-for="roles[1].brief"]');
    await briefError.waitFor();
    assert.match(normalise(await briefError.textContent()), /has no brief/);
    assert.equal(await ed.getByTestId('field-roles[1].brief').getAttribute('aria-invalid'), 'true');
    await ed.getByTestId('field-roles[1].brief').fill('You make cider. Your walk-away value is 8 points.');

    // Issue 1: rent, a pure split over three options.
    await ed.getByTestId('field-issues[0].name').fill('Rent');
    await ed.getByTestId('add-option-0').click();
    for (const [j, label] of ['£900', '£1,000', '£1,100'].entries()) await ed.getByTestId(`field-issues[0].options[${j}]`).fill(label);
    await fillRow(ed, 0, 0, [0, 10, 20]);
    await fillRow(ed, 0, 1, [20, 10, 0]);
    await analysed(ed, '20');
    assert.match(normalise(await ed.getByTestId('an-issue-rent').textContent()), /Distributive/);
    assert.ok(await ed.locator('[data-testid="an-warning"][data-code="no_integrative_potential"]').count(), 'a pure split is flagged');

    // A cell that is not a whole number: the error is at the grid, and the analysis waits.
    await ed.getByTestId('cell-0-1-2').fill('2.5');
    await ed.locator('[data-testid="field-error"][data-for="issues[0].points[1][2]"]').waitFor();
    await ed.locator('[data-testid="an-status"].blocked').waitFor();
    await ed.getByTestId('cell-0-1-2').fill('0');
    await analysed(ed, '20');
    assert.equal(await ed.locator('[data-testid="field-error"]').count(), 0, 'every error is gone once fixed');

    // Issue 2: harvest help, worth more to the grower than it costs the cider maker.
    await ed.getByTestId('add-issue').click();
    await ed.getByTestId('field-issues[1].name').fill('Harvest help');
    await ed.getByTestId('field-issues[1].options[0]').fill('None');
    await ed.getByTestId('field-issues[1].options[1]').fill('Weekends');
    await fillRow(ed, 1, 0, [0, 12]);
    await fillRow(ed, 1, 1, [6, 0]);
    await analysed(ed, '32');
    // Issue 3: lease length, which both want long.
    await ed.getByTestId('add-issue').click();
    await ed.getByTestId('field-issues[2].name').fill('Lease length');
    await ed.getByTestId('field-issues[2].options[0]').fill('1 year');
    await ed.getByTestId('field-issues[2].options[1]').fill('3 years');
    await fillRow(ed, 2, 0, [0, 8]);
    await fillRow(ed, 2, 1, [0, 8]);
    await analysed(ed, '48');
    assert.match(normalise(await ed.getByTestId('an-issue-harvest-help').textContent()), /Integrative/);
    assert.match(normalise(await ed.getByTestId('an-issue-lease-length').textContent()), /Compatible/);
    // No warning of a case that teaches badly; only the missing teaching notes are listed.
    await ed.locator('[data-testid="an-teaching-warning"]').first().waitFor();
    assert.equal(await ed.locator('[data-testid="an-warning"]').count(), 0);
    // Naive split: rent in the middle (10, 10), halfway on help (6, 3) and length (4, 4): 37 of 48.
    assert.equal(await ed.getByTestId('an-naive-joint').textContent(), '37');
    assert.match(normalise(await ed.getByTestId('an-left').textContent()), /^11 \(23 %\)$/);
    // Nash: (20, 28) and (30, 18) both give a surplus product of 200; the first on the frontier wins.
    assert.match(normalise(await ed.getByTestId('an-nash').textContent()), /Rent: £900; Harvest help: Weekends; Lease length: 3 years/);
    await ed.locator('[data-testid="analysis"] [data-testid="frontier-chart"] [data-testid="chart-nash"]').waitFor();

    await ed.getByTestId('teaching-toggle').check();
    await ed.getByTestId('field-teaching.goals').fill('Find the trade on harvest help.');
    await analysed(ed, '48');
    await ed.locator('[data-testid="an-teaching-warning"]:has-text("research")').waitFor();

    await screenshot(ed, 'author-1280');
    await ed.setViewportSize({ width: 390, height: 844 });
    const overflow = await ed.evaluate(() => document.documentElement.scrollWidth - window.innerWidth);
    await screenshot(ed, 'author-390');
    assert.ok(overflow <= 1, `no horizontal scrolling at 390 px (overflow ${overflow}px)`);
    await ed.setViewportSize({ width: 1280, height: 900 });

    // Export: the canonical file the server writes.
    const file = await download(ed, 'export');
    assert.equal(file.name, `${id}.toml`);
    assert.ok(file.text.startsWith('# Parley scenario, written by the scenario editor'), file.text.slice(0, 100));
    assert.ok(file.text.includes(`id = "${id}"`) && file.text.includes('[issues.points]'), file.text);

    // Save, then start a session with it from the console's set-up.
    await ed.getByTestId('save').click();
    await ed.getByTestId('save-done').waitFor();
    assert.match(normalise(await ed.getByTestId('toolbar-status').textContent()), new RegExp(`Saved as ${id}\\.toml`));
    await ed.getByTestId('start-session').click();
    await ed.waitForURL(/\/facilitate\?scenario=/);
    await ed.locator(`[data-testid="setup-scenario"] option[value="${id}"]`).waitFor({ state: 'attached' });
    assert.equal(await ed.getByTestId('setup-scenario').inputValue(), id, 'the saved scenario is chosen in the set-up');
    assert.equal(await ed.getByTestId('setup-duration-bargaining').inputValue(), '5', 'its durations fill the form');
    const { answer } = await submitSetup(ed);

    // Two players play it to the results: the deal that creates the most value.
    const { pages, close } = await openPages(browser, 2, { viewport: { width: 1280, height: 900 } });
    collectPageErrors({ A: pages[0], B: pages[1] }, errors);
    try {
      await joinAll(pages, answer.code, ['Ana', 'Ben']);
      await readyIntoBargaining(pages, ['prep', 'small_talk']);
      const [a, b] = pages;
      for (const [issue, option] of [['rent', 1], ['harvest-help', 1], ['lease-length', 1]]) {
        await a.getByTestId(`offer-issue-${issue}`).selectOption(String(option));
      }
      await a.getByTestId('offer-send').click();
      const accept = b.locator('[data-testid^="accept-"]').first();
      await accept.waitFor();
      await accept.click();
      await waitPhaseAll(pages, 'survey');
      for (const p of pages) await p.getByTestId('survey-skip').click();
      await waitPhaseAll(pages, 'results');
      for (const p of pages) assert.equal(await p.getByTestId('results-joint').getAttribute('data-value'), '48');
    } finally {
      await close();
    }
    assert.deepEqual(errors, []);
  } finally {
    await closeEditor();
  }
});

test('a bundled scenario opens in the editor and is replaced only when asked', async () => {
  const { pages: [ed], close } = await openPages(browser, 1, { viewport: { width: 1280, height: 900 } });
  const errors = collectPageErrors({ editor: ed });
  try {
    await ed.goto(`${BASE_URL}/author`);
    await ed.locator('[data-testid="open-select"] option[value="campsite"]').waitFor({ state: 'attached' });
    await ed.getByTestId('open-select').selectOption('campsite');
    await ed.getByTestId('open').click();
    await analysed(ed, '42');
    assert.equal(await ed.getByTestId('field-id').inputValue(), 'campsite');
    await ed.getByTestId('save').click();
    await ed.getByTestId('overwrite-row').waitFor();
    assert.match(normalise(await ed.getByTestId('toolbar-status').textContent()), /came with the server/);
    assert.equal(await ed.getByTestId('save-done').isVisible(), false);

    // Edited and not saved: starting a new scenario asks first, and "no" keeps the work.
    await ed.getByTestId('field-title').fill('Campsite, my version');
    let asked = '';
    ed.once('dialog', (d) => {
      asked = d.message();
      d.dismiss();
    });
    await ed.getByTestId('new').click();
    assert.match(asked, /not saved/);
    assert.equal(await ed.getByTestId('field-title').inputValue(), 'Campsite, my version');
    // Closing the tab with unsaved changes gets the browser's own "leave the page?" question.
    const leaving = await ed.evaluate(() => {
      const ev = new Event('beforeunload', { cancelable: true });
      window.dispatchEvent(ev);
      return ev.defaultPrevented;
    });
    assert.equal(leaving, true, 'unsaved changes hold the page');
    assert.deepEqual(errors, []);
  } finally {
    await close();
  }
});
