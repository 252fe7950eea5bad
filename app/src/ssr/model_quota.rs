//! Reserves an upload's place in its racer's quota when it starts (the rule:
//! `domain::model_quota`) and gives it back when the upload ends, so uploads opened
//! together are counted together. The reservations live in this process: two drem
//! processes on one database each count their own uploads under way.

use super::model_files::ModelFiles;
use super::storage::models;
use super::storage::Db;
use crate::domain::model_quota::{may_start, Held, QuotaLimits};
use crate::error::AppError;
use crate::wire::{ModelStatus, UserId};
use std::collections::HashMap;
use std::sync::Mutex;

/// The ceilings and the uploads under way, per racer.
pub struct UploadQuota {
    pub limits: QuotaLimits,
    /// One check at a time: counting and reserving are one step.
    turn: tokio::sync::Mutex<()>,
    under_way: Mutex<HashMap<UserId, Held>>,
}

/// An upload's place, given back when dropped (the upload stored or failed).
pub struct Reservation<'a> {
    quota: &'a UploadQuota,
    owner: UserId,
    bytes: u64,
}

impl UploadQuota {
    pub fn new(limits: QuotaLimits) -> Self {
        Self {
            limits,
            turn: tokio::sync::Mutex::new(()),
            under_way: Mutex::new(HashMap::new()),
        }
    }

    fn under_way(&self) -> std::sync::MutexGuard<'_, HashMap<UserId, Held>> {
        self.under_way.lock().unwrap_or_else(|e| e.into_inner())
    }
}

impl Drop for Reservation<'_> {
    fn drop(&mut self) {
        let mut under_way = self.quota.under_way();
        if let Some(held) = under_way.get_mut(&self.owner) {
            held.models = held.models.saturating_sub(1);
            held.bytes = held.bytes.saturating_sub(self.bytes);
            if held.models == 0 {
                under_way.remove(&self.owner);
            }
        }
    }
}

impl ModelFiles {
    /// Reserves a place for an upload of at most `upload_bytes` by `owner`, or says
    /// why it may not start (409).
    pub async fn reserve(
        &self,
        db: &Db,
        owner: &UserId,
        upload_bytes: u64,
    ) -> Result<Reservation<'_>, AppError> {
        let quota = &self.quota;
        let _turn = quota.turn.lock().await;
        let kept: Vec<_> = models::list(db, Some(owner), None)
            .await?
            .into_iter()
            .filter(|m| m.summary.status != ModelStatus::Invalid)
            .collect();
        let under_way = quota.under_way().get(owner).copied().unwrap_or_default();
        let held = Held {
            models: kept.len() + under_way.models,
            bytes: kept
                .iter()
                .map(|m| m.summary.size_bytes)
                .fold(under_way.bytes, u64::saturating_add),
        };
        let free = self.free_bytes().await;
        may_start(held, upload_bytes, free, &quota.limits)
            .map_err(|refusal| AppError::Conflict(refusal.to_string()))?;
        let mut under_way = quota.under_way();
        let entry = under_way.entry(owner.clone()).or_default();
        entry.models += 1;
        entry.bytes = entry.bytes.saturating_add(upload_bytes);
        Ok(Reservation {
            quota,
            owner: owner.clone(),
            bytes: upload_bytes,
        })
    }
}
