//! The language of a public page: `?lang=de` (also `de-AT`, `DE`), English without
//! one. Only the URL decides, on the server and in the browser alike, so the page a
//! server renders in German hydrates in German; no cookie, no header.

use crate::domain::rules::Ranking;
use crate::i18n::*;
use leptos::prelude::*;
use leptos_meta::Html;
use leptos_router::hooks::{use_location, use_query_map};

/// The locale `?lang=` asks for; English when missing or unknown.
pub fn locale_from_query() -> Signal<Locale> {
    let query = use_query_map();
    Signal::derive(move || {
        query
            .read()
            .get("lang")
            .map(|l| Locale::find_locale(&[l.trim()]))
            .unwrap_or_default()
    })
}

/// The document's language (`<html lang>`, which screen readers and the browser's
/// choice of fonts follow): a public page's `?lang=`, English on every other page.
#[component]
pub fn DocumentLang() -> impl IntoView {
    let location = use_location();
    let locale = locale_from_query();
    let lang = move || {
        let path = location.pathname.get();
        let public = path.starts_with("/events/")
            && ["/leaderboard", "/landing", "/overlay"]
                .iter()
                .any(|page| path.ends_with(page));
        if public {
            locale.get().as_str()
        } else {
            "en"
        }
    };
    view! { <Html {..} lang=lang /> }
}

/// Wraps a public page in the translations of its `?lang=`.
#[component]
pub fn PublicI18n(children: Children) -> impl IntoView {
    let locale = locale_from_query();
    view! {
        <I18nSubContextProvider initial_locale=locale>
            <div class="i18n-root">
                {children()}
            </div>
        </I18nSubContextProvider>
    }
}

/// The ranking method, in the page's language.
pub fn ranking_text(ranking: Ranking) -> impl IntoView {
    let i18n = use_i18n();
    match ranking {
        Ranking::BestLap => view! { {t!(i18n, ranking_best_lap)} }.into_any(),
        Ranking::BestAverage { laps } => {
            view! { {t!(i18n, ranking_best_average, laps = laps)} }.into_any()
        }
        Ranking::LapCount { laps } => {
            view! { {t!(i18n, ranking_lap_count, laps = laps)} }.into_any()
        }
    }
}

/// The race length and resets allowed, in the page's language ("2:00 per race · at
/// most 3 resets per lap"); nothing when neither is limited.
pub fn rules_text(race_time_ms: Option<u64>, resets_per_lap: Option<u32>) -> impl IntoView {
    let i18n = use_i18n();
    let time = race_time_ms.map(|ms| format!("{}:{:02}", ms / 60_000, (ms / 1000) % 60));
    let both = time.is_some() && resets_per_lap.is_some();
    view! {
        {time.map(|time| view! { {t!(i18n, race_time, time = time.clone())} })}
        {both.then_some(" · ")}
        {resets_per_lap.map(|resets| view! { {t!(i18n, resets_per_lap, resets = resets)} })}
    }
}

/// "Up 2 since the last race" / "Down 1 …", in the page's language.
pub fn moved_text(places: i64) -> impl IntoView {
    let i18n = use_i18n();
    let count = places.unsigned_abs();
    if places > 0 {
        view! { {t!(i18n, moved_up, places = count)} }.into_any()
    } else {
        view! { {t!(i18n, moved_down, places = count)} }.into_any()
    }
}
