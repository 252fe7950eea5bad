//! A list's filter: a labelled select whose first option shows everything.

use leptos::prelude::*;

/// Sets `chosen` to the picked option's value (`""`: the `all` option, no filter).
#[component]
pub fn FilterSelect(
    id: &'static str,
    label: &'static str,
    /// The first option's text: what shows when nothing is picked.
    all: &'static str,
    /// (value, text) of each option after it.
    options: Vec<(String, String)>,
    chosen: RwSignal<String>,
) -> impl IntoView {
    view! {
        <label for=id>{label}</label>
        <select id=id on:change=move |ev| chosen.set(event_target_value(&ev))>
            <option value="">{all}</option>
            {options
                .into_iter()
                .map(|(value, text)| view! { <option value=value>{text}</option> })
                .collect_view()}
        </select>
    }
}
