//! Rules for text people type: display names and chat. Untrusted text is kept as text, but
//! characters that only serve to hide or disguise it are not: control characters (a chat keeps
//! its line breaks) and the bidirectional overrides that can make a line read backwards.

/// Longest display name, in characters.
pub const MAX_NAME_CHARS: usize = 40;

/// Unicode bidirectional embeddings, overrides and isolates (U+202A–U+202E, U+2066–U+2069):
/// they reorder what follows them, so a name or a line could display as something else.
pub fn is_bidi_control(c: char) -> bool {
    matches!(c, '\u{202A}'..='\u{202E}' | '\u{2066}'..='\u{2069}')
}

/// Characters that take no visible space of their own: white space, zero-width and other format
/// characters, fillers that render blank, variation selectors and tag characters.
pub fn is_invisible(c: char) -> bool {
    c.is_whitespace()
        || c.is_control()
        || is_bidi_control(c)
        || matches!(
            c,
            '\u{00AD}'
                | '\u{034F}'
                | '\u{061C}'
                | '\u{115F}'
                | '\u{1160}'
                | '\u{17B4}'
                | '\u{17B5}'
                | '\u{180B}'..='\u{180F}'
                | '\u{200B}'..='\u{200F}'
                | '\u{2060}'..='\u{2064}'
                | '\u{206A}'..='\u{206F}'
                | '\u{2800}'
                | '\u{3164}'
                | '\u{FE00}'..='\u{FE0F}'
                | '\u{FEFF}'
                | '\u{FFA0}'
                | '\u{E0000}'..='\u{E007F}'
        )
}

/// Why a display name was refused.
#[derive(Debug, Clone, Copy, PartialEq, Eq, thiserror::Error)]
pub enum NameError {
    /// Empty after trimming, or longer than [`MAX_NAME_CHARS`].
    #[error("a name must be 1 to {MAX_NAME_CHARS} characters")]
    Length,
    /// Only invisible characters.
    #[error("a name needs at least one visible character")]
    Invisible,
    /// Control characters or bidirectional overrides.
    #[error("a name cannot contain control characters or text-direction overrides")]
    Forbidden,
}

/// Checks a display name; returns it trimmed.
pub fn check_name(name: &str) -> Result<String, NameError> {
    let name = name.trim();
    let n = name.chars().count();
    if n == 0 || n > MAX_NAME_CHARS {
        return Err(NameError::Length);
    }
    if name.chars().any(|c| c.is_control() || is_bidi_control(c)) {
        return Err(NameError::Forbidden);
    }
    if name.chars().all(is_invisible) {
        return Err(NameError::Invisible);
    }
    Ok(name.to_string())
}

/// A chat line as stored: control characters and bidi controls removed (line breaks kept, a
/// tab becomes a space, CR LF becomes LF), then trimmed.
pub fn clean_chat(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    for c in text.chars() {
        match c {
            '\n' => out.push('\n'),
            '\t' => out.push(' '),
            c if c.is_control() || is_bidi_control(c) => {}
            c => out.push(c),
        }
    }
    out.trim().to_string()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn names_are_trimmed_and_must_show_something() {
        assert_eq!(check_name("  Ana  "), Ok("Ana".into()));
        assert_eq!(check_name("Zoë 🙂"), Ok("Zoë 🙂".into()));
        assert_eq!(check_name(""), Err(NameError::Length));
        assert_eq!(check_name(&"x".repeat(41)), Err(NameError::Length));
        assert_eq!(check_name(&"é".repeat(40)).map(|n| n.chars().count()), Ok(40));
        assert_eq!(check_name("\u{200B}\u{200B}"), Err(NameError::Invisible));
        assert_eq!(check_name("\u{3164}"), Err(NameError::Invisible));
        assert_eq!(check_name("\u{2800}\u{FEFF}"), Err(NameError::Invisible));
        assert_eq!(check_name("Ana\u{202E}evil"), Err(NameError::Forbidden));
        assert_eq!(check_name("a\u{2066}b"), Err(NameError::Forbidden));
        assert_eq!(check_name("a\u{0007}b"), Err(NameError::Forbidden));
        assert_eq!(check_name("a\nb"), Err(NameError::Forbidden));
    }

    #[test]
    fn chat_keeps_line_breaks_and_drops_controls() {
        assert_eq!(clean_chat("  hi\r\nthere\u{0007}\u{001B}[31m  "), "hi\nthere[31m");
        assert_eq!(clean_chat("a\tb"), "a b");
        assert_eq!(clean_chat("abc\u{202E}fed"), "abcfed");
        assert_eq!(clean_chat("\u{0000}\u{0008}"), "");
        assert_eq!(clean_chat("line one\n\nline two"), "line one\n\nline two");
    }
}
