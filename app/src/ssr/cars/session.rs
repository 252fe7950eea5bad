//! One signed-in console session per car, shared by the status poll and every action.
//!
//! A car's console keeps one session at a time: each sign-in writes the one
//! `token.txt` and so signs every other session out (`aws-deepracer-webserver-pkg`,
//! `webserver_pkg/login.py`). Signing in for each call would sign out an operator using
//! the car's own page, and break drem's own multi-step actions half way. So drem signs
//! in once per car, keeps the session, signs in again only when the car answers 401,
//! and tries that call once more. The session's lock also runs a car's actions one at a
//! time (a model load's minute of waiting is never cut into by a clean-car or the stop
//! at the end of a race).

use super::console::{Console, ConsoleError};
use crate::error::AppError;
use crate::ssr::state::AppState;
use crate::ssr::storage::cars::{self, Seen, StoredCar};
use crate::ssr::storage::changes;
use crate::wire::CarId;
use std::collections::HashMap;
use std::future::Future;
use std::sync::{Arc, Mutex};

/// A car's session, if signed in, behind the lock that runs its actions one at a time.
pub type Slot = Arc<tokio::sync::Mutex<Option<Console>>>;

/// The sessions of every car this process talks to.
#[derive(Default)]
pub struct Sessions {
    slots: Mutex<HashMap<CarId, Slot>>,
}

impl Sessions {
    /// The slot of `car` (made on first use).
    pub fn slot(&self, car: &CarId) -> Slot {
        let mut slots = self.slots.lock().unwrap_or_else(|p| p.into_inner());
        Arc::clone(slots.entry(car.clone()).or_default())
    }

    /// Forgets a car's session: its address, password or pinned certificate changed.
    pub fn forget(&self, car: &CarId) {
        let mut slots = self.slots.lock().unwrap_or_else(|p| p.into_inner());
        slots.remove(car);
    }
}

/// Signs in to a stored car with its sealed password and pinned certificate.
pub async fn sign_in(state: &AppState, car: &StoredCar) -> Result<Console, ConsoleError> {
    let password = state
        .cars
        .key
        .open(&car.sealed_password)
        .map_err(ConsoleError::Refused)?;
    Console::sign_in(&car.info.address, &password, Some(&car.info.certificate)).await
}

/// Runs `op` with the session in `session`, signing in when there is none. A call
/// answered 401 (someone signed in to the car since) signs in again and runs `op` once
/// more; a car that cannot be reached loses its session (the next call connects anew).
pub async fn with_session<T, F, Fut>(
    state: &AppState,
    car: &StoredCar,
    session: &mut Option<Console>,
    op: &F,
) -> Result<T, ConsoleError>
where
    F: Fn(Console) -> Fut,
    Fut: Future<Output = Result<T, ConsoleError>>,
{
    let mut tries = 0;
    loop {
        tries += 1;
        let console = match session.as_ref() {
            Some(console) => console.clone(),
            None => {
                let console = sign_in(state, car).await?;
                *session = Some(console.clone());
                console
            }
        };
        match op(console).await {
            Err(ConsoleError::SignedOut) if tries == 1 => {
                tracing::info!(car = %car.info.name, "signed out by the car; signing in again");
                *session = None;
            }
            Err(e) => {
                if matches!(
                    e,
                    ConsoleError::Unreachable(_)
                        | ConsoleError::CertificateChanged { .. }
                        | ConsoleError::SignedOut
                ) {
                    *session = None;
                }
                return Err(e);
            }
            done => return done,
        }
    }
}

/// What a failure tells about the car, for its status.
pub fn seen_after(e: &ConsoleError) -> Seen {
    match e {
        ConsoleError::CertificateChanged { seen } => Seen::NewCertificate {
            fingerprint: seen.clone(),
            problem: e.to_string(),
        },
        e => Seen::Failed {
            problem: e.to_string(),
        },
    }
}

/// Records what was seen and tells the pages if that changed anything.
pub async fn note(state: &AppState, car: &CarId, seen: &Seen) {
    match cars::record_seen(&state.db, car, seen).await {
        Ok(true) => changes::record_kit(&state.db).await,
        Ok(false) => {}
        Err(e) => tracing::warn!(car = %car.0, error = %e, "car status not stored"),
    }
}

/// A car the status poll last saw silent gets a short look first (its battery, within
/// the poll's limit), so an action on a dead car fails in seconds rather than after a
/// change's full time limit.
async fn answers_in_time(
    state: &AppState,
    car: &StoredCar,
    session: &mut Option<Console>,
) -> Result<(), ConsoleError> {
    if car.info.online {
        return Ok(());
    }
    let look =
        |console: Console| async move { console.get("/api/get_battery_level").await.map(|_| ()) };
    match tokio::time::timeout(
        super::poll::CAR_WITHIN,
        with_session(state, car, session, &look),
    )
    .await
    {
        Ok(answered) => answered,
        Err(_) => {
            *session = None;
            Err(ConsoleError::Unreachable(car.info.address.clone()))
        }
    }
}

/// Runs `op` on the car's console, after any action on the car still under way; a
/// failure is recorded on the car and returned with the car's name. "Still working"
/// is no failure of the car: it is returned, not recorded.
pub async fn on_car<T, F, Fut>(state: &AppState, id: &CarId, op: F) -> Result<T, AppError>
where
    F: Fn(Console) -> Fut,
    Fut: Future<Output = Result<T, ConsoleError>>,
{
    let car = cars::get(&state.db, id).await?;
    let slot = state.cars.sessions.slot(id);
    let mut session = slot.lock().await;
    let result = match answers_in_time(state, &car, &mut session).await {
        Ok(()) => with_session(state, &car, &mut session, &op).await,
        Err(e) => Err(e),
    };
    match result {
        Ok(value) => Ok(value),
        Err(e) => {
            if !matches!(e, ConsoleError::StillWorking(_)) {
                note(state, id, &seen_after(&e)).await;
            }
            tracing::warn!(car = %car.info.name, error = %e, "car operation failed");
            Err(AppError::Device(format!("{}: {e}", car.info.name)))
        }
    }
}
