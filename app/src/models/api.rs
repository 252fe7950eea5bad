//! Server functions for models. Uploads and downloads are plain HTTP routes in the
//! server (`/models/upload`, `/models/ID/download`), which stream; these list, delete
//! and set the retention.

use crate::error::AppError;
use crate::wire::{ModelId, ModelStatus, ModelSummary, UserId};
use leptos::prelude::*;
use server_fn::codec::Json;

#[cfg(feature = "ssr")]
use crate::{
    domain::roles::{allows, Action},
    ssr::{guard::require, model_files, storage::models, storage::settings},
};

/// The caller's own models, newest first.
#[server(endpoint = "list_my_models", input = Json, output = crate::codec::JsonText)]
pub async fn list_my_models() -> Result<Vec<ModelSummary>, AppError> {
    let caller = require(Action::ManageOwnModels).await?;
    let me = caller.user()?.id.clone();
    let list = models::list(&caller.state.db, Some(&me), None).await?;
    Ok(list.into_iter().map(|m| m.summary).collect())
}

/// Every racer's models (operators), optionally of one racer or in one status.
#[server(endpoint = "list_models", input = Json, output = crate::codec::JsonText)]
pub async fn list_models(
    #[server(default)] owner: Option<UserId>,
    #[server(default)] status: Option<ModelStatus>,
) -> Result<Vec<ModelSummary>, AppError> {
    let caller = require(Action::Operate).await?;
    let list = models::list(&caller.state.db, owner.as_ref(), status).await?;
    Ok(list.into_iter().map(|m| m.summary).collect())
}

/// Deletes a model: the owner's own, or any for operators. Another racer's model is
/// "not found", so its existence is not revealed.
#[server(endpoint = "delete_model", input = Json, output = crate::codec::JsonText)]
pub async fn delete_model(id: ModelId) -> Result<(), AppError> {
    let caller = require(Action::ManageOwnModels).await?;
    let user = caller.user()?;
    let model = models::get(&caller.state.db, &id).await?;
    let operator = allows(Some(&user.roles), Action::Operate);
    if model.summary.owner != user.id && !operator {
        return Err(AppError::NotFound("Model".into()));
    }
    model_files::remove(&caller.state, &model).await?;
    tracing::info!(model = %id.0, name = %model.summary.name, "model deleted");
    Ok(())
}

/// How many days models are kept (`None`: forever).
#[server(endpoint = "get_model_retention", input = Json, output = crate::codec::JsonText)]
pub async fn get_model_retention() -> Result<Option<u32>, AppError> {
    let caller = require(Action::ManageUsers).await?;
    model_files::retention_days(&caller.state.db).await
}

/// Keeps models `days` days (1 to 3650), or forever with `None`; applied at once and
/// then hourly.
#[server(endpoint = "set_model_retention", input = Json, output = crate::codec::JsonText)]
pub async fn set_model_retention(days: Option<u32>) -> Result<usize, AppError> {
    let caller = require(Action::ManageUsers).await?;
    if days.is_some_and(|d| !(1..=3650).contains(&d)) {
        return Err(AppError::invalid(
            "days",
            "Keep models 1 to 3650 days, or forever.",
        ));
    }
    let value = serde_json::to_string(&days).map_err(|_| AppError::Internal)?;
    settings::set_setting(&caller.state.db, model_files::RETENTION_KEY, &value).await?;
    tracing::info!(?days, "model retention set");
    model_files::expire_once(&caller.state).await
}
