//! Who may do what: the role matrix of domain.md §1 as one pure function.

use serde::{Deserialize, Serialize};
use std::fmt;
use std::str::FromStr;

/// A staff or racer role. Every user is a racer; the others are granted by an admin.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum Role {
    Racer,
    Registration,
    Commentator,
    Operator,
    Admin,
}

impl Role {
    /// Every role, in the order pages list them.
    pub const ALL: [Role; 5] = [
        Role::Racer,
        Role::Registration,
        Role::Commentator,
        Role::Operator,
        Role::Admin,
    ];

    /// Roles an admin can grant or revoke (racer is implied for everyone).
    pub const GRANTABLE: [Role; 4] = [
        Role::Registration,
        Role::Commentator,
        Role::Operator,
        Role::Admin,
    ];

    /// The lowercase name used in storage, URLs and forms.
    pub fn as_str(self) -> &'static str {
        match self {
            Role::Racer => "racer",
            Role::Registration => "registration",
            Role::Commentator => "commentator",
            Role::Operator => "operator",
            Role::Admin => "admin",
        }
    }

    /// The name shown to people.
    pub fn label(self) -> &'static str {
        match self {
            Role::Racer => "Racer",
            Role::Registration => "Registration",
            Role::Commentator => "Commentator",
            Role::Operator => "Operator",
            Role::Admin => "Admin",
        }
    }
}

impl fmt::Display for Role {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

impl FromStr for Role {
    type Err = String;
    fn from_str(s: &str) -> Result<Self, Self::Err> {
        Role::ALL
            .into_iter()
            .find(|r| r.as_str() == s)
            .ok_or_else(|| format!("unknown role {s:?}"))
    }
}

/// One protected operation. Each server function names exactly one.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Action {
    /// Public pages, sign-in and sign-up: anyone, signed in or not.
    ViewPublic,
    /// Own profile, own password, own account, sign-out.
    ManageOwnAccount,
    /// Upload, list, download and delete one's own models.
    ManageOwnModels,
    /// Create accounts for walk-up racers and renew their invite links.
    RegisterRacer,
    /// Look up racers (staff: to find a walk-up racer or the next one to race).
    ViewRacers,
    /// Check racers in and keep the tracks' queues (registration and operators).
    RunQueue,
    /// The commentator view of the live race.
    Commentate,
    /// Events, tracks, race manager, race admin, all models, cars, fleets, timers.
    Operate,
    /// Grant and revoke roles, disable, delete users.
    ManageUsers,
}

impl Action {
    /// Every action, for exhaustive tests and documentation.
    pub const ALL: [Action; 9] = [
        Action::ViewPublic,
        Action::ManageOwnAccount,
        Action::ManageOwnModels,
        Action::RegisterRacer,
        Action::ViewRacers,
        Action::RunQueue,
        Action::Commentate,
        Action::Operate,
        Action::ManageUsers,
    ];
}

/// Who is asking: nobody (`None`) or a signed-in user with these roles.
///
/// Admin implies every role; an operator may also use the commentator view,
/// since the operator runs the race the commentator talks about.
pub fn allows(roles: Option<&[Role]>, action: Action) -> bool {
    let Some(roles) = roles else {
        return action == Action::ViewPublic;
    };
    let has = |role: Role| roles.contains(&role) || roles.contains(&Role::Admin);
    match action {
        Action::ViewPublic | Action::ManageOwnAccount | Action::ManageOwnModels => true,
        Action::RegisterRacer => has(Role::Registration),
        Action::ViewRacers => {
            has(Role::Registration) || has(Role::Commentator) || has(Role::Operator)
        }
        Action::RunQueue => has(Role::Registration) || has(Role::Operator),
        Action::Commentate => has(Role::Commentator) || has(Role::Operator),
        Action::Operate => has(Role::Operator),
        Action::ManageUsers => has(Role::Admin),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// The whole matrix, written out by hand so a change to `allows` must change this too.
    /// Columns: anonymous, racer, registration, commentator, operator, admin.
    const MATRIX: [(Action, [bool; 6]); 9] = [
        (Action::ViewPublic, [true, true, true, true, true, true]),
        (
            Action::ManageOwnAccount,
            [false, true, true, true, true, true],
        ),
        (
            Action::ManageOwnModels,
            [false, true, true, true, true, true],
        ),
        (
            Action::RegisterRacer,
            [false, false, true, false, false, true],
        ),
        (Action::ViewRacers, [false, false, true, true, true, true]),
        (Action::RunQueue, [false, false, true, false, true, true]),
        (Action::Commentate, [false, false, false, true, true, true]),
        (Action::Operate, [false, false, false, false, true, true]),
        (
            Action::ManageUsers,
            [false, false, false, false, false, true],
        ),
    ];

    fn who(column: usize) -> Option<Vec<Role>> {
        match column {
            0 => None,
            1 => Some(vec![Role::Racer]),
            2 => Some(vec![Role::Racer, Role::Registration]),
            3 => Some(vec![Role::Racer, Role::Commentator]),
            4 => Some(vec![Role::Racer, Role::Operator]),
            _ => Some(vec![Role::Racer, Role::Admin]),
        }
    }

    #[test]
    fn matrix_covers_every_action() {
        for action in Action::ALL {
            assert!(
                MATRIX.iter().any(|(a, _)| *a == action),
                "{action:?} has no row"
            );
        }
    }

    #[test]
    fn allows_matches_the_matrix() {
        for (action, row) in MATRIX {
            for (column, expected) in row.into_iter().enumerate() {
                let roles = who(column);
                assert_eq!(
                    allows(roles.as_deref(), action),
                    expected,
                    "{action:?} for {roles:?}"
                );
            }
        }
    }

    #[test]
    fn roles_add_up() {
        let both = [Role::Registration, Role::Commentator];
        assert!(allows(Some(&both), Action::RegisterRacer));
        assert!(allows(Some(&both), Action::Commentate));
        assert!(!allows(Some(&both), Action::Operate));
    }

    #[test]
    fn role_names_round_trip() {
        for role in Role::ALL {
            assert_eq!(role.as_str().parse::<Role>(), Ok(role));
        }
        assert!("root".parse::<Role>().is_err());
    }
}
