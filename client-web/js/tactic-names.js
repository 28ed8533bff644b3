// The tagger's tactic labels in words (server/core/src/tactics.rs; docs/validity.md), for the
// facilitator's debrief and the learner's progress page. Non-strategic lines have no name.

/** @type {Record<string, string>} */
export const TACTIC_NAMES = {
  'small-talk': 'Small talk',
  'showing-empathy': 'Showing empathy',
  'promote-coordination': 'Proposing to work together',
  'elicit-pref': 'Asking their priorities',
  'self-need': "Saying one's own needs",
  'other-need': 'Needs of others (family, group)',
  'no-need': 'Saying what one does not need',
  'uv-part': 'Undervaluing their needs',
  'vouch-fair': 'Appealing to fairness',
};
