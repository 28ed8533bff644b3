//! Reading the CaSiNo corpus (Chawla et al., NAACL 2021; CC BY 4.0): each dialogue's chat lines,
//! their speakers, and for annotated dialogues each line's strategy labels. The deal actions
//! (`Submit-Deal`, `Accept-Deal`, `Reject-Deal`, `Walk-Away`) are not chat and are left out.

use crate::core::tactics::{Line, Tactics};
use serde_json::Value;
use std::path::Path;

/// The texts of CaSiNo's deal actions (not chat lines).
pub const DEAL_ACTIONS: [&str; 4] = ["Submit-Deal", "Accept-Deal", "Reject-Deal", "Walk-Away"];

/// One chat line.
#[derive(Debug, Clone, PartialEq)]
pub struct ChatLine {
    /// 0 for `mturk_agent_1`, 1 for `mturk_agent_2`.
    pub speaker: usize,
    /// What was written.
    pub text: String,
    /// The annotators' labels; `None` when the dialogue is not annotated or the line was not.
    pub labels: Option<Tactics>,
}

/// One dialogue.
#[derive(Debug, Clone, PartialEq)]
pub struct Dialogue {
    /// The dataset's `dialogue_id`.
    pub id: String,
    /// Its chat lines, in order.
    pub lines: Vec<ChatLine>,
    /// Whether the dialogue carries annotations.
    pub annotated: bool,
}

impl Dialogue {
    /// The lines as the tagger takes them.
    pub fn tagger_lines(&self) -> Vec<Line<'_>> {
        self.lines.iter().map(|l| Line { speaker: l.speaker, text: &l.text }).collect()
    }
}

/// Reads a CaSiNo split file (`casino_train.json` and the like).
pub fn load(path: &Path) -> Result<Vec<Dialogue>, String> {
    let bytes = std::fs::read(path).map_err(|e| format!("{}: {e}", path.display()))?;
    parse(&bytes).map_err(|e| format!("{}: {e}", path.display()))
}

/// Parses the JSON of a CaSiNo split. Annotations are matched to chat lines in order by text (a
/// chat line with no matching annotation, which happens twice in the training split, stays
/// unlabelled).
pub fn parse(bytes: &[u8]) -> Result<Vec<Dialogue>, String> {
    let v: Value = serde_json::from_slice(bytes).map_err(|e| e.to_string())?;
    let arr = v.as_array().ok_or("expected a JSON array of dialogues")?;
    let mut out = Vec::with_capacity(arr.len());
    for (n, d) in arr.iter().enumerate() {
        let id = match &d["dialogue_id"] {
            Value::String(s) => s.clone(),
            Value::Number(x) => x.to_string(),
            _ => n.to_string(),
        };
        let logs = d["chat_logs"].as_array().ok_or_else(|| format!("dialogue {id}: no chat_logs"))?;
        let mut lines = Vec::new();
        for c in logs {
            let text = c["text"].as_str().unwrap_or_default();
            if DEAL_ACTIONS.contains(&text) {
                continue;
            }
            let speaker = match c["id"].as_str() {
                Some("mturk_agent_1") => 0,
                Some("mturk_agent_2") => 1,
                other => return Err(format!("dialogue {id}: unknown speaker {other:?}")),
            };
            lines.push(ChatLine { speaker, text: text.to_string(), labels: None });
        }
        let ann = d.get("annotations").and_then(Value::as_array).filter(|a| !a.is_empty());
        let annotated = ann.is_some();
        if let Some(ann) = ann {
            let mut j = 0;
            for l in lines.iter_mut() {
                let Some(a) = ann.get(j) else { break };
                let (Some(t), Some(labels)) = (a[0].as_str(), a[1].as_str()) else {
                    return Err(format!("dialogue {id}: annotation {j} is not [text, labels]"));
                };
                if t.trim() == l.text.trim() {
                    l.labels = Some(Tactics::parse_list(labels).map_err(|e| format!("dialogue {id}: {e}"))?);
                    j += 1;
                }
            }
            if j != ann.len() {
                return Err(format!("dialogue {id}: only {j} of {} annotations match its chat lines", ann.len()));
            }
        }
        out.push(Dialogue { id, lines, annotated });
    }
    Ok(out)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::core::tactics::Tactic;

    #[test]
    fn parses_and_aligns_annotations() {
        let json = r#"[{"dialogue_id": 7, "chat_logs": [
            {"text": "Hello!", "task_data": {}, "id": "mturk_agent_1"},
            {"text": "Not annotated", "task_data": {}, "id": "mturk_agent_2"},
            {"text": "I need water", "task_data": {}, "id": "mturk_agent_2"},
            {"text": "Submit-Deal", "task_data": {}, "id": "mturk_agent_1"}],
          "annotations": [["Hello!", "small-talk"], ["I need water ", "self-need,promote-coordination"]]}]"#;
        let d = parse(json.as_bytes()).unwrap();
        assert_eq!(d.len(), 1);
        assert_eq!(d[0].id, "7");
        assert_eq!(d[0].lines.len(), 3);
        assert_eq!(d[0].lines[1].labels, None);
        let l = d[0].lines[2].labels.unwrap();
        assert!(l.has(Tactic::SelfNeed) && l.has(Tactic::PromoteCoordination) && l.len() == 2);
        assert_eq!(d[0].lines[2].speaker, 1);
    }
}
