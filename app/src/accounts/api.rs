//! Server functions for profiles, users and invites.

use crate::domain::roles::Role;
use crate::error::AppError;
use crate::wire::{Invite, InviteInfo, Profile, SessionUser, UserId, UserSummary};
use leptos::prelude::*;

#[cfg(feature = "ssr")]
use crate::{
    domain::{account, roles::Action},
    ssr::{
        guard::require,
        password,
        storage::{changes, invites, races, users},
    },
};

/// The caller's own profile.
#[server(endpoint = "get_profile", output = crate::codec::JsonText)]
pub async fn get_profile() -> Result<Profile, AppError> {
    let caller = require(Action::ManageOwnAccount).await?;
    users::profile(&caller.state.db, &caller.user()?.id).await
}

/// Saves display name, country and highlight colour.
#[server(endpoint = "update_profile", output = crate::codec::JsonText)]
pub async fn update_profile(
    display_name: String,
    country: String,
    highlight_colour: String,
) -> Result<Profile, AppError> {
    let caller = require(Action::ManageOwnAccount).await?;
    let display_name = account::validate_display_name(&display_name)?;
    let country = account::validate_country(&country)?;
    let colour = account::validate_highlight_colour(&highlight_colour)?;
    let id = &caller.user()?.id;
    let db = &caller.state.db;
    users::update_profile(db, id, display_name, country, colour).await?;
    changes::record_racer(db, &races::events_raced_by(db, id).await?).await;
    users::profile(db, id).await
}

/// Changes the caller's password after checking the current one.
#[server(endpoint = "change_password", output = crate::codec::JsonText)]
pub async fn change_password(
    current_password: String,
    new_password: String,
) -> Result<(), AppError> {
    let caller = require(Action::ManageOwnAccount).await?;
    let user = caller.user()?;
    let state = &caller.state;
    let db = &state.db;
    // Guesses at the current password (a borrowed session) count as sign-in guesses.
    let address = crate::ssr::guard::client_address().await;
    let stored = users::password_hash(db, &user.id).await?;
    if !password::guess(
        &state.throttle,
        &user.username,
        &address,
        current_password,
        stored,
    )
    .await?
    {
        return Err(AppError::invalid(
            "current_password",
            "That is not your current password.",
        ));
    }
    account::validate_password(&new_password, &user.username)
        .map_err(|e| AppError::invalid("new_password", e.reason))?;
    users::set_password_hash(db, &user.id, password::hash(new_password).await?).await?;
    // Every other session of the account has ended; this one goes on, renewed.
    caller.session.start(db, &user.id).await?;
    tracing::info!(user = %user.username, "password changed; other sessions ended");
    Ok(())
}

/// Signs the caller's account out everywhere: every session, this one included (a
/// phone left signed in at the venue, a shared laptop).
#[server(endpoint = "sign_out_everywhere", output = crate::codec::JsonText)]
pub async fn sign_out_everywhere() -> Result<(), AppError> {
    let caller = require(Action::ManageOwnAccount).await?;
    let user = caller.user()?;
    users::end_sessions(&caller.state.db, &user.id).await?;
    tracing::info!(user = %user.username, "signed out everywhere");
    caller.session.end().await
}

/// Deletes the caller's own account after checking the password, and signs out.
#[server(endpoint = "delete_account", output = crate::codec::JsonText)]
pub async fn delete_account(password: String) -> Result<(), AppError> {
    let caller = require(Action::ManageOwnAccount).await?;
    let user = caller.user()?;
    let state = &caller.state;
    let db = &state.db;
    let address = crate::ssr::guard::client_address().await;
    let stored = users::password_hash(db, &user.id).await?;
    if !password::guess(&state.throttle, &user.username, &address, password, stored).await? {
        return Err(AppError::invalid("password", "That is not your password."));
    }
    // The account first: the last admin's is refused, and must keep its models.
    let raced = races::events_raced_by(db, &user.id).await?;
    users::delete(db, &user.id).await?;
    changes::record_racer(db, &raced).await;
    crate::ssr::model_files::remove_all_of(&caller.state, &user.id).await?;
    tracing::info!(user = %user.username, "account deleted by its owner");
    caller.session.end().await
}

/// Admin: users matching `search` (username, display name or email).
#[server(endpoint = "list_users", output = crate::codec::JsonText)]
pub async fn list_users(search: String) -> Result<Vec<UserSummary>, AppError> {
    let caller = require(Action::ManageUsers).await?;
    users::list(&caller.state.db, &search, 500).await
}

/// Admin: grants (`granted = true`) or revokes a role. The last admin keeps theirs.
#[server(endpoint = "set_user_role", output = crate::codec::JsonText)]
pub async fn set_user_role(user: UserId, role: Role, granted: bool) -> Result<(), AppError> {
    let caller = require(Action::ManageUsers).await?;
    if role == Role::Racer {
        return Err(AppError::invalid("role", "Every user is a racer."));
    }
    users::set_role(&caller.state.db, &user, role, granted).await?;
    tracing::info!(target_user = %user, role = %role, granted, "role changed");
    Ok(())
}

/// Admin: disables or re-enables an account. The last admin stays enabled.
#[server(endpoint = "set_user_disabled", output = crate::codec::JsonText)]
pub async fn set_user_disabled(user: UserId, disabled: bool) -> Result<(), AppError> {
    let caller = require(Action::ManageUsers).await?;
    users::set_disabled(&caller.state.db, &user, disabled).await?;
    tracing::info!(target_user = %user, disabled, "account enabled state changed");
    Ok(())
}

/// Admin: deletes an account. The last admin cannot be deleted.
#[server(endpoint = "delete_user", output = crate::codec::JsonText)]
pub async fn delete_user(user: UserId) -> Result<(), AppError> {
    let caller = require(Action::ManageUsers).await?;
    let raced = races::events_raced_by(&caller.state.db, &user).await?;
    users::delete(&caller.state.db, &user).await?;
    changes::record_racer(&caller.state.db, &raced).await;
    crate::ssr::model_files::remove_all_of(&caller.state, &user).await?;
    tracing::info!(target_user = %user, "account deleted by an admin");
    Ok(())
}

/// Staff: racers matching `search`, for finding a walk-up racer or the next one to race.
#[server(endpoint = "list_racers", output = crate::codec::JsonText)]
pub async fn list_racers(search: String) -> Result<Vec<UserSummary>, AppError> {
    let caller = require(Action::ViewRacers).await?;
    let mut racers = users::list(&caller.state.db, &search, 500).await?;
    crate::domain::racer_search::rank(&search, &mut racers, |r| {
        (r.username.as_str(), r.display_name.as_deref())
    });
    // Staff other than admins need no email addresses to find a racer.
    if !caller.user()?.has(Role::Admin) {
        for racer in &mut racers {
            racer.email = None;
        }
    }
    Ok(racers)
}

/// Registration: creates an account for a walk-up racer and returns a one-time link
/// (valid 48 hours) where the racer sets a password.
#[server(endpoint = "register_racer", output = crate::codec::JsonText)]
pub async fn register_racer(
    username: String,
    email: String,
    country: String,
) -> Result<Invite, AppError> {
    let caller = require(Action::RegisterRacer).await?;
    let username = account::validate_username(&username)?;
    let email = account::validate_optional_email(&email)?;
    let country = account::validate_country(&country)?;
    let db = &caller.state.db;
    if users::username_taken(db, &username).await? {
        return Err(AppError::invalid("username", "That username is taken."));
    }
    let id = users::create(
        db,
        users::NewUser {
            username: username.clone(),
            email,
            country,
            password_hash: None,
            roles: vec![Role::Racer],
        },
    )
    .await?;
    tracing::info!(racer = %username, "walk-up racer registered");
    let same_name = users::shown_as(db, &username, &id).await?;
    let invite = ssr::new_invite(&caller.state, &id, username, false).await?;
    Ok(Invite {
        same_name,
        ..invite
    })
}

/// Registration: a fresh invite link for a racer who has not set a password yet
/// (the old link stops working).
#[server(endpoint = "renew_invite", output = crate::codec::JsonText)]
pub async fn renew_invite(user: UserId) -> Result<Invite, AppError> {
    let caller = require(Action::RegisterRacer).await?;
    let username = ssr::link_for(&caller, &user).await?;
    if users::password_hash(&caller.state.db, &user)
        .await?
        .is_some()
    {
        return Err(AppError::Conflict(
            "This racer has set a password already; they can sign in, or get a reset link.".into(),
        ));
    }
    ssr::new_invite(&caller.state, &user, username, false).await
}

/// Registration: a one-time link (48 hours) where a racer who forgot their password
/// sets a new one; using it ends the account's other sessions. No e-mail needed: the
/// desk shows it as a QR code, as for a walk-up racer.
#[server(endpoint = "reset_password_link", output = crate::codec::JsonText)]
pub async fn reset_password_link(user: UserId) -> Result<Invite, AppError> {
    let caller = require(Action::RegisterRacer).await?;
    let username = ssr::link_for(&caller, &user).await?;
    if users::password_hash(&caller.state.db, &user)
        .await?
        .is_none()
    {
        return Err(AppError::Conflict(
            "This racer has no password yet: give them a new invite link.".into(),
        ));
    }
    tracing::info!(target_user = %user, "password reset link issued");
    ssr::new_invite(&caller.state, &user, username, true).await
}

/// Anyone holding an invite link: whose it is and until when it works.
#[server(endpoint = "get_invite", output = crate::codec::JsonText)]
pub async fn get_invite(token: String) -> Result<InviteInfo, AppError> {
    let caller = require(Action::ViewPublic).await?;
    let invite = invites::find(&caller.state.db, &ssr::token_hash(&token))
        .await?
        .ok_or_else(ssr::invite_gone)?;
    Ok(InviteInfo {
        username: invite.username,
        expires_at: invite.expires_at,
        reset: invite.reset,
    })
}

/// Anyone holding an invite link: sets the password once, then is signed in.
#[server(endpoint = "redeem_invite", output = crate::codec::JsonText)]
pub async fn redeem_invite(token: String, password: String) -> Result<SessionUser, AppError> {
    let caller = require(Action::ViewPublic).await?;
    let db = &caller.state.db;
    let hash = ssr::token_hash(&token);
    let invite = invites::find(db, &hash)
        .await?
        .ok_or_else(ssr::invite_gone)?;
    account::validate_password(&password, &invite.username)?;
    if !invites::redeem(db, &hash, password::hash(password).await?).await? {
        return Err(ssr::invite_gone());
    }
    tracing::info!(user = %invite.username, reset = invite.reset, "invite redeemed");
    caller.session.start(&caller.state.db, &invite.user).await?;
    users::session_user(db, &invite.user.0)
        .await?
        .ok_or(AppError::Internal)
}

#[cfg(feature = "ssr")]
mod ssr {
    use crate::error::AppError;
    use crate::ssr::state::AppState;
    use crate::ssr::storage::invites;
    pub use crate::ssr::tokens::hash as token_hash;
    use crate::wire::{Invite, UserId};

    /// How long a walk-up racer's link works.
    const INVITE_HOURS: i64 = 48;

    /// The username of `user`, whose link the caller may issue. Staff accounts get
    /// their links from an admin: a registration desk must not be able to take over an
    /// operator's or admin's account.
    pub async fn link_for(
        caller: &crate::ssr::guard::Caller,
        user: &UserId,
    ) -> Result<String, AppError> {
        let profile = crate::ssr::storage::users::profile(&caller.state.db, user).await?;
        let staff = profile
            .roles
            .iter()
            .any(|r| *r != crate::domain::roles::Role::Racer);
        if staff && !caller.user()?.has(crate::domain::roles::Role::Admin) {
            return Err(AppError::Forbidden);
        }
        Ok(profile.username)
    }

    pub fn invite_gone() -> AppError {
        // Used, expired and never issued look the same: nothing to probe.
        AppError::NotFound("This invite link".into())
    }

    /// Stores a new invite for `user` and renders its link as text and QR code.
    pub async fn new_invite(
        state: &AppState,
        user: &UserId,
        username: String,
        reset: bool,
    ) -> Result<Invite, AppError> {
        let token = crate::ssr::tokens::new_secret();
        let expires_at =
            invites::create(&state.db, user, &token_hash(&token), INVITE_HOURS, reset).await?;
        let link = format!("{}/invite/{token}", state.public_url);
        let qr_svg = crate::ssr::qr::svg(&link, 240)?;
        Ok(Invite {
            username,
            link,
            qr_svg,
            expires_at,
            same_name: Vec::new(),
        })
    }
}
