//! What each player is shown. This is the one place match state becomes frames, so the
//! hidden-information rule lives here: before results a seat sees only its own role's brief,
//! points and BATNA.

use crate::core::game::{ChatLine, Match, Millis, Outcome, Phase};
use crate::core::scenario::Scenario;
use crate::core::scoring::{analyse_outcome, issue_type, nash_package, package_points, pareto_frontier, Package};
use crate::core::survey::QUESTIONS;
use crate::core::trust::MIN_RATERS_SHOWN;
use crate::wire::{
    AgreedTermsView, ChatKind, ChatLineView, CoachView, IssueRef, OfferView, PlayerView, PublicIssue, PublicScenario,
    RoleRef, ServerMsg, StateView, SurveyView, TermsProposalView, TermsView, WalkedAway, YouView,
};
use serde_json::{json, Map, Value};

/// Per-seat facts the core does not hold: names, bots, who is connected and when each went away.
/// Presence is the runtime's business, not the game's: it is never written to the event log.
pub struct SeatInfo {
    /// Display name.
    pub name: String,
    /// Held by one of the server's bots.
    pub bot: bool,
    /// A connection holds the seat now.
    pub online: bool,
    /// When the player disconnected, if they are away.
    pub gone_since: Option<Millis>,
}

/// The results reveal as one seat may see it. `reveal = Scores` keeps other roles' briefs and
/// points private. Trust numbers built from others' survey answers are shown only when they
/// average at least [`MIN_RATERS_SHOWN`] people (otherwise they would give away what a
/// counterpart answered in private); other players' own trust lines are never shown.
pub fn results_for_seat(results: &Value, seat: usize, reveal: crate::runtime::session::Reveal) -> Value {
    let mut r = results.clone();
    if reveal == crate::runtime::session::Reveal::Scores {
        if let Some(roles) = r["roles"].as_array_mut() {
            for (i, role) in roles.iter_mut().enumerate() {
                if i != seat {
                    if let Some(o) = role.as_object_mut() {
                        o.remove("brief");
                        o.remove("points");
                    }
                }
            }
        }
    }
    let trust = &mut r["trust"];
    let my_rating_counted = trust["players"][seat]["gave_rating"].as_bool().unwrap_or(false);
    let others_ratings = trust["ratings"].as_u64().unwrap_or(0).saturating_sub(u64::from(my_rating_counted));
    // Trust built gives away a counterpart's answer only when the survey is part of it.
    if trust["trust_survey"].is_number() && others_ratings < MIN_RATERS_SHOWN as u64 && trust.is_object() {
        trust["trust_built"] = Value::Null;
        trust["trust_survey"] = Value::Null;
        trust["trust_built_private"] = json!(true);
    }
    if let Some(players) = trust["players"].as_array_mut() {
        for (i, p) in players.iter_mut().enumerate() {
            let Some(o) = p.as_object_mut() else { continue };
            let enough = o.get("trust_raters").and_then(Value::as_u64).unwrap_or(0) >= MIN_RATERS_SHOWN as u64;
            if i != seat {
                o.remove("trust_earned");
                o.remove("sentences");
            } else if !enough {
                o.insert("trust_earned".into(), Value::Null);
                o.insert("trust_earned_private".into(), json!(true));
            }
        }
    }
    r
}

/// A package as `{issue_id: option_index}`.
pub fn package_json(s: &Scenario, pkg: &Package) -> Value {
    let mut m = Map::new();
    for (i, &o) in s.issues.iter().zip(pkg) {
        m.insert(i.id.clone(), json!(o));
    }
    Value::Object(m)
}

fn points_json(s: &Scenario, role: usize) -> Value {
    let mut m = Map::new();
    for i in &s.issues {
        m.insert(i.id.clone(), json!(i.points[role]));
    }
    Value::Object(m)
}

fn role_ref(s: &Scenario, role: usize) -> RoleRef {
    RoleRef { id: s.roles[role].id.clone(), name: s.roles[role].name.clone() }
}

fn outcome_json(s: &Scenario, o: &Outcome) -> Value {
    match o {
        Outcome::Deal { package } => json!({ "kind": "deal", "package": package_json(s, package) }),
        Outcome::Impasse { reason } => json!({ "kind": "impasse", "reason": reason }),
        Outcome::Abandoned { reason } => json!({ "kind": "abandoned", "reason": reason }),
    }
}

/// Who walked away, if someone did: `{seat, name}` (in the results reveal).
fn walked_away_json(m: &Match, seats: &[SeatInfo]) -> Value {
    match m.walked_away {
        Some(w) => json!({"seat": w, "name": seats.get(w).map(|x| x.name.as_str()).unwrap_or("")}),
        None => Value::Null,
    }
}

/// One chat line as sent to clients.
pub fn chat_line(line: &ChatLine, seats: &[SeatInfo]) -> ChatLineView {
    let name = line.seat.and_then(|s| seats.get(s)).map(|s| s.name.as_str()).unwrap_or("Parley");
    let kind = match (line.seat, line.disclosure) {
        (None, _) => ChatKind::Icebreaker,
        (_, true) => ChatKind::Disclosure,
        _ => ChatKind::Message,
    };
    ChatLineView {
        seat: line.seat,
        name: name.to_string(),
        text: line.text.clone(),
        at: line.at,
        phase: line.phase,
        kind,
    }
}

/// The `chat_history` frame.
pub fn chat_history(m: &Match, seats: &[SeatInfo]) -> ServerMsg {
    ServerMsg::ChatHistory { lines: m.chat.iter().map(|l| chat_line(l, seats)).collect() }
}

/// Public part of the scenario: summary and issues with options, no points.
pub fn public_scenario(s: &Scenario) -> PublicScenario {
    PublicScenario {
        id: s.id.clone(),
        title: s.title.clone(),
        summary: s.summary.clone(),
        deal_rule: s.deal.describe(&s.roles),
        issues: s
            .issues
            .iter()
            .map(|i| PublicIssue {
                id: i.id.clone(),
                name: i.name.clone(),
                description: i.description.clone(),
                options: i.options.clone(),
            })
            .collect(),
    }
}

/// Offers a `state` frame carries after the first: the newest this many, plus every standing
/// one. The whole history comes with the state sent when a connection takes its seat, so a
/// state frame stays small however long a match runs.
pub const OFFER_WINDOW: usize = 20;

/// The `state` frame for one seat (`all_offers`: the whole offer history, else the window).
#[allow(clippy::too_many_arguments)]
pub fn state_for(
    match_id: &str,
    m: &Match,
    seat: usize,
    seats: &[SeatInfo],
    dropout: Option<&Value>,
    results: Option<&Value>,
    now: Millis,
    all_offers: bool,
) -> ServerMsg {
    let s = &*m.config.scenario;
    let you = YouView {
        seat,
        name: seats[seat].name.clone(),
        role: role_ref(s, seat),
        brief: s.roles[seat].brief.clone(),
        batna: s.roles[seat].batna,
        points: s.issues.iter().map(|i| (i.id.clone(), i.points[seat].clone())).collect(),
        max_points: s.role_range(seat).1,
        guessed_priorities: m.prep_guess[seat].is_some(),
        // Coaching nudges are private: each seat sees only its own.
        coaching: m
            .coached
            .iter()
            .filter(|c| c.0 == seat)
            .map(|c| CoachView { rule: c.1.clone(), text: c.2.clone(), at: c.3 })
            .collect(),
    };
    let players = (0..m.seats)
        .map(|i| PlayerView {
            seat: i,
            name: seats[i].name.clone(),
            role: role_ref(s, i),
            online: seats[i].online,
            ready: m.ready[i],
            survey_done: m.survey[i].is_some(),
            gone_since: seats[i].gone_since,
        })
        .collect();
    let recent = m.offers.len().saturating_sub(OFFER_WINDOW);
    let offers = m
        .offers
        .iter()
        .enumerate()
        .filter(|(i, o)| all_offers || *i >= recent || o.status == crate::core::game::OfferStatus::Standing)
        .map(|(_, o)| OfferView {
            id: o.id,
            seat: o.seat,
            at: o.at,
            package: s.issues.iter().zip(&o.package).map(|(i, &x)| (i.id.clone(), x)).collect(),
            status: o.status,
            accepted_by: o.accepted_by.clone(),
            value_to_you: package_points(s, &o.package)[seat],
        })
        .collect();
    let survey = (m.phase == Phase::Survey).then(|| SurveyView {
        questions: std::borrow::Cow::Borrowed(QUESTIONS),
        issues: s.issues.iter().map(|i| IssueRef { id: i.id.clone(), name: i.name.clone() }).collect(),
        answered: m.survey[seat].is_some(),
    });
    ServerMsg::State(Box::new(StateView {
        server_time: now,
        match_id: match_id.to_string(),
        phase: m.phase,
        phase_started: m.phase_started,
        deadline: m.deadline,
        paused: m.paused_at.is_some(),
        paused_at: m.paused_at,
        allowed_actions: m.allowed_actions(seat),
        scenario: public_scenario(s),
        you,
        players,
        offers,
        offers_complete: all_offers || recent == 0,
        offers_total: m.offers.len(),
        terms: terms_view(m),
        outcome: m.outcome.as_ref().map(|o| outcome_json(s, o)),
        walked_away: m
            .walked_away
            .map(|w| WalkedAway { seat: w, name: seats.get(w).map(|x| x.name.clone()).unwrap_or_default() }),
        survey,
        results: if m.phase == Phase::Results { results.cloned() } else { None },
        dropout: dropout.cloned(),
    }))
}

/// The tentative terms of every issue: the same for every seat (proposals and agreements are
/// made in the open, and carry no points).
pub fn terms_view(m: &Match) -> Vec<TermsView> {
    let s = &*m.config.scenario;
    s.issues
        .iter()
        .zip(&m.terms)
        .map(|(issue, t)| TermsView {
            issue: issue.id.clone(),
            proposal: t.proposal.as_ref().map(|p| TermsProposalView {
                seat: p.seat,
                option: p.option,
                at: p.at,
                accepted_by: p.accepted_by.clone(),
                rejected_by: p.rejected_by.clone(),
            }),
            agreed: t.agreed.and_then(|i| m.settlements.get(i).map(|a| (i, a))).map(|(i, a)| AgreedTermsView {
                option: a.option,
                proposed_by: a.proposed_by,
                at: a.agreed_at,
                order: i + 1,
            }),
        })
        .collect()
}

/// The reveal shown in results: every role's points, the outcome against the frontier, feedback.
pub fn results(m: &Match, seats: &[SeatInfo]) -> Value {
    let s = &*m.config.scenario;
    let deal = m.deal().cloned();
    let a = analyse_outcome(s, deal.as_deref());
    let all: Vec<usize> = (0..s.roles.len()).collect();
    let two = s.is_bilateral();
    let frontier = two.then(|| pareto_frontier(s, &[0, 1]));
    let full_front = if two { frontier.clone().unwrap_or_default() } else { pareto_frontier(s, &all) };
    let nash = nash_package(s, &all, &full_front);
    let best_joint = crate::core::scoring::max_joint_package(s);
    let roles: Vec<Value> = (0..s.roles.len())
        .map(|r| {
            json!({
                "id": s.roles[r].id, "name": s.roles[r].name, "player": seats[r].name,
                "batna": s.roles[r].batna, "brief": s.roles[r].brief, "points": points_json(s, r),
                "score": a.points[r], "surplus": a.surplus[r],
            })
        })
        .collect();
    let issues: Vec<Value> = s
        .issues
        .iter()
        .enumerate()
        .map(|(k, i)| {
            json!({
                "id": i.id, "name": i.name,
                "type": two.then(|| issue_type(i, 0, 1)),
                "agreed": deal.as_ref().map(|d| d[k]),
                "best_joint": best_joint[k],
            })
        })
        .collect();
    json!({
        "outcome": m.outcome.as_ref().map(|o| outcome_json(s, o)),
        "walked_away": walked_away_json(m, seats),
        "roles": roles,
        "joint_value": a.joint_value,
        "max_joint_value": a.max_joint_value,
        "efficiency": a.efficiency,
        "surplus_efficiency": a.surplus_efficiency,
        "pareto_optimal": a.pareto_optimal,
        "distance_to_frontier": a.distance_to_frontier,
        "better_package": a.better_package.as_ref().map(|b| json!({"package": package_json(s, &b.package), "points": b.points})),
        "nash": nash.as_ref().map(|n| json!({"package": package_json(s, &n.package), "points": n.points})),
        "frontier": frontier.map(|f| f.iter().map(|p| p.points.clone()).collect::<Vec<_>>()),
        "issues": issues,
        "deal_rule": s.deal.describe(&s.roles),
        "feedback": feedback(s, m, deal.as_ref(), &a, nash.as_ref().map(|n| &n.points)),
    })
}

/// "a", "a and b", "a, b and c".
fn list_words(items: &[String]) -> String {
    match items {
        [] => String::new(),
        [one] => one.clone(),
        [init @ .., last] => format!("{} and {}", init.join(", "), last),
    }
}

/// Short sentences on what could have been better, computed from the outcome.
pub fn feedback(
    s: &Scenario,
    m: &Match,
    deal: Option<&Package>,
    a: &crate::core::scoring::OutcomeAnalysis,
    nash_points: Option<&Vec<i64>>,
) -> Vec<String> {
    let mut out = Vec::new();
    match (&m.outcome, deal) {
        (_, Some(d)) => {
            if s.is_bilateral() {
                for (k, i) in s.issues.iter().enumerate() {
                    let (pa, pb) = (&i.points[0], &i.points[1]);
                    let both_best = (0..i.options.len())
                        .find(|&o| pa[o] == *pa.iter().max().unwrap_or(&0) && pb[o] == *pb.iter().max().unwrap_or(&0));
                    if let Some(o) = both_best {
                        if pa[d[k]] < pa[o] || pb[d[k]] < pb[o] {
                            out.push(format!(
                                "On {} you both preferred \"{}\" but agreed \"{}\": ask before assuming you disagree.",
                                i.name, i.options[o], i.options[d[k]]
                            ));
                        }
                    }
                }
            }
            if let Some(b) = &a.better_package {
                let gains: Vec<String> = s
                    .roles
                    .iter()
                    .zip(b.points.iter().zip(&a.points))
                    .map(|(r, (x, y))| format!("{} {} more points", r.name, x - y))
                    .collect();
                out.push(format!(
                    "Value was left on the table: another package gave everyone at least as much ({}). Trading issues that matter little to you for ones that matter a lot finds it.",
                    list_words(&gains)
                ));
            } else {
                out.push("Your deal is Pareto-optimal: no package would have made one of you better off without costing the other.".into());
            }
            out.push(format!(
                "Together you created {} of the {} points possible ({:.0}%).",
                a.joint_value,
                a.max_joint_value,
                a.efficiency * 100.0
            ));
        }
        (Some(Outcome::Impasse { .. }), None) => {
            if let Some(n) = nash_points {
                let each: Vec<String> =
                    s.roles.iter().zip(n).map(|(r, p)| format!("{} {} points", r.name, p)).collect();
                out.push(format!(
                    "No deal, but a package existed that gave everyone at least their walk-away value (for example {}): asking about interests helps find it.",
                    list_words(&each)
                ));
            } else {
                out.push(
                    "No package gave everyone at least their walk-away value here, so walking away was reasonable."
                        .into(),
                );
            }
        }
        _ => {}
    }
    out
}
