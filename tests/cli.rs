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
        for k in ["id", "roles", "max_joint_value", "pareto_frontier", "issue_types", "warnings"] {
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
    let listed: Vec<String> = String::from_utf8_lossy(&out.stdout)
        .lines()
        .map(|l| l.split_whitespace().next().unwrap().to_string())
        .collect();
    assert_eq!(listed, bundled().iter().map(|(id, _)| id.clone()).collect::<Vec<_>>());
}

/// The bundled scenario files, sorted: (file stem, path relative to the repository).
fn bundled() -> Vec<(String, String)> {
    let dir = crate::common::repo().join("scenarios");
    parley::core::scenario::scenario_files(&dir)
        .unwrap()
        .iter()
        .map(|p| {
            let stem = p.file_stem().unwrap().to_string_lossy().to_string();
            (stem.clone(), format!("scenarios/{stem}.toml"))
        })
        .collect()
}

#[test]
fn every_bundled_scenario_validates_with_complete_teaching_notes() {
    let files = bundled();
    assert!(files.len() >= 12, "the library has {} scenarios", files.len());
    let mut args = vec!["scenario", "check", "--strict", "--json"];
    args.extend(files.iter().map(|(_, f)| f.as_str()));
    let out = parley(&args);
    assert!(out.status.success(), "{}", String::from_utf8_lossy(&out.stderr));
    assert!(out.stderr.is_empty(), "{}", String::from_utf8_lossy(&out.stderr));
    let lines: Vec<Value> =
        String::from_utf8(out.stdout).unwrap().lines().map(|l| serde_json::from_str(l).unwrap()).collect();
    assert_eq!(lines.len(), files.len());
    for (v, (stem, _)) in lines.iter().zip(&files) {
        assert_eq!(v["id"].as_str(), Some(stem.as_str()), "the id matches the file name");
        assert_eq!(v["warnings"], serde_json::json!([]), "{stem}");
        assert!(v["nash"].is_object(), "{stem}: no package beats every walk-away value");
    }
    // The same through the library: every file loads and its notes have every field.
    for (stem, path) in &files {
        let s = parley::core::scenario::load_file(&crate::common::repo().join(path)).unwrap();
        let t = s.teaching.as_ref().unwrap_or_else(|| panic!("{stem} has no [teaching]"));
        assert_eq!(t.missing(), Vec::<&str>::new(), "{stem}");
        assert!(t.goals.len() >= 2 && t.debrief_questions.len() >= 3 && t.mistakes.len() >= 2, "{stem}");
    }
}

#[test]
fn the_library_covers_each_kind_of_case_it_promises() {
    use parley::core::scoring::{analyse_scenario, issue_type, IssueType};
    let all: Vec<_> = bundled()
        .iter()
        .map(|(_, p)| parley::core::scenario::load_file(&crate::common::repo().join(p)).unwrap())
        .collect();
    let kinds = |s: &parley::core::scenario::Scenario| -> Vec<IssueType> {
        s.issues.iter().map(|i| issue_type(i, 0, 1)).collect::<Vec<_>>()
    };
    let two: Vec<_> = all.iter().filter(|s| s.roles.len() == 2).collect();
    // Purely distributive: every issue a pure split, every package the same joint value.
    let pure: Vec<_> = two.iter().filter(|s| kinds(s).iter().all(|k| *k == IssueType::Distributive)).collect();
    assert_eq!(pure.len(), 1, "one purely distributive case for contrast");
    let a = analyse_scenario(pure[0]);
    assert_eq!(a.max_joint_value, a.role_max[0], "a pure split creates no value");
    // Several integrative two-party cases, and several with a compatible issue.
    let integrative = two.iter().filter(|s| kinds(s).contains(&IssueType::Integrative)).count();
    let compatible = two.iter().filter(|s| kinds(s).contains(&IssueType::Compatible)).count();
    assert!(integrative >= 6 && compatible >= 4, "integrative {integrative}, compatible {compatible}");
    // Multi-party cases of three to six roles.
    let multi: Vec<usize> = all.iter().map(|s| s.roles.len()).filter(|&n| n > 2).collect();
    assert!(multi.len() >= 2 && multi.iter().all(|n| (3..=6).contains(n)), "{multi:?}");
}

#[test]
fn missing_teaching_notes_warn_and_fail_only_when_strict() {
    let dir = std::env::temp_dir().join(format!("parley-cli-teaching-{}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    let good = std::fs::read_to_string(crate::common::repo().join("scenarios/campsite.toml")).unwrap();
    let cut = good.find("[teaching]").expect("campsite has notes");
    let bare = dir.join("bare.toml");
    std::fs::write(&bare, &good[..cut]).unwrap();
    let out = parley(&["scenario", "check", bare.to_str().unwrap()]);
    let err = String::from_utf8_lossy(&out.stderr);
    assert!(out.status.success(), "{err}");
    assert!(err.contains("warning: ") && err.contains("bare.toml: teaching: no [teaching] notes"), "{err}");
    assert!(String::from_utf8_lossy(&out.stdout).contains("Nash package"), "the analysis is still printed");
    let out = parley(&["scenario", "check", "--strict", bare.to_str().unwrap()]);
    let err = String::from_utf8_lossy(&out.stderr);
    assert_eq!(out.status.code(), Some(1), "{err}");
    assert!(err.contains("error: ") && err.contains("bare.toml: teaching"), "{err}");
    // An incomplete table names each empty field.
    let partial = dir.join("partial.toml");
    std::fs::write(
        &partial,
        format!("{}[teaching]\ngoals = [\"Ask why\"]\nresearch = \"r\"\nframing = \"\"\n", &good[..cut]),
    )
    .unwrap();
    let out = parley(&["scenario", "check", partial.to_str().unwrap()]);
    let err = String::from_utf8_lossy(&out.stderr);
    assert_eq!(out.status.code(), Some(1), "an unknown key in [teaching] is an error: {err}");
    assert!(err.contains("framing"), "{err}");
    std::fs::write(&partial, format!("{}[teaching]\ngoals = [\"Ask why\"]\nresearch = \"r\"\n", &good[..cut])).unwrap();
    let out = parley(&["scenario", "check", "--json", partial.to_str().unwrap()]);
    let v: Value = serde_json::from_slice(&out.stdout).unwrap();
    let expected = ["debrief_questions", "frontier", "mistakes", "timing_45", "timing_90"]
        .map(|f| format!("teaching.{f}: missing or empty"));
    assert_eq!(v["warnings"], serde_json::json!(expected));
    let _ = std::fs::remove_dir_all(&dir);
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
