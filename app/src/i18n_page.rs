//! The language of a public page: `?lang=de` (also `de-AT`, `DE`), English without
//! one. Only the URL decides, on the server and in the browser alike, so the page a
//! server renders in German hydrates in German; no cookie, no header.

use crate::domain::rules::Ranking;
use crate::i18n::*;
use leptos::prelude::*;
use leptos_router::hooks::use_query_map;

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

/// Wraps a public page in the translations of its `?lang=`.
#[component]
pub fn PublicI18n(children: Children) -> impl IntoView {
    let locale = locale_from_query();
    view! {
        <I18nSubContextProvider initial_locale=locale>
            <div lang=move || locale.get().as_str() class="i18n-root">
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
