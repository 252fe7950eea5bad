//! Server functions for cars. Each names one car (or several) and answers with that
//! car's own success or error; talking to the cars is `ssr::cars`.

use crate::error::AppError;
use crate::wire::{CarId, CarInfo, CarModel, FleetId, ModelId};
use leptos::prelude::*;
use server_fn::codec::Json;

#[cfg(feature = "ssr")]
use crate::{
    domain::roles::Action,
    ssr::{
        cars::{actions, ssh, transfer, upkeep},
        guard::require,
        state::AppState,
        storage::{cars, changes, fleets},
    },
};

/// The longest car or fleet name.
pub const MAX_NAME: usize = 40;

/// A car's, fleet's or timer's name: 1 to `MAX_NAME` characters, as `domain::names`
/// allows a name.
pub fn valid_name(name: &str, what: &str) -> Result<String, AppError> {
    if name.trim().is_empty() {
        return Err(AppError::invalid("name", format!("A {what} needs a name.")));
    }
    Ok(crate::domain::names::name("name", name, 1, MAX_NAME)?)
}

#[cfg(feature = "ssr")]
fn with_transfer(state: &AppState, stored: cars::StoredCar) -> CarInfo {
    let mut info = stored.info;
    info.transfer = state.cars.transfer(&info.id);
    info
}

#[cfg(feature = "ssr")]
async fn fleet_exists(state: &AppState, fleet: Option<&FleetId>) -> Result<(), AppError> {
    match fleet {
        Some(fleet) => fleets::exists(&state.db, fleet).await,
        None => Ok(()),
    }
}

/// Every car (or one fleet's), by name, with any transfer under way.
#[server(endpoint = "list_cars", input = Json, output = crate::codec::JsonText)]
pub async fn list_cars(
    #[server(default)] fleet: Option<FleetId>,
) -> Result<Vec<CarInfo>, AppError> {
    let caller = require(Action::Operate).await?;
    let list = cars::list(&caller.state.db, fleet.as_ref()).await?;
    Ok(list
        .into_iter()
        .map(|c| with_transfer(&caller.state, c))
        .collect())
}

/// Activates a car: drem signs in to its console (trusting the certificate it shows
/// now), reads its device info and stores it. The password is sealed at rest.
#[server(endpoint = "activate_car", input = Json, output = crate::codec::JsonText)]
pub async fn activate_car(
    name: String,
    address: String,
    password: String,
    #[server(default)] fleet: Option<FleetId>,
) -> Result<CarInfo, AppError> {
    let caller = require(Action::Operate).await?;
    let name = valid_name(&name, "car")?;
    if password.is_empty() {
        return Err(AppError::invalid(
            "password",
            "Enter the car's console password.",
        ));
    }
    let state = &caller.state;
    fleet_exists(state, fleet.as_ref()).await?;
    let id = actions::activate(state, &name, &address, &password, fleet.as_ref()).await?;
    Ok(with_transfer(state, cars::get(&state.db, &id).await?))
}

/// Renames a car, moves it to a fleet (or none), and changes its console address (the
/// same car at a new address: its pinned certificate still has to match).
#[server(endpoint = "update_car", input = Json, output = crate::codec::JsonText)]
pub async fn update_car(
    car: CarId,
    name: String,
    fleet: Option<FleetId>,
    #[server(default)] address: Option<String>,
) -> Result<(), AppError> {
    let caller = require(Action::Operate).await?;
    let name = valid_name(&name, "car")?;
    fleet_exists(&caller.state, fleet.as_ref()).await?;
    let address = address
        .map(|a| crate::ssr::cars::console::normalize_address(&a))
        .transpose()?;
    cars::update(
        &caller.state.db,
        &car,
        &name,
        fleet.as_ref(),
        address.as_deref(),
    )
    .await?;
    if address.is_some() {
        caller.state.cars.sessions.forget(&car);
    }
    changes::record_kit(&caller.state.db).await;
    Ok(())
}

/// Removes a car from drem (the car itself is untouched).
#[server(endpoint = "remove_car", input = Json, output = crate::codec::JsonText)]
pub async fn remove_car(car: CarId) -> Result<(), AppError> {
    let caller = require(Action::Operate).await?;
    cars::delete(&caller.state.db, &car).await?;
    caller.state.cars.sessions.forget(&car);
    tracing::info!(car = %car.0, "car removed");
    changes::record_kit(&caller.state.db).await;
    Ok(())
}

/// Trusts the certificate the car showed instead of the pinned one (after the car was
/// reinstalled), and checks the car at once.
#[server(endpoint = "trust_car_certificate", input = Json, output = crate::codec::JsonText)]
pub async fn trust_car_certificate(car: CarId) -> Result<(), AppError> {
    let caller = require(Action::Operate).await?;
    let fingerprint = cars::trust_new_certificate(&caller.state.db, &car).await?;
    tracing::warn!(car = %car.0, %fingerprint, "new car certificate trusted");
    caller.state.cars.sessions.forget(&car);
    changes::record_kit(&caller.state.db).await;
    crate::ssr::cars::poll::poll_car(&caller.state, &car).await;
    Ok(())
}

/// Sends models to cars: each car receives them one after the other, in the
/// background, with its progress on the car list. Answers per car: `None` when its
/// transfer started, or why not.
#[server(endpoint = "send_models", input = Json, output = crate::codec::JsonText)]
pub async fn send_models(
    cars: Vec<CarId>,
    models: Vec<ModelId>,
) -> Result<Vec<(CarId, Option<String>)>, AppError> {
    let caller = require(Action::Operate).await?;
    if cars.is_empty() {
        return Err(AppError::invalid("cars", "Choose at least one car."));
    }
    if models.is_empty() {
        return Err(AppError::invalid("models", "Choose at least one model."));
    }
    let mut answers = Vec::new();
    for car in cars {
        let started = transfer::start(&caller.state, &car, &models).await;
        answers.push((car, started.err().map(|e| e.to_string())));
    }
    Ok(answers)
}

/// The models on a car.
#[server(endpoint = "list_car_models", input = Json, output = crate::codec::JsonText)]
pub async fn list_car_models(car: CarId) -> Result<Vec<CarModel>, AppError> {
    let caller = require(Action::Operate).await?;
    actions::list_models(&caller.state, &car).await
}

/// Loads a model on a car (and waits until the car says it is loaded).
#[server(endpoint = "load_car_model", input = Json, output = crate::codec::JsonText)]
pub async fn load_car_model(car: CarId, folder: String) -> Result<(), AppError> {
    let caller = require(Action::Operate).await?;
    if folder.trim().is_empty() {
        return Err(AppError::invalid("folder", "Choose a model."));
    }
    actions::load_model(&caller.state, &car, &folder).await
}

/// Deletes models from a car; with no folders named, all of them ("clean car",
/// between racers). Answers how many were deleted.
#[server(endpoint = "delete_car_models", input = Json, output = crate::codec::JsonText)]
pub async fn delete_car_models(
    car: CarId,
    #[server(default)] folders: Option<Vec<String>>,
) -> Result<usize, AppError> {
    let caller = require(Action::Operate).await?;
    actions::delete_models(&caller.state, &car, folders).await
}

/// Sets a car's tail light, `#RRGGBB`.
#[server(endpoint = "set_car_tail_light", input = Json, output = crate::codec::JsonText)]
pub async fn set_car_tail_light(car: CarId, colour: String) -> Result<(), AppError> {
    let caller = require(Action::Operate).await?;
    let rgb = actions::parse_colour(&colour)
        .ok_or_else(|| AppError::invalid("colour", "A colour is # and six hex digits."))?;
    actions::set_tail_light(&caller.state, &car, rgb).await
}

/// The car's sensors and whether each is connected.
#[server(endpoint = "car_sensors", input = Json, output = crate::codec::JsonText)]
pub async fn car_sensors(car: CarId) -> Result<Vec<(String, String)>, AppError> {
    let caller = require(Action::Operate).await?;
    upkeep::sensors(&caller.state, &car).await
}

/// Whether a software update waits for the car (the car asks apt: up to minutes).
#[server(endpoint = "car_update_available", input = Json, output = crate::codec::JsonText)]
pub async fn car_update_available(car: CarId) -> Result<bool, AppError> {
    let caller = require(Action::Operate).await?;
    upkeep::update_available(&caller.state, &car).await
}

/// Sets a car's speed cap: 10 to 100 percent of full throttle in the autonomous mode,
/// or `None` for full throttle.
#[server(endpoint = "set_car_speed_cap", input = Json, output = crate::codec::JsonText)]
pub async fn set_car_speed_cap(car: CarId, percent: Option<u8>) -> Result<(), AppError> {
    let caller = require(Action::Operate).await?;
    if percent.is_some_and(|p| !(10..=100).contains(&p)) {
        return Err(AppError::invalid(
            "percent",
            "A speed cap is 10 to 100 percent, or none.",
        ));
    }
    upkeep::set_speed_cap(&caller.state, &car, percent).await
}

/// Restarts the car's DeepRacer service over SSH.
#[server(endpoint = "restart_car", input = Json, output = crate::codec::JsonText)]
pub async fn restart_car(car: CarId) -> Result<(), AppError> {
    let caller = require(Action::Operate).await?;
    ssh::restart(&caller.state, &car).await
}

/// The SSH user for restarts, if a key is set (the key never leaves the server).
#[server(endpoint = "get_car_ssh", input = Json, output = crate::codec::JsonText)]
pub async fn get_car_ssh() -> Result<Option<String>, AppError> {
    let caller = require(Action::Operate).await?;
    ssh::key_user(&caller.state).await
}

/// Sets the SSH user and private key for restarts; an empty key removes them.
#[server(endpoint = "set_car_ssh", input = Json, output = crate::codec::JsonText)]
pub async fn set_car_ssh(user: String, key: String) -> Result<(), AppError> {
    let caller = require(Action::Operate).await?;
    if key.trim().is_empty() {
        return ssh::set_key(&caller.state, None).await;
    }
    let user = user.trim();
    let user_ok = !user.is_empty()
        && user.len() <= 32
        && user
            .chars()
            .all(|c| c.is_ascii_alphanumeric() || matches!(c, '-' | '_' | '.'));
    if !user_ok {
        return Err(AppError::invalid(
            "user",
            "An SSH user name, e.g. deepracer.",
        ));
    }
    if !key.contains("PRIVATE KEY-----") {
        return Err(AppError::invalid(
            "key",
            "Paste the whole private key, from -----BEGIN to -----END.",
        ));
    }
    ssh::set_key(&caller.state, Some((user, &key))).await
}

/// A printable label per car: its name and a QR code of its console address (never
/// its password).
#[server(endpoint = "car_labels", input = Json, output = crate::codec::JsonText)]
pub async fn car_labels(
    #[server(default)] fleet: Option<FleetId>,
) -> Result<Vec<(String, String, String)>, AppError> {
    let caller = require(Action::Operate).await?;
    let list = cars::list(&caller.state.db, fleet.as_ref()).await?;
    list.into_iter()
        .map(|c| {
            let qr = crate::ssr::qr::svg(&c.info.address, 160)?;
            Ok((c.info.name, c.info.address, qr))
        })
        .collect()
}
