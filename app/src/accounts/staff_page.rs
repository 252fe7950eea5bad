//! Staff pages: registration's "Add racer", the racer finder, and the admin's users.

use super::api::{
    list_racers, list_users, DeleteUser, RegisterRacer, RenewInvite, ResetPasswordLink,
    SetUserDisabled, SetUserRole,
};
use crate::components::form::{last_error, CountrySelect, FormMessage, TextField};
use crate::components::loaded::{Loaded, LoadedList};
use crate::components::nav::AuthContext;
use crate::domain::account::{USERNAME_MAX, USERNAME_MIN};
use crate::domain::countries;
use crate::domain::roles::Role;
use crate::wire::{Invite, UserSummary};
use leptos::prelude::*;
use leptos_meta::Title;

/// A search box bound to a signal.
#[component]
fn SearchBox(search: RwSignal<String>, label: &'static str) -> impl IntoView {
    view! {
        <div class="field search">
            <label for="search">{label}</label>
            <input
                id="search"
                type="search"
                autocomplete="off"
                placeholder="Name or email"
                prop:value=move || search.get()
                on:input=move |ev| search.set(event_target_value(&ev))
            />
        </div>
    }
}

/// The link and QR code a walk-up racer uses to set a password.
#[component]
fn InviteCard(invite: Invite) -> impl IntoView {
    view! {
        <section class="card invite" aria-label="Invite link">
            <h2>"Account ready for " {invite.username.clone()}</h2>
            <p>"Let the racer scan this code with their phone to set a password:"</p>
            <div class="qr" inner_html=invite.qr_svg.clone()></div>
            <p class="link-text">
                <a href=invite.link.clone() data-testid="invite-link">{invite.link.clone()}</a>
            </p>
            <p class="hint">"The link works once, until " {invite.expires_at.clone()} " (48 hours)."</p>
            {(!invite.same_name.is_empty()).then(|| view! {
                <p class="warning" role="status">
                    "Another racer is shown by this name too ("
                    {invite.same_name.join(", ")}
                    "): public boards add the country to tell them apart. A display name of their own (on the profile page) tells them apart better."
                </p>
            })}
        </section>
    }
}

#[component]
pub fn AddRacerPage() -> impl IntoView {
    let action = ServerAction::<RegisterRacer>::new();
    let error = last_error(action.value());
    // An empty form for the next racer in the queue after each success.
    let form = NodeRef::<leptos::html::Form>::new();
    Effect::new(move || {
        if let (Some(Ok(_)), Some(form)) = (action.value().get(), form.get()) {
            form.reset();
        }
    });
    view! {
        <Title text="Add racer" />
        <h1>"Add a walk-up racer"</h1>
        <div class="columns">
            {move || match action.value().get() {
                Some(Ok(invite)) => view! { <InviteCard invite /> }.into_any(),
                _ => view! {
                    <section class="card muted">
                        <h2>"How it works"</h2>
                        <p>"Enter the racer's username and country. drem shows a QR code; the racer scans it and sets a password on their phone."</p>
                    </section>
                }
                .into_any(),
            }}
            <section class="card">
                <ActionForm action node_ref=form>
                    <TextField
                        label="Username"
                        name="username"
                        hint="3–32 letters, digits, '_' or '-'."
                        required=true
                        minlength=USERNAME_MIN as u32
                        maxlength=USERNAME_MAX as u32
                        pattern="[A-Za-z0-9_\\-]+"
                        error
                    />
                    <TextField
                        label="Email (optional)"
                        name="email"
                        kind="email"
                        hint="Leave empty if the racer has none to give."
                        error
                    />
                    <CountrySelect error />
                    <FormMessage error />
                    <button type="submit" class="button primary" disabled=move || action.pending().get()>
                        "Create account"
                    </button>
                </ActionForm>
            </section>
        </div>
    }
}

fn roles_text(user: &UserSummary) -> String {
    user.roles
        .iter()
        .filter(|r| **r != Role::Racer)
        .map(|r| r.label())
        .collect::<Vec<_>>()
        .join(", ")
}

#[component]
pub fn RacersPage() -> impl IntoView {
    let search = RwSignal::new(String::new());
    let renew = ServerAction::<RenewInvite>::new();
    let reset = ServerAction::<ResetPasswordLink>::new();
    let racers = Resource::new(move || search.get(), list_racers);
    let auth = AuthContext::get();
    let may = move |role: Role| {
        Signal::derive(move || {
            auth.user
                .get()
                .and_then(Result::ok)
                .flatten()
                .is_some_and(|u| u.has(role))
        })
    };
    let (may_register, is_admin) = (may(Role::Registration), may(Role::Admin));
    view! {
        <Title text="Racers" />
        <h1>"Racers"</h1>
        <SearchBox search label="Find a racer" />
        <FormMessage error=last_error(renew.value()) />
        <FormMessage error=last_error(reset.value()) />
        {move || renew.value().get().and_then(Result::ok).map(|invite| view! { <InviteCard invite /> })}
        {move || reset.value().get().and_then(Result::ok).map(|invite| view! { <InviteCard invite /> })}
        <LoadedList of=racers empty="No racer matches." let:list>
            {
                let rows = list
                    .into_iter()
                    .map(|r| {
                        let id = r.id.clone();
                        let pending = r.pending_invite;
                        let name = r.username.clone();
                        // A staff account's links come from an admin.
                        let staff = r.roles.iter().any(|role| *role != Role::Racer);
                        view! {
                            <tr>
                                <td>{r.username.clone()}</td>
                                <td>{r.display_name.clone().unwrap_or_default()}</td>
                                <td>{countries::name(&r.country).to_string()}</td>
                                <td>{roles_text(&r)}</td>
                                <td>
                                    {pending.then(|| view! { <span class="badge">"No password yet"</span> })}
                                    {move || (may_register.get() && (!staff || is_admin.get())).then(|| {
                                        let id = id.clone();
                                        if pending {
                                            view! {
                                                <button class="button small" on:click=move |_| {
                                                    renew.dispatch(RenewInvite { user: id.clone() });
                                                }>"New invite link"</button>
                                            }
                                            .into_any()
                                        } else {
                                            view! {
                                                <button class="button small" aria-label=format!("Password reset link for {name}") on:click=move |_| {
                                                    reset.dispatch(ResetPasswordLink { user: id.clone() });
                                                }>"Password reset link"</button>
                                            }
                                            .into_any()
                                        }
                                    })}
                                </td>
                            </tr>
                        }
                    })
                    .collect_view();
                view! {
                    <div class="table-wrap" tabindex="0">
                        <table>
                            <thead>
                                <tr><th>"Username"</th><th>"Display name"</th><th>"Country"</th><th>"Staff roles"</th><th>"Account"</th></tr>
                            </thead>
                            <tbody>{rows}</tbody>
                        </table>
                    </div>
                }
                .into_any()
            }
        </LoadedList>
    }
}

#[component]
pub fn UsersPage() -> impl IntoView {
    let search = RwSignal::new(String::new());
    let set_role = ServerAction::<SetUserRole>::new();
    let set_disabled = ServerAction::<SetUserDisabled>::new();
    let delete = ServerAction::<DeleteUser>::new();
    let users = Resource::new(
        move || {
            (
                search.get(),
                set_role.version().get(),
                set_disabled.version().get(),
                delete.version().get(),
            )
        },
        |(search, ..)| list_users(search),
    );
    // The newest failure of any row action, shown above the table.
    let error = Signal::derive(move || {
        last_error(set_role.value())
            .get()
            .or_else(|| last_error(set_disabled.value()).get())
            .or_else(|| last_error(delete.value()).get())
    });
    let auth = AuthContext::get();
    Effect::new(move || {
        if set_role.version().get() > 0 {
            auth.refresh();
        }
    });
    view! {
        <Title text="Users" />
        <h1>"Users and roles"</h1>
        <SearchBox search label="Find a user" />
        <FormMessage error />
        <Loaded of=users let:list>
            {
                let rows = list
                    .into_iter()
                    .map(|u| view! { <UserRow user=u set_role set_disabled delete /> })
                    .collect_view();
                view! {
                    <div class="table-wrap" tabindex="0">
                        <table class="users">
                            <thead>
                                <tr><th>"User"</th><th>"Country"</th><th>"Roles"</th><th>"Account"</th></tr>
                            </thead>
                            <tbody>{rows}</tbody>
                        </table>
                    </div>
                }
                .into_any()
            }
        </Loaded>
    }
}

#[component]
fn UserRow(
    user: UserSummary,
    set_role: ServerAction<SetUserRole>,
    set_disabled: ServerAction<SetUserDisabled>,
    delete: ServerAction<DeleteUser>,
) -> impl IntoView {
    let name = user.username.clone();
    let toggles = Role::GRANTABLE
        .into_iter()
        .map(|role| {
            let granted = user.roles.contains(&role);
            let id = user.id.clone();
            let label = format!("{} for {}", role.label(), name);
            view! {
                <button
                    class="role-toggle"
                    class:on=granted
                    aria-pressed=granted.to_string()
                    aria-label=label
                    on:click=move |_| {
                        set_role.dispatch(SetUserRole { user: id.clone(), role, granted: !granted });
                    }
                >
                    {role.label()}
                </button>
            }
        })
        .collect_view();
    let id = user.id.clone();
    let disabled = user.disabled;
    let delete_id = user.id.clone();
    let delete_name = name.clone();
    view! {
        <tr class:disabled=disabled>
            <td>
                <strong>{name.clone()}</strong>
                {user.display_name.clone().map(|d| view! { <span class="sub">{d}</span> })}
                {user.email.clone().map(|e| view! { <span class="sub">{e}</span> })}
                {user.pending_invite.then(|| view! { <span class="badge">"No password yet"</span> })}
            </td>
            <td>{countries::name(&user.country).to_string()}</td>
            <td class="toggles">{toggles}</td>
            <td class="row-actions">
                <button class="button small" on:click=move |_| {
                    set_disabled.dispatch(SetUserDisabled { user: id.clone(), disabled: !disabled });
                }>{if disabled { "Enable" } else { "Disable" }}</button>
                <button class="button small danger" aria-label=format!("Delete {name}") on:click=move |_| {
                    let sure = window()
                        .confirm_with_message(&format!("Delete the account {delete_name}? This cannot be undone."))
                        .unwrap_or(false);
                    if sure {
                        delete.dispatch(DeleteUser { user: delete_id.clone() });
                    }
                }>"Delete"</button>
            </td>
        </tr>
    }
}
