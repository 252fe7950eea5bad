//! Races: the server owns every race, stored after each command before it is answered.

use super::Db;
use super::IdRow;
use crate::domain::race::{Race, RaceState};
use crate::error::AppError;
use crate::wire::{EventId, LiveRace, RaceId, RaceSummary, TrackId, UserId};
use surrealdb::types::SurrealValue;

#[derive(SurrealValue)]
struct RaceRow {
    id: String,
    event: String,
    track: String,
    racer: String,
    racer_name: String,
    racer_colour: String,
    by_proxy: bool,
    car_name: Option<String>,
    version: i64,
    doc: String,
}

macro_rules! race_fields {
    () => {
        "record::id(id) AS id, record::id(event) AS event, record::id(track) AS track,
         record::id(racer) AS racer, racer.display_name ?? racer.username ?? 'deleted racer' AS racer_name,
         racer.highlight_colour ?? '#FFFFFF' AS racer_colour, by_proxy, car_name, version, doc"
    };
}

/// The stored name of a submitted race, bound into the queries that count results.
const SUBMITTED: &str = RaceState::Submitted.as_str();

fn encode(race: &Race) -> Result<String, AppError> {
    serde_json::to_string(race).map_err(|e| {
        tracing::error!(error = %e, "race encoding failed");
        AppError::Internal
    })
}

impl RaceRow {
    fn into_live(self, now_ms: u64) -> Result<LiveRace, AppError> {
        let race: Race = serde_json::from_str(&self.doc).map_err(|e| {
            tracing::error!(error = %e, race = %self.id, "stored race unreadable");
            AppError::Internal
        })?;
        Ok(LiveRace {
            id: RaceId(self.id),
            event: EventId(self.event),
            track: TrackId(self.track),
            racer_handle: crate::ssr::handle::of(&self.racer),
            racer: UserId(self.racer),
            racer_name: self.racer_name,
            racer_colour: self.racer_colour,
            by_proxy: self.by_proxy,
            car: self.car_name,
            version: self.version.max(0) as u64,
            race,
            server_now_ms: now_ms,
        })
    }
}

/// The open race on a track, if any.
pub async fn open_on(db: &Db, track: &TrackId, now_ms: u64) -> Result<Option<LiveRace>, AppError> {
    let mut res = db
        .query(concat!(
            "SELECT ",
            race_fields!(),
            " FROM race WHERE active_track = type::record('track', $track) LIMIT 1"
        ))
        .bind(("track", track.0.clone()))
        .await?;
    let rows: Vec<RaceRow> = res.take(0)?;
    rows.into_iter()
        .next()
        .map(|r| r.into_live(now_ms))
        .transpose()
}

/// Every open race (on some track).
pub async fn open_all(db: &Db, now_ms: u64) -> Result<Vec<LiveRace>, AppError> {
    let mut res = db
        .query(concat!(
            "SELECT ",
            race_fields!(),
            " FROM race WHERE active_track != NONE"
        ))
        .await?;
    let rows: Vec<RaceRow> = res.take(0)?;
    rows.into_iter().map(|r| r.into_live(now_ms)).collect()
}

/// One race.
pub async fn get(db: &Db, id: &RaceId, now_ms: u64) -> Result<LiveRace, AppError> {
    let mut res = db
        .query(concat!(
            "SELECT ",
            race_fields!(),
            " FROM ONLY type::record('race', $id)"
        ))
        .bind(("id", id.0.clone()))
        .await?;
    let row: Option<RaceRow> = res.take(0)?;
    row.ok_or_else(|| AppError::NotFound("Race".into()))?
        .into_live(now_ms)
}

/// Submitted races of a racer on a track: the runs they used.
pub async fn runs_used(db: &Db, track: &TrackId, racer: &UserId) -> Result<u32, AppError> {
    let mut res = db
        .query(
            "SELECT VALUE id FROM race WHERE track = type::record('track', $track)
                AND racer = type::record('user', $racer) AND state = $submitted",
        )
        .bind(("track", track.0.clone()))
        .bind(("racer", racer.0.clone()))
        .bind(("submitted", SUBMITTED))
        .await?;
    let ids: Vec<surrealdb::types::RecordId> = res.take(0)?;
    Ok(ids.len() as u32)
}

/// The racer for a new race.
pub struct NewRace<'a> {
    pub event: &'a EventId,
    pub track: &'a TrackId,
    pub racer: &'a UserId,
    pub by_proxy: bool,
    /// Who let the racer run past the allowed runs, if anyone.
    pub runs_override_by: Option<String>,
    pub race: &'a Race,
}

/// Stores a new open race. `Conflict` when the track already has one.
pub async fn create(db: &Db, new: NewRace<'_>) -> Result<RaceId, AppError> {
    let res = db
        .query(
            "CREATE ONLY race CONTENT {
                event: type::record('event', $event), track: type::record('track', $track),
                racer: type::record('user', $racer), by_proxy: $by_proxy, state: $state,
                doc: $doc, version: 1, active_track: type::record('track', $track),
                runs_override_by: $override, car_name: $car_name
            } RETURN record::id(id) AS id",
        )
        .bind(("event", new.event.0.clone()))
        .bind(("track", new.track.0.clone()))
        .bind(("racer", new.racer.0.clone()))
        .bind(("by_proxy", new.by_proxy))
        .bind(("state", new.race.state.as_str()))
        .bind(("doc", encode(new.race)?))
        .bind(("override", new.runs_override_by))
        .bind(("car_name", track_car_name(db, new.track).await?))
        .await
        .and_then(|mut res| res.take::<Option<IdRow>>(0));
    match res {
        Ok(Some(row)) => Ok(RaceId(row.id)),
        Ok(None) => Err(AppError::Internal),
        Err(e) if e.to_string().contains("race_active") => Err(AppError::Conflict(
            "A race is already open on this track: finish or discard it first.".into(),
        )),
        Err(e) => Err(e.into()),
    }
}

/// Names the car of the race open on `track` as the track's car now (the operator
/// swapped cars mid-race); the open race, if any.
pub async fn follow_track_car(
    db: &Db,
    track: &TrackId,
    now_ms: u64,
) -> Result<Option<LiveRace>, AppError> {
    let car_name = track_car_name(db, track).await?;
    db.query(
        "UPDATE race SET car_name = $car_name WHERE active_track = type::record('track', $track)",
    )
    .bind(("track", track.0.clone()))
    .bind(("car_name", car_name))
    .await?
    .check()?;
    open_on(db, track, now_ms).await
}

/// The name of the car on `track` now, if one is chosen. (Read on its own: a
/// sub-select inside the CREATE overflowed a test thread's stack in debug builds.)
async fn track_car_name(db: &Db, track: &TrackId) -> Result<Option<String>, AppError> {
    let name: Option<String> = db
        .query("SELECT VALUE car.name FROM ONLY type::record('track', $track)")
        .bind(("track", track.0.clone()))
        .await?
        .take(0)?;
    Ok(name)
}

/// Saves a race if nobody changed it since `version`; returns the new version.
/// A submitted or discarded race frees its track.
pub async fn save(db: &Db, id: &RaceId, version: u64, race: &Race) -> Result<u64, AppError> {
    let mut res = db
        .query(
            "UPDATE type::record('race', $id) SET doc = $doc, state = $state,
                version = version + 1,
                active_track = IF $open { active_track } ELSE { NONE },
                submitted_at = IF $state = $submitted AND submitted_at = NONE { time::now() } ELSE { submitted_at }
             WHERE version = $version
             RETURN version",
        )
        .bind(("id", id.0.clone()))
        .bind(("doc", encode(race)?))
        .bind(("state", race.state.as_str()))
        .bind(("submitted", SUBMITTED))
        .bind(("open", race.state.is_open()))
        .bind(("version", version as i64))
        .await?;
    #[derive(SurrealValue)]
    struct Saved {
        version: i64,
    }
    let saved: Vec<Saved> = res.take(0)?;
    match saved.first() {
        Some(row) => Ok(row.version.max(0) as u64),
        None => Err(AppError::Conflict(
            "The race changed in another tab or device; the page now shows the latest state."
                .into(),
        )),
    }
}

#[derive(SurrealValue)]
struct SummaryRow {
    id: String,
    track: String,
    racer: String,
    racer_name: String,
    racer_username: String,
    by_proxy: bool,
    car_name: Option<String>,
    version: i64,
    doc: String,
    submitted_at: String,
    order: i64,
}

/// The events in which `racer` has a race, open or done.
pub async fn events_entered_by(db: &Db, racer: &UserId) -> Result<Vec<EventId>, AppError> {
    let mut res = db
        .query(
            "SELECT VALUE record::id(event) FROM race WHERE racer = type::record('user', $racer)",
        )
        .bind(("racer", racer.0.clone()))
        .await?;
    let mut events: Vec<String> = res.take(0)?;
    events.sort();
    events.dedup();
    Ok(events.into_iter().map(EventId).collect())
}

/// The events in which `racer` has a submitted race.
pub async fn events_raced_by(db: &Db, racer: &UserId) -> Result<Vec<EventId>, AppError> {
    let mut res = db
        .query(
            "SELECT VALUE record::id(event) FROM race
             WHERE racer = type::record('user', $racer) AND state = $submitted",
        )
        .bind(("racer", racer.0.clone()))
        .bind(("submitted", SUBMITTED))
        .await?;
    let mut events: Vec<String> = res.take(0)?;
    events.sort();
    events.dedup();
    Ok(events.into_iter().map(EventId).collect())
}

/// When each race on `track` started (ms since the epoch) in the last eight hours:
/// the track's pace today.
pub async fn starts_today(db: &Db, track: &TrackId) -> Result<Vec<u64>, AppError> {
    let starts: Vec<i64> = db
        .query(
            "SELECT VALUE time::millis(created_at) FROM race
             WHERE track = type::record('track', $track) AND created_at > time::now() - 8h",
        )
        .bind(("track", track.0.clone()))
        .await?
        .take(0)?;
    Ok(starts.into_iter().map(|ms| ms.max(0) as u64).collect())
}

/// What a race summary reads: the race, its racer's names, its submission.
const SUMMARY_FIELDS: &str = "record::id(id) AS id, record::id(track) AS track,
    record::id(racer) AS racer,
    racer.display_name ?? racer.username ?? 'deleted racer' AS racer_name,
    racer.username ?? '' AS racer_username,
    by_proxy, car_name, version, doc,
    time::format(submitted_at, '%Y-%m-%d %H:%M:%S') AS submitted_at,
    time::millis(submitted_at) AS order";

/// Submitted races of an event, oldest first, optionally of one track or racer.
pub async fn submitted(
    db: &Db,
    event: &EventId,
    track: Option<&TrackId>,
    racer: Option<&UserId>,
) -> Result<Vec<RaceSummary>, AppError> {
    in_state(db, event, RaceState::Submitted, track, racer).await
}

/// Races deleted from race admin, to be restored.
pub async fn deleted(db: &Db, event: &EventId) -> Result<Vec<RaceSummary>, AppError> {
    in_state(db, event, RaceState::Deleted, None, None).await
}

async fn in_state(
    db: &Db,
    event: &EventId,
    state: RaceState,
    track: Option<&TrackId>,
    racer: Option<&UserId>,
) -> Result<Vec<RaceSummary>, AppError> {
    let mut res = db
        .query(format!(
            "SELECT {SUMMARY_FIELDS} FROM race
             WHERE event = type::record('event', $event) AND state = $state
                AND ($track = NONE OR track = type::record('track', $track))
                AND ($racer = NONE OR racer = type::record('user', $racer))
             ORDER BY order"
        ))
        .bind(("event", event.0.clone()))
        .bind(("state", state.as_str()))
        .bind(("track", track.map(|t| t.0.clone())))
        .bind(("racer", racer.map(|r| r.0.clone())))
        .await?;
    let rows: Vec<SummaryRow> = res.take(0)?;
    rows.into_iter().map(SummaryRow::summary).collect()
}

/// One race if it is submitted (`None` when it is not, or no longer exists).
pub async fn submitted_one(db: &Db, id: &RaceId) -> Result<Option<RaceSummary>, AppError> {
    let mut res = db
        .query(format!(
            "SELECT {SUMMARY_FIELDS} FROM race
             WHERE id = type::record('race', $id) AND state = $submitted"
        ))
        .bind(("id", id.0.clone()))
        .bind(("submitted", SUBMITTED))
        .await?;
    let rows: Vec<SummaryRow> = res.take(0)?;
    rows.into_iter().next().map(SummaryRow::summary).transpose()
}

impl SummaryRow {
    fn summary(self) -> Result<RaceSummary, AppError> {
        let race: Race = serde_json::from_str(&self.doc).map_err(|e| {
            tracing::error!(error = %e, race = %self.id, "stored race unreadable");
            AppError::Internal
        })?;
        Ok(RaceSummary {
            id: RaceId(self.id),
            track: TrackId(self.track),
            racer: UserId(self.racer),
            racer_name: self.racer_name,
            racer_username: self.racer_username,
            by_proxy: self.by_proxy,
            car: self.car_name,
            version: self.version.max(0) as u64,
            race,
            submitted_at: self.submitted_at,
            order: self.order.max(0) as u64,
            corrections: Vec::new(),
        })
    }
}

/// Whether a track has races.
pub async fn track_has_races(db: &Db, track: &TrackId) -> Result<bool, AppError> {
    let mut res = db
        .query("SELECT VALUE id FROM race WHERE track = type::record('track', $track) LIMIT 1")
        .bind(("track", track.0.clone()))
        .await?;
    let ids: Vec<surrealdb::types::RecordId> = res.take(0)?;
    Ok(!ids.is_empty())
}

/// Racers' country and colour by racer id.
pub type Looks = std::collections::HashMap<String, (String, String)>;

#[derive(SurrealValue)]
struct Look {
    id: String,
    country: String,
    colour: String,
}

/// Racers' country and colour for leaderboards, by racer id (each read by its id).
pub async fn racer_looks(db: &Db, racers: Vec<String>) -> Result<Looks, AppError> {
    let ids: Vec<surrealdb::types::RecordId> = racers
        .into_iter()
        .map(|id| surrealdb::types::RecordId::new("user", id))
        .collect();
    let mut res = db
        .query("SELECT record::id(id) AS id, country, highlight_colour AS colour FROM $ids")
        .bind(("ids", ids))
        .await?;
    let looks: Vec<Look> = res.take(0)?;
    Ok(looks
        .into_iter()
        .map(|l| (l.id, (l.country, l.colour)))
        .collect())
}

/// Runs used (submitted races) per racer on a track.
pub async fn runs_per_racer(db: &Db, track: &TrackId) -> Result<Vec<(UserId, u32)>, AppError> {
    #[derive(SurrealValue)]
    struct Runs {
        racer: String,
        runs: i64,
    }
    let mut res = db
        .query(
            "SELECT record::id(racer) AS racer, count() AS runs FROM race
             WHERE track = type::record('track', $track) AND state = $submitted
             GROUP BY racer",
        )
        .bind(("track", track.0.clone()))
        .bind(("submitted", SUBMITTED))
        .await?;
    let rows: Vec<Runs> = res.take(0)?;
    Ok(rows
        .into_iter()
        .map(|r| (UserId(r.racer), r.runs.max(0) as u32))
        .collect())
}
