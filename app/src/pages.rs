//! Pages that belong to no feature: the start page and "not found".

use crate::components::nav::AuthContext;
use crate::domain::roles::Role;
use crate::wire::SessionUser;
use leptos::prelude::*;
use leptos_meta::Title;
use leptos_router::components::A;

/// A tile on the start page: what one role can do next.
fn tiles_for(user: &SessionUser) -> Vec<(&'static str, &'static str, &'static str)> {
    let mut tiles = vec![
        (
            "/profile",
            "Your profile",
            "Display name, country, tail-light colour and password.",
        ),
        (
            "/models",
            "My models",
            "Upload your model archives and see them checked.",
        ),
    ];
    if user.has(Role::Registration) {
        tiles.push((
            "/registration",
            "Add a walk-up racer",
            "Create an account in seconds and hand over a QR code to set a password.",
        ));
    }
    if user.has(Role::Registration) || user.has(Role::Commentator) || user.has(Role::Operator) {
        tiles.push(("/racers", "Racers", "Find any racer by name."));
    }
    if user.has(Role::Commentator) || user.has(Role::Operator) {
        tiles.push((
            "/commentator",
            "Commentator",
            "The racer on track: live figures, projected position, lap chart, history.",
        ));
    }
    if user.has(Role::Operator) {
        tiles.push((
            "/race",
            "Race manager",
            "Time races on a track: keyboard shortcuts, resets, DNF, undo.",
        ));
        tiles.push((
            "/race-admin",
            "Race admin",
            "Results, lap corrections and CSV downloads.",
        ));
        tiles.push((
            "/events",
            "Events and tracks",
            "Set up events, their tracks and race rules.",
        ));
        tiles.push((
            "/admin/models",
            "Models",
            "Every racer's models: status, details, delete.",
        ));
    }
    if user.has(Role::Admin) {
        tiles.push((
            "/admin/users",
            "Users and roles",
            "Grant staff roles, disable or delete accounts.",
        ));
    }
    tiles
}

#[component]
pub fn HomePage() -> impl IntoView {
    let auth = AuthContext::get();
    view! {
        <Title text="" />
        <section class="hero">
            <h1>"drem: DeepRacer events, run from one laptop"</h1>
            <p class="lead">
                "Register racers, time laps on the track, and show live results on the big screen: "
                "all served by drem itself, with no internet needed at the venue."
            </p>
        </section>
        <Transition fallback=|| ()>
            {move || Suspend::new(async move {
                match auth.user.await {
                    Ok(Some(user)) => {
                        let tiles = tiles_for(&user)
                            .into_iter()
                            .map(|(href, title, text)| view! {
                                <A href=href attr:class="tile">
                                    <h2>{title}</h2>
                                    <p>{text}</p>
                                </A>
                            })
                            .collect_view();
                        view! {
                            <p>"Signed in as " <strong>{user.shown_name().to_string()}</strong> "."</p>
                            <div class="tiles">{tiles}</div>
                        }
                            .into_any()
                    }
                    _ => view! {
                        <div class="tiles">
                            <A href="/sign-up" attr:class="tile">
                                <h2>"Racing? Sign up"</h2>
                                <p>"Create your racer account, then upload your model and race."</p>
                            </A>
                            <A href="/sign-in" attr:class="tile">
                                <h2>"Staff or returning racer? Sign in"</h2>
                                <p>"Operators, registration, commentators and admins start here."</p>
                            </A>
                        </div>
                    }
                    .into_any(),
                }
            })}
        </Transition>
    }
}

#[component]
pub fn NotFoundPage() -> impl IntoView {
    #[cfg(feature = "ssr")]
    if let Some(response) = use_context::<leptos_axum::ResponseOptions>() {
        response.set_status(axum::http::StatusCode::NOT_FOUND);
    }
    view! {
        <Title text="Not found" />
        <section class="notice">
            <h1>"Page not found"</h1>
            <p>"There is nothing at this address."</p>
            <A href="/" attr:class="button">"Back to the start page"</A>
        </section>
    }
}

/// The spectators' build reached another page (a link from the board): loads it whole,
/// with the full build, in place of the history entry the router has just made.
#[cfg(feature = "board")]
#[component]
pub fn LoadWhole() -> impl IntoView {
    let location = leptos_router::hooks::use_location();
    Effect::new(move |_| {
        // As the router writes an address (its `search` has no `?`).
        let mut href = location.pathname.get_untracked();
        let search = location.search.get_untracked();
        if !search.is_empty() {
            href = format!("{href}?{search}");
        }
        let hash = location.hash.get_untracked();
        if !hash.is_empty() {
            href = format!("{href}#{}", hash.trim_start_matches('#'));
        }
        // After the router has recorded the address (it does so once this view is up).
        set_timeout(
            move || {
                let _ = window().location().replace(&href);
            },
            std::time::Duration::ZERO,
        );
    });
}
