// What the server says to a player, worded in the page's language: the server sends a stable key
// and its parameters beside its English sentence (notices, the waiting line, coaching nudges, a
// drill's feedback, checked statements), and the page words the key from its catalogs. A key the
// page does not know yet (a newer server) shows the server's sentence.

import { t, has, num } from './i18n.js';

/** @typedef {import('./types.js').Statement} Statement */

/**
 * Parameters as the sentence shows them: numbers in the language's format, text as it is.
 * @param {Record<string, unknown> | null | undefined} params
 * @returns {Record<string, string>}
 */
function shown(params) {
  /** @type {Record<string, string>} */
  const out = {};
  for (const [k, v] of Object.entries(params || {})) out[k] = typeof v === 'number' ? num(v) : String(v ?? '');
  return out;
}

/**
 * A `notice` frame's sentence.
 * @param {{text: string, key?: string | null, params?: Record<string, unknown>}} msg
 */
export function noticeText(msg) {
  const key = `common.notice.${msg.key}`;
  return msg.key && has(key) ? t(key, shown(msg.params)) : msg.text;
}

/**
 * A `waiting` frame's sentence (the page shows how many are ahead on its own line, from `ahead`).
 * @param {{message?: string, key?: string | null}} w
 */
export function waitingText(w) {
  const key = `player.waiting.line.${w.key}`;
  if (w.key && has(key)) return t(key);
  return w.message || t('player.waiting.default');
}

/**
 * A coaching nudge's sentence, by the rule that fired.
 * @param {{rule: string, text: string}} nudge
 */
export function coachText(nudge) {
  const key = `common.coach.${nudge.rule}`;
  return has(key) ? t(key) : nudge.text;
}

/**
 * A drill's feedback sentence; the issues it names are shown with the names the page has for
 * them (the scenario in the player's language), by id.
 * @param {{feedback: string, feedback_key?: string, feedback_params?: Record<string, unknown>}} outcome
 * @param {{id: string, name: string}[]} [issues]
 */
export function drillFeedback(outcome, issues = []) {
  const key = `common.drill_feedback.${outcome.feedback_key}`;
  if (!outcome.feedback_key || !has(key)) return outcome.feedback;
  const params = { ...(outcome.feedback_params || {}) };
  for (const [idKey, nameKey] of [
    ['won_issue', 'won'],
    ['gave_issue', 'gave'],
  ]) {
    const issue = issues.find((i) => i.id === params[idKey]);
    if (issue) params[nameKey] = issue.name;
  }
  return t(key, shown(params));
}

/**
 * A checked statement as a chat line, with the scenario's issue and option names the page has.
 * @param {Statement} statement
 * @param {{name: string, options: string[]}[]} issues
 * @returns {string | null} null when the statement names what the page does not have
 */
export function statementText(statement, issues) {
  const issue = issues[statement.issue];
  if (!issue) return null;
  if (statement.kind === 'importance') {
    return t(statement.high ? 'common.statement_line.matters_a_lot' : 'common.statement_line.matters_little', { issue: issue.name });
  }
  const better = issue.options[statement.better];
  const worse = issue.options[statement.worse];
  if (better === undefined || worse === undefined) return null;
  return t('common.statement_line.prefers', { issue: issue.name, better, worse });
}
