//! The router: Leptos pages and server functions, health check, sessions, request
//! ids, request logs, and HTTP statuses that match each error.

use app::domain::roles::Action;
use app::error::AppError;
use app::ssr::export;
use app::ssr::guard::require_in;
use app::ssr::state::AppState;
use app::ssr::storage::{self, events, races};
use app::wire::EventId;
use app::{shell, App};
use axum::extract::DefaultBodyLimit;
use axum::extract::{Path, Request, State};
use axum::http::HeaderValue;
use axum::http::{header, HeaderName, StatusCode};
use axum::middleware::{self, Next};
use axum::response::{IntoResponse, Response};
use axum::routing::{get, post, MethodRouter};
use axum::Router;
use leptos_axum::{generate_route_list, LeptosRoutes};
use std::sync::Arc;
use tower::ServiceBuilder;
use tower_http::compression::CompressionLayer;
use tower_http::request_id::{MakeRequestUuid, PropagateRequestIdLayer, SetRequestIdLayer};
use tower_http::services::{ServeDir, ServeFile};
use tower_http::set_header::SetResponseHeaderLayer;
use tower_http::trace::TraceLayer;
use tower_sessions::cookie::{time::Duration, SameSite};
use tower_sessions::{ExpiredDeletion, Expiry, SessionManagerLayer};
use tower_sessions_surrealdb_store::SurrealSessionStore;

/// The session cookie's name.
pub const SESSION_COOKIE: &str = "drem_session";

const REQUEST_ID: HeaderName = HeaderName::from_static("x-request-id");

/// Sessions end after two weeks without a visit: an event's staff keep signed in
/// across a multi-day event, and a forgotten laptop does not stay signed in forever.
const SESSION_IDLE_DAYS: i64 = 14;

/// Builds the whole router around `state`.
/// A request but a model upload is answered within `deadline` or refused with 408, so a
/// body that trickles in cannot hold its connection forever.
pub fn router(state: AppState, secure_cookies: bool, deadline: std::time::Duration) -> Router {
    let store = SurrealSessionStore::new((*state.db).clone(), "session".to_string());
    tokio::spawn(
        store
            .clone()
            .continuously_delete_expired(tokio::time::Duration::from_secs(3600)),
    );
    let sessions = SessionManagerLayer::new(crate::hashed_sessions::HashedIds(store))
        .with_name(SESSION_COOKIE)
        .with_http_only(true)
        .with_same_site(SameSite::Lax)
        .with_secure(secure_cookies)
        .with_expiry(Expiry::OnInactivity(Duration::days(SESSION_IDLE_DAYS)));

    let routes = generate_route_list(App);
    let pages = Arc::new(crate::page_cache::PageCache::default());
    let leptos_options = state.leptos_options.clone();
    // The built files (the app's code, styles, flags, icon) are served here, not by
    // Leptos' file-or-error handler: that one looks for a page's response options in
    // whatever reactive owner the worker thread holds, so a page refused with 403
    // could lend its status to a file served on the same thread.
    let site = std::path::PathBuf::from(leptos_options.site_root.as_ref());
    let version = leptos_options
        .site_pkg_dir
        .trim_start_matches("pkg/")
        .to_string();
    // Flags and the icon never change within a release: a day in the cache.
    let a_day = || {
        SetResponseHeaderLayer::if_not_present(
            header::CACHE_CONTROL,
            HeaderValue::from_static("public, max-age=86400"),
        )
    };
    plain_routes()
        .into_iter()
        .fold(Router::new(), |router, (path, route)| {
            router.route(path, route)
        })
        .leptos_routes(&state, routes, move || shell(leptos_options.clone()))
        .fallback(leptos_axum::file_and_error_handler::<AppState, _>(shell))
        // Pages and answers are fresh each time unless a route says otherwise.
        .layer(SetResponseHeaderLayer::if_not_present(
            header::CACHE_CONTROL,
            HeaderValue::from_static("no-cache"),
        ))
        // Pages, JSON and CSV compressed for those who accept it; event streams and model
        // archives go as they are.
        .layer(CompressionLayer::new().compress_when(compressible))
        // Outside compression, so a kept page is kept compressed.
        .layer(middleware::from_fn(move |req, next| {
            let pages = Arc::clone(&pages);
            async move { pages.serve(req, next).await }
        }))
        // Added after the layers above: the built files come precompressed, and with
        // their own caching.
        .merge(crate::assets::router(&site, &version))
        .nest_service(
            "/flags",
            ServiceBuilder::new()
                .layer(a_day())
                // The brotli and gzip copies `--precompress` made (a flag is a third).
                .service(
                    ServeDir::new(site.join("flags"))
                        .precompressed_br()
                        .precompressed_gzip(),
                ),
        )
        .route_service(
            "/favicon.png",
            ServiceBuilder::new()
                .layer(a_day())
                .service(ServeFile::new(site.join("favicon.png"))),
        )
        .layer(middleware::from_fn_with_state(state.clone(), timed))
        .layer(middleware::from_fn(move |req, next| {
            answer_within(deadline, req, next)
        }))
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

/// Every route outside Leptos' pages and server functions: streams, downloads, uploads,
/// the timer link and the health and metrics probes. Each guards itself; the
/// authorization matrix test reads this list, so a route added here without a row fails.
fn plain_routes() -> Vec<(&'static str, MethodRouter<AppState>)> {
    vec![
        ("/healthz", get(healthz)),
        ("/metrics", get(metrics)),
        ("/exports/{event}/{file}", get(export)),
        ("/cars/{car}/syslog.txt", get(car_log)),
        (
            "/live/tracks/{track}",
            get(crate::realtime::streams::track_events),
        ),
        (
            "/live/events/{event}",
            get(crate::realtime::streams::event_events),
        ),
        (
            "/live/models",
            get(crate::realtime::staff_streams::model_events),
        ),
        ("/live/kit", get(crate::realtime::staff_streams::kit_events)),
        (
            drem_timer::protocol::CONNECT_PATH,
            get(crate::timer::connect),
        ),
        // Model files stream through; the size limit is the model store's own.
        (
            "/models/upload",
            post(crate::models::upload).layer(DefaultBodyLimit::disable()),
        ),
        ("/models/{id}/download", get(crate::models::download)),
    ]
}

/// The paths of [`plain_routes`], for the authorization matrix test.
pub fn plain_paths() -> Vec<&'static str> {
    plain_routes().into_iter().map(|(path, _)| path).collect()
}

/// Whether an answer is worth compressing: text that is not an event stream (sent as it
/// happens), JSON, JavaScript, SVG; never archives or images already compressed.
fn compressible(
    _status: StatusCode,
    _version: axum::http::Version,
    headers: &axum::http::HeaderMap,
    _extensions: &axum::http::Extensions,
) -> bool {
    let kind = headers
        .get(header::CONTENT_TYPE)
        .and_then(|v| v.to_str().ok())
        .unwrap_or("");
    let text = kind.starts_with("text/") && !kind.starts_with("text/event-stream");
    text || ["application/json", "javascript", "image/svg+xml"]
        .iter()
        .any(|k| kind.contains(k))
}

/// `GET /metrics`: this process's metrics in Prometheus' text format, for operators (a
/// Prometheus server scrapes it with an operator's session cookie, or through a proxy
/// that adds one).
async fn metrics(State(state): State<AppState>, session: tower_sessions::Session) -> Response {
    if let Err(e) = require_in(state.clone(), session, Action::Operate).await {
        return e.into_response();
    }
    (
        [(
            header::CONTENT_TYPE,
            "text/plain; version=0.0.4; charset=utf-8",
        )],
        state.hub.metrics.render(),
    )
        .into_response()
}

/// Times every request, by kind (`drem_request_seconds`): a live stream's time is its
/// answer's head, not its life.
async fn timed(State(state): State<AppState>, req: Request, next: Next) -> Response {
    let path = req.uri().path();
    let kind = if path.starts_with("/api/") {
        "api"
    } else if path.starts_with("/live/") {
        "live"
    } else if path.starts_with("/pkg/") || path.starts_with("/flags/") {
        "file"
    } else {
        "page"
    };
    let since = std::time::Instant::now();
    let response = next.run(req).await;
    state.hub.metrics.request_took(kind, since);
    response
}

/// Answers with 408 when `next` takes longer than `deadline` (a slow body included).
/// Model uploads take as long as the venue's network needs: only pauses in their body
/// are bounded (`serve.rs`), and the model store's size limit.
async fn answer_within(deadline: std::time::Duration, req: Request, next: Next) -> Response {
    if req.uri().path() == "/models/upload" {
        return next.run(req).await;
    }
    match tokio::time::timeout(deadline, next.run(req)).await {
        Ok(response) => response,
        Err(_) => (StatusCode::REQUEST_TIMEOUT, "The request took too long.").into_response(),
    }
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
        Ok((event.about.name, bytes))
    }
    .await;
    match result {
        Ok((name, bytes)) => download("text/csv", &format!("{name}-{file}"), bytes),
        Err(e) => e.into_response(),
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
        let car = app::wire::CarId(car);
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
        Err(e) => e.into_response(),
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
