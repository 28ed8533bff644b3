// The facilitator console in real Chromium: set up a campsite session on /facilitate, read the
// join code from the page, pair two players (who join through the player client) by hand,
// run the clocks, broadcast, watch the match move through its phases in the live monitor,
// then the debrief (table, scatter, treatment, transcript), projector mode, exports, removal.

import { test } from 'node:test';
import assert from 'node:assert/strict';
import {
  BASE_URL,
  useBrowser,
  openPages,
  collectPageErrors,
  createSession,
  FIVE_MINUTES,
  readScenario,
  recordFrames,
  lastState,
  screenshot,
  waitPhase,
  waitPhaseAll,
  join,
  packageValue,
  normalise,
  openSetup,
  submitSetup,
  waitConsoleLive,
  openConsole,
  download,
} from './lib.mjs';

// A name that would run script if any page put it in with innerHTML (37 characters).
const XSS_NAME = '<img src=x onerror=window.__pwned=1>';

const browser = useBrowser();

/** The monitor row of a player, by name. */
function playerRow(page, name) {
  return page.locator('[data-testid="monitor-players"] tr[data-testid="player-row"]').filter({
    has: page.locator('.pname', { hasText: name }),
  });
}

async function waitMatchPhase(page, phase, timeout = 15000) {
  await page.locator(`[data-testid="monitor-matches"] tr[data-testid="match-row"][data-phase="${phase}"]`).waitFor({ timeout });
}

test('a facilitator sets up, runs and debriefs a session from /facilitate', async () => {
  const scenario = readScenario('campsite');
  const ctxF = await browser.newContext({ viewport: { width: 1366, height: 900 }, acceptDownloads: true });
  const fac = await ctxF.newPage();
  const players = await openPages(browser, 2, { viewport: { width: 1100, height: 850 } });
  const [pageA, pageB] = players.pages;
  const framesA = recordFrames(pageA);
  const framesB = recordFrames(pageB);
  const facFrames = recordFrames(fac);
  const pageErrors = collectPageErrors({ facilitator: fac, A: pageA, B: pageB });
  // Requests the console makes: the token must never be part of a URL.
  const requested = [];
  fac.on('request', (r) => requested.push(r.url()));

  try {
    // ------------------------------------------------------------ set up
    await openSetup(fac, 'campsite');
    // The chosen scenario's public summary and its default durations.
    const summary = normalise(await fac.getByTestId('setup-scenario-summary').textContent());
    assert.ok(summary.includes('Silverpine Lake'), `the campsite summary is shown: ${summary.slice(0, 80)}`);
    const scenarios = await (await fetch(`${BASE_URL}/api/scenarios`)).json();
    const campsite = scenarios.find((s) => s.id === 'campsite');
    assert.equal(Number(await fac.getByTestId('setup-duration-bargaining').inputValue()) * 60, campsite.phases.bargaining, 'durations prefilled');
    await fac.getByTestId('setup-title').fill('Facilitator browser test');
    for (const k of ['prep', 'small_talk', 'bargaining', 'survey']) await fac.getByTestId(`setup-duration-${k}`).fill('5');
    await fac.getByTestId('setup-pairing-facilitator').check();
    await fac.getByTestId('setup-treatment-all').check();
    await fac.getByTestId('setup-reveal-all').check();
    await fac.getByTestId('setup-dropout-wait').check();
    // The split treatment is explained in one line.
    assert.match(normalise(await fac.locator('label:has([data-testid="setup-treatment-split"])').textContent()), /half the pairs skip small talk/);
    await screenshot(fac, 'fac-01-setup');

    const { answer, sent } = await submitSetup(fac);
    assert.deepEqual(sent.durations, { prep: 300, small_talk: 300, bargaining: 300, survey: 300 });
    assert.equal(sent.scenario, 'campsite');
    assert.equal(sent.pairing, 'facilitator');

    // The big join code, the join link and the private console link.
    const codeEl = fac.getByTestId('join-code');
    await codeEl.waitFor();
    const code = normalise(await codeEl.textContent()).replace(/\s/g, '');
    assert.match(code, /^[A-Z0-9]{6}$/);
    assert.equal(code, answer.code, 'the page shows the created code');
    const fontSize = await codeEl.evaluate((el) => parseFloat(getComputedStyle(el).fontSize));
    assert.ok(fontSize >= 40, `the join code is large (${fontSize}px)`);
    assert.equal(await fac.getByTestId('join-link').getAttribute('href'), `${BASE_URL}/?code=${code}`);
    const consoleLink = await fac.getByTestId('console-link').getAttribute('href');
    assert.equal(consoleLink, `${BASE_URL}${answer.console_url}`);
    const url = new URL(fac.url());
    assert.equal(url.pathname, '/facilitate');
    assert.equal(url.searchParams.get('code'), code);
    assert.equal(url.hash, `#token=${answer.facilitator_token}`, 'the token is in the fragment');
    assert.ok(!url.search.includes(answer.facilitator_token), 'the token is not in the query');
    await waitConsoleLive(fac);
    // The join code full-screen, for the projector: the private link is not shown there.
    await fac.getByTestId('join-fullscreen').click();
    await fac.waitForFunction(() => document.documentElement.dataset.projector === 'join');
    assert.equal(await fac.getByTestId('console-link').isVisible(), false, 'the private link stays off the projector');
    assert.equal(await fac.getByTestId('join-link').isVisible(), true);
    await screenshot(fac, 'fac-01b-join-projector');
    await fac.getByTestId('join-fullscreen').click();
    await fac.waitForFunction(() => !document.documentElement.dataset.projector);

    // ------------------------------------------------------------ players join and wait
    await join(pageA, code, 'Ana');
    await join(pageB, code, XSS_NAME);
    await playerRow(fac, 'Ana').and(fac.locator('[data-status="waiting"]')).waitFor();
    const rowB = fac.locator(`[data-testid="player-row"][data-name="${XSS_NAME.replace(/"/g, '\\"')}"]`);
    await rowB.and(fac.locator('[data-status="waiting"]')).waitFor();
    assert.equal(normalise(await rowB.locator('.pname').textContent()), XSS_NAME, 'names are shown as text');
    assert.equal(await fac.locator('[data-testid="monitor-players"] img').count(), 0, 'no markup from names');
    assert.equal(await fac.getByTestId('stat-waiting').getAttribute('data-value'), '2');

    // A refused control shows the server's message next to it (the server is made to refuse once).
    await fac.route('**/control', (route) =>
      route.fulfill({ status: 400, contentType: 'application/json', body: JSON.stringify({ code: 'bad_request', message: 'extend by 1 to 3600 seconds' }) }),
      { times: 1 },
    );
    await fac.getByTestId('ctl-extend-1').click();
    await fac.locator('[data-testid="ctl-status-clock"][data-kind="error"]').filter({ hasText: 'Extend by 1 to 3600 seconds.' }).waitFor();

    // Pair by hand: B in seat 1, Ana in seat 2.
    assert.equal(await fac.getByTestId('ctl-pair-selected').isDisabled(), true, 'Pair these needs two people');
    await rowB.locator('input.pick').check();
    await playerRow(fac, 'Ana').locator('input.pick').check();
    assert.match(normalise(await fac.getByTestId('hand-pair-hint').textContent()), /1\. .*North shore campers.*2\. Ana/);
    await fac.getByTestId('ctl-pair-selected').click();
    await fac.locator('[data-testid="ctl-status-players"][data-kind="ok"]').waitFor();
    await waitMatchPhase(fac, 'prep');
    await waitPhaseAll(players.pages, 'prep');
    assert.equal(lastState(framesB).you.seat, 0, 'the first picked player sits in seat 1');
    assert.equal(lastState(framesA).you.seat, 1);
    await playerRow(fac, 'Ana').and(fac.locator('[data-status="playing"]')).waitFor();
    const matchRow = fac.locator('[data-testid="match-row"]');
    assert.equal(await matchRow.count(), 1);
    assert.match(normalise(await matchRow.locator('th').textContent()), new RegExp(`${XSS_NAME.slice(0, 8).replace(/[.*+?^${}()|[\]\\]/g, '\\$&')}.*and Ana`));
    const left = normalise(await matchRow.getByTestId('match-time-left').textContent());
    assert.match(left, /^[45]:\d\d$/, `time left of a 5 minute phase: ${left}`);

    // Broadcast: both players see the notice.
    await fac.getByTestId('ctl-broadcast-text').fill('Five minutes to read your brief.');
    await fac.getByTestId('ctl-broadcast').click();
    await fac.locator('[data-testid="ctl-status-broadcast"][data-kind="ok"]').waitFor();
    await pageA.getByTestId('notice').getByText('Five minutes to read your brief.').waitFor();
    await pageB.getByTestId('notice').getByText('Five minutes to read your brief.').waitFor();
    assert.equal(await fac.getByTestId('ctl-broadcast-text').inputValue(), '', 'the field is cleared after sending');

    // Clocks: pause, resume, extend.
    await fac.getByTestId('ctl-pause').click();
    await fac.locator('[data-testid="match-row"][data-paused="true"]').waitFor();
    assert.equal(normalise(await matchRow.getByTestId('match-time-left').textContent()), 'paused');
    await fac.getByTestId('ctl-resume').click();
    await fac.locator('[data-testid="match-row"][data-paused="false"]').waitFor();
    const deadlineOf = () => {
      for (let i = facFrames.length - 1; i >= 0; i -= 1) if (facFrames[i].type === 'monitor' && facFrames[i].matches.length) return facFrames[i].matches[0].deadline;
      return null;
    };
    const before5 = deadlineOf();
    await fac.getByTestId('ctl-extend-5').click();
    await fac.locator('[data-testid="ctl-status-clock"][data-kind="ok"]').filter({ hasText: 'Added 5 minutes to 1 match.' }).waitFor();
    await fac.waitForFunction(() => /^(9|10):\d\d$/.test(document.querySelector('[data-testid="match-time-left"]').textContent));
    assert.ok(deadlineOf() >= before5 + 290000, 'the deadline moved by 5 minutes');
    await screenshot(fac, 'fac-02-monitor-prep');

    // ------------------------------------------------------------ the match: prep → small talk → bargaining
    await pageA.getByTestId('ready').click();
    await pageB.getByTestId('ready').click();
    await waitPhase(pageA, 'small_talk');
    await waitMatchPhase(fac, 'small_talk');
    await pageA.getByTestId('chat-input').fill('Hello from Ana at the lake.');
    await pageA.getByTestId('chat-send').click();
    await pageB.getByTestId('chat-log').getByText('Hello from Ana at the lake.').waitFor();
    await pageA.getByTestId('ready').click();
    await pageB.getByTestId('ready').click();
    await waitPhaseAll(players.pages, 'bargaining');
    await waitMatchPhase(fac, 'bargaining');
    await fac.locator('[data-testid="match-row"]:has([data-testid="match-phase"]:text("Bargaining"))').waitFor();

    // B (North, seat 1) offers; Ana accepts.
    const roleB = scenario.roles.find((r) => r.id === lastState(framesB).you.role.id);
    const roleA = scenario.roles.find((r) => r.id === lastState(framesA).you.role.id);
    const pkg = { food: 1, water: 2, firewood: 1 };
    for (const issue of scenario.issues) await pageB.getByTestId(`offer-issue-${issue.id}`).selectOption(String(pkg[issue.id]));
    await pageB.getByTestId('offer-send').click();
    await fac.locator('[data-testid="match-row"] td.num >> nth=1').filter({ hasText: '1' }).waitFor();
    await screenshot(fac, 'fac-03-monitor-bargaining');
    const accept = pageA.locator('[data-testid^="accept-"]').first();
    await accept.waitFor();
    await accept.click();
    await waitPhase(pageA, 'survey');
    await waitMatchPhase(fac, 'survey');
    await fac.locator('[data-testid="match-row"] [data-testid="match-outcome"][data-kind="deal"]').waitFor();
    assert.equal(normalise(await fac.locator('[data-testid="match-outcome"]').textContent()), 'Deal');

    // Survey: Ana answers, B skips.
    const questions = lastState(framesA).survey.questions;
    for (const q of questions) await pageA.getByTestId(`survey-rating-${q.id}-6`).check();
    await pageA.getByTestId('survey-submit').click();
    await pageB.getByTestId('survey-skip').click();
    await waitPhase(pageA, 'results');
    await waitMatchPhase(fac, 'results');
    assert.equal(normalise(await matchRow.getByTestId('match-time-left').textContent()), '—');
    await screenshot(fac, 'fac-04-monitor-results');

    // ------------------------------------------------------------ debrief
    const valueA = packageValue(scenario, roleA.id, pkg);
    const valueB = packageValue(scenario, roleB.id, pkg);
    await fac.getByTestId('tab-debrief').click();
    await fac.getByTestId('debrief-table').waitFor();
    await fac.getByTestId('debrief-refresh').click();
    await fac.locator('[data-testid="debrief-row"][data-outcome="deal"]').waitFor();
    const drow = fac.locator('[data-testid="debrief-row"]');
    assert.equal(await drow.count(), 1);
    assert.equal(await drow.getAttribute('data-in-statistics'), 'true');
    assert.equal(normalise(await drow.getByTestId('cell-joint').textContent()), String(valueA + valueB), 'joint value');
    assert.equal(normalise(await drow.getByTestId('cell-points').textContent()), `${valueB} / ${valueA}`, 'points in role order (B is North)');
    const rowText = normalise(await drow.textContent());
    assert.ok(rowText.includes('Ana') && rowText.includes(XSS_NAME), 'both players named');
    assert.match(
      normalise(await fac.getByTestId('debrief-table-note').textContent()),
      /role order: North shore campers \/ South shore campers/,
      'the role order is explained',
    );
    assert.equal(await drow.locator('li').first().getAttribute('title'), `${XSS_NAME}: North shore campers`);
    assert.match(normalise(await drow.getByTestId('cell-efficiency').textContent()), /^\d+%$/);
    assert.match(normalise(await drow.getByTestId('cell-pareto').textContent()), /^(✓ yes|no)$/);

    // The scatter: one outcome at (B's points, Ana's points), frontier, Nash and walk-away.
    const scatter = fac.getByTestId('debrief-scatter');
    await scatter.waitFor();
    const marks = scatter.locator('[data-testid="scatter-outcome"]');
    assert.equal(await marks.count(), 1);
    assert.equal(await marks.getAttribute('data-x'), String(valueB));
    assert.equal(await marks.getAttribute('data-y'), String(valueA));
    assert.equal(await marks.getAttribute('data-small-talk'), 'true');
    assert.equal(await scatter.locator('[data-testid="scatter-frontier"]').count(), 1);
    assert.equal(await scatter.locator('[data-testid="scatter-nash"]').count(), 1);
    assert.equal(await scatter.locator('[data-testid="scatter-batna"]').count(), 1);
    assert.ok(normalise(await scatter.getByTestId('debrief-scatter-svg-x-label').textContent()).includes('North shore campers'));
    assert.ok(normalise(await scatter.getByTestId('debrief-scatter-svg-y-label').textContent()).includes('South shore campers'));
    // Histogram, treatment comparison, issue insights, trust against value.
    assert.equal(await fac.locator('[data-testid="joint-histogram"] [data-testid="hist-bar"]').count(), 1);
    assert.match(normalise(await fac.getByTestId('impasse-rate').textContent()), /Impasse rate 0% \(0 of 1\)/);
    const treatment = fac.getByTestId('treatment');
    assert.deepEqual(
      (await treatment.locator('[data-testid="treatment-n"] td').allTextContents()).map(normalise),
      ['1', '0'],
      'one match with small talk, none without',
    );
    assert.ok(normalise(await treatment.locator('[data-testid="treatment-joint"] td').first().textContent()).startsWith(String(valueA + valueB)));
    assert.equal(await fac.locator('[data-testid="issue"]').count(), 3);
    assert.ok(normalise(await fac.locator('[data-testid="issue-insight"]').first().textContent()).length > 10);
    await fac.locator('[data-testid="trust-scatter"] [data-testid="trust-point"]').waitFor();

    // The transcript of the match: a timeline with the offer highlighted.
    await drow.click();
    const transcript = fac.getByTestId('transcript');
    await transcript.locator('[data-testid="tl-offer"]').waitFor();
    assert.ok(normalise(await transcript.locator('[data-testid="tl-chat"]').first().textContent()).includes('Hello from Ana at the lake.'));
    assert.equal(await transcript.locator('[data-testid="tl-accept"]').count(), 1);
    assert.ok(normalise(await transcript.locator('[data-testid="tl-ended"]').textContent()).includes('Deal'));
    const offerBg = await transcript.locator('[data-testid="tl-offer"]').evaluate((el) => getComputedStyle(el).backgroundColor);
    assert.notEqual(offerBg, 'rgba(0, 0, 0, 0)', 'offers are highlighted');
    await screenshot(fac, 'fac-05-debrief');

    // Projector mode: large type, controls hidden.
    await fac.getByTestId('debrief-fullscreen').click();
    await fac.waitForFunction(() => document.documentElement.dataset.projector === 'debrief');
    assert.equal(await fac.getByTestId('panel-live').isVisible(), false);
    assert.equal(await fac.getByTestId('debrief-refresh').isVisible(), false);
    await screenshot(fac, 'fac-06-debrief-projector');
    await fac.getByTestId('debrief-fullscreen').click();
    await fac.waitForFunction(() => !document.documentElement.dataset.projector);

    // ------------------------------------------------------------ exports
    const exports = {};
    for (const [testid, file] of [
      ['export-players', 'players.csv'],
      ['export-matches', 'matches.csv'],
      ['export-events', 'events.json'],
    ]) {
      const d = await download(fac, testid);
      assert.equal(d.name, `parley-${code}-${file}`);
      exports[file] = d.text;
    }
    assert.ok(exports['players.csv'].split('\n').length >= 3, 'players.csv has a header and two rows');
    assert.ok(exports['players.csv'].includes('Ana'));
    assert.ok(/\bdeal\b/.test(exports['matches.csv']), 'matches.csv has the deal');
    const events = JSON.parse(exports['events.json']);
    assert.ok(JSON.stringify(events).includes('"Ana"'), 'events.json names the players');

    // ------------------------------------------------------------ remove a participant
    await fac.getByTestId('tab-live').click();
    await playerRow(fac, 'Ana').getByTestId('ctl-remove').click();
    await fac.getByTestId('confirm-dialog').waitFor();
    assert.match(normalise(await fac.getByTestId('confirm-text').textContent()), /^Remove Ana from this session\?/);
    await fac.getByTestId('confirm-ok').click();
    await playerRow(fac, 'Ana').and(fac.locator('[data-status="removed"]')).waitFor();
    await fac.locator('[data-testid="ctl-status-players"][data-kind="ok"]').filter({ hasText: 'Removed Ana.' }).waitFor();

    assert.equal(await fac.evaluate(() => window.__pwned), undefined, 'names never run as HTML');
    for (const u of requested) assert.ok(!u.includes(answer.facilitator_token), `no request URL carries the token: ${u}`);

    // ------------------------------------------------------------ the console link alone reopens the console
    const again = await ctxF.newPage();
    collectPageErrors({ 'console reopened': again }, pageErrors);
    await again.goto(consoleLink);
    await again.locator('[data-testid="monitor-matches"] [data-testid="match-row"][data-phase="results"]').waitFor();
    assert.equal(normalise(await again.getByTestId('join-code').textContent()).replace(/\s/g, ''), code);
    await again.close();
    // A wrong token gets a clear message instead of a console.
    const wrong = await ctxF.newPage();
    await wrong.goto(`${BASE_URL}/facilitate?code=${code}#token=${'0'.repeat(32)}`);
    await wrong.getByTestId('screen-problem').waitFor();
    assert.match(normalise(await wrong.getByTestId('problem-text').textContent()), /does not belong to this session/);
    await wrong.close();

    assert.deepEqual(pageErrors, [], 'no JavaScript errors');
  } finally {
    await ctxF.close();
    await players.close();
  }
});

/**
 * Plays a class of pairs over raw WebSockets from inside a browser page (Node 20 has no
 * WebSocket). Pair i makes the offer plans[i].package (seat 0 offers, seat 1 accepts), or walks
 * away (plans[i].walk), or stays in prep (plans[i].stall). Resolves when every playing pair
 * reached results, with the player ids by pair.
 */
async function playClass(page, code, plans) {
  return page.evaluate(
    async ({ code, plans }) => {
      const url = `${location.protocol === 'https:' ? 'wss' : 'ws'}://${location.host}/ws`;
      const open = (name, plan, seatHint) =>
        new Promise((resolve, reject) => {
          const ws = new WebSocket(url);
          const me = { ws, name, plan, id: null, done: false, acted: new Set(), joined: null };
          const send = (m) => ws.send(JSON.stringify(m));
          me.send = send;
          ws.onopen = () => send({ type: 'hello', version: 1 });
          ws.onerror = () => reject(new Error(`socket of ${name} failed`));
          ws.onmessage = (ev) => {
            const m = JSON.parse(ev.data);
            if (m.type === 'welcome') send({ type: 'join', code, name });
            else if (m.type === 'joined') {
              me.id = m.player_id;
              resolve(me);
            } else if (m.type === 'error' && !['already_ready', 'offer_not_standing', 'wrong_phase', 'already_answered'].includes(m.code)) {
              me.error = `${m.code}: ${m.message}`;
            } else if (m.type === 'state') {
              const st = m;
              const once = (key, fn) => {
                if (!me.acted.has(key)) {
                  me.acted.add(key);
                  fn();
                }
              };
              if (st.phase === 'results') me.done = true;
              if (plan.stall || st.paused) return;
              const seat = st.you.seat;
              if (st.phase === 'prep') once('prep', () => send({ type: 'ready' }));
              if (st.phase === 'small_talk')
                once('small_talk', () => {
                  send({ type: 'chat', text: `Hi, ${name} here.` });
                  send({ type: 'ready' });
                });
              if (st.phase === 'bargaining') {
                if (plan.walk && seat === 0) once('walk', () => send({ type: 'walk_away' }));
                else if (!plan.walk && seat === 0) once('offer', () => send({ type: 'offer', package: plan.package }));
                else if (!plan.walk) {
                  const o = st.offers.find((x) => x.status === 'standing' && x.seat !== seat);
                  if (o) once(`accept-${o.id}`, () => send({ type: 'accept', offer_id: o.id }));
                }
              }
              if (st.phase === 'survey' && st.survey && !st.survey.answered)
                once('survey', () => {
                  if (plan.skipSurvey) send({ type: 'skip_survey' });
                  else {
                    const ratings = {};
                    for (const q of st.survey.questions) ratings[q.id] = plan.rating;
                    send({ type: 'survey', ratings });
                  }
                });
            }
          };
          setInterval(() => ws.readyState === 1 && send({ type: 'ping' }), 10000);
        });
      const pairs = [];
      // Join one pair at a time: automatic pairing seats them together.
      for (let i = 0; i < plans.length; i += 1) {
        const a = await open(`P${i + 1}a`, plans[i]);
        const b = await open(`P${i + 1}b`, plans[i]);
        pairs.push([a, b]);
        await new Promise((r) => setTimeout(r, 60));
      }
      const deadline = Date.now() + 60000;
      while (Date.now() < deadline) {
        const left = pairs.filter(([a, b], i) => !plans[i].stall && !(a.done && b.done));
        if (!left.length) break;
        await new Promise((r) => setTimeout(r, 200));
      }
      const errors = pairs.flat().filter((p) => p.error).map((p) => `${p.name}: ${p.error}`);
      const unfinished = pairs.filter(([a, b], i) => !plans[i].stall && !(a.done && b.done)).map(([a]) => a.name);
      window.__bots = pairs;
      return { ids: pairs.map(([a, b]) => [a.id, b.id]), errors, unfinished };
    },
    { code, plans },
  );
}

/**
 * A page on the server's origin to run playClass in, and a facilitator page whose errors are
 * collected. close() closes both.
 */
async function botsAndConsole() {
  const botPage = await openPages(browser, 1);
  const facPage = await openPages(browser, 1, { viewport: { width: 1366, height: 900 } });
  const [bots] = botPage.pages;
  const [fac] = facPage.pages;
  await bots.goto(`${BASE_URL}/healthz`);
  return {
    bots,
    fac,
    pageErrors: collectPageErrors([fac]),
    async close() {
      await botPage.close();
      await facPage.close();
    },
  };
}

test('the debrief of a class: split treatment, impasse, abandoned and unfinished matches', async () => {
  const session = await createSession({
    scenario: 'campsite',
    title: 'Class of twelve pairs',
    durations: FIVE_MINUTES,
    small_talk: 'split',
    pairing: 'auto',
  });
  const code = session.code;
  const P = (food, water, firewood) => ({ food, water, firewood });
  const plans = [
    { package: P(3, 3, 0), rating: 7 }, // the integrative trade (joint 42)
    { package: P(2, 3, 0), rating: 6 },
    { package: P(1, 2, 1), rating: 4 },
    { package: P(2, 2, 1), rating: 5, skipSurvey: true },
    { package: P(3, 3, 0), rating: 6 },
    { package: P(1, 1, 2), rating: 3 },
    { package: P(2, 2, 2), rating: 4 },
    { package: P(3, 2, 0), rating: 6 },
    { walk: true, rating: 2 },
    { package: P(2, 3, 1), rating: 5 },
    { stall: true }, // never leaves prep: unfinished
    { stall: true }, // a player is removed: abandoned
  ];
  const { bots, fac, pageErrors, close } = await botsAndConsole();
  try {
    const played = await playClass(bots, code, plans);
    assert.deepEqual(played.errors, [], 'no refused frames');
    assert.deepEqual(played.unfinished, [], 'every playing pair reached results');

    await openConsole(fac, session);
    await fac.locator('[data-testid="match-row"]').nth(plans.length - 1).waitFor();
    // Remove a player of the last pair from the console: their match is abandoned.
    const removeName = `P${plans.length}b`;
    await playerRow(fac, removeName).getByTestId('ctl-remove').click();
    await fac.getByTestId('confirm-ok').click();
    await playerRow(fac, removeName).and(fac.locator('[data-status="removed"]')).waitFor();
    await fac.locator('[data-testid="match-row"][data-outcome="abandoned"]').waitFor();
    assert.equal(await fac.locator('[data-testid="match-row"][data-phase="prep"][data-outcome=""]').count(), 1, 'one match still in prep');
    await screenshot(fac, 'fac-07-monitor-class');

    await fac.getByTestId('tab-debrief').click();
    await fac.locator('[data-testid="debrief-row"]').nth(plans.length - 1).waitFor();
    const rows = fac.locator('[data-testid="debrief-row"]');
    assert.equal(await rows.count(), plans.length);
    assert.equal(await fac.locator('[data-testid="debrief-row"][data-in-statistics="false"]').count(), 2, 'unfinished and abandoned rows are marked');
    assert.equal(await fac.locator('[data-testid="debrief-row"][data-in-statistics="false"] .excluded-tag').count(), 2);
    assert.equal(await fac.getByTestId('debrief-n').locator('.stat-value').textContent(), '10');
    assert.equal(normalise(await fac.getByTestId('debrief-impasse-rate').locator('.stat-value').textContent()), '10%');
    // Every finished outcome is on the scatter (identical points are drawn once, with a count).
    const counts = await fac.locator('[data-testid="scatter-outcome"]').evaluateAll((els) => els.map((e) => Number(e.dataset.count)));
    assert.equal(counts.reduce((a, b) => a + b, 0), 10);
    assert.ok(await fac.locator('[data-testid="scatter-outcome"][data-deal="false"]').count() >= 1, 'the impasse is drawn');
    assert.ok(await fac.locator('[data-testid="scatter-outcome"][data-small-talk="false"]').count() >= 1, 'matches without small talk are drawn');
    const ns = (await fac.locator('[data-testid="treatment-n"] td').allTextContents()).map(Number);
    assert.equal(ns[0] + ns[1], 10);
    assert.ok(ns[0] > 0 && ns[1] > 0, `both treatment groups have matches: ${ns}`);
    const debrief = await (await fetch(`${BASE_URL}/api/sessions/${code}/debrief`, { headers: { 'x-facilitator-token': session.facilitator_token } })).json();
    const histTotal = await fac.locator('[data-testid="hist-bar"] title').allTextContents();
    assert.equal(histTotal.map((t) => Number(t.split(' ')[0])).reduce((a, b) => a + b, 0), debrief.joint_values.length, 'the histogram counts every joint value');
    await screenshot(fac, 'fac-08-debrief-class');
    await fac.getByTestId('debrief-fullscreen').click();
    await fac.waitForFunction(() => document.documentElement.dataset.projector === 'debrief');
    await fac.setViewportSize({ width: 1920, height: 1080 });
    await screenshot(fac, 'fac-09-debrief-class-projector');
    assert.deepEqual(pageErrors, []);
  } finally {
    await close();
  }
});

test('pairing controls: everyone now at random, start pairing, end phase, per-match clocks', async () => {
  const session = await createSession({ scenario: 'campsite', title: 'Pairing controls', durations: FIVE_MINUTES, pairing: 'facilitator' });
  const code = session.code;
  const { bots, fac, pageErrors, close } = await botsAndConsole();
  const stall = { stall: true };
  try {
    await openConsole(fac, session);
    assert.match(normalise(await fac.getByTestId('pairing-mode').textContent()), /People wait for you/);

    // Four people wait; "pair everyone now" makes two random matches.
    await playClass(bots, code, [stall, stall]);
    await fac.locator('[data-testid="stat-waiting"][data-value="4"]').waitFor();
    await fac.getByTestId('ctl-pair-now').click();
    await fac.locator('[data-testid="ctl-status-pairing"][data-kind="ok"]').filter({ hasText: '2 matches started at random.' }).waitFor();
    await fac.locator('[data-testid="match-row"]').nth(1).waitFor();
    await fac.locator('[data-testid="stat-waiting"][data-value="0"]').waitFor();

    // Two more wait; "start pairing" pairs them and turns automatic pairing on.
    await bots.evaluate(() => {
      window.__first = window.__bots;
    });
    await playClass(bots, code, [stall]);
    await fac.locator('[data-testid="stat-waiting"][data-value="2"]').waitFor();
    await fac.getByTestId('ctl-start-pairing').click();
    await fac.locator('[data-testid="ctl-status-pairing"][data-kind="ok"]').filter({ hasText: 'Pairing is on. 1 match started.' }).waitFor();
    await fac.locator('[data-testid="match-row"]').nth(2).waitFor();
    await fac.locator('[data-testid="ctl-start-pairing"]:disabled').filter({ hasText: 'Pairing is on' }).waitFor();
    assert.match(normalise(await fac.getByTestId('pairing-mode').textContent()), /Pairing is on/);

    // Nobody to pair: the answer says so.
    await fac.getByTestId('ctl-pair-now').click();
    await fac.locator('[data-testid="ctl-status-pairing"]').filter({ hasText: 'Nobody was paired: fewer than 2 people are waiting.' }).waitFor();

    // End phase for everyone: cancelling changes nothing; confirming moves every match on.
    await fac.getByTestId('ctl-end-phase').click();
    await fac.getByTestId('confirm-cancel').click();
    await fac.waitForTimeout(1500);
    assert.equal(await fac.locator('[data-testid="match-row"][data-phase="prep"]').count(), 3, 'cancel keeps every match in prep');
    await fac.getByTestId('ctl-end-phase').click();
    await fac.getByTestId('confirm-ok').click();
    await fac.locator('[data-testid="ctl-status-clock"][data-kind="ok"]').filter({ hasText: 'Ended the current phase in 3 matches.' }).waitFor();
    await fac.waitForFunction(() => document.querySelectorAll('[data-testid="match-row"][data-phase="small_talk"]').length === 3);

    // One match's own clock.
    const first = fac.locator('[data-testid="match-row"]').first();
    const id = await first.getAttribute('data-match-id');
    const row = fac.locator(`[data-testid="match-row"][data-match-id="${id}"]`);
    await row.getByTestId('match-pause').click();
    await row.and(fac.locator('[data-paused="true"]')).waitFor();
    assert.equal(await fac.locator('[data-testid="match-row"][data-paused="true"]').count(), 1, 'only that match is paused');
    assert.equal(normalise(await row.getByTestId('match-pause').textContent()), 'Resume');
    await row.getByTestId('match-pause').click();
    await row.and(fac.locator('[data-paused="false"]')).waitFor();

    // The name filter.
    await fac.getByTestId('player-filter').fill('P1b');
    await fac.waitForFunction(() => [...document.querySelectorAll('[data-testid="player-row"]')].filter((r) => !r.hidden).length === 2);
    await fac.getByTestId('player-filter').fill('');
    assert.deepEqual(pageErrors, []);
  } finally {
    await close();
  }
});
