//! Talking to cars: each car's console (pinned HTTPS), the background status poll,
//! model transfers with progress, and restarts over SSH. Every failure is the car's
//! own: reported on that car, never holding up others, a page or a race.

pub mod actions;
pub mod console;
mod pinning;
pub mod poll;
pub mod race_lights;
pub mod session;
pub mod ssh;
pub mod transfer;
pub mod upkeep;

use super::secrets::SecretKey;
use crate::wire::{CarId, Transfer};
use std::collections::HashMap;
use std::sync::Mutex;

/// What this process keeps about cars beyond the database: the key that opens console
/// passwords, the progress of the model transfers it runs, and the order of tail-light
/// changes.
pub struct Cars {
    pub key: SecretKey,
    transfers: Mutex<HashMap<CarId, Transfer>>,
    /// The order of tail-light changes per track.
    pub lights: race_lights::Lights,
    /// Each car's one signed-in console session.
    pub sessions: session::Sessions,
}

impl Cars {
    pub fn new(key: SecretKey) -> Self {
        Self {
            key,
            transfers: Mutex::new(HashMap::new()),
            lights: race_lights::Lights::default(),
            sessions: session::Sessions::default(),
        }
    }

    /// The last transfer to `car` run by this process, if any.
    pub fn transfer(&self, car: &CarId) -> Option<Transfer> {
        self.lock().get(car).cloned()
    }

    /// Starts a transfer to `car` unless one is under way (checked and set at once).
    fn begin_transfer(&self, car: &CarId, transfer: Transfer) -> bool {
        let mut transfers = self.lock();
        let busy = transfers
            .get(car)
            .is_some_and(|t| !t.done && t.error.is_none());
        if !busy {
            transfers.insert(car.clone(), transfer);
        }
        !busy
    }

    fn update_transfer(&self, car: &CarId, update: impl FnOnce(&mut Transfer)) {
        if let Some(t) = self.lock().get_mut(car) {
            update(t);
        }
    }

    fn lock(&self) -> std::sync::MutexGuard<'_, HashMap<CarId, Transfer>> {
        self.transfers.lock().unwrap_or_else(|p| p.into_inner())
    }
}
