//! A choice kept in the URL (`PAGE?KEY=ID`), so a refresh or a shared link keeps it:
//! the event or track a staff page works on.

use leptos::prelude::*;
use leptos_router::hooks::use_navigate;

/// A labelled select of `options` (value, text); choosing one goes to `{page}?{key}=value`.
#[component]
pub fn UrlChoice(
    /// The select's id.
    id: &'static str,
    label: &'static str,
    /// The first, empty option's text.
    placeholder: &'static str,
    page: &'static str,
    key: &'static str,
    /// The value chosen now, if any.
    current: Option<String>,
    options: Vec<(String, String)>,
) -> impl IntoView {
    let navigate = use_navigate();
    let nothing_chosen = current.is_none();
    let options = options
        .into_iter()
        .map(|(value, text)| {
            let selected = current.as_ref() == Some(&value);
            view! { <option value=value selected=selected>{text}</option> }
        })
        .collect_view();
    view! {
        <div class="field track-picker">
            <label for=id>{label}</label>
            <select id=id on:change=move |ev| {
                navigate(&format!("{page}?{key}={}", event_target_value(&ev)), Default::default());
            }>
                <option value="" selected=nothing_chosen>{placeholder}</option>
                {options}
            </select>
        </div>
    }
}
