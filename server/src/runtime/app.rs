//! The application: registries (dashmap), joining, pairing, match creation and the recovery
//! of stored sessions and matches at start-up.

use crate::core::game::{Match, MatchConfig};
use crate::core::scenario::{PhaseDurations, Scenario};
use crate::core::text::check_name;
use crate::core::treatment::MatchSettings;
use crate::core::trust::Phrases;
use crate::error::ErrorCode;
use crate::limits::{AddressLimits, Limits};
use crate::protocol::ProtocolError;
use crate::runtime::match_actor::{
    now_ms, ActorNotice, Exit, MatchActor, MatchHandle, MatchMsg, MatchSummary, MAILBOX,
};
use crate::runtime::session::{
    new_code, new_id, new_token, DropoutPolicy, Location, Player, Session, SessionKind, SessionSettings,
    SmallTalkTreatment,
};
use crate::runtime::session_actor::{SessionActor, SessionMsg};
use crate::store::{MatchRow, PlayerRow, SessionRow, Snapshot, Store};
use crate::wire::{ServerMsg, SessionRef};
use dashmap::DashMap;
use rand::seq::IndexedRandom;
use serde::{Deserialize, Serialize};
use std::collections::BTreeMap;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::Arc;
use std::time::Duration;
use tokio::sync::mpsc;
use tokio::sync::watch;

pub use crate::core::text::MAX_NAME_CHARS;

/// Settings of one match as stored with it (and exported in `events.json`): what it was played
/// with, its treatment arm included, so a log is read the same whatever the session says later.
/// Fields after `icebreaker` are absent from matches stored before treatments and surveys
/// could vary: they read as every tool on, the session's coaching and the default survey.
#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct StoredMatchConfig {
    /// Phase durations.
    pub durations: PhaseDurations,
    /// Small-talk treatment of this match.
    pub small_talk: bool,
    /// The icebreaker drawn for it (none when its arm turned the icebreaker off).
    pub icebreaker: Option<String>,
    /// The drill each seat's player practises, in seat order (practice pool; empty elsewhere).
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub drills: Vec<Option<crate::core::drills::Drill>>,
    /// The treatment arm it was assigned (none without a treatment).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub arm: Option<String>,
    /// Live coaching nudges on (none: as the session says).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub coaching: Option<bool>,
    /// The prep question on the counterpart's priorities asked.
    #[serde(default = "yes")]
    pub perspective_question: bool,
    /// The checked-statement tool offered.
    #[serde(default = "yes")]
    pub disclosure: bool,
    /// The survey's questions (none: the default five).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub survey: Option<Vec<crate::core::survey::Question>>,
    /// Every seat's team, player ids by member index (the first is the seat's entry in the
    /// match's `seats`), when some seat is held by a team; empty when every seat is played alone.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub teams: Vec<Vec<String>>,
    /// Who may commit a team's seat.
    #[serde(default, skip_serializing_if = "is_any_member")]
    pub team_decision: crate::core::team::TeamDecision,
}

fn is_any_member(d: &crate::core::team::TeamDecision) -> bool {
    *d == crate::core::team::TeamDecision::Any
}

fn yes() -> bool {
    true
}

impl StoredMatchConfig {
    /// The match's tools and survey.
    pub fn features(&self) -> crate::core::game::MatchFeatures {
        crate::core::game::MatchFeatures {
            perspective_question: self.perspective_question,
            disclosure: self.disclosure,
            survey: match &self.survey {
                Some(q) => q.clone().into(),
                None => crate::core::survey::QUESTIONS.into(),
            },
            teams: crate::core::team::TeamRules {
                sizes: self.teams.iter().map(Vec::len).collect(),
                decision: self.team_decision,
            },
        }
    }

    /// Player ids by seat then member: the stored teams, or the seats played alone.
    pub fn members(&self, seats: &[String]) -> Vec<Vec<String>> {
        seats
            .iter()
            .enumerate()
            .map(|(seat, pid)| match self.teams.get(seat) {
                // A seat handed on since is held by its new player alone.
                Some(team) if team.first() == Some(pid) => team.clone(),
                _ => vec![pid.clone()],
            })
            .collect()
    }

    /// The core's configuration of the match.
    pub fn match_config(&self, scenario: Arc<Scenario>) -> MatchConfig {
        MatchConfig {
            scenario,
            durations: self.durations,
            small_talk: self.small_talk,
            icebreaker: self.icebreaker.clone(),
            features: self.features(),
        }
    }
}

/// The whole running application, shared by every task.
pub struct App {
    /// The durable store.
    pub store: Store,
    /// Scenarios by id: read through [`App::scenario`] and [`App::scenarios`]; the editor adds
    /// to them while the server runs ([`App::put_scenario`]).
    scenarios: std::sync::RwLock<Arc<BTreeMap<String, Arc<Scenario>>>>,
    /// The folder scenarios were loaded from, where the editor saves (none: saving is off).
    pub scenarios_dir: Option<std::path::PathBuf>,
    /// Sessions by join code.
    pub sessions: DashMap<String, Arc<Session>>,
    /// Players by secret token.
    pub players: DashMap<String, Arc<Player>>,
    /// Players by id.
    pub players_by_id: DashMap<String, Arc<Player>>,
    /// Running matches by id.
    pub matches: DashMap<String, MatchHandle>,
    /// Join code of the open practice pool.
    pub practice_code: String,
    /// Key required to create sessions, if set.
    pub admin_key: Option<String>,
    /// Open WebSocket connections.
    pub connections: AtomicUsize,
    /// Phrase lists for the behaviour signals.
    pub phrases: Arc<Phrases>,
    /// This server's own address, for the bots it starts (they connect like people do).
    pub self_addr: std::sync::OnceLock<String>,
    /// Bot settings.
    pub bots: BotSettings,
    /// A connection silent for this long is closed (the heartbeat rule).
    pub idle_timeout: std::time::Duration,
    /// A finished match nobody watches drops its state after this long (none: never).
    pub dormant_after: Option<std::time::Duration>,
    /// Matches whose state is in memory now (the others are dormant).
    pub live_matches: AtomicUsize,
    /// What match actors report (a seat for a bot, a match finished).
    pub notices: tokio::sync::mpsc::UnboundedSender<ActorNotice>,
    /// What one client may make the server do.
    pub limits: Limits,
    /// Request budgets and open WebSockets per client address.
    pub address_limits: Arc<AddressLimits>,
    /// Open TCP connections (HTTP and WebSocket), counted by the listener.
    pub conn_counter: Arc<crate::net::ConnCounter>,
    /// Per session in memory (or being read): the lock ordering its loading and disposal
    /// against its use (see `runtime::residency`).
    pub residency: DashMap<String, Arc<tokio::sync::RwLock<()>>>,
    /// As a node of a cluster: where sessions live, and this node's claims (none: one server).
    pub cluster: Option<Arc<crate::store::Cluster>>,
    /// Sessions taken over from a dead node a moment ago: what a player coming back is told,
    /// the seconds given back, and until when (see `runtime::ownership`).
    pub takeover_notices: DashMap<String, (u64, i64)>,
    /// Client message ids applied in matches being read back after a takeover, by match (taken
    /// by the match's actor as it is rebuilt).
    pub restored_ids: DashMap<String, Vec<(usize, u64)>>,
    /// As a node of a cluster: this node's players waiting in the cluster's practice pool, with
    /// the session they wait in (see `runtime::practice_pool`).
    pub pool_waiting: DashMap<String, String>,
    /// Wakes the node's pairing task (a player started waiting here).
    pub pool_wake: Arc<tokio::sync::Notify>,
}

/// Settings of the running application (from `parley serve`'s options).
#[derive(Debug, Clone, Default)]
pub struct AppSettings {
    /// Key required to create sessions, if set.
    pub admin_key: Option<String>,
    /// Bot settings.
    pub bots: BotSettings,
    /// A connection silent for this long is closed.
    pub idle_timeout: std::time::Duration,
    /// Limits per client and per player.
    pub limits: Limits,
    /// A finished match nobody watches drops its state after this long (none: never).
    pub dormant_after: Option<std::time::Duration>,
    /// The folder scenarios were loaded from, where the editor saves.
    pub scenarios_dir: Option<std::path::PathBuf>,
    /// As a node of a cluster: its view of session ownership (none: one server).
    pub cluster: Option<Arc<crate::store::Cluster>>,
}

/// The practice pool's settings.
fn practice_settings() -> SessionSettings {
    SessionSettings {
        title: "Practice pool".into(),
        scenario: None,
        durations: None,
        small_talk: SmallTalkTreatment::All,
        dropout: DropoutPolicy::Abandon,
        grace_seconds: 120,
        pairing: Default::default(),
        reveal: Default::default(),
        coaching: Some(true),
        treatment: None,
        survey: None,
        team_size: 1,
        team_decision: Default::default(),
    }
}

/// How the server's own bots behave.
#[derive(Debug, Clone)]
pub struct BotSettings {
    /// Seconds someone waits alone in the practice pool before a bot is offered (0 = never).
    pub practice_after: u64,
    /// Milliseconds between a bot's actions.
    pub pace_ms: u64,
}

impl Default for BotSettings {
    fn default() -> Self {
        BotSettings { practice_after: 30, pace_ms: 1500 }
    }
}

/// Why a session could not be created.
#[derive(Debug, thiserror::Error)]
pub enum CreateError {
    /// No such scenario.
    #[error("unknown scenario {0:?}")]
    UnknownScenario(String),
    /// Bad settings.
    #[error("{0}")]
    Bad(String),
    /// Treatment arms that cannot be used.
    #[error("{0}")]
    BadTreatment(String),
    /// Survey items that cannot be used.
    #[error("{0}")]
    BadSurveyItems(String),
    /// A team size outside 1–4.
    #[error("{0}")]
    BadTeams(String),
    /// Store failure.
    #[error("could not store the session: {0}")]
    Store(String),
    /// The join code was taken between drawing it and storing it.
    #[error("that join code is taken")]
    Conflict,
}

impl App {
    /// Opens the store, loads scenarios, restores sessions, players and matches, and starts
    /// the actors of unfinished and finished matches alike.
    pub async fn open(
        store: Store,
        snapshot: Snapshot,
        scenarios: Vec<Scenario>,
        phrases: Phrases,
        settings: AppSettings,
    ) -> Arc<App> {
        let AppSettings { admin_key, bots, idle_timeout, limits, dormant_after, scenarios_dir, cluster } = settings;
        let address_limits = Arc::new(AddressLimits::new(&limits));
        let (notices, mut notices_rx) = tokio::sync::mpsc::unbounded_channel::<ActorNotice>();
        let scenarios: BTreeMap<String, Arc<Scenario>> =
            scenarios.into_iter().map(|s| (s.id.clone(), Arc::new(s))).collect();
        let mut practice_code =
            snapshot.sessions.iter().find(|s| s.session.kind == "practice").map(|s| s.session.code.clone());
        if let Some(c) = &cluster {
            // A node reads no session at start-up: its practice session is its own (taken back
            // after a restart at its address; it comes into memory when first needed).
            let candidate = SessionRow {
                code: new_code(),
                kind: SessionKind::Practice.as_str().into(),
                settings: serde_json::to_string(&practice_settings()).expect("settings serialise"),
                facilitator_token: new_token(),
                created_at: now_ms(),
            };
            practice_code = c.practice_pool(candidate).await.map(Some).unwrap_or_else(|e| {
                tracing::error!(error = %e, "could not look up the practice pool");
                None
            });
        }
        let app = Arc::new(App {
            store,
            scenarios: std::sync::RwLock::new(Arc::new(scenarios)),
            scenarios_dir,
            sessions: DashMap::new(),
            players: DashMap::new(),
            players_by_id: DashMap::new(),
            matches: DashMap::new(),
            practice_code: practice_code.clone().unwrap_or_else(new_code),
            admin_key,
            connections: AtomicUsize::new(0),
            phrases: Arc::new(phrases),
            self_addr: std::sync::OnceLock::new(),
            bots,
            notices,
            idle_timeout,
            dormant_after,
            live_matches: AtomicUsize::new(0),
            limits,
            address_limits,
            conn_counter: Default::default(),
            residency: Default::default(),
            cluster: cluster.clone(),
            takeover_notices: DashMap::new(),
            restored_ids: DashMap::new(),
            pool_waiting: DashMap::new(),
            pool_wake: Default::default(),
        });
        let weak = Arc::downgrade(&app);
        tokio::spawn(async move {
            while let Some(notice) = notices_rx.recv().await {
                let Some(app) = weak.upgrade() else { break };
                // Handed on to the session's actor in a task of its own: one busy session's
                // mailbox must not hold up notices for every other.
                tokio::spawn(async move {
                    match notice {
                        ActorNotice::SeatNeedsBot { match_id, seat } => {
                            let code = app.matches.get(&match_id).map(|m| m.session.clone());
                            let Some(s) = code.and_then(|c| app.sessions.get(&c).map(|s| s.clone())) else {
                                tracing::error!(match_id = %match_id, "a seat needs a bot but its session is gone");
                                return;
                            };
                            let _ = s.mailbox.send(SessionMsg::SeatNeedsBot { match_id, seat }).await;
                        }
                        ActorNotice::Finished { match_id } => app.match_finished(&match_id).await,
                    }
                });
            }
        });
        if practice_code.is_none() {
            let settings = practice_settings();
            if let Err(e) =
                app.insert_session(app.practice_code.clone(), SessionKind::Practice, settings, new_token()).await
            {
                tracing::error!(error = %e, "could not create the practice pool");
            }
        }
        let now = now_ms();
        for stored in snapshot.sessions {
            if let Err(e) = app.remember_applied(stored.matches.iter().map(|(m, _)| m)).await {
                tracing::error!(session = %stored.session.code, error = %e, "could not read the applied client message ids");
            }
            app.install_session(stored, now);
        }
        if let Some(after) = dormant_after {
            // Sessions nobody uses leave memory after the same idle time as finished matches.
            let weak = Arc::downgrade(&app);
            tokio::spawn(async move {
                let mut tick = tokio::time::interval(after.clamp(Duration::from_secs(1), Duration::from_secs(60)));
                tick.set_missed_tick_behavior(tokio::time::MissedTickBehavior::Delay);
                loop {
                    tick.tick().await;
                    let Some(app) = weak.upgrade() else { break };
                    app.dispose_idle(now_ms(), after.as_millis() as i64);
                }
            });
        }
        app
    }

    /// The scenario with this id, now. A match holds the `Arc` it started with, so replacing a
    /// scenario never changes a match that is running.
    pub fn scenario(&self, id: &str) -> Option<Arc<Scenario>> {
        self.scenarios().get(id).cloned()
    }

    /// Every scenario by id, as they are now (a snapshot: later saves do not change it).
    pub fn scenarios(&self) -> Arc<BTreeMap<String, Arc<Scenario>>> {
        self.scenarios.read().unwrap_or_else(|e| e.into_inner()).clone()
    }

    /// Adds a scenario, or replaces the one with its id, for everything that looks scenarios up
    /// from now on (the editor's save; no restart).
    pub fn put_scenario(&self, scenario: Arc<Scenario>) {
        let mut all = self.scenarios.write().unwrap_or_else(|e| e.into_inner());
        let mut next = BTreeMap::clone(&all);
        next.insert(scenario.id.clone(), scenario);
        *all = Arc::new(next);
    }

    pub(crate) fn add_player(&self, p: PlayerRow) -> Arc<Player> {
        self.add_counted_player(p, false)
    }

    /// Puts a player in memory; `counted`: their place under the session's cap is reserved already.
    fn add_counted_player(&self, p: PlayerRow, counted: bool) -> Arc<Player> {
        let chat = (f64::from(self.limits.chat_burst.max(1)), self.limits.chat_per_minute.max(1) as f64 / 60.0);
        let player = Arc::new(Player::new(p.id.clone(), p.token.clone(), p.session, p.name, p.bot, chat));
        if let Some(s) = self.sessions.get(&player.session) {
            if !counted {
                s.player_count.fetch_add(1, std::sync::atomic::Ordering::Relaxed);
            }
            s.player_ids.lock().expect("player ids").push(p.id.clone());
            s.touch();
        }
        self.players.insert(p.token, player.clone());
        self.players_by_id.insert(p.id, player.clone());
        player
    }

    /// A match's actor rebuilt from its stored row and events (at start-up, or waking a dormant
    /// match); none when its scenario or row cannot be read (logged).
    fn actor_for(&self, row: &MatchRow, events: &[crate::core::game::Event], now: i64) -> Option<MatchActor> {
        let Some(scenario) = self.scenario(&row.scenario) else {
            tracing::error!(match_id = %row.id, scenario = %row.scenario, "scenario of a stored match is missing; match not restored");
            return None;
        };
        let (Ok(cfg), Ok(seats)) =
            (serde_json::from_str::<StoredMatchConfig>(&row.config), serde_json::from_str::<Vec<String>>(&row.seats))
        else {
            tracing::error!(match_id = %row.id, "stored match unreadable; not restored");
            return None;
        };
        let session = self.sessions.get(&row.session).map(|s| s.clone());
        let (dropout, grace, reveal) = session
            .as_ref()
            .map(|s| (s.settings.dropout, s.settings.grace_seconds, s.settings.reveal))
            .unwrap_or_default();
        let config = cfg.match_config(scenario);
        let name_of = |pid: &String| {
            self.players_by_id.get(pid).map(|p| (p.name.clone(), p.bot)).unwrap_or_else(|| ("?".into(), false))
        };
        let names = seats.iter().map(name_of).collect();
        let teams = cfg.members(&seats).iter().map(|team| team.iter().map(name_of).collect()).collect();
        let actor = MatchActor::new(
            row.id.clone(),
            Match::replay(config, events),
            names,
            self.store.clone(),
            dropout,
            grace,
            self.phrases.clone(),
            now,
        )
        .with_teams(teams)
        .with_reveal(reveal)
        .with_coaching(cfg.coaching.unwrap_or_else(|| session.as_ref().is_some_and(|s| s.coaching())))
        .with_drills(&cfg.drills)
        .with_max_offers(self.limits.max_offers_per_match)
        .with_applied(self.restored_ids.remove(&row.id).map(|(_, ids)| ids).unwrap_or_default())
        .with_notices(self.notices.clone());
        let actor = match &session {
            Some(s) => actor.with_session_changes(s.changes.clone()),
            None => actor,
        };
        Some(actor)
    }

    /// Restores a stored match at start-up: its handle, its players' places and its task. A
    /// finished match starts dormant (its summary kept, its state dropped until someone needs it).
    /// Seats the match's players who are in memory (`only`: just that player; a practice player
    /// coming back must not move a counterpart who has since moved on).
    pub(crate) fn restore_match(
        self: &Arc<Self>,
        row: MatchRow,
        events: &[crate::core::game::Event],
        now: i64,
        only: Option<&str>,
    ) {
        let Some(scenario) = self.scenario(&row.scenario) else {
            tracing::error!(match_id = %row.id, scenario = %row.scenario, "scenario of a stored match is missing; match not restored");
            return;
        };
        // A finished match with its summary stored starts dormant without reading its events.
        let stored: Option<MatchSummary> = row.summary.as_deref().and_then(|j| serde_json::from_str(j).ok());
        let (actor, summary_tx) = match stored {
            Some(summary) => (None, watch::Sender::new(summary)),
            None => {
                let Some(actor) = self.actor_for(&row, events, now) else { return };
                let tx = actor.summary_sender();
                (Some(actor), tx)
            }
        };
        let seats: Vec<String> = serde_json::from_str(&row.seats).unwrap_or_default();
        let cfg = serde_json::from_str::<StoredMatchConfig>(&row.config).ok();
        let members = cfg.map_or_else(|| seats.iter().map(|p| vec![p.clone()]).collect(), |c| c.members(&seats));
        for (seat, team) in members.iter().enumerate() {
            for (member, pid) in team.iter().enumerate().filter(|(_, pid)| only.is_none_or(|o| o == pid.as_str())) {
                if let Some(p) = self.players_by_id.get(pid) {
                    *p.location.lock().expect("location") =
                        Location::InMatch { match_id: row.id.clone(), seat, member };
                }
            }
        }
        if let Some(s) = self.sessions.get(&row.session) {
            s.match_ids.lock().expect("match ids").push(row.id.clone());
        }
        let (tx, rx) = mpsc::channel(MAILBOX);
        let summary = summary_tx.subscribe();
        let finished = summary.borrow().phase == crate::core::game::Phase::Results;
        if finished && row.summary.is_none() {
            // Finished before summaries were stored: store it now, so the next start skips it.
            self.spawn_store_summary(&row.id, &summary.borrow());
        }
        self.matches.insert(
            row.id.clone(),
            MatchHandle { id: row.id.clone(), session: row.session.clone(), scenario, tx, seats, members, summary },
        );
        // With dormancy off, every match read at start-up keeps its state.
        let actor = actor.filter(|_| !finished || self.dormant_after.is_none());
        // A new match that never started has no events; a summarised one only looks that way.
        let start = events.is_empty() && row.summary.is_none();
        tokio::spawn(self.clone().match_task(row, actor, summary_tx, rx, start));
    }

    /// Stores a finished match's summary in the background (a failure only costs a replay at the
    /// next start).
    pub fn spawn_store_summary(&self, match_id: &str, summary: &MatchSummary) {
        let store = self.store.clone();
        let (id, json) = (match_id.to_string(), serde_json::to_string(summary).expect("summaries serialise"));
        tokio::spawn(async move {
            if let Err(e) = store.set_summary(&id, json).await {
                tracing::warn!(match_id = %id, error = %e, "could not store a match summary");
            }
        });
    }

    /// A match's one task for its whole life: its actor while the match is live, and only its
    /// mailbox and summary while it is dormant (finished and idle for `dormant_after`); the
    /// first message to a dormant match reloads it from the store.
    async fn match_task(
        self: Arc<Self>,
        row: MatchRow,
        mut actor: Option<MatchActor>,
        summary: watch::Sender<MatchSummary>,
        mut rx: mpsc::Receiver<MatchMsg>,
        mut start: bool,
    ) {
        loop {
            let mut first = None;
            let live = match actor.take() {
                Some(a) => a,
                None => {
                    let Some(msg) = rx.recv().await else { return };
                    let events = match self.store.match_events(&row.id).await {
                        Ok(e) => e,
                        Err(e) => {
                            tracing::error!(match_id = %row.id, error = %e, "could not reload a dormant match");
                            continue;
                        }
                    };
                    let Some(a) = self.actor_for(&row, &events, now_ms()) else { return };
                    tracing::debug!(match_id = %row.id, "woken from dormancy");
                    first = Some(msg);
                    a.with_summary_sender(summary.clone())
                }
            };
            self.live_matches.fetch_add(1, std::sync::atomic::Ordering::Relaxed);
            let exit = live.run_until(&mut rx, std::mem::take(&mut start), first, self.dormant_after).await;
            self.live_matches.fetch_sub(1, std::sync::atomic::Ordering::Relaxed);
            if exit == Exit::Closed {
                return;
            }
        }
    }

    async fn insert_session(
        self: &Arc<Self>,
        code: String,
        kind: SessionKind,
        settings: SessionSettings,
        token: String,
    ) -> Result<Arc<Session>, CreateError> {
        let created_at = now_ms();
        let row = SessionRow {
            code: code.clone(),
            kind: kind.as_str().into(),
            settings: serde_json::to_string(&settings).expect("settings serialise"),
            facilitator_token: token.clone(),
            created_at,
        };
        self.store.insert_session(row).await.map_err(|e| match e {
            crate::store::StoreError::Conflict(_) => CreateError::Conflict,
            e => CreateError::Store(e.to_string()),
        })?;
        let (s, rx) = Session::new(code.clone(), kind, settings, token, created_at);
        let s = Arc::new(s);
        SessionActor::new(self.clone(), &s, 0).spawn(&s, rx);
        self.sessions.insert(code, s.clone());
        Ok(s)
    }

    /// Creates a workshop session; returns it (with its facilitator token).
    pub async fn create_session(self: &Arc<Self>, settings: SessionSettings) -> Result<Arc<Session>, CreateError> {
        let scenario =
            settings.scenario.clone().ok_or_else(|| CreateError::Bad("a session needs a scenario".into()))?;
        if self.scenario(&scenario).is_none() {
            return Err(CreateError::UnknownScenario(scenario));
        }
        if let Some(d) = &settings.durations {
            if d.bargaining == 0 || [d.prep, d.small_talk, d.bargaining, d.survey].iter().any(|&x| x > 86_400) {
                return Err(CreateError::Bad("durations must be 0..86400 seconds, bargaining at least 1".into()));
            }
        }
        settings.validate_design().map_err(|(code, m)| match code {
            ErrorCode::BadTreatment => CreateError::BadTreatment(m),
            ErrorCode::BadTeams => CreateError::BadTeams(m),
            _ => CreateError::BadSurveyItems(m),
        })?;
        if settings.grace_seconds > 86_400 || settings.title.chars().count() > 200 {
            return Err(CreateError::Bad(
                "grace_seconds must be at most 86400 and title at most 200 characters".into(),
            ));
        }
        // Most sessions are not in memory: a code is new when the store does not have it either.
        // Two creations drawing the same unused code at once (one chance in hundreds of millions)
        // make the second insert a conflict; it draws another code.
        for _ in 0..3 {
            let code = new_code();
            let taken = self.sessions.contains_key(&code)
                || self.store.session_exists(&code).await.map_err(|e| CreateError::Store(e.to_string()))?;
            if taken {
                continue;
            }
            match self.insert_session(code, SessionKind::Workshop, settings.clone(), new_token()).await {
                Err(CreateError::Conflict) => continue,
                other => return other,
            }
        }
        Err(CreateError::Store("no free join code found in three draws".into()))
    }

    /// Registers a new player in a session (stored before it is acknowledged).
    pub async fn new_player(&self, session: &Session, name: &str, bot: bool) -> Result<Arc<Player>, ProtocolError> {
        let name = check_name(name).map_err(|e| ProtocolError::new(ErrorCode::BadName, e.to_string()))?;
        // The practice pool is one session for the server's whole life: its joins are budgeted
        // per address instead (see the connection's `practice`).
        // A class's place is reserved before the store is asked, so joins racing for the last
        // place cannot both take it.
        let capped = session.kind == SessionKind::Workshop;
        let max = self.limits.max_players_per_session;
        if capped
            && session
                .player_count
                .fetch_update(Ordering::Relaxed, Ordering::Relaxed, |n| (n < max).then_some(n + 1))
                .is_err()
        {
            return Err(ProtocolError::new(ErrorCode::SessionFull, format!("this session is full ({max} players)")));
        }
        let row = PlayerRow {
            id: new_id("p"),
            token: new_token(),
            session: session.code.clone(),
            name,
            joined_at: now_ms(),
            bot,
        };
        if let Err(e) = self.store.insert_player(row.clone()).await {
            tracing::error!(session = %session.code, error = %e, "could not store a new player");
            if capped {
                session.player_count.fetch_sub(1, Ordering::Relaxed);
            }
            return Err(ProtocolError::internal());
        }
        Ok(self.add_counted_player(row, capped))
    }

    /// The `joined` frame for a player.
    pub fn joined_frame(&self, p: &Player) -> ServerMsg {
        let s = self.sessions.get(&p.session).map(|s| s.clone());
        ServerMsg::Joined {
            player_id: p.id.clone(),
            token: p.token.clone(),
            name: p.name.clone(),
            session: s.map(|s| SessionRef {
                code: s.code.clone(),
                kind: s.kind,
                title: s.settings.title.clone(),
                scenario: s.settings.scenario.clone(),
            }),
        }
    }

    /// Marks players taken out of a waiting line as being seated (call it with the queue locked,
    /// in the same step as the removal).
    pub(crate) fn mark_seating(&self, ids: &[String]) {
        for id in ids {
            if let Some(p) = self.players_by_id.get(id) {
                let mut loc = p.location.lock().expect("location");
                // An observer taken into a match (a tournament's round) stops watching the other.
                if let Location::Observing { match_id } = &*loc {
                    self.release_observer_now(id, match_id);
                }
                if !matches!(*loc, Location::InMatch { .. }) {
                    *loc = Location::Seating;
                }
            }
        }
    }

    /// Marks a change a facilitator's monitor of the session shows.
    pub fn touch(&self, code: &str) {
        if let Some(s) = self.sessions.get(code) {
            s.touch();
        }
    }

    /// Creates, stores and starts a match with players in the given seats (taken out of their
    /// waiting lines and marked `Seating` by the session's actor); returns its id. When it
    /// cannot be stored, its players are back in the lobby, told so, and the caller puts them
    /// back in line.
    pub(crate) async fn create_match(
        self: &Arc<Self>,
        session: &Arc<Session>,
        scenario_id: &str,
        seats: Vec<String>,
        match_number: Option<u64>,
    ) -> Option<String> {
        let teams = seats.into_iter().map(|p| vec![p]).collect();
        self.create_team_match(session, scenario_id, teams, match_number).await
    }

    /// [`App::create_match`] with a team in each seat (player ids by member; the first member
    /// is the seat's entry in the match's `seats`, and its spokesperson to begin with). Teams of
    /// one are seats played alone: the match is then stored exactly as one without teams.
    pub(crate) async fn create_team_match(
        self: &Arc<Self>,
        session: &Arc<Session>,
        scenario_id: &str,
        teams: Vec<Vec<String>>,
        match_number: Option<u64>,
    ) -> Option<String> {
        self.create_team_match_as(session, scenario_id, teams, match_number, None).await
    }

    /// [`App::create_team_match`] with the match's id chosen already (`id`: one the practice
    /// pool's table recorded when its players were claimed).
    pub(crate) async fn create_team_match_as(
        self: &Arc<Self>,
        session: &Arc<Session>,
        scenario_id: &str,
        teams: Vec<Vec<String>>,
        match_number: Option<u64>,
        id: Option<String>,
    ) -> Option<String> {
        let scenario = self.scenario(scenario_id)?;
        let seats: Vec<String> = teams.iter().filter_map(|t| t.first().cloned()).collect();
        if seats.len() != teams.len() {
            return None;
        }
        let has_teams = teams.iter().any(|t| t.len() > 1);
        let plan = session.settings.plan(
            match_number,
            session.coaching(),
            session.settings.durations.unwrap_or(scenario.phases),
        );
        let MatchSettings { small_talk, durations, coaching, .. } = plan.settings;
        let icebreaker =
            if plan.settings.icebreaker { scenario.icebreakers.choose(&mut rand::rng()).cloned() } else { None };
        // A practice player's drill travels with their seat (stored, so a restart keeps it).
        let drills: Vec<Option<crate::core::drills::Drill>> = seats
            .iter()
            .map(|pid| self.players_by_id.get(pid).and_then(|p| *p.wanted_drill.lock().expect("wanted drill")))
            .collect();
        let drills = if drills.iter().any(Option::is_some) { drills } else { Vec::new() };
        let cfg = StoredMatchConfig {
            drills,
            durations,
            small_talk,
            icebreaker,
            arm: plan.arm,
            coaching: Some(coaching),
            perspective_question: plan.settings.perspective_question,
            disclosure: plan.settings.disclosure,
            // The default survey is left implicit, as in every match stored before surveys varied.
            survey: (plan.survey != crate::core::survey::QUESTIONS).then_some(plan.survey),
            teams: if has_teams { teams.clone() } else { Vec::new() },
            team_decision: if has_teams { session.settings.team_decision } else { Default::default() },
        };
        let id = id.unwrap_or_else(|| new_id("m"));
        let row = MatchRow {
            id: id.clone(),
            session: session.code.clone(),
            scenario: scenario.id.clone(),
            config: serde_json::to_string(&cfg).expect("config serialises"),
            seats: serde_json::to_string(&seats).expect("seats serialise"),
            created_at: now_ms(),
            summary: None,
        };
        let row_copy = row.clone();
        if let Err(e) = self.store.insert_match(row).await {
            tracing::error!(error = %e, "could not store a new match; players go back to waiting");
            for pid in teams.iter().flatten() {
                if let Some(p) = self.players_by_id.get(pid).map(|p| p.clone()) {
                    *p.location.lock().expect("location") = Location::Lobby;
                    p.send(&ServerMsg::error(ErrorCode::Internal, "could not start your match; still waiting"));
                }
            }
            return None;
        }
        let player = |pid: &String| self.players_by_id.get(pid).map(|p| p.clone());
        let name_of = |p: &Option<Arc<Player>>| p.as_ref().map(|p| (p.name.clone(), p.bot)).unwrap_or_default();
        let members: Vec<Vec<Option<Arc<Player>>>> =
            teams.iter().map(|team| team.iter().map(player).collect()).collect();
        let names = members.iter().map(|team| name_of(&team[0])).collect();
        let team_names = members.iter().map(|team| team.iter().map(name_of).collect()).collect();
        let config = cfg.match_config(scenario.clone());
        let actor = MatchActor::new(
            id.clone(),
            Match::new(config),
            names,
            self.store.clone(),
            session.settings.dropout,
            session.settings.grace_seconds,
            self.phrases.clone(),
            now_ms(),
        )
        .with_teams(team_names)
        .with_reveal(session.settings.reveal)
        .with_coaching(coaching)
        .with_drills(&cfg.drills)
        .with_max_offers(self.limits.max_offers_per_match)
        .with_notices(self.notices.clone())
        .with_session_changes(session.changes.clone());
        let (tx, rx) = mpsc::channel(MAILBOX);
        let handle = MatchHandle {
            id: id.clone(),
            session: session.code.clone(),
            scenario,
            tx: tx.clone(),
            seats: seats.clone(),
            members: teams.clone(),
            summary: actor.summaries(),
        };
        self.matches.insert(id.clone(), handle);
        session.match_ids.lock().expect("match ids").push(id.clone());
        session.touch();
        tracing::info!(match_id = %id, session = %session.code, scenario = %scenario_id, small_talk, arm = ?cfg.arm, teams = ?cfg.teams.iter().map(Vec::len).collect::<Vec<_>>(), "match started");
        let summary_tx = actor.summary_sender();
        tokio::spawn(self.clone().match_task(row_copy, Some(actor), summary_tx, rx, true));
        let mut placed: Vec<(usize, usize, Arc<Player>)> = Vec::new();
        for (seat, team) in members.iter().enumerate() {
            for (member, p) in team.iter().enumerate() {
                if let Some(p) = p {
                    placed.push((seat, member, p.clone()));
                }
            }
        }
        for (seat, member, p) in placed {
            let old = std::mem::replace(
                &mut *p.location.lock().expect("location"),
                Location::InMatch { match_id: id.clone(), seat, member },
            );
            let conn = p.conn.lock().expect("conn").clone();
            // A player moving on (a tournament's next round) leaves their old match's actor.
            if let (Location::InMatch { match_id: old_id, seat: old_seat, member: old_member }, Some(c)) =
                (old, conn.as_ref())
            {
                if let Some(old_tx) = self.matches.get(&old_id).map(|m| m.tx.clone()) {
                    let detach = crate::runtime::match_actor::MatchMsg::Detach {
                        seat: old_seat,
                        member: old_member,
                        conn: c.id,
                    };
                    let _ = old_tx.send(detach).await;
                }
            }
            if let Some(outbox) = conn {
                let _ = tx.send(crate::runtime::match_actor::MatchMsg::Attach { seat, member, outbox }).await;
            }
        }
        Some(id)
    }
}
