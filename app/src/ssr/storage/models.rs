//! Model records. The bytes live in the object store under `object`; this table says
//! whose they are, what they are called and what the check found.

use super::Db;
use super::IdRow;
use crate::error::AppError;
use crate::wire::{ModelId, ModelInfo, ModelStatus, ModelSummary, UserId};
use surrealdb::types::SurrealValue;

/// A model record with where its bytes are.
#[derive(Debug, Clone)]
pub struct StoredModel {
    pub summary: ModelSummary,
    pub object: String,
}

#[derive(SurrealValue)]
struct ModelRow {
    id: String,
    owner: String,
    owner_name: String,
    name: String,
    object: String,
    status: String,
    reason: Option<String>,
    size: i64,
    findings: Option<String>,
    uploaded_at: String,
}

macro_rules! model_fields {
    () => {
        "record::id(id) AS id, record::id(owner) AS owner,
         owner.display_name ?? owner.username ?? 'deleted racer' AS owner_name,
         name, object, status, reason, size, findings,
         time::format(uploaded_at, '%Y-%m-%d %H:%M:%S') AS uploaded_at"
    };
}

impl ModelRow {
    fn into_stored(self) -> StoredModel {
        let status = ModelStatus::ALL
            .into_iter()
            .find(|s| s.as_str() == self.status)
            .unwrap_or(ModelStatus::Invalid);
        let info = self
            .findings
            .and_then(|json| serde_json::from_str::<ModelInfo>(&json).ok());
        StoredModel {
            summary: ModelSummary {
                id: ModelId(self.id),
                owner: UserId(self.owner),
                owner_name: self.owner_name,
                name: self.name,
                status,
                reason: self.reason,
                size_bytes: self.size.max(0) as u64,
                uploaded_at: self.uploaded_at,
                info,
            },
            object: self.object,
        }
    }
}

/// Records an uploaded model whose bytes are stored at `object`.
pub async fn create(
    db: &Db,
    owner: &UserId,
    name: &str,
    object: &str,
    size: u64,
) -> Result<ModelId, AppError> {
    let row: Option<IdRow> = db
        .query(
            "CREATE ONLY model CONTENT {
                owner: type::record('user', $owner), name: $name, object: $object,
                status: 'uploaded', size: $size
            } RETURN record::id(id) AS id",
        )
        .bind(("owner", owner.0.clone()))
        .bind(("name", name.to_string()))
        .bind(("object", object.to_string()))
        .bind(("size", size as i64))
        .await?
        .take(0)?;
    row.map(|r| ModelId(r.id)).ok_or(AppError::Internal)
}

/// Sets a model's status, with the reason it is invalid or what the check found.
pub async fn set_status(
    db: &Db,
    id: &ModelId,
    status: ModelStatus,
    reason: Option<String>,
    info: Option<&ModelInfo>,
) -> Result<(), AppError> {
    let info = info.and_then(|i| serde_json::to_string(i).ok());
    db.query(
        "UPDATE type::record('model', $id) SET status = $status, reason = $reason,
            findings = $info",
    )
    .bind(("id", id.0.clone()))
    .bind(("status", status.as_str().to_string()))
    .bind(("reason", reason))
    .bind(("info", info))
    .await?
    .check()?;
    Ok(())
}

/// One model.
pub async fn get(db: &Db, id: &ModelId) -> Result<StoredModel, AppError> {
    let row: Option<ModelRow> = db
        .query(concat!(
            "SELECT ",
            model_fields!(),
            " FROM ONLY type::record('model', $id)"
        ))
        .bind(("id", id.0.clone()))
        .await?
        .take(0)?;
    row.map(ModelRow::into_stored)
        .ok_or_else(|| AppError::NotFound("Model".into()))
}

/// Models, newest first: one owner's or everyone's, optionally in one status.
pub async fn list(
    db: &Db,
    owner: Option<&UserId>,
    status: Option<ModelStatus>,
) -> Result<Vec<StoredModel>, AppError> {
    let rows: Vec<ModelRow> = db
        .query(concat!(
            "SELECT ",
            model_fields!(),
            ", uploaded_at AS at FROM model
             WHERE ($owner = NONE OR owner = type::record('user', $owner))
                AND ($status = NONE OR status = $status)
             ORDER BY at DESC"
        ))
        .bind(("owner", owner.map(|o| o.0.clone())))
        .bind(("status", status.map(|s| s.as_str().to_string())))
        .await?
        .take(0)?;
    Ok(rows.into_iter().map(ModelRow::into_stored).collect())
}

/// The owner's other models of the same name: replaced once this one is available.
pub async fn same_name(db: &Db, model: &ModelSummary) -> Result<Vec<StoredModel>, AppError> {
    Ok(list(db, Some(&model.owner), None)
        .await?
        .into_iter()
        .filter(|m| m.summary.name == model.name && m.summary.id != model.id)
        .collect())
}

/// Models uploaded more than `days` days ago (retention).
pub async fn uploaded_before_days(db: &Db, days: u32) -> Result<Vec<StoredModel>, AppError> {
    let rows: Vec<ModelRow> = db
        .query(concat!(
            "SELECT ",
            model_fields!(),
            " FROM model WHERE uploaded_at < time::now() - duration::from_days($days)"
        ))
        .bind(("days", i64::from(days)))
        .await?
        .take(0)?;
    Ok(rows.into_iter().map(ModelRow::into_stored).collect())
}

/// Deletes a model's record.
pub async fn delete(db: &Db, id: &ModelId) -> Result<(), AppError> {
    db.query("DELETE type::record('model', $id)")
        .bind(("id", id.0.clone()))
        .await?
        .check()?;
    Ok(())
}
