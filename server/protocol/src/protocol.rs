//! The WebSocket protocol: JSON text frames tagged by `"type"`. Every message is documented
//! with an example in `docs/protocol.md`. Client frames are [`ClientMsg`]; a match's frames to
//! clients are [`crate::wire::ServerMsg`] (only the facilitator console's `monitor` frame is
//! still built as a JSON value, in the runtime).

use crate::error::ErrorCode;
use serde::{Deserialize, Serialize};
use serde_json::Value;
use std::collections::BTreeMap;

/// The protocol version this server speaks.
pub const PROTOCOL_VERSION: u32 = 1;

/// Largest client frame the application accepts, in bytes (larger ones get `frame_too_large`).
pub const MAX_FRAME_BYTES: usize = 16 * 1024;

/// A frame from a client.
#[derive(Debug, Clone, PartialEq, Deserialize, Serialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
#[serde(tag = "type", rename_all = "snake_case", deny_unknown_fields)]
pub enum ClientMsg {
    /// First frame: the protocol version, and a player token to resume.
    Hello {
        /// Must be 1.
        version: u32,
        /// A player token from an earlier `joined`, to resume.
        #[serde(default)]
        token: Option<String>,
        /// The language the player reads (a code like `es`, or a tag like `es-ES`): the match
        /// sends this connection the scenario's texts in it where the scenario has them.
        #[serde(default)]
        lang: Option<String>,
    },
    /// Join a session by its join code.
    Join {
        /// The 6-character join code.
        code: String,
        /// Display name.
        name: String,
    },
    /// Join the open practice pool.
    Practice {
        /// Display name.
        name: String,
        /// A scenario id, or none for a random one.
        #[serde(default)]
        scenario: Option<String>,
        /// The learner's private practice key (32 hex digits, kept in their browser): links this
        /// visit's matches to their practice history. None: nothing is linked.
        #[serde(default)]
        practice_key: Option<String>,
        /// A drill to practise in this visit's matches (its goal is checked at the end).
        #[serde(default)]
        drill: Option<crate::core::drills::Drill>,
    },
    /// Chat message.
    Chat {
        /// The text (at most 1000 characters).
        text: String,
        /// How the speaker says it feels (optional): `pleased`, `concerned`, `frustrated`,
        /// `surprised` or `neutral`.
        #[serde(default)]
        expression: Option<crate::core::game::Expression>,
    },
    /// Vote to end prep or small talk early.
    Ready,
    /// A full package: issue id → option index (0-based).
    Offer {
        /// One option index per issue id.
        package: BTreeMap<String, usize>,
    },
    /// Withdraw my standing offer.
    Withdraw,
    /// Accept a standing offer.
    Accept {
        /// Its id.
        offer_id: u64,
    },
    /// Reject a standing offer.
    Reject {
        /// Its id.
        offer_id: u64,
    },
    /// Leave without a deal.
    WalkAway,
    /// Answer the survey.
    Survey {
        /// Question id → 1..7.
        #[serde(default)]
        ratings: BTreeMap<String, u8>,
        /// Issue ids, most important to the counterpart first.
        #[serde(default)]
        counterpart_priorities: Option<Vec<String>>,
        /// Question id → short text, for the survey's `text` questions (at most 500 characters).
        #[serde(default)]
        texts: BTreeMap<String, String>,
    },
    /// Skip the survey.
    SkipSurvey,
    /// A checked statement about my own interests (bargaining).
    Disclose {
        /// The statement.
        statement: WireStatement,
    },
    /// Prep: my guess of the counterpart's priorities, most important first.
    GuessPriorities {
        /// Every issue id once.
        order: Vec<String>,
    },
    /// Bargaining: propose agreeing one issue on one option in principle (replaces my own open
    /// proposal on that issue).
    ProposeTerms {
        /// Issue id.
        issue: String,
        /// Option index (0-based).
        option: usize,
    },
    /// Bargaining: say yes to another player's open proposal on an issue.
    AgreeTerms {
        /// Issue id.
        issue: String,
        /// The option of the proposal I answer (so a proposal changed meanwhile is not agreed).
        option: usize,
    },
    /// Bargaining: say no to another player's open proposal on an issue.
    RejectTerms {
        /// Issue id.
        issue: String,
        /// The option of the proposal I answer.
        option: usize,
    },
    /// Bargaining: take back my open proposal on an issue.
    WithdrawTerms {
        /// Issue id.
        issue: String,
    },
    /// Bargaining: open an issue agreed in principle again.
    ReopenTerms {
        /// Issue id.
        issue: String,
    },
    /// Facilitator: receive the session's live monitor (a `monitor` frame every second).
    Watch {
        /// Join code.
        code: String,
        /// The facilitator token.
        token: String,
    },
    /// Practice pool: play with a bot now instead of waiting.
    PlayBot {
        /// `logroller`, `hardballer` or `tit_for_tat`; the level's own when absent (random when
        /// the level is absent too).
        #[serde(default)]
        strategy: Option<String>,
        /// How hard a counterpart: `easy`, `realistic` or `tough` (`docs/bots.md`); `realistic`
        /// when absent.
        #[serde(default)]
        level: Option<BotLevel>,
    },
    /// Stop waiting for a partner (answered with `left`); the token stays valid.
    Leave,
    /// Observers: the observation sheet of the match being observed (once per match, any phase).
    Observation {
        /// The tactics seen (the tagger's labels; may be empty).
        #[serde(default)]
        tactics: crate::core::tactics::Tactics,
        /// One thing the players did well (1–500 characters).
        done_well: String,
        /// One thing the players could try (1–500 characters).
        to_try: String,
    },
    /// Observers: stop observing and wait to be paired (answered with `waiting`).
    StopObserving,
    /// Teams: a line in the team's private caucus (prep, small talk, bargaining; at most 1000
    /// characters). Only the team's members receive it.
    Caucus {
        /// The text.
        text: String,
    },
    /// Teams under `consensus`: approve the team's open proposal (the last approval sends it).
    Approve {
        /// The proposal's id (`state.team.motion.id`).
        motion_id: u64,
    },
    /// Teams under `consensus`: decline the team's open proposal (it closes).
    Decline {
        /// The proposal's id.
        motion_id: u64,
    },
    /// Teams under `spokesperson`: name the team's spokesperson.
    Spokesperson {
        /// The member's index in `state.team.members`.
        member: usize,
    },
    /// Heartbeat; answered with `pong`.
    Ping,
}

/// How hard a bot counterpart is: a documented mix of how it talks about interests, reacts to
/// feelings, remembers favours and concedes (`docs/bots.md`, *Levels*).
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Default, Deserialize, Serialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
#[cfg_attr(feature = "clap", derive(clap::ValueEnum))]
#[serde(rename_all = "snake_case")]
pub enum BotLevel {
    /// Open and generous: tells its priorities truthfully, concedes readily, reciprocates at once.
    Easy,
    /// Like a fair, careful person: tells its top priority, waits for a concession to be returned.
    #[default]
    Realistic,
    /// Guarded and firm: deflects questions until the learner has shared, concedes little and late.
    Tough,
}

impl BotLevel {
    /// Every level, easiest first.
    pub const ALL: [BotLevel; 3] = [BotLevel::Easy, BotLevel::Realistic, BotLevel::Tough];

    /// Its name on the wire.
    pub fn name(self) -> &'static str {
        match self {
            BotLevel::Easy => "easy",
            BotLevel::Realistic => "realistic",
            BotLevel::Tough => "tough",
        }
    }
}

/// A disclosure as sent by clients (issues by id, options by index).
#[derive(Debug, Clone, PartialEq, Deserialize, Serialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
#[serde(tag = "kind", rename_all = "snake_case", deny_unknown_fields)]
pub enum WireStatement {
    /// "Issue X matters a lot / little to me."
    Importance {
        /// Issue id.
        issue: String,
        /// `high` or `low`.
        level: Level,
    },
    /// "On issue X I prefer option A over option B."
    Prefers {
        /// Issue id.
        issue: String,
        /// Preferred option index.
        better: usize,
        /// Less preferred option index.
        worse: usize,
    },
}

/// How much an issue matters.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Deserialize, Serialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
#[serde(rename_all = "snake_case")]
pub enum Level {
    /// A lot.
    High,
    /// Little.
    Low,
}

/// Why a frame was refused at the protocol level (game rules have their own codes).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ProtocolError {
    /// Stable code.
    pub code: ErrorCode,
    /// Human sentence.
    pub message: String,
}

impl ProtocolError {
    /// Builds an error.
    pub fn new(code: ErrorCode, message: impl Into<String>) -> Self {
        ProtocolError { code, message: message.into() }
    }

    /// A failure inside the server: a stable code and a plain sentence for the client; the
    /// detail goes to the server's log, never to the client.
    pub fn internal() -> Self {
        ProtocolError::new(ErrorCode::Internal, INTERNAL_MESSAGE)
    }
}

/// The one sentence clients get for a failure inside the server.
pub const INTERNAL_MESSAGE: &str = "Something went wrong on the server; nothing of this action was saved. Try again.";
/// The message beside `store_unavailable`: the database did not answer in time.
pub const UNAVAILABLE_MESSAGE: &str =
    "The server cannot reach its database just now; nothing changed. Try again in a moment.";

/// Decodes one text frame. Never panics, whatever the input.
pub fn decode(text: &str) -> Result<ClientMsg, ProtocolError> {
    decode_with_id(text).map(|(msg, _)| msg)
}

/// Largest client message id (the largest integer JavaScript counts exactly).
pub const MAX_CLIENT_ID: u64 = (1 << 53) - 1;

/// Decodes one text frame and its client message id: an optional `"cid"` (an integer from 0 to
/// 2^53 - 1) beside the fields of any frame, which the server answers with `ack` once it is done
/// with the frame, and which a match applies once however often it is resent. Never panics.
pub fn decode_with_id(text: &str) -> Result<(ClientMsg, Option<u64>), ProtocolError> {
    if text.len() > MAX_FRAME_BYTES {
        return Err(ProtocolError::new(
            ErrorCode::FrameTooLarge,
            format!("frame of {} bytes is over the {} byte limit", text.len(), MAX_FRAME_BYTES),
        ));
    }
    let mut value: Value = serde_json::from_str(text)
        .map_err(|e| ProtocolError::new(ErrorCode::BadJson, format!("frame is not valid JSON: {e}")))?;
    let cid = match value.as_object_mut().and_then(|o| o.remove("cid")) {
        None => None,
        Some(v) => match v.as_u64().filter(|&c| c <= MAX_CLIENT_ID) {
            Some(c) => Some(c),
            None => {
                return Err(ProtocolError::new(
                    ErrorCode::BadMessage,
                    "\"cid\" must be an integer from 0 to 9007199254740991",
                ))
            }
        },
    };
    let Some(obj) = value.as_object() else {
        return Err(ProtocolError::new(ErrorCode::BadMessage, "a frame must be a JSON object with a \"type\" field"));
    };
    let Some(kind) = obj.get("type").and_then(Value::as_str) else {
        return Err(ProtocolError::new(ErrorCode::BadMessage, "a frame must have a string \"type\" field"));
    };
    const KNOWN: &[&str] = &[
        "hello",
        "join",
        "practice",
        "chat",
        "ready",
        "offer",
        "withdraw",
        "accept",
        "reject",
        "walk_away",
        "survey",
        "skip_survey",
        "disclose",
        "guess_priorities",
        "propose_terms",
        "agree_terms",
        "reject_terms",
        "withdraw_terms",
        "reopen_terms",
        "watch",
        "play_bot",
        "leave",
        "observation",
        "stop_observing",
        "caucus",
        "approve",
        "decline",
        "spokesperson",
        "ping",
    ];
    if !KNOWN.contains(&kind) {
        return Err(ProtocolError::new(ErrorCode::UnknownType, format!("unknown message type {kind:?}")));
    }
    let kind = kind.to_string();
    let msg = serde_json::from_value(value)
        .map_err(|e| ProtocolError::new(ErrorCode::BadMessage, format!("bad {kind:?} message: {e}")))?;
    Ok((msg, cid))
}

/// A frame to a client, already serialised.
pub fn encode(msg: &Value) -> String {
    msg.to_string()
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    #[test]
    fn decodes_each_kind_and_names_errors() {
        assert_eq!(
            decode(r#"{"type":"hello","version":1}"#).unwrap(),
            ClientMsg::Hello { version: 1, token: None, lang: None }
        );
        assert_eq!(decode(r#"{"type":"accept","offer_id":3}"#).unwrap(), ClientMsg::Accept { offer_id: 3 });
        let m = decode(r#"{"type":"offer","package":{"salary":2,"bonus":0}}"#).unwrap();
        assert!(matches!(m, ClientMsg::Offer { package } if package["salary"] == 2));
        assert_eq!(decode("{nope").unwrap_err().code.as_str(), "bad_json");
        let (m, cid) = decode_with_id(r#"{"type":"accept","offer_id":3,"cid":42}"#).unwrap();
        assert_eq!((m, cid), (ClientMsg::Accept { offer_id: 3 }, Some(42)));
        assert_eq!(decode_with_id(r#"{"type":"ready"}"#).unwrap().1, None);
        for bad in [r#""x""#, "-1", "1.5", "9007199254740992"] {
            let frame = format!(r#"{{"type":"ready","cid":{bad}}}"#);
            assert_eq!(decode_with_id(&frame).unwrap_err().code.as_str(), "bad_message", "{frame}");
        }
        assert_eq!(decode("[1,2]").unwrap_err().code.as_str(), "bad_message");
        assert_eq!(decode(r#"{"type":"dance"}"#).unwrap_err().code.as_str(), "unknown_type");
        assert_eq!(decode(r#"{"type":"accept","offer_id":"x"}"#).unwrap_err().code.as_str(), "bad_message");
        assert_eq!(decode(r#"{"type":"chat","text":"a","extra":1}"#).unwrap_err().code.as_str(), "bad_message");
        assert_eq!(
            decode(r#"{"type":"propose_terms","issue":"salary","option":2}"#).unwrap(),
            ClientMsg::ProposeTerms { issue: "salary".into(), option: 2 }
        );
        assert_eq!(
            decode(r#"{"type":"agree_terms","issue":"salary","option":2}"#).unwrap(),
            ClientMsg::AgreeTerms { issue: "salary".into(), option: 2 }
        );
        assert_eq!(
            decode(r#"{"type":"reject_terms","issue":"salary","option":0}"#).unwrap(),
            ClientMsg::RejectTerms { issue: "salary".into(), option: 0 }
        );
        assert_eq!(
            decode(r#"{"type":"withdraw_terms","issue":"salary"}"#).unwrap(),
            ClientMsg::WithdrawTerms { issue: "salary".into() }
        );
        assert_eq!(
            decode(r#"{"type":"reopen_terms","issue":"salary"}"#).unwrap(),
            ClientMsg::ReopenTerms { issue: "salary".into() }
        );
        for bad in [
            r#"{"type":"agree_terms","issue":"salary"}"#,
            r#"{"type":"propose_terms","issue":"salary","option":-1}"#,
            r#"{"type":"propose_terms","issue":3,"option":1}"#,
            r#"{"type":"reopen_terms"}"#,
        ] {
            assert_eq!(decode(bad).unwrap_err().code, ErrorCode::BadMessage, "{bad}");
        }
        assert_eq!(decode(r#"{"type":"caucus","text":"hi"}"#).unwrap(), ClientMsg::Caucus { text: "hi".into() });
        assert_eq!(decode(r#"{"type":"approve","motion_id":2}"#).unwrap(), ClientMsg::Approve { motion_id: 2 });
        assert_eq!(decode(r#"{"type":"decline","motion_id":2}"#).unwrap(), ClientMsg::Decline { motion_id: 2 });
        assert_eq!(decode(r#"{"type":"spokesperson","member":1}"#).unwrap(), ClientMsg::Spokesperson { member: 1 });
        let big = format!(r#"{{"type":"chat","text":"{}"}}"#, "a".repeat(MAX_FRAME_BYTES));
        assert_eq!(decode(&big).unwrap_err().code, ErrorCode::FrameTooLarge);
    }

    proptest! {
        #[test]
        fn decoder_never_panics_on_random_text(s in ".{0,300}") {
            let _ = decode(&s);
        }

        #[test]
        fn decoder_never_panics_on_random_json_like_input(
            t in prop::sample::select(vec!["hello","join","chat","offer","accept","survey","propose_terms",
                                            "agree_terms","reject_terms","withdraw_terms","reopen_terms","x"]),
            k in "[a-z_]{0,10}",
            v in prop_oneof![Just("1".to_string()), Just("\"s\"".to_string()), Just("null".to_string()),
                              Just("{}".to_string()), Just("[1,\"a\"]".to_string()), Just("-7.5".to_string())],
        ) {
            let frame = format!(r#"{{"type":"{t}","{k}":{v}}}"#);
            if let Err(e) = decode(&frame) {
                prop_assert!(!e.message.is_empty());
            }
        }
    }
}
