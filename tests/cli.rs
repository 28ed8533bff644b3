//! The `parley scenario` command line on the bundled scenarios and on broken files.

use serde_json::Value;
use std::process::Command;

fn parley(args: &[&str]) -> std::process::Output {
    Command::new(env!("CARGO_BIN_EXE_parley")).args(args).current_dir(crate::common::repo()).output().unwrap()
}

#[test]
fn check_prints_one_json_object_per_file_with_the_promised_fields() {
    let files = [
        "scenarios/job-offer.toml",
        "scenarios/campsite.toml",
        "scenarios/supplier-renewal.toml",
        "scenarios/alignment-meeting.toml",
    ];
    let mut args = vec!["scenario", "check", "--json"];
    args.extend(files);
    let out = parley(&args);
    assert!(out.status.success(), "{}", String::from_utf8_lossy(&out.stderr));
    let lines: Vec<Value> =
        String::from_utf8(out.stdout).unwrap().lines().map(|l| serde_json::from_str(l).unwrap()).collect();
    assert_eq!(lines.len(), 4);
    for v in &lines {
        for k in ["id", "roles", "max_joint_value", "pareto_frontier", "issue_types"] {
            assert!(v.get(k).is_some(), "{k} missing in {v}");
        }
    }
    let job = &lines[0];
    assert_eq!(job["id"], "job-offer");
    assert_eq!(job["issues"].as_array().unwrap().len(), 8);
    let kinds: Vec<&str> =
        job["issue_types"].as_array().unwrap().iter().map(|t| t["pairs"][0]["type"].as_str().unwrap()).collect();
    for k in ["compatible", "distributive", "integrative"] {
        assert!(kinds.contains(&k), "job-offer has no {k} issue: {kinds:?}");
    }
    // The frontier lists [points role 1, points role 2], role 1 ascending.
    let f: Vec<(i64, i64)> = job["pareto_frontier"]
        .as_array()
        .unwrap()
        .iter()
        .map(|p| (p[0].as_i64().unwrap(), p[1].as_i64().unwrap()))
        .collect();
    assert!(f.windows(2).all(|w| w[0].0 < w[1].0 && w[0].1 > w[1].1));
    assert_eq!(lines[3]["pareto_frontier"], Value::Null, "four roles: no two-dimensional frontier");
    // Human-readable form and the list.
    let out = parley(&["scenario", "check", "scenarios/campsite.toml"]);
    assert!(String::from_utf8_lossy(&out.stdout).contains("Nash package"));
    let out = parley(&["scenario", "list", "--scenarios", "scenarios"]);
    assert_eq!(String::from_utf8_lossy(&out.stdout).lines().count(), 4);
}

#[test]
fn a_broken_file_fails_with_its_name_and_field_and_never_panics() {
    let dir = std::env::temp_dir().join(format!("parley-cli-{}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    let good = std::fs::read_to_string(crate::common::repo().join("scenarios/campsite.toml")).unwrap();
    let cases = [
        ("short.toml", good.replacen("camper_north = [0, 5, 10, 15]", "camper_north = [0, 5, 10]", 1), "points"),
        ("float.toml", good.replacen("[0, 5, 10, 15]", "[0, 5.5, 10, 15]", 1), "line"),
        ("garbage.toml", "this is = = not toml".to_string(), "line"),
        ("empty.toml", String::new(), "missing field"),
    ];
    for (name, text, expect) in &cases {
        let path = dir.join(name);
        std::fs::write(&path, text).unwrap();
        let out = parley(&["scenario", "check", path.to_str().unwrap()]);
        let err = String::from_utf8_lossy(&out.stderr);
        assert_eq!(out.status.code(), Some(1), "{name}: {err}");
        assert!(err.contains(name) && err.contains(expect), "{name}: {err}");
        assert!(!err.contains("panicked"), "{name}: {err}");
    }
    // One bad file among good ones still fails the whole check.
    let out = parley(&["scenario", "check", "scenarios/campsite.toml", dir.join("short.toml").to_str().unwrap()]);
    assert!(!out.status.success());
    let _ = std::fs::remove_dir_all(&dir);
}
