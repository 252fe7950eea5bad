//! "End at zero" (an event's option): a running race ends when its time runs out,
//! without waiting for a key press. The rule is the race's own (`Race::end_if_time_up`);
//! this only wakes at the deadline, stores the end and tells live pages.

use super::state::AppState;
use super::storage::{changes, races};
use crate::error::AppError;
use crate::wire::{LiveRace, RaceId};
use std::time::Duration;

/// Ends `live` at its deadline if it runs under "end at zero". Called after every
/// saved change of a race: a pause or a newer change makes this wake-up do nothing,
/// and the change that resumed the race brings its own.
pub fn watch(state: &AppState, live: &LiveRace) {
    let Some(deadline) = live.race.ends_at_zero_at() else {
        return;
    };
    let (state, id) = (state.clone(), live.id.clone());
    tokio::spawn(async move {
        let wait = deadline.saturating_sub(state.clock.now_ms());
        tokio::time::sleep(Duration::from_millis(wait)).await;
        if let Err(e) = end_if_due(&state, &id).await {
            tracing::warn!(race = %id.0, error = %e, "race not ended at zero");
        }
    });
}

/// At start-up: every open race, whose wake-up the previous run took with it.
pub async fn watch_open_races(state: AppState) {
    match races::open_all(&state.db, state.clock.now_ms()).await {
        Ok(open) => open.iter().for_each(|live| watch(&state, live)),
        Err(e) => tracing::warn!(error = %e, "open races not read for end at zero"),
    }
}

async fn end_if_due(state: &AppState, id: &RaceId) -> Result<(), AppError> {
    // An operator's command at the same moment: read again and retry.
    for _ in 0..3 {
        let now = state.clock.now_ms();
        let mut live = races::get(&state.db, id, now).await?;
        let before = live.race.state;
        if !live.race.end_if_time_up(now) {
            return Ok(());
        }
        match races::save(&state.db, id, live.version, &live.race).await {
            Ok(version) => {
                live.version = version;
                tracing::info!(race = %id.0, "race ended at zero");
                super::cars::race_lights::follow(state, Some(before), &live);
                let change = changes::RaceChange {
                    track: &live.track,
                    race: Some(&live),
                };
                changes::record(&state.db, &live.event, Some(change), changes::Results::Same).await;
                return Ok(());
            }
            Err(AppError::Conflict(_)) => continue,
            Err(e) => return Err(e),
        }
    }
    Ok(())
}
