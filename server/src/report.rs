//! Debrief and exports of a session, computed from its stored event log alone (pure: the
//! caller reads the log). The same log always gives the same bytes. Columns are documented in
//! `docs/export.md`.

use crate::core::game::{Event, EventKind, Match, Millis, Outcome, Phase};
use crate::core::scenario::Scenario;
use crate::core::scoring::{
    analyse_outcome_with, issue_type, max_joint_package, nash_package, pareto_frontier, IssueType, OutcomeAnalysis,
};
use crate::core::trust::{analyse_log_with_bots, Phrases, TrustReport};
use crate::csv_rows::{self, Num};
use crate::runtime::app::StoredMatchConfig;
use crate::runtime::view::package_json;
use crate::store::SessionLog;
use serde_json::{json, Value};
use std::collections::{BTreeMap, HashMap};
use std::sync::Arc;

mod members;
mod observations;
pub use members::members_csv;
pub use observations::observations_csv;

/// Everything known about one match, rebuilt from its log.
pub struct MatchReport {
    /// Match id.
    pub id: String,
    /// The scenario.
    pub scenario: Arc<Scenario>,
    /// When it was created.
    pub created_at: Millis,
    /// When bargaining ended, if it has.
    pub ended_at: Option<Millis>,
    /// Small-talk treatment.
    pub small_talk: bool,
    /// The settings it was played with, its treatment arm and survey items included.
    pub config: StoredMatchConfig,
    /// `(player id, name)` by seat: who holds each seat at the end.
    pub seats: Vec<(String, String)>,
    /// `(player id, name)` by seat: who held each seat at the start (differs from `seats`
    /// where a seat was handed on).
    pub first_seats: Vec<(String, String)>,
    /// Per seat: held by one of the server's bots at the end (its ratings count as nobody's trust).
    pub bots: Vec<bool>,
    /// Names of everyone who held a seat of this match, by player id.
    pub holder_names: HashMap<String, String>,
    /// The replayed state.
    pub state: Match,
    /// Outcome analysis (deal or impasse; none while running or when abandoned).
    pub analysis: Option<OutcomeAnalysis>,
    /// Trust and behaviour.
    pub trust: TrustReport,
    /// The events, in order.
    pub events: Vec<Event>,
    /// The drill each seat's player practised, in seat order (practice pool; empty elsewhere).
    pub drills: Vec<Option<crate::core::drills::Drill>>,
}

impl MatchReport {
    /// Ended as abandoned: kept in the data, left out of class statistics.
    pub fn abandoned(&self) -> bool {
        matches!(self.state.outcome, Some(Outcome::Abandoned { .. }))
    }

    /// Has a deal or an impasse (counts in class statistics).
    pub fn finished(&self) -> bool {
        matches!(self.state.outcome, Some(Outcome::Deal { .. } | Outcome::Impasse { .. }))
    }

    /// `(player id, name)` of who held `seat` at `at` (a seat can be handed on mid-match).
    pub fn holder_at(&self, seat: usize, at: Millis) -> (String, String) {
        let mut holder = self.first_seats.get(seat).cloned().unwrap_or_default();
        for e in self.events.iter().take_while(|e| e.at <= at) {
            if let EventKind::SeatHanded { seat: handed, player, .. } = &e.kind {
                if *handed == seat {
                    let name = self.holder_names.get(player).cloned().unwrap_or_default();
                    holder = (player.clone(), name);
                }
            }
        }
        holder
    }

    /// The survey's questions in this match.
    pub fn survey_items(&self) -> Arc<[crate::core::survey::Question]> {
        self.state.config.features.survey.clone()
    }

    fn outcome_kind(&self) -> &'static str {
        match &self.state.outcome {
            Some(Outcome::Deal { .. }) => "deal",
            Some(Outcome::Impasse { .. }) => "impasse",
            Some(Outcome::Abandoned { .. }) => "abandoned",
            None => "running",
        }
    }

    fn outcome_reason(&self) -> String {
        match &self.state.outcome {
            Some(Outcome::Impasse { reason }) => {
                serde_json::to_value(reason).ok().and_then(|v| v.as_str().map(String::from)).unwrap_or_default()
            }
            Some(Outcome::Abandoned { reason, .. }) => reason.clone(),
            _ => String::new(),
        }
    }
}

/// Rebuilds every match of a session from its log.
pub fn match_reports(
    scenarios: &BTreeMap<String, Arc<Scenario>>,
    log: &SessionLog,
    phrases: &Phrases,
) -> Vec<MatchReport> {
    let names: HashMap<&str, &str> = log.players.iter().map(|p| (p.id.as_str(), p.name.as_str())).collect();
    let mut fronts: HashMap<String, Vec<crate::core::scoring::FrontierPoint>> = HashMap::new();
    log.matches
        .iter()
        .filter_map(|(row, events)| {
            let scenario = scenarios.get(&row.scenario)?.clone();
            let cfg: StoredMatchConfig = serde_json::from_str(&row.config).ok()?;
            let seats: Vec<String> = serde_json::from_str(&row.seats).ok()?;
            let config = cfg.match_config(scenario.clone());
            let state = Match::replay(config.clone(), events);
            let bot: HashMap<&str, bool> = log.players.iter().map(|p| (p.id.as_str(), p.bot)).collect();
            let bots: Vec<bool> = seats.iter().map(|p| bot.get(p.as_str()).copied().unwrap_or(false)).collect();
            let trust = analyse_log_with_bots(config, events, phrases, &bots);
            let mut first: Vec<String> = seats.clone();
            for e in events.iter().rev() {
                if let EventKind::SeatHanded { seat, from, .. } = &e.kind {
                    if let Some(f) = first.get_mut(*seat) {
                        *f = from.clone();
                    }
                }
            }
            // A team seat is named by its members together ("Ana & Ben"); its id is the first member's.
            let named = |ids: &[String]| -> Vec<(String, String)> {
                cfg.members(ids)
                    .iter()
                    .zip(ids)
                    .map(|(team, p)| {
                        let team: Vec<&str> =
                            team.iter().map(|m| names.get(m.as_str()).copied().unwrap_or("")).collect();
                        (p.clone(), team.join(" & "))
                    })
                    .collect()
            };
            let front = fronts
                .entry(scenario.id.clone())
                .or_insert_with(|| pareto_frontier(&scenario, &(0..scenario.roles.len()).collect::<Vec<_>>()));
            let analysis = match &state.outcome {
                Some(Outcome::Deal { package }) => Some(analyse_outcome_with(&scenario, Some(package), front)),
                Some(Outcome::Impasse { .. }) => Some(analyse_outcome_with(&scenario, None, front)),
                _ => None,
            };
            let ended_at = events.iter().find(|e| matches!(e.kind, EventKind::Ended { .. })).map(|e| e.at);
            Some(MatchReport {
                drills: cfg.drills.clone(),
                id: row.id.clone(),
                seats: named(&seats),
                first_seats: named(&first),
                bots: bots.clone(),
                holder_names: events
                    .iter()
                    .filter_map(|e| match &e.kind {
                        EventKind::SeatHanded { player, .. } => Some(player.clone()),
                        _ => None,
                    })
                    .chain(first.iter().cloned())
                    .chain(seats.iter().cloned())
                    .chain(cfg.teams.iter().flatten().cloned())
                    .map(|p| {
                        let n = names.get(p.as_str()).unwrap_or(&"").to_string();
                        (p, n)
                    })
                    .collect(),
                scenario,
                created_at: row.created_at,
                ended_at,
                small_talk: cfg.small_talk,
                config: cfg,
                state,
                analysis,
                trust,
                events: events.clone(),
            })
        })
        .collect()
}

fn f(v: Option<f64>) -> String {
    v.map(|x| format!("{x:.4}")).unwrap_or_default()
}

/// A package in words: `Issue name: option; Issue name: option; ...`, in the scenario's issue order.
pub fn package_text(s: &Scenario, pkg: &[usize]) -> String {
    s.issues.iter().zip(pkg).map(|(i, &o)| format!("{}: {}", i.name, i.options[o])).collect::<Vec<_>>().join("; ")
}

/// One issue settled on one option, in words: `Issue name: option` (empty for indexes the
/// scenario does not have).
pub fn option_text(s: &Scenario, issue: usize, option: usize) -> String {
    s.issues.get(issue).and_then(|i| i.options.get(option).map(|o| format!("{}: {}", i.name, o))).unwrap_or_default()
}

/// A match's agreements in principle, in the order reached, as the debrief lists them.
/// `in_deal` says whether the deal kept the option (null without a deal).
fn settlements_json(r: &MatchReport) -> Vec<Value> {
    let s = &r.scenario;
    let deal = r.state.deal();
    r.state
        .settlements
        .iter()
        .enumerate()
        .map(|(i, a)| {
            json!({
                "order": i + 1,
                "issue": s.issues.get(a.issue).map(|x| x.id.as_str()),
                "issue_name": s.issues.get(a.issue).map(|x| x.name.as_str()),
                "option": a.option,
                "text": option_text(s, a.issue, a.option),
                "proposed_by": r.holder_at(a.proposed_by, a.proposed_at).1,
                "proposed_by_seat": a.proposed_by,
                "proposed_at": a.proposed_at,
                "agreed_at": a.agreed_at,
                "reopened_at": a.reopened_at,
                "reopened_by": a.reopened_by.zip(a.reopened_at).map(|(seat, at)| r.holder_at(seat, at).1),
                "in_deal": deal.map(|d| d.get(a.issue) == Some(&a.option)),
            })
        })
        .collect()
}

/// The class's order of settling, for matches of one scenario: per issue, how many matches
/// agreed it in principle, in how many it was the first issue agreed, and its mean place; and
/// how many agreements in principle the deals kept.
fn terms_debrief(s: &Scenario, done: &[&MatchReport]) -> Value {
    let with_terms: Vec<&&MatchReport> = done.iter().filter(|r| !r.state.settlements.is_empty()).collect();
    let agreements: usize = done.iter().map(|r| r.state.settlements.len()).sum();
    let reopened: usize =
        done.iter().map(|r| r.state.settlements.iter().filter(|a| a.reopened_at.is_some()).count()).sum();
    // Agreements still in force when the match ended in a deal, and how many of them it kept.
    let (mut in_force_at_deal, mut kept) = (0, 0);
    for r in done {
        if let Some(d) = r.state.deal() {
            for (k, agreed) in r.state.agreed_terms().into_iter().enumerate() {
                if let Some(o) = agreed {
                    in_force_at_deal += 1;
                    kept += usize::from(d.get(k) == Some(&o));
                }
            }
        }
    }
    let issues: Vec<Value> = s
        .issues
        .iter()
        .enumerate()
        .map(|(k, i)| {
            // A match's place for the issue: its first agreement on it (1 = settled first).
            let places: Vec<usize> = with_terms
                .iter()
                .filter_map(|r| {
                    let mut seen = Vec::new();
                    for a in &r.state.settlements {
                        if !seen.contains(&a.issue) {
                            seen.push(a.issue);
                        }
                    }
                    seen.iter().position(|&x| x == k).map(|p| p + 1)
                })
                .collect();
            let first = places.iter().filter(|&&p| p == 1).count();
            json!({
                "id": i.id, "name": i.name, "agreed": places.len(), "first": first,
                "mean_place": (!places.is_empty()).then(|| places.iter().sum::<usize>() as f64 / places.len() as f64),
            })
        })
        .collect();
    let top = issues
        .iter()
        .enumerate()
        .max_by_key(|(k, v)| (v["first"].as_u64().unwrap_or(0), std::cmp::Reverse(*k)))
        .filter(|(_, v)| v["first"].as_u64().unwrap_or(0) > 0)
        .map(|(_, v)| v);
    let insight = match top {
        Some(v) => format!(
            "{} was agreed in principle first in {} of the {} matches that agreed any issue in principle.",
            v["name"].as_str().unwrap_or(""),
            v["first"],
            with_terms.len()
        ),
        None => "No match agreed an issue in principle before the full package.".to_string(),
    };
    json!({
        "matches": done.len(), "matches_with_terms": with_terms.len(), "agreements": agreements, "reopened": reopened,
        "in_force_at_deal": in_force_at_deal, "kept_in_deal": kept, "issues": issues, "insight": insight,
    })
}

/// A Unix-milliseconds instant in ISO 8601 UTC, `YYYY-MM-DDTHH:MM:SS.mmmZ` (proleptic Gregorian
/// calendar; days to a civil date by H. Hinnant's `civil_from_days`).
pub fn iso8601(ms: Millis) -> String {
    let (days, t) = (ms.div_euclid(86_400_000), ms.rem_euclid(86_400_000));
    let z = days + 719_468;
    let (era, doe) = (z.div_euclid(146_097), z.rem_euclid(146_097));
    let yoe = (doe - doe / 1460 + doe / 36_524 - doe / 146_096) / 365;
    let doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
    let mp = (5 * doy + 2) / 153;
    let (d, m) = (doy - (153 * mp + 2) / 5 + 1, if mp < 10 { mp + 3 } else { mp - 9 });
    let y = yoe + era * 400 + i64::from(m <= 2);
    let (h, min, sec, milli) = (t / 3_600_000, t / 60_000 % 60, t / 1000 % 60, t % 1000);
    format!("{y:04}-{m:02}-{d:02}T{h:02}:{min:02}:{sec:02}.{milli:03}Z")
}

/// A plain decimal number: an optional sign, digits, and optionally a point and more digits.
fn is_plain_number(s: &str) -> bool {
    let digits = |x: &str| !x.is_empty() && x.bytes().all(|b| b.is_ascii_digit());
    let unsigned = s.strip_prefix(['-', '+']).unwrap_or(s);
    match unsigned.split_once('.') {
        Some((int, frac)) => digits(int) && digits(frac),
        None => digits(unsigned),
    }
}

/// A CSV cell made safe to open in a spreadsheet (CSV formula injection, OWASP rule): text that
/// begins with `=`, `+`, `-`, `@`, a tab or a carriage return would be read as a formula, so it
/// gets a leading `'`. A plain number (`-3`, `-0.2500`) is left as it is, so it stays a number.
pub fn safe_cell(cell: &str) -> std::borrow::Cow<'_, str> {
    match cell.as_bytes().first() {
        Some(b'=' | b'+' | b'-' | b'@' | b'\t' | b'\r') if !is_plain_number(cell) => format!("'{cell}").into(),
        _ => cell.into(),
    }
}

/// The one way this module writes CSV: every cell of every record (header included) goes
/// through [`safe_cell`].
struct SafeCsv(csv::Writer<Vec<u8>>);

impl SafeCsv {
    fn new<S: AsRef<str>>(header: impl IntoIterator<Item = S>) -> SafeCsv {
        let mut w = SafeCsv(csv::Writer::from_writer(Vec::new()));
        w.record(header);
        w
    }

    fn record<S: AsRef<str>>(&mut self, cells: impl IntoIterator<Item = S>) {
        let cells = cells.into_iter().map(|c| safe_cell(c.as_ref()).into_owned());
        self.0.write_record(cells).expect("csv to memory");
    }

    fn finish(self) -> Vec<u8> {
        self.0.into_inner().expect("csv flush")
    }
}

/// One row per match.
pub fn matches_csv(session: &str, reports: &[MatchReport]) -> Vec<u8> {
    crate::csv_rows::write(reports.iter().map(|r| {
        let a = r.analysis.as_ref();
        let phase =
            serde_json::to_value(r.state.phase).ok().and_then(|v| v.as_str().map(String::from)).unwrap_or_default();
        let row = csv_rows::MatchRow {
            session: session.into(),
            match_id: r.id.as_str().into(),
            scenario: r.scenario.id.as_str().into(),
            small_talk: r.small_talk,
            created_at: r.created_at,
            created_at_iso: iso8601(r.created_at).into(),
            ended_at: r.ended_at,
            ended_at_iso: r.ended_at.map(iso8601).unwrap_or_default().into(),
            phase: phase.into(),
            outcome: r.outcome_kind().into(),
            outcome_reason: r.outcome_reason().into(),
            package: r.state.deal().map(|p| package_text(&r.scenario, p)).unwrap_or_default().into(),
            joint_value: a.map(|a| a.joint_value),
            max_joint_value: a.map(|a| a.max_joint_value),
            efficiency: Num(a.map(|a| a.efficiency)),
            surplus_efficiency: Num(a.and_then(|a| a.surplus_efficiency)),
            pareto_optimal: a.map(|a| a.pareto_optimal),
            distance_to_frontier: Num(a.map(|a| a.distance_to_frontier)),
            trust_built: Num(r.trust.trust_built),
            trust_ratings: r.trust.ratings,
            behaviour_index: Num(Some(r.trust.behaviour_index)),
            small_talk_balance: Num(r.trust.small_talk_balance),
            turn_taking: Num(r.trust.turn_taking),
            offers: r.state.offers.len(),
            messages: r.state.chat.iter().filter(|c| c.seat.is_some()).count(),
            player_ids: r.seats.iter().map(|s| s.0.as_str()).collect::<Vec<_>>().join(" ").into(),
            trust_survey: Num(r.trust.trust_survey),
            trust_estimate: Num(r.trust.trust_estimate),
        };
        let terms = csv_rows::MatchTerms {
            terms_agreed: r.state.settlements.len(),
            terms_reopened: r.state.settlements.iter().filter(|a| a.reopened_at.is_some()).count(),
            settled_order: r
                .state
                .settlements
                .iter()
                .filter_map(|a| r.scenario.issues.get(a.issue).map(|i| i.id.as_str()))
                .collect::<Vec<_>>()
                .join(" ")
                .into(),
        };
        let c = &r.config;
        let arm = csv_rows::MatchArm {
            arm: c.arm.clone().unwrap_or_default().into(),
            icebreaker: c.icebreaker.is_some(),
            perspective_question: c.perspective_question,
            disclosure_tool: c.disclosure,
            coaching: c.coaching,
            prep_seconds: c.durations.prep,
            small_talk_seconds: if c.small_talk { c.durations.small_talk } else { 0 },
            bargaining_seconds: c.durations.bargaining,
            survey_seconds: c.durations.survey,
            survey_items: r.survey_items().iter().map(|q| q.id.as_ref()).collect::<Vec<_>>().join(" ").into(),
        };
        (row, csv_rows::TacticCounts::from(match_tactics(r)), terms, arm)
    }))
}

/// One row per survey answer: per match in order, per answer as given (one per seat; in a team,
/// one per member), per item in the survey's order (ratings and texts; a skipped survey or an
/// item left blank has no row).
pub fn survey_csv(session: &str, reports: &[MatchReport]) -> Vec<u8> {
    use crate::core::survey::QuestionKind;
    crate::csv_rows::write(reports.iter().flat_map(|r| {
        let items = r.survey_items();
        let mut rows = Vec::new();
        let mut answers: Vec<_> = r
            .events
            .iter()
            .filter_map(|e| match &e.kind {
                EventKind::SurveyAnswered { seat, answer: Some(answer), member } => {
                    Some((*seat, *member, answer, e.at))
                }
                _ => None,
            })
            .collect();
        answers.sort_by_key(|a| (a.0, a.1));
        for (seat, member, answer, answered_at) in answers {
            // Who answered: the team member, or whoever held the seat when the answer was given.
            let team_member = member.and_then(|m| r.config.teams.get(seat)?.get(m).cloned());
            let player = team_member.unwrap_or_else(|| r.holder_at(seat, answered_at).0);
            for q in items.iter() {
                let text = match q.kind {
                    QuestionKind::Scale => answer.ratings.get(q.id.as_ref()).map(|v| v.to_string()),
                    QuestionKind::Text => answer.texts.get(q.id.as_ref()).cloned(),
                };
                let Some(text) = text else { continue };
                rows.push(csv_rows::SurveyRow {
                    session: session.into(),
                    match_id: r.id.as_str().into(),
                    arm: r.config.arm.clone().unwrap_or_default().into(),
                    player_id: player.as_str().into(),
                    seat,
                    role: r.scenario.roles.get(seat).map(|x| x.id.as_str()).unwrap_or_default().into(),
                    item_id: q.id.as_ref().into(),
                    item_kind: match q.kind {
                        QuestionKind::Scale => "scale",
                        QuestionKind::Text => "text",
                    }
                    .into(),
                    item_text: q.text.as_ref().into(),
                    answer: text.into(),
                    answered_at,
                    member: member.map(|m| m.to_string()).unwrap_or_default().into(),
                });
            }
        }
        rows
    }))
}

/// One row per agreement in principle, per match in order.
pub fn settlements_csv(session: &str, reports: &[MatchReport]) -> Vec<u8> {
    crate::csv_rows::write(reports.iter().flat_map(|r| {
        let s = &r.scenario;
        let deal = r.state.deal();
        r.state.settlements.iter().enumerate().map(move |(i, a)| {
            let issue = s.issues.get(a.issue);
            let reopened = a.reopened_by.zip(a.reopened_at);
            csv_rows::SettlementRow {
                session: session.into(),
                match_id: r.id.as_str().into(),
                scenario: s.id.as_str().into(),
                order: i + 1,
                issue: issue.map(|x| x.id.as_str()).unwrap_or_default().into(),
                issue_name: issue.map(|x| x.name.as_str()).unwrap_or_default().into(),
                option: a.option,
                option_text: issue.and_then(|x| x.options.get(a.option)).map(String::as_str).unwrap_or_default().into(),
                proposed_by: r.holder_at(a.proposed_by, a.proposed_at).0.into(),
                proposed_by_seat: a.proposed_by,
                proposed_by_role: s.roles.get(a.proposed_by).map(|x| x.id.as_str()).unwrap_or_default().into(),
                proposed_at: a.proposed_at,
                agreed_at: a.agreed_at,
                agreed_at_iso: iso8601(a.agreed_at).into(),
                reopened_by: reopened.map(|(seat, at)| r.holder_at(seat, at).0).unwrap_or_default().into(),
                reopened_at: a.reopened_at,
                in_deal: deal.map(|d| d.get(a.issue) == Some(&a.option)),
            }
        })
    }))
}

/// One row per player per match.
pub fn players_csv(session: &str, reports: &[MatchReport]) -> Vec<u8> {
    crate::csv_rows::write(reports.iter().flat_map(|r| {
        r.seats.iter().enumerate().map(move |(seat, (pid, name))| {
            let t = &r.trust.players[seat];
            let sg = &t.signals;
            let a = r.analysis.as_ref();
            let survey = match &r.state.survey[seat] {
                None => "",
                Some(None) => "skipped",
                Some(Some(_)) => "answered",
            };
            let answer = r.state.survey[seat].as_ref().and_then(|a| a.as_ref());
            let rating = |id: &str| answer.and_then(|a| a.ratings.get(id)).copied();
            let row = csv_rows::PlayerRow {
                session: session.into(),
                match_id: r.id.as_str().into(),
                player_id: pid.as_str().into(),
                name: name.as_str().into(),
                seat,
                role: r.scenario.roles[seat].id.as_str().into(),
                scenario: r.scenario.id.as_str().into(),
                small_talk: r.small_talk,
                outcome: r.outcome_kind().into(),
                points: a.map(|a| a.points[seat]),
                batna: r.scenario.roles[seat].batna,
                surplus: a.map(|a| a.surplus[seat]),
                trust_earned: Num(t.trust_earned),
                behaviour_index: Num(Some(t.behaviour_index)),
                perspective_before: Num(t.perspective_before),
                perspective_after: Num(t.perspective_after),
                perspective_gain: Num(t.perspective_gain),
                small_talk_messages: sg.small_talk_messages,
                questions_before: sg.questions_before,
                questions_during: sg.questions_during,
                acknowledgments: sg.acknowledgments,
                pressure: sg.pressure,
                true_disclosures: sg.true_disclosures,
                misleading_disclosures: sg.misleading_disclosures,
                reciprocated: sg.reciprocated,
                concessions: sg.concessions,
                survey: survey.into(),
            };
            let ratings = csv_rows::Ratings {
                rating_trust: rating("trust"),
                rating_foundation: rating("foundation"),
                rating_listened: rating("listened"),
                rating_fair: rating("fair"),
                rating_satisfied: rating("satisfied"),
            };
            let tail = csv_rows::PlayerTail {
                bot: r.bots.get(seat).copied().unwrap_or(false),
                trust_estimate: Num(t.trust_estimate),
                trust_estimate_behaviour: Num(Some(t.trust_estimate_behaviour)),
            };
            let arm = csv_rows::PlayerArm { arm: r.config.arm.clone().unwrap_or_default().into() };
            (row, ratings, tail, csv_rows::TacticCounts::from(t.behaviour.tactics), arm)
        })
    }))
}

/// The full event logs as JSON.
pub fn events_json(session: &str, log: &SessionLog) -> Vec<u8> {
    let v = json!({
        "session": session,
        "players": log.players.iter().map(|p| json!({"id": p.id, "name": p.name, "joined_at": p.joined_at})).collect::<Vec<_>>(),
        "matches": log.matches.iter().map(|(m, evs)| json!({
            "id": m.id,
            "scenario": m.scenario,
            "created_at": m.created_at,
            "seats": serde_json::from_str::<Value>(&m.seats).unwrap_or(Value::Null),
            "config": serde_json::from_str::<Value>(&m.config).unwrap_or(Value::Null),
            "events": evs.iter().enumerate().map(|(i, e)| json!({"seq": i, "at": e.at, "event": e.kind})).collect::<Vec<_>>(),
        })).collect::<Vec<_>>(),
        "session_events": log.session_events.iter().map(|(at, k)| json!({"at": at, "event": serde_json::from_str::<Value>(k).unwrap_or(Value::Null)})).collect::<Vec<_>>(),
    });
    serde_json::to_vec_pretty(&v).expect("json")
}

/// Mean and (sample) standard deviation.
pub fn mean_sd(v: &[f64]) -> (Option<f64>, Option<f64>) {
    if v.is_empty() {
        return (None, None);
    }
    let m = v.iter().sum::<f64>() / v.len() as f64;
    let sd = (v.len() > 1).then(|| (v.iter().map(|x| (x - m).powi(2)).sum::<f64>() / (v.len() - 1) as f64).sqrt());
    (Some(m), sd)
}

fn group_stats(rs: &[&MatchReport]) -> Value {
    let joint: Vec<f64> = rs.iter().filter_map(|r| r.analysis.as_ref()).map(|a| a.joint_value as f64).collect();
    let eff: Vec<f64> = rs.iter().filter_map(|r| r.analysis.as_ref()).map(|a| a.efficiency).collect();
    let trust: Vec<f64> = rs.iter().filter_map(|r| r.trust.trust_built).collect();
    let survey: Vec<f64> = rs.iter().filter_map(|r| r.trust.trust_survey).collect();
    let estimate: Vec<f64> = rs.iter().filter_map(|r| r.trust.trust_estimate).collect();
    let impasses = rs.iter().filter(|r| matches!(r.state.outcome, Some(Outcome::Impasse { .. }))).count();
    let (mj, sj) = mean_sd(&joint);
    let (me, se) = mean_sd(&eff);
    let (mt, st) = mean_sd(&trust);
    let (ms, ss) = mean_sd(&survey);
    let (mest, sest) = mean_sd(&estimate);
    json!({
        "n": rs.len(),
        "deals": rs.len() - impasses,
        "impasses": impasses,
        "impasse_rate": (!rs.is_empty()).then(|| impasses as f64 / rs.len() as f64),
        "mean_joint_value": mj, "sd_joint_value": sj,
        "mean_efficiency": me, "sd_efficiency": se,
        "n_trust": trust.len(), "mean_trust": mt, "sd_trust": st,
        "n_trust_survey": survey.len(), "mean_trust_survey": ms, "sd_trust_survey": ss,
        "mean_trust_estimate": mest, "sd_trust_estimate": sest,
    })
}

/// The facilitator's debrief: match table, class statistics, treatment comparison, chart data
/// and issue insights. Abandoned and unfinished matches appear in the table only.
pub fn debrief(
    session: &str,
    main_scenario: Option<&Arc<Scenario>>,
    reports: &[MatchReport],
    design: ArmDesign<'_>,
) -> Value {
    let table: Vec<Value> = reports
        .iter()
        .map(|r| {
            let a = r.analysis.as_ref();
            json!({
                "id": r.id,
                "scenario": r.scenario.id,
                "players": r.seats.iter().map(|s| &s.1).collect::<Vec<_>>(),
                "roles": r.scenario.roles.iter().map(|x| &x.name).collect::<Vec<_>>(),
                "small_talk": r.small_talk,
                "arm": r.config.arm,
                "phase": r.state.phase,
                "outcome": r.outcome_kind(),
                "outcome_reason": r.outcome_reason(),
                "points": a.map(|a| a.points.clone()),
                "joint_value": a.map(|a| a.joint_value),
                "max_joint_value": a.map(|a| a.max_joint_value),
                "efficiency": a.map(|a| a.efficiency),
                "pareto_optimal": a.map(|a| a.pareto_optimal),
                "trust_built": r.trust.trust_built,
                "trust_survey": r.trust.trust_survey,
                "trust_estimate": r.trust.trust_estimate,
                "tactics": crate::core::tactics::Tactic::ALL.iter()
                    .zip(match_tactics(r))
                    .map(|(t, n)| (t.name().to_string(), json!(n)))
                    .collect::<serde_json::Map<_, _>>(),
                "behaviour_index": r.trust.behaviour_index,
                "offers": r.state.offers.len(),
                "messages": r.state.chat.iter().filter(|c| c.seat.is_some()).count(),
                "in_statistics": r.finished(),
                "settlements": settlements_json(r),
                "observations": observations::match_observations(r),
            })
        })
        .collect();
    let done: Vec<&MatchReport> = reports.iter().filter(|r| r.finished()).collect();
    let with: Vec<&MatchReport> = done.iter().copied().filter(|r| r.small_talk).collect();
    let without: Vec<&MatchReport> = done.iter().copied().filter(|r| !r.small_talk).collect();
    let scenario = main_scenario.cloned().or_else(|| reports.first().map(|r| r.scenario.clone()));
    let mut chart = Value::Null;
    let mut issues = Vec::new();
    let mut terms = Value::Null;
    if let Some(s) = scenario.as_ref() {
        let same: Vec<&MatchReport> = done.iter().copied().filter(|r| r.scenario.id == s.id).collect();
        terms = terms_debrief(s, &same);
        if s.is_bilateral() {
            let front = pareto_frontier(s, &[0, 1]);
            let nash = nash_package(s, &[0, 1], &front);
            chart = json!({
                "scenario": s.id,
                "roles": s.roles.iter().map(|r| &r.name).collect::<Vec<_>>(),
                "frontier": front.iter().map(|p| p.points.clone()).collect::<Vec<_>>(),
                "nash": nash.map(|n| n.points),
                "batna": [s.roles[0].batna, s.roles[1].batna],
                "outcomes": same.iter().filter_map(|r| r.analysis.as_ref().map(|a| json!({
                    "match_id": r.id, "points": a.points, "small_talk": r.small_talk, "arm": r.config.arm,
                    "deal": r.state.deal().is_some(),
                }))).collect::<Vec<_>>(),
            });
        }
        let best = max_joint_package(s);
        for (k, i) in s.issues.iter().enumerate() {
            let deals: Vec<&Vec<usize>> = same.iter().filter_map(|r| r.state.deal()).collect();
            let mut counts = vec![0usize; i.options.len()];
            for d in &deals {
                counts[d[k]] += 1;
            }
            let kind = s.is_bilateral().then(|| issue_type(i, 0, 1));
            let best_count = counts[best[k]];
            let insight = match kind {
                Some(IssueType::Compatible) => format!(
                    "{} of {} deals settled {} on an option both sides liked less than \"{}\".",
                    deals.len() - best_count,
                    deals.len(),
                    i.name,
                    i.options[best[k]]
                ),
                Some(IssueType::Integrative) => format!(
                    "{} of {} deals found the trade on {} (\"{}\", the option worth most to the pair).",
                    best_count,
                    deals.len(),
                    i.name,
                    i.options[best[k]]
                ),
                _ => match counts.iter().enumerate().max_by_key(|(o, c)| (**c, std::cmp::Reverse(*o))) {
                    Some((o, &c)) if c > 0 => format!(
                        "{} is a straight split: {} of {} deals settled on \"{}\", the most common split.",
                        i.name,
                        c,
                        deals.len(),
                        i.options[o]
                    ),
                    _ => format!("{} is a straight split: no deal yet.", i.name),
                },
            };
            issues.push(json!({
                "id": i.id, "name": i.name, "type": kind, "options": i.options, "agreed_counts": counts,
                "best_joint_option": best[k], "deals": deals.len(), "insight": insight,
            }));
        }
    }
    json!({
        "session": session,
        // The teaching notes go to the facilitator's debrief only (this endpoint needs the token).
        "scenario": scenario.as_ref().map(|s| json!({
            "id": s.id, "title": s.title, "summary": s.summary, "teaching": s.teaching,
        })),
        "matches": table,
        "stats": group_stats(&done),
        "joint_values": done.iter().filter_map(|r| r.analysis.as_ref().map(|a| a.joint_value)).collect::<Vec<_>>(),
        "treatment": {"with_small_talk": group_stats(&with), "without_small_talk": group_stats(&without)},
        "arms": arms_debrief(design, reports, &done),
        "chart": chart,
        "issues": issues,
        "trust_vs_value": done.iter().filter_map(|r| r.analysis.as_ref().map(|a| json!({
            "match_id": r.id, "joint_value": a.joint_value, "efficiency": a.efficiency, "trust_built": r.trust.trust_built,
        }))).collect::<Vec<_>>(),
        "tactics": tactics_debrief(&done, &with, &without),
        "terms": terms,
        "observations": observations::observations_debrief(reports),
    })
}

/// How a session's matches were split into groups to compare.
#[derive(Debug, Clone, Copy)]
pub enum ArmDesign<'a> {
    /// No comparison: every match played the same settings.
    None,
    /// Treatment arms, in the order the facilitator gave them (the first is the baseline).
    Treatment(&'a crate::core::treatment::Treatment),
    /// The older `small_talk: split`: matches with and without small talk, by alternation.
    SmallTalkSplit,
}

/// Seed of the debrief's Monte Carlo permutation tests: fixed, so the same log always gives the
/// same p-values.
const PERMUTATION_SEED: u64 = 0x5041_524C_4559; // "PARLEY" in ASCII

/// The measures arms are compared on: name, and its value in a finished match (none: not
/// available there, such as trust built in a match nobody rated and with no estimate).
type Measure = (&'static str, fn(&MatchReport) -> Option<f64>);

const ARM_MEASURES: [Measure; 3] = [
    ("joint_value", |r| r.analysis.as_ref().map(|a| a.joint_value as f64)),
    ("efficiency", |r| r.analysis.as_ref().map(|a| a.efficiency)),
    ("trust_built", |r| r.trust.trust_built),
];

/// The treatment comparison: per arm, how many matches it was assigned and the mean and sd of
/// joint value, efficiency and trust built over its finished ones; every other arm against the
/// first on each measure with a two-sided permutation test; and a sentence on what the
/// p-values cannot say. Null without a treatment or a split.
fn arms_debrief(design: ArmDesign<'_>, reports: &[MatchReport], done: &[&MatchReport]) -> Value {
    type Belongs = Box<dyn Fn(&MatchReport) -> bool>;
    // (name, what it changes, which matches belong to it)
    type Group = (String, String, Belongs);
    let (source, seed, arms): (&str, Option<u64>, Vec<Group>) = match design {
        ArmDesign::None => return Value::Null,
        ArmDesign::Treatment(t) => (
            "treatment",
            Some(t.seed),
            t.arms
                .iter()
                .map(|a| {
                    let name = a.name.clone();
                    let belongs: Belongs = Box::new(move |r: &MatchReport| r.config.arm.as_deref() == Some(&name));
                    (a.name.clone(), a.describe(), belongs)
                })
                .collect(),
        ),
        ArmDesign::SmallTalkSplit => (
            "small_talk_split",
            None,
            vec![
                ("small talk".into(), "small talk on".into(), Box::new(|r: &MatchReport| r.small_talk) as Belongs),
                ("no small talk".into(), "small talk off".into(), Box::new(|r: &MatchReport| !r.small_talk)),
            ],
        ),
    };
    let values = |belongs: &Belongs, m: &Measure| -> Vec<f64> {
        done.iter().copied().filter(|r| belongs(r)).filter_map(|r| (m.1)(r)).collect()
    };
    let arm_rows: Vec<Value> = arms
        .iter()
        .map(|(name, settings, belongs)| {
            let finished = done.iter().filter(|r| belongs(r)).count();
            let mut row = json!({
                "name": name, "settings": settings,
                "matches": reports.iter().filter(|r| belongs(r)).count(),
                "n": finished,
            });
            for m in &ARM_MEASURES {
                let v = values(belongs, m);
                row[format!("n_{}", m.0)] = json!(v.len());
                row[format!("mean_{}", m.0)] = json!(crate::core::stats::mean(&v));
                row[format!("sd_{}", m.0)] = json!(crate::core::stats::sd(&v));
            }
            row
        })
        .collect();
    let mut comparisons = Vec::new();
    let mut smallest_possible: Option<f64> = None;
    let mut monte_carlo = false;
    if let Some((base_name, _, base)) = arms.first() {
        for (name, _, belongs) in arms.iter().skip(1) {
            for m in &ARM_MEASURES {
                let (a, b) = (values(base, m), values(belongs, m));
                let t = crate::core::stats::permutation_test(&a, &b, PERMUTATION_SEED);
                if let Some(t) = t {
                    monte_carlo |= !t.exact;
                    if t.exact {
                        let floor = 1.0 / t.permutations as f64;
                        smallest_possible = Some(smallest_possible.map_or(floor, |f: f64| f.max(floor)));
                    }
                }
                comparisons.push(json!({
                    "arm": name, "baseline": base_name, "measure": m.0,
                    "n_arm": b.len(), "n_baseline": a.len(),
                    "difference": t.map(|t| t.difference),
                    "p_value": t.map(|t| t.p_value),
                    "exact": t.map(|t| t.exact),
                    "permutations": t.map(|t| t.permutations),
                }));
            }
        }
    }
    let tested = comparisons.iter().filter(|c| !c["p_value"].is_null()).count();
    let counts: Vec<String> =
        arm_rows.iter().map(|r| format!("{} {}", r["n"], r["name"].as_str().unwrap_or(""))).collect();
    let mut limits = format!(
        "Read these p-values with care. They rest on {} finished matches ({}). A permutation test asks how often \
         shuffling the arm labels among the same matches gives a difference at least as large as the one seen; it \
         says nothing about why arms differ.",
        done.iter().filter(|r| arms.iter().any(|(_, _, b)| b(r))).count(),
        counts.join(", "),
    );
    if let Some(floor) = smallest_possible.filter(|f| *f > 0.001) {
        limits.push_str(&format!(
            " With so few matches some comparisons cannot give a p-value below {floor:.3}, however large the difference."
        ));
    }
    if monte_carlo {
        limits.push_str(&format!(
            " Where groups are large the p-value is estimated from {} random relabellings, so it can move by about \
             0.01.",
            crate::core::stats::MONTE_CARLO_PERMUTATIONS
        ));
    }
    if tested > 1 {
        limits.push_str(&format!(
            " The table makes {tested} comparisons: with that many, one of them can fall below 0.05 by chance alone."
        ));
    }
    limits.push_str(
        " The unit is the match, not the person: partners share one result, the people in a class are not a random \
         sample of anyone, and a class that knows the design may play to it.",
    );
    if source == "small_talk_split" {
        limits.push_str(" Matches were split by alternation (every other match), not at random.");
    }
    json!({
        "source": source, "seed": seed, "arms": arm_rows, "comparisons": comparisons, "limits": limits,
        "permutations_monte_carlo": crate::core::stats::MONTE_CARLO_PERMUTATIONS,
        "exact_limit": crate::core::stats::EXACT_LIMIT,
    })
}

/// Lines with each tactic in a match, all players together.
fn match_tactics(r: &MatchReport) -> [usize; 10] {
    let mut c = [0; 10];
    for p in &r.trust.players {
        for (k, n) in p.behaviour.tactics.iter().enumerate() {
            c[k] += n;
        }
    }
    c
}

/// The class's tactics against joint value and trust, and by small-talk treatment: per strategy
/// tactic, the mean lines per match in the matches that created more value (efficiency at or
/// above the class median) and in the others, Pearson's r with efficiency and with trust built,
/// and the means with and without small talk.
fn tactics_debrief(done: &[&MatchReport], with: &[&MatchReport], without: &[&MatchReport]) -> Value {
    use crate::core::tactics::{Tactic, STRATEGIES};
    let mut eff: Vec<f64> = done.iter().filter_map(|r| r.analysis.as_ref().map(|a| a.efficiency)).collect();
    eff.sort_by(f64::total_cmp);
    let median = eff.get(eff.len() / 2).copied();
    // A match's lines with tactic k (a sum over its two or more players: cheap to recount).
    let count = |r: &MatchReport, k: usize| match_tactics(r)[k] as f64;
    let mean_of = |rs: &[&MatchReport], k: usize| {
        (!rs.is_empty()).then(|| rs.iter().map(|r| count(r, k)).sum::<f64>() / rs.len() as f64)
    };
    let (high, low): (Vec<&MatchReport>, Vec<&MatchReport>) = done
        .iter()
        .copied()
        .partition(|r| median.is_some_and(|m| r.analysis.as_ref().is_some_and(|a| a.efficiency >= m)));
    let rows: Vec<Value> = Tactic::ALL[..STRATEGIES]
        .iter()
        .map(|t| {
            let k = t.index();
            let (x, y): (Vec<f64>, Vec<f64>) =
                done.iter().filter_map(|r| r.analysis.as_ref().map(|a| (count(r, k), a.efficiency))).unzip();
            let (xt, yt): (Vec<f64>, Vec<f64>) =
                done.iter().filter_map(|r| r.trust.trust_built.map(|tb| (count(r, k), tb))).unzip();
            json!({
                "tactic": t.name(),
                "more_value": mean_of(&high, k), "less_value": mean_of(&low, k),
                "r_efficiency": crate::core::stats::pearson(&x, &y), "r_trust": crate::core::stats::pearson(&xt, &yt),
                "with_small_talk": mean_of(with, k), "without_small_talk": mean_of(without, k),
            })
        })
        .collect();
    json!({
        "matches": done.len(), "median_efficiency": median,
        "more_value_matches": high.len(), "less_value_matches": low.len(),
        "rows": rows,
    })
}

/// A match's transcript: chat, offers, statements and phase changes on one timeline.
pub fn transcript(r: &MatchReport) -> Value {
    let s = &r.scenario;
    // Names by seat as they were when each line was written (a seat can be handed on).
    let mut holders: Vec<String> = r.first_seats.iter().map(|x| x.1.clone()).collect();
    let final_name = |pid: &str| r.holder_names.get(pid).cloned().unwrap_or_default();
    // The tactics of each player line (chat and statements), in order, as the tagger read them.
    let mut tactics = r.trust.line_tactics.iter();
    // Agreements in principle are in the replayed state in the order of their events.
    let mut settlements = r.state.settlements.iter().enumerate();
    let terms_text = |issue: usize, option: usize| option_text(s, issue, option);
    let issue_id = |issue: usize| s.issues.get(issue).map(|i| i.id.clone()).unwrap_or_default();
    let issue_name = |issue: usize| s.issues.get(issue).map(|i| i.name.clone()).unwrap_or_default();
    let mut phase = Phase::Prep;
    let items: Vec<Value> = r
        .events
        .iter()
        .filter_map(|e| {
            if let EventKind::SeatHanded { seat, player, .. } = &e.kind {
                let from = holders.get(*seat).cloned().unwrap_or_default();
                let to = final_name(player);
                if let Some(h) = holders.get_mut(*seat) {
                    *h = to.clone();
                }
                return Some(json!({"kind": "seat_handed", "seat": seat, "from": from, "name": to, "at": e.at, "in_phase": phase}));
            }
            let name = |seat: usize| holders.get(seat).cloned().unwrap_or_default();
            // In a team seat, the member who acted (their own name).
            let by = |seat: usize, member: &Option<usize>| match member.and_then(|m| r.config.teams.get(seat)?.get(m)) {
                Some(pid) => final_name(pid),
                None => name(seat),
            };
            let terms_item = |kind: &str, seat: usize, issue: usize, member: &Option<usize>| {
                json!({
                    "kind": kind, "seat": seat, "member": member, "name": by(seat, member), "issue": issue_id(issue),
                    "issue_name": issue_name(issue),
                })
            };
            let item = match &e.kind {
                EventKind::PhaseChanged { phase: p } => {
                    phase = *p;
                    json!({"kind": "phase", "phase": p})
                }
                EventKind::Icebreaker { text } => json!({"kind": "icebreaker", "text": text}),
                EventKind::Chat { seat, text, expression, member } => json!({
                    "kind": "chat", "seat": seat, "member": member, "name": by(*seat, member), "text": text,
                    "expression": expression,
                }),
                EventKind::Disclosed { seat, statement, truthful, member } => json!({
                    "kind": "disclosure", "seat": seat, "member": member, "name": by(*seat, member),
                    "text": statement.render(s), "statement": statement, "truthful": truthful,
                }),
                EventKind::Offer { seat, offer_id, package, member } => json!({
                    "kind": "offer", "seat": seat, "member": member, "name": by(*seat, member), "offer_id": offer_id,
                    "package": package_json(s, package), "text": package_text(s, package),
                    "points": crate::core::scoring::package_points(s, package),
                }),
                EventKind::Accept { seat, offer_id, member } => json!({"kind": "accept", "seat": seat, "member": member, "name": by(*seat, member), "offer_id": offer_id}),
                EventKind::Reject { seat, offer_id, member } => json!({"kind": "reject", "seat": seat, "member": member, "name": by(*seat, member), "offer_id": offer_id}),
                EventKind::Withdraw { seat, offer_id, member } => json!({"kind": "withdraw", "seat": seat, "member": member, "name": by(*seat, member), "offer_id": offer_id}),
                EventKind::WalkAway { seat, member } => json!({"kind": "walk_away", "seat": seat, "member": member, "name": by(*seat, member)}),
                // The caucus and the team's proposals: the facilitator's transcript has them (the
                // other team never does).
                EventKind::Caucus { seat, member, text } => json!({
                    "kind": "caucus", "seat": seat, "member": member, "name": by(*seat, &Some(*member)), "text": text,
                }),
                EventKind::MotionProposed { seat, member, motion_id, motion } => json!({
                    "kind": "motion_proposed", "seat": seat, "member": member, "name": by(*seat, &Some(*member)),
                    "motion_id": motion_id, "motion": motion,
                }),
                EventKind::MotionApproved { seat, member, motion_id } => json!({
                    "kind": "motion_approved", "seat": seat, "member": member, "name": by(*seat, &Some(*member)),
                    "motion_id": motion_id,
                }),
                EventKind::MotionDeclined { seat, member, motion_id } => json!({
                    "kind": "motion_declined", "seat": seat, "member": member, "name": by(*seat, &Some(*member)),
                    "motion_id": motion_id,
                }),
                EventKind::SpokespersonNamed { seat, member } => json!({
                    "kind": "spokesperson", "seat": seat, "member": member, "name": by(*seat, &Some(*member)),
                }),
                EventKind::MemberRemoved { seat, member } => json!({
                    "kind": "member_removed", "seat": seat, "member": member, "name": by(*seat, &Some(*member)),
                }),
                EventKind::Coached { seat, rule, text } => {
                    json!({"kind": "coached", "seat": seat, "name": name(*seat), "rule": rule, "text": text})
                }
                EventKind::Ended { outcome } => json!({"kind": "ended", "outcome": outcome}),
                EventKind::TermsProposed { seat, issue, option, member } => json!({
                    "kind": "terms_proposed", "seat": seat, "member": member, "name": by(*seat, member), "issue": issue_id(*issue),
                    "issue_name": issue_name(*issue), "option": option, "text": terms_text(*issue, *option),
                }),
                EventKind::TermsAccepted { seat, issue, member } => terms_item("terms_accepted", *seat, *issue, member),
                EventKind::TermsRejected { seat, issue, member } => terms_item("terms_rejected", *seat, *issue, member),
                EventKind::TermsWithdrawn { seat, issue, member } => terms_item("terms_withdrawn", *seat, *issue, member),
                EventKind::TermsAgreed { issue, option } => {
                    let (i, settled) = settlements.next()?;
                    json!({
                        "kind": "terms_agreed", "issue": issue_id(*issue), "issue_name": issue_name(*issue), "option": option,
                        "text": terms_text(*issue, *option), "order": i + 1,
                        "proposed_by": settled.proposed_by, "proposer": name(settled.proposed_by),
                    })
                }
                EventKind::TermsReopened { seat, issue, member } => terms_item("terms_reopened", *seat, *issue, member),
                _ => return None,
            };
            let mut item = item;
            if matches!(e.kind, EventKind::Chat { .. } | EventKind::Disclosed { .. }) {
                item["tactics"] = json!(tactics.next().copied().unwrap_or_default());
            }
            item["at"] = json!(e.at);
            item["in_phase"] = json!(phase);
            Some(item)
        })
        .collect();
    // The issues by index, so the console words a checked statement (sent as data) in its language.
    let issues: Vec<Value> = s.issues.iter().map(|i| json!({"name": i.name, "options": i.options})).collect();
    json!({
        "match_id": r.id, "scenario": s.id, "players": r.seats.iter().map(|x| &x.1).collect::<Vec<_>>(),
        "issues": issues, "items": items,
    })
}

/// A CSV of JSON rows with the given columns (numbers with 4 decimals, null as empty; cells made
/// safe for spreadsheets as in [`safe_cell`]).
pub fn rows_csv(rows: &Value, columns: &[&str]) -> Vec<u8> {
    let mut w = SafeCsv::new(columns);
    for r in rows.as_array().map(|a| a.as_slice()).unwrap_or_default() {
        let cells: Vec<String> = columns
            .iter()
            .map(|c| match &r[*c] {
                Value::Null => String::new(),
                Value::String(s) => s.clone(),
                Value::Number(n) if n.is_f64() => f(n.as_f64()),
                v => v.to_string(),
            })
            .collect();
        w.record(&cells);
    }
    w.finish()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn numbers_are_left_as_numbers() {
        for n in ["-3", "-0.2500", "+7", "42", "0.5000", "-13", "0", "-100.0000"] {
            assert_eq!(safe_cell(n), n, "{n:?} is a number");
        }
    }

    #[test]
    fn each_formula_start_is_neutralised() {
        for (cell, safe) in [
            ("=HYPERLINK(\"http://x\",\"y\")", "'=HYPERLINK(\"http://x\",\"y\")"),
            ("+1+1", "'+1+1"),
            ("-2+3", "'-2+3"),
            ("@SUM(A1)", "'@SUM(A1)"),
            ("\t=1+1", "'\t=1+1"),
            ("\r=1+1", "'\r=1+1"),
            // Not plain decimals, so text: neutralised too.
            ("-", "'-"),
            ("+", "'+"),
            ("-1e5", "'-1e5"),
            ("-3.", "'-3."),
            ("-inf", "'-inf"),
            ("--3", "'--3"),
        ] {
            assert_eq!(safe_cell(cell), safe, "{cell:?}");
        }
        for plain in ["", "Ana", "a=b", "1+1", "'=x", " =x", "North 0 · South 3", "Food packs: North 0 · South 3"] {
            assert_eq!(safe_cell(plain), plain, "{plain:?} is left alone");
        }
    }

    #[test]
    fn rows_csv_neutralises_text_but_not_numbers() {
        let rows = json!([
            {"name": "=1+1", "points": -3, "value": -0.25, "n": null},
            {"name": "-42", "points": 7, "value": 0.5, "n": "@x"},
        ]);
        let out = String::from_utf8(rows_csv(&rows, &["name", "points", "value", "n"])).unwrap();
        assert_eq!(out, "name,points,value,n\n'=1+1,-3,-0.2500,\n-42,7,0.5000,'@x\n");
    }

    #[test]
    fn iso8601_known_instants() {
        for (ms, iso) in [
            (0, "1970-01-01T00:00:00.000Z"),
            (-1, "1969-12-31T23:59:59.999Z"),
            (1_796_067_381_123, "2026-11-30T19:36:21.123Z"),
            (951_868_799_999, "2000-02-29T23:59:59.999Z"),
            (-11_670_912_000_000, "1600-03-01T00:00:00.000Z"),
            (253_402_300_799_999, "9999-12-31T23:59:59.999Z"),
        ] {
            assert_eq!(iso8601(ms), iso, "{ms}");
        }
    }

    #[test]
    fn iso8601_agrees_with_counting_days_one_by_one() {
        let leap = |y: i64| (y % 4 == 0 && y % 100 != 0) || y % 400 == 0;
        let month_days = |y: i64, m: i64| match m {
            2 if leap(y) => 29,
            2 => 28,
            4 | 6 | 9 | 11 => 30,
            _ => 31,
        };
        // Forwards from 1970 to past 2400, and backwards to before 1600.
        let (mut y, mut m, mut d) = (1970i64, 1i64, 1i64);
        for day in 0..160_000i64 {
            let ms = day * 86_400_000 + 45_296_789; // 12:34:56.789
            assert_eq!(iso8601(ms), format!("{y:04}-{m:02}-{d:02}T12:34:56.789Z"));
            d += 1;
            if d > month_days(y, m) {
                (d, m) = (1, m + 1);
                if m > 12 {
                    (m, y) = (1, y + 1);
                }
            }
        }
        let (mut y, mut m, mut d) = (1969i64, 12i64, 31i64);
        for day in 1..160_000i64 {
            assert_eq!(iso8601(-day * 86_400_000), format!("{y:04}-{m:02}-{d:02}T00:00:00.000Z"));
            d -= 1;
            if d == 0 {
                m -= 1;
                if m == 0 {
                    (m, y) = (12, y - 1);
                }
                d = month_days(y, m);
            }
        }
    }

    #[test]
    fn packages_are_written_with_issue_and_option_names() {
        let path = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("../scenarios/campsite.toml");
        let s = crate::core::scenario::load_file(&path).unwrap();
        assert_eq!(
            package_text(&s, &[0, 3, 1]),
            "Food packs: North 0 · South 3; Water jugs: North 3 · South 0; Firewood bundles: North 1 · South 2"
        );
    }
}
