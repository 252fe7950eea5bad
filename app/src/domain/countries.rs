//! ISO 3166-1 countries: the list the sign-up and profile forms offer, and the check
//! that a stored country code is real. Names come from the `isocountry` crate.

use isocountry::CountryCode;

/// One selectable country: its alpha-2 code and English name.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Country {
    pub code: &'static str,
    pub name: &'static str,
}

/// Every ISO 3166-1 country, sorted by name for the pickers.
pub fn all() -> Vec<Country> {
    let mut list: Vec<Country> = CountryCode::iter()
        .map(|c| Country {
            code: c.alpha2(),
            name: c.name(),
        })
        .collect();
    list.sort_by(|a, b| a.name.cmp(b.name));
    list
}

/// The canonical (upper-case) alpha-2 code, or `None` when `code` is not a country.
pub fn normalize(code: &str) -> Option<&'static str> {
    // ASCII upper case: Unicode's case tables would weigh on every page's wasm.
    CountryCode::for_alpha2(&code.trim().to_ascii_uppercase())
        .ok()
        .map(|c| c.alpha2())
}

/// The English name of a known code, or the code itself.
pub fn name(code: &str) -> &str {
    CountryCode::for_alpha2(&code.to_ascii_uppercase())
        .map(|c| c.name())
        .unwrap_or(code)
}

/// A known code's name in `lang`, a public page's language (en, de, es, fr, ja, sv; the
/// Unicode CLDR's names); English in any other; the code itself when unknown.
pub fn name_in<'a>(code: &'a str, lang: &str) -> &'a str {
    use super::country_names::{LANGUAGES, NAMES};
    let Some(canonical) = normalize(code) else {
        return code;
    };
    LANGUAGES
        .iter()
        .position(|l| *l == lang)
        .and_then(|column| {
            NAMES
                .binary_search_by_key(&canonical, |(c, _)| c)
                .ok()
                .map(|row| NAMES[row].1[column])
        })
        .unwrap_or_else(|| name(canonical))
}

/// The address of a country's flag image (served by drem from `public/flags`): two
/// letters name a file, nothing else does. No table: flags show on every public page.
pub fn flag_url(code: &str) -> Option<String> {
    (code.len() == 2 && code.bytes().all(|b| b.is_ascii_alphabetic()))
        .then(|| format!("/flags/{}.svg", code.to_ascii_uppercase()))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn codes_are_checked_and_normalized() {
        assert_eq!(normalize("se"), Some("SE"));
        assert_eq!(normalize(" US "), Some("US"));
        assert_eq!(normalize("XX"), None);
        assert_eq!(normalize(""), None);
    }

    #[test]
    fn names_in_the_public_pages_languages() {
        assert_eq!(name_in("se", "de"), "Schweden");
        assert_eq!(name_in("SE", "ja"), "スウェーデン");
        assert_eq!(name_in("GB", "fr"), "Royaume-Uni");
        assert_eq!(name_in("SE", "en"), name("SE"));
        assert_eq!(
            name_in("SE", "pt"),
            name("SE"),
            "English for another language"
        );
        assert_eq!(name_in("XX", "de"), "XX");
        // Every code has a name in every language, and the table is sorted for lookup.
        let table = super::super::country_names::NAMES;
        assert!(table.windows(2).all(|w| w[0].0 < w[1].0));
        for country in all() {
            assert!(
                table
                    .binary_search_by_key(&country.code, |(c, _)| c)
                    .is_ok(),
                "{}",
                country.code
            );
        }
    }

    #[test]
    fn list_is_complete_and_sorted() {
        let list = all();
        assert!(list.len() >= 249);
        assert!(list.windows(2).all(|w| w[0].name <= w[1].name));
        assert_eq!(name("DE"), "Germany");
    }

    #[test]
    fn every_country_has_a_flag_image() {
        let dir = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("../public");
        for country in all() {
            let url = flag_url(country.code).unwrap_or_default();
            assert!(
                dir.join(url.trim_start_matches('/')).is_file(),
                "no flag for {}",
                country.name
            );
        }
        assert_eq!(flag_url("se").as_deref(), Some("/flags/SE.svg"));
        assert_eq!(flag_url("../x"), None);
        assert_eq!(flag_url("S/"), None);
    }
}
