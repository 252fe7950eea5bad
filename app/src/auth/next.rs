//! Coming back after signing in: a page that needs a signed-in user sends the visitor to
//! `/sign-in?next=PATH`, and the sign-in page goes on to PATH, only ever on this site.

use leptos::prelude::*;
use leptos_router::hooks::use_location;

/// `raw` as a path on this site to go to after signing in, or `None` when it could lead
/// elsewhere (`//host`, `/\host`, a scheme) or back to the sign-in page itself.
pub fn safe_next(raw: &str) -> Option<&str> {
    let same_site = raw.starts_with('/')
        && !raw.starts_with("//")
        && !raw.starts_with("/\\")
        && !raw.chars().any(|c| c.is_control());
    let loops = ["/sign-in", "/sign-up"]
        .iter()
        .any(|page| raw == *page || raw.starts_with(&format!("{page}?")));
    (same_site && !loops).then_some(raw)
}

/// `/sign-in`, with `?next=` naming `path` when it is worth coming back to.
pub fn sign_in_then(path: &str) -> String {
    match safe_next(path).filter(|p| *p != "/") {
        Some(path) => format!("/sign-in?next={}", encode(path)),
        None => "/sign-in".to_string(),
    }
}

/// The sign-in link that brings the visitor back to the page they are on.
pub fn sign_in_here() -> impl Fn() -> String + Clone + Send + Sync + 'static {
    let location = use_location();
    move || {
        let (path, search) = (location.pathname.get(), location.search.get());
        let here = if search.is_empty() {
            path
        } else {
            format!("{path}?{search}")
        };
        sign_in_then(&here)
    }
}

/// Percent-encodes a path for a query value, the same on the server and in the browser
/// (so the server-rendered link and the hydrated one agree).
fn encode(path: &str) -> String {
    path.bytes()
        .map(|b| match b {
            b'A'..=b'Z' | b'a'..=b'z' | b'0'..=b'9' | b'-' | b'_' | b'.' | b'~' | b'/' => {
                (b as char).to_string()
            }
            _ => format!("%{b:02X}"),
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn only_paths_on_this_site_are_followed() {
        assert_eq!(safe_next("/race?track=t1"), Some("/race?track=t1"));
        assert_eq!(safe_next("//evil.example/x"), None);
        assert_eq!(safe_next("/\\evil.example"), None);
        assert_eq!(safe_next("https://evil.example"), None);
        assert_eq!(safe_next("/ok\nSet-Cookie: x"), None);
        assert_eq!(safe_next("/sign-in?next=/race"), None);
    }

    #[test]
    fn the_sign_in_link_names_the_page_to_come_back_to() {
        assert_eq!(
            sign_in_then("/race?track=t1&x=1"),
            "/sign-in?next=/race%3Ftrack%3Dt1%26x%3D1"
        );
        assert_eq!(sign_in_then("/"), "/sign-in");
        assert_eq!(sign_in_then("/sign-in"), "/sign-in");
    }
}
