// Treatments and surveys (issue 14, items 5 and 6) in real Chromium: the facilitator sets up two
// randomised arms and a survey with items from the bank and two of their own in the console's
// form (at 1280 and 390 px); two players play a match on their phones, answer the custom survey
// (a 1–7 item and a short text), and the text never reaches the counterpart's WebSocket; more
// pairs play over raw WebSockets; the debrief compares the arms with permutation tests and says
// what they cannot show, and survey.csv carries the answers. Screenshots land in
// tests/browser/screenshots/treatments-*.png.

import { test } from 'node:test';
import assert from 'node:assert/strict';
import {
  BASE_URL,
  useBrowser,
  openPages,
  collectPageErrors,
  openSetup,
  submitSetup,
  waitConsoleLive,
  join,
  recordFrames,
  lastState,
  waitPhase,
  readyAll,
  screenshot,
  normalise,
  download,
} from './lib.mjs';

const browser = useBrowser();

// Typed into the survey as markup: it must stay text everywhere.
const SECRET = '<b>ask first</b> next time (secret-91c)';
const TEXT_QUESTION = 'One thing you will do differently next time';
const SCALE_QUESTION = 'Did the small talk help you?';

/** Pages' horizontal overflow in px (0 when nothing scrolls sideways). */
const overflow = (page) => page.evaluate(() => document.documentElement.scrollWidth - window.innerWidth);

/**
 * Plays `n` more pairs of the session over raw WebSockets from inside a page on the server's
 * origin: ready through prep and small talk, seat 0 offers `packages[i]`, seat 1 accepts, both
 * rate every scale item 5 and answer the text items. Resolves once every pair is in results.
 */
async function playPairs(page, code, packages) {
  return page.evaluate(
    async ({ code, packages }) => {
      const url = `${location.protocol === 'https:' ? 'wss' : 'ws'}://${location.host}/ws`;
      const open = (name, pkg) =>
        new Promise((resolve, reject) => {
          const ws = new WebSocket(url);
          const me = { name, done: false, acted: new Set(), error: null };
          const send = (m) => ws.send(JSON.stringify(m));
          const once = (key, fn) => {
            if (!me.acted.has(key)) {
              me.acted.add(key);
              fn();
            }
          };
          ws.onopen = () => send({ type: 'hello', version: 1 });
          ws.onerror = () => reject(new Error(`socket of ${name} failed`));
          ws.onmessage = (ev) => {
            const m = JSON.parse(ev.data);
            if (m.type === 'welcome') send({ type: 'join', code, name });
            else if (m.type === 'joined') resolve(me);
            else if (m.type === 'error' && !['already_ready', 'wrong_phase', 'offer_not_standing'].includes(m.code)) me.error = `${m.code}: ${m.message}`;
            else if (m.type === 'state') {
              const seat = m.you.seat;
              if (m.phase === 'results') me.done = true;
              if (m.phase === 'prep' || m.phase === 'small_talk') once(m.phase, () => send({ type: 'ready' }));
              if (m.phase === 'bargaining' && seat === 0) once('offer', () => send({ type: 'offer', package: pkg }));
              if (m.phase === 'bargaining' && seat === 1) {
                const o = m.offers.find((x) => x.status === 'standing' && x.seat !== seat);
                if (o) once(`accept-${o.id}`, () => send({ type: 'accept', offer_id: o.id }));
              }
              if (m.phase === 'survey' && m.survey && !m.survey.answered)
                once('survey', () => {
                  const ratings = {};
                  const texts = {};
                  for (const q of m.survey.questions) {
                    if (q.kind === 'text') texts[q.id] = `note from ${name}`;
                    else ratings[q.id] = 5;
                  }
                  send({ type: 'survey', ratings, texts });
                });
            }
          };
          setInterval(() => ws.readyState === 1 && send({ type: 'ping' }), 10000);
        });
      const pairs = [];
      for (let i = 0; i < packages.length; i += 1) {
        // One pair after the other, each joined before the next, so match numbers follow the list.
        const a = await open(`R${i}a`, packages[i]);
        const b = await open(`R${i}b`, packages[i]);
        pairs.push([a, b]);
        while (!(a.acted.size || b.acted.size)) await new Promise((r) => setTimeout(r, 20));
      }
      const deadline = Date.now() + 60000;
      while (Date.now() < deadline && pairs.some(([a, b]) => !(a.done && b.done))) await new Promise((r) => setTimeout(r, 100));
      return {
        errors: pairs.flat().filter((p) => p.error).map((p) => `${p.name}: ${p.error}`),
        unfinished: pairs.filter(([a, b]) => !(a.done && b.done)).map(([a]) => a.name),
      };
    },
    { code, packages },
  );
}

test('two randomised arms and a custom survey: set up, played, private, compared and exported', async () => {
  const facCtx = await browser.newContext({ viewport: { width: 1280, height: 900 }, acceptDownloads: true });
  const fac = await facCtx.newPage();
  const players = await openPages(browser, 2, { viewport: { width: 390, height: 844 }, isMobile: true, hasTouch: true });
  const [pa, pb] = players.pages;
  const errors = collectPageErrors({ console: fac, a: pa, b: pb });
  try {
    // ------------------------------------------------------------ set-up form
    await openSetup(fac, 'campsite');
    await fac.getByTestId('setup-duration-prep').fill('0');
    await fac.getByTestId('setup-treatment-arms').check();
    const arms = fac.getByTestId('arm');
    assert.equal(await arms.count(), 2, 'two arms to start with');
    await arms.nth(0).getByTestId('arm-name').fill('Rapport');
    await arms.nth(1).getByTestId('arm-name').fill('Straight');
    await arms.nth(1).getByTestId('arm-disclosure').selectOption('off');
    await arms.nth(1).getByTestId('arm-length-bargaining').fill('4');
    await fac.getByTestId('arms-seed').fill('7');
    // Survey: the bank's defaults are ticked; swap one, and add a scale and a text of our own.
    await fac.getByTestId('survey-item-trust').waitFor();
    assert.equal(await fac.getByTestId('survey-item-satisfied').isChecked(), true);
    await fac.getByTestId('survey-item-satisfied').uncheck();
    await fac.getByTestId('survey-item-again').check();
    await fac.getByTestId('survey-add').click();
    await fac.getByTestId('survey-add').click();
    const own = fac.getByTestId('custom-item');
    await own.nth(0).getByTestId('custom-text').fill(SCALE_QUESTION);
    await own.nth(0).getByTestId('custom-low').fill('Not at all');
    await own.nth(0).getByTestId('custom-high').fill('A lot');
    await own.nth(1).getByTestId('custom-kind').selectOption('text');
    assert.equal(await own.nth(1).getByTestId('custom-low').isVisible(), false, 'a text question has no end labels');
    await own.nth(1).getByTestId('custom-text').fill(TEXT_QUESTION);
    await screenshot(fac, 'treatments-01-setup-1280');
    await fac.setViewportSize({ width: 390, height: 844 });
    assert.ok((await overflow(fac)) <= 1, 'the set-up form fits 390 px');
    await screenshot(fac, 'treatments-01-setup-390');
    await fac.setViewportSize({ width: 1280, height: 900 });
    const { answer, sent } = await submitSetup(fac);
    assert.deepEqual(sent.treatment, {
      seed: 7,
      arms: [
        { name: 'Rapport', small_talk: true },
        { name: 'Straight', small_talk: false, disclosure: false, durations: { bargaining: 240 } },
      ],
    });
    assert.deepEqual(sent.survey.items, ['trust', 'foundation', 'listened', 'fair', 'again']);
    assert.deepEqual(sent.survey.custom, [
      { kind: 'scale', text: SCALE_QUESTION, low: 'Not at all', high: 'A lot' },
      { kind: 'text', text: TEXT_QUESTION },
    ]);
    await waitConsoleLive(fac);
    const code = answer.code;

    // ------------------------------------------------------------ one match on two phones
    const framesA = recordFrames(pa);
    const framesB = recordFrames(pb);
    await join(pa, code, 'Ana');
    await join(pb, code, 'Ben');
    await pa.locator('[data-testid="phase"][data-phase="small_talk"], [data-testid="phase"][data-phase="bargaining"]').first().waitFor();
    const first = lastState(framesA);
    const rapport = first.phase === 'small_talk';
    if (rapport) {
      await readyAll([pa, pb]);
      await waitPhase(pa, 'bargaining');
      await waitPhase(pb, 'bargaining');
      assert.equal(await pa.getByTestId('disclose').isVisible(), true, 'the rapport arm keeps the statements tool');
    } else {
      await waitPhase(pb, 'bargaining');
      assert.equal(await pa.getByTestId('disclose').isVisible(), false, 'the straight arm has no statements tool');
      assert.ok(!lastState(framesA).allowed_actions.includes('disclose'));
    }
    await screenshot(pa, `treatments-02-bargaining-${rapport ? 'rapport' : 'straight'}-390`);
    const pkg = { food: 2, water: 3, firewood: 0 };
    for (const [issue, option] of Object.entries(pkg)) await pa.getByTestId(`offer-issue-${issue}`).selectOption(String(option));
    await pa.getByTestId('offer-send').click();
    const accept = pb.locator('[data-testid^="accept-"]').first();
    await accept.waitFor();
    await accept.click();
    await waitPhase(pa, 'survey');
    await waitPhase(pb, 'survey');

    // The survey page shows the session's items: bank, own scale, own text.
    await pa.getByTestId('survey-q-custom_1').waitFor();
    assert.equal(normalise(await pa.getByTestId('survey-q-custom_1').locator('legend').textContent()), SCALE_QUESTION);
    assert.equal(await pa.getByTestId('survey-q-satisfied').count(), 0, 'an item left out is not asked');
    await pa.getByTestId('survey-q-again').waitFor();
    const ratings = { trust: 6, foundation: 5, listened: 6, fair: 7, again: 6, custom_1: 7 };
    for (const [id, v] of Object.entries(ratings)) await pa.getByTestId(`survey-rating-${id}-${v}`).check();
    await pa.getByTestId('survey-text-custom_2').fill(SECRET);
    await screenshot(pa, 'treatments-03-survey-390');
    assert.ok((await overflow(pa)) <= 1, 'the survey fits 390 px');
    await pa.getByTestId('survey-submit').click();
    await pa.getByTestId('survey-done').waitFor();
    for (const id of ['trust', 'custom_1']) await pb.getByTestId(`survey-rating-${id}-3`).check();
    await pb.getByTestId('survey-text-custom_2').fill('make an offer sooner');
    await pb.getByTestId('survey-submit').click();
    await waitPhase(pa, 'results');
    await waitPhase(pb, 'results');
    // Privacy, checked on the raw frames: B never received A's text; nor A B's.
    const rawB = JSON.stringify(framesB);
    assert.ok(!rawB.includes('secret-91c'), "A's survey text reached B's WebSocket");
    assert.ok(!JSON.stringify(framesA).includes('make an offer sooner'), "B's survey text reached A's WebSocket");

    // ------------------------------------------------------------ three more pairs, then the debrief
    const more = await playPairs(fac, code, [
      { food: 1, water: 3, firewood: 0 },
      { food: 2, water: 0, firewood: 3 },
      { food: 3, water: 1, firewood: 2 },
    ]);
    assert.deepEqual(more, { errors: [], unfinished: [] });
    await fac.getByTestId('tab-debrief').click();
    await fac.locator('[data-testid="debrief-row"][data-outcome="deal"]').nth(3).waitFor();
    const card = fac.getByTestId('arms');
    await card.waitFor();
    const rows = card.getByTestId('arm-row');
    assert.equal(await rows.count(), 2);
    assert.equal(await rows.nth(0).getAttribute('data-arm'), 'Rapport');
    // Balanced: four matches, two in each arm.
    assert.equal(normalise(await rows.nth(0).getByTestId('arm-n').textContent()), '2');
    assert.equal(normalise(await rows.nth(1).getByTestId('arm-n').textContent()), '2');
    assert.match(normalise(await rows.nth(1).textContent()), /small talk off, disclosure tool off, bargaining 240 s/);
    const joint = card.locator('[data-testid="arm-comparison"][data-measure="joint_value"]');
    assert.match(normalise(await joint.textContent()), /joint value ?Straight − Rapport.*p = [0-9.]+ \(exact, all 6 relabellings\)/);
    assert.match(normalise(await card.getByTestId('arms-limits').textContent()), /4 finished matches .* cannot give a p-value below 0\.167/);
    assert.equal(await fac.getByTestId('treatment').count(), 0, 'the small-talk card gives way to the arms');
    assert.equal(await fac.getByTestId('cell-arm').count(), 4, 'every match row names its arm');
    await card.scrollIntoViewIfNeeded();
    await screenshot(fac, 'treatments-04-debrief-1280');
    await fac.setViewportSize({ width: 390, height: 844 });
    assert.ok((await overflow(fac)) <= 1, 'the debrief fits 390 px');
    await screenshot(fac, 'treatments-04-debrief-390');
    await fac.setViewportSize({ width: 1280, height: 900 });

    // ------------------------------------------------------------ the exports
    const survey = await download(fac, 'export-survey');
    assert.equal(survey.name, `parley-${code}-survey.csv`);
    assert.ok(survey.text.startsWith('session,match_id,arm,player_id,seat,role,item_id,item_kind,item_text,answer,answered_at'));
    // The text answer is there as typed (it does not start with a formula character).
    assert.ok(survey.text.includes(`text,${TEXT_QUESTION},${SECRET}`), survey.text.slice(0, 600));
    const matches = await download(fac, 'export-matches');
    const header = matches.text.split('\n')[0].split(',');
    assert.equal(header[header.length - 1], 'survey_items');
    const armCol = header.indexOf('arm');
    const armsInCsv = matches.text.trim().split('\n').slice(1).map((line) => line.split(',')[armCol]);
    assert.deepEqual([...armsInCsv].sort(), ['Rapport', 'Rapport', 'Straight', 'Straight']);
    assert.equal(armsInCsv[0], rapport ? 'Rapport' : 'Straight', 'the first match was played in the arm it is recorded in');
    assert.deepEqual(errors, []);
  } finally {
    await players.close();
    await facCtx.close();
  }
});

test('the arms editor refuses two arms of one name and keeps at least two', async () => {
  const ctx = await browser.newContext({ viewport: { width: 1280, height: 900 } });
  const page = await ctx.newPage();
  try {
    await page.goto(`${BASE_URL}/facilitate`);
    await page.locator('[data-testid="setup-scenario"] option[value="campsite"]').waitFor({ state: 'attached' });
    await page.getByTestId('setup-treatment-arms').check();
    const arms = page.getByTestId('arm');
    await arms.nth(1).getByTestId('arm-name').fill(await arms.nth(0).getByTestId('arm-name').inputValue());
    await page.getByTestId('setup-submit').click();
    assert.match(normalise(await page.getByTestId('setup-error').textContent()), /Two arms are called .*different names/);
    await page.getByTestId('arm-add').click();
    assert.equal(await arms.count(), 3);
    await arms.nth(2).getByTestId('arm-remove').click();
    assert.equal(await arms.count(), 2);
    assert.equal(await arms.nth(0).getByTestId('arm-remove').isVisible(), false, 'two arms is the least');
  } finally {
    await ctx.close();
  }
});
