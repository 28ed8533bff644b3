// Parley facilitator console: set up a session, run it live, debrief it. No build step.
//
// /facilitate                          → the set-up form
// /facilitate?code=K7M2QX#token=…      → the console of that session (the token stays in the
//                                         fragment, so it is never part of a request line)

import { h, show, $, $all } from '../dom.js';
import { SessionApi, getScenarios, getSessionInfo, apiErrorSentence } from './api.js';
import { startSetup } from './setup.js';
import { Watcher } from './watch.js';
import { Monitor } from './monitor.js';
import { Debrief } from './debrief.js';
import { Tournament } from './tournament.js';
import { announce } from './ui.js';

function setScreen(name) {
  for (const s of ['setup', 'console', 'problem']) show($(`#screen-${s}`), s === name);
  document.body.dataset.screen = name;
}

function problem(title, text) {
  $('[data-testid="problem-title"]').textContent = title;
  $('[data-testid="problem-text"]').textContent = text;
  setScreen('problem');
}

function readLocation() {
  const params = new URLSearchParams(location.search);
  const code = (params.get('code') || '').trim().toUpperCase();
  const hash = new URLSearchParams(location.hash.replace(/^#/, ''));
  const token = (hash.get('token') || '').trim();
  return { code, token };
}

// ---------------------------------------------------------------- header and join card

function setConn(status, detail) {
  const el = $('[data-testid="conn-status"]');
  const text = {
    connecting: 'Connecting…',
    live: 'Live',
    lost: 'Connection lost — reconnecting…',
    refused: 'Refused',
  }[status];
  el.textContent = text || '';
  el.dataset.status = status;
  show(el, !!text);
  if (status === 'refused') {
    problem('This console link is not valid', `The server refused the facilitator token (${detail}). Check that you opened the whole private link.`);
  }
}

function fillJoinCard(code, token, title) {
  const joinUrl = `${location.origin}/?code=${encodeURIComponent(code)}`;
  const consoleUrl = `${location.origin}/facilitate?code=${encodeURIComponent(code)}#token=${encodeURIComponent(token)}`;
  const codeEl = $('[data-testid="join-code"]');
  codeEl.replaceChildren(h('span', null, code.slice(0, 3)), h('span', null, code.slice(3)));
  codeEl.setAttribute('aria-label', `Join code ${code.split('').join(' ')}`);
  $('[data-testid="join-code-spoken"]').textContent = `Say it letter by letter: ${code.split('').join(' · ')}`;
  const join = $('[data-testid="join-link"]');
  join.href = joinUrl;
  join.textContent = joinUrl;
  const con = $('[data-testid="console-link"]');
  con.href = consoleUrl;
  con.textContent = consoleUrl;
  const chip = $('[data-testid="code-chip"]');
  chip.textContent = code;
  show(chip, true);
  const t = $('[data-testid="session-title"]');
  t.textContent = title || '';
  show(t, !!title);
  document.title = `Parley — ${code}${title ? ` — ${title}` : ''} — facilitator`;
}

function wireCopyButtons() {
  const status = $('[data-testid="copy-status"]');
  for (const b of $all('[data-copy]')) {
    b.addEventListener('click', async () => {
      const a = $(`#${b.dataset.copy}`);
      const text = a.href;
      let ok = false;
      try {
        if (navigator.clipboard && window.isSecureContext) {
          await navigator.clipboard.writeText(text);
          ok = true;
        }
      } catch {
        ok = false;
      }
      if (!ok) {
        // No clipboard API (plain http on a LAN): select the link text for Ctrl+C.
        const range = document.createRange();
        range.selectNodeContents(a);
        const sel = window.getSelection();
        sel.removeAllRanges();
        sel.addRange(range);
      }
      status.textContent = ok ? 'Copied.' : 'Selected: press Ctrl+C (⌘C) to copy.';
      setTimeout(() => {
        status.textContent = '';
      }, 4000);
    });
  }
  const full = $('[data-testid="join-fullscreen"]');
  full.addEventListener('click', () => {
    const root = document.documentElement;
    if (root.dataset.projector === 'join') {
      leaveProjector();
      return;
    }
    root.dataset.projector = 'join';
    full.textContent = 'Leave full-screen';
    if (root.requestFullscreen && !document.fullscreenElement) root.requestFullscreen().catch(() => {});
  });
  const leaveProjector = () => {
    const root = document.documentElement;
    if (root.dataset.projector !== 'join') return;
    delete root.dataset.projector;
    full.textContent = 'Show join code full-screen';
    if (document.fullscreenElement && document.exitFullscreen) document.exitFullscreen().catch(() => {});
  };
  document.addEventListener('fullscreenchange', () => {
    if (!document.fullscreenElement) leaveProjector();
  });
  document.addEventListener('keydown', (ev) => {
    if (ev.key === 'Escape') leaveProjector();
  });
}

// ---------------------------------------------------------------- tabs

function wireTabs(onSelect) {
  const tabs = $all('[role="tab"]');
  const select = (tab, focus) => {
    for (const t of tabs) {
      const on = t === tab;
      t.setAttribute('aria-selected', String(on));
      t.tabIndex = on ? 0 : -1;
      show($(`#${t.getAttribute('aria-controls')}`), on);
    }
    if (focus) tab.focus();
    onSelect(tab.id);
  };
  for (const t of tabs) {
    t.addEventListener('click', () => select(t, false));
    t.addEventListener('keydown', (ev) => {
      const i = tabs.indexOf(t);
      let next = null;
      if (ev.key === 'ArrowRight') next = tabs[(i + 1) % tabs.length];
      else if (ev.key === 'ArrowLeft') next = tabs[(i - 1 + tabs.length) % tabs.length];
      else if (ev.key === 'Home') next = tabs[0];
      else if (ev.key === 'End') next = tabs[tabs.length - 1];
      if (next) {
        ev.preventDefault();
        select(next, true);
      }
    });
  }
  return select;
}

// ---------------------------------------------------------------- console

async function startConsole(code, token, { created = false, title = '', scenarioId = null } = {}) {
  setScreen('console');
  show($('[data-testid="created-banner"]'), created);
  fillJoinCard(code, token, title);
  wireCopyButtons();
  const api = new SessionApi(code, token);

  // The first monitor over HTTP checks the token and gives a clear message when it is wrong.
  let first;
  try {
    first = await api.monitor();
  } catch (e) {
    problem(
      e.code === 'unknown_session' ? 'No such session' : 'This console link is not valid',
      apiErrorSentence(e),
    );
    return;
  }
  const sess = first.session || {};
  if (!title && sess.title) fillJoinCard(code, token, sess.title);
  let scenario = null;
  let allScenarios = [];
  try {
    allScenarios = await getScenarios();
    scenario = allScenarios.find((x) => x.id === (scenarioId || sess.scenario)) || null;
  } catch {
    scenario = null;
  }
  if (!title && !sess.title) {
    try {
      const info = await getSessionInfo(code);
      if (info && info.title) fillJoinCard(code, token, info.title);
    } catch {
      /* the title is cosmetic */
    }
  }

  const debrief = new Debrief({ api });
  const tournament = new Tournament({
    api,
    scenarios: (allScenarios || []).slice().sort((a, b) => String(a.title).localeCompare(String(b.title))),
    defaultScenario: scenarioId || sess.scenario,
  });
  const badge = $('[data-testid="debrief-new"]');
  let debriefOpen = false;
  let selectTab = null;
  const watcher = new Watcher({
    code,
    token,
    onStatus: setConn,
    onMonitor: (frame) => {
      monitor.update(frame);
      tournament.update(frame);
      // A badge on the Debrief tab when results came in since its last refresh.
      const known = debrief.finishedCount();
      const now = (frame.matches || []).filter((m) => m.outcome).length;
      const fresh = known == null ? 0 : Math.max(0, now - known);
      badge.textContent = fresh ? `${fresh} new` : '';
      show(badge, !!fresh);
    },
  });
  const monitor = new Monitor({
    api,
    watcher,
    scenario,
    onTranscript: (matchId) => {
      selectTab($('#tab-debrief'), false);
      const go = () => debrief.showTranscript(matchId);
      if (debrief.loading) debrief.loading.then(go);
      else go();
    },
  });
  monitor.update(first);
  tournament.update(first);
  watcher.start();

  selectTab = wireTabs((id) => {
    debriefOpen = id === 'tab-debrief';
    if (debriefOpen) debrief.refresh();
  });
  if (location.hash.includes('debrief')) selectTab($('#tab-debrief'), false);
  else if (location.hash.includes('tournament')) selectTab($('#tab-tournament'), false);
  announce(`Console of session ${code.split('').join(' ')} is open.`);
}

// ---------------------------------------------------------------- start

async function main() {
  const { code, token } = readLocation();
  if (!code) {
    setScreen('setup');
    await startSetup({
      onCreated: (answer, scenario, body) => {
        // The console link, token in the fragment only; replaces the set-up URL in history.
        history.replaceState(null, '', answer.console_url);
        const { code: c, token: t } = readLocation();
        startConsole(c || answer.code, t || answer.facilitator_token, { created: true, title: body.title, scenarioId: scenario.id });
        window.scrollTo(0, 0);
        $('#main').focus({ preventScroll: true });
      },
    });
    return;
  }
  if (!token) {
    problem(
      'The private part of the link is missing',
      `This console link has the join code ${code} but not its facilitator token (the part after #token=). Open the whole link you got when you created the session.`,
    );
    return;
  }
  await startConsole(code, token);
}

main();
