#![recursion_limit = "256"]
//! The browser entry: hydrates the server-rendered page into the live app.

use wasm_bindgen::prelude::wasm_bindgen;

/// Called by the generated JS once the wasm module has loaded.
#[wasm_bindgen]
pub fn hydrate() {
    console_error_panic_hook::set_once();
    leptos::mount::hydrate_body(app::App);
}
