//! Model files over HTTP, streamed both ways: `POST /models/upload?name=NAME` takes the
//! archive as the request body (the browser shows the progress of that one request),
//! `GET /models/ID/download` gives it back. Listing and deleting are server functions.

use app::domain::model_name;
use app::domain::roles::{allows, Action};
use app::error::AppError;
use app::ssr::guard::require_in;
use app::ssr::model_files::{self, ModelFiles};
use app::ssr::state::AppState;
use app::ssr::storage::models;
use app::wire::ModelId;
use axum::body::Body;
use axum::extract::{Path, Query, State};
use axum::http::{header, HeaderMap, StatusCode};
use axum::response::{IntoResponse, Response};
use axum::Json;
use tower_sessions::Session;

#[derive(serde::Deserialize)]
pub struct UploadQuery {
    name: String,
}

/// `POST /models/upload?name=NAME`: stores the body as the caller's model, answers
/// 201 with the model (status `uploaded`) and checks it in the background.
pub async fn upload(
    State(state): State<AppState>,
    session: Session,
    Query(query): Query<UploadQuery>,
    headers: HeaderMap,
    body: Body,
) -> Response {
    match receive(state, session, query.name, &headers, body).await {
        Ok(model) => (StatusCode::CREATED, Json(model)).into_response(),
        Err(e) => e.into_response(),
    }
}

async fn receive(
    state: AppState,
    session: Session,
    name: String,
    headers: &HeaderMap,
    body: Body,
) -> Result<app::wire::ModelSummary, AppError> {
    let caller = require_in(state.clone(), session, Action::ManageOwnModels).await?;
    let owner = caller.user()?.id.clone();
    model_name::check(&name).map_err(|reason| AppError::invalid("name", reason))?;
    let files = std::sync::Arc::clone(&state.model_files);
    // Refuse an announced oversize upload before reading a byte of it.
    let announced = headers
        .get(header::CONTENT_LENGTH)
        .and_then(|v| v.to_str().ok())
        .and_then(|v| v.parse::<u64>().ok());
    if announced.is_some_and(|len| len > files.max_bytes) {
        return Err(AppError::TooLarge(format!(
            "The model is too large: the limit is {} MB.",
            files.max_bytes >> 20
        )));
    }
    // Its place in the racer's quota, held until its record counts instead; an upload
    // of unknown length may take the largest size.
    let reserved = files
        .reserve(&state.db, &owner, announced.unwrap_or(files.max_bytes))
        .await?;
    let object = ModelFiles::new_object(&owner);
    let size = files.receive(&object, body.into_data_stream()).await?;
    let id = match models::create(&state.db, &owner, &name, &object, size).await {
        Ok(id) => id,
        Err(e) => {
            files.delete(&object).await;
            return Err(e);
        }
    };
    tracing::info!(model = %id.0, name = %name, size, "model uploaded");
    app::ssr::storage::changes::record_models(&state.db, &owner).await;
    let model = models::get(&state.db, &id).await?.summary;
    // The record counts now.
    drop(reserved);
    tokio::spawn(model_files::check(state, id));
    Ok(model)
}

/// `GET /models/ID/download`: the owner's own model, or any for operators.
pub async fn download(
    State(state): State<AppState>,
    session: Session,
    Path(id): Path<String>,
) -> Response {
    let result = async {
        let caller = require_in(state.clone(), session, Action::ManageOwnModels).await?;
        let user = caller.user()?;
        let model = models::get(&state.db, &ModelId(id)).await?;
        let own = model.summary.owner == user.id;
        if !own && !allows(Some(&user.roles), Action::Operate) {
            return Err(AppError::NotFound("Model".into()));
        }
        // Others get only checked models: an unchecked archive goes nowhere else.
        if !own && model.summary.status != app::wire::ModelStatus::Available {
            return Err(AppError::Conflict("This model is not available.".into()));
        }
        let bytes = state.model_files.read(&model.object).await?;
        Ok((model.summary, bytes))
    }
    .await;
    match result {
        Ok((model, bytes)) => (
            [
                (header::CONTENT_TYPE, "application/gzip".to_string()),
                (header::CONTENT_LENGTH, model.size_bytes.to_string()),
                (
                    header::CONTENT_DISPOSITION,
                    // The name passed the file name rule: no quotes, no paths.
                    format!("attachment; filename=\"{}\"", model.name),
                ),
            ],
            Body::from_stream(bytes),
        )
            .into_response(),
        Err(e) => e.into_response(),
    }
}
