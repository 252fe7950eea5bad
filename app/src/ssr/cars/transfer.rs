//! Sending a model to a car: the archive streams from the model store into the car's
//! upload form (never whole in memory), counting bytes as they go; the car list shows
//! the progress through the live path, a few updates a second at most.

use super::actions::on_car;
use crate::error::AppError;
use crate::model::{CarId, ModelId, ModelStatus, Transfer};
use crate::ssr::state::AppState;
use crate::ssr::storage::{changes, models};
use futures::StreamExt;
use std::time::Duration;

/// Progress reaches the pages at most this often per transfer (each update makes the
/// kit's pages load their lists again).
const PROGRESS_EVERY: Duration = Duration::from_millis(500);

/// Starts sending `models` to `car` in the background, one after the other; refuses a
/// model that is not available and a car that is busy receiving others.
pub async fn start(state: &AppState, car: &CarId, models: &[ModelId]) -> Result<(), AppError> {
    let mut queue = Vec::new();
    for id in models {
        let stored = models::get(&state.db, id).await?;
        if stored.summary.status != ModelStatus::Available {
            return Err(AppError::Conflict(format!(
                "The model {} is not available (it is {}).",
                stored.summary.name,
                stored.summary.status.as_str()
            )));
        }
        queue.push(stored);
    }
    if queue.is_empty() {
        return Err(AppError::invalid("models", "Choose at least one model."));
    }
    crate::ssr::storage::cars::get(&state.db, car).await?;
    let count = queue.len();
    let label = move |index: usize, name: &str| {
        if count == 1 {
            name.to_string()
        } else {
            format!("{name} ({} of {count})", index + 1)
        }
    };
    let begun = state.cars.begin_transfer(
        car,
        Transfer {
            model: label(0, &queue[0].summary.name),
            sent_bytes: 0,
            total_bytes: queue[0].summary.size_bytes,
            error: None,
            done: false,
        },
    );
    if !begun {
        return Err(AppError::Conflict(
            "This car is still receiving a model; wait for it to finish.".into(),
        ));
    }
    changes::record_kit(&state.db).await;
    let (state, car) = (state.clone(), car.clone());
    tokio::spawn(async move {
        for (index, stored) in queue.iter().enumerate() {
            let total = stored.summary.size_bytes;
            state.cars.update_transfer(&car, |t| {
                t.model = label(index, &stored.summary.name);
                t.sent_bytes = 0;
                t.total_bytes = total;
            });
            let result = send(&state, &car, &stored.summary.name, &stored.object, total).await;
            if let Err(e) = result {
                state
                    .cars
                    .update_transfer(&car, |t| t.error = Some(e.to_string()));
                changes::record_kit(&state.db).await;
                return;
            }
        }
        state.cars.update_transfer(&car, |t| {
            t.done = true;
            t.sent_bytes = t.total_bytes;
        });
        changes::record_kit(&state.db).await;
    });
    Ok(())
}

const PIECE: usize = 64 * 1024;

fn pieces(
    chunk: Result<bytes::Bytes, std::io::Error>,
) -> Vec<Result<bytes::Bytes, std::io::Error>> {
    match chunk {
        Ok(mut bytes) => {
            let mut out = Vec::with_capacity(bytes.len() / PIECE + 1);
            while bytes.len() > PIECE {
                out.push(Ok(bytes.split_to(PIECE)));
            }
            out.push(Ok(bytes));
            out
        }
        Err(e) => vec![Err(e)],
    }
}

async fn send(
    state: &AppState,
    car: &CarId,
    name: &str,
    object: &str,
    total: u64,
) -> Result<(), AppError> {
    // Pieces of at most 64 KiB (zero-copy): a store may hand over a whole object as one
    // chunk (the memory store does), and progress moves only as the network takes pieces.
    let bytes = state
        .model_files
        .read(object)
        .await?
        .flat_map(|chunk| futures::stream::iter(pieces(chunk)));
    let progress = {
        let (state, car) = (state.clone(), car.clone());
        let mut sent = 0u64;
        bytes.map(move |chunk| {
            if let Ok(chunk) = &chunk {
                sent += chunk.len() as u64;
                state.cars.update_transfer(&car, |t| t.sent_bytes = sent);
            }
            chunk
        })
    };
    // Pages hear of the progress a few times a second, not once per chunk.
    let ticker = {
        let (state, car) = (state.clone(), car.clone());
        tokio::spawn(async move {
            let mut shown = 0;
            let mut tick = tokio::time::interval(PROGRESS_EVERY);
            loop {
                tick.tick().await;
                let sent = state.cars.transfer(&car).map_or(0, |t| t.sent_bytes);
                if sent != shown {
                    shown = sent;
                    changes::record_kit(&state.db).await;
                }
            }
        })
    };
    let name = name.to_string();
    let sent = on_car(state, car, |console| async move {
        console.upload_model(&name, total, progress).await
    })
    .await;
    ticker.abort();
    sent?;
    tracing::info!(car = %car.0, model = %object, "model sent to car");
    Ok(())
}
