//! The bot league: every pair of bot levels, and every level against a scripted learner, plays
//! every two-role scenario over real WebSockets against a running server. `parley bench bots`
//! prints its table; the integration tests run it with small settings and check every match.
//!
//! The scripted learner stands in for a person practising: it says hello, asks what matters to
//! the bot, tells its own top issue truthfully (a checked statement), offers a fair package (its
//! walk-away plus half its range), says once that it is frustrated when the bot's first offer is
//! below that, and accepts any offer above its walk-away.

use super::client::{run_bot, BotConfig, Entry};
use super::interests::{my_order, package_worth, IssueFacts};
use super::level::Persona;
use crate::core::game::{OfferStatus, Phase};
use crate::protocol::BotLevel;
use crate::wire::{OutcomeView, ServerMsg, StateView};
use futures_util::{SinkExt, StreamExt};
use serde_json::{json, Value};
use std::collections::{BTreeMap, HashSet};
use std::future::Future;
use std::time::Duration;
use tokio_tungstenite::tungstenite::Message;

/// Who sits in a seat of a league match.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum Seat {
    /// A server bot of this level, with the level's own strategy.
    Bot(BotLevel),
    /// The scripted learner.
    Learner,
}

impl Seat {
    /// Its name in tables.
    pub fn name(self) -> &'static str {
        match self {
            Seat::Bot(level) => level.name(),
            Seat::Learner => "learner",
        }
    }
}

/// The pairs a league plays: every pair of levels (each level with itself too), then every
/// level against the scripted learner.
pub fn pairs() -> Vec<(Seat, Seat)> {
    let mut v = Vec::new();
    for (k, &a) in BotLevel::ALL.iter().enumerate() {
        for &b in &BotLevel::ALL[k..] {
            v.push((Seat::Bot(a), Seat::Bot(b)));
        }
    }
    v.extend(BotLevel::ALL.iter().map(|&l| (Seat::Bot(l), Seat::Learner)));
    v
}

/// How a league runs.
#[derive(Debug, Clone)]
pub struct LeagueConfig {
    /// The server's address.
    pub addr: String,
    /// The two-role scenarios to play (ids).
    pub scenarios: Vec<String>,
    /// Seconds of small talk in every match (0 skips it).
    pub small_talk_secs: u64,
    /// Seconds of bargaining in every match.
    pub bargaining_secs: u64,
    /// Time between a bot's actions.
    pub pace: Duration,
    /// Matches played at once.
    pub concurrency: usize,
    /// Seed of the bots' chat choices.
    pub seed: u64,
}

/// One league match, as both seats saw it in their results.
#[derive(Debug, Clone, PartialEq)]
pub struct LeagueMatch {
    /// Scenario id.
    pub scenario: String,
    /// Who sat where: the pair's first and second member, by seat.
    pub seats: [Seat; 2],
    /// Reached results (a deal or an impasse) rather than timing out.
    pub ended: bool,
    /// Ended in a deal.
    pub deal: bool,
    /// Joint value over the best possible (for deals).
    pub efficiency: Option<f64>,
    /// Points per seat.
    pub points: [i64; 2],
    /// Walk-away values per seat.
    pub batna: [i64; 2],
    /// Checked statements by a bot that the server marked misleading (no level lies).
    pub misleading_by_bots: usize,
    /// Checked statements by bots in all.
    pub statements_by_bots: usize,
    /// Chat lines a bot said twice in the match.
    pub repeated_lines: usize,
    /// Chat lines the bots said, with the expression each attached (for the record).
    pub bot_lines: usize,
    /// Error codes the server sent the players, other than the races people meet too.
    pub errors: Vec<String>,
}

impl LeagueMatch {
    /// A deal leaves a bot at or below its walk-away (never: a bot only takes more).
    pub fn bot_at_or_below_walk_away(&self) -> bool {
        self.deal && (0..2).any(|s| matches!(self.seats[s], Seat::Bot(_)) && self.points[s] <= self.batna[s])
    }

    /// A deal with a tough bot leaves the other side (the learner, or the other bot) below
    /// their walk-away.
    pub fn tough_leaves_other_below_walk_away(&self) -> bool {
        self.deal
            && (0..2).any(|s| self.seats[s] == Seat::Bot(BotLevel::Tough) && self.points[1 - s] < self.batna[1 - s])
    }
}

/// Plays the league: every pair on every scenario, `concurrency` matches at once. `session`
/// creates a class session for one match (scenario id, durations as JSON) and returns its join
/// code — the benchmark does it over HTTP, the tests through their harness.
pub async fn play<F, Fut>(cfg: &LeagueConfig, session: F) -> Result<Vec<LeagueMatch>, String>
where
    F: Fn(String, Value) -> Fut,
    Fut: Future<Output = Result<String, String>>,
{
    let durations =
        json!({"prep": 0, "small_talk": cfg.small_talk_secs, "bargaining": cfg.bargaining_secs, "survey": 0});
    let mut plan = Vec::new();
    for (pair, (a, b)) in pairs().into_iter().enumerate() {
        for (k, scenario) in cfg.scenarios.iter().enumerate() {
            plan.push((scenario.clone(), a, b, cfg.seed.wrapping_add((pair * 1000 + k) as u64)));
        }
    }
    let mut results = Vec::new();
    for batch in plan.chunks(cfg.concurrency.max(1)) {
        let mut tasks = tokio::task::JoinSet::new();
        for (scenario, a, b, seed) in batch.iter().cloned() {
            let code = session(scenario.clone(), durations.clone()).await?;
            let cfg = cfg.clone();
            tasks.spawn(async move { play_one(&cfg, &code, &scenario, a, b, seed).await });
        }
        while let Some(r) = tasks.join_next().await {
            results.push(r.map_err(|e| e.to_string())??);
        }
    }
    results.sort_by(|x, y| (&x.scenario, x.seats).cmp(&(&y.scenario, y.seats)));
    Ok(results)
}

/// What one seat's client brought back.
struct SeatReport {
    who: Seat,
    results: Option<StateView>,
    lines: Vec<String>,
    errors: Vec<String>,
}

async fn play_one(
    cfg: &LeagueConfig,
    code: &str,
    scenario: &str,
    a: Seat,
    b: Seat,
    seed: u64,
) -> Result<LeagueMatch, String> {
    let max_time = Duration::from_secs(cfg.small_talk_secs + cfg.bargaining_secs + 60);
    let run = |who: Seat, seed: u64| {
        let (addr, code, pace) = (cfg.addr.clone(), code.to_string(), cfg.pace);
        async move {
            match who {
                Seat::Bot(level) => {
                    let persona = Persona::of(level);
                    let r = run_bot(BotConfig {
                        addr,
                        entry: Entry::Code(code),
                        name: format!("{} bot", level.name()),
                        strategy: persona.strategy,
                        level,
                        seed,
                        pace,
                        max_time,
                        matches: 1,
                    })
                    .await?;
                    let errors = r.errors.iter().map(|e| e.as_str().to_string()).collect();
                    Ok::<SeatReport, String>(SeatReport { who, results: r.final_state, lines: r.said, errors })
                }
                Seat::Learner => scripted_learner(&addr, &code, pace, max_time)
                    .await
                    .map(|(results, errors)| SeatReport { who, results, lines: vec![], errors }),
            }
        }
    };
    let (ra, rb) = tokio::join!(run(a, seed), run(b, seed.wrapping_add(7)));
    let (ra, rb) = (ra?, rb?);
    let mut seats = [a, b];
    let mut m = LeagueMatch {
        scenario: scenario.to_string(),
        seats,
        ended: false,
        deal: false,
        efficiency: None,
        points: [0, 0],
        batna: [0, 0],
        misleading_by_bots: 0,
        statements_by_bots: 0,
        repeated_lines: 0,
        bot_lines: 0,
        errors: vec![],
    };
    for r in [&ra, &rb] {
        let unique: HashSet<&String> = r.lines.iter().collect();
        m.repeated_lines += r.lines.len() - unique.len();
        m.bot_lines += r.lines.len();
        // Races people meet too are not faults: an action crossing the other side's accept
        // (`wrong_phase`), or an accept crossing the offer's replacement (`offer_not_standing`).
        m.errors
            .extend(r.errors.iter().filter(|e| !["wrong_phase", "offer_not_standing"].contains(&e.as_str())).cloned());
    }
    let Some(st) = ra.results.as_ref().or(rb.results.as_ref()) else { return Ok(m) };
    let Some(results) = st.results.as_ref() else { return Ok(m) };
    // Seats by what each client saw as its own seat.
    for r in [&ra, &rb] {
        if let Some(s) = r.results.as_ref().map(|st| st.you.seat).filter(|&s| s < 2) {
            seats[s] = r.who;
        }
    }
    m.seats = seats;
    m.ended = st.phase == Phase::Results;
    m.deal = st.outcome.as_ref().is_some_and(OutcomeView::is_deal);
    m.efficiency = m.deal.then_some(results.efficiency);
    for (s, role) in results.roles.iter().take(2).enumerate() {
        m.points[s] = role.score;
        m.batna[s] = role.batna;
    }
    for d in &results.disclosures {
        // No level is documented as deceptive: a misleading statement by any bot is a fault.
        if let Some(Seat::Bot(_)) = seats.get(d.seat) {
            m.statements_by_bots += 1;
            if !d.truthful {
                m.misleading_by_bots += 1;
            }
        }
    }
    Ok(m)
}

/// The scripted learner (see the module's comment). Returns its results `state` (none if the
/// match did not reach results in `max_time`) and the error codes it was sent.
async fn scripted_learner(
    addr: &str,
    code: &str,
    pace: Duration,
    max_time: Duration,
) -> Result<(Option<StateView>, Vec<String>), String> {
    let url = format!("ws://{addr}/ws");
    let (mut ws, _) = tokio_tungstenite::connect_async(&url).await.map_err(|e| format!("{url}: {e}"))?;
    let text = |v: Value| Message::text(v.to_string());
    ws.send(text(json!({"type": "hello", "version": 1}))).await.map_err(|e| e.to_string())?;
    ws.send(text(json!({"type": "join", "code": code, "name": "Learner"}))).await.map_err(|e| e.to_string())?;
    let mut errors = Vec::new();
    let mut state: Option<StateView> = None;
    // What it has done, in order: each step once.
    let (mut greeted, mut readied, mut asked, mut told, mut offered, mut frowned, mut surveyed) =
        (false, None::<Phase>, false, false, false, false, false);
    let mut tick = tokio::time::interval(pace.max(Duration::from_millis(300)));
    let give_up = tokio::time::sleep(max_time);
    tokio::pin!(give_up);
    loop {
        tokio::select! {
            frame = ws.next() => {
                let Some(Ok(frame)) = frame else { break };
                let Message::Text(t) = frame else { continue };
                match ServerMsg::decode(t.as_str()) {
                    Ok(ServerMsg::State(st)) => {
                        let done = st.phase == Phase::Results;
                        state = Some(*st);
                        if done {
                            break;
                        }
                    }
                    Ok(ServerMsg::Error { code, .. }) => errors.push(code.as_str().to_string()),
                    _ => {}
                }
            }
            _ = tick.tick() => {
                let Some(st) = &state else { continue };
                let issues: Vec<IssueFacts> = st
                    .scenario
                    .issues
                    .iter()
                    .map(|i| IssueFacts {
                        id: i.id.clone(),
                        name: i.name.clone(),
                        options: i.options.clone(),
                        points: st.you.points.get(&i.id).cloned().unwrap_or_default(),
                    })
                    .collect();
                let me = st.you.seat;
                let fair = st.you.batna + (st.you.max_points - st.you.batna) / 2;
                let action = match st.phase {
                    Phase::Prep | Phase::SmallTalk if readied == Some(st.phase) => None,
                    Phase::SmallTalk if !greeted => {
                        greeted = true;
                        Some(json!({"type": "chat", "text": "Hi, nice to meet you! How is your day going?"}))
                    }
                    Phase::Prep | Phase::SmallTalk => {
                        readied = Some(st.phase);
                        Some(json!({"type": "ready"}))
                    }
                    Phase::Bargaining => {
                        let theirs = st.offers.iter().rev().find(|o| o.status == OfferStatus::Standing && o.seat != me);
                        if let Some(o) = theirs.filter(|o| o.value_to_you > st.you.batna && !o.accepted_by.contains(&me)) {
                            Some(json!({"type": "accept", "offer_id": o.id}))
                        } else if !asked {
                            asked = true;
                            Some(json!({"type": "chat", "text": "What matters most to you in this deal?", "expression": "neutral"}))
                        } else if !told {
                            told = true;
                            let top = my_order(&issues).first().map(|&k| issues[k].id.clone()).unwrap_or_default();
                            Some(json!({"type": "disclose", "statement": {"kind": "importance", "issue": top, "level": "high"}}))
                        } else if !offered {
                            offered = true;
                            let order: Vec<usize> = my_order(&issues).into_iter().rev().collect();
                            let choice = package_worth(&issues, &order, fair);
                            let package: BTreeMap<String, usize> =
                                issues.iter().zip(choice).map(|(i, o)| (i.id.clone(), o)).collect();
                            Some(json!({"type": "offer", "package": package}))
                        } else if !frowned && theirs.is_some_and(|o| o.value_to_you < fair) {
                            frowned = true;
                            Some(json!({"type": "chat", "text": "That is a long way from what I need.", "expression": "frustrated"}))
                        } else {
                            None
                        }
                    }
                    Phase::Survey if !surveyed => {
                        surveyed = true;
                        Some(json!({"type": "skip_survey"}))
                    }
                    _ => None,
                };
                if let Some(a) = action {
                    if ws.send(text(a)).await.is_err() {
                        break;
                    }
                }
            }
            _ = &mut give_up => break,
        }
    }
    let _ = ws.close(None).await;
    let results = state.filter(|st| st.phase == Phase::Results);
    Ok((results, errors))
}

/// One row of the league's table: a pair of seats over every scenario.
#[derive(Debug, Clone, PartialEq)]
pub struct PairSummary {
    /// The pair, as "easy vs tough".
    pub pair: String,
    /// Matches played.
    pub matches: usize,
    /// Matches that reached results.
    pub ended: usize,
    /// Deals.
    pub deals: usize,
    /// Mean efficiency of the deals (none without a deal).
    pub mean_efficiency: Option<f64>,
    /// Deals where a tough bot's counterpart ended below their walk-away.
    pub tough_below_walk_away: usize,
    /// Deals where a bot ended at or below its own walk-away.
    pub bot_at_or_below_walk_away: usize,
    /// Misleading checked statements by bots, of all their statements.
    pub misleading: (usize, usize),
    /// Lines repeated within a match, of all bot lines.
    pub repeated: (usize, usize),
}

/// The league's table: one row per pair (in the order of [`pairs`]), then one for all matches.
pub fn summarise(matches: &[LeagueMatch]) -> Vec<PairSummary> {
    let row = |pair: String, ms: Vec<&LeagueMatch>| {
        let effs: Vec<f64> = ms.iter().filter_map(|m| m.efficiency).collect();
        PairSummary {
            pair,
            matches: ms.len(),
            ended: ms.iter().filter(|m| m.ended).count(),
            deals: ms.iter().filter(|m| m.deal).count(),
            mean_efficiency: (!effs.is_empty()).then(|| effs.iter().sum::<f64>() / effs.len() as f64),
            tough_below_walk_away: ms.iter().filter(|m| m.tough_leaves_other_below_walk_away()).count(),
            bot_at_or_below_walk_away: ms.iter().filter(|m| m.bot_at_or_below_walk_away()).count(),
            misleading: (ms.iter().map(|m| m.misleading_by_bots).sum(), ms.iter().map(|m| m.statements_by_bots).sum()),
            repeated: (ms.iter().map(|m| m.repeated_lines).sum(), ms.iter().map(|m| m.bot_lines).sum()),
        }
    };
    let mut rows: Vec<PairSummary> = pairs()
        .into_iter()
        .map(|(a, b)| {
            let mut key = [a, b];
            key.sort();
            let ms: Vec<&LeagueMatch> = matches
                .iter()
                .filter(|m| {
                    let mut s = m.seats;
                    s.sort();
                    s == key
                })
                .collect();
            row(format!("{} vs {}", a.name(), b.name()), ms)
        })
        .collect();
    rows.push(row("all".into(), matches.iter().collect()));
    rows
}

/// The table as Markdown, for the terminal and `docs/bots.md`.
pub fn table(rows: &[PairSummary]) -> String {
    let mut out = String::from(
        "| pair | matches | ended | deal rate | mean efficiency (deals) | tough bot's counterpart below walk-away | bot at or below its walk-away | misleading statements by bots | repeated lines |\n|---|---:|---:|---:|---:|---:|---:|---:|---:|\n",
    );
    for r in rows {
        let rate = if r.matches == 0 { 0.0 } else { r.deals as f64 / r.matches as f64 };
        let eff = r.mean_efficiency.map(|e| format!("{e:.3}")).unwrap_or_else(|| "–".into());
        out.push_str(&format!(
            "| {} | {} | {} | {:.0} % ({}) | {} | {} | {} | {} of {} | {} of {} |\n",
            r.pair,
            r.matches,
            r.ended,
            rate * 100.0,
            r.deals,
            eff,
            r.tough_below_walk_away,
            r.bot_at_or_below_walk_away,
            r.misleading.0,
            r.misleading.1,
            r.repeated.0,
            r.repeated.1
        ));
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_league_pairs_every_level_with_every_level_and_with_the_learner() {
        let p = pairs();
        assert_eq!(p.len(), 6 + 3);
        assert!(p.contains(&(Seat::Bot(BotLevel::Tough), Seat::Bot(BotLevel::Tough))));
        assert!(p.contains(&(Seat::Bot(BotLevel::Easy), Seat::Learner)));
    }

    #[test]
    fn the_summary_counts_what_it_says() {
        let m = |seats: [Seat; 2], deal: bool, points: [i64; 2]| LeagueMatch {
            scenario: "s".into(),
            seats,
            ended: true,
            deal,
            efficiency: deal.then_some(0.8),
            points,
            batna: [10, 10],
            misleading_by_bots: 0,
            statements_by_bots: 1,
            repeated_lines: 0,
            bot_lines: 4,
            errors: vec![],
        };
        let tough = Seat::Bot(BotLevel::Tough);
        let ms = vec![
            m([Seat::Learner, tough], true, [9, 30]), // the learner below their walk-away
            m([tough, Seat::Learner], true, [20, 12]),
            m([tough, Seat::Learner], false, [10, 10]),
        ];
        let rows = summarise(&ms);
        let row = rows.iter().find(|r| r.pair == "tough vs learner").unwrap();
        assert_eq!((row.matches, row.deals, row.tough_below_walk_away), (3, 2, 1));
        assert_eq!(row.mean_efficiency, Some(0.8));
        assert_eq!(rows.last().unwrap().matches, 3);
        assert!(table(&rows).contains("| tough vs learner | 3 | 3 | 67 % (2) | 0.800 | 1 | 0 | 0 of 3 | 0 of 12 |"));
    }
}
