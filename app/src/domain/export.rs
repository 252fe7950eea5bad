//! Rules for exported files: spreadsheet cells that cannot run formulas.

/// A cell that a spreadsheet would read as a formula (`= + - @`, tab or carriage
/// return first) gets a leading apostrophe, so it shows as text.
pub fn safe_cell(value: &str) -> String {
    match value.chars().next() {
        Some('=' | '+' | '-' | '@' | '\t' | '\r') => format!("'{value}"),
        _ => value.to_string(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn formulas_become_text() {
        assert_eq!(safe_cell("=HYPERLINK(\"x\")"), "'=HYPERLINK(\"x\")");
        assert_eq!(safe_cell("+1"), "'+1");
        assert_eq!(safe_cell("-2"), "'-2");
        assert_eq!(safe_cell("@cmd"), "'@cmd");
        assert_eq!(safe_cell("\tx"), "'\tx");
        assert_eq!(safe_cell("Anna"), "Anna");
        assert_eq!(safe_cell(""), "");
    }
}
