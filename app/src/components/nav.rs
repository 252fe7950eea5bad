//! The navigation bar, and the signed-in user every page can read.

use crate::auth::api::{current_user, SignOut};
use crate::domain::roles::Role;
use crate::error::AppError;
use crate::i18n::*;
use crate::wire::SessionUser;
use leptos::prelude::*;
use leptos_router::components::A;
use leptos_router::hooks::{use_location, use_navigate};
use server_fn::ServerFn as _;

/// Who is signed in, shared through context. `refresh` after signing in or out.
#[derive(Clone, Copy)]
pub struct AuthContext {
    version: RwSignal<u32>,
    pub user: Resource<Result<Option<SessionUser>, AppError>>,
}

impl AuthContext {
    /// Creates the context; called once by `App`.
    pub fn provide() {
        let version = RwSignal::new(0u32);
        let user = Resource::new(move || version.get(), |_| current_user());
        provide_context(AuthContext { version, user });
    }

    /// The context of the running app.
    pub fn get() -> Self {
        expect_context::<AuthContext>()
    }

    /// Reloads the signed-in user (after sign-in, sign-out, role changes).
    pub fn refresh(&self) {
        self.version.update(|v| *v += 1);
    }

    /// Asks who is signed in and reloads only if that changed (a role granted or
    /// revoked, a session ended): parts of pages that depend on the user are rebuilt
    /// only then, never for nothing.
    pub fn refresh_if_changed(self) {
        leptos::task::spawn_local(async move {
            let fresh = current_user().await;
            let known = self.user.get_untracked();
            if known.is_some_and(|known| known != fresh) {
                self.refresh();
            }
        });
    }

    /// Once an action's `value` is a success (signed in or out, account deleted): reads
    /// who is signed in again and goes to `to`.
    pub fn follow_success<S, T>(value: S, to: Signal<String>)
    where
        S: Get<Value = Option<Result<T, AppError>>> + Send + Sync + 'static,
    {
        let auth = Self::get();
        let navigate = use_navigate();
        Effect::new(move || {
            if let Some(Ok(_)) = value.get() {
                auth.refresh();
                navigate(&to.get_untracked(), Default::default());
            }
        });
    }
}

/// The links one role may use, in the order they appear.
fn links_for(user: &SessionUser) -> Vec<(&'static str, &'static str)> {
    let mut links = vec![
        ("/profile", "Profile"),
        ("/my-day", "My race day"),
        ("/models", "My models"),
    ];
    if user.has(Role::Registration) {
        links.push(("/registration", "Add racer"));
    }
    if user.has(Role::Registration) || user.has(Role::Operator) {
        links.push(("/check-in", "Check-in"));
    }
    if user.has(Role::Registration) || user.has(Role::Commentator) || user.has(Role::Operator) {
        links.push(("/racers", "Racers"));
    }
    if user.has(Role::Commentator) || user.has(Role::Operator) {
        links.push(("/commentator", "Commentator"));
    }
    if user.has(Role::Operator) {
        links.push(("/race", "Race manager"));
        links.push(("/race-admin", "Race admin"));
        links.push(("/events", "Events"));
        links.push(("/admin/models", "Models"));
        links.push(("/cars", "Cars"));
        links.push(("/timers", "Timers"));
    }
    if user.has(Role::Admin) {
        links.push(("/admin/users", "Users"));
    }
    links
}

/// Roles change while staff work (an admin grants or revokes one): the signed-in user
/// is read again on every move to another page and whenever the tab comes back into
/// view, so the links follow without a reload.
fn refresh_on_navigation(auth: AuthContext) {
    let path = use_location().pathname;
    let seen = StoredValue::new(None::<String>);
    Effect::new(move || {
        let now = path.get();
        if seen.get_value().is_some_and(|before| before != now) {
            auth.refresh_if_changed();
        }
        seen.set_value(Some(now));
    });
    #[cfg(feature = "hydrate")]
    {
        let visible = window_event_listener_untyped("visibilitychange", move |_| {
            if !document().hidden() {
                auth.refresh_if_changed();
            }
        });
        on_cleanup(move || visible.remove());
    }
}

/// The top bar: brand, the signed-in role's links, sign in/out.
#[component]
pub fn NavBar() -> impl IntoView {
    let auth = AuthContext::get();
    let sign_out_action = ServerAction::<SignOut>::new();
    let navigate = use_navigate();
    Effect::new(move || {
        if let Some(Ok(())) = sign_out_action.value().get() {
            auth.refresh();
            navigate("/", Default::default());
        }
    });
    refresh_on_navigation(auth);
    // In the public page's language (the racer's own links too); staff links are English.
    // Straight from the URL's locale: the bar stands outside the pages' translations.
    let locale = crate::i18n_page::locale_from_query();
    let label = move |label: &'static str| match label {
        "Profile" => td_string!(locale.get(), nav_profile).to_string(),
        "My models" => td_string!(locale.get(), nav_my_models).to_string(),
        "My race day" => td_string!(locale.get(), nav_my_day).to_string(),
        other => other.to_string(),
    };

    view! {
        <header class="topbar">
            <nav aria-label="Main">
                <A href="/" attr:class="brand">
                    <span class="brand-mark" aria-hidden="true">"▶"</span>
                    "drem"
                </A>
                <Transition fallback=|| ()>
                    {move || Suspend::new(async move {
                        match auth.user.await {
                            Ok(Some(user)) => {
                                let links = links_for(&user)
                                    .into_iter()
                                    .map(|(href, text)| view! { <A href=href>{move || label(text)}</A> })
                                    .collect_view();
                                view! {
                                    <div class="nav-links">{links}</div>
                                    <div class="nav-user">
                                        <span class="who" title="Signed in">
                                            {user.shown_name().to_string()}
                                        </span>
                                        // A plain form (posting without the wasm too): ActionForm
                                        // would bring a form decoder into every page's wasm.
                                        <form
                                            method="post"
                                            action=SignOut::url()
                                            on:submit=move |ev| {
                                                ev.prevent_default();
                                                sign_out_action.dispatch(SignOut {});
                                            }
                                        >
                                            <button type="submit" class="link-button">
                                                {move || td_string!(locale.get(), nav_sign_out).to_string()}
                                            </button>
                                        </form>
                                    </div>
                                }
                                    .into_any()
                            }
                            _ => {
                                view! {
                                    <div class="nav-links"></div>
                                    <div class="nav-user">
                                        <A href=crate::auth::next::sign_in_here()>{move || td_string!(locale.get(), nav_sign_in).to_string()}</A>
                                        <A href="/sign-up" attr:class="button small">
                                            {move || td_string!(locale.get(), nav_sign_up).to_string()}
                                        </A>
                                    </div>
                                }
                                    .into_any()
                            }
                        }
                    })}
                </Transition>
            </nav>
        </header>
    }
}
