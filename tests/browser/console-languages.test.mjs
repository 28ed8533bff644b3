// The facilitator console and the scenario editor in Spanish and German (issue 14, languages): a
// facilitator whose browser prefers es-ES or de-DE sets up a session, sees two players join and
// play a match to the results, watches the monitor and opens the debrief, at 1280 and 390 px.
// Every page is checked for English catalog strings that have a translation (a string written
// into the code instead of the catalog shows up in English), numbers with decimals must follow
// the locale ("0,7", not "0.7"), nothing may overflow the phone's width, and the header's picker
// switches the language (the console comes back from its address; the editor keeps its draft).
// Screenshots land in tests/browser/screenshots/lang-*.png.

import { test } from 'node:test';
import assert from 'node:assert/strict';
import path from 'node:path';
import { pathToFileURL } from 'node:url';
import {
  REPO,
  BASE_URL,
  useBrowser,
  openPages,
  collectPageErrors,
  recordFrames,
  lastState,
  screenshot,
  waitPhaseAll,
  readyIntoBargaining,
  joinAll,
  normalise,
  openSetup,
  submitSetup,
  waitConsoleLive,
  readScenario,
  axeScan,
  formatViolations,
} from './lib.mjs';

const browser = useBrowser();

const DESKTOP = { width: 1280, height: 900 };
const PHONE = { width: 390, height: 844 };

/** Every catalog of a language, merged (the same modules the pages import). */
async function catalog(lang) {
  const file = path.join(REPO, 'client-web', 'js', 'i18n', lang, 'index.js');
  return (await import(pathToFileURL(file).href)).default;
}

const EN = await catalog('en');

/**
 * The English texts that must not appear on a page shown in `lang`: every English string longer
 * than 10 characters whose translation differs (for a string with {placeholders}, its longest
 * literal piece, when that is longer than 10 characters).
 */
async function englishOnly(lang) {
  const other = await catalog(lang);
  const texts = new Map();
  for (const [key, en] of Object.entries(EN)) {
    if (other[key] === en) continue;
    const piece = en
      .split(/\{\w+\}/)
      .map((s) => s.trim())
      .sort((a, b) => b.length - a.length)[0];
    if (piece && piece.length > 10) texts.set(piece, key);
  }
  return texts;
}

/**
 * Fails when the page shows one of the English-only texts (a string that skipped the catalog).
 * `skip` names parts of the page left out of the check (a selector), for text this work does not own.
 */
async function assertNoEnglish(page, forbidden, where, skip = '') {
  const shown = normalise(
    await page.evaluate((sel) => {
      const hidden = sel ? [...document.querySelectorAll(sel)] : [];
      for (const el of hidden) el.setAttribute('data-lang-check-skip', el.style.display), (el.style.display = 'none');
      const text = document.body.innerText;
      for (const el of hidden) (el.style.display = el.getAttribute('data-lang-check-skip') || ''), el.removeAttribute('data-lang-check-skip');
      return text;
    }, skip),
  );
  const found = [...forbidden].filter(([text]) => shown.includes(normalise(text))).map(([text, key]) => `${key}: “${text}”`);
  assert.deepEqual(found, [], `${where}: English text on a page in another language`);
}

/**
 * Fails when the page is wider than the viewport, or a visible button, label, heading or table
 * header cuts its own text (German words are long).
 */
async function assertNoOverflow(page, where) {
  const problems = await page.evaluate(() => {
    const out = [];
    const root = document.documentElement;
    if (root.scrollWidth > root.clientWidth + 1) out.push(`page ${root.scrollWidth}px wide in ${root.clientWidth}px`);
    for (const el of document.querySelectorAll('button, label, h1, h2, h3, summary, .tag, .stat-label, select')) {
      if (!(el instanceof HTMLElement) || !el.offsetParent || el.closest('.sr-only')) continue;
      if (el.closest('.table-scroll')) continue; // tables scroll sideways on purpose
      if (el.scrollWidth > el.clientWidth + 2 && getComputedStyle(el).overflowX !== 'visible') {
        out.push(`${el.tagName.toLowerCase()} “${el.textContent.trim().slice(0, 40)}” cut (${el.scrollWidth} > ${el.clientWidth})`);
      }
      const box = el.getBoundingClientRect();
      if (box.right > root.clientWidth + 1 && !el.closest('.table-scroll')) out.push(`${el.tagName.toLowerCase()} “${el.textContent.trim().slice(0, 40)}” past the right edge`);
    }
    return out;
  });
  assert.deepEqual(problems, [], `${where}: overflow`);
}

/** Text the scenario's author wrote (its teaching notes, in English for the bundled scenarios), not the console. */
const AUTHORED = '[data-testid="teaching-debrief"], [data-testid="teaching-panel"], [data-testid="setup-scenario-info"]';

/** The page passes axe-core's WCAG 2.1 A/AA rules in this language too (label in name, lang, contrast). */
async function assertAccessible(page, where) {
  const { violations } = await axeScan(page);
  assert.equal(violations.length, 0, `${where}: ${violations.length} WCAG 2.1 A/AA violation(s)\n${formatViolations(violations)}`);
}

/** The monitor row of a participant. */
const playerRow = (page, name) => page.locator(`[data-testid="monitor-players"] tr[data-testid="player-row"][data-name="${name}"]`);

for (const { locale, lang, words } of [
  { locale: 'es-ES', lang: 'es', words: { live: 'En directo', debrief: 'Análisis final', bargaining: 'Negociación', deal: 'Acuerdo' } },
  { locale: 'de-DE', lang: 'de', words: { live: 'Live', debrief: 'Auswertung', bargaining: 'Verhandlung', deal: 'Einigung' } },
]) {
  test(`a facilitator whose browser speaks ${locale} runs a session in ${lang}, and the picker switches to English`, async () => {
    const forbidden = await englishOnly(lang);
    assert.ok(forbidden.size > 300, `many English strings to look for (${forbidden.size})`);
    const scenario = readScenario('campsite');
    const listed = await (await fetch(`${BASE_URL}/api/scenarios`)).json();
    const title = listed.find((x) => x.id === 'campsite').title;
    const ctx = await browser.newContext({ locale, viewport: DESKTOP });
    const fac = await ctx.newPage();
    const players = await openPages(browser, 2, { viewport: { width: 1100, height: 850 } });
    const [ana, ben] = players.pages;
    const framesA = recordFrames(ana);
    const framesB = recordFrames(ben);
    const pageErrors = collectPageErrors({ facilitator: fac });
    try {
      // ---------------------------------------------------------- set up, in the browser's language
      await openSetup(fac, 'campsite');
      assert.equal(await fac.evaluate(() => document.documentElement.lang), lang, 'the page says its language');
      assert.equal(await fac.getByTestId('language-picker').inputValue(), lang, 'the picker shows the language from the browser');
      await fac.getByTestId('setup-treatment-arms').check();
      await fac.getByTestId('survey-add').click();
      await assertNoEnglish(fac, forbidden, 'set-up form', AUTHORED);
      await screenshot(fac, `lang-${lang}-01-setup-1280`);
      await fac.setViewportSize(PHONE);
      await assertNoOverflow(fac, 'set-up form at 390 px');
      await screenshot(fac, `lang-${lang}-02-setup-390`);
      await fac.setViewportSize(DESKTOP);
      // The survey bank's topics are worded by the console (the server names them in English).
      const topics = (await fac.locator('.topic-tag:not(.trust-tag)').allTextContents()).map(normalise);
      assert.ok(topics.length >= 4, `topic tags shown: ${topics}`);
      for (const topic of topics) assert.ok(!['relationship', 'fairness', 'satisfaction', 'perceived listening'].includes(topic), `topic in English: ${topic}`);
      await fac.getByTestId('custom-remove').click();
      await fac.getByTestId('setup-treatment-all').check();
      for (const k of ['prep', 'small_talk', 'bargaining', 'survey']) await fac.getByTestId(`setup-duration-${k}`).fill('5');
      await fac.getByTestId('setup-title').fill(`Clase ${lang}`);
      const { answer } = await submitSetup(fac);
      await waitConsoleLive(fac);
      assert.equal(normalise(await fac.getByTestId('conn-status').textContent()), words.live);

      // ---------------------------------------------------------- two players join and play to the results
      await joinAll([ana, ben], answer.code, ['Ana', 'Ben']);
      await playerRow(fac, 'Ana').and(fac.locator('[data-status="playing"], [data-status="waiting"]')).waitFor();
      await playerRow(fac, 'Ben').waitFor();
      await readyIntoBargaining([ana, ben], ['prep', 'small_talk']);
      await fac.locator(`[data-testid="match-row"][data-phase="bargaining"] [data-testid="match-phase"]:text-is("${words.bargaining}")`).waitFor();
      await assertNoEnglish(fac, forbidden, 'monitor while bargaining', AUTHORED);
      await assertAccessible(fac, 'monitor');
      await screenshot(fac, `lang-${lang}-03-monitor-1280`);
      await fac.setViewportSize(PHONE);
      await assertNoOverflow(fac, 'monitor at 390 px');
      await screenshot(fac, `lang-${lang}-04-monitor-390`);
      await fac.setViewportSize(DESKTOP);

      // A checked statement, which the transcript below words in the console's language.
      await ana.locator('[data-testid="disclose"] > summary').click();
      await ana.getByTestId('disclose-kind-importance').check();
      await ana.getByTestId('disclose-issue').selectOption('water');
      await ana.getByTestId('disclose-level').selectOption('high');
      await ana.getByTestId('disclose-send').click();
      const water = scenario.issues.find((i) => i.id === 'water').name;
      await ben.getByTestId('chat-log').getByText(EN['common.statement_line.matters_a_lot'].replace('{issue}', water)).waitFor();

      const offerer = lastState(framesA).you.seat === 0 ? ana : ben;
      const taker = offerer === ana ? ben : ana;
      const pkg = { food: 3, water: 3, firewood: 0 };
      for (const issue of scenario.issues) await offerer.getByTestId(`offer-issue-${issue.id}`).selectOption(String(pkg[issue.id]));
      await offerer.getByTestId('offer-send').click();
      await taker.locator('[data-testid^="accept-"]').first().click();
      await waitPhaseAll([ana, ben], 'survey');
      for (const [page, frames, rating] of [[ana, framesA, 6], [ben, framesB, 5]]) {
        for (const q of lastState(frames).survey.questions) await page.getByTestId(`survey-rating-${q.id}-${rating}`).check();
        await page.getByTestId('survey-submit').click();
      }
      await waitPhaseAll([ana, ben], 'results');
      await fac.locator(`[data-testid="match-outcome"][data-kind="deal"]:text-is("${words.deal}")`).waitFor();
      await fac.locator('[data-testid="match-row"][data-phase="results"]').waitFor();

      // ---------------------------------------------------------- a number with decimals, in the locale's format
      await fac.getByTestId('tab-tournament').click();
      const formula = normalise(await fac.getByTestId('tournament-formula').textContent());
      assert.ok(formula.includes('0,7') && formula.includes('0,3'), `the weights use a decimal comma: ${formula}`);
      assert.ok(!/0\.7|0\.3/.test(formula), `no decimal point: ${formula}`);
      await assertNoEnglish(fac, forbidden, 'tournament tab', AUTHORED);
      await screenshot(fac, `lang-${lang}-05-tournament-1280`);

      // ---------------------------------------------------------- the debrief
      await fac.getByTestId('tab-debrief').click();
      await fac.locator('[data-testid="debrief-row"][data-outcome="deal"]').waitFor();
      await fac.getByTestId('debrief-scatter').waitFor();
      assert.equal(normalise(await fac.getByTestId('debrief-title').textContent()), `${words.debrief} — ${title}`);
      // Percentages follow the locale too: "85 %" (a no-break space before the sign), never "85%".
      const efficiency = await fac.getByTestId('cell-efficiency').textContent();
      assert.match(efficiency, /^\d+\u00a0%$/, `efficiency in the ${locale} format: ${JSON.stringify(efficiency)}`);
      const meanTrust = normalise(await fac.getByTestId('debrief-mean-trust').locator('.stat-value').textContent());
      assert.match(meanTrust, /^\d+(,\d)?$/, `mean trust built with a decimal comma if any: ${meanTrust}`);
      const trust = normalise(await fac.getByTestId('cell-trust').textContent());
      assert.ok(!/\d\.\d/.test(trust), `trust built has no decimal point: ${trust}`);
      // One transcript open, so its lines are checked too.
      await fac.getByTestId('debrief-transcript').first().click();
      await fac.locator('[data-testid="transcript-items"] [data-testid="tl-accept"]').waitFor();
      const LANG = await catalog(lang);
      const statement = normalise(await fac.locator('[data-testid="tl-disclosure"] .tl-text').textContent());
      assert.equal(statement, LANG['common.statement_line.matters_a_lot'].replace('{issue}', water), 'the statement in the console\'s language');
      await assertNoEnglish(fac, forbidden, 'debrief', AUTHORED);
      await assertAccessible(fac, 'debrief');
      await screenshot(fac, `lang-${lang}-06-debrief-1280`);
      await fac.setViewportSize(PHONE);
      await assertNoOverflow(fac, 'debrief at 390 px');
      await screenshot(fac, `lang-${lang}-07-debrief-390`);
      await fac.setViewportSize(DESKTOP);

      // ---------------------------------------------------------- presenter mode: every slide in the language
      await fac.getByTestId('presenter-open').click();
      await fac.locator('[data-testid="slide"].current').waitFor();
      const slides = await fac.locator('[data-testid="slide"]').count();
      for (let i = 0; i < slides; i += 1) {
        await assertNoEnglish(fac, forbidden, `presenter slide ${i + 1}`, AUTHORED);
        if (i === 1) await screenshot(fac, `lang-${lang}-08-presenter-frontier-1280`);
        await fac.keyboard.press('ArrowRight');
      }
      await fac.keyboard.press('Escape');
      await fac.getByTestId('presenter').waitFor({ state: 'hidden' });

      // ---------------------------------------------------------- the projector view of the room
      await fac.getByTestId('tab-live').click();
      await fac.getByTestId('projector-open').click();
      await fac.getByTestId('screen-projector').waitFor();
      await fac.getByTestId('projector-matches').waitFor();
      await assertNoEnglish(fac, forbidden, 'projector view');
      await screenshot(fac, `lang-${lang}-09-projector-1280`);
      await fac.getByTestId('projector-leave').click();
      await fac.getByTestId('screen-console').waitFor();
      await fac.getByTestId('tab-debrief').click();
      await fac.locator('[data-testid="debrief-row"][data-outcome="deal"]').waitFor();

      // ---------------------------------------------------------- the picker: English, on the same tab, same session
      const loaded = fac.waitForEvent('load');
      await fac.getByTestId('language-picker').selectOption('en');
      await loaded;
      await waitConsoleLive(fac);
      assert.equal(await fac.evaluate(() => document.documentElement.lang), 'en');
      assert.equal(await fac.getByTestId('tab-debrief').getAttribute('aria-selected'), 'true', 'the debrief tab is still open');
      await fac.locator(`[data-testid="debrief-title"]:text-is("Debrief — ${title}")`).waitFor();
      assert.equal(normalise(await fac.getByTestId('join-code').textContent()).replace(/\s/g, ''), answer.code, 'the same session');
      const efficiencyEn = await fac.getByTestId('cell-efficiency').textContent();
      assert.match(efficiencyEn, /^\d+%$/, 'English percentages have no space');
      // The issue insights the console writes from the numbers say what the server's English sentences say.
      const debrief = await (
        await fetch(`${BASE_URL}/api/sessions/${answer.code}/debrief`, { headers: { 'x-facilitator-token': answer.facilitator_token } })
      ).json();
      const curly = (x) => normalise(x).replace(/[“”]/g, '"');
      const shownInsights = (await fac.getByTestId('issue-insight').allTextContents()).map(curly);
      assert.deepEqual(shownInsights, debrief.issues.map((i) => curly(i.insight)), 'the client-side insights match the server');
      // The choice is remembered: a new page in this browser opens in English although it prefers another language.
      const again = await ctx.newPage();
      await again.goto(`${BASE_URL}/facilitate`);
      await again.getByTestId('setup-submit').waitFor();
      assert.equal(await again.evaluate(() => document.documentElement.lang), 'en');
      assert.equal(normalise(await again.getByTestId('setup-submit').textContent()), 'Create session');
      await again.close();
      assert.deepEqual(pageErrors, []);
    } finally {
      await players.close();
      await ctx.close();
    }
  });
}

test('the scenario editor in German: translated, numbers in the German format, and the picker keeps the draft', async () => {
  const forbidden = await englishOnly('de');
  const ctx = await browser.newContext({ locale: 'de-DE', viewport: DESKTOP });
  const ed = await ctx.newPage();
  const pageErrors = collectPageErrors({ editor: ed });
  try {
    await ed.goto(`${BASE_URL}/author`);
    await ed.locator('[data-testid="open-select"] option[value="campsite"]').waitFor({ state: 'attached' });
    assert.equal(await ed.evaluate(() => document.documentElement.lang), 'de');
    await ed.getByTestId('open-select').selectOption('campsite');
    await ed.getByTestId('open').click();
    await ed.locator('[data-testid="an-status"].ok').waitFor();
    // The frontier chart is drawn by the shared client-web/js/chart.js (the player's pages' area, translated
    // there): its legend is left out of this check.
    const sharedChart = '[data-testid="frontier-chart"]';
    await assertNoEnglish(ed, forbidden, 'editor', sharedChart);
    await assertAccessible(ed, 'editor');
    // "11 (23 %)"-style: the share left on the table, and a naive split with a decimal comma where it has one.
    const left = normalise(await ed.getByTestId('an-left').textContent());
    assert.match(left, /^\d+(,\d)? \(\d+ %\)$/, `left on the table in the German format: ${left}`);
    const naive = normalise(await ed.getByTestId('an-naive').textContent());
    assert.ok(!/\d\.\d/.test(naive), `no decimal point in the naive split: ${naive}`);
    await screenshot(ed, 'lang-de-10-editor-1280');
    await ed.setViewportSize(PHONE);
    await assertNoOverflow(ed, 'editor at 390 px');
    await screenshot(ed, 'lang-de-11-editor-390');
    await ed.setViewportSize(DESKTOP);

    // The picker redraws in place: no reload, the edited title stays, the labels change.
    await ed.getByTestId('field-title').fill('Zeltplatz am See');
    await ed.evaluate(() => {
      window.parleyNoReload = true;
    });
    await ed.getByTestId('language-picker').selectOption('es');
    await ed.locator('label[for="f-title"]:text-is("Título")').waitFor();
    assert.equal(await ed.evaluate(() => window.parleyNoReload), true, 'the page was not reloaded');
    assert.equal(await ed.getByTestId('field-title').inputValue(), 'Zeltplatz am See', 'the draft is kept');
    assert.equal(await ed.evaluate(() => document.documentElement.lang), 'es');
    await ed.locator('[data-testid="an-status"].ok').waitFor();
    await assertNoEnglish(ed, await englishOnly('es'), 'editor after switching to Spanish', sharedChart);
    assert.deepEqual(pageErrors, []);
  } finally {
    await ctx.close();
  }
});
