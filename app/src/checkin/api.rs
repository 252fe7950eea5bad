//! Server functions of check-in and the queues. Registration and operators tick
//! check-in steps and keep the queues; only an operator may queue a racer who lacks a
//! required step, and that override is recorded on the entry.

use crate::error::AppError;
use crate::wire::{CheckinSheet, EventId, TrackId, TrackQueue, UserId};
use leptos::prelude::*;
use server_fn::codec::Json;

#[cfg(feature = "ssr")]
use crate::{
    domain::{checkin, roles::Action, roles::Role},
    ssr::{
        guard::require,
        storage::{changes, events, queues, users, Db},
    },
    wire::{CheckinRow, QueueEntry, Track},
};

/// Every event's id and name, newest first: the desk's choice.
#[server(endpoint = "list_checkin_events", input = Json, output = crate::codec::JsonText)]
pub async fn list_checkin_events() -> Result<Vec<(EventId, String)>, AppError> {
    let caller = require(Action::RunQueue).await?;
    Ok(events::list(&caller.state.db, None)
        .await?
        .into_iter()
        .map(|e| (e.id, e.about.name))
        .collect())
}

/// The check-in sheet of `event`: its steps, its tracks, and every account with the
/// steps done and the queues it waits in.
#[server(endpoint = "get_checkin_sheet", input = Json, output = crate::codec::JsonText)]
pub async fn get_checkin_sheet(event: EventId) -> Result<CheckinSheet, AppError> {
    let caller = require(Action::RunQueue).await?;
    let db = &caller.state.db;
    let event = events::get(db, &event).await?;
    let done = queues::checkins(db, &event.id).await?;
    let mut waiting: Vec<(TrackId, Vec<String>)> = Vec::new();
    for track in &event.tracks {
        let racers = queues::waiting(db, &track.id).await?;
        waiting.push((
            track.id.clone(),
            racers.into_iter().map(|w| w.racer).collect(),
        ));
    }
    let mut racers: Vec<CheckinRow> = users::list(db, "", 5000)
        .await?
        .into_iter()
        .filter(|u| !u.disabled)
        .map(|u| CheckinRow {
            name: u.display_name.clone().unwrap_or_else(|| u.username.clone()),
            done: done
                .iter()
                .find(|c| c.racer == u.id.0)
                .map(|c| c.done.clone())
                .unwrap_or_default(),
            queued_on: waiting
                .iter()
                .filter(|(_, racers)| racers.contains(&u.id.0))
                .map(|(track, _)| track.clone())
                .collect(),
            racer: u.id,
            username: u.username,
            country: u.country,
        })
        .collect();
    racers.sort_by_cached_key(|r| (crate::domain::names::lowercase(&r.name), r.username.clone()));
    Ok(CheckinSheet {
        tracks: event.track_titles(),
        flags: event.about.checkin,
        event: event.id,
        racers,
    })
}

/// Ticks check-in step `label` for `racer` at `event` (or clears it); returns the
/// steps done now.
#[server(endpoint = "set_checkin", input = Json, output = crate::codec::JsonText)]
pub async fn set_checkin(
    event: EventId,
    racer: UserId,
    label: String,
    done: bool,
) -> Result<Vec<String>, AppError> {
    let caller = require(Action::RunQueue).await?;
    let db = &caller.state.db;
    let event = events::get(db, &event).await?;
    if !event.about.checkin.iter().any(|f| f.label == label) {
        return Err(AppError::invalid(
            "label",
            format!("\"{label}\" is not a check-in step of this event."),
        ));
    }
    racer_exists(db, &racer).await?;
    let by = caller.user()?.id.clone();
    let now = queues::set_done(db, &event.id, &racer, &label, done, &by).await?;
    tracing::info!(event = %event.id.0, racer = %racer.0, label, done, "check-in step set");
    // The queues show who lacks a step: theirs are read again.
    for track in &event.tracks {
        changes::record_queue(db, &event.id, &track.id).await;
    }
    Ok(now)
}

/// `track`'s queue, first first, with the steps each racer still lacks.
#[server(endpoint = "get_queue", input = Json, output = crate::codec::JsonText)]
pub async fn get_queue(track: TrackId) -> Result<TrackQueue, AppError> {
    let caller = require(Action::ViewRacers).await?;
    let db = &caller.state.db;
    let track = events::track(db, &track).await?;
    queue_of(db, &track).await
}

/// Puts `racer` last in `track`'s queue. A racer lacking a required check-in step is
/// refused unless an operator asks with `anyway`, which the entry records.
#[server(endpoint = "queue_racer", input = Json, output = crate::codec::JsonText)]
pub async fn queue_racer(
    track: TrackId,
    racer: UserId,
    #[server(default)] anyway: bool,
) -> Result<TrackQueue, AppError> {
    let caller = require(Action::RunQueue).await?;
    let db = &caller.state.db;
    let user = caller.user()?;
    let track = events::track(db, &track).await?;
    let event = events::get(db, &track.event).await?;
    let name = racer_exists(db, &racer).await?;
    let done = queues::done(db, &event.id, &racer).await?;
    let missing = checkin::missing(&event.about.checkin, &done);
    let overridden = if missing.is_empty() {
        None
    } else if anyway && user.has(Role::Operator) {
        Some(format!(
            "{} (queued by {})",
            missing.join(", "),
            user.username
        ))
    } else {
        let who = if user.has(Role::Operator) {
            "Queue them anyway to override (recorded)."
        } else {
            "An operator can queue them anyway."
        };
        return Err(AppError::Conflict(format!(
            "{name} has not done: {}. Tick it at the check-in desk first. {who}",
            missing.join(", ")
        )));
    };
    if !queues::add(db, &track.id, &racer, &user.id, overridden.clone()).await? {
        return Err(AppError::Conflict(format!(
            "{name} is already in the queue of {}.",
            track.title
        )));
    }
    tracing::info!(track = %track.id.0, racer = %racer.0, ?overridden, "racer queued");
    changes::record_queue(db, &event.id, &track.id).await;
    queue_of(db, &track).await
}

/// Moves `racer` to place `to` (0: next) in `track`'s queue.
#[server(endpoint = "move_in_queue", input = Json, output = crate::codec::JsonText)]
pub async fn move_in_queue(track: TrackId, racer: UserId, to: u32) -> Result<TrackQueue, AppError> {
    let caller = require(Action::RunQueue).await?;
    let db = &caller.state.db;
    let track = events::track(db, &track).await?;
    let others: Vec<f64> = queues::waiting(db, &track.id)
        .await?
        .into_iter()
        .filter(|w| w.racer != racer.0)
        .map(|w| w.rank)
        .collect();
    let rank = crate::domain::queue::rank_at(&others, to as usize);
    if !queues::set_rank(db, &track.id, &racer, rank).await? {
        return Err(AppError::NotFound("Queued racer".into()));
    }
    changes::record_queue(db, &track.event, &track.id).await;
    queue_of(db, &track).await
}

/// Takes `racer` out of `track`'s queue.
#[server(endpoint = "unqueue", input = Json, output = crate::codec::JsonText)]
pub async fn unqueue(track: TrackId, racer: UserId) -> Result<TrackQueue, AppError> {
    let caller = require(Action::RunQueue).await?;
    let db = &caller.state.db;
    let track = events::track(db, &track).await?;
    if !queues::remove(db, &track.id, &racer).await? {
        return Err(AppError::NotFound("Queued racer".into()));
    }
    changes::record_queue(db, &track.event, &track.id).await;
    queue_of(db, &track).await
}

/// The racer's shown name, or `NotFound` for no such (or a disabled) account.
#[cfg(feature = "ssr")]
async fn racer_exists(db: &Db, racer: &UserId) -> Result<String, AppError> {
    users::session_user(db, &racer.0)
        .await?
        .map(|u| u.shown_name().to_string())
        .ok_or_else(|| AppError::NotFound("Racer".into()))
}

#[cfg(feature = "ssr")]
async fn queue_of(db: &Db, track: &Track) -> Result<TrackQueue, AppError> {
    let event = events::get(db, &track.event).await?;
    let done = queues::checkins(db, &event.id).await?;
    let entries = queues::waiting(db, &track.id)
        .await?
        .into_iter()
        .map(|w| {
            let racer_done = done
                .iter()
                .find(|c| c.racer == w.racer)
                .map(|c| c.done.as_slice())
                .unwrap_or_default();
            QueueEntry {
                missing: checkin::missing(&event.about.checkin, racer_done)
                    .into_iter()
                    .map(str::to_string)
                    .collect(),
                racer: UserId(w.racer),
                name: w.name,
                username: w.username,
                overridden: w.overridden,
            }
        })
        .collect();
    Ok(TrackQueue {
        track: track.id.clone(),
        entries,
    })
}
