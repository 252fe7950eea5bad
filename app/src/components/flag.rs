//! A country's flag as an image served by drem (no internet needed at the venue),
//! named for screen readers; nothing for an unknown or empty country.

use crate::domain::countries;
use leptos::prelude::*;

#[component]
pub fn Flag(#[prop(into)] country: String) -> impl IntoView {
    countries::flag_url(&country).map(|src| {
        let name = countries::name(&country).to_string();
        view! { <img class="flag" src=src alt=name.clone() title=name width="24" height="16" /> }
    })
}
