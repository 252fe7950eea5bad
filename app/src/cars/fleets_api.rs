//! Server functions for fleets and for what a track races with (its fleet and the car
//! on track now).

use crate::error::AppError;
use crate::wire::{CarId, FleetId, FleetInfo, TrackId, TrackKit};
use leptos::prelude::*;
use server_fn::codec::Json;

#[cfg(feature = "ssr")]
use crate::{
    cars::api::valid_name,
    domain::roles::Action,
    ssr::{
        guard::require,
        storage::{cars, changes, events, fleets, races},
    },
};

/// Every fleet with its number of cars.
#[server(endpoint = "list_fleets", input = Json, output = crate::codec::JsonText)]
pub async fn list_fleets() -> Result<Vec<FleetInfo>, AppError> {
    let caller = require(Action::Operate).await?;
    fleets::list(&caller.state.db).await
}

/// Creates a fleet (names are unique).
#[server(endpoint = "create_fleet", input = Json, output = crate::codec::JsonText)]
pub async fn create_fleet(name: String) -> Result<FleetId, AppError> {
    let caller = require(Action::Operate).await?;
    let id = fleets::create(&caller.state.db, &valid_name(&name, "fleet")?).await?;
    changes::record_kit(&caller.state.db).await;
    Ok(id)
}

/// Renames a fleet.
#[server(endpoint = "rename_fleet", input = Json, output = crate::codec::JsonText)]
pub async fn rename_fleet(fleet: FleetId, name: String) -> Result<(), AppError> {
    let caller = require(Action::Operate).await?;
    fleets::rename(&caller.state.db, &fleet, &valid_name(&name, "fleet")?).await?;
    changes::record_kit(&caller.state.db).await;
    Ok(())
}

/// Deletes a fleet; its cars stay, in no fleet.
#[server(endpoint = "delete_fleet", input = Json, output = crate::codec::JsonText)]
pub async fn delete_fleet(fleet: FleetId) -> Result<(), AppError> {
    let caller = require(Action::Operate).await?;
    fleets::delete(&caller.state.db, &fleet).await?;
    changes::record_kit(&caller.state.db).await;
    Ok(())
}

/// The track's fleet, its car on track, and the cars the race manager offers.
#[server(endpoint = "get_track_kit", input = Json, output = crate::codec::JsonText)]
pub async fn get_track_kit(track: TrackId) -> Result<TrackKit, AppError> {
    let caller = require(Action::Operate).await?;
    let state = &caller.state;
    let (fleet, car) = fleets::of_track(&state.db, &track).await?;
    let cars = cars::list(&state.db, fleet.as_ref())
        .await?
        .into_iter()
        .map(|c| {
            let mut info = c.info;
            info.transfer = state.cars.transfer(&info.id);
            info
        })
        .collect();
    Ok(TrackKit {
        fleet,
        car,
        cars,
        fleets: fleets::list(&state.db).await?,
    })
}

/// Chooses the fleet a track races with.
#[server(endpoint = "set_track_fleet", input = Json, output = crate::codec::JsonText)]
pub async fn set_track_fleet(track: TrackId, fleet: Option<FleetId>) -> Result<(), AppError> {
    let caller = require(Action::Operate).await?;
    let db = &caller.state.db;
    events::track(db, &track).await?;
    if let Some(fleet) = &fleet {
        fleets::exists(db, fleet).await?;
    }
    fleets::set_track_fleet(db, &track, fleet.as_ref()).await?;
    changes::record_kit(db).await;
    Ok(())
}

/// Chooses the car on track now (its tail light follows the races).
#[server(endpoint = "set_track_car", input = Json, output = crate::codec::JsonText)]
pub async fn set_track_car(track: TrackId, car: Option<CarId>) -> Result<(), AppError> {
    let caller = require(Action::Operate).await?;
    let db = &caller.state.db;
    events::track(db, &track).await?;
    if let Some(car) = &car {
        let info = cars::get(db, car).await?.info;
        let (fleet, _) = fleets::of_track(db, &track).await?;
        if fleet.is_some() && info.fleet != fleet {
            return Err(AppError::Conflict(format!(
                "{} is not in this track's fleet.",
                info.name
            )));
        }
    }
    fleets::set_track_car(db, &track, car.as_ref()).await?;
    changes::record_kit(db).await;
    // A car swapped mid-race: the race names the car it finishes with, live.
    if let Some(live) = races::follow_track_car(db, &track, caller.state.clock.now_ms()).await? {
        let change = changes::RaceChange {
            track: &track,
            race: Some(&live),
        };
        changes::record(db, &live.event, Some(change), changes::Results::Same).await;
    }
    Ok(())
}
