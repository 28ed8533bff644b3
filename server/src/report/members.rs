//! `members.csv`: one row per member of a team seat per match, with what they did (public chat
//! lines, statements, offers and accepts made for the team, caucus lines), counted from the
//! stored log (`core::team`). Matches where every seat was played alone have no rows: their
//! players are in `players.csv`, one row per seat, as before teams.

use super::MatchReport;
use crate::csv_rows;

/// One row per team member per match.
pub fn members_csv(session: &str, reports: &[MatchReport]) -> Vec<u8> {
    csv_rows::write(reports.iter().flat_map(|r| {
        let teams = r.config.members(&r.seats.iter().map(|s| s.0.clone()).collect::<Vec<_>>());
        teams.into_iter().enumerate().filter(|(_, team)| team.len() > 1).flat_map(move |(seat, team)| {
            team.into_iter().enumerate().map(move |(member, pid)| {
                let c = r.state.member_counts(seat, member);
                let name = r.holder_names.get(&pid).cloned().unwrap_or_default();
                csv_rows::MemberRow {
                    session: session.into(),
                    match_id: r.id.as_str().into(),
                    scenario: r.scenario.id.as_str().into(),
                    seat,
                    role: r.scenario.roles.get(seat).map_or("", |x| x.id.as_str()).into(),
                    member,
                    player_id: pid.as_str().into(),
                    name: name.as_str().into(),
                    messages: c.messages,
                    statements: c.statements,
                    offers: c.offers,
                    accepts: c.accepts,
                    caucus_lines: c.caucus_lines,
                }
            })
        })
    }))
}
