//! The car on track follows the race: its tail light turns to the racer's colour when
//! the race starts, and to white with the throttle stopped when it ends. Done in the
//! background: a car that fails never holds up the race; its problem shows on the car.

use super::actions::{parse_colour, set_tail_light, stop_for_race_end};
use crate::domain::race::RaceState;
use crate::model::LiveRace;
use crate::ssr::state::AppState;
use crate::ssr::storage::fleets;

/// Tells the track's car about a race that went from `before` to its state now.
pub fn follow(state: &AppState, before: RaceState, live: &LiveRace) {
    let after = live.race.state;
    let started = before == RaceState::Ready && after == RaceState::Running;
    let ended =
        matches!(before, RaceState::Running | RaceState::Paused) && after == RaceState::Over;
    if !started && !ended {
        return;
    }
    let (state, track, colour) = (state.clone(), live.track.clone(), live.racer_colour.clone());
    tokio::spawn(async move {
        let Ok((_, Some(car))) = fleets::of_track(&state.db, &track).await else {
            return;
        };
        let result = if started {
            let rgb = parse_colour(&colour).unwrap_or((255, 255, 255));
            set_tail_light(&state, &car, rgb).await
        } else {
            stop_for_race_end(&state, &car).await
        };
        if let Err(e) = result {
            tracing::warn!(car = %car.0, error = %e, started, "car did not follow the race");
        }
    });
}
