#![recursion_limit = "256"]
//! drem's Leptos app: the pages and server functions shared by the server (feature
//! `ssr`) and the browser (feature `hydrate`), and the pure domain rules under them.

pub mod accounts;
pub mod auth;
pub mod cars;
pub mod checkin;
pub mod codec;
pub mod commentator;
pub mod components;
pub mod domain;
pub mod error;
pub mod events;
pub mod finals;
pub mod i18n_page;
#[cfg(not(feature = "board"))]
pub mod lazy_routes;
pub mod leaderboard;
pub mod models;
pub mod my_day;
pub mod pages;
pub mod race;
#[cfg(feature = "ssr")]
pub mod ssr;
pub mod timers;
pub mod wire;

// The translations of the public pages (`i18n::Locale`, `t!`, ...), from `locales/*.json`.
leptos_i18n_macro::load_locales!();
// The loader does not tell cargo about the files it reads: these do, so an edited
// translation rebuilds the crate.
const _: &[u8] = include_bytes!("../locales/en.json");
const _: &[u8] = include_bytes!("../locales/de.json");
const _: &[u8] = include_bytes!("../locales/es.json");
const _: &[u8] = include_bytes!("../locales/fr.json");
const _: &[u8] = include_bytes!("../locales/ja.json");
const _: &[u8] = include_bytes!("../locales/sv.json");

use components::nav::{AuthContext, NavBar};
use i18n_page::{DocumentLang, PublicI18n};
#[cfg(not(feature = "board"))]
use lazy_routes as lazy;
use leaderboard::page::LeaderboardPage;
use leptos::prelude::*;
use leptos_meta::{provide_meta_context, MetaTags, Title};
#[cfg(not(feature = "board"))]
use leptos_router::Lazy;
use leptos_router::{
    components::{Route, Router, Routes},
    path, SsrMode,
};

/// The HTML document around the app, rendered on the server.
pub fn shell(options: LeptosOptions) -> impl IntoView {
    #[cfg(feature = "ssr")]
    let options = match use_context::<axum::http::request::Parts>() {
        Some(request) => ssr::bundle::for_page(options, request.uri.path()),
        None => options,
    };
    view! {
        <!DOCTYPE html>
        // `lang` comes from `i18n_page::DocumentLang`: the public pages' `?lang=`.
        <html>
            <head>
                <meta charset="utf-8" />
                <meta name="viewport" content="width=device-width, initial-scale=1" />
                <meta name="color-scheme" content="light dark" />
                <AutoReload options=options.clone() />
                // Under the built files' versioned path, as the scripts are, and of the
                // same build (the spectators' has a stylesheet of its own).
                <link id="leptos" rel="stylesheet" href=format!("/{}/{}.css", options.site_pkg_dir, options.output_name) />
                <HydrationScripts options />
                <link rel="icon" type="image/png" href="/favicon.png" />
                <MetaTags />
            </head>
            <body>
                <App />
            </body>
        </html>
    }
}

/// The app: navigation and every route.
#[component]
pub fn App() -> impl IntoView {
    provide_meta_context();
    AuthContext::provide();

    view! {
        <Title formatter=|page: String| {
            if page.is_empty() { "drem".to_string() } else { format!("{page} · drem") }
        } />
        <Router>
            <DocumentLang />
            <NavBar />
            <main class="page">
                <PageRoutes />
            </main>
        </Router>
    }
}

/// Every page. The leaderboard is in the main code; the others load when first visited.
#[cfg(not(feature = "board"))]
#[component]
fn PageRoutes() -> impl IntoView {
    view! {
    <Routes fallback=pages::NotFoundPage>
        <Route path=path!("/") view={Lazy::<lazy::Home>::new()} />
        <Route path=path!("/sign-in") view={Lazy::<lazy::SignIn>::new()} />
        <Route path=path!("/sign-up") view={Lazy::<lazy::SignUp>::new()} />
        <Route path=path!("/invite/:token") view={Lazy::<lazy::SetPassword>::new()} />
        <Route path=path!("/profile") view={Lazy::<lazy::Profile>::new()} />
        <Route path=path!("/racers") view={Lazy::<lazy::Racers>::new()} />
        <Route path=path!("/registration") view={Lazy::<lazy::Registration>::new()} />
        <Route path=path!("/check-in") view={Lazy::<lazy::CheckIn>::new()} />
        <Route path=path!("/my-day") view={Lazy::<lazy::MyDay>::new()} />
        <Route path=path!("/admin/users") view={Lazy::<lazy::Users>::new()} />
        <Route path=path!("/events") view={Lazy::<lazy::Events>::new()} />
        <Route path=path!("/events/:id") view={Lazy::<lazy::Event>::new()} />
        // Public pages are rendered whole before their head goes out, so an
        // unknown event answers 404 (and the page is complete without code).
        <Route path=path!("/events/:id/leaderboard") ssr=SsrMode::Async view=|| view! { <PublicI18n><LeaderboardPage /></PublicI18n> } />
        <Route path=path!("/events/:id/landing") ssr=SsrMode::Async view={Lazy::<lazy::Landing>::new()} />
        <Route path=path!("/events/:id/overlay") ssr=SsrMode::Async view={Lazy::<lazy::Overlay>::new()} />
        <Route path=path!("/events/:id/podium") ssr=SsrMode::Async view={Lazy::<lazy::Podium>::new()} />
        <Route path=path!("/race") view={Lazy::<lazy::RaceManager>::new()} />
        <Route path=path!("/race-admin") view={Lazy::<lazy::RaceAdmin>::new()} />
        <Route path=path!("/commentator") view={Lazy::<lazy::Commentator>::new()} />
        <Route path=path!("/models") view={Lazy::<lazy::MyModels>::new()} />
        <Route path=path!("/admin/models") view={Lazy::<lazy::Models>::new()} />
        <Route path=path!("/timers") view={Lazy::<lazy::Timers>::new()} />
        <Route path=path!("/cars") view={Lazy::<lazy::Cars>::new()} />
        <Route path=path!("/cars/labels") view={Lazy::<lazy::CarLabels>::new()} />
    </Routes>
    }
}

/// The spectators' build (feature `board`): the public leaderboard alone, so a phone
/// downloads its code and nothing else. The server sends this build with leaderboard
/// pages only (`board_bundle`); any other address reached from one is loaded whole,
/// with the full build.
#[cfg(feature = "board")]
#[component]
fn PageRoutes() -> impl IntoView {
    view! {
        <Routes fallback=pages::LoadWhole>
            <Route path=path!("/events/:id/leaderboard") ssr=SsrMode::Async view=|| view! { <PublicI18n><LeaderboardPage /></PublicI18n> } />
        </Routes>
    }
}
