//! What the commentator view receives: the racer on track with their earlier runs,
//! the other racers' results to place the run among, and the event's lap records.

use super::{EventId, TrackId};
use serde::{Deserialize, Serialize};

/// A track the commentator can follow.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct TrackChoice {
    pub event: EventId,
    pub event_name: String,
    pub track: TrackId,
    pub track_title: String,
}

/// One earlier (submitted) run of the racer on track.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct PastRun {
    pub track_title: String,
    pub submitted_at: String,
    pub laps: u32,
    pub valid_laps: u32,
    pub fastest_lap_ms: Option<u64>,
    pub best_average_ms: Option<u64>,
}

/// A lap time and who drove it.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct LapHolder {
    pub name: String,
    pub time_ms: u64,
}

/// The racer on track, as the commentator needs them.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct RacerOnTrack {
    /// Their public handle: the live race on track names the same one.
    pub handle: String,
    pub name: String,
    pub country: String,
    pub colour: String,
    /// Their place on this track's leaderboard before this run (`None`: no time yet).
    pub position: Option<u32>,
    /// Their ranked result on this track before this run.
    pub result_ms: Option<u64>,
    /// Their fastest valid lap on this track before this run (the chart's green).
    pub fastest_lap_ms: Option<u64>,
    /// Earlier runs in this event, oldest first.
    pub runs: Vec<PastRun>,
}

/// The commentator's background for one track.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Commentary {
    pub event: EventId,
    pub event_name: String,
    pub track_title: String,
    pub ranking: crate::domain::rules::Ranking,
    pub racer: Option<RacerOnTrack>,
    /// Ranked results of every other racer on this track, best first.
    pub others_ms: Vec<u64>,
    /// The event's fastest and slowest valid laps, over all its tracks.
    pub fastest: Option<LapHolder>,
    pub slowest: Option<LapHolder>,
}
