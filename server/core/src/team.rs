//! Teams: a seat (one role) held by 2–4 people. The seat still plays as one party — one brief,
//! one points table, one standing offer, one vote under the deal rule — but the log records which
//! member acted (chat lines, offers, accepts, rejects, withdrawals, walk-aways and statements
//! carry `member`, the index within the team), the team talks in a private caucus (its own event
//! kind, shown to nobody outside the team), and the session's [`TeamDecision`] rule says which
//! member may commit the seat. A seat of one member plays as it always did: nothing of this
//! module changes its events.

use crate::game::{Action, ActionKind, EventKind, GameError, Match, Millis, Phase, MAX_CHAT_CHARS};
use crate::scoring::Package;
use crate::survey::SurveyAnswer;
use serde::{Deserialize, Serialize};

/// The most members a team may have.
pub const MAX_TEAM: usize = 4;

/// Who may commit a team's seat (make, withdraw, accept or reject an offer, walk away, act on
/// tentative terms). Chat, the caucus, statements, the prep guess, the ready vote and the survey
/// are open to every member under every rule.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, Default)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
#[serde(rename_all = "snake_case")]
pub enum TeamDecision {
    /// Any member may act for the seat.
    #[default]
    Any,
    /// Only the team's spokesperson (the first member until the team names another).
    Spokesperson,
    /// An offer, an accept or a walk-away is proposed in the caucus and goes out only once every
    /// other member approved it; the rest of the seat's moves are open to every member.
    Consensus,
}

/// The teams of a match: members per seat and the decision rule.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct TeamRules {
    /// Members per seat, in seat order; empty (or a missing seat): one member each.
    pub sizes: Vec<usize>,
    /// Who may commit a seat.
    pub decision: TeamDecision,
}

impl TeamRules {
    /// Members of `seat` when the match starts.
    pub fn size(&self, seat: usize) -> usize {
        self.sizes.get(seat).copied().unwrap_or(1).max(1)
    }
}

/// What a team decides together under [`TeamDecision::Consensus`].
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
#[serde(tag = "act", rename_all = "snake_case")]
pub enum Motion {
    /// Send this package as the seat's offer.
    Offer {
        /// Option index by issue index.
        package: Package,
    },
    /// Accept the counterpart's standing offer.
    Accept {
        /// Its id.
        offer_id: u64,
    },
    /// Walk away without a deal.
    WalkAway,
}

impl Motion {
    /// The motion an action becomes under consensus (none: the action needs no approval).
    pub fn of(action: &Action) -> Option<Motion> {
        match action {
            Action::Offer(package) => Some(Motion::Offer { package: package.clone() }),
            Action::Accept(offer_id) => Some(Motion::Accept { offer_id: *offer_id }),
            Action::WalkAway => Some(Motion::WalkAway),
            _ => None,
        }
    }

    /// The seat's action once the motion is carried.
    pub fn action(&self) -> Action {
        match self {
            Motion::Offer { package } => Action::Offer(package.clone()),
            Motion::Accept { offer_id } => Action::Accept(*offer_id),
            Motion::WalkAway => Action::WalkAway,
        }
    }
}

/// A motion waiting for the team's approval (one open per seat; a newer one replaces it).
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct TeamMotion {
    /// Id, unique in the match.
    pub id: u64,
    /// Who proposed it.
    pub member: usize,
    /// What it does.
    pub motion: Motion,
    /// Members who approved it (the proposer counts as approving).
    pub approved_by: Vec<usize>,
    /// When it was proposed.
    pub at: Millis,
}

/// One line of a team's caucus: seen by that team's members only, until results, and never by
/// the other side, observers or other matches.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct CaucusLine {
    /// The team's seat.
    pub seat: usize,
    /// The member who wrote it.
    pub member: usize,
    /// The text.
    pub text: String,
    /// When.
    pub at: Millis,
    /// The phase it was written in.
    pub phase: Phase,
}

/// The teams' side of a match's state.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct TeamState {
    /// Members per seat now (a seat handed on to one person has one).
    pub sizes: Vec<usize>,
    /// The spokesperson of each seat (member index).
    pub spokesperson: Vec<usize>,
    /// Each seat's open motion.
    pub motions: Vec<Option<TeamMotion>>,
    /// Every caucus line of every team, in order (each is shown to its own team only).
    pub caucus: Vec<CaucusLine>,
    /// Motions proposed so far (ids count from 1).
    pub motions_made: u64,
    /// Accepts made by team members: `(seat, member)`, in order.
    pub accepts: Vec<(usize, usize)>,
    /// Every team member's survey answer: `(seat, member, answer)` (`None`: skipped), in order.
    pub surveys: Vec<(usize, usize, Option<SurveyAnswer>)>,
    /// Members the facilitator removed: `(seat, member)`. Indexes never shift, so the log's
    /// `member` fields keep naming the same people.
    pub removed: Vec<(usize, usize)>,
}

impl TeamState {
    /// The state at the start of a match with these rules and seats.
    pub fn new(rules: &TeamRules, seats: usize) -> TeamState {
        TeamState {
            sizes: (0..seats).map(|s| rules.size(s)).collect(),
            spokesperson: vec![0; seats],
            motions: vec![None; seats],
            caucus: Vec::new(),
            motions_made: 0,
            accepts: Vec::new(),
            surveys: Vec::new(),
            removed: Vec::new(),
        }
    }

    /// Members of a seat now.
    pub fn size(&self, seat: usize) -> usize {
        self.sizes.get(seat).copied().unwrap_or(1)
    }

    /// Whether a member of a seat still plays (not removed, and within the team).
    pub fn is_present(&self, seat: usize, member: usize) -> bool {
        member < self.size(seat) && !self.removed.contains(&(seat, member))
    }

    /// Members of a seat still playing (the removed ones not counted).
    pub fn present(&self, seat: usize) -> usize {
        (0..self.size(seat)).filter(|&m| self.is_present(seat, m)).count()
    }

    /// Whether a team member answered (or skipped) the survey.
    pub fn answered(&self, seat: usize, member: usize) -> bool {
        self.surveys.iter().any(|(s, m, _)| *s == seat && *m == member)
    }
}

/// What one team member did in a match (counts of conduct, not a score).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub struct MemberCounts {
    /// Public chat lines they wrote (statements not included).
    pub messages: usize,
    /// Checked statements they made.
    pub statements: usize,
    /// Offers they made for the team (under consensus: proposed, and carried).
    pub offers: usize,
    /// Accepts they made for the team (likewise).
    pub accepts: usize,
    /// Lines they wrote in the team's caucus.
    pub caucus_lines: usize,
}

/// Whether an action commits the seat (the decision rule governs it).
pub fn commits_seat(kind: ActionKind) -> bool {
    use ActionKind::*;
    matches!(
        kind,
        Offer
            | Withdraw
            | Accept
            | Reject
            | WalkAway
            | ProposeTerms
            | AgreeTerms
            | RejectTerms
            | WithdrawTerms
            | ReopenTerms
    )
}

/// Writes the acting member into the events of a seat's action that record one.
fn stamp(events: &mut [EventKind], who: usize) {
    for e in events {
        match e {
            EventKind::Chat { member, .. }
            | EventKind::Offer { member, .. }
            | EventKind::Withdraw { member, .. }
            | EventKind::Accept { member, .. }
            | EventKind::Reject { member, .. }
            | EventKind::WalkAway { member, .. }
            | EventKind::Disclosed { member, .. }
            | EventKind::TermsProposed { member, .. }
            | EventKind::TermsAccepted { member, .. }
            | EventKind::TermsRejected { member, .. }
            | EventKind::TermsWithdrawn { member, .. }
            | EventKind::TermsReopened { member, .. } => *member = Some(who),
            _ => {}
        }
    }
}

impl Match {
    /// What member `member` of `seat` did so far (zeros for a seat played alone, whose events
    /// record no member).
    pub fn member_counts(&self, seat: usize, member: usize) -> MemberCounts {
        let by = |s: usize, m: Option<usize>| s == seat && m == Some(member);
        MemberCounts {
            messages: self.chat.iter().filter(|c| !c.disclosure && c.seat.is_some_and(|s| by(s, c.member))).count(),
            statements: self.disclosures.iter().filter(|d| by(d.seat, d.member)).count(),
            offers: self.offers.iter().filter(|o| by(o.seat, o.member)).count(),
            accepts: self.team.accepts.iter().filter(|&&(s, m)| by(s, Some(m))).count(),
            caucus_lines: self.team.caucus.iter().filter(|l| l.seat == seat && l.member == member).count(),
        }
    }

    /// Checks an action of member `member` of `seat`; returns the events it causes. For a seat of
    /// one member this is [`Match::decide`]; for a team it adds the caucus, the decision rule and
    /// the member on every event that records who acted.
    pub fn decide_as(&self, seat: usize, member: usize, action: &Action) -> Result<Vec<EventKind>, GameError> {
        let size = self.team.size(seat);
        if seat >= self.seats || !self.team.is_present(seat, member) {
            return Err(GameError::NotAMember);
        }
        let kind = action.kind();
        if matches!(kind, ActionKind::Caucus | ActionKind::Approve | ActionKind::Decline | ActionKind::Spokesperson) {
            return self.decide_team(seat, member, action);
        }
        if size > 1 && matches!(kind, ActionKind::Survey | ActionKind::SkipSurvey) {
            return self.decide_member_survey(seat, member, action);
        }
        // A team down to one member (the others removed) commits the seat alone, as one person.
        if self.team.present(seat) > 1 && commits_seat(kind) {
            match self.config.features.teams.decision {
                TeamDecision::Any => {}
                TeamDecision::Spokesperson => {
                    if member != self.team.spokesperson[seat] {
                        return Err(GameError::NotSpokesperson);
                    }
                }
                TeamDecision::Consensus => {
                    if let Some(motion) = Motion::of(action) {
                        // Checked as the seat's action now, so a team never approves what would be refused.
                        if self.decide(seat, action)?.is_empty() {
                            return Ok(vec![]);
                        }
                        let motion_id = self.team.motions_made + 1;
                        return Ok(vec![EventKind::MotionProposed { seat, member, motion_id, motion }]);
                    }
                }
            }
        }
        let mut events = self.decide(seat, action)?;
        if size > 1 {
            stamp(&mut events, member);
        }
        Ok(events)
    }

    /// A team member's survey: each member answers once, for themselves; the seat's answer is its
    /// first member's (the trust numbers read that one). Results come when every seat answered and
    /// every member of every team did (or at the survey's deadline).
    fn decide_member_survey(&self, seat: usize, member: usize, action: &Action) -> Result<Vec<EventKind>, GameError> {
        if !self.phase.allows(action.kind()) {
            return Err(GameError::WrongPhase { action: action.kind().verb(), phase: self.phase });
        }
        if self.team.answered(seat, member) {
            return Err(GameError::AlreadyAnswered);
        }
        let answer = match action {
            Action::Survey(a) => {
                let a = a.cleaned();
                a.validate(&self.config.scenario, &self.config.features.survey).map_err(GameError::BadSurvey)?;
                Some(a)
            }
            _ => None,
        };
        let mut out = vec![EventKind::SurveyAnswered { seat, answer, member: Some(member) }];
        if self.surveys_complete_with(seat, Some(member)) {
            out.extend(self.enter(Phase::Results));
        }
        Ok(out)
    }

    /// Whether the survey is complete once `seat` (its member `member`, for a team) answers:
    /// every seat has an answer and every member of every team answered.
    /// Removed members are not waited for.
    pub(crate) fn surveys_complete_with(&self, seat: usize, member: Option<usize>) -> bool {
        (0..self.seats).all(|s| match self.team.size(s) {
            1 => s == seat || self.survey[s].is_some(),
            n => (0..n)
                .all(|m| (s == seat && member == Some(m)) || !self.team.is_present(s, m) || self.team.answered(s, m)),
        })
    }

    /// The facilitator removes member `member` of `seat`. A team with someone left plays on: the
    /// member's approval of an open motion no longer counts (their own motion closes; one that
    /// every member left has approved is carried now), a removed spokesperson passes the role to
    /// the next member, and the survey stops waiting for them. Removing the last member (or the
    /// player of a seat played alone) ends the match as abandoned, for `reason` (and `why`, as data).
    pub fn remove_member(
        &self,
        seat: usize,
        member: usize,
        reason: &str,
        why: Option<crate::game::AbandonedWhy>,
    ) -> Result<Vec<EventKind>, GameError> {
        if seat >= self.seats || !self.team.is_present(seat, member) {
            return Err(GameError::NotAMember);
        }
        if self.team.present(seat) < 2 {
            return self.control(&crate::game::Control::Abandon(reason.to_string(), why));
        }
        if self.phase == Phase::Results {
            return Err(GameError::WrongPhase { action: "change a finished match", phase: self.phase });
        }
        let removed = EventKind::MemberRemoved { seat, member };
        let mut after = self.clone();
        after.apply_team(0, &removed);
        let mut out = vec![removed];
        // The motion the others had all approved already, carried as the last approval would.
        if let Some(open) = self.team.motions[seat].as_ref().filter(|m| m.member != member) {
            if after.team.motions[seat].is_none() {
                if let Ok(mut acted) = self.decide(seat, &open.motion.action()) {
                    stamp(&mut acted, open.member);
                    out.extend(acted);
                }
            }
        }
        if self.phase == Phase::Survey && out.len() == 1 && after.surveys_complete_with(seat, None) {
            out.extend(self.enter(Phase::Results));
        }
        Ok(out)
    }

    /// The team's own acts: caucus lines, approving or declining a motion, naming a spokesperson.
    fn decide_team(&self, seat: usize, member: usize, action: &Action) -> Result<Vec<EventKind>, GameError> {
        if self.team.size(seat) < 2 {
            return Err(GameError::NoTeam);
        }
        let phase = self.phase;
        if !phase.allows(action.kind()) {
            return Err(GameError::WrongPhase { action: action.kind().verb(), phase });
        }
        if self.paused_at.is_some() && action.kind() != ActionKind::Caucus {
            return Err(GameError::Paused);
        }
        match action {
            Action::Caucus(text) => {
                let text = crate::text::clean_chat(text);
                if text.is_empty() {
                    return Err(GameError::EmptyChat);
                }
                if text.chars().count() > MAX_CHAT_CHARS {
                    return Err(GameError::ChatTooLong);
                }
                Ok(vec![EventKind::Caucus { seat, member, text }])
            }
            Action::Approve(id) | Action::Decline(id) => {
                let open = self.team.motions[seat].as_ref().filter(|m| m.id == *id).ok_or(GameError::MotionNotOpen)?;
                if open.member == member {
                    return Err(GameError::OwnMotion);
                }
                if matches!(action, Action::Decline(_)) {
                    return Ok(vec![EventKind::MotionDeclined { seat, member, motion_id: *id }]);
                }
                if open.approved_by.contains(&member) {
                    return Ok(vec![]);
                }
                let mut out = vec![EventKind::MotionApproved { seat, member, motion_id: *id }];
                if open.approved_by.len() + 1 >= self.team.present(seat) {
                    // Carried: the seat's action, by the member who proposed it.
                    let mut acted = self.decide(seat, &open.motion.action())?;
                    stamp(&mut acted, open.member);
                    out.extend(acted);
                }
                Ok(out)
            }
            Action::Spokesperson(who) => {
                if !self.team.is_present(seat, *who) {
                    return Err(GameError::NotAMember);
                }
                if self.team.spokesperson[seat] == *who {
                    return Ok(vec![]);
                }
                Ok(vec![EventKind::SpokespersonNamed { seat, member: *who }])
            }
            _ => Err(GameError::NoTeam),
        }
    }

    /// Folds a team event into the state (called by [`Match::apply`]).
    pub(crate) fn apply_team(&mut self, at: Millis, kind: &EventKind) {
        let phase = self.phase;
        let t = &mut self.team;
        match kind {
            EventKind::Caucus { seat, member, text } => {
                t.caucus.push(CaucusLine { seat: *seat, member: *member, text: text.clone(), at, phase })
            }
            EventKind::MotionProposed { seat, member, motion_id, motion } => {
                t.motions_made = t.motions_made.max(*motion_id);
                if let Some(slot) = t.motions.get_mut(*seat) {
                    *slot = Some(TeamMotion {
                        id: *motion_id,
                        member: *member,
                        motion: motion.clone(),
                        approved_by: vec![*member],
                        at,
                    });
                }
            }
            EventKind::MotionApproved { seat, member, motion_id } => {
                let size = t.present(*seat);
                if let Some(slot) = t.motions.get_mut(*seat) {
                    if let Some(m) = slot.as_mut().filter(|m| m.id == *motion_id) {
                        if !m.approved_by.contains(member) {
                            m.approved_by.push(*member);
                        }
                        if m.approved_by.len() >= size {
                            *slot = None;
                        }
                    }
                }
            }
            EventKind::MotionDeclined { seat, motion_id, .. } => {
                if let Some(slot) = t.motions.get_mut(*seat) {
                    if slot.as_ref().is_some_and(|m| m.id == *motion_id) {
                        *slot = None;
                    }
                }
            }
            EventKind::SpokespersonNamed { seat, member } => {
                if let Some(s) = t.spokesperson.get_mut(*seat) {
                    *s = *member;
                }
            }
            EventKind::MemberRemoved { seat, member } => {
                if !t.removed.contains(&(*seat, *member)) {
                    t.removed.push((*seat, *member));
                }
                let present = t.present(*seat);
                let size = t.size(*seat);
                if let Some(slot) = t.motions.get_mut(*seat) {
                    if let Some(m) = slot.as_mut() {
                        m.approved_by.retain(|a| a != member);
                    }
                    // Their own motion closes; one every member left approved is carried.
                    if slot.as_ref().is_some_and(|m| m.member == *member || m.approved_by.len() >= present) {
                        *slot = None;
                    }
                }
                // The next member still playing speaks for the team.
                if t.spokesperson.get(*seat) == Some(member) {
                    let next = (1..size).map(|d| (member + d) % size).find(|&m| !t.removed.contains(&(*seat, m)));
                    if let (Some(next), Some(s)) = (next, t.spokesperson.get_mut(*seat)) {
                        *s = next;
                    }
                }
            }
            EventKind::SeatHanded { seat, .. } => {
                // The seat now has one holder: its team, spokesperson and open motion are gone.
                if let Some(s) = t.sizes.get_mut(*seat) {
                    *s = 1;
                }
                if let Some(s) = t.spokesperson.get_mut(*seat) {
                    *s = 0;
                }
                if let Some(m) = t.motions.get_mut(*seat) {
                    *m = None;
                }
                t.removed.retain(|(s, _)| s != seat);
            }
            _ => {}
        }
    }
}

/// How `players` waiting people fill matches of `roles` seats with teams of `size`: the team
/// sizes of each match, in seat order. Full matches first; then, when `everyone` (the facilitator
/// pairs the whole line), nobody is left out: enough people left for a match of their own play
/// one with smaller teams, and fewer are added one by one to the earlier matches' teams (up to
/// [`MAX_TEAM`]). Without `everyone` (automatic pairing, more may come) the rest wait.
pub fn team_sizes(players: usize, roles: usize, size: usize, everyone: bool) -> Vec<Vec<usize>> {
    let size = size.clamp(1, MAX_TEAM);
    if roles == 0 {
        return Vec::new();
    }
    let per_match = roles * size;
    let mut matches: Vec<Vec<usize>> = vec![vec![size; roles]; players / per_match];
    let mut rest = players % per_match;
    // Without teams the odd one out waits, as it always did.
    if !everyone || rest == 0 || size == 1 {
        return matches;
    }
    if rest >= roles {
        // A match of smaller teams, as even as they can be (the larger teams in the first seats).
        matches.push((0..roles).map(|seat| rest / roles + usize::from(seat < rest % roles)).collect());
        return matches;
    }
    // Too few for a match: one more member for the smallest teams, earliest first.
    while rest > 0 {
        let Some((m, seat)) = (0..matches.len())
            .flat_map(|m| (0..roles).map(move |s| (m, s)))
            .filter(|&(m, s)| matches[m][s] < MAX_TEAM)
            .min_by_key(|&(m, s)| (matches[m][s], m, s))
        else {
            break;
        };
        matches[m][seat] += 1;
        rest -= 1;
    }
    matches
}

/// A tournament's teams, formed once at its start from the people taking part (in the order
/// given): teams of `size`; the people left over join the first teams one each (up to
/// [`MAX_TEAM`]), and any still left make one smaller team. Every person is in exactly one team.
pub fn tournament_teams(people: &[String], size: usize) -> Vec<Vec<String>> {
    let size = size.clamp(1, MAX_TEAM);
    let mut teams: Vec<Vec<String>> = people.chunks(size).map(<[String]>::to_vec).collect();
    if teams.last().is_some_and(|t| t.len() < size) && teams.len() > 1 {
        let rest = teams.pop().unwrap_or_default();
        let mut extra = rest.into_iter();
        for team in teams.iter_mut() {
            if team.len() >= MAX_TEAM {
                break;
            }
            match extra.next() {
                Some(p) => team.push(p),
                None => break,
            }
        }
        let left: Vec<String> = extra.collect();
        if !left.is_empty() {
            teams.push(left);
        }
    }
    teams
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::game::tests::TWO;
    use crate::game::{Event, MatchConfig, MatchFeatures};
    use crate::scenario::{PhaseDurations, Scenario};
    use std::sync::Arc;

    /// A 2-vs-2 match (or other sizes) already in bargaining.
    fn bargaining(sizes: Vec<usize>, decision: TeamDecision) -> Match {
        let scenario = Arc::new(Scenario::from_toml("t.toml", TWO).unwrap());
        let features = MatchFeatures { teams: TeamRules { sizes, decision }, ..Default::default() };
        let config = MatchConfig {
            scenario,
            durations: PhaseDurations { prep: 0, small_talk: 0, bargaining: 60, survey: 5 },
            small_talk: false,
            icebreaker: None,
            features,
        };
        let mut m = Match::new(config);
        let start = m.start();
        run(&mut m, 0, start);
        assert_eq!(m.phase, Phase::Bargaining);
        m
    }

    fn run(m: &mut Match, at: Millis, evs: Vec<EventKind>) {
        for kind in evs {
            m.apply(&Event { at, kind });
        }
    }

    fn act(m: &mut Match, seat: usize, member: usize, a: Action) -> Result<Vec<EventKind>, GameError> {
        let evs = m.decide_as(seat, member, &a)?;
        run(m, 1, evs.clone());
        Ok(evs)
    }

    #[test]
    fn caucus_lines_and_acts_record_the_member() {
        let mut m = bargaining(vec![2, 2], TeamDecision::Any);
        act(&mut m, 0, 1, Action::Caucus("  let's open high ".into())).unwrap();
        assert_eq!(m.team.caucus.len(), 1);
        assert_eq!((m.team.caucus[0].seat, m.team.caucus[0].member), (0, 1));
        assert_eq!(m.team.caucus[0].text, "let's open high");
        assert!(m.chat.is_empty(), "a caucus line is not public chat");
        act(&mut m, 1, 1, Action::Chat("hello".into())).unwrap();
        assert_eq!(m.chat[0].member, Some(1));
        let evs = act(&mut m, 0, 1, Action::Offer(vec![1])).unwrap();
        assert!(matches!(evs[0], EventKind::Offer { member: Some(1), .. }), "{evs:?}");
        assert_eq!(m.offers[0].member, Some(1));
        let ben = m.member_counts(0, 1);
        assert_eq!((ben.offers, ben.caucus_lines, ben.messages), (1, 1, 0));
        assert_eq!(m.member_counts(1, 1).messages, 1);
        assert_eq!(m.member_counts(0, 0), MemberCounts::default());
        let evs = act(&mut m, 1, 0, Action::Accept(1)).unwrap();
        assert!(matches!(evs[0], EventKind::Accept { seat: 1, member: Some(0), .. }), "{evs:?}");
        assert!(m.outcome.is_some());
        // A member index past the team, and the caucus of a one-person seat, are refused.
        let mut solo = bargaining(vec![], TeamDecision::Any);
        assert_eq!(solo.decide_as(0, 1, &Action::Chat("x".into())), Err(GameError::NotAMember));
        assert_eq!(act(&mut solo, 0, 0, Action::Caucus("x".into())), Err(GameError::NoTeam));
        // One-person seats record no member: their logs are as before teams.
        let evs = act(&mut solo, 0, 0, Action::Chat("x".into())).unwrap();
        assert!(matches!(evs[0], EventKind::Chat { member: None, .. }));
    }

    #[test]
    fn only_the_spokesperson_commits_the_seat_until_the_team_names_another() {
        let mut m = bargaining(vec![2, 2], TeamDecision::Spokesperson);
        assert_eq!(act(&mut m, 0, 1, Action::Offer(vec![1])), Err(GameError::NotSpokesperson));
        act(&mut m, 0, 1, Action::Chat("I may still talk".into())).unwrap();
        act(&mut m, 0, 0, Action::Offer(vec![1])).unwrap();
        act(&mut m, 1, 0, Action::Spokesperson(1)).unwrap();
        assert_eq!(act(&mut m, 1, 0, Action::Accept(1)), Err(GameError::NotSpokesperson));
        act(&mut m, 1, 1, Action::Accept(1)).unwrap();
        assert!(m.outcome.is_some());
    }

    #[test]
    fn under_consensus_an_offer_goes_out_only_when_every_teammate_approved() {
        let mut m = bargaining(vec![3, 2], TeamDecision::Consensus);
        let evs = act(&mut m, 0, 2, Action::Offer(vec![1])).unwrap();
        assert!(matches!(evs[..], [EventKind::MotionProposed { motion_id: 1, member: 2, .. }]), "{evs:?}");
        assert!(m.offers.is_empty(), "nothing is sent before approval");
        assert_eq!(act(&mut m, 0, 2, Action::Approve(1)), Err(GameError::OwnMotion));
        assert_eq!(act(&mut m, 0, 0, Action::Approve(9)), Err(GameError::MotionNotOpen));
        let evs = act(&mut m, 0, 0, Action::Approve(1)).unwrap();
        assert_eq!(evs.len(), 1, "one of two approvals: still waiting");
        assert!(m.offers.is_empty());
        let evs = act(&mut m, 0, 1, Action::Approve(1)).unwrap();
        assert!(matches!(evs[1], EventKind::Offer { seat: 0, member: Some(2), .. }), "{evs:?}");
        assert_eq!(m.offers.len(), 1);
        assert!(m.team.motions[0].is_none(), "the carried motion closes");
        // The other team declines its own accept motion: nothing happens, the motion closes.
        act(&mut m, 1, 0, Action::Accept(1)).unwrap();
        act(&mut m, 1, 1, Action::Decline(2)).unwrap();
        assert!(m.team.motions[1].is_none() && m.outcome.is_none());
        // A motion that would be refused is refused when proposed.
        assert_eq!(act(&mut m, 1, 0, Action::Accept(7)), Err(GameError::OfferNotStanding(7)));
        act(&mut m, 1, 1, Action::Accept(1)).unwrap();
        act(&mut m, 1, 0, Action::Approve(3)).unwrap();
        assert!(m.outcome.is_some());
    }

    #[test]
    fn every_member_answers_the_survey_and_the_first_answer_is_the_seats() {
        use crate::survey::SurveyAnswer;
        let mut m = bargaining(vec![2, 1], TeamDecision::Any);
        act(&mut m, 0, 0, Action::Offer(vec![1])).unwrap();
        act(&mut m, 1, 0, Action::Accept(1)).unwrap();
        assert_eq!(m.phase, Phase::Survey);
        let rating = |r: u8| {
            let ratings = [("trust".to_string(), r)].into_iter().collect();
            Action::Survey(SurveyAnswer { ratings, counterpart_priorities: None, texts: Default::default() })
        };
        act(&mut m, 0, 1, rating(6)).unwrap();
        assert_eq!(act(&mut m, 0, 1, rating(2)), Err(GameError::AlreadyAnswered));
        assert!(!m.allowed_actions_of(0, 1).contains(&ActionKind::Survey));
        assert!(m.allowed_actions_of(0, 0).contains(&ActionKind::Survey), "a teammate still answers");
        act(&mut m, 1, 0, Action::SkipSurvey).unwrap();
        assert_eq!(m.phase, Phase::Survey, "a team member has not answered yet");
        act(&mut m, 0, 0, rating(3)).unwrap();
        assert_eq!(m.phase, Phase::Results);
        let seat_answer = m.survey[0].clone().flatten().unwrap();
        assert_eq!(seat_answer.ratings["trust"], 6, "the first member's answer is the seat's");
        assert_eq!(m.team.surveys.len(), 2);
        assert!(m.team.answered(0, 0) && m.team.answered(0, 1));
    }

    #[test]
    fn a_handed_seat_plays_alone_from_then_on() {
        let mut m = bargaining(vec![2, 2], TeamDecision::Consensus);
        act(&mut m, 0, 0, Action::Offer(vec![1])).unwrap();
        run(&mut m, 2, vec![EventKind::SeatHanded { seat: 0, from: "p1".into(), player: "bot".into() }]);
        assert_eq!(m.team.size(0), 1);
        assert!(m.team.motions[0].is_none());
        let evs = act(&mut m, 0, 0, Action::Offer(vec![1])).unwrap();
        assert!(matches!(evs[0], EventKind::Offer { member: None, .. }), "a one-person seat offers at once");
    }

    #[test]
    fn a_removed_member_leaves_the_team_playing_under_every_rule() {
        // Spokesperson: removing the spokesperson passes the role to the next member.
        let mut m = bargaining(vec![3, 2], TeamDecision::Spokesperson);
        act(&mut m, 0, 1, Action::Spokesperson(2)).unwrap();
        let evs = m.remove_member(0, 2, "gone", None).unwrap();
        assert_eq!(evs, vec![EventKind::MemberRemoved { seat: 0, member: 2 }], "the match does not end");
        run(&mut m, 2, evs);
        assert_eq!(m.team.spokesperson[0], 0, "past the last member, the next is the first");
        assert_eq!((m.team.size(0), m.team.present(0)), (3, 2), "member indexes stay");
        assert_eq!(act(&mut m, 0, 2, Action::Chat("still here?".into())), Err(GameError::NotAMember));
        assert_eq!(act(&mut m, 0, 1, Action::Spokesperson(2)), Err(GameError::NotAMember));
        act(&mut m, 0, 0, Action::Offer(vec![1])).unwrap();
        assert_eq!(m.remove_member(0, 2, "again", None), Err(GameError::NotAMember));
        // The last member of a team, like the player of a seat alone, ends the match as today.
        let evs = m.remove_member(1, 0, "gone", None).unwrap();
        run(&mut m, 3, evs);
        assert!(m.outcome.is_none());
        let evs = m.remove_member(1, 1, "Dee was removed", None).unwrap();
        assert!(matches!(&evs[0], EventKind::Ended { outcome: crate::game::Outcome::Abandoned { .. } }), "{evs:?}");

        // Consensus counts the members present: a motion all of them approved is carried at once.
        let mut m = bargaining(vec![3, 2], TeamDecision::Consensus);
        act(&mut m, 0, 0, Action::Offer(vec![1])).unwrap();
        act(&mut m, 0, 1, Action::Approve(1)).unwrap();
        assert!(m.offers.is_empty(), "member 2 has not approved");
        let evs = m.remove_member(0, 2, "gone", None).unwrap();
        assert!(matches!(evs[1], EventKind::Offer { seat: 0, member: Some(0), .. }), "{evs:?}");
        run(&mut m, 2, evs);
        assert_eq!(m.offers.len(), 1);
        assert!(m.team.motions[0].is_none());
        // A removed member's own motion closes; the next needs only the one teammate left.
        act(&mut m, 1, 1, Action::Accept(1)).unwrap();
        let evs = m.remove_member(1, 1, "gone", None).unwrap();
        run(&mut m, 3, evs);
        assert!(m.team.motions[1].is_none() && m.outcome.is_none(), "the removed member's motion closed");
        let evs = act(&mut m, 1, 0, Action::Accept(1)).unwrap();
        assert!(matches!(evs[0], EventKind::Accept { seat: 1, member: Some(0), .. }), "{evs:?}");
        assert!(m.outcome.is_some(), "alone on the seat now, the member commits it without a vote");
        // The survey does not wait for a removed member.
        assert_eq!(m.phase, Phase::Survey);
        for (seat, member) in [(0, 0), (0, 1), (1, 0)] {
            act(&mut m, seat, member, Action::SkipSurvey).unwrap();
        }
        assert_eq!(m.phase, Phase::Results);
    }

    #[test]
    fn terms_record_the_member_who_acted() {
        let mut m = bargaining(vec![2, 2], TeamDecision::Any);
        let evs = act(&mut m, 0, 1, Action::ProposeTerms { issue: 0, option: 1 }).unwrap();
        assert_eq!(evs, vec![EventKind::TermsProposed { seat: 0, issue: 0, option: 1, member: Some(1) }]);
        let evs = act(&mut m, 1, 1, Action::AgreeTerms { issue: 0, option: 1 }).unwrap();
        assert!(matches!(evs[0], EventKind::TermsAccepted { seat: 1, member: Some(1), .. }), "{evs:?}");
        let evs = act(&mut m, 1, 0, Action::ReopenTerms { issue: 0 }).unwrap();
        assert_eq!(evs, vec![EventKind::TermsReopened { seat: 1, issue: 0, member: Some(0) }]);
        let mut solo = bargaining(vec![], TeamDecision::Any);
        let evs = act(&mut solo, 0, 0, Action::ProposeTerms { issue: 0, option: 1 }).unwrap();
        assert_eq!(evs, vec![EventKind::TermsProposed { seat: 0, issue: 0, option: 1, member: None }]);
    }

    #[test]
    fn a_tournament_forms_its_teams_once_and_leaves_nobody_out() {
        let ids = |n: usize| (0..n).map(|i| format!("p{i}")).collect::<Vec<_>>();
        let sizes = |n: usize, size: usize| tournament_teams(&ids(n), size).iter().map(Vec::len).collect::<Vec<_>>();
        assert_eq!(tournament_teams(&ids(4), 2), vec![ids(4)[..2].to_vec(), ids(4)[2..].to_vec()]);
        assert_eq!(sizes(9, 2), [3, 2, 2, 2], "the odd one joins the first team");
        assert_eq!(sizes(7, 3), [4, 3], "one left over joins the first team");
        assert_eq!(sizes(9, 4), [4, 4, 1], "teams are never larger than four: a team of one");
        assert_eq!(sizes(3, 2), [3]);
        assert_eq!(sizes(5, 1), [1, 1, 1, 1, 1]);
        for n in 0..30 {
            for size in 1..=4 {
                let teams = tournament_teams(&ids(n), size);
                let mut all: Vec<String> = teams.iter().flatten().cloned().collect();
                all.sort();
                let mut want = ids(n);
                want.sort();
                assert_eq!(all, want, "{n} people, teams of {size}: everyone once");
                assert!(teams.iter().all(|t| !t.is_empty() && t.len() <= MAX_TEAM));
            }
        }
    }

    #[test]
    fn pairing_fills_teams_and_leaves_nobody_out_when_everyone_is_paired() {
        assert_eq!(team_sizes(4, 2, 2, false), vec![vec![2, 2]]);
        assert_eq!(team_sizes(5, 2, 2, false), vec![vec![2, 2]], "automatic pairing: the fifth waits");
        assert_eq!(team_sizes(5, 2, 2, true), vec![vec![3, 2]], "everyone: a team of three");
        assert_eq!(team_sizes(3, 2, 2, true), vec![vec![2, 1]], "a smaller team rather than someone left out");
        assert_eq!(team_sizes(1, 2, 2, true), Vec::<Vec<usize>>::new(), "one person cannot play two seats");
        assert_eq!(team_sizes(11, 2, 2, true), vec![vec![2, 2], vec![2, 2], vec![2, 1]]);
        assert_eq!(team_sizes(9, 2, 2, true), vec![vec![3, 2], vec![2, 2]]);
        assert_eq!(team_sizes(8, 2, 4, false), vec![vec![4, 4]]);
        assert_eq!(team_sizes(9, 2, 4, true), vec![vec![4, 4]], "teams are never larger than four");
        assert_eq!(team_sizes(7, 3, 2, true), vec![vec![3, 2, 2]]);
        assert_eq!(
            team_sizes(5, 2, 1, true),
            vec![vec![1, 1], vec![1, 1]],
            "without teams the odd one waits, as before"
        );
        for players in 0..40 {
            for size in 1..=4 {
                let seated: usize = team_sizes(players, 2, size, true).iter().flatten().sum();
                assert!(seated <= players);
                let left = players - seated;
                assert!(
                    left == 0 || players < 2 || (size == 1 && left == 1) || (size == MAX_TEAM && left == 1),
                    "{players} people, teams of {size}: {left} left out"
                );
            }
        }
    }
}
