//! Local ticking between server answers: the browser's monotonic clock
//! (`components::local_clock`) and the server's race-clock time carried by each race
//! snapshot.

use crate::wire::LiveRace;

/// A race snapshot and when (on the local clock) it arrived, to tick from.
#[derive(Clone)]
pub struct Received {
    pub live: LiveRace,
    pub at_local_ms: f64,
}

impl Received {
    pub fn server_now(&self, local_now: f64) -> u64 {
        self.live.server_now_ms + (local_now - self.at_local_ms).max(0.0) as u64
    }
}

/// Follows `/live/tracks/TRACK` until the calling component is cleaned up: `on_race`
/// gets every race the server sends (`None`: no open race), `on_kit` hears that a
/// timer, car or fleet changed, `on_event` that the event's rules, titles or results
/// did, `live` says whether the stream is connected. The
/// browser reconnects by itself, and the server sends the stored race first on every
/// connection, so a page catches up after a drop.
#[cfg(feature = "hydrate")]
pub fn follow_track(
    track: &crate::wire::TrackId,
    live: leptos::prelude::RwSignal<bool>,
    on_race: impl Fn(Option<LiveRace>) + 'static,
    on_kit: impl Fn() + 'static,
    on_event: impl Fn() + 'static,
) {
    let url = format!("/live/tracks/{}", track.0);
    let race = move |text: String| {
        if let Ok(race) = serde_json::from_str::<Option<LiveRace>>(&text) {
            on_race(race);
        }
    };
    crate::components::live_source::follow_each(
        &url,
        live,
        vec![
            ("race", Box::new(race)),
            ("kit", Box::new(move |_| on_kit())),
            ("event", Box::new(move |_| on_event())),
        ],
    );
}
