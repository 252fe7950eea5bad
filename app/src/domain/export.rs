//! Rules for exported files: spreadsheet cells that cannot run formulas.

/// A cell whose text a spreadsheet would read as a formula gets an apostrophe before
/// it, so it shows as text: at the start (`= + - @`, tab or carriage return first), and
/// after every `;` or `,` (and the spaces after it), where a spreadsheet that splits
/// lines on either (as German, French, Spanish and Swedish ones do on `;`) starts a
/// cell of its own.
pub fn safe_cell(value: &str) -> String {
    let mut out = String::with_capacity(value.len() + 1);
    let mut cell_starts = true;
    for c in value.chars() {
        if cell_starts && matches!(c, '=' | '+' | '-' | '@' | '\t' | '\r') {
            out.push('\'');
        }
        cell_starts = matches!(c, ';' | ',') || (cell_starts && c == ' ');
        out.push(c);
    }
    out
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
        assert_eq!(
            safe_cell("x;=1+1;"),
            "x;'=1+1;",
            "a cell of its own after `;`"
        );
        assert_eq!(safe_cell("a, @SUM(A1)"), "a, '@SUM(A1)");
        assert_eq!(safe_cell("a;;-3"), "a;;'-3");
        assert_eq!(
            safe_cell("Team A-B, 2"),
            "Team A-B, 2",
            "a dash inside a cell is text"
        );
        assert_eq!(safe_cell(""), "");
    }
}
