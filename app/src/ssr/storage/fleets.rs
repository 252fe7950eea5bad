//! Fleets (the cars of one event kit) and which fleet and car a track races with.

use super::Db;
use super::IdRow;
use crate::error::AppError;
use crate::wire::{CarId, FleetId, FleetInfo, TrackId};
use surrealdb::types::SurrealValue;

#[derive(SurrealValue)]
struct FleetRow {
    id: String,
    name: String,
    cars: i64,
}

/// Every fleet, by name, with its number of cars.
pub async fn list(db: &Db) -> Result<Vec<FleetInfo>, AppError> {
    let rows: Vec<FleetRow> = db
        .query(
            "SELECT record::id(id) AS id, name,
                count(SELECT VALUE id FROM car WHERE fleet = $parent.id) AS cars
             FROM fleet ORDER BY name",
        )
        .await?
        .take(0)?;
    Ok(rows
        .into_iter()
        .map(|r| FleetInfo {
            id: FleetId(r.id),
            name: r.name,
            cars: r.cars.max(0) as u32,
        })
        .collect())
}

fn name_taken(e: &surrealdb::Error) -> bool {
    e.to_string().contains("already contains")
}

/// Creates a fleet; names are unique.
pub async fn create(db: &Db, name: &str) -> Result<FleetId, AppError> {
    let res = db
        .query("CREATE ONLY fleet SET name = $name RETURN record::id(id) AS id")
        .bind(("name", name.to_string()))
        .await?;
    let mut res = res;
    match res.take::<Option<IdRow>>(0) {
        Ok(Some(row)) => Ok(FleetId(row.id)),
        Ok(None) => Err(AppError::Internal),
        Err(e) if name_taken(&e) => {
            Err(AppError::invalid("name", "A fleet with this name exists."))
        }
        Err(e) => Err(e.into()),
    }
}

/// Renames a fleet.
pub async fn rename(db: &Db, fleet: &FleetId, name: &str) -> Result<(), AppError> {
    let mut res = db
        .query("UPDATE type::record('fleet', $id) SET name = $name RETURN record::id(id) AS id")
        .bind(("id", fleet.0.clone()))
        .bind(("name", name.to_string()))
        .await?;
    match res.take::<Vec<IdRow>>(0) {
        Ok(rows) if rows.is_empty() => Err(AppError::NotFound("Fleet".into())),
        Ok(_) => Ok(()),
        Err(e) if name_taken(&e) => {
            Err(AppError::invalid("name", "A fleet with this name exists."))
        }
        Err(e) => Err(e.into()),
    }
}

/// Deletes a fleet: its cars stay, in no fleet; tracks that raced it race none.
pub async fn delete(db: &Db, fleet: &FleetId) -> Result<(), AppError> {
    exists(db, fleet).await?;
    super::in_transaction(
        db,
        &[
            "UPDATE car SET fleet = NONE WHERE fleet = type::record('fleet', $id)",
            "UPDATE track SET fleet = NONE WHERE fleet = type::record('fleet', $id)",
            "DELETE type::record('fleet', $id)",
        ],
        &fleet.0,
    )
    .await
}

/// `NotFound` unless the fleet exists.
pub async fn exists(db: &Db, fleet: &FleetId) -> Result<(), AppError> {
    let found: Option<String> = db
        .query("SELECT VALUE name FROM ONLY type::record('fleet', $id)")
        .bind(("id", fleet.0.clone()))
        .await?
        .take(0)?;
    found
        .map(|_| ())
        .ok_or_else(|| AppError::NotFound("Fleet".into()))
}

/// The fleet and car a track races with.
pub async fn of_track(
    db: &Db,
    track: &TrackId,
) -> Result<(Option<FleetId>, Option<CarId>), AppError> {
    #[derive(SurrealValue)]
    struct Row {
        fleet: Option<String>,
        car: Option<String>,
    }
    let row: Option<Row> = db
        .query(
            "SELECT IF fleet { record::id(fleet) } ELSE { NONE } AS fleet,
                    IF car { record::id(car) } ELSE { NONE } AS car
             FROM ONLY type::record('track', $track)",
        )
        .bind(("track", track.0.clone()))
        .await?
        .take(0)?;
    let row = row.ok_or_else(|| AppError::NotFound("Track".into()))?;
    Ok((row.fleet.map(FleetId), row.car.map(CarId)))
}

/// Sets the fleet a track races with (the car on track is cleared if not in it).
pub async fn set_track_fleet(
    db: &Db,
    track: &TrackId,
    fleet: Option<&FleetId>,
) -> Result<(), AppError> {
    db.query(
        "UPDATE type::record('track', $track)
         SET fleet = IF $fleet { type::record('fleet', $fleet) } ELSE { NONE },
             car = IF $fleet AND car AND car.fleet != type::record('fleet', $fleet) { NONE } ELSE { car }",
    )
    .bind(("track", track.0.clone()))
    .bind(("fleet", fleet.map(|f| f.0.clone())))
    .await?
    .check()?;
    Ok(())
}

/// Sets the car on a track now.
pub async fn set_track_car(db: &Db, track: &TrackId, car: Option<&CarId>) -> Result<(), AppError> {
    db.query(
        "UPDATE type::record('track', $track)
         SET car = IF $car { type::record('car', $car) } ELSE { NONE }",
    )
    .bind(("track", track.0.clone()))
    .bind(("car", car.map(|c| c.0.clone())))
    .await?
    .check()?;
    Ok(())
}
