//! Writing scenarios in the browser (`/author`): the editor's model of a file ([`Draft`]), the
//! limits on what an author may send, and the analysis the editor shows while the author types:
//! exactly what `parley scenario check --json` prints ([`CheckReport`]), plus the zone of possible
//! agreement, what a naive split leaves on the table and warnings for cases that teach badly.
//! Pure: the server turns drafts into files ([`Scenario::to_toml`]) and files into drafts here.

use crate::scenario::{invalid, validate, PhaseDurations, RawDeal, RawIssue, RawRole, RawScenario};
use crate::scenario::{DealRule, Scenario, ScenarioError, Teaching, DEFAULT_LANGUAGE};
use crate::scoring::{
    analyse_scenario, issue_type, max_joint_value, nash_package, pareto_frontier, IssueType, ScenarioAnalysis,
};
use crate::translation::Translation;
use serde::{Deserialize, Serialize};
use std::collections::BTreeMap;

/// The name errors of a draft carry where a file's errors carry the file name.
pub const DRAFT_FILE: &str = "scenario";

/// A scenario as the editor holds it: the fields of the file, with every issue's points as one
/// row per role, in role order (a grid survives renaming a role's id; the file keys them by id).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
#[serde(deny_unknown_fields)]
pub struct Draft {
    /// Scenario id, also the file name (`<id>.toml`).
    pub id: String,
    /// Short title.
    pub title: String,
    /// Public background every player reads.
    pub summary: String,
    /// Small-talk prompts.
    #[serde(default)]
    pub icebreakers: Vec<String>,
    /// Default phase durations in seconds.
    #[serde(default)]
    pub phases: PhaseDurations,
    /// The roles, in order.
    #[serde(default)]
    pub roles: Vec<DraftRole>,
    /// The issues, in order.
    #[serde(default)]
    pub issues: Vec<DraftIssue>,
    /// Who must accept a package.
    #[serde(default)]
    pub deal: DraftDeal,
    /// Notes for facilitators (the `[teaching]` table), if any.
    #[serde(default)]
    pub teaching: Option<Teaching>,
    /// The language of the texts above (none: English).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub language: Option<String>,
    /// The texts in other languages, by language code, as the editor's language switch edits
    /// them (a text left out falls back to the default language).
    #[serde(default, skip_serializing_if = "BTreeMap::is_empty")]
    pub translations: BTreeMap<String, Translation>,
}

/// One role of a [`Draft`].
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
#[serde(deny_unknown_fields)]
pub struct DraftRole {
    /// Identifier (the key of its points in the file).
    pub id: String,
    /// Display name.
    pub name: String,
    /// Walk-away value in points.
    pub batna: i64,
    /// Private brief.
    pub brief: String,
}

/// One issue of a [`Draft`].
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
#[serde(deny_unknown_fields)]
pub struct DraftIssue {
    /// Identifier.
    pub id: String,
    /// Display name.
    pub name: String,
    /// Public one-line description.
    #[serde(default)]
    pub description: String,
    /// Option labels.
    pub options: Vec<String>,
    /// `points[role][option]`, one row per role of the draft, in role order.
    pub points: Vec<Vec<i64>>,
}

/// The deal rule of a [`Draft`], as in the file's `[deal]` table.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
#[serde(deny_unknown_fields)]
pub struct DraftDeal {
    /// `unanimous`, `majority` or `roles`.
    pub rule: String,
    /// With `roles`: the ids of the roles that must accept.
    #[serde(default)]
    pub roles: Vec<String>,
}

impl Default for DraftDeal {
    fn default() -> Self {
        DraftDeal { rule: "unanimous".into(), roles: vec![] }
    }
}

impl Draft {
    /// The draft of a scenario (to edit a bundled or saved one).
    pub fn from_scenario(s: &Scenario) -> Draft {
        let (rule, roles) = match &s.deal {
            DealRule::Unanimous => ("unanimous", vec![]),
            DealRule::Majority => ("majority", vec![]),
            DealRule::Roles(needed) => {
                ("roles", needed.iter().filter_map(|&i| s.roles.get(i)).map(|r| r.id.clone()).collect())
            }
        };
        Draft {
            id: s.id.clone(),
            title: s.title.clone(),
            summary: s.summary.clone(),
            icebreakers: s.icebreakers.clone(),
            phases: s.phases,
            roles: s
                .roles
                .iter()
                .map(|r| DraftRole { id: r.id.clone(), name: r.name.clone(), batna: r.batna, brief: r.brief.clone() })
                .collect(),
            issues: s
                .issues
                .iter()
                .map(|i| DraftIssue {
                    id: i.id.clone(),
                    name: i.name.clone(),
                    description: i.description.clone(),
                    options: i.options.clone(),
                    points: i.points.clone(),
                })
                .collect(),
            deal: DraftDeal { rule: rule.into(), roles },
            teaching: s.teaching.clone(),
            language: (s.language != DEFAULT_LANGUAGE).then(|| s.language.clone()),
            translations: s.translations.clone(),
        }
    }

    /// The scenario this draft describes, checked by the same rules as a file (the errors name the
    /// same fields: `roles[1].brief`, `issues[0].points.buyer`, ...) and by the [limits] on what
    /// an author may send.
    pub fn to_scenario(&self) -> Result<Scenario, ScenarioError> {
        let f = DRAFT_FILE;
        let mut issues = Vec::with_capacity(self.issues.len());
        for (k, i) in self.issues.iter().enumerate() {
            if i.points.len() != self.roles.len() {
                return Err(invalid(
                    f,
                    format!("issues[{k}].points"),
                    format!("has {} rows of points but the scenario has {} roles", i.points.len(), self.roles.len()),
                ));
            }
            // Duplicate role ids collapse here; validation reports them first, at the role.
            let points: BTreeMap<String, Vec<i64>> =
                self.roles.iter().zip(&i.points).map(|(r, p)| (r.id.clone(), p.clone())).collect();
            issues.push(RawIssue {
                id: i.id.clone(),
                name: i.name.clone(),
                description: i.description.clone(),
                options: i.options.clone(),
                points,
            });
        }
        let raw = RawScenario {
            id: self.id.clone(),
            title: self.title.clone(),
            summary: self.summary.clone(),
            icebreakers: self.icebreakers.clone(),
            phases: self.phases,
            roles: self
                .roles
                .iter()
                .map(|r| RawRole {
                    id: r.id.clone(),
                    name: r.name.clone(),
                    batna: r.batna,
                    brief: Some(r.brief.clone()),
                })
                .collect(),
            issues,
            teaching: self.teaching.clone(),
            deal: Some(RawDeal { rule: self.deal.rule.clone(), roles: self.deal.roles.clone() }),
            language: self.language.clone(),
            translations: self.matching_translations(),
        };
        let s = validate(f, raw)?;
        check_limits(&s)?;
        Ok(s)
    }
}

impl Draft {
    /// The draft's translations less what no longer matches its roles, issues and icebreakers
    /// (see [`Translation::keep_matching`]).
    fn matching_translations(&self) -> BTreeMap<String, Translation> {
        let roles: Vec<&str> = self.roles.iter().map(|r| r.id.as_str()).collect();
        let issues: Vec<(&str, usize)> = self.issues.iter().map(|i| (i.id.as_str(), i.options.len())).collect();
        let mut out = self.translations.clone();
        for t in out.values_mut() {
            t.keep_matching(&roles, &issues, self.icebreakers.len());
        }
        out
    }
}

/// Limits on a scenario an author sends (the server's own files are not held to them, but every
/// bundled scenario is within them, so each can be opened, edited and saved).
pub mod limits {
    /// Most roles (players per match).
    pub const MAX_ROLES: usize = 6;
    /// Most issues.
    pub const MAX_ISSUES: usize = 12;
    /// Most options per issue.
    pub const MAX_OPTIONS: usize = 10;
    /// With more than two roles the frontier is found by comparing packages pairwise, so the
    /// number of packages (the product of the option counts) is capped to keep the analysis fast.
    pub const MAX_PACKAGES_MULTIPARTY: u64 = 10_000;
    /// Longest title, role or issue name, or option label, in characters.
    pub const MAX_SHORT_TEXT: usize = 200;
    /// Longest summary, brief or teaching paragraph, in characters.
    pub const MAX_LONG_TEXT: usize = 10_000;
    /// Longest item of a list (an icebreaker, a goal, a question, a mistake) or description.
    pub const MAX_ITEM_TEXT: usize = 1_000;
    /// Most items in one list (icebreakers, goals, questions, mistakes).
    pub const MAX_LIST_ITEMS: usize = 30;
}

/// Checks a scenario against [`limits`]; the error names the field.
pub fn check_limits(s: &Scenario) -> Result<(), ScenarioError> {
    use limits::*;
    let f = DRAFT_FILE;
    let too_long = |field: String, text: &str, max: usize| -> Result<(), ScenarioError> {
        let n = text.chars().count();
        if n > max {
            return Err(invalid(f, field, format!("is {n} characters long; at most {max}")));
        }
        Ok(())
    };
    let list = |field: &str, items: &[String], max_each: usize| -> Result<(), ScenarioError> {
        if items.len() > MAX_LIST_ITEMS {
            return Err(invalid(f, field, format!("has {} items; at most {MAX_LIST_ITEMS}", items.len())));
        }
        for (i, t) in items.iter().enumerate() {
            too_long(format!("{field}[{i}]"), t, max_each)?;
        }
        Ok(())
    };
    if s.roles.len() > MAX_ROLES {
        return Err(invalid(f, "roles", format!("has {} roles; at most {MAX_ROLES}", s.roles.len())));
    }
    if s.issues.len() > MAX_ISSUES {
        return Err(invalid(f, "issues", format!("has {} issues; at most {MAX_ISSUES}", s.issues.len())));
    }
    too_long("title".into(), &s.title, MAX_SHORT_TEXT)?;
    too_long("summary".into(), &s.summary, MAX_LONG_TEXT)?;
    list("icebreakers", &s.icebreakers, MAX_ITEM_TEXT)?;
    for (i, r) in s.roles.iter().enumerate() {
        too_long(format!("roles[{i}].name"), &r.name, MAX_SHORT_TEXT)?;
        too_long(format!("roles[{i}].brief"), &r.brief, MAX_LONG_TEXT)?;
    }
    let mut packages: u64 = 1;
    for (k, is) in s.issues.iter().enumerate() {
        too_long(format!("issues[{k}].name"), &is.name, MAX_SHORT_TEXT)?;
        too_long(format!("issues[{k}].description"), &is.description, MAX_ITEM_TEXT)?;
        if is.options.len() > MAX_OPTIONS {
            return Err(invalid(
                f,
                format!("issues[{k}].options"),
                format!("has {} options; at most {MAX_OPTIONS}", is.options.len()),
            ));
        }
        for (o, label) in is.options.iter().enumerate() {
            too_long(format!("issues[{k}].options[{o}]"), label, MAX_SHORT_TEXT)?;
        }
        packages = packages.saturating_mul(is.options.len() as u64);
    }
    if s.roles.len() > 2 && packages > MAX_PACKAGES_MULTIPARTY {
        return Err(invalid(
            f,
            "issues",
            format!(
                "with more than two roles a scenario may have at most {MAX_PACKAGES_MULTIPARTY} packages \
                 (the options of every issue multiplied); this one has {packages}"
            ),
        ));
    }
    for (lang, tr) in &s.translations {
        let at = |rest: String| format!("translations.{lang}.{rest}");
        let short = |field: String, text: &Option<String>, max: usize| match text {
            Some(text) => too_long(at(field), text, max),
            None => Ok(()),
        };
        short("title".into(), &tr.title, MAX_SHORT_TEXT)?;
        short("summary".into(), &tr.summary, MAX_LONG_TEXT)?;
        list(&at("icebreakers".into()), &tr.icebreakers, MAX_ITEM_TEXT)?;
        for (id, r) in &tr.roles {
            short(format!("roles.{id}.name"), &r.name, MAX_SHORT_TEXT)?;
            short(format!("roles.{id}.brief"), &r.brief, MAX_LONG_TEXT)?;
        }
        for (id, is) in &tr.issues {
            short(format!("issues.{id}.name"), &is.name, MAX_SHORT_TEXT)?;
            short(format!("issues.{id}.description"), &is.description, MAX_ITEM_TEXT)?;
            for (o, label) in is.options.iter().enumerate() {
                too_long(at(format!("issues.{id}.options[{o}]")), label, MAX_SHORT_TEXT)?;
            }
        }
    }
    if let Some(t) = &s.teaching {
        list("teaching.goals", &t.goals, MAX_ITEM_TEXT)?;
        list("teaching.debrief_questions", &t.debrief_questions, MAX_ITEM_TEXT)?;
        list("teaching.mistakes", &t.mistakes, MAX_ITEM_TEXT)?;
        for (k, text) in [
            ("research", &t.research),
            ("frontier", &t.frontier),
            ("timing_45", &t.timing_45),
            ("timing_90", &t.timing_90),
        ] {
            too_long(format!("teaching.{k}"), text, MAX_LONG_TEXT)?;
        }
    }
    Ok(())
}

/// What is missing from a scenario's teaching notes, as warnings (none when they are complete).
pub fn teaching_warnings(s: &Scenario) -> Vec<String> {
    match &s.teaching {
        None => vec!["teaching: no [teaching] notes for facilitators".to_string()],
        Some(t) => t.missing().iter().map(|f| format!("teaching.{f}: missing or empty")).collect(),
    }
}

/// What `parley scenario check --json` prints for a valid file: the analysis, the teaching-note
/// warnings and the deal rule in words. The editor's analysis carries the same object.
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
#[derive(Debug, Clone, Serialize)]
pub struct CheckReport {
    /// The scoring engine's analysis.
    #[serde(flatten)]
    pub analysis: ScenarioAnalysis,
    /// Gaps in the teaching notes ([`teaching_warnings`]).
    pub warnings: Vec<String>,
    /// The deal rule in words.
    pub deal_rule: String,
}

/// The check of one scenario.
pub fn check_report(s: &Scenario) -> CheckReport {
    CheckReport { analysis: analyse_scenario(s), warnings: teaching_warnings(s), deal_rule: s.deal.describe(&s.roles) }
}

/// The editor's live analysis of a valid scenario.
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
#[derive(Debug, Clone, Serialize)]
pub struct AuthorAnalysis {
    /// Exactly what `parley scenario check --json` prints for this scenario.
    pub check: CheckReport,
    /// The smallest joint value any package gives (equal to the maximum: nothing to create).
    pub min_joint_value: i64,
    /// How much each issue matters to each role.
    pub issues: Vec<IssueWeights>,
    /// The zone of possible agreement.
    pub zone: Zone,
    /// Every issue settled at its middle option.
    pub naive_split: NaiveSplit,
    /// Ways the case may teach badly, each at a field.
    pub warnings: Vec<AuthorWarning>,
}

/// How much one issue matters to each role.
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
#[derive(Debug, Clone, Serialize)]
pub struct IssueWeights {
    /// Issue id.
    pub issue: String,
    /// Per role: its best minus its worst points on this issue.
    pub weight: Vec<i64>,
    /// Per role: that weight as a share of the role's weights over all issues (0 to 1).
    pub share: Vec<f64>,
}

/// The zone of possible agreement: packages that give every role at least its walk-away value.
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
#[derive(Debug, Clone, Serialize)]
pub struct Zone {
    /// Whether any package does.
    pub exists: bool,
    /// How many packages of the Pareto frontier (over all roles) do.
    pub frontier_packages: usize,
    /// Per role, `[least, most]` points over those frontier packages (empty when there is no zone).
    pub role_ranges: Vec<[i64; 2]>,
    /// The maximum joint value minus the sum of the walk-away values: what the best deal adds to
    /// walking away (negative: even the best deal is worth less than everyone walking away).
    pub surplus: i64,
}

/// The naive split: every issue settled at its middle option (halfway between the two middle
/// options when an issue has an even number), as people do who split every issue in turn.
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
#[derive(Debug, Clone, Serialize)]
pub struct NaiveSplit {
    /// Each role's points.
    pub points: Vec<f64>,
    /// Their sum.
    pub joint_value: f64,
    /// The maximum joint value minus this joint value: the value the split leaves on the table.
    pub left_on_table: f64,
    /// That as a share of the maximum joint value (0 when the maximum is not positive).
    pub share_left: f64,
    /// Per role: whether the split gives it at least its walk-away value.
    pub beats_walk_away: Vec<bool>,
}

/// A sign that a case may teach badly. `code` is stable (`docs/scenarios.md` lists them).
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct AuthorWarning {
    /// `no_integrative_potential`, `no_zone_of_agreement`, `walk_away_above_every_deal`,
    /// `dominant_role` or `issue_nobody_cares_about`.
    pub code: &'static str,
    /// The field to fix, as in validation errors (`roles[1].batna`, `issues[2].points`).
    pub field: String,
    /// A plain sentence.
    pub message: String,
}

/// One role's share of the surplus at the Nash package above which the frontier is said to
/// favour it, with two roles (3 to 1). With more roles: a role gains at least three times what
/// another gains.
const DOMINANCE_RATIO: i64 = 3;

/// The editor's analysis: [`check_report`] and the rest of [`AuthorAnalysis`]. The frontier is
/// computed again here rather than threaded out of `analyse_scenario`, which keeps the check's
/// code path exactly the CLI's; a frontier of an editor-sized scenario takes microseconds.
pub fn author_analysis(s: &Scenario) -> AuthorAnalysis {
    let check = check_report(s);
    let roles: Vec<usize> = (0..s.roles.len()).collect();
    let frontier = pareto_frontier(s, &roles);
    let batnas: Vec<i64> = s.roles.iter().map(|r| r.batna).collect();
    let max_joint = max_joint_value(s);
    let min_joint: i64 = s
        .issues
        .iter()
        .map(|i| (0..i.options.len()).map(|o| i.points.iter().map(|p| p[o]).sum::<i64>()).min().unwrap_or(0))
        .sum();

    let weights: Vec<Vec<i64>> = s
        .issues
        .iter()
        .map(|i| i.points.iter().map(|p| p.iter().max().unwrap_or(&0) - p.iter().min().unwrap_or(&0)).collect())
        .collect();
    let totals: Vec<i64> = roles.iter().map(|&r| weights.iter().map(|w| w[r]).sum()).collect();
    let issues = s
        .issues
        .iter()
        .zip(&weights)
        .map(|(i, w)| IssueWeights {
            issue: i.id.clone(),
            weight: w.clone(),
            share: w.iter().zip(&totals).map(|(&x, &t)| if t > 0 { x as f64 / t as f64 } else { 0.0 }).collect(),
        })
        .collect();

    let in_zone: Vec<&Vec<i64>> =
        frontier.iter().map(|f| &f.points).filter(|p| p.iter().zip(&batnas).all(|(x, b)| x >= b)).collect();
    let role_ranges = if in_zone.is_empty() {
        vec![]
    } else {
        roles
            .iter()
            .map(|&r| {
                let v = in_zone.iter().map(|p| p[r]);
                [v.clone().min().unwrap_or(0), v.max().unwrap_or(0)]
            })
            .collect()
    };
    let zone = Zone {
        exists: !in_zone.is_empty(),
        frontier_packages: in_zone.len(),
        role_ranges,
        surplus: max_joint - batnas.iter().sum::<i64>(),
    };

    let naive_points: Vec<f64> = roles
        .iter()
        .map(|&r| {
            s.issues
                .iter()
                .map(|i| {
                    let n = i.options.len();
                    let p = &i.points[r];
                    if n % 2 == 1 {
                        p[n / 2] as f64
                    } else {
                        (p[n / 2 - 1] + p[n / 2]) as f64 / 2.0
                    }
                })
                .sum()
        })
        .collect();
    let naive_joint: f64 = naive_points.iter().sum();
    let left = max_joint as f64 - naive_joint;
    let naive_split = NaiveSplit {
        beats_walk_away: naive_points.iter().zip(&batnas).map(|(p, &b)| *p >= b as f64).collect(),
        points: naive_points,
        joint_value: naive_joint,
        left_on_table: left,
        share_left: if max_joint > 0 { left / max_joint as f64 } else { 0.0 },
    };

    let mut warnings = Vec::new();
    let pairs: Vec<(usize, usize)> = roles.iter().flat_map(|&a| ((a + 1)..roles.len()).map(move |b| (a, b))).collect();
    let any_integrative =
        s.issues.iter().any(|i| pairs.iter().any(|&(a, b)| issue_type(i, a, b) == IssueType::Integrative));
    if !any_integrative {
        let message = if min_joint == max_joint {
            "No issue is integrative and every package has the same joint value: there is no value to create, \
             only to split. Give the roles different priorities across issues so that trades pay."
        } else {
            "No issue is integrative: there are no trades across issues to find (only shared interests to \
             discover). Give the roles different priorities across issues so that trades pay."
        };
        warnings.push(AuthorWarning {
            code: "no_integrative_potential",
            field: "issues".into(),
            message: message.into(),
        });
    }
    let role_max: Vec<i64> = roles.iter().map(|&r| s.role_range(r).1).collect();
    for (r, role) in s.roles.iter().enumerate() {
        if role.batna > role_max[r] {
            warnings.push(AuthorWarning {
                code: "walk_away_above_every_deal",
                field: format!("roles[{r}].batna"),
                message: format!(
                    "{}'s walk-away value ({}) is above the most {} can score ({}): {} should refuse every deal.",
                    role.name, role.batna, role.name, role_max[r], role.name
                ),
            });
        }
    }
    let nash = nash_package(s, &roles, &frontier);
    match &nash {
        None => warnings.push(AuthorWarning {
            code: "no_zone_of_agreement",
            field: "roles".into(),
            message: "No package gives every role at least its walk-away value: every match should end without \
                      a deal. Lower a walk-away value or raise some points."
                .into(),
        }),
        Some(n) => {
            let surplus: Vec<i64> = n.points.iter().zip(&batnas).map(|(p, b)| p - b).collect();
            let most = (0..surplus.len()).max_by_key(|&r| (surplus[r], std::cmp::Reverse(r)));
            let least = (0..surplus.len()).min_by_key(|&r| (surplus[r], r));
            if let (Some(hi), Some(lo)) = (most, least) {
                if surplus[hi] > 0 && surplus[hi] >= DOMINANCE_RATIO * surplus[lo].max(0) && hi != lo {
                    warnings.push(AuthorWarning {
                        code: "dominant_role",
                        field: "roles".into(),
                        message: format!(
                            "At the Nash package {} gains {} points over walking away and {} only {}: the frontier \
                             favours {}. Give the roles comparable ranges of points and walk-away values.",
                            s.roles[hi].name, surplus[hi], s.roles[lo].name, surplus[lo], s.roles[hi].name
                        ),
                    });
                }
            }
        }
    }
    for (k, (i, w)) in s.issues.iter().zip(&weights).enumerate() {
        if w.iter().all(|&x| x == 0) {
            warnings.push(AuthorWarning {
                code: "issue_nobody_cares_about",
                field: format!("issues[{k}].points"),
                message: format!(
                    "Nobody cares about {}: every option is worth the same to every role. Give it points or remove it.",
                    i.name
                ),
            });
        }
    }

    AuthorAnalysis { check, min_joint_value: min_joint, issues, zone, naive_split, warnings }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::translation::{IssueTranslation, RoleTranslation};
    use proptest::prelude::*;
    use std::path::Path;

    fn bundled() -> Vec<(String, String)> {
        let dir = Path::new(env!("CARGO_MANIFEST_DIR")).join("../../scenarios");
        crate::scenario::scenario_files(&dir)
            .unwrap()
            .into_iter()
            .map(|p| (p.display().to_string(), std::fs::read_to_string(&p).unwrap()))
            .collect()
    }

    #[test]
    fn every_bundled_scenario_round_trips_through_the_canonical_writer() {
        let files = bundled();
        assert!(files.len() >= 12);
        for (name, text) in files {
            let parsed = Scenario::from_toml(&name, &text).unwrap();
            let written = parsed.to_toml();
            assert!(written.starts_with(crate::scenario::EDITOR_HEADER), "{name}");
            let again = Scenario::from_toml(&name, &written).unwrap_or_else(|e| panic!("{name}: {e}\n{written}"));
            assert_eq!(again, parsed, "{name}: parse → write → parse gives the same scenario");
            assert_eq!(again.to_toml(), written, "{name}: write → parse → write is byte-identical");
            // The editor's model holds the same scenario, and each one is within the author limits.
            let draft = Draft::from_scenario(&parsed);
            assert_eq!(draft.to_scenario().unwrap_or_else(|e| panic!("{name}: {e}")), parsed, "{name}");
        }
    }

    #[test]
    fn draft_errors_name_the_field_of_the_file_format() {
        let s = Scenario::from_toml("x.toml", crate::scenario::tests::GOOD).unwrap();
        let d = Draft::from_scenario(&s);
        let field = |d: &Draft| d.to_scenario().unwrap_err().field().map(str::to_string);
        let mut bad = d.clone();
        bad.roles[1].brief = "  ".into();
        assert_eq!(field(&bad).as_deref(), Some("roles[1].brief"));
        let mut bad = d.clone();
        bad.issues[0].points[1].pop();
        assert_eq!(field(&bad).as_deref(), Some("issues[0].points.b"));
        let mut bad = d.clone();
        bad.issues[0].points.pop();
        assert_eq!(field(&bad).as_deref(), Some("issues[0].points"));
        let mut bad = d.clone();
        bad.id = "../../etc/passwd".into();
        assert_eq!(field(&bad).as_deref(), Some("id"));
        let mut bad = d.clone();
        bad.deal = DraftDeal { rule: "roles".into(), roles: vec!["zz".into()] };
        assert_eq!(field(&bad).as_deref(), Some("deal.roles"));
        let mut bad = d.clone();
        bad.issues[0].options[2] = "x".repeat(limits::MAX_SHORT_TEXT + 1);
        assert_eq!(field(&bad).as_deref(), Some("issues[0].options[2]"));
        let mut bad = d.clone();
        bad.translations
            .entry("de".into())
            .or_default()
            .roles
            .insert("a".into(), RoleTranslation { name: Some("x".repeat(limits::MAX_SHORT_TEXT + 1)), brief: None });
        assert_eq!(field(&bad).as_deref(), Some("translations.de.roles.a.name"));
        let mut bad = d;
        bad.roles = (0..=limits::MAX_ROLES)
            .map(|i| DraftRole { id: format!("r{i}"), name: "R".into(), batna: 0, brief: "b".into() })
            .collect();
        bad.issues[0].points = vec![vec![0, 1, 2]; limits::MAX_ROLES + 1];
        assert_eq!(field(&bad).as_deref(), Some("roles"));
    }

    #[test]
    fn warnings_flag_cases_that_teach_badly() {
        let base = crate::scenario::tests::GOOD; // price: a pure split, batnas 5 and 3
        let codes = |text: &str| -> Vec<&'static str> {
            author_analysis(&Scenario::from_toml("x.toml", text).unwrap()).warnings.iter().map(|w| w.code).collect()
        };
        // A walk-away of 5 leaves A nothing over walking away at the middle price: B takes all of it.
        assert_eq!(codes(base), vec!["no_integrative_potential", "dominant_role"]);
        let even = base.replace("batna = 5", "batna = 3");
        assert_eq!(codes(&even), vec!["no_integrative_potential"]);
        let high = base.replace("batna = 5", "batna = 11");
        assert_eq!(
            codes(&high),
            vec!["no_integrative_potential", "walk_away_above_every_deal", "no_zone_of_agreement"]
        );
        let idle = format!(
            "{even}[[issues]]\nid = \"colour\"\nname = \"Colour\"\noptions = [\"red\", \"blue\"]\n\
             points = {{ a = [2, 2], b = [1, 1] }}\n[[issues]]\nid = \"day\"\nname = \"Day\"\n\
             options = [\"mon\", \"fri\"]\npoints = {{ a = [0, 1], b = [6, 0] }}\n"
        );
        assert_eq!(codes(&idle), vec!["issue_nobody_cares_about"]);
        let a = author_analysis(&Scenario::from_toml("x.toml", &idle).unwrap());
        assert_eq!(a.warnings[0].field, "issues[1].points");
        // Naive split: price mid (5, 5), colour (2, 1), day halfway (0.5, 3): 16.5 of the best 19.
        assert_eq!(a.naive_split.points, vec![7.5, 9.0]);
        assert_eq!(a.check.analysis.max_joint_value, 19);
        assert!((a.naive_split.left_on_table - 2.5).abs() < 1e-9);
        assert!(a.zone.exists && a.zone.surplus == 19 - 6);
    }

    #[test]
    fn bundled_scenarios_raise_only_the_warnings_they_mean_to() {
        for (name, text) in bundled() {
            let s = Scenario::from_toml(&name, &text).unwrap();
            let codes: Vec<&str> = author_analysis(&s).warnings.iter().map(|w| w.code).collect();
            // The food truck is the library's pure split, on purpose; every other case teaches value.
            let expected: &[&str] = if s.id == "food-truck" { &["no_integrative_potential"] } else { &[] };
            assert_eq!(codes, expected, "{name}");
        }
    }

    /// A random valid scenario: text with quotes, backslashes, new lines, tabs, non-ASCII and
    /// control characters, negative points, every deal rule, with or without teaching notes.
    fn arb_scenario() -> impl Strategy<Value = Scenario> {
        let text = "(?s)[a-zA-Z0-9 '\"\\\\\\n\\r\\t\\u{7}é—🙂#=\\[\\]{}.,-]{0,40}";
        let nonblank = "[a-zA-Z]{1,3}(?s)[a-zA-Z0-9 '\"\\\\\\n\\r\\té🙂]{0,20}";
        (2usize..=3, 1usize..=3, 2usize..=4, 0usize..3, any::<bool>(), any::<bool>()).prop_flat_map(
            move |(n_roles, n_issues, n_opts, deal, teach, translate)| {
                (
                    (text, text, text, proptest::collection::vec(text, 0..3)),
                    proptest::collection::vec((text, -50i64..50, nonblank), n_roles),
                    proptest::collection::vec(
                        (text, text, proptest::collection::vec(-1_000_000i64..=1_000_000, n_roles * n_opts)),
                        n_issues,
                    ),
                    (proptest::collection::vec(text, 0..3), text),
                    (1u64..=86_400, 0u64..=86_400),
                )
                    .prop_map(
                        move |((title, summary, other, ice), roles, issues, (goals, research), (barg, prep))| {
                            let roles: Vec<crate::scenario::Role> = roles
                                .into_iter()
                                .enumerate()
                                .map(|(i, (name, batna, brief))| crate::scenario::Role {
                                    id: format!("role-{i}"),
                                    name,
                                    batna,
                                    brief,
                                })
                                .collect();
                            let issues: Vec<crate::scenario::Issue> = issues
                                .into_iter()
                                .enumerate()
                                .map(|(k, (name, description, pts))| crate::scenario::Issue {
                                    id: format!("issue_{k}"),
                                    name,
                                    description,
                                    options: (0..n_opts).map(|o| format!("opt \"{o}\"\n{title}")).collect(),
                                    points: pts.chunks(n_opts).map(|c| c.to_vec()).collect(),
                                })
                                .collect();
                            // A Spanish table with some texts (the second issue's options are left out)
                            // and a German one with only a title: both fall back where they are silent.
                            let translations = if translate {
                                let es = Translation {
                                    title: Some(format!("es {other}")),
                                    summary: None,
                                    icebreakers: ice.iter().map(|i| format!("es {i}")).collect(),
                                    roles: [(
                                        roles[0].id.clone(),
                                        RoleTranslation { name: Some(format!("N{other}")), brief: None },
                                    )]
                                    .into(),
                                    issues: issues
                                        .iter()
                                        .enumerate()
                                        .map(|(k, i): (usize, &crate::scenario::Issue)| {
                                            let options = if k == 0 {
                                                i.options.iter().map(|o| format!("{o} ({other})")).collect()
                                            } else {
                                                vec![]
                                            };
                                            (
                                                i.id.clone(),
                                                IssueTranslation {
                                                    name: None,
                                                    description: Some(format!("d{other}")),
                                                    options,
                                                },
                                            )
                                        })
                                        .collect(),
                                };
                                let de = Translation { title: Some(format!("de {title}")), ..Translation::default() };
                                [("es".to_string(), es), ("de".to_string(), de)].into()
                            } else {
                                BTreeMap::new()
                            };
                            Scenario {
                                id: "random".into(),
                                title: format!("T{title}"),
                                summary,
                                icebreakers: ice,
                                phases: PhaseDurations { prep, small_talk: 0, bargaining: barg, survey: 86_400 },
                                deal: match deal {
                                    0 => DealRule::Unanimous,
                                    1 => DealRule::Majority,
                                    _ => DealRule::Roles(vec![0, roles.len() - 1]),
                                },
                                roles,
                                issues,
                                teaching: teach.then(|| Teaching { goals, research, ..Teaching::default() }),
                                language: "en".into(),
                                translations,
                            }
                        },
                    )
            },
        )
    }

    proptest! {
        #![proptest_config(ProptestConfig::with_cases(256))]
        #[test]
        fn any_valid_scenario_round_trips_byte_stable(s in arb_scenario()) {
            let written = s.to_toml();
            let parsed = Scenario::from_toml("p.toml", &written).map_err(|e| TestCaseError::fail(format!("{e}\n{written}")))?;
            prop_assert_eq!(&parsed, &s);
            prop_assert_eq!(parsed.to_toml(), written);
            prop_assert_eq!(Draft::from_scenario(&s).to_scenario().map_err(|e| TestCaseError::fail(e.to_string()))?, s);
        }
    }
}
