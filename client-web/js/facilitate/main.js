// Parley facilitator console: set up a session, run it live, debrief it. No build step.
//
// /facilitate                                  → the set-up form
// /facilitate?code=K7M2QX#token=…              → the console of that session (the token stays in
//                                                 the fragment, so it is never part of a request line)
// /facilitate?code=K7M2QX&view=projector       → the projector view: what a room may see, with no
//                                                 secret in the page or in the address bar (the token
//                                                 is kept in this tab's sessionStorage)

import { h, show, $, $all } from '../dom.js';
import { t, num, translatePage } from '../i18n.js';
import { ApiError, SessionApi, getScenarios, getSessionInfo, apiErrorSentence } from './api.js';
import { mountLanguagePicker, addressWithoutLang } from './language.js';
import { startSetup } from './setup.js';
import { Watcher } from './watch.js';
import { Monitor } from './monitor.js';
import { Debrief } from './debrief.js';
import { Tournament } from './tournament.js';
import { ProjectorView } from './projector.js';
import { fillTeachingPanel } from './teaching.js';
import { announce, copyText } from './ui.js';

/** @typedef {import('../types.js').MonitorView} MonitorView */
/** @typedef {import('./shapes.js').ScenarioListing} ScenarioListing */

/** @param {'setup' | 'console' | 'projector' | 'problem'} name */
function setScreen(name) {
  for (const s of ['setup', 'console', 'projector', 'problem']) show($(`#screen-${s}`), s === name);
  document.body.dataset.screen = name;
}

// The token of a session, kept for this tab only: the projector view takes it from here (a
// window the console opens gets a copy of its sessionStorage), so its address has no secret.
const tokenKey = (/** @type {string} */ code) => `parley.facilitator.${code}`;

/** @param {string} code @param {string} token */
function storeToken(code, token) {
  try {
    sessionStorage.setItem(tokenKey(code), token);
  } catch {
    /* storage off: the projector view then needs the link with its token */
  }
}

/** @param {string} code */
function storedToken(code) {
  try {
    return sessionStorage.getItem(tokenKey(code)) || '';
  } catch {
    return '';
  }
}

const consolePath = (/** @type {string} */ code, /** @type {string} */ token) => `/facilitate?code=${encodeURIComponent(code)}#token=${encodeURIComponent(token)}`;
const projectorPath = (/** @type {string} */ code) => `/facilitate?code=${encodeURIComponent(code)}&view=projector`;

/** @param {string} title @param {string} text */
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

/**
 * @param {import('./watch.js').WatchStatus} status
 * @param {string} [detail]
 */
function setConn(status, detail) {
  const el = $('[data-testid="conn-status"]');
  const text = {
    connecting: t('console.conn.connecting'),
    live: t('console.conn.live'),
    lost: t('console.conn.lost'),
    refused: t('console.conn.refused'),
  }[status];
  el.textContent = text || '';
  el.dataset.status = status;
  show(el, !!text);
  if (status === 'refused') {
    problem(t('console.problem.invalid_link'), t('console.problem.token_refused', { detail: detail || '' }));
  }
}

// The private console link is in the page only while the console (not the projector view) is
// shown, and on screen only after "Show private link".
let privateUrl = '';

/** @param {boolean} present */
function setPrivateLink(present) {
  const con = /** @type {HTMLAnchorElement} */ ($('[data-testid="console-link"]'));
  if (present && privateUrl) {
    con.href = privateUrl;
    con.textContent = privateUrl;
  } else {
    con.removeAttribute('href');
    con.textContent = '';
  }
}

/** @param {boolean} on */
function showPrivateLink(on) {
  const toggle = $('[data-testid="console-link-toggle"]');
  show($('#console-link-line'), on);
  toggle.setAttribute('aria-expanded', String(on));
  toggle.textContent = on ? t('console.join.hide_private') : t('console.join.show_private');
}

/** @param {string} code @param {string} token @param {string} title */
function fillJoinCard(code, token, title) {
  const joinUrl = `${location.origin}/?code=${encodeURIComponent(code)}`;
  privateUrl = `${location.origin}${consolePath(code, token)}`;
  const codeEl = $('[data-testid="join-code"]');
  codeEl.replaceChildren(h('span', null, code.slice(0, 3)), h('span', null, code.slice(3)));
  codeEl.setAttribute('aria-label', t('console.join.code_aria', { code: code.split('').join(' ') }));
  $('[data-testid="join-code-spoken"]').textContent = t('console.join.spoken', { letters: code.split('').join(' · ') });
  const join = /** @type {HTMLAnchorElement} */ ($('[data-testid="join-link"]'));
  join.href = joinUrl;
  join.textContent = joinUrl;
  setPrivateLink(document.body.dataset.view !== 'projector');
  const chip = $('[data-testid="code-chip"]');
  chip.textContent = code;
  show(chip, true);
  const titleEl = $('[data-testid="session-title"]');
  titleEl.textContent = title || '';
  show(titleEl, !!title);
  document.title = title ? t('console.doc_title_named', { code, title }) : t('console.doc_title_code', { code });
}

function wireCopyButtons() {
  const status = $('[data-testid="copy-status"]');
  for (const b of $all('[data-copy]')) {
    b.addEventListener('click', () => {
      const a = /** @type {HTMLAnchorElement} */ ($(`#${b.dataset.copy}`));
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
    full.textContent = t('console.fullscreen.leave');
    if (root.requestFullscreen && !document.fullscreenElement) root.requestFullscreen().catch(() => {});
  });
  const leaveProjector = () => {
    const root = document.documentElement;
    if (root.dataset.projector !== 'join') return;
    delete root.dataset.projector;
    full.textContent = t('console.join.fullscreen');
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

/**
 * @param {(id: string) => void} onSelect
 * @returns {(tab: HTMLElement, focus: boolean) => void}
 */
function wireTabs(onSelect) {
  const tabs = $all('[role="tab"]');
  /** @param {HTMLElement} tab @param {boolean} focus */
  const select = (tab, focus) => {
    for (const x of tabs) {
      const on = x === tab;
      x.setAttribute('aria-selected', String(on));
      x.tabIndex = on ? 0 : -1;
      show($(`#${x.getAttribute('aria-controls')}`), on);
    }
    if (focus) tab.focus();
    onSelect(tab.id);
  };
  for (const tab of tabs) {
    tab.addEventListener('click', () => select(tab, false));
    tab.addEventListener('keydown', (ev) => {
      const i = tabs.indexOf(tab);
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

/**
 * @param {string} code
 * @param {string} token
 * @param {{created?: boolean, title?: string, scenarioId?: string | null, view?: 'console' | 'projector'}} [options]
 */
async function startConsole(code, token, { created = false, title = '', scenarioId = null, view = 'console' } = {}) {
  storeToken(code, token);
  const root = document.documentElement;
  document.body.dataset.view = view;
  if (view === 'projector') root.dataset.projector = 'room';
  setScreen(view === 'projector' ? 'projector' : 'console');
  show($('[data-testid="created-banner"]'), created);
  const projector = new ProjectorView();
  const setTitle = (/** @type {string} */ text) => {
    fillJoinCard(code, token, text);
    projector.setJoin(code, text);
  };
  setTitle(title);
  wireCopyButtons();
  const api = new SessionApi(code, token);

  // The first monitor over HTTP checks the token and gives a clear message when it is wrong.
  /** @type {MonitorView} */
  let first;
  try {
    first = await api.monitor();
  } catch (e) {
    problem(
      e instanceof ApiError && e.code === 'unknown_session' ? t('console.problem.no_session') : t('console.problem.invalid_link'),
      apiErrorSentence(e),
    );
    return;
  }
  const sess = first.session;
  if (!title && sess.title) setTitle(sess.title);
  /** @type {ScenarioListing | null} */
  let scenario = null;
  /** @type {ScenarioListing[]} */
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
  /** @type {string | null} */
  let notesFor = null;
  const loadNotes = (/** @type {MonitorView} */ frame) => {
    const config = frame && frame.tournament && frame.tournament.config;
    const key = JSON.stringify((config && config.rounds) || []);
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
    defaultScenario: scenarioId || sess.scenario || '',
  });
  const badge = $('[data-testid="debrief-new"]');
  /** @type {(tab: HTMLElement, focus: boolean) => void} */
  let selectTab = () => {};
  /** @type {Monitor | null} */
  let monitor = null;
  const watcher = new Watcher({
    code,
    token,
    onStatus: setConn,
    onMonitor: (frame) => {
      loadNotes(frame);
      if (monitor) monitor.update(frame);
      tournament.update(frame);
      projector.update(frame);
      // A badge on the Debrief tab when results came in since its last refresh.
      const known = debrief.finishedCount();
      const now = (frame.matches || []).filter((m) => m.outcome).length;
      const fresh = known == null ? 0 : Math.max(0, now - known);
      badge.textContent = fresh ? t('console.tab.new_results', { n: num(fresh) }) : '';
      show(badge, !!fresh);
    },
  });
  monitor = new Monitor({
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
  const enterProjector = (/** @type {boolean} */ fullscreen) => {
    if (document.body.dataset.view === 'projector') return;
    document.body.dataset.view = 'projector';
    root.dataset.projector = 'room';
    showPrivateLink(false);
    setPrivateLink(false);
    if (monitor) monitor.closePanel(false);
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
    announce(t('console.projector.announce'));
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
    status.textContent = w ? t('console.projector.window_opened') : t('console.projector.window_blocked');
  });
  document.addEventListener('fullscreenchange', () => {
    if (!document.fullscreenElement && projectorFullscreen) leaveProjector();
  });
  document.addEventListener('keydown', (ev) => {
    if (ev.key === 'Escape' && document.body.dataset.view === 'projector' && !document.fullscreenElement) leaveProjector();
  });

  selectTab = wireTabs((id) => {
    if (id === 'tab-debrief') debrief.refresh();
  });
  if (location.hash.includes('debrief')) selectTab($('#tab-debrief'), false);
  else if (location.hash.includes('tournament')) selectTab($('#tab-tournament'), false);
  if (view !== 'projector') announce(t('console.announce_open', { code: code.split('').join(' ') }));
}

// ---------------------------------------------------------------- start

/**
 * The language picker in the header. Switching reloads the page: the console comes back from its
 * address (code, and token in the fragment), on the tab that was open; the projector view from
 * this tab's sessionStorage; the set-up form starts again (nothing is created yet).
 */
function wireLanguage() {
  mountLanguagePicker($('#lang-picker'), () => {
    const hash = new URLSearchParams(location.hash.replace(/^#/, ''));
    const open = $all('[role="tab"][aria-selected="true"]')[0];
    hash.delete('tab');
    if (open && open.id !== 'tab-live' && !$('#screen-console').hidden) hash.set('tab', open.id.replace(/^tab-/, ''));
    const fragment = hash.toString();
    history.replaceState(null, '', addressWithoutLang(fragment ? `#${fragment}` : ''));
    location.reload();
  });
}

async function main() {
  translatePage();
  wireLanguage();
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
      problem(t('console.problem.projector_title'), t('console.problem.projector_text', { code }));
      return;
    }
    await startConsole(code, token, { view });
    return;
  }
  if (!code) {
    setScreen('setup');
    await startSetup({
      onCreated: (answer, scenario, title) => {
        // The console link, token in the fragment only; replaces the set-up URL in history.
        history.replaceState(null, '', answer.console_url);
        const { code: c, token: tok } = readLocation();
        startConsole(c || answer.code, tok || answer.facilitator_token, { created: true, title, scenarioId: scenario.id });
        window.scrollTo(0, 0);
        $('#main').focus({ preventScroll: true });
      },
    });
    return;
  }
  if (!token) {
    problem(t('console.problem.missing_token_title'), t('console.problem.missing_token_text', { code }));
    return;
  }
  await startConsole(code, token);
}

main();
