//! The observers' sheets in the debrief and in `observations.csv`: how many sheets, the texts
//! per match for the facilitator, and, per tactic, how often observers ticked it against what the
//! tagger read in the same matches (a comparison worth showing a class: people and the model
//! notice different things).

use super::{iso8601, match_tactics, MatchReport};
use crate::core::observe::SHEET_TACTICS;
use crate::core::tactics::Tactic;
use crate::csv_rows;
use serde_json::{json, Value};

/// A match's sheets for its row of the debrief.
pub(super) fn match_observations(r: &MatchReport) -> Vec<Value> {
    r.state
        .observations
        .iter()
        .map(|o| {
            json!({
                "observer": o.name, "observer_id": o.player, "at": o.at, "phase": o.phase,
                "tactics": o.sheet.tactics, "done_well": o.sheet.done_well, "to_try": o.sheet.to_try,
            })
        })
        .collect()
}

/// The class's sheets: counts, and per strategy tactic the sheets that ticked it (`seen`), the
/// observed matches where the tagger read it at least once (`tagged_matches`) and in how many lines
/// (`tagged_lines`), and the sheets whose tick agrees with the tagger about their match (`agree`:
/// ticked and read, or neither).
pub(super) fn observations_debrief(reports: &[MatchReport]) -> Value {
    let observed: Vec<&MatchReport> = reports.iter().filter(|r| !r.state.observations.is_empty()).collect();
    let sheets: usize = observed.iter().map(|r| r.state.observations.len()).sum();
    let mut observers: Vec<&str> =
        observed.iter().flat_map(|r| r.state.observations.iter().map(|o| o.player.as_str())).collect();
    observers.sort_unstable();
    observers.dedup();
    let tagged: Vec<[usize; 10]> = observed.iter().map(|r| match_tactics(r)).collect();
    let rows: Vec<Value> = SHEET_TACTICS
        .iter()
        .filter_map(|(label, name, _)| Tactic::parse(label).map(|t| (t, *name)))
        .map(|(t, name)| {
            let k = t.index();
            let mut seen = 0;
            let mut agree = 0;
            for (r, counts) in observed.iter().zip(&tagged) {
                for o in &r.state.observations {
                    let ticked = o.sheet.tactics.has(t);
                    seen += usize::from(ticked);
                    agree += usize::from(ticked == (counts[k] > 0));
                }
            }
            json!({
                "tactic": t.name(), "name": name, "seen": seen,
                "tagged_matches": tagged.iter().filter(|c| c[k] > 0).count(),
                "tagged_lines": tagged.iter().map(|c| c[k]).sum::<usize>(),
                "agree": agree,
            })
        })
        .collect();
    json!({
        "sheets": sheets, "observers": observers.len(), "matches_observed": observed.len(),
        "rows": rows,
    })
}

/// One row per sheet, with the tagger's tactics of the same match beside the observer's.
pub fn observations_csv(session: &str, reports: &[MatchReport]) -> Vec<u8> {
    csv_rows::write(reports.iter().flat_map(|r| {
        let tagged: Vec<&str> =
            Tactic::ALL.iter().zip(match_tactics(r)).filter(|(_, n)| *n > 0).map(|(t, _)| t.name()).collect();
        let tagged = tagged.join(" ");
        r.state.observations.iter().map(move |o| csv_rows::ObservationRow {
            session: session.into(),
            match_id: r.id.as_str().into(),
            scenario: r.scenario.id.as_str().into(),
            observer_id: o.player.as_str().into(),
            observer: o.name.as_str().into(),
            filed_at: o.at,
            filed_at_iso: iso8601(o.at).into(),
            phase: serde_json::to_value(o.phase)
                .ok()
                .and_then(|v| v.as_str().map(String::from))
                .unwrap_or_default()
                .into(),
            tactics: o.sheet.tactics.names().join(" ").into(),
            done_well: o.sheet.done_well.as_str().into(),
            to_try: o.sheet.to_try.as_str().into(),
            tagged_tactics: tagged.as_str().into(),
        })
    }))
}
