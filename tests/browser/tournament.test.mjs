// The Tournament tab of the facilitator console in real Chromium: a session set up on
// /facilitate, four players over raw WebSockets (driven from a browser page: Node 20 has no
// WebSocket), a two-round tournament (campsite, then job-offer) started from the tab, the
// server's refusal of an early next round shown by the button, live pairings and standings,
// and the tournament exports.

import { test } from 'node:test';
import assert from 'node:assert/strict';
import {
  BASE_URL,
  useBrowser,
  collectPageErrors,
  screenshot,
  normalise,
  openSetup,
  submitSetup,
  waitConsoleLive,
  download,
} from './lib.mjs';

// A name that would run script if any page put it in with innerHTML (37 characters).
const XSS_NAME = '<img src=x onerror=window.__pwned=1>';
const NAMES = ['Ana', XSS_NAME, 'Cy', 'Dee'];

const browser = useBrowser();

/**
 * Joins players over raw WebSockets from inside a browser page. They play every match they are
 * seated in (each match once: actions are keyed by match id), but only while window.__hold is
 * false: prep ready, small talk chat + ready, seat 0 offers the middle option of every issue,
 * the other seat accepts, both skip the survey (except in the matches listed in
 * window.__surveyHold, whose players stay in the survey). Resolves with the player ids.
 */
async function joinPlayers(page, code, names) {
  return page.evaluate(
    async ({ code, names }) => {
      window.__hold = true;
      window.__surveyHold = [];
      window.__players = [];
      const url = `${location.protocol === 'https:' ? 'wss' : 'ws'}://${location.host}/ws`;
      const benign = ['already_ready', 'offer_not_standing', 'wrong_phase', 'already_answered'];
      const act = (me) => {
        const st = me.state;
        if (!st || !st.match_id) return;
        const mid = st.match_id;
        me.seats[mid] = st.you.seat;
        if (st.phase === 'results') {
          me.done[mid] = true;
          return;
        }
        if (window.__hold || st.paused) return;
        const once = (key, fn) => {
          const k = `${mid}:${key}`;
          if (!me.acted.has(k)) {
            me.acted.add(k);
            fn();
          }
        };
        const seat = st.you.seat;
        if (st.phase === 'prep') once('prep', () => me.send({ type: 'ready' }));
        if (st.phase === 'small_talk')
          once('small_talk', () => {
            me.send({ type: 'chat', text: `Hi, ${me.name} here.` });
            me.send({ type: 'ready' });
          });
        if (st.phase === 'bargaining') {
          if (seat === 0) {
            const pkg = {};
            for (const issue of st.scenario.issues) pkg[issue.id] = Math.floor(issue.options.length / 2);
            once('offer', () => me.send({ type: 'offer', package: pkg }));
          } else {
            const o = st.offers.find((x) => x.status === 'standing' && x.seat !== seat);
            if (o) once(`accept-${o.id}`, () => me.send({ type: 'accept', offer_id: o.id }));
          }
        }
        if (st.phase === 'survey' && st.survey && !st.survey.answered && !window.__surveyHold.includes(mid))
          once('survey', () => me.send({ type: 'skip_survey' }));
      };
      const open = (name) =>
        new Promise((resolve, reject) => {
          const ws = new WebSocket(url);
          const me = { name, ws, id: null, state: null, acted: new Set(), seats: {}, done: {}, errors: [], notices: [] };
          me.send = (m) => ws.send(JSON.stringify(m));
          ws.onopen = () => me.send({ type: 'hello', version: 1 });
          ws.onerror = () => reject(new Error(`socket of ${name} failed`));
          ws.onmessage = (ev) => {
            const m = JSON.parse(ev.data);
            if (m.type === 'welcome') me.send({ type: 'join', code, name });
            else if (m.type === 'joined') {
              me.id = m.player_id;
              window.__players.push(me);
              resolve(me);
            } else if (m.type === 'error' && !benign.includes(m.code)) me.errors.push(`${m.code}: ${m.message}`);
            else if (m.type === 'notice') me.notices.push(m.text);
            else if (m.type === 'state') {
              me.state = m;
              act(me);
            }
          };
          setInterval(() => ws.readyState === 1 && me.send({ type: 'ping' }), 10000);
        });
      const players = [];
      for (const n of names) players.push(await open(n));
      setInterval(() => {
        for (const p of window.__players) act(p);
      }, 250);
      return players.map((p) => ({ name: p.name, id: p.id }));
    },
    { code, names },
  );
}

/** Every player has finished `n` matches. */
async function waitMatchesDone(page, n, timeout = 60000) {
  await page.waitForFunction((n) => window.__players.every((p) => Object.keys(p.done).length >= n), n, { timeout });
}

/** The seat each player had in each match: {match_id: {player_id: seat}}. */
async function seatsByMatch(page) {
  return page.evaluate(() => {
    const out = {};
    for (const p of window.__players) for (const [mid, seat] of Object.entries(p.seats)) (out[mid] ||= {})[p.id] = seat;
    return out;
  });
}

/** The pairings of one round as shown: [{match_id, names}]. */
async function shownRound(page, round) {
  return page.locator(`[data-testid="pairing-round"][data-round="${round}"] [data-testid="pairing-group"]`).evaluateAll((rows) =>
    rows.map((r) => ({
      match_id: r.dataset.matchId,
      phase: r.dataset.phase,
      names: [...r.querySelectorAll('[data-testid="pairing-seat"] .pname')].map((e) => e.textContent),
    })),
  );
}

const pairKey = (names) => names.slice().sort().join(' + ');

test('a facilitator runs a two-round tournament from the Tournament tab', async () => {
  const ctxF = await browser.newContext({ viewport: { width: 1366, height: 900 }, acceptDownloads: true });
  const ctxBots = await browser.newContext();
  const fac = await ctxF.newPage();
  const bots = await ctxBots.newPage();
  const pageErrors = collectPageErrors({ facilitator: fac, players: bots });
  const controls = [];
  fac.on('request', (r) => {
    if (r.url().endsWith('/control') && r.method() === 'POST') controls.push(JSON.parse(r.postData()));
  });

  try {
    // ------------------------------------------------------------ set up a session in the console
    await openSetup(fac, 'campsite');
    await fac.getByTestId('setup-title').fill('Tournament browser test');
    const minutes = { prep: '1', small_talk: '1', bargaining: '2', survey: '1' };
    for (const [k, v] of Object.entries(minutes)) await fac.getByTestId(`setup-duration-${k}`).fill(v);
    await fac.getByTestId('setup-pairing-facilitator').check();
    const { answer, sent } = await submitSetup(fac);
    assert.deepEqual(sent.durations, { prep: 60, small_talk: 60, bargaining: 120, survey: 60 });
    const code = answer.code;
    const token = answer.facilitator_token;
    await waitConsoleLive(fac);

    // Before any tournament the exports answer 404 no_tournament (the tab hides them).
    const none = await fetch(`${BASE_URL}/api/sessions/${code}/export/standings.csv`, { headers: { 'x-facilitator-token': token } });
    assert.equal(none.status, 404);

    // ------------------------------------------------------------ four players join and wait
    await bots.goto(`${BASE_URL}/healthz`);
    const players = await joinPlayers(bots, code, NAMES);
    const nameOf = new Map(players.map((p) => [p.id, p.name]));
    await fac.locator('[data-testid="stat-waiting"][data-value="4"]').waitFor();

    // ------------------------------------------------------------ the Tournament tab: set up
    await fac.getByTestId('tab-tournament').click();
    await fac.getByTestId('panel-tournament').waitFor();
    assert.equal(await fac.getByTestId('panel-live').isVisible(), false, 'the tab replaces the live panel');
    await fac.locator('[data-testid="tournament-roster"][data-count="4"]').waitFor();
    assert.match(normalise(await fac.getByTestId('tournament-roster').textContent()), /^4 participants will play/);
    assert.match(normalise(await fac.getByTestId('tournament-rounds-hint').textContent()), /With 4 players in two-role scenarios, 3 rounds let everyone meet a new counterpart/);
    assert.equal(await fac.getByTestId('export-standings').isVisible(), false, 'no exports before a tournament');
    // Default: one select per round, each on the session's scenario.
    assert.equal(await fac.getByTestId('tournament-rounds').inputValue(), '3');
    assert.equal(await fac.locator('[data-testid="tournament-round-list"] select').count(), 3);
    for (let i = 1; i <= 3; i += 1) assert.equal(await fac.getByTestId(`tournament-round-scenario-${i}`).inputValue(), 'campsite');
    await fac.getByTestId('tournament-rounds').fill('2');
    assert.equal(await fac.locator('[data-testid="tournament-round-list"] select').count(), 2);
    await fac.getByTestId('tournament-round-scenario-2').selectOption('job-offer');
    // The weights, shown as the formula; weights that do not add up to 1 are shown rescaled.
    assert.equal(normalise(await fac.getByTestId('tournament-formula').textContent()), 'score = value × 0.7 + trust × 0.3');
    await fac.getByTestId('tournament-weight-value').fill('2');
    await fac.getByTestId('tournament-weight-trust').fill('1');
    assert.equal(
      normalise(await fac.getByTestId('tournament-formula').textContent()),
      'score = value × 0.67 + trust × 0.33 (weights 2 and 1, scaled to add up to 1)',
    );
    await fac.getByTestId('tournament-weight-value').fill('0.6');
    await fac.getByTestId('tournament-weight-trust').fill('0.4');
    assert.equal(normalise(await fac.getByTestId('tournament-formula').textContent()), 'score = value × 0.6 + trust × 0.4');
    await screenshot(fac, 'fac-tournament-0-setup');

    // ------------------------------------------------------------ start: round 1
    await fac.getByTestId('tournament-start').click();
    await fac.getByTestId('tournament-live').waitFor();
    assert.deepEqual(controls.at(-1), { action: 'tournament_start', rounds: ['campsite', 'job-offer'], weights: { value: 0.6, trust: 0.4 } });
    assert.equal(await fac.getByTestId('tournament-setup').isVisible(), false, 'the set-up form gives way to the running tournament');
    await fac.locator('[data-testid="tournament-start-status"][data-kind="ok"], [data-testid="tournament-next-status"][data-kind="ok"]').first().waitFor({ state: 'attached' });
    assert.equal(normalise(await fac.getByTestId('tournament-weights').textContent()), 'score = value × 0.6 + trust × 0.4', 'the weights in use');
    await fac.locator('[data-testid="tournament-heading"][data-round="1"]').waitFor();
    assert.equal(normalise(await fac.getByTestId('tournament-heading').textContent()), 'Tournament — round 1 of 2');
    assert.equal(normalise(await fac.getByTestId('tournament-tab-round').textContent()), 'round 1 of 2');
    await fac.locator('[data-testid="pairing-round"][data-round="1"] [data-testid="pairing-group"]').nth(1).waitFor();
    const round1 = await shownRound(fac, 1);
    assert.equal(round1.length, 2, 'two matches in round 1');
    assert.deepEqual(round1.flatMap((g) => g.names).sort(), NAMES.slice().sort(), 'everyone plays once in round 1');
    assert.ok(
      normalise(await fac.locator('[data-testid="pairing-round"][data-round="1"] thead').textContent()).includes('North shore campers'),
      'round 1 columns are the campsite roles',
    );
    assert.equal(await fac.locator('[data-testid="standing-row"]').count(), 4, 'everyone is in the table from the start');
    assert.deepEqual(
      await fac.locator('[data-testid="standing-row"] td.rank').allTextContents(),
      ['–', '–', '–', '–'],
      'no rank before anyone has played',
    );

    // Next round while round 1 is still being played: the server's message next to the button.
    await bots.waitForFunction(() => window.__players.every((p) => p.state && p.state.phase === 'prep'));
    // The match column follows the monitor frames.
    await fac.waitForFunction(
      () => document.querySelectorAll('[data-testid="pairing-round"][data-round="1"] [data-testid="pairing-group"][data-phase="prep"]').length === 2,
    );
    assert.deepEqual(
      (await fac.locator('[data-testid="pairing-round"][data-round="1"] .moutcome').allTextContents()).map(normalise),
      ['Preparation', 'Preparation'],
    );
    await fac.getByTestId('tournament-next').click();
    const refused = fac.locator('[data-testid="tournament-next-status"][data-kind="error"]');
    await refused.waitFor();
    assert.match(normalise(await refused.textContent()), /^The previous round is still being played/);
    assert.deepEqual(controls.at(-1), { action: 'tournament_next_round' });
    await screenshot(fac, 'fac-tournament-1-round1-refused');

    // ------------------------------------------------------------ round 1 is played to results
    await bots.evaluate(() => {
      window.__hold = false;
    });
    await waitMatchesDone(bots, 1);
    await fac.locator('[data-testid="tournament-progress"][data-done="2"][data-total="2"]').waitFor();
    await fac.waitForFunction(() => [...document.querySelectorAll('[data-testid="standing-row"]')].filter((r) => r.dataset.played === '1').length === 4);
    // The first name of a group played the first role.
    let seats = await seatsByMatch(bots);
    const t1 = await (await fetch(`${BASE_URL}/api/sessions/${code}/tournament`, { headers: { 'x-facilitator-token': token } })).json();
    for (const g of t1.rounds[0].groups) {
      assert.equal(seats[g.match_id][g.players[0]], 0, `${g.names[0]} sat in seat 1 of ${g.match_id}`);
      assert.equal(seats[g.match_id][g.players[1]], 1);
      const shown = round1.find((r) => r.match_id === g.match_id);
      assert.deepEqual(shown.names, g.names, 'the pairing shows the names in role order');
    }
    // Every seat shows that player's value once results are in.
    assert.equal(await fac.locator('[data-testid="pairing-round"][data-round="1"] .seat-value').count(), 4);
    assert.equal(await fac.locator('[data-testid="pairing-round"][data-round="1"] .moutcome[data-kind="deal"]').count(), 2, 'both matches show their deal');
    // The refusal is cleared once the round it was about has finished.
    await fac.locator('[data-testid="tournament-next-status"]:not([data-kind="error"])').waitFor({ state: 'attached' });
    await screenshot(fac, 'fac-tournament-2-round1-done');

    // ------------------------------------------------------------ round 2: new opponents
    await bots.evaluate(() => {
      window.__hold = true;
    });
    await fac.getByTestId('tournament-next').click();
    await fac.locator('[data-testid="tournament-next-status"][data-kind="ok"]').filter({ hasText: 'Round 2 of 2 started: 2 matches.' }).waitFor();
    assert.deepEqual(controls.at(-1), { action: 'tournament_next_round' });
    await fac.locator('[data-testid="pairing-round"][data-round="2"] [data-testid="pairing-group"]').nth(1).waitFor();
    await fac.locator('[data-testid="tournament-heading"][data-round="2"]').waitFor();
    const round2 = await shownRound(fac, 2);
    assert.equal(round2.length, 2);
    assert.deepEqual(round2.flatMap((g) => g.names).sort(), NAMES.slice().sort(), 'everyone plays once in round 2');
    const met = new Set(round1.map((g) => pairKey(g.names)));
    for (const g of round2) assert.ok(!met.has(pairKey(g.names)), `new opponents in round 2: ${pairKey(g.names)}`);
    assert.ok(
      normalise(await fac.locator('[data-testid="pairing-round"][data-round="2"]').textContent()).includes('Job offer'),
      'round 2 is the job-offer scenario',
    );
    assert.equal(normalise(await fac.getByTestId('tournament-next').textContent()), 'All 2 rounds started');
    assert.equal(await fac.getByTestId('tournament-next').isDisabled(), true);
    await screenshot(fac, 'fac-tournament-3-round2');

    // Round 2 is played up to the surveys, which wait; then one match finishes. A match counts in
    // the standings once it has reached its results (as in the progress line and the rule for the
    // next round), not while its players are still in the survey.
    const [doneGroup, heldGroup] = round2;
    await bots.evaluate((ids) => {
      window.__surveyHold = ids;
      window.__hold = false;
    }, round2.map((g) => g.match_id));
    // Round 2 is played by the page's scripted players at their own pace; on a loaded machine
    // (CI beside other work) that took more than the default 30 s once.
    await bots.waitForFunction(
      (ids) => window.__players.every((p) => p.state && ids.includes(p.state.match_id) && p.state.phase === 'survey'),
      round2.map((g) => g.match_id),
      { timeout: 90_000 },
    );
    await bots.evaluate((id) => {
      window.__surveyHold = [id];
    }, heldGroup.match_id);
    await fac.locator('[data-testid="tournament-progress"][data-done="1"][data-total="2"]').filter({ hasText: 'Round 2' }).waitFor();
    const playedNow = await fac
      .locator('[data-testid="standing-row"]')
      .evaluateAll((trs) => Object.fromEntries(trs.map((tr) => [tr.dataset.name, tr.dataset.played])));
    for (const n of doneGroup.names) assert.equal(playedNow[n], '2', `${n}'s round-2 match has its results: played 2`);
    for (const n of heldGroup.names) assert.equal(playedNow[n], '1', `${n}'s round-2 match is still in its survey: played 1, shown with "1 of 2 matches finished"`);
    const tHeld = await (await fetch(`${BASE_URL}/api/sessions/${code}/tournament`, { headers: { 'x-facilitator-token': token } })).json();
    for (const r of tHeld.standings) {
      assert.equal(r.played, heldGroup.names.includes(r.name) ? 1 : 2, `GET /tournament: ${r.name} played ${r.played} while one match is in its survey`);
    }
    await bots.evaluate(() => {
      window.__surveyHold = [];
    });
    await waitMatchesDone(bots, 2);

    // ------------------------------------------------------------ final standings
    await fac.waitForFunction(() => [...document.querySelectorAll('[data-testid="standing-row"]')].filter((r) => r.dataset.played === '2').length === 4);
    const rows = fac.locator('[data-testid="standing-row"]');
    assert.equal(await rows.count(), 4, 'four rows in the standings');
    const table = await rows.evaluateAll((trs) =>
      trs.map((tr) => ({
        rank: tr.querySelector('td.rank').textContent,
        name: tr.querySelector('th').textContent,
        played: tr.querySelector('[data-testid="standing-played"]').textContent,
        byes: tr.querySelector('[data-testid="standing-byes"]').textContent,
        value: tr.querySelector('[data-testid="standing-value"]').textContent,
        trust: tr.querySelector('[data-testid="standing-trust"]').textContent,
        score: tr.querySelector('[data-testid="standing-score"]').textContent,
      })),
    );
    const tv = await (await fetch(`${BASE_URL}/api/sessions/${code}/tournament`, { headers: { 'x-facilitator-token': token } })).json();
    assert.equal(tv.standings.length, 4);
    tv.standings.forEach((s, i) => {
      const row = table[i];
      assert.equal(row.name, s.name, 'names in standings order, as text');
      assert.equal(row.rank, String(s.rank));
      assert.equal(row.played, '2');
      assert.equal(row.byes, '0');
      assert.equal(row.value, `${Math.round(s.value * 100)}%`, 'mean value as a percentage');
      assert.equal(row.trust, '–', 'nobody rated trust (surveys skipped)');
      assert.equal(row.score, (Math.round(s.score * 1000) / 10).toFixed(1), 'score on 0–100');
    });
    assert.match(normalise(await fac.getByTestId('tournament-progress').textContent()), /^All 2 rounds played: the standings are final\.$/);
    // Round 2's seats match the roles shown too.
    seats = await seatsByMatch(bots);
    for (const g of tv.rounds[1].groups) assert.equal(seats[g.match_id][g.players[0]], 0);
    assert.equal(nameOf.get(tv.rounds[1].groups[0].players[0]), tv.rounds[1].groups[0].names[0]);

    // Names never become markup.
    assert.equal(await fac.locator('[data-testid="panel-tournament"] img').count(), 0, 'no markup from names');
    assert.ok(table.some((r) => r.name === XSS_NAME), 'the odd name is shown as text');
    assert.equal(await fac.evaluate(() => window.__pwned), undefined);
    await screenshot(fac, 'fac-tournament-4-final');

    // ------------------------------------------------------------ exports
    const files = {};
    for (const [testid, file] of [
      ['export-standings', 'standings.csv'],
      ['export-tournament', 'tournament.csv'],
    ]) {
      const d = await download(fac, testid);
      assert.equal(d.name, `parley-${code}-${file}`);
      files[file] = d.text;
      await fac.locator('[data-testid="tournament-export-status"][data-kind="ok"]').filter({ hasText: `${file} downloaded` }).waitFor();
    }
    const standingsLines = files['standings.csv'].trim().split(/\r?\n/);
    assert.equal(standingsLines[0], 'rank,player,name,played,byes,value,trust,score');
    assert.equal(standingsLines.length, 5, 'standings.csv: a header and four players');
    assert.ok(files['standings.csv'].includes('Dee'));
    const tourLines = files['tournament.csv'].trim().split(/\r?\n/);
    assert.ok(tourLines[0].startsWith('round,match_id,player,name'));
    assert.equal(tourLines.length, 9, 'tournament.csv: a header and 4 players × 2 rounds');

    // The standings on the projector.
    await fac.getByTestId('tournament-fullscreen').click();
    await fac.waitForFunction(() => document.documentElement.dataset.projector === 'tournament');
    assert.equal(await fac.getByTestId('tournament-next').isVisible(), false, 'controls stay off the projector');
    assert.equal(await fac.getByTestId('tournament-standings').isVisible(), true);
    await fac.setViewportSize({ width: 1920, height: 1080 });
    await screenshot(fac, 'fac-tournament-5-projector');
    await fac.getByTestId('tournament-fullscreen').click();
    await fac.waitForFunction(() => !document.documentElement.dataset.projector);

    const errors = await bots.evaluate(() => window.__players.flatMap((p) => p.errors.map((e) => `${p.name}: ${e}`)));
    assert.deepEqual(errors, [], 'no refused player frames');
    assert.deepEqual(pageErrors, [], 'no JavaScript errors');
  } finally {
    await ctxF.close();
    await ctxBots.close();
  }
});
