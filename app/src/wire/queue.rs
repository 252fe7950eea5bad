//! Check-in and the tracks' queues, as staff pages show them, and who is next as the
//! public sees it.

use super::{EventId, TrackId, UserId};
use crate::domain::checkin::CheckinFlag;
use serde::{Deserialize, Serialize};

/// The check-in desk's sheet of an event: its steps, and every racer with the steps
/// they have done.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct CheckinSheet {
    pub event: EventId,
    pub flags: Vec<CheckinFlag>,
    pub tracks: Vec<(TrackId, String)>,
    pub racers: Vec<CheckinRow>,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct CheckinRow {
    pub racer: UserId,
    pub username: String,
    /// The name shown (display name, else username).
    pub name: String,
    pub country: String,
    pub done: Vec<String>,
    /// The tracks whose queue they wait in.
    pub queued_on: Vec<TrackId>,
}

/// One racer waiting on a track.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct QueueEntry {
    pub racer: UserId,
    pub name: String,
    pub username: String,
    /// The required check-in steps they still lack.
    pub missing: Vec<String>,
    /// Queued by an operator over missing steps: which, and by whom.
    pub overridden: Option<String>,
}

/// A track's queue, first first.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct TrackQueue {
    pub track: TrackId,
    pub entries: Vec<QueueEntry>,
}

/// A racer next up on a track, as public pages show them.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct NextUp {
    pub track: TrackId,
    pub handle: String,
    pub name: String,
}

/// How many racers public pages show as next up on each track.
pub const NEXT_UP_SHOWN: usize = 3;

/// A racer's own race day at one event, for their phone: where they wait and when
/// they may race, and their races so far. Their live position comes from the event's
/// public board, found by `handle`.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct MyRaceDay {
    /// The event shown, and every event they wait in or raced at (newest first).
    pub event: Option<(EventId, String)>,
    pub events: Vec<(EventId, String)>,
    /// Their public handle, as on the boards.
    pub handle: String,
    pub places: Vec<MyPlace>,
    pub tracks: Vec<(TrackId, String)>,
    pub races: Vec<super::RaceSummary>,
}

/// Where a racer waits on one track.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct MyPlace {
    pub track: TrackId,
    pub track_title: String,
    /// 1: next.
    pub position: u32,
    pub waiting: u32,
    /// A race is on this track now.
    pub race_on_track: bool,
    /// Until their turn, estimated from `turn_ms`.
    pub wait_ms: u64,
    /// One turn on this track: measured today, or the race time and a minute.
    pub turn_ms: u64,
    pub turn_measured: bool,
}
