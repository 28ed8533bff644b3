//! Every error code Parley sends, in one place: on the WebSocket (`{"type":"error","code",...}`),
//! in HTTP answers (`{"code","message"}`) and as the reason of a closing frame. Codes are stable
//! (clients and scripts branch on them); the message beside each is a plain sentence, and
//! internals stay in the server's log. `docs/protocol.md` lists every code (a test checks).

use parley_core::game::GameError;
use serde::{Deserialize, Deserializer, Serialize, Serializer};

/// Declares the codes once: variant, wire name (the variant in snake_case, checked by a test).
macro_rules! error_codes {
    ($( $(#[doc = $doc:literal])+ $variant:ident = $wire:literal, )*) => {
        /// A stable error code.
        #[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
        #[cfg_attr(feature = "schema", derive(schemars::JsonSchema), schemars(rename_all = "snake_case"))]
        pub enum ErrorCode {
            $( $(#[doc = $doc])+ $variant, )*
        }

        impl ErrorCode {
            /// Every code.
            pub const ALL: &'static [ErrorCode] = &[$(ErrorCode::$variant),*];

            /// The code on the wire.
            pub fn as_str(self) -> &'static str {
                match self {
                    $(ErrorCode::$variant => $wire,)*
                }
            }
        }
    };
}

error_codes! {
    // The frame itself.
    /// The frame is not JSON.
    BadJson = "bad_json",
    /// Not an object, no `type`, or fields missing or of the wrong type.
    BadMessage = "bad_message",
    /// `type` names no client message.
    UnknownType = "unknown_type",
    /// A frame over the size limit (the connection is closed).
    FrameTooLarge = "frame_too_large",
    /// The first frame was not `hello`.
    HelloRequired = "hello_required",
    /// A protocol version the server does not speak.
    UnsupportedVersion = "unsupported_version",
    // Who is asking.
    /// A resume or facilitator token the server does not know.
    BadToken = "bad_token",
    /// No session has that join code.
    UnknownSession = "unknown_session",
    /// A display name that cannot be used.
    BadName = "bad_name",
    /// No scenario has that id.
    UnknownScenario = "unknown_scenario",
    /// This connection already joined.
    AlreadyJoined = "already_joined",
    /// An action before joining.
    NotJoined = "not_joined",
    /// A match action while not in a match.
    NotInMatch = "not_in_match",
    /// The player's match is not running.
    MatchUnavailable = "match_unavailable",
    /// Leaving the waiting line while in a match.
    InMatch = "in_match",
    /// `play_bot` while not waiting; pairing by hand (the `pair` control) naming someone not waiting.
    NotWaiting = "not_waiting",
    /// A practice bot was already asked for.
    BotAlreadyRequested = "bot_already_requested",
    /// Bots on demand outside the practice pool.
    NotPractice = "not_practice",
    /// A practice key that is not 32 hexadecimal digits.
    BadPracticeKey = "bad_practice_key",
    /// The practice history was asked for without a practice key.
    PracticeKeyRequired = "practice_key_required",
    /// The session has as many players as it allows.
    SessionFull = "session_full",
    // Limits.
    /// Too much, too fast: the message was dropped.
    RateLimited = "rate_limited",
    /// The match has made as many offers as it allows.
    OfferLimit = "offer_limit",
    /// Too many connections from one address.
    TooManyConnections = "too_many_connections",
    /// The server holds as many connections as it can.
    ServerFull = "server_full",
    /// A client that did not read its frames in time (the connection is closed).
    TooSlow = "too_slow",
    /// The same player connected elsewhere; this connection yields.
    Replaced = "replaced",
    /// The facilitator removed the player.
    Removed = "removed",
    /// The session lives on another node now (a `moved` frame with its address comes first; the
    /// connection is closed with code 4002 and the client reconnects there).
    Moved = "moved",
    // Offers and statements.
    /// An offer names an issue the scenario does not have.
    UnknownIssue = "unknown_issue",
    /// An offer leaves an issue out.
    MissingIssue = "missing_issue",
    /// An option index out of range.
    UnknownOption = "unknown_option",
    // Game rules (core::game::GameError).
    /// Not allowed in this phase.
    WrongPhase = "wrong_phase",
    /// The facilitator paused the match.
    Paused = "paused",
    /// An empty chat message.
    EmptyChat = "empty_chat",
    /// A chat message over the length limit.
    ChatTooLong = "chat_too_long",
    /// An offer that does not choose one valid option per issue.
    BadPackage = "bad_package",
    /// No standing offer has that id.
    OfferNotStanding = "offer_not_standing",
    /// Accepting or rejecting one's own offer.
    OwnOffer = "own_offer",
    /// Nothing standing to withdraw.
    NothingToWithdraw = "nothing_to_withdraw",
    /// The survey was already answered.
    AlreadyAnswered = "already_answered",
    /// A survey answer out of range or incomplete.
    BadSurvey = "bad_survey",
    /// Already voted to move on.
    AlreadyReady = "already_ready",
    /// A statement naming unknown issues or options.
    BadStatement = "bad_statement",
    /// A priority guess that is not every issue once.
    BadGuess = "bad_guess",
    /// A tool this match's treatment arm turned off (the perspective question, the disclosure tool).
    ToolOff = "tool_off",
    // Tentative terms (agreements in principle on single issues).
    /// No open proposal of that option on that issue (or none of yours to withdraw).
    TermsNotOpen = "terms_not_open",
    /// Agreeing to or rejecting one's own proposal.
    OwnTerms = "own_terms",
    /// Another player's proposal on that issue waits for an answer.
    TermsPending = "terms_pending",
    /// The issue is already agreed in principle (reopen it first).
    TermsAgreed = "terms_agreed",
    /// Reopening an issue that is not agreed in principle.
    TermsNotAgreed = "terms_not_agreed",
    // Observers (the fishbowl).
    /// A game action from an observer: observers watch and fill their sheet, they do not play.
    ObserverCannotAct = "observer_cannot_act",
    /// An observation sheet or `stop_observing` from someone who is not observing a match.
    NotObserving = "not_observing",
    /// An observation sheet whose texts are empty or too long.
    BadSheet = "bad_sheet",
    /// The observer already sent their sheet for this match.
    SheetAlreadySent = "sheet_already_sent",
    // Teams.
    /// A session's `team_size` outside 1–4.
    BadTeams = "bad_teams",
    /// A team act (caucus, approve, decline, spokesperson) from a seat played alone.
    NoTeam = "no_team",
    /// A member index the team does not have (naming a spokesperson).
    NotAMember = "not_a_member",
    /// A team member other than the spokesperson tried to commit the seat (spokesperson rule).
    NotSpokesperson = "not_spokesperson",
    /// An answer to a team proposal that is not open (already carried, declined or replaced).
    MotionNotOpen = "motion_not_open",
    /// A member answering their own proposal to the team.
    OwnMotion = "own_motion",
    /// Pairing by hand: a group that does not fit the scenario (a side per role, each side 1–4
    /// different people, all waiting for the same scenario).
    BadPairing = "bad_pairing",
    // HTTP.
    /// A request body or control that cannot be carried out.
    BadRequest = "bad_request",
    /// Session settings with treatment arms that cannot be used (too few or many, names, lengths).
    BadTreatment = "bad_treatment",
    /// Session settings with survey items that cannot be used (not in the bank, too many, too long).
    BadSurveyItems = "bad_survey_items",
    /// Creating a session needs the admin key.
    AdminKeyRequired = "admin_key_required",
    /// A facilitator call without a token.
    FacilitatorTokenRequired = "facilitator_token_required",
    /// A token that is not this session's facilitator token.
    WrongFacilitatorToken = "wrong_facilitator_token",
    /// No player with that id in the session.
    UnknownPlayer = "unknown_player",
    /// Bots have no rejoin link.
    BotPlayer = "bot_player",
    /// No match with that id in the session.
    UnknownMatch = "unknown_match",
    /// The session runs no tournament.
    NoTournament = "no_tournament",
    /// No export by that name.
    UnknownExport = "unknown_export",
    // The scenario editor.
    /// A scenario the editor sent breaks a rule of the file format or a limit (`field` names it).
    InvalidScenario = "invalid_scenario",
    /// Saving would replace a scenario the editor did not write (or another file of that name).
    ScenarioExists = "scenario_exists",
    /// A request body over the size limit.
    BodyTooLarge = "body_too_large",
    /// The scenarios folder could not be written.
    ScenarioNotSaved = "scenario_not_saved",
    // The server.
    /// The database did not answer in time (a network partition, a database stalled); nothing
    /// was changed, and the same request may be tried again in a moment.
    StoreUnavailable = "store_unavailable",
    /// A failure inside the server; nothing of the action was saved.
    Internal = "internal",
}

impl std::fmt::Display for ErrorCode {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(self.as_str())
    }
}

impl Serialize for ErrorCode {
    fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        s.serialize_str(self.as_str())
    }
}

impl<'de> Deserialize<'de> for ErrorCode {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        let s = String::deserialize(d)?;
        ErrorCode::ALL
            .iter()
            .copied()
            .find(|c| c.as_str() == s)
            .ok_or_else(|| serde::de::Error::custom(format!("unknown error code {s:?}")))
    }
}

impl From<&GameError> for ErrorCode {
    fn from(e: &GameError) -> Self {
        match e {
            GameError::WrongPhase { .. } => ErrorCode::WrongPhase,
            GameError::Paused => ErrorCode::Paused,
            GameError::EmptyChat => ErrorCode::EmptyChat,
            GameError::ChatTooLong => ErrorCode::ChatTooLong,
            GameError::BadPackage => ErrorCode::BadPackage,
            GameError::OfferNotStanding(_) => ErrorCode::OfferNotStanding,
            GameError::OwnOffer => ErrorCode::OwnOffer,
            GameError::NothingToWithdraw => ErrorCode::NothingToWithdraw,
            GameError::AlreadyAnswered => ErrorCode::AlreadyAnswered,
            GameError::BadSurvey(_) => ErrorCode::BadSurvey,
            GameError::AlreadyReady => ErrorCode::AlreadyReady,
            GameError::BadStatement => ErrorCode::BadStatement,
            GameError::BadGuess(_) => ErrorCode::BadGuess,
            GameError::ToolOff(_) => ErrorCode::ToolOff,
            // The connection names issues and options by id and checks them first; the core's own
            // check only fires for a client that got past it, and means the same.
            GameError::BadTerms => ErrorCode::UnknownOption,
            GameError::TermsNotOpen => ErrorCode::TermsNotOpen,
            GameError::OwnTerms => ErrorCode::OwnTerms,
            GameError::TermsPending => ErrorCode::TermsPending,
            GameError::TermsAlreadyAgreed => ErrorCode::TermsAgreed,
            GameError::TermsNotAgreed => ErrorCode::TermsNotAgreed,
            GameError::NotAMember => ErrorCode::NotAMember,
            GameError::NoTeam => ErrorCode::NoTeam,
            GameError::NotSpokesperson => ErrorCode::NotSpokesperson,
            GameError::MotionNotOpen => ErrorCode::MotionNotOpen,
            GameError::OwnMotion => ErrorCode::OwnMotion,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn wire_names_are_the_variants_in_snake_case_and_round_trip() {
        for &c in ErrorCode::ALL {
            let mut snake = String::new();
            for (i, ch) in format!("{c:?}").chars().enumerate() {
                if ch.is_uppercase() && i > 0 {
                    snake.push('_');
                }
                snake.push(ch.to_ascii_lowercase());
            }
            assert_eq!(c.as_str(), snake);
            let json = serde_json::to_string(&c).unwrap();
            assert_eq!(serde_json::from_str::<ErrorCode>(&json).unwrap(), c);
        }
        assert!(serde_json::from_str::<ErrorCode>("\"no_such_code\"").is_err());
    }

    #[test]
    fn every_code_is_documented_in_the_protocol() {
        let doc =
            std::fs::read_to_string(std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("../../docs/protocol.md"))
                .unwrap();
        let missing: Vec<&str> =
            ErrorCode::ALL.iter().map(|c| c.as_str()).filter(|c| !doc.contains(&format!("`{c}`"))).collect();
        assert!(missing.is_empty(), "codes not in docs/protocol.md: {missing:?}");
    }
}
