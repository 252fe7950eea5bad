//! Whose model drem put in which folder of which car: the car lists only folders, and
//! two racers' `fast-lap.tar.gz` go to folders named after each racer.

use super::Db;
use crate::error::AppError;
use crate::wire::{CarId, UserId};
use std::collections::HashMap;
use surrealdb::types::SurrealValue;

/// Notes that `folder` on `car` holds `owner`'s model `name`.
pub async fn record(
    db: &Db,
    car: &CarId,
    folder: &str,
    owner: &UserId,
    name: &str,
) -> Result<(), AppError> {
    db.query(
        "UPSERT car_model SET car = type::record('car', $car), folder = $folder,
            owner = type::record('user', $owner), name = $name, sent_at = time::now()
         WHERE car = type::record('car', $car) AND folder = $folder",
    )
    .bind(("car", car.0.clone()))
    .bind(("folder", folder.to_string()))
    .bind(("owner", owner.0.clone()))
    .bind(("name", name.to_string()))
    .await?
    .check()?;
    Ok(())
}

/// For each folder drem filled on `car`: the owner's shown name and the model's name.
pub async fn of_car(db: &Db, car: &CarId) -> Result<HashMap<String, (String, String)>, AppError> {
    #[derive(SurrealValue)]
    struct Row {
        folder: String,
        owner: String,
        name: String,
    }
    let rows: Vec<Row> = db
        .query(
            "SELECT folder, owner.display_name ?? owner.username ?? 'deleted racer' AS owner, name
             FROM car_model WHERE car = type::record('car', $car)",
        )
        .bind(("car", car.0.clone()))
        .await?
        .take(0)?;
    Ok(rows
        .into_iter()
        .map(|r| (r.folder, (r.owner, r.name)))
        .collect())
}
