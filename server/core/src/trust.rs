//! Trust built and strategic empathy: behaviour signals read from a match's event log, the
//! survey-based trust scores, perspective-taking accuracy and the behaviour index. Pure: the
//! input is the stored log, so any stored match can be re-scored. Every rule is written out in
//! `docs/scoring.md`; every weight is in [`BEHAVIOUR_WEIGHTS`].

use super::game::{Event, EventKind, Match, MatchConfig, Outcome, Phase};
use super::scenario::Scenario;
use super::scoring::package_points;
use super::tactics::{Line, Tactics, Tagger, Vocabulary};
use super::trust_model::{PlayerBehaviour, PlayerOutcome, TrustModel};
use serde::{Deserialize, Serialize};

/// The survey items that measure trust in the counterpart (each 1–7).
pub const TRUST_ITEMS: &[&str] = &["trust", "foundation", "listened"];

/// A player sees a trust number built from others' survey ratings only when at least this
/// many people gave them: with fewer, the number would give away what a counterpart answered
/// in a survey that promised them privacy. The facilitator's debrief shows every number.
pub const MIN_RATERS_SHOWN: usize = 3;

/// Turns after a disclosure or concession within which an answer in kind counts as reciprocity.
pub const RECIPROCITY_WINDOW: usize = 4;

/// A behaviour signal the index weighs (its count is [`PlayerSignals::count`]).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Signal {
    /// Chat messages in small talk.
    SmallTalkMessages,
    /// Messages with a question mark, before and during bargaining.
    Questions,
    /// Messages with an acknowledgment phrase.
    Acknowledgments,
    /// Checked statements found true.
    TrueDisclosures,
    /// Disclosures and concessions answered in kind.
    Reciprocated,
    /// Checked statements found misleading.
    MisleadingDisclosures,
    /// Messages with a pressure phrase.
    Pressure,
}

impl Signal {
    /// Its name in results and docs (`small_talk_messages`, ...).
    pub fn name(self) -> &'static str {
        match self {
            Signal::SmallTalkMessages => "small_talk_messages",
            Signal::Questions => "questions",
            Signal::Acknowledgments => "acknowledgments",
            Signal::TrueDisclosures => "true_disclosures",
            Signal::Reciprocated => "reciprocated",
            Signal::MisleadingDisclosures => "misleading_disclosures",
            Signal::Pressure => "pressure",
        }
    }
}

/// The behaviour index: `50 + Σ weight × min(count, cap)`, clamped to 0..100.
/// `(signal, weight, cap)`; a cap of `usize::MAX` means uncapped. A new signal is a [`Signal`]
/// variant, its count in [`PlayerSignals::count`] (the compiler asks for it) and a row here.
pub const BEHAVIOUR_WEIGHTS: &[(Signal, f64, usize)] = &[
    (Signal::SmallTalkMessages, 1.0, 10),
    (Signal::Questions, 2.0, 8),
    (Signal::Acknowledgments, 3.0, 5),
    (Signal::TrueDisclosures, 4.0, 4),
    (Signal::Reciprocated, 3.0, 5),
    (Signal::MisleadingDisclosures, -8.0, usize::MAX),
    (Signal::Pressure, -5.0, usize::MAX),
];

/// Phrase lists for the acknowledgment and pressure signals.
#[derive(Debug, Clone, Default, Deserialize, Serialize, PartialEq)]
pub struct Phrases {
    /// Reflective or emotion-acknowledging phrases.
    #[serde(default)]
    pub acknowledgment: Vec<String>,
    /// Threats and ultimatums.
    #[serde(default)]
    pub pressure: Vec<String>,
}

impl Phrases {
    /// The bundled lists (`server/data/phrases.toml`).
    pub fn bundled() -> Phrases {
        Phrases::parse(include_str!("../../data/phrases.toml")).expect("bundled phrases parse")
    }

    /// Parses a phrases file.
    pub fn parse(text: &str) -> Result<Phrases, String> {
        let mut p: Phrases = toml::from_str(text).map_err(|e| e.to_string())?;
        for l in [&mut p.acknowledgment, &mut p.pressure] {
            for s in l.iter_mut() {
                *s = s.to_lowercase();
            }
        }
        Ok(p)
    }

    /// Adds another file's phrases.
    pub fn extend(&mut self, other: Phrases) {
        self.acknowledgment.extend(other.acknowledgment);
        self.pressure.extend(other.pressure);
    }

    /// Whether `text` contains a phrase of `list` (case-insensitive).
    pub fn matches(list: &[String], text: &str) -> bool {
        let t = text.to_lowercase();
        list.iter().any(|p| !p.is_empty() && t.contains(p.as_str()))
    }
}

/// How much each issue matters to a role: the range (max − min) of its points on that issue.
pub fn issue_weights(s: &Scenario, role: usize) -> Vec<f64> {
    s.issues
        .iter()
        .map(|i| {
            let p = &i.points[role];
            (p.iter().max().unwrap_or(&0) - p.iter().min().unwrap_or(&0)) as f64
        })
        .collect()
}

/// Ranks (1 = largest value) with ties given their average rank.
fn ranks_desc(values: &[f64]) -> Vec<f64> {
    let mut idx: Vec<usize> = (0..values.len()).collect();
    idx.sort_by(|&a, &b| values[b].total_cmp(&values[a]));
    let mut ranks = vec![0.0; values.len()];
    let mut i = 0;
    while i < idx.len() {
        let mut j = i;
        while j + 1 < idx.len() && values[idx[j + 1]] == values[idx[i]] {
            j += 1;
        }
        let avg = (i + j) as f64 / 2.0 + 1.0;
        for k in i..=j {
            ranks[idx[k]] = avg;
        }
        i = j + 1;
    }
    ranks
}

fn pearson(x: &[f64], y: &[f64]) -> Option<f64> {
    let n = x.len() as f64;
    let (mx, my) = (x.iter().sum::<f64>() / n, y.iter().sum::<f64>() / n);
    let cov: f64 = x.iter().zip(y).map(|(a, b)| (a - mx) * (b - my)).sum();
    let vx: f64 = x.iter().map(|a| (a - mx).powi(2)).sum();
    let vy: f64 = y.iter().map(|b| (b - my).powi(2)).sum();
    (vx > 0.0 && vy > 0.0).then(|| cov / (vx * vy).sqrt())
}

/// Spearman rank correlation (−1..1) between a guessed ordering of issue ids (most important
/// first) and true weights per issue. `None` when undefined (fewer than 2 issues, or all true
/// weights equal, or the ordering is not every issue once).
pub fn perspective_accuracy(s: &Scenario, guess: &[String], true_weights: &[f64]) -> Option<f64> {
    if s.issues.len() < 2 || super::survey::validate_ordering(s, guess).is_err() {
        return None;
    }
    let mut guess_rank = vec![0.0; s.issues.len()];
    for (pos, id) in guess.iter().enumerate() {
        guess_rank[s.issue_index(id)?] = pos as f64 + 1.0;
    }
    pearson(&guess_rank, &ranks_desc(true_weights))
}

/// How many issues a guess puts in the right place: issue at position `i` of the guess is right
/// when its true rank (1 = matters most; tied issues share the range of their ranks) covers
/// `i + 1`. `None` for an invalid guess.
pub fn places_right(s: &Scenario, guess: &[String], true_weights: &[f64]) -> Option<usize> {
    if super::survey::validate_ordering(s, guess).is_err() {
        return None;
    }
    let mut right = 0;
    for (pos, id) in guess.iter().enumerate() {
        let w = true_weights[s.issue_index(id)?];
        let above = true_weights.iter().filter(|&&x| x > w).count();
        let tied = true_weights.iter().filter(|&&x| x == w).count();
        if (above..above + tied).contains(&pos) {
            right += 1;
        }
    }
    Some(right)
}

/// The weights of "the counterpart" of a seat: the other role's, or with several others, their sum.
pub fn counterpart_weights(s: &Scenario, seat: usize) -> Vec<f64> {
    let mut w = vec![0.0; s.issues.len()];
    for r in (0..s.roles.len()).filter(|&r| r != seat) {
        for (k, x) in issue_weights(s, r).into_iter().enumerate() {
            w[k] += x;
        }
    }
    w
}

/// Behaviour counted for one player.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
pub struct PlayerSignals {
    /// Chat messages sent in small talk.
    pub small_talk_messages: usize,
    /// Messages with a question mark sent before bargaining (prep and small talk).
    pub questions_before: usize,
    /// Messages with a question mark sent during bargaining.
    pub questions_during: usize,
    /// Messages containing an acknowledgment phrase.
    pub acknowledgments: usize,
    /// Messages containing a pressure phrase.
    pub pressure: usize,
    /// Disclosures true to the player's hidden points.
    pub true_disclosures: usize,
    /// Disclosures that were not.
    pub misleading_disclosures: usize,
    /// Other players' disclosures and concessions this player answered in kind within the window.
    pub reciprocated: usize,
    /// Offers that gave the others more than the player's previous offer.
    pub concessions: usize,
    /// The player's own points in each of their offers, in order (the concession pattern).
    pub own_points_by_offer: Vec<i64>,
}

impl PlayerSignals {
    /// A signal's count.
    pub fn count(&self, signal: Signal) -> usize {
        match signal {
            Signal::SmallTalkMessages => self.small_talk_messages,
            Signal::Questions => self.questions_before + self.questions_during,
            Signal::Acknowledgments => self.acknowledgments,
            Signal::TrueDisclosures => self.true_disclosures,
            Signal::Reciprocated => self.reciprocated,
            Signal::MisleadingDisclosures => self.misleading_disclosures,
            Signal::Pressure => self.pressure,
        }
    }

    /// The behaviour index and each signal's contribution.
    pub fn behaviour_index(&self) -> (f64, Vec<(&'static str, f64)>) {
        let parts: Vec<(&'static str, f64)> =
            BEHAVIOUR_WEIGHTS.iter().map(|&(sig, w, cap)| (sig.name(), w * self.count(sig).min(cap) as f64)).collect();
        let total = 50.0 + parts.iter().map(|p| p.1).sum::<f64>();
        (total.clamp(0.0, 100.0), parts)
    }
}

/// What raised a player's behaviour index most and what lowered it, as data (a page words it;
/// [`behaviour_sentence`] does in English).
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
pub struct IndexMoves {
    /// The signal that raised it most (`questions`, `acknowledgments`, ...) and by how much.
    pub raised_by: Option<(String, f64)>,
    /// The first signal that lowered it, and by how much (negative).
    pub lowered_by: Option<(String, f64)>,
}

impl IndexMoves {
    fn of(parts: &[(&'static str, f64)]) -> IndexMoves {
        let mut up: Vec<&(&str, f64)> = parts.iter().filter(|p| p.1 > 0.0).collect();
        up.sort_by(|a, b| b.1.total_cmp(&a.1));
        let down = parts.iter().find(|p| p.1 < 0.0);
        IndexMoves {
            raised_by: up.first().map(|p| (p.0.to_string(), p.1)),
            lowered_by: down.map(|p| (p.0.to_string(), p.1)),
        }
    }
}

/// Trust and empathy results for one player.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct PlayerTrust {
    /// Seat.
    pub seat: usize,
    /// How the others rated this player on the trust items, 0..100 (people only: a bot's
    /// ratings never count).
    pub trust_earned: Option<f64>,
    /// How many people's ratings `trust_earned` averages.
    pub trust_raters: usize,
    /// This player's own ratings of the others count (answered, and a person).
    pub gave_rating: bool,
    /// Perspective-taking accuracy before talking (prep guess), −1..1.
    pub perspective_before: Option<f64>,
    /// Perspective-taking accuracy after the match (survey guess), −1..1.
    pub perspective_after: Option<f64>,
    /// After − before.
    pub perspective_gain: Option<f64>,
    /// Issues the prep guess put in the right place (see [`places_right`]).
    pub places_right_before: Option<usize>,
    /// Issues the survey guess put in the right place.
    pub places_right_after: Option<usize>,
    /// Issues in the scenario (what the two counts are out of).
    pub issues: usize,
    /// What the player did, as the trust model reads it (tactic counts and replies).
    pub behaviour: PlayerBehaviour,
    /// How the match ended for the player, as the full trust model reads it (none until a deal or impasse).
    pub outcome: Option<PlayerOutcome>,
    /// The behavioural estimate of the trust this player built (0..100, predicted partner
    /// liking), none until the match has an outcome.
    pub trust_estimate: Option<f64>,
    /// Its behaviour-only part (0..100).
    pub trust_estimate_behaviour: f64,
    /// The player's tactic profile in plain words, against players whose deals reached the frontier.
    pub profile: Vec<String>,
    /// The same profile as data.
    pub profile_lines: Vec<crate::trust_model::ProfileLine>,
    /// What moved the behaviour index most, up and down.
    pub index_moves: IndexMoves,
    /// Behaviour index 0..100.
    pub behaviour_index: f64,
    /// The counted behaviour.
    pub signals: PlayerSignals,
    /// One sentence per number, on what raised or lowered it.
    pub sentences: Vec<String>,
}

/// Trust and empathy results for a match.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct TrustReport {
    /// Trust built, 0..100: the survey-based score and the behavioural estimate averaged when
    /// players answered the survey, the estimate alone when they did not.
    pub trust_built: Option<f64>,
    /// From the players' survey ratings of each other alone, 0..100.
    pub trust_survey: Option<f64>,
    /// The behavioural estimate (`core::trust_model`), mean over players, 0..100; none until
    /// the match has an outcome.
    pub trust_estimate: Option<f64>,
    /// Its behaviour-only part (no outcome features), mean over players, 0..100.
    pub trust_estimate_behaviour: f64,
    /// The tactics of every player chat line (statements included), in order.
    pub line_tactics: Vec<Tactics>,
    /// Survey answers by people that rated the trust items.
    pub ratings: usize,
    /// Mean of the players' behaviour indexes (shown beside trust built, never blended).
    pub behaviour_index: f64,
    /// Small-talk balance: fewest messages / most messages among players (1 = even); none without small talk.
    pub small_talk_balance: Option<f64>,
    /// Share of consecutive small-talk messages by different speakers (two-way talk).
    pub turn_taking: Option<f64>,
    /// Per player.
    pub players: Vec<PlayerTrust>,
}

/// A player's mean rating of the trust items, mapped from 1..7 to 0..100.
fn trust_rating(m: &Match, seat: usize) -> Option<f64> {
    let a = m.survey[seat].as_ref()?.as_ref()?;
    let vals: Vec<f64> = TRUST_ITEMS.iter().filter_map(|k| a.ratings.get(*k)).map(|&v| v as f64).collect();
    if vals.is_empty() {
        return None;
    }
    Some((vals.iter().sum::<f64>() / vals.len() as f64 - 1.0) / 6.0 * 100.0)
}

fn mean(v: &[f64]) -> Option<f64> {
    (!v.is_empty()).then(|| v.iter().sum::<f64>() / v.len() as f64)
}

#[derive(Clone, Copy, PartialEq)]
enum Turn {
    Chat,
    Disclosure,
    Offer { concession: bool },
}

/// Scores a match from its event log, every seat held by a person.
pub fn analyse_log(config: MatchConfig, events: &[Event], phrases: &Phrases) -> TrustReport {
    analyse_log_with_bots(config, events, phrases, &[])
}

/// Scores a match from its event log; `bot[seat]` marks seats held by a bot, whose survey
/// ratings are left out of every trust number (a bot's opinion is not a person's trust).
pub fn analyse_log_with_bots(config: MatchConfig, events: &[Event], phrases: &Phrases, bot: &[bool]) -> TrustReport {
    let mut m = Match::new(config);
    let n = m.seats;
    let mut sig = vec![PlayerSignals::default(); n];
    let mut turns: Vec<(usize, Turn)> = Vec::new();
    let mut small_talk_speakers: Vec<usize> = Vec::new();
    let mut last_offer_to_others: Vec<Option<i64>> = vec![None; n];
    // Player lines (chat and statements) for the tactic tagger: (seat, text, pressure phrase?).
    let mut lines: Vec<(usize, String, bool)> = Vec::new();
    for e in events {
        let phase = m.phase;
        match &e.kind {
            EventKind::Chat { seat, text, .. } => {
                lines.push((*seat, text.clone(), Phrases::matches(&phrases.pressure, text)));
                let s = &mut sig[*seat];
                if phase == Phase::SmallTalk {
                    s.small_talk_messages += 1;
                    small_talk_speakers.push(*seat);
                }
                if text.contains('?') {
                    if phase == Phase::Bargaining {
                        s.questions_during += 1;
                    } else {
                        s.questions_before += 1;
                    }
                }
                if Phrases::matches(&phrases.acknowledgment, text) {
                    s.acknowledgments += 1;
                }
                if Phrases::matches(&phrases.pressure, text) {
                    s.pressure += 1;
                }
                turns.push((*seat, Turn::Chat));
            }
            EventKind::Disclosed { seat, truthful, statement, .. } => {
                lines.push((*seat, statement.render(&m.config.scenario), false));
                if *truthful {
                    sig[*seat].true_disclosures += 1;
                } else {
                    sig[*seat].misleading_disclosures += 1;
                }
                turns.push((*seat, Turn::Disclosure));
            }
            EventKind::Offer { seat, package, .. } => {
                let pts = package_points(&m.config.scenario, package);
                let to_others: i64 = pts.iter().enumerate().filter(|(i, _)| i != seat).map(|(_, p)| p).sum();
                let concession = last_offer_to_others[*seat].is_some_and(|prev| to_others > prev);
                last_offer_to_others[*seat] = Some(to_others);
                sig[*seat].own_points_by_offer.push(pts[*seat]);
                if concession {
                    sig[*seat].concessions += 1;
                }
                turns.push((*seat, Turn::Offer { concession }));
            }
            _ => {}
        }
        m.apply(e);
    }
    // Reciprocity: answering another player's disclosure with a disclosure, or their
    // concession with a concession, within the next RECIPROCITY_WINDOW turns.
    for (i, &(who, kind)) in turns.iter().enumerate() {
        let wanted = match kind {
            Turn::Disclosure => Turn::Disclosure,
            Turn::Offer { concession: true } => Turn::Offer { concession: true },
            _ => continue,
        };
        let mut answered = vec![false; n];
        for &(other, k) in turns.iter().skip(i + 1).take(RECIPROCITY_WINDOW) {
            if other != who && k == wanted && !answered[other] {
                answered[other] = true;
                sig[other].reciprocated += 1;
            }
        }
    }
    let s = m.config.scenario.clone();
    // Tactics of every line, and what each player did with them.
    let tagged: Vec<Line> = lines.iter().map(|(seat, text, _)| Line { speaker: *seat, text }).collect();
    let line_tactics = Tagger::bundled().tag_dialogue(&tagged, &Vocabulary::of(&s));
    let mut behaviour = vec![PlayerBehaviour::default(); n];
    for (i, ((seat, _, pressure), tags)) in lines.iter().zip(&line_tactics).enumerate() {
        let previous_other = i.checked_sub(1).filter(|&j| lines[j].0 != *seat).map(|j| line_tactics[j]);
        behaviour[*seat].count_line(*tags, previous_other, *pressure);
    }
    for (seat, b) in behaviour.iter_mut().enumerate() {
        b.concessions = sig[seat].concessions;
    }
    let outcomes = player_outcomes(&m);
    let model = TrustModel::bundled();
    let estimates: Vec<(Option<f64>, f64)> =
        (0..n).map(|seat| model.estimate(&behaviour[seat], outcomes.as_ref().map(|o| &o[seat]))).collect();
    let is_bot = |i: usize| bot.get(i).copied().unwrap_or(false);
    let ratings: Vec<Option<f64>> = (0..n).map(|i| trust_rating(&m, i).filter(|_| !is_bot(i))).collect();
    let given: Vec<f64> = ratings.iter().flatten().copied().collect();
    let players: Vec<PlayerTrust> = (0..n)
        .map(|seat| {
            let others: Vec<f64> = (0..n).filter(|&o| o != seat).filter_map(|o| ratings[o]).collect();
            let trust_earned = mean(&others);
            let trust_raters = others.len();
            let cw = counterpart_weights(&s, seat);
            let before = m.prep_guess[seat].as_ref().and_then(|g| perspective_accuracy(&s, g, &cw));
            let after = m.survey[seat]
                .as_ref()
                .and_then(|a| a.as_ref())
                .and_then(|a| a.counterpart_priorities.as_ref())
                .and_then(|g| perspective_accuracy(&s, g, &cw));
            let gain = before.zip(after).map(|(b, a)| a - b);
            let places_before = m.prep_guess[seat].as_ref().and_then(|g| places_right(&s, g, &cw));
            let places_after = m.survey[seat]
                .as_ref()
                .and_then(|a| a.as_ref())
                .and_then(|a| a.counterpart_priorities.as_ref())
                .and_then(|g| places_right(&s, g, &cw));
            let (index, parts) = sig[seat].behaviour_index();
            let places = (places_before, places_after, s.issues.len());
            let sentences = sentences(trust_earned, trust_raters, places, index, &parts);
            PlayerTrust {
                seat,
                trust_earned,
                trust_raters,
                gave_rating: ratings[seat].is_some(),
                perspective_before: before,
                perspective_after: after,
                perspective_gain: gain,
                places_right_before: places_before,
                places_right_after: places_after,
                issues: s.issues.len(),
                behaviour: behaviour[seat].clone(),
                outcome: outcomes.as_ref().map(|o| o[seat]),
                trust_estimate: estimates[seat].0,
                trust_estimate_behaviour: estimates[seat].1,
                profile: model.profile_sentences(&behaviour[seat]),
                profile_lines: model.profile_lines(&behaviour[seat]),
                index_moves: IndexMoves::of(&parts),
                behaviour_index: index,
                signals: sig[seat].clone(),
                sentences,
            }
        })
        .collect();
    let counts: Vec<usize> = sig.iter().map(|x| x.small_talk_messages).collect();
    let max = counts.iter().copied().max().unwrap_or(0);
    let small_talk_balance = (max > 0).then(|| *counts.iter().min().unwrap_or(&0) as f64 / max as f64);
    let turn_taking = (small_talk_speakers.len() >= 2).then(|| {
        small_talk_speakers.windows(2).filter(|w| w[0] != w[1]).count() as f64 / (small_talk_speakers.len() - 1) as f64
    });
    let trust_survey = mean(&given);
    let trust_estimate = mean(&estimates.iter().filter_map(|e| e.0).collect::<Vec<_>>());
    let trust_built = match (trust_survey, trust_estimate) {
        (Some(s), Some(e)) => Some((s + e) / 2.0),
        (s, e) => s.or(e),
    };
    TrustReport {
        trust_built,
        trust_survey,
        trust_estimate,
        trust_estimate_behaviour: mean(&estimates.iter().map(|e| e.1).collect::<Vec<_>>()).unwrap_or(50.0),
        line_tactics,
        ratings: given.len(),
        behaviour_index: mean(&players.iter().map(|p| p.behaviour_index).collect::<Vec<_>>()).unwrap_or(50.0),
        small_talk_balance,
        turn_taking,
        players,
    }
}

/// The sentences a player reads about their own numbers. The first one, on trust earned, is
/// only ever shown to the player when `raters >= MIN_RATERS_SHOWN` (see `runtime::view`).
/// Each player's outcome as the trust model reads it, once the match has a deal or an impasse.
fn player_outcomes(m: &Match) -> Option<Vec<PlayerOutcome>> {
    let s = &m.config.scenario;
    let points: Vec<i64> = match m.outcome.as_ref()? {
        Outcome::Deal { package } => package_points(s, package),
        Outcome::Impasse { .. } => s.roles.iter().map(|r| r.batna).collect(),
        Outcome::Abandoned { .. } => return None,
    };
    let share = |r: usize| {
        let (_, max) = s.role_range(r);
        if max > 0 {
            points[r] as f64 / max as f64
        } else {
            0.0
        }
    };
    let n = s.roles.len();
    let deal = if matches!(m.outcome, Some(Outcome::Deal { .. })) { 1.0 } else { 0.0 };
    Some(
        (0..n)
            .map(|seat| {
                let others: Vec<f64> = (0..n).filter(|&o| o != seat).map(share).collect();
                PlayerOutcome { own_share: share(seat), partner_share: mean(&others).unwrap_or(0.0), deal }
            })
            .collect(),
    )
}

fn sentences(
    earned: Option<f64>,
    raters: usize,
    places: (Option<usize>, Option<usize>, usize),
    index: f64,
    parts: &[(&'static str, f64)],
) -> Vec<String> {
    let mut out = Vec::new();
    out.push(match earned {
        Some(t) if raters >= MIN_RATERS_SHOWN => format!(
            "Trust earned {t:.0}/100: the average of how {raters} people rated trusting you, your foundation for working together and being listened to."
        ),
        Some(_) => format!(
            "Trust earned: fewer than {MIN_RATERS_SHOWN} people rated you, so it stays with your facilitator (a single rating would give away a private answer)."
        ),
        None => "Trust earned: no rating, because nobody answered those survey questions about you.".into(),
    });
    out.push(perspective_sentence(places));
    out.push(behaviour_sentence(index, parts));
    out
}

/// Perspective-taking in words: how many issues the player put in the right place in their
/// ordering of what matters to the counterpart, before talking and after.
fn perspective_sentence((before, after, n): (Option<usize>, Option<usize>, usize)) -> String {
    match (before, after) {
        (Some(b), Some(a)) => format!(
            "Reading their priorities: before talking you had {b} of {n} in the right place; after, {a} of {n}. {}",
            if a > b {
                "Talking taught you what they value."
            } else if a == n {
                "You read them well from the start."
            } else {
                "Asking more about what matters to them would help."
            }
        ),
        (None, Some(a)) => format!("Reading their priorities: after the match you had {a} of {n} in the right place."),
        (Some(b), None) => format!("Reading their priorities: before talking you had {b} of {n} in the right place."),
        _ => "Reading their priorities: put their issues in order (before talking and in the survey) to see how well you read them.".into(),
    }
}

fn behaviour_sentence(index: f64, parts: &[(&'static str, f64)]) -> String {
    let mut up: Vec<&(&str, f64)> = parts.iter().filter(|p| p.1 > 0.0).collect();
    up.sort_by(|a, b| b.1.total_cmp(&a.1));
    let down: Vec<&(&str, f64)> = parts.iter().filter(|p| p.1 < 0.0).collect();
    let name = |n: &str| n.replace('_', " ");
    let mut s = format!("Behaviour index {index:.0}/100 (starts at 50)");
    if let Some(u) = up.first() {
        s.push_str(&format!("; raised most by {} (+{:.0})", name(u.0), u.1));
    }
    if let Some(d) = down.first() {
        s.push_str(&format!("; lowered by {} ({:.0})", name(d.0), d.1));
    }
    s.push('.');
    s
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::game::{Action, Statement};
    use crate::scenario::{PhaseDurations, Scenario};
    use crate::survey::SurveyAnswer;
    use std::sync::Arc;

    const S: &str = r#"
id = "t"
title = "T"
summary = "s"
[[roles]]
id = "a"
name = "A"
batna = 0
brief = "A"
[[roles]]
id = "b"
name = "B"
batna = 0
brief = "B"
[[issues]]
id = "x"
name = "X"
options = ["x0", "x1", "x2"]
points = { a = [0, 5, 10], b = [2, 1, 0] }
[[issues]]
id = "y"
name = "Y"
options = ["y0", "y1"]
points = { a = [0, 1], b = [6, 0] }
[[issues]]
id = "z"
name = "Z"
options = ["z0", "z1"]
points = { a = [3, 0], b = [0, 4] }
"#;

    #[test]
    fn places_right_counts_positions_and_shares_ties() {
        let s = Scenario::from_toml("t.toml", S).unwrap();
        let g = |v: &[&str]| v.iter().map(|x| x.to_string()).collect::<Vec<_>>();
        // B's weights: X 2, Y 6, Z 4 (the example of docs/scoring.md).
        let w = issue_weights(&s, 1);
        assert_eq!(places_right(&s, &g(&["x", "y", "z"]), &w), Some(0));
        assert_eq!(places_right(&s, &g(&["y", "z", "x"]), &w), Some(3));
        assert_eq!(places_right(&s, &g(&["y", "x", "z"]), &w), Some(1));
        assert_eq!(places_right(&s, &g(&["x", "y"]), &w), None, "not every issue");
        // Ties share their places: X 9, Y 4, Z 4 puts Y and Z in places 2 and 3 either way.
        let tied = [9.0, 4.0, 4.0];
        assert_eq!(places_right(&s, &g(&["x", "y", "z"]), &tied), Some(3));
        assert_eq!(places_right(&s, &g(&["x", "z", "y"]), &tied), Some(3));
        assert_eq!(places_right(&s, &g(&["z", "y", "x"]), &tied), Some(1));
        assert_eq!(
            perspective_sentence((Some(1), Some(3), 3)),
            "Reading their priorities: before talking you had 1 of 3 in the right place; after, 3 of 3. Talking taught you what they value."
        );
    }

    fn cfg() -> MatchConfig {
        MatchConfig {
            scenario: Arc::new(Scenario::from_toml("t.toml", S).unwrap()),
            durations: PhaseDurations { prep: 10, small_talk: 10, bargaining: 10, survey: 10 },
            small_talk: true,
            icebreaker: None,
            features: Default::default(),
        }
    }

    /// Plays actions through the real state machine, recording the log.
    fn play(steps: &[(usize, Action)]) -> Vec<Event> {
        let mut m = Match::new(cfg());
        let mut log = Vec::new();
        let mut t = 0;
        let start = m.start();
        for kind in start {
            let e = Event { at: t, kind };
            m.apply(&e);
            log.push(e);
        }
        for (seat, a) in steps {
            t += 1000;
            let evs = m.decide(*seat, a).unwrap_or_else(|e| panic!("{a:?}: {e}"));
            for kind in evs {
                let e = Event { at: t, kind };
                m.apply(&e);
                log.push(e);
            }
        }
        log
    }

    fn survey(trust: u8, foundation: u8, listened: u8, order: Option<&[&str]>) -> Action {
        Action::Survey(SurveyAnswer {
            ratings: [("trust", trust), ("foundation", foundation), ("listened", listened), ("fair", 1)]
                .into_iter()
                .map(|(k, v)| (k.to_string(), v))
                .collect(),
            counterpart_priorities: order.map(|o| o.iter().map(|s| s.to_string()).collect()),
            texts: Default::default(),
        })
    }

    #[test]
    fn weights_and_statement_verdicts() {
        let c = cfg();
        let s = &c.scenario;
        // A's ranges: x 10, y 1, z 3 (mean 4.67). B's: x 2, y 6, z 4 (mean 4).
        assert_eq!(issue_weights(s, 0), vec![10.0, 1.0, 3.0]);
        assert!(Statement::Importance { issue: 0, high: true }.is_true(s, 0));
        assert!(!Statement::Importance { issue: 1, high: true }.is_true(s, 0));
        assert!(Statement::Importance { issue: 1, high: false }.is_true(s, 0));
        assert!(Statement::Prefers { issue: 0, better: 2, worse: 0 }.is_true(s, 0));
        assert!(!Statement::Prefers { issue: 0, better: 2, worse: 0 }.is_true(s, 1));
        assert_eq!(
            Statement::Prefers { issue: 1, better: 0, worse: 1 }.render(s),
            "On Y, I prefer \"y0\" over \"y1\"."
        );
    }

    #[test]
    fn spearman_by_hand() {
        let c = cfg();
        let s = &c.scenario;
        let w = issue_weights(s, 1); // B: x 2, y 6, z 4 -> true order y, z, x
        let g = |o: &[&str]| o.iter().map(|x| x.to_string()).collect::<Vec<_>>();
        assert_eq!(perspective_accuracy(s, &g(&["y", "z", "x"]), &w), Some(1.0));
        assert_eq!(perspective_accuracy(s, &g(&["x", "z", "y"]), &w), Some(-1.0));
        // ranks guess (y1,x2,z3) vs true (y1,z2,x3): d = 0,1,1 -> 1 - 6*2/(3*8) = 0.5
        let r = perspective_accuracy(s, &g(&["y", "x", "z"]), &w).unwrap();
        assert!((r - 0.5).abs() < 1e-9);
        assert_eq!(perspective_accuracy(s, &g(&["y", "x"]), &w), None);
        // Ties: average ranks.
        assert_eq!(ranks_desc(&[1.0, 3.0, 3.0]), vec![3.0, 1.5, 1.5]);
    }

    #[test]
    fn hand_built_match_gives_known_signals_and_scores() {
        use Action::*;
        let chat = |t: &str| Chat(t.to_string());
        let log = play(&[
            (0, GuessPriorities(vec!["x".into(), "y".into(), "z".into()])), // A guesses B: x,y,z (true y,z,x)
            (1, GuessPriorities(vec!["x".into(), "z".into(), "y".into()])), // B guesses A: x,z,y (true x,z,y)
            (0, Ready),
            (1, Ready),
            (0, chat("Where are you from?")),
            (1, chat("The coast. You?")),
            (0, chat("Inland. It sounds like you love the sea")),
            (0, Ready),
            (1, Ready),
            (0, Disclose(Statement::Importance { issue: 0, high: true })), // true for A
            (1, Disclose(Statement::Importance { issue: 0, high: true })), // false for B (x range 2 < 4)
            (0, Offer(vec![2, 0, 0])),                                     // B gets 0 + 6 + 0 = 6
            (1, chat("Take it or leave it?")),
            (0, Offer(vec![2, 0, 1])), // B gets 0 + 6 + 4 = 10 -> concession
            (1, Offer(vec![2, 0, 1])), // B's first offer, not a concession
            (0, Accept(3)),
            (0, survey(7, 7, 7, Some(&["y", "z", "x"]))),
            (1, survey(4, 4, 4, None)),
        ]);
        let r = analyse_log(cfg(), &log, &Phrases::bundled());
        let (a, b) = (&r.players[0], &r.players[1]);
        assert_eq!(a.signals.small_talk_messages, 2);
        assert_eq!(b.signals.small_talk_messages, 1);
        assert_eq!(r.small_talk_balance, Some(0.5));
        assert_eq!(r.turn_taking, Some(1.0)); // speakers A, B, A: 2 switches in 2 pairs
        assert_eq!(a.signals.questions_before, 1);
        assert_eq!(b.signals.questions_before, 1); // "The coast. You?"
        assert_eq!(b.signals.questions_during, 1);
        assert_eq!(a.signals.acknowledgments, 1);
        assert_eq!(b.signals.pressure, 1);
        assert_eq!((a.signals.true_disclosures, a.signals.misleading_disclosures), (1, 0));
        assert_eq!((b.signals.true_disclosures, b.signals.misleading_disclosures), (0, 1));
        assert_eq!(b.signals.reciprocated, 1, "B answered A's disclosure with one");
        assert_eq!(a.signals.concessions, 1);
        assert_eq!(a.signals.own_points_by_offer, vec![13, 10]);
        // Trust: A rated 7,7,7 -> 100; B rated 4,4,4 -> 50. Built = 75; A earned 50, B earned 100.
        assert_eq!(r.trust_survey, Some(75.0));
        // Trust built averages the survey with the behavioural estimate (issue #11).
        let est = r.trust_estimate.expect("a deal gives an estimate");
        assert!((r.trust_built.unwrap() - (75.0 + est) / 2.0).abs() < 1e-9);
        assert_eq!((a.trust_earned, b.trust_earned), (Some(50.0), Some(100.0)));
        // A: before x,y,z vs true y,z,x -> ranks (1,2,3) vs (3,1,2): rho = -0.5; after exact: 1.
        assert!((a.perspective_before.unwrap() + 0.5).abs() < 1e-9);
        assert_eq!(a.perspective_after, Some(1.0));
        assert!((a.perspective_gain.unwrap() - 1.5).abs() < 1e-9);
        assert_eq!(b.perspective_before, Some(1.0));
        assert_eq!(b.perspective_after, None);
        // Behaviour: A = 50 + 2 (small talk) + 2 (1 question) + 3 (ack) + 4 (true disclosure) = 61.
        assert_eq!(a.behaviour_index, 61.0);
        // B = 50 + 1 + 4 (2 questions) + 3 (reciprocated) - 8 (misleading) - 5 (pressure) = 45.
        assert_eq!(b.behaviour_index, 45.0);
        assert_eq!(r.behaviour_index, 53.0);
        assert_eq!(a.sentences.len(), 3);
    }
}
