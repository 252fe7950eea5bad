//! Server functions for lap timers.

use crate::error::AppError;
use crate::wire::{NewTimer, TimerId, TimerInfo, TrackId};
use leptos::prelude::*;
use server_fn::codec::Json;

#[cfg(feature = "ssr")]
use crate::{
    domain::roles::Action,
    ssr::{guard::require, storage::changes, storage::events, storage::timers, tokens},
};

/// The longest timer name.
pub use crate::cars::api::MAX_NAME;

/// Every timer that was not revoked.
#[server(endpoint = "list_timers", input = Json, output = crate::codec::JsonText)]
pub async fn list_timers() -> Result<Vec<TimerInfo>, AppError> {
    let caller = require(Action::Operate).await?;
    timers::list(&caller.state.db).await
}

/// Pairs a new timer: its token is in the answer, once.
#[server(endpoint = "create_timer", input = Json, output = crate::codec::JsonText)]
pub async fn create_timer(name: String) -> Result<NewTimer, AppError> {
    let caller = require(Action::Operate).await?;
    let name = crate::cars::api::valid_name(&name, "timer")?;
    let token = format!("drem-timer-{}", tokens::new_secret());
    let db = &caller.state.db;
    let id = timers::create(db, &name, &tokens::hash(&token)).await?;
    tracing::info!(timer = %id.0, %name, "timer created");
    changes::record_kit(db).await;
    Ok(NewTimer {
        timer: timers::get(db, &id).await?,
        token,
    })
}

/// Revokes a timer: its token is refused at once, also on an open connection.
#[server(endpoint = "revoke_timer", input = Json, output = crate::codec::JsonText)]
pub async fn revoke_timer(timer: TimerId) -> Result<(), AppError> {
    let caller = require(Action::Operate).await?;
    timers::revoke(&caller.state.db, &timer).await?;
    tracing::info!(timer = %timer.0, "timer revoked");
    changes::record_kit(&caller.state.db).await;
    Ok(())
}

/// The timer a track uses, if any.
#[server(endpoint = "get_track_timer", input = Json, output = crate::codec::JsonText)]
pub async fn get_track_timer(track: TrackId) -> Result<Option<TimerInfo>, AppError> {
    let caller = require(Action::Operate).await?;
    let db = &caller.state.db;
    events::track(db, &track).await?;
    match timers::of_track(db, &track).await? {
        Some(id) => Ok(Some(timers::get(db, &id).await?)),
        None => Ok(None),
    }
}

/// Chooses the timer that times a track (`None`: timed by hand only).
#[server(endpoint = "set_track_timer", input = Json, output = crate::codec::JsonText)]
pub async fn set_track_timer(track: TrackId, timer: Option<TimerId>) -> Result<(), AppError> {
    let caller = require(Action::Operate).await?;
    let db = &caller.state.db;
    events::track(db, &track).await?;
    if let Some(timer) = &timer {
        if timers::is_revoked(db, timer).await? {
            return Err(AppError::NotFound("Timer".into()));
        }
    }
    timers::set_for_track(db, &track, timer.as_ref()).await?;
    changes::record_kit(db).await;
    Ok(())
}
