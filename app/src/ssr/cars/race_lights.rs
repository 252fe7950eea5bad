//! The car on track follows the race: its tail light turns to the racer's colour when
//! the racer is put on the track (or an undo reopens the race), before the car drives,
//! since changing the light stops the car (see `actions::show_colour`); and when the
//! race ends the car is stopped and its light turns white. Done in the background: a car that fails never holds up the race; its
//! problem shows on the car. The latest change of a track wins: changes are numbered as
//! they happen and applied one at a time per track, skipping any that a newer one
//! replaced, so a slow car never ends up showing an older state.

use super::actions::{parse_colour, set_tail_light, stop_for_race_end};
use crate::domain::race::RaceState;
use crate::ssr::state::AppState;
use crate::ssr::storage::fleets;
use crate::wire::{LiveRace, TrackId};
use std::collections::HashMap;
use std::sync::{Arc, Mutex};

/// A lock taken while a track's change is sent.
type SendLock = Arc<tokio::sync::Mutex<()>>;

/// Per track: the number of its latest change, and its send lock.
#[derive(Default)]
pub struct Lights {
    tracks: Mutex<HashMap<TrackId, (u64, SendLock)>>,
}

impl Lights {
    /// Numbers a new change of `track`: its number and the track's lock.
    fn next(&self, track: &TrackId) -> (u64, SendLock) {
        let mut tracks = self.tracks.lock().unwrap_or_else(|p| p.into_inner());
        let entry = tracks.entry(track.clone()).or_default();
        entry.0 += 1;
        (entry.0, Arc::clone(&entry.1))
    }

    fn is_latest(&self, track: &TrackId, number: u64) -> bool {
        let tracks = self.tracks.lock().unwrap_or_else(|p| p.into_inner());
        tracks
            .get(track)
            .is_some_and(|(latest, _)| *latest == number)
    }
}

/// Tells the track's car about a race that went from `before` (`None`: the race was
/// just opened) to its state now.
pub fn follow(state: &AppState, before: Option<RaceState>, live: &LiveRace) {
    let after = live.race.state;
    let started = match before {
        None => after == RaceState::Ready,
        Some(before) => {
            before == RaceState::Over && matches!(after, RaceState::Running | RaceState::Paused)
        }
    };
    let ended =
        matches!(before, Some(RaceState::Running | RaceState::Paused)) && after == RaceState::Over;
    if !started && !ended {
        return;
    }
    let (number, lock) = state.cars.lights.next(&live.track);
    let (state, track, colour) = (state.clone(), live.track.clone(), live.racer_colour.clone());
    tokio::spawn(async move {
        let _turn = lock.lock().await;
        if !state.cars.lights.is_latest(&track, number) {
            return;
        }
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
