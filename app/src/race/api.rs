//! Server functions of the race manager. The server owns every race: each command is
//! applied at the server's race-clock time and stored before it is answered.

use crate::domain::race::Command;
use crate::error::AppError;
use crate::wire::{EventId, LiveRace, RaceDesk, RaceId, TrackId, UserId};
use leptos::prelude::*;
use server_fn::codec::Json;

#[cfg(feature = "ssr")]
use crate::{
    domain::{
        race::{Race, RaceState},
        roles::Action,
    },
    ssr::{
        guard::require, storage::changes, storage::current_track, storage::events, storage::races,
        storage::users,
    },
};

/// The track's event, rules and open race.
#[server(endpoint = "get_race_desk", input = Json, output = crate::codec::JsonText)]
pub async fn get_race_desk(track: TrackId) -> Result<RaceDesk, AppError> {
    let caller = require(Action::Operate).await?;
    let db = &caller.state.db;
    let track = events::track(db, &track).await?;
    let event = events::get(db, &track.event).await?;
    let now = caller.state.clock.now_ms();
    remember_track(&caller, &track.id).await;
    Ok(RaceDesk {
        rules: event.rules_for(&track.id),
        race: races::open_on(db, &track.id, now).await?,
        server_now_ms: now,
        event,
        track,
    })
}

/// Keeps `track` as the caller's current track (a failure only costs the convenience).
#[cfg(feature = "ssr")]
pub(crate) async fn remember_track(caller: &crate::ssr::guard::Caller, track: &TrackId) {
    let Ok(user) = caller.user() else {
        return;
    };
    if let Err(e) = current_track::set(&caller.state.db, &user.id, track).await {
        tracing::warn!(error = %e, "could not remember the current track");
    }
}

/// The event and track this staff member last timed or commented, if any (on any
/// device, across sign-ins).
#[server(endpoint = "get_current_choice", input = Json, output = crate::codec::JsonText)]
pub async fn get_current_choice() -> Result<Option<(EventId, TrackId)>, AppError> {
    let caller = require(Action::Commentate).await?;
    current_track::get(&caller.state.db, &caller.user()?.id).await
}

/// Runs each racer has used on a track, for the racer picker.
#[server(endpoint = "get_track_runs", input = Json, output = crate::codec::JsonText)]
pub async fn get_track_runs(track: TrackId) -> Result<Vec<(UserId, u32)>, AppError> {
    let caller = require(Action::Operate).await?;
    races::runs_per_racer(&caller.state.db, &track).await
}

/// Puts a racer on the track: a race ready to start under the rules in force now.
/// A racer who used all runs needs `override_runs`, which is recorded.
#[server(endpoint = "start_race", input = Json, output = crate::codec::JsonText)]
pub async fn start_race(
    track: TrackId,
    racer: UserId,
    by_proxy: bool,
    override_runs: bool,
) -> Result<LiveRace, AppError> {
    let caller = require(Action::Operate).await?;
    let operator = caller.user()?.username.clone();
    let db = &caller.state.db;
    let track = events::track(db, &track).await?;
    let event = events::get(db, &track.event).await?;
    if users::session_user(db, &racer.0).await?.is_none() {
        return Err(AppError::NotFound("Racer".into()));
    }
    let rules = event.rules_for(&track.id);
    let used = races::runs_used(db, &track.id, &racer).await?;
    let out_of_runs = rules.runs_per_racer.is_some_and(|allowed| used >= allowed);
    if out_of_runs && !override_runs {
        return Err(AppError::Conflict(format!(
            "This racer has used all {used} runs on this track. An operator may allow one more."
        )));
    }
    let race = Race::new(rules).opened_at(caller.state.clock.now_ms());
    let id = races::create(
        db,
        races::NewRace {
            event: &event.id,
            track: &track.id,
            racer: &racer,
            by_proxy,
            runs_override_by: out_of_runs.then_some(operator.clone()),
            race: &race,
        },
    )
    .await?;
    tracing::info!(race = %id.0, track = %track.id.0, racer = %racer.0, by_proxy, "race ready");
    let live = races::get(db, &id, caller.state.clock.now_ms()).await?;
    crate::ssr::cars::race_lights::follow(&caller.state, None, &live);
    let change = changes::RaceChange {
        track: &track.id,
        race: Some(&live),
    };
    changes::record(db, &live.event, Some(change), changes::Results::Same).await;
    // On track now: no longer waiting in this track's queue.
    if crate::ssr::storage::queues::remove(db, &track.id, &racer).await? {
        changes::record_queue(db, &live.event, &track.id).await;
    }
    Ok(live)
}

/// Applies one race command made against `version` of the race.
#[server(endpoint = "race_command", input = Json, output = crate::codec::JsonText)]
pub async fn race_command(
    race: RaceId,
    version: u64,
    command: Command,
) -> Result<LiveRace, AppError> {
    let caller = require(Action::Operate).await?;
    let db = &caller.state.db;
    let now = caller.state.clock.now_ms();
    let mut live = races::get(db, &race, now).await?;
    let before = live.race.state;
    if live.version != version {
        return Err(AppError::Conflict(
            "The race changed in another tab or device; the page now shows the latest state."
                .into(),
        ));
    }
    live.race
        .apply(command, now)
        .map_err(|e| AppError::Conflict(e.to_string()))?;
    live.version = races::save(db, &race, version, &live.race).await?;
    tracing::info!(race = %race.0, ?command, "race command");
    crate::ssr::cars::race_lights::follow(&caller.state, Some(before), &live);
    crate::ssr::race_end::watch(&caller.state, &live);
    let state = live.race.state;
    let done = !state.is_open();
    let change = changes::RaceChange {
        track: &live.track,
        race: (!done).then_some(&live),
    };
    let results = if state == RaceState::Submitted {
        changes::Results::Race(&race)
    } else {
        changes::Results::Same
    };
    changes::record(db, &live.event, Some(change), results).await;
    Ok(live)
}
