// The debrief's sentences about the class, written here from the numbers the debrief sends
// (server/src/report.rs computes the same sentences in English for the JSON and CSV exports), so
// they read in the facilitator's language: the insight of each issue, the order issues were agreed
// in principle, and what the treatment arms' p-values cannot say.

import { t, tn, num } from '../i18n.js';

/** @typedef {import('./shapes.js').DebriefIssue} DebriefIssue */
/** @typedef {import('./shapes.js').DebriefTerms} DebriefTerms */
/** @typedef {import('./shapes.js').DebriefArms} DebriefArms */

/**
 * The index of the largest count, the first one on a tie (report.rs picks the same).
 * @param {number[]} counts
 */
function mostCommon(counts) {
  let best = -1;
  counts.forEach((c, i) => {
    if (best < 0 || c > counts[best]) best = i;
  });
  return best;
}

/**
 * What the deals did with one issue: whether they found the trade (integrative), missed the
 * option both sides prefer (compatible), or how they split it (distributive).
 * @param {DebriefIssue} issue
 */
export function issueInsight(issue) {
  const counts = issue.agreed_counts || [];
  const bestOption = issue.options[issue.best_joint_option] || '';
  const bestCount = counts[issue.best_joint_option] || 0;
  const deals = issue.deals;
  if (issue.type === 'compatible') {
    return tn('console.insight.compatible', deals, { k: num(deals - bestCount), issue: issue.name, option: bestOption });
  }
  if (issue.type === 'integrative') {
    return tn('console.insight.integrative', deals, { k: num(bestCount), issue: issue.name, option: bestOption });
  }
  const top = mostCommon(counts);
  if (top >= 0 && counts[top] > 0) {
    return tn('console.insight.split', deals, { k: num(counts[top]), issue: issue.name, option: issue.options[top] || '' });
  }
  return t('console.insight.split_none', { issue: issue.name });
}

/**
 * Which issue the class settled first most often (the first in the scenario on a tie).
 * @param {DebriefTerms} terms
 */
export function termsInsight(terms) {
  const firsts = (terms.issues || []).map((i) => i.first);
  const top = mostCommon(firsts);
  if (top < 0 || !firsts[top]) return t('console.insight.terms_none');
  return tn('console.insight.terms', terms.matches_with_terms, { issue: terms.issues[top].name, k: num(firsts[top]) });
}

/**
 * What the arms' p-values rest on and cannot say: how many finished matches, the smallest
 * p-value an exact test could give with so few, and that large groups are sampled.
 * @param {DebriefArms} a
 */
export function armsLimits(a) {
  const arms = a.arms || [];
  const finished = arms.reduce((sum, x) => sum + (x.n || 0), 0);
  const counts = arms.map((x) => `${num(x.n || 0)} ${armName(a, x.name)}`).join(', ');
  let text = tn('console.insight.limits', finished, { counts });
  const tested = (a.comparisons || []).filter((c) => c.p_value != null);
  // The largest of the smallest p-values the exact tests could reach (1 / their relabellings).
  let floor = 0;
  for (const c of tested) if (c.exact && c.permutations) floor = Math.max(floor, 1 / c.permutations);
  if (floor > 0.001) text += ` ${t('console.insight.limits_floor', { p: num(floor, { minimumFractionDigits: 3, maximumFractionDigits: 3 }) })}`;
  const sampled = tested.find((c) => c.exact === false);
  if (sampled) text += ` ${t('console.insight.limits_sampled', { n: num(sampled.permutations || 0), p: num(0.01) })}`;
  return text;
}

/**
 * A switch of an arm's settings by the server's name for it, in words.
 * @param {string} what
 */
function settingName(what) {
  switch (what) {
    case 'small talk':
      return t('console.insight.flag_small_talk');
    case 'icebreaker':
      return t('console.insight.flag_icebreaker');
    case 'perspective question':
      return t('console.insight.flag_perspective');
    case 'disclosure tool':
      return t('console.insight.flag_disclosure');
    case 'coaching':
      return t('console.insight.flag_coaching');
    default:
      return null;
  }
}

/**
 * A phase by the server's name for it, in words.
 * @param {string} what
 */
function phaseWord(what) {
  switch (what) {
    case 'prep':
      return t('console.insight.length_prep');
    case 'small talk':
      return t('console.insight.length_small_talk');
    case 'bargaining':
      return t('console.insight.length_bargaining');
    case 'survey':
      return t('console.insight.length_survey');
    default:
      return null;
  }
}

/**
 * What an arm changes, in the page's language. The server describes an arm in a fixed form
 * (core `ArmSettings::describe`: "small talk off, coaching on, bargaining 600 s", or "as the
 * session"); each part is read and written again (in English exactly as the server wrote it), and
 * a part this page does not know is kept as it is.
 * @param {string} settings
 */
export function armSettings(settings) {
  if (settings === 'as the session') return t('console.insight.as_session');
  return settings
    .split(', ')
    .map((part) => {
      const flag = /^(.+) (on|off)$/.exec(part);
      const name = flag && settingName(flag[1]);
      if (flag && name) return flag[2] === 'on' ? t('console.insight.setting_on', { setting: name }) : t('console.insight.setting_off', { setting: name });
      const length = /^(.+) (\d+) s$/.exec(part);
      const phase = length && phaseWord(length[1]);
      if (length && phase) return t('console.insight.setting_seconds', { phase, seconds: num(Number(length[2])) });
      return part;
    })
    .join(', ');
}

/**
 * The name of an arm: the facilitator's own, or for a small-talk split the server's two groups.
 * @param {import('./shapes.js').DebriefArms} a
 * @param {string} name
 */
export function armName(a, name) {
  if (a.source !== 'small_talk_split') return name;
  if (name === 'small talk') return t('console.insight.split_with');
  if (name === 'no small talk') return t('console.insight.split_without');
  return name;
}
