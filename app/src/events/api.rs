//! Server functions for events and tracks (operators and admins).
//!
//! They take JSON: an event carries nested links and rules that a flat form cannot.

use crate::error::AppError;
use crate::wire::{Event, EventId, EventInput, EventKind, Track, TrackId, TrackInput};
use leptos::prelude::*;
use server_fn::codec::Json;

#[cfg(feature = "ssr")]
use crate::{
    domain::{event, roles::Action},
    ssr::{guard::require, storage::changes, storage::events},
};

/// Every event with its tracks, optionally of one kind.
#[server(endpoint = "list_events", input = Json, output = crate::codec::JsonText)]
pub async fn list_events(kind: Option<EventKind>) -> Result<Vec<Event>, AppError> {
    let caller = require(Action::Operate).await?;
    events::list(&caller.state.db, kind).await
}

/// One event with its tracks.
#[server(endpoint = "get_event", input = Json, output = crate::codec::JsonText)]
pub async fn get_event(id: EventId) -> Result<Event, AppError> {
    let caller = require(Action::Operate).await?;
    events::get(&caller.state.db, &id).await
}

/// The address people reach drem at (`--public-url`, or the machine's address on the
/// venue network), for the links staff hand on: OBS sources, the hall's screens.
#[server(endpoint = "get_public_url", input = Json, output = crate::codec::JsonText)]
pub async fn get_public_url() -> Result<String, AppError> {
    let caller = require(Action::Operate).await?;
    Ok(caller.state.public_url.to_string())
}

/// Creates an event.
#[server(endpoint = "create_event", input = Json, output = crate::codec::JsonText)]
pub async fn create_event(input: EventInput) -> Result<Event, AppError> {
    let caller = require(Action::Operate).await?;
    let input = event::validate_event(input)?;
    let id = events::create(&caller.state.db, &input).await?;
    tracing::info!(event = %id.0, name = %input.name, "event created");
    events::get(&caller.state.db, &id).await
}

/// Saves an event. A race in progress keeps the rules it started with.
#[server(endpoint = "update_event", input = Json, output = crate::codec::JsonText)]
pub async fn update_event(id: EventId, input: EventInput) -> Result<Event, AppError> {
    let caller = require(Action::Operate).await?;
    let input = event::validate_event(input)?;
    events::update(&caller.state.db, &id, &input).await?;
    tracing::info!(event = %id.0, "event updated");
    changes::record(&caller.state.db, &id, None, changes::Results::All).await;
    events::get(&caller.state.db, &id).await
}

/// Deletes an event and its tracks.
#[server(endpoint = "delete_event", input = Json, output = crate::codec::JsonText)]
pub async fn delete_event(id: EventId) -> Result<(), AppError> {
    let caller = require(Action::Operate).await?;
    events::delete(&caller.state.db, &id).await?;
    tracing::info!(event = %id.0, "event deleted");
    Ok(())
}

/// Adds a track to an event.
#[server(endpoint = "add_track", input = Json, output = crate::codec::JsonText)]
pub async fn add_track(event: EventId, input: TrackInput) -> Result<Track, AppError> {
    let caller = require(Action::Operate).await?;
    let input = event::validate_track(input)?;
    let id = events::add_track(&caller.state.db, &event, &input, None).await?;
    tracing::info!(event = %event.0, track = %id.0, "track added");
    changes::record(&caller.state.db, &event, None, changes::Results::All).await;
    events::track(&caller.state.db, &id).await
}

/// Saves a track.
#[server(endpoint = "update_track", input = Json, output = crate::codec::JsonText)]
pub async fn update_track(id: TrackId, input: TrackInput) -> Result<Track, AppError> {
    let caller = require(Action::Operate).await?;
    let input = event::validate_track(input)?;
    events::update_track(&caller.state.db, &id, &input).await?;
    let track = events::track(&caller.state.db, &id).await?;
    changes::record(&caller.state.db, &track.event, None, changes::Results::All).await;
    Ok(track)
}

/// Deletes a track (the other tracks keep their ids). A track with races is only
/// deleted with `delete_races`, which deletes its races too: never orphans.
#[server(endpoint = "delete_track", input = Json, output = crate::codec::JsonText)]
pub async fn delete_track(id: TrackId, delete_races: bool) -> Result<(), AppError> {
    let caller = require(Action::Operate).await?;
    let db = &caller.state.db;
    if !delete_races && crate::ssr::storage::races::track_has_races(db, &id).await? {
        return Err(AppError::Conflict(
            "This track has races. Delete them with the track, or keep the track.".into(),
        ));
    }
    let event = events::track(db, &id).await?.event;
    events::delete_track(db, &id).await?;
    tracing::info!(track = %id.0, "track deleted");
    changes::record(db, &event, None, changes::Results::All).await;
    Ok(())
}
