//! Models on the car, as the car handles them.
//!
//! - Upload (WS `webserver_pkg/models.py`, `model_file_upload`): multipart field `file`
//!   named `*.tar.gz`, saved into `artifacts/<file name without .tar.gz>/`, then
//!   installed by the model loader (SYS `model_loader_node.py`, `transfer_models`;
//!   `model_install_state.py`): the model is named after the file name cut at its first
//!   dot, its one `.pb` (found anywhere) becomes `artifacts/<name>/model.pb`, the
//!   top-level `model_metadata.json` is copied, `checksum.txt` holds the md5; an archive
//!   with no `.pb` or several installs nothing. The answer is always 200 with
//!   `message`, and `success: true` once the loader returned `done-upload`, installed
//!   or not.
//! - List (`models.py`, `api_list_models`): every folder with a `.pb` and readable
//!   metadata, `model_name` the `.pb`'s name ("model"), sensors by display name
//!   (`constants.py`, `SENSOR_INPUT_NAME_MAPPING`), no `success` key.
//! - Load (`models.py`, `api_load_model`; CTRL `src/ctrl_node.cpp` `loadModelHdl`,
//!   `src/ctrl_state.cpp`): `success: true` once queued, whatever the mode; only the
//!   autonomous mode loads (loading → loaded); manual and calibration stay "error".
//! - Delete (`models.py`, `api_delete_models`): `{"filenames": [...]}`, a missing folder
//!   fails the whole call.

use super::{random_hex, Sim};
use axum::extract::{Path, Request, State};
use axum::http::{header, StatusCode};
use axum::response::{IntoResponse, Response};
use axum::routing::{get, put};
use axum::{Json, Router};
use futures::StreamExt;
use md5::Digest;
use serde_json::{json, Value};
use std::path::{Path as FsPath, PathBuf};
use std::sync::Arc;

use super::vehicle::Mode;

/// `isModelLoading`: the control node's load status (CTRL `ctrl_state.hpp`,
/// `modelLoadingStatus_ = "error"` at first).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum LoadStatus {
    Loading,
    Loaded,
    Error,
}

impl LoadStatus {
    fn as_str(self) -> &'static str {
        match self {
            LoadStatus::Loading => "loading",
            LoadStatus::Loaded => "loaded",
            LoadStatus::Error => "error",
        }
    }
}

pub fn routes() -> Router<Arc<Sim>> {
    Router::new()
        .route("/api/uploadModels", put(upload).post(upload))
        .route("/api/models", get(list))
        .route("/api/models/{folder}/{model}", put(load).post(load))
        .route("/api/isModelLoading", get(is_loading))
        .route("/api/deleteModels", put(delete).post(delete))
}

/// werkzeug's `secure_filename`: whitespace to `_`, only `[A-Za-z0-9_.-]` kept, no
/// leading or trailing `.` or `_`.
fn secure_filename(name: &str) -> String {
    let joined = name.split_whitespace().collect::<Vec<_>>().join("_");
    let kept: String = joined
        .chars()
        .filter(|c| c.is_ascii_alphanumeric() || matches!(c, '_' | '.' | '-'))
        .collect();
    kept.trim_matches(|c| c == '.' || c == '_').to_string()
}

async fn upload(State(sim): State<Arc<Sim>>, request: Request) -> Response {
    let boundary = request
        .headers()
        .get(header::CONTENT_TYPE)
        .and_then(|v| v.to_str().ok())
        .and_then(|ct| multer::parse_boundary(ct).ok());
    let Some(boundary) = boundary else {
        return (StatusCode::BAD_REQUEST, "<h1>Bad Request</h1>").into_response();
    };
    let delay = *sim.upload_delay.lock().unwrap();
    let body = request
        .into_body()
        .into_data_stream()
        .then(move |chunk| async move {
            if !delay.is_zero() {
                tokio::time::sleep(delay).await;
            }
            chunk
        });
    let mut multipart = multer::Multipart::new(body, boundary);
    while let Ok(Some(mut field)) = multipart.next_field().await {
        if field.name() != Some("file") {
            continue;
        }
        let file = field.file_name().unwrap_or_default().to_string();
        let Some(folder) = file.strip_suffix(".tar.gz").filter(|f| !f.contains('/')) else {
            return Json(json!({"success": false,
                "message": "Failed to upload the model. Not a .tar.gz file"}))
            .into_response();
        };
        let mut bytes = Vec::new();
        while let Ok(Some(chunk)) = field.chunk().await {
            bytes.extend_from_slice(&chunk);
        }
        let dir = sim.artifacts.join(folder);
        let _ = std::fs::remove_dir_all(&dir);
        let saved = std::fs::create_dir_all(&dir)
            .and_then(|_| std::fs::write(dir.join(secure_filename(&file)), &bytes));
        if saved.is_err() {
            return (
                StatusCode::INTERNAL_SERVER_ERROR,
                "<h1>Internal Server Error</h1>",
            )
                .into_response();
        }
        sim.service_call().await;
        if !sim
            .failing_installs
            .load(std::sync::atomic::Ordering::SeqCst)
        {
            install(&sim.artifacts, &secure_filename(&file), &bytes);
        }
        return Json(json!({"success": true,
            "message": "Model uploaded successfully to your vehicle"}))
        .into_response();
    }
    (StatusCode::BAD_REQUEST, "<h1>Bad Request</h1>").into_response()
}

/// The model loader's install of one archive: nothing unless it holds exactly one
/// `.pb` (SYS `model_loader_node.py`: "no models found in the archive", "more than one
/// models found in the archive, ignoring all of them").
fn install(artifacts: &FsPath, archive: &str, bytes: &[u8]) {
    let name = archive.split('.').next().unwrap_or_default().to_string();
    let temp = std::env::temp_dir().join(format!("aws-temp-model-{}", random_hex()));
    let unpacked = std::fs::create_dir_all(&temp)
        .and_then(|_| tar::Archive::new(flate2::read::GzDecoder::new(bytes)).unpack(&temp));
    let models = if unpacked.is_ok() {
        pb_files(&temp)
    } else {
        Vec::new()
    };
    if let [pb] = models.as_slice() {
        let target = artifacts.join(&name);
        let _ = std::fs::remove_dir_all(&target);
        if let (Ok(()), Ok(model)) = (std::fs::create_dir_all(&target), std::fs::read(pb)) {
            let _ = std::fs::write(target.join("model.pb"), &model);
            let metadata = temp.join("model_metadata.json");
            if metadata.is_file() {
                let _ = std::fs::copy(&metadata, target.join("model_metadata.json"));
            }
            let md5: String = md5::Md5::digest(&model)
                .iter()
                .map(|b| format!("{b:02x}"))
                .collect();
            let _ = std::fs::write(target.join("checksum.txt"), format!("{md5}\n"));
        }
    }
    let _ = std::fs::remove_dir_all(&temp);
}

fn pb_files(dir: &FsPath) -> Vec<PathBuf> {
    let mut found = Vec::new();
    for entry in std::fs::read_dir(dir).into_iter().flatten().flatten() {
        let path = entry.path();
        if path.is_dir() {
            found.extend(pb_files(&path));
        } else if path.extension().is_some_and(|e| e == "pb") {
            found.push(path);
        }
    }
    found
}

/// A model folder as `/api/models` lists it, or `None` when the car leaves it out (no
/// `.pb`, no readable metadata).
fn listed(dir: &FsPath) -> Option<Value> {
    let folder = dir.file_name()?.to_string_lossy().into_owned();
    let pb = pb_files(dir).into_iter().next()?;
    let meta: Value =
        serde_json::from_str(&std::fs::read_to_string(dir.join("model_metadata.json")).ok()?)
            .ok()?;
    let sensors: Vec<&str> = match meta.get("sensor") {
        Some(Value::Array(list)) => list.iter().filter_map(Value::as_str).collect(),
        _ => vec!["observation"],
    };
    let shown = sensors
        .iter()
        .map(|s| match *s {
            "observation" => Some("Camera"),
            "LIDAR" | "SECTOR_LIDAR" => Some("LiDAR"),
            "LEFT_CAMERA" => Some("Left camera"),
            "FRONT_FACING_CAMERA" => Some("Front-facing camera"),
            "STEREO_CAMERAS" => Some("Stereo camera"),
            _ => None,
        })
        .collect::<Option<Vec<_>>>()?;
    let algorithm = match meta.get("training_algorithm").and_then(Value::as_str) {
        None | Some("clipped_ppo") => "Clipped PPO",
        Some("sac") => "Soft actor critic",
        Some(_) => return None,
    };
    let action_space = match meta.get("action_space_type").and_then(Value::as_str) {
        None | Some("discrete") => "Discrete",
        Some("continuous") => "Continuous",
        Some(_) => return None,
    };
    // Only a front camera is connected to this car.
    let runnable = shown
        .iter()
        .all(|s| *s == "Camera" || *s == "Front-facing camera");
    Some(json!({
        "model_name": pb.file_stem()?.to_string_lossy(),
        "model_folder_name": folder,
        "model_training_algorithm": algorithm,
        "model_action_space_type": action_space,
        "model_sensors": shown,
        "is_select_disabled": !runnable,
    }))
}

async fn list(State(sim): State<Arc<Sim>>) -> Json<Value> {
    sim.service_call().await;
    let mut enabled = Vec::new();
    let mut disabled = Vec::new();
    for entry in std::fs::read_dir(&sim.artifacts)
        .into_iter()
        .flatten()
        .flatten()
    {
        if let Some(model) = entry
            .path()
            .is_dir()
            .then(|| listed(&entry.path()))
            .flatten()
        {
            if model["is_select_disabled"] == json!(true) {
                disabled.push(model);
            } else {
                enabled.push(model);
            }
        }
    }
    enabled.extend(disabled);
    Json(json!({"models": enabled, "sensor_status": {
        "camera_status": "connected", "stereo_status": "not_connected", "lidar_status": "not_connected"
    }}))
}

async fn load(
    State(sim): State<Arc<Sim>>,
    Path((folder, model)): Path<(String, String)>,
) -> Json<Value> {
    let dir = sim.artifacts.join(&folder);
    if !dir.join(format!("{model}.pb")).is_file() || !dir.join("checksum.txt").is_file() {
        return Json(json!({"success": false, "reason": "Model optimization failed!"}));
    }
    if !dir.join("model_metadata.json").is_file() {
        return Json(json!({"success": false,
            "reason": "No model_metadata_file for the model selected"}));
    }
    sim.service_call().await;
    let autonomous = {
        let mut state = sim.state();
        let autonomous = state.mode == Mode::Autonomous;
        if autonomous {
            state.load_status = LoadStatus::Loading;
        }
        autonomous
    };
    // The load runs in a thread of its own; the answer does not wait for it. In manual
    // mode it is only logged: "Cannot load model in manual mode".
    if autonomous {
        let (sim, load_time) = (Arc::clone(&sim), *sim.load_time.lock().unwrap());
        tokio::spawn(async move {
            tokio::time::sleep(load_time).await;
            let mut state = sim.state();
            state.load_status = LoadStatus::Loaded;
            state.loaded = Some(folder);
        });
    }
    Json(json!({"success": true}))
}

async fn is_loading(State(sim): State<Arc<Sim>>) -> Json<Value> {
    let state = sim.state();
    // Manual and calibration modes always say "error" (CTRL `ctrl_state.cpp`).
    let status = if state.mode == Mode::Autonomous {
        state.load_status
    } else {
        LoadStatus::Error
    };
    Json(json!({"success": true, "isModelLoading": status.as_str()}))
}

async fn delete(State(sim): State<Arc<Sim>>, Json(body): Json<Value>) -> Json<Value> {
    let names: Vec<String> = body["filenames"]
        .as_array()
        .map(|a| {
            a.iter()
                .filter_map(Value::as_str)
                .map(str::to_string)
                .collect()
        })
        .unwrap_or_default();
    sim.service_call().await;
    let mut all_deleted = true;
    for name in &names {
        let dir = sim.artifacts.join(name);
        all_deleted &= !name.contains("..") && std::fs::remove_dir_all(&dir).is_ok();
    }
    let mut state = sim.state();
    if state.loaded.as_ref().is_some_and(|l| names.contains(l)) {
        state.loaded = None;
    }
    if all_deleted {
        Json(json!({"success": true, "message": "Models deleted successfully from your vehicle"}))
    } else {
        Json(json!({"success": false, "message": "Failed to delete the selected models"}))
    }
}
