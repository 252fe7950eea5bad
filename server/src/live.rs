//! Server-sent events: `GET /live/tracks/TRACK` streams the track's race to the race
//! manager's tabs. A new or reconnecting subscriber first gets the race as stored,
//! then every change; one that fell behind gets the stored race again. Each message is
//! a whole race with its version, so nothing is lost or counted twice on the page.

use app::domain::race::RaceState;
use app::domain::roles::Action;
use app::model::{EventId, LiveRace, OnTrack, PublicUpdate, TrackId};
use app::ssr::guard::require_in;
use app::ssr::hub::EventUpdate;
use app::ssr::state::AppState;
use app::ssr::storage::events;
use app::ssr::storage::races;
use axum::extract::{Path, State};
use axum::response::sse::{Event, KeepAlive, Sse};
use axum::response::{IntoResponse, Response};
use futures::stream::{self, Stream};
use std::collections::HashMap;
use std::convert::Infallible;
use tokio::sync::broadcast::error::RecvError;

/// The message for one state of the track: its open race, or `null`.
fn message(race: &Option<LiveRace>) -> Event {
    Event::default()
        .event("race")
        .data(serde_json::to_string(race).unwrap_or_else(|_| "null".into()))
}

async fn stored(state: &AppState, track: &TrackId) -> Option<LiveRace> {
    races::open_on(&state.db, track, state.clock.now_ms())
        .await
        .unwrap_or_else(|e| {
            tracing::warn!(error = %e, "live snapshot failed");
            None
        })
}

/// `GET /live/tracks/{track}` for operators.
pub async fn track_events(
    State(state): State<AppState>,
    session: tower_sessions::Session,
    Path(track): Path<String>,
) -> Response {
    if let Err(e) = require_in(state.clone(), session, Action::Operate).await {
        return crate::http::error_response(e);
    }
    let track = TrackId(track);
    // Subscribe before reading the snapshot, so no change falls between the two.
    let updates = state.hub.subscribe_track(&track);
    let first = stored(&state, &track).await;
    Sse::new(stream_of(state, track, updates, first))
        .keep_alive(KeepAlive::default())
        .into_response()
}

fn stream_of(
    state: AppState,
    track: TrackId,
    updates: tokio::sync::broadcast::Receiver<app::ssr::hub::TrackUpdate>,
    first: Option<LiveRace>,
) -> impl Stream<Item = Result<Event, Infallible>> {
    stream::unfold(
        (Some(first), updates, state, track),
        |(pending, mut updates, state, track)| async move {
            if let Some(snapshot) = pending {
                return Some((Ok(message(&snapshot)), (None, updates, state, track)));
            }
            let race = match updates.recv().await {
                Ok(update) => update.race,
                // Fell behind: the stored race replaces what was missed.
                Err(RecvError::Lagged(_)) => stored(&state, &track).await,
                Err(RecvError::Closed) => return None,
            };
            Some((Ok(message(&race)), (None, updates, state, track)))
        },
    )
}

/// The message for a public update.
fn public_message(update: &PublicUpdate) -> Event {
    Event::default()
        .event("update")
        .data(serde_json::to_string(update).unwrap_or_else(|_| r#"{"kind":"reload"}"#.into()))
}

/// `GET /live/events/{event}`: the public stream of an event's leaderboard pages.
/// It starts with `reload` (load the board), then sends who is on track as it
/// changes, and `reload` whenever results change or the page fell behind.
pub async fn event_events(State(state): State<AppState>, Path(event): Path<String>) -> Response {
    let event = match events::get(&state.db, &EventId(event)).await {
        Ok(event) => event,
        Err(e) => return crate::http::error_response(e),
    };
    let titles: HashMap<TrackId, String> = event
        .tracks
        .iter()
        .map(|t| (t.id.clone(), t.title.clone()))
        .collect();
    let updates = state.hub.subscribe_event(&event.id);
    let stream = stream::unfold(
        (true, updates, titles),
        |(first, mut updates, titles)| async move {
            if first {
                return Some((
                    Ok(public_message(&PublicUpdate::Reload)),
                    (false, updates, titles),
                ));
            }
            let update = match updates.recv().await {
                Ok(EventUpdate::Race { track, race }) => PublicUpdate::Race {
                    on_track: race
                        .filter(|r| {
                            !matches!(r.race.state, RaceState::Submitted | RaceState::Discarded)
                        })
                        .map(|r| OnTrack::of(&r, titles.get(&track).map_or("", String::as_str))),
                    track,
                },
                Ok(EventUpdate::Results) | Err(RecvError::Lagged(_)) => PublicUpdate::Reload,
                Err(RecvError::Closed) => return None,
            };
            Some((
                Ok::<_, Infallible>(public_message(&update)),
                (false, updates, titles),
            ))
        },
    );
    Sse::new(stream)
        .keep_alive(KeepAlive::default())
        .into_response()
}
