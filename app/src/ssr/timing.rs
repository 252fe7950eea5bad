//! Lap timer crossings applied to races. A crossing is claimed in storage before it
//! touches a race, so a resend after a reconnect never counts twice; its time is the
//! timer's own stamp on the race clock, so lap times are differences of the timer's
//! stamps, never of arrival times.

use super::state::AppState;
use super::storage::timers::{self, Crossing};
use super::storage::{changes, races};
use crate::domain::race::{Command, RaceError, RaceState};
use crate::error::AppError;
use crate::model::TrackId;

/// How often a crossing is retried when an operator's command changed the race at the
/// same moment (each retry reads the race again).
const RETRIES: usize = 3;

/// Records a crossing and applies it to the open race on each track the timer times.
/// Returns what it did, in words for the log; `None` when it was a resend.
pub async fn handle(state: &AppState, crossing: &Crossing<'_>) -> Result<Option<String>, AppError> {
    let db = &state.db;
    if !timers::claim(db, crossing).await? {
        return Ok(None);
    }
    let mut outcomes = Vec::new();
    for track in timers::tracks_of(db, crossing.timer).await? {
        outcomes.push(apply_on(state, &track, crossing.race_ms).await);
    }
    let outcome = if outcomes.is_empty() {
        "no track uses this timer".to_string()
    } else {
        outcomes.join("; ")
    };
    timers::set_outcome(db, crossing, &outcome).await?;
    Ok(Some(outcome))
}

/// Applies a crossing at `at` (race clock) to the track's open race.
async fn apply_on(state: &AppState, track: &TrackId, at: u64) -> String {
    for _ in 0..RETRIES {
        let now = state.clock.now_ms();
        let live = match races::open_on(&state.db, track, now).await {
            Ok(Some(live)) => live,
            Ok(None) => return format!("{}: no race", track.0),
            Err(e) => return format!("{}: {e}", track.0),
        };
        let mut race = live.race.clone();
        let before = race.state;
        match race.apply(Command::Crossing, at) {
            Ok(()) => {}
            Err(RaceError::StaleCrossing) => {
                return format!("{}: before the race's last action", track.0)
            }
            Err(e) => return format!("{}: {e}", track.0),
        }
        match races::save(&state.db, &live.id, live.version, &race).await {
            Ok(version) => {
                let mut saved = live;
                saved.race = race;
                saved.version = version;
                let change = changes::RaceChange {
                    track,
                    race: Some(&saved),
                };
                let over = saved.race.state == RaceState::Over;
                super::cars::race_lights::follow(state, before, &saved);
                changes::record(&state.db, &saved.event, Some(change), false).await;
                tracing::info!(race = %saved.id.0, at, ?before, over, "timer crossing");
                return format!("{}: {}", track.0, describe(before));
            }
            Err(AppError::Conflict(_)) => continue,
            Err(e) => return format!("{}: {e}", track.0),
        }
    }
    format!("{}: the race kept changing; crossing not applied", track.0)
}

fn describe(before: RaceState) -> &'static str {
    match before {
        RaceState::Ready => "race started",
        RaceState::Paused => "race resumed",
        _ => "lap",
    }
}
