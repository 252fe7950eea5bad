//! Marshals' corrections to races: each saved together with its line in the race's
//! log (who, when, what, why), in one transaction, so no correction goes unlogged.

use super::{check_cause, Db};
use crate::domain::race::Race;
use crate::error::AppError;
use crate::wire::{Correction, EventId, RaceId, UserId};
use std::collections::HashMap;
use surrealdb::types::SurrealValue;

/// What a correction changes: the race itself, and who raced it or how.
pub struct Change<'a> {
    pub race: &'a Race,
    /// The racer it moves to.
    pub racer: Option<&'a UserId>,
    pub by_proxy: Option<bool>,
}

/// Its line in the log.
pub struct Entry<'a> {
    pub by: &'a UserId,
    pub what: String,
    pub why: String,
}

/// Saves the change if nobody changed the race since `version`, and logs it.
pub async fn correct(
    db: &Db,
    id: &RaceId,
    version: u64,
    change: Change<'_>,
    entry: Entry<'_>,
) -> Result<(), AppError> {
    let doc = serde_json::to_string(change.race).map_err(|e| {
        tracing::error!(error = %e, "race encoding failed");
        AppError::Internal
    })?;
    let res = db
        .query("BEGIN TRANSACTION")
        .query(
            "LET $saved = (UPDATE type::record('race', $id) SET doc = $doc, state = $state,
                version = version + 1,
                racer = IF $racer = NONE { racer } ELSE { type::record('user', $racer) },
                by_proxy = IF $by_proxy = NONE { by_proxy } ELSE { $by_proxy }
             WHERE version = $version RETURN event)",
        )
        .query("IF array::len($saved) = 0 { THROW 'drem:race-changed'; }")
        .query(
            "CREATE race_correction CONTENT {
                race: type::record('race', $id), event: $saved[0].event,
                by: type::record('user', $by), what: $what, why: $why
            }",
        )
        .query("COMMIT TRANSACTION")
        .bind(("id", id.0.clone()))
        .bind(("doc", doc))
        .bind(("state", change.race.state.as_str()))
        .bind(("racer", change.racer.map(|r| r.0.clone())))
        .bind(("by_proxy", change.by_proxy))
        .bind(("version", version as i64))
        .bind(("by", entry.by.0.clone()))
        .bind(("what", entry.what))
        .bind(("why", entry.why))
        .await;
    match check_cause(res) {
        Ok(_) => Ok(()),
        Err(e) if e.to_string().contains("drem:race-changed") => Err(AppError::Conflict(
            "The race changed meanwhile; the page now shows the latest laps.".into(),
        )),
        Err(e) => Err(e.into()),
    }
}

/// The logs of an event's races, oldest line first, by race.
pub async fn of_event(
    db: &Db,
    event: &EventId,
) -> Result<HashMap<RaceId, Vec<Correction>>, AppError> {
    #[derive(SurrealValue)]
    struct Row {
        race: String,
        at: String,
        by: String,
        what: String,
        why: String,
    }
    let rows: Vec<Row> = db
        .query(
            "SELECT record::id(race) AS race, time::format(at, '%Y-%m-%d %H:%M:%S') AS at,
                by.display_name ?? by.username ?? 'deleted account' AS by, what, why, at AS t
             FROM race_correction WHERE event = type::record('event', $event) ORDER BY t",
        )
        .bind(("event", event.0.clone()))
        .await?
        .take(0)?;
    let mut logs: HashMap<RaceId, Vec<Correction>> = HashMap::new();
    for row in rows {
        logs.entry(RaceId(row.race)).or_default().push(Correction {
            at: row.at,
            by: row.by,
            what: row.what,
            why: row.why,
        });
    }
    Ok(logs)
}
