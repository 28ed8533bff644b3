// Words and numbers shown to the player.

/** @type {Record<import('./types.js').Phase, string>} */
export const PHASES = {
  prep: 'Preparation',
  small_talk: 'Small talk',
  bargaining: 'Bargaining',
  survey: 'Survey',
  results: 'Results',
};

/**
 * Whether the server allows this client message now (`allowed_actions` in the state frame: the
 * phase's actions less what the match rules out, such as a pause or a vote already given).
 * @param {{allowed_actions?: string[]} | null | undefined} state
 * @param {import('./types.js').ActionKind} action
 */
export function allowed(state, action) {
  return !!(state && Array.isArray(state.allowed_actions) && state.allowed_actions.includes(action));
}

/** @param {string | null | undefined} phase */
export function phaseLabel(phase) {
  return PHASES[/** @type {import('./types.js').Phase} */ (phase)] || String(phase || '');
}

/** @param {number | string} n */
export function pts(n) {
  const v = Number(n);
  const abs = Math.abs(v);
  return `${v} ${abs === 1 ? 'pt' : 'pts'}`;
}

/**
 * "12 above your walk-away" / "3 below your walk-away" / "exactly your walk-away".
 * @param {number} total
 * @param {number} batna
 */
export function versusBatna(total, batna) {
  const d = total - batna;
  if (d > 0) return `${d} above your walk-away`;
  if (d < 0) return `${-d} below your walk-away`;
  return 'exactly your walk-away';
}

/**
 * mm:ss (or h:mm:ss) for a number of milliseconds, never negative.
 * @param {number} ms
 */
export function clock(ms) {
  const total = Math.max(0, Math.ceil(ms / 1000));
  const h = Math.floor(total / 3600);
  const m = Math.floor((total % 3600) / 60);
  const sec = total % 60;
  const mm = h > 0 ? String(m).padStart(2, '0') : String(m);
  const ss = String(sec).padStart(2, '0');
  return h > 0 ? `${h}:${mm}:${ss}` : `${mm}:${ss}`;
}

/**
 * A spoken duration: "2 minutes", "45 seconds".
 * @param {number} ms
 */
export function spokenDuration(ms) {
  const s = Math.max(0, Math.round(ms / 1000));
  if (s < 60) return `${s} second${s === 1 ? '' : 's'}`;
  const m = Math.round(s / 60);
  return `${m} minute${m === 1 ? '' : 's'}`;
}

/** @param {number} ms */
export function timeOfDay(ms) {
  try {
    return new Date(ms).toLocaleTimeString([], { hour: '2-digit', minute: '2-digit' });
  } catch {
    return '';
  }
}

/** @param {unknown} x */
export function percent(x) {
  if (typeof x !== 'number' || !Number.isFinite(x)) return '–';
  return `${Math.round(x * 100)}%`;
}

/** @type {Record<string, string>} */
export const OFFER_STATUS = {
  standing: 'On the table',
  withdrawn: 'Withdrawn',
  rejected: 'Rejected',
  replaced: 'Replaced',
  accepted: 'Accepted',
  expired: 'Expired',
};

/** @param {import('./types.js').OutcomeView | null | undefined} outcome the state frame's `outcome` */
export function outcomeSentence(outcome) {
  if (!outcome) return '';
  if (outcome.kind === 'deal') return 'You reached a deal.';
  if (outcome.kind === 'impasse') {
    switch (outcome.reason) {
      case 'walked_away':
        return 'No deal: a player walked away.';
      case 'deadline':
        return 'No deal: time ran out before everyone agreed.';
      case 'ended_by_facilitator':
        return 'No deal: the facilitator ended bargaining.';
      default:
        return 'No deal.';
    }
  }
  if (outcome.kind === 'abandoned') {
    return outcome.reason ? `The match was abandoned: ${outcome.reason}` : 'The match was abandoned.';
  }
  return '';
}

/** @type {Record<string, string>} */
const ERRORS = {
  bad_json: 'Something went wrong sending that. Please try again.',
  bad_message: 'Something went wrong sending that. Please try again.',
  unknown_type: 'Something went wrong sending that. Please try again.',
  frame_too_large: 'That message is too long to send.',
  hello_required: 'The connection got confused. Reload the page to continue.',
  unsupported_version: 'This page is out of date. Reload the page to get the current version.',
  bad_token: 'Your earlier seat has expired. Please join again.',
  removed: 'The facilitator removed you from this session.',
  unknown_session: 'There is no session with that code. Check the code with your facilitator.',
  unknown_scenario: 'That scenario is not available. Pick another one or choose "Surprise me".',
  already_joined: 'You have already joined.',
  not_joined: 'Join a session first.',
  not_in_match: 'Your partner has not arrived yet. Please wait a moment.',
  rate_limited: 'You are sending messages very fast. Wait a second and send that again.',
  unknown_issue: 'That offer mentions an issue this scenario does not have.',
  missing_issue: 'Choose an option for every issue before sending the offer.',
  unknown_option: 'One of the options chosen is not valid. Pick again.',
  bad_package: 'Choose one valid option for every issue before sending the offer.',
  wrong_phase: 'That is not possible in this part of the game.',
  paused: 'The facilitator has paused the game. Please wait.',
  empty_chat: 'Type a message first.',
  chat_too_long: 'Messages can be at most 1000 characters.',
  offer_not_standing: 'That offer is no longer on the table.',
  own_offer: 'You cannot accept or reject your own offer.',
  nothing_to_withdraw: 'You have no offer on the table to withdraw.',
  already_ready: 'You have already said you are ready.',
  already_answered: 'You have already answered the survey.',
  bad_survey: 'Some survey answers were not valid. Please check them.',
  bad_guess: 'Your guess must list every issue once. Please try again.',
  bad_statement: 'That statement names options that do not exist, or the same option twice.',
  terms_not_open: 'That proposal is no longer open: it was answered, changed or withdrawn.',
  own_terms: 'You cannot answer your own proposal.',
  terms_pending: 'Another player has a proposal open on that issue: agree to it or reject it first.',
  terms_agreed: 'That issue is already agreed in principle. Reopen it first to propose something else.',
  terms_not_agreed: 'That issue is not agreed in principle.',
  match_unavailable: 'The game is restarting. Try again in a moment.',
  internal: 'The server could not save that. Nothing changed: please try again.',
  too_slow: 'Your connection could not keep up. Reconnecting…',
  replaced: 'Parley was opened with your seat in another tab or window.',
  offer_limit: 'This match has had the most offers it can take. Accept, reject or talk it through.',
  session_full: 'This session is full. Ask your facilitator.',
  not_waiting: 'You are no longer waiting for a partner.',
  bot_already_requested: 'A bot is already on its way to you.',
  not_practice: 'Bots on demand are for the practice pool. Ask your facilitator.',
  in_match: 'You are in a match: walk away to leave it.',
  observer_cannot_act: 'You are observing this match: you can watch and fill in your sheet, not play.',
  not_observing: 'You are not observing a match any more.',
  sheet_already_sent: 'You have already sent your observation sheet for this match.',
};
// bad_sheet: the server's sentence says which text is empty or too long.
// Codes whose server sentence says more than a fixed one would (e.g. why a name was refused).
// bad_name: "a name must be 1 to 40 characters", "... needs at least one visible character", ...

/**
 * A plain sentence for a server error frame.
 * @param {string | null | undefined} code
 * @param {string | null | undefined} [message]
 */
export function errorSentence(code, message) {
  if (code && ERRORS[code]) return ERRORS[code];
  if (message) {
    const m = String(message);
    return m.charAt(0).toUpperCase() + m.slice(1) + (/[.!?]$/.test(m) ? '' : '.');
  }
  return 'Something went wrong. Please try again.';
}
