#![recursion_limit = "256"]
//! The drem server: configuration, start-up, and the axum router around the Leptos app.

mod assets;
pub mod config;
mod hashed_sessions;
pub mod http;
mod models;
mod page_cache;
mod realtime;
mod serve;
mod timer;

use app::ssr::bootstrap::{ensure_admin, FirstAdmin};
use app::ssr::clock::RaceClock;
use app::ssr::model_files::ModelFiles;
use app::ssr::realtime::hub::Hub;
use app::ssr::state::AppState;
use app::ssr::storage::{self, DbConfig};
use app::ssr::throttle::SignInThrottle;
use config::Config;
use leptos::prelude::LeptosOptions;
use std::net::SocketAddr;
use std::sync::Arc;
use tokio::net::TcpListener;

/// Why drem could not start, in words for whoever started it.
#[derive(Debug, thiserror::Error)]
pub enum StartError {
    #[error("cannot create the data folder {path}: {source}")]
    DataDir {
        path: String,
        source: std::io::Error,
    },
    #[error("cannot open the database at {url}: {source}")]
    Database {
        url: String,
        source: surrealdb::Error,
    },
    #[error("cannot listen on {addr}: {source}")]
    Bind {
        addr: SocketAddr,
        source: std::io::Error,
    },
    #[error("cannot create the first admin: {0}")]
    FirstAdmin(app::error::AppError),
    #[error("cannot follow the database's change feed (live queries): {0}")]
    LiveFeed(app::error::AppError),
    #[error("cannot open the model store: {0}")]
    ModelStore(String),
    #[error("cannot read the secret key: {0}")]
    SecretKey(String),
}

/// A built drem, bound to its port, ready to serve.
pub struct Application {
    listener: TcpListener,
    router: axum::Router,
    /// For the lean live-stream path, which runs beside the router.
    state: AppState,
    /// How long a request's head, or a pause in its body, may take.
    request_timeout: std::time::Duration,
    address: SocketAddr,
    /// How the first admin came to be, for the start-up message.
    pub first_admin: FirstAdmin,
    /// Where people reach drem (links and QR codes), for the start-up message.
    pub public_url: config::PublicUrl,
}

impl Application {
    /// Opens the database, brings the schema up to date, makes sure an admin exists,
    /// and binds the listener.
    pub async fn build(config: Config) -> Result<Self, StartError> {
        let url = config.database_url();
        if url.starts_with("surrealkv://") {
            private_folder(&config.data_dir).map_err(|source| StartError::DataDir {
                path: config.data_dir.display().to_string(),
                source,
            })?;
        }
        let credentials = config
            .database_user
            .clone()
            .zip(config.database_password.clone());
        let db = storage::open(&DbConfig {
            url: url.clone(),
            credentials,
        })
        .await
        .map_err(|source| StartError::Database { url, source })?;
        Self::build_on(config, db).await
    }

    /// `build` on a database that is already open: how a test runs two drem processes
    /// on one database, as two machines would share one SurrealDB server.
    pub async fn build_on(config: Config, db: app::ssr::storage::Db) -> Result<Self, StartError> {
        let first_admin = ensure_admin(&db, config.admin_password.clone())
            .await
            .map_err(StartError::FirstAdmin)?;

        let listener = TcpListener::bind(config.bind)
            .await
            .map_err(|source| StartError::Bind {
                addr: config.bind,
                source,
            })?;
        let address = listener.local_addr().map_err(|source| StartError::Bind {
            addr: config.bind,
            source,
        })?;
        let public_url = config.public_url(address);
        // The built files go out under their content's hash: cached for a year.
        let site = std::path::PathBuf::from(&config.site_root);
        let assets_version = assets::version(&site);
        if assets_version != "dev" {
            assets::precompress(site.clone());
        }
        let leptos_options = LeptosOptions::builder()
            .output_name("drem")
            .site_root(config.site_root.as_str())
            .site_pkg_dir(format!("pkg/{assets_version}"))
            .site_addr(address)
            .build();
        let model_files = ModelFiles::open(
            &config.model_store(),
            config.max_model_mb.saturating_mul(1 << 20),
            config.quota_limits(),
        )
        .map_err(StartError::ModelStore)?;
        let secret_key = config.secret_key().map_err(StartError::SecretKey)?;
        let clock = RaceClock::default();
        let hub = Arc::new(Hub::default());
        hub.start_relay(db.clone(), clock)
            .await
            .map_err(StartError::LiveFeed)?;
        let state = AppState {
            db: Arc::new(db),
            leptos_options,
            public_url: Arc::from(public_url.url.as_str()),
            throttle: Arc::new(SignInThrottle::default()),
            clock,
            hub,
            model_files: Arc::new(model_files),
            cars: Arc::new(app::ssr::cars::Cars::new(secret_key)),
            stopping: tokio_util::sync::CancellationToken::new(),
        };
        // Models a crash left unchecked are checked now; old ones expire if set.
        let hub = Arc::clone(&state.hub);
        tokio::spawn(async move {
            let mut every = tokio::time::interval(std::time::Duration::from_secs(5));
            loop {
                every.tick().await;
                hub.metrics.upkeep();
            }
        });
        tokio::spawn(app::ssr::model_files::check_unfinished(state.clone()));
        tokio::spawn(app::ssr::model_files::expire_old(state.clone()));
        tokio::spawn(app::ssr::race_end::watch_open_races(state.clone()));
        tokio::spawn(app::ssr::cars::poll::poll_forever(
            state.clone(),
            std::time::Duration::from_secs(config.car_poll_seconds.max(1)),
        ));
        let secure_cookies = public_url.url.starts_with("https://");
        let request_timeout = config.request_timeout();
        let router = http::router(state.clone(), secure_cookies, request_timeout * 6);
        Ok(Self {
            listener,
            router,
            state,
            request_timeout,
            address,
            first_admin,
            public_url,
        })
    }

    /// The address actually bound (useful with port 0).
    pub fn address(&self) -> SocketAddr {
        self.address
    }

    /// Stops this drem as SIGINT or SIGTERM would (for tests running it in-process).
    pub fn stopper(&self) -> tokio_util::sync::CancellationToken {
        self.state.stopping.clone()
    }

    /// Serves until the process is asked to stop (SIGINT, SIGTERM or `stopper`), then
    /// takes no new connections, ends every live stream and timer link, lets requests
    /// in flight finish, and returns within `STOP_WITHIN` whatever is still open.
    /// Every change was stored before it was answered, so nothing acknowledged is lost.
    pub async fn run(self) -> std::io::Result<()> {
        let stopping = self.state.stopping.clone();
        let asked_to_stop = {
            let stopping = stopping.clone();
            async move {
                tokio::select! {
                    _ = shutdown_signal() => {}
                    _ = stopping.cancelled() => {}
                }
                tracing::info!("stopping: no new connections; ending live streams and timer links");
                stopping.cancel();
            }
        };
        tokio::spawn(asked_to_stop);
        // Public live streams are answered by the lean listener; the rest by hyper.
        let listener =
            realtime::lean::LeanListener::new(self.listener, self.state, self.request_timeout);
        let served = serve::serve(
            listener,
            self.router,
            stopping.clone(),
            self.request_timeout,
        );
        let deadline = async {
            stopping.cancelled().await;
            tokio::time::sleep(STOP_WITHIN).await;
        };
        tokio::select! {
            () = served => Ok(()),
            _ = deadline => {
                tracing::warn!("requests still open {STOP_WITHIN:?} after the stop signal: stopping anyway");
                Ok(())
            }
        }
    }
}

/// Creates `dir` if needed and makes it drem's alone (0700), also when an older drem
/// or the shell's umask left it open to others.
fn private_folder(dir: &std::path::Path) -> std::io::Result<()> {
    std::fs::create_dir_all(dir)?;
    #[cfg(unix)]
    {
        use std::os::unix::fs::PermissionsExt;
        std::fs::set_permissions(dir, std::fs::Permissions::from_mode(0o700))?;
    }
    Ok(())
}

/// How long requests in flight may take to finish once drem is asked to stop.
const STOP_WITHIN: std::time::Duration = std::time::Duration::from_secs(3);

async fn shutdown_signal() {
    let ctrl_c = async {
        let _ = tokio::signal::ctrl_c().await;
    };
    #[cfg(unix)]
    let terminate = async {
        if let Ok(mut s) = tokio::signal::unix::signal(tokio::signal::unix::SignalKind::terminate())
        {
            s.recv().await;
        }
    };
    #[cfg(not(unix))]
    let terminate = std::future::pending::<()>();
    tokio::select! {
        _ = ctrl_c => {},
        _ = terminate => {},
    }
}
