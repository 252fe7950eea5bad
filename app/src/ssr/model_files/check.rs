//! The check of an uploaded model, off the request path: its archive read from the
//! store and judged by `model-archive`, then available, invalid, or (when the store,
//! not the archive, failed) checked again later.

use super::remove;
use crate::error::AppError;
use crate::ssr::state::AppState;
use crate::ssr::storage::changes;
use crate::ssr::storage::models::{self, StoredModel};
use crate::wire::{ModelId, ModelStatus};
use std::sync::Arc;

/// Checks a stored model off the request path: checking, then available (replacing
/// the owner's older model of the same name) or invalid with its reason and without
/// its bytes. A model store that fails to answer is not the archive's fault: the model
/// goes back to "uploaded" with a note saying so and is checked again later, waiting
/// longer each time (`retry_after`).
pub async fn check(state: AppState, id: ModelId) {
    for attempt in 1.. {
        let checked = match run_check(&state, &id).await {
            Ok(checked) => checked,
            // Deleted meanwhile: nothing left to check.
            Err(AppError::NotFound(_)) => return,
            Err(e) => {
                tracing::error!(error = %e, model = %id.0, "model check failed to run");
                Checked::StoreFailed
            }
        };
        let retry = match checked {
            Checked::Done => None,
            Checked::StoreFailed => Some(retry_after(attempt)),
        };
        if let Some(wait) = retry {
            let note = match wait {
                Some(wait) => format!(
                    "The model store did not answer; drem checks again in {} s.",
                    wait.as_secs()
                ),
                None => "The model store did not answer; drem checks again at its next start."
                    .to_string(),
            };
            let _ =
                models::set_status(&state.db, &id, ModelStatus::Uploaded, Some(note), None).await;
        }
        if let Ok(model) = models::get(&state.db, &id).await {
            changes::record_models(&state.db, &model.summary.owner).await;
        }
        match retry {
            Some(Some(wait)) => tokio::time::sleep(wait).await,
            _ => return,
        }
    }
}

/// How long to wait before checking a model again after the store failed for the
/// `attempt`th time: 5 s, doubling up to 5 minutes, for about an hour in all; `None`
/// once it is time to give up (the next start checks it again).
pub fn retry_after(attempt: u32) -> Option<std::time::Duration> {
    const ATTEMPTS: u32 = 16;
    (attempt < ATTEMPTS)
        .then(|| std::time::Duration::from_secs(crate::domain::backoff::doubling(5, 300, attempt)))
}

/// What a check came to: a verdict stored, or no verdict because the store failed.
enum Checked {
    Done,
    StoreFailed,
}

/// Checks at once: each holds a core while it reads an archive.
static CHECKS: tokio::sync::Semaphore = tokio::sync::Semaphore::const_new(2);

/// Passes reads through, remembering whether the store (not the archive) failed: a
/// store that hiccups must not make a good model "damaged".
struct SourceSpy<R> {
    inner: R,
    failed: Arc<std::sync::atomic::AtomicBool>,
}

impl<R: std::io::Read> std::io::Read for SourceSpy<R> {
    fn read(&mut self, buf: &mut [u8]) -> std::io::Result<usize> {
        self.inner.read(buf).inspect_err(|_| {
            self.failed
                .store(true, std::sync::atomic::Ordering::Relaxed);
        })
    }
}

async fn run_check(state: &AppState, id: &ModelId) -> Result<Checked, AppError> {
    let _turn = CHECKS.acquire().await.map_err(|_| AppError::Internal)?;
    let db = &state.db;
    let model = models::get(db, id).await?;
    models::set_status(db, id, ModelStatus::Checking, None, None).await?;
    changes::record_models(db, &model.summary.owner).await;
    let Ok(stream) = state.model_files.read(&model.object).await else {
        return Ok(Checked::StoreFailed);
    };
    let failed = Arc::new(std::sync::atomic::AtomicBool::new(false));
    let reader = SourceSpy {
        inner: tokio_util::io::SyncIoBridge::new(tokio_util::io::StreamReader::new(stream)),
        failed: Arc::clone(&failed),
    };
    let verdict = tokio::task::spawn_blocking(move || {
        model_archive::check(reader, &model_archive::Limits::default())
    })
    .await
    .map_err(|e| {
        tracing::error!(error = %e, "model check task failed");
        AppError::Internal
    })?;
    if failed.load(std::sync::atomic::Ordering::Relaxed) {
        tracing::error!(model = %id.0, "model store read failed during the check");
        return Ok(Checked::StoreFailed);
    }
    match verdict {
        Ok(facts) => {
            models::set_status(db, id, ModelStatus::Available, None, Some(&facts)).await?;
            tracing::info!(model = %id.0, name = %model.summary.name, "model available");
            // The model is available whatever happens next: a failed clean-up of the
            // older one is logged, not turned into "invalid".
            if let Err(e) = replace_older(state, &model).await {
                tracing::warn!(error = %e, model = %id.0, "older model of the same name kept");
            }
        }
        Err(problem) => {
            tracing::info!(model = %id.0, reason = %problem, "model invalid");
            state.model_files.delete(&model.object).await;
            models::set_status(
                db,
                id,
                ModelStatus::Invalid,
                Some(problem.to_string()),
                None,
            )
            .await?;
        }
    }
    Ok(Checked::Done)
}

/// Removes the owner's older, already checked models of the same name. Models still
/// being checked are left alone: each replaces only what came before it.
async fn replace_older(state: &AppState, model: &StoredModel) -> Result<(), AppError> {
    for older in models::same_name(&state.db, &model.summary).await? {
        let settled = !older.summary.status.pending();
        if settled && older.summary.uploaded_at <= model.summary.uploaded_at {
            remove(state, &older).await?;
        }
    }
    Ok(())
}

/// Checks models a crash left unchecked (uploaded or checking), at start-up.
pub async fn check_unfinished(state: AppState) {
    let pending = match models::list(&state.db, None, None).await {
        Ok(all) => all
            .into_iter()
            .filter(|m| m.summary.status.pending())
            .collect::<Vec<_>>(),
        Err(e) => {
            tracing::warn!(error = %e, "unfinished model checks not found");
            return;
        }
    };
    for model in pending {
        tokio::spawn(check(state.clone(), model.summary.id));
    }
}
