//! Server functions of race admin: submitted races, lap corrections, results.
//! Every change recomputes results, since results are always computed from races.

use crate::domain::race::LapEdit;
use crate::error::AppError;
use crate::wire::{EventId, EventResults, RaceId, RaceSummary, TrackId, UserId};
use leptos::prelude::*;
use server_fn::codec::Json;

#[cfg(feature = "ssr")]
use crate::{
    domain::roles::Action,
    ssr::{guard::require, standings, storage::changes, storage::events, storage::races},
};

/// Submitted races of an event, optionally of one track or racer.
#[server(endpoint = "list_races", input = Json, output = crate::codec::JsonText)]
pub async fn list_races(
    event: EventId,
    track: Option<TrackId>,
    racer: Option<UserId>,
) -> Result<Vec<RaceSummary>, AppError> {
    let caller = require(Action::Operate).await?;
    races::submitted(&caller.state.db, &event, track.as_ref(), racer.as_ref()).await
}

/// Race admin corrects and deletes races once they are over and submitted: a race
/// still on track belongs to the race manager, whose every change its live pages follow.
#[cfg(feature = "ssr")]
fn refuse_open(live: &crate::wire::LiveRace) -> Result<(), AppError> {
    if live.race.state.is_open() {
        return Err(AppError::Conflict(
            "This race is still on track: correct it on the race manager, or here once it is submitted."
                .into(),
        ));
    }
    Ok(())
}

/// Corrects one lap of a race made against `version`.
#[server(endpoint = "edit_lap", input = Json, output = crate::codec::JsonText)]
pub async fn edit_lap(race: RaceId, version: u64, edit: LapEdit) -> Result<(), AppError> {
    let caller = require(Action::Operate).await?;
    let db = &caller.state.db;
    let mut live = races::get(db, &race, 0).await?;
    refuse_open(&live)?;
    if live.version != version {
        return Err(AppError::Conflict(
            "The race changed meanwhile; reload to see the latest laps.".into(),
        ));
    }
    live.race
        .edit(edit)
        .map_err(|e| AppError::invalid("lap", e.to_string()))?;
    races::save(db, &race, version, &live.race).await?;
    tracing::info!(race = %race.0, ?edit, "lap corrected");
    changes::record(db, &live.event, None, changes::Results::Race(&race)).await;
    Ok(())
}

/// Deletes a race and its laps.
#[server(endpoint = "delete_race", input = Json, output = crate::codec::JsonText)]
pub async fn delete_race(race: RaceId) -> Result<(), AppError> {
    let caller = require(Action::Operate).await?;
    let live = races::get(&caller.state.db, &race, 0).await?;
    refuse_open(&live)?;
    races::delete(&caller.state.db, &race).await?;
    tracing::info!(race = %race.0, "race deleted");
    changes::record(
        &caller.state.db,
        &live.event,
        None,
        changes::Results::Race(&race),
    )
    .await;
    Ok(())
}

/// The event's rankings per track and combined.
#[server(endpoint = "get_event_results", input = Json, output = crate::codec::JsonText)]
pub async fn get_event_results(event: EventId) -> Result<EventResults, AppError> {
    let caller = require(Action::Operate).await?;
    let event = events::get(&caller.state.db, &event).await?;
    standings::event_results(&caller.state.db, &event).await
}
