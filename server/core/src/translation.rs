//! A scenario's texts in other languages: the `[translations.<lang>]` tables of a scenario file.
//! Every text is optional; a missing one falls back to the scenario's own (default-language) text,
//! so a half-finished translation still plays. Only words are translated: ids, points, walk-away
//! values and the deal rule are the scenario's, whatever the language.

use crate::scenario::{invalid, Scenario, ScenarioError};
use serde::{Deserialize, Serialize};
use std::collections::BTreeMap;

/// The scenario's texts in one language.
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
#[derive(Debug, Clone, Default, Serialize, Deserialize, PartialEq, Eq)]
#[serde(deny_unknown_fields)]
pub struct Translation {
    /// The title.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub title: Option<String>,
    /// The public background.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub summary: Option<String>,
    /// The small-talk prompts, in the scenario's order: all of them, or none.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub icebreakers: Vec<String>,
    /// Texts per role, keyed by role id.
    #[serde(default, skip_serializing_if = "BTreeMap::is_empty")]
    pub roles: BTreeMap<String, RoleTranslation>,
    /// Texts per issue, keyed by issue id.
    #[serde(default, skip_serializing_if = "BTreeMap::is_empty")]
    pub issues: BTreeMap<String, IssueTranslation>,
}

/// A role's texts in one language.
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
#[derive(Debug, Clone, Default, Serialize, Deserialize, PartialEq, Eq)]
#[serde(deny_unknown_fields)]
pub struct RoleTranslation {
    /// Display name.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub name: Option<String>,
    /// Private brief.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub brief: Option<String>,
}

/// An issue's texts in one language.
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
#[derive(Debug, Clone, Default, Serialize, Deserialize, PartialEq, Eq)]
#[serde(deny_unknown_fields)]
pub struct IssueTranslation {
    /// Display name.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub name: Option<String>,
    /// One-line description.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub description: Option<String>,
    /// Option labels in the issue's option order: all of them, or none (an option is picked by its
    /// position, so a partial list could not say which labels it replaces).
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub options: Vec<String>,
}

impl Translation {
    /// Drops what no longer matches the scenario it translates: roles and issues it lacks, and
    /// option or icebreaker lists of another length. The scenario editor saves with this: a role
    /// renamed or an option added in the default language leaves translated texts that no longer
    /// apply; they fall back to the default language instead of refusing the save.
    pub fn keep_matching(&mut self, roles: &[&str], issues: &[(&str, usize)], icebreakers: usize) {
        self.roles.retain(|id, _| roles.contains(&id.as_str()));
        self.issues.retain(|id, _| issues.iter().any(|(i, _)| i == id));
        for (id, issue) in &mut self.issues {
            let options = issues.iter().find(|(i, _)| i == id).map_or(0, |(_, n)| *n);
            if issue.options.len() != options {
                issue.options.clear();
            }
        }
        if self.icebreakers.len() != icebreakers {
            self.icebreakers.clear();
        }
    }
}

/// Whether `code` looks like a language code: 2–3 lowercase ASCII letters (`en`, `es`, `de`).
pub fn is_language_code(code: &str) -> bool {
    (2..=3).contains(&code.len()) && code.chars().all(|c| c.is_ascii_lowercase())
}

/// Checks the translations against the scenario they translate: each names a known role, issue
/// and the issue's full option list, and is not the scenario's own language. The error names the
/// dotted field, like every scenario error.
pub(crate) fn check(file: &str, s: &Scenario) -> Result<(), ScenarioError> {
    if !is_language_code(&s.language) {
        return Err(invalid(file, "language", format!("{:?} is not a language code like \"en\"", s.language)));
    }
    for (lang, tr) in &s.translations {
        let at = |rest: &str| format!("translations.{lang}{rest}");
        if !is_language_code(lang) {
            return Err(invalid(file, at(""), format!("{lang:?} is not a language code like \"es\"")));
        }
        if *lang == s.language {
            return Err(invalid(file, at(""), format!("{lang:?} is the scenario's own language")));
        }
        if !tr.icebreakers.is_empty() && tr.icebreakers.len() != s.icebreakers.len() {
            return Err(invalid(
                file,
                at(".icebreakers"),
                format!("has {} prompts but the scenario has {}", tr.icebreakers.len(), s.icebreakers.len()),
            ));
        }
        let blank = |t: &Option<String>| t.as_ref().is_some_and(|t| t.trim().is_empty());
        if blank(&tr.title) {
            return Err(invalid(file, at(".title"), "must not be empty (leave it out to use the default)"));
        }
        if blank(&tr.summary) {
            return Err(invalid(file, at(".summary"), "must not be empty (leave it out to use the default)"));
        }
        if let Some(i) = tr.icebreakers.iter().position(|t| t.trim().is_empty()) {
            return Err(invalid(file, at(&format!(".icebreakers[{i}]")), "is empty: translate every prompt, or none"));
        }
        for (id, role) in &tr.roles {
            if s.role_index(id).is_none() {
                return Err(invalid(file, at(&format!(".roles.{id}")), format!("unknown role {id:?}")));
            }
            if blank(&role.name) || blank(&role.brief) {
                return Err(invalid(
                    file,
                    at(&format!(".roles.{id}")),
                    "an empty text: leave it out to use the default",
                ));
            }
        }
        for (id, issue) in &tr.issues {
            let Some(k) = s.issue_index(id) else {
                return Err(invalid(file, at(&format!(".issues.{id}")), format!("unknown issue {id:?}")));
            };
            let want = s.issues[k].options.len();
            if !issue.options.is_empty() && issue.options.len() != want {
                return Err(invalid(
                    file,
                    at(&format!(".issues.{id}.options")),
                    format!("has {} labels but issue {id:?} has {want} options", issue.options.len()),
                ));
            }
            if blank(&issue.name) {
                return Err(invalid(file, at(&format!(".issues.{id}.name")), "must not be empty"));
            }
            if blank(&issue.description) {
                return Err(invalid(
                    file,
                    at(&format!(".issues.{id}.description")),
                    "must not be empty (leave it out to use the default)",
                ));
            }
            if let Some(o) = issue.options.iter().position(|t| t.trim().is_empty()) {
                return Err(invalid(
                    file,
                    at(&format!(".issues.{id}.options[{o}]")),
                    "is empty: translate every label of the issue, or none",
                ));
            }
        }
    }
    Ok(())
}

impl Scenario {
    /// The texts with no translation in `lang`, as the dotted fields a translation would fill
    /// (`translations.de.roles.buyer.brief`, `translations.de.issues.price.options`), in the
    /// order of the file. Empty for the scenario's own language. A default-language text that
    /// is empty (an issue without a description) needs no translation.
    pub fn untranslated(&self, lang: &str) -> Vec<String> {
        if lang == self.language {
            return vec![];
        }
        let none = Translation::default();
        let tr = self.translations.get(lang).unwrap_or(&none);
        let at = |rest: &str| format!("translations.{lang}.{rest}");
        let mut out = vec![];
        if tr.title.is_none() {
            out.push(at("title"));
        }
        if tr.summary.is_none() && !self.summary.trim().is_empty() {
            out.push(at("summary"));
        }
        if tr.icebreakers.is_empty() && !self.icebreakers.is_empty() {
            out.push(at("icebreakers"));
        }
        for role in &self.roles {
            let t = tr.roles.get(&role.id);
            if t.is_none_or(|t| t.name.is_none()) {
                out.push(at(&format!("roles.{}.name", role.id)));
            }
            if t.is_none_or(|t| t.brief.is_none()) && !role.brief.trim().is_empty() {
                out.push(at(&format!("roles.{}.brief", role.id)));
            }
        }
        for issue in &self.issues {
            let t = tr.issues.get(&issue.id);
            if t.is_none_or(|t| t.name.is_none()) {
                out.push(at(&format!("issues.{}.name", issue.id)));
            }
            if t.is_none_or(|t| t.description.is_none()) && !issue.description.trim().is_empty() {
                out.push(at(&format!("issues.{}.description", issue.id)));
            }
            if t.is_none_or(|t| t.options.is_empty()) {
                out.push(at(&format!("issues.{}.options", issue.id)));
            }
        }
        out
    }

    /// This scenario with its texts in `lang` where the file has them, the default-language text
    /// elsewhere; `None` when there is nothing to translate (the default language, or a language
    /// the file has no table for), so callers keep using the scenario they have.
    pub fn in_language(&self, lang: &str) -> Option<Scenario> {
        let tr = self.translations.get(lang)?;
        let mut s = self.clone();
        let pick = |own: &mut String, other: &Option<String>| {
            if let Some(t) = other {
                own.clone_from(t);
            }
        };
        pick(&mut s.title, &tr.title);
        pick(&mut s.summary, &tr.summary);
        if tr.icebreakers.len() == s.icebreakers.len() {
            s.icebreakers.clone_from(&tr.icebreakers);
        }
        for role in &mut s.roles {
            if let Some(t) = tr.roles.get(&role.id) {
                pick(&mut role.name, &t.name);
                pick(&mut role.brief, &t.brief);
            }
        }
        for issue in &mut s.issues {
            if let Some(t) = tr.issues.get(&issue.id) {
                pick(&mut issue.name, &t.name);
                pick(&mut issue.description, &t.description);
                if t.options.len() == issue.options.len() {
                    issue.options.clone_from(&t.options);
                }
            }
        }
        Some(s)
    }
}

#[cfg(test)]
mod tests {
    use crate::scenario::tests::GOOD;
    use crate::scenario::Scenario;

    const ES: &str = "\n[translations.es]\ntitle = \"Mini (es)\"\nicebreakers = [\"¿Hola?\"]\n[translations.es.roles.a]\nbrief = \"Eres A.\"\n\
                      [translations.es.issues.price]\nname = \"Precio\"\noptions = [\"bajo\", \"medio\", \"alto\"]\n";

    #[test]
    fn a_translation_replaces_the_texts_it_has_and_keeps_the_rest() {
        let s = Scenario::from_toml("x.toml", &format!("{GOOD}{ES}")).unwrap();
        let es = s.in_language("es").unwrap();
        assert_eq!(es.title, "Mini (es)");
        assert_eq!(es.icebreakers, vec!["¿Hola?"]);
        assert_eq!(es.roles[0].brief, "Eres A.");
        assert_eq!(es.roles[0].name, "A", "no name given: the default");
        assert_eq!(es.roles[1].brief, "You are B.", "no table for role b: the default");
        assert_eq!(es.issues[0].name, "Precio");
        assert_eq!(es.issues[0].options, vec!["bajo", "medio", "alto"]);
        assert_eq!(es.issues[0].points, s.issues[0].points, "points never change");
        assert!(s.in_language("de").is_none() && s.in_language("en").is_none());
    }

    #[test]
    fn a_translation_of_something_the_scenario_lacks_is_refused_naming_the_field() {
        let err = |extra: &str| Scenario::from_toml("x.toml", &format!("{GOOD}{extra}")).unwrap_err();
        let cases = [
            ("\n[translations.es.roles.c]\nname = \"C\"\n", "translations.es.roles.c"),
            ("\n[translations.es.issues.size]\nname = \"Tamaño\"\n", "translations.es.issues.size"),
            (
                "\n[translations.es.issues.price]\noptions = [\"bajo\", \"alto\"]\n",
                "translations.es.issues.price.options",
            ),
            ("\n[translations.en]\ntitle = \"Mini\"\n", "translations.en"),
            ("\n[translations.Spanish]\ntitle = \"Mini\"\n", "translations.Spanish"),
            ("\n[translations.es]\ntitle = \" \"\n", "translations.es.title"),
            ("\n[translations.es]\nicebreakers = [\"¿Hola?\", \"¿Qué tal?\"]\n", "translations.es.icebreakers"),
            ("\n[translations.es]\nicebreakers = [\" \"]\n", "translations.es.icebreakers[0]"),
            ("\n[translations.es]\nsummary = \"\"\n", "translations.es.summary"),
            (
                "\n[translations.es.issues.price]\noptions = [\"bajo\", \"\", \"alto\"]\n",
                "translations.es.issues.price.options[1]",
            ),
            ("\n[translations.es.issues.price]\ndescription = \" \"\n", "translations.es.issues.price.description"),
        ];
        for (extra, field) in cases {
            let e = err(extra);
            assert_eq!(e.field(), Some(field), "{extra}: {e}");
        }
        let typo = Scenario::from_toml("x.toml", &format!("{GOOD}\n[translations.es]\ntitel = \"x\"\n")).unwrap_err();
        assert!(typo.to_string().contains("unknown field `titel`"), "{typo}");
    }

    #[test]
    fn the_editor_keeps_translations_and_drops_only_what_no_longer_matches() {
        let s = Scenario::from_toml("x.toml", &format!("{GOOD}{ES}")).unwrap();
        let mut draft = crate::authoring::Draft::from_scenario(&s);
        assert_eq!(draft.to_scenario().unwrap(), s, "an unchanged draft keeps every translation");
        draft.roles[0].id = "z".into();
        draft.issues[0].options.push("very high".into());
        for row in &mut draft.issues[0].points {
            row.push(0);
        }
        let saved = draft.to_scenario().unwrap();
        let es = &saved.translations["es"];
        assert!(es.roles.is_empty(), "role a was renamed: its texts no longer apply");
        assert!(es.issues["price"].options.is_empty(), "four options now: the three labels no longer apply");
        assert_eq!(es.issues["price"].name.as_deref(), Some("Precio"));
        assert_eq!(es.title.as_deref(), Some("Mini (es)"));
    }

    #[test]
    fn untranslated_lists_every_text_a_translation_lacks() {
        let s = Scenario::from_toml("x.toml", &format!("{GOOD}{ES}")).unwrap();
        let es = |f: &str| format!("translations.es.{f}");
        // GOOD's issue has no description: nothing to translate there.
        assert_eq!(
            s.untranslated("es"),
            vec![es("summary"), es("roles.a.name"), es("roles.b.name"), es("roles.b.brief")]
        );
        assert_eq!(s.untranslated("de").len(), 9, "no German at all: {:?}", s.untranslated("de"));
        assert_eq!(s.untranslated("de")[8], "translations.de.issues.price.options");
        assert!(s.untranslated("en").is_empty(), "the scenario's own language");
    }

    /// Every scenario shipped in `scenarios/` reads completely in Spanish and German: a text added
    /// in English without its translations fails here, naming the field.
    #[test]
    fn every_shipped_scenario_is_complete_in_spanish_and_german() {
        let dir = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("../../scenarios");
        let files = crate::scenario::scenario_files(&dir).unwrap();
        assert!(files.len() >= 12, "{} files", files.len());
        for file in files {
            let s = crate::scenario::load_file(&file).unwrap();
            for lang in ["es", "de"] {
                let missing = s.untranslated(lang);
                assert!(missing.is_empty(), "{}: not yet in {lang}: {missing:?}", file.display());
            }
        }
    }

    #[test]
    fn the_default_language_is_english_unless_the_file_says_otherwise() {
        assert_eq!(Scenario::from_toml("x.toml", GOOD).unwrap().language, "en");
        let es = GOOD.replacen("title = \"Mini\"", "title = \"Mini\"\nlanguage = \"es\"", 1);
        let s = Scenario::from_toml("x.toml", &format!("{es}\n[translations.en]\ntitle = \"Mini (en)\"\n")).unwrap();
        assert_eq!(s.language, "es");
        assert_eq!(s.in_language("en").unwrap().title, "Mini (en)");
    }
}
