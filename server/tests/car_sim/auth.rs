//! Signing in to the console, as the car does it.
//!
//! - The pages `GET /`, `/home` and `/login` carry the CSRF token in
//!   `<meta name="csrf-token">`, signed for the Flask `session` cookie they set
//!   (CC `original/aws/deepracer/lib/device_console/templates/login.html`; Flask-WTF
//!   `csrf.py` `generate_csrf`).
//! - Every POST and PUT needs that token in `X-CSRFToken` (or `X-CSRF-Token`) with the
//!   same `session` cookie, or gets 400 with an HTML page naming the reason (Flask-WTF
//!   `csrf.py` `protect`, `CSRFError` is a werkzeug `BadRequest`). GETs are never checked.
//! - `POST /login` with form field `password`: 200 `{"redirect": "/home"}` and a
//!   `deepracer_token` cookie; a wrong password is 200 with the text `failure`
//!   (WS `webserver_pkg/login.py`, `login()`).
//! - The token is written to the one file `token.txt`, so each sign-in signs every
//!   other session out (WS `login.py`, `TOKEN_PATH`, `check_authentication`).
//! - nginx asks `/auth` before every `/api/…` call and answers 401 itself when the
//!   token is not the car's (CC `original/aws/deepracer/nginx/data/nginx.default`).

use super::{random_hex, Sim};
use axum::extract::{Request, State};
use axum::http::{header, HeaderMap, Method, StatusCode};
use axum::middleware::Next;
use axum::response::{Html, IntoResponse, Response};
use axum::routing::get;
use axum::{Json, Router};
use serde_json::json;
use std::sync::Arc;

pub fn routes() -> Router<Arc<Sim>> {
    Router::new()
        .route("/", get(page))
        .route("/home", get(page))
        .route("/login", get(page).post(login))
}

pub fn cookie(headers: &HeaderMap, name: &str) -> Option<String> {
    headers
        .get_all(header::COOKIE)
        .iter()
        .filter_map(|v| v.to_str().ok())
        .flat_map(|v| v.split(';'))
        .filter_map(|pair| pair.trim().split_once('='))
        .find(|(k, _)| *k == name)
        .map(|(_, v)| v.to_string())
}

/// A page of the console: the CSRF token in its head, the `session` cookie it belongs
/// to (a returning session keeps its token).
async fn page(State(sim): State<Arc<Sim>>, headers: HeaderMap) -> Response {
    let known = cookie(&headers, "session").and_then(|sid| {
        sim.state()
            .sessions
            .get(&sid)
            .map(|csrf| (sid, csrf.clone()))
    });
    let (sid, csrf) = known.unwrap_or_else(|| {
        let (sid, csrf) = (random_hex(), random_hex());
        sim.state().sessions.insert(sid.clone(), csrf.clone());
        (sid, csrf)
    });
    let csrf = if sim.garbled_csrf.load(std::sync::atomic::Ordering::SeqCst) {
        random_hex()
    } else {
        csrf
    };
    let page = format!(
        "<!DOCTYPE html><html><head><meta charset=\"utf-8\">\
         <meta name=\"csrf-token\" content=\"{csrf}\" /><title>AWS DeepRacer</title></head>\
         <body>Unlock your AWS DeepRacer vehicle</body></html>"
    );
    (
        [(
            header::SET_COOKIE,
            format!("session={sid}; Secure; HttpOnly; Path=/"),
        )],
        Html(page),
    )
        .into_response()
}

/// Flask-WTF's check of every write: the `session` cookie's token in the header.
pub async fn csrf(State(sim): State<Arc<Sim>>, request: Request, next: Next) -> Response {
    let writes = matches!(
        *request.method(),
        Method::POST | Method::PUT | Method::PATCH | Method::DELETE
    );
    if writes {
        let headers = request.headers();
        let expected =
            cookie(headers, "session").and_then(|sid| sim.state().sessions.get(&sid).cloned());
        let given = ["X-CSRFToken", "X-CSRF-Token"]
            .iter()
            .find_map(|name| headers.get(*name).and_then(|v| v.to_str().ok()));
        let reason = match (expected, given) {
            (_, None) => Some("The CSRF token is missing."),
            (None, Some(_)) => Some("The CSRF session token is missing."),
            (Some(e), Some(g)) if e != g => Some("The CSRF tokens do not match."),
            _ => None,
        };
        if let Some(reason) = reason {
            sim.state().csrf_refused += 1;
            let page = format!(
                "<!DOCTYPE HTML PUBLIC \"-//W3C//DTD HTML 3.2 Final//EN\">\n<title>400 Bad Request</title>\n<h1>Bad Request</h1>\n<p>{reason}</p>\n"
            );
            return (StatusCode::BAD_REQUEST, Html(page)).into_response();
        }
    }
    next.run(request).await
}

async fn login(State(sim): State<Arc<Sim>>, body: String) -> Response {
    let password = url::form_urlencoded::parse(body.as_bytes())
        .find(|(k, _)| k == "password")
        .map(|(_, v)| v.into_owned());
    let Some(password) = password else {
        // `request.form["password"]` missing: werkzeug's BadRequestKeyError.
        return (StatusCode::BAD_REQUEST, Html("<h1>Bad Request</h1>")).into_response();
    };
    if password != sim.password {
        return (StatusCode::OK, Html("failure")).into_response();
    }
    let token = random_hex();
    let mut state = sim.state();
    state.token = Some(token.clone());
    state.sign_ins += 1;
    (
        [(
            header::SET_COOKIE,
            format!("deepracer_token={token}; Max-Age=3600; Secure; Path=/"),
        )],
        Json(json!({"redirect": "/home"})),
    )
        .into_response()
}

/// nginx's `auth_request /auth` before every API call: 401 unless the token is the one
/// in `token.txt`.
pub async fn signed_in(State(sim): State<Arc<Sim>>, request: Request, next: Next) -> Response {
    let token = cookie(request.headers(), "deepracer_token");
    let valid = {
        let mut state = sim.state();
        let valid = token.is_some() && token == state.token;
        if token.is_some() && !valid {
            state.stale_tokens += 1;
        }
        valid
    };
    if !valid {
        let page = "<html><head><title>401 Authorization Required</title></head><body><center><h1>401 Authorization Required</h1></center><hr><center>nginx/1.18.0</center></body></html>";
        return (StatusCode::UNAUTHORIZED, Html(page)).into_response();
    }
    next.run(request).await
}
