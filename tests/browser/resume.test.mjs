// Resuming: mid-bargaining, player B reloads the page and comes back to the same match without
// joining again; player A sees B go offline and come back online.

import { test } from 'node:test';
import assert from 'node:assert/strict';
import {
  useBrowser,
  openPages,
  collectPageErrors,
  createSession,
  FIVE_MINUTES,
  recordFrames,
  lastState,
  screenshot,
  waitPhase,
  waitPhaseAll,
  joinAll,
  readyIntoBargaining,
} from './lib.mjs';

const browser = useBrowser();

test('a reload mid-bargaining resumes the match, and the counterpart sees it', async () => {
  const session = await createSession({ scenario: 'campsite', durations: FIVE_MINUTES });
  const { pages, close } = await openPages(browser, 2, { viewport: { width: 1100, height: 850 } });
  const [pageA, pageB] = pages;
  const framesA = recordFrames(pageA);
  const pageErrors = collectPageErrors(pages);

  try {
    // Both players join and vote their way into bargaining.
    await joinAll(pages, session.code, ['Ana', 'Ben']);
    await readyIntoBargaining(pages, ['prep', 'small_talk']);
    const stateA = lastState(framesA);
    const seatB = stateA.players.find((p) => p.seat !== stateA.you.seat).seat;

    // A makes an offer and chats, so there is something to see after the reload.
    for (const issue of stateA.scenario.issues) {
      await pageA.getByTestId(`offer-issue-${issue.id}`).selectOption('1');
    }
    await pageA.getByTestId('offer-send').click();
    await pageB.locator('[data-testid^="accept-"]').first().waitFor();
    const offerId = (await pageB.locator('[data-testid^="accept-"]').first().getAttribute('data-testid')).slice(7);
    await pageA.getByTestId('chat-input').fill('Shall we split it evenly?');
    await pageA.getByTestId('chat-send').click();
    await pageB.getByTestId('chat-log').getByText('Shall we split it evenly?').waitFor();

    // ------------------------------------------------------------ reload B
    // Tokens live in localStorage per join code, so closing the tab keeps the seat too.
    const tokenOf = (code) => JSON.parse(localStorage.getItem('parley.tokens') || '{}')[code];
    const token = await pageB.evaluate(tokenOf, session.code);
    assert.ok(token, 'B keeps its token for this session');
    const framesBefore = framesA.length;
    const framesB = recordFrames(pageB);
    await pageB.reload();
    await waitPhase(pageB, 'bargaining');
    assert.equal(await pageB.getByTestId('screen-join').isVisible(), false, 'B does not see the join form');
    const sentB = framesB.filter((f) => f.type === 'joined');
    assert.equal(sentB.length, 1, 'the server resumed B with a joined frame');
    assert.equal(await pageB.evaluate(tokenOf, session.code), token, 'same token after resume');
    // The offer and the chat are still there.
    await pageB.getByTestId(`accept-${offerId}`).waitFor();
    await pageB.getByTestId(`history-${offerId}`).waitFor();
    await pageB.getByTestId('chat-log').getByText('Shall we split it evenly?').waitFor();
    // A saw B go offline and come back (in the state frames A received during the reload).
    await pageA.locator(`[data-testid="player-${seatB}"][data-online="true"]`).waitFor();
    const during = framesA.slice(framesBefore).filter((f) => f.type === 'state');
    const onlineSeq = during.map((s) => s.players.find((p) => p.seat === seatB).online);
    assert.ok(onlineSeq.includes(false), `A was told B went offline (${JSON.stringify(onlineSeq)})`);
    assert.equal(onlineSeq[onlineSeq.length - 1], true, 'A was told B is back online');
    await screenshot(pageB, '06-resumed-after-reload');

    // ------------------------------------------------------------ B leaves the page, then comes back
    const url = pageB.url();
    await pageB.goto('about:blank');
    await pageA.locator(`[data-testid="player-${seatB}"][data-online="false"]`).waitFor();
    await pageA.getByTestId('presence').waitFor({ state: 'visible' });
    const note = await pageA.getByTestId('presence').textContent();
    assert.match(note, /Ben/, 'A is told which player lost their connection');
    await screenshot(pageA, '07-counterpart-offline');
    await pageB.goto(url);
    await waitPhase(pageB, 'bargaining');
    await pageA.locator(`[data-testid="player-${seatB}"][data-online="true"]`).waitFor();
    await pageA.getByTestId('presence').waitFor({ state: 'hidden' });

    // ------------------------------------------------------------ B accepts after resuming: the match goes on
    await pageB.getByTestId(`accept-${offerId}`).click();
    await waitPhaseAll(pages, 'survey');
    await pageB.getByTestId('survey-skip').click();
    await pageA.getByTestId('survey-skip').click();
    await waitPhase(pageA, 'results');
    await pageB.getByTestId('results').waitFor();
    assert.equal(
      await pageA.getByTestId('results-joint').getAttribute('data-value'),
      await pageB.getByTestId('results-joint').getAttribute('data-value'),
    );
    assert.deepEqual(pageErrors, [], 'no JavaScript errors');
  } finally {
    await close();
  }
});

test('a lost network shows the banner, and the page resumes when it comes back', async () => {
  const session = await createSession({ scenario: 'campsite', durations: FIVE_MINUTES });
  const { pages, close } = await openPages(browser, 2);
  const [pageA, pageB] = pages;
  // B's WebSocket goes through the test, so the test can cut it like a network drop, and refuse
  // reconnections while the "network" is down.
  let down = false;
  const live = [];
  // (The page opens /ws?code=JOINCODE once it knows the code, for a load balancer to hash on.)
  await pageB.routeWebSocket(/\/ws(\?|$)/, (ws) => {
    if (down) {
      ws.close({ code: 4000, reason: 'network down (test)' });
      return;
    }
    const server = ws.connectToServer();
    live.push({ ws, server });
  });
  try {
    await joinAll(pages, session.code, ['Ana', 'Ben']);
    await waitPhaseAll(pages, 'prep');

    down = true;
    for (const { ws, server } of live.splice(0)) {
      await server.close({ code: 4000, reason: 'network down (test)' });
      await ws.close({ code: 4000, reason: 'network down (test)' });
    }
    await pageB.getByTestId('conn-banner').getByText('Connection lost — reconnecting…').waitFor();
    await screenshot(pageB, '08-connection-lost');
    // A sees B offline in the meantime.
    await pageA.locator('[data-testid^="player-"][data-online="false"]').waitFor();
    down = false;
    await pageB.getByTestId('conn-banner').getByText('Back online').waitFor({ timeout: 20000 });
    await waitPhase(pageB, 'prep');
    await pageA.locator('[data-testid^="player-"][data-online="false"]').waitFor({ state: 'detached' });
    // Still the same seat: B can vote, and A sees the vote.
    await pageB.locator('[data-testid="ready"]:not([disabled])').click();
    await pageA.locator('[data-testid^="vote-"][data-ready="true"]').first().waitFor();
    // The banner goes away by itself.
    await pageB.getByTestId('conn-banner').waitFor({ state: 'hidden', timeout: 10000 });
  } finally {
    await close();
  }
});
