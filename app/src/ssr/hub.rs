//! The real-time hub: one broadcast channel per track (the race manager's tabs) and
//! one per event (its public pages), fed after every stored change. Subscribers that
//! fall behind are told so and re-snapshotted by their stream, so a slow client never
//! holds up others or grows memory without bound.

use crate::model::{EventId, LiveRace, TrackId};
use std::collections::HashMap;
use std::hash::Hash;
use std::sync::Mutex;
use tokio::sync::broadcast;

/// Messages buffered per channel for slow subscribers before they must re-snapshot.
const BUFFER: usize = 64;

/// What changed on a track: the race as stored now (`None`: no open race).
#[derive(Debug, Clone)]
pub struct TrackUpdate {
    pub race: Option<LiveRace>,
}

/// What changed in an event.
#[derive(Debug, Clone)]
pub enum EventUpdate {
    /// A track's race changed (`None`: the track is free).
    Race {
        track: TrackId,
        race: Option<LiveRace>,
    },
    /// Results changed: a race was submitted, corrected or deleted.
    Results,
}

struct Channels<K, T> {
    senders: Mutex<HashMap<K, broadcast::Sender<T>>>,
}

impl<K: Eq + Hash + Clone, T: Clone> Channels<K, T> {
    fn new() -> Self {
        Self {
            senders: Mutex::new(HashMap::new()),
        }
    }

    fn sender(&self, key: &K) -> broadcast::Sender<T> {
        let mut senders = self.senders.lock().unwrap_or_else(|p| p.into_inner());
        senders
            .entry(key.clone())
            .or_insert_with(|| broadcast::channel(BUFFER).0)
            .clone()
    }
}

/// Channels by track and by event, created on first use.
pub struct Hub {
    tracks: Channels<TrackId, TrackUpdate>,
    events: Channels<EventId, EventUpdate>,
}

impl Default for Hub {
    fn default() -> Self {
        Self {
            tracks: Channels::new(),
            events: Channels::new(),
        }
    }
}

impl Hub {
    /// A track's race changed: tells the track's and the event's subscribers.
    pub fn publish_race(&self, event: &EventId, track: &TrackId, race: Option<LiveRace>) {
        let _ = self
            .tracks
            .sender(track)
            .send(TrackUpdate { race: race.clone() });
        let _ = self.events.sender(event).send(EventUpdate::Race {
            track: track.clone(),
            race,
        });
    }

    /// The event's results changed.
    pub fn publish_results(&self, event: &EventId) {
        let _ = self.events.sender(event).send(EventUpdate::Results);
    }

    /// Subscribes to a track's race from now on.
    pub fn subscribe_track(&self, track: &TrackId) -> broadcast::Receiver<TrackUpdate> {
        self.tracks.sender(track).subscribe()
    }

    /// Subscribes to an event's changes from now on.
    pub fn subscribe_event(&self, event: &EventId) -> broadcast::Receiver<EventUpdate> {
        self.events.sender(event).subscribe()
    }
}
