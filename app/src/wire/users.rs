//! Accounts: the signed-in user, profiles, the users list, invites.

use crate::domain::roles::Role;
use serde::{Deserialize, Serialize};

/// A user's id, as drem assigns it (the key of the stored record).
#[derive(Debug, Clone, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(transparent)]
pub struct UserId(pub String);

impl std::fmt::Display for UserId {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(&self.0)
    }
}

/// The signed-in user as every page sees it (navigation, guards).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct SessionUser {
    pub id: UserId,
    pub username: String,
    pub display_name: Option<String>,
    pub roles: Vec<Role>,
}

impl SessionUser {
    /// Whether the user holds `role` (admin holds them all).
    pub fn has(&self, role: Role) -> bool {
        role == Role::Racer || self.roles.contains(&role) || self.roles.contains(&Role::Admin)
    }

    /// The name to show: the display name when set.
    pub fn shown_name(&self) -> &str {
        self.display_name.as_deref().unwrap_or(&self.username)
    }
}

/// The signed-in user's own profile.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Profile {
    pub username: String,
    pub email: Option<String>,
    pub display_name: Option<String>,
    pub country: String,
    pub highlight_colour: String,
    pub roles: Vec<Role>,
}

/// One row of the admin's user list.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct UserSummary {
    pub id: UserId,
    pub username: String,
    pub email: Option<String>,
    pub display_name: Option<String>,
    pub country: String,
    pub roles: Vec<Role>,
    pub disabled: bool,
    /// True until the racer has set a password through the invite link.
    pub pending_invite: bool,
    pub created_at: String,
}

/// What registration staff get back after adding a walk-up racer.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Invite {
    pub username: String,
    /// The one-time link where the racer sets a password.
    pub link: String,
    /// The same link as an SVG QR code, to show on screen.
    pub qr_svg: String,
    pub expires_at: String,
    /// Other racers shown by the same name (their usernames): public boards tell them
    /// apart by country, and the desk is told so.
    #[serde(default)]
    pub same_name: Vec<String>,
}

/// What the set-password page shows about an invite before it is used.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct InviteInfo {
    pub username: String,
    pub expires_at: String,
    /// A reset link: the account has a password, which this one replaces.
    #[serde(default)]
    pub reset: bool,
}
