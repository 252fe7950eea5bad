//! `AppState`: what every request handler and server function can reach.

use super::clock::RaceClock;
use super::realtime::hub::Hub;
use super::throttle::SignInThrottle;
use axum::extract::FromRef;
use leptos::prelude::LeptosOptions;
use std::sync::Arc;

use super::storage::Db;

/// Shared state of one running drem.
#[derive(Clone)]
pub struct AppState {
    /// Shared, not cloned: each clone of a SurrealDB 3 handle opens a session of its own
    /// (`Surreal::clone` calls `clone_session`, ~60 KB in the embedded engine), and state
    /// is cloned for every request and every live stream.
    pub db: Arc<Db>,
    pub leptos_options: LeptosOptions,
    /// Where people reach drem, without a trailing slash (used in invite links and QR codes).
    pub public_url: Arc<str>,
    pub throttle: Arc<SignInThrottle>,
    /// Where race times come from.
    pub clock: RaceClock,
    /// Pushes race changes to live pages.
    pub hub: Arc<Hub>,
    /// Where uploaded model files are kept.
    pub model_files: Arc<super::model_files::ModelFiles>,
    /// Cars: the key for their console passwords, model transfers under way.
    pub cars: Arc<super::cars::Cars>,
    /// Cancelled when drem is asked to stop: every live stream and timer link ends,
    /// so the process exits instead of waiting for browsers to go away.
    pub stopping: tokio_util::sync::CancellationToken,
}

impl FromRef<AppState> for LeptosOptions {
    fn from_ref(state: &AppState) -> Self {
        state.leptos_options.clone()
    }
}

impl AppState {
    /// The state of the server this server function runs in.
    pub fn current() -> Result<Self, crate::error::AppError> {
        leptos::prelude::use_context::<AppState>().ok_or_else(|| {
            tracing::error!("AppState missing from the Leptos context");
            crate::error::AppError::Internal
        })
    }
}
