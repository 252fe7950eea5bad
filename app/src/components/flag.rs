//! A country's flag as an image served by drem (no internet needed at the venue),
//! named for screen readers in the page's language; nothing for an unknown or empty
//! country.

use crate::domain::countries;
use leptos::prelude::*;
use leptos_i18n::Locale as _;

#[component]
pub fn Flag(#[prop(into)] country: String) -> impl IntoView {
    // Named in the page's language on public pages (English elsewhere).
    let lang = use_context::<leptos_i18n::I18nContext<crate::i18n::Locale>>()
        .map_or("en", |i18n| i18n.get_locale_untracked().as_str());
    countries::flag_url(&country).map(|src| {
        let name = countries::name_in(&country, lang).to_string();
        view! { <img class="flag" src=src alt=name.clone() title=name width="24" height="16" /> }
    })
}
