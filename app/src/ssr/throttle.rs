//! The process-wide throttle of password guesses (sign-in, password change) and
//! sign-ups: `domain::throttle` behind a lock and a clock.
//!
//! It lives in memory: a restart forgives failed attempts, which is acceptable for a
//! brake on guessing (the argon2 cost is the other one).

use crate::domain::throttle::{
    wait_message, Limit, Throttle, PER_ACCOUNT, PER_ACCOUNT_AND_ADDRESS, PER_ADDRESS,
    SIGN_UPS_MADE, SIGN_UPS_REFUSED,
};
use std::sync::Mutex;
use std::time::{Duration, Instant};

/// Failed password guesses per account, per client address and per both; sign-ups
/// per address.
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

fn pair_key(username: &str, address: &str) -> String {
    format!("pair:{}@{address}", username.to_lowercase())
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

    /// `Err(message)` when guesses at this account from this address must wait.
    pub fn check(&self, username: &str, address: &str) -> Result<(), String> {
        self.wait(
            "failed sign-ins",
            &[
                (pair_key(username, address), PER_ACCOUNT_AND_ADDRESS),
                (account_key(username), PER_ACCOUNT),
                (address_key(address), PER_ADDRESS),
            ],
        )
    }

    /// Counts a guess as failed before the password is checked, so parallel guesses
    /// cannot all slip past `check` while the slow hash runs.
    pub fn attempt(&self, username: &str, address: &str) {
        let now = self.now();
        self.with(|t| {
            t.fail(&pair_key(username, address), PER_ACCOUNT_AND_ADDRESS, now);
            t.fail(&account_key(username), PER_ACCOUNT, now);
            t.fail(&address_key(address), PER_ADDRESS, now);
        });
    }

    /// A counted guess was right: forget this address's failures at the account and
    /// take this one back from the account's and the address's counts.
    pub fn succeeded(&self, username: &str, address: &str) {
        self.with(|t| {
            t.clear(&pair_key(username, address));
            t.forgive(&account_key(username));
            t.forgive(&address_key(address));
        });
    }

    /// `Err(message)` when sign-ups from this address must wait.
    pub fn check_sign_up(&self, address: &str) -> Result<(), String> {
        self.wait(
            "sign-ups",
            &[
                (format!("refused:{address}"), SIGN_UPS_REFUSED),
                (format!("made:{address}"), SIGN_UPS_MADE),
            ],
        )
    }

    /// Counts a sign-up from `address`: refused (a taken name or email) or made.
    pub fn signed_up(&self, address: &str, made: bool) {
        let now = self.now();
        self.with(|t| match made {
            true => t.fail(&format!("made:{address}"), SIGN_UPS_MADE, now),
            false => t.fail(&format!("refused:{address}"), SIGN_UPS_REFUSED, now),
        });
    }

    fn wait(&self, what: &str, keys: &[(String, Limit)]) -> Result<(), String> {
        let now = self.now();
        self.with(|t| {
            let wait = keys
                .iter()
                .filter_map(|(key, limit)| t.wait_for(key, *limit, now))
                .max();
            wait.map_or(Ok(()), |w| Err(wait_message(what, w)))
        })
    }
}
