//! What bots say in bargaining beyond their strategy's lines: templates by situation, filled in
//! with the scenario's issue names so every line is on the match's topic, and the expression a
//! bot attaches to each. Pure; the brain picks a template not said yet in the match.

use crate::core::game::Expression;
use crate::protocol::BotLevel;

/// A situation a bot says something in.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum LineKind {
    /// Asking what matters to the counterpart.
    Ask,
    /// A question about its priorities it answers without giving anything away.
    Vague,
    /// "You first": the evasive answer.
    Deflect,
    /// They said something about their priorities: noted.
    Noted,
    /// Its offer gives ground on what they said matters to them.
    Trade,
    /// They conceded; its new offer gives ground back.
    Reciprocate,
    /// It conceded last and waits for a move back.
    Owed,
    /// Their line or face says frustrated.
    Frustration,
    /// Small talk in bargaining, returned briefly.
    SmallTalk,
    /// They acknowledged or thanked it.
    Thanks,
    /// They look pleased.
    Pleased,
    /// They look surprised.
    Surprised,
    /// They look concerned.
    Concerned,
}

/// Templates. `{issue}` is the issue at hand, `{high}` the bot's top issue (used only where the
/// bot's honesty allows saying it), `{moved}` what the bot moved on, `{theirs}` what they moved on.
pub fn templates(kind: LineKind, warm: bool) -> &'static [&'static str] {
    use LineKind::*;
    match (kind, warm) {
        (Ask, _) => &[
            "Before we go further: what matters most to you here, {a} or {b}?",
            "Which of these is hardest for you to give up?",
            "Help me understand your side. How much does {a} matter to you?",
            "If you could fix just one thing in this deal, what would it be?",
            "Where do you have some room, and where do you have none?",
            "What would a good outcome on {b} look like for you?",
        ],
        (Vague, _) => &[
            "A few things matter to me here. Tell me more about {issue} on your side first.",
            "I have some room on a couple of points. Which ones matter most to you?",
            "It's a mix for me, honestly. What would help you most?",
            "Hard to rank them in the abstract. Put an offer together and I'll tell you what works.",
        ],
        (Deflect, _) => &[
            "I'd like to hear your side first: what matters most to you?",
            "You tell me first. What are you really after here?",
            "Let's start with you. Where do you need the most?",
            "I'll share more once I know where you stand. What matters to you?",
        ],
        (Noted, true) => &[
            "Thanks, that helps. If {issue} matters to you, I can look at it.",
            "Good to know about {issue}. Let me see what I can do there.",
            "That's useful. I'll keep {issue} in mind for the next offer.",
            "Understood on {issue}. Maybe there's a trade in that.",
        ],
        (Noted, false) => &[
            "Noted on {issue}. It won't come for free, though.",
            "Fine, {issue} matters to you. Then I'll need something back.",
            "I hear you on {issue}. Let's see what you can offer in return.",
        ],
        (Trade, _) => &[
            "You said {issue} matters to you, so I've moved on it in this offer. Can you help me on {high}?",
            "This offer gives you more on {issue}, since that matters to you. I need {high} in return.",
            "I've put more on {issue} your way. What can you do for me on {high}?",
            "Here is more on {issue}, as you asked. Meet me on {high} and we're close.",
        ],
        (Reciprocate, true) => &[
            "Thanks for moving on {theirs}. I've moved on {moved} in return.",
            "You gave ground on {theirs}, so I've given some on {moved}.",
            "That move on {theirs} helps. Here's one back on {moved}.",
            "Fair's fair: you moved on {theirs}, I've moved on {moved}.",
        ],
        (Reciprocate, false) => &[
            "Noted, you moved on {theirs}. I've moved a little on {moved}.",
            "OK, {theirs} is a start. I've shifted on {moved}.",
            "Your move on {theirs} is noted; I've matched it on {moved}.",
        ],
        (Owed, true) => &[
            "I moved on {moved} last time. Could you move on something too?",
            "I gave some ground on {moved} earlier. Is there anything you can give back?",
            "I've already moved on {moved}; it would help to see a step from you.",
        ],
        (Owed, false) => &[
            "I moved on {moved} last time. Now it's your turn.",
            "I already gave on {moved}. I'm not moving again until you do.",
            "You've had my move on {moved}. Let's see yours.",
        ],
        (Frustration, true) => &[
            "I can tell this is frustrating. Let's see what we can do on {issue}.",
            "Sorry, I know this is taking a while. What would make {issue} easier for you?",
            "I understand this is annoying. Let's slow down and look at {issue} together.",
            "That sounds frustrating, and I don't want us stuck. What's the sticking point?",
        ],
        (Frustration, false) => &[
            "I hear you. Still, I need something back before I move again.",
            "I get that you're frustrated. My position on {issue} hasn't changed much, though.",
            "I understand. Let's keep going; getting annoyed won't close the gap.",
        ],
        (SmallTalk, _) => &[
            "Ha, yes! Good to keep it friendly while we work this out.",
            "Nice. Right, back to it then.",
            "I like that. Now, where were we?",
        ],
        (Thanks, true) => &[
            "Thanks, I appreciate that.",
            "That's kind of you to say. Let's find something that works.",
            "Thank you. It helps to know you see my side.",
        ],
        (Thanks, false) => &["Thanks. Let's see it in the next offer.", "Appreciated. Now let's talk numbers."],
        (Pleased, _) => &[
            "Glad that sounds good. Shall we build on it?",
            "Good, it looks like we're getting somewhere.",
            "Great. Let's keep that going.",
        ],
        (Surprised, true) => &[
            "I see that surprised you. Tell me which part, and I'll explain.",
            "Was that not what you expected? Let's talk it through.",
            "I know that's a jump. What would you have expected on {issue}?",
        ],
        (Surprised, false) => &[
            "That shouldn't be a surprise; it's a fair position.",
            "I know it's a big gap. Tell me what would make it work for you.",
        ],
        (Concerned, _) => &[
            "What worries you about it? Maybe we can fix that part.",
            "You look unsure. Is it {issue}?",
            "Tell me what concerns you, and we'll see if there's a way round it.",
        ],
    }
}

/// The expression a bot attaches to a line of this kind.
pub fn expression(kind: LineKind, level: BotLevel) -> Expression {
    use LineKind::*;
    let tough = level == BotLevel::Tough;
    match kind {
        Noted | Reciprocate | SmallTalk | Thanks | Pleased if !tough => Expression::Pleased,
        Frustration | Concerned | Surprised if !tough => Expression::Concerned,
        Owed if tough => Expression::Frustrated,
        Owed => Expression::Concerned,
        _ => Expression::Neutral,
    }
}

/// The expression on a strategy's pressure line (the hardballer's, tit-for-tat's firm replies).
pub fn pressure_expression(level: BotLevel) -> Expression {
    if level == BotLevel::Tough {
        Expression::Frustrated
    } else {
        Expression::Neutral
    }
}

/// An issue's name as it reads inside a sentence: "Base salary" becomes "base salary", but a
/// name that starts with a proper noun ("Martine's role after the sale") or an acronym keeps its
/// capital.
pub fn mid_sentence(name: &str) -> String {
    let first = name.split_whitespace().next().unwrap_or("");
    let proper = first.contains('\'') || first.chars().skip(1).any(char::is_uppercase);
    let mut chars = name.chars();
    match chars.next() {
        Some(c) if !proper => c.to_lowercase().chain(chars).collect(),
        _ => name.to_string(),
    }
}

/// Issue names joined for a sentence: "fee", "fee and slot", "fee, slot and travel".
pub fn join_names(names: &[String]) -> String {
    join_names_with(names, "and")
}

/// Issue names joined with a language's "and" ("fee, slot y travel" in Spanish).
pub fn join_names_with(names: &[String], and: &str) -> String {
    match names {
        [] => String::new(),
        [one] => one.clone(),
        [rest @ .., last] => format!("{} {and} {last}", rest.join(", ")),
    }
}

/// The values of a template's placeholders.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Slots {
    /// `{issue}`.
    pub issue: String,
    /// `{high}`.
    pub high: String,
    /// `{low}`.
    pub low: String,
    /// `{a}`.
    pub a: String,
    /// `{b}`.
    pub b: String,
    /// `{moved}`.
    pub moved: String,
    /// `{theirs}`.
    pub theirs: String,
}

/// A template with its placeholders filled in; a line that would start with a lower-case name
/// gets its capital back.
pub fn fill(template: &str, s: &Slots) -> String {
    let line = template
        .replace("{issue}", &s.issue)
        .replace("{high}", &s.high)
        .replace("{low}", &s.low)
        .replace("{a}", &s.a)
        .replace("{b}", &s.b)
        .replace("{moved}", &s.moved)
        .replace("{theirs}", &s.theirs);
    let mut chars = line.chars();
    match chars.next() {
        Some(c) => c.to_uppercase().chain(chars).collect(),
        None => line,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn names_read_naturally_inside_sentences() {
        assert_eq!(mid_sentence("Base salary"), "base salary");
        assert_eq!(mid_sentence("Martine's role after the sale"), "Martine's role after the sale");
        assert_eq!(mid_sentence("CA fee"), "CA fee");
        assert_eq!(join_names(&["fee".into(), "slot".into(), "travel".into()]), "fee, slot and travel");
        let s = Slots { issue: "fee".into(), ..Slots::default() };
        assert_eq!(fill("{issue} is fine.", &s), "Fee is fine.");
    }

    #[test]
    fn every_situation_has_lines_and_every_line_fills_its_slots() {
        use LineKind::*;
        let s = Slots {
            issue: "fee".into(),
            high: "slot".into(),
            low: "travel".into(),
            a: "fee".into(),
            b: "slot".into(),
            moved: "travel".into(),
            theirs: "fee".into(),
        };
        let kinds = [
            Ask,
            Vague,
            Deflect,
            Noted,
            Trade,
            Reciprocate,
            Owed,
            Frustration,
            SmallTalk,
            Thanks,
            Pleased,
            Surprised,
            Concerned,
        ];
        for kind in kinds {
            for warm in [true, false] {
                let lines = templates(kind, warm);
                assert!(lines.len() >= 2, "{kind:?}: at least two lines, so a match can vary");
                for l in lines {
                    let f = fill(l, &s);
                    assert!(!f.contains('{') && !f.contains('}'), "{f}");
                }
            }
        }
        // The evasive and vague answers never name the bot's own top issue.
        for kind in [Vague, Deflect] {
            assert!(templates(kind, true).iter().all(|l| !l.contains("{high}")));
        }
    }
}
