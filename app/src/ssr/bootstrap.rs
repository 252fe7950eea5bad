//! First start: make sure an admin exists, with a password nobody hard-coded.

use super::password;
use super::storage::users::{self, NewUser};
use super::storage::Db;
use crate::domain::account::validate_password;
use crate::domain::roles::Role;
use crate::error::AppError;
use rand::distributions::{Alphanumeric, DistString};

/// How the first admin's password was chosen, for the start-up message.
pub enum FirstAdmin {
    /// An admin exists already; nothing was created.
    Exists,
    /// Created with the password from the environment.
    FromEnvironment { username: String },
    /// Created with this random password, shown once.
    Generated { username: String, password: String },
}

/// Creates the first admin when no enabled admin exists. `preset` is the password from
/// `DREM_ADMIN_PASSWORD`; it must pass the same rules as any password.
pub async fn ensure_admin(db: &Db, preset: Option<String>) -> Result<FirstAdmin, AppError> {
    if users::admin_exists(db).await? {
        return Ok(FirstAdmin::Exists);
    }
    let username = if users::username_taken(db, "admin").await? {
        format!(
            "admin-{}",
            Alphanumeric.sample_string(&mut rand::thread_rng(), 4)
        )
    } else {
        "admin".to_string()
    };
    let (secret, generated) = match preset {
        Some(p) => {
            validate_password(&p, &username)
                .map_err(|e| AppError::invalid("DREM_ADMIN_PASSWORD", e.reason))?;
            (p, false)
        }
        None => (
            Alphanumeric.sample_string(&mut rand::thread_rng(), 20),
            true,
        ),
    };
    users::create(
        db,
        NewUser {
            username: username.clone(),
            email: None,
            country: "US".to_string(),
            password_hash: Some(password::hash(secret.clone()).await?),
            roles: vec![Role::Racer, Role::Admin],
        },
    )
    .await?;
    Ok(if generated {
        FirstAdmin::Generated {
            username,
            password: secret,
        }
    } else {
        FirstAdmin::FromEnvironment { username }
    })
}
