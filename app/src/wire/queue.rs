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
