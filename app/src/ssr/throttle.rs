//! The process-wide sign-in throttle: `domain::throttle` behind a lock and a clock.
//!
//! It lives in memory: a restart forgives failed attempts, which is acceptable for a
//! brake on guessing (the argon2 cost is the other one).

use crate::domain::throttle::{wait_message, Throttle, PER_ACCOUNT, PER_ADDRESS};
use std::sync::Mutex;
use std::time::{Duration, Instant};

/// Failed sign-ins per account and per client address.
pub struct SignInThrottle {
    start: Instant,
    inner: Mutex<Throttle>,
}

impl Default for SignInThrottle {
    fn default() -> Self {
        Self {
            start: Instant::now(),
            inner: Mutex::new(Throttle::default()),
        }
    }
}

fn account_key(username: &str) -> String {
    format!("account:{}", username.to_lowercase())
}

fn address_key(address: &str) -> String {
    format!("address:{address}")
}

impl SignInThrottle {
    fn now(&self) -> Duration {
        self.start.elapsed()
    }

    fn with<T>(&self, f: impl FnOnce(&mut Throttle) -> T) -> T {
        let mut guard = self
            .inner
            .lock()
            .unwrap_or_else(|poisoned| poisoned.into_inner());
        f(&mut guard)
    }

    /// `Err(message)` when this account or address must wait before trying again.
    pub fn check(&self, username: &str, address: &str) -> Result<(), String> {
        let now = self.now();
        self.with(|t| {
            let wait = t
                .wait_for(&account_key(username), PER_ACCOUNT, now)
                .max(t.wait_for(&address_key(address), PER_ADDRESS, now));
            wait.map_or(Ok(()), |w| Err(wait_message(w)))
        })
    }

    /// Counts an attempt as failed before the password is checked, so parallel
    /// guesses cannot all slip past `check` while the slow hash runs.
    pub fn attempt(&self, username: &str, address: &str) {
        let now = self.now();
        self.with(|t| {
            t.fail(&account_key(username), PER_ACCOUNT, now);
            t.fail(&address_key(address), PER_ADDRESS, now);
        });
    }

    /// A counted attempt succeeded: forget the account's failures and take this one
    /// back from the address (a venue shares one address among many racers).
    pub fn succeeded(&self, username: &str, address: &str) {
        self.with(|t| {
            t.clear(&account_key(username));
            t.forgive(&address_key(address));
        });
    }
}
