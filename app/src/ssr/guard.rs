//! The role guard every server function opens with: who is calling, and may they?

use super::state::AppState;
use super::storage;
use crate::domain::roles::{allows, Action};
use crate::error::AppError;
use crate::model::SessionUser;
use tower_sessions::Session;

/// Session key holding the signed-in user's id.
pub const USER_ID_KEY: &str = "user_id";
/// Session key holding the account's session epoch when the session was made: an
/// older one than the account's is signed out (`storage::users::end_sessions`).
pub const EPOCH_KEY: &str = "session_epoch";

/// The caller of a server function, after the guard let them through.
pub struct Caller {
    pub state: AppState,
    pub session: Session,
    pub user: Option<SessionUser>,
}

impl Caller {
    /// The signed-in user; `Unauthenticated` for anonymous callers.
    pub fn user(&self) -> Result<&SessionUser, AppError> {
        self.user.as_ref().ok_or(AppError::Unauthenticated)
    }
}

/// The caller's session (tower-sessions puts it in the request extensions).
async fn session() -> Result<Session, AppError> {
    leptos_axum::extract::<Session>().await.map_err(|e| {
        tracing::error!(error = %e, "session layer missing");
        AppError::Internal
    })
}

/// Loads the caller fresh from storage (so a revoked role or a disabled account bites
/// at once) and checks `action` against the role matrix.
pub async fn require(action: Action) -> Result<Caller, AppError> {
    let state = AppState::current()?;
    let session = session().await?;
    require_in(state, session, action).await
}

/// `require` for plain axum handlers (downloads), which have state and session at hand.
pub async fn require_in(
    state: AppState,
    session: Session,
    action: Action,
) -> Result<Caller, AppError> {
    let fail = |e: tower_sessions::session::Error| {
        tracing::error!(error = %e, "session store failed");
        AppError::Internal
    };
    let user_id: Option<String> = session.get(USER_ID_KEY).await.map_err(fail)?;
    // Sessions from before epochs existed were made under the first one.
    let epoch: i64 = session.get(EPOCH_KEY).await.map_err(fail)?.unwrap_or(0);
    let user = match user_id {
        Some(id) => storage::users::signed_in_user(&state.db, &id, epoch).await?,
        None => None,
    };
    let name = user.as_ref().map_or("-", |u| u.username.as_str());
    let allowed = allows(user.as_ref().map(|u| u.roles.as_slice()), action);
    // One line per protected call, inside the request's span (so with its request id).
    // Public calls (every page load asks who is signed in) stay out of the log.
    if !allowed {
        tracing::info!(user = name, ?action, "refused");
    } else if action != Action::ViewPublic {
        tracing::info!(user = name, ?action, "allowed");
    }
    if allowed {
        Ok(Caller {
            state,
            session,
            user,
        })
    } else if user.is_none() {
        Err(AppError::Unauthenticated)
    } else {
        Err(AppError::Forbidden)
    }
}

/// The client's address, for throttling (the socket peer; drem does not trust proxies' headers).
pub async fn client_address() -> String {
    leptos_axum::extract::<axum::extract::ConnectInfo<std::net::SocketAddr>>()
        .await
        .map(|info| info.0.ip().to_string())
        .unwrap_or_else(|_| "unknown".to_string())
}
