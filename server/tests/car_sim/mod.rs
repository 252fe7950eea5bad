//! A simulated DeepRacer car console for tests (no real car runs here), copied call by
//! call from the car's own web server. Sources (fetched and read; paths cited on each
//! behaviour): `aws-deepracer/aws-deepracer-webserver-pkg` (WS, the Flask console behind
//! nginx), `aws-deepracer-ctrl-pkg` (CTRL, the control node's modes), `-systems-pkg`
//! (SYS, the model installer), `-i2c-pkg` (I2C, the battery), `-device-info-pkg` (DI),
//! and `aws-deepracer-community/deepracer-custom-console`, whose
//! `original/aws/deepracer/` is a copy of a car's installed files (CC).
//!
//! - `auth.rs`: the CSRF token and sign-in, one token at a time;
//! - `models.rs`: upload (installed as the car installs), list, load, delete;
//! - `vehicle.rs`: drive mode, start/stop, battery, device info, tail light, SSH, logs.
//!
//! Test knobs: replace the certificate (a reinstalled car), hang (a car that stops
//! answering), slow uploads (to watch progress), slow service calls (the car's 10 s ×
//! 3 retries), set the battery, how long a model takes to load.

#![allow(dead_code)]

mod auth;
mod models;
mod vehicle;

use axum::extract::{Request, State};
use axum::middleware::{self, Next};
use axum::response::Response;
use axum::Router;
use rustls::pki_types::{CertificateDer, PrivateKeyDer, PrivatePkcs8KeyDer};
use std::collections::HashMap;
use std::path::PathBuf;
use std::sync::{Arc, Mutex, RwLock};
use std::time::Duration;

pub use models::LoadStatus;
pub use vehicle::Mode;

/// What the simulated car is and does now.
#[derive(Debug)]
pub struct CarState {
    /// `get_battery_level`: −1 (no battery) to 11 (full).
    pub battery: i64,
    /// What the tail light shows (it changes in calibration mode only).
    pub led: (u8, u8, u8),
    /// The control node's mode: manual at boot (CTRL `src/ctrl_node.cpp`, `init()`).
    pub mode: Mode,
    /// Whether the current mode is running (start/stop).
    pub active: bool,
    /// The last `max_nav_throttle` applied, in percent.
    pub throttle: Option<u8>,
    /// The model folder last loaded, and where a load stands.
    pub loaded: Option<String>,
    pub load_status: LoadStatus,
    pub ssh_enabled: bool,
    /// Sign-ins that succeeded.
    pub sign_ins: usize,
    /// Requests without a valid CSRF token that were refused.
    pub csrf_refused: usize,
    /// API calls refused because their sign-in token was no longer the car's one.
    pub stale_tokens: usize,
    /// Flask `session` cookie → the raw CSRF token it holds.
    sessions: HashMap<String, String>,
    /// `/opt/aws/deepracer/token.txt`: the one valid sign-in token.
    token: Option<String>,
}

struct Sim {
    password: String,
    artifacts: PathBuf,
    state: Mutex<CarState>,
    hang: std::sync::atomic::AtomicBool,
    /// The page's CSRF token is not its session's (a console that changed, or not a
    /// DeepRacer's): every write is refused with 400.
    garbled_csrf: std::sync::atomic::AtomicBool,
    /// Installs fail on the car (its disk is full): the upload still says success.
    failing_installs: std::sync::atomic::AtomicBool,
    upload_delay: Mutex<Duration>,
    service_delay: Mutex<Duration>,
    load_time: Mutex<Duration>,
    tls: RwLock<Arc<rustls::ServerConfig>>,
    fingerprint: Mutex<String>,
    /// Bumped when the car restarts: its open connections end.
    boots: tokio::sync::watch::Sender<u64>,
}

impl Sim {
    fn state(&self) -> std::sync::MutexGuard<'_, CarState> {
        self.state.lock().unwrap()
    }

    /// One internal ROS service call (WS `utility.py`, `call_service_sync`): as slow as
    /// the test made the car.
    async fn service_call(&self) {
        let delay = *self.service_delay.lock().unwrap();
        if !delay.is_zero() {
            tokio::time::sleep(delay).await;
        }
    }
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
    pub async fn start_on(port: u16, password: &str) -> SimCar {
        let dir = tempfile::tempdir().expect("artifacts folder");
        let (tls, fingerprint) = tls_config();
        let sim = Arc::new(Sim {
            password: password.to_string(),
            artifacts: dir.path().to_path_buf(),
            state: Mutex::new(CarState {
                battery: 8,
                // The default `led_values.json`: blue (WS `led_api.py` reads it back).
                led: (0, 0, 255),
                mode: Mode::Manual,
                active: true,
                throttle: None,
                loaded: None,
                load_status: LoadStatus::Error,
                ssh_enabled: false,
                sign_ins: 0,
                csrf_refused: 0,
                stale_tokens: 0,
                sessions: HashMap::new(),
                token: None,
            }),
            hang: Default::default(),
            garbled_csrf: Default::default(),
            failing_installs: Default::default(),
            upload_delay: Mutex::new(Duration::ZERO),
            service_delay: Mutex::new(Duration::ZERO),
            load_time: Mutex::new(Duration::from_millis(300)),
            tls: RwLock::new(tls),
            fingerprint: Mutex::new(fingerprint),
            boots: tokio::sync::watch::channel(0).0,
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
                let mut reboot = accept_sim.boots.subscribe();
                tokio::spawn(async move {
                    let Ok(tls) = tokio_rustls::TlsAcceptor::from(config).accept(tcp).await else {
                        return;
                    };
                    let service = hyper_util::service::TowerToHyperService::new(router);
                    let served = hyper::server::conn::http1::Builder::new()
                        .serve_connection(hyper_util::rt::TokioIo::new(tls), service);
                    tokio::select! {
                        _ = served => {}
                        _ = reboot.changed() => {}
                    }
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
        Self::start_on(0, "console-pass-7").await
    }

    /// The fingerprint of the certificate it shows now.
    pub fn fingerprint(&self) -> String {
        self.sim.fingerprint.lock().unwrap().clone()
    }

    /// A reinstalled car: restarted (its connections end) with a new self-signed
    /// certificate (CC `original/aws/deepracer/nginx/nginx_install_certs.sh` makes one
    /// at install).
    pub fn replace_certificate(&self) {
        let (tls, fingerprint) = tls_config();
        *self.sim.tls.write().unwrap() = tls;
        *self.sim.fingerprint.lock().unwrap() = fingerprint;
        self.sim.boots.send_modify(|boots| *boots += 1);
    }

    /// A car that accepts connections but never answers (or answers again).
    pub fn hang(&self, hang: bool) {
        self.sim
            .hang
            .store(hang, std::sync::atomic::Ordering::SeqCst);
    }

    /// Pages carry a CSRF token that is not their session's (every write gets 400).
    pub fn garble_csrf(&self, on: bool) {
        self.sim
            .garbled_csrf
            .store(on, std::sync::atomic::Ordering::SeqCst);
    }

    /// Installs fail on the car, which still answers the upload with success (SYS
    /// `model_install_state.py` removes the folder; `console_model_action` returns
    /// "done-upload" whatever happened).
    pub fn fail_installs(&self, on: bool) {
        self.sim
            .failing_installs
            .store(on, std::sync::atomic::Ordering::SeqCst);
    }

    /// Slows uploads down: a pause after every received chunk.
    pub fn slow_uploads(&self, delay: Duration) {
        *self.sim.upload_delay.lock().unwrap() = delay;
    }

    /// Slows every internal service call down (a busy car: up to 10 s × 3 each).
    pub fn slow_services(&self, delay: Duration) {
        *self.sim.service_delay.lock().unwrap() = delay;
    }

    /// How long loading a model takes on this car.
    pub fn load_time(&self, time: Duration) {
        *self.sim.load_time.lock().unwrap() = time;
    }

    pub fn set_battery(&self, level: i64) {
        self.sim.state().battery = level;
    }

    /// Someone else signs in to the car's console (its own page, another drem): every
    /// other session is signed out (WS `login.py` writes the one `token.txt`).
    pub fn sign_in_elsewhere(&self) {
        self.sim.state().token = Some(random_hex());
    }

    /// Reads the car's state.
    pub fn with_state<T>(&self, read: impl FnOnce(&CarState) -> T) -> T {
        read(&self.sim.state())
    }

    /// Folders in the car's artifacts folder (installed models and leftovers).
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
        let mut out: Vec<String> = std::fs::read_dir(self.sim.artifacts.join(folder))
            .into_iter()
            .flatten()
            .flatten()
            .filter(|e| e.path().is_file())
            .map(|e| e.file_name().to_string_lossy().into_owned())
            .collect();
        out.sort();
        out
    }
}

/// As on the car: nginx checks the sign-in of every `/api/…` call first (401), then
/// Flask-WTF the CSRF token of every write (400), then the handler answers
/// (CC `original/aws/deepracer/nginx/data/nginx.default`, WS `webserver.py`).
fn router(sim: Arc<Sim>) -> Router {
    let csrf = || middleware::from_fn_with_state(Arc::clone(&sim), auth::csrf);
    let api = models::routes()
        .merge(vehicle::routes())
        .layer(csrf())
        .layer(middleware::from_fn_with_state(
            Arc::clone(&sim),
            auth::signed_in,
        ));
    auth::routes()
        .layer(csrf())
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
