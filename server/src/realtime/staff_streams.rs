//! The staff pages' "changed" streams (`/live/models`, `/live/kit`), and the rule every
//! staff stream follows: it goes on only while its caller may still use it.

use crate::realtime::streams::until_stopping;
use app::domain::roles::Action;
use app::ssr::guard::require_in;
use app::ssr::metrics::StreamKind;
use app::ssr::state::AppState;
use axum::extract::State;
use axum::response::sse::{Event, KeepAlive, Sse};
use axum::response::{IntoResponse, Response};
use futures::stream::{self, Stream};
use futures::StreamExt as _;
use std::collections::HashMap;
use std::convert::Infallible;
use tokio::sync::broadcast::error::RecvError;
use tokio::sync::broadcast::Receiver;

/// `stream` for as long as its caller may still `action`: checked again before each
/// item goes out, so a revoked role, a disabled account or sessions ended elsewhere
/// stop a staff stream at its next change.
pub(crate) fn while_allowed<S>(
    (state, session): (AppState, tower_sessions::Session),
    action: Action,
    stream: S,
) -> impl Stream<Item = S::Item>
where
    S: Stream,
{
    stream
        .then(move |item| {
            let (state, session) = (state.clone(), session.clone());
            async move { require_in(state, session, action).await.ok().map(|_| item) }
        })
        .take_while(|item| std::future::ready(item.is_some()))
        .filter_map(std::future::ready)
}

/// `GET /live/models[?all=1]`: `changed` whenever the caller's models change (with
/// `all=1`, operators hear of every racer's), and once on connecting, so a page that
/// reconnects loads its list again.
pub async fn model_events(
    State(state): State<AppState>,
    session: tower_sessions::Session,
    axum::extract::Query(query): axum::extract::Query<HashMap<String, String>>,
) -> Response {
    let caller = match require_in(state.clone(), session.clone(), Action::ManageOwnModels).await {
        Ok(caller) => caller,
        Err(e) => return e.into_response(),
    };
    let Some(user) = caller.user else {
        return app::error::AppError::Unauthenticated.into_response();
    };
    let (key, action) = if query.get("all").is_some_and(|v| v == "1") {
        if !app::domain::roles::allows(Some(&user.roles), Action::Operate) {
            return app::error::AppError::Forbidden.into_response();
        }
        (
            app::ssr::realtime::hub::ALL_MODELS.to_string(),
            Action::Operate,
        )
    } else {
        (user.id.0.clone(), Action::ManageOwnModels)
    };
    let updates = state.hub.subscribe_models(&key);
    changed_signals(&state, (session, action), updates, StreamKind::Models)
}

/// `GET /live/kit`: `changed` whenever a car, fleet or timer changes, for the staff
/// pages that show them, and once on connecting.
pub async fn kit_events(
    State(state): State<AppState>,
    session: tower_sessions::Session,
) -> Response {
    if let Err(e) = require_in(state.clone(), session.clone(), Action::Operate).await {
        return e.into_response();
    }
    let updates = state.hub.subscribe_kit();
    changed_signals(&state, (session, Action::Operate), updates, StreamKind::Kit)
}

/// A stream of `name` events saying "changed": once at once (a page that reconnects
/// loads again), then once per change; a lagging subscriber gets one for all it missed.
/// Sent while the caller (`session`) may still `action`.
fn changed_signals(
    state: &AppState,
    (session, action): (tower_sessions::Session, Action),
    updates: Receiver<()>,
    kind: StreamKind,
) -> Response {
    let name = match kind {
        StreamKind::Kit => "kit",
        _ => "models",
    };
    let watching = state.hub.metrics.watching(kind);
    let stream = stream::unfold((true, updates), move |(first, mut updates)| async move {
        if !first {
            match updates.recv().await {
                Ok(()) | Err(RecvError::Lagged(_)) => {}
                Err(RecvError::Closed) => return None,
            }
        }
        let event = Event::default().event(name).data("changed");
        Some((Ok::<_, Infallible>(event), (false, updates)))
    });
    let stream = stream.map(move |event| {
        let _counted = &watching;
        event
    });
    let stream = while_allowed((state.clone(), session), action, stream);
    Sse::new(until_stopping(&state.stopping, stream))
        .keep_alive(KeepAlive::default())
        .into_response()
}
