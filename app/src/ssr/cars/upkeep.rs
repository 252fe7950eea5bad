//! Looking after a car between races through its console
//! (`aws-deepracer-webserver-pkg`): its logs, whether a software update waits, its
//! sensors, its speed cap, and SSH for a restart.

use super::console::{ConsoleError, CALL_TIMEOUT};
use super::session::on_car;
use crate::error::AppError;
use crate::ssr::state::AppState;
use crate::ssr::storage::{cars, changes};
use crate::wire::CarId;
use reqwest::Method;
use serde_json::{json, Value};
use std::time::Duration;

/// The update check runs apt on the car: up to 180 s a try (`software_update.py`).
const UPDATE_CHECK_WITHIN: Duration = Duration::from_secs(200);

/// The last 1,000 lines of the car's syslog (`vehicle_logs.py`: 1,000 at most).
pub async fn logs(state: &AppState, car: &CarId) -> Result<String, AppError> {
    on_car(state, car, |console| async move {
        let answer = console.get("/api/logs/SYS/1000").await?;
        answer
            .get("data")
            .and_then(Value::as_str)
            .map(str::to_string)
            .ok_or_else(|| ConsoleError::Unreadable("no log in the answer".into()))
    })
    .await
}

/// Whether a software update is available for the car.
pub async fn update_available(state: &AppState, car: &CarId) -> Result<bool, AppError> {
    on_car(state, car, |console| async move {
        let answer = console
            .get_change("/api/is_software_update_available", UPDATE_CHECK_WITHIN)
            .await?;
        Ok(answer.get("status") == Some(&Value::Bool(true)))
    })
    .await
}

/// The car's sensors: (camera, stereo camera, lidar), each `connected`,
/// `not_connected` or `error` (`device_info_api.py`, `get_sensor_status`).
pub async fn sensors(state: &AppState, car: &CarId) -> Result<Vec<(String, String)>, AppError> {
    on_car(state, car, |console| async move {
        let answer = console.get("/api/get_sensor_status").await?;
        Ok([
            ("Camera", "camera_status"),
            ("Stereo camera", "stereo_status"),
            ("LiDAR", "lidar_status"),
        ]
        .iter()
        .map(|(name, key)| {
            let status = answer
                .get(*key)
                .and_then(Value::as_str)
                .unwrap_or("unknown");
            (name.to_string(), status.replace('_', " "))
        })
        .collect())
    })
    .await
}

/// Sends a speed cap (percent of full throttle in the autonomous mode) to the car.
pub async fn apply_speed_cap(
    console: &super::console::Console,
    percent: u8,
) -> Result<(), ConsoleError> {
    console
        .send(
            Method::PUT,
            "/api/max_nav_throttle",
            &json!({"throttle": percent}),
        )
        .await
        .map(|_| ())
}

/// Stores a car's speed cap and applies it now. The control node applies it only in the
/// autonomous mode (and says "success" in any): drem applies it again after every
/// model it loads, which leaves the car autonomous.
pub async fn set_speed_cap(
    state: &AppState,
    car: &CarId,
    percent: Option<u8>,
) -> Result<(), AppError> {
    cars::set_speed_cap(&state.db, car, percent).await?;
    let applied = percent.unwrap_or(100);
    on_car(state, car, |console| async move {
        apply_speed_cap(&console, applied).await
    })
    .await?;
    changes::record_kit(&state.db).await;
    Ok(())
}

/// Turns SSH on through the console (it is off on a car as shipped: `ssh_api.py`),
/// before a restart over SSH.
pub async fn enable_ssh(state: &AppState, car: &CarId) -> Result<(), AppError> {
    on_car(state, car, |console| async move {
        console
            .get_change("/api/enableSsh", CALL_TIMEOUT)
            .await
            .map(|_| ())
    })
    .await
}
