//! Sign-in, sign-up and the set-password page of an invite link.

use super::api::{SignIn, SignUp};
use crate::accounts::api::{get_invite, RedeemInvite};
use crate::components::form::{
    last_error, CountrySelect, FormMessage, Notice, PasswordField, Problem, TextField,
};
use crate::components::nav::AuthContext;
use crate::domain::account::{USERNAME_MAX, USERNAME_MIN};
use crate::error::AppError;
use leptos::prelude::*;
use leptos_meta::Title;
use leptos_router::components::A;
use leptos_router::hooks::{use_params_map, use_query_map};

const USERNAME_HINT: &str = "3–32 letters, digits, '_' or '-'. Shown on leaderboards.";

/// Where to go after signing in: `?next=/path` when it is a local path, else home.
fn next_path() -> Signal<String> {
    let query = use_query_map();
    Signal::derive(move || {
        query
            .get()
            .get("next")
            .and_then(|p| super::next::safe_next(&p).map(str::to_string))
            .unwrap_or_else(|| "/".to_string())
    })
}

#[component]
pub fn SignInPage() -> impl IntoView {
    let action = ServerAction::<SignIn>::new();
    let error = last_error(action.value());
    AuthContext::follow_success(action.value(), next_path());
    view! {
        <Title text="Sign in" />
        <section class="card narrow">
            <h1>"Sign in"</h1>
            <ActionForm action>
                <TextField label="Username" name="username" autocomplete="username" required=true error />
                <PasswordField label="Password" error />
                <FormMessage error />
                <button type="submit" class="button primary" disabled=move || action.pending().get()>
                    "Sign in"
                </button>
            </ActionForm>
            <p class="aside">"New here? " <A href="/sign-up">"Create an account"</A></p>
        </section>
    }
}

#[component]
pub fn SignUpPage() -> impl IntoView {
    let action = ServerAction::<SignUp>::new();
    let error = last_error(action.value());
    AuthContext::follow_success(action.value(), Signal::derive(|| "/profile".to_string()));
    view! {
        <Title text="Sign up" />
        <section class="card narrow">
            <h1>"Create your racer account"</h1>
            <ActionForm action>
                <TextField
                    label="Username"
                    name="username"
                    autocomplete="username"
                    hint=USERNAME_HINT
                    required=true
                    minlength=USERNAME_MIN as u32
                    maxlength=USERNAME_MAX as u32
                    pattern="[A-Za-z0-9_\\-]+"
                    error
                />
                <TextField label="Email" name="email" kind="email" autocomplete="email" required=true error />
                <CountrySelect error />
                <PasswordField label="Password" new=true error />
                <FormMessage error />
                <button type="submit" class="button primary" disabled=move || action.pending().get()>
                    "Sign up"
                </button>
            </ActionForm>
            <p class="aside">"Have an account? " <A href="/sign-in">"Sign in"</A></p>
        </section>
    }
}

/// `/invite/:token`: a walk-up racer sets a password, usually on their phone.
#[component]
pub fn SetPasswordPage() -> impl IntoView {
    let params = use_params_map();
    let token = move || params.read().get("token").unwrap_or_default();
    let info = Resource::new(token, get_invite);
    let action = ServerAction::<RedeemInvite>::new();
    let error = last_error(action.value());
    AuthContext::follow_success(action.value(), Signal::derive(|| "/profile".to_string()));
    view! {
        <Title text="Set your password" />
        <Suspense fallback=|| view! { <p>"Loading…"</p> }>
            {move || Suspend::new(async move {
                match info.await {
                    Ok(invite) => view! {
                        <section class="card narrow">
                            {if invite.reset {
                                view! {
                                    <h1>"New password for " {invite.username.clone()}</h1>
                                    <p>"Choose a new password. Every device signed in to this account is signed out. This link works once."</p>
                                }
                                .into_any()
                            } else {
                                view! {
                                    <h1>"Welcome, " {invite.username.clone()}</h1>
                                    <p>"Set a password to finish your racer account. This link works once."</p>
                                }
                                .into_any()
                            }}
                            <ActionForm action>
                                <input type="hidden" name="token" value=token() />
                                <PasswordField label="New password" new=true error />
                                <FormMessage error />
                                <button type="submit" class="button primary">"Set password"</button>
                            </ActionForm>
                        </section>
                    }
                    .into_any(),
                    Err(AppError::NotFound(_)) => view! {
                        <Notice title="This link no longer works"
                            text="It was used already or has expired. Ask the registration desk for a new link, or sign in if you set a password."
                            href="/sign-in".to_string() link="Sign in" />
                    }
                    .into_any(),
                    Err(e) => view! { <Problem error=e /> }.into_any(),
                }
            })}
        </Suspense>
    }
}
