//! The change feed: one short-lived row per change that live pages must hear of,
//! written by the process that made the change and followed by every drem process on
//! the database through a SurrealDB live query. This is how two processes sharing one
//! SurrealDB server learn of each other's laps.

use super::Db;
use crate::error::AppError;
use crate::wire::{EventId, LiveRace, RaceId, TrackId, UserId};
use futures::{Stream, StreamExt};
use std::pin::Pin;
use surrealdb::types::SurrealValue;

/// One change: the event it belongs to, the track whose race changed (if one did) with
/// that race as stored (JSON; `None` once the track is free), and whether the event's
/// results (or its tracks and rules) changed. Carrying the race itself keeps every
/// version in order: followers never re-read a race that moved on meanwhile. Or: the
/// racer (`models`, an owner's id) whose models changed.
#[derive(Debug, Clone, SurrealValue)]
pub struct Change {
    pub event: Option<String>,
    pub models: Option<String>,
    pub track: Option<String>,
    pub race: Option<String>,
    pub results: bool,
    /// The one race whose result changed (submitted, corrected, deleted), when only one
    /// did: followers read that race again instead of all of them.
    pub results_race: Option<String>,
    /// Cars, fleets or timers changed (status, battery, a timer connecting).
    pub kit: Option<bool>,
    /// The track whose queue changed.
    pub queue: Option<String>,
}

/// A track's race as it is now: the stored race, or `None` once it is over and done
/// (submitted or discarded: the track is free for the next racer).
pub struct RaceChange<'a> {
    pub track: &'a TrackId,
    pub race: Option<&'a LiveRace>,
}

/// What a change did to its event's results.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Results<'a> {
    Same,
    /// One race's result: submitted, corrected or deleted.
    Race(&'a RaceId),
    /// Anything else: tracks, rules, the event.
    All,
}

/// Records a change for every process to pass on to its live pages. The change itself
/// is already stored, so a failure here is logged, not returned: the operator's lap
/// counts, and pages catch up with the next change or when they reconnect.
pub async fn record(db: &Db, event: &EventId, race: Option<RaceChange<'_>>, results: Results<'_>) {
    let json = race
        .as_ref()
        .and_then(|r| r.race)
        .and_then(|r| serde_json::to_string(r).ok());
    let res = db
        .query(
            "CREATE live_change SET event = $event, track = $track, race = $race,
                results = $results, results_race = $results_race",
        )
        .bind(("event", event.0.clone()))
        .bind(("track", race.map(|r| r.track.0.clone())))
        .bind(("race", json))
        .bind(("results", results != Results::Same))
        .bind((
            "results_race",
            match results {
                Results::Race(id) => Some(id.0.clone()),
                _ => None,
            },
        ))
        .await
        .and_then(|r| r.check());
    if let Err(e) = res {
        tracing::warn!(error = %e, event = %event.0, "change not announced to live pages");
    }
}

/// `racer`'s name or looks changed (a profile saved, the account deleted): the boards
/// of `events`, where they raced (read before a deletion), show them anew.
pub async fn record_racer(db: &Db, events: &[EventId]) {
    for event in events {
        record(db, event, None, Results::All).await;
    }
}

/// Records that `track`'s queue changed (pages showing who is next follow it).
pub async fn record_queue(db: &Db, event: &EventId, track: &TrackId) {
    let res = db
        .query("CREATE live_change SET event = $event, queue = $track, results = false")
        .bind(("event", event.0.clone()))
        .bind(("track", track.0.clone()))
        .await
        .and_then(|r| r.check());
    if let Err(e) = res {
        tracing::warn!(error = %e, track = %track.0, "queue change not announced to live pages");
    }
}

/// Records that `owner`'s models changed (uploaded, checked, deleted).
pub async fn record_models(db: &Db, owner: &UserId) {
    let res = db
        .query("CREATE live_change SET models = $owner, results = false")
        .bind(("owner", owner.0.clone()))
        .await
        .and_then(|r| r.check());
    if let Err(e) = res {
        tracing::warn!(error = %e, "model change not announced to live pages");
    }
}

/// Records that the event kit changed: a car, fleet or timer (pages reload their list).
pub async fn record_kit(db: &Db) {
    let res = db
        .query("CREATE live_change SET kit = true, results = false")
        .await
        .and_then(|r| r.check());
    if let Err(e) = res {
        tracing::warn!(error = %e, "kit change not announced to live pages");
    }
}

/// The changes recorded from now on, in order; it ends when the database connection
/// drops (then follow again: what happened meanwhile is not in it).
pub struct Feed(Pin<Box<dyn Stream<Item = Result<Change, AppError>> + Send>>);

impl Feed {
    pub async fn next(&mut self) -> Option<Result<Change, AppError>> {
        self.0.next().await
    }
}

/// Follows the changes recorded from now on: returns once the database watches for
/// them, so none made after this call is missed.
pub async fn follow(db: &Db) -> Result<Feed, AppError> {
    let mut res = db
        .query(
            "LIVE SELECT event, models, track, race, results, results_race, kit, queue FROM live_change",
        )
        .await?;
    let notifications = res.stream::<surrealdb::Notification<Change>>(0)?;
    Ok(Feed(Box::pin(notifications.filter_map(
        |item| async move {
            match item {
                Ok(n) if n.action == surrealdb::types::Action::Create => Some(Ok(n.data)),
                // Deletions are the prune's; other actions carry nothing to pass on.
                Ok(_) => None,
                Err(e) => Some(Err(e.into())),
            }
        },
    ))))
}

/// Deletes changes every follower has long seen.
pub async fn prune(db: &Db) -> Result<(), AppError> {
    db.query("DELETE live_change WHERE at < time::now() - 1m")
        .await?
        .check()?;
    Ok(())
}
