//! The router: Leptos pages and server functions, health check, sessions, request
//! ids, request logs, and HTTP statuses that match each error.

use app::domain::roles::Action;
use app::error::AppError;
use app::model::EventId;
use app::ssr::export;
use app::ssr::guard::require_in;
use app::ssr::state::AppState;
use app::ssr::storage::{self, events, races};
use app::{shell, App};
use axum::body::{to_bytes, Body};
use axum::extract::DefaultBodyLimit;
use axum::extract::{Path, Request, State};
use axum::http::{header, HeaderName, StatusCode};
use axum::middleware::{self, Next};
use axum::response::{IntoResponse, Response};
use axum::routing::{get, post};
use axum::Router;
use leptos_axum::{generate_route_list, LeptosRoutes};
use tower::ServiceBuilder;
use tower_http::request_id::{MakeRequestUuid, PropagateRequestIdLayer, SetRequestIdLayer};
use tower_http::services::{ServeDir, ServeFile};
use tower_http::trace::TraceLayer;
use tower_sessions::cookie::{time::Duration, SameSite};
use tower_sessions::{ExpiredDeletion, Expiry, SessionManagerLayer};
use tower_sessions_surrealdb_store::SurrealSessionStore;

const REQUEST_ID: HeaderName = HeaderName::from_static("x-request-id");

/// Sessions end after two weeks without a visit: an event's staff keep signed in
/// across a multi-day event, and a forgotten laptop does not stay signed in forever.
const SESSION_IDLE_DAYS: i64 = 14;

/// Builds the whole router around `state`.
pub fn router(state: AppState, secure_cookies: bool) -> Router {
    let store = SurrealSessionStore::new(state.db.clone(), "session".to_string());
    tokio::spawn(
        store
            .clone()
            .continuously_delete_expired(tokio::time::Duration::from_secs(3600)),
    );
    let sessions = SessionManagerLayer::new(store)
        .with_name("drem_session")
        .with_http_only(true)
        .with_same_site(SameSite::Lax)
        .with_secure(secure_cookies)
        .with_expiry(Expiry::OnInactivity(Duration::days(SESSION_IDLE_DAYS)));

    let routes = generate_route_list(App);
    let leptos_options = state.leptos_options.clone();
    // The built files (the app's code, styles, flags, icon) are served here, not by
    // Leptos' file-or-error handler: that one looks for a page's response options in
    // whatever reactive owner the worker thread holds, so a page refused with 403
    // could lend its status to a file served on the same thread.
    let site = std::path::PathBuf::from(leptos_options.site_root.as_ref());
    Router::new()
        .nest_service("/pkg", ServeDir::new(site.join("pkg")))
        .nest_service("/flags", ServeDir::new(site.join("flags")))
        .route_service("/favicon.png", ServeFile::new(site.join("favicon.png")))
        .route("/healthz", get(healthz))
        .route("/exports/{event}/{file}", get(export))
        .route("/cars/{car}/syslog.txt", get(car_log))
        .route("/live/tracks/{track}", get(crate::live::track_events))
        .route("/live/events/{event}", get(crate::live::event_events))
        .route("/live/models", get(crate::live::model_events))
        .route("/live/kit", get(crate::live::kit_events))
        .route(
            drem_timer::protocol::CONNECT_PATH,
            get(crate::timer::connect),
        )
        // Model files stream through; the size limit is the model store's own.
        .route(
            "/models/upload",
            post(crate::models::upload).layer(DefaultBodyLimit::disable()),
        )
        .route("/models/{id}/download", get(crate::models::download))
        .leptos_routes(&state, routes, move || shell(leptos_options.clone()))
        .fallback(leptos_axum::file_and_error_handler::<AppState, _>(shell))
        .layer(middleware::from_fn(status_from_app_error))
        .layer(sessions)
        .layer(
            ServiceBuilder::new()
                .layer(SetRequestIdLayer::new(REQUEST_ID, MakeRequestUuid))
                .layer(TraceLayer::new_for_http().make_span_with(|req: &Request| {
                    let id = req
                        .headers()
                        .get(REQUEST_ID)
                        .and_then(|v| v.to_str().ok())
                        .unwrap_or("-");
                    tracing::info_span!(
                        "request",
                        request_id = %id,
                        method = %req.method(),
                        path = %req.uri().path(),
                    )
                }))
                .layer(PropagateRequestIdLayer::new(REQUEST_ID)),
        )
        .with_state(state)
}

/// `GET /healthz`: 200 when the database answers, 503 when it does not.
async fn healthz(State(state): State<AppState>) -> Response {
    match storage::ping(&state.db).await {
        Ok(()) => (StatusCode::OK, "ok").into_response(),
        Err(_) => (StatusCode::SERVICE_UNAVAILABLE, "database unavailable").into_response(),
    }
}

/// `GET /exports/EVENT/laps.csv` and `…/summary.csv`: downloads for operators.
async fn export(
    State(state): State<AppState>,
    session: tower_sessions::Session,
    Path((event, file)): Path<(String, String)>,
) -> Response {
    let result = async {
        let caller = require_in(state, session, Action::Operate).await?;
        let db = &caller.state.db;
        let event = events::get(db, &EventId(event)).await?;
        let races = races::submitted(db, &event.id, None, None).await?;
        let bytes = match file.as_str() {
            "laps.csv" => export::laps_csv(&event, &races)?,
            "summary.csv" => export::summary_csv(&event, &races)?,
            _ => return Err(AppError::NotFound("Export".into())),
        };
        Ok((event.name, bytes))
    }
    .await;
    match result {
        Ok((name, bytes)) => download("text/csv", &format!("{name}-{file}"), bytes),
        Err(e) => error_response(e),
    }
}

/// `GET /cars/CAR/syslog.txt`: the car's last 1,000 syslog lines, for operators.
async fn car_log(
    State(state): State<AppState>,
    session: tower_sessions::Session,
    Path(car): Path<String>,
) -> Response {
    let result = async {
        let caller = require_in(state, session, Action::Operate).await?;
        let car = app::model::CarId(car);
        let name = storage::cars::get(&caller.state.db, &car).await?.info.name;
        let log = app::ssr::cars::upkeep::logs(&caller.state, &car).await?;
        Ok::<_, AppError>((name, log))
    }
    .await;
    match result {
        Ok((name, log)) => download(
            "text/plain",
            &format!("{name}-syslog.txt"),
            log.into_bytes(),
        ),
        Err(e) => error_response(e),
    }
}

/// A file to save, named `name` with anything but letters, digits and dots made `-`.
fn download(mime: &str, name: &str, bytes: Vec<u8>) -> Response {
    let safe: String = name
        .chars()
        .map(|c| {
            if c.is_ascii_alphanumeric() || c == '.' {
                c
            } else {
                '-'
            }
        })
        .collect();
    let disposition = format!("attachment; filename=\"{safe}\"");
    (
        [
            (header::CONTENT_TYPE, format!("{mime}; charset=utf-8")),
            (header::CONTENT_DISPOSITION, disposition),
        ],
        bytes,
    )
        .into_response()
}

/// A plain-text answer with the error's own status, for routes outside server functions.
pub(crate) fn error_response(e: AppError) -> Response {
    (
        StatusCode::from_u16(e.status()).unwrap_or(StatusCode::INTERNAL_SERVER_ERROR),
        e.to_string(),
    )
        .into_response()
}

/// Server functions answer every error with 500; this gives each `AppError` its own
/// status (401, 403, 422, …) so clients and tests can tell them apart.
async fn status_from_app_error(req: Request, next: Next) -> Response {
    let response = next.run(req).await;
    if response.status() != StatusCode::INTERNAL_SERVER_ERROR
        || !response.headers().contains_key("serverfnerror")
    {
        return response;
    }
    let (mut parts, body) = response.into_parts();
    // Error bodies are a few hundred bytes of JSON; anything larger is not ours.
    let Ok(bytes) = to_bytes(body, 64 * 1024).await else {
        return StatusCode::INTERNAL_SERVER_ERROR.into_response();
    };
    if let Ok(error) = serde_json::from_slice::<AppError>(&bytes) {
        parts.status = StatusCode::from_u16(error.status()).unwrap_or(parts.status);
    }
    Response::from_parts(parts, Body::from(bytes))
}
