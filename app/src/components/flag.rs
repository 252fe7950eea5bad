//! A country's flag as an image served by drem (no internet needed at the venue),
//! named for screen readers in the page's language; nothing for an empty country.
//! The names come from the server with the page (`country_names`, those of the
//! countries racers name): the browser's wasm carries no country table.

use crate::domain::countries;
use crate::error::AppError;
use crate::i18n_page::locale_from_query;
use crate::leaderboard::api::country_names_in;
use crate::wire::CountryNames;
use leptos::prelude::*;
use leptos_i18n::Locale as _;

/// The country names of the page's `?lang=`, loaded with the page (await it beside
/// the page's data; unknown names show no flag).
pub fn use_country_names() -> Resource<Result<CountryNames, AppError>> {
    let locale = locale_from_query();
    Resource::new(
        move || locale.get(),
        |locale| country_names_in(locale.as_str().to_string()),
    )
}

/// `name`: the country's name in the page's language; without it (a country first
/// named after the page loaded) the flag is named by its code.
#[component]
pub fn Flag(#[prop(into)] country: String, name: Option<String>) -> impl IntoView {
    countries::flag_url(&country).map(|src| {
        let name = name.unwrap_or_else(|| country.to_ascii_uppercase());
        view! { <img class="flag" src=src alt=name.clone() title=name width="24" height="16" /> }
    })
}
