//! The role guard every server function opens with: who is calling, and may they?

use super::session::DremSession;
use super::state::AppState;
use super::storage;
use crate::domain::roles::{allows, Action};
use crate::error::AppError;
use crate::wire::SessionUser;
use tower_sessions::Session;

/// The caller of a server function, after the guard let them through.
pub struct Caller {
    pub state: AppState,
    pub session: DremSession,
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
    let session = DremSession::from(session);
    let user = match session.signed_in().await? {
        Some(s) => storage::users::signed_in_user(&state.db, &s.user, s.epoch).await?,
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
