//! Spoken call-outs of each lap ("Lap 3, 9.41 seconds") with the browser's speech
//! synthesis: a switch remembered per browser, and an effect that reads out laps as
//! they arrive. Used by the race manager and the commentator view.

use crate::domain::commentary::{lap_callout, TIME_UP};
use crate::domain::race::Lap;
use leptos::prelude::*;

/// Where the browser remembers the switch.
#[cfg(feature = "hydrate")]
const STORAGE_KEY: &str = "drem-callouts";

#[cfg(feature = "hydrate")]
fn storage() -> Option<leptos::web_sys::Storage> {
    window().local_storage().ok().flatten()
}

#[cfg(feature = "hydrate")]
fn speak(text: &str) {
    let Ok(synth) = window().speech_synthesis() else {
        return;
    };
    if let Ok(utterance) = leptos::web_sys::SpeechSynthesisUtterance::new_with_text(text) {
        utterance.set_lang("en");
        synth.speak(&utterance);
    }
}

#[cfg(not(feature = "hydrate"))]
fn speak(_text: &str) {}

/// The call-out switch, off until turned on (then remembered in this browser).
#[component]
pub fn CalloutSwitch(enabled: RwSignal<bool>) -> impl IntoView {
    Effect::new(move || {
        #[cfg(feature = "hydrate")]
        if let Some(s) = storage() {
            if s.get_item(STORAGE_KEY).ok().flatten().as_deref() == Some("on") {
                enabled.set(true);
            }
        }
    });
    let toggle = move |ev: leptos::ev::Event| {
        let on = event_target_checked(&ev);
        enabled.set(on);
        // Give the keyboard back to the page: the race manager's Space must start the
        // race, not toggle this box again.
        if let Some(input) = ev.target().and_then(|t| {
            leptos::wasm_bindgen::JsCast::dyn_into::<leptos::web_sys::HtmlElement>(t).ok()
        }) {
            let _ = input.blur();
        }
        #[cfg(feature = "hydrate")]
        if let Some(s) = storage() {
            let _ = s.set_item(STORAGE_KEY, if on { "on" } else { "off" });
        }
    };
    view! {
        <label class="callout-switch">
            <input type="checkbox" prop:checked=move || enabled.get() on:change=toggle />
            " Speak each lap"
        </label>
    }
}

/// Reads out the laps of `race` (a key naming the race, and its laps) that arrive
/// while `enabled`. Laps already there when a race first shows are not read out; after
/// an undo, the lap that replaces the one taken back is read.
pub fn speak_new_laps(
    enabled: RwSignal<bool>,
    race: impl Fn() -> Option<(String, Vec<Lap>)> + Send + Sync + 'static,
) {
    let heard: StoredValue<Option<(String, Vec<Lap>)>> = StoredValue::new(None);
    Effect::new(move || {
        let current = race();
        let on = enabled.get();
        let before = heard.get_value();
        if let (true, Some((key, laps)), Some((old_key, old_laps))) = (on, &current, &before) {
            if key == old_key {
                for (i, lap) in laps.iter().enumerate().skip(old_laps.len()) {
                    speak(&lap_callout(i + 1, lap));
                }
            }
        }
        heard.set_value(current);
    });
}

/// Says "Time up: …" once when `time_up` turns true while `enabled` (a race whose time
/// ran out with its last lap under way).
pub fn speak_time_up(enabled: RwSignal<bool>, time_up: impl Fn() -> bool + Send + Sync + 'static) {
    let time_up = Memo::new(move |_| time_up());
    let was = StoredValue::new(time_up.get_untracked());
    Effect::new(move || {
        let now = time_up.get();
        if now && !was.get_value() && enabled.get_untracked() {
            speak(TIME_UP);
        }
        was.set_value(now);
    });
}
