//! Following one of drem's server-sent event streams (`/live/...`) with the browser's
//! EventSource: it reconnects by itself, `live` tells whether it is connected, and the
//! data of every message named `event` goes to `on_data`. Closed when the calling
//! component is cleaned up. Every stream starts with a snapshot (or "load again"), so a
//! page that reconnects catches up.
//!
//! Written on web-sys rather than taken from a library: leptos-use's `use_event_source`
//! keeps only the latest message in a signal (two board deltas arriving in one tick
//! would lose the first, and each must be applied in order) and retries at a fixed
//! interval; gloo-net's wraps the same browser object as streams but does
//! not reopen one the browser gave up on, and adds its channels to the public bundle.

use leptos::prelude::*;

/// A handler for one event name of a stream: it gets each message's data.
#[cfg(feature = "hydrate")]
pub type OnEvent<'a> = (&'a str, Box<dyn Fn(String)>);

#[cfg(feature = "hydrate")]
pub fn follow(url: &str, event: &str, live: RwSignal<bool>, on_data: impl Fn(String) + 'static) {
    follow_each(url, live, vec![(event, Box::new(on_data))]);
}

/// Like `follow`, with a handler for each of several event names on one stream (a
/// browser allows only a few open streams per site, so a page keeps to one).
#[cfg(feature = "hydrate")]
pub fn follow_each(url: &str, live: RwSignal<bool>, handlers: Vec<OnEvent<'_>>) {
    let stream = std::rc::Rc::new(reopen::Stream::new(url, live, handlers));
    reopen::Stream::open(&stream);
    let stream = StoredValue::new_local(stream);
    on_cleanup(move || stream.with_value(|s| s.stop()));
}

/// The browser reconnects an EventSource by itself after a network drop, but gives up
/// for good when a reconnect is answered with an HTTP error (a proxy's 502 while drem
/// restarts, say). A big screen must not stay dead: then the stream is opened anew,
/// waiting longer each time (up to `LONGEST_WAIT_MS`).
#[cfg(feature = "hydrate")]
mod reopen {
    use leptos::prelude::*;
    use leptos::wasm_bindgen::{closure::Closure, JsCast};
    use leptos::web_sys::{Event, EventSource, MessageEvent};
    use std::cell::{Cell, RefCell};
    use std::rc::Rc;
    use std::time::Duration;

    const FIRST_WAIT_MS: u64 = 1_000;
    const LONGEST_WAIT_MS: u64 = 30_000;

    type Handler = Rc<dyn Fn(String)>;
    /// An open source and the callbacks it holds (dropped only after it is closed).
    type Open = (EventSource, Vec<Closure<dyn FnMut(Event)>>);

    pub struct Stream {
        url: String,
        live: RwSignal<bool>,
        handlers: Vec<(String, Handler)>,
        current: RefCell<Option<Open>>,
        wait_ms: Cell<u64>,
        stopped: Cell<bool>,
    }

    impl Stream {
        pub fn new(url: &str, live: RwSignal<bool>, handlers: Vec<super::OnEvent<'_>>) -> Self {
            Self {
                url: url.to_string(),
                live,
                handlers: handlers
                    .into_iter()
                    .map(|(event, on_data)| (event.to_string(), Handler::from(on_data)))
                    .collect(),
                current: RefCell::new(None),
                wait_ms: Cell::new(FIRST_WAIT_MS),
                stopped: Cell::new(false),
            }
        }

        pub fn open(this: &Rc<Self>) {
            if this.stopped.get() {
                return;
            }
            this.close();
            let Ok(source) = EventSource::new(&this.url) else {
                Self::open_later(this);
                return;
            };
            let live = this.live;
            let mut callbacks = Vec::new();
            for (event, on_data) in &this.handlers {
                let on_data = Rc::clone(on_data);
                let on_message = Closure::<dyn FnMut(Event)>::new(move |ev: Event| {
                    live.set(true);
                    let text = ev
                        .dyn_into::<MessageEvent>()
                        .ok()
                        .and_then(|m| m.data().as_string());
                    if let Some(text) = text {
                        on_data(text);
                    }
                });
                let _ = source
                    .add_event_listener_with_callback(event, on_message.as_ref().unchecked_ref());
                callbacks.push(on_message);
            }
            let opened = Rc::downgrade(this);
            let on_open = Closure::<dyn FnMut(Event)>::new(move |_| {
                if let Some(stream) = opened.upgrade() {
                    stream.live.set(true);
                    stream.wait_ms.set(FIRST_WAIT_MS);
                }
            });
            let failed = Rc::downgrade(this);
            let on_error = Closure::<dyn FnMut(Event)>::new(move |_| {
                let Some(stream) = failed.upgrade() else {
                    return;
                };
                stream.live.set(false);
                let given_up = stream
                    .current
                    .borrow()
                    .as_ref()
                    .is_some_and(|(s, _)| s.ready_state() == EventSource::CLOSED);
                if given_up {
                    Self::open_later(&stream);
                }
            });
            source.set_onopen(Some(on_open.as_ref().unchecked_ref()));
            source.set_onerror(Some(on_error.as_ref().unchecked_ref()));
            callbacks.push(on_open);
            callbacks.push(on_error);
            *this.current.borrow_mut() = Some((source, callbacks));
        }

        fn open_later(this: &Rc<Self>) {
            let wait = this.wait_ms.get();
            this.wait_ms.set((wait * 2).min(LONGEST_WAIT_MS));
            let again = Rc::downgrade(this);
            set_timeout(
                move || {
                    if let Some(stream) = again.upgrade() {
                        Self::open(&stream);
                    }
                },
                Duration::from_millis(wait),
            );
        }

        fn close(&self) {
            if let Some((source, _callbacks)) = self.current.borrow_mut().take() {
                source.close();
            }
        }

        /// Closes the stream for good (the page that followed it is gone).
        pub fn stop(&self) {
            self.stopped.set(true);
            self.close();
        }
    }
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
