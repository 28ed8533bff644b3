// GENERATED from the server's Rust types (server/src/wire.rs, server/src/protocol.rs,
// server/src/error.rs) by server/src/jsdoc.rs. Do not edit: regenerate with
//
//   PARLEY_WRITE_TYPES=1 cargo test -p parley --lib jsdoc
//
// (a normal `cargo test` fails while this file is out of date). JSDoc types only, for
// `tsc --checkJs` and editors: nothing here runs. Use them as
// `/** @param {import('./types.js').StateView} state */`.

/**
 * The facilitator removed a player.
 * @typedef {Object} AbandonedWhyRemoved
 * @property {'removed'} key
 * @property {string} name The player's display name.
 */

/**
 * A player left and did not come back within the grace period.
 * @typedef {Object} AbandonedWhyLeft
 * @property {'left'} key
 * @property {string} name The player's display name.
 * @property {number} seconds The grace period.
 */

/**
 * Why a match was abandoned, as data (the page words it; `reason` is the English).
 * @typedef {AbandonedWhyRemoved | AbandonedWhyLeft} AbandonedWhy
 */

/**
 * The kinds of [`Action`], by the client message that asks for each.
 *
 * - 'chat': `chat`
 * - 'ready': `ready`
 * - 'offer': `offer`
 * - 'withdraw': `withdraw`
 * - 'accept': `accept`
 * - 'reject': `reject`
 * - 'walk_away': `walk_away`
 * - 'survey': `survey`
 * - 'skip_survey': `skip_survey`
 * - 'disclose': `disclose`
 * - 'guess_priorities': `guess_priorities`
 * - 'propose_terms': `propose_terms`
 * - 'agree_terms': `agree_terms`
 * - 'reject_terms': `reject_terms`
 * - 'withdraw_terms': `withdraw_terms`
 * - 'reopen_terms': `reopen_terms`
 * - 'caucus': `caucus` (teams only)
 * - 'approve': `approve` (teams under consensus)
 * - 'decline': `decline` (teams under consensus)
 * - 'spokesperson': `spokesperson` (teams under the spokesperson rule)
 * @typedef {'chat' | 'ready' | 'offer' | 'withdraw' | 'accept' | 'reject' | 'walk_away' | 'survey' | 'skip_survey' | 'disclose' | 'guess_priorities' | 'propose_terms' | 'agree_terms' | 'reject_terms' | 'withdraw_terms' | 'reopen_terms' | 'caucus' | 'approve' | 'decline' | 'spokesperson'} ActionKind
 */

/**
 * An issue agreed in principle.
 * @typedef {Object} AgreedTermsView
 * @property {number} option Option index.
 * @property {number} proposed_by Who proposed it.
 * @property {number} at When it was agreed.
 * @property {number} order Its place in the order the match settled issues (1 = first; reopened ones count).
 */

/**
 * The editor's live analysis of a valid scenario.
 * @typedef {Object} AuthorAnalysis
 * @property {CheckReport} check Exactly what `parley scenario check --json` prints for this scenario.
 * @property {number} min_joint_value The smallest joint value any package gives (equal to the maximum: nothing to create).
 * @property {IssueWeights[]} issues How much each issue matters to each role.
 * @property {Zone} zone The zone of possible agreement.
 * @property {NaiveSplit} naive_split Every issue settled at its middle option.
 * @property {AuthorWarning[]} warnings Ways the case may teach badly, each at a field.
 */

/**
 * A scenario opened in the editor, or the editor's draft checked: the draft, its canonical
 * file and its analysis.
 * @typedef {Object} AuthorAnswer
 * @property {Draft} draft The draft (for an imported file: the file as the editor's model).
 * @property {string} toml The canonical TOML file of the draft (what a save writes, what an export downloads).
 * @property {AuthorAnalysis} analysis The live analysis.
 * @property {boolean | null} editor_file Whether the scenario with this id on the server has a file the editor wrote (none: the server has no scenario with this id yet).
 */

/**
 * One scenario in the editor's list.
 * @typedef {Object} AuthorListed
 * @property {string} id Scenario id.
 * @property {string} title Title.
 * @property {number} roles Number of roles.
 * @property {number} issues Number of issues.
 * @property {boolean} editor_file Whether its file was written by the editor (saving over it needs no `overwrite`).
 */

/**
 * A sign that a case may teach badly. `code` is stable (`docs/scenarios.md` lists them).
 * @typedef {Object} AuthorWarning
 * @property {string} code `no_integrative_potential`, `no_zone_of_agreement`, `walk_away_above_every_deal`, `dominant_role` or `issue_nobody_cares_about`.
 * @property {string} field The field to fix, as in validation errors (`roles[1].batna`, `issues[2].points`).
 * @property {string} message A plain sentence.
 */

/**
 * How hard a bot counterpart is: a documented mix of how it talks about interests, reacts to
 * feelings, remembers favours and concedes (`docs/bots.md`, *Levels*).
 *
 * - 'easy': Open and generous: tells its priorities truthfully, concedes readily, reciprocates at once.
 * - 'realistic': Like a fair, careful person: tells its top priority, waits for a concession to be returned.
 * - 'tough': Guarded and firm: deflects questions until the learner has shared, concedes little and late.
 * @typedef {'easy' | 'realistic' | 'tough'} BotLevel
 */

/**
 * One caucus line (to the team's members only).
 * @typedef {Object} CaucusLineView
 * @property {number} seat The team's seat.
 * @property {number} member The member who wrote it.
 * @property {string} name Their name.
 * @property {string} text The text.
 * @property {number} at When.
 * @property {Phase} phase The phase it was written in.
 */

/**
 * What kind of chat line.
 *
 * - 'message': A player's own words.
 * - 'icebreaker': The server's small-talk prompt.
 * - 'disclosure': A player's structured statement about their own interests.
 * @typedef {'message' | 'icebreaker' | 'disclosure'} ChatKind
 */

/**
 * One chat line.
 * @typedef {Object} ChatLineView
 * @property {number | null} seat The speaker's seat; none for the server's icebreaker.
 * @property {string} name The speaker's name ("Parley" for the server).
 * @property {string} text The text.
 * @property {number} at When.
 * @property {Phase} phase The phase it was said in.
 * @property {ChatKind} kind What kind of line it is.
 * @property {Expression | null} [expression] The expression the speaker attached (absent when none).
 * @property {number | null} [member] The team member who said it (absent for a seat played alone and the server).
 * @property {Statement | null} [statement] A `disclosure` line's statement (issue and options by index), for the page to word in its language; never its verdict, which only results show.
 */

/**
 * What `parley scenario check --json` prints for a valid file: the analysis, the teaching-note
 * warnings and the deal rule in words. The editor's analysis carries the same object.
 * @typedef {Object} CheckReport
 * @property {string} id Scenario id.
 * @property {string} title Scenario title.
 * @property {string[]} roles Role ids in file order.
 * @property {number[]} batnas Role BATNAs in file order.
 * @property {number[]} role_max Each role's maximum points.
 * @property {string[]} issues Issue ids in file order.
 * @property {number} max_joint_value Largest joint value of any package.
 * @property {number[]} max_joint_package A package reaching the maximum joint value.
 * @property {number[][] | null} pareto_frontier Two roles only: the frontier as `[points_role1, points_role2]`, role 1 ascending.
 * @property {number} frontier_size Number of non-dominated outcomes over all roles.
 * @property {IssueTypes[]} issue_types Per issue id, per pair `"a/b"` of role ids: the issue type.
 * @property {FrontierPoint | null} nash The Nash bargaining package over all roles, if a zone of agreement exists.
 * @property {string[]} warnings Gaps in the teaching notes ([`teaching_warnings`]).
 * @property {string} deal_rule The deal rule in words.
 */

/**
 * First frame: the protocol version, and a player token to resume.
 * @typedef {Object} ClientMsgHello
 * @property {'hello'} type
 * @property {number} version Must be 1.
 * @property {string | null} [lang] The language the player reads (a code like `es`, or a tag like `es-ES`): the match sends this connection the scenario's texts in it where the scenario has them.
 * @property {string | null} [token] A player token from an earlier `joined`, to resume.
 */

/**
 * Join a session by its join code.
 * @typedef {Object} ClientMsgJoin
 * @property {'join'} type
 * @property {string} code The 6-character join code.
 * @property {string} name Display name.
 */

/**
 * Join the open practice pool.
 * @typedef {Object} ClientMsgPractice
 * @property {'practice'} type
 * @property {string} name Display name.
 * @property {Drill | null} [drill] A drill to practise in this visit's matches (its goal is checked at the end).
 * @property {string | null} [practice_key] The learner's private practice key (32 hex digits, kept in their browser): links this visit's matches to their practice history. None: nothing is linked.
 * @property {string | null} [scenario] A scenario id, or none for a random one.
 */

/**
 * Chat message.
 * @typedef {Object} ClientMsgChat
 * @property {'chat'} type
 * @property {string} text The text (at most 1000 characters).
 * @property {Expression | null} [expression] How the speaker says it feels (optional): `pleased`, `concerned`, `frustrated`, `surprised` or `neutral`.
 */

/**
 * Vote to end prep or small talk early.
 * @typedef {Object} ClientMsgReady
 * @property {'ready'} type
 */

/**
 * A full package: issue id → option index (0-based).
 * @typedef {Object} ClientMsgOffer
 * @property {'offer'} type
 * @property {Record<string, number>} package One option index per issue id.
 */

/**
 * Withdraw my standing offer.
 * @typedef {Object} ClientMsgWithdraw
 * @property {'withdraw'} type
 */

/**
 * Accept a standing offer.
 * @typedef {Object} ClientMsgAccept
 * @property {'accept'} type
 * @property {number} offer_id Its id.
 */

/**
 * Reject a standing offer.
 * @typedef {Object} ClientMsgReject
 * @property {'reject'} type
 * @property {number} offer_id Its id.
 */

/**
 * Leave without a deal.
 * @typedef {Object} ClientMsgWalkAway
 * @property {'walk_away'} type
 */

/**
 * Answer the survey.
 * @typedef {Object} ClientMsgSurvey
 * @property {'survey'} type
 * @property {string[] | null} [counterpart_priorities] Issue ids, most important to the counterpart first.
 * @property {Record<string, number>} [ratings] Question id → 1..7.
 * @property {Record<string, string>} [texts] Question id → short text, for the survey's `text` questions (at most 500 characters).
 */

/**
 * Skip the survey.
 * @typedef {Object} ClientMsgSkipSurvey
 * @property {'skip_survey'} type
 */

/**
 * A checked statement about my own interests (bargaining).
 * @typedef {Object} ClientMsgDisclose
 * @property {'disclose'} type
 * @property {WireStatement} statement The statement.
 */

/**
 * Prep: my guess of the counterpart's priorities, most important first.
 * @typedef {Object} ClientMsgGuessPriorities
 * @property {'guess_priorities'} type
 * @property {string[]} order Every issue id once.
 */

/**
 * Bargaining: propose agreeing one issue on one option in principle (replaces my own open
 * proposal on that issue).
 * @typedef {Object} ClientMsgProposeTerms
 * @property {'propose_terms'} type
 * @property {string} issue Issue id.
 * @property {number} option Option index (0-based).
 */

/**
 * Bargaining: say yes to another player's open proposal on an issue.
 * @typedef {Object} ClientMsgAgreeTerms
 * @property {'agree_terms'} type
 * @property {string} issue Issue id.
 * @property {number} option The option of the proposal I answer (so a proposal changed meanwhile is not agreed).
 */

/**
 * Bargaining: say no to another player's open proposal on an issue.
 * @typedef {Object} ClientMsgRejectTerms
 * @property {'reject_terms'} type
 * @property {string} issue Issue id.
 * @property {number} option The option of the proposal I answer.
 */

/**
 * Bargaining: take back my open proposal on an issue.
 * @typedef {Object} ClientMsgWithdrawTerms
 * @property {'withdraw_terms'} type
 * @property {string} issue Issue id.
 */

/**
 * Bargaining: open an issue agreed in principle again.
 * @typedef {Object} ClientMsgReopenTerms
 * @property {'reopen_terms'} type
 * @property {string} issue Issue id.
 */

/**
 * Facilitator: receive the session's live monitor (a `monitor` frame every second).
 * @typedef {Object} ClientMsgWatch
 * @property {'watch'} type
 * @property {string} code Join code.
 * @property {string} token The facilitator token.
 */

/**
 * Practice pool: play with a bot now instead of waiting.
 * @typedef {Object} ClientMsgPlayBot
 * @property {'play_bot'} type
 * @property {BotLevel | null} [level] How hard a counterpart: `easy`, `realistic` or `tough` (`docs/bots.md`); `realistic` when absent.
 * @property {string | null} [strategy] `logroller`, `hardballer` or `tit_for_tat`; the level's own when absent (random when the level is absent too).
 */

/**
 * Stop waiting for a partner (answered with `left`); the token stays valid.
 * @typedef {Object} ClientMsgLeave
 * @property {'leave'} type
 */

/**
 * Observers: the observation sheet of the match being observed (once per match, any phase).
 * @typedef {Object} ClientMsgObservation
 * @property {'observation'} type
 * @property {string} done_well One thing the players did well (1–500 characters).
 * @property {string} to_try One thing the players could try (1–500 characters).
 * @property {Tactics} [tactics] The tactics seen (the tagger's labels; may be empty).
 */

/**
 * Observers: stop observing and wait to be paired (answered with `waiting`).
 * @typedef {Object} ClientMsgStopObserving
 * @property {'stop_observing'} type
 */

/**
 * Teams: a line in the team's private caucus (prep, small talk, bargaining; at most 1000
 * characters). Only the team's members receive it.
 * @typedef {Object} ClientMsgCaucus
 * @property {'caucus'} type
 * @property {string} text The text.
 */

/**
 * Teams under `consensus`: approve the team's open proposal (the last approval sends it).
 * @typedef {Object} ClientMsgApprove
 * @property {'approve'} type
 * @property {number} motion_id The proposal's id (`state.team.motion.id`).
 */

/**
 * Teams under `consensus`: decline the team's open proposal (it closes).
 * @typedef {Object} ClientMsgDecline
 * @property {'decline'} type
 * @property {number} motion_id The proposal's id.
 */

/**
 * Teams under `spokesperson`: name the team's spokesperson.
 * @typedef {Object} ClientMsgSpokesperson
 * @property {'spokesperson'} type
 * @property {number} member The member's index in `state.team.members`.
 */

/**
 * Heartbeat; answered with `pong`.
 * @typedef {Object} ClientMsgPing
 * @property {'ping'} type
 */

/**
 * A frame from a client.
 * @typedef {ClientMsgHello | ClientMsgJoin | ClientMsgPractice | ClientMsgChat | ClientMsgReady | ClientMsgOffer | ClientMsgWithdraw | ClientMsgAccept | ClientMsgReject | ClientMsgWalkAway | ClientMsgSurvey | ClientMsgSkipSurvey | ClientMsgDisclose | ClientMsgGuessPriorities | ClientMsgProposeTerms | ClientMsgAgreeTerms | ClientMsgRejectTerms | ClientMsgWithdrawTerms | ClientMsgReopenTerms | ClientMsgWatch | ClientMsgPlayBot | ClientMsgLeave | ClientMsgObservation | ClientMsgStopObserving | ClientMsgCaucus | ClientMsgApprove | ClientMsgDecline | ClientMsgSpokesperson | ClientMsgPing} ClientMsg
 */

/**
 * A coaching nudge given to this seat.
 * @typedef {Object} CoachView
 * @property {string} rule The rule that fired.
 * @property {string} text What the player reads.
 * @property {number} at When.
 */

/**
 * A deal rule as data: `unanimous`, `majority`, or `roles` with the ids of the roles that must accept.
 * @typedef {Object} DealView
 * @property {string} rule `unanimous`, `majority` or `roles`.
 * @property {string[]} [roles] With `roles`: the role ids that must accept (empty otherwise).
 */

/**
 * A checked statement about the speaker's own interests.
 * @typedef {Object} DisclosureView
 * @property {number} seat The speaker.
 * @property {number} at When.
 * @property {string} text The statement as the others read it (English).
 * @property {boolean} truthful True to the speaker's hidden points.
 * @property {Statement | null} [statement] The statement itself, for the page to word in its language.
 */

/**
 * A scenario as the editor holds it: the fields of the file, with every issue's points as one
 * row per role, in role order (a grid survives renaming a role's id; the file keys them by id).
 * @typedef {Object} Draft
 * @property {string} id Scenario id, also the file name (`<id>.toml`).
 * @property {string} title Short title.
 * @property {string} summary Public background every player reads.
 * @property {string[]} icebreakers Small-talk prompts.
 * @property {PhaseDurations} phases Default phase durations in seconds.
 * @property {DraftRole[]} roles The roles, in order.
 * @property {DraftIssue[]} issues The issues, in order.
 * @property {DraftDeal} deal Who must accept a package.
 * @property {Teaching | null} teaching Notes for facilitators (the `[teaching]` table), if any.
 * @property {string | null} [language] The language of the texts above (none: English).
 * @property {Record<string, Translation>} [translations] The texts in other languages, by language code, as the editor's language switch edits them (a text left out falls back to the default language).
 */

/**
 * The deal rule of a [`Draft`], as in the file's `[deal]` table.
 * @typedef {Object} DraftDeal
 * @property {string} rule `unanimous`, `majority` or `roles`.
 * @property {string[]} roles With `roles`: the ids of the roles that must accept.
 */

/**
 * One issue of a [`Draft`].
 * @typedef {Object} DraftIssue
 * @property {string} id Identifier.
 * @property {string} name Display name.
 * @property {string} description Public one-line description.
 * @property {string[]} options Option labels.
 * @property {number[][]} points `points[role][option]`, one row per role of the draft, in role order.
 */

/**
 * One role of a [`Draft`].
 * @typedef {Object} DraftRole
 * @property {string} id Identifier (the key of its points in the file).
 * @property {string} name Display name.
 * @property {number} batna Walk-away value in points.
 * @property {string} brief Private brief.
 */

/**
 * A drill a learner can choose in the practice pool.
 *
 * - 'ask_first': Ask three questions about their interests before your first offer.
 * - 'find_a_trade': Find a trade on two issues.
 * - 'acknowledge_first': Acknowledge before you answer a tough line.
 * - 'efficient_deal': Close a deal above 80% efficiency.
 * @typedef {'ask_first' | 'find_a_trade' | 'acknowledge_first' | 'efficient_deal'} Drill
 */

/**
 * A drill as its learner sees it during the match (nobody else is shown it).
 * @typedef {Object} DrillGoal
 * @property {Drill} drill The drill.
 * @property {string} goal Its goal, in words.
 */

/**
 * How a drill went, for the learner's results and history.
 * @typedef {Object} DrillOutcome
 * @property {Drill} drill The drill.
 * @property {string} goal Its goal, in words.
 * @property {boolean} met Whether the goal was met.
 * @property {string} feedback What happened and what to try, in a sentence or two (English).
 * @property {string} [feedback_key] The same as a stable key (`<drill>.<case>`) for the page to word in its language (absent in histories stored before it existed).
 * @property {Record<string, any>} [feedback_params] The numbers and issues the sentence names (issues by id and by the scenario's own name).
 */

/**
 * What happens when a player stays away past the grace period.
 *
 * - 'wait': Keep waiting; the counterpart sees for how long.
 * - 'abandon': End the match as abandoned.
 * - 'bot': Hand the seat to a bot (it resumes the seat like the player would).
 * @typedef {'wait' | 'abandon' | 'bot'} DropoutPolicy
 */

/**
 * A counterpart who has been gone past the grace period, as the others are told.
 * @typedef {Object} DropoutView
 * @property {number} seat Their seat.
 * @property {DropoutPolicy} policy What the session does about it.
 * @property {number} gone_since When they went away.
 * @property {string} message What the player reads.
 */

/**
 * A stable error code.
 *
 * - 'bad_json': The frame is not JSON.
 * - 'bad_message': Not an object, no `type`, or fields missing or of the wrong type.
 * - 'unknown_type': `type` names no client message.
 * - 'frame_too_large': A frame over the size limit (the connection is closed).
 * - 'hello_required': The first frame was not `hello`.
 * - 'unsupported_version': A protocol version the server does not speak.
 * - 'bad_token': A resume or facilitator token the server does not know.
 * - 'unknown_session': No session has that join code.
 * - 'bad_name': A display name that cannot be used.
 * - 'unknown_scenario': No scenario has that id.
 * - 'already_joined': This connection already joined.
 * - 'not_joined': An action before joining.
 * - 'not_in_match': A match action while not in a match.
 * - 'match_unavailable': The player's match is not running.
 * - 'in_match': Leaving the waiting line while in a match.
 * - 'not_waiting': `play_bot` while not waiting; pairing by hand (the `pair` control) naming someone not waiting.
 * - 'bot_already_requested': A practice bot was already asked for.
 * - 'not_practice': Bots on demand outside the practice pool.
 * - 'bad_practice_key': A practice key that is not 32 hexadecimal digits.
 * - 'practice_key_required': The practice history was asked for without a practice key.
 * - 'session_full': The session has as many players as it allows.
 * - 'rate_limited': Too much, too fast: the message was dropped.
 * - 'offer_limit': The match has made as many offers as it allows.
 * - 'too_many_connections': Too many connections from one address.
 * - 'server_full': The server holds as many connections as it can.
 * - 'too_slow': A client that did not read its frames in time (the connection is closed).
 * - 'replaced': The same player connected elsewhere; this connection yields.
 * - 'removed': The facilitator removed the player.
 * - 'moved': The session lives on another node now (a `moved` frame with its address comes first; the connection is closed with code 4002 and the client reconnects there).
 * - 'unknown_issue': An offer names an issue the scenario does not have.
 * - 'missing_issue': An offer leaves an issue out.
 * - 'unknown_option': An option index out of range.
 * - 'wrong_phase': Not allowed in this phase.
 * - 'paused': The facilitator paused the match.
 * - 'empty_chat': An empty chat message.
 * - 'chat_too_long': A chat message over the length limit.
 * - 'bad_package': An offer that does not choose one valid option per issue.
 * - 'offer_not_standing': No standing offer has that id.
 * - 'own_offer': Accepting or rejecting one's own offer.
 * - 'nothing_to_withdraw': Nothing standing to withdraw.
 * - 'already_answered': The survey was already answered.
 * - 'bad_survey': A survey answer out of range or incomplete.
 * - 'already_ready': Already voted to move on.
 * - 'bad_statement': A statement naming unknown issues or options.
 * - 'bad_guess': A priority guess that is not every issue once.
 * - 'tool_off': A tool this match's treatment arm turned off (the perspective question, the disclosure tool).
 * - 'terms_not_open': No open proposal of that option on that issue (or none of yours to withdraw).
 * - 'own_terms': Agreeing to or rejecting one's own proposal.
 * - 'terms_pending': Another player's proposal on that issue waits for an answer.
 * - 'terms_agreed': The issue is already agreed in principle (reopen it first).
 * - 'terms_not_agreed': Reopening an issue that is not agreed in principle.
 * - 'observer_cannot_act': A game action from an observer: observers watch and fill their sheet, they do not play.
 * - 'not_observing': An observation sheet or `stop_observing` from someone who is not observing a match.
 * - 'bad_sheet': An observation sheet whose texts are empty or too long.
 * - 'sheet_already_sent': The observer already sent their sheet for this match.
 * - 'bad_teams': A session's `team_size` outside 1–4.
 * - 'no_team': A team act (caucus, approve, decline, spokesperson) from a seat played alone.
 * - 'not_a_member': A member index the team does not have (naming a spokesperson).
 * - 'not_spokesperson': A team member other than the spokesperson tried to commit the seat (spokesperson rule).
 * - 'motion_not_open': An answer to a team proposal that is not open (already carried, declined or replaced).
 * - 'own_motion': A member answering their own proposal to the team.
 * - 'bad_pairing': Pairing by hand: a group that does not fit the scenario (a side per role, each side 1–4 different people, all waiting for the same scenario).
 * - 'bad_request': A request body or control that cannot be carried out.
 * - 'bad_treatment': Session settings with treatment arms that cannot be used (too few or many, names, lengths).
 * - 'bad_survey_items': Session settings with survey items that cannot be used (not in the bank, too many, too long).
 * - 'admin_key_required': Creating a session needs the admin key.
 * - 'facilitator_token_required': A facilitator call without a token.
 * - 'wrong_facilitator_token': A token that is not this session's facilitator token.
 * - 'unknown_player': No player with that id in the session.
 * - 'bot_player': Bots have no rejoin link.
 * - 'unknown_match': No match with that id in the session.
 * - 'no_tournament': The session runs no tournament.
 * - 'unknown_export': No export by that name.
 * - 'invalid_scenario': A scenario the editor sent breaks a rule of the file format or a limit (`field` names it).
 * - 'scenario_exists': Saving would replace a scenario the editor did not write (or another file of that name).
 * - 'body_too_large': A request body over the size limit.
 * - 'scenario_not_saved': The scenarios folder could not be written.
 * - 'store_unavailable': The database did not answer in time (a network partition, a database stalled); nothing was changed, and the same request may be tried again in a moment.
 * - 'internal': A failure inside the server; nothing of the action was saved.
 * @typedef {'bad_json' | 'bad_message' | 'unknown_type' | 'frame_too_large' | 'hello_required' | 'unsupported_version' | 'bad_token' | 'unknown_session' | 'bad_name' | 'unknown_scenario' | 'already_joined' | 'not_joined' | 'not_in_match' | 'match_unavailable' | 'in_match' | 'not_waiting' | 'bot_already_requested' | 'not_practice' | 'bad_practice_key' | 'practice_key_required' | 'session_full' | 'rate_limited' | 'offer_limit' | 'too_many_connections' | 'server_full' | 'too_slow' | 'replaced' | 'removed' | 'moved' | 'unknown_issue' | 'missing_issue' | 'unknown_option' | 'wrong_phase' | 'paused' | 'empty_chat' | 'chat_too_long' | 'bad_package' | 'offer_not_standing' | 'own_offer' | 'nothing_to_withdraw' | 'already_answered' | 'bad_survey' | 'already_ready' | 'bad_statement' | 'bad_guess' | 'tool_off' | 'terms_not_open' | 'own_terms' | 'terms_pending' | 'terms_agreed' | 'terms_not_agreed' | 'observer_cannot_act' | 'not_observing' | 'bad_sheet' | 'sheet_already_sent' | 'bad_teams' | 'no_team' | 'not_a_member' | 'not_spokesperson' | 'motion_not_open' | 'own_motion' | 'bad_pairing' | 'bad_request' | 'bad_treatment' | 'bad_survey_items' | 'admin_key_required' | 'facilitator_token_required' | 'wrong_facilitator_token' | 'unknown_player' | 'bot_player' | 'unknown_match' | 'no_tournament' | 'unknown_export' | 'invalid_scenario' | 'scenario_exists' | 'body_too_large' | 'scenario_not_saved' | 'store_unavailable' | 'internal'} ErrorCode
 */

/**
 * How a speaker says a chat line feels: a small fixed set a player picks from (and bots use),
 * after IAGO's emotional expressions. Shown beside the line; never checked.
 *
 * - 'pleased': Pleased.
 * - 'concerned': Concerned.
 * - 'frustrated': Frustrated.
 * - 'surprised': Surprised.
 * - 'neutral': Neutral.
 * @typedef {'pleased' | 'concerned' | 'frustrated' | 'surprised' | 'neutral'} Expression
 */

/**
 * Both preferred one option of an issue but agreed another.
 * @typedef {Object} FeedbackItemBothPreferred
 * @property {'both_preferred'} code
 * @property {string} issue Issue id.
 * @property {number} preferred The option both preferred.
 * @property {number} agreed The option agreed.
 */

/**
 * Another package gave everyone at least as much: how many more points each role, in seat order.
 * @typedef {Object} FeedbackItemValueLeft
 * @property {'value_left'} code
 * @property {number[]} gains Points more, per role.
 */

/**
 * No package would have made one better off without costing another.
 * @typedef {Object} FeedbackItemParetoOptimal
 * @property {'pareto_optimal'} code
 */

/**
 * The joint value created.
 * @typedef {Object} FeedbackItemCreated
 * @property {'created'} code
 * @property {number} joint Joint value.
 * @property {number} max The most possible.
 * @property {number} percent `joint / max` as a whole percentage.
 */

/**
 * No deal, though a package gave everyone at least their walk-away value: its points per role.
 * @typedef {Object} FeedbackItemImpasseMissed
 * @property {'impasse_missed'} code
 * @property {number[]} points Points per role, in seat order.
 */

/**
 * No deal, and no package gave everyone their walk-away value.
 * @typedef {Object} FeedbackItemImpasseReasonable
 * @property {'impasse_reasonable'} code
 */

/**
 * One sentence of the results' feedback as a code and its values (see `ResultsView::feedback`).
 * @typedef {FeedbackItemBothPreferred | FeedbackItemValueLeft | FeedbackItemParetoOptimal | FeedbackItemCreated | FeedbackItemImpasseMissed | FeedbackItemImpasseReasonable} FeedbackItem
 */

/**
 * A non-dominated outcome: the points of the chosen roles and one package that gives them.
 * @typedef {Object} FrontierPoint
 * @property {number[]} points Points of each chosen role, in the order the roles were asked for.
 * @property {number[]} package A package reaching those points.
 */

/**
 * Why a match ended without a deal.
 *
 * - 'walked_away': A player walked away.
 * - 'deadline': The bargaining deadline passed.
 * - 'ended_by_facilitator': The facilitator ended bargaining.
 * @typedef {'walked_away' | 'deadline' | 'ended_by_facilitator'} ImpasseReason
 */

/**
 * What raised a player's behaviour index most and what lowered it, as data (a page words it;
 * [`behaviour_sentence`] does in English).
 * @typedef {Object} IndexMoves
 * @property {any[] | null} raised_by The signal that raised it most (`questions`, `acknowledgments`, ...) and by how much.
 * @property {any[] | null} lowered_by The first signal that lowered it, and by how much (negative).
 */

/**
 * An issue named without its options.
 * @typedef {Object} IssueRef
 * @property {string} id Issue id.
 * @property {string} name Issue name.
 */

/**
 * One issue in the results.
 * @typedef {Object} IssueResultView
 * @property {string} id Issue id.
 * @property {string} name Issue name.
 * @property {IssueType | null} type How it relates the two roles' interests (two-role scenarios only).
 * @property {number | null} agreed The option agreed (none without a deal).
 * @property {number} best_joint The option worth the most to all roles together.
 */

/**
 * An issue's texts in one language.
 * @typedef {Object} IssueTranslation
 * @property {string | null} [description] One-line description.
 * @property {string | null} [name] Display name.
 * @property {string[]} [options] Option labels in the option order: all of them, or none (an option is picked by its position, so a partial list could not say which labels it replaces).
 */

/**
 * How an issue relates two roles' interests.
 *
 * - 'compatible': Some option is best for both roles: nothing to trade, only to discover.
 * - 'distributive': Opposed preferences and the pair's total is the same for every option: a pure split.
 * - 'integrative': Opposed preferences whose totals differ by option: trading across issues creates value.
 * @typedef {'compatible' | 'distributive' | 'integrative'} IssueType
 */

/**
 * The type of an issue for one pair of roles.
 * @typedef {Object} IssueTypePair
 * @property {string} a First role id.
 * @property {string} b Second role id.
 * @property {IssueType} type The type for this pair.
 */

/**
 * The type of one issue for every pair of roles.
 * @typedef {Object} IssueTypes
 * @property {string} issue Issue id.
 * @property {IssueTypePair[]} pairs `(role a id, role b id, type)` for every pair a < b.
 */

/**
 * How much one issue matters to each role.
 * @typedef {Object} IssueWeights
 * @property {string} issue Issue id.
 * @property {number[]} weight Per role: its best minus its worst points on this issue.
 * @property {number[]} share Per role: that weight as a share of the role's weights over all issues (0 to 1).
 */

/**
 * How much an issue matters.
 *
 * - 'high': A lot.
 * - 'low': Little.
 * @typedef {'high' | 'low'} Level
 */

/**
 * One team member's part in the match (public counts: no caucus text, no points).
 * @typedef {Object} MemberResultView
 * @property {number} seat The team's seat.
 * @property {number} member Index within the team.
 * @property {string} name Display name.
 * @property {number} messages Public chat lines they wrote.
 * @property {number} statements Statements (`disclose`) they made.
 * @property {number} offers Offers they made for the team (under consensus: proposed and carried).
 * @property {number} accepts Offers they accepted for the team.
 * @property {number} caucus_lines Lines they wrote in their team's caucus.
 * @property {boolean} survey_done They answered (or skipped) the survey (their ratings stay private, like everyone's).
 */

/**
 * One member of a team seat, as everyone at the table sees them.
 * @typedef {Object} MemberView
 * @property {number} member Index within the team.
 * @property {string} name Display name.
 * @property {boolean} online Connected now.
 * @property {boolean} [removed] The facilitator removed them; the rest of the team plays on.
 */

/**
 * One match in the monitor: public facts only.
 * @typedef {Object} MonitorMatch
 * @property {string} id Match id.
 * @property {Phase} phase Current phase.
 * @property {number | null} deadline When the phase ends (none in results).
 * @property {boolean} paused Stopped by the facilitator.
 * @property {number} offers Offers made.
 * @property {number} messages Chat messages sent by players.
 * @property {OutcomeView | null} outcome The outcome, once bargaining ended.
 * @property {string[]} players Player names by seat.
 * @property {boolean} small_talk Whether the match had a small-talk phase.
 * @property {string[]} observers Names of the participants observing it now.
 * @property {number} sheets Observation sheets filed for it.
 */

/**
 * One participant in the monitor.
 * @typedef {Object} MonitorPlayer
 * @property {string} id Player id (for controls: pair by hand, remove, hand a seat on).
 * @property {string} name Display name.
 * @property {PlayerStatus} status Where they are.
 * @property {boolean} online A connection holds their seat now.
 * @property {string | null} match_id Their match, when playing or finished.
 * @property {boolean} bot One of the server's bots.
 */

/**
 * The session a monitor shows, with the settings the console displays.
 * @typedef {Object} MonitorSession
 * @property {string} code The join code.
 * @property {SessionKind} kind A class or the practice pool.
 * @property {string} title The facilitator's title.
 * @property {string | null} scenario The session's scenario (none in the practice pool).
 * @property {Pairing} pairing The pairing mode chosen at set-up.
 * @property {boolean} auto_pairing Whether people are paired as soon as enough wait now (auto mode, or after "start pairing").
 * @property {SmallTalkTreatment} small_talk The small-talk treatment.
 * @property {Reveal} reveal What results reveal.
 * @property {DropoutPolicy} dropout The dropout policy.
 * @property {number} team_size People per seat (1: everyone plays alone).
 * @property {TeamDecision} team_decision Who may commit a team's seat.
 */

/**
 * The facilitator's live view of a session.
 * @typedef {Object} MonitorView
 * @property {number} server_time The server's clock, for the console's phase clocks.
 * @property {MonitorSession} session The session and its settings.
 * @property {MonitorPlayer[]} players Everyone who joined, by name.
 * @property {number} waiting How many wait to be paired.
 * @property {Record<string, number>} waiting_by_scenario How many wait, per scenario's line.
 * @property {MonitorMatch[]} matches The session's matches, by id.
 * @property {TournamentView | null} tournament The tournament, when one runs (its standings count the matches `matches` shows finished).
 */

/**
 * What a team proposal does.
 *
 * - 'offer': Send an offer.
 * - 'accept': Accept the counterpart's offer.
 * - 'walk_away': Walk away.
 * @typedef {'offer' | 'accept' | 'walk_away'} MotionAct
 */

/**
 * A proposal to the team under the consensus rule.
 * @typedef {Object} MotionView
 * @property {number} id Its id (for `approve` and `decline`).
 * @property {number} member The member who proposed it.
 * @property {MotionAct} act What it does: `offer`, `accept` or `walk_away`.
 * @property {number[]} approved_by Members who approved it (the proposer included).
 * @property {number} at When it was proposed.
 * @property {number | null} [offer_id] The counterpart's offer to accept (`accept` only).
 * @property {Record<string, number> | null} [package] The offer's package, option index by issue id (`offer` only).
 * @property {number | null} [value_to_you] Its worth in the team's own points (`offer` only).
 */

/**
 * The naive split: every issue settled at its middle option (halfway between the two middle
 * options when an issue has an even number), as people do who split every issue in turn.
 * @typedef {Object} NaiveSplit
 * @property {number[]} points Each role's points.
 * @property {number} joint_value Their sum.
 * @property {number} left_on_table The maximum joint value minus this joint value: the value the split leaves on the table.
 * @property {number} share_left That as a share of the maximum joint value (0 when the maximum is not positive).
 * @property {boolean[]} beats_walk_away Per role: whether the split gives it at least its walk-away value.
 */

/**
 * What a `notice` frame says (the facilitator's broadcasts have none: they are their own words).
 *
 * - 'seat_handed': The facilitator handed the player's seat to someone else (`name`: who took it).
 * - 'bot_takes_seat': A player left and a bot takes their seat (`name`: who left).
 * - 'tournament_bye': The player sits out a tournament round (`round`: counted from 1).
 * - 'history_not_saved': This visit could not be added to the learner's practice history.
 * - 'taken_over': Another node took the session over and gave the matches back their time (`seconds`).
 * @typedef {'seat_handed' | 'bot_takes_seat' | 'tournament_bye' | 'history_not_saved' | 'taken_over'} NoticeKey
 */

/**
 * One observer's sheet, as the observed players (and its observer) read it.
 * @typedef {Object} ObservationView
 * @property {string} observer The observer's display name.
 * @property {number} at When it was filed.
 * @property {Tactics} tactics The tactics the observer saw (the tagger's labels).
 * @property {string} done_well One thing the players did well.
 * @property {string} to_try One thing the players could try.
 */

/**
 * An offer as an observer sees it: the package and where it stands, no points.
 * @typedef {Object} ObservedOffer
 * @property {number} id Offer id.
 * @property {number} seat Who made it.
 * @property {number} at When.
 * @property {Record<string, number>} package The package, option index by issue id.
 * @property {OfferStatus} status Where it stands.
 * @property {number[]} accepted_by Seats that accepted it.
 */

/**
 * The `observe` frame: a match as an observer sees it. Its types are the hidden-information rule
 * for observers: nothing in it, before `results`, can hold a role's brief, points or walk-away
 * value, a disclosure's verdict, a coaching nudge or a survey answer (offers carry no value, the
 * players no private side); `results` is filled in the results phase only, with what a player
 * of the match would see there minus anything of their own.
 * @typedef {Object} ObserverView
 * @property {number} server_time The server's clock, for clients to correct theirs.
 * @property {string} match_id Match id.
 * @property {Phase} phase Current phase.
 * @property {number} phase_started When it started.
 * @property {number | null} deadline When it ends (none in results).
 * @property {boolean} paused Stopped by the facilitator.
 * @property {number | null} paused_at When the clock stopped.
 * @property {PublicScenario} scenario The public scenario.
 * @property {PlayerView[]} players Every seat, public facts only.
 * @property {ObservedOffer[]} offers Offers (without anyone's points): all on the first frame, else the newest and every standing one.
 * @property {boolean} offers_complete Whether `offers` is the whole history.
 * @property {number} offers_total Offers made so far.
 * @property {TermsView[]} terms Tentative terms, one entry per issue (as the players see them).
 * @property {OutcomeView | null} outcome The outcome once bargaining ended.
 * @property {WalkedAway | null} walked_away Who walked away, if someone did.
 * @property {SheetView} sheet The observation sheet: what to tick and whether it was sent.
 * @property {ResultsView | null} results The reveal, in the results phase only (the observer holds no seat: nothing of their own).
 */

/**
 * Lifecycle of an offer.
 *
 * - 'standing': Can be accepted.
 * - 'withdrawn': The proposer took it back.
 * - 'rejected': Rejected by enough parties that the deal rule can no longer be met.
 * - 'replaced': The proposer made a newer offer.
 * - 'accepted': Accepted under the scenario's deal rule: the deal.
 * - 'expired': The match ended while it stood.
 * @typedef {'standing' | 'withdrawn' | 'rejected' | 'replaced' | 'accepted' | 'expired'} OfferStatus
 */

/**
 * An offer, valued in the receiving seat's own points only.
 * @typedef {Object} OfferView
 * @property {number} id Offer id.
 * @property {number} seat Who made it.
 * @property {number} at When.
 * @property {Record<string, number>} package The package, option index by issue id.
 * @property {OfferStatus} status Where it stands.
 * @property {number[]} accepted_by Seats that accepted it.
 * @property {number} value_to_you Its worth in the receiving seat's points.
 */

/**
 * Every party the deal rule needs accepted this package.
 * @typedef {Object} OutcomeViewDeal
 * @property {'deal'} kind
 * @property {Record<string, number>} package The agreed package.
 */

/**
 * No deal: everyone gets their walk-away value.
 * @typedef {Object} OutcomeViewImpasse
 * @property {'impasse'} kind
 * @property {ImpasseReason} reason Why.
 */

/**
 * Ended because a player left (left out of class statistics).
 * @typedef {Object} OutcomeViewAbandoned
 * @property {'abandoned'} kind
 * @property {string} reason A sentence saying why (English).
 * @property {AbandonedWhy | null} [why] Why, as data the page words in its language (`key`: `removed` with `name`, or `left` with `name` and `seconds`).
 */

/**
 * How a match ended (`"kind"` names the variant).
 * @typedef {OutcomeViewDeal | OutcomeViewImpasse | OutcomeViewAbandoned} OutcomeView
 */

/**
 * The receiving seat's own trust line.
 * @typedef {Object} OwnTrustView
 * @property {number | null} trust_earned How the others rated this player, 0..100; none while it rests on fewer than 3 people's ratings (`trust_earned_private`).
 * @property {string[]} sentences One sentence per number, on what raised or lowered it.
 * @property {boolean} [trust_earned_private] `trust_earned` rests on too few people's ratings to be shown.
 */

/**
 * A package and what it gives each role (in seat order).
 * @typedef {Object} PackagePoints
 * @property {Record<string, number>} package The package.
 * @property {number[]} points Each role's points.
 */

/**
 * How players are put into matches.
 *
 * - 'auto': First come, first served, as soon as enough people wait.
 * - 'facilitator': People wait until the facilitator starts pairing, pairs everyone now (random) or pairs by hand.
 * @typedef {'auto' | 'facilitator'} Pairing
 */

/**
 * The phases of a match, in order.
 *
 * - 'prep': Reading the brief.
 * - 'small_talk': Chat only, with an icebreaker.
 * - 'bargaining': Chat and full-package offers.
 * - 'survey': Post-match questionnaire.
 * - 'results': Everything revealed.
 * @typedef {'prep' | 'small_talk' | 'bargaining' | 'survey' | 'results'} Phase
 */

/**
 * Default durations of the timed phases, in seconds.
 * @typedef {Object} PhaseDurations
 * @property {number} prep Reading the brief.
 * @property {number} small_talk Chat-only rapport building.
 * @property {number} bargaining Chat plus offers.
 * @property {number} survey Post-match questionnaire.
 */

/**
 * What one player did in a match, as the model reads it.
 * @typedef {Object} PlayerBehaviour
 * @property {number} messages Chat lines written (statements included).
 * @property {number[]} tactics Lines with each tactic.
 * @property {number} small_talk_returned Small talk answered with small talk (the previous line, the counterpart's, was small talk).
 * @property {number} need_acknowledged A counterpart's line about their needs answered with empathy.
 * @property {number} question_answered A counterpart's question about priorities answered with the player's own needs.
 * @property {number} pressure Lines with a pressure phrase.
 * @property {number} concessions Offers that gave the others more than the player's previous offer.
 */

/**
 * How a match ended for one player, as the full model reads it.
 * @typedef {Object} PlayerOutcome
 * @property {number} own_share Own points ÷ the role's maximum.
 * @property {number} partner_share The counterparts' points ÷ their maximum (mean over counterparts).
 * @property {number} deal 1 for a deal, 0 otherwise.
 */

/**
 * Behaviour counted for one player.
 * @typedef {Object} PlayerSignals
 * @property {number} small_talk_messages Chat messages sent in small talk.
 * @property {number} questions_before Messages with a question mark sent before bargaining (prep and small talk).
 * @property {number} questions_during Messages with a question mark sent during bargaining.
 * @property {number} acknowledgments Messages containing an acknowledgment phrase.
 * @property {number} pressure Messages containing a pressure phrase.
 * @property {number} true_disclosures Disclosures true to the player's hidden points.
 * @property {number} misleading_disclosures Disclosures that were not.
 * @property {number} reciprocated Other players' disclosures and concessions this player answered in kind within the window.
 * @property {number} concessions Offers that gave the others more than the player's previous offer.
 * @property {number[]} own_points_by_offer The player's own points in each of their offers, in order (the concession pattern).
 */

/**
 * Where a participant is, as the console shows it.
 *
 * - 'waiting': In a waiting line.
 * - 'playing': In a match that is running.
 * - 'finished': Their last match reached its results.
 * - 'lobby': Joined, neither waiting nor playing (left the line, or being seated).
 * - 'removed': Removed by the facilitator.
 * - 'observing': Watching a match as an observer (`match_id` names it).
 * @typedef {'waiting' | 'playing' | 'finished' | 'lobby' | 'removed' | 'observing'} PlayerStatus
 */

/**
 * What every player of the match may read about one player's conduct: no trust earned and no
 * sentences (those are in the player's own line, `trust.you`, only).
 * @typedef {Object} PlayerTrustView
 * @property {number} seat Seat.
 * @property {number} trust_raters How many people's ratings the player's trust earned averages.
 * @property {boolean} gave_rating The player's own ratings of the others count (answered, and a person).
 * @property {number | null} perspective_before Reading the counterpart's priorities before talking, −1..1.
 * @property {number | null} perspective_after The same after the match, −1..1.
 * @property {number | null} perspective_gain After − before.
 * @property {number | null} places_right_before Issues the preparation guess put in the right place.
 * @property {number | null} places_right_after Issues the survey guess put in the right place.
 * @property {number} issues Issues in the scenario (what the two counts are out of).
 * @property {PlayerBehaviour} behaviour What the player did, as the trust model reads it.
 * @property {PlayerOutcome | null} outcome How the match ended for the player, as the trust model reads it.
 * @property {number | null} trust_estimate The behavioural estimate of the trust the player built, 0..100 (none until an outcome).
 * @property {number} trust_estimate_behaviour Its behaviour-only part.
 * @property {string[]} profile The player's tactic profile in plain words (English).
 * @property {ProfileLine[]} profile_lines The same profile as data, for a page to word in its player's language.
 * @property {IndexMoves} index_moves What moved the behaviour index most, up and down.
 * @property {number} behaviour_index Behaviour index, 0..100.
 * @property {PlayerSignals} signals The counted behaviour.
 */

/**
 * Another seat as everyone at the table sees it: no brief, no points.
 * @typedef {Object} PlayerView
 * @property {number} seat The seat.
 * @property {string} name Display name.
 * @property {RoleRef} role Public role.
 * @property {boolean} online A connection holds the seat.
 * @property {boolean} ready Voted to move on.
 * @property {boolean} survey_done Answered (or skipped) the survey.
 * @property {number | null} [gone_since] Since when the player has been away, if they are.
 * @property {MemberView[]} [members] The team holding the seat, by member index (absent for a seat played alone).
 */

/**
 * A learner's practice, oldest match first.
 * @typedef {Object} PracticeHistory
 * @property {number} visits Visits to the practice pool linked to the key.
 * @property {PracticeMatch[]} matches Every match of those visits, oldest first.
 */

/**
 * One practice match as its learner may see it again: the same numbers their results showed,
 * nothing about the counterpart they could not see there.
 * @typedef {Object} PracticeMatch
 * @property {string} match_id Match id.
 * @property {number} at When it started.
 * @property {string} scenario Scenario id.
 * @property {string} scenario_title Scenario title.
 * @property {string} role The role the learner played.
 * @property {boolean} against_bot Whether the counterpart was one of the server's bots.
 * @property {string} outcome `deal`, `impasse`, `abandoned`, or `running`.
 * @property {number | null} points The learner's points (a deal's, or their walk-away value after an impasse).
 * @property {number} walk_away The learner's walk-away value.
 * @property {number | null} joint_value Both sides' points together.
 * @property {number | null} max_joint_value The most the two could have made together.
 * @property {number | null} efficiency Joint value ÷ maximum.
 * @property {boolean | null} pareto_optimal No other package was better for one side and no worse for the other.
 * @property {number | null} perspective_before How well the learner read the counterpart's priorities before talking, −1..1.
 * @property {number | null} perspective_after The same after the match, −1..1.
 * @property {Record<string, number>} tactics The learner's chat lines with each tactic, as the tagger read them (tactic name → lines).
 * @property {number | null} trust_estimate The behavioural estimate of the trust the learner built, 0..100.
 * @property {number | null} trust_earned Trust earned from counterparts' ratings, 0..100: only when it averages at least `MIN_RATERS_SHOWN` people (else it would give away one person's private answer).
 * @property {DrillOutcome | null} drill The drill the learner practised in this match and how it went (once it reached results).
 */

/**
 * One line of a player's tactic profile as data: how often they used a tactic, and how often
 * players whose deals reached the frontier did (a page words it in its language).
 * @typedef {Object} ProfileLine
 * @property {string} tactic The tactic's label (`elicit-pref`, `self-need`, ...).
 * @property {number} count How many of the player's lines used it.
 * @property {number | null} reference The mean count of players whose deals reached the frontier, when the model has it.
 */

/**
 * An issue of the public scenario: its options, never anyone's points.
 * @typedef {Object} PublicIssue
 * @property {string} id Issue id.
 * @property {string} name Issue name.
 * @property {string} description What it is about.
 * @property {string[]} options Option labels, by index.
 */

/**
 * What every player of a scenario may read.
 * @typedef {Object} PublicScenario
 * @property {string} id Scenario id.
 * @property {string} title Title.
 * @property {string} summary The shared background.
 * @property {string} deal_rule Who must accept a package for it to be the deal, in words (the scenario's deal rule).
 * @property {DealView} deal The same rule as data, for a page to word in its player's language.
 * @property {PublicIssue[]} issues Issues and options.
 */

/**
 * One survey question.
 * @typedef {Object} Question
 * @property {string} id Stable id used in answers and exports (a bank id, or `custom_1`, `custom_2`, ... for a facilitator's own items in the order given).
 * @property {string} text The question as shown.
 * @property {string} low Label of 1 (empty for a text question).
 * @property {string} high Label of 7 (empty for a text question).
 * @property {QuestionKind} [kind] `scale` (absent) or `text`.
 * @property {Record<string, string>} [translations] A facilitator's item in other languages, by language code: each player is sent the one of their page's language in `text` (then this is empty). Bank items are worded by the page.
 */

/**
 * How a question is answered.
 *
 * - 'scale': A rating from 1 to 7 between two end labels.
 * - 'text': A short text, at most [`MAX_TEXT_ANSWER_CHARS`] characters.
 * @typedef {'scale' | 'text'} QuestionKind
 */

/**
 * The results reveal for one seat.
 * @typedef {Object} ResultsView
 * @property {OutcomeView | null} outcome How the match ended.
 * @property {WalkedAway | null} walked_away Who walked away, if someone did.
 * @property {RoleResultView[]} roles Every role in seat order, with its score; its brief and points only when revealed.
 * @property {number} joint_value The roles' points added up.
 * @property {number} max_joint_value The most any package gives all roles together.
 * @property {number} efficiency `joint_value / max_joint_value`.
 * @property {number | null} surplus_efficiency The share of the value above the walk-away values that was captured; none when no package beats their sum.
 * @property {boolean} pareto_optimal No package is at least as good for everyone and better for someone.
 * @property {number} distance_to_frontier Distance in points from the outcome to the nearest package of the frontier.
 * @property {PackagePoints | null} better_package A package everyone would have preferred (none when the outcome is Pareto-optimal).
 * @property {PackagePoints | null} nash The Nash bargaining package (none when no package gives everyone their walk-away value).
 * @property {number[][] | null} frontier Two-role scenarios: the Pareto frontier as `[points of role 1, points of role 2]`.
 * @property {IssueResultView[]} issues Issue by issue: its kind, what was agreed and what creates the most value.
 * @property {string} deal_rule Who must accept a package for it to be the deal, in words.
 * @property {string[]} feedback Sentences on what could have been better (in English; the console shows these).
 * @property {FeedbackItem[]} feedback_items The same feedback as codes and values, one per sentence, for a page to word in its player's language (issues by id, options by index, points in seat order).
 * @property {DisclosureView[]} disclosures Every statement made with `disclose`, with its verdict.
 * @property {TrustResultView} trust Trust and behaviour, as this seat may see them.
 * @property {DrillOutcome | null} [drill] How the seat's drill went, when it practised one (nobody else's).
 * @property {MemberResultView[]} [members] Teams: what each member of each team did, by seat then member (absent when every seat was played alone). The team's points and trust are the seat's, in `roles` and `trust`.
 * @property {ObservationView[]} [observations] The observation sheets observers filed about this match (absent when nobody did; a sheet filed after results arrive comes with the next `state` frame).
 */

/**
 * What the results phase reveals.
 *
 * - 'all': Every role's brief and points table.
 * - 'scores': Scores and the analysis only; other roles' briefs and points stay private.
 * @typedef {'all' | 'scores'} Reveal
 */

/**
 * A role as everyone may name it.
 * @typedef {Object} RoleRef
 * @property {string} id Role id.
 * @property {string} name Role name.
 */

/**
 * A role in the results: public facts and score, and its private side when revealed.
 * @typedef {Object} RoleResultView
 * @property {string} id Role id.
 * @property {string} name Role name.
 * @property {string} player The player who held the role.
 * @property {number} batna The role's walk-away value.
 * @property {number} score The role's points from the outcome.
 * @property {number} surplus `score − batna`.
 * @property {string} [brief] The role's private brief.
 * @property {Record<string, number[]>} [points] The role's points per option, by issue id.
 */

/**
 * A role's texts in one language.
 * @typedef {Object} RoleTranslation
 * @property {string | null} [brief] Private brief.
 * @property {string | null} [name] Display name.
 */

/**
 * The answer to a save.
 * @typedef {Object} SavedAnswer
 * @property {string} id The scenario id.
 * @property {string} file The file name in the scenarios folder.
 * @property {boolean} replaced Whether it replaced a scenario the server had.
 * @property {string} toml The file's text.
 */

/**
 * The whole view of the player's match.
 * @typedef {{type: 'state'} & StateView} ServerMsgState
 */

/**
 * The whole view of the match an observer watches (public facts only).
 * @typedef {{type: 'observe'} & ObserverView} ServerMsgObserve
 */

/**
 * One chat line.
 * @typedef {{type: 'chat'} & ChatLineView} ServerMsgChat
 */

/**
 * The match's chat so far (after `state`, when a match starts or resumes).
 * @typedef {Object} ServerMsgChatHistory
 * @property {'chat_history'} type
 * @property {ChatLineView[]} lines Oldest first.
 */

/**
 * One line of the player's team caucus (only the team's members get it).
 * @typedef {{type: 'caucus'} & CaucusLineView} ServerMsgCaucus
 */

/**
 * The team caucus so far (after `state`, when a team member takes their seat).
 * @typedef {Object} ServerMsgCaucusHistory
 * @property {'caucus_history'} type
 * @property {CaucusLineView[]} lines Oldest first.
 */

/**
 * A private coaching nudge.
 * @typedef {{type: 'coach'} & CoachView} ServerMsgCoach
 */

/**
 * A message from the facilitator or the server.
 * @typedef {Object} ServerMsgNotice
 * @property {'notice'} type
 * @property {string} text What the player reads (English).
 * @property {NoticeKey | null} [key] What it says, for the page to word in its language (absent for the facilitator's own words).
 * @property {Record<string, any>} [params] The names and numbers the sentence needs.
 */

/**
 * A refusal.
 * @typedef {Object} ServerMsgError
 * @property {'error'} type
 * @property {ErrorCode} code Stable code.
 * @property {string} message A plain sentence.
 */

/**
 * The answer to `hello`.
 * @typedef {Object} ServerMsgWelcome
 * @property {'welcome'} type
 * @property {number} version The protocol version the server speaks.
 * @property {number} server_time The server's clock.
 */

/**
 * The answer to `ping`.
 * @typedef {Object} ServerMsgPong
 * @property {'pong'} type
 * @property {number} server_time The server's clock.
 */

/**
 * The player is in a session (after `join`, `practice`, or a `hello` with a valid token).
 * @typedef {Object} ServerMsgJoined
 * @property {'joined'} type
 * @property {string} player_id The player's id.
 * @property {string} token The secret that resumes the seat after a reload or a network loss.
 * @property {string} name The display name.
 * @property {SessionRef | null} session The session joined.
 */

/**
 * The player waits to be paired.
 * @typedef {Object} ServerMsgWaiting
 * @property {'waiting'} type
 * @property {number} ahead Players ahead in the line.
 * @property {number} waiting Players in the line.
 * @property {string} scenario The scenario of the line.
 * @property {string} message What the player reads (English).
 * @property {boolean} [bot_offer] The practice pool offers a bot (after waiting alone a while).
 * @property {WaitingKey | null} [key] What it says, for the page to word in its language.
 */

/**
 * The player stopped waiting (the answer to `leave`).
 * @typedef {Object} ServerMsgLeft
 * @property {'left'} type
 * @property {string} session The session's join code.
 */

/**
 * The facilitator's live view of a session (to a console watching it).
 * @typedef {{type: 'monitor'} & MonitorView} ServerMsgMonitor
 */

/**
 * The server is done with the client frame that carried this `cid`: applied, refused (an
 * `error` came first) or, resent, applied already. The client stops resending it.
 * @typedef {Object} ServerMsgAck
 * @property {'ack'} type
 * @property {number} cid The frame's client message id.
 */

/**
 * The session lives on another node of a cluster: reconnect there (with the same token)
 * and send again what was not answered.
 * @typedef {Object} ServerMsgMoved
 * @property {'moved'} type
 * @property {string} address The node's base address, as it advertises it (`http://host:port` or `https://host`).
 */

/**
 * The player's round and standing in a tournament.
 * @typedef {Object} ServerMsgTournament
 * @property {'tournament'} type
 * @property {number} round Rounds started so far.
 * @property {number} rounds Rounds in all.
 * @property {TournamentStatus} status Where the player is in the round.
 * @property {StandingView} standing The player's place and numbers.
 */

/**
 * A frame to one client (`"type"` names the variant).
 * @typedef {ServerMsgState | ServerMsgObserve | ServerMsgChat | ServerMsgChatHistory | ServerMsgCaucus | ServerMsgCaucusHistory | ServerMsgCoach | ServerMsgNotice | ServerMsgError | ServerMsgWelcome | ServerMsgPong | ServerMsgJoined | ServerMsgWaiting | ServerMsgLeft | ServerMsgMonitor | ServerMsgAck | ServerMsgMoved | ServerMsgTournament} ServerMsg
 */

/**
 * Whether a session is a facilitated class or the open practice pool.
 *
 * - 'workshop': A facilitated class with a join code.
 * - 'practice': The open practice pool.
 * @typedef {'workshop' | 'practice'} SessionKind
 */

/**
 * The session a player joined.
 * @typedef {Object} SessionRef
 * @property {string} code The join code.
 * @property {SessionKind} kind A class or the practice pool.
 * @property {string} title The class's title (`""` when it has none).
 * @property {string | null} scenario The class's scenario (none in the practice pool).
 */

/**
 * The observer's sheet: the tactics to look for and the sheet they sent, once sent.
 * @typedef {Object} SheetView
 * @property {TacticChoice[]} tactics The tactics to tick, in the tagger's label order.
 * @property {number} max_chars The most characters each text may have.
 * @property {ObservationView | null} sent The sheet this observer sent (none until sent; it can be sent once).
 */

/**
 * Which matches get a small-talk phase (the A/B treatment).
 *
 * - 'all': Every match.
 * - 'none': No match.
 * - 'split': Every other match (half the class skips small talk).
 * @typedef {'all' | 'none' | 'split'} SmallTalkTreatment
 */

/**
 * A leaderboard row.
 * @typedef {Object} StandingRow
 * @property {number} rank Rank (1 = best; equal scores share a rank).
 * @property {string} player Player id.
 * @property {string} name Name (a team's: its members' names together).
 * @property {number} played Matches played.
 * @property {number} byes Byes.
 * @property {number} value Mean normalised value (0..1).
 * @property {number | null} trust Mean trust earned (0..100) over rated matches.
 * @property {number} trust_raters How many ratings `trust` rests on.
 * @property {number} score The blend of value and trust the ranking uses.
 * @property {string[]} [members] A team's members' names, in member order (absent when everyone plays alone).
 */

/**
 * A player's place in a tournament. Trust, and the score that blends it, are shown only once
 * they rest on enough people's ratings.
 * @typedef {Object} StandingView
 * @property {number} rank Place, from 1.
 * @property {number} of Players ranked.
 * @property {number} played Matches played.
 * @property {number} byes Rounds sat out.
 * @property {number} value Mean points within each role's own scale (0..1).
 * @property {number | null} trust Trust earned; none while private.
 * @property {number | null} score The blended score; none while trust is private.
 * @property {boolean} trust_private Trust rests on too few ratings to be shown.
 */

/**
 * The `state` frame for one seat.
 * @typedef {Object} StateView
 * @property {number} server_time The server's clock, for clients to correct theirs.
 * @property {string} match_id Match id.
 * @property {Phase} phase Current phase.
 * @property {number} phase_started When it started.
 * @property {number | null} deadline When it ends (none in results).
 * @property {boolean} paused Stopped by the facilitator.
 * @property {number | null} paused_at When the clock stopped.
 * @property {ActionKind[]} allowed_actions The client messages the seat may send now.
 * @property {PublicScenario} scenario The public scenario.
 * @property {YouView} you The seat's own private facts.
 * @property {PlayerView[]} players Every seat, public facts only.
 * @property {OfferView[]} offers Offers: all on taking a seat, else the newest and every standing one.
 * @property {boolean} offers_complete Whether `offers` is the whole history.
 * @property {number} offers_total Offers made so far.
 * @property {TermsView[]} terms Tentative terms, one entry per issue in the scenario's order: the open proposal and the agreement in principle. Every seat sees the same (they are said aloud; no points).
 * @property {OutcomeView | null} outcome The outcome once bargaining ended.
 * @property {WalkedAway | null} walked_away Who walked away, if someone did.
 * @property {SurveyView | null} survey The survey, in the survey phase.
 * @property {ResultsView | null} results The reveal, in the results phase only.
 * @property {DropoutView | null} dropout A counterpart gone past the grace period, and the policy.
 * @property {string[]} [observers] Names of the participants observing this match (absent when nobody does).
 * @property {TeamView | null} [team] The player's team, when their seat is held by a team (absent otherwise).
 */

/**
 * "Issue X matters a lot / little to me."
 * @typedef {Object} StatementImportance
 * @property {'importance'} kind
 * @property {number} issue Issue index.
 * @property {boolean} high `true` = a lot, `false` = little.
 */

/**
 * "On issue X I prefer A over B."
 * @typedef {Object} StatementPrefers
 * @property {'prefers'} kind
 * @property {number} issue Issue index.
 * @property {number} better Option said to be preferred.
 * @property {number} worse Option said to be worse.
 */

/**
 * A structured statement a player makes about their own interests. The counterpart sees it as
 * a chat line; the server checks it against the speaker's hidden points and reveals the verdict
 * only in results.
 * @typedef {StatementImportance | StatementPrefers} Statement
 */

/**
 * The survey, in the survey phase.
 * @typedef {Object} SurveyView
 * @property {Question[]} questions The questions.
 * @property {IssueRef[]} issues The issues to order by the counterpart's priorities.
 * @property {boolean} answered Whether this seat has answered.
 */

/**
 * One tactic an observer may tick.
 * @typedef {Object} TacticChoice
 * @property {string} label The tagger's label (`elicit-pref`).
 * @property {string} name A short name in plain words.
 * @property {string} hint What to look for.
 */

/**
 * A set of tactics (CaSiNo strategy labels), in the tagger's label order.
 * @typedef {('small-talk' | 'showing-empathy' | 'promote-coordination' | 'elicit-pref' | 'self-need' | 'other-need' | 'no-need' | 'uv-part' | 'vouch-fair' | 'non-strategic')[]} Tactics
 */

/**
 * Teaching notes for facilitators: what a scenario teaches and how to run it in class.
 * Optional in a scenario file; every bundled scenario has complete notes (see [`Teaching::missing`]).
 * Players never receive them: the player-facing view is built field by field elsewhere.
 * @typedef {Object} Teaching
 * @property {string[]} goals Learning goals, one sentence each.
 * @property {string} research The research point the case makes.
 * @property {string[]} debrief_questions Questions for the debrief.
 * @property {string} frontier What the Pareto frontier (and the issue types) show for this case.
 * @property {string[]} mistakes Typical mistakes players make.
 * @property {string} timing_45 A plan for a 45-minute class.
 * @property {string} timing_90 A plan for a 90-minute class.
 */

/**
 * Who may commit a team's seat (make, withdraw, accept or reject an offer, walk away, act on
 * tentative terms). Chat, the caucus, statements, the prep guess, the ready vote and the survey
 * are open to every member under every rule.
 *
 * - 'any': Any member may act for the seat.
 * - 'spokesperson': Only the team's spokesperson (the first member until the team names another).
 * - 'consensus': An offer, an accept or a walk-away is proposed in the caucus and goes out only once every other member approved it; the rest of the seat's moves are open to every member.
 * @typedef {'any' | 'spokesperson' | 'consensus'} TeamDecision
 */

/**
 * The player's own team (in their `state` only): who they are in it, the decision rule and the
 * proposal waiting for the team's approval.
 * @typedef {Object} TeamView
 * @property {number} member The player's index in the team (`players[seat].members`).
 * @property {TeamDecision} decision Who may commit the seat.
 * @property {number} spokesperson The spokesperson's member index.
 * @property {MotionView | null} motion The proposal waiting for the team's approval (consensus rule), if any.
 */

/**
 * A proposal to agree an issue on one option in principle, while it is open.
 * @typedef {Object} TermsProposalView
 * @property {number} seat Who proposed it.
 * @property {number} option Option index.
 * @property {number} at When.
 * @property {number[]} accepted_by Seats that said yes (the proposer included).
 * @property {number[]} rejected_by Seats that said no while it can still be agreed without them.
 */

/**
 * Where one issue stands on tentative terms.
 * @typedef {Object} TermsView
 * @property {string} issue Issue id.
 * @property {TermsProposalView | null} proposal The open proposal on the issue (at most one).
 * @property {AgreedTermsView | null} agreed The option agreed in principle, if the issue is agreed.
 */

/**
 * A player sitting out a round.
 * @typedef {Object} TournamentBye
 * @property {string} player Player id.
 * @property {string} name Name.
 */

/**
 * A tournament's settings.
 * @typedef {Object} TournamentConfig
 * @property {string[]} rounds Scenario id of each round (the number of rounds is its length).
 * @property {Weights} weights Leaderboard weights.
 */

/**
 * One match of a round.
 * @typedef {Object} TournamentGroup
 * @property {string} match_id The match.
 * @property {string[]} players Player ids in seat order.
 * @property {string[]} names Their names, in the same order.
 */

/**
 * One player's result in one finished tournament match.
 * @typedef {Object} TournamentResult
 * @property {number} round Round number, from 1.
 * @property {string} match_id The match.
 * @property {string} player Player id.
 * @property {string} name Name.
 * @property {string} role The role they played.
 * @property {string} outcome `deal` or `impasse`.
 * @property {number} points Their points.
 * @property {number} role_min The lowest points their role could end with.
 * @property {number} role_max The highest points their role could end with.
 * @property {number} value Points normalised within the role's range (0..1).
 * @property {number | null} trust Trust earned (0..100), when rated.
 */

/**
 * One round of a tournament.
 * @typedef {Object} TournamentRound
 * @property {number} round Round number, from 1.
 * @property {string | null} scenario The round's scenario.
 * @property {TournamentGroup[]} groups Its matches.
 * @property {TournamentBye[]} byes Who sat out.
 */

/**
 * Where a player is in a tournament's round.
 *
 * - 'playing': The player's match of this round runs.
 * - 'between_rounds': The player's match ended; the next round has not started.
 * - 'bye': The player sits this round out.
 * - 'finished': The last round is over.
 * @typedef {'playing' | 'between_rounds' | 'bye' | 'finished'} TournamentStatus
 */

/**
 * A tournament as the facilitator sees it: rounds, groups, standings and per-match results.
 * @typedef {Object} TournamentView
 * @property {TournamentConfig | null} config Settings; none when the session runs no tournament.
 * @property {number} round Rounds started so far.
 * @property {TournamentRound[]} rounds Each round started, oldest first.
 * @property {StandingRow[]} standings The leaderboard, best first.
 * @property {TournamentResult[]} results One row per player per finished tournament match.
 */

/**
 * The scenario's texts in one language.
 * @typedef {Object} Translation
 * @property {string[]} [icebreakers] The small-talk prompts, in the scenario's order: all of them, or none.
 * @property {Record<string, IssueTranslation>} [issues] Texts per issue, keyed by issue id.
 * @property {Record<string, RoleTranslation>} [roles] Texts per role, keyed by role id.
 * @property {string | null} [summary] The public background.
 * @property {string | null} [title] The title.
 */

/**
 * The match's trust and behaviour as one seat may see them (`docs/scoring.md`, *Trust and
 * behaviour*).
 * @typedef {Object} TrustResultView
 * @property {number | null} trust_built Trust built, 0..100; none while it would give away a private survey answer (`trust_built_private`).
 * @property {number | null} trust_survey The survey part of trust built; none when nobody answered, or while private.
 * @property {number | null} trust_estimate The behavioural estimate of trust built, mean over players, 0..100 (none for an abandoned match).
 * @property {number} trust_estimate_behaviour Its behaviour-only part.
 * @property {Tactics[]} line_tactics The tactics of every player chat line, in the order of the chat.
 * @property {number} ratings Survey answers by people that rated the trust items.
 * @property {number} behaviour_index Mean of the players' behaviour indexes.
 * @property {number | null} small_talk_balance Fewest small-talk messages ÷ most, among players (none without small talk).
 * @property {number | null} turn_taking Share of consecutive small-talk messages by different speakers.
 * @property {PlayerTrustView[]} players Every player's behaviour, in seat order.
 * @property {OwnTrustView} you This seat's own trust line.
 * @property {boolean} [trust_built_private] `trust_built` and `trust_survey` rest on too few other people's ratings to be shown.
 */

/**
 * What a `waiting` frame says (its `ahead` is the number the sentence names).
 *
 * - 'next': The next player to arrive is the partner.
 * - 'ahead': Others are ahead in the line.
 * - 'alone': Alone in the practice pool: a bot is offered.
 * - 'pool': In a cluster's practice pool: a partner is looked for among players waiting on every server, so no place in a line is known.
 * @typedef {'next' | 'ahead' | 'alone' | 'pool'} WaitingKey
 */

/**
 * Who walked away.
 * @typedef {Object} WalkedAway
 * @property {number} seat The seat.
 * @property {string} name Their name.
 */

/**
 * Leaderboard weights (set per tournament, shown with the table).
 * @typedef {Object} Weights
 * @property {number} value Weight of normalised value (0..1 per match).
 * @property {number} trust Weight of trust earned (0..1 per match, from 0..100).
 */

/**
 * "Issue X matters a lot / little to me."
 * @typedef {Object} WireStatementImportance
 * @property {'importance'} kind
 * @property {string} issue Issue id.
 * @property {Level} level `high` or `low`.
 */

/**
 * "On issue X I prefer option A over option B."
 * @typedef {Object} WireStatementPrefers
 * @property {'prefers'} kind
 * @property {string} issue Issue id.
 * @property {number} better Preferred option index.
 * @property {number} worse Less preferred option index.
 */

/**
 * A disclosure as sent by clients (issues by id, options by index).
 * @typedef {WireStatementImportance | WireStatementPrefers} WireStatement
 */

/**
 * The seat's own private facts: the only place a role's brief and points appear before results.
 * @typedef {Object} YouView
 * @property {number} seat The seat.
 * @property {string} name The player's display name.
 * @property {RoleRef} role The seat's role.
 * @property {string} brief The role's private brief.
 * @property {number} batna The role's walk-away value.
 * @property {Record<string, number[]>} points The role's points per option, by issue id.
 * @property {number} max_points The most the role can score.
 * @property {boolean} guessed_priorities Whether the seat answered the perspective question in preparation.
 * @property {CoachView[]} coaching The nudges this seat was given (nobody else's).
 * @property {DrillGoal | null} [drill] The drill this seat practises, if any (practice pool; nobody else is shown it).
 * @property {string | null} [lang] The language this seat's texts come in (absent: the scenario's own). A bot's seat takes the language of the people at its table, and the bot speaks it.
 */

/**
 * The zone of possible agreement: packages that give every role at least its walk-away value.
 * @typedef {Object} Zone
 * @property {boolean} exists Whether any package does.
 * @property {number} frontier_packages How many packages of the Pareto frontier (over all roles) do.
 * @property {number[][]} role_ranges Per role, `[least, most]` points over those frontier packages (empty when there is no zone).
 * @property {number} surplus The maximum joint value minus the sum of the walk-away values: what the best deal adds to walking away (negative: even the best deal is worth less than everyone walking away).
 */

export {};
