// Teams (issue #14): the facilitator sets teams of two deciding by consensus in the console's
// set-up form; four browser players (two on a phone-sized screen) fill two teams. Each team plans
// in its private caucus (the other team's pages and frames never hold it); an offer proposed by
// one member goes out only when the teammate presses Approve; the other team accepts it the same
// way; the results show what each member did. Screenshots of the caucus, a pending approval and
// the results at 1280 and 390 px.

import { test } from 'node:test';
import assert from 'node:assert/strict';
import {
  useBrowser,
  openPages,
  collectPageErrors,
  recordFrames,
  lastState,
  screenshot,
  waitPhase,
  waitPhaseAll,
  join,
  openSetup,
  submitSetup,
  normalise,
  createSession,
  openConsole,
  BASE_URL,
  SCREENSHOTS,
} from './lib.mjs';
import path from 'node:path';

const browser = useBrowser();

/** A screenshot of one part of a page (a long phone page is hard to read whole). */
async function part(page, testid, name) {
  await page.getByTestId(testid).screenshot({ path: path.join(SCREENSHOTS, `${name}.png`) });
}
const WIDE = { viewport: { width: 1280, height: 900 } };
const PHONE = { viewport: { width: 390, height: 844 }, isMobile: true, hasTouch: true };

test('teams of two: a private caucus, an offer approved by the teammate, results per member', async () => {
  const { pages: [console], close: closeConsole } = await openPages(browser, 1, WIDE);
  const wide = await openPages(browser, 2, WIDE);
  const phone = await openPages(browser, 2, PHONE);
  // Ana and Cy on a laptop, Ben and Dee on a phone.
  const [ana, cy] = wide.pages;
  const [ben, dee] = phone.pages;
  const players = [ana, ben, cy, dee];
  const names = ['Ana', 'Ben', 'Cy', 'Dee'];
  const pageErrors = collectPageErrors({ console, Ana: ana, Ben: ben, Cy: cy, Dee: dee });
  const frames = players.map(recordFrames);
  try {
    // The facilitator picks teams of two that must agree.
    await openSetup(console, 'campsite');
    await console.getByTestId('setup-treatment-none').check();
    await console.getByTestId('setup-team-size').selectOption('2');
    await console.getByTestId('setup-team-rules').waitFor();
    await console.getByTestId('setup-team-consensus').check();
    const { answer, sent } = await submitSetup(console);
    assert.equal(sent.team_size, 2);
    assert.equal(sent.team_decision, 'consensus');
    const code = answer.code;

    // Arrival order fills the seats; each joins once the one before waits.
    for (let i = 0; i < 4; i += 1) {
      await join(players[i], code, names[i]);
      if (i < 3) await players[i].getByTestId('screen-waiting').waitFor();
    }
    await waitPhaseAll(players, 'prep');
    const states = frames.map(lastState);
    const seatOf = states.map((s) => s.you.seat);
    assert.deepEqual(seatOf, [0, 0, 1, 1], 'Ana and Ben hold one role, Cy and Dee the other');
    for (const [i, p] of players.entries()) {
      const members = normalise(await p.getByTestId('team-members').textContent());
      const mate = names[i ^ 1];
      assert.ok(members.includes(`${names[i]} (you)`) && members.includes(mate), members);
      assert.match(normalise(await p.getByTestId('team-rule').textContent()), /every teammate’s approval/);
      await p.getByTestId('caucus-private').waitFor();
    }

    // Preparation: each team plans in its caucus.
    await ana.getByTestId('caucus-input').fill('Water matters most to us; firewood we can give.');
    await ana.getByTestId('caucus-send').click();
    await ben.getByTestId('caucus-log').getByText('Water matters most to us; firewood we can give.').waitFor();
    await dee.getByTestId('caucus-input').fill('Let us ask them first what they need.');
    await dee.getByTestId('caucus-send').click();
    await cy.getByTestId('caucus-log').getByText('Let us ask them first what they need.').waitFor();
    await ben.getByTestId('caucus-input').fill('Agreed. I will watch the clock.');
    await ben.getByTestId('caucus-send').click();
    await ana.getByTestId('caucus-log').getByText('Agreed. I will watch the clock.').waitFor();
    await screenshot(ana, 'teams-01-caucus-1280');
    await screenshot(ben, 'teams-02-caucus-390');
    await part(ben, 'caucus-panel', 'teams-02b-caucus-panel-390');
    await part(ben, 'team-card', 'teams-02c-team-card-390');

    // One ready vote per role moves on.
    await ana.locator('[data-testid="ready"]:not([disabled])').click();
    await dee.locator('[data-testid="ready"]:not([disabled])').click();
    await waitPhaseAll(players, 'bargaining');

    // Ben proposes an offer: it waits for Ana's approval, and the other side sees nothing yet.
    const issues = lastState(frames[1]).scenario.issues;
    for (const [k, issue] of issues.entries()) await ben.getByTestId(`offer-issue-${issue.id}`).selectOption(String(k % 2 ? 1 : 2));
    await ben.getByTestId('offer-send').click();
    await ana.getByTestId('motion-approve').waitFor();
    assert.match(normalise(await ana.getByTestId('team-motion').textContent()), /Ben proposes: send the offer Food packs: .*\(worth \d+ points to your team\)\.\s*Waiting for Ana \(you\) to approve\./);
    await ben.getByTestId('team-motion').getByText('Your proposal: it goes out when your teammates approve.').waitFor();
    assert.equal(lastState(frames[2]).offers.length, 0, 'nothing is sent before the teammate approves');
    await screenshot(ana, 'teams-03-approval-1280');
    await screenshot(ben, 'teams-04-approval-390');
    await part(ana, 'team-card', 'teams-03b-pending-approval-1280');
    await ana.getByTestId('motion-approve').click();

    // The offer reaches Cy and Dee; Dee proposes to accept it and Cy approves: the deal.
    await dee.locator('[data-testid^="accept-"]').first().waitFor();
    const offerId = lastState(frames[3]).offers.find((o) => o.status === 'standing').id;
    await dee.getByTestId(`accept-${offerId}`).click();
    await cy.getByTestId('motion-approve').waitFor();
    assert.match(normalise(await cy.getByTestId('team-motion').textContent()), /Dee proposes: accept the other side’s offer/);
    await cy.getByTestId('motion-approve').click();
    await waitPhaseAll(players, 'survey');
    // Every member answers (or skips) the survey for themselves.
    for (const p of players) await p.getByTestId('survey-skip').click();
    await waitPhaseAll(players, 'results');

    // Results: the role's points are the team's; the member card says who did what.
    for (const p of players) await p.getByTestId('results-members').waitFor();
    // Cells: messages, statements, offers made, accepts, caucus lines.
    const row = (p, seat, member) => p.getByTestId(`member-result-${seat}-${member}`).locator('td').allTextContents();
    assert.deepEqual(await row(ana, 0, 1), ['0', '0', '1', '0', '1'], 'Ben: one offer, one caucus line');
    assert.deepEqual(await row(ana, 0, 0), ['0', '0', '0', '0', '1']);
    assert.deepEqual(await row(cy, 1, 1), ['0', '0', '0', '1', '1'], 'Dee accepted for her team');
    assert.match(normalise(await ana.getByTestId('member-result-0-1').locator('th').textContent()), /^Ben/);
    await screenshot(cy, 'teams-05-results-1280');
    await screenshot(dee, 'teams-06-results-390');
    await part(dee, 'results-members', 'teams-06b-results-members-390');

    // Caucus privacy on what each page received.
    const raw = frames.map((f) => JSON.stringify(f));
    for (const i of [0, 1]) assert.ok(!raw[i].includes('Let us ask them first'), `${names[i]} never receives South's caucus`);
    for (const i of [2, 3]) assert.ok(!raw[i].includes('Water matters most to us'), `${names[i]} never receives North's caucus`);
    assert.equal(await cy.getByText('Water matters most to us').count(), 0);
    assert.deepEqual(pageErrors, []);
  } finally {
    await wide.close();
    await phone.close();
    await closeConsole();
  }
});

test('the console pairs teams by hand: a side per person, two on one side and one on the other', async () => {
  const session = await createSession({
    scenario: 'campsite',
    pairing: 'facilitator',
    team_size: 2,
    durations: { prep: 600, small_talk: 0, bargaining: 600, survey: 600 },
  });
  const { pages: [console], close: closeConsole } = await openPages(browser, 1, WIDE);
  const wide = await openPages(browser, 3, WIDE);
  const [ana, ben, cy] = wide.pages;
  const pageErrors = collectPageErrors({ console, Ana: ana, Ben: ben, Cy: cy });
  const frames = wide.pages.map(recordFrames);
  try {
    await openConsole(console, session);
    for (const [p, name] of [[ana, 'Ana'], [ben, 'Ben'], [cy, 'Cy']]) {
      await join(p, session.code, name);
      await p.getByTestId('screen-waiting').waitFor();
    }
    const row = (name) => console.locator(`[data-testid="player-row"][data-name="${name}"]`);
    for (const name of ['Ana', 'Ben', 'Cy']) {
      await console.locator(`[data-testid="player-row"][data-name="${name}"][data-status="waiting"]`).waitFor();
    }
    assert.match(normalise(await console.getByTestId('hand-pair-hint').textContent()), /Pair by hand in teams: .*up to 4 per side/);
    // Three people and teams of two: pairing everyone makes a 2-vs-1, so nobody would be left out.
    assert.equal(await console.getByTestId('odd-hint').getAttribute('data-left'), '0');
    // Picked in turn, each goes to the emptiest side: Ana 1, Ben 2, Cy 1.
    for (const name of ['Ana', 'Ben', 'Cy']) await row(name).locator('input.pick').check();
    const wideIds = {};
    for (const name of ['Ana', 'Ben', 'Cy']) wideIds[name] = await row(name).getAttribute('data-player-id');
    const side = (name) => console.locator(`[data-testid="hand-side"][data-player-id="${wideIds[name]}"]`);
    assert.deepEqual(
      await Promise.all(['Ana', 'Ben', 'Cy'].map((n) => side(n).inputValue())),
      ['0', '1', '0'],
      'each newly picked person goes to the side with fewest',
    );
    // Everyone on one side is not a match: "Pair these" waits until each side has someone.
    await side('Ben').selectOption('0');
    assert.equal(await console.getByTestId('ctl-pair-selected').isDisabled(), true, 'a side with nobody cannot be paired');
    // ... but a bot can play the empty side (a team with no team to meet).
    assert.equal(normalise(await console.getByTestId('ctl-pair-with-bot').textContent()), 'Let a bot play South shore campers');
    await part(console, 'hand-pair', 'teams-07a-hand-pairing-bot-side-1280');
    await side('Cy').selectOption('1');
    await console.locator('[data-testid="ctl-pair-selected"]:not([disabled])').waitFor();
    assert.equal(await console.getByTestId('ctl-pair-with-bot').count(), 0, 'no empty side, no bot');
    assert.equal(normalise(await row('Cy').locator('.seat-no').textContent()), '2', 'the number beside a pick is its side');
    await screenshot(console, 'teams-07-hand-pairing-1280');
    await part(console, 'hand-pair', 'teams-07b-hand-pairing-panel-1280');
    await console.setViewportSize({ width: 390, height: 844 });
    await screenshot(console, 'teams-08-hand-pairing-390');
    await part(console, 'hand-pair', 'teams-08b-hand-pairing-panel-390');
    await console.setViewportSize({ width: 1280, height: 900 });

    const sent = console.waitForRequest((r) => r.url().endsWith('/control') && r.method() === 'POST');
    await console.getByTestId('ctl-pair-selected').click();
    const body = JSON.parse((await sent).postData());
    assert.deepEqual(body, { action: 'pair', teams: [[wideIds.Ana, wideIds.Ben], [wideIds.Cy]] });
    await console.getByTestId('ctl-status-players').getByText(/Paired Ana & Ben and Cy/).waitFor();
    await waitPhaseAll(wide.pages, 'prep');
    const seats = frames.map((f) => lastState(f).you.seat);
    assert.deepEqual(seats, [0, 0, 1], 'Ana and Ben hold seat 1 together, Cy seat 2');
    assert.match(normalise(await ana.getByTestId('team-members').textContent()), /Ana \(you\).*Ben/);
    assert.ok(!lastState(frames[2]).team, 'Cy plays his side alone');
    assert.deepEqual(pageErrors, []);
  } finally {
    await wide.close();
    await closeConsole();
  }
});

test('a tournament in teams: the console leaderboard lists each team with its members', async () => {
  const session = await createSession({
    scenario: 'campsite',
    pairing: 'facilitator',
    team_size: 2,
    durations: { prep: 0, small_talk: 0, bargaining: 600, survey: 600 },
  });
  const control = async (body) => {
    const res = await fetch(`${BASE_URL}/api/sessions/${session.code}/control`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', 'x-facilitator-token': session.facilitator_token },
      body: JSON.stringify(body),
    });
    assert.equal(res.status, 200, await res.text());
  };
  const { pages: [console], close: closeConsole } = await openPages(browser, 1, WIDE);
  const wide = await openPages(browser, 4, WIDE);
  const names = ['Ana', 'Ben', 'Cy', 'Dee'];
  const pageErrors = collectPageErrors({ console, ...Object.fromEntries(names.map((n, i) => [n, wide.pages[i]])) });
  try {
    await openConsole(console, session);
    for (const [i, p] of wide.pages.entries()) {
      await join(p, session.code, names[i]);
      await p.getByTestId('screen-waiting').waitFor();
    }
    await control({ action: 'tournament_start', rounds: ['campsite'] });
    await waitPhaseAll(wide.pages, 'bargaining');
    // Teams are formed in the order people joined: Ana & Ben against Cy & Dee.
    assert.match(normalise(await wide.pages[0].getByTestId('team-members').textContent()), /Ana \(you\).*Ben/);
    await control({ action: 'end_phase' });
    await waitPhaseAll(wide.pages, 'survey');
    await control({ action: 'end_phase' });
    await waitPhaseAll(wide.pages, 'results');
    await console.getByTestId('tab-tournament').click();
    await console.waitForFunction(
      () => [...document.querySelectorAll('[data-testid="standing-row"]')].filter((r) => r.dataset.played === '1').length === 2,
    );
    const rows = await console.locator('[data-testid="standing-row"] th.pname').allTextContents();
    assert.deepEqual(rows.map(normalise).sort(), ['Ana & Ben', 'Cy & Dee'], 'the leaderboard lists teams, not people');
    await screenshot(console, 'teams-09-tournament-leaderboard-1280');
    await part(console, 'tournament-standings', 'teams-09b-tournament-standings-1280');
    await console.setViewportSize({ width: 390, height: 844 });
    await screenshot(console, 'teams-10-tournament-leaderboard-390');
    await part(console, 'tournament-standings', 'teams-10b-tournament-standings-390');
    assert.deepEqual(pageErrors, []);
  } finally {
    await wide.close();
    await closeConsole();
  }
});
