//! Cars: their console address, sealed password, pinned certificate, fleet and the
//! status the background poll last saw.

use super::Db;
use super::IdRow;
use crate::error::AppError;
use crate::wire::{CarId, CarInfo, FleetId};
use surrealdb::types::SurrealValue;

#[derive(SurrealValue)]
struct CarRow {
    id: String,
    name: String,
    address: String,
    fleet: Option<String>,
    fleet_name: Option<String>,
    software_version: Option<String>,
    speed_cap: Option<i64>,
    online: bool,
    battery: Option<i64>,
    loaded_model: Option<String>,
    last_seen: Option<String>,
    problem: Option<String>,
    certificate: String,
    new_certificate: Option<String>,
    password: String,
}

macro_rules! car_fields {
    () => {
        "record::id(id) AS id, name, address,
         IF fleet { record::id(fleet) } ELSE { NONE } AS fleet, fleet.name AS fleet_name,
         software_version, speed_cap, online, battery, loaded_model, problem, certificate, new_certificate, password,
         IF last_seen { time::format(last_seen, '%Y-%m-%d %H:%M:%S') } ELSE { NONE } AS last_seen"
    };
}

/// A car with its sealed console password (server side only).
pub struct StoredCar {
    pub info: CarInfo,
    pub sealed_password: String,
}

impl From<CarRow> for StoredCar {
    fn from(r: CarRow) -> Self {
        StoredCar {
            info: CarInfo {
                id: CarId(r.id),
                name: r.name,
                address: r.address,
                fleet: r.fleet.map(FleetId),
                fleet_name: r.fleet_name,
                software_version: r.software_version,
                speed_cap: r.speed_cap.and_then(|p| u8::try_from(p).ok()),
                online: r.online,
                battery: r.battery.and_then(|b| i8::try_from(b).ok()),
                loaded_model: r.loaded_model,
                last_seen: r.last_seen,
                problem: r.problem,
                new_certificate: r.new_certificate,
                certificate: r.certificate,
                transfer: None,
            },
            sealed_password: r.password,
        }
    }
}

/// Every car (of one fleet), by name.
pub async fn list(db: &Db, fleet: Option<&FleetId>) -> Result<Vec<StoredCar>, AppError> {
    let rows: Vec<CarRow> = db
        .query(concat!(
            "SELECT ",
            car_fields!(),
            " FROM car WHERE $fleet = NONE OR fleet = type::record('fleet', $fleet) ORDER BY name"
        ))
        .bind(("fleet", fleet.map(|f| f.0.clone())))
        .await?
        .take(0)?;
    Ok(rows.into_iter().map(StoredCar::from).collect())
}

/// One car.
pub async fn get(db: &Db, id: &CarId) -> Result<StoredCar, AppError> {
    let row: Option<CarRow> = db
        .query(concat!(
            "SELECT ",
            car_fields!(),
            " FROM ONLY type::record('car', $id)"
        ))
        .bind(("id", id.0.clone()))
        .await?
        .take(0)?;
    row.map(StoredCar::from)
        .ok_or_else(|| AppError::NotFound("Car".into()))
}

/// A car as activated: name, address, sealed password, pinned certificate, fleet.
pub struct NewCar<'a> {
    pub name: &'a str,
    pub address: &'a str,
    pub sealed_password: &'a str,
    pub certificate: &'a str,
    /// `aws-deepracer-core`'s version, as the console reports it.
    pub software_version: Option<&'a str>,
    pub fleet: Option<&'a FleetId>,
}

/// Stores an activated car. The console tells no serial number; the one identity it
/// shows is its certificate, made once when the car was set up: a car with the pinned
/// certificate of a stored one is that car (added again under another name or
/// address), and its record is updated, keeping its id.
pub async fn activate(db: &Db, car: &NewCar<'_>) -> Result<CarId, AppError> {
    let existing: Option<String> = db
        .query("SELECT VALUE record::id(id) FROM car WHERE certificate = $certificate LIMIT 1")
        .bind(("certificate", car.certificate.to_string()))
        .await?
        .take::<Vec<String>>(0)?
        .into_iter()
        .next();
    let query = if existing.is_some() {
        "UPDATE ONLY type::record('car', $id) SET name = $name, address = $address,
            password = $password, certificate = $certificate, new_certificate = NONE,
            software_version = $software_version,
            fleet = IF $fleet { type::record('fleet', $fleet) } ELSE { fleet },
            online = true, last_seen = time::now(), problem = NONE
         RETURN record::id(id) AS id"
    } else {
        "CREATE ONLY car SET name = $name, address = $address, password = $password,
            certificate = $certificate, software_version = $software_version,
            fleet = IF $fleet { type::record('fleet', $fleet) } ELSE { NONE },
            online = true, last_seen = time::now()
         RETURN record::id(id) AS id"
    };
    let row: Option<IdRow> = db
        .query(query)
        .bind(("id", existing.unwrap_or_default()))
        .bind(("name", car.name.to_string()))
        .bind(("address", car.address.to_string()))
        .bind(("password", car.sealed_password.to_string()))
        .bind(("certificate", car.certificate.to_string()))
        .bind(("software_version", car.software_version.map(str::to_string)))
        .bind(("fleet", car.fleet.map(|f| f.0.clone())))
        .await?
        .take(0)?;
    row.map(|r| CarId(r.id)).ok_or(AppError::Internal)
}

/// Renames a car, moves it to a fleet (or none) and, if given, to a new address.
pub async fn update(
    db: &Db,
    id: &CarId,
    name: &str,
    fleet: Option<&FleetId>,
    address: Option<&str>,
) -> Result<(), AppError> {
    get(db, id).await?;
    db.query(
        "UPDATE type::record('car', $id) SET name = $name,
            fleet = IF $fleet { type::record('fleet', $fleet) } ELSE { NONE },
            address = $address ?? address",
    )
    .bind(("id", id.0.clone()))
    .bind(("name", name.to_string()))
    .bind(("fleet", fleet.map(|f| f.0.clone())))
    .bind(("address", address.map(str::to_string)))
    .await?
    .check()?;
    Ok(())
}

/// Removes a car (tracks racing it race none).
pub async fn delete(db: &Db, id: &CarId) -> Result<(), AppError> {
    get(db, id).await?;
    super::in_transaction(
        db,
        &[
            "UPDATE track SET car = NONE WHERE car = type::record('car', $id)",
            "DELETE type::record('car', $id)",
        ],
        &id.0,
    )
    .await
}

/// What one poll (or action) saw of a car.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Seen {
    /// Answered, with its battery level if it reported one (−1: no battery).
    Online { battery: Option<i8> },
    /// Did not answer, or refused: why.
    Failed { problem: String },
    /// Showed a certificate other than the pinned one.
    NewCertificate {
        fingerprint: String,
        problem: String,
    },
}

/// Records what was seen; returns whether anything a page shows changed.
pub async fn record_seen(db: &Db, id: &CarId, seen: &Seen) -> Result<bool, AppError> {
    let before = get(db, id).await?.info;
    let (online, battery, problem, new_cert) = match seen {
        Seen::Online { battery } => (true, battery.map(i64::from), None, None),
        Seen::Failed { problem } => (
            false,
            None,
            Some(problem.clone()),
            before.new_certificate.clone(),
        ),
        Seen::NewCertificate {
            fingerprint,
            problem,
        } => (
            false,
            None,
            Some(problem.clone()),
            Some(fingerprint.clone()),
        ),
    };
    db.query(
        "UPDATE type::record('car', $id) SET online = $online, battery = $battery,
            problem = $problem, new_certificate = $new_cert,
            last_seen = IF $online { time::now() } ELSE { last_seen }",
    )
    .bind(("id", id.0.clone()))
    .bind(("online", online))
    .bind(("battery", battery))
    .bind(("problem", problem.clone()))
    .bind(("new_cert", new_cert.clone()))
    .await?
    .check()?;
    Ok(before.online != online
        || before.battery.map(i64::from) != battery
        || before.problem != problem
        || before.new_certificate != new_cert)
}

/// Pins the certificate the car showed last (the operator trusts it).
pub async fn trust_new_certificate(db: &Db, id: &CarId) -> Result<String, AppError> {
    let car = get(db, id).await?.info;
    let fingerprint = car
        .new_certificate
        .ok_or_else(|| AppError::Conflict("The car has not shown another certificate.".into()))?;
    db.query(
        "UPDATE type::record('car', $id) SET certificate = $fp, new_certificate = NONE, problem = NONE",
    )
    .bind(("id", id.0.clone()))
    .bind(("fp", fingerprint.clone()))
    .await?
    .check()?;
    Ok(fingerprint)
}

/// Sets (or clears) a car's speed cap, in percent.
pub async fn set_speed_cap(db: &Db, id: &CarId, percent: Option<u8>) -> Result<(), AppError> {
    db.query("UPDATE type::record('car', $id) SET speed_cap = $cap")
        .bind(("id", id.0.clone()))
        .bind(("cap", percent.map(i64::from)))
        .await?
        .check()?;
    Ok(())
}

/// Notes the model drem loaded on the car.
pub async fn set_loaded_model(db: &Db, id: &CarId, model: Option<&str>) -> Result<(), AppError> {
    db.query("UPDATE type::record('car', $id) SET loaded_model = $model")
        .bind(("id", id.0.clone()))
        .bind(("model", model.map(str::to_string)))
        .await?
        .check()?;
    Ok(())
}
