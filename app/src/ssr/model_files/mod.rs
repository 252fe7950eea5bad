//! Model bytes: kept in an object store (`object_store`: a folder under the data
//! directory, memory for tests, or an S3-compatible bucket), streamed in with the size
//! limit enforced as bytes arrive, streamed out for downloads, and checked off the
//! request path. An upload that is too large or cut off leaves nothing behind; an
//! archive that fails its check keeps its record (with the reason) but loses its bytes.

use super::state::AppState;
use super::storage::changes;
use super::storage::models::{self, StoredModel};
use crate::error::AppError;
use crate::wire::UserId;
use bytes::Bytes;
use futures::{Stream, StreamExt, TryStreamExt};
use object_store::path::Path;
use object_store::{ObjectStore, ObjectStoreExt, WriteMultipart};
use std::sync::Arc;

mod check;
mod upkeep;

pub use check::{check, check_unfinished, retry_after};
pub use upkeep::{expire_old, expire_once, retention_days, sweep_orphans, RETENTION_KEY};

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
