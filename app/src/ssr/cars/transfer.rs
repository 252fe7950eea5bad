//! Sending a model to a car: the archive streams from the model store into the car's
//! upload form (never whole in memory), counting bytes as they go; the car list shows
//! the progress through the live path, a few updates a second at most.
//!
//! On the car a model lives in a folder named after the uploaded file, cut at its first
//! dot (`aws-deepracer-systems-pkg`, `model_loader_node.py`): drem names each upload
//! `<username>-<model>.tar.gz`, so two racers' `fast-lap` never overwrite each other.
//! The console answers "uploaded" even when it installed nothing (an archive without
//! one `.pb`): drem looks for the model in the car's list afterwards.

use super::actions::models_of;
use super::console::ConsoleError;
use super::session::on_car;
use crate::error::AppError;
use crate::ssr::state::AppState;
use crate::ssr::storage::models::StoredModel;
use crate::ssr::storage::{car_models, changes, models, users};
use crate::wire::{CarId, ModelId, ModelStatus, Transfer};
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
            let result = send(&state, &car, stored).await;
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

/// The folder a racer's model goes to on a car: `<username>-<model name>`, in the
/// alphabet the car keeps as it is (letters, digits, `_` and `-`; no dot, which would
/// cut the name short).
pub fn folder_on_car(username: &str, model_name: &str) -> String {
    let stem = model_name.strip_suffix(".tar.gz").unwrap_or(model_name);
    format!("{username}-{stem}")
        .chars()
        .map(|c| {
            if c.is_ascii_alphanumeric() || c == '-' {
                c
            } else {
                '_'
            }
        })
        .collect()
}

/// The archive's bytes from the model store in pieces of at most 64 KiB (zero-copy: a
/// store may hand over a whole object as one chunk, and progress moves only as the
/// network takes pieces), counted into the car's transfer as they go.
async fn counted_bytes(
    state: &AppState,
    car: &CarId,
    object: &str,
) -> Result<impl futures::Stream<Item = Result<bytes::Bytes, std::io::Error>> + use<>, AppError> {
    let bytes = state
        .model_files
        .read(object)
        .await?
        .flat_map(|chunk| futures::stream::iter(pieces(chunk)));
    let (state, car) = (state.clone(), car.clone());
    let mut sent = 0u64;
    state.cars.update_transfer(&car, |t| t.sent_bytes = 0);
    Ok(bytes.map(move |chunk| {
        if let Ok(chunk) = &chunk {
            sent += chunk.len() as u64;
            state.cars.update_transfer(&car, |t| t.sent_bytes = sent);
        }
        chunk
    }))
}

async fn send(state: &AppState, car: &CarId, stored: &StoredModel) -> Result<(), AppError> {
    let owner = users::session_user(&state.db, &stored.summary.owner.0)
        .await?
        .ok_or_else(|| AppError::NotFound("The model's owner".into()))?;
    let folder = folder_on_car(&owner.username, &stored.summary.name);
    let (object, total) = (stored.object.clone(), stored.summary.size_bytes);
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
    // Each try reads the archive anew (a sign-in in between starts the upload over).
    let sent = on_car(state, car, |console| {
        let (folder, object) = (folder.clone(), object.clone());
        async move {
            let bytes = counted_bytes(state, car, &object)
                .await
                .map_err(|e| ConsoleError::Refused(e.to_string()))?;
            console.upload_model(&folder, total, bytes).await?;
            let installed = models_of(&console.get("/api/models").await?)
                .into_iter()
                .any(|m| m.folder == folder);
            if !installed {
                return Err(ConsoleError::Refused(
                    "the car took the archive but installed no model from it".into(),
                ));
            }
            Ok(())
        }
    })
    .await;
    ticker.abort();
    sent?;
    car_models::record(
        &state.db,
        car,
        &folder,
        &stored.summary.owner,
        &stored.summary.name,
    )
    .await?;
    tracing::info!(car = %car.0, model = %stored.object, %folder, "model sent to car");
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::folder_on_car;

    #[test]
    fn each_racer_has_a_folder_of_their_own_on_the_car() {
        assert_eq!(
            folder_on_car("walkup_zoe", "fast-lap.tar.gz"),
            "walkup_zoe-fast-lap"
        );
        assert_ne!(
            folder_on_car("ann", "fast-lap.tar.gz"),
            folder_on_car("bob", "fast-lap.tar.gz")
        );
        assert!(
            !folder_on_car("a.b", "x.y.tar.gz").contains('.'),
            "no dot cuts it short"
        );
    }
}
