//! What drem does on a car, call by call as the car's console wants it
//! (`aws-deepracer-webserver-pkg` and the control node `aws-deepracer-ctrl-pkg`): add
//! it, list, load and delete its models, and show a race on its tail light.

use super::console::{Console, ConsoleError, CALL_TIMEOUT};
use super::session::on_car;
use crate::error::AppError;
use crate::ssr::state::AppState;
use crate::ssr::storage::cars::{self, NewCar, Seen};
use crate::ssr::storage::changes;
use crate::wire::{CarId, CarModel, FleetId};
use reqwest::Method;
use serde_json::{json, Value};
use std::time::Duration;

/// The load request itself: up to four internal service calls on the car.
const LOAD_CALL: Duration = Duration::from_secs(130);
/// How long a model may take to load once asked (5–45 s by the community console's
/// own words, more with a model to optimize).
const LOAD_WITHIN: Duration = Duration::from_secs(120);
/// A load that has not started after this long was refused (not in autonomous mode).
const LOAD_STARTS_WITHIN: Duration = Duration::from_secs(8);

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

/// The battery level from `get_battery_level`: 0 to 11 (full), or −1 when no battery
/// is connected or it could not be read (`aws-deepracer-i2c-pkg`, `battery_node.cpp`).
pub fn battery_of(answer: &Value) -> Option<i8> {
    answer
        .get("battery_level")
        .and_then(Value::as_i64)
        .filter(|level| (-1..=11).contains(level))
        .and_then(|level| i8::try_from(level).ok())
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
    let software_version = info
        .get("software_version")
        .and_then(Value::as_str)
        .map(str::trim)
        .filter(|v| !v.is_empty() && *v != "--")
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
            software_version: software_version.as_deref(),
            fleet,
        },
    )
    .await?;
    let _ = cars::record_seen(&state.db, &id, &Seen::Online { battery }).await;
    // This sign-in is the car's session from now on (another would sign it out).
    *state.cars.sessions.slot(&id).lock().await = Some(console.clone());
    tracing::info!(car = %id.0, name, %address, fingerprint = %console.fingerprint, "car activated");
    changes::record_kit(&state.db).await;
    Ok(id)
}

/// The models on the car, each with whose it is when drem sent it.
pub async fn list_models(state: &AppState, car: &CarId) -> Result<Vec<CarModel>, AppError> {
    let mut models = on_car(state, car, |console| async move {
        let answer = console.get("/api/models").await?;
        Ok(models_of(&answer))
    })
    .await?;
    let sent = crate::ssr::storage::car_models::of_car(&state.db, car).await?;
    for model in &mut models {
        if let Some((owner, name)) = sent.get(&model.folder) {
            model.owner = Some(owner.clone());
            model.model = Some(name.clone());
        }
    }
    Ok(models)
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
                    owner: None,
                    model: None,
                    runnable: m.get("is_select_disabled") != Some(&Value::Bool(true)),
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
    let deleted = on_car(state, car, |console| {
        let folders = folders.clone();
        async move {
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
        }
    })
    .await?;
    let _ = cars::set_loaded_model(&state.db, car, None).await;
    changes::record_kit(&state.db).await;
    Ok(deleted)
}

/// Loads a model on the car and waits until the car says it is loaded. As the car
/// wants it (the community console's `home.tsx` does the same): stop the car, switch
/// to the autonomous mode (the control node starts in manual mode, where a load is
/// accepted and then ignored: `ctrl_state.cpp`), ask for the load, then follow
/// `isModelLoading` (loading → loaded, or error). The car stays stopped.
pub async fn load_model(state: &AppState, car: &CarId, folder: &str) -> Result<(), AppError> {
    let path = format!("/api/models/{}/model", encode_segment(folder));
    let speed_cap = cars::get(&state.db, car).await?.info.speed_cap;
    on_car(state, car, |console| {
        let path = path.clone();
        async move {
            stop(&console).await?;
            console
                .send(
                    Method::PUT,
                    "/api/drive_mode",
                    &json!({"drive_mode": "auto"}),
                )
                .await?;
            console
                .send_within(Method::PUT, &path, &json!({}), LOAD_CALL)
                .await?;
            until_loaded(&console).await?;
            // The speed cap holds in the autonomous mode only: applied again now.
            if let Some(percent) = speed_cap {
                super::upkeep::apply_speed_cap(&console, percent).await?;
            }
            Ok(())
        }
    })
    .await?;
    cars::set_loaded_model(&state.db, car, Some(folder)).await?;
    changes::record_kit(&state.db).await;
    Ok(())
}

/// Follows `isModelLoading` until the model is loaded. The load runs on the car in a
/// thread of its own, so the first look waits a second (an earlier model's "loaded"
/// must not pass for this one's).
async fn until_loaded(console: &Console) -> Result<(), ConsoleError> {
    let asked = tokio::time::Instant::now();
    let mut started = false;
    loop {
        tokio::time::sleep(Duration::from_secs(1)).await;
        let answer = console.get("/api/isModelLoading").await?;
        match answer.get("isModelLoading").and_then(Value::as_str) {
            Some("loaded") => return Ok(()),
            Some("loading") => started = true,
            Some("error") if started => {
                return Err(ConsoleError::Refused(
                    "the car could not load the model (its logs say why)".into(),
                ))
            }
            Some("error") if asked.elapsed() > LOAD_STARTS_WITHIN => {
                return Err(ConsoleError::Refused(
                    "the car did not start loading the model".into(),
                ))
            }
            _ => {}
        }
        if asked.elapsed() > LOAD_WITHIN {
            return Err(ConsoleError::StillWorking(LOAD_WITHIN.as_secs()));
        }
    }
}

/// Stops the car: its throttle off, at once.
async fn stop(console: &Console) -> Result<(), ConsoleError> {
    console
        .send(
            Method::PUT,
            "/api/start_stop",
            &json!({"start_stop": "stop"}),
        )
        .await
        .map(|_| ())
}

/// Shows `colour` on the tail light. The control node changes the light in calibration
/// mode only, and says "success" in every other mode without changing it
/// (`ctrl_state.cpp`, `setLedValue`): so switch to calibration (which also stops the
/// car), set the light, and go back to the autonomous mode, stopped, ready for a model.
async fn show_colour(
    console: &Console,
    (red, green, blue): (u8, u8, u8),
) -> Result<(), ConsoleError> {
    console
        .get_change("/api/set_calibration_mode", CALL_TIMEOUT)
        .await?;
    console
        .send(
            Method::POST,
            "/api/set_led_color",
            &json!({"red": red, "green": green, "blue": blue}),
        )
        .await?;
    console
        .send(
            Method::PUT,
            "/api/drive_mode",
            &json!({"drive_mode": "auto"}),
        )
        .await
        .map(|_| ())
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

/// Sets the tail light (the car is stopped for it: see `show_colour`).
pub async fn set_tail_light(
    state: &AppState,
    car: &CarId,
    colour: (u8, u8, u8),
) -> Result<(), AppError> {
    on_car(state, car, |console| async move {
        show_colour(&console, colour).await
    })
    .await
}

/// The end of a race: the car stopped at once, then its tail light white.
pub async fn stop_for_race_end(state: &AppState, car: &CarId) -> Result<(), AppError> {
    on_car(state, car, |console| async move {
        stop(&console).await?;
        show_colour(&console, (255, 255, 255)).await
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
        assert_eq!(battery_of(&json!({"battery_level": 11})), Some(11), "full");
        assert_eq!(
            battery_of(&json!({"battery_level": -1, "success": true})),
            Some(-1),
            "no battery connected"
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
