//! Password hashing with argon2id at OWASP's recommended cost, off the async threads.

use crate::error::AppError;
use argon2::password_hash::{rand_core::OsRng, PasswordHash, SaltString};
use argon2::{Algorithm, Argon2, Params, PasswordHasher, PasswordVerifier, Version};
use std::sync::LazyLock;
use tokio::sync::Semaphore;

/// Each hash takes 19 MiB and a core for a moment: at most two run at once, the rest
/// wait their turn, so a flood of sign-ins cannot exhaust memory or threads.
static HASHING: Semaphore = Semaphore::const_new(2);

/// New accounts take at most one of those two places, so a flood of sign-ups leaves
/// sign-ins (and every other check of a password) a place of their own.
static NEW_ACCOUNTS: Semaphore = Semaphore::const_new(1);

/// OWASP's recommendation (argon2id, 19 MiB, 2 iterations, 1 lane) is exactly the
/// crate's default; spelled out so a change of default cannot weaken it silently.
fn hasher() -> Argon2<'static> {
    let params = Params::new(19 * 1024, 2, 1, None).unwrap_or_default();
    Argon2::new(Algorithm::Argon2id, Version::V0x13, params)
}

/// Checked when the username is unknown, so a miss costs as much as a wrong password.
static DUMMY_HASH: LazyLock<String> =
    LazyLock::new(|| hash_now("drem-dummy-password-for-timing").unwrap_or_default());

fn hash_now(password: &str) -> Result<String, argon2::password_hash::Error> {
    let salt = SaltString::generate(&mut OsRng);
    Ok(hasher()
        .hash_password(password.as_bytes(), &salt)?
        .to_string())
}

fn verify_now(password: &str, phc: &str) -> bool {
    PasswordHash::new(phc)
        .map(|parsed| {
            hasher()
                .verify_password(password.as_bytes(), &parsed)
                .is_ok()
        })
        .unwrap_or(false)
}

/// Hashes a password into a PHC string.
pub async fn hash(password: String) -> Result<String, AppError> {
    let _permit = HASHING.acquire().await.map_err(|_| AppError::Internal)?;
    tokio::task::spawn_blocking(move || hash_now(&password))
        .await
        .map_err(|e| {
            tracing::error!(error = %e, "password hashing task failed");
            AppError::Internal
        })?
        .map_err(|e| {
            tracing::error!(error = %e, "password hashing failed");
            AppError::Internal
        })
}

/// Hashes the password of an account being signed up: in the sign-ups' own queue
/// first, then in the common one.
pub async fn hash_for_new_account(password: String) -> Result<String, AppError> {
    let _turn = NEW_ACCOUNTS
        .acquire()
        .await
        .map_err(|_| AppError::Internal)?;
    hash(password).await
}

/// Checks `password`, a guess at `username`'s password from `address`, against
/// `stored`: refused with 429 while that guesser must wait, and counted as failed
/// before the slow check, so parallel guesses cannot all slip past the throttle.
pub async fn guess(
    throttle: &super::throttle::SignInThrottle,
    username: &str,
    address: &str,
    password: String,
    stored: Option<String>,
) -> Result<bool, AppError> {
    throttle
        .check(username, address)
        .map_err(AppError::TooManyAttempts)?;
    throttle.attempt(username, address);
    let right = verify(password, stored).await;
    if right {
        throttle.succeeded(username, address);
    }
    Ok(right)
}

/// Checks a password against a stored hash, or against a dummy one when there is none.
pub async fn verify(password: String, phc: Option<String>) -> bool {
    let Ok(_permit) = HASHING.acquire().await else {
        return false;
    };
    tokio::task::spawn_blocking(move || match phc {
        Some(phc) => verify_now(&password, &phc),
        None => {
            verify_now(&password, &DUMMY_HASH);
            false
        }
    })
    .await
    .unwrap_or(false)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn hashes_verify_and_differ() {
        let a = hash_now("correct horse battery").unwrap();
        let b = hash_now("correct horse battery").unwrap();
        assert_ne!(a, b, "salts differ");
        assert!(a.starts_with("$argon2id$v=19$m=19456,t=2,p=1$"));
        assert!(verify_now("correct horse battery", &a));
        assert!(!verify_now("wrong horse battery", &a));
        assert!(!verify_now("anything", "not a hash"));
    }
}
