//! Check-in and the tracks' queues. A racer's check-in at an event is one record
//! (`checkin:[event, racer]`) holding the steps done; a track's queue is one record per
//! racer waiting (`queue_entry:[track, racer]`, so nobody waits twice on one track),
//! ordered by a rank that a move sets between its new neighbours'.

use super::Db;
use crate::error::AppError;
use crate::wire::{EventId, TrackId, UserId};
use surrealdb::types::SurrealValue;

/// A racer's check-in at an event: the steps done.
#[derive(Debug, Clone, SurrealValue)]
pub struct Checkin {
    pub racer: String,
    pub done: Vec<String>,
}

/// Every racer's check-in at `event` (racers with nothing done have no record).
pub async fn checkins(db: &Db, event: &EventId) -> Result<Vec<Checkin>, AppError> {
    let rows: Vec<Checkin> = db
        .query(
            "SELECT record::id(racer) AS racer, flags AS done FROM checkin
             WHERE event = type::record('event', $event)",
        )
        .bind(("event", event.0.clone()))
        .await?
        .take(0)?;
    Ok(rows)
}

#[derive(SurrealValue)]
struct Flags {
    flags: Vec<String>,
}

/// The steps `racer` has done at `event`.
pub async fn done(db: &Db, event: &EventId, racer: &UserId) -> Result<Vec<String>, AppError> {
    let row: Option<Flags> = db
        .query("SELECT flags FROM ONLY type::record('checkin', [$event, $racer])")
        .bind(("event", event.0.clone()))
        .bind(("racer", racer.0.clone()))
        .await?
        .take(0)?;
    Ok(row.map(|r| r.flags).unwrap_or_default())
}

/// Marks step `label` done or not for `racer` at `event`, by `by`; returns the steps
/// done now.
pub async fn set_done(
    db: &Db,
    event: &EventId,
    racer: &UserId,
    label: &str,
    is_done: bool,
    by: &UserId,
) -> Result<Vec<String>, AppError> {
    let row: Option<Flags> = db
        .query(
            "UPSERT ONLY type::record('checkin', [$event, $racer]) SET
                event = type::record('event', $event),
                racer = type::record('user', $racer),
                flags = IF $done { array::union(flags ?? [], [$label]) }
                        ELSE { array::complement(flags ?? [], [$label]) },
                by = type::record('user', $by),
                at = time::now()
             RETURN flags",
        )
        .bind(("event", event.0.clone()))
        .bind(("racer", racer.0.clone()))
        .bind(("label", label.to_string()))
        .bind(("done", is_done))
        .bind(("by", by.0.clone()))
        .await?
        .take(0)?;
    Ok(row.map(|r| r.flags).unwrap_or_default())
}

/// One racer waiting on a track, in queue order.
#[derive(Debug, Clone, SurrealValue)]
pub struct Waiting {
    pub racer: String,
    /// The name shown: display name, else username.
    pub name: String,
    pub username: String,
    pub country: String,
    pub rank: f64,
    /// The required steps they lacked when an operator queued them anyway, and who.
    pub overridden: Option<String>,
}

/// Who waits on `track`, first first (accounts deleted meanwhile left out).
pub async fn waiting(db: &Db, track: &TrackId) -> Result<Vec<Waiting>, AppError> {
    let rows: Vec<Waiting> = db
        .query(
            "SELECT record::id(racer) AS racer, racer.display_name ?? racer.username AS name,
                racer.username AS username, racer.country AS country, rank, overridden FROM queue_entry
             WHERE track = type::record('track', $track) AND racer.username != NONE
             ORDER BY rank",
        )
        .bind(("track", track.0.clone()))
        .await?
        .take(0)?;
    Ok(rows)
}

/// The tracks whose queues `racer` waits in.
pub async fn tracks_of(db: &Db, racer: &UserId) -> Result<Vec<TrackId>, AppError> {
    let tracks: Vec<String> = db
        .query(
            "SELECT VALUE record::id(track) FROM queue_entry
             WHERE racer = type::record('user', $racer)",
        )
        .bind(("racer", racer.0.clone()))
        .await?
        .take(0)?;
    Ok(tracks.into_iter().map(TrackId).collect())
}

/// Puts `racer` last in `track`'s queue; `false` if they already wait there.
pub async fn add(
    db: &Db,
    track: &TrackId,
    racer: &UserId,
    by: &UserId,
    overridden: Option<String>,
) -> Result<bool, AppError> {
    let res = db
        .query(
            "LET $last = (SELECT VALUE rank FROM queue_entry
                WHERE track = type::record('track', $track) ORDER BY rank DESC LIMIT 1)[0] ?? 0",
        )
        .query(
            "CREATE ONLY type::record('queue_entry', [$track, $racer]) SET
                track = type::record('track', $track),
                racer = type::record('user', $racer),
                rank = $last + 1,
                added_by = type::record('user', $by),
                overridden = $overridden",
        )
        .bind(("track", track.0.clone()))
        .bind(("racer", racer.0.clone()))
        .bind(("by", by.0.clone()))
        .bind(("overridden", overridden))
        .await
        .and_then(|r| r.check());
    match res {
        Ok(_) => Ok(true),
        Err(e) if e.to_string().contains("already exists") => Ok(false),
        Err(e) => Err(e.into()),
    }
}

/// Gives `racer`'s entry on `track` a new rank; `false` if they do not wait there.
pub async fn set_rank(
    db: &Db,
    track: &TrackId,
    racer: &UserId,
    rank: f64,
) -> Result<bool, AppError> {
    #[derive(SurrealValue)]
    struct Rank {
        rank: f64,
    }
    let moved: Option<Rank> = db
        .query(
            "UPDATE ONLY type::record('queue_entry', [$track, $racer]) SET rank = $rank
             RETURN rank",
        )
        .bind(("track", track.0.clone()))
        .bind(("racer", racer.0.clone()))
        .bind(("rank", rank))
        .await?
        .take(0)?;
    Ok(moved.is_some())
}

/// Takes `racer` out of `track`'s queue (raced, or removed); `false` if they were not
/// in it.
pub async fn remove(db: &Db, track: &TrackId, racer: &UserId) -> Result<bool, AppError> {
    let mut res = db
        .query("LET $entry = type::record('queue_entry', [$track, $racer])")
        .query("LET $had = (SELECT VALUE rank FROM ONLY $entry) != NONE")
        .query("DELETE $entry")
        .query("RETURN $had")
        .bind(("track", track.0.clone()))
        .bind(("racer", racer.0.clone()))
        .await?;
    let had: Option<bool> = res.take(3)?;
    Ok(had == Some(true))
}
