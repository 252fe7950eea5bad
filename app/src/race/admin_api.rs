//! Server functions of race admin: submitted races, marshals' corrections (each kept
//! in the race's log with who, when, what and why), results. Every change recomputes
//! results, since results are always computed from races.

use crate::domain::race::LapEdit;
use crate::error::AppError;
use crate::wire::{EventId, EventResults, RaceId, RaceSummary, TrackId, UserId};
use leptos::prelude::*;
use server_fn::codec::Json;

#[cfg(feature = "ssr")]
use crate::{
    domain::{race::marshal, roles::Action},
    ssr::{
        guard::{require, Caller},
        standings,
        storage::{changes, events, race_log, races, users},
    },
    wire::LiveRace,
};

/// Submitted races of an event, optionally of one track or racer, with their logs.
#[server(endpoint = "list_races", input = Json, output = crate::codec::JsonText)]
pub async fn list_races(
    event: EventId,
    track: Option<TrackId>,
    racer: Option<UserId>,
) -> Result<Vec<RaceSummary>, AppError> {
    let caller = require(Action::Operate).await?;
    let db = &caller.state.db;
    let list = races::submitted(db, &event, track.as_ref(), racer.as_ref()).await?;
    with_logs(&caller, &event, list).await
}

/// Races deleted from race admin, to be restored, with their logs.
#[server(endpoint = "list_deleted_races", input = Json, output = crate::codec::JsonText)]
pub async fn list_deleted_races(event: EventId) -> Result<Vec<RaceSummary>, AppError> {
    let caller = require(Action::Operate).await?;
    let list = races::deleted(&caller.state.db, &event).await?;
    with_logs(&caller, &event, list).await
}

#[cfg(feature = "ssr")]
async fn with_logs(
    caller: &Caller,
    event: &EventId,
    mut list: Vec<RaceSummary>,
) -> Result<Vec<RaceSummary>, AppError> {
    let mut logs = race_log::of_event(&caller.state.db, event).await?;
    for race in &mut list {
        race.corrections = logs.remove(&race.id).unwrap_or_default();
    }
    Ok(list)
}

/// A race as race admin may correct it: over and submitted (or deleted), and as the
/// operator last saw it. A race still on track belongs to the race manager, whose
/// every change its live pages follow.
#[cfg(feature = "ssr")]
async fn correctable(caller: &Caller, race: &RaceId, version: u64) -> Result<LiveRace, AppError> {
    let live = races::get(&caller.state.db, race, 0).await?;
    if live.race.state.is_open() {
        return Err(AppError::Conflict(
            "This race is still on track: correct it on the race manager, or here once it is submitted."
                .into(),
        ));
    }
    if live.version != version {
        return Err(AppError::Conflict(
            "The race changed meanwhile; reload to see the latest laps.".into(),
        ));
    }
    Ok(live)
}

/// Saves a correction with its log line, and tells every board.
#[cfg(feature = "ssr")]
async fn save(
    caller: &Caller,
    live: &LiveRace,
    version: u64,
    change: race_log::Change<'_>,
    what: String,
    why: String,
) -> Result<(), AppError> {
    let db = &caller.state.db;
    let by = &caller.user()?.id;
    tracing::info!(race = %live.id.0, what, why, "race corrected");
    race_log::correct(
        db,
        &live.id,
        version,
        change,
        race_log::Entry { by, what, why },
    )
    .await?;
    changes::record(db, &live.event, None, changes::Results::Race(&live.id)).await;
    Ok(())
}

/// The reason given for a correction, checked.
#[cfg(feature = "ssr")]
fn reason(raw: Option<String>, required: bool) -> Result<String, AppError> {
    Ok(marshal::reason(raw.as_deref().unwrap_or(""), required)?)
}

/// Corrects one lap of a race, or puts a penalty on it, made against `version`. A
/// penalty needs a reason; for the rest it is optional.
#[server(endpoint = "edit_lap", input = Json, output = crate::codec::JsonText)]
pub async fn edit_lap(
    race: RaceId,
    version: u64,
    edit: LapEdit,
    reason: Option<String>,
) -> Result<(), AppError> {
    let caller = require(Action::Operate).await?;
    let why = self::reason(reason, marshal::needs_reason(&edit))?;
    let mut live = correctable(&caller, &race, version).await?;
    let what = edit.describe(&live.race);
    live.race
        .edit(edit)
        .map_err(|e| AppError::invalid("lap", e.to_string()))?;
    let change = race_log::Change {
        race: &live.race,
        racer: None,
        by_proxy: None,
    };
    save(&caller, &live, version, change, what, why).await
}

/// Moves a race to another racer (the wrong racer was picked), with the reason.
#[server(endpoint = "move_race", input = Json, output = crate::codec::JsonText)]
pub async fn move_race(
    race: RaceId,
    version: u64,
    racer: UserId,
    reason: String,
) -> Result<(), AppError> {
    let caller = require(Action::Operate).await?;
    let why = self::reason(Some(reason), true)?;
    let live = correctable(&caller, &race, version).await?;
    let Some(to) = users::session_user(&caller.state.db, &racer.0).await? else {
        return Err(AppError::invalid(
            "racer",
            "That account no longer exists or is disabled: choose another racer.",
        ));
    };
    if to.id == live.racer {
        return Err(AppError::invalid(
            "racer",
            "The race is that racer's already.",
        ));
    }
    let shown = to
        .display_name
        .clone()
        .unwrap_or_else(|| to.username.clone());
    let what = format!("Moved from {} to {shown}", live.racer_name);
    let change = race_log::Change {
        race: &live.race,
        racer: Some(&to.id),
        by_proxy: None,
    };
    save(&caller, &live, version, change, what, why).await
}

/// Says whether someone else raced for the racer, with the reason.
#[server(endpoint = "set_by_proxy", input = Json, output = crate::codec::JsonText)]
pub async fn set_by_proxy(
    race: RaceId,
    version: u64,
    by_proxy: bool,
    reason: String,
) -> Result<(), AppError> {
    let caller = require(Action::Operate).await?;
    let why = self::reason(Some(reason), true)?;
    let live = correctable(&caller, &race, version).await?;
    if live.by_proxy == by_proxy {
        return Err(AppError::Conflict(
            "The race says so already; reload to see the latest.".into(),
        ));
    }
    let what = if by_proxy {
        "Raced by proxy"
    } else {
        "Raced by the racer, not by proxy"
    };
    let change = race_log::Change {
        race: &live.race,
        racer: None,
        by_proxy: Some(by_proxy),
    };
    save(&caller, &live, version, change, what.into(), why).await
}

/// Deletes a race (out of every result, kept to be restored), with the reason.
#[server(endpoint = "delete_race", input = Json, output = crate::codec::JsonText)]
pub async fn delete_race(race: RaceId, version: u64, reason: String) -> Result<(), AppError> {
    let caller = require(Action::Operate).await?;
    let why = self::reason(Some(reason), true)?;
    let mut live = correctable(&caller, &race, version).await?;
    live.race
        .delete()
        .map_err(|e| AppError::Conflict(e.to_string()))?;
    let change = race_log::Change {
        race: &live.race,
        racer: None,
        by_proxy: None,
    };
    save(&caller, &live, version, change, "Deleted".into(), why).await
}

/// Puts a deleted race back into the results, with the reason.
#[server(endpoint = "restore_race", input = Json, output = crate::codec::JsonText)]
pub async fn restore_race(race: RaceId, version: u64, reason: String) -> Result<(), AppError> {
    let caller = require(Action::Operate).await?;
    let why = self::reason(Some(reason), true)?;
    let mut live = correctable(&caller, &race, version).await?;
    live.race
        .restore()
        .map_err(|e| AppError::Conflict(e.to_string()))?;
    let change = race_log::Change {
        race: &live.race,
        racer: None,
        by_proxy: None,
    };
    save(&caller, &live, version, change, "Restored".into(), why).await
}

/// The event's rankings per track and combined.
#[server(endpoint = "get_event_results", input = Json, output = crate::codec::JsonText)]
pub async fn get_event_results(event: EventId) -> Result<EventResults, AppError> {
    let caller = require(Action::Operate).await?;
    let event = events::get(&caller.state.db, &event).await?;
    standings::event_results(&caller.state.db, &event).await
}
