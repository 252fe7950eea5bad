//! Lap timers: their tokens, connections and tracks. A timer is known by the SHA-256
//! of its token; the token itself is never stored. Their runs and crossings are in
//! `crossings`.

use super::Db;
use super::IdRow;
use crate::error::AppError;
use crate::wire::{TimerId, TimerInfo, TrackId};
use surrealdb::types::SurrealValue;

/// A timer counts as connected while it is heard from at least this often.
const CONNECTED_WITHIN: &str = "30s";

#[derive(SurrealValue)]
struct TimerRow {
    id: String,
    name: String,
    connected: bool,
    last_seen: Option<String>,
    tracks: Vec<String>,
    last_crossing: Option<String>,
}

impl From<TimerRow> for TimerInfo {
    fn from(row: TimerRow) -> Self {
        TimerInfo {
            id: TimerId(row.id),
            name: row.name,
            connected: row.connected,
            last_seen: row.last_seen,
            tracks: row.tracks,
            last_crossing: row.last_crossing,
        }
    }
}

/// Selects a `TimerRow`; binds nothing but `$within` itself.
macro_rules! timer_fields {
    () => {
        "record::id(id) AS id, name,
         connected AND last_seen != NONE AND last_seen > time::now() - <duration> $within AS connected,
         IF last_seen { time::format(last_seen, '%Y-%m-%d %H:%M:%S') } ELSE { NONE } AS last_seen,
         (SELECT VALUE title FROM track WHERE timer = $parent.id) AS tracks,
         (SELECT VALUE outcome FROM crossing WHERE timer = $parent.id
            ORDER BY received_at DESC LIMIT 1)[0] AS last_crossing"
    };
}

/// Registers a timer known by `token_hash`.
pub async fn create(db: &Db, name: &str, token_hash: &str) -> Result<TimerId, AppError> {
    let row: Option<IdRow> = db
        .query("CREATE ONLY timer SET name = $name, token_hash = $hash RETURN record::id(id) AS id")
        .bind(("name", name.to_string()))
        .bind(("hash", token_hash.to_string()))
        .await?
        .take(0)?;
    row.map(|r| TimerId(r.id)).ok_or(AppError::Internal)
}

/// Timers not revoked, by name.
pub async fn list(db: &Db) -> Result<Vec<TimerInfo>, AppError> {
    let rows: Vec<TimerRow> = db
        .query(concat!(
            "SELECT ",
            timer_fields!(),
            " FROM timer WHERE revoked = false ORDER BY name"
        ))
        .bind(("within", CONNECTED_WITHIN))
        .await?
        .take(0)?;
    Ok(rows.into_iter().map(TimerInfo::from).collect())
}

/// One timer, revoked or not.
pub async fn get(db: &Db, id: &TimerId) -> Result<TimerInfo, AppError> {
    let row: Option<TimerRow> = db
        .query(concat!(
            "SELECT ",
            timer_fields!(),
            " FROM ONLY type::record('timer', $id)"
        ))
        .bind(("id", id.0.clone()))
        .bind(("within", CONNECTED_WITHIN))
        .await?
        .take(0)?;
    row.map(TimerInfo::from)
        .ok_or_else(|| AppError::NotFound("Timer".into()))
}

/// The timer with this token, unless it was revoked.
pub async fn by_token(db: &Db, token_hash: &str) -> Result<Option<(TimerId, String)>, AppError> {
    #[derive(SurrealValue)]
    struct Row {
        id: String,
        name: String,
    }
    let row: Option<Row> = db
        .query(
            "SELECT record::id(id) AS id, name FROM timer
             WHERE token_hash = $hash AND revoked = false LIMIT 1",
        )
        .bind(("hash", token_hash.to_string()))
        .await?
        .take(0)?;
    Ok(row.map(|r| (TimerId(r.id), r.name)))
}

/// Whether the timer was revoked (or no longer exists).
pub async fn is_revoked(db: &Db, id: &TimerId) -> Result<bool, AppError> {
    let revoked: Option<bool> = db
        .query("SELECT VALUE revoked FROM ONLY type::record('timer', $id)")
        .bind(("id", id.0.clone()))
        .await?
        .take(0)?;
    Ok(revoked.unwrap_or(true))
}

/// Revokes a timer: its token is refused from now on and no track uses it.
pub async fn revoke(db: &Db, id: &TimerId) -> Result<(), AppError> {
    get(db, id).await?;
    db.query(
        "UPDATE type::record('timer', $id) SET revoked = true, connected = false;
         UPDATE track SET timer = NONE WHERE timer = type::record('timer', $id);",
    )
    .bind(("id", id.0.clone()))
    .await?
    .check()?;
    Ok(())
}

/// What a timer connection says of itself.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Link {
    /// It said hello: it is the timer's link from now on.
    Up,
    /// Its heartbeat: still there.
    Alive,
    /// It closed or went silent.
    Down,
}

/// Notes what connection `link` (unique per connection) says of timer `id`. Only the
/// timer's current link (the last to say hello) changes `connected`, so an old
/// connection that times out after the timer reconnected leaves it connected.
pub async fn note_link(db: &Db, id: &TimerId, link: &str, state: Link) -> Result<(), AppError> {
    let query = match state {
        Link::Up => {
            "UPDATE type::record('timer', $id) SET connected = true, link = $link, \
             last_seen = time::now()"
        }
        Link::Alive => {
            "UPDATE type::record('timer', $id) SET connected = true, last_seen = time::now() \
             WHERE link = $link"
        }
        Link::Down => {
            "UPDATE type::record('timer', $id) SET connected = false, last_seen = time::now() \
             WHERE link = $link"
        }
    };
    db.query(query)
        .bind(("id", id.0.clone()))
        .bind(("link", link.to_string()))
        .await?
        .check()?;
    Ok(())
}

/// The tracks a timer times.
pub async fn tracks_of(db: &Db, timer: &TimerId) -> Result<Vec<TrackId>, AppError> {
    let ids: Vec<String> = db
        .query("SELECT VALUE record::id(id) FROM track WHERE timer = type::record('timer', $timer)")
        .bind(("timer", timer.0.clone()))
        .await?
        .take(0)?;
    Ok(ids.into_iter().map(TrackId).collect())
}

/// The timer a track uses, if any.
pub async fn of_track(db: &Db, track: &TrackId) -> Result<Option<TimerId>, AppError> {
    let id: Option<Option<String>> = db
        .query(
            "SELECT VALUE IF timer { record::id(timer) } ELSE { NONE }
             FROM ONLY type::record('track', $track)",
        )
        .bind(("track", track.0.clone()))
        .await?
        .take(0)?;
    Ok(id.flatten().map(TimerId))
}

/// Sets (or clears) the timer a track uses.
pub async fn set_for_track(
    db: &Db,
    track: &TrackId,
    timer: Option<&TimerId>,
) -> Result<(), AppError> {
    db.query(
        "UPDATE type::record('track', $track)
         SET timer = IF $timer { type::record('timer', $timer) } ELSE { NONE }",
    )
    .bind(("track", track.0.clone()))
    .bind(("timer", timer.map(|t| t.0.clone())))
    .await?
    .check()?;
    Ok(())
}
