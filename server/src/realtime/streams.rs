//! Server-sent events: `GET /live/tracks/TRACK` streams the track's race to the race
//! manager's tabs. A new or reconnecting subscriber first gets the race as stored,
//! then every change; one that fell behind skips what it missed and gets the stored race
//! again. Each message is a whole race with its version, so nothing is lost or counted
//! twice on the page.

use app::domain::roles::Action;
use app::domain::rules::BoardFormat;
use app::ssr::guard::require_in;
use app::ssr::metrics::StreamKind;
use app::ssr::realtime::boards::{self, BoardKey};
use app::ssr::realtime::hub::EventUpdate;
use app::ssr::state::AppState;
use app::ssr::storage::events;
use app::ssr::storage::races;
use app::wire::{EventId, LiveRace, PublicUpdate, TrackId};
use axum::extract::{Path, State};
use axum::response::sse::{Event, KeepAlive, Sse};
use axum::response::{IntoResponse, Response};
use futures::stream::{self, Stream};
use futures::StreamExt as _;
use std::collections::HashMap;
use std::convert::Infallible;
use std::sync::Arc;
use tokio::sync::broadcast::error::RecvError;
use tokio::sync::broadcast::Receiver;

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
    if let Err(e) = require_in(state.clone(), session.clone(), Action::Operate).await {
        return e.into_response();
    }
    let track = TrackId(track);
    let event = match events::track(&state.db, &track).await {
        Ok(found) => found.event,
        Err(e) => return e.into_response(),
    };
    // Subscribe before reading the snapshot, so no change falls between the two.
    let updates = state.hub.subscribe_track(&track);
    let news = Sources {
        kit: state.hub.subscribe_kit(),
        event: state.hub.subscribe_event(&event),
    };
    let first = stored(&state, &track).await;
    let stopping = state.stopping.clone();
    let watching = state.hub.metrics.watching(StreamKind::Track);
    let allowed = (state.clone(), session);
    let counted = stream_of(state, track, updates, news, first).map(move |event| {
        let _counted = &watching;
        event
    });
    let counted = crate::realtime::staff_streams::while_allowed(allowed, Action::Operate, counted);
    Sse::new(until_stopping(&stopping, counted))
        .keep_alive(KeepAlive::default())
        .into_response()
}

/// `stream`, ended when drem is asked to stop (the page shows "Reconnecting…" and
/// comes back by itself once drem does).
pub(crate) fn until_stopping<S: Stream>(
    stopping: &tokio_util::sync::CancellationToken,
    stream: S,
) -> impl Stream<Item = S::Item> {
    stream.take_until(stopping.clone().cancelled_owned())
}

/// What a track's stream sends next: its race; "the kit changed" (the race manager
/// reloads its timer and car pickers); or "the event changed" (its rules, titles or
/// results: the race manager reloads its desk).
enum TrackNews {
    /// Boxed: a race is large beside the other news.
    Race(Box<Option<LiveRace>>),
    Kit,
    Event,
    /// The track's queue changed.
    Queue,
}

/// The other news a track's stream passes on besides its race.
struct Sources {
    kit: Receiver<()>,
    event: Receiver<EventUpdate>,
}

fn stream_of(
    state: AppState,
    track: TrackId,
    updates: Receiver<app::ssr::realtime::hub::TrackUpdate>,
    news: Sources,
    first: Option<LiveRace>,
) -> impl Stream<Item = Result<Event, Infallible>> {
    stream::unfold(
        (Some(first), updates, news, state, track),
        |(pending, mut updates, mut news, state, track)| async move {
            if let Some(snapshot) = pending {
                return Some((Ok(message(&snapshot)), (None, updates, news, state, track)));
            }
            let next = loop {
                tokio::select! {
                    update = updates.recv() => break match update {
                        Ok(update) => TrackNews::Race(Box::new(update.race)),
                        // Fell behind: skip what was missed and send the stored race instead.
                        Err(RecvError::Lagged(_)) => {
                            updates = updates.resubscribe();
                            TrackNews::Race(Box::new(stored(&state, &track).await))
                        }
                        Err(RecvError::Closed) => return None,
                    },
                    changed = news.kit.recv() => break match changed {
                        Ok(()) | Err(RecvError::Lagged(_)) => TrackNews::Kit,
                        Err(RecvError::Closed) => return None,
                    },
                    changed = news.event.recv() => match changed {
                        Ok(EventUpdate::Results | EventUpdate::Resync)
                        | Err(RecvError::Lagged(_)) => break TrackNews::Event,
                        Ok(EventUpdate::Queue(queue)) if queue.track == track => break TrackNews::Queue,
                        // The track's own races come on `updates`; boards are public.
                        Ok(EventUpdate::Race(_) | EventUpdate::Board(..) | EventUpdate::Queue(_)) => continue,
                        Err(RecvError::Closed) => return None,
                    },
                }
            };
            let event = match next {
                TrackNews::Race(race) => message(&race),
                TrackNews::Kit => Event::default().event("kit").data("changed"),
                TrackNews::Event => Event::default().event("event").data("changed"),
                TrackNews::Queue => Event::default().event("queue").data("changed"),
            };
            Some((Ok(event), (None, updates, news, state, track)))
        },
    )
}

/// `GET /live/events/{event}[?track=…&format=…]`: the public stream of an event's
/// pages, for the board they show.
pub async fn event_events(
    State(state): State<AppState>,
    Path(event): Path<String>,
    axum::extract::Query(query): axum::extract::Query<HashMap<String, String>>,
) -> Response {
    let key = board_key(
        event,
        query.get("track").cloned(),
        query.get("format").cloned(),
    );
    let updates = match event_updates(&state, key).await {
        Ok(updates) => updates,
        Err(e) => return e.into_response(),
    };
    let hub = Arc::clone(&state.hub);
    let watching = state.hub.metrics.watching(StreamKind::Public);
    let stream = updates.map(move |frame| {
        let _counted = &watching;
        frame.sent(&hub.metrics);
        Ok::<_, Infallible>(Event::default().event("update").data(frame.json))
    });
    Sse::new(until_stopping(&state.stopping, stream))
        .keep_alive(KeepAlive::default())
        .into_response()
}

/// One message of a public stream, and when its change was passed on (for the fan-out
/// time; `None` for a connection's own messages).
pub(crate) struct Frame {
    pub json: Arc<str>,
    pub since: Option<std::time::Instant>,
    /// More news may follow at once: a submission's board is followed by the news that
    /// its track is free, which a writer may send with it (every board is marked: the
    /// look costs one poll, and only boards pay it).
    pub followed: bool,
}

impl Frame {
    /// Counts it sent, and its fan-out time.
    pub fn sent(&self, metrics: &app::ssr::metrics::Metrics) {
        metrics.frames_sent.increment(1);
        if let Some(since) = self.since {
            metrics
                .fan_out_seconds
                .record(since.elapsed().as_secs_f64());
        }
    }
}

/// The board a page shows, from its stream's path and query (as in the page's URL).
pub(crate) fn board_key(event: String, track: Option<String>, format: Option<String>) -> BoardKey {
    BoardKey {
        event: EventId(event),
        track: track.filter(|t| !t.is_empty()).map(TrackId),
        format: format.as_deref().and_then(BoardFormat::parse),
    }
}

/// The public updates of the board `key` (its JSON messages), or why there are none.
pub(crate) async fn event_updates(
    state: &AppState,
    key: BoardKey,
) -> Result<impl Stream<Item = Frame> + use<>, app::error::AppError> {
    // Subscribe before the snapshot, so no change falls between the two.
    let updates = state.hub.subscribe_event(&key.event);
    let first = snapshot(state, &key).await?;
    let state = state.clone();
    let fresh = move |key: BoardKey| {
        let state = state.clone();
        async move {
            snapshot(&state, &key)
                .await
                .inspect_err(|e| tracing::warn!(error = %e, "board snapshot failed"))
                .ok()
        }
    };
    Ok(public_updates(updates, key, first, fresh))
}

/// The kept board `key` with who is on track now, as a connection's first message: no
/// computation per viewer.
async fn snapshot(state: &AppState, key: &BoardKey) -> Result<Held, app::error::AppError> {
    let kept = state.hub.boards.get(&state.db, key).await?;
    let mut board = kept.board.clone();
    board.on_track = boards::on_track(&state.db, &board, state.clock.now_ms()).await?;
    board.next_up = boards::next_up(&state.db, &board).await?;
    Ok((board.version, boards::frame(key, &board, true)))
}

/// A whole board sent to a viewer: its version (which the next delta must start from)
/// and its frame.
type Held = (u64, Arc<str>);

/// A board's public updates, as JSON: the board with who is on track first, then who
/// is on track as it changes (the hub's one rendering, with the track's current
/// title), and the board again after each change of results (computed once, the same
/// frame for every viewer): its delta from the version this viewer holds, or the whole
/// board if the delta does not start there. A subscriber that fell behind skips what
/// it missed and gets `fresh`'s snapshot of the kept board (or `reload` if that fails,
/// or the hub lost its change feed): the current version, never a replay.
fn public_updates<Fresh, Snapshot>(
    updates: Receiver<EventUpdate>,
    key: BoardKey,
    first: Held,
    fresh: Fresh,
) -> impl Stream<Item = Frame>
where
    Fresh: Fn(BoardKey) -> Snapshot + Send + 'static,
    Snapshot: std::future::Future<Output = Option<Held>> + Send,
{
    let own = |json: Arc<str>| Frame {
        json,
        since: None,
        followed: false,
    };
    let reload = move || own(Arc::<str>::from(public_json(&PublicUpdate::Reload)));
    let (held, first) = first;
    stream::unfold(
        (Some(first), held, updates, key, fresh),
        move |(first, mut held, mut updates, key, fresh)| async move {
            if let Some(first) = first {
                return Some((own(first), (None, held, updates, key, fresh)));
            }
            let frame = loop {
                break match updates.recv().await {
                    Ok(EventUpdate::Race(news)) => Frame {
                        json: news.public.clone(),
                        since: Some(news.published),
                        followed: false,
                    },
                    Ok(EventUpdate::Board(board, since)) if board.key == key => {
                        if board.board.version <= held {
                            continue;
                        }
                        let json = match &board.delta {
                            Some((base, delta)) if *base == held => delta.clone(),
                            _ => board.frame.clone(),
                        };
                        held = board.board.version;
                        Frame {
                            json,
                            since: Some(since),
                            followed: true,
                        }
                    }
                    // Who is next up on a track this board shows.
                    Ok(EventUpdate::Queue(queue))
                        if key.track.as_ref().is_none_or(|t| *t == queue.track) =>
                    {
                        Frame {
                            json: queue.public.clone(),
                            since: Some(queue.published),
                            followed: false,
                        }
                    }
                    Ok(EventUpdate::Queue(_)) => continue,
                    // Another board of the event, or results whose board comes next.
                    Ok(EventUpdate::Board(..)) | Ok(EventUpdate::Results) => continue,
                    Ok(EventUpdate::Resync) => reload(),
                    Err(RecvError::Lagged(_)) => {
                        updates = updates.resubscribe();
                        // Boxed: the snapshot's database reads are large futures, and
                        // unboxed they would size every idle subscriber's stream.
                        match Box::pin(fresh(key.clone())).await {
                            Some((version, json)) => {
                                held = version;
                                own(json)
                            }
                            None => reload(),
                        }
                    }
                    Err(RecvError::Closed) => return None,
                };
            };
            Some((frame, (None, held, updates, key, fresh)))
        },
    )
}

fn public_json(update: &PublicUpdate) -> String {
    serde_json::to_string(update).unwrap_or_else(|_| r#"{"kind":"reload"}"#.into())
}

#[cfg(test)]
#[path = "streams_tests.rs"]
mod tests;
