//! The real-time hub: one broadcast channel per track (the race manager's tabs) and
//! one per event (its public pages). Subscribers that fall behind are told so and
//! re-snapshotted by their stream, so a slow client never holds up others or grows
//! memory without bound.
//!
//! The one path to it: a server function that changes something records the change in
//! the database (`storage::changes`); every drem process on that database follows the
//! change feed with a live query (`relay`), reads what is stored now and fans it out
//! to its own subscribers. So a lap recorded through one process reaches pages served
//! by another.

use crate::error::AppError;
use crate::ssr::clock::RaceClock;
use crate::ssr::storage::Db;
use crate::ssr::storage::{changes, races};
use crate::wire::{EventId, LiveRace, OnTrack, PublicUpdate, RaceId, TrackId};
use std::collections::HashMap;
use std::hash::Hash;
use std::sync::Arc;
use std::sync::Mutex;
use tokio::sync::broadcast;

/// Messages buffered per channel for slow subscribers before they must re-snapshot.
const BUFFER: usize = 64;

/// What changed on a track: the race as stored now (`None`: no open race).
#[derive(Debug, Clone)]
pub struct TrackUpdate {
    pub race: Option<LiveRace>,
}

/// A track's race changed (`race: None`: the track is free), with its public message
/// rendered once, with the track's current title: thousands of leaderboards share one
/// serialization, not one each.
#[derive(Debug)]
pub struct RaceNews {
    pub track: TrackId,
    pub race: Option<LiveRace>,
    pub public: Arc<str>,
    /// When this process passed it on (its subscribers' fan-out time starts here).
    pub published: std::time::Instant,
}

impl RaceNews {
    /// The news of `race` on `track` (titled `title`) and its public message.
    pub fn new(track: TrackId, race: Option<LiveRace>, title: &str) -> Self {
        let on_track = race
            .as_ref()
            .filter(|r| r.race.state.is_open())
            .map(|r| OnTrack::of(r, title));
        let update = PublicUpdate::Race {
            on_track,
            track: track.clone(),
        };
        let public =
            serde_json::to_string(&update).unwrap_or_else(|_| r#"{"kind":"reload"}"#.into());
        Self {
            track,
            race,
            public: Arc::from(public),
            published: std::time::Instant::now(),
        }
    }
}

/// A track's queue changed, with the public message of who is next up there.
#[derive(Debug)]
pub struct QueueNews {
    pub track: TrackId,
    pub public: Arc<str>,
    pub published: std::time::Instant,
}

/// What changed in an event. Each subscriber's copy is a reference count, not a copy
/// of the race: at ten thousand subscribers the copies were the fan-out's main cost.
#[derive(Debug, Clone)]
pub enum EventUpdate {
    Race(Arc<RaceNews>),
    /// Results changed: a race was submitted, corrected or deleted (staff pages load
    /// again; public pages get `Board`).
    Results,
    /// A board of the event, computed again after its results changed (and when it
    /// was passed on): every page showing it takes this one frame.
    Board(Arc<super::boards::Board>, std::time::Instant),
    /// A track's queue changed: its public message (who is next up there), rendered
    /// once; the race manager's tabs of that track read the queue again.
    Queue(Arc<QueueNews>),
    /// The change feed was followed again after a drop: pages may have missed
    /// anything, and load it all again.
    Resync,
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

    fn keys(&self) -> Vec<K> {
        let senders = self.senders.lock().unwrap_or_else(|p| p.into_inner());
        senders.keys().cloned().collect()
    }

    fn sender(&self, key: &K) -> broadcast::Sender<T> {
        let mut senders = self.senders.lock().unwrap_or_else(|p| p.into_inner());
        senders
            .entry(key.clone())
            .or_insert_with(|| broadcast::channel(BUFFER).0)
            .clone()
    }
}

/// Channels by track, by event and by model owner, created on first use.
pub struct Hub {
    tracks: Channels<TrackId, TrackUpdate>,
    events: Channels<EventId, EventUpdate>,
    /// "These models changed", by owner id, and under `ALL_MODELS` for operators.
    models: Channels<String, ()>,
    /// "Cars, fleets or timers changed", for the staff pages that show them.
    kit: broadcast::Sender<()>,
    /// Track titles for public messages, read once and forgotten whenever an event's
    /// tracks, rules or details change (a rename reaches open pages with the next race
    /// change).
    titles: Mutex<HashMap<TrackId, String>>,
    /// The leaderboards this process keeps, computed once per change of results.
    pub boards: super::boards::Boards,
    /// This process's metrics (`GET /metrics`).
    pub metrics: crate::ssr::metrics::Metrics,
}

/// The model channel that hears of every owner's changes.
pub const ALL_MODELS: &str = "*";

impl Default for Hub {
    fn default() -> Self {
        let metrics = crate::ssr::metrics::Metrics::default();
        Self {
            boards: super::boards::Boards::new(
                metrics.board_computations.clone(),
                metrics.board_compute_seconds.clone(),
            ),
            metrics,
            tracks: Channels::new(),
            events: Channels::new(),
            models: Channels::new(),
            kit: broadcast::channel(BUFFER).0,
            titles: Mutex::new(HashMap::new()),
        }
    }
}

/// How long a change stays in the feed table; followers see it within milliseconds.
const PRUNE_EVERY: std::time::Duration = std::time::Duration::from_secs(60);

impl Hub {
    /// Starts following the database's change feed for this process: returns once the
    /// live query is registered (so no change made after start-up is missed), then
    /// passes changes on in the background for the life of the process.
    pub async fn start_relay(self: &Arc<Self>, db: Db, clock: RaceClock) -> Result<(), AppError> {
        let feed = changes::follow(&db).await?;
        let hub = Arc::clone(self);
        tokio::spawn(async move { hub.relay(db, clock, feed).await });
        Ok(())
    }

    async fn relay(self: Arc<Self>, db: Db, clock: RaceClock, mut feed: changes::Feed) {
        let mut prune = tokio::time::interval(PRUNE_EVERY);
        loop {
            tokio::select! {
                item = feed.next() => match item {
                    Some(Ok(change)) => self.pass_on(&db, &clock, change).await,
                    Some(Err(e)) => tracing::warn!(error = %e, "change feed item unreadable"),
                    None => {
                        // The database connection dropped: follow again, and have every
                        // page take a fresh snapshot of what it may have missed.
                        tracing::warn!("change feed ended; following it again");
                        feed = loop {
                            match changes::follow(&db).await {
                                Ok(feed) => break feed,
                                Err(_) => tokio::time::sleep(std::time::Duration::from_secs(1)).await,
                            }
                        };
                        self.resync(&db, &clock).await;
                    }
                },
                _ = prune.tick() => {
                    if let Err(e) = changes::prune(&db).await {
                        tracing::warn!(error = %e, "change feed not pruned");
                    }
                }
            }
        }
    }

    /// Fans a change out to this process's subscribers. The race clock of the snapshot
    /// is this process's now, which pages tick from.
    async fn pass_on(self: &Arc<Self>, db: &Db, clock: &RaceClock, change: changes::Change) {
        if change.kit == Some(true) {
            let _ = self.kit.send(());
        }
        if let Some(owner) = change.models {
            let _ = self.models.sender(&owner).send(());
            let _ = self.models.sender(&ALL_MODELS.to_string()).send(());
        }
        let Some(event) = change.event.map(EventId) else {
            return;
        };
        if let Some(track) = change.queue.map(TrackId) {
            self.publish_queue(db, &event, track).await;
        }
        // A race's result changes no title (and a submission's track news, after its
        // board, then goes out at once, in the same write as the board).
        if change.results && change.results_race.is_none() {
            self.titles
                .lock()
                .unwrap_or_else(|p| p.into_inner())
                .clear();
        }
        if let Some(track) = change.track.map(TrackId) {
            let race = match change
                .race
                .map(|json| serde_json::from_str::<LiveRace>(&json))
            {
                None => None,
                Some(Ok(mut live)) => {
                    live.server_now_ms = clock.now_ms();
                    Some(live)
                }
                // Never "the track is free" for a race that could not be read: what is
                // stored now is the truth.
                Some(Err(e)) => {
                    tracing::warn!(error = %e, track = %track.0, "unreadable race in the change feed; reading the stored one");
                    races::open_on(db, &track, clock.now_ms())
                        .await
                        .unwrap_or_else(|e| {
                            tracing::warn!(error = %e, "stored race unreadable too");
                            None
                        })
                }
            };
            if change.results {
                // A submission: the new ranking goes out first, computed while the
                // machine is not yet busy telling every page the track is free.
                self.push_boards(db, &event, change.results_race.map(RaceId))
                    .await;
            }
            let title = self.title_of(db, &track).await;
            self.publish_race(&event, &track, race, &title);
        } else if change.results {
            self.push_boards(db, &event, change.results_race.map(RaceId))
                .await;
        }
        if change.results {
            self.publish_results(&event);
        }
    }

    /// The event's results changed: each board of it this process keeps is computed
    /// again, once, and pushed to its pages. Awaited by the relay, so that the news
    /// after it (the track free again) goes out after the board: a few milliseconds
    /// per change of results.
    async fn push_boards(self: &Arc<Self>, db: &Db, event: &EventId, race: Option<RaceId>) {
        for key in self.boards.results_changed(event, race) {
            match self.boards.get(db, &key).await {
                Ok(board) => {
                    let update = EventUpdate::Board(board, std::time::Instant::now());
                    let _ = self.events.sender(event).send(update);
                }
                Err(e) => tracing::warn!(error = %e, ?key, "board not computed"),
            }
        }
    }

    /// The track's title now (read once per change of the event's tracks).
    async fn title_of(&self, db: &Db, track: &TrackId) -> String {
        let known = self
            .titles
            .lock()
            .unwrap_or_else(|p| p.into_inner())
            .get(track)
            .cloned();
        if let Some(title) = known {
            return title;
        }
        match crate::ssr::storage::events::track(db, track).await {
            Ok(found) => {
                let mut titles = self.titles.lock().unwrap_or_else(|p| p.into_inner());
                titles.insert(track.clone(), found.title.clone());
                found.title
            }
            Err(_) => String::new(),
        }
    }

    /// Every subscriber of this process takes a fresh snapshot.
    async fn resync(self: &Arc<Self>, db: &Db, clock: &RaceClock) {
        for event in self.events.keys() {
            // Whatever changed meanwhile: every kept board is computed again.
            self.boards.results_changed(&event, None);
            let _ = self.events.sender(&event).send(EventUpdate::Resync);
        }
        let _ = self.kit.send(());
        for owner in self.models.keys() {
            let _ = self.models.sender(&owner).send(());
        }
        for track in self.tracks.keys() {
            if let Ok(race) = races::open_on(db, &track, clock.now_ms()).await {
                let _ = self.tracks.sender(&track).send(TrackUpdate { race });
            }
        }
    }

    /// A track's race changed: tells the track's and the event's subscribers.
    fn publish_race(&self, event: &EventId, track: &TrackId, race: Option<LiveRace>, title: &str) {
        let _ = self
            .tracks
            .sender(track)
            .send(TrackUpdate { race: race.clone() });
        let news = RaceNews::new(track.clone(), race, title);
        let _ = self
            .events
            .sender(event)
            .send(EventUpdate::Race(Arc::new(news)));
    }

    /// A track's queue changed: who is next up there now, to the event's subscribers.
    async fn publish_queue(&self, db: &Db, event: &EventId, track: TrackId) {
        let next_up = match super::boards::next_up_on(db, &track).await {
            Ok(next_up) => next_up,
            Err(e) => {
                tracing::warn!(error = %e, track = %track.0, "queue unreadable; not passed on");
                return;
            }
        };
        let update = PublicUpdate::Queue {
            track: track.clone(),
            next_up,
        };
        let public =
            serde_json::to_string(&update).unwrap_or_else(|_| r#"{"kind":"reload"}"#.into());
        let news = QueueNews {
            track,
            public: Arc::from(public),
            published: std::time::Instant::now(),
        };
        let _ = self
            .events
            .sender(event)
            .send(EventUpdate::Queue(Arc::new(news)));
    }

    /// The event's results changed.
    fn publish_results(&self, event: &EventId) {
        let _ = self.events.sender(event).send(EventUpdate::Results);
    }

    /// Subscribes to a track's race from now on.
    pub fn subscribe_track(&self, track: &TrackId) -> broadcast::Receiver<TrackUpdate> {
        self.tracks.sender(track).subscribe()
    }

    /// Subscribes to the changes of `owner`'s models (or `ALL_MODELS`) from now on.
    pub fn subscribe_models(&self, owner: &str) -> broadcast::Receiver<()> {
        self.models.sender(&owner.to_string()).subscribe()
    }

    /// Subscribes to "the kit changed" (cars, fleets, timers) from now on.
    pub fn subscribe_kit(&self) -> broadcast::Receiver<()> {
        self.kit.subscribe()
    }

    /// Subscribes to an event's changes from now on.
    pub fn subscribe_event(&self, event: &EventId) -> broadcast::Receiver<EventUpdate> {
        self.events.sender(event).subscribe()
    }
}
