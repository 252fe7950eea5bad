//! Keeping the model store tidy: the retention setting applied, and files no record
//! points to (a crash's leftovers) swept, every hour.

use super::remove;
use crate::error::AppError;
use crate::ssr::state::AppState;
use crate::ssr::storage::{self, models};

/// Seconds since the epoch an hour ago.
fn an_hour_ago() -> i64 {
    let now = std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .map(|d| d.as_secs() as i64)
        .unwrap_or(0);
    now - 3600
}

/// Deletes model files no record points to, left by a crash between a finished upload
/// and its record, or by a failed delete, and the partial files of uploads a crash cut
/// off. Only files older than an hour: an upload in progress has none yet. Returns how
/// many were deleted.
pub async fn sweep_orphans(state: &AppState) -> Result<usize, AppError> {
    let partial = state.model_files.sweep_partial_uploads(an_hour_ago()).await;
    let old = state
        .model_files
        .files_older_than(an_hour_ago())
        .await
        .map_err(|e| {
            tracing::warn!(error = %e, "model files not listed");
            AppError::Internal
        })?;
    if old.is_empty() {
        return Ok(partial);
    }
    let known: std::collections::HashSet<String> = models::list(&state.db, None, None)
        .await?
        .into_iter()
        .map(|m| m.object)
        .collect();
    let mut swept = partial;
    for object in old.into_iter().filter(|o| !known.contains(o)) {
        state.model_files.delete(&object).await;
        tracing::info!(object, "model file without a record deleted");
        swept += 1;
    }
    Ok(swept)
}

/// The setting that keeps models for this many days (absent: forever).
pub const RETENTION_KEY: &str = "model_retention_days";

/// How many days models are kept, if the admin set a limit.
pub async fn retention_days(db: &storage::Db) -> Result<Option<u32>, AppError> {
    Ok(storage::settings::setting(db, RETENTION_KEY)
        .await?
        .and_then(|v| serde_json::from_str::<Option<u32>>(&v).ok().flatten()))
}

/// Deletes the models older than the retention setting now; returns how many.
pub async fn expire_once(state: &AppState) -> Result<usize, AppError> {
    let Some(days) = retention_days(&state.db).await? else {
        return Ok(0);
    };
    let old = models::uploaded_before_days(&state.db, days).await?;
    for model in &old {
        remove(state, model).await?;
        tracing::info!(
            model = %model.summary.id.0,
            owner = %model.summary.owner_name,
            name = %model.summary.name,
            uploaded = %model.summary.uploaded_at,
            days,
            "model deleted by retention"
        );
    }
    Ok(old.len())
}

/// Applies the retention setting and sweeps files without a record, at start and every
/// hour, for the life of the process.
pub async fn expire_old(state: AppState) {
    let mut every = tokio::time::interval(std::time::Duration::from_secs(3600));
    loop {
        every.tick().await;
        if let Err(e) = expire_once(&state).await {
            tracing::warn!(error = %e, "model retention did not run");
        }
        if let Err(e) = sweep_orphans(&state).await {
            tracing::warn!(error = %e, "model files not swept");
        }
    }
}
