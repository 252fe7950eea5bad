//! The pages behind a sign-in, each loaded by the browser when first visited, so a
//! spectator's phone downloads the public pages' code alone (the build splits the
//! wasm: `cargo leptos build --split`). The server renders them as before; a first
//! load of one of them hydrates once its part of the code has arrived.

use crate::accounts::page::ProfilePage;
use crate::accounts::staff_page::{AddRacerPage, RacersPage, UsersPage};
use crate::auth::page::{SetPasswordPage, SignInPage, SignUpPage};
use crate::cars::{labels_page::CarLabelsPage, page::CarsPage};
use crate::commentator::page::CommentatorPage;
use crate::components::gate::Gate;
use crate::domain::roles::Action;
use crate::events::page::{EventPage, EventsPage};
use crate::models::{page::MyModelsPage, staff_page::ModelsPage};
use crate::race::{admin_page::RaceAdminPage, page::RaceManagerPage};
use crate::timers::page::TimersPage;
use leptos::prelude::*;
use leptos_router::{lazy_route, LazyRoute};

/// A route whose page (behind the `Gate` of an action, if named) is loaded lazily.
macro_rules! lazy_page {
    ($route:ident => $page:ident) => {
        pub struct $route;

        #[lazy_route]
        impl LazyRoute for $route {
            fn data() -> Self {
                $route
            }

            fn view(this: Self) -> AnyView {
                let _ = this;
                view! { <$page /> }.into_any()
            }
        }
    };
    ($route:ident: $action:ident => $page:ident) => {
        pub struct $route;

        #[lazy_route]
        impl LazyRoute for $route {
            fn data() -> Self {
                $route
            }

            fn view(this: Self) -> AnyView {
                let _ = this;
                view! { <Gate action=Action::$action><$page /></Gate> }.into_any()
            }
        }
    };
}

lazy_page!(SignIn => SignInPage);
lazy_page!(SignUp => SignUpPage);
lazy_page!(SetPassword => SetPasswordPage);
lazy_page!(Profile: ManageOwnAccount => ProfilePage);
lazy_page!(Racers: ViewRacers => RacersPage);
lazy_page!(Registration: RegisterRacer => AddRacerPage);
lazy_page!(Users: ManageUsers => UsersPage);
lazy_page!(Events: Operate => EventsPage);
lazy_page!(Event: Operate => EventPage);
lazy_page!(RaceManager: Operate => RaceManagerPage);
lazy_page!(RaceAdmin: Operate => RaceAdminPage);
lazy_page!(Commentator: Commentate => CommentatorPage);
lazy_page!(MyModels: ManageOwnModels => MyModelsPage);
lazy_page!(Models: Operate => ModelsPage);
lazy_page!(Timers: Operate => TimersPage);
lazy_page!(Cars: Operate => CarsPage);
lazy_page!(CarLabels: Operate => CarLabelsPage);
