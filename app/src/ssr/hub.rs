//! The real-time hub: one broadcast channel per track, fed after every stored race
//! change. Subscribers that fall behind are told so (and re-snapshotted by the
//! stream), so a slow client never holds up others or grows memory without bound.

use crate::model::{LiveRace, TrackId};
use std::collections::HashMap;
use std::sync::Mutex;
use tokio::sync::broadcast;

/// Messages buffered per track for slow subscribers before they must re-snapshot.
const BUFFER: usize = 64;

/// What changed on a track: the race as stored now (`None`: no open race).
#[derive(Debug, Clone)]
pub struct TrackUpdate {
    pub race: Option<LiveRace>,
}

/// Channels by track, created on first use.
#[derive(Default)]
pub struct Hub {
    tracks: Mutex<HashMap<TrackId, broadcast::Sender<TrackUpdate>>>,
}

impl Hub {
    fn sender(&self, track: &TrackId) -> broadcast::Sender<TrackUpdate> {
        let mut tracks = self.tracks.lock().unwrap_or_else(|p| p.into_inner());
        tracks
            .entry(track.clone())
            .or_insert_with(|| broadcast::channel(BUFFER).0)
            .clone()
    }

    /// Tells every subscriber of `track` (no subscriber: nothing to do).
    pub fn publish(&self, track: &TrackId, race: Option<LiveRace>) {
        let _ = self.sender(track).send(TrackUpdate { race });
    }

    /// Subscribes to `track`'s changes from now on.
    pub fn subscribe(&self, track: &TrackId) -> broadcast::Receiver<TrackUpdate> {
        self.sender(track).subscribe()
    }
}
