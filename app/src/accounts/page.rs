//! The signed-in user's own profile: details, password, account deletion.

use super::api::{get_profile, ChangePassword, DeleteAccount, SignOutEverywhere, UpdateProfile};
use crate::components::form::{
    last_error, CountrySelect, FieldMessage, FormMessage, PasswordField, Problem, TextField,
};
use crate::components::nav::AuthContext;
use crate::domain::account::{DISPLAY_NAME_MAX, HIGHLIGHT_COLOURS};
use crate::wire::Profile;
use leptos::prelude::*;
use leptos_meta::Title;

#[component]
pub fn ProfilePage() -> impl IntoView {
    let update = ServerAction::<UpdateProfile>::new();
    let profile = Resource::new(move || update.version().get(), |_| get_profile());
    let auth = AuthContext::get();
    Effect::new(move || {
        if let Some(Ok(_)) = update.value().get() {
            auth.refresh();
        }
    });
    view! {
        <Title text="Profile" />
        <Suspense fallback=|| view! { <p>"Loading…"</p> }>
            {move || Suspend::new(async move {
                match profile.await {
                    Ok(p) => view! {
                        <h1>"Your profile"</h1>
                        <div class="columns">
                            <DetailsForm profile=p action=update />
                            <div>
                                <PasswordForm />
                                <SignOutEverywhereForm />
                                <DeleteForm />
                            </div>
                        </div>
                    }
                    .into_any(),
                    Err(e) => view! { <Problem error=e /> }.into_any(),
                }
            })}
        </Suspense>
    }
}

#[component]
fn DetailsForm(profile: Profile, action: ServerAction<UpdateProfile>) -> impl IntoView {
    let error = last_error(action.value());
    let saved = move || matches!(action.value().get(), Some(Ok(_)));
    let roles = profile
        .roles
        .iter()
        .map(|r| view! { <li class="role">{r.label()}</li> })
        .collect_view();
    let current = profile.highlight_colour.clone();
    let swatches = HIGHLIGHT_COLOURS
        .iter()
        .map(|(hex, name)| {
            let checked = *hex == current;
            view! {
                <label class="swatch" title=*name>
                    <input type="radio" name="highlight_colour" value=*hex checked=checked />
                    <span class="chip" style=format!("background:{hex}") aria-hidden="true"></span>
                    <span class="swatch-name">{*name}</span>
                </label>
            }
        })
        .collect_view();
    view! {
        <section class="card">
            <h2>"Details"</h2>
            <dl class="facts">
                <dt>"Username"</dt>
                <dd>{profile.username.clone()}</dd>
                <dt>"Email"</dt>
                <dd>{profile.email.clone().unwrap_or_else(|| "—".into())}</dd>
                <dt>"Roles"</dt>
                <dd><ul class="roles">{roles}</ul></dd>
            </dl>
            <ActionForm action>
                <TextField
                    label="Display name"
                    name="display_name"
                    hint="Shown instead of your username. Leave empty to use the username."
                    maxlength=DISPLAY_NAME_MAX as u32
                    value=profile.display_name.clone().unwrap_or_default()
                    error
                />
                <CountrySelect selected=profile.country.clone() error />
                <fieldset class="field">
                    <legend>"Highlight colour"</legend>
                    <p class="hint">"Your car's tail light and your colour on the leaderboard."</p>
                    <div class="swatches">{swatches}</div>
                    <FieldMessage field="highlight_colour" error />
                </fieldset>
                <FormMessage error />
                <button type="submit" class="button primary">"Save profile"</button>
                <Show when=saved>
                    <p class="ok" role="status">"Saved."</p>
                </Show>
            </ActionForm>
        </section>
    }
}

#[component]
fn PasswordForm() -> impl IntoView {
    let action = ServerAction::<ChangePassword>::new();
    let error = last_error(action.value());
    let done = move || matches!(action.value().get(), Some(Ok(())));
    view! {
        <section class="card">
            <h2>"Change password"</h2>
            <ActionForm action>
                <PasswordField label="Current password" name="current_password" error />
                <PasswordField label="New password" name="new_password" new=true error />
                <FormMessage error />
                <button type="submit" class="button">"Change password"</button>
                <Show when=done>
                    <p class="ok" role="status">"Password changed. Every other session of your account is signed out."</p>
                </Show>
            </ActionForm>
        </section>
    }
}

/// Ends every session of the account, this one too.
#[component]
fn SignOutEverywhereForm() -> impl IntoView {
    let action = ServerAction::<SignOutEverywhere>::new();
    let error = last_error(action.value());
    AuthContext::follow_success(action.value(), Signal::stored("/sign-in".to_string()));
    view! {
        <section class="card">
            <h2>"Sessions"</h2>
            <p>"Signed in on a phone or a laptop you no longer have at hand? This signs your account out on every device, this one too."</p>
            <ActionForm action>
                <FormMessage error />
                <button type="submit" class="button">"Sign out everywhere"</button>
            </ActionForm>
        </section>
    }
}

#[component]
fn DeleteForm() -> impl IntoView {
    let action = ServerAction::<DeleteAccount>::new();
    let error = last_error(action.value());
    AuthContext::follow_success(action.value(), Signal::stored("/".to_string()));
    view! {
        <section class="card danger-zone">
            <h2>"Delete account"</h2>
            <p>"This removes your account for good. Your password confirms it."</p>
            <ActionForm action>
                <PasswordField label="Password to confirm deletion" error />
                <FormMessage error />
                <button type="submit" class="button danger">"Delete my account"</button>
            </ActionForm>
        </section>
    }
}
