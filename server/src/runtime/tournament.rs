//! Tournaments in a session: several rounds, re-pairing without repeats while possible, role
//! rotation, byes, and a live leaderboard blending value and trust. Pairing and standings are
//! the pure functions of `core::tournament`; this file runs rounds and reads results back from
//! the stored log.

use crate::core::game::{Outcome, Phase};
use crate::core::tournament::{normalised_value, plan_round, standings, MatchResult, RoundPlan, Standing};
use crate::monitor::{StandingRow, TournamentBye, TournamentGroup, TournamentResult, TournamentRound, TournamentView};
use crate::report::{match_reports, MatchReport};
use crate::runtime::app::App;
use crate::runtime::session::{Location, Session};
use crate::runtime::session_actor::{SessionActor, SessionMsg};
use crate::wire::{ServerMsg, StandingView, TournamentStatus};
use crate::wording::{params, NoticeKey};
use serde::{Deserialize, Serialize};
use serde_json::json;
use std::collections::HashSet;
use std::sync::Arc;

pub use crate::monitor::TournamentConfig;

/// A running tournament.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
pub struct TournamentState {
    /// Settings.
    pub config: Option<TournamentConfig>,
    /// Player ids taking part (sorted by id); with teams, each team's first member stands for
    /// the team (pairing, standings and the match's seat are theirs).
    pub roster: Vec<String>,
    /// The teams, formed once at the start when the session plays in teams (member ids, the
    /// first one in the roster); empty when everyone plays alone.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub teams: Vec<Vec<String>>,
    /// The rounds started so far.
    pub plans: Vec<RoundPlan>,
    /// Match ids of each started round, aligned with each plan's groups.
    pub matches: Vec<Vec<String>>,
}

impl SessionActor {
    /// Starts a tournament with everyone in the session (not removed), and plays round 1.
    pub(crate) async fn tournament_start(
        &mut self,
        s: &Arc<Session>,
        config: TournamentConfig,
    ) -> Result<usize, String> {
        let app = self.app.clone();
        if config.rounds.is_empty() || config.rounds.len() > 50 {
            return Err("a tournament has 1 to 50 rounds".into());
        }
        if let Some(bad) = config.rounds.iter().find(|r| app.scenario(r).is_none()) {
            return Err(format!("there is no scenario {bad:?}"));
        }
        if config.weights.value < 0.0
            || config.weights.trust < 0.0
            || config.weights.value + config.weights.trust <= 0.0
        {
            return Err("weights must be non-negative and not both zero".into());
        }
        if self.tournament.config.is_some() {
            return Err("this session already runs a tournament".into());
        }
        let people: Vec<String> =
            s.player_ids.lock().expect("player ids").iter().filter(|p| !self.removed.contains(*p)).cloned().collect();
        // Teams are formed once, in the order people joined, and stay together every round.
        let team_size = if s.kind == crate::runtime::session::SessionKind::Workshop { s.settings.team_size } else { 1 };
        let teams = if team_size > 1 { crate::core::team::tournament_teams(&people, team_size) } else { Vec::new() };
        let mut roster: Vec<String> =
            if teams.is_empty() { people.clone() } else { teams.iter().map(|t| t[0].clone()).collect() };
        roster.sort();
        let need = app.scenarios()[&config.rounds[0]].roles.len();
        if roster.len() < need {
            let what = if teams.is_empty() { "players joined" } else { "teams can be formed" };
            return Err(format!("{} {what}; the first round needs at least {need}", roster.len()));
        }
        // The tournament does the pairing from now on.
        for id in &people {
            self.lines.remove(id);
        }
        self.tournament = TournamentState { config: Some(config), roster, teams, plans: vec![], matches: vec![] };
        self.auto_pairing = false;
        self.publish(s);
        self.tournament_next_round(s, false).await
    }

    /// Plans and starts the next round. Unless `force`, every match of the previous round must
    /// have reached its results. Returns the number of matches started.
    pub(crate) async fn tournament_next_round(&mut self, s: &Arc<Session>, force: bool) -> Result<usize, String> {
        let app = self.app.clone();
        let t = &self.tournament;
        let config = t.config.clone().ok_or("no tournament is running; start one first")?;
        let (roster, history, prev) =
            (t.roster.clone(), t.plans.clone(), t.matches.last().cloned().unwrap_or_default());
        let round = history.len();
        if round >= config.rounds.len() {
            return Err(format!("all {} rounds have been played", config.rounds.len()));
        }
        if !force {
            for id in &prev {
                if app.matches.get(id).is_some_and(|m| m.summary().phase != crate::core::game::Phase::Results) {
                    return Err("the previous round is still being played (use force to start anyway)".into());
                }
            }
        }
        // Standings order for the Swiss rounds.
        let table = self.tournament_standings_of(s, None).await.map(|t| t.1).unwrap_or_default();
        let mut order: Vec<String> = table.iter().map(|r| r.player.clone()).filter(|p| roster.contains(p)).collect();
        for p in &roster {
            if !order.contains(p) {
                order.push(p.clone());
            }
        }
        let scenario = config.rounds[round].clone();
        let group_size = app.scenarios()[&scenario].roles.len();
        // Pairs who met in the session's other matches (before the tournament) are avoided too.
        let ours: HashSet<&String> = self.tournament.matches.iter().flatten().collect();
        let prior: Vec<Vec<String>> =
            app.session_matches(&s.code).into_iter().filter(|m| !ours.contains(&m.id)).map(|m| m.seats).collect();
        let plan = plan_round(&order, group_size, &history, &prior, round);
        let mut ids = Vec::new();
        // Tournament rounds are outside the session's match numbering: they play the session's
        // own settings, with no treatment arm (pairing there is planned, not random).
        for g in &plan.groups {
            let teams: Vec<Vec<String>> = g.iter().map(|leader| self.tournament.team_of(leader)).collect();
            self.seat_group(&teams.concat());
            match app.create_team_match(s, &scenario, teams, None).await {
                Some(id) => ids.push(id),
                None => return Err("could not start a match of this round".into()),
            }
        }
        let bye_people: Vec<String> = plan.byes.iter().flat_map(|b| self.tournament.team_of(b)).collect();
        for b in &bye_people {
            if let Some(p) = app.players_by_id.get(b).map(|p| p.clone()) {
                *p.location.lock().expect("location") = Location::Lobby;
                p.send(&ServerMsg::worded_notice(
                    NoticeKey::TournamentBye,
                    params([("round", (round + 1).into())]),
                    format!("You have a bye in round {}: it does not count against your average.", round + 1),
                ));
            }
        }
        let teams = &self.tournament.teams;
        let kind = json!({"action": "tournament_round_started", "round": round, "roster": roster, "teams": teams, "plan": plan, "matches": ids});
        app.store
            .append_session_event(&s.code, crate::runtime::match_actor::now_ms(), kind.to_string())
            .await
            .map_err(|e| e.to_string())?;
        let n = ids.len();
        self.tournament.plans.push(plan);
        self.tournament.matches.push(ids);
        tracing::info!(session = %s.code, round = round + 1, matches = n, "tournament round started");
        self.tell_standings(s).await;
        Ok(n)
    }

    /// Per-match results and the leaderboard from the stored log, counting only the matches in
    /// `only` when given.
    pub(crate) async fn tournament_standings_of(
        &self,
        s: &Session,
        only: Option<&HashSet<String>>,
    ) -> Result<(Vec<(MatchResult, TournamentResult)>, Vec<Standing>), String> {
        let t = &self.tournament;
        let Some(config) = t.config.clone() else { return Err("no tournament".into()) };
        let log = self.app.store.session_log(&s.code).await.map_err(|e| e.to_string())?;
        let reports = match_reports(&self.app.scenarios(), &log, &self.app.phrases);
        let mut rows = tournament_results(t, &reports);
        if let Some(only) = only {
            rows.retain(|r| only.contains(&r.1.match_id));
        }
        let results: Vec<MatchResult> = rows.iter().map(|r| r.0.clone()).collect();
        Ok((rows, standings(&t.roster, &results, &t.plans, config.weights)))
    }

    /// The tournament view for the facilitator and exports, counting only the matches in
    /// `only`, when given: the monitor passes the matches its own summaries show in their
    /// results, so a frame's standings and its match list come from the same moment.
    pub(crate) async fn tournament_view_of(&self, s: &Session, only: Option<&HashSet<String>>) -> TournamentView {
        let t = &self.tournament;
        let person = |id: &str| self.app.players_by_id.get(id).map(|p| p.name.clone()).unwrap_or_default();
        // A team goes by its members' names together, as its seat does in a match.
        let members = |id: &str| -> Vec<String> {
            if t.teams.is_empty() {
                return Vec::new();
            }
            t.team_of(id).iter().map(|m| person(m)).collect()
        };
        let name = |id: &str| if t.teams.is_empty() { person(id) } else { members(id).join(" & ") };
        let (rows, table) = self.tournament_standings_of(s, only).await.unwrap_or_default();
        TournamentView {
            config: t.config.clone(),
            round: t.plans.len(),
            rounds: t
                .plans
                .iter()
                .zip(&t.matches)
                .enumerate()
                .map(|(r, (plan, ids))| TournamentRound {
                    round: r + 1,
                    scenario: t.config.as_ref().map(|c| c.rounds[r].clone()),
                    groups: plan
                        .groups
                        .iter()
                        .zip(ids)
                        .map(|(g, id)| TournamentGroup {
                            match_id: id.clone(),
                            players: g.clone(),
                            names: g.iter().map(|x| name(x)).collect(),
                        })
                        .collect(),
                    byes: plan.byes.iter().map(|b| TournamentBye { player: b.clone(), name: name(b) }).collect(),
                })
                .collect(),
            standings: table
                .iter()
                .map(|r| StandingRow {
                    rank: r.rank,
                    player: r.player.clone(),
                    name: name(&r.player),
                    members: members(&r.player),
                    played: r.played,
                    byes: r.byes,
                    value: r.value,
                    trust: r.trust,
                    trust_raters: r.trust_raters,
                    score: r.score,
                })
                .collect(),
            results: rows.into_iter().map(|(_, row)| TournamentResult { name: name(&row.player), ..row }).collect(),
        }
    }

    /// Sends every player of the tournament a `tournament` frame: the round, their place and
    /// their numbers. Trust (and the score that blends it) only rests on at least
    /// `MIN_RATERS_SHOWN` ratings, so no single counterpart's private answer shows through.
    pub(crate) async fn tell_standings(&self, s: &Session) {
        let t = &self.tournament;
        let Some(config) = t.config.clone() else { return };
        let Ok((_, table)) = self.tournament_standings_of(s, None).await else { return };
        let current: Vec<String> = t.matches.last().cloned().unwrap_or_default();
        let byes: Vec<String> = t.plans.last().map(|p| p.byes.clone()).unwrap_or_default();
        let mut finished = HashSet::new();
        for id in &current {
            if self.app.matches.get(id).is_some_and(|m| m.summary().phase == crate::core::game::Phase::Results) {
                finished.insert(id.clone());
            }
        }
        let of = table.len();
        // Every member of a team hears the team's standing.
        let people: Vec<(&Standing, String)> =
            table.iter().flat_map(|row| t.team_of(&row.player).into_iter().map(move |m| (row, m))).collect();
        for (row, member) in people {
            let Some(p) = self.app.players_by_id.get(&member).map(|p| p.clone()) else { continue };
            let status = if byes.contains(&row.player) {
                TournamentStatus::Bye
            } else {
                match p.seat() {
                    Some((mid, _)) if current.contains(&mid) && !finished.contains(&mid) => TournamentStatus::Playing,
                    _ if t.plans.len() >= config.rounds.len() && finished.len() == current.len() => {
                        TournamentStatus::Finished
                    }
                    _ => TournamentStatus::BetweenRounds,
                }
            };
            let shown = row.trust_raters >= crate::core::trust::MIN_RATERS_SHOWN;
            p.send(&ServerMsg::Tournament {
                round: t.plans.len(),
                rounds: config.rounds.len(),
                status,
                standing: StandingView {
                    rank: row.rank,
                    of,
                    played: row.played,
                    byes: row.byes,
                    value: row.value,
                    trust: if shown { row.trust } else { None },
                    score: if shown { Some(row.score) } else { None },
                    trust_private: !shown,
                },
            });
        }
    }
}

impl TournamentState {
    /// The members of the team `leader` stands for (just them without teams).
    pub fn team_of(&self, leader: &str) -> Vec<String> {
        self.teams
            .iter()
            .find(|t| t.first().is_some_and(|f| f == leader))
            .cloned()
            .unwrap_or_else(|| vec![leader.into()])
    }
}

impl App {
    /// A match reached its results: its summary is stored for the next start, and its session's
    /// actor is told (in a tournament every player learns the new standings).
    pub async fn match_finished(&self, match_id: &str) {
        if let Some(summary) = self.matches.get(match_id).map(|m| m.summary()) {
            self.spawn_store_summary(match_id, &summary);
        }
        let Some(code) = self.matches.get(match_id).map(|m| m.session.clone()) else { return };
        let Some(s) = self.sessions.get(&code).map(|s| s.clone()) else { return };
        let _ = s.mailbox.send(SessionMsg::MatchFinished { match_id: match_id.to_string() }).await;
    }
}

/// One row per player per finished tournament match: the numbers the standings use, and the
/// row the facilitator sees (its `name` left empty: names are in memory, reports are not).
pub fn tournament_results(t: &TournamentState, reports: &[MatchReport]) -> Vec<(MatchResult, TournamentResult)> {
    let mut out = Vec::new();
    for (round, ids) in t.matches.iter().enumerate() {
        for id in ids {
            let Some(r) = reports.iter().find(|r| &r.id == id) else { continue };
            // Counted once the match has reached its results (the survey is over, so trust is
            // in): the same "finished" as the monitor's, and as tournament_next_round's rule.
            if r.state.phase != Phase::Results
                || !matches!(r.state.outcome, Some(Outcome::Deal { .. } | Outcome::Impasse { .. }))
            {
                continue;
            }
            let Some(a) = &r.analysis else { continue };
            for (seat, (pid, _)) in r.seats.iter().enumerate() {
                let (lo, hi) = r.scenario.role_range(seat);
                let value = normalised_value(a.points[seat], lo, hi);
                let trust = r.trust.players.get(seat).and_then(|p| p.trust_earned);
                let trust_raters = r.trust.players.get(seat).map(|p| p.trust_raters).unwrap_or(0);
                out.push((
                    MatchResult { player: pid.clone(), round, value, trust, trust_raters },
                    TournamentResult {
                        round: round + 1,
                        match_id: r.id.clone(),
                        player: pid.clone(),
                        name: String::new(),
                        role: r.scenario.roles[seat].id.clone(),
                        outcome: if r.state.deal().is_some() { "deal" } else { "impasse" }.to_string(),
                        points: a.points[seat],
                        role_min: lo,
                        role_max: hi,
                        value,
                        trust,
                    },
                ));
            }
        }
    }
    out
}
