//! The language a bot speaks: the one its seat's texts come in (the match gives a bot's seat the
//! language of the people at its table, `YouView::lang`). The brain picks its lines from the
//! English tables as always; a Spanish or German bot then says the same line from its
//! language's table (`es.rs`, `de.rs`), so every language has the same choices and the same
//! placeholders. Icebreaker answers matched by topic are English only: a bot reading a
//! translated icebreaker gives one of its general answers instead.

mod de;
mod es;

/// A language the bots speak.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum Lang {
    /// English (the tables' own).
    #[default]
    En,
    /// Spanish.
    Es,
    /// German.
    De,
}

impl Lang {
    /// The language for a seat's language code; English for none or one the bots do not speak.
    pub fn of(code: Option<&str>) -> Lang {
        match code {
            Some("es") => Lang::Es,
            Some("de") => Lang::De,
            _ => Lang::En,
        }
    }

    fn table(self) -> &'static [(&'static str, &'static str)] {
        match self {
            Lang::En => &[],
            Lang::Es => es::LINES,
            Lang::De => de::LINES,
        }
    }

    /// An English line of the phrase tables in this language (the English when it has none).
    pub fn say(self, english: &'static str) -> &'static str {
        self.table().iter().find(|(en, _)| *en == english).map_or(english, |(_, said)| said)
    }

    /// Every line this language's table has (English: the lines the tables translate), as
    /// templates with their `{slots}`: what a bot of this language may say.
    pub fn lines(self) -> Vec<&'static str> {
        match self {
            Lang::En => es::LINES.iter().map(|l| l.0).collect(),
            _ => self.table().iter().map(|l| l.1).collect(),
        }
    }

    /// Whether an issue's name keeps its capital inside a sentence (German nouns do).
    pub fn keeps_capitals(self) -> bool {
        self == Lang::De
    }

    /// The word joining the last two names of a list.
    pub fn and(self) -> &'static str {
        match self {
            Lang::En => "and",
            Lang::Es => "y",
            Lang::De => "und",
        }
    }

    /// Every English line a table must translate (the lines the brain picks from outside the
    /// topic answers to icebreakers), for the tables' tests.
    #[cfg(test)]
    pub fn english_lines() -> Vec<&'static str> {
        use super::lines::{templates, LineKind::*};
        let mut all: Vec<&'static str> = Vec::new();
        let kinds = [Ask, Vague, Deflect, Noted, Trade, Reciprocate, Owed, Frustration, SmallTalk, Thanks, Pleased];
        for kind in kinds.into_iter().chain([Surprised, Concerned]) {
            for warm in [true, false] {
                all.extend(templates(kind, warm));
            }
        }
        all.extend(super::brain::SPOKEN_IN_SMALL_TALK.iter().flat_map(|t| t.iter()));
        for s in super::strategies::ALL {
            all.extend(s.trade_lines());
            for pressure in [true, false] {
                let c = super::strategies::Counterpart { pressure, warm: !pressure };
                all.extend(s.bargaining_replies(&c));
            }
        }
        all.sort_unstable();
        all.dedup();
        all
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// The `{slot}` names of a line, in order of first appearance.
    fn slots(line: &str) -> Vec<&str> {
        let mut out = Vec::new();
        let mut rest = line;
        while let Some(i) = rest.find('{') {
            let Some(j) = rest[i..].find('}') else { break };
            let name = &rest[i + 1..i + j];
            if !out.contains(&name) {
                out.push(name);
            }
            rest = &rest[i + j + 1..];
        }
        out.sort_unstable();
        out
    }

    #[test]
    fn every_line_a_bot_says_is_in_every_table_with_the_same_slots() {
        let english = Lang::english_lines();
        assert!(english.len() > 60, "the tables cover the lines: {}", english.len());
        for lang in [Lang::Es, Lang::De] {
            for en in &english {
                let said = lang.say(en);
                assert_ne!(said, *en, "{lang:?} lacks {en:?}");
                assert_eq!(slots(said), slots(en), "{lang:?}: {said:?} keeps the slots of {en:?}");
            }
            // And no line in a table that the bots never say (a stale translation).
            for (en, _) in lang.table() {
                assert!(english.contains(en), "{lang:?} translates a line no bot says: {en:?}");
            }
        }
        assert_eq!(Lang::En.say(english[0]), english[0]);
        assert_eq!((Lang::of(Some("es")), Lang::of(Some("fr")), Lang::of(None)), (Lang::Es, Lang::En, Lang::En));
    }
}
