//! The post-match survey: a bank of our own 1–7 questions on trust, relationship, fairness,
//! satisfaction and listening, the facilitator's pick of them plus items of their own (a 1–7
//! scale or a short text), and a perspective-taking question (order the issues by how much they
//! mattered to the counterpart).

use super::scenario::Scenario;
use serde::{Deserialize, Serialize};
use std::borrow::Cow;
use std::collections::BTreeMap;

/// How a question is answered.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
#[serde(rename_all = "snake_case")]
pub enum QuestionKind {
    /// A rating from 1 to 7 between two end labels.
    #[default]
    Scale,
    /// A short text, at most [`MAX_TEXT_ANSWER_CHARS`] characters.
    Text,
}

impl QuestionKind {
    fn is_scale(&self) -> bool {
        *self == QuestionKind::Scale
    }
}

// Borrowed in `BANK`, owned for a facilitator's own items and when a client decodes a frame.
/// One survey question.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
pub struct Question {
    /// Stable id used in answers and exports (a bank id, or `custom_1`, `custom_2`, ... for a
    /// facilitator's own items in the order given).
    pub id: Cow<'static, str>,
    /// The question as shown.
    pub text: Cow<'static, str>,
    /// Label of 1 (empty for a text question).
    #[serde(default)]
    pub low: Cow<'static, str>,
    /// Label of 7 (empty for a text question).
    #[serde(default)]
    pub high: Cow<'static, str>,
    /// `scale` (absent) or `text`.
    #[serde(default, skip_serializing_if = "QuestionKind::is_scale")]
    pub kind: QuestionKind,
    /// A facilitator's item in other languages, by language code: each player is sent the one of
    /// their page's language in `text` (then this is empty). Bank items are worded by the page.
    #[serde(default, skip_serializing_if = "BTreeMap::is_empty")]
    pub translations: BTreeMap<String, String>,
}

impl Question {
    /// The question as a reader of `lang` is sent it: its text in that language where the
    /// facilitator wrote one, and no other language's.
    pub fn in_language(&self, lang: Option<&str>) -> Question {
        let mut q = self.clone();
        if let Some(text) = lang.and_then(|l| self.translations.get(l)) {
            q.text = Cow::Owned(text.clone());
        }
        q.translations = BTreeMap::new();
        q
    }
}

const fn bank_item(id: &'static str, text: &'static str, low: &'static str, high: &'static str) -> Question {
    Question {
        id: Cow::Borrowed(id),
        text: Cow::Borrowed(text),
        low: Cow::Borrowed(low),
        high: Cow::Borrowed(high),
        kind: QuestionKind::Scale,
        translations: BTreeMap::new(),
    }
}

/// The bank a facilitator picks from, in our own wording, by topic. The first five are the
/// default survey ([`QUESTIONS`]); `trust`, `foundation` and `listened` are the trust items
/// (`trust::TRUST_ITEMS`). Ids are stable: they key stored answers and export columns.
pub const BANK: &[Question] = &[
    bank_item("trust", "How much do you trust your counterpart now?", "Not at all", "Completely"),
    bank_item(
        "foundation",
        "Did this negotiation build a good foundation for working together again?",
        "Not at all",
        "Very much",
    ),
    bank_item("listened", "Did your counterpart listen to your concerns?", "Not at all", "Fully"),
    bank_item("fair", "Was the process fair?", "Very unfair", "Very fair"),
    bank_item("satisfied", "How satisfied are you with your own outcome?", "Very unsatisfied", "Very satisfied"),
    bank_item("honest", "Was your counterpart straight with you?", "Not at all", "Completely"),
    bank_item("respected", "Did your counterpart treat you with respect?", "Not at all", "Always"),
    bank_item("outcome_fair", "Was the final outcome fair to both sides?", "Very unfair", "Very fair"),
    bank_item(
        "satisfied_process",
        "How satisfied are you with the way the talks went?",
        "Very unsatisfied",
        "Very satisfied",
    ),
    bank_item("understood", "Did your counterpart understand what mattered to you?", "Not at all", "Completely"),
    bank_item("again", "Would you be glad to negotiate with this person again?", "Not at all", "Very glad"),
];

/// The topic of each bank item, for the facilitator's picker (same order as [`BANK`]).
pub const BANK_TOPICS: &[&str] = &[
    "trust",
    "relationship",
    "perceived listening",
    "fairness",
    "satisfaction",
    "trust",
    "relationship",
    "fairness",
    "satisfaction",
    "perceived listening",
    "relationship",
];

/// The default survey: the first five bank items. `trust`, `foundation` and `listened` feed
/// "trust built".
pub const QUESTIONS: &[Question] = BANK.split_at(5).0;

/// Most items of the facilitator's own.
pub const MAX_CUSTOM_ITEMS: usize = 8;
/// Longest question text, in characters.
pub const MAX_QUESTION_CHARS: usize = 200;
/// Longest end label of a scale, in characters.
pub const MAX_LABEL_CHARS: usize = 40;
/// Longest text answer, in characters.
pub const MAX_TEXT_ANSWER_CHARS: usize = 500;

/// One item the facilitator writes.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct CustomItem {
    /// `scale` (1–7) or `text`.
    #[serde(default)]
    pub kind: QuestionKind,
    /// The question.
    pub text: String,
    /// Label of 1 (scale only; "Not at all" when empty).
    #[serde(default)]
    pub low: String,
    /// Label of 7 (scale only; "Very much" when empty).
    #[serde(default)]
    pub high: String,
    /// The question in other languages, by language code (`es`, `de`), each optional: a player
    /// whose page is in one of them reads it, everyone else reads `text`.
    #[serde(default, skip_serializing_if = "BTreeMap::is_empty")]
    pub translations: BTreeMap<String, String>,
}

/// The survey a session asks: bank items by id, in the order given, then the facilitator's own.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct SurveySettings {
    /// Bank ids, in the order shown.
    #[serde(default = "default_items")]
    pub items: Vec<String>,
    /// The facilitator's own items, shown after the bank's.
    #[serde(default)]
    pub custom: Vec<CustomItem>,
}

fn default_items() -> Vec<String> {
    QUESTIONS.iter().map(|q| q.id.to_string()).collect()
}

impl Default for SurveySettings {
    fn default() -> Self {
        SurveySettings { items: default_items(), custom: Vec::new() }
    }
}

fn bad_text(s: &str) -> bool {
    s.chars().any(|c| c.is_control() || crate::text::is_bidi_control(c))
}

impl SurveySettings {
    /// Checks ids (in the bank, each once) and the own items (at most [`MAX_CUSTOM_ITEMS`],
    /// question 1–200 characters, labels at most 40, no control characters).
    pub fn validate(&self) -> Result<(), String> {
        for (i, id) in self.items.iter().enumerate() {
            if !BANK.iter().any(|q| q.id == id.as_str()) {
                return Err(format!("survey item {id:?} is not in the bank"));
            }
            if self.items[..i].contains(id) {
                return Err(format!("survey item {id:?} is listed twice"));
            }
        }
        if self.custom.len() > MAX_CUSTOM_ITEMS {
            return Err(format!("a survey takes at most {MAX_CUSTOM_ITEMS} items of your own"));
        }
        for (i, c) in self.custom.iter().enumerate() {
            let n = c.text.trim().chars().count();
            if n == 0 || n > MAX_QUESTION_CHARS || bad_text(&c.text) {
                return Err(format!(
                    "your survey item {} needs a question of 1 to {MAX_QUESTION_CHARS} characters without control characters",
                    i + 1
                ));
            }
            for (lang, text) in &c.translations {
                let n = text.trim().chars().count();
                if !crate::translation::is_language_code(lang) || n == 0 || n > MAX_QUESTION_CHARS || bad_text(text) {
                    return Err(format!(
                        "your survey item {} in {lang:?} needs a language code like \"es\" and a question of 1 to \
                         {MAX_QUESTION_CHARS} characters without control characters",
                        i + 1
                    ));
                }
            }
            for label in [&c.low, &c.high] {
                if label.trim().chars().count() > MAX_LABEL_CHARS || bad_text(label) {
                    return Err(format!(
                        "the end labels of your survey item {} must be at most {MAX_LABEL_CHARS} characters",
                        i + 1
                    ));
                }
            }
        }
        Ok(())
    }

    /// The questions in the order players see them.
    pub fn questions(&self) -> Vec<Question> {
        let bank = self.items.iter().filter_map(|id| BANK.iter().find(|q| q.id == id.as_str()).cloned());
        let own = self.custom.iter().enumerate().map(|(i, c)| {
            let label = |l: &str, default: &'static str| -> Cow<'static, str> {
                match (c.kind, l.trim()) {
                    (QuestionKind::Text, _) => Cow::Borrowed(""),
                    (QuestionKind::Scale, "") => Cow::Borrowed(default),
                    (QuestionKind::Scale, l) => Cow::Owned(l.to_string()),
                }
            };
            Question {
                id: Cow::Owned(format!("custom_{}", i + 1)),
                text: Cow::Owned(c.text.trim().to_string()),
                low: label(&c.low, "Not at all"),
                high: label(&c.high, "Very much"),
                kind: c.kind,
                translations: c.translations.iter().map(|(l, t)| (l.clone(), t.trim().to_string())).collect(),
            }
        });
        bank.chain(own).collect()
    }
}

/// A player's survey answer.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct SurveyAnswer {
    /// Question id → rating 1..=7. Unanswered questions are left out.
    #[serde(default)]
    pub ratings: BTreeMap<String, u8>,
    /// Issue ids ordered from most to least important *to the counterpart*, as guessed.
    #[serde(default)]
    pub counterpart_priorities: Option<Vec<String>>,
    /// Question id → short text, for `text` questions. Left out when empty (and so in logs
    /// written before text questions existed).
    #[serde(default, skip_serializing_if = "BTreeMap::is_empty")]
    pub texts: BTreeMap<String, String>,
}

impl SurveyAnswer {
    /// The answer as stored: text answers cleaned like chat (control characters and text
    /// direction overrides removed, trimmed), empty ones left out.
    pub fn cleaned(&self) -> SurveyAnswer {
        let mut a = self.clone();
        a.texts = self
            .texts
            .iter()
            .map(|(k, v)| (k.clone(), crate::text::clean_chat(v)))
            .filter(|(_, v)| !v.is_empty())
            .collect();
        a
    }

    /// Checks ids, kinds and ranges against the match's questions and the scenario's issues.
    pub fn validate(&self, s: &Scenario, questions: &[Question]) -> Result<(), String> {
        let kind_of = |k: &str| questions.iter().find(|q| q.id == k).map(|q| q.kind);
        for (k, v) in &self.texts {
            match kind_of(k) {
                None => return Err(format!("unknown survey question {k:?}")),
                Some(QuestionKind::Scale) => return Err(format!("survey question {k:?} takes a rating, not a text")),
                Some(QuestionKind::Text) => {}
            }
            if v.chars().count() > MAX_TEXT_ANSWER_CHARS {
                return Err(format!("the answer to {k:?} is over {MAX_TEXT_ANSWER_CHARS} characters"));
            }
        }
        for (k, v) in &self.ratings {
            match kind_of(k) {
                None => return Err(format!("unknown survey question {k:?}")),
                Some(QuestionKind::Text) => return Err(format!("survey question {k:?} takes a text, not a rating")),
                Some(QuestionKind::Scale) => {}
            }
            if !(1..=7).contains(v) {
                return Err(format!("rating for {k:?} must be 1 to 7, got {v}"));
            }
        }
        if let Some(order) = &self.counterpart_priorities {
            validate_ordering(s, order)?;
        }
        Ok(())
    }
}

/// An issue ordering must name every issue exactly once.
pub fn validate_ordering(s: &Scenario, order: &[String]) -> Result<(), String> {
    let mut seen: Vec<&str> = order.iter().map(String::as_str).collect();
    seen.sort_unstable();
    let mut all: Vec<&str> = s.issues.iter().map(|i| i.id.as_str()).collect();
    all.sort_unstable();
    if seen != all {
        return Err("the priority ordering must list every issue id exactly once".into());
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_default_survey_is_the_first_five_bank_items() {
        assert_eq!(QUESTIONS.len(), 5);
        assert_eq!(BANK.len(), BANK_TOPICS.len());
        assert_eq!(SurveySettings::default().questions(), QUESTIONS.to_vec());
        let mut ids: Vec<&str> = BANK.iter().map(|q| q.id.as_ref()).collect();
        ids.sort_unstable();
        ids.dedup();
        assert_eq!(ids.len(), BANK.len(), "bank ids are unique");
        for t in crate::trust::TRUST_ITEMS {
            assert!(QUESTIONS.iter().any(|q| q.id == *t), "trust item {t} is in the default survey");
        }
    }

    #[test]
    fn a_facilitators_survey_is_checked_and_numbered() {
        let s = SurveySettings {
            items: vec!["fair".into(), "again".into()],
            custom: vec![
                CustomItem {
                    kind: QuestionKind::Scale,
                    text: " Did the icebreaker help? ".into(),
                    low: String::new(),
                    high: "A lot".into(),
                    translations: [("es".to_string(), " ¿Te ayudó la pregunta inicial? ".to_string())].into(),
                },
                CustomItem {
                    kind: QuestionKind::Text,
                    text: "One thing you would do differently".into(),
                    low: "x".into(),
                    high: String::new(),
                    translations: BTreeMap::new(),
                },
            ],
        };
        assert!(s.validate().is_ok());
        let q = s.questions();
        let ids: Vec<&str> = q.iter().map(|q| q.id.as_ref()).collect();
        assert_eq!(ids, ["fair", "again", "custom_1", "custom_2"]);
        assert_eq!(
            (q[2].text.as_ref(), q[2].low.as_ref(), q[2].high.as_ref()),
            ("Did the icebreaker help?", "Not at all", "A lot")
        );
        assert_eq!((q[3].kind, q[3].low.as_ref()), (QuestionKind::Text, ""));
        let mut bad = s.clone();
        bad.items.push("nope".into());
        assert!(bad.validate().unwrap_err().contains("not in the bank"));
        let mut bad = s.clone();
        bad.items.push("fair".into());
        assert!(bad.validate().unwrap_err().contains("twice"));
        let mut bad = s.clone();
        bad.custom[0].text = "x".repeat(201);
        assert!(bad.validate().is_err());
        let mut bad = s.clone();
        bad.custom[0].text = "   ".into();
        assert!(bad.validate().is_err());
        let mut bad = s.clone();
        bad.custom = vec![bad.custom[0].clone(); 9];
        assert!(bad.validate().unwrap_err().contains("at most 8"));
        // The question per language: a Spanish reader gets the Spanish, others the default, and
        // nobody is sent the other languages.
        let es = q[2].in_language(Some("es"));
        assert_eq!((es.text.as_ref(), es.translations.len()), ("¿Te ayudó la pregunta inicial?", 0));
        assert_eq!(q[2].in_language(Some("de")).text, "Did the icebreaker help?");
        assert_eq!(q[2].in_language(None).text, "Did the icebreaker help?");
        assert_eq!(q[0].in_language(Some("es")), q[0], "bank items are worded by the page");
        for bad_lang in [("spanish", "¿Sí?"), ("es", " "), ("de", "Ja\u{0007}")] {
            let mut bad = s.clone();
            bad.custom[0].translations = [(bad_lang.0.to_string(), bad_lang.1.to_string())].into();
            assert!(bad.validate().is_err(), "{bad_lang:?}");
        }
    }

    #[test]
    fn answers_match_the_kind_of_their_question() {
        let sc =
            crate::scenario::Scenario::from_toml("campsite.toml", include_str!("../../../scenarios/campsite.toml"))
                .unwrap();
        let q = SurveySettings {
            items: vec!["trust".into()],
            custom: vec![CustomItem {
                kind: QuestionKind::Text,
                text: "Why?".into(),
                low: String::new(),
                high: String::new(),
                translations: BTreeMap::new(),
            }],
        }
        .questions();
        let ok = SurveyAnswer {
            ratings: [("trust".to_string(), 6)].into(),
            counterpart_priorities: None,
            texts: [("custom_1".to_string(), "  because\u{202E} \u{0007}".to_string())].into(),
        }
        .cleaned();
        assert_eq!(ok.texts["custom_1"], "because");
        assert!(ok.validate(&sc, &q).is_ok());
        let swap = SurveyAnswer { ratings: [("custom_1".to_string(), 3)].into(), ..Default::default() };
        assert!(swap.validate(&sc, &q).unwrap_err().contains("takes a text"));
        let swap = SurveyAnswer { texts: [("trust".to_string(), "x".into())].into(), ..Default::default() };
        assert!(swap.validate(&sc, &q).unwrap_err().contains("takes a rating"));
        let long = SurveyAnswer { texts: [("custom_1".to_string(), "é".repeat(501))].into(), ..Default::default() };
        assert!(long.validate(&sc, &q).is_err());
        let dropped = SurveyAnswer { ratings: [("fair".to_string(), 3)].into(), ..Default::default() };
        assert!(dropped.validate(&sc, &q).unwrap_err().contains("unknown"), "an item not asked is refused");
        let empty = SurveyAnswer { texts: [("custom_1".to_string(), " \n ".to_string())].into(), ..Default::default() }
            .cleaned();
        assert!(empty.texts.is_empty());
    }
}
