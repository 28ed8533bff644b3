//! The web client's JSDoc typedefs (`client-web/js/types.js`), generated from the Rust types of
//! the wire: [`crate::wire::ServerMsg`] (and every view type in it), [`crate::error::ErrorCode`]
//! and [`crate::protocol::ClientMsg`] (all in `parley-protocol`). Those types derive
//! `schemars::JsonSchema` only with `parley-protocol`'s `schema` feature, which only the server's
//! tests turn on (so the server itself carries no schema code); this module turns
//! their JSON Schemas into `@typedef`s, which `tsc --checkJs` then checks the client against.
//!
//! The test below fails when the committed file is out of date. Regenerate it with
//!
//! ```text
//! PARLEY_WRITE_TYPES=1 cargo test -p parley --lib jsdoc
//! ```

use schemars::generate::{Contract, SchemaSettings};
use schemars::{JsonSchema, SchemaGenerator};
use serde_json::{Map, Value};
use std::collections::BTreeMap;
use std::fmt::Write as _;
use std::path::PathBuf;

/// Where the generated file lives, from the `server/` crate.
fn types_path() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../client-web/js/types.js")
}

const HEADER: &str = "\
// GENERATED from the server's Rust types (server/src/wire.rs, server/src/protocol.rs,
// server/src/error.rs) by server/src/jsdoc.rs. Do not edit: regenerate with
//
//   PARLEY_WRITE_TYPES=1 cargo test -p parley --lib jsdoc
//
// (a normal `cargo test` fails while this file is out of date). JSDoc types only, for
// `tsc --checkJs` and editors: nothing here runs. Use them as
// `/** @param {import('./types.js').StateView} state */`.
";

/// The schemas of `T` and every type it names, as the server writes them (`Serialize`) or reads
/// them (`Deserialize`).
fn definitions<T: JsonSchema>(contract: Contract) -> Map<String, Value> {
    let mut settings = SchemaSettings::default();
    settings.contract = contract;
    let mut generator = SchemaGenerator::new(settings);
    generator.subschema_for::<T>();
    generator.definitions().clone()
}

/// Every definition the client needs, by type name. A name defined twice must mean one schema.
fn all_definitions() -> BTreeMap<String, Value> {
    let mut all = BTreeMap::new();
    let sets = [
        definitions::<crate::wire::ServerMsg>(Contract::Serialize),
        definitions::<crate::error::ErrorCode>(Contract::Serialize),
        definitions::<crate::protocol::ClientMsg>(Contract::Deserialize),
        // The scenario editor's answers (its requests are built from these: a Draft sent back).
        definitions::<Vec<crate::author::AuthorListed>>(Contract::Serialize),
        definitions::<crate::author::AuthorAnswer>(Contract::Serialize),
        definitions::<crate::author::SavedAnswer>(Contract::Serialize),
        // The learner's practice history (the progress page).
        definitions::<crate::practice::PracticeHistory>(Contract::Serialize),
    ];
    for set in sets {
        for (name, schema) in set {
            if let Some(old) = all.insert(name.clone(), schema.clone()) {
                assert_eq!(old, schema, "{name} has two different schemas (sent and received)");
            }
        }
    }
    all
}

/// The file's text.
pub(crate) fn generate() -> String {
    let mut out = String::from(HEADER);
    for (name, schema) in all_definitions() {
        out.push('\n');
        typedef(&mut out, &name, &schema);
    }
    out.push_str("\nexport {};\n");
    out
}

/// `description`, made safe inside a JSDoc comment.
fn description(schema: &Value) -> Option<String> {
    let text = schema.get("description")?.as_str()?.trim();
    (!text.is_empty()).then(|| text.replace("*/", "*\\/"))
}

/// One line of a description (for `@property`).
fn one_line(text: &str) -> String {
    text.split_whitespace().collect::<Vec<_>>().join(" ")
}

/// The name a `$ref` points at.
fn ref_name(schema: &Value) -> Option<&str> {
    schema.get("$ref")?.as_str()?.rsplit('/').next()
}

/// A JS string literal.
fn literal(value: &Value) -> String {
    match value {
        Value::String(s) => format!("'{}'", s.replace('\\', "\\\\").replace('\'', "\\'")),
        other => other.to_string(),
    }
}

/// `snake_case` → `PascalCase`.
fn pascal(s: &str) -> String {
    s.split('_')
        .map(|w| {
            let mut c = w.chars();
            c.next().map(|f| f.to_uppercase().chain(c).collect::<String>()).unwrap_or_default()
        })
        .collect()
}

/// Properties in a stable order: the required ones as declared, then the others by name.
fn ordered_properties(schema: &Value) -> Vec<(String, Value, bool)> {
    let Some(props) = schema.get("properties").and_then(Value::as_object) else {
        return Vec::new();
    };
    let required: Vec<&str> = schema
        .get("required")
        .and_then(Value::as_array)
        .map(|r| r.iter().filter_map(Value::as_str).collect())
        .unwrap_or_default();
    let mut out: Vec<(String, Value, bool)> =
        required.iter().filter_map(|k| props.get(*k).map(|v| (k.to_string(), v.clone(), true))).collect();
    let mut rest: Vec<&String> = props.keys().filter(|k| !required.contains(&k.as_str())).collect();
    rest.sort();
    out.extend(rest.into_iter().map(|k| (k.clone(), props[k].clone(), false)));
    out
}

/// Wraps a union in parentheses (for `T[]` and intersections).
fn group(ty: String) -> String {
    if ty.contains(" | ") || ty.contains(" & ") {
        format!("({ty})")
    } else {
        ty
    }
}

/// A TypeScript type expression (as JSDoc reads it) for a schema.
fn ty(schema: &Value) -> String {
    let Some(obj) = schema.as_object() else {
        // `true`: anything.
        return if schema == &Value::Bool(false) { "never".into() } else { "any".into() };
    };
    if let Some(name) = ref_name(schema) {
        return if obj.contains_key("properties") {
            format!("{} & {}", object_literal(schema), name)
        } else {
            name.to_string()
        };
    }
    if let Some(c) = obj.get("const") {
        return literal(c);
    }
    if let Some(values) = obj.get("enum").and_then(Value::as_array) {
        return values.iter().map(literal).collect::<Vec<_>>().join(" | ");
    }
    for key in ["oneOf", "anyOf"] {
        if let Some(variants) = obj.get(key).and_then(Value::as_array) {
            return variants.iter().map(|v| group(ty(v))).collect::<Vec<_>>().join(" | ");
        }
    }
    match obj.get("type") {
        Some(Value::Array(types)) => {
            types.iter().map(|t| basic(schema, t.as_str().unwrap_or(""))).collect::<Vec<_>>().join(" | ")
        }
        Some(Value::String(t)) => basic(schema, t),
        // No type: a `serde_json::Value`.
        _ => "any".into(),
    }
}

/// The type of one JSON type of a schema.
fn basic(schema: &Value, json_type: &str) -> String {
    match json_type {
        "string" => "string".into(),
        "integer" | "number" => "number".into(),
        "boolean" => "boolean".into(),
        "null" => "null".into(),
        "array" => format!("{}[]", group(schema.get("items").map(ty).unwrap_or_else(|| "any".into()))),
        "object" => {
            if schema.get("properties").is_some() {
                object_literal(schema)
            } else if let Some(values) = schema.get("additionalProperties").filter(|v| v.is_object()) {
                format!("Record<string, {}>", ty(values))
            } else {
                "Record<string, any>".into()
            }
        }
        _ => "any".into(),
    }
}

/// `{a: T, b?: U}` for an object schema's own properties.
fn object_literal(schema: &Value) -> String {
    let fields: Vec<String> = ordered_properties(schema)
        .iter()
        .map(|(k, v, required)| format!("{k}{}: {}", if *required { "" } else { "?" }, ty(v)))
        .collect();
    format!("{{{}}}", fields.join(", "))
}

/// The comment lines of a description.
fn doc_lines(out: &mut String, text: Option<String>) {
    if let Some(text) = text {
        for line in text.lines() {
            let _ = writeln!(out, " * {}", line.trim_end()).map(|_| ());
        }
    }
}

/// A `@typedef` for one definition (and one per variant of a tagged enum).
fn typedef(out: &mut String, name: &str, schema: &Value) {
    let variants = schema.get("oneOf").and_then(Value::as_array);
    let is_object_variant = |v: &Value| v.get("properties").is_some();
    match variants {
        // A tagged enum (every variant an object): one typedef per variant, then the union.
        Some(vs) if vs.iter().all(is_object_variant) => {
            let mut names = Vec::new();
            for v in vs {
                let (tag, value) = tag_of(v).unwrap_or_else(|| panic!("{name}: a variant without a tag"));
                let variant = format!("{name}{}", pascal(&value));
                let _ = tag;
                object_typedef(out, &variant, v);
                out.push('\n');
                names.push(variant);
            }
            out.push_str("/**\n");
            doc_lines(out, description(schema));
            let _ = writeln!(out, " * @typedef {{{}}} {name}\n */", names.join(" | "));
        }
        // A unit enum: the values, each with its meaning.
        Some(vs) => {
            out.push_str("/**\n");
            doc_lines(out, description(schema));
            if vs.iter().any(|v| v.get("description").is_some()) {
                out.push_str(" *\n");
                for v in vs {
                    let value = v.get("const").map(literal).unwrap_or_else(|| ty(v));
                    match description(v) {
                        Some(d) => {
                            let _ = writeln!(out, " * - {value}: {}", one_line(&d));
                        }
                        None => {
                            let _ = writeln!(out, " * - {value}");
                        }
                    }
                }
            }
            let _ = writeln!(out, " * @typedef {{{}}} {name}\n */", ty(schema));
        }
        None if schema.get("properties").is_some() => object_typedef(out, name, schema),
        None => {
            out.push_str("/**\n");
            doc_lines(out, description(schema));
            let _ = writeln!(out, " * @typedef {{{}}} {name}\n */", ty(schema));
        }
    }
}

/// The tag property of a variant (a property whose schema is a `const`).
fn tag_of(variant: &Value) -> Option<(String, String)> {
    let props = variant.get("properties")?.as_object()?;
    props.iter().find_map(|(k, v)| Some((k.clone(), v.get("const")?.as_str()?.to_string())))
}

/// `@typedef {Object}` with one `@property` per field; a variant that wraps another type (an
/// internally tagged newtype variant) is that type with the tag added.
fn object_typedef(out: &mut String, name: &str, schema: &Value) {
    out.push_str("/**\n");
    doc_lines(out, description(schema));
    if let Some(inner) = ref_name(schema) {
        let _ = writeln!(out, " * @typedef {{{} & {inner}}} {name}\n */", object_literal(schema));
        return;
    }
    let _ = writeln!(out, " * @typedef {{Object}} {name}");
    for (key, value, required) in ordered_properties(schema) {
        let field = if required { key } else { format!("[{key}]") };
        let text = description(&value).map(|d| format!(" {}", one_line(&d))).unwrap_or_default();
        let _ = writeln!(out, " * @property {{{}}} {field}{text}", ty(&value));
    }
    out.push_str(" */\n");
}

#[test]
fn client_types_are_up_to_date() {
    let generated = generate();
    let path = types_path();
    if std::env::var_os("PARLEY_WRITE_TYPES").is_some() {
        std::fs::write(&path, &generated).expect("write client-web/js/types.js");
        return;
    }
    let committed = std::fs::read_to_string(&path).unwrap_or_default();
    assert!(
        committed == generated,
        "client-web/js/types.js is out of date with the Rust wire types: regenerate it with\n\n  \
         PARLEY_WRITE_TYPES=1 cargo test -p parley --lib jsdoc\n\nand commit it"
    );
}

#[test]
fn every_server_frame_and_error_code_has_a_typedef() {
    let text = generate();
    let names = ["ServerMsg", "StateView", "YouView", "PublicScenario", "ErrorCode", "ClientMsg", "ServerMsgState"];
    let results =
        ["ResultsView", "RoleResultView", "TrustResultView", "PlayerTrustView", "OwnTrustView", "OutcomeView"];
    for name in names.into_iter().chain(results) {
        assert!(text.contains(&format!("}} {name}\n")), "no typedef {name}");
    }
    for code in crate::error::ErrorCode::ALL {
        assert!(text.contains(&format!("- '{}':", code.as_str())), "ErrorCode {code:?} missing");
    }
    // Optional fields are optional; nullable ones are not.
    assert!(text.contains("@property {number | null} [gone_since]"));
    assert!(text.contains("@property {number | null} deadline"));
    // A role's private side is absent (not null) when the reveal hides it.
    assert!(text.contains("@property {string} [brief]"));
}
