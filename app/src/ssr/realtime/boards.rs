//! Leaderboards computed once per change, not once per viewer.
//!
//! Each process keeps the boards its pages asked for (an event, one track or all, a
//! format), each with the version of the event's results it was computed from. When the
//! results change (a race submitted, corrected, deleted; rules or tracks edited), the
//! hub bumps the version and recomputes every kept board of that event once, then
//! pushes it to that board's subscribers as one shared frame. A page loading or
//! reconnecting gets the kept board of the current version; only a board nobody asked
//! for since the change is computed, once however many ask at the same moment.
//!
//! The event and its submitted races are kept too: read whole once, then only the race
//! a change names is read again (a submission, a correction, a deletion), so a change
//! costs one race's read and the ranking, not every race's read. Any other change of
//! the event's results (its tracks, rules, a racer's name) reads it all again.

use crate::domain::names;
use crate::domain::rules::BoardFormat;
use crate::error::AppError;
use crate::ssr::handle;
use crate::ssr::standings::{self, EventRaces};
use crate::ssr::storage::Db;
use crate::ssr::storage::{events, races};
use crate::wire::{
    BoardDelta, BoardRow, Event, EventId, Leaderboard, NamedStanding, NextUp, OnTrack,
    PublicUpdate, RaceId, TrackId, NEXT_UP_SHOWN,
};
use std::collections::HashMap;
use std::sync::{Arc, Mutex};

/// Which board: an event's, of one track (or all), in a format (or the event's own).
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub struct BoardKey {
    pub event: EventId,
    pub track: Option<TrackId>,
    pub format: Option<BoardFormat>,
}

/// A computed board: standings only (who is on track is added per request), and its
/// frames for the live streams, rendered once: the whole board, and its change from
/// the version kept before it (when that is smaller), for viewers holding that one.
#[derive(Debug)]
pub struct Board {
    pub key: BoardKey,
    pub board: Leaderboard,
    pub frame: Arc<str>,
    pub delta: Option<(u64, Arc<str>)>,
}

/// The boards this process keeps, and the version of each event's results.
pub struct Boards {
    kept: Mutex<HashMap<BoardKey, Arc<Board>>>,
    versions: Mutex<HashMap<EventId, u64>>,
    /// One computation of a board at a time; others wait for it and take its result.
    computing: Mutex<HashMap<BoardKey, Arc<tokio::sync::Mutex<()>>>>,
    /// Each event and its races as last read (one reader at a time), and what changed
    /// since.
    races: Mutex<HashMap<EventId, Slot>>,
    stale: Mutex<HashMap<EventId, Stale>>,
    /// Boards computed (`drem_board_computations_total`).
    computed: metrics::Counter,
    /// How long each took, reads and frames included (`drem_board_compute_seconds`).
    compute_seconds: metrics::Histogram,
}

fn lock<T>(m: &Mutex<T>) -> std::sync::MutexGuard<'_, T> {
    m.lock().unwrap_or_else(|p| p.into_inner())
}

impl Boards {
    /// No board yet; each one computed is counted on `computed`, its time on
    /// `compute_seconds`.
    pub fn new(computed: metrics::Counter, compute_seconds: metrics::Histogram) -> Self {
        Self {
            kept: Mutex::default(),
            versions: Mutex::default(),
            computing: Mutex::default(),
            races: Mutex::default(),
            stale: Mutex::default(),
            computed,
            compute_seconds,
        }
    }

    /// The version of `event`'s results in this process.
    pub fn version(&self, event: &EventId) -> u64 {
        lock(&self.versions).get(event).copied().unwrap_or(0)
    }

    fn current(&self, key: &BoardKey) -> Option<Arc<Board>> {
        let version = self.version(&key.event);
        lock(&self.kept)
            .get(key)
            .filter(|b| b.board.version == version)
            .cloned()
    }

    /// The board `key` at the current version: kept, or computed now (once, however
    /// many ask at the same time).
    pub async fn get(&self, db: &Db, key: &BoardKey) -> Result<Arc<Board>, AppError> {
        if let Some(board) = self.current(key) {
            return Ok(board);
        }
        let turn = Arc::clone(lock(&self.computing).entry(key.clone()).or_default());
        let _turn = turn.lock().await;
        if let Some(board) = self.current(key) {
            return Ok(board);
        }
        let started = std::time::Instant::now();
        let version = self.version(&key.event);
        let before = lock(&self.kept).get(key).cloned();
        let results = self.results(db, &key.event).await?;
        let mut board = compute(key, &results)?;
        board.version = version;
        self.computed.increment(1);
        let frame = frame(key, &board, false);
        let delta = before
            .filter(|b| b.board.version < version)
            .and_then(|b| delta_frame(key, &b.board, &board, frame.len()));
        let board = Arc::new(Board {
            key: key.clone(),
            board,
            frame,
            delta,
        });
        self.compute_seconds.record(started.elapsed().as_secs_f64());
        let mut kept = lock(&self.kept);
        // A change that came during the computation makes a newer one: keep the newest.
        if kept.get(key).is_none_or(|old| old.board.version <= version) {
            kept.insert(key.clone(), Arc::clone(&board));
        }
        Ok(board)
    }

    /// `event`'s results changed (`race`'s alone, when named): a new version. Returns
    /// the boards of the event this process keeps, to compute again and push.
    pub fn results_changed(&self, event: &EventId, race: Option<RaceId>) -> Vec<BoardKey> {
        *lock(&self.versions).entry(event.clone()).or_default() += 1;
        // Only the races of an event already read can go stale.
        if lock(&self.races).contains_key(event) {
            let mut stale = lock(&self.stale);
            match (
                stale
                    .entry(event.clone())
                    .or_insert(Stale::Races(Vec::new())),
                race,
            ) {
                (Stale::Races(ids), Some(race)) => ids.push(race),
                (any, _) => *any = Stale::All,
            }
        }
        lock(&self.kept)
            .keys()
            .filter(|k| k.event == *event)
            .cloned()
            .collect()
    }
}

/// An event's results as read last, one reader at a time.
type Slot = Arc<tokio::sync::Mutex<Option<Arc<Results>>>>;

/// What an event's boards are computed from.
struct Results {
    event: Event,
    races: EventRaces,
}

/// What changed in an event's races since they were last read.
enum Stale {
    Races(Vec<RaceId>),
    All,
}

impl Boards {
    /// `event` and its races now: those kept, with what changed since read again.
    async fn results(&self, db: &Db, event: &EventId) -> Result<Arc<Results>, AppError> {
        let slot = Arc::clone(lock(&self.races).entry(event.clone()).or_default());
        let mut slot = slot.lock().await;
        // Taken with the slot held: a change from now on is read by the next caller.
        let stale = lock(&self.stale).remove(event);
        let results = match (slot.take(), stale) {
            (Some(kept), None) => kept,
            (Some(kept), Some(Stale::Races(ids))) => Arc::new(Results {
                event: kept.event.clone(),
                races: kept.races.with_read_again(db, &ids).await?,
            }),
            (_, _) => Arc::new(Results {
                event: events::get(db, event).await?,
                races: EventRaces::read(db, event).await?,
            }),
        };
        *slot = Some(Arc::clone(&results));
        Ok(results)
    }
}

/// A board's frame for the live stream: standings only (`snapshot: false`), or with
/// who is on track (a connection's first message).
pub fn frame(key: &BoardKey, board: &Leaderboard, snapshot: bool) -> Arc<str> {
    let update = PublicUpdate::Board {
        track: key.track.clone(),
        format: key.format,
        board: board.clone(),
        snapshot,
    };
    Arc::from(serde_json::to_string(&update).unwrap_or_else(|_| r#"{"kind":"reload"}"#.into()))
}

/// The change from `before` to `board` as a frame, with the version it applies to;
/// `None` when it is no smaller than the whole board's frame (`whole` bytes).
fn delta_frame(
    key: &BoardKey,
    before: &Leaderboard,
    board: &Leaderboard,
    whole: usize,
) -> Option<(u64, Arc<str>)> {
    let update = PublicUpdate::BoardDelta {
        track: key.track.clone(),
        format: key.format,
        delta: BoardDelta::between(before, board),
    };
    let json = serde_json::to_string(&update).ok()?;
    (json.len() < whole).then(|| (before.version, Arc::from(json)))
}

/// Who is on the board's track(s) now.
pub async fn on_track(db: &Db, board: &Leaderboard, now_ms: u64) -> Result<Vec<OnTrack>, AppError> {
    let mut on_track = Vec::new();
    for (track, title) in &board.tracks {
        let shown = board.combined || board.shown_track.as_ref() == Some(track);
        if shown {
            if let Some(live) = races::open_on(db, track, now_ms).await? {
                on_track.push(OnTrack::of(&live, title));
            }
        }
    }
    Ok(on_track)
}

/// Who is next up on the board's track(s), read now (the first few of each queue).
pub async fn next_up(db: &Db, board: &Leaderboard) -> Result<Vec<NextUp>, AppError> {
    let mut next = Vec::new();
    for (track, _) in &board.tracks {
        if board.combined || board.shown_track.as_ref() == Some(track) {
            next.extend(next_up_on(db, track).await?);
        }
    }
    Ok(next)
}

/// The first few racers waiting on `track`, as public pages show them.
pub async fn next_up_on(db: &Db, track: &TrackId) -> Result<Vec<NextUp>, AppError> {
    let first: Vec<_> = crate::ssr::storage::queues::waiting(db, track)
        .await?
        .into_iter()
        .take(NEXT_UP_SHOWN)
        .map(|w| (handle::of(&w.racer), w))
        .collect();
    // Two of the same name waiting are told apart as on the board.
    let shown = names::told_apart(
        &first
            .iter()
            .map(|(h, w)| (w.name.as_str(), w.country.as_str(), h.as_str()))
            .collect::<Vec<_>>(),
    );
    Ok(first
        .into_iter()
        .zip(shown)
        .map(|((handle, _), name)| NextUp {
            track: track.clone(),
            handle,
            name,
        })
        .collect())
}

fn rows(standings: Vec<NamedStanding>) -> Vec<BoardRow> {
    let leader = standings
        .first()
        .and_then(|r| r.standing.result)
        .map(|r| r.value_ms);
    let handles: Vec<String> = standings
        .iter()
        .map(|r| handle::of(&r.standing.stats.racer))
        .collect();
    let shown = names::told_apart(
        &standings
            .iter()
            .zip(&handles)
            .map(|(r, h)| (r.name.as_str(), r.country.as_str(), h.as_str()))
            .collect::<Vec<_>>(),
    );
    standings
        .into_iter()
        .zip(handles.into_iter().zip(shown))
        .map(|(row, (handle, name))| {
            let result_ms = row.standing.result.map(|r| r.value_ms);
            BoardRow {
                position: row.standing.position,
                previous_position: row.previous_position,
                gap_ms: result_ms.zip(leader).map(|(v, l)| v.saturating_sub(l)),
                result_ms,
                valid_laps: row.standing.stats.valid_laps,
                laps: row.standing.stats.laps,
                handle,
                name,
                country: row.country,
                colour: row.colour,
                by_proxy: row.by_proxy,
            }
        })
        .collect()
}

/// One track's board (`track`), or the event's: its only track's, or the combined
/// board of several tracks; ranked as the event says, or by `format`.
fn compute(key: &BoardKey, Results { event, races }: &Results) -> Result<Leaderboard, AppError> {
    let qualifying: Vec<&TrackId> = event.qualifying().map(|t| &t.id).collect();
    let chosen = key
        .track
        .clone()
        .or_else(|| (qualifying.len() == 1).then(|| qualifying[0].clone()));
    let rules = chosen
        .as_ref()
        .map_or(event.about.rules, |t| event.rules_for(t));
    let shown = rules.ranking;
    let forced = key.format.map(|f| f.ranking(shown));
    let results = standings::results_of(event, races, forced, true);
    let (title, footer, ranking, standings) = match &chosen {
        Some(id) => {
            let (track, standings) = results
                .tracks
                .into_iter()
                .find(|(t, _)| &t.id == id)
                .ok_or_else(|| AppError::NotFound("Track".into()))?;
            (
                track.title,
                track.footer,
                forced.unwrap_or(event.rules_for(id).ranking),
                standings,
            )
        }
        None => (
            "All tracks".to_string(),
            event
                .qualifying()
                .next()
                .map(|t| t.footer.clone())
                .unwrap_or_default(),
            forced.unwrap_or(event.about.rules.ranking),
            results.combined.unwrap_or_default(),
        ),
    };
    let personal_best_ms: Vec<(String, u64)> = standings
        .iter()
        .filter_map(|r| {
            let stats = &r.standing.stats;
            stats
                .fastest_lap
                .map(|f| (handle::of(&stats.racer), f.value_ms))
        })
        .collect();
    let fastest_lap_ms = personal_best_ms.iter().map(|(_, ms)| *ms).min();
    // The racer of the board's latest race, whatever track it ran on (a combined
    // board's row holds the racer's best track, not their latest).
    let latest_racer = races
        .races
        .iter()
        .filter(|r| match &chosen {
            Some(track) => &r.track == track,
            None => qualifying.contains(&&r.track),
        })
        .max_by_key(|r| (r.order, &r.id.0))
        .map(|r| r.racer.0.as_str());
    let latest_finisher = latest_racer.map(handle::of);
    Ok(Leaderboard {
        version: 0,
        tracks: event.track_titles(),
        event_name: event.about.name.clone(),
        combined: chosen.is_none(),
        shown_track: chosen,
        title,
        footer,
        ranking,
        race_time_ms: rules.race_time_ms,
        resets_per_lap: rules.resets_per_lap,
        rows: rows(standings),
        on_track: Vec::new(),
        fastest_lap_ms,
        personal_best_ms,
        latest_finisher,
        next_up: Vec::new(),
    })
}
