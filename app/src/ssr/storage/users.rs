//! Users: accounts, credentials, profiles and roles.

use super::Db;
use super::IdRow;
use crate::domain::roles::Role;
use crate::error::AppError;
use crate::wire::{Profile, SessionUser, UserId, UserSummary};
use surrealdb::types::SurrealValue;

/// Fields of a new account, already validated.
pub struct NewUser {
    pub username: String,
    pub email: Option<String>,
    pub country: String,
    pub password_hash: Option<String>,
    pub roles: Vec<Role>,
}

/// What sign-in needs to know about an account.
pub struct Credentials {
    pub id: UserId,
    pub password_hash: Option<String>,
    pub disabled: bool,
}

/// A stored user, as the queries below select it.
#[derive(SurrealValue)]
struct UserRow {
    id: String,
    username: String,
    email: Option<String>,
    display_name: Option<String>,
    country: String,
    highlight_colour: String,
    password_hash: Option<String>,
    roles: Vec<String>,
    disabled: bool,
    created_at: String,
    pending_invite: bool,
    session_epoch: i64,
}

/// Every select of users returns the same shape, so one row type serves all.
/// A macro, so queries are assembled at compile time with `concat!`.
macro_rules! user_fields {
    () => {
        "record::id(id) AS id, username, email, display_name, country,
        highlight_colour, password_hash, roles, disabled, <string> created_at AS created_at,
        (password_hash = NONE) AS pending_invite, (session_epoch ?? 0) AS session_epoch"
    };
}

fn parse_roles(stored: &[String]) -> Vec<Role> {
    let mut roles: Vec<Role> = stored.iter().filter_map(|r| r.parse().ok()).collect();
    if !roles.contains(&Role::Racer) {
        roles.push(Role::Racer);
    }
    roles.sort();
    roles
}

fn role_names(roles: &[Role]) -> Vec<String> {
    parse_roles(&roles.iter().map(|r| r.to_string()).collect::<Vec<_>>())
        .into_iter()
        .map(|r| r.to_string())
        .collect()
}

impl UserRow {
    fn summary(self) -> UserSummary {
        UserSummary {
            id: UserId(self.id),
            roles: parse_roles(&self.roles),
            username: self.username,
            email: self.email,
            display_name: self.display_name,
            country: self.country,
            disabled: self.disabled,
            pending_invite: self.pending_invite,
            created_at: self.created_at,
        }
    }
}

async fn find(db: &Db, id: &str) -> Result<Option<UserRow>, AppError> {
    let mut res = db
        .query(concat!(
            "SELECT ",
            user_fields!(),
            " FROM ONLY type::record('user', $id)"
        ))
        .bind(("id", id.to_string()))
        .await?;
    Ok(res.take(0)?)
}

/// The colour a new racer gets until they pick one: the first preset.
const DEFAULT_COLOUR: &str = "#0000FF";

/// Creates an account. `Conflict` when the username or email is taken.
pub async fn create(db: &Db, user: NewUser) -> Result<UserId, AppError> {
    let res = db
        .query(
            "CREATE ONLY user CONTENT {
                username: $username, username_key: string::lowercase($username),
                email: $email, country: $country, highlight_colour: $colour,
                password_hash: $password_hash, roles: $roles, disabled: false
            } RETURN record::id(id) AS id",
        )
        .bind(("username", user.username))
        .bind(("email", user.email))
        .bind(("country", user.country))
        .bind(("colour", DEFAULT_COLOUR.to_string()))
        .bind(("password_hash", user.password_hash))
        .bind(("roles", role_names(&user.roles)))
        .await
        .and_then(|mut res| res.take::<Option<IdRow>>(0));
    match res {
        Ok(Some(created)) => Ok(UserId(created.id)),
        Ok(None) => Err(AppError::Internal),
        Err(e) => Err(unique_violation(&e).unwrap_or_else(|| e.into())),
    }
}

/// Maps a unique-index error to the message a person should see.
fn unique_violation(e: &surrealdb::Error) -> Option<AppError> {
    let text = e.to_string();
    if text.contains("user_username") {
        Some(AppError::invalid("username", "That username is taken."))
    } else if text.contains("user_email") {
        Some(AppError::invalid(
            "email",
            "An account with that email exists already.",
        ))
    } else {
        None
    }
}

/// Whether an account with this username exists (case-insensitive).
pub async fn username_taken(db: &Db, username: &str) -> Result<bool, AppError> {
    Ok(credentials(db, username).await?.is_some())
}

/// The usernames of other accounts than `except` shown as `name` (their display name,
/// or their username without one; case aside).
pub async fn shown_as(db: &Db, name: &str, except: &UserId) -> Result<Vec<String>, AppError> {
    let mut res = db
        .query(
            "SELECT VALUE username FROM user
             WHERE string::lowercase(display_name ?? username) = string::lowercase($name)
                AND id != type::record('user', $except)
             ORDER BY username",
        )
        .bind(("name", name.to_string()))
        .bind(("except", except.0.clone()))
        .await?;
    Ok(res.take(0)?)
}

/// Whether an account has this email (as the unique index compares it).
pub async fn email_taken(db: &Db, email: &str) -> Result<bool, AppError> {
    let mut res = db
        .query("SELECT VALUE id FROM user WHERE email = $email LIMIT 1")
        .bind(("email", email.to_string()))
        .await?;
    let found: Vec<surrealdb::types::RecordId> = res.take(0)?;
    Ok(!found.is_empty())
}

/// Credentials for sign-in, by username (case-insensitive).
pub async fn credentials(db: &Db, username: &str) -> Result<Option<Credentials>, AppError> {
    let mut res = db
        .query(concat!(
            "SELECT ",
            user_fields!(),
            " FROM user WHERE username_key = string::lowercase($username) LIMIT 1"
        ))
        .bind(("username", username.to_string()))
        .await?;
    let rows: Vec<UserRow> = res.take(0)?;
    Ok(rows.into_iter().next().map(|row| Credentials {
        id: UserId(row.id),
        password_hash: row.password_hash,
        disabled: row.disabled,
    }))
}

/// The signed-in user for a session, or `None` when the account is gone or disabled.
pub async fn session_user(db: &Db, id: &str) -> Result<Option<SessionUser>, AppError> {
    Ok(find(db, id)
        .await?
        .filter(|row| !row.disabled)
        .map(|row| SessionUser {
            id: UserId(row.id),
            roles: parse_roles(&row.roles),
            username: row.username,
            display_name: row.display_name,
        }))
}

/// The signed-in user of a session made under `epoch`: `None` when the account is
/// gone or disabled, or its sessions were ended since (`end_sessions`).
pub async fn signed_in_user(
    db: &Db,
    id: &str,
    epoch: i64,
) -> Result<Option<SessionUser>, AppError> {
    Ok(find(db, id)
        .await?
        .filter(|row| !row.disabled && row.session_epoch == epoch)
        .map(|row| SessionUser {
            id: UserId(row.id),
            roles: parse_roles(&row.roles),
            username: row.username,
            display_name: row.display_name,
        }))
}

/// The epoch new sessions of an account are made under.
pub async fn session_epoch(db: &Db, id: &UserId) -> Result<i64, AppError> {
    Ok(find(db, &id.0).await?.map_or(0, |row| row.session_epoch))
}

/// Ends every session of an account: those made before now no longer sign it in.
pub async fn end_sessions(db: &Db, id: &UserId) -> Result<(), AppError> {
    db.query("UPDATE type::record('user', $id) SET session_epoch = (session_epoch ?? 0) + 1")
        .bind(("id", id.0.clone()))
        .await?
        .check()?;
    Ok(())
}

/// The stored password hash of an account.
pub async fn password_hash(db: &Db, id: &UserId) -> Result<Option<String>, AppError> {
    Ok(find(db, &id.0).await?.and_then(|row| row.password_hash))
}

/// A user's own profile.
pub async fn profile(db: &Db, id: &UserId) -> Result<Profile, AppError> {
    let row = find(db, &id.0)
        .await?
        .ok_or_else(|| AppError::NotFound("Account".into()))?;
    Ok(Profile {
        roles: parse_roles(&row.roles),
        username: row.username,
        email: row.email,
        display_name: row.display_name,
        country: row.country,
        highlight_colour: row.highlight_colour,
    })
}

/// Saves the editable profile fields.
pub async fn update_profile(
    db: &Db,
    id: &UserId,
    display_name: Option<String>,
    country: String,
    highlight_colour: String,
) -> Result<(), AppError> {
    db.query(
        "UPDATE type::record('user', $id) SET display_name = $display_name,
            country = $country, highlight_colour = $colour",
    )
    .bind(("id", id.0.clone()))
    .bind(("display_name", display_name))
    .bind(("country", country))
    .bind(("colour", highlight_colour))
    .await?
    .check()?;
    Ok(())
}

/// Replaces a password hash.
pub async fn set_password_hash(db: &Db, id: &UserId, hash: String) -> Result<(), AppError> {
    // A new password ends the account's sessions (the caller starts a fresh one).
    db.query("UPDATE type::record('user', $id) SET password_hash = $hash, session_epoch = (session_epoch ?? 0) + 1")
        .bind(("id", id.0.clone()))
        .bind(("hash", hash))
        .await?
        .check()?;
    Ok(())
}

/// Users whose username, display name or email contains `search` (case-insensitive),
/// newest first, at most `limit`.
pub async fn list(db: &Db, search: &str, limit: u32) -> Result<Vec<UserSummary>, AppError> {
    let mut res = db
        .query(concat!(
            "SELECT ",
            user_fields!(),
            ", created_at AS sort_key FROM user
             WHERE $search = ''
                OR string::contains(username_key, $search)
                OR string::contains(string::lowercase(display_name ?? ''), $search)
                OR string::contains(email ?? '', $search)
             ORDER BY sort_key DESC LIMIT $limit"
        ))
        .bind(("search", search.trim().to_lowercase()))
        .bind(("limit", i64::from(limit)))
        .await?;
    let rows: Vec<UserRow> = res.take(0)?;
    Ok(rows.into_iter().map(UserRow::summary).collect())
}

/// Runs `change` on one user inside a transaction that fails when no enabled admin
/// would remain, so two admins demoting each other at once cannot lock everyone out.
/// `change` may use `$id` and `$roles`.
async fn change_keeping_an_admin(
    db: &Db,
    id: &UserId,
    change: &'static str,
    roles: Vec<String>,
) -> Result<(), AppError> {
    let res = db
        .query("BEGIN TRANSACTION")
        .query(change)
        .query(
            "IF array::len(SELECT VALUE id FROM user WHERE roles CONTAINS 'admin' AND !disabled) = 0 {
                THROW 'drem:last-admin';
             }",
        )
        .query("COMMIT TRANSACTION")
        .bind(("id", id.0.clone()))
        .bind(("roles", roles))
        .await;
    let res = super::check_cause(res);
    match res {
        Ok(_) => Ok(()),
        Err(e) if e.to_string().contains("drem:last-admin") => Err(AppError::Conflict(
            "drem needs at least one active admin: make someone else admin first.".into(),
        )),
        Err(e) => Err(e.into()),
    }
}

/// Fails with `NotFound` unless the user exists.
async fn must_exist(db: &Db, id: &UserId) -> Result<UserRow, AppError> {
    find(db, &id.0)
        .await?
        .ok_or_else(|| AppError::NotFound("User".into()))
}

/// Grants or revokes one role.
pub async fn set_role(db: &Db, id: &UserId, role: Role, granted: bool) -> Result<(), AppError> {
    let row = must_exist(db, id).await?;
    let mut roles = parse_roles(&row.roles);
    roles.retain(|r| *r != role);
    if granted {
        roles.push(role);
    }
    change_keeping_an_admin(
        db,
        id,
        "UPDATE type::record('user', $id) SET roles = $roles",
        role_names(&roles),
    )
    .await
}

/// Disables or re-enables an account. A disabled account cannot sign in, and its
/// open sessions stop working at their next request.
pub async fn set_disabled(db: &Db, id: &UserId, disabled: bool) -> Result<(), AppError> {
    must_exist(db, id).await?;
    let change = if disabled {
        "UPDATE type::record('user', $id) SET disabled = true, session_epoch = (session_epoch ?? 0) + 1"
    } else {
        "UPDATE type::record('user', $id) SET disabled = false"
    };
    change_keeping_an_admin(db, id, change, Vec::new()).await
}

/// Deletes an account and its invites.
pub async fn delete(db: &Db, id: &UserId) -> Result<(), AppError> {
    must_exist(db, id).await?;
    change_keeping_an_admin(
        db,
        id,
        "DELETE invite WHERE user = type::record('user', $id);
         DELETE type::record('user', $id);",
        Vec::new(),
    )
    .await
}

/// Every country an account names, once each (empty ones left out).
pub async fn countries(db: &Db) -> Result<Vec<String>, AppError> {
    let mut res = db
        .query("SELECT VALUE country FROM user WHERE country != '' GROUP BY country")
        .await?;
    Ok(res.take(0)?)
}

/// Whether any enabled admin exists (first start creates one when not).
pub async fn admin_exists(db: &Db) -> Result<bool, AppError> {
    let mut res = db
        .query("SELECT VALUE id FROM user WHERE roles CONTAINS 'admin' AND !disabled LIMIT 1")
        .await?;
    let ids: Vec<surrealdb::types::RecordId> = res.take(0)?;
    Ok(!ids.is_empty())
}
