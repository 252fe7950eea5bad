//! The background status poll: every car, every few seconds, each on its own with a
//! time limit and at most a few at once, so a car that stops answering never slows
//! the others. Only changes reach the pages.

use super::actions::battery_of;
use super::console::ConsoleError;
use super::session::{note, seen_after, with_session};
use crate::ssr::state::AppState;
use crate::ssr::storage::cars::{self, Seen, StoredCar};
use futures::StreamExt;
use std::time::Duration;

/// How often every car is asked for its status.
pub const POLL_EVERY: Duration = Duration::from_secs(10);
/// One car's whole status check (sign-in and battery) must fit in this.
pub(super) const CAR_WITHIN: Duration = Duration::from_secs(8);
/// Cars asked at the same time.
const AT_ONCE: usize = 16;

/// Polls every car now.
pub async fn poll_once(state: &AppState) {
    let list = match cars::list(&state.db, None).await {
        Ok(list) => list,
        Err(e) => {
            tracing::warn!(error = %e, "cars not polled");
            return;
        }
    };
    futures::stream::iter(list)
        .for_each_concurrent(AT_ONCE, |car| async move {
            if let Some(seen) = status_of(state, &car).await {
                note(state, &car.info.id, &seen).await;
            }
        })
        .await;
}

/// Checks one car now (after its certificate was trusted).
pub async fn poll_car(state: &AppState, car: &crate::wire::CarId) {
    if let Ok(car) = cars::get(&state.db, car).await {
        if let Some(seen) = status_of(state, &car).await {
            note(state, &car.info.id, &seen).await;
        }
    }
}

/// The car's battery through its session; `None` while an action has the car (it
/// answers that action; the next poll asks again).
async fn status_of(state: &AppState, car: &StoredCar) -> Option<Seen> {
    let slot = state.cars.sessions.slot(&car.info.id);
    let mut session = slot.try_lock().ok()?;
    let battery = |console: super::console::Console| async move {
        let answer = console.get("/api/get_battery_level").await?;
        Ok::<_, ConsoleError>(battery_of(&answer))
    };
    let asked = with_session(state, car, &mut session, &battery);
    Some(match tokio::time::timeout(CAR_WITHIN, asked).await {
        Ok(Ok(battery)) => Seen::Online { battery },
        Ok(Err(e)) => seen_after(&e),
        Err(_) => {
            // Cut off mid-call: the next poll connects anew.
            *session = None;
            Seen::Failed {
                problem: format!("the car's console does not answer at {}", car.info.address),
            }
        }
    })
}

/// Polls for the life of the process.
pub async fn poll_forever(state: AppState, every: Duration) {
    let mut tick = tokio::time::interval(every);
    tick.set_missed_tick_behavior(tokio::time::MissedTickBehavior::Delay);
    loop {
        tick.tick().await;
        poll_once(&state).await;
    }
}
