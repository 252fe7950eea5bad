//! Check-in at an event: the steps the organiser names ("Checked in", "Waiver
//! signed", "Tech passed"), which of them a racer needs before they can be queued,
//! and the event form's way of writing them (one per line, `*` when required).

use super::account::FieldError;
use serde::{Deserialize, Serialize};

/// At most this many steps per event: a desk ticks them per racer, fast.
pub const MAX_FLAGS: usize = 6;
const LABEL_MAX: usize = 40;

/// One check-in step.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct CheckinFlag {
    pub label: String,
    /// A racer without it cannot be queued (but for an operator's recorded override).
    pub required: bool,
}

/// What an event asks when its organiser named nothing: that the racer is here.
pub fn default_flags() -> Vec<CheckinFlag> {
    vec![CheckinFlag {
        label: "Checked in".into(),
        required: true,
    }]
}

/// The event form's text: one step per line, a `*` at the end of a required one.
pub fn flags_text(flags: &[CheckinFlag]) -> String {
    flags
        .iter()
        .map(|f| {
            if f.required {
                format!("{} *", f.label)
            } else {
                f.label.clone()
            }
        })
        .collect::<Vec<_>>()
        .join("\n")
}

/// Reads the event form's text (see `flags_text`); blank lines are skipped.
pub fn parse_flags(text: &str) -> Result<Vec<CheckinFlag>, FieldError> {
    let mut flags: Vec<CheckinFlag> = Vec::new();
    for line in text.lines().map(str::trim).filter(|l| !l.is_empty()) {
        let (label, required) = match line.strip_suffix('*') {
            Some(label) => (label, true),
            None => (line, false),
        };
        let label = super::names::text("checkin", label, 1, LABEL_MAX)?;
        if flags.iter().any(|f| f.label.eq_ignore_ascii_case(&label)) {
            return Err(FieldError::new(
                "checkin",
                format!("\"{label}\" is named twice."),
            ));
        }
        flags.push(CheckinFlag { label, required });
    }
    if flags.len() > MAX_FLAGS {
        return Err(FieldError::new(
            "checkin",
            format!("Name at most {MAX_FLAGS} check-in steps."),
        ));
    }
    Ok(flags)
}

/// The required steps a racer who has `done` still lacks, in the event's order.
pub fn missing<'a>(flags: &'a [CheckinFlag], done: &[String]) -> Vec<&'a str> {
    flags
        .iter()
        .filter(|f| f.required && !done.contains(&f.label))
        .map(|f| f.label.as_str())
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_form_text_reads_back_as_written() {
        let flags = parse_flags("Checked in *\n\n  Waiver signed*  \nTech passed").unwrap();
        assert_eq!(
            flags,
            vec![
                CheckinFlag {
                    label: "Checked in".into(),
                    required: true
                },
                CheckinFlag {
                    label: "Waiver signed".into(),
                    required: true
                },
                CheckinFlag {
                    label: "Tech passed".into(),
                    required: false
                },
            ]
        );
        assert_eq!(parse_flags(&flags_text(&flags)).unwrap(), flags);
        assert_eq!(parse_flags("").unwrap(), vec![], "no steps: nobody waits");
    }

    #[test]
    fn bad_steps_are_refused() {
        assert!(parse_flags("Here *\nhere").is_err(), "twice");
        assert!(parse_flags("*").is_err(), "no label");
        assert!(parse_flags(&"x".repeat(41)).is_err(), "too long");
        assert!(parse_flags("a\nb\nc\nd\ne\nf\ng").is_err(), "too many");
        assert!(parse_flags("a\u{202e}b").is_err(), "hidden characters");
    }

    #[test]
    fn only_required_steps_hold_a_racer_back() {
        let flags = parse_flags("Checked in *\nWaiver *\nTech").unwrap();
        assert_eq!(missing(&flags, &[]), vec!["Checked in", "Waiver"]);
        assert_eq!(missing(&flags, &["Waiver".into()]), vec!["Checked in"]);
        assert!(missing(&flags, &["Checked in".into(), "Waiver".into()]).is_empty());
    }
}
