// The tagger's tactic labels in words (server/core/src/tactics.rs; docs/validity.md), for the
// facilitator's debrief, the observer's sheet and the learner's progress page, in the page's
// language. Non-strategic lines have no name.

import { t } from './i18n.js';

/** The labels with a name and a hint in the catalogs (`common.tactic.<label>`, `common.tactic_hint.<label>`). */
const LABELS = [
  'small-talk',
  'showing-empathy',
  'promote-coordination',
  'elicit-pref',
  'self-need',
  'other-need',
  'no-need',
  'uv-part',
  'vouch-fair',
];

/**
 * A tactic's name; `fallback` (or the label) for one the catalogs do not know.
 * @param {string} label
 * @param {string} [fallback]
 */
export function tacticName(label, fallback) {
  return LABELS.includes(label) ? t(`common.tactic.${label}`) : fallback || label;
}

/**
 * What a tactic looks like in a conversation, for an observer ticking it.
 * @param {string} label
 * @param {string} [fallback]
 */
export function tacticHint(label, fallback) {
  return LABELS.includes(label) ? t(`common.tactic_hint.${label}`) : fallback || '';
}

/**
 * Label → name, in the page's language (fixed for the page's life: switching language reloads).
 * @type {Record<string, string>}
 */
export const TACTIC_NAMES = Object.fromEntries(LABELS.map((label) => [label, tacticName(label)]));
