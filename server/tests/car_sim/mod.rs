//! A simulated DeepRacer car console for tests (no real car runs here), faithful to the
//! console API of domain.md §7: HTTPS with a self-signed certificate, the CSRF token in
//! `GET /`'s page tied to a session cookie, `POST /login` setting `deepracer_token`,
//! `X-CSRFToken` required on every PUT and POST, a multipart upload unpacked into a
//! folder per model, models listed and loaded, battery, tail light and start/stop.
//!
//! Test knobs: replace the certificate (a reinstalled car), hang (a car that stops
//! answering), slow uploads (to watch progress), set the battery.

#![allow(dead_code)]

use axum::extract::{Path, Request, State};
use axum::http::{header, HeaderMap, Method, StatusCode};
use axum::middleware::{self, Next};
use axum::response::{Html, IntoResponse, Response};
use axum::routing::{get, post, put};
use axum::{Json, Router};
use futures::StreamExt;
use rustls::pki_types::{CertificateDer, PrivateKeyDer, PrivatePkcs8KeyDer};
use serde_json::{json, Value};
use std::collections::{HashMap, HashSet};
use std::path::PathBuf;
use std::sync::{Arc, Mutex, RwLock};
use std::time::Duration;

/// What the simulated car is and does now.
#[derive(Debug, Default)]
pub struct CarState {
    pub battery: i64,
    pub led: Option<(u8, u8, u8)>,
    pub start_stop: Option<String>,
    pub drive_mode: Option<String>,
    pub throttle: Option<u8>,
    pub loaded: Option<String>,
    /// Sign-ins that succeeded.
    pub sign_ins: usize,
    /// Requests without a valid CSRF token that were refused.
    pub csrf_refused: usize,
    sessions: HashMap<String, String>,
    tokens: HashSet<String>,
}

struct Sim {
    password: String,
    serial: Option<String>,
    artifacts: PathBuf,
    state: Mutex<CarState>,
    hang: std::sync::atomic::AtomicBool,
    upload_delay: Mutex<Duration>,
    tls: RwLock<Arc<rustls::ServerConfig>>,
    fingerprint: Mutex<String>,
}

/// A running simulated car.
#[derive(Clone)]
pub struct SimCar {
    /// `https://127.0.0.1:PORT`.
    pub address: String,
    pub password: String,
    sim: Arc<Sim>,
    _dir: Arc<tempfile::TempDir>,
}

fn tls_config() -> (Arc<rustls::ServerConfig>, String) {
    let certified =
        rcgen::generate_simple_self_signed(vec!["localhost".into(), "127.0.0.1".into()])
            .expect("a self-signed certificate");
    let cert = CertificateDer::from(certified.cert.der().to_vec());
    let fingerprint = app::ssr::cars::console::fingerprint(cert.as_ref());
    let key = PrivateKeyDer::Pkcs8(PrivatePkcs8KeyDer::from(certified.key_pair.serialize_der()));
    let config = rustls::ServerConfig::builder_with_provider(Arc::new(
        rustls::crypto::ring::default_provider(),
    ))
    .with_safe_default_protocol_versions()
    .expect("TLS versions")
    .with_no_client_auth()
    .with_single_cert(vec![cert], key)
    .expect("TLS config");
    (Arc::new(config), fingerprint)
}

fn random_hex() -> String {
    app::ssr::tokens::new_secret()
}

impl SimCar {
    /// Starts a car on a free loopback port (or `port`), console password `password`.
    pub async fn start_on(port: u16, password: &str, serial: Option<&str>) -> SimCar {
        let dir = tempfile::tempdir().expect("artifacts folder");
        let (tls, fingerprint) = tls_config();
        let sim = Arc::new(Sim {
            password: password.to_string(),
            serial: serial.map(str::to_string),
            artifacts: dir.path().to_path_buf(),
            state: Mutex::new(CarState {
                battery: 8,
                ..Default::default()
            }),
            hang: Default::default(),
            upload_delay: Mutex::new(Duration::ZERO),
            tls: RwLock::new(tls),
            fingerprint: Mutex::new(fingerprint),
        });
        // A car on Wi-Fi takes data slowly: a small receive buffer (inherited by every
        // accepted socket) keeps loopback's multi-megabyte buffers from hiding that.
        let socket = tokio::net::TcpSocket::new_v4().expect("a socket");
        let _ = socket.set_reuseaddr(true);
        let _ = socket.set_recv_buffer_size(64 * 1024);
        socket
            .bind(std::net::SocketAddr::from(([127, 0, 0, 1], port)))
            .expect("a port for the car");
        let listener = socket.listen(64).expect("listening");
        let address = format!("https://{}", listener.local_addr().unwrap());
        let router = router(Arc::clone(&sim));
        let accept_sim = Arc::clone(&sim);
        tokio::spawn(async move {
            while let Ok((tcp, _)) = listener.accept().await {
                let config = accept_sim.tls.read().unwrap().clone();
                let router = router.clone();
                tokio::spawn(async move {
                    let Ok(tls) = tokio_rustls::TlsAcceptor::from(config).accept(tcp).await else {
                        return;
                    };
                    let service = hyper_util::service::TowerToHyperService::new(router);
                    let _ = hyper::server::conn::http1::Builder::new()
                        .serve_connection(hyper_util::rt::TokioIo::new(tls), service)
                        .await;
                });
            }
        });
        SimCar {
            address,
            password: password.to_string(),
            sim,
            _dir: Arc::new(dir),
        }
    }

    /// Starts a car on a free port with a fixed password.
    pub async fn start() -> SimCar {
        Self::start_on(0, "console-pass-7", None).await
    }

    /// The fingerprint of the certificate it shows now.
    pub fn fingerprint(&self) -> String {
        self.sim.fingerprint.lock().unwrap().clone()
    }

    /// A reinstalled car: a new self-signed certificate from now on.
    pub fn replace_certificate(&self) {
        let (tls, fingerprint) = tls_config();
        *self.sim.tls.write().unwrap() = tls;
        *self.sim.fingerprint.lock().unwrap() = fingerprint;
    }

    /// A car that accepts connections but never answers (or answers again).
    pub fn hang(&self, hang: bool) {
        self.sim
            .hang
            .store(hang, std::sync::atomic::Ordering::SeqCst);
    }

    /// Slows uploads down: a pause after every received chunk.
    pub fn slow_uploads(&self, delay: Duration) {
        *self.sim.upload_delay.lock().unwrap() = delay;
    }

    pub fn set_battery(&self, level: i64) {
        self.sim.state.lock().unwrap().battery = level;
    }

    /// Reads the car's state.
    pub fn with_state<T>(&self, read: impl FnOnce(&CarState) -> T) -> T {
        read(&self.sim.state.lock().unwrap())
    }

    /// Model folders on the car.
    pub fn model_folders(&self) -> Vec<String> {
        let mut names: Vec<String> = std::fs::read_dir(&self.sim.artifacts)
            .map(|entries| {
                entries
                    .flatten()
                    .filter(|e| e.path().is_dir())
                    .map(|e| e.file_name().to_string_lossy().into_owned())
                    .collect()
            })
            .unwrap_or_default();
        names.sort();
        names
    }

    /// The files of one model folder, relative.
    pub fn model_files(&self, folder: &str) -> Vec<String> {
        fn walk(base: &std::path::Path, dir: &std::path::Path, out: &mut Vec<String>) {
            for entry in std::fs::read_dir(dir).into_iter().flatten().flatten() {
                let path = entry.path();
                if path.is_dir() {
                    walk(base, &path, out);
                } else if let Ok(rel) = path.strip_prefix(base) {
                    out.push(rel.to_string_lossy().into_owned());
                }
            }
        }
        let base = self.sim.artifacts.join(folder);
        let mut out = Vec::new();
        walk(&base, &base, &mut out);
        out.sort();
        out
    }
}

fn router(sim: Arc<Sim>) -> Router {
    let api = Router::new()
        .route("/api/uploadModels", put(upload))
        .route("/api/models", get(models))
        .route("/api/models/{folder}/model", put(load))
        .route("/api/isModelLoading", get(is_loading))
        .route("/api/drive_mode", put(drive_mode))
        .route("/api/max_nav_throttle", put(throttle))
        .route("/api/start_stop", put(start_stop))
        .route("/api/get_battery_level", get(battery))
        .route("/api/set_led_color", post(led))
        .route("/api/deleteModels", post(delete_models))
        .route("/api/get_device_info", get(device_info))
        .layer(middleware::from_fn_with_state(Arc::clone(&sim), signed_in));
    Router::new()
        .route("/", get(home))
        .route("/login", post(login))
        .merge(api)
        .layer(middleware::from_fn_with_state(Arc::clone(&sim), hang))
        .with_state(sim)
}

async fn hang(State(sim): State<Arc<Sim>>, request: Request, next: Next) -> Response {
    if sim.hang.load(std::sync::atomic::Ordering::SeqCst) {
        std::future::pending::<()>().await;
    }
    next.run(request).await
}

fn cookie(headers: &HeaderMap, name: &str) -> Option<String> {
    headers
        .get_all(header::COOKIE)
        .iter()
        .filter_map(|v| v.to_str().ok())
        .flat_map(|v| v.split(';'))
        .filter_map(|pair| pair.trim().split_once('='))
        .find(|(k, _)| *k == name)
        .map(|(_, v)| v.to_string())
}

/// The session's CSRF token matches `X-CSRFToken`.
fn csrf_ok(sim: &Sim, headers: &HeaderMap) -> bool {
    let state = sim.state.lock().unwrap();
    let expected = cookie(headers, "session").and_then(|sid| state.sessions.get(&sid).cloned());
    let given = headers.get("X-CSRFToken").and_then(|v| v.to_str().ok());
    matches!((expected, given), (Some(e), Some(g)) if e == g)
}

async fn home(State(sim): State<Arc<Sim>>) -> Response {
    let (sid, csrf) = (random_hex(), random_hex());
    sim.state
        .lock()
        .unwrap()
        .sessions
        .insert(sid.clone(), csrf.clone());
    let page = format!(
        "<!doctype html><html><head><meta charset=\"utf-8\"><meta name=\"csrf-token\" content=\"{csrf}\"><title>AWS DeepRacer</title></head><body>Sign in</body></html>"
    );
    (
        [(
            header::SET_COOKIE,
            format!("session={sid}; Secure; HttpOnly; Path=/"),
        )],
        Html(page),
    )
        .into_response()
}

async fn login(State(sim): State<Arc<Sim>>, headers: HeaderMap, body: String) -> Response {
    if !csrf_ok(&sim, &headers) {
        sim.state.lock().unwrap().csrf_refused += 1;
        return (StatusCode::BAD_REQUEST, "The CSRF token is missing.").into_response();
    }
    let password = url::form_urlencoded::parse(body.as_bytes())
        .find(|(k, _)| k == "password")
        .map(|(_, v)| v.into_owned());
    if password.as_deref() != Some(sim.password.as_str()) {
        return (StatusCode::UNAUTHORIZED, Json(json!({"success": false}))).into_response();
    }
    let token = random_hex();
    let mut state = sim.state.lock().unwrap();
    state.tokens.insert(token.clone());
    state.sign_ins += 1;
    (
        [(
            header::SET_COOKIE,
            format!("deepracer_token={token}; Secure; HttpOnly; Path=/"),
        )],
        Json(json!({"success": true})),
    )
        .into_response()
}

/// Every API call needs the sign-in cookie; every PUT and POST the CSRF token too.
async fn signed_in(State(sim): State<Arc<Sim>>, request: Request, next: Next) -> Response {
    let token = cookie(request.headers(), "deepracer_token");
    let known = token.is_some_and(|t| sim.state.lock().unwrap().tokens.contains(&t));
    if !known {
        return (StatusCode::UNAUTHORIZED, "sign in first").into_response();
    }
    let writes = matches!(*request.method(), Method::PUT | Method::POST);
    if writes && !csrf_ok(&sim, request.headers()) {
        sim.state.lock().unwrap().csrf_refused += 1;
        return (StatusCode::BAD_REQUEST, "The CSRF token is missing.").into_response();
    }
    next.run(request).await
}

async fn upload(State(sim): State<Arc<Sim>>, request: Request) -> Response {
    let boundary = request
        .headers()
        .get(header::CONTENT_TYPE)
        .and_then(|v| v.to_str().ok())
        .and_then(|ct| multer::parse_boundary(ct).ok());
    let Some(boundary) = boundary else {
        return (StatusCode::BAD_REQUEST, "not multipart").into_response();
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
        let Some(file) = field.file_name().map(str::to_string) else {
            return (StatusCode::BAD_REQUEST, "no file name").into_response();
        };
        let Some(name) = file
            .strip_suffix(".tar.gz")
            .filter(|n| !n.is_empty() && !n.contains('/'))
        else {
            return (StatusCode::BAD_REQUEST, "expected NAME.tar.gz").into_response();
        };
        let mut bytes = Vec::new();
        while let Ok(Some(chunk)) = field.chunk().await {
            bytes.extend_from_slice(&chunk);
        }
        let target = sim.artifacts.join(name);
        let unpacked = std::fs::create_dir_all(&target).and_then(|_| {
            tar::Archive::new(flate2::read::GzDecoder::new(bytes.as_slice())).unpack(&target)
        });
        return match unpacked {
            Ok(()) => Json(json!({"success": true, "message": "uploaded"})).into_response(),
            Err(e) => (
                StatusCode::BAD_REQUEST,
                Json(json!({"success": false, "reason": e.to_string()})),
            )
                .into_response(),
        };
    }
    (StatusCode::BAD_REQUEST, "no file field").into_response()
}

async fn models(State(sim): State<Arc<Sim>>) -> Json<Value> {
    let mut list = Vec::new();
    for entry in std::fs::read_dir(&sim.artifacts)
        .into_iter()
        .flatten()
        .flatten()
    {
        if !entry.path().is_dir() {
            continue;
        }
        let folder = entry.file_name().to_string_lossy().into_owned();
        let sensors = std::fs::read_to_string(entry.path().join("model_metadata.json"))
            .ok()
            .and_then(|text| serde_json::from_str::<Value>(&text).ok())
            .and_then(|meta| meta.get("sensor").cloned())
            .unwrap_or_else(|| json!(["FRONT_FACING_CAMERA"]));
        list.push(json!({
            "model_name": folder, "model_folder_name": folder, "model_sensors": sensors,
            "is_select_disabled": false,
        }));
    }
    Json(json!({"models": list, "success": true}))
}

async fn load(State(sim): State<Arc<Sim>>, Path(folder): Path<String>) -> Response {
    if !sim.artifacts.join(&folder).is_dir() {
        return Json(json!({"success": false, "reason": "no such model"})).into_response();
    }
    sim.state.lock().unwrap().loaded = Some(folder);
    Json(json!({"success": true})).into_response()
}

async fn is_loading(State(sim): State<Arc<Sim>>) -> Json<Value> {
    let loaded = sim.state.lock().unwrap().loaded.is_some();
    Json(json!({"isModelLoading": if loaded { "loaded" } else { "error" }, "success": true}))
}

async fn drive_mode(State(sim): State<Arc<Sim>>, Json(body): Json<Value>) -> Json<Value> {
    sim.state.lock().unwrap().drive_mode = body["drive_mode"].as_str().map(str::to_string);
    Json(json!({"success": true}))
}

async fn throttle(State(sim): State<Arc<Sim>>, Json(body): Json<Value>) -> Json<Value> {
    sim.state.lock().unwrap().throttle =
        body["throttle"].as_u64().and_then(|t| u8::try_from(t).ok());
    Json(json!({"success": true}))
}

async fn start_stop(State(sim): State<Arc<Sim>>, Json(body): Json<Value>) -> Json<Value> {
    sim.state.lock().unwrap().start_stop = body["start_stop"].as_str().map(str::to_string);
    Json(json!({"success": true}))
}

async fn battery(State(sim): State<Arc<Sim>>) -> Json<Value> {
    Json(json!({"battery_level": sim.state.lock().unwrap().battery, "success": true}))
}

async fn led(State(sim): State<Arc<Sim>>, Json(body): Json<Value>) -> Response {
    let channel = |k: &str| body[k].as_u64().and_then(|v| u8::try_from(v).ok());
    match (channel("red"), channel("green"), channel("blue")) {
        (Some(r), Some(g), Some(b)) => {
            sim.state.lock().unwrap().led = Some((r, g, b));
            Json(json!({"success": true})).into_response()
        }
        _ => (StatusCode::BAD_REQUEST, Json(json!({"success": false}))).into_response(),
    }
}

async fn delete_models(State(sim): State<Arc<Sim>>, Json(body): Json<Value>) -> Json<Value> {
    let names: Vec<String> = body["filenames"]
        .as_array()
        .map(|a| {
            a.iter()
                .filter_map(Value::as_str)
                .map(str::to_string)
                .collect()
        })
        .unwrap_or_default();
    for name in &names {
        if !name.contains('/') && !name.contains("..") {
            let _ = std::fs::remove_dir_all(sim.artifacts.join(name));
        }
    }
    let mut state = sim.state.lock().unwrap();
    if state.loaded.as_ref().is_some_and(|l| names.contains(l)) {
        state.loaded = None;
    }
    Json(json!({"success": true}))
}

async fn device_info(State(sim): State<Arc<Sim>>) -> Json<Value> {
    let mut info =
        json!({"hardware_version": "R2.1", "software_version": "2.0.383.0", "success": true});
    if let Some(serial) = &sim.serial {
        info["chassis_serial"] = json!(serial);
    }
    Json(info)
}
