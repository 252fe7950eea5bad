//! Server functions for signing up, in and out.

use crate::error::AppError;
use crate::wire::SessionUser;
use leptos::prelude::*;

#[cfg(feature = "ssr")]
use crate::{
    domain::{account, roles::Action, roles::Role},
    ssr::{guard::require, password, storage::users},
};

/// The signed-in user, or `None`.
#[server(endpoint = "current_user", output = crate::codec::JsonText)]
pub async fn current_user() -> Result<Option<SessionUser>, AppError> {
    Ok(require(Action::ViewPublic).await?.user)
}

/// Creates a racer account and signs it in. Throttled per client address; a taken
/// username or email is refused before the password is hashed.
#[server(endpoint = "sign_up", output = crate::codec::JsonText)]
pub async fn sign_up(
    username: String,
    email: String,
    country: String,
    password: String,
) -> Result<SessionUser, AppError> {
    let caller = require(Action::ViewPublic).await?;
    let state = &caller.state;
    let address = crate::ssr::guard::client_address().await;
    state
        .throttle
        .check_sign_up(&address)
        .map_err(AppError::TooManyAttempts)?;
    let username = account::validate_username(&username)?;
    let email = account::validate_email(&email)?;
    let country = account::validate_country(&country)?;
    account::validate_password(&password, &username)?;
    let db = &state.db;
    // Refused before the slow hash, and counted: a few refusals per address tell a
    // person to pick another name, not a script who has an account.
    let taken = if users::username_taken(db, &username).await? {
        Some(AppError::invalid("username", "That username is taken."))
    } else if users::email_taken(db, &email).await? {
        Some(AppError::invalid(
            "email",
            "An account with that email exists already: sign in, or ask the registration desk.",
        ))
    } else {
        None
    };
    if let Some(refusal) = taken {
        state.throttle.signed_up(&address, false);
        return Err(refusal);
    }
    let password_hash = password::hash_for_new_account(password).await?;
    let created = users::create(
        db,
        users::NewUser {
            username: username.clone(),
            email: Some(email),
            country,
            password_hash: Some(password_hash),
            roles: vec![Role::Racer],
        },
    )
    .await;
    state.throttle.signed_up(&address, created.is_ok());
    let id = created?;
    tracing::info!(user = %username, "signed up");
    caller.session.start(&caller.state.db, &id).await?;
    users::session_user(db, &id.0)
        .await?
        .ok_or(AppError::Internal)
}

/// Signs in with username and password. Failed attempts are throttled per account
/// and address together, per account and per client address (`domain::throttle`).
#[server(endpoint = "sign_in", output = crate::codec::JsonText)]
pub async fn sign_in(username: String, password: String) -> Result<SessionUser, AppError> {
    let caller = require(Action::ViewPublic).await?;
    let state = &caller.state;
    let address = crate::ssr::guard::client_address().await;
    let username = username.trim().to_string();
    let found = users::credentials(&state.db, &username).await?;
    let (id, hash, disabled) = match found {
        Some(c) => (Some(c.id), c.password_hash, c.disabled),
        None => (None, None, false),
    };
    // Checked against a dummy hash when the account is unknown, so timing does not
    // reveal which usernames exist.
    let right = password::guess(&state.throttle, &username, &address, password, hash).await?;
    let Some(id) = id.filter(|_| right) else {
        tracing::info!(user = %username, "sign-in failed");
        return Err(AppError::invalid("password", "Wrong username or password."));
    };
    if disabled {
        return Err(AppError::invalid(
            "username",
            "This account is disabled. Ask an event admin to enable it.",
        ));
    }
    caller.session.start(&caller.state.db, &id).await?;
    tracing::info!(user = %username, "signed in");
    users::session_user(&state.db, &id.0)
        .await?
        .ok_or(AppError::Internal)
}

/// Ends the session.
#[server(endpoint = "sign_out", output = crate::codec::JsonText)]
pub async fn sign_out() -> Result<(), AppError> {
    let caller = require(Action::ViewPublic).await?;
    caller.session.end().await
}
