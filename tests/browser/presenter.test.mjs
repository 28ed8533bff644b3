// Presenter mode and teaching notes (issue 13) in real Chromium: a short class of four campsite
// pairs (split treatment) plays over raw WebSockets; the console shows the scenario's teaching
// notes beside the live monitor and in the debrief; the facilitator picks a line of a transcript
// as a quote and walks through the slides with the keys a presenter's clicker sends, at 1280 and
// 1920 px; the quote's author stays hidden until shown; printing gives one slide per page.
// Screenshots land in tests/browser/screenshots/presenter-*.png.

import { test } from 'node:test';
import assert from 'node:assert/strict';
import {
  BASE_URL,
  useBrowser,
  openPages,
  collectPageErrors,
  createSession,
  FIVE_MINUTES,
  screenshot,
  normalise,
  openConsole,
  axeScan,
  formatViolations,
} from './lib.mjs';

const browser = useBrowser();

// A name that would run script if any page put it in with innerHTML.
const XSS_NAME = '<img src=x onerror=window.__pwned=1>';
const QUOTE = 'Honestly, water matters more to us than food: <b>we hike</b> all day.';

/**
 * Plays pairs of a session over raw WebSockets from inside a page on the server's origin. Pair i
 * joins as names[i] (or P<i>a / P<i>b), seat 0 says plans[i].say in bargaining, offers
 * plans[i].package, seat 1 accepts, and both answer the survey. Resolves once every pair is in
 * results.
 */
async function playClass(page, code, plans) {
  return page.evaluate(
    async ({ code, plans }) => {
      const url = `${location.protocol === 'https:' ? 'wss' : 'ws'}://${location.host}/ws`;
      const open = (name, plan) =>
        new Promise((resolve, reject) => {
          const ws = new WebSocket(url);
          const me = { name, done: false, acted: new Set() };
          const send = (m) => ws.send(JSON.stringify(m));
          ws.onopen = () => send({ type: 'hello', version: 1 });
          ws.onerror = () => reject(new Error(`socket of ${name} failed`));
          ws.onmessage = (ev) => {
            const m = JSON.parse(ev.data);
            const once = (key, fn) => {
              if (!me.acted.has(key)) {
                me.acted.add(key);
                fn();
              }
            };
            if (m.type === 'welcome') send({ type: 'join', code, name });
            else if (m.type === 'joined') resolve(me);
            else if (m.type === 'error' && !['already_ready', 'offer_not_standing', 'wrong_phase', 'already_answered'].includes(m.code)) {
              me.error = `${m.code}: ${m.message}`;
            } else if (m.type === 'state') {
              if (m.phase === 'results') me.done = true;
              const seat = m.you.seat;
              if (m.phase === 'prep') once('prep', () => send({ type: 'ready' }));
              if (m.phase === 'small_talk')
                once('small_talk', () => {
                  send({ type: 'chat', text: seat === 0 ? 'Hi! How was the drive up to the lake?' : 'Long, but the view is worth it. You?' });
                  send({ type: 'ready' });
                });
              if (m.phase === 'bargaining' && seat === 0)
                once('offer', () => {
                  if (plan.say) send({ type: 'chat', text: plan.say });
                  send({ type: 'offer', package: plan.package });
                });
              if (m.phase === 'bargaining' && seat === 1) {
                const o = m.offers.find((x) => x.status === 'standing' && x.seat !== seat);
                if (o) once(`accept-${o.id}`, () => send({ type: 'accept', offer_id: o.id }));
              }
              if (m.phase === 'survey' && m.survey && !m.survey.answered)
                once('survey', () => {
                  const ratings = {};
                  for (const q of m.survey.questions) ratings[q.id] = plan.rating;
                  send({ type: 'survey', ratings });
                });
            }
          };
          setInterval(() => ws.readyState === 1 && send({ type: 'ping' }), 10000);
        });
      const pairs = [];
      for (let i = 0; i < plans.length; i += 1) {
        const names = plans[i].names || [`P${i + 1}a`, `P${i + 1}b`];
        pairs.push([await open(names[0], plans[i]), await open(names[1], plans[i])]);
        await new Promise((r) => setTimeout(r, 60));
      }
      const deadline = Date.now() + 60000;
      while (Date.now() < deadline && pairs.some(([a, b]) => !(a.done && b.done))) await new Promise((r) => setTimeout(r, 200));
      return {
        errors: pairs.flat().filter((p) => p.error).map((p) => `${p.name}: ${p.error}`),
        unfinished: pairs.filter(([a, b]) => !(a.done && b.done)).map(([a]) => a.name),
      };
    },
    { code, plans },
  );
}

/** Which slides clip their content (taller or wider than the slide): their kinds. */
async function clippedSlides(page) {
  return page.evaluate(() => {
    const out = [];
    for (const s of document.querySelectorAll('[data-testid="slide"]')) {
      const was = s.classList.contains('current');
      s.classList.add('current');
      if (s.scrollHeight > s.clientHeight + 1 || s.scrollWidth > s.clientWidth + 1) {
        out.push(`${s.dataset.slide} (${s.scrollWidth}×${s.scrollHeight} in ${s.clientWidth}×${s.clientHeight})`);
      }
      if (!was) s.classList.remove('current');
    }
    return out;
  });
}

const current = (page) => page.locator('[data-testid="slide"].current');

async function slideKind(page) {
  return current(page).getAttribute('data-slide');
}

test('teaching notes in the console, a quote from a transcript, and presenter mode from the debrief', async () => {
  const session = await createSession({
    scenario: 'campsite',
    title: 'Thursday negotiation class',
    durations: FIVE_MINUTES,
    small_talk: 'split',
    pairing: 'auto',
  });
  const P = (food, water, firewood) => ({ food, water, firewood });
  const plans = [
    { package: P(3, 3, 0), rating: 7, say: QUOTE, names: [XSS_NAME, 'Ben'] },
    { package: P(2, 3, 0), rating: 6, say: 'Could we start with what each of us needs most?' },
    { package: P(1, 2, 1), rating: 4, say: 'We need all the food. Take it or leave it.' },
    { package: P(2, 2, 2), rating: 5, say: 'Let us split everything evenly, that is only fair.' },
  ];
  const botCtx = await openPages(browser, 1);
  const [bots] = botCtx.pages;
  const facCtx = await browser.newContext({ viewport: { width: 1280, height: 800 } });
  const fac = await facCtx.newPage();
  const pageErrors = collectPageErrors({ facilitator: fac });
  try {
    await bots.goto(`${BASE_URL}/healthz`);
    const played = await playClass(bots, session.code, plans);
    assert.deepEqual(played.errors, [], 'no refused frames');
    assert.deepEqual(played.unfinished, [], 'every pair reached results');

    const notes = await (
      await fetch(`${BASE_URL}/api/sessions/${session.code}/teaching`, { headers: { 'x-facilitator-token': session.facilitator_token } })
    ).json();
    const teaching = notes.scenarios[0].teaching;
    assert.ok(teaching.goals.length && teaching.debrief_questions.length, 'campsite has teaching notes');

    // ------------------------------------------------------------ teaching notes beside the monitor
    await openConsole(fac, session);
    const panel = fac.getByTestId('teaching-panel');
    await panel.waitFor();
    assert.equal(await panel.evaluate((el) => el.open), false, 'the notes start folded');
    assert.match(normalise(await panel.locator('summary').textContent()), /Teaching notes: Sharing supplies at Silverpine Lake/);
    await panel.locator('summary').click();
    await panel.getByTestId('teaching-goals').waitFor();
    assert.ok(normalise(await panel.getByTestId('teaching-goals').textContent()).includes(normalise(teaching.goals[0])));
    assert.ok(normalise(await panel.getByTestId('teaching-timing-45').textContent()).includes(normalise(teaching.timing_45).slice(0, 40)));
    assert.ok(normalise(await panel.getByTestId('teaching-timing-90').textContent()).includes(normalise(teaching.timing_90).slice(0, 40)));
    assert.equal(await panel.getByTestId('teaching-mistakes').locator('li').count(), teaching.mistakes.length);
    await fac.locator('[data-testid="match-row"]').nth(plans.length - 1).waitFor();
    await screenshot(fac, 'presenter-01-teaching-notes-live-1280');

    // ------------------------------------------------------------ debrief with its notes
    await fac.getByTestId('tab-debrief').click();
    await fac.locator('[data-testid="debrief-row"][data-outcome="deal"]').nth(plans.length - 1).waitFor();
    const dnotes = fac.getByTestId('teaching-debrief');
    await dnotes.waitFor();
    assert.ok(normalise(await dnotes.getByTestId('teaching-research').textContent()).includes(normalise(teaching.research).slice(0, 50)));
    assert.equal(await dnotes.getByTestId('teaching-questions').locator('li').count(), teaching.debrief_questions.length);
    assert.ok(normalise(await dnotes.getByTestId('teaching-frontier').textContent()).includes(normalise(teaching.frontier).slice(0, 50)));

    // ------------------------------------------------------------ pick a quote in a transcript
    await fac.locator('[data-testid="debrief-row"]').first().click();
    const line = fac.locator('[data-testid="tl-chat"]').filter({ hasText: 'water matters more' });
    await line.waitFor();
    assert.equal(await fac.evaluate(() => window.__pwned), undefined, 'the name was never run as HTML');
    const pick = line.getByTestId('quote-pick');
    assert.equal(await pick.getAttribute('aria-pressed'), 'false');
    await pick.click();
    assert.equal(await pick.getAttribute('aria-pressed'), 'true');
    assert.match(normalise(await fac.getByTestId('quote-count').textContent()), /1 quote picked/);
    // Picking and unpicking another line leaves one quote.
    const other = fac.locator('[data-testid="quote-pick"]').nth(0);
    if ((await other.getAttribute('aria-pressed')) === 'false') {
      await other.click();
      await other.click();
    }
    assert.match(normalise(await fac.getByTestId('quote-count').textContent()), /1 quote picked/);
    await screenshot(fac, 'presenter-02-debrief-quote-picked-1280');

    // ------------------------------------------------------------ presenter mode
    await fac.getByTestId('presenter-open').click();
    const presenter = fac.getByTestId('presenter');
    await presenter.waitFor();
    assert.equal(await fac.locator('#main').isVisible(), false, 'only the slides are on screen');
    const kinds = await fac.locator('[data-testid="slide"]').evaluateAll((els) => els.map((e) => e.dataset.slide));
    assert.deepEqual(kinds, ['title', 'frontier', 'histogram', 'treatment', 'tactics', 'quotes', 'questions']);
    const count = fac.getByTestId('slide-count');
    assert.equal(normalise(await count.textContent()), `1 / ${kinds.length}`);

    // 1. Title: the scenario, the session and the class in numbers.
    assert.equal(await slideKind(fac), 'title');
    assert.equal(normalise(await current(fac).getByTestId('slide-title').textContent()), 'Sharing supplies at Silverpine Lake');
    assert.equal(normalise(await current(fac).getByTestId('slide-session').textContent()), 'Thursday negotiation class');
    assert.equal(normalise(await current(fac).getByTestId('slide-people').locator('.slide-stat-value').textContent()), '8');
    assert.equal(normalise(await current(fac).getByTestId('slide-n').locator('.slide-stat-value').textContent()), '4');
    assert.equal(normalise(await current(fac).getByTestId('slide-deals').locator('.slide-stat-value').textContent()), '4');
    const titleSize = await current(fac).getByTestId('slide-title').evaluate((el) => parseFloat(getComputedStyle(el).fontSize));
    assert.ok(titleSize >= 48, `the title is big (${titleSize}px)`);
    await screenshot(fac, 'presenter-10-title-1280');

    // 2. → The frontier with every pair.
    await fac.keyboard.press('ArrowRight');
    assert.equal(await slideKind(fac), 'frontier');
    const outcomes = await current(fac).locator('[data-testid="scatter-outcome"]').evaluateAll((els) => els.map((e) => Number(e.dataset.count)));
    assert.equal(outcomes.reduce((a, b) => a + b, 0), 4, 'every pair is on the chart');
    assert.equal(await current(fac).locator('[data-testid="scatter-frontier"]').count(), 1);
    const chartBox = await current(fac).locator('svg.fchart').boundingBox();
    assert.ok(chartBox.height >= 800 * 0.5, `the chart fills the slide (${Math.round(chartBox.height)} px high)`);
    assert.match(normalise(await current(fac).getByTestId('slide-frontier-lead').textContent()), /of 4 deals are on the frontier/);
    await screenshot(fac, 'presenter-11-frontier-1280');

    // 3. PageDown (a clicker's "next"): the joint-value histogram.
    await fac.keyboard.press('PageDown');
    assert.equal(await slideKind(fac), 'histogram');
    const bars = await current(fac).locator('[data-testid="hist-bar"] title').allTextContents();
    assert.equal(bars.map((t) => Number(t.split(' ')[0])).reduce((a, b) => a + b, 0), 4);
    await screenshot(fac, 'presenter-12-histogram-1280');

    // 4. The small-talk comparison.
    await fac.keyboard.press('ArrowRight');
    assert.equal(await slideKind(fac), 'treatment');
    const ns = (await current(fac).locator('[data-testid="treatment-n"] td').allTextContents()).map(Number);
    assert.deepEqual(ns, [2, 2], 'split: two pairs with small talk, two without');
    await screenshot(fac, 'presenter-13-treatment-1280');

    // 5. What the pairs did.
    await fac.keyboard.press('ArrowRight');
    assert.equal(await slideKind(fac), 'tactics');
    assert.ok((await current(fac).locator('[data-testid="tactic-row"]').count()) >= 5);
    assert.match(normalise(await current(fac).locator('.slide-heading').textContent()), /What the pairs did/);
    await screenshot(fac, 'presenter-14-tactics-1280');

    // 6. The quote, its author hidden until shown; never parsed as HTML.
    await fac.keyboard.press('ArrowRight');
    assert.equal(await slideKind(fac), 'quotes');
    const quote = current(fac).getByTestId('quote');
    assert.equal(await quote.count(), 1);
    assert.equal(await quote.getByTestId('quote-text').textContent(), QUOTE, 'the line as text, tags and all');
    assert.equal(await quote.locator('b, img').count(), 0);
    const who = quote.getByTestId('quote-who');
    assert.equal(normalise(await who.textContent()), '— North shore campers, match 1', 'the role stands in for the name');
    assert.ok(!(await presenter.textContent()).includes(XSS_NAME), 'the name is nowhere on the slides');
    await screenshot(fac, 'presenter-15-quotes-1280');
    const names = fac.getByTestId('presenter-names');
    assert.equal(await names.getAttribute('aria-pressed'), 'false');
    await names.click();
    assert.equal(normalise(await who.textContent()), `— ${XSS_NAME} (North shore campers)`);
    assert.equal(await quote.locator('img').count(), 0, 'the name is text');
    assert.equal(await fac.evaluate(() => window.__pwned), undefined);
    await names.click();
    assert.equal(normalise(await who.textContent()), '— North shore campers, match 1');

    // 7. The scenario's debrief questions, one slide.
    await fac.keyboard.press('ArrowRight');
    assert.equal(await slideKind(fac), 'questions');
    assert.deepEqual(
      (await current(fac).getByTestId('slide-questions').locator('li').allTextContents()).map(normalise),
      teaching.debrief_questions.map(normalise),
    );
    await screenshot(fac, 'presenter-16-questions-1280');
    // Past the end nothing moves; ←, PageUp, Home and End do.
    await fac.keyboard.press('ArrowRight');
    assert.equal(normalise(await count.textContent()), `${kinds.length} / ${kinds.length}`);
    await fac.keyboard.press('ArrowLeft');
    assert.equal(await slideKind(fac), 'quotes');
    await fac.keyboard.press('PageUp');
    assert.equal(await slideKind(fac), 'tactics');
    await fac.keyboard.press('Home');
    assert.equal(await slideKind(fac), 'title');
    await fac.keyboard.press('PageUp');
    assert.equal(await slideKind(fac), 'title');
    await fac.keyboard.press('End');
    assert.equal(await slideKind(fac), 'questions');
    // The buttons do the same.
    await fac.getByTestId('slide-prev').click();
    assert.equal(await slideKind(fac), 'quotes');
    await fac.getByTestId('slide-next').click();
    assert.equal(await slideKind(fac), 'questions');
    assert.deepEqual(await clippedSlides(fac), [], 'nothing is cut off at 1280 × 800');

    // The same deck at 1920 × 1080.
    await fac.setViewportSize({ width: 1920, height: 1080 });
    assert.deepEqual(await clippedSlides(fac), [], 'nothing is cut off at 1920 × 1080');
    await fac.keyboard.press('Home');
    for (const kind of kinds) {
      assert.equal(await slideKind(fac), kind);
      await screenshot(fac, `presenter-2${kinds.indexOf(kind)}-${kind}-1920`);
      await fac.keyboard.press('ArrowRight');
    }
    const big = await current(fac).locator('.slide-questions').evaluate((el) => parseFloat(getComputedStyle(el).fontSize));
    assert.ok(big >= 36, `the questions are big at 1920 (${big}px)`);

    // The slides pass the WCAG 2.1 AA rules axe-core checks, and say which slide is shown.
    const axe = await axeScan(fac);
    assert.deepEqual(axe.violations, [], formatViolations(axe.violations));
    assert.match(normalise(await fac.getByTestId('slide-announce').textContent()), /^Slide 7 of 7: Questions for the debrief$/);

    // Full screen from its button (headless Chromium may refuse it; the button must not throw).
    await fac.getByTestId('presenter-fullscreen').click();

    // Print / save as PDF: one slide per page (the screenshot is an A4 landscape page wide).
    await fac.emulateMedia({ media: 'print' });
    await fac.setViewportSize({ width: 1123, height: 794 });
    await screenshot(fac, 'presenter-30-print-a4');
    const pdf = await fac.pdf({ preferCSSPageSize: true, printBackground: true });
    const pages = (pdf.toString('latin1').match(/\/Type\s*\/Page[^s]/g) || []).length;
    assert.equal(pages, kinds.length, `the PDF has one page per slide (${pages})`);
    await fac.emulateMedia({ media: 'screen' });

    // Esc leaves, back to the debrief (and the button that opened it).
    await fac.keyboard.press('Escape');
    await presenter.waitFor({ state: 'hidden' });
    await fac.getByTestId('debrief-table').waitFor();
    assert.equal(await fac.evaluate(() => document.activeElement && document.activeElement.dataset.testid), 'presenter-open');
    assert.equal(await fac.locator('[data-testid="slide"]').count(), 0, 'the slides are gone from the page');

    // The picked quote is kept in this browser for the session.
    const kept = await fac.evaluate((code) => JSON.parse(localStorage.getItem(`parley.quotes.${code}`) || '[]'), session.code);
    assert.equal(kept.length, 1);
    assert.equal(kept[0].text, QUOTE);
    assert.deepEqual(pageErrors, [], 'no JavaScript errors');
  } finally {
    await facCtx.close();
    await botCtx.close();
  }
});
