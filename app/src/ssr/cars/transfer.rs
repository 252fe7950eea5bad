//! Sending a model to a car: the archive streams from the model store into the car's
//! upload form (never whole in memory), counting bytes as they go; the car list shows
//! the progress through the live path, a few updates a second at most.

use super::actions::on_car;
use crate::error::AppError;
use crate::model::{CarId, ModelId, ModelStatus, Transfer};
use crate::ssr::state::AppState;
use crate::ssr::storage::{changes, models};
use futures::StreamExt;
use std::time::{Duration, Instant};

/// Progress reaches the pages at most this often per transfer.
const PROGRESS_EVERY: Duration = Duration::from_millis(250);

/// Starts sending `model` to `car` in the background; refuses a model that is not
/// available and a car that is busy receiving another.
pub async fn start(state: &AppState, car: &CarId, model: &ModelId) -> Result<(), AppError> {
    let stored = models::get(&state.db, model).await?;
    if stored.summary.status != ModelStatus::Available {
        return Err(AppError::Conflict(format!(
            "The model {} is not available (it is {}).",
            stored.summary.name,
            stored.summary.status.as_str()
        )));
    }
    crate::ssr::storage::cars::get(&state.db, car).await?;
    if state.cars.sending(car) {
        return Err(AppError::Conflict(
            "This car is still receiving a model; wait for it to finish.".into(),
        ));
    }
    let total = stored.summary.size_bytes;
    let name = stored.summary.name.clone();
    state.cars.set_transfer(
        car,
        Transfer {
            model: name.clone(),
            sent_bytes: 0,
            total_bytes: total,
            error: None,
            done: false,
        },
    );
    changes::record_kit(&state.db).await;
    let (state, car) = (state.clone(), car.clone());
    tokio::spawn(async move {
        let result = send(&state, &car, &name, &stored.object, total).await;
        state.cars.update_transfer(&car, |t| match result {
            Ok(()) => {
                t.done = true;
                t.sent_bytes = t.total_bytes;
            }
            Err(e) => t.error = Some(e.to_string()),
        });
        changes::record_kit(&state.db).await;
    });
    Ok(())
}

async fn send(
    state: &AppState,
    car: &CarId,
    name: &str,
    object: &str,
    total: u64,
) -> Result<(), AppError> {
    let bytes = state.model_files.read(object).await?;
    let progress = {
        let (state, car) = (state.clone(), car.clone());
        let mut sent = 0u64;
        let mut last = Instant::now();
        bytes.map(move |chunk| {
            if let Ok(chunk) = &chunk {
                sent += chunk.len() as u64;
                state.cars.update_transfer(&car, |t| t.sent_bytes = sent);
                if last.elapsed() >= PROGRESS_EVERY {
                    last = Instant::now();
                    let db = state.db.clone();
                    tokio::spawn(async move { changes::record_kit(&db).await });
                }
            }
            chunk
        })
    };
    let name = name.to_string();
    on_car(state, car, |console| async move {
        console.upload_model(&name, total, progress).await
    })
    .await?;
    tracing::info!(car = %car.0, model = %object, "model sent to car");
    Ok(())
}
