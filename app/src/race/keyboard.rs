//! The race control's keyboard in the browser: which presses count (no repeats while
//! held, no modifier keys, nothing typed into a field) and what they ask for, from the
//! table in `keys.rs`.

use super::keys::{action_for, KeyAction};
use crate::domain::race::{Command, RaceState};
use leptos::prelude::*;
use leptos::wasm_bindgen::JsCast;

/// The race keys' listeners, removed together.
pub struct Listening([WindowListenerHandle; 2]);

impl Listening {
    pub fn remove(self) {
        for handle in self.0 {
            handle.remove();
        }
    }
}

/// Listens for the race keys until `on_cleanup` removes the returned handle. `state` is
/// the race's state now (`None`: no race); `to_command` turns what a key asks for into
/// the command to send, if any, which then goes to `send`.
pub fn listen(
    state: Memo<Option<RaceState>>,
    to_command: impl Fn(KeyAction) -> Option<Command> + 'static,
    send: impl Fn(Command) + 'static,
) -> Listening {
    // A select keeps the focus after a choice (the fleet, the car), and keys typed into
    // a field are the field's: once chosen, it lets go, so the next key is the race's.
    let chosen = window_event_listener(leptos::ev::change, |ev| {
        let select = ev
            .target()
            .and_then(|t| t.dyn_into::<leptos::web_sys::HtmlElement>().ok())
            .filter(|el| el.tag_name() == "SELECT");
        if let Some(select) = select {
            let _ = select.blur();
        }
    });
    let pressed = window_event_listener(leptos::ev::keydown, move |ev| {
        if ev.repeat() || ev.ctrl_key() || ev.meta_key() || ev.alt_key() {
            return;
        }
        let in_field = ev
            .target()
            .and_then(|t| t.dyn_into::<leptos::web_sys::Element>().ok())
            .is_some_and(|el| matches!(el.tag_name().as_str(), "INPUT" | "SELECT" | "TEXTAREA"));
        if in_field {
            return;
        }
        let Some(current) = state.get_untracked() else {
            return;
        };
        let Some(cmd) = action_for(&ev.key(), current).and_then(&to_command) else {
            return;
        };
        ev.prevent_default();
        // A focused button would also act on the key's release: drop focus.
        if let Some(el) = document().active_element() {
            if let Ok(el) = el.dyn_into::<leptos::web_sys::HtmlElement>() {
                let _ = el.blur();
            }
        }
        send(cmd);
    });
    Listening([chosen, pressed])
}
