//! Driving, power and the rest of the console, as the car answers.
//!
//! - Modes (CTRL `src/ctrl_node.cpp`): manual (at boot), autonomous, calibration; a new
//!   mode starts stopped (`stateHdl` does not activate it). `drive_mode` takes
//!   `"manual"` or anything else for autonomous (WS `vehicle_control.py`).
//! - `start_stop`: `"stop"`, or anything else to start (WS `vehicle_control.py`).
//! - `max_nav_throttle`: percent; applied in autonomous mode only, `success` either way
//!   (WS `vehicle_control.py`; CTRL `ctrl_state.cpp`).
//! - Battery: −1 (no battery, or the read failed) to 11 (I2C `src/battery_node.cpp`,
//!   `levelMap`; WS `device_info_api.py`).
//! - Device info: hardware and software version only, no serial (WS
//!   `device_info_api.py`; DI `device_info_node.py`).
//! - Tail light: `set_led_color` changes the light in calibration mode only, yet says
//!   `success` in every mode (WS `led_api.py`; CTRL `ctrl_state.cpp` `setLedValue`);
//!   `GET /api/set_calibration_mode` switches to calibration and starts it
//!   (WS `calibration.py`).
//! - SSH: off until `GET /api/enableSsh` (WS `ssh_api.py`).
//! - Logs: the syslog's last N lines (WS `vehicle_logs.py`); software update state
//!   (WS `software_update.py`); sensors (WS `device_info_api.py`).

use super::Sim;
use axum::extract::{Path, State};
use axum::response::{IntoResponse, Response};
use axum::routing::{get, post, put};
use axum::{Json, Router};
use serde_json::{json, Value};
use std::sync::Arc;

/// The control node's state (CTRL `ctrl_node.cpp`, `enum CtrlState`).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Mode {
    Manual,
    Autonomous,
    Calibration,
}

pub fn routes() -> Router<Arc<Sim>> {
    Router::new()
        .route("/api/drive_mode", put(drive_mode).post(drive_mode))
        .route("/api/start_stop", put(start_stop).post(start_stop))
        .route("/api/max_nav_throttle", put(throttle).post(throttle))
        .route("/api/get_battery_level", get(battery))
        .route("/api/get_device_info", get(device_info))
        .route("/api/get_sensor_status", get(sensors))
        .route("/api/set_led_color", post(set_led))
        .route("/api/get_led_color", get(get_led))
        .route("/api/set_calibration_mode", get(calibration_mode))
        .route("/api/isSshEnabled", get(ssh_enabled))
        .route("/api/enableSsh", get(enable_ssh))
        .route("/api/disableSsh", get(disable_ssh))
        .route("/api/logs/{kind}/{lines}", get(logs))
        .route("/api/is_software_update_available", get(update_available))
}

fn ok() -> Json<Value> {
    Json(json!({"success": true}))
}

async fn drive_mode(State(sim): State<Arc<Sim>>, Json(body): Json<Value>) -> Json<Value> {
    let Some(mode) = body.get("drive_mode").and_then(Value::as_str) else {
        return Json(json!({"success": false, "reason": "drive_mode must be set."}));
    };
    sim.service_call().await;
    let mut state = sim.state();
    state.mode = if mode == "manual" {
        Mode::Manual
    } else {
        Mode::Autonomous
    };
    state.active = false;
    ok()
}

async fn start_stop(State(sim): State<Arc<Sim>>, Json(body): Json<Value>) -> Json<Value> {
    let Some(value) = body.get("start_stop").and_then(Value::as_str) else {
        return Json(json!({"success": false, "reason": "start_stop must be set."}));
    };
    sim.service_call().await;
    sim.state().active = value != "stop";
    ok()
}

async fn throttle(State(sim): State<Arc<Sim>>, Json(body): Json<Value>) -> Json<Value> {
    let Some(percent) = body.get("throttle").and_then(Value::as_f64) else {
        return Json(json!({"success": false, "reason": "value must be set."}));
    };
    sim.service_call().await;
    let mut state = sim.state();
    if state.mode == Mode::Autonomous && (0.0..=100.0).contains(&percent) {
        state.throttle = Some(percent as u8);
    }
    ok()
}

async fn battery(State(sim): State<Arc<Sim>>) -> Json<Value> {
    sim.service_call().await;
    Json(json!({"battery_level": sim.state().battery, "success": true}))
}

async fn device_info(State(sim): State<Arc<Sim>>) -> Json<Value> {
    sim.service_call().await;
    Json(json!({"hardware_version": "R2.1", "software_version": "2.0.383.0", "success": true}))
}

async fn sensors(State(sim): State<Arc<Sim>>) -> Json<Value> {
    sim.service_call().await;
    Json(
        json!({"camera_status": "connected", "stereo_status": "not_connected",
        "lidar_status": "not_connected", "success": true}),
    )
}

async fn set_led(State(sim): State<Arc<Sim>>, Json(body): Json<Value>) -> Json<Value> {
    let channel = |k: &str| {
        body.get(k).and_then(|v| {
            v.as_i64()
                .or_else(|| v.as_str().and_then(|s| s.parse().ok()))
        })
    };
    let (Some(r), Some(g), Some(b)) = (channel("red"), channel("green"), channel("blue")) else {
        return Json(json!({"success": false, "reason": "Error"}));
    };
    let byte = |v: i64| u8::try_from(v).ok();
    let (Some(r), Some(g), Some(b)) = (byte(r), byte(g), byte(b)) else {
        return Json(json!({"success": false, "reason": "Input is not valid"}));
    };
    sim.service_call().await;
    let mut state = sim.state();
    if state.mode == Mode::Calibration {
        state.led = (r, g, b);
    }
    ok()
}

async fn get_led(State(sim): State<Arc<Sim>>) -> Json<Value> {
    let state = sim.state();
    let (r, g, b) = if state.mode == Mode::Calibration {
        state.led
    } else {
        (0, 0, 0)
    };
    Json(json!({"red": r, "green": g, "blue": b, "success": true}))
}

async fn calibration_mode(State(sim): State<Arc<Sim>>) -> Json<Value> {
    sim.service_call().await;
    let mut state = sim.state();
    state.mode = Mode::Calibration;
    state.active = true;
    ok()
}

async fn ssh_enabled(State(sim): State<Arc<Sim>>) -> Json<Value> {
    let on = sim.state().ssh_enabled;
    let reason = if on {
        "Ssh is enabled."
    } else {
        "Ssh not enabled."
    };
    Json(json!({"success": true, "isSshEnabled": on, "reason": reason}))
}

async fn enable_ssh(State(sim): State<Arc<Sim>>) -> Json<Value> {
    sim.state().ssh_enabled = true;
    Json(json!({"success": true, "isSshEnabled": true, "reason": "Ssh enabled."}))
}

async fn disable_ssh(State(sim): State<Arc<Sim>>) -> Json<Value> {
    sim.state().ssh_enabled = false;
    Json(json!({"success": true, "isSshEnabled": false, "reason": "Ssh disabled."}))
}

async fn logs(Path((kind, lines)): Path<(String, usize)>) -> Response {
    if kind != "SYS" {
        return Json(json!({"success": true, "data": "Type of log does not exist!"}))
            .into_response();
    }
    let syslog: Vec<String> = (1..=1500)
        .map(|n| {
            format!(
                "Dec  2 10:00:{:02} deepracer ctrl_node[{n}]: line {n}",
                n % 60
            )
        })
        .collect();
    let count = if lines == 0 {
        syslog.len()
    } else {
        lines.min(1000)
    };
    let data = syslog[syslog.len() - count..].join("\n");
    Json(json!({"success": true, "data": data})).into_response()
}

async fn update_available(State(sim): State<Arc<Sim>>) -> Json<Value> {
    sim.service_call().await;
    Json(json!({"success": true, "status": false}))
}
