#![recursion_limit = "256"]
//! drem's Leptos app: the pages and server functions shared by the server (feature
//! `ssr`) and the browser (feature `hydrate`), and the pure domain rules under them.

pub mod accounts;
pub mod auth;
pub mod cars;
pub mod commentator;
pub mod components;
pub mod domain;
pub mod error;
pub mod events;
pub mod i18n_page;
pub mod leaderboard;
pub mod model;
pub mod models;
pub mod pages;
pub mod race;
#[cfg(feature = "ssr")]
pub mod ssr;
pub mod timers;

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

use components::gate::Gate;
use components::nav::{AuthContext, NavBar};
use domain::roles::Action;
use i18n_page::{DocumentLang, PublicI18n};
use leaderboard::{landing::LandingPage, overlay::OverlayPage, page::LeaderboardPage};
use leptos::prelude::*;
use leptos_meta::{provide_meta_context, MetaTags, Title};
use leptos_router::{
    components::{Route, Router, Routes},
    path, SsrMode,
};

/// The HTML document around the app, rendered on the server.
pub fn shell(options: LeptosOptions) -> impl IntoView {
    view! {
        <!DOCTYPE html>
        // `lang` comes from `i18n_page::DocumentLang`: the public pages' `?lang=`.
        <html>
            <head>
                <meta charset="utf-8" />
                <meta name="viewport" content="width=device-width, initial-scale=1" />
                <meta name="color-scheme" content="light dark" />
                <AutoReload options=options.clone() />
                // Under the built files' versioned path, as the scripts are.
                <link id="leptos" rel="stylesheet" href=format!("/{}/drem.css", options.site_pkg_dir) />
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
    // Browser tests wait for this before they click: before hydration, clicks hit dead HTML.
    Effect::new(|| {
        if let Some(body) = document().body() {
            let _ = body.set_attribute("data-hydrated", "true");
        }
    });

    view! {
        <Title formatter=|page: String| {
            if page.is_empty() { "drem".to_string() } else { format!("{page} · drem") }
        } />
        <Router>
            <DocumentLang />
            <NavBar />
            <main class="page">
                <Routes fallback=pages::NotFoundPage>
                    <Route path=path!("/") view=pages::HomePage />
                    <Route path=path!("/sign-in") view=auth::page::SignInPage />
                    <Route path=path!("/sign-up") view=auth::page::SignUpPage />
                    <Route path=path!("/invite/:token") view=auth::page::SetPasswordPage />
                    <Route path=path!("/profile") view=|| view! { <Gate action=Action::ManageOwnAccount><accounts::page::ProfilePage /></Gate> } />
                    <Route path=path!("/racers") view=|| view! { <Gate action=Action::ViewRacers><accounts::staff_page::RacersPage /></Gate> } />
                    <Route path=path!("/registration") view=|| view! { <Gate action=Action::RegisterRacer><accounts::staff_page::AddRacerPage /></Gate> } />
                    <Route path=path!("/admin/users") view=|| view! { <Gate action=Action::ManageUsers><accounts::staff_page::UsersPage /></Gate> } />
                    <Route path=path!("/events") view=|| view! { <Gate action=Action::Operate><events::page::EventsPage /></Gate> } />
                    <Route path=path!("/events/:id") view=|| view! { <Gate action=Action::Operate><events::page::EventPage /></Gate> } />
                    // Public pages are rendered whole before their head goes out, so an
                    // unknown event answers 404 (and the page is complete without code).
                    <Route path=path!("/events/:id/leaderboard") ssr=SsrMode::Async view=|| view! { <PublicI18n><LeaderboardPage /></PublicI18n> } />
                    <Route path=path!("/events/:id/landing") ssr=SsrMode::Async view=|| view! { <PublicI18n><LandingPage /></PublicI18n> } />
                    <Route path=path!("/events/:id/overlay") ssr=SsrMode::Async view=|| view! { <PublicI18n><OverlayPage /></PublicI18n> } />
                    <Route path=path!("/race") view=|| view! { <Gate action=Action::Operate><race::page::RaceManagerPage /></Gate> } />
                    <Route path=path!("/race-admin") view=|| view! { <Gate action=Action::Operate><race::admin_page::RaceAdminPage /></Gate> } />
                    <Route path=path!("/commentator") view=|| view! { <Gate action=Action::Commentate><commentator::page::CommentatorPage /></Gate> } />
                    <Route path=path!("/models") view=|| view! { <Gate action=Action::ManageOwnModels><models::page::MyModelsPage /></Gate> } />
                    <Route path=path!("/admin/models") view=|| view! { <Gate action=Action::Operate><models::staff_page::ModelsPage /></Gate> } />
                    <Route path=path!("/timers") view=|| view! { <Gate action=Action::Operate><timers::page::TimersPage /></Gate> } />
                    <Route path=path!("/cars") view=|| view! { <Gate action=Action::Operate><cars::page::CarsPage /></Gate> } />
                    <Route path=path!("/cars/labels") view=|| view! { <Gate action=Action::Operate><cars::labels_page::CarLabelsPage /></Gate> } />
                </Routes>
            </main>
        </Router>
    }
}
