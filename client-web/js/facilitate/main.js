// Parley facilitator console: set up a session, run it live, debrief it. No build step.
//
// /facilitate                                  → the set-up form
// /facilitate?code=K7M2QX#token=…              → the console of that session (the token stays in
//                                                 the fragment, so it is never part of a request line)
// /facilitate?code=K7M2QX&view=projector       → the projector view: what a room may see, with no
//                                                 secret in the page or in the address bar (the token
//                                                 is kept in this tab's sessionStorage)

import { h, show, $, $all } from '../dom.js';
import { SessionApi, getScenarios, getSessionInfo, apiErrorSentence } from './api.js';
import { startSetup } from './setup.js';
import { Watcher } from './watch.js';
import { Monitor } from './monitor.js';
import { Debrief } from './debrief.js';
import { Tournament } from './tournament.js';
import { ProjectorView } from './projector.js';
import { fillTeachingPanel } from './teaching.js';
import { announce, copyText } from './ui.js';

function setScreen(name) {
  for (const s of ['setup', 'console', 'projector', 'problem']) show($(`#screen-${s}`), s === name);
  document.body.dataset.screen = name;
}

// The token of a session, kept for this tab only: the projector view takes it from here (a
// window the console opens gets a copy of its sessionStorage), so its address has no secret.
const tokenKey = (code) => `parley.facilitator.${code}`;

function storeToken(code, token) {
  try {
    sessionStorage.setItem(tokenKey(code), token);
  } catch {
    /* storage off: the projector view then needs the link with its token */
  }
}

function storedToken(code) {
  try {
    return sessionStorage.getItem(tokenKey(code)) || '';
  } catch {
    return '';
  }
}

const consolePath = (code, token) => `/facilitate?code=${encodeURIComponent(code)}#token=${encodeURIComponent(token)}`;
const projectorPath = (code) => `/facilitate?code=${encodeURIComponent(code)}&view=projector`;

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
  const view = params.get('view') === 'projector' ? 'projector' : 'console';
  return { code, token, view };
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

// The private console link is in the page only while the console (not the projector view) is
// shown, and on screen only after "Show private link".
let privateUrl = '';

function setPrivateLink(present) {
  const con = $('[data-testid="console-link"]');
  if (present && privateUrl) {
    con.href = privateUrl;
    con.textContent = privateUrl;
  } else {
    con.removeAttribute('href');
    con.textContent = '';
  }
}

function showPrivateLink(on) {
  const toggle = $('[data-testid="console-link-toggle"]');
  show($('#console-link-line'), on);
  toggle.setAttribute('aria-expanded', String(on));
  toggle.textContent = on ? 'Hide private link' : 'Show private link';
}

function fillJoinCard(code, token, title) {
  const joinUrl = `${location.origin}/?code=${encodeURIComponent(code)}`;
  privateUrl = `${location.origin}${consolePath(code, token)}`;
  const codeEl = $('[data-testid="join-code"]');
  codeEl.replaceChildren(h('span', null, code.slice(0, 3)), h('span', null, code.slice(3)));
  codeEl.setAttribute('aria-label', `Join code ${code.split('').join(' ')}`);
  $('[data-testid="join-code-spoken"]').textContent = `Say it letter by letter: ${code.split('').join(' · ')}`;
  const join = $('[data-testid="join-link"]');
  join.href = joinUrl;
  join.textContent = joinUrl;
  setPrivateLink(document.body.dataset.view !== 'projector');
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
    b.addEventListener('click', () => {
      const a = $(`#${b.dataset.copy}`);
      if (a.href) copyText(a.href, a, status);
    });
  }
  $('[data-testid="console-link-toggle"]').addEventListener('click', () => {
    showPrivateLink($('#console-link-line').hidden);
  });
  const banner = $('[data-testid="created-banner"]');
  $('[data-testid="created-banner-dismiss"]').addEventListener('click', () => {
    show(banner, false);
    $('#main').focus({ preventScroll: true });
  });
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

async function startConsole(code, token, { created = false, title = '', scenarioId = null, view = 'console' } = {}) {
  storeToken(code, token);
  const root = document.documentElement;
  document.body.dataset.view = view;
  if (view === 'projector') root.dataset.projector = 'room';
  setScreen(view === 'projector' ? 'projector' : 'console');
  show($('[data-testid="created-banner"]'), created);
  const projector = new ProjectorView();
  const setTitle = (t) => {
    fillJoinCard(code, token, t);
    projector.setJoin(code, t);
  };
  setTitle(title);
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
  if (!title && sess.title) setTitle(sess.title);
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
      if (info && info.title) setTitle(info.title);
    } catch {
      /* the title is cosmetic */
    }
  }

  const debrief = new Debrief({ api, sessionTitle: () => $('[data-testid="session-title"]').textContent || '' });
  // The teaching notes beside the live monitor (the facilitator's only: a token-guarded call),
  // asked for again when a tournament starts (its rounds may play other scenarios).
  let notesFor = null;
  const loadNotes = (frame) => {
    const t = frame && frame.tournament && frame.tournament.config;
    const key = JSON.stringify((t && t.rounds) || []);
    if (key === notesFor) return;
    notesFor = key;
    api.teaching().then(
      (n) => fillTeachingPanel($('#teaching-panel'), (n && n.scenarios) || []),
      () => {
        /* the notes are a help, not a need: the panel stays as it was */
      },
    );
  };
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
      loadNotes(frame);
      monitor.update(frame);
      tournament.update(frame);
      projector.update(frame);
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
      // The tab starts a refresh of the debrief; the transcript of this match opens once the
      // debrief is drawn (its box sits below the table of matches).
      selectTab($('#tab-debrief'), false);
      debrief.openTranscript(matchId);
    },
  });
  loadNotes(first);
  monitor.update(first);
  tournament.update(first);
  projector.update(first);
  watcher.start();

  // ------------------------------------------------------------ the projector view
  // Same tab ("Projector view", for a mirrored screen) or a window of its own (for a second
  // screen). Entering it takes the private link out of the page and the token out of the
  // address bar; leaving it puts them back.
  let projectorFullscreen = false;
  const enterProjector = (fullscreen) => {
    if (document.body.dataset.view === 'projector') return;
    document.body.dataset.view = 'projector';
    root.dataset.projector = 'room';
    showPrivateLink(false);
    setPrivateLink(false);
    monitor.closePanel(false);
    history.replaceState(null, '', projectorPath(code));
    setScreen('projector');
    window.scrollTo(0, 0);
    $('#main').focus({ preventScroll: true });
    projectorFullscreen = false;
    if (fullscreen && root.requestFullscreen && !document.fullscreenElement) {
      root.requestFullscreen().then(
        () => {
          projectorFullscreen = true;
        },
        () => {},
      );
    }
    announce('Projector view: the join code and the progress of the room, with no private link.');
  };
  const leaveProjector = () => {
    if (document.body.dataset.view !== 'projector') return;
    document.body.dataset.view = 'console';
    if (root.dataset.projector === 'room') delete root.dataset.projector;
    setPrivateLink(true);
    history.replaceState(null, '', consolePath(code, token));
    setScreen('console');
    if (projectorFullscreen && document.fullscreenElement && document.exitFullscreen) document.exitFullscreen().catch(() => {});
    projectorFullscreen = false;
    $('#projector-open').focus();
  };
  $('#projector-open').addEventListener('click', () => enterProjector(true));
  $('[data-testid="projector-leave"]').addEventListener('click', leaveProjector);
  $('#projector-window').addEventListener('click', () => {
    storeToken(code, token);
    // Without noopener: the new window gets a copy of this tab's sessionStorage, token included.
    const w = window.open(projectorPath(code), `parley-projector-${code}`);
    const status = $('[data-testid="copy-status"]');
    status.textContent = w ? 'The projector view opened in a new window: move it to the projector screen.' : 'The browser blocked the new window: use “Projector view” instead.';
  });
  document.addEventListener('fullscreenchange', () => {
    if (!document.fullscreenElement && projectorFullscreen) leaveProjector();
  });
  document.addEventListener('keydown', (ev) => {
    if (ev.key === 'Escape' && document.body.dataset.view === 'projector' && !document.fullscreenElement) leaveProjector();
  });

  selectTab = wireTabs((id) => {
    debriefOpen = id === 'tab-debrief';
    if (debriefOpen) debrief.refresh();
  });
  if (location.hash.includes('debrief')) selectTab($('#tab-debrief'), false);
  else if (location.hash.includes('tournament')) selectTab($('#tab-tournament'), false);
  if (view !== 'projector') announce(`Console of session ${code.split('').join(' ')} is open.`);
}

// ---------------------------------------------------------------- start

async function main() {
  const { code, token: fromLink, view } = readLocation();
  let token = fromLink;
  if (code && view === 'projector') {
    // The projector's address keeps no secret: the token moves to this tab's sessionStorage.
    if (token) {
      storeToken(code, token);
      history.replaceState(null, '', projectorPath(code));
    } else {
      token = storedToken(code);
    }
    if (!token) {
      problem(
        'Open the projector view from your console',
        `The projector view of session ${code} has no secret in its address, so it opens only from the private console link: press “Projector view” in the console.`,
      );
      return;
    }
    await startConsole(code, token, { view });
    return;
  }
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
