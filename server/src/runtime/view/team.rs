//! The frames of teams (`core::team`): who is in each team (public: every seat sees the names at
//! the table), the player's own team view (their member index, the decision rule, the proposal
//! waiting for approval, valued in their own points), the caucus lines (built here, sent by the
//! match actor to the team's own connections only) and each member's part in the results.

use super::{package_view, SeatInfo};
use crate::core::game::Match;
use crate::core::scoring::package_points;
use crate::core::team::{CaucusLine, Motion};
use crate::wire::{CaucusLineView, MemberResultView, MemberView, MotionAct, MotionView, ServerMsg, TeamView};

/// One member of a team seat, as the match actor keeps them.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SeatMember {
    /// Display name.
    pub name: String,
    /// A connection of theirs holds the seat now.
    pub online: bool,
    /// The facilitator removed them from the match (the team plays on without them).
    pub removed: bool,
}

/// A team seat's name: the members still playing, joined ("Ana & Ben"); a removed member's name
/// goes from it (their own lines keep it). With nobody left (the match was abandoned), everyone.
pub fn team_name(members: &[SeatMember]) -> String {
    let playing: Vec<&str> = members.iter().filter(|m| !m.removed).map(|m| m.name.as_str()).collect();
    if playing.is_empty() {
        return members.iter().map(|m| m.name.as_str()).collect::<Vec<_>>().join(" & ");
    }
    playing.join(" & ")
}

/// The name shown for what `member` of `seat` did: the member's own name in a team, else the
/// seat's.
pub fn member_name(seats: &[SeatInfo], seat: usize, member: Option<usize>) -> &str {
    let Some(info) = seats.get(seat) else { return "" };
    member.and_then(|m| info.members.get(m)).map_or(info.name.as_str(), |m| m.name.as_str())
}

/// The members of a seat as everyone at the table sees them (empty for a seat played alone).
pub fn members_view(info: &SeatInfo) -> Vec<MemberView> {
    if info.members.len() < 2 {
        return Vec::new();
    }
    info.members
        .iter()
        .enumerate()
        .map(|(member, m)| MemberView { member, name: m.name.clone(), online: m.online, removed: m.removed })
        .collect()
}

/// The player's own team view (none when their seat is played alone).
pub fn team_view(m: &Match, seat: usize, member: usize) -> Option<TeamView> {
    if m.team.size(seat) < 2 {
        return None;
    }
    let s = &*m.config.scenario;
    let motion = m.team.motions.get(seat).and_then(Option::as_ref).map(|t| {
        let (act, package, offer_id) = match &t.motion {
            Motion::Offer { package } => (MotionAct::Offer, Some(package), None),
            Motion::Accept { offer_id } => (MotionAct::Accept, None, Some(*offer_id)),
            Motion::WalkAway => (MotionAct::WalkAway, None, None),
        };
        MotionView {
            id: t.id,
            member: t.member,
            act,
            package: package.map(|p| package_view(s, p)),
            value_to_you: package.map(|p| package_points(s, p)[seat]),
            offer_id,
            approved_by: t.approved_by.clone(),
            at: t.at,
        }
    });
    Some(TeamView {
        member,
        decision: m.config.features.teams.decision,
        spokesperson: m.team.spokesperson.get(seat).copied().unwrap_or(0),
        motion,
    })
}

/// One caucus line as its team is sent it.
pub fn caucus_line(line: &CaucusLine, seats: &[SeatInfo]) -> CaucusLineView {
    CaucusLineView {
        seat: line.seat,
        member: line.member,
        name: member_name(seats, line.seat, Some(line.member)).to_string(),
        text: line.text.clone(),
        at: line.at,
        phase: line.phase,
    }
}

/// The `caucus_history` frame of one team: its own lines, never another team's.
pub fn caucus_history(m: &Match, seat: usize, seats: &[SeatInfo]) -> ServerMsg {
    let lines = m.team.caucus.iter().filter(|l| l.seat == seat).map(|l| caucus_line(l, seats)).collect();
    ServerMsg::CaucusHistory { lines }
}

/// What each member of each team did, by seat then member (empty when no seat had a team).
pub fn member_results(m: &Match, seats: &[SeatInfo]) -> Vec<MemberResultView> {
    let mut out = Vec::new();
    for (seat, info) in seats.iter().enumerate() {
        if info.members.len() < 2 {
            continue;
        }
        for (member, person) in info.members.iter().enumerate() {
            let c = m.member_counts(seat, member);
            out.push(MemberResultView {
                seat,
                member,
                name: person.name.clone(),
                messages: c.messages,
                statements: c.statements,
                offers: c.offers,
                accepts: c.accepts,
                caucus_lines: c.caucus_lines,
                survey_done: m.team.answered(seat, member),
            });
        }
    }
    out
}
