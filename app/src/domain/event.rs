//! Event and track rules: what a valid name, date, link and track title are.

use super::account::{validate_country, FieldError};
use super::names;
use crate::wire::{EventInput, LandingLink, TrackInput};

pub const NAME_MAX: usize = 80;
pub const SPONSOR_MAX: usize = 80;
pub const LINKS_MAX: usize = 20;
pub const TRACK_TITLE_MAX: usize = 60;
pub const FOOTER_MAX: usize = 120;

/// Checks a `YYYY-MM-DD` calendar date.
pub fn validate_date(raw: &str) -> Result<String, FieldError> {
    let bad = || FieldError::new("date", "Enter a date as YYYY-MM-DD.");
    let value = raw.trim();
    let parts: Vec<&str> = value.split('-').collect();
    let [y, m, d] = parts.as_slice() else {
        return Err(bad());
    };
    if y.len() != 4 || m.len() != 2 || d.len() != 2 {
        return Err(bad());
    }
    let (y, m, d): (u32, u32, u32) = (
        y.parse().map_err(|_| bad())?,
        m.parse().map_err(|_| bad())?,
        d.parse().map_err(|_| bad())?,
    );
    let leap = (y % 4 == 0 && y % 100 != 0) || y % 400 == 0;
    let days = match m {
        1 | 3 | 5 | 7 | 8 | 10 | 12 => 31,
        4 | 6 | 9 | 11 => 30,
        2 if leap => 29,
        2 => 28,
        _ => return Err(bad()),
    };
    if !(2000..=2100).contains(&y) || d == 0 || d > days {
        return Err(bad());
    }
    Ok(value.to_string())
}

fn validate_link(index: usize, link: &LandingLink) -> Result<LandingLink, FieldError> {
    let field = format!("links.{index}");
    let name = names::name(&field, &link.name, 1, 60)?;
    let url = link.url.trim();
    let scheme_ok = url.starts_with("https://") || url.starts_with("http://");
    if !scheme_ok || url.len() > 500 || url.contains(char::is_whitespace) {
        return Err(FieldError::new(
            &field,
            "A link needs a web address starting with https://.",
        ));
    }
    Ok(LandingLink {
        name,
        description: names::text(&field, &link.description, 0, 200)?,
        url: url.to_string(),
    })
}

/// Checks and tidies an event form.
pub fn validate_event(input: EventInput) -> Result<EventInput, FieldError> {
    if input.links.len() > LINKS_MAX {
        return Err(FieldError::new(
            "links",
            format!("Use at most {LINKS_MAX} links."),
        ));
    }
    Ok(EventInput {
        name: names::name("name", &input.name, 1, NAME_MAX)?,
        kind: input.kind,
        date: validate_date(&input.date)?,
        country: validate_country(&input.country)?,
        sponsor: names::text("sponsor", &input.sponsor, 0, SPONSOR_MAX)?,
        links: input
            .links
            .iter()
            .enumerate()
            .map(|(i, l)| validate_link(i, l))
            .collect::<Result<_, _>>()?,
        rules: input.rules.validate()?,
        // Checked as the form writes them: one rule for both.
        checkin: super::checkin::parse_flags(&super::checkin::flags_text(&input.checkin))?,
    })
}

/// Checks and tidies a track form.
pub fn validate_track(input: TrackInput) -> Result<TrackInput, FieldError> {
    Ok(TrackInput {
        title: names::name("title", &input.title, 1, TRACK_TITLE_MAX)?,
        footer: names::text("footer", &input.footer, 0, FOOTER_MAX)?,
        layout: input.layout,
        rules: input.rules.map(|r| r.validate()).transpose()?,
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::domain::rules::{RaceRules, Ranking};
    use crate::wire::{EventKind, TrackLayout};

    fn event() -> EventInput {
        EventInput {
            name: " Summit Stockholm ".into(),
            kind: EventKind::Summit,
            date: "2026-05-14".into(),
            country: "se".into(),
            sponsor: "".into(),
            links: vec![LandingLink {
                name: "Rules".into(),
                description: "".into(),
                url: "https://example.com/rules".into(),
            }],
            rules: RaceRules::default(),
            checkin: crate::domain::checkin::default_flags(),
        }
    }

    #[test]
    fn a_good_event_is_tidied() {
        let e = validate_event(event()).unwrap();
        assert_eq!(e.name, "Summit Stockholm");
        assert_eq!(e.country, "SE");
    }

    #[test]
    fn each_field_is_checked() {
        let field = |f: fn(&mut EventInput)| {
            let mut e = event();
            f(&mut e);
            validate_event(e).unwrap_err().field
        };
        assert_eq!(field(|e| e.name = "  ".into()), "name");
        assert_eq!(field(|e| e.date = "2026-02-30".into()), "date");
        assert_eq!(field(|e| e.date = "14.05.2026".into()), "date");
        assert_eq!(field(|e| e.country = "XX".into()), "country");
        assert_eq!(
            field(|e| e.links[0].url = "javascript:alert(1)".into()),
            "links.0"
        );
        assert_eq!(
            field(|e| e.rules.ranking = Ranking::BestAverage { laps: 9 }),
            "ranking"
        );
    }

    #[test]
    fn dates() {
        assert!(validate_date("2028-02-29").is_ok());
        assert!(validate_date("2027-02-29").is_err());
        assert!(validate_date("2026-13-01").is_err());
        assert!(validate_date("2026-1-01").is_err());
    }

    #[test]
    fn tracks() {
        let t = TrackInput {
            title: " Track A ".into(),
            footer: "Follow the race #AWSDeepRacer".into(),
            layout: TrackLayout::ReInvent2018,
            rules: None,
        };
        assert_eq!(validate_track(t.clone()).unwrap().title, "Track A");
        let untitled = TrackInput {
            title: "".into(),
            ..t
        };
        assert_eq!(validate_track(untitled).unwrap_err().field, "title");
    }
}
