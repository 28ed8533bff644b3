//! A whole 3-round tournament with 6 bot players over real WebSockets: nobody meets the same
//! counterpart twice, everyone plays both roles, standings and exports cover every round.

use crate::common::Server;
use parley::bots::client::{run_bot, BotConfig, Entry};
use parley::bots::strategies::ALL;
use serde_json::{json, Value};
use std::collections::HashSet;
use std::time::Duration;

#[tokio::test]
async fn six_bots_play_a_three_round_tournament() {
    let server = Server::start();
    let (status, v) = server
        .post(
            "/api/sessions",
            json!({"scenario": "campsite", "pairing": "facilitator",
                   "durations": {"prep": 2, "small_talk": 2, "bargaining": 5, "survey": 3}}),
            &[],
        )
        .await;
    assert_eq!(status, 201);
    let code = v["code"].as_str().unwrap().to_string();
    let token = v["facilitator_token"].as_str().unwrap().to_string();
    let bots: Vec<_> = (0..6)
        .map(|i| {
            tokio::spawn(run_bot(BotConfig {
                addr: server.addr.clone(),
                entry: Entry::Code(code.clone()),
                name: format!("bot{i}"),
                strategy: ALL[i % ALL.len()],
                level: Default::default(),
                seed: i as u64,
                pace: Duration::from_millis(50),
                max_time: Duration::from_secs(120),
                matches: 3,
            }))
        })
        .collect();
    // Watch the session live until all six wait.
    let mut watch = server.client().await;
    watch.send(json!({"type": "watch", "code": code, "token": token})).await;
    watch.until("six waiting", |v| v["type"] == "monitor" && v["waiting"] == 6).await;
    let ctl = |body: Value| {
        let (code, token) = (code.clone(), token.clone());
        let server = &server;
        async move { server.post(&format!("/api/sessions/{code}/control"), body, &[("x-facilitator-token", &token)]).await }
    };
    let (status, v) = ctl(json!({"action": "tournament_start", "rounds": ["campsite", "job-offer", "campsite"],
                                 "weights": {"value": 0.6, "trust": 0.4}}))
    .await;
    assert_eq!(status, 200, "{v}");
    assert_eq!(v["affected"], 3);
    for round in 1..=3 {
        // Wait until every match of this round has its results.
        watch
            .until(&format!("round {round} done"), |v| {
                v["type"] == "monitor"
                    && v["tournament"]["round"] == round
                    && v["tournament"]["results"].as_array().is_some_and(|r| r.len() == 6 * round as usize)
            })
            .await;
        if round < 3 {
            let (status, v) = ctl(json!({"action": "tournament_next_round"})).await;
            assert_eq!(status, 200, "{v}");
        }
    }
    let (status, v) = ctl(json!({"action": "tournament_next_round"})).await;
    assert_eq!((status, v["message"].as_str()), (400, Some("all 3 rounds have been played")));

    let (status, t) = server.get(&format!("/api/sessions/{code}/tournament?token={token}")).await;
    assert_eq!(status, 200);
    // Nobody met the same counterpart twice; everyone played both roles.
    let mut pairs = HashSet::new();
    let mut seat0 = std::collections::HashMap::new();
    let mut seat1 = std::collections::HashMap::new();
    for r in t["rounds"].as_array().unwrap() {
        assert_eq!(r["groups"].as_array().unwrap().len(), 3);
        for g in r["groups"].as_array().unwrap() {
            let p: Vec<String> =
                g["players"].as_array().unwrap().iter().map(|x| x.as_str().unwrap().to_string()).collect();
            let mut key = p.clone();
            key.sort();
            assert!(pairs.insert(key), "a pair met twice");
            *seat0.entry(p[0].clone()).or_insert(0) += 1;
            *seat1.entry(p[1].clone()).or_insert(0) += 1;
        }
    }
    assert_eq!(seat0.len(), 6);
    assert_eq!(seat1.len(), 6, "everyone played both roles");
    let table = t["standings"].as_array().unwrap();
    assert_eq!(table.len(), 6);
    assert!(table.iter().all(|r| r["played"] == 3));
    assert!(table.windows(2).all(|w| w[0]["score"].as_f64() >= w[1]["score"].as_f64()));
    assert_eq!(t["config"]["weights"], json!({"value": 0.6, "trust": 0.4}));
    let (_, csv) = server.get(&format!("/api/sessions/{code}/export/tournament.csv?token={token}")).await;
    assert_eq!(csv.as_str().unwrap().lines().count(), 1 + 18);
    let (_, csv) = server.get(&format!("/api/sessions/{code}/export/standings.csv?token={token}")).await;
    assert_eq!(csv.as_str().unwrap().lines().count(), 1 + 6);
    for b in bots {
        let r = b.await.unwrap().unwrap();
        assert_eq!(r.results.len(), 3, "each bot finished three matches");
    }
}
