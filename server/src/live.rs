//! Server-sent events: `GET /live/tracks/TRACK` streams the track's race to the race
//! manager's tabs. A new or reconnecting subscriber first gets the race as stored,
//! then every change; one that fell behind gets the stored race again. Each message is
//! a whole race with its version, so nothing is lost or counted twice on the page.

use app::domain::roles::Action;
use app::model::{LiveRace, TrackId};
use app::ssr::guard::require_in;
use app::ssr::state::AppState;
use app::ssr::storage::races;
use axum::extract::{Path, State};
use axum::response::sse::{Event, KeepAlive, Sse};
use axum::response::{IntoResponse, Response};
use futures::stream::{self, Stream};
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
    let updates = state.hub.subscribe(&track);
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
