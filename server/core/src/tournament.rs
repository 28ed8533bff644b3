//! Tournament pairing and standings (pure). Pairing: the circle method (round-robin) while it
//! still avoids repeats, then a Swiss-style greedy pairing by standings that avoids repeats
//! where it can. Seats (roles) go to whoever has played that seat least. The leaderboard blends
//! value (points normalised within each role) and trust earned with weights set per tournament.
//! Every rule is in `docs/tournaments.md`.

use serde::{Deserialize, Serialize};
use std::collections::{BTreeMap, HashMap, HashSet};

/// One round's plan: groups in seat order, and who sits out.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, Default)]
pub struct RoundPlan {
    /// Each group lists player ids in seat order (seat i plays role i).
    pub groups: Vec<Vec<String>>,
    /// Players without a group this round.
    pub byes: Vec<String>,
}

/// How many times each pair of players has met: in the tournament's rounds and in the groups
/// of `prior` (matches played in the session before the tournament).
fn meetings(history: &[RoundPlan], prior: &[Vec<String>]) -> HashMap<(String, String), usize> {
    let mut m = HashMap::new();
    for g in history.iter().flat_map(|r| r.groups.iter()).chain(prior) {
        for (i, a) in g.iter().enumerate() {
            for b in &g[i + 1..] {
                let k = if a < b { (a.clone(), b.clone()) } else { (b.clone(), a.clone()) };
                *m.entry(k).or_insert(0) += 1;
            }
        }
    }
    m
}

fn met(m: &HashMap<(String, String), usize>, a: &str, b: &str) -> usize {
    let k = if a < b { (a.to_string(), b.to_string()) } else { (b.to_string(), a.to_string()) };
    m.get(&k).copied().unwrap_or(0)
}

/// Plans round `round` (0-based). `players` is in standings order (best first); `history`
/// holds the rounds already played; `prior` the groups of matches played in the session before
/// the tournament, whose pairs are avoided too. Without prior meetings, pairs follow the circle
/// method while it avoids repeats; with them, a search for pairs that have not met.
pub fn plan_round(
    players: &[String],
    group_size: usize,
    history: &[RoundPlan],
    prior: &[Vec<String>],
    round: usize,
) -> RoundPlan {
    let group_size = group_size.max(2);
    let mut plan = if group_size == 2 && prior.is_empty() && round < circle_rounds(players.len()) {
        circle(players, round)
    } else if group_size == 2 {
        fresh_pairs(players, history, prior).unwrap_or_else(|| greedy(players, group_size, history, prior))
    } else {
        greedy(players, group_size, history, prior)
    };
    assign_seats(&mut plan, history, round);
    plan
}

/// Most steps of the search for pairs that have not met (it gives up and the greedy pairing
/// runs instead; 200 players need far fewer).
const PAIR_SEARCH_STEPS: usize = 200_000;

/// Pairs in which nobody meets someone they met before, if the search finds them: in standings
/// order, each unpaired player takes the first unpaired player below them they have not met,
/// backtracking when the rest cannot be paired. Byes as in [`greedy`].
fn fresh_pairs(players: &[String], history: &[RoundPlan], prior: &[Vec<String>]) -> Option<RoundPlan> {
    let m = meetings(history, prior);
    let byes = choose_byes(players, 2, history);
    let free: Vec<&String> = players.iter().filter(|p| !byes.contains(p)).collect();
    let n = free.len();
    let ok = |a: usize, b: usize| met(&m, free[a], free[b]) == 0;
    let mut partner: Vec<Option<usize>> = vec![None; n];
    let mut steps = 0;
    fn search(partner: &mut Vec<Option<usize>>, ok: &dyn Fn(usize, usize) -> bool, steps: &mut usize) -> Option<bool> {
        *steps += 1;
        if *steps > PAIR_SEARCH_STEPS {
            return None;
        }
        let Some(a) = partner.iter().position(Option::is_none) else { return Some(true) };
        for b in a + 1..partner.len() {
            if partner[b].is_none() && ok(a, b) {
                partner[a] = Some(b);
                partner[b] = Some(a);
                match search(partner, ok, steps) {
                    Some(true) => return Some(true),
                    None => return None,
                    Some(false) => {
                        partner[a] = None;
                        partner[b] = None;
                    }
                }
            }
        }
        Some(false)
    }
    if search(&mut partner, &ok, &mut steps) != Some(true) {
        return None;
    }
    let groups =
        (0..n).filter_map(|a| partner[a].filter(|&b| b > a).map(|b| vec![free[a].clone(), free[b].clone()])).collect();
    Some(RoundPlan { groups, byes })
}

/// Who sits out: the lowest-ranked players with the fewest byes so far.
fn choose_byes(players: &[String], group_size: usize, history: &[RoundPlan]) -> Vec<String> {
    let byes_so_far: HashMap<&String, usize> =
        players.iter().map(|p| (p, history.iter().filter(|r| r.byes.contains(p)).count())).collect();
    let sit_out = players.len() % group_size;
    let mut cands: Vec<(usize, usize, &String)> =
        players.iter().enumerate().map(|(i, p)| (byes_so_far[p], usize::MAX - i, p)).collect();
    cands.sort();
    cands.iter().take(sit_out).map(|c| c.2.clone()).collect()
}

/// Rounds the circle method can play without a repeat.
pub fn circle_rounds(n: usize) -> usize {
    let even = n + n % 2;
    even.saturating_sub(1)
}

/// Round-robin by the circle method: player 0 stays, the rest rotate; with an odd number a
/// placeholder gives one player a bye each round.
fn circle(players: &[String], round: usize) -> RoundPlan {
    const BYE: &str = "\u{0}bye";
    // The rotation needs the same order every round, whatever the standings say.
    let mut list: Vec<String> = players.to_vec();
    list.sort();
    if list.len() % 2 == 1 {
        list.push(BYE.to_string());
    }
    let n = list.len();
    if n < 2 {
        return RoundPlan { groups: vec![], byes: players.to_vec() };
    }
    let mut rest: Vec<String> = list[1..].to_vec();
    rest.rotate_right(round % (n - 1));
    let mut order = vec![list[0].clone()];
    order.extend(rest);
    let mut plan = RoundPlan::default();
    for i in 0..n / 2 {
        let (a, b) = (order[i].clone(), order[n - 1 - i].clone());
        if a == BYE {
            plan.byes.push(b);
        } else if b == BYE {
            plan.byes.push(a);
        } else {
            plan.groups.push(vec![a, b]);
        }
    }
    plan
}

/// Swiss-style: in standings order, each unplaced player is grouped with the next unplaced
/// players they have met least (earliest in the standings on ties). Byes go to the lowest-ranked
/// players with the fewest byes so far.
fn greedy(players: &[String], group_size: usize, history: &[RoundPlan], prior: &[Vec<String>]) -> RoundPlan {
    let m = meetings(history, prior);
    let byes = choose_byes(players, group_size, history);
    let mut free: Vec<String> = players.iter().filter(|p| !byes.contains(p)).cloned().collect();
    let mut groups = Vec::new();
    while free.len() >= group_size {
        let first = free.remove(0);
        let mut g = vec![first];
        while g.len() < group_size {
            let (idx, _) = free
                .iter()
                .enumerate()
                .min_by_key(|(i, p)| (g.iter().map(|q| met(&m, q, p)).sum::<usize>(), *i))
                .expect("enough free players");
            g.push(free.remove(idx));
        }
        groups.push(g);
    }
    RoundPlan { groups, byes }
}

/// Orders each group's seats so that everyone plays the seats they have played least (ties:
/// the one who played this seat longest ago, then alternate by round).
fn assign_seats(plan: &mut RoundPlan, history: &[RoundPlan], round: usize) {
    let mut count: HashMap<(String, usize), usize> = HashMap::new();
    let mut last: HashMap<(String, usize), usize> = HashMap::new();
    for (r, h) in history.iter().enumerate() {
        for g in &h.groups {
            for (seat, p) in g.iter().enumerate() {
                *count.entry((p.clone(), seat)).or_insert(0) += 1;
                last.insert((p.clone(), seat), r + 1);
            }
        }
    }
    for g in plan.groups.iter_mut() {
        if g.len() == 2 {
            // Seat 0 goes to whoever needs it most: (seat-1 plays − seat-0 plays), then whoever
            // sat in seat 1 most recently, then alternate by round.
            let need = |p: &String| {
                let c = |s| count.get(&(p.clone(), s)).copied().unwrap_or(0) as i64;
                (c(1) - c(0), last.get(&(p.clone(), 1)).copied().unwrap_or(0) as i64)
            };
            let (a, b) = (need(&g[0]), need(&g[1]));
            if b > a || (b == a && round % 2 == 1) {
                g.swap(0, 1);
            }
            continue;
        }
        let mut left: Vec<String> = g.clone();
        if round % 2 == 1 {
            left.reverse();
        }
        let mut seated = Vec::with_capacity(g.len());
        for seat in 0..g.len() {
            let (idx, _) = left
                .iter()
                .enumerate()
                .min_by_key(|(i, p)| {
                    let k = ((*p).clone(), seat);
                    (count.get(&k).copied().unwrap_or(0), last.get(&k).copied().unwrap_or(0), *i)
                })
                .expect("a player left");
            seated.push(left.remove(idx));
        }
        *g = seated;
    }
}

/// Leaderboard weights (set per tournament, shown with the table).
#[derive(Debug, Clone, Copy, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
pub struct Weights {
    /// Weight of normalised value (0..1 per match).
    pub value: f64,
    /// Weight of trust earned (0..1 per match, from 0..100).
    pub trust: f64,
}

impl Default for Weights {
    fn default() -> Self {
        Weights { value: 0.7, trust: 0.3 }
    }
}

/// One player's result in one match of a tournament.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct MatchResult {
    /// Player id.
    pub player: String,
    /// Round (0-based).
    pub round: usize,
    /// `(points − role min) / (role max − role min)`: 0..1 within the role's own scale.
    pub value: f64,
    /// Trust earned 0..100, if the counterpart rated it.
    pub trust: Option<f64>,
    /// How many people's ratings `trust` averages.
    #[serde(default)]
    pub trust_raters: usize,
}

/// A leaderboard row.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Standing {
    /// Rank (1 = best; equal scores share a rank).
    pub rank: usize,
    /// Player id.
    pub player: String,
    /// Matches played.
    pub played: usize,
    /// Byes.
    pub byes: usize,
    /// Mean normalised value.
    pub value: f64,
    /// Mean trust earned (0..100) over rated matches.
    pub trust: Option<f64>,
    /// How many ratings `trust` rests on (a player sees their trust only from 3 on).
    pub trust_raters: usize,
    /// `w_value × value + w_trust × trust/100` (weights renormalised over the parts present).
    pub score: f64,
}

/// Normalises points within a role's own scale.
pub fn normalised_value(points: i64, role_min: i64, role_max: i64) -> f64 {
    if role_max > role_min {
        (points - role_min) as f64 / (role_max - role_min) as f64
    } else {
        1.0
    }
}

/// The leaderboard: byes count as played-free rounds (no score), everyone listed.
pub fn standings(players: &[String], results: &[MatchResult], byes: &[RoundPlan], w: Weights) -> Vec<Standing> {
    let mut by: BTreeMap<&str, Vec<&MatchResult>> = players.iter().map(|p| (p.as_str(), vec![])).collect();
    for r in results {
        if let Some(v) = by.get_mut(r.player.as_str()) {
            v.push(r);
        }
    }
    let mut rows: Vec<Standing> = by
        .into_iter()
        .map(|(p, rs)| {
            let played = rs.len();
            let value = if played > 0 { rs.iter().map(|r| r.value).sum::<f64>() / played as f64 } else { 0.0 };
            let ts: Vec<f64> = rs.iter().filter_map(|r| r.trust).collect();
            let trust = (!ts.is_empty()).then(|| ts.iter().sum::<f64>() / ts.len() as f64);
            let score = match trust {
                Some(t) if w.value + w.trust > 0.0 => (w.value * value + w.trust * t / 100.0) / (w.value + w.trust),
                _ => value,
            };
            let byes = byes.iter().filter(|r| r.byes.iter().any(|b| b == p)).count();
            let trust_raters = rs.iter().filter(|r| r.trust.is_some()).map(|r| r.trust_raters.max(1)).sum();
            Standing { rank: 0, player: p.to_string(), played, byes, value, trust, trust_raters, score }
        })
        .collect();
    rows.sort_by(|a, b| b.score.total_cmp(&a.score).then(a.player.cmp(&b.player)));
    for i in 0..rows.len() {
        rows[i].rank =
            if i > 0 && (rows[i].score - rows[i - 1].score).abs() < 1e-12 { rows[i - 1].rank } else { i + 1 };
    }
    rows
}

/// Checks a plan: every player exactly once, groups of the right size.
pub fn is_complete(plan: &RoundPlan, players: &[String], group_size: usize) -> bool {
    let mut seen = HashSet::new();
    let all = plan.groups.iter().flatten().chain(plan.byes.iter());
    all.clone().all(|p| seen.insert(p.clone()))
        && seen.len() == players.len()
        && plan.groups.iter().all(|g| g.len() == group_size)
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    fn ids(n: usize) -> Vec<String> {
        (0..n).map(|i| format!("p{i:02}")).collect()
    }

    fn play(n: usize, rounds: usize, group: usize) -> Vec<RoundPlan> {
        play_shuffled(n, rounds, group, 0)
    }

    /// Like a real tournament, the standings order changes every round.
    fn play_shuffled(n: usize, rounds: usize, group: usize, seed: u64) -> Vec<RoundPlan> {
        let mut players = ids(n);
        let mut hist = Vec::new();
        for r in 0..rounds {
            if seed > 0 {
                let k = (seed as usize + r * 7) % n.max(1);
                players.rotate_left(k);
                if r % 2 == 1 {
                    players.reverse();
                }
            }
            let p = plan_round(&players, group, &hist, &[], r);
            hist.push(p);
        }
        hist
    }

    #[test]
    fn six_players_three_rounds_by_hand() {
        let h = play(6, 3, 2);
        for r in &h {
            assert_eq!(r.groups.len(), 3);
            assert!(r.byes.is_empty());
        }
        let m = meetings(&h, &[]);
        assert!(m.values().all(|&c| c == 1), "no pair meets twice in 3 rounds of 6");
    }

    #[test]
    fn round_one_avoids_pairs_that_met_before_the_tournament() {
        // A warm-up paired p00-p01, p02-p03, p04-p05 (what the circle's round 1 would pair
        // differently, but the plain circle ignores the warm-up).
        let players = ids(6);
        let prior = vec![ids(6)[0..2].to_vec(), ids(6)[2..4].to_vec(), ids(6)[4..6].to_vec()];
        let mut hist = Vec::new();
        for r in 0..4 {
            let p = plan_round(&players, 2, &hist, &prior, r);
            assert!(is_complete(&p, &players, 2));
            hist.push(p);
        }
        let m = meetings(&hist, &prior);
        assert!(m.values().all(|&c| c == 1), "no pair meets twice over the warm-up and 4 rounds: {m:?}");
        // Odd numbers: the bye goes to the lowest-ranked, the rest still avoid the warm-up pairs.
        let five = ids(5);
        let p = plan_round(&five, 2, &[], &prior, 0);
        assert_eq!(p.byes, vec!["p04".to_string()]);
        assert!(meetings(&[p], &prior).values().all(|&c| c == 1));
    }

    #[test]
    fn standings_blend_value_and_trust() {
        let players = ids(3);
        let res = vec![
            MatchResult { player: "p00".into(), round: 0, value: 1.0, trust: Some(0.0), trust_raters: 1 },
            MatchResult { player: "p01".into(), round: 0, value: 0.5, trust: Some(100.0), trust_raters: 1 },
            MatchResult { player: "p02".into(), round: 0, value: 0.6, trust: None, trust_raters: 0 },
        ];
        let s = standings(&players, &res, &[], Weights { value: 0.5, trust: 0.5 });
        // p00: 0.5; p01: 0.75; p02: no trust -> value only 0.6.
        assert_eq!(s.iter().map(|r| r.player.as_str()).collect::<Vec<_>>(), ["p01", "p02", "p00"]);
        assert!((s[0].score - 0.75).abs() < 1e-12);
        assert_eq!(normalised_value(30, 10, 50), 0.5);
    }

    proptest! {
        #[test]
        fn pairs_never_repeat_while_the_circle_allows_and_roles_balance(n in 2usize..14, extra in 0usize..3, seed in 0u64..50) {
            let players = ids(n);
            let rounds = circle_rounds(n) + extra;
            let h = play_shuffled(n, rounds, 2, seed);
            for (r, p) in h.iter().enumerate() {
                prop_assert!(is_complete(p, &players, 2), "round {} incomplete: {:?}", r, p);
                prop_assert!(p.byes.len() == n % 2);
                let m = meetings(&h[..=r], &[]);
                if r < circle_rounds(n) {
                    prop_assert!(m.values().all(|&c| c == 1), "repeat by round {}", r);
                }
            }
            // Role rotation: with an even roster in the round-robin rounds everyone's seat counts
            // stay within one; otherwise within two; anyone with two matches has played both roles.
            let bound = if n % 2 == 0 && extra == 0 { 1 } else { 2 };
            for p in &players {
                let c0 = h.iter().flat_map(|r| &r.groups).filter(|g| &g[0] == p).count();
                let c1 = h.iter().flat_map(|r| &r.groups).filter(|g| &g[1] == p).count();
                prop_assert!(c0.abs_diff(c1) <= bound, "{} plays seat 0 {} times, seat 1 {} times", p, c0, c1);
                if c0 + c1 >= 2 {
                    prop_assert!(c0 >= 1 && c1 >= 1, "{} played only one role in {} matches", p, c0 + c1);
                }
            }
        }

        #[test]
        fn groups_of_four_cover_everyone_and_spread_byes(n in 4usize..17, rounds in 1usize..5) {
            let players = ids(n);
            let h = play(n, rounds, 4);
            for p in &h {
                prop_assert!(is_complete(p, &players, 4));
                prop_assert_eq!(p.byes.len(), n % 4);
            }
            // Byes spread: nobody sits out twice before everyone has sat out once (per cycle).
            let mut byes: HashMap<&String, usize> = HashMap::new();
            for r in &h { for b in &r.byes { *byes.entry(b).or_default() += 1; } }
            let max = byes.values().copied().max().unwrap_or(0);
            let total: usize = byes.values().sum();
            prop_assert!(max <= total / n + 1);
        }
    }
}
