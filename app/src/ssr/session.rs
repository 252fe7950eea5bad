//! drem's session, typed: the one place that knows what a session holds (who signed
//! in, and under which of the account's session epochs) and how one starts and ends.

use super::storage::users;
use super::storage::Db;
use crate::error::AppError;
use crate::wire::UserId;
use tower_sessions::Session;

/// The signed-in user's id.
const USER_ID_KEY: &str = "user_id";
/// The account's session epoch when the session was made: an older one than the
/// account's is signed out (`storage::users::end_sessions`).
const EPOCH_KEY: &str = "session_epoch";

/// Who a session says is signed in.
pub struct SignedIn {
    pub user: String,
    pub epoch: i64,
}

/// The caller's session.
#[derive(Clone)]
pub struct DremSession(Session);

impl From<Session> for DremSession {
    fn from(session: Session) -> Self {
        Self(session)
    }
}

fn store_failed(e: tower_sessions::session::Error) -> AppError {
    tracing::error!(error = %e, "session store failed");
    AppError::Internal
}

impl DremSession {
    /// Who signed in on this session, if anyone (not yet checked against the account).
    pub async fn signed_in(&self) -> Result<Option<SignedIn>, AppError> {
        let user: Option<String> = self.0.get(USER_ID_KEY).await.map_err(store_failed)?;
        // Sessions from before epochs existed were made under the first one.
        let epoch: i64 = self
            .0
            .get(EPOCH_KEY)
            .await
            .map_err(store_failed)?
            .unwrap_or(0);
        Ok(user.map(|user| SignedIn { user, epoch }))
    }

    /// Signs `id` in on this session, under a fresh session id (no fixation) and the
    /// account's current session epoch.
    pub async fn start(&self, db: &Db, id: &UserId) -> Result<(), AppError> {
        let epoch = users::session_epoch(db, id).await?;
        self.0.cycle_id().await.map_err(store_failed)?;
        self.0
            .insert(USER_ID_KEY, id.0.clone())
            .await
            .map_err(store_failed)?;
        self.0.insert(EPOCH_KEY, epoch).await.map_err(store_failed)
    }

    /// Ends the session: signed out, its record deleted.
    pub async fn end(&self) -> Result<(), AppError> {
        self.0.flush().await.map_err(store_failed)
    }
}
