//! The event and track each staff member is working on: kept with the account, so the
//! race manager, race admin and commentator open on it after a sign-out or on another
//! device.

use super::Db;
use crate::error::AppError;
use crate::wire::{EventId, TrackId, UserId};
use surrealdb::types::SurrealValue;

/// Remembers `track` as `user`'s current track.
pub async fn set(db: &Db, user: &UserId, track: &TrackId) -> Result<(), AppError> {
    db.query(
        "UPDATE type::record('user', $user) SET current_track = type::record('track', $track)",
    )
    .bind(("user", user.0.clone()))
    .bind(("track", track.0.clone()))
    .await?
    .check()?;
    Ok(())
}

/// `user`'s current event and track, if they have one that still exists.
pub async fn get(db: &Db, user: &UserId) -> Result<Option<(EventId, TrackId)>, AppError> {
    #[derive(SurrealValue)]
    struct Row {
        event: Option<String>,
        track: Option<String>,
    }
    let row: Option<Row> = db
        .query(
            "SELECT record::id(current_track.event) AS event, record::id(current_track) AS track
             FROM ONLY type::record('user', $user) WHERE current_track.event != NONE",
        )
        .bind(("user", user.0.clone()))
        .await?
        .take(0)?;
    Ok(row.and_then(|r| Some((EventId(r.event?), TrackId(r.track?)))))
}
