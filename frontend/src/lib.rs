#![recursion_limit = "256"]
//! The browser entry: hydrates the server-rendered page into the live app.

use wasm_bindgen::prelude::wasm_bindgen;

/// Called by the generated JS once the wasm module has loaded.
#[wasm_bindgen]
pub fn hydrate() {
    console_error_panic_hook::set_once();
    // As `leptos::mount::hydrate_lazy` (a page's code, but the board's, is loaded when
    // first visited: `app::lazy_routes`), then marks the body hydrated once the page's own
    // code has arrived too: browser tests wait for that before they click.
    wasm_bindgen_futures::spawn_local(async {
        let Some(body) = leptos::prelude::document().body() else {
            return;
        };
        leptos::mount::hydrate_from_async(body.clone(), app::App)
            .await
            .forget();
        let _ = body.set_attribute("data-hydrated", "true");
    });
}
