//! `parley eval casino`: replays human negotiations through the real server, over the real
//! WebSocket protocol, and measures Parley against what the humans did and said: points (must
//! equal the corpus's), the tactic tagger against the corpus's annotations, and the trust
//! estimate against each participant's liking of their partner and their own satisfaction.
//!
//! A dialogue is played by two clients in a session of its own: leading small-talk lines in the
//! small-talk phase, the rest in bargaining, every proposal as an offer, accepts, rejects and
//! walk-aways as themselves, the survey skipped. Tags and trust are read back from the server
//! (the facilitator's transcript and the results), so what is measured is what users see.

pub mod casino;
pub mod fit;

use casino::{Dialogue, Move, AGENTS};
use futures_util::{SinkExt, StreamExt};
use parley_core::game::{OfferStatus, Phase};
use parley_protocol::wire::{ServerMsg, StateView};
use serde::Serialize;
use serde_json::{json, Value};
use std::collections::BTreeMap;
use std::path::PathBuf;
use std::process::{Child, ExitCode};
use std::time::Duration;
use tokio_tungstenite::tungstenite::Message;

/// Options of `parley eval casino`.
#[derive(clap::Args, Debug, Clone)]
pub struct CasinoArgs {
    /// A CaSiNo split (JSON array of dialogues), e.g. ../shared/data/casino/casino_train.json.
    #[arg(long)]
    pub data: PathBuf,
    /// Replay only the first N dialogues.
    #[arg(long)]
    pub limit: Option<usize>,
    /// Dialogues replayed at once.
    #[arg(long, default_value_t = 8)]
    pub concurrency: usize,
    /// Print the report as JSON.
    #[arg(long)]
    pub json: bool,
    /// Keep the replay server's folder here (its database and the CaSiNo scenarios), e.g. to
    /// start `parley serve` on hundreds of finished human negotiations.
    #[arg(long, value_name = "DIR")]
    pub keep: Option<PathBuf>,
}

/// Precision, recall and F1 of one label.
#[derive(Debug, Clone, Default, Serialize)]
pub struct LabelScore {
    /// Tagged and annotated / tagged.
    pub precision: f64,
    /// Tagged and annotated / annotated.
    pub recall: f64,
    /// Harmonic mean.
    pub f1: f64,
    /// Annotated lines with the label.
    pub support: usize,
}

/// The trust estimate against what participants said.
#[derive(Debug, Clone, Default, Serialize)]
pub struct TrustScore {
    /// Pearson r between a player's estimate and their partner's liking of them.
    pub r_partner_liking: Option<f64>,
    /// The same for the estimate's behaviour-only part (no outcome features).
    pub r_partner_liking_behaviour_only: Option<f64>,
    /// Pearson r between a player's estimate and their own satisfaction.
    pub r_own_satisfaction: Option<f64>,
    /// 95 % confidence interval of `r_partner_liking` (Fisher z).
    pub r_partner_liking_ci: Option<(f64, f64)>,
    /// 95 % confidence interval of the behaviour-only r.
    pub r_partner_liking_behaviour_only_ci: Option<(f64, f64)>,
    /// Players counted.
    pub n: usize,
}

/// The whole report (`--json`).
#[derive(Debug, Clone, Default, Serialize)]
pub struct Report {
    /// Dialogues replayed to their results.
    pub dialogues: usize,
    /// Of those, where both players' points equal the corpus's.
    pub points_match: usize,
    /// Dialogues that could not be replayed, with why.
    pub failures: Vec<String>,
    /// Annotated dialogues among those replayed.
    pub annotated: usize,
    /// Per label.
    pub labels: BTreeMap<String, LabelScore>,
    /// Macro F1 over the nine strategy labels (all but non-strategic).
    pub macro_f1: f64,
    /// Trust estimate.
    pub trust: TrustScore,
}

/// What one replayed dialogue gave.
#[derive(Debug, Clone, Default)]
struct Replayed {
    points: [i64; 2],
    /// Tactics the server read, per chat line in order (for lines that were sent).
    tags: Vec<Vec<String>>,
    /// Per seat: the trust estimate and its behaviour-only part, as the server reports them.
    estimate: [Option<f64>; 2],
    estimate_behaviour: [Option<f64>; 2],
}

/// Runs `parley eval casino`.
pub fn run(args: &CasinoArgs) -> ExitCode {
    match run_inner(args) {
        Ok(r) => {
            if args.json {
                println!("{}", serde_json::to_string_pretty(&r).expect("report serialises"));
            } else {
                print_report(&r);
            }
            ExitCode::SUCCESS
        }
        Err(e) => {
            eprintln!("error: {e}");
            ExitCode::FAILURE
        }
    }
}

fn run_inner(args: &CasinoArgs) -> Result<Report, String> {
    let mut dialogues = casino::read(&args.data)?;
    if let Some(n) = args.limit {
        dialogues.truncate(n);
    }
    let dir =
        args.keep.clone().unwrap_or_else(|| std::env::temp_dir().join(format!("parley-eval-{}", std::process::id())));
    let scen = dir.join("scenarios");
    std::fs::create_dir_all(&scen).map_err(|e| e.to_string())?;
    for v in casino::all_values() {
        let t = casino::scenario_toml(v);
        let id = t.lines().next().unwrap_or("").trim_start_matches("id = ").trim_matches('"').to_string();
        std::fs::write(scen.join(format!("{id}.toml")), t).map_err(|e| e.to_string())?;
    }
    let (mut server, addr) = spawn_server(&dir)?;
    let rt = tokio::runtime::Builder::new_multi_thread().enable_all().build().map_err(|e| e.to_string())?;
    let results = rt.block_on(replay_all(&addr, &dialogues, args.concurrency.max(1)));
    let _ = server.kill();
    let _ = server.wait();
    if args.keep.is_none() {
        let _ = std::fs::remove_dir_all(&dir);
    }
    Ok(score(&dialogues, &results))
}

fn spawn_server(dir: &std::path::Path) -> Result<(Child, String), String> {
    let (db, scen) = (dir.join("eval.db").display().to_string(), dir.join("scenarios").display().to_string());
    let big = "100000000";
    let mut args = vec!["serve", "--addr", "127.0.0.1:0", "--db", &db, "--scenarios", &scen];
    args.extend(["--practice-bot-after", "0", "--chat-burst", big, "--chat-per-minute", big]);
    args.extend(["--max-offers-per-match", "10000"]);
    args.extend(crate::ONE_ADDRESS);
    crate::spawn_server(None, &args)
}

async fn replay_all(addr: &str, dialogues: &[Dialogue], concurrency: usize) -> Vec<Result<Replayed, String>> {
    let sem = std::sync::Arc::new(tokio::sync::Semaphore::new(concurrency));
    let mut tasks = Vec::new();
    for d in dialogues {
        let (addr, d, sem) = (addr.to_string(), d.clone(), sem.clone());
        tasks.push(tokio::spawn(async move {
            let _permit = sem.acquire_owned().await.map_err(|e| e.to_string())?;
            tokio::time::timeout(Duration::from_secs(120), replay(&addr, &d))
                .await
                .map_err(|_| format!("dialogue {}: timed out", d.dialogue_id))?
                .map_err(|e| format!("dialogue {}: {e}", d.dialogue_id))
        }));
    }
    let mut out = Vec::new();
    for t in tasks {
        out.push(t.await.unwrap_or_else(|e| Err(e.to_string())));
    }
    out
}

type Ws = tokio_tungstenite::WebSocketStream<tokio_tungstenite::MaybeTlsStream<tokio::net::TcpStream>>;

/// A replaying player: a WebSocket and the frames it has seen.
struct Player {
    ws: Ws,
    last_state: Option<StateView>,
}

impl Player {
    async fn connect(addr: &str) -> Result<Player, String> {
        let (ws, _) = tokio_tungstenite::connect_async(format!("ws://{addr}/ws")).await.map_err(|e| e.to_string())?;
        let mut p = Player { ws, last_state: None };
        p.send(json!({"type": "hello", "version": 1})).await?;
        Ok(p)
    }

    async fn send(&mut self, v: Value) -> Result<(), String> {
        self.ws.send(Message::text(v.to_string())).await.map_err(|e| e.to_string())
    }

    /// Reads frames until one satisfies `pred` (an `error` frame is a failure).
    async fn until(&mut self, what: &str, pred: impl Fn(&ServerMsg) -> bool) -> Result<ServerMsg, String> {
        loop {
            let m = tokio::time::timeout(Duration::from_secs(20), self.ws.next())
                .await
                .map_err(|_| format!("no {what} in time"))?;
            let Some(Ok(Message::Text(t))) = m else {
                if matches!(m, Some(Ok(_))) {
                    continue;
                }
                return Err(format!("connection closed waiting for {what}"));
            };
            let v = ServerMsg::decode(t.as_str()).map_err(|e| format!("{e}: {t}"))?;
            if let ServerMsg::State(st) = &v {
                self.last_state = Some((**st).clone());
            }
            if let ServerMsg::Error { code, message } = &v {
                return Err(format!("waiting for {what}: error {code}: {message}"));
            }
            if pred(&v) {
                return Ok(v);
            }
        }
    }

    /// Reads frames until a `state` that satisfies `pred`.
    async fn until_state(&mut self, what: &str, pred: impl Fn(&StateView) -> bool) -> Result<StateView, String> {
        match self.until(what, |m| matches!(m, ServerMsg::State(st) if pred(st))).await? {
            ServerMsg::State(st) => Ok(*st),
            _ => unreachable!("until returns the frame pred took"),
        }
    }

    /// Reads frames until a `state` in this phase.
    async fn until_phase(&mut self, what: &str, phase: Phase) -> Result<StateView, String> {
        self.until_state(what, |st| st.phase == phase).await
    }

    /// The last state's field, or a default before any state.
    fn last<T: Default>(&self, f: impl Fn(&StateView) -> T) -> T {
        self.last_state.as_ref().map(f).unwrap_or_default()
    }
}

/// Plays one dialogue to its results.
async fn replay(addr: &str, d: &Dialogue) -> Result<Replayed, String> {
    let body = json!({"scenario": d.scenario_id(), "title": format!("CaSiNo {}", d.dialogue_id), "small_talk": "all"});
    let (status, created) = crate::httpclient::request(addr, "POST", "/api/sessions", Some(&body), &[]).await?;
    if status != 201 {
        return Err(format!("session: {status} {created}"));
    }
    let code = created["code"].as_str().unwrap_or_default().to_string();
    let token = created["facilitator_token"].as_str().unwrap_or_default().to_string();
    // Participant 1 joins first, so it holds seat 0.
    let mut players = Vec::new();
    for (i, agent) in AGENTS.iter().enumerate() {
        let mut p = Player::connect(addr).await?;
        p.send(json!({"type": "join", "code": code, "name": format!("{agent} {}", d.dialogue_id)})).await?;
        p.until("joined", |v| matches!(v, ServerMsg::Joined { .. })).await?;
        if i == 0 {
            p.until("waiting", |v| matches!(v, ServerMsg::Waiting { .. })).await?;
        }
        players.push(p);
    }
    for p in players.iter_mut() {
        p.until_phase("the match", Phase::SmallTalk).await?;
    }
    let moves = d.moves();
    // Leading lines the tagger reads as small talk go in the small-talk phase; the rest in
    // bargaining (the same split as `parley eval fit-trust`).
    let scenario = crate::core::scenario::Scenario::from_toml(
        "casino.toml",
        &casino::scenario_toml([d.participant_info[AGENTS[0]].values(), d.participant_info[AGENTS[1]].values()]),
    )
    .map_err(|e| e.to_string())?;
    let chat: Vec<crate::core::tactics::Line> = moves
        .iter()
        .filter_map(|(seat, m)| match m {
            Move::Chat(t) => Some(crate::core::tactics::Line { speaker: *seat, text: t.as_str() }),
            _ => None,
        })
        .collect();
    let tags =
        crate::core::tactics::Tagger::bundled().tag_dialogue(&chat, &crate::core::tactics::Vocabulary::of(&scenario));
    let leading_chats = tags.iter().take_while(|t| t.has(crate::core::tactics::Tactic::SmallTalk)).count();
    let leading = moves
        .iter()
        .enumerate()
        .filter(|(_, (_, m))| matches!(m, Move::Chat(_)))
        .nth(leading_chats)
        .map(|(k, _)| k)
        .unwrap_or_else(|| moves.iter().take_while(|(_, m)| matches!(m, Move::Chat(_))).count());
    let mut in_bargaining = false;
    for (k, (seat, m)) in moves.iter().enumerate() {
        let (seat, other) = (*seat, 1 - *seat);
        if k >= leading && !in_bargaining {
            in_bargaining = true;
            for p in players.iter_mut() {
                p.send(json!({"type": "ready"})).await?;
            }
            for p in players.iter_mut() {
                p.until_phase("bargaining", Phase::Bargaining).await?;
            }
        }
        match m {
            Move::Chat(text) => {
                let text: String = text.chars().take(crate::core::game::MAX_CHAT_CHARS).collect();
                if crate::core::text::clean_chat(&text).is_empty() {
                    continue;
                }
                players[seat].send(json!({"type": "chat", "text": text})).await?;
                let from = seat;
                players[other]
                    .until("the chat line", |v| matches!(v, ServerMsg::Chat(l) if l.seat == Some(from)))
                    .await?;
            }
            Move::Submit(pkg) => {
                let package = json!({"food": pkg[0], "water": pkg[1], "firewood": pkg[2]});
                let before = players[other].last(|st| st.offers_total);
                players[seat].send(json!({"type": "offer", "package": package})).await?;
                players[other].until_state("the offer", |st| st.offers_total > before).await?;
            }
            Move::Accept | Move::Reject => {
                let offer = players[seat]
                    .last(|st| {
                        st.offers
                            .iter()
                            .rev()
                            .find(|x| x.status == OfferStatus::Standing && x.seat == other)
                            .map(|o| o.id)
                    })
                    .ok_or("no standing offer to answer")?;
                let accept = *m == Move::Accept;
                players[seat]
                    .send(json!({"type": if accept { "accept" } else { "reject" }, "offer_id": offer}))
                    .await?;
                if accept {
                    players[seat].until_phase("the deal", Phase::Survey).await?;
                } else {
                    players[other]
                        .until_state("the rejection", |st| {
                            st.offers.iter().any(|x| x.id == offer && x.status == OfferStatus::Rejected)
                        })
                        .await?;
                }
            }
            Move::WalkAway => {
                players[seat].send(json!({"type": "walk_away"})).await?;
                players[seat].until_phase("the end", Phase::Survey).await?;
            }
        }
    }
    for p in players.iter_mut() {
        if p.last(|st| Some(st.phase)) != Some(Phase::Survey) {
            p.until_phase("the survey", Phase::Survey).await?;
        }
        p.send(json!({"type": "skip_survey"})).await?;
    }
    let mut out = Replayed::default();
    for (seat, p) in players.iter_mut().enumerate() {
        let st = p.until_phase("the results", Phase::Results).await?;
        let r = st.results.ok_or("a results state without the reveal")?;
        out.points[seat] = r.roles.get(seat).map_or(i64::MIN, |role| role.score);
        let me = r.trust.players.get(seat);
        out.estimate[seat] = me.and_then(|p| p.trust_estimate);
        out.estimate_behaviour[seat] = me.map(|p| p.trust_estimate_behaviour);
    }
    // The tags the server read, from the facilitator's transcript.
    let match_id = players[0].last(|st| st.match_id.clone());
    let path = format!("/api/sessions/{code}/matches/{match_id}/transcript?token={token}");
    let (status, t) = crate::httpclient::request(addr, "GET", &path, None, &[]).await?;
    if status != 200 {
        return Err(format!("transcript: {status}"));
    }
    out.tags = t["items"]
        .as_array()
        .map(|items| {
            items
                .iter()
                .filter(|i| i["kind"] == "chat")
                .map(|i| {
                    i["tactics"]
                        .as_array()
                        .map(|a| a.iter().filter_map(|x| x.as_str().map(String::from)).collect())
                        .unwrap_or_default()
                })
                .collect()
        })
        .unwrap_or_default();
    for p in players {
        let mut ws = p.ws;
        let _ = ws.close(None).await;
    }
    Ok(out)
}

pub use crate::core::stats::{fisher_ci, pearson};

fn score(dialogues: &[Dialogue], results: &[Result<Replayed, String>]) -> Report {
    let mut rep = Report::default();
    let strategy: Vec<&str> = crate::core::tactics::LABELS.iter().copied().filter(|l| *l != "non-strategic").collect();
    let mut counts: BTreeMap<&str, (usize, usize, usize)> =
        crate::core::tactics::LABELS.iter().map(|l| (*l, (0, 0, 0))).collect(); // tp, fp, fn
    let (mut est, mut est_b, mut liking, mut liking_b, mut own, mut sat) =
        (vec![], vec![], vec![], vec![], vec![], vec![]);
    for (d, r) in dialogues.iter().zip(results) {
        let r = match r {
            Ok(r) => r,
            Err(e) => {
                rep.failures.push(e.clone());
                continue;
            }
        };
        rep.dialogues += 1;
        let want: Vec<i64> = AGENTS.iter().map(|a| d.participant_info[*a].outcomes.points_scored).collect();
        if r.points[0] == want[0] && r.points[1] == want[1] {
            rep.points_match += 1;
        }
        let gold = d.labels();
        if !gold.is_empty() {
            rep.annotated += 1;
            for (g, t) in gold.iter().zip(&r.tags) {
                for l in crate::core::tactics::LABELS {
                    let (gi, ti) = (g.iter().any(|x| x == l), t.iter().any(|x| x == l));
                    let c = counts.get_mut(l).expect("label");
                    match (gi, ti) {
                        (true, true) => c.0 += 1,
                        (false, true) => c.1 += 1,
                        (true, false) => c.2 += 1,
                        _ => {}
                    }
                }
            }
        }
        for seat in 0..2 {
            let partner = &d.participant_info[AGENTS[1 - seat]].outcomes;
            let me = &d.participant_info[AGENTS[seat]].outcomes;
            if let (Some(e), Some(l)) = (r.estimate[seat], casino::scale(&partner.opponent_likeness)) {
                est.push(e);
                liking.push(l);
                if let Some(s) = casino::scale(&me.satisfaction) {
                    own.push(e);
                    sat.push(s);
                }
            }
            if let (Some(e), Some(l)) = (r.estimate_behaviour[seat], casino::scale(&partner.opponent_likeness)) {
                est_b.push(e);
                liking_b.push(l);
            }
        }
    }
    let mut f1s = Vec::new();
    for (l, (tp, fp, fn_)) in counts {
        let p = if tp + fp > 0 { tp as f64 / (tp + fp) as f64 } else { 0.0 };
        let rc = if tp + fn_ > 0 { tp as f64 / (tp + fn_) as f64 } else { 0.0 };
        let f1 = if p + rc > 0.0 { 2.0 * p * rc / (p + rc) } else { 0.0 };
        if strategy.contains(&l) {
            f1s.push(f1);
        }
        rep.labels.insert(l.to_string(), LabelScore { precision: p, recall: rc, f1, support: tp + fn_ });
    }
    rep.macro_f1 = if f1s.is_empty() { 0.0 } else { f1s.iter().sum::<f64>() / f1s.len() as f64 };
    let r_l = pearson(&est, &liking);
    let r_b = pearson(&est_b, &liking_b);
    rep.trust = TrustScore {
        r_partner_liking: r_l,
        r_partner_liking_behaviour_only: r_b,
        r_own_satisfaction: pearson(&own, &sat),
        r_partner_liking_ci: r_l.and_then(|r| fisher_ci(r, est.len())),
        r_partner_liking_behaviour_only_ci: r_b.and_then(|r| fisher_ci(r, est_b.len())),
        n: est.len(),
    };
    rep
}

fn print_report(r: &Report) {
    println!(
        "replayed {} dialogues through the server ({} failed); points equal to the corpus's in {} of {}",
        r.dialogues,
        r.failures.len(),
        r.points_match,
        r.dialogues
    );
    for f in r.failures.iter().take(5) {
        println!("  failed: {f}");
    }
    println!("tagger against the annotations of {} dialogues:", r.annotated);
    println!("  {:<22} {:>9} {:>7} {:>6} {:>8}", "label", "precision", "recall", "F1", "support");
    for (l, s) in &r.labels {
        println!("  {:<22} {:>9.3} {:>7.3} {:>6.3} {:>8}", l, s.precision, s.recall, s.f1, s.support);
    }
    println!("  macro F1 over the nine strategy labels: {:.3}", r.macro_f1);
    let f = |x: Option<f64>| x.map(|v| format!("{v:.3}")).unwrap_or_else(|| "n/a".into());
    let ci = |x: Option<(f64, f64)>| x.map(|(a, b)| format!(" [{a:.3}, {b:.3}]")).unwrap_or_default();
    println!(
        "trust estimate (n = {}): r with partner's liking {}{}, behaviour-only {}{}, with own satisfaction {}",
        r.trust.n,
        f(r.trust.r_partner_liking),
        ci(r.trust.r_partner_liking_ci),
        f(r.trust.r_partner_liking_behaviour_only),
        ci(r.trust.r_partner_liking_behaviour_only_ci),
        f(r.trust.r_own_satisfaction)
    );
}
