//! Model bytes: kept in an object store (`object_store`: a folder under the data
//! directory, memory for tests, or an S3-compatible bucket), streamed in with the size
//! limit enforced as bytes arrive, streamed out for downloads, and checked off the
//! request path. An upload that is too large or cut off leaves nothing behind; an
//! archive that fails its check keeps its record (with the reason) but loses its bytes.

use super::state::AppState;
use super::storage::changes;
use super::storage::models::{self, StoredModel};
use crate::error::AppError;
use crate::wire::{ModelId, ModelInfo, ModelStatus, UserId};
use bytes::Bytes;
use futures::{Stream, StreamExt, TryStreamExt};
use object_store::path::Path;
use object_store::{ObjectStore, ObjectStoreExt, WriteMultipart};
use std::sync::Arc;

/// Bytes buffered per part of an upload, and parts in flight: together they bound the
/// memory one upload can take, whatever its size. 5 MiB is S3's smallest part.
const PART_BYTES: usize = 5 << 20;
const PARTS_IN_FLIGHT: usize = 2;

/// Where model bytes live, and how large one may be.
pub struct ModelFiles {
    store: Arc<dyn ObjectStore>,
    /// The folder of a local store: finished uploads are synced to disk there.
    local_root: Option<std::path::PathBuf>,
    pub max_bytes: u64,
    /// Racers' ceilings and the uploads under way (`model_quota.rs`).
    pub quota: super::model_quota::UploadQuota,
}

/// Why an upload was not stored.
#[derive(Debug, thiserror::Error)]
pub enum UploadError {
    #[error("the file is larger than {0} MB")]
    TooLarge(u64),
    #[error("the upload was cut off")]
    CutOff,
    #[error("the model store failed: {0}")]
    Store(#[from] object_store::Error),
}

impl From<UploadError> for AppError {
    fn from(e: UploadError) -> Self {
        match e {
            UploadError::TooLarge(_) => AppError::TooLarge(format!("The model is too large: {e}.")),
            UploadError::CutOff => AppError::invalid("file", "The upload was cut off; try again."),
            UploadError::Store(e) => {
                tracing::error!(error = %e, "model store failed");
                AppError::Internal
            }
        }
    }
}

impl ModelFiles {
    /// Opens the store at `url`: `memory://`, `file:///PATH` (or a plain path), or
    /// `s3://BUCKET[/PREFIX]` with credentials, region and endpoint from the usual
    /// `AWS_*` environment variables (`AWS_ENDPOINT` for S3-compatible servers).
    pub fn open(
        url: &str,
        max_bytes: u64,
        limits: crate::domain::model_quota::QuotaLimits,
    ) -> Result<Self, String> {
        let mut local_root = None;
        let store: Arc<dyn ObjectStore> = if url == "memory://" {
            Arc::new(object_store::memory::InMemory::new())
        } else if let Some(rest) = url.strip_prefix("s3://") {
            let (bucket, prefix) = rest.split_once('/').unwrap_or((rest, ""));
            let s3 = object_store::aws::AmazonS3Builder::from_env()
                .with_bucket_name(bucket)
                .build()
                .map_err(|e| format!("cannot use the bucket {bucket}: {e}"))?;
            if prefix.trim_matches('/').is_empty() {
                Arc::new(s3)
            } else {
                Arc::new(object_store::prefix::PrefixStore::new(
                    s3,
                    prefix.trim_matches('/'),
                ))
            }
        } else {
            let dir = url.strip_prefix("file://").unwrap_or(url);
            std::fs::create_dir_all(dir).map_err(|e| format!("cannot create {dir}: {e}"))?;
            local_root = Some(std::path::PathBuf::from(dir));
            Arc::new(
                object_store::local::LocalFileSystem::new_with_prefix(dir)
                    .map_err(|e| format!("cannot use {dir}: {e}"))?,
            )
        };
        Ok(Self {
            store,
            local_root,
            max_bytes,
            quota: super::model_quota::UploadQuota::new(limits),
        })
    }

    /// Bytes free on the disk of a folder store (`None` for a bucket or memory).
    pub async fn free_bytes(&self) -> Option<u64> {
        let root = self.local_root.clone()?;
        let stats = tokio::task::spawn_blocking(move || rustix::fs::statvfs(&root))
            .await
            .ok()?
            .ok()?;
        Some(stats.f_bavail.saturating_mul(stats.f_frsize))
    }

    /// A fresh object name for an upload of `owner`.
    pub fn new_object(owner: &UserId) -> String {
        let token: u64 = rand::random();
        format!("models/{}/{token:016x}.tar.gz", owner.0)
    }

    /// Streams `body` into `object`, refusing more than `max_bytes`. Nothing is left
    /// when it fails: the multipart upload is aborted.
    pub async fn receive<E>(
        &self,
        object: &str,
        body: impl Stream<Item = Result<Bytes, E>>,
    ) -> Result<u64, UploadError> {
        let upload = self.store.put_multipart(&Path::from(object)).await?;
        let mut guard = AbortOnDrop(Some(WriteMultipart::new_with_chunk_size(
            upload, PART_BYTES,
        )));
        let mut body = std::pin::pin!(body);
        let mut size: u64 = 0;
        let failure = loop {
            let Some(writer) = guard.0.as_mut() else {
                break Some(UploadError::CutOff);
            };
            match body.next().await {
                None => break None,
                Some(Err(_)) => break Some(UploadError::CutOff),
                Some(Ok(chunk)) => {
                    size += chunk.len() as u64;
                    if size > self.max_bytes {
                        break Some(UploadError::TooLarge(self.max_bytes >> 20));
                    }
                    if let Err(e) = writer.wait_for_capacity(PARTS_IN_FLIGHT).await {
                        break Some(e.into());
                    }
                    writer.write(&chunk);
                }
            }
        };
        let Some(writer) = guard.0.take() else {
            return Err(UploadError::CutOff);
        };
        match failure {
            None => {
                writer.finish().await?;
                self.sync(object).await;
                Ok(size)
            }
            Some(e) => {
                if let Err(abort) = writer.abort().await {
                    tracing::warn!(error = %abort, object, "aborted upload not cleaned up");
                }
                Err(e)
            }
        }
    }

    /// Puts a finished local upload on the disk before it is answered (a power cut
    /// right after "uploaded" must not lose it). Remote stores are durable by themselves.
    async fn sync(&self, object: &str) {
        let Some(root) = &self.local_root else { return };
        let path = root.join(object);
        let synced = tokio::task::spawn_blocking(move || {
            std::fs::File::open(&path).and_then(|f| f.sync_all())
        })
        .await;
        if !matches!(synced, Ok(Ok(()))) {
            tracing::warn!(object, "model file not synced to disk");
        }
    }

    /// The bytes of `object`, as a stream.
    pub async fn read(
        &self,
        object: &str,
    ) -> Result<impl Stream<Item = Result<Bytes, std::io::Error>> + Send + use<>, AppError> {
        let got = self
            .store
            .get(&Path::from(object))
            .await
            .map_err(|e| match e {
                object_store::Error::NotFound { .. } => AppError::NotFound("Model file".into()),
                e => {
                    tracing::error!(error = %e, object, "model read failed");
                    AppError::Internal
                }
            })?;
        Ok(got.into_stream().map_err(std::io::Error::other))
    }

    /// Deletes `object` (gone already is fine).
    pub async fn delete(&self, object: &str) {
        match self.store.delete(&Path::from(object)).await {
            Ok(()) | Err(object_store::Error::NotFound { .. }) => {}
            Err(e) => tracing::warn!(error = %e, object, "model file not deleted"),
        }
    }

    /// How many objects the store holds (tests check that nothing was left behind).
    pub async fn count(&self) -> usize {
        self.store.list(None).count().await
    }

    /// Model files last written before `before`, by name.
    async fn files_older_than(
        &self,
        before_epoch_secs: i64,
    ) -> Result<Vec<String>, object_store::Error> {
        let mut names = Vec::new();
        let mut listing = self.store.list(Some(&Path::from("models")));
        while let Some(meta) = listing.next().await {
            let meta = meta?;
            if meta.last_modified.timestamp() < before_epoch_secs {
                names.push(meta.location.to_string());
            }
        }
        Ok(names)
    }

    /// Deletes the partial files of uploads cut off by a crash, last written before
    /// `before_epoch_secs`: a local store writes an upload to `NAME#N` and renames it
    /// when done, and its listing skips such names. (An S3 bucket keeps unfinished
    /// multipart uploads out of sight: its lifecycle rule for them clears them.)
    /// Returns how many were deleted.
    pub async fn sweep_partial_uploads(&self, before_epoch_secs: i64) -> usize {
        let Some(root) = self.local_root.clone() else {
            return 0;
        };
        let sweep = move || {
            let mut swept = 0;
            let owners = std::fs::read_dir(root.join("models")).into_iter().flatten();
            for owner in owners.flatten() {
                for file in std::fs::read_dir(owner.path())
                    .into_iter()
                    .flatten()
                    .flatten()
                {
                    let partial = file.file_name().to_string_lossy().contains(".tar.gz#");
                    let written = file
                        .metadata()
                        .and_then(|m| m.modified())
                        .ok()
                        .and_then(|t| t.duration_since(std::time::UNIX_EPOCH).ok())
                        .map_or(i64::MAX, |d| d.as_secs() as i64);
                    if partial
                        && written < before_epoch_secs
                        && std::fs::remove_file(file.path()).is_ok()
                    {
                        tracing::info!(file = %file.path().display(), "partial upload deleted");
                        swept += 1;
                    }
                }
            }
            swept
        };
        tokio::task::spawn_blocking(sweep).await.unwrap_or(0)
    }
}

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

/// An upload whose request went away mid-way (the client disconnected and the handler
/// was dropped) is aborted all the same, so no half-written parts stay in the store.
struct AbortOnDrop(Option<WriteMultipart>);

impl Drop for AbortOnDrop {
    fn drop(&mut self) {
        if let Some(writer) = self.0.take() {
            if let Ok(runtime) = tokio::runtime::Handle::try_current() {
                runtime.spawn(async move {
                    if let Err(e) = writer.abort().await {
                        tracing::warn!(error = %e, "dropped upload not cleaned up");
                    }
                });
            }
        }
    }
}

fn info_of(facts: model_archive::ModelFacts) -> ModelInfo {
    ModelInfo {
        sensors: facts.sensors,
        action_space_type: facts.action_space_type,
        action_space: facts.action_space,
        training_algorithm: facts.training_algorithm,
        model_md5: facts.model_md5,
        metadata_md5: facts.metadata_md5,
        openvino_files: facts.openvino_files,
    }
}

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
            models::set_status(db, id, ModelStatus::Available, None, Some(&info_of(facts))).await?;
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

/// Deletes a model: its record, then its bytes (a record never points at nothing).
pub async fn remove(state: &AppState, model: &StoredModel) -> Result<(), AppError> {
    models::delete(&state.db, &model.summary.id).await?;
    state.model_files.delete(&model.object).await;
    changes::record_models(&state.db, &model.summary.owner).await;
    Ok(())
}

/// Deletes every model of `owner` (their account is being deleted).
pub async fn remove_all_of(state: &AppState, owner: &UserId) -> Result<(), AppError> {
    for model in models::list(&state.db, Some(owner), None).await? {
        remove(state, &model).await?;
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

/// The setting that keeps models for this many days (absent: forever).
pub const RETENTION_KEY: &str = "model_retention_days";

/// How many days models are kept, if the admin set a limit.
pub async fn retention_days(db: &super::storage::Db) -> Result<Option<u32>, AppError> {
    Ok(super::storage::settings::setting(db, RETENTION_KEY)
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

/// Applies the retention setting every hour, for the life of the process.
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
