//! A track's live stream, as the race manager follows it.

/// Follows `/live/tracks/TRACK` until the calling component is cleaned up: `on_race`
/// gets every race the server sends (`None`: no open race), `on_kit` hears that a
/// timer, car or fleet changed, `on_event` that the event's rules, titles or results
/// did, `on_queue` that the track's queue did, `live` says whether the stream is
/// connected. The
/// browser reconnects by itself, and the server sends the stored race first on every
/// connection, so a page catches up after a drop.
#[cfg(feature = "hydrate")]
pub fn follow_track(
    track: &crate::wire::TrackId,
    live: leptos::prelude::RwSignal<bool>,
    on_race: impl Fn(Option<crate::wire::LiveRace>) + 'static,
    on_kit: impl Fn() + 'static,
    on_event: impl Fn() + 'static,
    on_queue: impl Fn() + 'static,
) {
    let url = format!("/live/tracks/{}", track.0);
    let race = move |text: String| {
        if let Ok(race) = serde_json::from_str::<Option<crate::wire::LiveRace>>(&text) {
            on_race(race);
        }
    };
    super::source::follow_each(
        &url,
        live,
        vec![
            ("race", Box::new(race)),
            ("kit", Box::new(move |_| on_kit())),
            ("event", Box::new(move |_| on_event())),
            ("queue", Box::new(move |_| on_queue())),
        ],
    );
}
