//! One operation on one car: sign in with its sealed password and pinned certificate,
//! do the calls, and record what was seen (online, battery, a failure or a new
//! certificate) so the car list tells the truth.

use super::console::{Console, ConsoleError};
use crate::error::AppError;
use crate::model::{CarId, CarModel, FleetId};
use crate::ssr::state::AppState;
use crate::ssr::storage::cars::{self, NewCar, Seen, StoredCar};
use crate::ssr::storage::changes;
use reqwest::Method;
use serde_json::{json, Value};
use std::time::Duration;

/// How long a model may take to load on the car.
const LOAD_WITHIN: Duration = Duration::from_secs(60);

impl From<ConsoleError> for AppError {
    fn from(e: ConsoleError) -> Self {
        match e {
            ConsoleError::Address(reason) => AppError::invalid("address", reason),
            ConsoleError::WrongPassword => {
                AppError::invalid("password", "The car's console refused this password.")
            }
            e => AppError::Device(capitalized(&e.to_string())),
        }
    }
}

fn capitalized(text: &str) -> String {
    let mut chars = text.chars();
    chars
        .next()
        .map(|c| c.to_uppercase().chain(chars).collect())
        .unwrap_or_default()
}

/// What a failure tells about the car, for its status.
pub fn seen_after(e: &ConsoleError) -> Seen {
    match e {
        ConsoleError::CertificateChanged { seen } => Seen::NewCertificate {
            fingerprint: seen.clone(),
            problem: e.to_string(),
        },
        e => Seen::Failed {
            problem: e.to_string(),
        },
    }
}

/// Records what was seen and tells the pages if that changed anything.
pub async fn note(state: &AppState, car: &CarId, seen: &Seen) {
    match cars::record_seen(&state.db, car, seen).await {
        Ok(true) => changes::record_kit(&state.db).await,
        Ok(false) => {}
        Err(e) => tracing::warn!(car = %car.0, error = %e, "car status not stored"),
    }
}

/// A signed-in console for a stored car.
pub async fn console(state: &AppState, car: &StoredCar) -> Result<Console, ConsoleError> {
    let password = state
        .cars
        .key
        .open(&car.sealed_password)
        .map_err(ConsoleError::Refused)?;
    Console::sign_in(&car.info.address, &password, Some(&car.info.certificate)).await
}

/// Runs `op` on the car's console; any failure is recorded on the car and returned
/// with the car's name.
pub async fn on_car<T, F, Fut>(state: &AppState, id: &CarId, op: F) -> Result<T, AppError>
where
    F: FnOnce(Console) -> Fut,
    Fut: std::future::Future<Output = Result<T, ConsoleError>>,
{
    let car = cars::get(&state.db, id).await?;
    let result = match console(state, &car).await {
        Ok(console) => op(console).await,
        Err(e) => Err(e),
    };
    match result {
        Ok(value) => Ok(value),
        Err(e) => {
            note(state, id, &seen_after(&e)).await;
            tracing::warn!(car = %car.info.name, error = %e, "car operation failed");
            Err(AppError::Device(format!("{}: {e}", car.info.name)))
        }
    }
}

/// The battery level 0–10 from `get_battery_level` (negative: not connected).
pub fn battery_of(answer: &Value) -> Option<u8> {
    answer
        .get("battery_level")
        .and_then(Value::as_i64)
        .and_then(|level| u8::try_from(level).ok())
        .filter(|level| *level <= 10)
}

/// Signs in to a new car (trusting the certificate it shows), reads its device info
/// and battery, and stores it with its password sealed.
pub async fn activate(
    state: &AppState,
    name: &str,
    address: &str,
    password: &str,
    fleet: Option<&FleetId>,
) -> Result<CarId, AppError> {
    let console = Console::sign_in(address, password, None).await?;
    let info = console.get("/api/get_device_info").await?;
    let serial = ["chassis_serial", "serial_number", "serial"]
        .iter()
        .find_map(|key| info.get(*key).and_then(Value::as_str))
        .map(str::trim)
        .filter(|s| !s.is_empty())
        .map(str::to_string);
    let battery = console
        .get("/api/get_battery_level")
        .await
        .ok()
        .as_ref()
        .and_then(battery_of);
    let sealed = state.cars.key.seal(password).map_err(|e| {
        tracing::error!(error = %e, "console password not sealed");
        AppError::Internal
    })?;
    let address = super::console::normalize_address(address)?;
    let id = cars::activate(
        &state.db,
        &NewCar {
            name,
            address: &address,
            sealed_password: &sealed,
            certificate: &console.fingerprint,
            serial: serial.as_deref(),
            fleet,
        },
    )
    .await?;
    let _ = cars::record_seen(&state.db, &id, &Seen::Online { battery }).await;
    tracing::info!(car = %id.0, name, %address, fingerprint = %console.fingerprint, "car activated");
    changes::record_kit(&state.db).await;
    Ok(id)
}

/// The models on the car.
pub async fn list_models(state: &AppState, car: &CarId) -> Result<Vec<CarModel>, AppError> {
    on_car(state, car, |console| async move {
        let answer = console.get("/api/models").await?;
        Ok(models_of(&answer))
    })
    .await
}

/// Models from `GET /api/models`.
pub fn models_of(answer: &Value) -> Vec<CarModel> {
    let text = |m: &Value, key: &str| m.get(key).and_then(Value::as_str).unwrap_or("").to_string();
    answer
        .get("models")
        .and_then(Value::as_array)
        .map(|models| {
            models
                .iter()
                .map(|m| CarModel {
                    name: text(m, "model_name"),
                    folder: text(m, "model_folder_name"),
                    sensors: match m.get("model_sensors") {
                        Some(Value::Array(list)) => list
                            .iter()
                            .filter_map(Value::as_str)
                            .map(str::to_string)
                            .collect(),
                        Some(Value::String(s)) => vec![s.clone()],
                        _ => Vec::new(),
                    },
                })
                .filter(|m| !m.folder.is_empty())
                .collect()
        })
        .unwrap_or_default()
}

/// Deletes models from the car (all of them with `folders` = `None`: "clean car").
pub async fn delete_models(
    state: &AppState,
    car: &CarId,
    folders: Option<Vec<String>>,
) -> Result<usize, AppError> {
    let deleted = on_car(state, car, |console| async move {
        let folders = match folders {
            Some(folders) => folders,
            None => models_of(&console.get("/api/models").await?)
                .into_iter()
                .map(|m| m.folder)
                .collect(),
        };
        if !folders.is_empty() {
            console
                .send(
                    Method::POST,
                    "/api/deleteModels",
                    &json!({ "filenames": folders }),
                )
                .await?;
        }
        Ok(folders.len())
    })
    .await?;
    let _ = cars::set_loaded_model(&state.db, car, None).await;
    changes::record_kit(&state.db).await;
    Ok(deleted)
}

/// Loads a model on the car and waits until the car says it is loaded.
pub async fn load_model(state: &AppState, car: &CarId, folder: &str) -> Result<(), AppError> {
    let path = format!("/api/models/{}/model", encode_segment(folder));
    on_car(state, car, |console| async move {
        console.send(Method::PUT, &path, &json!({})).await?;
        let deadline = tokio::time::Instant::now() + LOAD_WITHIN;
        loop {
            let answer = console.get("/api/isModelLoading").await?;
            match answer.get("isModelLoading").and_then(Value::as_str) {
                Some("loaded") => return Ok(()),
                Some("error") => {
                    return Err(ConsoleError::Refused("an error loading the model".into()))
                }
                _ if tokio::time::Instant::now() > deadline => {
                    return Err(ConsoleError::Refused(
                        "no loaded model after a minute".into(),
                    ))
                }
                _ => tokio::time::sleep(Duration::from_millis(500)).await,
            }
        }
    })
    .await?;
    cars::set_loaded_model(&state.db, car, Some(folder)).await?;
    changes::record_kit(&state.db).await;
    Ok(())
}

/// A path segment with anything but the model-name alphabet percent-encoded.
fn encode_segment(text: &str) -> String {
    text.bytes()
        .map(|b| match b {
            b'A'..=b'Z' | b'a'..=b'z' | b'0'..=b'9' | b'-' | b'_' | b'.' => (b as char).to_string(),
            b => format!("%{b:02X}"),
        })
        .collect()
}

/// Sets the tail light, `#RRGGBB`.
pub async fn set_tail_light(
    state: &AppState,
    car: &CarId,
    colour: (u8, u8, u8),
) -> Result<(), AppError> {
    let (red, green, blue) = colour;
    on_car(state, car, |console| async move {
        console
            .send(
                Method::POST,
                "/api/set_led_color",
                &json!({"red": red, "green": green, "blue": blue}),
            )
            .await
            .map(|_| ())
    })
    .await
}

/// The end of a race: tail light white and throttle stopped.
pub async fn stop_for_race_end(state: &AppState, car: &CarId) -> Result<(), AppError> {
    on_car(state, car, |console| async move {
        console
            .send(
                Method::PUT,
                "/api/start_stop",
                &json!({"start_stop": "stop"}),
            )
            .await?;
        console
            .send(
                Method::POST,
                "/api/set_led_color",
                &json!({"red": 255, "green": 255, "blue": 255}),
            )
            .await
            .map(|_| ())
    })
    .await
}

/// `#RRGGBB` as three bytes.
pub fn parse_colour(text: &str) -> Option<(u8, u8, u8)> {
    let hex = text.trim().strip_prefix('#')?;
    if hex.len() != 6 || !hex.chars().all(|c| c.is_ascii_hexdigit()) {
        return None;
    }
    let byte = |i: usize| u8::from_str_radix(&hex[i..i + 2], 16).ok();
    Some((byte(0)?, byte(2)?, byte(4)?))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn colours_and_batteries_are_read_strictly() {
        assert_eq!(parse_colour("#FF8200"), Some((255, 130, 0)));
        assert_eq!(parse_colour("ff8200"), None);
        assert_eq!(parse_colour("#FF82"), None);
        assert_eq!(parse_colour("#GG8200"), None);
        assert_eq!(
            battery_of(&json!({"battery_level": 7, "success": true})),
            Some(7)
        );
        assert_eq!(
            battery_of(&json!({"battery_level": -1, "success": true})),
            None
        );
        assert_eq!(battery_of(&json!({"battery_level": 42})), None);
        assert_eq!(battery_of(&json!({})), None);
    }

    #[test]
    fn models_are_read_from_the_console_list() {
        let answer = json!({"models": [
            {"model_name": "fast", "model_folder_name": "fast", "model_sensors": ["FRONT_FACING_CAMERA"]},
            {"model_name": "odd", "model_folder_name": ""},
        ], "success": true});
        let models = models_of(&answer);
        assert_eq!(models.len(), 1);
        assert_eq!(models[0].sensors, ["FRONT_FACING_CAMERA"]);
        assert_eq!(encode_segment("a b/c"), "a%20b%2Fc");
    }
}
