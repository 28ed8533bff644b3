// Words and numbers shown to the player, in the page's language (./i18n.js).

import { t, tn, num, dateTime, list, language } from './i18n.js';

/** Every phase, in play order, with the catalog key of its name. */
/** @type {Record<import('./types.js').Phase, string>} */
export const PHASES = {
  prep: 'common.phase.prep',
  small_talk: 'common.phase.small_talk',
  bargaining: 'common.phase.bargaining',
  survey: 'common.phase.survey',
  results: 'common.phase.results',
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
  const key = PHASES[/** @type {import('./types.js').Phase} */ (phase)];
  return key ? t(key) : String(phase || '');
}

/** @param {number | string} n */
export function pts(n) {
  return tn('common.pts', Number(n));
}

/**
 * "12 above your walk-away" / "3 below your walk-away" / "exactly your walk-away".
 * @param {number} total
 * @param {number} batna
 */
export function versusBatna(total, batna) {
  const d = total - batna;
  if (d > 0) return t('common.batna.above', { n: num(d) });
  if (d < 0) return t('common.batna.below', { n: num(-d) });
  return t('common.batna.exactly');
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
  if (s < 60) return tn('common.seconds', s);
  return tn('common.minutes', Math.round(s / 60));
}

/** @param {number} ms */
export function timeOfDay(ms) {
  try {
    return dateTime(ms, { hour: '2-digit', minute: '2-digit' });
  } catch {
    return '';
  }
}

/** @param {unknown} x */
export function percent(x) {
  if (typeof x !== 'number' || !Number.isFinite(x)) return '–';
  return num(Math.round(x * 100) / 100, { style: 'percent', maximumFractionDigits: 0 });
}

/**
 * Who must accept a package for it to be the deal, in the page's language: from the rule as data
 * (`scenario.deal`), with the roles named as the state frame names them; the server's English
 * sentence when the frame has no rule as data.
 * @param {{deal_rule: string, deal?: import('./types.js').DealView}} scenario
 * @param {{role: import('./types.js').RoleRef}[]} players
 */
export function dealRule(scenario, players) {
  const deal = scenario.deal;
  if (!deal || !deal.rule) return scenario.deal_rule;
  const n = players.length;
  if (deal.rule === 'unanimous') return n === 2 ? t('common.deal.both') : t('common.deal.every');
  if (deal.rule === 'majority') return t('common.deal.majority', { needed: num(Math.floor(n / 2) + 1), total: num(n) });
  const names = (deal.roles || []).map((id) => {
    const p = players.find((x) => x.role.id === id);
    return p ? p.role.name : id;
  });
  return t('common.deal.roles', { roles: list(names) });
}

/**
 * A practice drill's goal in the page's language; the server's English (`fallback`) for a drill
 * the catalogs do not know.
 * @param {string} drill
 * @param {string} fallback
 */
export function drillGoal(drill, fallback) {
  const known = ['ask_first', 'find_a_trade', 'acknowledge_first', 'efficient_deal'];
  return known.includes(drill) ? t(`common.drill_goal.${drill}`) : fallback;
}

/**
 * An offer's status in words ("On the table", "Withdrawn", ...).
 * @param {string} status
 */
export function offerStatus(status) {
  const known = ['standing', 'withdrawn', 'rejected', 'replaced', 'accepted', 'expired'];
  return known.includes(status) ? t(`common.offer_status.${status}`) : status;
}

/** @param {import('./types.js').OutcomeView | null | undefined} outcome the state frame's `outcome` */
export function outcomeSentence(outcome) {
  if (!outcome) return '';
  if (outcome.kind === 'deal') return t('common.outcome.deal');
  if (outcome.kind === 'impasse') {
    switch (outcome.reason) {
      case 'walked_away':
        return t('common.outcome.walked_away');
      case 'deadline':
        return t('common.outcome.deadline');
      case 'ended_by_facilitator':
        return t('common.outcome.ended_by_facilitator');
      default:
        return t('common.outcome.no_deal');
    }
  }
  if (outcome.kind === 'abandoned') {
    // Why, worded from the data where the server sent it (its `reason` is English).
    const why = outcome.why;
    if (why && why.key === 'removed') return t('common.outcome.abandoned_removed', { name: why.name });
    if (why && why.key === 'left') return t('common.outcome.abandoned_left', { name: why.name, seconds: num(why.seconds) });
    return outcome.reason ? t('common.outcome.abandoned_because', { reason: outcome.reason }) : t('common.outcome.abandoned');
  }
  return '';
}

/** @type {Record<string, string>} */
/** The error codes with a sentence of our own in the catalogs (`common.error.<code>`). */
const ERROR_CODES = new Set([
  'bad_json',
  'bad_message',
  'unknown_type',
  'frame_too_large',
  'hello_required',
  'unsupported_version',
  'bad_token',
  'removed',
  'unknown_session',
  'unknown_scenario',
  'already_joined',
  'not_joined',
  'not_in_match',
  'rate_limited',
  'unknown_issue',
  'missing_issue',
  'unknown_option',
  'bad_package',
  'wrong_phase',
  'paused',
  'empty_chat',
  'chat_too_long',
  'offer_not_standing',
  'own_offer',
  'nothing_to_withdraw',
  'already_ready',
  'already_answered',
  'bad_survey',
  'bad_guess',
  'bad_statement',
  'terms_not_open',
  'own_terms',
  'terms_pending',
  'terms_agreed',
  'terms_not_agreed',
  'match_unavailable',
  'internal',
  'store_unavailable',
  'too_slow',
  'replaced',
  'offer_limit',
  'session_full',
  'not_waiting',
  'bot_already_requested',
  'not_practice',
  'in_match',
  'observer_cannot_act',
  'not_observing',
  'sheet_already_sent',
  'bad_name',
  'bad_sheet',
  'bad_practice_key',
  'practice_key_required',
  'server_full',
  'too_many_connections',
  'tool_off',
  'body_too_large',
  'no_team',
  'not_a_member',
  'not_spokesperson',
  'motion_not_open',
  'own_motion',
]);

/** Codes whose English server sentence says more than ours (which rule a name broke): shown in English. */
const SERVER_SAYS_MORE = new Set(['bad_name', 'bad_sheet']);

/**
 * A plain sentence for a server error frame.
 * @param {string | null | undefined} code
 * @param {string | null | undefined} [message]
 */
export function errorSentence(code, message) {
  if (code && message && SERVER_SAYS_MORE.has(code) && language() === 'en') return sentence(message);
  if (code && ERROR_CODES.has(code)) return t(`common.error.${code}`);
  if (message) return sentence(message);
  return t('common.error.unknown');
}

/**
 * A server message as a sentence: a capital first, a full stop last.
 * @param {string} message
 */
function sentence(message) {
  const m = String(message);
  return m.charAt(0).toUpperCase() + m.slice(1) + (/[.!?]$/.test(m) ? '' : '.');
}
