//! Finding a racer from what staff type: the best match first, so the racer Enter
//! takes is the one meant (typing "walkup_wim" must not race walkup_zoe because she
//! signed up later).

use super::names::lowercase;
use std::cmp::Ordering;

/// How well a racer's names match the search: exact before prefix before contains.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
enum Fit {
    Exact,
    Prefix,
    Contains,
    /// Matched elsewhere (the email address, for staff who may see it).
    Other,
}

fn fit(query: &str, username: &str, display_name: Option<&str>) -> Fit {
    let names = [Some(username), display_name].into_iter().flatten();
    names
        .map(|name| {
            let name = lowercase(name);
            if name == query {
                Fit::Exact
            } else if name.starts_with(query) {
                Fit::Prefix
            } else if name.contains(query) {
                Fit::Contains
            } else {
                Fit::Other
            }
        })
        .min()
        .unwrap_or(Fit::Other)
}

/// Orders `racers` for the search `query`: exact username or display name first, then
/// those starting with it, then those containing it; ties alphabetical by the name
/// shown (display name, else username), then username. `names` gives a racer's
/// username and display name. An empty search keeps the given order.
pub fn rank<T>(query: &str, racers: &mut [T], names: impl Fn(&T) -> (&str, Option<&str>)) {
    let query = lowercase(query.trim());
    if query.is_empty() {
        return;
    }
    let key = |racer: &T| {
        let (username, display_name) = names(racer);
        let shown = lowercase(display_name.unwrap_or(username));
        (
            fit(&query, username, display_name),
            shown,
            lowercase(username),
        )
    };
    racers.sort_by(|a, b| key(a).partial_cmp(&key(b)).unwrap_or(Ordering::Equal));
}

#[cfg(test)]
mod tests {
    use super::*;

    fn ranked(query: &str, racers: &[(&str, Option<&str>)]) -> Vec<String> {
        let mut list = racers.to_vec();
        rank(query, &mut list, |r| (r.0, r.1));
        list.into_iter().map(|r| r.0.to_string()).collect()
    }

    #[test]
    fn exact_before_prefix_before_contains_then_alphabetical() {
        // Newest first, as storage lists them.
        let racers = [
            ("walkup_zoe", None),
            ("my_walkup", None),
            ("walkup_wim", None),
            ("walkup", Some("Anna")),
            ("bo", Some("Walkup Bo")),
        ];
        assert_eq!(
            ranked("walkup", &racers),
            ["walkup", "bo", "walkup_wim", "walkup_zoe", "my_walkup"]
        );
        assert_eq!(ranked("Walkup_Wim", &racers)[0], "walkup_wim");
        assert_eq!(ranked("anna", &racers)[0], "walkup", "display name, exact");
    }

    #[test]
    fn an_empty_search_keeps_the_order() {
        let racers = [("b", None), ("a", None)];
        assert_eq!(ranked("  ", &racers), ["b", "a"]);
    }
}
