//! Lap timer crossings applied to races. A crossing is claimed in storage before it
//! touches a race, so a resend after a reconnect never counts twice, and one stored
//! but not applied (drem stopped, the race kept changing) is applied when it is sent
//! again. Its time is the timer's own stamp on the race clock, so lap times are
//! differences of the timer's stamps, never of arrival times.

use super::state::AppState;
use super::storage::crossings::{self, Claim, Crossing};
use super::storage::timers;
use super::storage::{changes, events, races};
use crate::domain::race::{Command, RaceError, RaceState};
use crate::error::AppError;
use crate::wire::TrackId;

/// How often a crossing is retried when an operator's command changed the race at the
/// same moment (each retry reads the race again).
const RETRIES: usize = 3;

/// Records a crossing and applies it to the open race on each track the timer times.
/// Returns what it did, in words; `None` when it was applied before. An error means it
/// was not applied and must not be acknowledged (the timer sends it again).
pub async fn handle(state: &AppState, crossing: &Crossing<'_>) -> Result<Option<String>, AppError> {
    let db = &state.db;
    if crossings::claim(db, crossing).await? == Claim::Done {
        return Ok(None);
    }
    let mut outcomes = Vec::new();
    for track in timers::tracks_of(db, crossing.timer).await? {
        let title = events::track(db, &track)
            .await
            .map(|t| t.title)
            .unwrap_or_else(|_| track.0.clone());
        match apply_on(state, &track, crossing.race_ms).await {
            Ok(outcome) => outcomes.push(format!("{title}: {outcome}")),
            Err(reason) => {
                tracing::warn!(track = %track.0, seq = crossing.seq, reason, "crossing not applied yet");
                return Err(AppError::Conflict(reason));
            }
        }
    }
    let outcome = if outcomes.is_empty() {
        "no track uses this timer".to_string()
    } else {
        outcomes.join("; ")
    };
    crossings::set_outcome(db, crossing, &outcome).await?;
    changes::record_kit(db).await;
    Ok(Some(outcome))
}

/// Applies a crossing at `at` (race clock) to the track's open race: what it did, or
/// why it must be tried again.
async fn apply_on(state: &AppState, track: &TrackId, at: u64) -> Result<String, String> {
    for _ in 0..RETRIES {
        let now = state.clock.now_ms();
        let live = match races::open_on(&state.db, track, now).await {
            Ok(Some(live)) => live,
            Ok(None) => return Ok("no race on track, not counted".into()),
            Err(e) => return Err(e.to_string()),
        };
        let mut race = live.race.clone();
        let before = race.state;
        match race.apply(Command::Crossing, at) {
            Ok(()) => {}
            Err(RaceError::StaleCrossing) => {
                return Ok("not counted: it happened before the race's last action".into())
            }
            Err(e) => return Ok(format!("not counted: {e}")),
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
                changes::record(
                    &state.db,
                    &saved.event,
                    Some(change),
                    changes::Results::Same,
                )
                .await;
                super::cars::race_lights::follow(state, Some(before), &saved);
                super::race_end::watch(state, &saved);
                tracing::info!(race = %saved.id.0, at, ?before, "timer crossing");
                return Ok(describe(before).into());
            }
            Err(AppError::Conflict(_)) => continue,
            Err(e) => return Err(e.to_string()),
        }
    }
    Err("the race kept changing".into())
}

fn describe(before: RaceState) -> &'static str {
    match before {
        RaceState::Ready => "race started",
        RaceState::Paused => "race resumed",
        _ => "lap",
    }
}
