//! Scenario model: the roles, issues, options and hidden points that describe one deal,
//! loaded from TOML and validated. Pure: parsing takes a string; only [`load_file`] and
//! [`load_dir`] touch the file system.

use crate::translation::Translation;
use serde::{Deserialize, Serialize};
use std::collections::{BTreeMap, HashSet};
use std::path::{Path, PathBuf};

/// Default phase durations in seconds.
pub const DEFAULT_PREP: u64 = 120;
/// Default small-talk duration in seconds.
pub const DEFAULT_SMALL_TALK: u64 = 300;
/// Default bargaining duration in seconds.
pub const DEFAULT_BARGAINING: u64 = 900;
/// Default survey duration in seconds.
pub const DEFAULT_SURVEY: u64 = 120;
/// The language a scenario's texts are in when its file does not say.
pub const DEFAULT_LANGUAGE: &str = "en";

/// A validated scenario: everything the game and the scoring engine need.
#[derive(Debug, Clone, Serialize, PartialEq)]
pub struct Scenario {
    /// Stable identifier (the file name without `.toml`).
    pub id: String,
    /// Short human title.
    pub title: String,
    /// Public background that every player reads.
    pub summary: String,
    /// Small-talk prompts posted by the server.
    pub icebreakers: Vec<String>,
    /// Default phase durations.
    pub phases: PhaseDurations,
    /// The roles, in file order (role index = position).
    pub roles: Vec<Role>,
    /// The issues, in file order (issue index = position).
    pub issues: Vec<Issue>,
    /// Notes for the facilitator (the optional `[teaching]` table); never sent to players.
    pub teaching: Option<Teaching>,
    /// Who must accept a package for it to become the deal (the optional `[deal]` table).
    pub deal: DealRule,
    /// The language the texts above are written in (`language`, default `"en"`).
    pub language: String,
    /// The texts in other languages, by language code (the `[translations.<lang>]` tables).
    pub translations: BTreeMap<String, Translation>,
}

/// Who must accept a package for it to become the deal. Whoever proposes it counts as accepting.
#[derive(Debug, Clone, Default, Serialize, PartialEq, Eq)]
#[serde(rename_all = "snake_case")]
pub enum DealRule {
    /// Every party (the default).
    #[default]
    Unanimous,
    /// More than half of the parties.
    Majority,
    /// These roles (by index), whatever the others do.
    Roles(Vec<usize>),
}

impl DealRule {
    /// Whether these seats' acceptance makes the deal, among `parties`.
    pub fn is_met(&self, parties: usize, accepted: &[usize]) -> bool {
        match self {
            DealRule::Unanimous => (0..parties).all(|s| accepted.contains(&s)),
            DealRule::Majority => accepted.iter().filter(|s| **s < parties).count() * 2 > parties,
            DealRule::Roles(needed) => needed.iter().all(|s| accepted.contains(s)),
        }
    }

    /// Whether the rule can still be met once these seats have rejected.
    pub fn still_possible(&self, parties: usize, rejected: &[usize]) -> bool {
        let possible: Vec<usize> = (0..parties).filter(|s| !rejected.contains(s)).collect();
        self.is_met(parties, &possible)
    }

    /// The rule in words, naming the roles.
    pub fn describe(&self, roles: &[Role]) -> String {
        match self {
            DealRule::Unanimous if roles.len() == 2 => {
                "Both parties must accept a package for it to be the deal.".into()
            }
            DealRule::Unanimous => "Every party must accept a package for it to be the deal.".into(),
            DealRule::Majority => format!(
                "A package is the deal once {} of the {} parties accept it (whoever proposes it counts).",
                roles.len() / 2 + 1,
                roles.len()
            ),
            DealRule::Roles(needed) => {
                let names: Vec<&str> = needed.iter().filter_map(|&i| roles.get(i)).map(|r| r.name.as_str()).collect();
                format!("A package is the deal once {} accept it; the others may too.", join_names(&names))
            }
        }
    }
}

fn join_names(names: &[&str]) -> String {
    match names {
        [] => String::new(),
        [one] => (*one).to_string(),
        [rest @ .., last] => format!("{} and {last}", rest.join(", ")),
    }
}

/// Teaching notes for facilitators: what a scenario teaches and how to run it in class.
/// Optional in a scenario file; every bundled scenario has complete notes (see [`Teaching::missing`]).
/// Players never receive them: the player-facing view is built field by field elsewhere.
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
#[derive(Debug, Clone, Default, Serialize, Deserialize, PartialEq, Eq)]
#[serde(deny_unknown_fields)]
pub struct Teaching {
    /// Learning goals, one sentence each.
    #[serde(default)]
    pub goals: Vec<String>,
    /// The research point the case makes.
    #[serde(default)]
    pub research: String,
    /// Questions for the debrief.
    #[serde(default)]
    pub debrief_questions: Vec<String>,
    /// What the Pareto frontier (and the issue types) show for this case.
    #[serde(default)]
    pub frontier: String,
    /// Typical mistakes players make.
    #[serde(default)]
    pub mistakes: Vec<String>,
    /// A plan for a 45-minute class.
    #[serde(default)]
    pub timing_45: String,
    /// A plan for a 90-minute class.
    #[serde(default)]
    pub timing_90: String,
}

impl Teaching {
    /// The fields that are empty (or only whitespace), in file order; empty when the notes are complete.
    pub fn missing(&self) -> Vec<&'static str> {
        let blank = |t: &str| t.trim().is_empty();
        let none = |l: &[String]| l.iter().all(|t| blank(t));
        let checks = [
            ("goals", none(&self.goals)),
            ("research", blank(&self.research)),
            ("debrief_questions", none(&self.debrief_questions)),
            ("frontier", blank(&self.frontier)),
            ("mistakes", none(&self.mistakes)),
            ("timing_45", blank(&self.timing_45)),
            ("timing_90", blank(&self.timing_90)),
        ];
        checks.iter().filter(|(_, m)| *m).map(|(f, _)| *f).collect()
    }
}

/// Default durations of the timed phases, in seconds.
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
#[derive(Debug, Clone, Copy, Serialize, Deserialize, PartialEq, Eq)]
pub struct PhaseDurations {
    /// Reading the brief.
    #[serde(default = "d_prep")]
    pub prep: u64,
    /// Chat-only rapport building.
    #[serde(default = "d_small_talk")]
    pub small_talk: u64,
    /// Chat plus offers.
    #[serde(default = "d_bargaining")]
    pub bargaining: u64,
    /// Post-match questionnaire.
    #[serde(default = "d_survey")]
    pub survey: u64,
}

fn d_prep() -> u64 {
    DEFAULT_PREP
}
fn d_small_talk() -> u64 {
    DEFAULT_SMALL_TALK
}
fn d_bargaining() -> u64 {
    DEFAULT_BARGAINING
}
fn d_survey() -> u64 {
    DEFAULT_SURVEY
}

impl Default for PhaseDurations {
    fn default() -> Self {
        PhaseDurations {
            prep: DEFAULT_PREP,
            small_talk: DEFAULT_SMALL_TALK,
            bargaining: DEFAULT_BARGAINING,
            survey: DEFAULT_SURVEY,
        }
    }
}

/// One side of the deal, with its private brief and walk-away value.
#[derive(Debug, Clone, Serialize, PartialEq)]
pub struct Role {
    /// Stable identifier used in `points` tables.
    pub id: String,
    /// Display name.
    pub name: String,
    /// Points this role gets if there is no deal (best alternative).
    pub batna: i64,
    /// Private instructions, shown only to the player in this role before results.
    pub brief: String,
}

/// One thing to agree on, with its options and each role's hidden points per option.
#[derive(Debug, Clone, Serialize, PartialEq)]
pub struct Issue {
    /// Stable identifier.
    pub id: String,
    /// Display name.
    pub name: String,
    /// Public one-line description.
    pub description: String,
    /// Option labels.
    pub options: Vec<String>,
    /// `points[role_index][option_index]`, aligned with [`Scenario::roles`].
    pub points: Vec<Vec<i64>>,
}

/// Why a scenario file was refused. The message names the file and the field.
#[derive(Debug, thiserror::Error)]
pub enum ScenarioError {
    /// The file could not be read.
    #[error("{file}: cannot read: {source}")]
    Io {
        /// File path.
        file: String,
        /// Underlying error.
        source: std::io::Error,
    },
    /// TOML syntax or type error (the message carries the parser's line and column).
    #[error("{file}: {message}")]
    Parse {
        /// File path.
        file: String,
        /// Parser message, including line and column.
        message: String,
    },
    /// The file parsed but a field breaks a rule.
    #[error("{file}: {field}: {message}")]
    Invalid {
        /// File path.
        file: String,
        /// Dotted path of the offending field, e.g. `issues[2].points.candidate`.
        field: String,
        /// What is wrong.
        message: String,
    },
}

impl ScenarioError {
    /// The field the error is about, when there is one.
    pub fn field(&self) -> Option<&str> {
        match self {
            ScenarioError::Invalid { field, .. } => Some(field),
            _ => None,
        }
    }
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
pub(crate) struct RawScenario {
    pub(crate) id: String,
    pub(crate) title: String,
    pub(crate) summary: String,
    #[serde(default)]
    pub(crate) icebreakers: Vec<String>,
    #[serde(default)]
    pub(crate) phases: PhaseDurations,
    #[serde(default)]
    pub(crate) roles: Vec<RawRole>,
    #[serde(default)]
    pub(crate) issues: Vec<RawIssue>,
    #[serde(default)]
    pub(crate) teaching: Option<Teaching>,
    #[serde(default)]
    pub(crate) deal: Option<RawDeal>,
    #[serde(default)]
    pub(crate) language: Option<String>,
    #[serde(default)]
    pub(crate) translations: BTreeMap<String, Translation>,
}

/// The `[deal]` table: `rule = "unanimous" | "majority" | "roles"`, and with `roles` the role ids
/// that must accept.
#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
pub(crate) struct RawDeal {
    pub(crate) rule: String,
    #[serde(default)]
    pub(crate) roles: Vec<String>,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
pub(crate) struct RawRole {
    pub(crate) id: String,
    pub(crate) name: String,
    pub(crate) batna: i64,
    #[serde(default)]
    pub(crate) brief: Option<String>,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
pub(crate) struct RawIssue {
    pub(crate) id: String,
    pub(crate) name: String,
    #[serde(default)]
    pub(crate) description: String,
    pub(crate) options: Vec<String>,
    pub(crate) points: BTreeMap<String, Vec<i64>>,
}

impl Scenario {
    /// Two parties: the frontier is a curve on a plane, and the analyses, views and coaching that
    /// compare "you" with "your counterpart" apply (the practice pool offers only these).
    pub fn is_bilateral(&self) -> bool {
        self.roles.len() == 2
    }

    /// Parses and validates a scenario from TOML text. `file` is used only in error messages.
    pub fn from_toml(file: &str, text: &str) -> Result<Scenario, ScenarioError> {
        let raw: RawScenario = toml::from_str(text).map_err(|e| ScenarioError::Parse {
            file: file.to_string(),
            message: e.to_string().trim_end().to_string(),
        })?;
        validate(file, raw)
    }

    /// Index of a role by id.
    pub fn role_index(&self, id: &str) -> Option<usize> {
        self.roles.iter().position(|r| r.id == id)
    }

    /// Index of an issue by id.
    pub fn issue_index(&self, id: &str) -> Option<usize> {
        self.issues.iter().position(|i| i.id == id)
    }

    /// Number of roles (players per match).
    pub fn role_count(&self) -> usize {
        self.roles.len()
    }

    /// The most and least a role can score over all packages.
    pub fn role_range(&self, role: usize) -> (i64, i64) {
        let max = self.issues.iter().map(|i| *i.points[role].iter().max().unwrap_or(&0)).sum();
        let min = self.issues.iter().map(|i| *i.points[role].iter().min().unwrap_or(&0)).sum();
        (min, max)
    }

    /// A role's private view: its own points table per issue, aligned with [`Scenario::issues`].
    pub fn points_table(&self, role: usize) -> Vec<Vec<i64>> {
        self.issues.iter().map(|i| i.points[role].clone()).collect()
    }
}

pub(crate) fn invalid(file: &str, field: impl Into<String>, message: impl Into<String>) -> ScenarioError {
    ScenarioError::Invalid { file: file.to_string(), field: field.into(), message: message.into() }
}

fn check_id(file: &str, field: &str, id: &str) -> Result<(), ScenarioError> {
    let ok = !id.is_empty()
        && id.len() <= 64
        && id.chars().all(|c| c.is_ascii_lowercase() || c.is_ascii_digit() || c == '-' || c == '_');
    if ok {
        Ok(())
    } else {
        Err(invalid(file, field, format!("id {id:?} must be 1-64 characters of a-z, 0-9, '-' or '_'")))
    }
}

pub(crate) fn validate(file: &str, raw: RawScenario) -> Result<Scenario, ScenarioError> {
    check_id(file, "id", &raw.id)?;
    if raw.title.trim().is_empty() {
        return Err(invalid(file, "title", "must not be empty"));
    }
    if raw.roles.len() < 2 {
        return Err(invalid(file, "roles", format!("needs at least 2 roles, found {}", raw.roles.len())));
    }
    if raw.issues.is_empty() {
        return Err(invalid(file, "issues", "needs at least 1 issue"));
    }
    let p = raw.phases;
    if p.small_talk > 86_400 || p.bargaining > 86_400 || p.prep > 86_400 || p.survey > 86_400 {
        return Err(invalid(file, "phases", "a phase may last at most 86400 seconds"));
    }
    if p.bargaining == 0 {
        return Err(invalid(file, "phases.bargaining", "must be at least 1 second"));
    }
    let mut seen = HashSet::new();
    let mut roles = Vec::with_capacity(raw.roles.len());
    for (i, r) in raw.roles.into_iter().enumerate() {
        check_id(file, &format!("roles[{i}].id"), &r.id)?;
        if !seen.insert(r.id.clone()) {
            return Err(invalid(file, format!("roles[{i}].id"), format!("duplicate role id {:?}", r.id)));
        }
        let brief = r.brief.unwrap_or_default();
        if brief.trim().is_empty() {
            return Err(invalid(file, format!("roles[{i}].brief"), format!("role {:?} has no brief", r.id)));
        }
        roles.push(Role { id: r.id, name: r.name, batna: r.batna, brief });
    }
    let mut seen = HashSet::new();
    let mut issues = Vec::with_capacity(raw.issues.len());
    for (i, is) in raw.issues.into_iter().enumerate() {
        check_id(file, &format!("issues[{i}].id"), &is.id)?;
        if !seen.insert(is.id.clone()) {
            return Err(invalid(file, format!("issues[{i}].id"), format!("duplicate issue id {:?}", is.id)));
        }
        if is.options.len() < 2 {
            return Err(invalid(
                file,
                format!("issues[{i}].options"),
                format!("issue {:?} needs at least 2 options, found {}", is.id, is.options.len()),
            ));
        }
        let mut opts = HashSet::new();
        for o in &is.options {
            if !opts.insert(o.as_str()) {
                return Err(invalid(file, format!("issues[{i}].options"), format!("duplicate option {o:?}")));
            }
        }
        for key in is.points.keys() {
            if !roles.iter().any(|r| &r.id == key) {
                return Err(invalid(
                    file,
                    format!("issues[{i}].points.{key}"),
                    format!("points for unknown role {key:?} in issue {:?}", is.id),
                ));
            }
        }
        let mut points = Vec::with_capacity(roles.len());
        for r in &roles {
            let Some(list) = is.points.get(&r.id) else {
                return Err(invalid(
                    file,
                    format!("issues[{i}].points"),
                    format!("role {:?} is missing from the points of issue {:?}", r.id, is.id),
                ));
            };
            if list.len() != is.options.len() {
                return Err(invalid(
                    file,
                    format!("issues[{i}].points.{}", r.id),
                    format!("has {} values but issue {:?} has {} options", list.len(), is.id, is.options.len()),
                ));
            }
            if list.iter().any(|v| v.abs() > 1_000_000) {
                return Err(invalid(
                    file,
                    format!("issues[{i}].points.{}", r.id),
                    "points must lie in -1000000..=1000000",
                ));
            }
            points.push(list.clone());
        }
        issues.push(Issue { id: is.id, name: is.name, description: is.description, options: is.options, points });
    }
    let deal = match raw.deal {
        None => DealRule::Unanimous,
        Some(d) => deal_rule(file, d, &roles)?,
    };
    let s = Scenario {
        id: raw.id,
        title: raw.title,
        summary: raw.summary,
        icebreakers: raw.icebreakers,
        phases: p,
        roles,
        issues,
        teaching: raw.teaching,
        deal,
        language: raw.language.unwrap_or_else(|| DEFAULT_LANGUAGE.to_string()),
        translations: raw.translations,
    };
    crate::translation::check(file, &s)?;
    Ok(s)
}

fn deal_rule(file: &str, d: RawDeal, roles: &[Role]) -> Result<DealRule, ScenarioError> {
    let rule = match d.rule.as_str() {
        "unanimous" => DealRule::Unanimous,
        "majority" => DealRule::Majority,
        "roles" => {
            if d.roles.is_empty() {
                return Err(invalid(file, "deal.roles", "rule \"roles\" needs the roles that must accept"));
            }
            let mut needed = Vec::new();
            for id in &d.roles {
                let Some(i) = roles.iter().position(|r| &r.id == id) else {
                    return Err(invalid(file, "deal.roles", format!("unknown role {id:?}")));
                };
                if !needed.contains(&i) {
                    needed.push(i);
                }
            }
            needed.sort_unstable();
            return Ok(DealRule::Roles(needed));
        }
        other => {
            return Err(invalid(
                file,
                "deal.rule",
                format!("unknown rule {other:?}: use \"unanimous\", \"majority\" or \"roles\""),
            ))
        }
    };
    if !d.roles.is_empty() {
        return Err(invalid(file, "deal.roles", "roles are named only with rule = \"roles\""));
    }
    Ok(rule)
}

/// The first line of every file the canonical writer ([`Scenario::to_toml`]) produces. The TOML
/// parser skips it as a comment; the server reads it to tell a file the editor wrote (which the
/// editor may save over) from a bundled or hand-written one (which it only replaces when asked).
pub const EDITOR_HEADER: &str =
    "# Parley scenario, written by the scenario editor (/author). Format: docs/scenarios.md\n";

/// The file as the canonical writer lays it out: top-level values, `[phases]`, `[[roles]]`,
/// `[[issues]]` (each with its `[issues.points]` table, one line per role in role order), `[deal]`,
/// `[teaching]` and `[translations.<lang>]`. Borrowed from a validated [`Scenario`], so only valid files are written.
#[derive(Serialize)]
struct FileScenario<'a> {
    id: &'a str,
    title: &'a str,
    #[serde(skip_serializing_if = "is_default_language")]
    language: &'a str,
    summary: &'a str,
    icebreakers: &'a [String],
    phases: PhaseDurations,
    roles: Vec<FileRole<'a>>,
    issues: Vec<FileIssue<'a>>,
    deal: FileDeal<'a>,
    #[serde(skip_serializing_if = "Option::is_none")]
    teaching: Option<&'a Teaching>,
    #[serde(skip_serializing_if = "BTreeMap::is_empty")]
    translations: &'a BTreeMap<String, Translation>,
}

fn is_default_language(lang: &&str) -> bool {
    *lang == DEFAULT_LANGUAGE
}

#[derive(Serialize)]
struct FileRole<'a> {
    id: &'a str,
    name: &'a str,
    batna: i64,
    brief: &'a str,
}

#[derive(Serialize)]
struct FileIssue<'a> {
    id: &'a str,
    name: &'a str,
    #[serde(skip_serializing_if = "str::is_empty")]
    description: &'a str,
    options: &'a [String],
    points: RolePoints<'a>,
}

/// An issue's points keyed by role id, in the scenario's role order (a `BTreeMap` would sort the
/// roles by id, and the file reads best in the order the roles are introduced).
struct RolePoints<'a>(Vec<(&'a str, &'a [i64])>);

impl Serialize for RolePoints<'_> {
    fn serialize<S: serde::Serializer>(&self, ser: S) -> Result<S::Ok, S::Error> {
        use serde::ser::SerializeMap;
        let mut m = ser.serialize_map(Some(self.0.len()))?;
        for (role, points) in &self.0 {
            m.serialize_entry(role, points)?;
        }
        m.end()
    }
}

#[derive(Serialize)]
struct FileDeal<'a> {
    rule: &'static str,
    #[serde(skip_serializing_if = "Vec::is_empty")]
    roles: Vec<&'a str>,
}

impl Scenario {
    /// The canonical TOML file of this scenario: [`EDITOR_HEADER`], then the fields in a fixed
    /// order, every phase and the deal rule written out. Parsing the result gives this scenario
    /// back, so writing, parsing and writing again gives the same bytes.
    ///
    /// The `toml` crate does the writing (quoting, escapes, multi-line strings), so whatever text
    /// an author types is written as TOML reads it back. Its layout is stable and readable: one
    /// line per value, one line per role's points of an issue. The only thing it cannot do is the
    /// inline `points = { a = [...] }` of the hand-written files: its serializer writes a map
    /// inside `[[issues]]` as an `[issues.points]` table, which means the same.
    pub fn to_toml(&self) -> String {
        let file = FileScenario {
            id: &self.id,
            title: &self.title,
            language: &self.language,
            summary: &self.summary,
            icebreakers: &self.icebreakers,
            phases: self.phases,
            roles: self
                .roles
                .iter()
                .map(|r| FileRole { id: &r.id, name: &r.name, batna: r.batna, brief: &r.brief })
                .collect(),
            issues: self
                .issues
                .iter()
                .map(|i| FileIssue {
                    id: &i.id,
                    name: &i.name,
                    description: &i.description,
                    options: &i.options,
                    points: RolePoints(
                        self.roles.iter().zip(&i.points).map(|(r, p)| (r.id.as_str(), p.as_slice())).collect(),
                    ),
                })
                .collect(),
            deal: match &self.deal {
                DealRule::Unanimous => FileDeal { rule: "unanimous", roles: vec![] },
                DealRule::Majority => FileDeal { rule: "majority", roles: vec![] },
                DealRule::Roles(needed) => FileDeal {
                    rule: "roles",
                    roles: needed.iter().filter_map(|&i| self.roles.get(i)).map(|r| r.id.as_str()).collect(),
                },
            },
            teaching: self.teaching.as_ref(),
            translations: &self.translations,
        };
        // Every field is a string, an integer, a list of them or a table of them: nothing the TOML
        // serializer refuses (it refuses only enums, tuples and maps with non-string keys).
        let body = toml::to_string(&file).expect("a scenario is plain TOML data");
        format!("{EDITOR_HEADER}\n{body}")
    }
}

/// Reads and validates one scenario file.
pub fn load_file(path: &Path) -> Result<Scenario, ScenarioError> {
    let file = path.display().to_string();
    let text = std::fs::read_to_string(path).map_err(|source| ScenarioError::Io { file: file.clone(), source })?;
    Scenario::from_toml(&file, &text)
}

/// The `.toml` files of a folder, sorted by name.
pub fn scenario_files(dir: &Path) -> std::io::Result<Vec<PathBuf>> {
    let mut files: Vec<PathBuf> = std::fs::read_dir(dir)?
        .filter_map(|e| e.ok().map(|e| e.path()))
        .filter(|p| p.extension().is_some_and(|e| e == "toml"))
        .collect();
    files.sort();
    Ok(files)
}

/// Loads every scenario of a folder: the valid ones, and the errors of the others.
pub fn load_dir(dir: &Path) -> std::io::Result<(Vec<Scenario>, Vec<ScenarioError>)> {
    let mut ok = Vec::new();
    let mut bad = Vec::new();
    for f in scenario_files(dir)? {
        match load_file(&f) {
            Ok(s) => ok.push(s),
            Err(e) => bad.push(e),
        }
    }
    Ok((ok, bad))
}

#[cfg(test)]
pub(crate) mod tests {
    use super::*;

    pub(crate) const GOOD: &str = r#"
id = "mini"
title = "Mini"
summary = "Two people."
icebreakers = ["Hi?"]
[phases]
small_talk = 60
[[roles]]
id = "a"
name = "A"
batna = 5
brief = "You are A."
[[roles]]
id = "b"
name = "B"
batna = 3
brief = "You are B."
[[issues]]
id = "price"
name = "Price"
options = ["low", "mid", "high"]
points = { a = [0, 5, 10], b = [10, 5, 0] }
"#;

    fn err(text: &str) -> String {
        Scenario::from_toml("x.toml", text).unwrap_err().to_string()
    }

    #[test]
    fn parses_good_file_with_defaults() {
        let s = Scenario::from_toml("x.toml", GOOD).unwrap();
        assert_eq!(s.roles.len(), 2);
        assert_eq!(s.phases.small_talk, 60);
        assert_eq!(s.phases.prep, DEFAULT_PREP);
        assert_eq!(s.issues[0].points, vec![vec![0, 5, 10], vec![10, 5, 0]]);
        assert_eq!(s.role_range(0), (0, 10));
    }

    #[test]
    fn rejects_each_rule_naming_file_and_field() {
        let one_role = GOOD.replace("[[roles]]\nid = \"b\"\nname = \"B\"\nbatna = 3\nbrief = \"You are B.\"\n", "");
        assert!(err(&one_role).contains("x.toml: roles: needs at least 2 roles"), "{}", err(&one_role));

        let dup_role = GOOD.replace("id = \"b\"", "id = \"a\"");
        assert!(err(&dup_role).contains("roles[1].id: duplicate role id"), "{}", err(&dup_role));

        let one_opt = GOOD.replace(r#"["low", "mid", "high"]"#, r#"["low"]"#);
        assert!(err(&one_opt).contains("issues[0].options: issue \"price\" needs at least 2 options"));

        let unknown = GOOD.replace("b = [10, 5, 0]", "b = [10, 5, 0], c = [1, 2, 3]");
        assert!(err(&unknown).contains("issues[0].points.c: points for unknown role \"c\""), "{}", err(&unknown));

        let missing = GOOD.replace(", b = [10, 5, 0]", "");
        assert!(err(&missing).contains("role \"b\" is missing from the points"));

        let short = GOOD.replace("b = [10, 5, 0]", "b = [10, 5]");
        assert!(err(&short).contains("issues[0].points.b: has 2 values but issue \"price\" has 3 options"));

        let float = GOOD.replace("b = [10, 5, 0]", "b = [10, 5.5, 0]");
        let e = err(&float);
        assert!(e.starts_with("x.toml: ") && e.contains("line 22"), "{e}");

        let negative = GOOD.replace("b = [10, 5, 0]", "b = [10, -5, 0]");
        assert!(Scenario::from_toml("x.toml", &negative).is_ok());

        let no_brief = GOOD.replace("brief = \"You are B.\"\n", "");
        assert!(err(&no_brief).contains("roles[1].brief: role \"b\" has no brief"));

        let dup_issue = format!("{GOOD}\n[[issues]]\nid = \"price\"\nname = \"P\"\noptions = [\"x\", \"y\"]\npoints = {{ a = [1, 2], b = [2, 1] }}\n");
        assert!(err(&dup_issue).contains("issues[1].id: duplicate issue id"));

        let syntax = GOOD.replace("title = \"Mini\"", "title = ");
        assert!(err(&syntax).contains("line 3"), "{}", err(&syntax));
    }
    #[test]
    fn teaching_notes_are_optional_typed_and_checked_for_gaps() {
        assert_eq!(Scenario::from_toml("x.toml", GOOD).unwrap().teaching, None);
        let full = format!(
            "{GOOD}\n[teaching]\ngoals = [\"Split a price\"]\nresearch = \"r\"\ndebrief_questions = [\"Who won?\"]\n\
             frontier = \"f\"\nmistakes = [\"m\"]\ntiming_45 = \"t\"\ntiming_90 = \"u\"\n"
        );
        let t = Scenario::from_toml("x.toml", &full).unwrap().teaching.unwrap();
        assert_eq!(t.goals, vec!["Split a price".to_string()]);
        assert_eq!(t.missing(), Vec::<&str>::new());
        let partial = format!("{GOOD}\n[teaching]\ngoals = [\" \"]\nfrontier = \"f\"\n");
        let t = Scenario::from_toml("x.toml", &partial).unwrap().teaching.unwrap();
        assert_eq!(t.missing(), vec!["goals", "research", "debrief_questions", "mistakes", "timing_45", "timing_90"]);
        let typo = format!("{GOOD}\n[teaching]\ngoal = [\"x\"]\n");
        assert!(err(&typo).contains("unknown field `goal`"), "{}", err(&typo));
    }

    #[test]
    fn deal_rules_are_read_checked_and_described() {
        let base = |deal: &str| {
            let roles: String = ["city", "residents", "club"]
                .iter()
                .map(|r| format!("[[roles]]\nid = \"{r}\"\nname = \"The {r}\"\nbatna = 0\nbrief = \"b\"\n"))
                .collect();
            let issue = "[[issues]]\nid = \"x\"\nname = \"X\"\noptions = [\"a\", \"b\"]\n\
                         points = { city = [0, 1], residents = [1, 0], club = [1, 1] }\n";
            format!("id = \"p\"\ntitle = \"P\"\nsummary = \"s\"\n{roles}{issue}{deal}")
        };
        let s =
            Scenario::from_toml("p.toml", &base("[deal]\nrule = \"roles\"\nroles = [\"club\", \"city\"]\n")).unwrap();
        assert_eq!(s.deal, DealRule::Roles(vec![0, 2]));
        assert_eq!(
            s.deal.describe(&s.roles),
            "A package is the deal once The city and The club accept it; the others may too."
        );
        assert!(s.deal.is_met(3, &[0, 2]) && !s.deal.is_met(3, &[0, 1]));
        let m = Scenario::from_toml("p.toml", &base("[deal]\nrule = \"majority\"\n")).unwrap();
        assert!(m.deal.is_met(3, &[1, 2]) && !m.deal.is_met(3, &[1]));
        assert!(m.deal.still_possible(3, &[0]) && !m.deal.still_possible(3, &[0, 1]));
        for (deal, field) in [
            ("[deal]\nrule = \"most\"\n", "deal.rule"),
            ("[deal]\nrule = \"roles\"\n", "deal.roles"),
            ("[deal]\nrule = \"roles\"\nroles = [\"mayor\"]\n", "deal.roles"),
            ("[deal]\nrule = \"majority\"\nroles = [\"city\"]\n", "deal.roles"),
        ] {
            let e = Scenario::from_toml("p.toml", &base(deal)).unwrap_err();
            assert_eq!(e.field(), Some(field), "{deal}: {e}");
        }
    }
}
