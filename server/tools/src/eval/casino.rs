//! The CaSiNo corpus of human campsite negotiations (Chawla et al., NAACL 2021, CC BY 4.0):
//! reading a split, and the Parley scenario that gives a dialogue's two participants their own
//! points (each participant ranks food, water and firewood High 5 / Medium 4 / Low 3 points per
//! unit; three units of each; walking away gives both 5 points).

use serde::Deserialize;
use std::collections::BTreeMap;

/// The three issues, in the order Parley's generated scenarios list them.
pub const ITEMS: [&str; 3] = ["Food", "Water", "Firewood"];

/// Points a participant gets by walking away (CaSiNo's rule).
pub const WALK_AWAY_POINTS: i64 = 5;

/// One dialogue of a split.
#[derive(Debug, Clone, Deserialize)]
pub struct Dialogue {
    /// Id in the corpus.
    pub dialogue_id: u64,
    /// Chat lines and deal actions, in order.
    pub chat_logs: Vec<ChatLog>,
    /// `mturk_agent_1` and `mturk_agent_2`.
    pub participant_info: BTreeMap<String, Participant>,
    /// `[utterance, comma-separated labels]` for every chat line (deal actions excluded), when annotated.
    #[serde(default)]
    pub annotations: Vec<(String, String)>,
}

/// A chat line or a deal action.
#[derive(Debug, Clone, Deserialize)]
pub struct ChatLog {
    /// The text, or `Submit-Deal`, `Accept-Deal`, `Reject-Deal`, `Walk-Away`.
    pub text: String,
    /// For `Submit-Deal`: `issue2youget` / `issue2theyget` (item → count as text).
    #[serde(default)]
    pub task_data: serde_json::Value,
    /// `mturk_agent_1` or `mturk_agent_2`.
    pub id: String,
}

/// What the corpus knows about one participant.
#[derive(Debug, Clone, Deserialize)]
pub struct Participant {
    /// `High` / `Medium` / `Low` → item.
    pub value2issue: BTreeMap<String, String>,
    /// Points, satisfaction and liking of the counterpart.
    pub outcomes: Outcomes,
}

/// A participant's outcome and answers.
#[derive(Debug, Clone, Deserialize)]
pub struct Outcomes {
    /// Points scored.
    pub points_scored: i64,
    /// "Extremely dissatisfied" … "Extremely satisfied".
    pub satisfaction: String,
    /// How much they liked their counterpart: "Extremely dislike" … "Extremely like".
    pub opponent_likeness: String,
}

/// The two participants, in seat order.
pub const AGENTS: [&str; 2] = ["mturk_agent_1", "mturk_agent_2"];

/// A deal action of the corpus.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Move {
    /// A chat line.
    Chat(String),
    /// A proposal: units of each item (in [`ITEMS`] order) for seat 0.
    Submit([u8; 3]),
    /// Accepting the standing proposal.
    Accept,
    /// Rejecting it.
    Reject,
    /// Walking away.
    WalkAway,
}

/// Reads a split (a JSON array of dialogues).
pub fn read(path: &std::path::Path) -> Result<Vec<Dialogue>, String> {
    let text = std::fs::read_to_string(path).map_err(|e| format!("{}: {e}", path.display()))?;
    serde_json::from_str(&text).map_err(|e| format!("{}: {e}", path.display()))
}

/// The 1..5 position of an answer on CaSiNo's five-point scales ("Extremely dislike" = 1 …
/// "Extremely like" = 5; the same for satisfaction).
pub fn scale(answer: &str) -> Option<f64> {
    let a = answer.to_ascii_lowercase();
    let v = if a.starts_with("extremely") {
        if a.contains("dis") {
            1.0
        } else {
            5.0
        }
    } else if a.starts_with("slightly") {
        if a.contains("dis") {
            2.0
        } else {
            4.0
        }
    } else if a.starts_with("undecided") {
        3.0
    } else {
        return None;
    };
    Some(v)
}

impl Participant {
    /// Points per unit of each item, in [`ITEMS`] order.
    pub fn values(&self) -> [i64; 3] {
        let mut v = [0; 3];
        for (level, item) in &self.value2issue {
            let points = match level.as_str() {
                "High" => 5,
                "Medium" => 4,
                _ => 3,
            };
            if let Some(k) = ITEMS.iter().position(|i| i.eq_ignore_ascii_case(item)) {
                v[k] = points;
            }
        }
        v
    }
}

impl Dialogue {
    /// Who made each move: seat 0 is `mturk_agent_1`.
    pub fn moves(&self) -> Vec<(usize, Move)> {
        self.chat_logs
            .iter()
            .filter_map(|c| {
                let seat = AGENTS.iter().position(|a| *a == c.id)?;
                let m = match c.text.as_str() {
                    "Submit-Deal" => {
                        let you = &c.task_data["issue2youget"];
                        let mut pkg = [0u8; 3];
                        for (k, item) in ITEMS.iter().enumerate() {
                            let n: u8 = you[*item].as_str().and_then(|x| x.parse().ok()).unwrap_or(0).min(3);
                            pkg[k] = if seat == 0 { n } else { 3 - n };
                        }
                        Move::Submit(pkg)
                    }
                    "Accept-Deal" => Move::Accept,
                    "Reject-Deal" => Move::Reject,
                    "Walk-Away" => Move::WalkAway,
                    t => Move::Chat(t.to_string()),
                };
                Some((seat, m))
            })
            .collect()
    }

    /// The gold labels of each chat line, in chat order (empty when not annotated).
    pub fn labels(&self) -> Vec<Vec<String>> {
        self.annotations
            .iter()
            .map(|(_, l)| l.split(',').map(|x| x.trim().to_string()).filter(|x| !x.is_empty()).collect())
            .collect()
    }

    /// The id of the Parley scenario with these two participants' values.
    pub fn scenario_id(&self) -> String {
        let code = |p: Option<&Participant>| -> String {
            p.map(|p| p.values().iter().map(|v| v.to_string()).collect::<String>()).unwrap_or_default()
        };
        format!("casino-{}-{}", code(self.participant_info.get(AGENTS[0])), code(self.participant_info.get(AGENTS[1])))
    }
}

/// The scenario file for a pair of values (seat 0's and seat 1's points per unit, in [`ITEMS`] order).
pub fn scenario_toml(values: [[i64; 3]; 2]) -> String {
    let code = |v: &[i64; 3]| v.iter().map(|x| x.to_string()).collect::<String>();
    let mut t = format!(
        "id = \"casino-{}-{}\"\ntitle = \"CaSiNo replay {} / {}\"\nsummary = \"A campsite negotiation replayed from the CaSiNo corpus (Chawla et al., NAACL 2021, CC BY 4.0).\"\nicebreakers = [\"How is your camping trip going?\"]\n\n[phases]\nprep = 0\nsmall_talk = 600\nbargaining = 3600\nsurvey = 600\n",
        code(&values[0]),
        code(&values[1]),
        code(&values[0]),
        code(&values[1])
    );
    for (r, name) in ["agent_1", "agent_2"].iter().enumerate() {
        t.push_str(&format!(
            "\n[[roles]]\nid = \"{name}\"\nname = \"Participant {}\"\nbatna = {WALK_AWAY_POINTS}\nbrief = \"You are participant {} of a CaSiNo dialogue.\"\n",
            r + 1,
            r + 1
        ));
    }
    for (k, item) in ITEMS.iter().enumerate() {
        // Options are the units participant 1 takes (names without words, so the tagger's
        // placeholders for issue words do not swallow ordinary words).
        let options: Vec<String> = (0..=3).map(|n| format!("\"{n} units\"")).collect();
        let a: Vec<String> = (0..=3).map(|n| (n * values[0][k]).to_string()).collect();
        let b: Vec<String> = (0..=3).map(|n| ((3 - n) * values[1][k]).to_string()).collect();
        t.push_str(&format!(
            "\n[[issues]]\nid = \"{}\"\nname = \"{item}\"\ndescription = \"Who takes the 3 units of {}.\"\noptions = [{}]\npoints = {{ agent_1 = [{}], agent_2 = [{}] }}\n",
            item.to_ascii_lowercase(),
            item.to_ascii_lowercase(),
            options.join(", "),
            a.join(", "),
            b.join(", ")
        ));
    }
    t
}

/// Every pair of value orders a CaSiNo dialogue can have (6 × 6 scenario files).
pub fn all_values() -> Vec<[[i64; 3]; 2]> {
    let perms: Vec<[i64; 3]> = vec![[5, 4, 3], [5, 3, 4], [4, 5, 3], [4, 3, 5], [3, 5, 4], [3, 4, 5]];
    perms.iter().flat_map(|a| perms.iter().map(move |b| [*a, *b])).collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn scales_and_scenarios() {
        assert_eq!(scale("Extremely dislike"), Some(1.0));
        assert_eq!(scale("Slightly like"), Some(4.0));
        assert_eq!(scale("Undecided"), Some(3.0));
        assert_eq!(scale("Extremely satisfied"), Some(5.0));
        assert_eq!(scale("Slightly dissatisfied"), Some(2.0));
        for v in all_values() {
            let s = crate::core::scenario::Scenario::from_toml("casino.toml", &scenario_toml(v)).unwrap();
            assert_eq!(s.roles[0].batna, WALK_AWAY_POINTS);
            // Seat 0 taking everything is worth 3 × (5 + 4 + 3) = 36 to it.
            assert_eq!(s.role_range(0).1, 36);
        }
        assert_eq!(all_values().len(), 36);
    }
}
