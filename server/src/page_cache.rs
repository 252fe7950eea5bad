//! A one-second cache of the public pages (leaderboard, landing, overlay, podium) for people
//! who are not signed in. When a hall's phones open the board at once, each page is
//! rendered about once per second per address and encoding instead of once per phone.
//! When a page grows old, the first request renders it again while the others are
//! still served the old one, so no crowd renders at once. The page's live stream starts
//! with the current board, so a page served from here is behind only until it connects.
//!
//! Written here rather than taken from `axum-response-cache`: an answer must never be
//! kept when it sets a cookie, and a signed-in visitor must never be served from it,
//! which that crate's keyed cache cannot refuse by header.

use axum::body::{to_bytes, Body, Bytes};
use axum::extract::Request;
use axum::http::{header, HeaderMap, Method, StatusCode};
use axum::middleware::Next;
use axum::response::{IntoResponse, Response};
use std::collections::HashMap;
use std::sync::Mutex;
use std::time::{Duration, Instant};

/// How long a rendered page is served again.
const FRESH_FOR: Duration = Duration::from_secs(1);
/// How long an old page is served while one request renders it again (longer means
/// that rendering failed or stalled: the next request tries too).
const RENEW_WITHIN: Duration = Duration::from_secs(5);
/// Pages kept at most; beyond it the oldest are dropped.
const MAX_PAGES: usize = 512;
/// A public page is a few hundred KiB at most; anything larger is not kept.
const MAX_BYTES: usize = 4 << 20;

/// The session cookie's name: its presence means a signed-in (or signing-in) visitor.
const SESSION_COOKIE: &str = crate::http::SESSION_COOKIE;

/// What makes two requests get the same answer: the address (with its `?lang=`, the
/// only thing that picks a public page's language) and the encodings accepted.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
struct Key {
    uri: String,
    encoding: String,
}

struct Page {
    at: Instant,
    /// When a request began rendering it again.
    renewing: Option<Instant>,
    status: StatusCode,
    headers: HeaderMap,
    body: Bytes,
}

/// The kept pages.
#[derive(Default)]
pub struct PageCache {
    pages: Mutex<HashMap<Key, Page>>,
}

impl PageCache {
    /// Serves a public page from the cache, or renders it and keeps it.
    pub async fn serve(&self, req: Request, next: Next) -> Response {
        let Some(key) = key_of(&req) else {
            return next.run(req).await;
        };
        if let Some(page) = self.fresh(&key) {
            return page;
        }
        let response = next.run(req).await;
        if response.status() != StatusCode::OK
            || response.headers().contains_key(header::SET_COOKIE)
        {
            self.forget(&key);
            return response;
        }
        let (parts, body) = response.into_parts();
        let body = match to_bytes(body, MAX_BYTES).await {
            Ok(body) => body,
            Err(e) => {
                tracing::warn!(error = %e, "a public page could not be read whole");
                return StatusCode::INTERNAL_SERVER_ERROR.into_response();
            }
        };
        self.keep(
            key,
            Page {
                at: Instant::now(),
                renewing: None,
                status: parts.status,
                headers: parts.headers.clone(),
                body: body.clone(),
            },
        );
        Response::from_parts(parts, Body::from(body))
    }

    /// The kept page to answer with: a fresh one, or an old one while another request
    /// renders it again. `None` tells this request to render.
    fn fresh(&self, key: &Key) -> Option<Response> {
        let mut pages = self.pages.lock().unwrap_or_else(|e| e.into_inner());
        let page = pages.get_mut(key)?;
        if page.at.elapsed() >= FRESH_FOR {
            let renewing = page.renewing.is_some_and(|r| r.elapsed() < RENEW_WITHIN);
            if !renewing {
                page.renewing = Some(Instant::now());
                return None;
            }
        }
        let mut response = Response::new(Body::from(page.body.clone()));
        *response.status_mut() = page.status;
        *response.headers_mut() = page.headers.clone();
        Some(response)
    }

    /// Drops a page that could not be rendered again.
    fn forget(&self, key: &Key) {
        let mut pages = self.pages.lock().unwrap_or_else(|e| e.into_inner());
        pages.remove(key);
    }

    fn keep(&self, key: Key, page: Page) {
        let mut pages = self.pages.lock().unwrap_or_else(|e| e.into_inner());
        if pages.len() >= MAX_PAGES {
            pages.retain(|_, p| p.at.elapsed() < FRESH_FOR + RENEW_WITHIN);
        }
        if pages.len() >= MAX_PAGES {
            pages.clear();
        }
        pages.insert(key, page);
    }
}

/// The key of a request for a public page by someone not signed in; `None` for
/// anything else.
fn key_of(req: &Request) -> Option<Key> {
    if req.method() != Method::GET || !is_public_page(req.uri().path()) {
        return None;
    }
    let signed_in = req
        .headers()
        .get_all(header::COOKIE)
        .iter()
        .filter_map(|v| v.to_str().ok())
        .any(|cookies| cookies.contains(SESSION_COOKIE));
    if signed_in {
        return None;
    }
    let encoding = req
        .headers()
        .get(header::ACCEPT_ENCODING)
        .and_then(|v| v.to_str().ok())
        .unwrap_or("");
    Some(Key {
        uri: req.uri().to_string(),
        encoding: encoding.to_string(),
    })
}

/// `/events/ID/leaderboard`, `…/landing`, `…/overlay` and `…/podium`.
fn is_public_page(path: &str) -> bool {
    let parts: Vec<&str> = path.trim_matches('/').split('/').collect();
    matches!(
        parts.as_slice(),
        ["events", id, "leaderboard" | "landing" | "overlay" | "podium"] if !id.is_empty()
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn only_public_pages_are_kept() {
        assert!(is_public_page("/events/abc/leaderboard"));
        assert!(is_public_page("/events/abc/overlay"));
        assert!(is_public_page("/events/abc/podium"));
        assert!(is_public_page("/events/abc/landing"));
        assert!(!is_public_page("/events/abc"));
        assert!(!is_public_page("/events//leaderboard"));
        assert!(!is_public_page("/events/abc/leaderboard/x"));
        assert!(!is_public_page("/race"));
    }
}
