//! The one way a page shows what a server function loads: a placeholder the first
//! time, the last content while it loads again (a `Transition`, so lists do not blink
//! when a live page reloads them), and the error's own notice (`Problem`) when it fails.

use super::form::Problem;
use crate::error::AppError;
use leptos::either::Either;
use leptos::prelude::*;
use std::future::IntoFuture;
use std::sync::Arc;

/// Shows `children(value)` once `of` (a `Resource` or a `LocalResource`) has loaded,
/// or the error as a [`Problem`]. While it first loads: `loading`, or nothing when
/// `quiet` (a part of a page).
#[component]
pub fn Loaded<R, T, V, F>(
    of: R,
    children: F,
    #[prop(optional)] quiet: bool,
    #[prop(default = "Loading…")] loading: &'static str,
) -> impl IntoView
where
    R: IntoFuture<Output = Result<T, AppError>> + Copy + Send + Sync + 'static,
    R::IntoFuture: Send,
    T: 'static,
    V: IntoView + 'static,
    F: Fn(T) -> V + Send + Sync + 'static,
{
    let children = Arc::new(children);
    view! {
        <Transition fallback=move || (!quiet).then(|| view! { <p>{loading}</p> })>
            {move || {
                let children = Arc::clone(&children);
                Suspend::new(async move {
                    match of.await {
                        Ok(value) => children(value).into_any(),
                        Err(error) => view! { <Problem error /> }.into_any(),
                    }
                })
            }}
        </Transition>
    }
}

/// [`Loaded`] for a list: `empty` says so when it has nothing.
#[component]
pub fn LoadedList<T, V, F>(
    of: Resource<Result<Vec<T>, AppError>>,
    empty: &'static str,
    children: F,
    #[prop(optional)] quiet: bool,
    #[prop(default = "Loading…")] loading: &'static str,
) -> impl IntoView
where
    T: Clone + Send + Sync + 'static,
    V: IntoView + 'static,
    F: Fn(Vec<T>) -> V + Send + Sync + 'static,
{
    view! {
        <Loaded of quiet loading let:list>
            {if list.is_empty() {
                Either::Left(view! { <p class="empty">{empty}</p> })
            } else {
                Either::Right(children(list))
            }}
        </Loaded>
    }
}
