// JSDoc shapes of the console's HTTP answers that the server builds with serde_json's json!
// (server/src/http.rs, server/src/report.rs), so types.js has no generated type for them. Written
// from those builders; the frames with Rust types (MonitorView, TournamentView, ...) come from
// types.js instead. Types only: this module exports nothing at run time.

/**
 * One scenario of GET /api/scenarios (http.rs `scenarios`).
 * @typedef {object} ScenarioListing
 * @property {string} id
 * @property {string} title
 * @property {string} summary
 * @property {{id: string, name: string}[]} roles
 * @property {number} issues  how many issues
 * @property {Partial<Record<'prep' | 'small_talk' | 'bargaining' | 'survey', number>>} phases  seconds
 */

/**
 * GET /api/survey-bank (http.rs `survey_bank`).
 * @typedef {object} SurveyBank
 * @property {{id: string, text: string, low: string, high: string, topic: string, default: boolean, trust_item: boolean}[]} items
 * @property {number} max_custom_items
 * @property {number} max_question_chars
 * @property {number} max_label_chars
 */

/**
 * The answer of POST /api/sessions.
 * @typedef {object} CreatedSession
 * @property {string} code
 * @property {string} facilitator_token
 * @property {string} console_url
 */

/**
 * Mean, sd and counts of a group of matches (report.rs `group_stats`).
 * @typedef {object} GroupStats
 * @property {number} [n]
 * @property {number} [deals]
 * @property {number} [impasses]
 * @property {number | null} [impasse_rate]
 * @property {number | null} [mean_joint_value]
 * @property {number | null} [sd_joint_value]
 * @property {number | null} [mean_efficiency]
 * @property {number | null} [mean_trust]
 * @property {number | null} [sd_trust]
 * @property {number | null} [n_trust]
 */

/**
 * One agreement in principle of a match, in the order reached.
 * @typedef {object} Settlement
 * @property {number} order
 * @property {string} text
 * @property {string} proposed_by
 * @property {number | null} reopened_at
 * @property {boolean | null} in_deal
 */

/**
 * One row of the debrief's match table.
 * @typedef {object} DebriefMatch
 * @property {string} id
 * @property {string[]} players
 * @property {string[]} roles
 * @property {boolean} small_talk
 * @property {string | null} arm
 * @property {import('../types.js').Phase} phase
 * @property {'running' | 'deal' | 'impasse' | 'abandoned'} outcome
 * @property {string | null} outcome_reason
 * @property {number[] | null} points
 * @property {number | null} joint_value
 * @property {number | null} max_joint_value
 * @property {number | null} efficiency
 * @property {boolean | null} pareto_optimal
 * @property {number | null} trust_built
 * @property {number | null} behaviour_index
 * @property {number} offers
 * @property {number} messages
 * @property {boolean} in_statistics
 * @property {Settlement[]} settlements
 * @property {import('../types.js').ObservationView[]} observations
 */

/**
 * The frontier chart's data (two-role scenarios).
 * @typedef {object} DebriefChart
 * @property {string[]} roles
 * @property {number[][]} frontier
 * @property {number[] | null} nash
 * @property {number[] | null} batna
 * @property {{match_id: string, points: number[], small_talk: boolean, deal: boolean}[]} outcomes
 */

/**
 * An issue of the debrief, with how many deals agreed each option.
 * @typedef {object} DebriefIssue
 * @property {string} id
 * @property {string} name
 * @property {import('../types.js').IssueType | null} type
 * @property {string[]} options
 * @property {number[]} agreed_counts
 * @property {number} best_joint_option
 * @property {number} deals
 */

/**
 * @typedef {object} DebriefTerms
 * @property {number} matches_with_terms
 * @property {number} agreements
 * @property {number} reopened
 * @property {number} in_force_at_deal
 * @property {number} kept_in_deal
 * @property {{id: string, name: string, agreed: number, first: number, mean_place: number | null}[]} issues
 */

/**
 * @typedef {object} TacticRow
 * @property {string} tactic
 * @property {number | null} more_value
 * @property {number | null} less_value
 * @property {number | null} r_efficiency
 * @property {number | null} r_trust
 * @property {number | null} with_small_talk
 * @property {number | null} without_small_talk
 */

/**
 * @typedef {object} DebriefTactics
 * @property {number} [matches]
 * @property {number} [more_value_matches]
 * @property {number} [less_value_matches]
 * @property {TacticRow[]} [rows]
 */

/**
 * @typedef {object} ArmRow
 * @property {string} name
 * @property {string} settings
 * @property {number} matches
 * @property {number} n
 * @property {number | null} mean_joint_value
 * @property {number | null} sd_joint_value
 * @property {number | null} mean_efficiency
 * @property {number | null} sd_efficiency
 * @property {number | null} mean_trust_built
 * @property {number | null} sd_trust_built
 * @property {number | null} n_trust_built
 */

/**
 * @typedef {object} ArmComparison
 * @property {string} arm
 * @property {string} baseline
 * @property {'joint_value' | 'efficiency' | 'trust_built'} measure
 * @property {number | null} difference
 * @property {number | null} p_value
 * @property {boolean | null} exact
 * @property {number | null} permutations
 */

/**
 * @typedef {object} DebriefArms
 * @property {'treatment' | 'small_talk_split'} source
 * @property {number | null} seed
 * @property {ArmRow[]} arms
 * @property {ArmComparison[]} comparisons
 * @property {string} limits
 */

/**
 * @typedef {object} DebriefObservations
 * @property {number} sheets
 * @property {number} observers
 * @property {number} matches_observed
 * @property {{tactic: string, name: string, seen: number, tagged_matches: number, tagged_lines: number, agree: number}[]} rows
 */

/**
 * GET /api/sessions/{code}/debrief (report.rs `debrief`).
 * @typedef {object} DebriefData
 * @property {{id: string, title: string, summary: string, teaching: import('../types.js').Teaching | null} | null} scenario
 * @property {DebriefMatch[]} matches
 * @property {GroupStats} stats
 * @property {number[]} joint_values
 * @property {{with_small_talk: GroupStats, without_small_talk: GroupStats}} treatment
 * @property {DebriefArms | null} arms
 * @property {DebriefChart | null} chart
 * @property {DebriefIssue[]} issues
 * @property {{match_id: string, joint_value: number, efficiency: number, trust_built: number | null}[]} trust_vs_value
 * @property {DebriefTactics} tactics
 * @property {DebriefTerms | null} terms
 * @property {DebriefObservations | null} observations
 */

/**
 * One line of a transcript (report.rs `transcript`): which fields are there depends on `kind`.
 * @typedef {object} TranscriptItem
 * @property {string} kind
 * @property {number} at
 * @property {number} [seat]
 * @property {string} [name]
 * @property {string} [text]
 * @property {import('../types.js').Phase} [phase]
 * @property {string[]} [tactics]
 * @property {boolean | null} [truthful]
 * @property {number} [offer_id]
 * @property {number[]} [points]
 * @property {string} [rule] a `coached` item's rule (the console words the nudge from it)
 * @property {import('../types.js').Statement} [statement] a `disclosure` item's statement, as data (the console words it)
 * @property {string} [from]
 * @property {string} [issue_name]
 * @property {number} [order]
 * @property {string} [proposer]
 * @property {import('../types.js').OutcomeView} [outcome]
 */

/**
 * GET /api/sessions/{code}/matches/{id}/transcript.
 * @typedef {object} Transcript
 * @property {string[]} players
 * @property {{name: string, options: string[]}[]} [issues] the scenario's issues by index (to word statements)
 * @property {TranscriptItem[]} items
 */

export {};
