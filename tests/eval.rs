//! `parley eval casino` end to end: dialogues in CaSiNo's format replayed through the real
//! server over WebSockets, points compared with the corpus's, tags and trust read back. The
//! fixture is our own writing in the corpus's format; when the CaSiNo training split is present
//! beside the repository (`../shared/data/casino/`), a slice of it is replayed too.

use serde_json::Value;
use std::process::Command;

fn eval(data: &std::path::Path, extra: &[&str]) -> Value {
    let out = Command::new(env!("CARGO_BIN_EXE_parley"))
        .args(["eval", "casino", "--json", "--data"])
        .arg(data)
        .args(extra)
        .output()
        .expect("parley runs");
    assert!(out.status.success(), "{}", String::from_utf8_lossy(&out.stderr));
    serde_json::from_slice(&out.stdout).expect("a JSON report")
}

#[test]
fn replayed_dialogues_give_the_corpus_points_and_are_read_for_tactics_and_trust() {
    let r = eval(&crate::common::repo().join("tests/fixtures/casino_sample.json"), &[]);
    assert_eq!(r["dialogues"], 3, "{r}");
    assert_eq!(r["points_match"], 3, "a deal, a rejection then a walk-away, and a deal proposed by seat 1: {r}");
    assert_eq!(r["failures"].as_array().unwrap().len(), 0);
    assert_eq!(r["annotated"], 2);
    let labels = r["labels"].as_object().unwrap();
    assert_eq!(labels.len(), 10);
    assert!(labels["elicit-pref"]["support"].as_u64().unwrap() >= 2);
    assert!(r["macro_f1"].as_f64().unwrap() > 0.0);
    assert_eq!(r["trust"]["n"], 6, "an estimate for every participant");
}

#[test]
fn a_slice_of_the_casino_training_split_replays_exactly() {
    let data = crate::common::repo().parent().unwrap().join("shared/data/casino/casino_train.json");
    if !data.exists() {
        eprintln!("skipped: {} is not here (it is not part of the repository)", data.display());
        return;
    }
    let r = eval(&data, &["--limit", "40"]);
    assert_eq!((r["dialogues"].as_u64(), r["points_match"].as_u64()), (Some(40), Some(40)), "{r}");
    assert!(r["trust"]["r_partner_liking"].as_f64().is_some(), "{r}");
}
