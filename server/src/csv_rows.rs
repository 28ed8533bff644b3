//! The rows of `matches.csv` and `players.csv` as typed structs: the header is the fields' names
//! (serde; csv writes a tuple of structs as one record), so a column and its value cannot drift apart. Columns are documented in
//! `docs/export.md`; new ones go at the end, so readers by position keep working.

use serde::{Serialize, Serializer};

/// Text from people or the scenario (names, packages, reasons): written through
/// [`crate::report::safe_cell`], so a spreadsheet never reads it as a formula.
#[derive(Debug, Default, Clone, PartialEq)]
pub struct Text(pub String);

impl Serialize for Text {
    fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        s.serialize_str(&crate::report::safe_cell(&self.0))
    }
}

impl<T: Into<String>> From<T> for Text {
    fn from(t: T) -> Text {
        Text(t.into())
    }
}

/// A measure with four decimals; empty when there is none.
#[derive(Debug, Default, Clone, Copy, PartialEq)]
pub struct Num(pub Option<f64>);

impl Serialize for Num {
    fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        match self.0 {
            Some(x) => s.serialize_str(&format!("{x:.4}")),
            None => s.serialize_str(""),
        }
    }
}

/// The first columns of `matches.csv`.
#[derive(Debug, Default, Clone, Serialize)]
pub struct MatchRow {
    pub session: Text,
    pub match_id: Text,
    pub scenario: Text,
    pub small_talk: bool,
    pub created_at: i64,
    pub created_at_iso: Text,
    pub ended_at: Option<i64>,
    pub ended_at_iso: Text,
    pub phase: Text,
    pub outcome: Text,
    pub outcome_reason: Text,
    pub package: Text,
    pub joint_value: Option<i64>,
    pub max_joint_value: Option<i64>,
    pub efficiency: Num,
    pub surplus_efficiency: Num,
    pub pareto_optimal: Option<bool>,
    pub distance_to_frontier: Num,
    pub trust_built: Num,
    pub trust_ratings: usize,
    pub behaviour_index: Num,
    pub small_talk_balance: Num,
    pub turn_taking: Num,
    pub offers: usize,
    pub messages: usize,
    pub player_ids: Text,
    pub trust_survey: Num,
    pub trust_estimate: Num,
}

/// The first columns of `players.csv`, up to `survey`.
#[derive(Debug, Default, Clone, Serialize)]
pub struct PlayerRow {
    pub session: Text,
    pub match_id: Text,
    pub player_id: Text,
    pub name: Text,
    pub seat: usize,
    pub role: Text,
    pub scenario: Text,
    pub small_talk: bool,
    pub outcome: Text,
    pub points: Option<i64>,
    pub batna: i64,
    pub surplus: Option<i64>,
    pub trust_earned: Num,
    pub behaviour_index: Num,
    pub perspective_before: Num,
    pub perspective_after: Num,
    pub perspective_gain: Num,
    pub small_talk_messages: usize,
    pub questions_before: usize,
    pub questions_during: usize,
    pub acknowledgments: usize,
    pub pressure: usize,
    pub true_disclosures: usize,
    pub misleading_disclosures: usize,
    pub reciprocated: usize,
    pub concessions: usize,
    pub survey: Text,
}

/// The survey's 1–7 ratings (`rating_<question id>`, in `core::survey::QUESTIONS` order), after
/// `survey` in `players.csv`.
#[derive(Debug, Default, Clone, Serialize)]
pub struct Ratings {
    pub rating_trust: Option<u8>,
    pub rating_foundation: Option<u8>,
    pub rating_listened: Option<u8>,
    pub rating_fair: Option<u8>,
    pub rating_satisfied: Option<u8>,
}

/// The columns of `players.csv` after the ratings (the ones added later go last).
#[derive(Debug, Default, Clone, Serialize)]
pub struct PlayerTail {
    pub bot: bool,
    pub trust_estimate: Num,
    pub trust_estimate_behaviour: Num,
}

/// Lines per tactic label (`tactic_<label>`, in `core::tactics::LABELS` order): the last columns
/// of `players.csv`; in `matches.csv` the tentative-terms columns follow them.
#[derive(Debug, Default, Clone, Serialize)]
pub struct TacticCounts {
    #[serde(rename = "tactic_small-talk")]
    pub small_talk: usize,
    #[serde(rename = "tactic_showing-empathy")]
    pub showing_empathy: usize,
    #[serde(rename = "tactic_promote-coordination")]
    pub promote_coordination: usize,
    #[serde(rename = "tactic_elicit-pref")]
    pub elicit_pref: usize,
    #[serde(rename = "tactic_self-need")]
    pub self_need: usize,
    #[serde(rename = "tactic_other-need")]
    pub other_need: usize,
    #[serde(rename = "tactic_no-need")]
    pub no_need: usize,
    #[serde(rename = "tactic_uv-part")]
    pub uv_part: usize,
    #[serde(rename = "tactic_vouch-fair")]
    pub vouch_fair: usize,
    #[serde(rename = "tactic_non-strategic")]
    pub non_strategic: usize,
}

impl From<[usize; 10]> for TacticCounts {
    fn from(c: [usize; 10]) -> TacticCounts {
        let [small_talk, showing_empathy, promote_coordination, elicit_pref, self_need, other_need, no_need, uv_part, vouch_fair, non_strategic] =
            c;
        TacticCounts {
            small_talk,
            showing_empathy,
            promote_coordination,
            elicit_pref,
            self_need,
            other_need,
            no_need,
            uv_part,
            vouch_fair,
            non_strategic,
        }
    }
}

/// The tentative-terms columns of `matches.csv`, after the tactics (added later, so last).
#[derive(Debug, Default, Clone, Serialize)]
pub struct MatchTerms {
    pub terms_agreed: usize,
    pub terms_reopened: usize,
    pub settled_order: Text,
}

/// The treatment columns of `matches.csv`, after the tentative terms (added later, so last): the
/// arm and the settings the match was played with.
#[derive(Debug, Default, Clone, Serialize)]
pub struct MatchArm {
    pub arm: Text,
    pub icebreaker: bool,
    pub perspective_question: bool,
    pub disclosure_tool: bool,
    pub coaching: Option<bool>,
    pub prep_seconds: u64,
    pub small_talk_seconds: u64,
    pub bargaining_seconds: u64,
    pub survey_seconds: u64,
    pub survey_items: Text,
}

/// A whole row of `matches.csv` (csv writes a tuple of structs as one record).
pub type MatchRecord = (MatchRow, TacticCounts, MatchTerms, MatchArm);

/// The last column of `players.csv`: the match's treatment arm.
#[derive(Debug, Default, Clone, Serialize)]
pub struct PlayerArm {
    pub arm: Text,
}

/// One row of `survey.csv`: one answer of one player to one item (long format).
#[derive(Debug, Default, Clone, Serialize)]
pub struct SurveyRow {
    pub session: Text,
    pub match_id: Text,
    pub arm: Text,
    pub player_id: Text,
    pub seat: usize,
    pub role: Text,
    pub item_id: Text,
    pub item_kind: Text,
    pub item_text: Text,
    pub answer: Text,
    pub answered_at: i64,
    /// The team member who answered (empty for a seat played alone).
    pub member: Text,
}

/// One row of `settlements.csv`: an issue agreed in principle.
#[derive(Debug, Default, Clone, Serialize)]
pub struct SettlementRow {
    pub session: Text,
    pub match_id: Text,
    pub scenario: Text,
    pub order: usize,
    pub issue: Text,
    pub issue_name: Text,
    pub option: usize,
    pub option_text: Text,
    pub proposed_by: Text,
    pub proposed_by_seat: usize,
    pub proposed_by_role: Text,
    pub proposed_at: i64,
    pub agreed_at: i64,
    pub agreed_at_iso: Text,
    pub reopened_by: Text,
    pub reopened_at: Option<i64>,
    pub in_deal: Option<bool>,
}

/// A row of `observations.csv`: one observer's sheet.
#[derive(Debug, Default, Clone, Serialize)]
pub struct ObservationRow {
    pub session: Text,
    pub match_id: Text,
    pub scenario: Text,
    pub observer_id: Text,
    pub observer: Text,
    pub filed_at: i64,
    pub filed_at_iso: Text,
    pub phase: Text,
    pub tactics: Text,
    pub done_well: Text,
    pub to_try: Text,
    pub tagged_tactics: Text,
}

/// A row of `members.csv`: one member of a team seat in one match, and what they did.
#[derive(Debug, Default, Clone, Serialize)]
pub struct MemberRow {
    pub session: Text,
    pub match_id: Text,
    pub scenario: Text,
    pub seat: usize,
    pub role: Text,
    pub member: usize,
    pub player_id: Text,
    pub name: Text,
    pub messages: usize,
    pub statements: usize,
    pub offers: usize,
    pub accepts: usize,
    pub caucus_lines: usize,
}

/// A whole row of `players.csv`.
pub type PlayerRecord = (PlayerRow, Ratings, PlayerTail, TacticCounts, PlayerArm);

/// A CSV of these rows with its header, also when there are none.
pub fn write<T: Serialize + Default>(rows: impl IntoIterator<Item = T>) -> Vec<u8> {
    let mut w = csv::Writer::from_writer(Vec::new());
    let mut any = false;
    for r in rows {
        w.serialize(r).expect("csv rows serialise");
        any = true;
    }
    if !any {
        // The header alone: serialise a blank row and keep its first line.
        w.serialize(T::default()).expect("csv rows serialise");
        let all = w.into_inner().expect("csv flush");
        let end = all.iter().position(|&b| b == b'\n').map_or(all.len(), |i| i + 1);
        return all[..end].to_vec();
    }
    w.into_inner().expect("csv flush")
}

#[cfg(test)]
mod tests {
    use super::*;

    fn header<T: Serialize + Default>() -> Vec<String> {
        let bytes = write(Vec::<T>::new());
        let text = String::from_utf8(bytes).unwrap();
        text.trim_end().split(',').map(String::from).collect()
    }

    #[test]
    fn the_per_label_and_per_question_columns_follow_the_core() {
        let tactics: Vec<String> = crate::core::tactics::LABELS.iter().map(|l| format!("tactic_{l}")).collect();
        let ratings: Vec<String> = crate::core::survey::QUESTIONS.iter().map(|q| format!("rating_{}", q.id)).collect();
        let players = header::<PlayerRecord>();
        assert!(players.ends_with(&[tactics.clone(), vec!["arm".to_string()]].concat()), "{players:?}");
        let at = players.iter().position(|c| c == "survey").unwrap() + 1;
        assert_eq!(players[at..at + ratings.len()], ratings[..]);
        let matches = header::<MatchRecord>();
        let terms = ["terms_agreed", "terms_reopened", "settled_order"].map(String::from);
        let arm = [
            "arm",
            "icebreaker",
            "perspective_question",
            "disclosure_tool",
            "coaching",
            "prep_seconds",
            "small_talk_seconds",
            "bargaining_seconds",
            "survey_seconds",
            "survey_items",
        ]
        .map(String::from);
        assert!(matches.ends_with(&[tactics, terms.to_vec(), arm.to_vec()].concat()), "{matches:?}");
        assert_eq!(
            header::<SurveyRow>().join(","),
            "session,match_id,arm,player_id,seat,role,item_id,item_kind,item_text,answer,answered_at,member"
        );
        assert_eq!(
            header::<MemberRow>().join(","),
            "session,match_id,scenario,seat,role,member,player_id,name,messages,statements,offers,accepts,caucus_lines"
        );
        assert_eq!(
            header::<SettlementRow>().join(","),
            "session,match_id,scenario,order,issue,issue_name,option,option_text,proposed_by,proposed_by_seat,\
             proposed_by_role,proposed_at,agreed_at,agreed_at_iso,reopened_by,reopened_at,in_deal"
        );
    }

    #[test]
    fn text_cells_are_safe_and_numbers_have_four_decimals() {
        let row = MatchRow { package: "=HYPERLINK(1)".into(), efficiency: Num(Some(2.0 / 3.0)), ..Default::default() };
        let out =
            String::from_utf8(write([(row, TacticCounts::default(), MatchTerms::default(), MatchArm::default())]))
                .unwrap();
        assert!(out.contains("'=HYPERLINK(1)") && out.contains("0.6667"), "{out}");
    }
}
