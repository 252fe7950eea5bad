//! Every page but the public leaderboard, each loaded by the browser when first
//! visited, so a spectator's phone downloads the board's code alone (the build splits
//! the wasm: `cargo leptos build --split`). The server renders them as before; a first
//! load of one of them hydrates once its part of the code has arrived.

use crate::accounts::page::ProfilePage;
use crate::accounts::staff_page::{AddRacerPage, RacersPage, UsersPage};
use crate::auth::page::{SetPasswordPage, SignInPage, SignUpPage};
use crate::cars::{labels_page::CarLabelsPage, page::CarsPage};
use crate::checkin::page::CheckinPage;
use crate::commentator::page::CommentatorPage;
use crate::components::gate::Gate;
use crate::domain::roles::Action;
use crate::events::page::{EventPage, EventsPage};
use crate::finals::podium::PodiumPage;
use crate::i18n_page::PublicI18n;
use crate::leaderboard::{landing::LandingPage, overlay::OverlayPage};
use crate::models::{page::MyModelsPage, staff_page::ModelsPage};
use crate::my_day::page::MyDayPage;
use crate::pages::HomePage;
use crate::race::{admin_page::RaceAdminPage, page::RaceManagerPage};
use crate::timers::page::TimersPage;
use leptos::prelude::*;
use leptos_router::{lazy_route, LazyRoute};

/// A route whose view (a page, behind the `Gate` of its action where it has one) is
/// loaded lazily.
macro_rules! lazy_page {
    ($route:ident => $view:expr) => {
        pub struct $route;

        #[lazy_route]
        impl LazyRoute for $route {
            fn data() -> Self {
                $route
            }

            fn view(this: Self) -> AnyView {
                let _ = this;
                $view.into_any()
            }
        }
    };
}

/// A lazily loaded page behind the `Gate` of `action`.
macro_rules! gated_page {
    ($route:ident: $action:ident => $page:ident) => {
        lazy_page!($route => view! { <Gate action=Action::$action><$page /></Gate> });
    };
}

lazy_page!(Home => view! { <HomePage /> });
// The landing page and the stream's overlay: public, in the viewer's language.
lazy_page!(Landing => view! { <PublicI18n><LandingPage /></PublicI18n> });
lazy_page!(Overlay => view! { <PublicI18n><OverlayPage /></PublicI18n> });
// A final's podium: public too.
lazy_page!(Podium => view! { <PublicI18n><PodiumPage /></PublicI18n> });
lazy_page!(SignIn => view! { <SignInPage /> });
lazy_page!(SignUp => view! { <SignUpPage /> });
lazy_page!(SetPassword => view! { <SetPasswordPage /> });
gated_page!(Profile: ManageOwnAccount => ProfilePage);
gated_page!(MyDay: ManageOwnAccount => MyDayPage);
gated_page!(Racers: ViewRacers => RacersPage);
gated_page!(Registration: RegisterRacer => AddRacerPage);
gated_page!(CheckIn: RunQueue => CheckinPage);
gated_page!(Users: ManageUsers => UsersPage);
gated_page!(Events: Operate => EventsPage);
gated_page!(Event: Operate => EventPage);
gated_page!(RaceManager: Operate => RaceManagerPage);
gated_page!(RaceAdmin: Operate => RaceAdminPage);
gated_page!(Commentator: Commentate => CommentatorPage);
gated_page!(MyModels: ManageOwnModels => MyModelsPage);
gated_page!(Models: Operate => ModelsPage);
gated_page!(Timers: Operate => TimersPage);
gated_page!(Cars: Operate => CarsPage);
gated_page!(CarLabels: Operate => CarLabelsPage);
