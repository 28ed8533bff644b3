// The player's page in Spanish and German at phone width: a Spanish and a German browser play
// campsite (translated) through small talk, bargaining, an offer, a deal, the survey and the
// results, with a screenshot of every phase in both languages. Every phase is checked for English
// left behind (any English catalog text whose translation differs), for numbers in the locale's
// format and for horizontal overflow (German words are long). The language picker switches a
// player mid-match and the seat survives the reload; an untranslated scenario falls back to its
// own (English) texts while the page around it stays in the player's language. What the server
// says is worded by the page too: the waiting line, a refused name, a coaching nudge, a checked
// statement, a pause from the console (screenshots at 390 and 1280 px).

import { test } from 'node:test';
import assert from 'node:assert/strict';
import fs from 'node:fs';
import path from 'node:path';
import {
  useBrowser,
  openPages,
  collectPageErrors,
  createSession,
  FIVE_MINUTES,
  REPO,
  BASE_URL,
  readScenario,
  recordFrames,
  lastState,
  screenshot,
  waitPhase,
  waitPhaseAll,
  readyIntoBargaining,
  joinAll,
  normalise,
} from './lib.mjs';
import en from '../../client-web/js/i18n/en/index.js';
import es from '../../client-web/js/i18n/es/index.js';
import de from '../../client-web/js/i18n/de/index.js';

const CATALOGS = { es, de };
const PHONE = { width: 390, height: 844 };
const DESKTOP = { width: 1280, height: 900 };

/** A screenshot at 1280 px beside the phone one the test takes (the page goes back to phone width). */
async function desktopShot(page, name) {
  await page.setViewportSize(DESKTOP);
  await screenshot(page, `${name}-1280`);
  await page.setViewportSize(PHONE);
}

/** A facilitator control on the session (pause, resume, pair_now). */
async function control(session, body) {
  const res = await fetch(`${BASE_URL}/api/sessions/${session.code}/control`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', 'x-facilitator-token': session.facilitator_token },
    body: JSON.stringify(body),
  });
  assert.equal(res.status, 200, `control ${JSON.stringify(body)}: ${await res.text()}`);
}

const browser = useBrowser();

/**
 * A scenario file's texts in one language (`[translations.<lang>...]` tables): title, role
 * names and briefs, issue names and options. A small reader for the layout the bundled files use.
 */
function readTranslation(id, lang) {
  const text = fs.readFileSync(path.join(REPO, 'scenarios', `${id}.toml`), 'utf8');
  const sections = text.split(/^\[(translations\.[a-z]+(?:\.[a-z]+\.[a-z0-9_-]+)?)\]\s*$/m);
  const out = { title: null, roles: {}, issues: {} };
  for (let i = 1; i < sections.length; i += 2) {
    const [, l, kind, key] = sections[i].split('.');
    if (l !== lang) continue;
    const body = sections[i + 1];
    const str = (name) => {
      const ml = body.match(new RegExp(`^${name}\\s*=\\s*"""\\n?([\\s\\S]*?)"""`, 'm'));
      if (ml) return ml[1];
      const m = body.match(new RegExp(`^${name}\\s*=\\s*"((?:[^"\\\\]|\\\\.)*)"`, 'm'));
      return m ? JSON.parse(`"${m[1]}"`) : null;
    };
    if (!kind) out.title = str('title');
    else if (kind === 'roles') out.roles[key] = { name: str('name'), brief: str('brief') };
    else {
      const opts = body.match(/^options\s*=\s*\[([\s\S]*?)\]/m);
      out.issues[key] = { name: str('name'), options: opts ? JSON.parse(`[${opts[1]}]`) : [] };
    }
  }
  return out;
}

/**
 * Pieces of English that must not be on a page in `lang`: every part (between placeholders) of
 * an English catalog text, longer than 10 characters, that the translation does not also contain.
 */
function englishPieces(lang) {
  const pieces = new Set();
  for (const [key, english] of Object.entries(en)) {
    const translated = CATALOGS[lang][key];
    if (translated === english) continue;
    for (const part of english.split(/\{\w+\}/)) {
      const piece = normalise(part);
      if (piece.length > 10 && !translated.includes(piece)) pieces.add(piece);
    }
  }
  return [...pieces];
}
const ENGLISH = { es: englishPieces('es'), de: englishPieces('de') };

/**
 * The page's visible text shows no English catalog text; numbers follow the locale; nothing
 * overflows. The scenario's own texts (`scenarioTestids`: an untranslated scenario is English)
 * are left out of the English check.
 */
async function checkPage(page, lang, where, scenarioTestids = []) {
  let text = normalise(await page.evaluate(() => document.body.innerText));
  for (const id of scenarioTestids) {
    for (const part of await page.getByTestId(id).allInnerTexts()) text = text.replace(normalise(part), '');
  }
  const left = ENGLISH[lang].filter((piece) => text.includes(piece));
  assert.deepEqual(left, [], `${where} (${lang}): English left on the page`);
  // Spanish and German write 2,5 and 1.000: an English decimal point between digits is a number
  // formatted without the locale (there are none in the scenario's own texts).
  const englishDecimal = text.match(/\d\.\d+\s*(pts|%|\/100)/);
  assert.equal(englishDecimal, null, `${where} (${lang}): a number with an English decimal point`);
  assert.equal(await page.evaluate(() => document.documentElement.lang), lang, `${where}: <html lang>`);
  const overflow = await page.evaluate(() => document.documentElement.scrollWidth - window.innerWidth);
  assert.ok(overflow <= 1, `${where} (${lang}): no horizontal scrolling at ${PHONE.width} px (overflow ${overflow}px)`);
}

test('a Spanish and a German player play campsite at phone width, each in their own language', async () => {
  const scenario = readScenario('campsite');
  const texts = { es: readTranslation('campsite', 'es'), de: readTranslation('campsite', 'de') };
  assert.ok(texts.es.title && texts.de.title, 'campsite has Spanish and German titles');
  const session = await createSession({ scenario: 'campsite', title: 'Idiomas', durations: FIVE_MINUTES, pairing: 'facilitator', coaching: true });
  const es1 = await openPages(browser, 1, { viewport: PHONE, locale: 'es-ES' });
  const de1 = await openPages(browser, 1, { viewport: PHONE, locale: 'de-DE' });
  const [pageEs] = es1.pages;
  const [pageDe] = de1.pages;
  const pages = [pageEs, pageDe];
  const byLang = { es: pageEs, de: pageDe };
  const framesEs = recordFrames(pageEs);
  const framesDe = recordFrames(pageDe);
  const pageErrors = collectPageErrors({ es: pageEs, de: pageDe });
  try {
    // The join form is already in the browser's language, picker included.
    await pageEs.goto(`${process.env.PARLEY_URL || 'http://127.0.0.1:8080'}/?code=${session.code}`);
    await pageEs.getByTestId('join-submit').waitFor();
    assert.equal(normalise(await pageEs.locator('#join-form h1').textContent()), es['player.join.title']);
    assert.equal(await pageEs.getByTestId('language').inputValue(), 'es');
    await screenshot(pageEs, 'lang-es-00-join');

    // ---------------------------------------------------------------- a refused name, the waiting line
    // A name of invisible characters passes the page's length check; the server refuses it with
    // `bad_name`, which the page words in its language.
    for (const [lang, page] of Object.entries(byLang)) {
      if (lang === 'de') await page.goto(`${BASE_URL}/?code=${session.code}`);
      await page.getByTestId('join-name').fill('\u200b\u200b');
      await page.locator('[data-testid="join-submit"]:not([disabled])').click();
      const error = page.locator('[data-error-for="join"]:not([hidden])');
      await error.waitFor();
      assert.equal(normalise(await error.textContent()), CATALOGS[lang]['common.error.bad_name']);
      await checkPage(page, lang, 'a refused name');
      await screenshot(page, `lang-${lang}-00-bad-name`);
    }
    await joinAll(pages, session.code, ['Lucía', 'Jürgen']);
    const waitingLines = { es: es['player.waiting.line.next'], de: de['player.waiting.line.ahead'] };
    for (const [lang, page] of Object.entries(byLang)) {
      await page.locator('#waiting-message', { hasText: waitingLines[lang] }).waitFor();
      await checkPage(page, lang, 'waiting');
      await screenshot(page, `lang-${lang}-00-waiting`);
      await desktopShot(page, `lang-${lang}-00-waiting`);
    }
    await control(session, { action: 'pair_now' });

    // ---------------------------------------------------------------- prep: the brief in each language
    await waitPhaseAll(pages, 'prep');
    for (const [lang, frames] of [
      ['es', framesEs],
      ['de', framesDe],
    ]) {
      const page = byLang[lang];
      await page.getByTestId('brief-private').waitFor();
      const me = lastState(frames).you;
      const mine = texts[lang].roles[me.role.id];
      assert.ok(mine && mine.brief, `campsite's ${lang} brief for ${me.role.id}`);
      const shown = normalise(await page.getByTestId('brief-private').textContent());
      for (const para of mine.brief.split(/\n\s*\n/).map(normalise).filter((p) => p.length > 40)) {
        assert.ok(shown.includes(para.slice(0, 80)), `the ${lang} page shows its brief in ${lang}: ${para.slice(0, 80)}`);
      }
      const english = scenario.roles.find((r) => r.id === me.role.id).brief.split(/\n\s*\n/).map(normalise)[0];
      assert.ok(!shown.includes(english.slice(0, 60)), `the ${lang} page does not show the English brief`);
      assert.equal(normalise(await page.getByTestId('my-role').textContent()), mine.name);
      for (const issue of scenario.issues) {
        const name = normalise(await page.locator(`[data-testid="my-points"] tbody[data-issue="${issue.id}"] .issue-name`).textContent());
        assert.equal(name, texts[lang].issues[issue.id].name, `${lang}: issue ${issue.id} named in ${lang}`);
      }
      assert.equal(normalise(await page.getByTestId('match-title').textContent()), texts[lang].title);
      await screenshot(page, `lang-${lang}-01-prep`);
      await checkPage(page, lang, 'prep');
    }

    // ---------------------------------------------------------------- small talk
    await pageEs.locator('[data-testid="ready"]:not([disabled])').click();
    await pageDe.locator('[data-testid="ready"]:not([disabled])').click();
    await waitPhaseAll(pages, 'small_talk');
    await pageEs.getByTestId('chat-input').fill('¡Hola! ¿Qué tal la noche con la tormenta?');
    await pageEs.getByTestId('chat-send').click();
    await pageDe.getByTestId('chat-log').getByText('¡Hola!', { exact: false }).waitFor();
    await pageDe.getByTestId('chat-input').fill('Hallo! Kalt und nass, leider.');
    await pageDe.getByTestId('chat-send').click();
    await pageEs.getByTestId('chat-log').getByText('Hallo!', { exact: false }).waitFor();
    for (const lang of ['es', 'de']) {
      await screenshot(byLang[lang], `lang-${lang}-02-small-talk`);
      await checkPage(byLang[lang], lang, 'small talk');
    }
    await readyIntoBargaining(pages, ['small_talk']);

    // ---------------------------------------------------------------- coaching, a checked statement
    // Four lines without a question about their priorities bring the `ask` nudge (the tagger reads
    // English only, so none of these is a question to it), worded from the catalogs by its rule.
    const lines = {
      es: ['Llegamos muy cansados.', 'La tormenta fue larga.', 'Nuestra tienda es pequeña.', 'Mañana hay que seguir.'],
      de: ['Wir sind sehr müde.', 'Der Sturm war lang.', 'Unser Zelt ist klein.', 'Morgen geht es weiter.'],
    };
    for (const [lang, page] of Object.entries(byLang)) {
      for (const line of lines[lang]) {
        await page.getByTestId('chat-input').fill(line);
        await page.getByTestId('chat-send').click();
        await page.getByTestId('chat-log').getByText(line).waitFor();
      }
      const nudge = page.locator('[data-testid="coach-text"][data-rule="ask"]');
      await nudge.waitFor();
      assert.equal(normalise(await nudge.textContent()), CATALOGS[lang]['common.coach.ask']);
    }
    // The Spanish player says, as a checked statement, that water matters a lot: each page words
    // it with its own issue names.
    await pageEs.locator('[data-testid="disclose"] > summary').click();
    await pageEs.getByTestId('disclose-kind-importance').check();
    await pageEs.getByTestId('disclose-issue').selectOption('water');
    await pageEs.getByTestId('disclose-level').selectOption('high');
    await pageEs.getByTestId('disclose-send').click();
    for (const [lang, page] of Object.entries(byLang)) {
      const said = CATALOGS[lang]['common.statement_line.matters_a_lot'].replace('{issue}', texts[lang].issues.water.name);
      await page.getByTestId('chat-log').getByText(said).waitFor();
      await screenshot(page, `lang-${lang}-02-coach-statement`);
      await desktopShot(page, `lang-${lang}-02-coach-statement`);
      await checkPage(page, lang, 'coaching and a statement');
    }

    // ---------------------------------------------------------------- paused from the console
    await control(session, { action: 'pause' });
    for (const [lang, page] of Object.entries(byLang)) {
      const paused = CATALOGS[lang]['player.presence.paused'];
      await page.getByText(paused).first().waitFor();
      await screenshot(page, `lang-${lang}-02-paused`);
      await checkPage(page, lang, 'paused');
    }
    await control(session, { action: 'resume' });

    // ---------------------------------------------------------------- bargaining: an offer
    const pkg = { food: 1, water: 3, firewood: 0 };
    for (const [issue, option] of Object.entries(pkg)) {
      await pageEs.getByTestId(`offer-issue-${issue}`).selectOption(String(option));
    }
    // The option labels in the builder are the Spanish ones, with the player's points.
    const label = normalise(await pageEs.locator(`[data-testid="offer-issue-water"] option[value="3"]`).textContent());
    assert.ok(label.startsWith(texts.es.issues.water.options[3]), `Spanish option label: ${label}`);
    await pageEs.getByTestId('offer-send').click();
    await pageEs.getByTestId('my-offer').waitFor();
    const accept = pageDe.locator('[data-testid^="accept-"]').first();
    await accept.waitFor();
    for (const lang of ['es', 'de']) {
      await screenshot(byLang[lang], `lang-${lang}-03-bargaining`);
      await checkPage(byLang[lang], lang, 'bargaining');
    }

    // ---------------------------------------------------------------- the picker, mid-match
    // The Spanish player switches to German: the page reloads, takes its seat back from the
    // server (same match, same seat, the offer still standing) and is German throughout.
    const seatBefore = lastState(framesEs).you.seat;
    const matchBefore = lastState(framesEs).match_id;
    await Promise.all([pageEs.waitForEvent('load'), pageEs.getByTestId('language').selectOption('de')]);
    await waitPhase(pageEs, 'bargaining');
    await pageEs.getByTestId('my-offer').waitFor();
    const after = lastState(framesEs);
    assert.equal(after.match_id, matchBefore, 'the same match after the reload');
    assert.equal(after.you.seat, seatBefore, 'the same seat after the reload');
    assert.equal(await pageEs.getByTestId('language').inputValue(), 'de');
    assert.equal(normalise(await pageEs.getByTestId('offer-send').textContent()), de['player.bargain.send_offer']);
    await pageEs.getByTestId('brief-toggle').click();
    const rebrief = normalise(await pageEs.getByTestId('brief-private').textContent());
    const deBrief = normalise(texts.de.roles[after.you.role.id].brief).slice(0, 80);
    assert.ok(rebrief.includes(deBrief), 'after switching, the brief comes from the server in German');
    await screenshot(pageEs, 'lang-es-to-de-03-bargaining');
    await checkPage(pageEs, 'de', 'bargaining after switching');
    await pageEs.getByTestId('brief-toggle').click();
    // And back to Spanish for the rest of the match (the choice is remembered across reloads).
    await Promise.all([pageEs.waitForEvent('load'), pageEs.getByTestId('language').selectOption('es')]);
    await waitPhase(pageEs, 'bargaining');
    await pageEs.getByTestId('my-offer').waitFor();
    assert.equal(normalise(await pageEs.getByTestId('offer-send').textContent()), es['player.bargain.send_offer']);

    // ---------------------------------------------------------------- the deal, the survey
    await accept.click();
    await waitPhaseAll(pages, 'survey');
    const questions = lastState(framesDe).survey.questions;
    assert.ok(questions.length > 0, 'the survey has questions');
    for (const lang of ['es', 'de']) {
      const page = byLang[lang];
      await page.getByTestId('survey-submit').waitFor();
      // The bank's questions are worded from the catalogs.
      const first = normalise(await page.getByTestId(`survey-q-${questions[0].id}`).locator('legend').textContent());
      assert.equal(first, CATALOGS[lang][`common.survey.${questions[0].id}.text`]);
      await screenshot(page, `lang-${lang}-04-survey`);
      await checkPage(page, lang, 'survey');
      for (const q of questions) await page.getByTestId(`survey-rating-${q.id}-6`).check();
      await page.getByTestId('survey-submit').click();
    }

    // ---------------------------------------------------------------- results
    await waitPhaseAll(pages, 'results');
    for (const lang of ['es', 'de']) {
      const page = byLang[lang];
      await page.getByTestId('results').waitFor();
      await page.getByTestId('frontier-chart').waitFor();
      // Percentages in the locale's format: "57 %" (a no-break space before the sign).
      const joint = await page.getByTestId('results-joint').textContent();
      assert.match(joint, /\d\u00a0%/, `${lang}: the efficiency is a ${lang} percentage: ${joint}`);
      // Scores and the reveal name the roles and issues in the player's language.
      const roles = lastState(lang === 'es' ? framesEs : framesDe).results.roles;
      for (const role of roles) assert.equal(role.name, texts[lang].roles[role.id].name, `${lang}: results role ${role.id}`);
      const issueNames = await page.locator('[data-testid="results-issues"] .issue-name').allTextContents();
      assert.deepEqual(issueNames.map(normalise), scenario.issues.map((i) => texts[lang].issues[i.id].name));
      // The statement in the results is worded in the page's language too.
      const said = CATALOGS[lang]['common.statement_line.matters_a_lot'].replace('{issue}', texts[lang].issues.water.name);
      assert.ok(normalise(await page.getByTestId('results-disclosures').textContent()).includes(said), `${lang}: ${said}`);
      await screenshot(page, `lang-${lang}-05-results`);
      await desktopShot(page, `lang-${lang}-05-results`);
      await checkPage(page, lang, 'results');
    }
    assert.deepEqual(pageErrors, [], 'no JavaScript errors on either page');
  } finally {
    await es1.close();
    await de1.close();
  }
});

/**
 * A copy of a bundled scenario without its translations, saved through the scenario editor's API
 * under a new id (every bundled scenario is translated, so the fallback needs one that is not).
 */
async function untranslatedCopy(id) {
  const opened = await (await fetch(`${BASE_URL}/api/author/scenarios/${id}`)).json();
  const draft = { ...opened.draft, id: `${id}-en-${Date.now().toString(36)}`, translations: {} };
  const res = await fetch(`${BASE_URL}/api/author/scenarios`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ draft }),
  });
  assert.equal(res.status, 201, await res.text());
  return draft.id;
}

test('an untranslated scenario falls back to its own texts; the page stays in the player language', async () => {
  const scenario = readScenario('job-offer');
  const copy = await untranslatedCopy('job-offer');
  const session = await createSession({ scenario: copy, title: 'Fallback', durations: FIVE_MINUTES });
  const { pages, close } = await openPages(browser, 2, { viewport: PHONE, locale: 'de-DE' });
  const frames = recordFrames(pages[0]);
  const pageErrors = collectPageErrors(pages);
  try {
    await joinAll(pages, session.code, ['Anna', 'Bernd']);
    await waitPhaseAll(pages, 'prep');
    const page = pages[0];
    await page.getByTestId('brief-private').waitFor();
    const me = lastState(frames).you;
    const english = scenario.roles.find((r) => r.id === me.role.id);
    const shown = normalise(await page.getByTestId('brief-private').textContent());
    assert.ok(shown.includes(normalise(english.brief).slice(0, 80)), 'the brief is the scenario\'s own (English)');
    assert.equal(normalise(await page.getByTestId('my-role').textContent()), english.name);
    // Everything Parley itself says is German.
    const heading = normalise(await page.locator('.brief h2').first().textContent());
    assert.equal(heading, de['common.brief.situation']);
    await screenshot(page, 'lang-de-06-fallback');
    await checkPage(page, 'de', 'untranslated scenario', ['brief-summary', 'brief-private']);
    assert.deepEqual(pageErrors, []);
  } finally {
    await close();
  }
});

test('the progress page speaks the browser language and has the picker', async () => {
  const { pages, close } = await openPages(browser, 1, { viewport: PHONE, locale: 'es-MX' });
  const [page] = pages;
  try {
    await page.goto(`${process.env.PARLEY_URL || 'http://127.0.0.1:8080'}/progress`);
    await page.getByTestId('progress-empty').waitFor();
    assert.equal(normalise(await page.locator('#progress-title').textContent()), es['progress.title']);
    await screenshot(page, 'lang-es-07-progress');
    await checkPage(page, 'es', 'progress');
    await Promise.all([page.waitForEvent('load'), page.getByTestId('language').selectOption('de')]);
    await page.getByTestId('progress-empty').waitFor();
    assert.equal(normalise(await page.locator('#progress-title').textContent()), de['progress.title']);
    await screenshot(page, 'lang-de-07-progress');
    await checkPage(page, 'de', 'progress after switching');
  } finally {
    await close();
  }
});
