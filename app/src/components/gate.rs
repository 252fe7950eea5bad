//! A page for some roles only: whoever may not use it sees "Please sign in" or "Not
//! allowed" and nothing of the page (no form, no heading, no request it would refuse).
//! The page's server functions check the caller again; this only keeps a refused page
//! from half-rendering.
//!
//! Staff pages are built in the browser, once it knows who is signed in: the server
//! sends the frame (navigation) only. So no staff page has data that must hydrate in
//! the same order it was rendered (the source of the flaky hydration panics nested
//! server resources caused), and the navigation's refreshes after a role change
//! rebuild a page only when the verdict itself changes.

use super::form::Problem;
use super::nav::AuthContext;
use crate::domain::roles::{allows, Action};
use crate::error::AppError;
use leptos::prelude::*;

#[component]
pub fn Gate(action: Action, children: ChildrenFn) -> impl IntoView {
    let auth = AuthContext::get();
    // None on the server and while hydrating (both render the same empty frame); the
    // effect, which runs in the browser only, sets it, and only when it changes.
    let verdict = RwSignal::new(None::<Option<AppError>>);
    Effect::new(move || {
        let now = auth.user.get().map(|user| match user {
            Ok(Some(user)) if allows(Some(&user.roles), action) => None,
            Ok(Some(_)) => Some(AppError::Forbidden),
            Ok(None) => Some(AppError::Unauthenticated),
            Err(e) => Some(e),
        });
        if now.is_some() && verdict.with_untracked(|v| *v != now) {
            verdict.set(now);
        }
    });
    let children = StoredValue::new(children);
    move || match verdict.get() {
        None => view! { <p class="loading" aria-busy="true">"Loading…"</p> }.into_any(),
        // Untracked: a signal the page reads while it is built must not make this
        // gate build the whole page again when it changes.
        Some(None) => untrack(|| children.read_value()().into_any()),
        Some(Some(error)) => view! { <Problem error /> }.into_any(),
    }
}
