// GENERATED from the server's Rust types (server/src/wire.rs, server/src/protocol.rs,
// server/src/error.rs) by server/src/jsdoc.rs. Do not edit: regenerate with
//
//   PARLEY_WRITE_TYPES=1 cargo test -p parley --lib jsdoc
//
// (a normal `cargo test` fails while this file is out of date). JSDoc types only, for
// `tsc --checkJs` and editors: nothing here runs. Use them as
// `/** @param {import('./types.js').StateView} state */`.

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
 * @typedef {'chat' | 'ready' | 'offer' | 'withdraw' | 'accept' | 'reject' | 'walk_away' | 'survey' | 'skip_survey' | 'disclose' | 'guess_priorities' | 'propose_terms' | 'agree_terms' | 'reject_terms' | 'withdraw_terms' | 'reopen_terms'} ActionKind
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
 */

/**
 * First frame: the protocol version, and a player token to resume.
 * @typedef {Object} ClientMsgHello
 * @property {'hello'} type
 * @property {number} version Must be 1.
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
 * @property {string | null} [scenario] A scenario id, or none for a random one.
 */

/**
 * Chat message.
 * @typedef {Object} ClientMsgChat
 * @property {'chat'} type
 * @property {string} text The text (at most 1000 characters).
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
 * @property {string | null} [strategy] `logroller`, `hardballer` or `tit_for_tat`; random when absent.
 */

/**
 * Stop waiting for a partner (answered with `left`); the token stays valid.
 * @typedef {Object} ClientMsgLeave
 * @property {'leave'} type
 */

/**
 * Heartbeat; answered with `pong`.
 * @typedef {Object} ClientMsgPing
 * @property {'ping'} type
 */

/**
 * A frame from a client.
 * @typedef {ClientMsgHello | ClientMsgJoin | ClientMsgPractice | ClientMsgChat | ClientMsgReady | ClientMsgOffer | ClientMsgWithdraw | ClientMsgAccept | ClientMsgReject | ClientMsgWalkAway | ClientMsgSurvey | ClientMsgSkipSurvey | ClientMsgDisclose | ClientMsgGuessPriorities | ClientMsgProposeTerms | ClientMsgAgreeTerms | ClientMsgRejectTerms | ClientMsgWithdrawTerms | ClientMsgReopenTerms | ClientMsgWatch | ClientMsgPlayBot | ClientMsgLeave | ClientMsgPing} ClientMsg
 */

/**
 * A coaching nudge given to this seat.
 * @typedef {Object} CoachView
 * @property {string} rule The rule that fired.
 * @property {string} text What the player reads.
 * @property {number} at When.
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
 * - 'not_waiting': `play_bot` while not waiting.
 * - 'bot_already_requested': A practice bot was already asked for.
 * - 'not_practice': Bots on demand outside the practice pool.
 * - 'session_full': The session has as many players as it allows.
 * - 'rate_limited': Too much, too fast: the message was dropped.
 * - 'offer_limit': The match has made as many offers as it allows.
 * - 'too_many_connections': Too many connections from one address.
 * - 'server_full': The server holds as many connections as it can.
 * - 'too_slow': A client that did not read its frames in time (the connection is closed).
 * - 'replaced': The same player connected elsewhere; this connection yields.
 * - 'removed': The facilitator removed the player.
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
 * - 'terms_not_open': No open proposal of that option on that issue (or none of yours to withdraw).
 * - 'own_terms': Agreeing to or rejecting one's own proposal.
 * - 'terms_pending': Another player's proposal on that issue waits for an answer.
 * - 'terms_agreed': The issue is already agreed in principle (reopen it first).
 * - 'terms_not_agreed': Reopening an issue that is not agreed in principle.
 * - 'bad_request': A request body or control that cannot be carried out.
 * - 'admin_key_required': Creating a session needs the admin key.
 * - 'facilitator_token_required': A facilitator call without a token.
 * - 'wrong_facilitator_token': A token that is not this session's facilitator token.
 * - 'unknown_player': No player with that id in the session.
 * - 'bot_player': Bots have no rejoin link.
 * - 'unknown_match': No match with that id in the session.
 * - 'no_tournament': The session runs no tournament.
 * - 'unknown_export': No export by that name.
 * - 'internal': A failure inside the server; nothing of the action was saved.
 * @typedef {'bad_json' | 'bad_message' | 'unknown_type' | 'frame_too_large' | 'hello_required' | 'unsupported_version' | 'bad_token' | 'unknown_session' | 'bad_name' | 'unknown_scenario' | 'already_joined' | 'not_joined' | 'not_in_match' | 'match_unavailable' | 'in_match' | 'not_waiting' | 'bot_already_requested' | 'not_practice' | 'session_full' | 'rate_limited' | 'offer_limit' | 'too_many_connections' | 'server_full' | 'too_slow' | 'replaced' | 'removed' | 'unknown_issue' | 'missing_issue' | 'unknown_option' | 'wrong_phase' | 'paused' | 'empty_chat' | 'chat_too_long' | 'bad_package' | 'offer_not_standing' | 'own_offer' | 'nothing_to_withdraw' | 'already_answered' | 'bad_survey' | 'already_ready' | 'bad_statement' | 'bad_guess' | 'terms_not_open' | 'own_terms' | 'terms_pending' | 'terms_agreed' | 'terms_not_agreed' | 'bad_request' | 'admin_key_required' | 'facilitator_token_required' | 'wrong_facilitator_token' | 'unknown_player' | 'bot_player' | 'unknown_match' | 'no_tournament' | 'unknown_export' | 'internal'} ErrorCode
 */

/**
 * An issue named without its options.
 * @typedef {Object} IssueRef
 * @property {string} id Issue id.
 * @property {string} name Issue name.
 */

/**
 * How much an issue matters.
 *
 * - 'high': A lot.
 * - 'low': Little.
 * @typedef {'high' | 'low'} Level
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
 * Another seat as everyone at the table sees it: no brief, no points.
 * @typedef {Object} PlayerView
 * @property {number} seat The seat.
 * @property {string} name Display name.
 * @property {RoleRef} role Public role.
 * @property {boolean} online A connection holds the seat.
 * @property {boolean} ready Voted to move on.
 * @property {boolean} survey_done Answered (or skipped) the survey.
 * @property {number | null} [gone_since] Since when the player has been away, if they are.
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
 * @property {PublicIssue[]} issues Issues and options.
 */

/**
 * One 1–7 rating question.
 * @typedef {Object} Question
 * @property {string} id Stable id used in answers and exports.
 * @property {string} text The question as shown.
 * @property {string} low Label of 1.
 * @property {string} high Label of 7.
 */

/**
 * A role as everyone may name it.
 * @typedef {Object} RoleRef
 * @property {string} id Role id.
 * @property {string} name Role name.
 */

/**
 * The whole view of the player's match.
 * @typedef {{type: 'state'} & StateView} ServerMsgState
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
 * A private coaching nudge.
 * @typedef {{type: 'coach'} & CoachView} ServerMsgCoach
 */

/**
 * A message from the facilitator or the server.
 * @typedef {Object} ServerMsgNotice
 * @property {'notice'} type
 * @property {string} text What the player reads.
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
 * @property {string} message What the player reads.
 * @property {boolean} [bot_offer] The practice pool offers a bot (after waiting alone a while).
 */

/**
 * The player stopped waiting (the answer to `leave`).
 * @typedef {Object} ServerMsgLeft
 * @property {'left'} type
 * @property {string} session The session's join code.
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
 * @typedef {ServerMsgState | ServerMsgChat | ServerMsgChatHistory | ServerMsgCoach | ServerMsgNotice | ServerMsgError | ServerMsgWelcome | ServerMsgPong | ServerMsgJoined | ServerMsgWaiting | ServerMsgLeft | ServerMsgTournament} ServerMsg
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
 * @property {any} outcome The outcome once bargaining ended (`{"kind": ...}`).
 * @property {WalkedAway | null} walked_away Who walked away, if someone did.
 * @property {SurveyView | null} survey The survey, in the survey phase.
 * @property {any} results The reveal, in the results phase only.
 * @property {any} dropout A counterpart gone past the grace period, and the policy.
 */

/**
 * The survey, in the survey phase.
 * @typedef {Object} SurveyView
 * @property {Question[]} questions The questions.
 * @property {IssueRef[]} issues The issues to order by the counterpart's priorities.
 * @property {boolean} answered Whether this seat has answered.
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
 * Where a player is in a tournament's round.
 *
 * - 'playing': The player's match of this round runs.
 * - 'between_rounds': The player's match ended; the next round has not started.
 * - 'bye': The player sits this round out.
 * - 'finished': The last round is over.
 * @typedef {'playing' | 'between_rounds' | 'bye' | 'finished'} TournamentStatus
 */

/**
 * Who walked away.
 * @typedef {Object} WalkedAway
 * @property {number} seat The seat.
 * @property {string} name Their name.
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
 */

export {};
