//! A link to hand on (an OBS source, a page for the hall): the whole address in a
//! read-only box and a Copy button. The copy works on plain `http://` too (a venue
//! laptop has no certificate), where the browser's clipboard API is not offered.

use leptos::prelude::*;

#[component]
pub fn CopyLink(label: String, url: String) -> impl IntoView {
    let input = NodeRef::<leptos::html::Input>::new();
    let copied = RwSignal::new(false);
    let copy = move |_| {
        let Some(input) = input.get() else {
            return;
        };
        input.select();
        #[cfg(feature = "hydrate")]
        {
            use leptos::wasm_bindgen::JsCast;
            let done = document()
                .dyn_into::<leptos::web_sys::HtmlDocument>()
                .ok()
                .and_then(|d| d.exec_command("copy").ok())
                .unwrap_or(false);
            copied.set(done);
        }
        #[cfg(not(feature = "hydrate"))]
        copied.set(false);
    };
    let select_all = move |_| {
        if let Some(input) = input.get() {
            input.select();
        }
    };
    let id = format!(
        "link-{}",
        label
            .to_ascii_lowercase()
            .replace(|c: char| !c.is_ascii_alphanumeric(), "-")
    );
    view! {
        <div class="copy-link">
            <label for=id.clone()>{label.clone()}</label>
            <div class="copy-row">
                <input id=id type="text" readonly=true value=url.clone() node_ref=input on:focus=select_all />
                <button type="button" class="button small" on:click=copy
                    aria-label=format!("Copy {label}")>
                    {move || if copied.get() { "Copied" } else { "Copy" }}
                </button>
                <a class="button small" href=url target="_blank" rel="noopener">"Open"</a>
            </div>
        </div>
    }
}
