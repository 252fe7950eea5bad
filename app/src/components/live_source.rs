//! Following one of drem's server-sent event streams (`/live/...`) with the browser's
//! EventSource: it reconnects by itself, `live` tells whether it is connected, and the
//! data of every message named `event` goes to `on_data`. Closed when the calling
//! component is cleaned up. Every stream starts with a snapshot (or "load again"), so a
//! page that reconnects catches up.

use leptos::prelude::*;

#[cfg(feature = "hydrate")]
pub fn follow(url: &str, event: &str, live: RwSignal<bool>, on_data: impl Fn(String) + 'static) {
    follow_each(url, live, vec![(event, Box::new(on_data))]);
}

/// Like `follow`, with a handler for each of several event names on one stream (a
/// browser allows only a few open streams per site, so a page keeps to one).
#[cfg(feature = "hydrate")]
pub fn follow_each(url: &str, live: RwSignal<bool>, handlers: Vec<(&str, Box<dyn Fn(String)>)>) {
    use leptos::wasm_bindgen::{closure::Closure, JsCast};
    use leptos::web_sys::{Event, EventSource, MessageEvent};

    let Ok(source) = EventSource::new(url) else {
        return;
    };
    for (event, on_data) in handlers {
        let on_message = Closure::<dyn FnMut(MessageEvent)>::new(move |ev: MessageEvent| {
            live.set(true);
            if let Some(text) = ev.data().as_string() {
                on_data(text);
            }
        });
        let _ = source.add_event_listener_with_callback(event, on_message.as_ref().unchecked_ref());
        // Lives as long as the page; the source is closed on cleanup, after which it is
        // never called again.
        on_message.forget();
    }
    let on_open = Closure::<dyn FnMut(Event)>::new(move |_| live.set(true));
    let on_error = Closure::<dyn FnMut(Event)>::new(move |_| live.set(false));
    source.set_onopen(Some(on_open.as_ref().unchecked_ref()));
    source.set_onerror(Some(on_error.as_ref().unchecked_ref()));
    on_open.forget();
    on_error.forget();
    let source = StoredValue::new_local(source);
    on_cleanup(move || source.with_value(|s| s.close()));
}

/// On the server there is nothing to follow.
#[cfg(not(feature = "hydrate"))]
pub fn follow(
    _url: &str,
    _event: &str,
    _live: RwSignal<bool>,
    _on_data: impl Fn(String) + 'static,
) {
}

/// Bumps `version` whenever the stream at `url` says its `event` changed (and once on
/// connecting): a resource keyed on it loads again.
pub fn reload_on(url: &'static str, event: &'static str, version: RwSignal<u32>) {
    Effect::new(move || {
        follow(url, event, RwSignal::new(false), move |_| {
            version.update(|v| *v += 1)
        });
    });
}
