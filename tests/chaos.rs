//! The cluster under chaos (issue #16), short: `parley bench chaos`'s driver with 200 players on
//! three nodes and a random node killed (SIGKILL, restarted at its address) every 10 s for 40 s.
//! The driver makes the failover test's checks on the whole run; the five-minute run under 2,000
//! connections is the same driver from the command line (`docs/benchmarks.md`).

use crate::common::repo;
use parley_tools::bench::chaos::{chaos, ChaosArgs};

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn two_hundred_players_through_a_random_node_killed_every_ten_seconds_lose_nothing_and_finish() {
    let args = ChaosArgs {
        nodes: 3,
        connections: 200,
        class_size: 40,
        kill_every: 10,
        duration: 40,
        chat_interval_ms: 2000,
        // The failover test's lease: a loaded 2-core machine does not miss it.
        lease_ms: 3000,
        heartbeat_ms: 500,
        seed: 16,
        scenarios: repo().join("scenarios"),
        server_exe: Some(env!("CARGO_BIN_EXE_parley").into()),
        json: false,
    };
    let r = chaos(&args).await.expect("the cluster and its players start");
    println!(
        "chaos (200 players, 3 nodes, a kill every 10 s for 40 s): kills {:?}; {} resumes in p50 {:.0} ms, p99 {:.0} ms, max {:.0} ms; {} lines acknowledged, {} resent",
        r.kills, r.resumes, r.resume_p50_ms, r.resume_p99_ms, r.resume_max_ms, r.lines_acked, r.resends
    );
    assert!(r.passed(), "checks failed: {:#?}", r.failures);
    assert_eq!(r.kills.len(), 3, "a kill at 10, 20 and 30 s");
    // The kills hit: classes live on every node, so each kill drops some players.
    assert!(r.resumes >= 3, "only {} resumes", r.resumes);
    assert!(r.resume_p99_ms <= 10_000.0, "p99 resume time {} ms is over 10 s", r.resume_p99_ms);
    assert_eq!((r.connections, r.matches, r.players_finished), (200, 100, 200));
    assert!(r.lines_acked >= 200 * 15, "about 20 lines each were acknowledged: {}", r.lines_acked);
    assert_eq!((r.acked_stored_once, r.acked_missing, r.acked_duplicated), (r.lines_acked, 0, 0));
    assert_eq!(r.logs_broken, 0);
    assert_eq!((r.summaries_stored, r.debriefs_identical), (100, 5));
}
