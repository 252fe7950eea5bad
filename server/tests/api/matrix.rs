//! The authorization matrix: every server function × anonymous and every role.
//!
//! A new server function without a row here fails `every_server_function_has_a_row`,
//! so none can skip its guard unnoticed.

use crate::helpers::{spawn_app, Browser};
use app::accounts::api::*;
use app::auth::api::*;
use app::domain::roles::Role;
use reqwest::StatusCode;
use server_fn::ServerFn;

/// Who a server function lets through.
#[derive(Debug, Clone, Copy, PartialEq)]
enum Who {
    Anyone,
    SignedIn,
    Registration,
    /// Registration, commentator, operator (and admin).
    Staff,
    Admin,
}

/// The callers, in column order.
const CALLERS: [Option<Role>; 6] = [
    None,
    Some(Role::Racer),
    Some(Role::Registration),
    Some(Role::Commentator),
    Some(Role::Operator),
    Some(Role::Admin),
];

fn allowed(who: Who, caller: Option<Role>) -> bool {
    match (who, caller) {
        (Who::Anyone, _) => true,
        (_, None) => false,
        (Who::SignedIn, Some(_)) => true,
        (_, Some(Role::Admin)) => true,
        (Who::Registration, Some(role)) => role == Role::Registration,
        (Who::Staff, Some(role)) => matches!(
            role,
            Role::Registration | Role::Commentator | Role::Operator
        ),
        (Who::Admin, Some(_)) => false,
    }
}

type Row = (&'static str, Who, &'static [(&'static str, &'static str)]);

/// Each server function with arguments that pass decoding but change nothing
/// (unknown ids, wrong passwords), so allowed calls are harmless. Sign-out runs last.
fn rows() -> Vec<Row> {
    vec![
        (CurrentUser::PATH, Who::Anyone, &[]),
        (
            SignUp::PATH,
            Who::Anyone,
            &[
                ("username", "x"),
                ("email", "x"),
                ("country", "XX"),
                ("password", "x"),
            ],
        ),
        (
            SignIn::PATH,
            Who::Anyone,
            &[("username", "nobody"), ("password", "wrong-password")],
        ),
        (GetInvite::PATH, Who::Anyone, &[("token", "nope")]),
        (
            RedeemInvite::PATH,
            Who::Anyone,
            &[("token", "nope"), ("password", "whatever-long")],
        ),
        (GetProfile::PATH, Who::SignedIn, &[]),
        (
            UpdateProfile::PATH,
            Who::SignedIn,
            &[
                ("display_name", ""),
                ("country", "XX"),
                ("highlight_colour", ""),
            ],
        ),
        (
            ChangePassword::PATH,
            Who::SignedIn,
            &[("current_password", "wrong"), ("new_password", "x")],
        ),
        (DeleteAccount::PATH, Who::SignedIn, &[("password", "wrong")]),
        (ListRacers::PATH, Who::Staff, &[("search", "")]),
        (
            RegisterRacer::PATH,
            Who::Registration,
            &[("username", "x"), ("email", ""), ("country", "XX")],
        ),
        (RenewInvite::PATH, Who::Registration, &[("user", "nobody")]),
        (ListUsers::PATH, Who::Admin, &[("search", "")]),
        (
            SetUserRole::PATH,
            Who::Admin,
            &[
                ("user", "nobody"),
                ("role", "operator"),
                ("granted", "true"),
            ],
        ),
        (
            SetUserDisabled::PATH,
            Who::Admin,
            &[("user", "nobody"), ("disabled", "true")],
        ),
        (DeleteUser::PATH, Who::Admin, &[("user", "nobody")]),
        (SignOut::PATH, Who::Anyone, &[]),
    ]
}

#[test]
fn every_server_function_has_a_row() {
    let rows = rows();
    let registered: Vec<&str> = server_fn::axum::server_fn_paths().map(|(p, _)| p).collect();
    assert!(!registered.is_empty(), "no server functions registered");
    for path in &registered {
        assert!(
            rows.iter().any(|(p, ..)| p == path),
            "{path} has no row in the authorization matrix"
        );
    }
    for (path, ..) in &rows {
        assert!(
            registered.contains(path),
            "{path} is in the matrix but not registered"
        );
    }
}

#[tokio::test]
async fn every_server_function_checks_the_callers_role() {
    let app = spawn_app().await;
    let mut browsers: Vec<(Option<Role>, Browser)> = Vec::new();
    for caller in CALLERS {
        let browser = match caller {
            None => app.browser(),
            Some(role) => app.signed_in_as(role).await.0,
        };
        browsers.push((caller, browser));
    }
    for (path, who, form) in rows() {
        for (caller, browser) in &browsers {
            let res = browser
                .client
                .post(format!("{}{}", browser.base_url, path))
                .header("Accept", "application/json")
                .form(form)
                .send()
                .await
                .unwrap();
            let status = res.status();
            if allowed(who, *caller) {
                assert!(
                    status != StatusCode::UNAUTHORIZED && status != StatusCode::FORBIDDEN,
                    "{path} should let {caller:?} through, got {status}"
                );
                assert!(
                    status != StatusCode::INTERNAL_SERVER_ERROR,
                    "{path} for {caller:?}: 500"
                );
            } else {
                let expected = if caller.is_none() {
                    StatusCode::UNAUTHORIZED
                } else {
                    StatusCode::FORBIDDEN
                };
                assert_eq!(status, expected, "{path} should refuse {caller:?}");
            }
        }
    }
}
