//! What a name or text shown to others may hold. Text is trimmed and put in Unicode's
//! composed form (NFC), so one name has one spelling; characters that change the
//! direction of what follows (`\u{202e}nimda` shows as "admin"), that are invisible
//! (zero-width spaces, U+FEFF, tag characters) or that break lines are refused; a
//! name needs at least one visible letter or digit.

use super::account::FieldError;

/// Unicode lower case, for comparing and searching names. In the browser it is
/// JavaScript's (the same Unicode mapping): Rust's would put its 12 KB case table
/// into every page's wasm.
pub fn lowercase(text: &str) -> String {
    #[cfg(feature = "hydrate")]
    {
        String::from(js_sys::JsString::from(text).to_lower_case())
    }
    #[cfg(not(feature = "hydrate"))]
    {
        text.to_lowercase()
    }
}

/// `text` in Unicode's composed form (NFC). In the browser it is JavaScript's
/// `normalize`: the crate's composition tables (~80 KB) would sit in the data of the
/// module every spectator loads, since splitting the wasm moves code, not data.
fn composed(text: &str) -> String {
    #[cfg(feature = "hydrate")]
    {
        String::from(js_sys::JsString::from(text).normalize("NFC"))
    }
    #[cfg(not(feature = "hydrate"))]
    {
        use unicode_normalization::UnicodeNormalization;
        text.nfc().collect()
    }
}

/// Whether `c` is invisible or changes how the text around it is shown: controls,
/// bidi marks, embeddings, overrides and isolates, zero-width and other format
/// characters, line and paragraph separators, fillers, and tag characters.
fn hidden(c: char) -> bool {
    c.is_control()
        || matches!(c,
            '\u{00AD}' | '\u{034F}' | '\u{061C}' | '\u{115F}' | '\u{1160}' | '\u{17B4}'
            | '\u{17B5}' | '\u{180B}'..='\u{180F}' | '\u{200B}'..='\u{200F}'
            | '\u{2028}'..='\u{202E}' | '\u{2060}'..='\u{206F}' | '\u{3164}' | '\u{FEFF}'
            | '\u{FFA0}' | '\u{FFF0}'..='\u{FFFB}' | '\u{1BCA0}'..='\u{1BCA3}'
            | '\u{1D173}'..='\u{1D17A}' | '\u{E0000}'..='\u{E0FFF}')
}

/// `raw` trimmed and composed (NFC), between `min` and `max` characters, with nothing
/// hidden in it.
pub fn text(field: &str, raw: &str, min: usize, max: usize) -> Result<String, FieldError> {
    let value = composed(raw.trim());
    if let Some(c) = value.chars().find(|&c| hidden(c)) {
        let reason = match c {
            '\t' | '\n' | '\r' | '\u{2028}' | '\u{2029}' => "Remove tabs and line breaks.".into(),
            _ => format!(
                "Remove the invisible or direction-changing character U+{:04X}.",
                c as u32
            ),
        };
        return Err(FieldError::new(field, reason));
    }
    let len = value.chars().count();
    if len < min {
        return Err(FieldError::new(field, "This field is required."));
    }
    if len > max {
        return Err(FieldError::new(
            field,
            format!("Use at most {max} characters."),
        ));
    }
    Ok(value)
}

/// `text` that, when not empty, shows at least one letter or digit.
pub fn name(field: &str, raw: &str, min: usize, max: usize) -> Result<String, FieldError> {
    let value = text(field, raw, min, max)?;
    if !value.is_empty() && !value.chars().any(char::is_alphanumeric) {
        return Err(FieldError::new(
            field,
            "A name needs at least one letter or digit.",
        ));
    }
    Ok(value)
}

/// The names of racers shown side by side (`(name, country, handle)`), each told apart
/// from the others: a name two racers share (case aside) gets the racer's country,
/// "Anna (SE)", and a number too where they share that as well, "Anna (SE 1)", "Anna
/// (SE 2)", counted in handle order so a racer keeps their label as rows move.
pub fn told_apart(racers: &[(&str, &str, &str)]) -> Vec<String> {
    use std::collections::HashMap;
    let folded = |name: &str| lowercase(name);
    let mut by_name: HashMap<String, usize> = HashMap::new();
    let mut by_name_and_country: HashMap<(String, &str), Vec<&str>> = HashMap::new();
    for &(name, country, handle) in racers {
        *by_name.entry(folded(name)).or_default() += 1;
        by_name_and_country
            .entry((folded(name), country))
            .or_default()
            .push(handle);
    }
    for handles in by_name_and_country.values_mut() {
        handles.sort_unstable();
    }
    racers
        .iter()
        .map(|&(name, country, handle)| {
            if by_name[&folded(name)] < 2 {
                return name.to_string();
            }
            let same = &by_name_and_country[&(folded(name), country)];
            let number =
                (same.len() > 1).then(|| same.iter().position(|h| *h == handle).unwrap_or(0) + 1);
            match (country.is_empty(), number) {
                (false, None) => format!("{name} ({country})"),
                (false, Some(n)) => format!("{name} ({country} {n})"),
                (true, Some(n)) => format!("{name} ({n})"),
                (true, None) => name.to_string(),
            }
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn reason(result: Result<String, FieldError>) -> String {
        result.expect_err("refused").reason
    }

    #[test]
    fn names_that_lie_are_refused() {
        assert!(reason(name("n", "\u{202e}nimda\u{202c}", 1, 40)).contains("U+202E"));
        assert!(reason(name("n", "ad\u{200b}min", 1, 40)).contains("U+200B"));
        assert!(reason(name("n", "\u{feff}admin", 1, 40)).contains("U+FEFF"));
        assert!(reason(name("n", "a\u{2028}b", 1, 40)).contains("line breaks"));
        assert!(reason(name("n", "admin\u{e0041}", 1, 40)).contains("U+E0041"));
        assert!(reason(name("n", "\u{2066}x\u{2069}", 1, 40)).contains("U+2066"));
    }

    #[test]
    fn a_name_needs_a_visible_letter_or_digit() {
        assert!(reason(name("n", "\u{200b}\u{200b}", 1, 40)).contains("U+200B"));
        assert!(reason(name("n", "---", 1, 40)).contains("letter or digit"));
        assert_eq!(name("n", "  ", 0, 40).unwrap(), "");
        assert_eq!(name("n", "Åsa 7", 1, 40).unwrap(), "Åsa 7");
        assert_eq!(name("n", "藤原とうふ店", 1, 40).unwrap(), "藤原とうふ店");
    }

    #[test]
    fn one_name_has_one_spelling() {
        // "Å" as A + combining ring becomes the single composed letter.
        assert_eq!(text("n", " A\u{030a}sa ", 1, 40).unwrap(), "\u{00c5}sa");
    }

    #[test]
    fn plain_text_may_be_symbols_and_lengths_count_characters() {
        assert_eq!(text("f", "—", 0, 10).unwrap(), "—");
        assert!(reason(text("f", "x", 2, 10)).contains("required"));
        assert!(reason(text("f", "ééé", 0, 2)).contains("at most 2"));
    }

    #[test]
    fn racers_of_one_name_are_told_apart_by_country_then_number() {
        let shown = told_apart(&[
            ("Anna", "SE", "b2"),
            ("Ben", "DE", "c3"),
            ("anna", "DE", "a1"),
            ("Anna", "SE", "a0"),
            ("Cleo", "", "d4"),
            ("Cleo", "", "d5"),
        ]);
        assert_eq!(
            shown,
            [
                "Anna (SE 2)",
                "Ben",
                "anna (DE)",
                "Anna (SE 1)",
                "Cleo (1)",
                "Cleo (2)"
            ]
        );
        assert_eq!(told_apart(&[("Anna", "SE", "x")]), ["Anna"]);
    }
}
