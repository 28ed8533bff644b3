// A whole two-player match in real Chromium: join, brief (hidden information), small talk,
// bargaining to a deal, survey, results.

import { test } from 'node:test';
import assert from 'node:assert/strict';
import {
  useBrowser,
  openPages,
  collectPageErrors,
  createSession,
  FIVE_MINUTES,
  readScenario,
  recordFrames,
  lastState,
  screenshot,
  waitPhaseAll,
  joinAll,
  packageValue,
  normalise,
  pageText,
  SCREENSHOTS,
} from './lib.mjs';

const XSS = '<img src=x onerror="window.__pwned=1">';

const browser = useBrowser();

test('two players play job-offer from join to results', async () => {
  const scenario = readScenario('job-offer');
  const session = await createSession({ scenario: 'job-offer', title: 'Browser test', durations: FIVE_MINUTES });
  assert.match(session.code, /^[A-Z0-9]{6}$/);

  const { pages, close } = await openPages(browser, 2, { viewport: { width: 1280, height: 900 } });
  const [pageA, pageB] = pages;
  const framesA = recordFrames(pageA);
  const framesB = recordFrames(pageB);
  const pageErrors = collectPageErrors(pages);

  try {
    // ---------------------------------------------------------------- join
    await joinAll(pages, session.code, ['Ana', 'Ben']);

    // ---------------------------------------------------------------- brief (prep)
    await waitPhaseAll(pages, 'prep');
    await pageA.getByTestId('brief-private').waitFor();
    await pageB.getByTestId('brief-private').waitFor();

    const stateA = lastState(framesA);
    const stateB = lastState(framesB);
    assert.ok(stateA && stateB, 'both pages received a state frame');
    const roleA = scenario.roles.find((r) => r.id === stateA.you.role.id);
    const roleB = scenario.roles.find((r) => r.id === stateB.you.role.id);
    assert.ok(roleA && roleB && roleA.id !== roleB.id, 'the players got different roles');

    // Each page shows its own brief, and never the other's.
    const textA = await pageText(pageA);
    const textB = await pageText(pageB);
    const paras = (brief) =>
      brief
        .split(/\n\s*\n/)
        .map(normalise)
        .filter((p) => p.length > 40)
        .map((p) => p.slice(0, 80));
    // Paragraphs private to one role (the closing "How your points work" paragraph is shared).
    const privA = paras(roleA.brief).filter((p) => !normalise(roleB.brief).includes(p.slice(0, 40)));
    const privB = paras(roleB.brief).filter((p) => !normalise(roleA.brief).includes(p.slice(0, 40)));
    assert.ok(privA.length > 2 && privB.length > 2, 'the briefs have private paragraphs');
    for (const p of paras(roleA.brief)) assert.ok(textA.includes(p), `A's page shows A's brief: ${p}`);
    for (const p of paras(roleB.brief)) assert.ok(textB.includes(p), `B's page shows B's brief: ${p}`);
    for (const p of privA) assert.ok(!textB.includes(p), `B's page must not contain A's brief: ${p}`);
    for (const p of privB) assert.ok(!textA.includes(p), `A's page must not contain B's brief: ${p}`);
    // The points table on A's page holds A's points, row by row, and not B's.
    for (const issue of scenario.issues) {
      const shown = await pageA
        .locator(`[data-testid="my-points"] tbody[data-issue="${issue.id}"] td.num`)
        .allTextContents();
      assert.deepEqual(shown.map(Number), issue.points[roleA.id], `A's points for ${issue.id}`);
      if (JSON.stringify(issue.points[roleA.id]) !== JSON.stringify(issue.points[roleB.id])) {
        assert.notDeepEqual(shown.map(Number), issue.points[roleB.id]);
      }
    }
    assert.equal(normalise(await pageA.getByTestId('my-batna').textContent()), `${roleA.batna} pts`);
    // No frame A received before the results holds B's brief or B's points.
    const firstB = normalise(roleB.brief).slice(0, 60);
    for (const f of framesA) {
      assert.ok(!normalise(JSON.stringify(f)).includes(firstB), `frame ${f.type} leaks B's brief`);
      assert.ok(!JSON.stringify(f).includes(`"batna":${roleB.batna}`), `frame ${f.type} leaks B's walk-away value`);
    }
    // Before talking, A guesses what matters most to B (optional; may be changed in prep).
    await pageA.getByTestId('guess').waitFor();
    await pageA.getByTestId(`guess-up-${scenario.issues[3].id}`).click();
    await pageA.getByTestId('guess-submit').click();
    await pageA.locator('[data-testid="guess-status"][data-saved="true"]').waitFor();
    const guessed = await pageA.locator('[data-testid="guess-priorities"] li').evaluateAll((lis) => lis.map((li) => li.dataset.issue));
    assert.equal(guessed[2], scenario.issues[3].id, 'the guess list moved the issue up');
    await screenshot(pageA, '01-prep-brief');

    // ---------------------------------------------------------------- small talk
    await pageA.getByTestId('ready').click();
    await pageB.locator(`[data-testid="vote-${stateA.you.seat}"][data-ready="true"]`).waitFor();
    await pageB.getByTestId('ready').click();
    await waitPhaseAll(pages, 'small_talk');
    await pageA.getByTestId('countdown').waitFor({ state: 'visible' });

    await pageA.getByTestId('chat-input').fill('Hello from Ana!');
    await pageA.getByTestId('chat-send').click();
    await pageB.getByTestId('chat-log').getByText('Hello from Ana!').waitFor();
    await pageB.getByTestId('chat-input').fill('Hi Ana, Ben here.');
    await pageB.getByTestId('chat-input').press('Enter');
    await pageA.getByTestId('chat-log').getByText('Hi Ana, Ben here.').waitFor();

    // Chat is text, never HTML.
    await pageA.getByTestId('chat-input').fill(XSS);
    await pageA.getByTestId('chat-send').click();
    await pageB.getByTestId('chat-log').getByText(XSS, { exact: true }).waitFor();
    await pageA.getByTestId('chat-log').getByText(XSS, { exact: true }).waitFor();
    await pageB.waitForTimeout(300);
    assert.equal(await pageB.evaluate(() => window.__pwned), undefined, 'chat HTML must not run on B');
    assert.equal(await pageA.evaluate(() => window.__pwned), undefined, 'chat HTML must not run on A');
    assert.equal(await pageB.locator('[data-testid="chat-log"] img').count(), 0);

    // The server's icebreaker (if the scenario posted one) is shown as a prompt, not as a player.
    const icebreakerFrames = [...framesA.filter((f) => f.type === 'chat'), ...framesA.filter((f) => f.type === 'chat_history').flatMap((f) => f.lines)]
      .filter((l) => l.seat === null);
    if (icebreakerFrames.length) {
      await pageA.locator('[data-testid="chat-log"] .chat-line.prompt').first().waitFor();
    }
    await screenshot(pageB, '02-small-talk');

    // Votes are visible to the other player.
    await pageA.getByTestId('ready').click();
    const seatA = stateA.you.seat;
    await pageB.locator(`[data-testid="vote-${seatA}"][data-ready="true"]`).waitFor();
    await pageB.getByTestId('ready').click();

    // ---------------------------------------------------------------- bargaining
    await waitPhaseAll(pages, 'bargaining');
    await pageA.getByTestId('countdown').waitFor({ state: 'visible' });

    const pkg = {
      salary: 2,
      'signing-bonus': 2,
      'start-date': 0,
      'home-days': 4,
      'annual-leave': 4,
      'share-options': 0,
      'home-office': 3,
      development: 3,
    };
    for (const issue of scenario.issues) {
      assert.ok(issue.id in pkg, `test package covers ${issue.id}`);
      await pageA.getByTestId(`offer-issue-${issue.id}`).selectOption(String(pkg[issue.id]));
    }
    const valueA = packageValue(scenario, roleA.id, pkg);
    const valueB = packageValue(scenario, roleB.id, pkg);
    const total = pageA.getByTestId('offer-total');
    assert.equal(await total.getAttribute('data-value'), String(valueA));
    assert.match(normalise(await total.textContent()), new RegExp(`^${valueA} pts — ${valueA - roleA.batna} above your walk-away`));
    await pageA.getByTestId('offer-send').click();
    await pageA.getByTestId('my-offer').waitFor();

    // B sees the offer with its value in B's points, and A's page at phone width.
    const acceptB = pageB.locator('[data-testid^="accept-"]').first();
    await acceptB.waitFor();
    const offerId = (await acceptB.getAttribute('data-testid')).slice('accept-'.length);
    const shownValue = normalise(await pageB.getByTestId(`offer-value-${offerId}`).textContent());
    assert.ok(shownValue.includes(`${valueB} pts`), `B sees the offer worth ${valueB}: ${shownValue}`);
    await pageB.getByTestId(`history-${offerId}`).waitFor();
    await screenshot(pageA, '03-bargaining');
    await screenshot(pageB, '03-bargaining-b');
    await pageA.setViewportSize({ width: 360, height: 800 });
    await pageA.waitForTimeout(200);
    const overflow = await pageA.evaluate(() => document.documentElement.scrollWidth - window.innerWidth);
    await screenshot(pageA, '03-bargaining-360px');
    assert.ok(overflow <= 1, `no horizontal scrolling at 360 px (overflow ${overflow}px)`);
    await pageA.setViewportSize({ width: 1280, height: 900 });

    // B tells A, as a checked statement, which issue matters most to B (true to B's points).
    const range = (issue) => Math.max(...issue.points[roleB.id]) - Math.min(...issue.points[roleB.id]);
    const topB = scenario.issues.reduce((a, b) => (range(b) > range(a) ? b : a));
    await pageB.locator('[data-testid="disclose"] > summary').click();
    await pageB.getByTestId('disclose-kind-importance').check();
    await pageB.getByTestId('disclose-issue').selectOption(topB.id);
    await pageB.getByTestId('disclose-level').selectOption('high');
    await pageB.getByTestId('disclose-send').click();
    await pageA.getByTestId('chat-log').getByText(`${topB.name} matters a lot to me.`).waitFor();

    await acceptB.click();

    // ---------------------------------------------------------------- survey
    await waitPhaseAll(pages, 'survey');
    const questions = lastState(framesA).survey.questions;
    assert.ok(questions.length > 0, 'the survey has questions');
    await screenshot(pageA, '04-survey');
    for (const [page, base] of [
      [pageA, 5],
      [pageB, 6],
    ]) {
      for (const q of questions) await page.getByTestId(`survey-rating-${q.id}-${base}`).check();
      const issues = lastState(framesA).survey.issues;
      if (issues.length > 1) await page.getByTestId(`priority-up-${issues[1].id}`).click();
      await page.getByTestId('survey-submit').click();
    }

    // ---------------------------------------------------------------- results
    await waitPhaseAll(pages, 'results');
    await pageA.getByTestId('results').waitFor();
    await pageB.getByTestId('results').waitFor();
    const jointA = await pageA.getByTestId('results-joint').getAttribute('data-value');
    const jointB = await pageB.getByTestId('results-joint').getAttribute('data-value');
    const serverResults = lastState(framesA).results;
    assert.ok(serverResults, 'the results state frame arrived');
    assert.equal(jointA, jointB, 'both players see the same joint value');
    assert.equal(Number(jointA), serverResults.joint_value, 'the page shows the server joint value');
    assert.equal(serverResults.joint_value, valueA + valueB, 'the joint value is the sum of both scores');
    assert.equal(serverResults.outcome.kind, 'deal');
    await pageA.getByTestId('frontier-chart').waitFor();
    assert.ok((await pageA.locator('[data-testid="frontier-chart"] svg [data-testid="chart-outcome"]').count()) === 1);
    assert.ok((await pageA.locator('[data-testid="frontier-chart"] svg [data-testid="chart-batna"]').count()) === 1);
    // Axes: "You" across, the counterpart's name up (issue #10), whichever seat A has.
    const xLabel = await pageA.getByTestId('chart-x-label').textContent();
    assert.ok(xLabel.startsWith('You'), `the x axis is the player's own points: ${xLabel}`);
    const yLabel = await pageA.getByTestId('chart-y-label').textContent();
    const counterpart = serverResults.roles.find((r) => r.id !== lastState(framesA).you.role.id);
    assert.ok(yLabel.includes(counterpart.player), `the y axis names the counterpart: ${yLabel}`);
    // The reveal: A now sees B's points table.
    const revealed = await pageA
      .locator(`[data-testid="reveal-points"] tbody[data-issue="${scenario.issues[0].id}"] td[data-role="${roleB.id}"]`)
      .allTextContents();
    assert.deepEqual(revealed.map(Number), scenario.issues[0].points[roleB.id], "the results reveal B's points to A");
    await pageA.getByTestId('frontier-chart').screenshot({ path: `${SCREENSHOTS}/05-results-chart.png` });
    // The checked statement's verdict and the trust report are part of the reveal.
    const disclosure = pageA.locator('[data-testid="results-disclosures"] li').first();
    await disclosure.waitFor();
    assert.equal(await disclosure.getAttribute('data-truthful'), 'true');
    await pageA.getByTestId('results-trust').waitFor();
    await screenshot(pageA, '05-results');
    await screenshot(pageB, '05-results-b');

    assert.deepEqual(pageErrors, [], 'no JavaScript errors on either page');
  } finally {
    await close();
  }
});
