//! What each player is shown. This is the one place match state becomes frames, so the
//! hidden-information rule lives here: before results a seat sees only its own role's brief,
//! points and BATNA, and the results reveal ([`results_for_seat`]) shows a seat what the session's
//! reveal setting and the survey-privacy rule allow.

use crate::core::game::{ChatLine, Match, Millis, Outcome, Phase};
use crate::core::scenario::Scenario;
use crate::core::scoring::{
    analyse_outcome, issue_type, nash_package, package_points, pareto_frontier, FrontierPoint, OutcomeAnalysis, Package,
};
use crate::core::trust::{PlayerTrust, TrustReport, MIN_RATERS_SHOWN};
use crate::runtime::session::Reveal;
use crate::wire::{AgreedTermsView, TermsProposalView, TermsView};
use crate::wire::{
    ChatKind, ChatLineView, CoachView, DisclosureView, FeedbackItem, IssueRef, IssueResultView, ObservationView,
    OfferView, OutcomeView, OwnTrustView, PackagePoints, PackageView, PlayerTrustView, PlayerView, PublicIssue,
    PublicScenario, ResultsView, RevealedRole, RoleRef, RoleResultView, ServerMsg, StateView, SurveyView,
    TrustResultView, WalkedAway, YouView,
};
use serde_json::Value;

mod team;
pub use team::{caucus_history, caucus_line, member_name, team_name, SeatMember};

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
    /// The drill the seat's player practises (practice pool), shown to them alone.
    pub drill: Option<crate::core::drills::Drill>,
    /// The team holding the seat, by member index (empty for a seat played alone; `name` is
    /// then the team's names together).
    pub members: Vec<SeatMember>,
}

/// Everything a match's results reveal can show, computed once when the match reaches results
/// (the match actor keeps it): the outcome against the frontier, every role's private side and
/// the whole trust report. None of it is sent as it is: [`results_for_seat`] builds, from these
/// parts, the [`ResultsView`] one seat may see.
pub struct MatchResults {
    /// Every role's public line and score, in seat order (no private side here).
    roles: Vec<RoleResultView>,
    /// Every role's brief and points, in seat order.
    private_sides: Vec<RevealedRole>,
    /// The trust report with every number, private ones included (the facilitator's debrief
    /// scores the same report from the log; a seat is sent only what [`trust_for_seat`] allows).
    trust: TrustReport,
    /// What every seat sees alike.
    shared: SharedResults,
    /// How each seat's drill went, in seat order (each seat sees only its own).
    drills: Vec<Option<crate::core::drills::DrillOutcome>>,
    /// The names the English feedback sentences use.
    scenario_words: ScenarioWords,
    /// What each team member did (empty without teams; the same for every seat).
    members: Vec<crate::wire::MemberResultView>,
}

/// The part of the reveal that is the same for every seat.
struct SharedResults {
    outcome: Option<OutcomeView>,
    walked_away: Option<WalkedAway>,
    /// Joint value, efficiency and the frontier comparison (`docs/scoring.md`, section 8).
    analysis: OutcomeAnalysis,
    better_package: Option<PackagePoints>,
    nash: Option<PackagePoints>,
    frontier: Option<Vec<Vec<i64>>>,
    issues: Vec<IssueResultView>,
    deal_rule: String,
    feedback: Vec<FeedbackItem>,
    disclosures: Vec<DisclosureView>,
}

/// A package as `{issue_id: option_index}`.
pub fn package_view(s: &Scenario, pkg: &Package) -> PackageView {
    s.issues.iter().zip(pkg).map(|(i, &o)| (i.id.clone(), o)).collect()
}

/// A package as `{issue_id: option_index}`, as JSON (the facilitator's frames and exports).
pub fn package_json(s: &Scenario, pkg: &Package) -> Value {
    serde_json::to_value(package_view(s, pkg)).unwrap_or(Value::Null)
}

fn role_ref(s: &Scenario, role: usize) -> RoleRef {
    RoleRef { id: s.roles[role].id.clone(), name: s.roles[role].name.clone() }
}

/// How bargaining ended, as clients see it (a deal's package by issue id).
pub fn outcome_view(s: &Scenario, o: &Outcome) -> OutcomeView {
    match o {
        Outcome::Deal { package } => OutcomeView::Deal { package: package_view(s, package) },
        Outcome::Impasse { reason } => OutcomeView::Impasse { reason: *reason },
        Outcome::Abandoned { reason, why } => OutcomeView::Abandoned { reason: reason.clone(), why: why.clone() },
    }
}

/// Who walked away, if someone did.
fn walked_away(m: &Match, seats: &[SeatInfo]) -> Option<WalkedAway> {
    m.walked_away.map(|w| WalkedAway { seat: w, name: seats.get(w).map(|x| x.name.clone()).unwrap_or_default() })
}

/// One chat line as sent to clients.
pub fn chat_line(line: &ChatLine, seats: &[SeatInfo]) -> ChatLineView {
    let name = line.seat.map_or("Parley", |s| member_name(seats, s, line.member));
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
        expression: line.expression,
        member: line.member,
        statement: line.statement.clone(),
    }
}

/// The `chat_history` frame.
pub fn chat_history(m: &Match, seats: &[SeatInfo]) -> ServerMsg {
    ServerMsg::ChatHistory { lines: m.chat.iter().map(|l| chat_line(l, seats)).collect() }
}

/// An icebreaker in the words of `texts` (the match's scenario in a seat's language): the prompt
/// at the same place in its list. Players' own lines are theirs, in whatever language they wrote.
pub fn localize_prompt(line: &mut ChatLineView, base: &Scenario, texts: &Scenario) {
    if line.kind != ChatKind::Icebreaker {
        return;
    }
    if let Some(k) = base.icebreakers.iter().position(|p| *p == line.text) {
        if let Some(t) = texts.icebreakers.get(k) {
            line.text.clone_from(t);
        }
    }
}

/// The `chat_history` frame for one seat: its icebreakers in the seat's language.
pub fn chat_history_for(m: &Match, seats: &[SeatInfo], texts: &Scenario) -> ServerMsg {
    let lines = m
        .chat
        .iter()
        .map(|l| {
            let mut v = chat_line(l, seats);
            localize_prompt(&mut v, &m.config.scenario, texts);
            v
        })
        .collect();
    ServerMsg::ChatHistory { lines }
}

/// A deal rule as data (role ids, not names: the page words it in its language).
fn deal_view(rule: &crate::core::scenario::DealRule, s: &Scenario) -> crate::wire::DealView {
    use crate::core::scenario::DealRule;
    let (rule, roles) = match rule {
        DealRule::Unanimous => ("unanimous", vec![]),
        DealRule::Majority => ("majority", vec![]),
        DealRule::Roles(needed) => {
            ("roles", needed.iter().filter_map(|&i| s.roles.get(i)).map(|r| r.id.clone()).collect())
        }
    };
    crate::wire::DealView { rule: rule.into(), roles }
}

/// Public part of the scenario: summary and issues with options, no points.
pub fn public_scenario(s: &Scenario) -> PublicScenario {
    PublicScenario {
        id: s.id.clone(),
        title: s.title.clone(),
        summary: s.summary.clone(),
        deal_rule: s.deal.describe(&s.roles),
        deal: deal_view(&s.deal, s),
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

/// Every seat as everyone at the table (and an observer) sees it: public facts only.
fn players_view(s: &Scenario, m: &Match, seats: &[SeatInfo]) -> Vec<PlayerView> {
    (0..m.seats)
        .map(|i| PlayerView {
            seat: i,
            name: seats[i].name.clone(),
            role: role_ref(s, i),
            online: seats[i].online,
            ready: m.ready[i],
            survey_done: m.survey[i].is_some(),
            gone_since: seats[i].gone_since,
            members: team::members_view(&seats[i]),
        })
        .collect()
}

/// The offers a frame carries: all of them (`all`, on taking a seat), else the newest
/// [`OFFER_WINDOW`] and every standing one; with how many older ones were left out.
fn offer_window(m: &Match, all: bool) -> (impl Iterator<Item = &crate::core::game::OfferRecord>, usize) {
    let recent = m.offers.len().saturating_sub(OFFER_WINDOW);
    let offers = m
        .offers
        .iter()
        .enumerate()
        .filter(move |(i, o)| all || *i >= recent || o.status == crate::core::game::OfferStatus::Standing)
        .map(|(_, o)| o);
    (offers, recent)
}

/// The `state` frame for one seat (`all_offers`: the whole offer history, else the window), as
/// member `member` of its team sees it (0 for a seat played alone), its words from `texts`: the
/// match's scenario in the member's language `lang` (see [`Scenario::in_language`]; `lang` is what
/// they asked for, which also picks the words of a facilitator's own survey items and a bot's lines).
#[allow(clippy::too_many_arguments)]
pub fn state_for(
    match_id: &str,
    m: &Match,
    texts: &Scenario,
    lang: Option<&str>,
    seat: usize,
    member: usize,
    seats: &[SeatInfo],
    dropout: Option<&crate::wire::DropoutView>,
    results: Option<ResultsView>,
    now: Millis,
    all_offers: bool,
) -> ServerMsg {
    let s = texts;
    let you = YouView {
        seat,
        name: member_name(seats, seat, Some(member)).to_string(),
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
        drill: seats[seat].drill.map(Into::into),
        lang: lang.map(str::to_string),
    };
    let players = players_view(s, m, seats);
    let (offers_window, recent) = offer_window(m, all_offers);
    let offers = offers_window
        .map(|o| OfferView {
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
        // A facilitator's own items in the seat's language where they wrote it.
        questions: std::borrow::Cow::Owned(m.config.features.survey.iter().map(|q| q.in_language(lang)).collect()),
        issues: s.issues.iter().map(|i| IssueRef { id: i.id.clone(), name: i.name.clone() }).collect(),
        // A team member answers for themselves (`core::team`).
        answered: if m.team.size(seat) > 1 { m.team.answered(seat, member) } else { m.survey[seat].is_some() },
    });
    ServerMsg::State(Box::new(StateView {
        server_time: now,
        match_id: match_id.to_string(),
        phase: m.phase,
        phase_started: m.phase_started,
        deadline: m.deadline,
        paused: m.paused_at.is_some(),
        paused_at: m.paused_at,
        allowed_actions: m.allowed_actions_of(seat, member),
        scenario: public_scenario(s),
        you,
        players,
        offers,
        offers_complete: all_offers || recent == 0,
        offers_total: m.offers.len(),
        terms: terms_view(m),
        outcome: m.outcome.as_ref().map(|o| outcome_view(s, o)),
        walked_away: walked_away(m, seats),
        survey,
        results: results.filter(|_| m.phase == Phase::Results),
        dropout: dropout.cloned(),
        observers: Vec::new(),
        team: team::team_view(m, seat, member),
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

/// Computes the results reveal of a match that reached results, from its state and its trust
/// report (scored from the stored event log).
pub fn match_results(m: &Match, seats: &[SeatInfo], trust: TrustReport) -> MatchResults {
    let s = &*m.config.scenario;
    let deal = m.deal().cloned();
    let a = analyse_outcome(s, deal.as_deref());
    let all: Vec<usize> = (0..s.roles.len()).collect();
    let two = s.is_bilateral();
    let frontier = two.then(|| pareto_frontier(s, &[0, 1]));
    let full_front = if two { frontier.clone().unwrap_or_default() } else { pareto_frontier(s, &all) };
    let nash = nash_package(s, &all, &full_front);
    let best_joint = crate::core::scoring::max_joint_package(s);
    let roles = (0..s.roles.len())
        .map(|r| RoleResultView {
            id: s.roles[r].id.clone(),
            name: s.roles[r].name.clone(),
            player: seats[r].name.clone(),
            batna: s.roles[r].batna,
            score: a.points[r],
            surplus: a.surplus[r],
            revealed: None,
        })
        .collect();
    let private_sides = (0..s.roles.len())
        .map(|r| RevealedRole {
            brief: s.roles[r].brief.clone(),
            points: s.issues.iter().map(|i| (i.id.clone(), i.points[r].clone())).collect(),
        })
        .collect();
    let issues = s
        .issues
        .iter()
        .enumerate()
        .map(|(k, i)| IssueResultView {
            id: i.id.clone(),
            name: i.name.clone(),
            kind: two.then(|| issue_type(i, 0, 1)),
            agreed: deal.as_ref().map(|d| d[k]),
            best_joint: best_joint[k],
        })
        .collect();
    let package_points =
        |p: &FrontierPoint| PackagePoints { package: package_view(s, &p.package), points: p.points.clone() };
    let shared = SharedResults {
        outcome: m.outcome.as_ref().map(|o| outcome_view(s, o)),
        walked_away: walked_away(m, seats),
        better_package: a.better_package.as_ref().map(package_points),
        nash: nash.as_ref().map(package_points),
        frontier: frontier.map(|f| f.iter().map(|p| p.points.clone()).collect()),
        issues,
        deal_rule: s.deal.describe(&s.roles),
        feedback: feedback_items(s, m, deal.as_ref(), &a, nash.as_ref().map(|n| &n.points)),
        disclosures: m
            .disclosures
            .iter()
            .map(|d| DisclosureView {
                seat: d.seat,
                at: d.at,
                text: d.statement.render(s),
                statement: Some(d.statement.clone()),
                truthful: d.truthful,
            })
            .collect(),
        analysis: a,
    };
    // Drills are checked from the same log-scored tactics the trust report holds.
    let drills = seats
        .iter()
        .enumerate()
        .map(|(seat, info)| info.drill.map(|d| crate::core::drills::check(d, m, &trust.line_tactics, seat)))
        .collect();
    let members = team::member_results(m, seats);
    MatchResults { roles, private_sides, trust, shared, drills, members, scenario_words: ScenarioWords::of(s) }
}

/// The results reveal as one seat may see it. With `reveal = Scores` only the seat's own role
/// carries its brief and points. Trust numbers built from others' survey answers are shown only
/// when they average at least [`MIN_RATERS_SHOWN`] people (otherwise they would give away what a
/// counterpart answered in private); other players' trust earned and sentences have no place in
/// the view at all.
pub fn results_for_seat(full: &MatchResults, seat: usize, reveal: Reveal) -> ResultsView {
    let shared = &full.shared;
    let a = &shared.analysis;
    let roles = full
        .roles
        .iter()
        .zip(&full.private_sides)
        .enumerate()
        .map(|(r, (public, private))| RoleResultView {
            revealed: (reveal == Reveal::All || r == seat).then(|| private.clone()),
            ..public.clone()
        })
        .collect();
    ResultsView {
        drill: full.drills.get(seat).cloned().flatten(),
        outcome: shared.outcome.clone(),
        walked_away: shared.walked_away.clone(),
        roles,
        joint_value: a.joint_value,
        max_joint_value: a.max_joint_value,
        efficiency: a.efficiency,
        surplus_efficiency: a.surplus_efficiency,
        pareto_optimal: a.pareto_optimal,
        distance_to_frontier: a.distance_to_frontier,
        better_package: shared.better_package.clone(),
        nash: shared.nash.clone(),
        frontier: shared.frontier.clone(),
        issues: shared.issues.clone(),
        deal_rule: shared.deal_rule.clone(),
        feedback: shared.feedback.iter().map(|f| feedback_sentence(&full.scenario_words, f)).collect(),
        feedback_items: shared.feedback.clone(),
        disclosures: shared.disclosures.clone(),
        trust: trust_for_seat(&full.trust, seat),
        // Filled by the match actor from the match's live state (sheets may come after results).
        observations: Vec::new(),
        members: full.members.clone(),
    }
}

/// Puts a seat's results in its language: role names, revealed briefs and issue names from
/// `texts` (the scenario in that language); the numbers are the same in every language.
pub fn localize_results(r: &mut ResultsView, texts: &Scenario) {
    for (view, role) in r.roles.iter_mut().zip(&texts.roles) {
        view.name.clone_from(&role.name);
        if let Some(revealed) = &mut view.revealed {
            revealed.brief.clone_from(&role.brief);
        }
    }
    for (view, issue) in r.issues.iter_mut().zip(&texts.issues) {
        view.name.clone_from(&issue.name);
    }
}

/// The trust part of the reveal for one seat.
fn trust_for_seat(t: &TrustReport, seat: usize) -> TrustResultView {
    let own = t.players.get(seat);
    // The seat knows its own answers: only the others' ratings can be given away.
    let others_ratings = t.ratings.saturating_sub(usize::from(own.is_some_and(|p| p.gave_rating)));
    // Trust built gives away a counterpart's answer only when the survey is part of it.
    let built_private = t.trust_survey.is_some() && others_ratings < MIN_RATERS_SHOWN;
    let earned_shown = own.is_some_and(|p| p.trust_raters >= MIN_RATERS_SHOWN);
    TrustResultView {
        trust_built: if built_private { None } else { t.trust_built },
        trust_survey: if built_private { None } else { t.trust_survey },
        trust_built_private: built_private,
        trust_estimate: t.trust_estimate,
        trust_estimate_behaviour: t.trust_estimate_behaviour,
        line_tactics: t.line_tactics.clone(),
        ratings: t.ratings,
        behaviour_index: t.behaviour_index,
        small_talk_balance: t.small_talk_balance,
        turn_taking: t.turn_taking,
        players: t.players.iter().map(player_trust_view).collect(),
        you: OwnTrustView {
            trust_earned: own.filter(|_| earned_shown).and_then(|p| p.trust_earned),
            trust_earned_private: !earned_shown,
            sentences: own.map(|p| p.sentences.clone()).unwrap_or_default(),
        },
    }
}

/// One player's conduct as every player of the match may read it.
fn player_trust_view(p: &PlayerTrust) -> PlayerTrustView {
    PlayerTrustView {
        seat: p.seat,
        trust_raters: p.trust_raters,
        gave_rating: p.gave_rating,
        perspective_before: p.perspective_before,
        perspective_after: p.perspective_after,
        perspective_gain: p.perspective_gain,
        places_right_before: p.places_right_before,
        places_right_after: p.places_right_after,
        issues: p.issues,
        behaviour: p.behaviour.clone(),
        outcome: p.outcome,
        trust_estimate: p.trust_estimate,
        trust_estimate_behaviour: p.trust_estimate_behaviour,
        profile: p.profile.clone(),
        profile_lines: p.profile_lines.clone(),
        index_moves: p.index_moves.clone(),
        behaviour_index: p.behaviour_index,
        signals: p.signals.clone(),
    }
}

/// "a", "a and b", "a, b and c".
fn list_words(items: &[String]) -> String {
    match items {
        [] => String::new(),
        [one] => one.clone(),
        [init @ .., last] => format!("{} and {}", init.join(", "), last),
    }
}

/// What could have been better, computed from the outcome, as codes and values (worded in English
/// by [`feedback_sentence`], in other languages by the player's page).
pub fn feedback_items(
    s: &Scenario,
    m: &Match,
    deal: Option<&Package>,
    a: &crate::core::scoring::OutcomeAnalysis,
    nash_points: Option<&Vec<i64>>,
) -> Vec<FeedbackItem> {
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
                            out.push(FeedbackItem::BothPreferred { issue: i.id.clone(), preferred: o, agreed: d[k] });
                        }
                    }
                }
            }
            match &a.better_package {
                Some(b) => out.push(FeedbackItem::ValueLeft {
                    gains: b.points.iter().zip(&a.points).map(|(x, y)| x - y).collect(),
                }),
                None => out.push(FeedbackItem::ParetoOptimal),
            }
            out.push(FeedbackItem::Created {
                joint: a.joint_value,
                max: a.max_joint_value,
                percent: (a.efficiency * 100.0).round() as i64,
            });
        }
        (Some(Outcome::Impasse { .. }), None) => match nash_points {
            Some(n) => out.push(FeedbackItem::ImpasseMissed { points: n.clone() }),
            None => out.push(FeedbackItem::ImpasseReasonable),
        },
        _ => {}
    }
    out
}

/// The names a feedback sentence needs: role names in seat order, and each issue's name and
/// option labels by id (the scenario's own language).
pub struct ScenarioWords {
    roles: Vec<String>,
    issues: Vec<(String, String, Vec<String>)>,
}

impl ScenarioWords {
    fn of(s: &Scenario) -> ScenarioWords {
        ScenarioWords {
            roles: s.roles.iter().map(|r| r.name.clone()).collect(),
            issues: s.issues.iter().map(|i| (i.id.clone(), i.name.clone(), i.options.clone())).collect(),
        }
    }
}

/// A feedback item in English (the console's debrief and exports read these).
pub fn feedback_sentence(w: &ScenarioWords, item: &FeedbackItem) -> String {
    let per_role = |values: &[i64], unit: &str| -> String {
        let parts: Vec<String> = w.roles.iter().zip(values).map(|(r, v)| format!("{r} {v} {unit}")).collect();
        list_words(&parts)
    };
    match item {
        FeedbackItem::BothPreferred { issue, preferred, agreed } => {
            let (name, options) = w
                .issues
                .iter()
                .find(|i| &i.0 == issue)
                .map(|i| (i.1.as_str(), i.2.as_slice()))
                .unwrap_or((issue.as_str(), &[]));
            let label = |o: usize| options.get(o).cloned().unwrap_or_default();
            format!(
                "On {name} you both preferred \"{}\" but agreed \"{}\": ask before assuming you disagree.",
                label(*preferred),
                label(*agreed)
            )
        }
        FeedbackItem::ValueLeft { gains } => format!(
            "Value was left on the table: another package gave everyone at least as much ({}). Trading issues that matter little to you for ones that matter a lot finds it.",
            per_role(gains, "more points")
        ),
        FeedbackItem::ParetoOptimal => "Your deal is Pareto-optimal: no package would have made one of you better off without costing the other.".into(),
        FeedbackItem::Created { joint, max, percent } => {
            format!("Together you created {joint} of the {max} points possible ({percent}%).")
        }
        FeedbackItem::ImpasseMissed { points } => format!(
            "No deal, but a package existed that gave everyone at least their walk-away value (for example {}): asking about interests helps find it.",
            per_role(points, "points")
        ),
        FeedbackItem::ImpasseReasonable => {
            "No package gave everyone at least their walk-away value here, so walking away was reasonable.".into()
        }
    }
}

/// Where the observer frame takes an observer's sheet from: the one they sent, by player id.
pub fn sheet_view(m: &Match, observer: &str) -> crate::wire::SheetView {
    use crate::core::observe::{MAX_SHEET_CHARS, SHEET_TACTICS};
    crate::wire::SheetView {
        tactics: SHEET_TACTICS
            .iter()
            .map(|(label, name, hint)| crate::wire::TacticChoice {
                label: label.to_string(),
                name: name.to_string(),
                hint: hint.to_string(),
            })
            .collect(),
        max_chars: MAX_SHEET_CHARS,
        sent: m.observations.iter().find(|o| o.player == observer).map(observation_view),
    }
}

/// One filed sheet as the players read it.
pub fn observation_view(o: &crate::core::observe::Observation) -> ObservationView {
    ObservationView {
        observer: o.name.clone(),
        at: o.at,
        tactics: o.sheet.tactics,
        done_well: o.sheet.done_well.clone(),
        to_try: o.sheet.to_try.clone(),
    }
}

/// Every sheet filed for a match, oldest first (the players' results carry them).
pub fn observation_views(m: &Match) -> Vec<ObservationView> {
    m.observations.iter().map(observation_view).collect()
}

/// The results reveal as an observer sees it: what any player of the match sees under the
/// session's reveal setting, minus everything a seat has of its own (no role is "theirs", so
/// under `reveal = "scores"` no brief or points at all; trust numbers built from survey answers
/// follow the same three-raters rule), plus the sheets.
pub fn results_for_observer(full: &MatchResults, m: &Match, reveal: Reveal) -> ResultsView {
    // No seat has this index: nothing is the observer's own.
    let mut r = results_for_seat(full, usize::MAX, reveal);
    r.observations = observation_views(m);
    r
}

/// The `observe` frame for one observer (`observer`: their player id; `all_offers`: the whole
/// offer history, else the window of [`OFFER_WINDOW`]), its words from `texts`: the match's
/// scenario in the observer's language. Built from public facts only: its type has
/// no place for a brief, points, a walk-away value, a verdict, a nudge or a survey answer.
#[allow(clippy::too_many_arguments)]
pub fn observer_view(
    match_id: &str,
    m: &Match,
    texts: &Scenario,
    seats: &[SeatInfo],
    observer: &str,
    results: Option<ResultsView>,
    now: Millis,
    all_offers: bool,
) -> ServerMsg {
    let s = texts;
    let results = results.map(|mut r| {
        localize_results(&mut r, texts);
        r
    });
    let players = players_view(s, m, seats);
    let (offers_window, recent) = offer_window(m, all_offers);
    let offers = offers_window
        .map(|o| crate::wire::ObservedOffer {
            id: o.id,
            seat: o.seat,
            at: o.at,
            package: package_view(s, &o.package),
            status: o.status,
            accepted_by: o.accepted_by.clone(),
        })
        .collect();
    ServerMsg::Observe(Box::new(crate::wire::ObserverView {
        server_time: now,
        match_id: match_id.to_string(),
        phase: m.phase,
        phase_started: m.phase_started,
        deadline: m.deadline,
        paused: m.paused_at.is_some(),
        paused_at: m.paused_at,
        scenario: public_scenario(s),
        players,
        offers,
        offers_complete: all_offers || recent == 0,
        offers_total: m.offers.len(),
        terms: terms_view(m),
        outcome: m.outcome.as_ref().map(|o| outcome_view(s, o)),
        walked_away: walked_away(m, seats),
        sheet: sheet_view(m, observer),
        results: results.filter(|_| m.phase == Phase::Results),
    }))
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::core::game::{Action, Event, MatchConfig};
    use crate::core::scenario::{load_file, PhaseDurations};
    use crate::core::survey::SurveyAnswer;
    use crate::core::trust::{analyse_log_with_bots, Phrases};
    use std::sync::Arc;

    /// A bundled scenario's match played to results through the real state machine: seat 0
    /// offers every issue's first option, everyone else accepts, everyone rates the others
    /// `rating` on every trust item. Returns the match, its seats and its full results.
    fn played(scenario: &str, rating: u8) -> (Match, Vec<SeatInfo>, MatchResults) {
        let path = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join(format!("../scenarios/{scenario}.toml"));
        let config = MatchConfig {
            scenario: Arc::new(load_file(&path).unwrap()),
            durations: PhaseDurations { prep: 0, small_talk: 0, bargaining: 600, survey: 600 },
            small_talk: false,
            icebreaker: None,
            features: Default::default(),
        };
        let mut m = Match::new(config.clone());
        let mut log = Vec::new();
        let mut at = 1_000;
        let mut run = |m: &mut Match, kinds: Vec<crate::core::game::EventKind>| {
            for kind in kinds {
                let e = Event { at, kind };
                m.apply(&e);
                log.push(e);
            }
            at += 1_000;
        };
        let start = m.start();
        run(&mut m, start);
        let roles = m.config.scenario.roles.len();
        let offer = m.decide(0, &Action::Offer(vec![0; m.config.scenario.issues.len()])).unwrap();
        run(&mut m, offer);
        for seat in 1..roles {
            let accept = m.decide(seat, &Action::Accept(1)).unwrap();
            run(&mut m, accept);
        }
        assert_eq!(m.phase, Phase::Survey);
        for seat in 0..roles {
            let ratings = ["trust", "foundation", "listened"].iter().map(|k| (k.to_string(), rating)).collect();
            let answer =
                Action::Survey(SurveyAnswer { ratings, counterpart_priorities: None, texts: Default::default() });
            let survey = m.decide(seat, &answer).unwrap();
            run(&mut m, survey);
        }
        assert_eq!(m.phase, Phase::Results);
        let seats: Vec<SeatInfo> = (0..roles)
            .map(|i| SeatInfo {
                name: format!("Player{i}"),
                bot: false,
                online: true,
                gone_since: None,
                drill: None,
                members: Vec::new(),
            })
            .collect();
        let trust = analyse_log_with_bots(config, &log, &Phrases::bundled(), &vec![false; roles]);
        let full = match_results(&m, &seats, trust);
        (m, seats, full)
    }

    /// The `state` frame one seat is sent in results, as text.
    fn frame(m: &Match, seats: &[SeatInfo], full: &MatchResults, seat: usize, reveal: Reveal) -> String {
        let results = results_for_seat(full, seat, reveal);
        state_for("m_test", m, &m.config.scenario, None, seat, 0, seats, None, Some(results), 9_000, true).encode()
    }

    /// A role's points table as it appears in a frame.
    fn points_text(s: &Scenario, role: usize) -> String {
        let points: std::collections::BTreeMap<&str, &Vec<i64>> =
            s.issues.iter().map(|i| (i.id.as_str(), &i.points[role])).collect();
        serde_json::to_string(&points).unwrap()
    }

    /// A text as it appears inside a JSON frame (escaped).
    fn encoded(text: &str) -> String {
        let quoted = serde_json::to_string(text).unwrap();
        quoted[1..quoted.len() - 1].to_string()
    }

    #[test]
    fn a_scores_only_reveal_sends_a_seat_no_other_roles_brief_or_points() {
        let (m, seats, full) = played("campsite", 6);
        let s = &*m.config.scenario;
        let scores = frame(&m, &seats, &full, 0, Reveal::Scores);
        assert!(scores.contains(&encoded(&s.roles[0].brief)), "the seat's own brief is in its reveal");
        assert!(scores.contains(&points_text(s, 0)));
        assert!(!scores.contains(&encoded(&s.roles[1].brief)), "the other brief leaked: {scores}");
        assert!(!scores.contains(&points_text(s, 1)), "the other points leaked: {scores}");
        // The other role is still there, with its score and walk-away value.
        let v: Value = serde_json::from_str(&scores).unwrap();
        let other = &v["results"]["roles"][1];
        assert_eq!((&other["id"], &other["batna"]), (&Value::from(s.roles[1].id.as_str()), &s.roles[1].batna.into()));
        assert!(other.get("brief").is_none() && other.get("points").is_none(), "absent, not null: {other}");

        let all = frame(&m, &seats, &full, 0, Reveal::All);
        for role in 0..2 {
            assert!(all.contains(&encoded(&s.roles[role].brief)), "reveal all shows role {role}'s brief");
            assert!(all.contains(&points_text(s, role)), "reveal all shows role {role}'s points");
        }
        // Both frames decode as the wire type, and the reveal is what the setting says.
        let ServerMsg::State(st) = ServerMsg::decode(&scores).unwrap() else { panic!("a state frame") };
        let roles = st.results.unwrap().roles;
        assert!(roles[0].revealed.is_some() && roles[1].revealed.is_none());
        let ServerMsg::State(st) = ServerMsg::decode(&all).unwrap() else { panic!("a state frame") };
        assert!(st.results.unwrap().roles.iter().all(|r| r.revealed.is_some()));
    }

    #[test]
    fn private_trust_numbers_need_three_raters_and_others_lines_carry_none() {
        // Two players: each is rated by one person, so neither trust earned nor trust built
        // (which holds the counterpart's answer) is shown.
        let (m, seats, full) = played("campsite", 6);
        let earned = full.trust.players[0].trust_earned.expect("the facilitator has the number");
        let text = frame(&m, &seats, &full, 0, Reveal::All);
        let v: Value = serde_json::from_str(&text).unwrap();
        let t = &v["results"]["trust"];
        assert_eq!(
            (&t["trust_built"], &t["trust_survey"], &t["trust_built_private"]),
            (&Value::Null, &Value::Null, &true.into())
        );
        assert_eq!((&t["you"]["trust_earned"], &t["you"]["trust_earned_private"]), (&Value::Null, &true.into()));
        assert_eq!(t["you"]["sentences"], serde_json::json!(full.trust.players[0].sentences));
        assert!(!text.contains(&format!("{earned}")), "seat 0's rating leaked: {text}");
        for line in t["players"].as_array().unwrap() {
            assert!(line.get("trust_earned").is_none() && line.get("sentences").is_none(), "{line}");
        }

        // Four players: each is rated by three people, so the numbers are shown, to their owner.
        let (m, seats, full) = played("alignment-meeting", 7);
        assert!(full.trust.players.iter().all(|p| p.trust_raters == 3));
        for seat in 0..4 {
            let v: Value = serde_json::from_str(&frame(&m, &seats, &full, seat, Reveal::Scores)).unwrap();
            let t = &v["results"]["trust"];
            assert_eq!(t["trust_built"], serde_json::json!(full.trust.trust_built), "{t}");
            assert!(t.get("trust_built_private").is_none(), "the flag is absent when the number is shown");
            assert_eq!(t["you"]["trust_earned"], serde_json::json!(full.trust.players[seat].trust_earned));
            assert!(t["you"].get("trust_earned_private").is_none());
            assert_eq!(t["players"].as_array().unwrap().len(), 4);
            assert!(t["players"].as_array().unwrap().iter().all(|l| l.get("trust_earned").is_none()));
        }
    }
}
