//! One-time invite links: a walk-up racer added by registration staff sets a password
//! through one, and a racer who forgot theirs sets a new one through a reset link
//! (`reset`: for an account with a password; redeeming it ends the account's other
//! sessions). Only a hash of the token is stored, so a copy of the database holds no
//! usable link.

use super::Db;
use crate::error::AppError;
use crate::wire::UserId;
use surrealdb::types::SurrealValue;

/// An open invite, found by its token.
pub struct OpenInvite {
    pub user: UserId,
    pub username: String,
    pub expires_at: String,
    pub reset: bool,
}

/// Replaces the user's open invites with a new one valid for `hours` (a reset link
/// when `reset`). Returns its expiry time.
pub async fn create(
    db: &Db,
    user: &UserId,
    token_hash: &str,
    hours: i64,
    reset: bool,
) -> Result<String, AppError> {
    #[derive(SurrealValue)]
    struct Created {
        expires_at: String,
    }
    let res = db
        .query("BEGIN TRANSACTION")
        .query("DELETE invite WHERE user = type::record('user', $user)")
        .query(
            "CREATE ONLY type::record('invite', $key) CONTENT {
                user: type::record('user', $user),
                expires_at: time::now() + duration::from_hours($hours),
                reset: $reset
            } RETURN time::format(expires_at, '%d %b %Y, %H:%M UTC') AS expires_at",
        )
        .query("COMMIT TRANSACTION")
        .bind(("user", user.0.clone()))
        .bind(("key", token_hash.to_string()))
        .bind(("hours", hours))
        .bind(("reset", reset))
        .await;
    let mut res = super::check_cause(res)?;
    let created: Option<Created> = res.take(2)?;
    created.map(|c| c.expires_at).ok_or(AppError::Internal)
}

/// The unexpired invite with this token hash, if its account still waits for a password
/// (or it is a reset link).
pub async fn find(db: &Db, token_hash: &str) -> Result<Option<OpenInvite>, AppError> {
    #[derive(SurrealValue)]
    struct Row {
        user: String,
        username: String,
        expires_at: String,
        reset: bool,
    }
    let mut res = db
        .query(
            "SELECT record::id(user) AS user, user.username AS username,
                time::format(expires_at, '%d %b %Y, %H:%M UTC') AS expires_at,
                reset ?? false AS reset
             FROM ONLY type::record('invite', $key)
             WHERE expires_at > time::now() AND (user.password_hash = NONE OR reset = true)
                AND !user.disabled",
        )
        .bind(("key", token_hash.to_string()))
        .await?;
    let row: Option<Row> = res.take(0)?;
    Ok(row.map(|r| OpenInvite {
        user: UserId(r.user),
        username: r.username,
        expires_at: r.expires_at,
        reset: r.reset,
    }))
}

/// Sets the password, ends the account's sessions (a reset link's point) and spends
/// the invite in one transaction, so a link works once.
/// `false` when the invite was spent or expired in the meantime.
pub async fn redeem(db: &Db, token_hash: &str, password_hash: String) -> Result<bool, AppError> {
    let res = db
        .query("BEGIN TRANSACTION")
        .query(
            "LET $invite = (SELECT * FROM ONLY type::record('invite', $key)
                WHERE expires_at > time::now()
                    AND (user.password_hash = NONE OR reset = true))",
        )
        .query("IF $invite = NONE { THROW 'drem:invite-spent'; }")
        .query(
            "UPDATE $invite.user SET password_hash = $hash,
                session_epoch = (session_epoch ?? 0) + 1",
        )
        .query("DELETE type::record('invite', $key)")
        .query("COMMIT TRANSACTION")
        .bind(("key", token_hash.to_string()))
        .bind(("hash", password_hash))
        .await;
    let res = super::check_cause(res);
    match res {
        Ok(_) => Ok(true),
        Err(e) if e.to_string().contains("drem:invite-spent") => Ok(false),
        Err(e) => Err(e.into()),
    }
}
