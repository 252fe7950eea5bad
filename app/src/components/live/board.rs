//! What the leaderboard and the overlay share: the board from the server, kept current
//! by the event's live stream, and the on-track clocks ticking locally.

use crate::components::local_clock::local_ms;
use crate::domain::rules::BoardFormat;
use crate::error::AppError;
use crate::leaderboard::api::get_leaderboard;
use crate::wire::{EventId, Leaderboard, NextUp, OnTrack, TrackId};
use leptos::prelude::*;

/// A footer entry and when (on the local clock) it arrived, to tick from.
#[derive(Clone)]
pub struct Ticking {
    pub on_track: OnTrack,
    pub at_local_ms: f64,
}

impl Ticking {
    /// The server's race-clock time now, for this entry's race.
    pub fn server_now(&self, local_now: f64) -> u64 {
        self.on_track.server_now_ms + (local_now - self.at_local_ms).max(0.0) as u64
    }
}

/// Which tracks' race updates arrived since the board was last requested: the board's
/// read may be older than those.
#[derive(Default)]
pub struct Heard {
    updates: u64,
    requested_at: u64,
    last_update: std::collections::HashMap<TrackId, u64>,
}

impl Heard {
    fn note_request(&mut self) {
        self.requested_at = self.updates;
    }

    #[cfg_attr(not(any(feature = "hydrate", test)), allow(dead_code))]
    fn note_update(&mut self, track: &TrackId) {
        self.updates += 1;
        self.last_update.insert(track.clone(), self.updates);
    }

    fn heard_since_request(&self) -> Vec<TrackId> {
        self.last_update
            .iter()
            .filter(|(_, at)| **at > self.requested_at)
            .map(|(track, _)| track.clone())
            .collect()
    }
}

/// A live board: reloaded when results change, its on-track entries replaced as races
/// change, `now` ticking for the clocks, `live` telling whether the stream is up.
#[derive(Clone, Copy)]
pub struct LiveBoard {
    pub board: Resource<Result<Leaderboard, AppError>>,
    pub on_track: RwSignal<Vec<Ticking>>,
    /// Who is next up on the board's tracks (the first few of each queue).
    pub next_up: RwSignal<Vec<NextUp>>,
    pub live: RwSignal<bool>,
    pub now: RwSignal<f64>,
}

/// The board a public page's URL names: `/events/ID/...?track=…&format=…`, followed
/// live.
pub fn use_board_from_url() -> LiveBoard {
    use leptos_router::hooks::{use_params_map, use_query_map};
    let params = use_params_map();
    let query = use_query_map();
    let event = move || EventId(params.read().get("id").unwrap_or_default());
    let track = move || query.read().get("track").map(TrackId);
    let format = move || {
        query
            .read()
            .get("format")
            .and_then(|f| BoardFormat::parse(&f))
    };
    use_live_board(event, track, format)
}

/// Loads the board of `event` (one `track`, or all; ranked as the event says or by
/// `format`) and follows it live. The board is rendered on the server too.
pub fn use_live_board(
    event: impl Fn() -> EventId + Clone + Send + Sync + 'static,
    track: impl Fn() -> Option<TrackId> + Clone + Send + Sync + 'static,
    format: impl Fn() -> Option<BoardFormat> + Clone + Send + Sync + 'static,
) -> LiveBoard {
    let version = RwSignal::new(0u32);
    let heard = StoredValue::new(Heard::default());
    let (e, t, f) = (event.clone(), track.clone(), format.clone());
    let board = Resource::new(
        move || (e(), t(), f(), version.get()),
        move |(event, track, format, _)| {
            heard.update_value(Heard::note_request);
            get_leaderboard(event, track, format)
        },
    );
    let parts = follow_board(
        event,
        (track, format),
        version,
        heard,
        (move || board.get(), move |b| board.set(Some(Ok(b)))),
    );
    LiveBoard {
        board,
        on_track: parts.on_track,
        next_up: parts.next_up,
        live: parts.live,
        now: parts.now,
    }
}

/// Who is on `track` of `event`, followed live, loaded in the browser only: for a page
/// that shows it inside a part loaded first (the commentator's), where a server-side
/// resource could take another place in the page's serialized data than in the
/// browser (see `RacerPicker`).
pub fn use_live_track(
    event: impl Fn() -> EventId + Clone + Send + Sync + 'static,
    track: TrackId,
) -> LiveParts {
    use_live_board_in_browser(event, Some(track)).1
}

/// The board of `event` (one `track`'s, or all tracks' with `None`) and its live
/// parts, loaded in the browser only (as `use_live_track`).
pub fn use_live_board_in_browser(
    event: impl Fn() -> EventId + Clone + Send + Sync + 'static,
    track: Option<TrackId>,
) -> (LocalResource<Result<Leaderboard, AppError>>, LiveParts) {
    let version = RwSignal::new(0u32);
    let heard = StoredValue::new(Heard::default());
    let (e, t) = (event.clone(), track.clone());
    let board = LocalResource::new(move || {
        let (event, track) = (e(), t.clone());
        let _ = version.get();
        heard.update_value(Heard::note_request);
        get_leaderboard(event, track, None)
    });
    let parts = follow_board(
        event,
        (move || track.clone(), || None),
        version,
        heard,
        (move || board.get(), move |b| board.set(Some(Ok(b)))),
    );
    (board, parts)
}

/// The live parts of a board: who is on track, whether the stream is up, the clock.
#[derive(Clone, Copy)]
pub struct LiveParts {
    pub on_track: RwSignal<Vec<Ticking>>,
    pub next_up: RwSignal<Vec<NextUp>>,
    pub live: RwSignal<bool>,
    pub now: RwSignal<f64>,
    /// Bumped whenever the board is loaded again (something may have been missed).
    pub version: RwSignal<u32>,
    /// Bumped whenever the results change (a new board, pushed or loaded again).
    pub results: RwSignal<u32>,
}

/// Keeps the on-track entries of the board `latest` gives, follows the board's stream
/// (`board` is the page's `track` and `format`; a pushed board goes to `set`, and
/// `version` is bumped to load the board again) and ticks the clock.
fn follow_board<F, S>(
    event: impl Fn() -> EventId + Clone + Send + Sync + 'static,
    board: (
        impl Fn() -> Option<TrackId> + Clone + Send + Sync + 'static,
        impl Fn() -> Option<BoardFormat> + Clone + Send + Sync + 'static,
    ),
    version: RwSignal<u32>,
    heard: StoredValue<Heard>,
    (latest, set): (F, S),
) -> LiveParts
where
    F: Fn() -> Option<Result<Leaderboard, AppError>> + Clone + 'static,
    S: Fn(Leaderboard) + Clone + 'static,
{
    let (track, format) = board;
    let on_track: RwSignal<Vec<Ticking>> = RwSignal::new(Vec::new());
    let next_up: RwSignal<Vec<NextUp>> = RwSignal::new(Vec::new());
    let live = RwSignal::new(false);
    let now = RwSignal::new(0.0f64);
    // A pushed board of new standings leaves who is on track as it is.
    let standings_only = StoredValue::new(false);
    let results = RwSignal::new(0u32);
    let first_latest = latest.clone();
    Effect::new(move || {
        let latest = &first_latest;
        if let Some(Ok(b)) = latest() {
            if standings_only.get_value() {
                standings_only.set_value(false);
                return;
            }
            next_up.set(b.next_up.clone());
            let at = local_ms();
            let fresher = heard.with_value(Heard::heard_since_request);
            on_track.update(|list| {
                // A race update that came while the board loaded may be newer than what
                // the board read: it stays, and the board fills in the other tracks.
                list.retain(|t| fresher.contains(&t.on_track.track));
                list.extend(
                    b.on_track
                        .into_iter()
                        .filter(|o| !fresher.contains(&o.track))
                        .map(|on_track| Ticking {
                            on_track,
                            at_local_ms: at,
                        }),
                );
            });
        }
    });
    Effect::new(move || {
        let tick = set_interval_with_handle(
            move || now.set(local_ms()),
            std::time::Duration::from_millis(100),
        );
        #[cfg(feature = "hydrate")]
        {
            let shown = Shown {
                track: track(),
                format: format(),
                // Untracked: a new board must not open the stream again.
                version: StoredValue::new(
                    untrack(&latest)
                        .and_then(Result::ok)
                        .map_or(0, |b| b.version),
                ),
            };
            let set = set.clone();
            let latest = latest.clone();
            let held = move || untrack(&latest).and_then(Result::ok);
            let apply = move |board: Leaderboard, snapshot: bool| {
                results.update(|r| *r += 1);
                if snapshot {
                    heard.update_value(Heard::note_request);
                } else {
                    standings_only.set_value(true);
                }
                set(board);
            };
            follow_event(
                &event(),
                shown,
                live,
                version,
                (on_track, next_up),
                heard,
                (held, apply),
            );
        }
        #[cfg(not(feature = "hydrate"))]
        let _ = (
            &event,
            &track,
            &format,
            version,
            heard,
            &set,
            standings_only,
        );
        on_cleanup(move || {
            if let Ok(t) = tick {
                t.clear();
            }
        });
    });
    LiveParts {
        on_track,
        next_up,
        live,
        now,
        version,
        results,
    }
}

/// The board a page shows, and the version of the results it shows now.
#[cfg(feature = "hydrate")]
struct Shown {
    track: Option<TrackId>,
    format: Option<BoardFormat>,
    version: StoredValue<u64>,
}

/// Follows `/live/events/EVENT?track=…&format=…`: the board (computed once for all
/// its viewers) replaces the page's when newer, or its delta turns the board `held`
/// into the new one (loaded whole if the page holds another version); a race update
/// replaces that track's footer entry; `reload` (after a drop it could not follow)
/// loads the board again.
/// The browser reconnects by itself, and every connection starts with the board and
/// who is on track, so a page catches up after a drop.
#[cfg(feature = "hydrate")]
fn follow_event(
    event: &EventId,
    shown: Shown,
    live: RwSignal<bool>,
    version: RwSignal<u32>,
    (on_track, next_up): (RwSignal<Vec<Ticking>>, RwSignal<Vec<NextUp>>),
    heard: StoredValue<Heard>,
    (held, apply): (
        impl Fn() -> Option<Leaderboard> + 'static,
        impl Fn(Leaderboard, bool) + 'static,
    ),
) {
    use crate::wire::PublicUpdate;
    let mut url = format!("/live/events/{}", event.0);
    let mut query = Vec::new();
    if let Some(track) = &shown.track {
        query.push(format!("track={}", track.0));
    }
    if let Some(format) = shown.format {
        query.push(format!("format={}", format.as_str()));
    }
    if !query.is_empty() {
        url.push('?');
        url.push_str(&query.join("&"));
    }
    let only = shown.track.clone();
    crate::components::live::source::follow(&url, "update", live, move |text| {
        let Ok(update) = serde_json::from_str::<PublicUpdate>(&text) else {
            return;
        };
        match update {
            PublicUpdate::Reload => version.update(|v| *v += 1),
            PublicUpdate::Board {
                track,
                format,
                board,
                snapshot,
            } => {
                let ours = track == shown.track && format == shown.format;
                let known = shown.version.get_value();
                let newer = board.version > known || (snapshot && board.version >= known);
                if ours && newer {
                    shown.version.set_value(board.version);
                    apply(board, snapshot);
                }
            }
            PublicUpdate::BoardDelta {
                track,
                format,
                delta,
            } => {
                let ours = track == shown.track && format == shown.format;
                if !ours || delta.head.version <= shown.version.get_value() {
                    return;
                }
                match held().map(|board| delta.apply(board)) {
                    Some(Ok(board)) => {
                        shown.version.set_value(board.version);
                        apply(board, false);
                    }
                    _ => version.update(|v| *v += 1),
                }
            }
            PublicUpdate::Race {
                track,
                on_track: entry,
            } => {
                if only.as_ref().is_some_and(|o| o != &track) {
                    return;
                }
                let at = local_ms();
                heard.update_value(|h| h.note_update(&track));
                on_track.update(|list| {
                    list.retain(|t| t.on_track.track != track);
                    if let Some(entry) = entry {
                        list.push(Ticking {
                            on_track: entry,
                            at_local_ms: at,
                        });
                    }
                });
            }
            PublicUpdate::Queue {
                track,
                next_up: now,
            } => {
                if only.as_ref().is_some_and(|o| o != &track) {
                    return;
                }
                next_up.update(|list| {
                    list.retain(|n| n.track != track);
                    list.extend(now);
                });
            }
        }
    });
}

#[cfg(test)]
mod tests {
    use super::Heard;
    use crate::wire::TrackId;

    #[test]
    fn only_updates_after_the_request_are_fresher_than_the_board() {
        let (a, b) = (TrackId("a".into()), TrackId("b".into()));
        let mut heard = Heard::default();
        heard.note_update(&a);
        heard.note_request();
        assert!(
            heard.heard_since_request().is_empty(),
            "the board read includes it"
        );
        heard.note_update(&b);
        assert_eq!(heard.heard_since_request(), std::slice::from_ref(&b));
        heard.note_request();
        assert!(heard.heard_since_request().is_empty());
    }
}
