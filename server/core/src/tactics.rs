//! The tactic tagger: reads each chat line of a negotiation the way a trained observer would,
//! with the ten strategy labels of the CaSiNo corpus (Chawla et al., NAACL 2021, CC BY 4.0).
//!
//! The model is a set of per-label logistic regressions over sparse features of the line and of
//! the line before it (word and character n-grams, question form, pronouns, negation, "who needs
//! what" patterns, emoticons, position in the dialogue), with per-label thresholds; its weights
//! are the data file `server/data/tagger.tsv`, written by `parley tagger train` (see
//! `docs/validity.md`). The words a scenario uses for its issues and options are replaced by a
//! placeholder before featurising ([`Vocabulary`]), so the model reads a job offer the way it
//! reads a campsite.
//!
//! Pure: no I/O, no clock. Inference is deterministic: the same lines and vocabulary always give
//! the same scores, bit for bit.

use serde::de::{Deserialize, Deserializer};
use serde::ser::{Serialize, SerializeSeq, Serializer};
use std::collections::HashMap;
use std::sync::OnceLock;

/// The ten labels, in this order (CaSiNo's names).
pub const LABELS: [&str; 10] = [
    "small-talk",
    "showing-empathy",
    "promote-coordination",
    "elicit-pref",
    "self-need",
    "other-need",
    "no-need",
    "uv-part",
    "vouch-fair",
    "non-strategic",
];

/// The number of strategy labels (all but non-strategic): macro F1 is over these.
pub const STRATEGIES: usize = 9;

/// One negotiation tactic (a CaSiNo strategy label).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum Tactic {
    /// Rapport building, off-task chat (greetings, the trip, the weekend).
    SmallTalk,
    /// Acknowledging the other side's feelings or situation.
    ShowingEmpathy,
    /// Proposing to work together, trades that suit both.
    PromoteCoordination,
    /// Asking what the other side wants or values.
    ElicitPref,
    /// Stating one's own need, often with a reason.
    SelfNeed,
    /// Arguing for a need of someone else (the family, the group).
    OtherNeed,
    /// Saying one does not need an item (a signal of what can be given).
    NoNeed,
    /// Undervaluing the partner's requirements ("surely you have enough water").
    UvPart,
    /// Calling a deal fair or unfair.
    VouchFair,
    /// None of the above (offer logistics, agreement, thanks).
    NonStrategic,
}

impl Tactic {
    /// Every tactic, in [`LABELS`] order.
    pub const ALL: [Tactic; 10] = [
        Tactic::SmallTalk,
        Tactic::ShowingEmpathy,
        Tactic::PromoteCoordination,
        Tactic::ElicitPref,
        Tactic::SelfNeed,
        Tactic::OtherNeed,
        Tactic::NoNeed,
        Tactic::UvPart,
        Tactic::VouchFair,
        Tactic::NonStrategic,
    ];

    /// Position in [`LABELS`].
    pub fn index(self) -> usize {
        self as usize
    }

    /// The CaSiNo label name (`LABELS[i]`).
    pub fn name(self) -> &'static str {
        LABELS[self as usize]
    }

    /// The tactic of a label name (surrounding white space ignored).
    pub fn parse(s: &str) -> Option<Tactic> {
        let s = s.trim();
        LABELS.iter().position(|l| *l == s).map(|i| Tactic::ALL[i])
    }
}

/// A set of tactics (bitset), serialises as a JSON array of label names.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct Tactics(pub u16);

impl Tactics {
    /// Whether `t` is in the set.
    pub fn has(self, t: Tactic) -> bool {
        self.0 & (1 << t as u16) != 0
    }

    /// Adds `t`.
    pub fn insert(&mut self, t: Tactic) {
        self.0 |= 1 << t as u16;
    }

    /// Removes `t`.
    pub fn remove(&mut self, t: Tactic) {
        self.0 &= !(1 << t as u16);
    }

    /// The tactics in the set, in [`LABELS`] order.
    pub fn iter(self) -> impl Iterator<Item = Tactic> {
        Tactic::ALL.into_iter().filter(move |t| self.has(*t))
    }

    /// The label names in the set, in [`LABELS`] order.
    pub fn names(self) -> Vec<&'static str> {
        self.iter().map(Tactic::name).collect()
    }

    /// How many tactics are in the set.
    pub fn len(self) -> usize {
        (self.0 & 0x3ff).count_ones() as usize
    }

    /// Whether the set is empty.
    pub fn is_empty(self) -> bool {
        self.len() == 0
    }

    /// Parses a comma-separated label list (CaSiNo's annotation format); unknown names are an error.
    pub fn parse_list(s: &str) -> Result<Tactics, String> {
        let mut t = Tactics::default();
        for name in s.split(',').map(str::trim).filter(|n| !n.is_empty()) {
            t.insert(Tactic::parse(name).ok_or_else(|| format!("unknown tactic label {name:?}"))?);
        }
        Ok(t)
    }
}

impl FromIterator<Tactic> for Tactics {
    fn from_iter<I: IntoIterator<Item = Tactic>>(iter: I) -> Self {
        let mut t = Tactics::default();
        for x in iter {
            t.insert(x);
        }
        t
    }
}

impl Serialize for Tactics {
    fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        let mut seq = s.serialize_seq(Some(self.len()))?;
        for n in self.names() {
            seq.serialize_element(n)?;
        }
        seq.end()
    }
}

impl<'de> Deserialize<'de> for Tactics {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        let names: Vec<String> = Vec::deserialize(d)?;
        let mut t = Tactics::default();
        for n in names {
            t.insert(Tactic::parse(&n).ok_or_else(|| serde::de::Error::custom(format!("unknown tactic {n:?}")))?);
        }
        Ok(t)
    }
}

/// On the wire a set is the list of its label names, in [`LABELS`] order (its custom serde above).
#[cfg(feature = "schema")]
impl schemars::JsonSchema for Tactics {
    fn schema_name() -> std::borrow::Cow<'static, str> {
        "Tactics".into()
    }

    fn json_schema(_: &mut schemars::SchemaGenerator) -> schemars::Schema {
        schemars::json_schema!({
            "description": "A set of tactics (CaSiNo strategy labels), in the tagger's label order.",
            "type": "array",
            "items": {"enum": LABELS},
        })
    }
}

/// One chat line of a dialogue, in order; speaker = seat.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Line<'a> {
    /// The seat that wrote the line.
    pub speaker: usize,
    /// What they wrote.
    pub text: &'a str,
}

/// The placeholder that replaces a scenario's issue and option words.
pub const ISSUE_TOKEN: &str = "xissue";
/// The placeholder that replaces numbers (digits, amounts, and the words zero to ten).
pub const NUMBER_TOKEN: &str = "xnum";

/// Words too common to stand for an issue on their own (they still count inside a full issue name).
const GENERIC_WORDS: &[&str] = &[
    "a", "an", "and", "the", "of", "for", "to", "in", "on", "at", "by", "with", "or", "per", "new", "first", "last",
    "start", "end", "time", "times", "day", "days", "date", "week", "weeks", "month", "months", "year", "years",
    "terms", "term", "option", "options", "base", "total", "level", "plan", "number", "amount", "size", "type", "rate",
    "lead", "unit", "units", "none", "no", "yes", "all", "more", "less", "most", "need", "home", "work", "pack",
    "packs", "bundle", "bundles", "jug", "jugs", "package", "packages", "item", "items", "share", "annual",
];

const NUMBER_WORDS: &[&str] = &["zero", "one", "two", "three", "four", "five", "six", "seven", "eight", "nine", "ten"];

/// The words a scenario uses for its issues and options, replaced by placeholders before
/// featurising so the model generalises beyond campsites.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Vocabulary {
    /// Token sequences (lower case) replaced by [`ISSUE_TOKEN`], longest first.
    phrases: Vec<Vec<String>>,
}

impl Vocabulary {
    /// A vocabulary from a list of phrases (each is tokenised; plural and singular forms of the
    /// last word are added).
    pub fn from_phrases<S: AsRef<str>>(phrases: &[S]) -> Vocabulary {
        let mut v = Vocabulary::default();
        for p in phrases {
            v.add(p.as_ref());
        }
        v.finish();
        v
    }

    fn add(&mut self, phrase: &str) {
        let toks: Vec<String> = raw_tokens(phrase).into_iter().filter(|t| is_word(t)).collect();
        if toks.is_empty() || toks.iter().any(|t| t == NUMBER_TOKEN) {
            return;
        }
        if toks.len() == 1 && GENERIC_WORDS.contains(&toks[0].as_str()) {
            return;
        }
        let last = toks.last().cloned().unwrap_or_default();
        let mut forms = vec![last.clone()];
        if let Some(stem) = last.strip_suffix("es").filter(|s| s.ends_with(['s', 'x', 'h']) && s.len() > 2) {
            forms.push(stem.to_string());
        } else if let Some(stem) = last.strip_suffix('s').filter(|s| s.len() > 2 && !s.ends_with('s')) {
            forms.push(stem.to_string());
        } else if last.ends_with(['s', 'x', 'h']) {
            forms.push(format!("{last}es"));
        } else if last.len() > 2 {
            forms.push(format!("{last}s"));
        }
        for f in forms {
            let mut t = toks.clone();
            *t.last_mut().expect("not empty") = f;
            if !self.phrases.contains(&t) {
                self.phrases.push(t);
            }
        }
    }

    fn finish(&mut self) {
        // Longest first, then by text: a stable order, so replacement never depends on input order.
        self.phrases.sort_by(|a, b| b.len().cmp(&a.len()).then_with(|| a.cmp(b)));
        self.phrases.dedup();
    }

    /// The vocabulary of a scenario: each issue's name and id, each of their words that is not a
    /// common word, and the option labels that are words rather than numbers.
    pub fn of(s: &crate::scenario::Scenario) -> Vocabulary {
        let mut v = Vocabulary::default();
        for issue in &s.issues {
            for name in [&issue.name, &issue.id] {
                v.add(name);
                for w in raw_tokens(name).into_iter().filter(|t| is_word(t)) {
                    if w.len() >= 3 && !GENERIC_WORDS.contains(&w.as_str()) {
                        v.add(&w);
                    }
                }
            }
            for o in &issue.options {
                v.add(o);
            }
        }
        v.finish();
        v
    }

    /// CaSiNo's issues: food, water and firewood, and the variants people type.
    pub fn casino() -> Vocabulary {
        Vocabulary::from_phrases(&["food", "water", "firewood", "fire wood", "wood", "firewoods"])
    }

    /// Lower-case tokens of a text with this vocabulary's words and all numbers replaced by
    /// placeholders: words, `?`, `!`, `.` (sentence ends) and emoticon tokens (`xsmile`, `xsad`,
    /// `xwow`, `xangry`).
    pub fn tokens(&self, text: &str) -> Vec<String> {
        let raw = raw_tokens(text);
        let mut out = Vec::with_capacity(raw.len());
        let mut i = 0;
        'outer: while i < raw.len() {
            for p in &self.phrases {
                if raw.len() - i >= p.len() && raw[i..i + p.len()].iter().zip(p).all(|(a, b)| a == b) {
                    out.push(ISSUE_TOKEN.to_string());
                    i += p.len();
                    continue 'outer;
                }
            }
            out.push(raw[i].clone());
            i += 1;
        }
        out
    }
}

fn is_word(t: &str) -> bool {
    !matches!(t, "?" | "!" | ".")
}

fn emoticon_of(c: char) -> Option<&'static str> {
    match c {
        '🙂' | '😊' | '😀' | '😃' | '😄' | '😁' | '☺' | '😉' | '😆' | '😂' | '🤣' | '😍' | '👍' => {
            Some("xsmile")
        }
        '☹' | '🙁' | '😞' | '😢' | '😟' | '😔' | '😭' | '😕' => Some("xsad"),
        '😮' | '😲' | '😯' => Some("xwow"),
        '😡' | '😠' => Some("xangry"),
        _ => None,
    }
}

/// ASCII emoticons at `chars[i..]`: the token and how many chars it takes.
fn ascii_emoticon(chars: &[char], i: usize) -> Option<(&'static str, usize)> {
    let c = chars[i];
    if !matches!(c, ':' | ';' | '=') {
        return None;
    }
    let mut j = i + 1;
    if chars.get(j) == Some(&'-') || chars.get(j) == Some(&'\'') {
        j += 1;
    }
    let next = *chars.get(j)?;
    // A letter emoticon (":d", ":p", ":o") must not run into a word (":do this").
    let letter_ok = |k: usize| chars.get(k).is_none_or(|c| !c.is_alphanumeric());
    let tok = match next {
        ')' | ']' => "xsmile",
        'd' | 'p' if letter_ok(j + 1) => "xsmile",
        '(' | '[' => "xsad",
        '/' if c == ':' && chars.get(j + 1).is_none_or(|c| *c != '/') => "xsad",
        'o' if letter_ok(j + 1) => "xwow",
        _ => return None,
    };
    Some((tok, j + 1 - i))
}

/// Tokens before issue replacement: lower-case words (apostrophes inside words kept), numbers
/// as [`NUMBER_TOKEN`], `?`, `!`, `.` (repeats collapsed) and emoticon tokens.
fn raw_tokens(text: &str) -> Vec<String> {
    let chars: Vec<char> = text
        .chars()
        .flat_map(char::to_lowercase)
        .map(|c| if matches!(c, '’' | '‘' | '`') { '\'' } else { c })
        .collect();
    let mut out: Vec<String> = Vec::new();
    let mut i = 0;
    while i < chars.len() {
        let c = chars[i];
        if let Some(e) = emoticon_of(c) {
            out.push(e.to_string());
            i += 1;
        } else if let Some((e, n)) = ascii_emoticon(&chars, i) {
            out.push(e.to_string());
            i += n;
        } else if c.is_ascii_digit() {
            while i < chars.len()
                && (chars[i].is_ascii_digit()
                    || (matches!(chars[i], '.' | ',') && chars.get(i + 1).is_some_and(|d| d.is_ascii_digit())))
            {
                i += 1;
            }
            out.push(NUMBER_TOKEN.to_string());
        } else if c.is_alphabetic() {
            let start = i;
            while i < chars.len()
                && (chars[i].is_alphabetic()
                    || (chars[i] == '\'' && chars.get(i + 1).is_some_and(|d| d.is_alphabetic())))
            {
                i += 1;
            }
            let w: String = chars[start..i].iter().collect();
            if NUMBER_WORDS.contains(&w.as_str()) {
                out.push(NUMBER_TOKEN.to_string());
            } else {
                out.push(w);
            }
        } else {
            if matches!(c, '?' | '!' | '.') {
                let s = c.to_string();
                if out.last() != Some(&s) {
                    out.push(s);
                }
            }
            i += 1;
        }
    }
    out
}

// ---------------------------------------------------------------------------------------------
// Features

/// Feature groups: each is L2-normalised on its own and scaled by the model's group scale.
/// `w` word uni- and bigrams, `c` character 2–5-grams within words, `x` form and pattern
/// features of the line, `p` the previous line (its words and form) and the turn-taking.
pub const GROUPS: [u8; 4] = [b'w', b'c', b'x', b'p'];

const WH: &[&str] = &["what", "which", "how", "why", "where", "when", "who", "whats", "what's", "how's", "hows"];
const AUX: &[&str] = &[
    "do", "does", "did", "would", "could", "can", "will", "is", "are", "was", "were", "should", "shall", "may", "have",
    "has", "any", "anything", "is't", "are't", "wanna",
];
const NEG: &[&str] = &[
    "not",
    "no",
    "never",
    "don't",
    "dont",
    "doesn't",
    "doesnt",
    "didn't",
    "didnt",
    "can't",
    "cant",
    "cannot",
    "won't",
    "wont",
    "isn't",
    "isnt",
    "aren't",
    "arent",
    "wouldn't",
    "wouldnt",
    "couldn't",
    "couldnt",
    "shouldn't",
    "nothing",
    "none",
    "nor",
    "without",
    "hardly",
    "barely",
];
const YOU: &[&str] = &["you", "your", "yours", "you're", "you've", "you'll", "you'd", "yourself", "u", "ur", "youre"];
const ME: &[&str] = &["i", "my", "me", "mine", "i'm", "i've", "i'll", "i'd", "myself", "im", "ive"];
const WE: &[&str] = &["we", "us", "our", "ours", "we're", "we've", "we'll", "let's", "lets", "ourselves"];
const NEED: &[&str] = &[
    "need",
    "needs",
    "needed",
    "want",
    "wants",
    "like",
    "prefer",
    "preference",
    "important",
    "priority",
    "priorities",
    "require",
    "use",
    "value",
    "matter",
    "matters",
    "most",
    "least",
    "more",
    "less",
    "extra",
    "plenty",
    "enough",
    "lot",
    "much",
    "have",
];
const PREF: &[&str] = &[
    "need",
    "needs",
    "want",
    "like",
    "prefer",
    "preference",
    "preferences",
    "important",
    "priority",
    "priorities",
    "most",
    "least",
    "value",
    "matter",
    "matters",
    "looking",
    "interested",
    "favorite",
    "favourite",
    "rank",
];

fn bucket(n: usize, cuts: &[usize]) -> usize {
    cuts.iter().position(|&c| n <= c).unwrap_or(cuts.len())
}

fn count_in(words: &[&str], list: &[&str]) -> usize {
    words.iter().filter(|w| list.contains(w)).count()
}

/// Form features of one tokenised line (group `x`, or `p` for the previous line with `prefix`).
fn form_features(toks: &[String], prefix: &str, emit: &mut dyn FnMut(u8, &[&str]), group: u8) {
    let words: Vec<&str> = toks.iter().map(String::as_str).filter(|t| is_word(t)).collect();
    let mut f = |parts: &[&str]| {
        let mut v: Vec<&str> = Vec::with_capacity(parts.len() + 1);
        v.push(prefix);
        v.extend_from_slice(parts);
        emit(group, &v);
    };
    let q = toks.iter().any(|t| t == "?");
    if q {
        f(&["q"]);
    }
    if toks.iter().rev().find(|t| *t != ".").is_some_and(|t| t == "?") {
        f(&["qend"]);
    }
    if words.first().is_some_and(|w| WH.contains(w)) {
        f(&["wh0"]);
    }
    if q && words.first().is_some_and(|w| AUX.contains(w)) {
        f(&["auxq"]);
    }
    if words.iter().any(|w| WH.contains(w)) {
        f(&["wh"]);
    }
    if words.iter().any(|w| NEG.contains(w)) {
        f(&["neg"]);
    }
    if toks.iter().any(|t| t == "!") {
        f(&["excl"]);
    }
    const B: [&str; 8] = ["0", "1", "2", "3", "4", "5", "6", "7"];
    f(&["you", B[bucket(count_in(&words, YOU), &[0, 1])]]);
    f(&["me", B[bucket(count_in(&words, ME), &[0, 1, 2])]]);
    f(&["we", B[bucket(count_in(&words, WE), &[0, 1])]]);
    f(&["iss", B[bucket(words.iter().filter(|w| **w == ISSUE_TOKEN).count(), &[0, 1, 2])]]);
    f(&["num", B[bucket(words.iter().filter(|w| **w == NUMBER_TOKEN).count(), &[0, 1, 2])]]);
    f(&["len", B[bucket(words.len(), &[3, 6, 10, 16, 25])]]);
}

/// "Who needs what" and question patterns, per sentence (group `x`).
fn pattern_features(toks: &[String], emit: &mut dyn FnMut(u8, &[&str])) {
    let mut f = |parts: &[&str]| emit(b'x', parts);
    for sent in toks.split_inclusive(|t| matches!(t.as_str(), "?" | "!" | ".")) {
        let q = sent.last().is_some_and(|t| t == "?");
        let words: Vec<&str> = sent.iter().map(String::as_str).filter(|t| is_word(t)).collect();
        if words.is_empty() {
            continue;
        }
        let you = words.iter().any(|w| YOU.contains(w));
        let pref = words.iter().any(|w| PREF.contains(w));
        if q {
            f(&["s:q"]);
            if pref {
                f(&["s:q_pref"]);
            }
            if you && pref {
                f(&["s:q_you_pref"]);
            }
            if words.contains(&ISSUE_TOKEN) {
                f(&["s:q_issue"]);
            }
            if words.contains(&NUMBER_TOKEN) {
                f(&["s:q_num"]);
            }
            if WH.contains(&words[0]) {
                f(&["s:q_wh"]);
                if pref {
                    f(&["s:q_wh_pref"]);
                }
            }
        }
        for (i, w) in words.iter().enumerate() {
            if !NEED.contains(w) {
                continue;
            }
            let win = &words[i.saturating_sub(4)..i];
            let mut subj = "none";
            for u in win.iter().rev() {
                if ME.contains(u) || WE.contains(u) {
                    subj = "self";
                    break;
                }
                if YOU.contains(u) {
                    subj = "other";
                    break;
                }
            }
            let neg = if win.iter().any(|u| NEG.contains(u)) { "_neg" } else { "" };
            f(&["s:", subj, neg, "_", w]);
            f(&["s:", subj, neg]);
        }
    }
}

/// Phrase lists that pool rare wordings of the same move (matched on whole words), `|` between phrases.
const LEXICON: &[(&str, &str)] = &[
    (
        "empathy",
        concat!(
            "sorry|too bad|oh no|understand|sounds like|that sounds|must be|hope|i get it|i get that|i feel|",
            "poor|glad|good to hear|makes sense|i see|i hear you|feel better|understandable|unfortunate|sad|",
            "ouch|yikes|rough|tough|scary|that's great|that is great|that's awesome|that's a shame|of course|",
            "no worries|bless|aww|aw",
        ),
    ),
    (
        "noneed",
        concat!(
            "don't need|do not need|dont need|won't need|not need|no need|plenty|have enough|got enough|",
            "don't really need|not really need|already have|brought|our own|my own|not much|don't use|",
            "not important|can spare|lots of|stream|lake|river|near|nearby|a lot of|not a big|don't care|",
            "least",
        ),
    ),
    (
        "uvpart",
        concat!(
            "you can always|you could always|can't you|couldn't you|don't you|surely|you probably|you should|",
            "you won't need|you don't need|you do not need|you dont need|you already|you can get|",
            "you can find|you can buy|just buy|you can just|why do you need|do you really|you really need|",
            "you said|you mentioned|you have plenty|you have enough|there is a|there's a|store",
        ),
    ),
    (
        "coord",
        concat!(
            "how about|what if|would you|let's|lets|we can|we could|work out|both of us|together|trade|",
            "in exchange|exchange|i can give|i'll give|i will give|compromise|meet in|works for|if you give|",
            "if i give|in return|for you and|win win|help each",
        ),
    ),
    (
        "fair",
        concat!(
            "fair|fairly|equal|equally|even|evenly|balanced|reasonable|unfair|same amount|both get|we both|",
            "split|half|win win|best for both|generous",
        ),
    ),
    (
        "smalltalk",
        concat!(
            "hello|hi|hey|how are you|weekend|trip|camping|excited|fun|hike|hiking|nice to meet|weather|",
            "good luck|have a great|enjoy|bye|good day|take care|how's it going|how is it going|doing well|",
            "great day|morning|evening|thanks",
        ),
    ),
    (
        "elicit",
        concat!(
            "what do you|which|what's your|what is your|your priority|your priorities|most important|",
            "need most|need the most|what about you|how about you|what are you|do you need|what would you|",
            "are you looking|do you prefer|what you need|you need most|important to you",
        ),
    ),
];

/// Word, character and form features of one tokenised line.
fn line_features(toks: &[String], emit: &mut dyn FnMut(u8, &[&str])) {
    let words: Vec<&str> = toks.iter().map(String::as_str).filter(|t| *t != ".").collect();
    for w in &words {
        emit(b'w', &[w]);
    }
    let mut prev = "<s>";
    for w in words.iter().copied().chain(std::iter::once("</s>")) {
        emit(b'w', &[prev, "_", w]);
        prev = w;
    }
    let mut buf = String::new();
    for w in words.iter().filter(|w| is_word(w)) {
        buf.clear();
        buf.push(' ');
        buf.push_str(w);
        buf.push(' ');
        let idx: Vec<usize> = buf.char_indices().map(|(i, _)| i).chain(std::iter::once(buf.len())).collect();
        let n_chars = idx.len() - 1;
        for n in 2..=5 {
            for s in 0..n_chars.saturating_sub(n - 1) {
                emit(b'c', &[&buf[idx[s]..idx[s + n]]]);
            }
        }
    }
    form_features(toks, "", emit, b'x');
    pattern_features(toks, emit);
    let mut joined = String::from(" ");
    for w in words.iter().filter(|w| is_word(w)) {
        joined.push_str(w);
        joined.push(' ');
    }
    for (name, phrases) in LEXICON {
        let hits = phrases
            .split('|')
            .filter(|p| {
                let b = joined.as_bytes();
                joined.match_indices(*p).any(|(at, _)| b[at - 1] == b' ' && b.get(at + p.len()) == Some(&b' '))
            })
            .count();
        if hits > 0 {
            emit(b'x', &["lex:", name]);
            if hits > 1 {
                emit(b'x', &["lex2:", name]);
            }
        }
    }
}

const POS: [&str; 8] = ["pos0", "pos1", "pos2", "pos3", "pos4", "pos5", "pos6", "pos7"];

/// Every feature of line `i` of a dialogue whose lines are already tokenised (`toks[j]` for
/// `lines[j]`, with `j <= i`): what the line says, its position, and the line before it.
/// Features are `(group, key parts)`; the key is the parts concatenated. The trainer and the
/// tagger both call this, so a model reads exactly what it was trained on.
pub fn features_of_line(lines: &[Line], toks: &[Vec<String>], i: usize, emit: &mut dyn FnMut(u8, &[&str])) {
    line_features(&toks[i], emit);
    emit(b'x', &[POS[bucket(i, &[0, 1, 2, 3, 5, 8, 12])]]);
    // Dialogue state: has anyone (has this speaker) named an issue or a number yet?
    let named = |j: &usize| toks[*j].iter().any(|t| t == ISSUE_TOKEN || t == NUMBER_TOKEN);
    emit(b'x', &[if (0..i).rev().any(|j| named(&j)) { "st:talked" } else { "st:fresh" }]);
    let mine = (0..i).rev().filter(|&j| lines[j].speaker == lines[i].speaker);
    emit(b'x', &[if mine.clone().any(|j| named(&j)) { "st:me_talked" } else { "st:me_fresh" }]);
    if mine.clone().next().is_none() {
        emit(b'x', &["st:my_first"]);
    }
    if i == 0 {
        emit(b'p', &["first"]);
        return;
    }
    let prev = &toks[i - 1];
    for w in prev.iter().filter(|t| *t != ".") {
        emit(b'p', &["w:", w]);
    }
    form_features(prev, "x:", emit, b'p');
    if lines[i - 1].speaker == lines[i].speaker {
        emit(b'p', &["samesp"]);
    }
}

/// FNV-1a over the group byte and the key parts: the tagger's feature index, with no allocation.
fn feature_hash(group: u8, parts: &[&str]) -> u64 {
    let mut h: u64 = 0xcbf2_9ce4_8422_2325;
    let mut eat = |b: u8| {
        h ^= b as u64;
        h = h.wrapping_mul(0x0100_0000_01b3);
    };
    eat(group);
    eat(b'\t');
    for p in parts {
        for &b in p.as_bytes() {
            eat(b);
        }
    }
    h
}

// ---------------------------------------------------------------------------------------------
// The model

/// One feature group of a model: its scale and whether its values are IDF-weighted.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct GroupConfig {
    /// Group byte (one of [`GROUPS`]).
    pub group: u8,
    /// Multiplier of the group's L2-normalised vector.
    pub scale: f32,
    /// Whether values are multiplied by the feature's IDF.
    pub idf: bool,
}

/// A trained tactic tagger (see the module documentation).
#[derive(Debug, Clone)]
pub struct Tagger {
    /// The header comment lines of the weights file (provenance).
    pub provenance: Vec<String>,
    groups: Vec<GroupConfig>,
    bias: [f32; 10],
    thresholds: [f32; 10],
    index: HashMap<u64, u32>,
    /// Per feature: group position in `groups`, IDF.
    meta: Vec<(u8, f32)>,
    weights: Vec<[f32; 10]>,
}

/// The bundled weights file.
const BUNDLED: &str = include_str!("../../data/tagger.tsv");

impl Tagger {
    /// The weights file in `server/data/`, parsed once.
    pub fn bundled() -> &'static Tagger {
        static T: OnceLock<Tagger> = OnceLock::new();
        T.get_or_init(|| Tagger::parse(BUNDLED).expect("bundled tagger weights parse"))
    }

    /// The per-label thresholds on the scores.
    pub fn thresholds(&self) -> [f32; 10] {
        self.thresholds
    }

    /// How many features the model knows.
    pub fn features(&self) -> usize {
        self.weights.len()
    }

    /// Parses a weights file (the format `parley tagger train` writes; see `server/tools/src/tagger/`):
    /// `#` provenance lines, then tab-separated records `version 1`, `group <g> <scale> <idf|raw>`,
    /// `bias b0..b9`, `threshold t0..t9`, and one `f <g> <key> <idf> <w0 … w9>` per feature (weights in
    /// thousandths, space-separated, in [`LABELS`] order; none when all are zero).
    pub fn parse(data: &str) -> Result<Tagger, String> {
        let mut t = Tagger {
            provenance: Vec::new(),
            groups: Vec::new(),
            bias: [0.0; 10],
            thresholds: [0.5; 10],
            index: HashMap::new(),
            meta: Vec::new(),
            weights: Vec::new(),
        };
        let mut version = false;
        let num = |s: &str, n: usize| s.parse::<f32>().map_err(|e| format!("line {n}: {s:?}: {e}"));
        for (n, line) in data.lines().enumerate() {
            let n = n + 1;
            if let Some(c) = line.strip_prefix('#') {
                t.provenance.push(c.trim().to_string());
                continue;
            }
            if line.trim().is_empty() {
                continue;
            }
            let cols: Vec<&str> = line.split('\t').collect();
            match cols[0] {
                "version" => {
                    if cols.get(1) != Some(&"1") {
                        return Err(format!("line {n}: unsupported version {:?}", cols.get(1)));
                    }
                    version = true;
                }
                "group" => {
                    let [_, g, scale, idf] = cols[..] else { return Err(format!("line {n}: group needs 3 fields")) };
                    let g = g.as_bytes();
                    if g.len() != 1 || !GROUPS.contains(&g[0]) {
                        return Err(format!("line {n}: unknown group"));
                    }
                    t.groups.push(GroupConfig { group: g[0], scale: num(scale, n)?, idf: idf == "idf" });
                }
                "bias" | "threshold" => {
                    if cols.len() != 11 {
                        return Err(format!("line {n}: {} needs 10 values", cols[0]));
                    }
                    let mut v = [0.0; 10];
                    for (k, s) in cols[1..].iter().enumerate() {
                        v[k] = num(s, n)?;
                    }
                    if cols[0] == "bias" {
                        t.bias = v;
                    } else {
                        t.thresholds = v;
                    }
                }
                "f" => {
                    if cols.len() < 4 {
                        return Err(format!("line {n}: feature needs a group, a key and an idf"));
                    }
                    let g = cols[1].as_bytes();
                    let gi = t
                        .groups
                        .iter()
                        .position(|c| g.len() == 1 && c.group == g[0])
                        .ok_or_else(|| format!("line {n}: feature of an undeclared group"))?;
                    let h = feature_hash(g[0], &[cols[2]]);
                    let id = t.weights.len() as u32;
                    if t.index.insert(h, id).is_some() {
                        return Err(format!("line {n}: duplicate feature (or hash collision) {:?}", cols[2]));
                    }
                    let mut w = [0.0f32; 10];
                    let ws: Vec<&str> =
                        cols.get(4).map(|c| c.split(' ').filter(|x| !x.is_empty()).collect()).unwrap_or_default();
                    if !ws.is_empty() {
                        if ws.len() != 10 {
                            return Err(format!("line {n}: a feature has 10 weights or none"));
                        }
                        for (k, v) in ws.iter().enumerate() {
                            w[k] =
                                v.parse::<i32>().map_err(|e| format!("line {n}: weight {v:?}: {e}"))? as f32 / 1000.0;
                        }
                    }
                    t.meta.push((gi as u8, num(cols[3], n)?));
                    t.weights.push(w);
                }
                other => return Err(format!("line {n}: unknown record {other:?}")),
            }
        }
        if !version {
            return Err("not a tagger weights file (no version record)".into());
        }
        if t.groups.is_empty() {
            return Err("no feature groups".into());
        }
        Ok(t)
    }

    /// Raw linear scores (logits) of line `i`, from its already-tokenised dialogue.
    fn logits(&self, lines: &[Line], toks: &[Vec<String>], i: usize, buf: &mut Vec<(u32, f32)>) -> [f32; 10] {
        buf.clear();
        features_of_line(lines, toks, i, &mut |g, parts| {
            if let Some(&id) = self.index.get(&feature_hash(g, parts)) {
                buf.push((id, 1.0));
            }
        });
        buf.sort_unstable_by_key(|x| x.0);
        // Merge repeats into sublinear term frequency 1 + ln(tf).
        let mut merged: Vec<(u32, f32)> = Vec::with_capacity(buf.len());
        for &(id, _) in buf.iter() {
            match merged.last_mut() {
                Some(last) if last.0 == id => last.1 += 1.0,
                _ => merged.push((id, 1.0)),
            }
        }
        let mut norms = [0.0f32; 8];
        let mut dots = [[0.0f32; 10]; 8];
        for (id, tf) in merged.iter_mut() {
            let (g, idf) = self.meta[*id as usize];
            let cfg = &self.groups[g as usize];
            let v = (1.0 + tf.ln()) * if cfg.idf { idf } else { 1.0 };
            *tf = v;
            norms[g as usize] += v * v;
            let w = &self.weights[*id as usize];
            let d = &mut dots[g as usize];
            for k in 0..10 {
                d[k] += v * w[k];
            }
        }
        let mut z = self.bias;
        for (g, cfg) in self.groups.iter().enumerate() {
            if norms[g] > 0.0 {
                let s = cfg.scale / norms[g].sqrt();
                for k in 0..10 {
                    z[k] += s * dots[g][k];
                }
            }
        }
        z
    }

    /// Per-label scores (probabilities) too, for thresholds and reports.
    pub fn scores_dialogue(&self, lines: &[Line], vocab: &Vocabulary) -> Vec<[f32; 10]> {
        let toks: Vec<Vec<String>> = lines.iter().map(|l| vocab.tokens(l.text)).collect();
        let mut buf = Vec::new();
        (0..lines.len()).map(|i| sigmoid10(self.logits(lines, &toks, i, &mut buf))).collect()
    }

    /// The scores of the last line of `lines` only (the earlier lines are its context): what a
    /// live match needs as each line arrives.
    pub fn scores_last(&self, lines: &[Line], vocab: &Vocabulary) -> Option<[f32; 10]> {
        let i = lines.len().checked_sub(1)?;
        // The features read the line before and whether an earlier line (anyone's, and this
        // speaker's) named an issue or a number; scanning back stops at the first such line, so
        // only lines up to there are tokenised (the rest stay empty and are never read).
        let mut toks: Vec<Vec<String>> = vec![Vec::new(); lines.len()];
        let (mut anyone, mut mine) = (false, false);
        for j in (0..=i).rev() {
            toks[j] = vocab.tokens(lines[j].text);
            if j < i && toks[j].iter().any(|t| t == ISSUE_TOKEN || t == NUMBER_TOKEN) {
                anyone = true;
                mine |= lines[j].speaker == lines[i].speaker;
            }
            if j + 1 < i && anyone && mine {
                break;
            }
        }
        Some(sigmoid10(self.logits(lines, &toks, i, &mut Vec::new())))
    }

    /// The tactics of one line from its scores: every strategy label at or above its threshold,
    /// or non-strategic when there is none.
    pub fn decide(&self, scores: &[f32; 10]) -> Tactics {
        let mut t: Tactics =
            (0..STRATEGIES).filter(|&k| scores[k] >= self.thresholds[k]).map(|k| Tactic::ALL[k]).collect();
        if t.is_empty() {
            t.insert(Tactic::NonStrategic);
        }
        t
    }

    /// Tags every line of a dialogue; line i may use lines before it (context) but never after
    /// it (live use tags as lines arrive).
    pub fn tag_dialogue(&self, lines: &[Line], vocab: &Vocabulary) -> Vec<Tactics> {
        self.scores_dialogue(lines, vocab).iter().map(|s| self.decide(s)).collect()
    }

    /// Tags the last line of `lines` (see [`Tagger::scores_last`]).
    pub fn tag_last(&self, lines: &[Line], vocab: &Vocabulary) -> Option<Tactics> {
        self.scores_last(lines, vocab).map(|s| self.decide(&s))
    }
}

fn sigmoid10(z: [f32; 10]) -> [f32; 10] {
    z.map(|x| 1.0 / (1.0 + (-x).exp()))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn labels_and_sets() {
        for (i, t) in Tactic::ALL.iter().enumerate() {
            assert_eq!(t.name(), LABELS[i]);
            assert_eq!(Tactic::parse(LABELS[i]), Some(*t));
        }
        assert_eq!(Tactic::parse("haggling"), None);
        let mut s = Tactics::default();
        s.insert(Tactic::SelfNeed);
        s.insert(Tactic::SmallTalk);
        assert!(s.has(Tactic::SmallTalk) && !s.has(Tactic::UvPart));
        assert_eq!(s.names(), vec!["small-talk", "self-need"]);
        assert_eq!(serde_json::to_string(&s).unwrap(), r#"["small-talk","self-need"]"#);
        let back: Tactics = serde_json::from_str(r#"["small-talk","self-need"]"#).unwrap();
        assert_eq!(back, s);
        assert_eq!(Tactics::parse_list("self-need, small-talk").unwrap(), s);
        assert!(Tactics::parse_list("self-need,bluff").is_err());
    }

    #[test]
    fn tokens_replace_issue_words_numbers_and_emoticons() {
        let v = Vocabulary::casino();
        assert_eq!(
            v.tokens("I need 3 Waters and two fire wood :) 🙂"),
            vec!["i", "need", "xnum", "xissue", "and", "xnum", "xissue", "xsmile", "xsmile"]
        );
        assert_eq!(v.tokens("Don't you?? Really!!"), vec!["don't", "you", "?", "really", "!"]);
        assert_eq!(v.tokens("It's £62,000.50."), vec!["it's", "xnum", "."]);
    }

    #[test]
    fn scenario_vocabularies_cover_issue_names() {
        let dir = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("../../scenarios");
        let job = crate::scenario::load_file(&dir.join("job-offer.toml")).unwrap();
        let v = Vocabulary::of(&job);
        assert_eq!(
            v.tokens("The salary, the signing bonus and the start date; home-office in Leeds"),
            vec!["the", "xissue", "the", "xissue", "and", "the", "xissue", "xissue", "in", "xissue"]
        );
        assert_eq!(
            v.tokens("I'd like to start soon and have time off"),
            vec!["i'd", "like", "to", "start", "soon", "and", "have", "time", "off"]
        );
        let sup = crate::scenario::load_file(&dir.join("supplier-renewal.toml")).unwrap();
        let v = Vocabulary::of(&sup);
        assert_eq!(v.tokens("Payment terms and the warranty"), vec!["xissue", "and", "the", "xissue"]);
        let camp = crate::scenario::load_file(&dir.join("campsite.toml")).unwrap();
        let v = Vocabulary::of(&camp);
        assert_eq!(v.tokens("food water firewood"), vec!["xissue", "xissue", "xissue"]);
    }

    fn tag(v: &Vocabulary, lines: &[&str]) -> Vec<Tactics> {
        let lines: Vec<Line> = lines.iter().enumerate().map(|(i, t)| Line { speaker: i % 2, text: t }).collect();
        Tagger::bundled().tag_dialogue(&lines, v)
    }

    #[test]
    fn bundled_model_loads_and_is_deterministic() {
        let t = Tagger::bundled();
        assert!(t.features() > 1000);
        assert!(t.provenance.iter().any(|l| l.contains("CaSiNo") && l.contains("CC BY 4.0")));
        let lines = [
            Line { speaker: 0, text: "Hello! Looking forward to the trip?" },
            Line { speaker: 1, text: "Yes! I need lots of water, we will hike a lot." },
        ];
        let a = t.scores_dialogue(&lines, &Vocabulary::casino());
        let b = Tagger::parse(BUNDLED).unwrap().scores_dialogue(&lines, &Vocabulary::casino());
        assert_eq!(a, b, "same input, same bits");
        assert_eq!(t.scores_last(&lines, &Vocabulary::casino()), Some(a[1]));
        assert!(a.iter().flatten().all(|p| (0.0..=1.0).contains(p)));
    }

    #[test]
    fn live_scores_equal_whole_dialogue_scores() {
        // `scores_last` tokenises only as far back as the features read; every prefix must score
        // its last line exactly as the whole dialogue does.
        let texts = [
            "Hi there, how is your week going?",
            "Pretty good! Looking forward to the lake.",
            "Same here. So what do you need most?",
            "Water, since I run a lot. And you?",
            "Food for me, I have three kids.",
            "Great, the kids will love it out there.",
            "Would you take 2 food and I keep 2 water?",
            "That sounds fair, thanks for asking.",
        ];
        let lines: Vec<Line> = texts.iter().enumerate().map(|(i, t)| Line { speaker: i % 2, text: t }).collect();
        let v = Vocabulary::casino();
        let whole = Tagger::bundled().scores_dialogue(&lines, &v);
        for n in 1..=lines.len() {
            assert_eq!(Tagger::bundled().scores_last(&lines[..n], &v), Some(whole[n - 1]), "line {n}");
        }
    }

    #[test]
    fn tags_casino_like_lines() {
        let v = Vocabulary::casino();
        let t = tag(
            &v,
            &[
                "Hello there! How are you doing today?",
                "I'm doing well, thanks! Excited to go camping this weekend.",
                "Which item do you need the most?",
                "I need water the most because my kids drink a lot and it is hot.",
                "That seems fair to me.",
            ],
        );
        assert!(t[0].has(Tactic::SmallTalk), "{:?}", t[0]);
        assert!(t[1].has(Tactic::SmallTalk), "{:?}", t[1]);
        assert!(t[2].has(Tactic::ElicitPref), "{:?}", t[2]);
        assert!(t[3].has(Tactic::SelfNeed), "{:?}", t[3]);
        assert!(t[4].has(Tactic::VouchFair), "{:?}", t[4]);
        assert!(t.iter().all(|x| !x.is_empty()));
    }

    #[test]
    fn generalises_to_other_scenarios() {
        let dir = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("../../scenarios");
        let job = Vocabulary::of(&crate::scenario::load_file(&dir.join("job-offer.toml")).unwrap());
        let t = tag(
            &job,
            &[
                "Hi! How was your weekend?",
                "Great thanks, we went sailing. How about yours?",
                "What matters most to you: salary or start date?",
                "I really need the home-office budget because my flat is tiny",
                "That must be hard, I understand why the start date matters to you.",
            ],
        );
        assert!(t[0].has(Tactic::SmallTalk), "{:?}", t[0]);
        assert!(t[2].has(Tactic::ElicitPref), "{:?}", t[2]);
        assert!(t[3].has(Tactic::SelfNeed), "{:?}", t[3]);
        assert!(t[4].has(Tactic::ShowingEmpathy), "{:?}", t[4]);
        let sup = Vocabulary::of(&crate::scenario::load_file(&dir.join("supplier-renewal.toml")).unwrap());
        let t = tag(
            &sup,
            &[
                "Good morning! Did you have a good trip over?",
                "Which matters more to you, the unit price or the payment terms?",
                "We need a 12 month warranty at least, our customers expect it.",
                "A longer warranty seems fair given the volume we commit to.",
            ],
        );
        assert!(t[0].has(Tactic::SmallTalk), "{:?}", t[0]);
        assert!(t[1].has(Tactic::ElicitPref), "{:?}", t[1]);
        assert!(t[2].has(Tactic::SelfNeed), "{:?}", t[2]);
        assert!(t[3].has(Tactic::VouchFair), "{:?}", t[3]);
    }
}
