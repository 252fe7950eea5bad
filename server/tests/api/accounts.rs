//! Profiles, user management by admins, and walk-up registration with invite links.

use crate::helpers::{assert_invalid, spawn_app, PASSWORD};
use app::accounts::api::*;
use app::domain::roles::Role;
use app::wire::{Invite, InviteInfo, Profile, SessionUser, UserSummary};
use reqwest::StatusCode;

#[tokio::test]
async fn profile_is_edited_with_checked_values() {
    let app = spawn_app().await;
    let (b, username) = app.signed_in_as(Role::Racer).await;
    let p: Profile = b.call::<GetProfile, _>(&[]).await.unwrap();
    assert_eq!(p.username, username);
    assert_eq!(p.country, "SE");
    assert_eq!(p.highlight_colour, "#0000FF");
    let p: Profile = b
        .call::<UpdateProfile, _>(&[
            ("display_name", " Speedy "),
            ("country", "de"),
            ("highlight_colour", "#ff00ff"),
        ])
        .await
        .unwrap();
    assert_eq!(p.display_name.as_deref(), Some("Speedy"));
    assert_eq!(p.country, "DE");
    assert_eq!(p.highlight_colour, "#FF00FF");
    assert_eq!(b.current_user().await.unwrap().shown_name(), "Speedy");
    assert_invalid(
        b.call::<UpdateProfile, Profile>(&[
            ("display_name", ""),
            ("country", "DE"),
            ("highlight_colour", "#123456"),
        ])
        .await,
        "highlight_colour",
    );
    // Names that lie: shown as "admin", or as nothing at all (issue 17 item 10).
    for lie in [
        "\u{202e}nimda\u{202c}",
        "\u{200b}\u{200b}",
        "\u{feff}admin",
        "a\u{2028}b",
        "admin\u{e0041}",
    ] {
        assert_invalid(
            b.call::<UpdateProfile, Profile>(&[
                ("display_name", lie),
                ("country", "DE"),
                ("highlight_colour", "#FF00FF"),
            ])
            .await,
            "display_name",
        );
    }
}

#[tokio::test]
async fn password_change_needs_the_current_password() {
    let app = spawn_app().await;
    let (b, username) = app.signed_in_as(Role::Racer).await;
    let new = "green-lap-checkered-9";
    assert_invalid(
        b.call::<ChangePassword, ()>(&[
            ("current_password", "wrong-one-123"),
            ("new_password", new),
        ])
        .await,
        "current_password",
    );
    assert_invalid(
        b.call::<ChangePassword, ()>(&[("current_password", PASSWORD), ("new_password", "short")])
            .await,
        "new_password",
    );
    b.call::<ChangePassword, ()>(&[("current_password", PASSWORD), ("new_password", new)])
        .await
        .unwrap();
    assert!(app.browser().sign_in(&username, PASSWORD).await.is_err());
    app.browser()
        .sign_in(&username, new)
        .await
        .expect("new password works");
}

#[tokio::test]
async fn racers_delete_their_own_account() {
    let app = spawn_app().await;
    let (b, username) = app.signed_in_as(Role::Racer).await;
    assert_invalid(
        b.call::<DeleteAccount, ()>(&[("password", "not-my-password")])
            .await,
        "password",
    );
    b.call::<DeleteAccount, ()>(&[("password", PASSWORD)])
        .await
        .unwrap();
    assert_eq!(b.current_user().await, None);
    assert!(app.browser().sign_in(&username, PASSWORD).await.is_err());
}

#[tokio::test]
async fn granted_and_revoked_roles_bite_at_once() {
    let app = spawn_app().await;
    let admin = app.admin().await;
    let (racer, username) = app.signed_in_as(Role::Racer).await;
    let id = admin.find_user(&username).await.id;
    let forbidden = racer
        .call::<ListRacers, Vec<UserSummary>>(&[("search", "")])
        .await;
    assert_eq!(forbidden.unwrap_err().status, StatusCode::FORBIDDEN);

    admin
        .call::<SetUserRole, ()>(&[("user", &id.0), ("role", "operator"), ("granted", "true")])
        .await
        .unwrap();
    assert!(racer
        .current_user()
        .await
        .unwrap()
        .roles
        .contains(&Role::Operator));
    let racers: Vec<UserSummary> = racer
        .call::<ListRacers, _>(&[("search", "")])
        .await
        .unwrap();
    assert!(
        racers.iter().all(|r| r.email.is_none()),
        "staff see no emails"
    );

    admin
        .call::<SetUserRole, ()>(&[("user", &id.0), ("role", "operator"), ("granted", "false")])
        .await
        .unwrap();
    let again = racer
        .call::<ListRacers, Vec<UserSummary>>(&[("search", "")])
        .await;
    assert_eq!(again.unwrap_err().status, StatusCode::FORBIDDEN);
}

#[tokio::test]
async fn the_last_admin_is_kept() {
    let app = spawn_app().await;
    let admin = app.admin().await;
    let me = admin.find_user("admin").await.id;
    for res in [
        admin
            .call::<SetUserRole, ()>(&[("user", &me.0), ("role", "admin"), ("granted", "false")])
            .await,
        admin
            .call::<SetUserDisabled, ()>(&[("user", &me.0), ("disabled", "true")])
            .await,
        admin.call::<DeleteUser, ()>(&[("user", &me.0)]).await,
    ] {
        let failure = res.expect_err("last admin is protected");
        assert_eq!(failure.status, StatusCode::CONFLICT, "{failure:?}");
    }
    // With a second admin, the first may step down.
    let (_other, other_name) = app.signed_in_as(Role::Admin).await;
    assert!(admin
        .find_user(&other_name)
        .await
        .roles
        .contains(&Role::Admin));
    admin
        .call::<SetUserRole, ()>(&[("user", &me.0), ("role", "admin"), ("granted", "false")])
        .await
        .unwrap();
    let denied = admin
        .call::<ListUsers, Vec<UserSummary>>(&[("search", "")])
        .await;
    assert_eq!(denied.unwrap_err().status, StatusCode::FORBIDDEN);
}

#[tokio::test]
async fn disabled_accounts_cannot_sign_in_and_lose_their_session() {
    let app = spawn_app().await;
    let admin = app.admin().await;
    let (racer, username) = app.signed_in_as(Role::Racer).await;
    let id = admin.find_user(&username).await.id;
    admin
        .call::<SetUserDisabled, ()>(&[("user", &id.0), ("disabled", "true")])
        .await
        .unwrap();
    assert_eq!(racer.current_user().await, None);
    assert_invalid(app.browser().sign_in(&username, PASSWORD).await, "username");
    admin
        .call::<SetUserDisabled, ()>(&[("user", &id.0), ("disabled", "false")])
        .await
        .unwrap();
    app.browser()
        .sign_in(&username, PASSWORD)
        .await
        .expect("enabled again");
    admin
        .call::<DeleteUser, ()>(&[("user", &id.0)])
        .await
        .unwrap();
    assert!(app.browser().sign_in(&username, PASSWORD).await.is_err());
    let gone = admin
        .call::<DeleteUser, ()>(&[("user", &id.0)])
        .await
        .unwrap_err();
    assert_eq!(gone.status, StatusCode::NOT_FOUND);
}

fn token_of(invite: &Invite) -> String {
    invite.link.rsplit('/').next().unwrap().to_string()
}

#[tokio::test]
async fn walk_up_racers_set_their_password_through_a_one_time_link() {
    let app = spawn_app().await;
    let (desk, _) = app.signed_in_as(Role::Registration).await;
    let invite: Invite = desk
        .call::<RegisterRacer, _>(&[("username", "walkup"), ("email", ""), ("country", "FR")])
        .await
        .unwrap();
    assert!(invite
        .link
        .starts_with(&format!("{}/invite/", app.base_url)));
    assert!(invite.qr_svg.contains("<svg"), "QR code is SVG");
    // A second racer without email: optional emails do not collide.
    desk.call::<RegisterRacer, Invite>(&[
        ("username", "walkup2"),
        ("email", ""),
        ("country", "FR"),
    ])
    .await
    .unwrap();
    assert_invalid(
        desk.call::<RegisterRacer, Invite>(&[
            ("username", "WALKUP"),
            ("email", ""),
            ("country", "FR"),
        ])
        .await,
        "username",
    );
    // No password yet: nobody can sign in as the racer.
    assert!(app.browser().sign_in("walkup", PASSWORD).await.is_err());

    let phone = app.browser();
    let token = token_of(&invite);
    let info: InviteInfo = phone
        .call::<GetInvite, _>(&[("token", &token)])
        .await
        .unwrap();
    assert_eq!(info.username, "walkup");
    assert_invalid(
        phone
            .call::<RedeemInvite, SessionUser>(&[("token", &token), ("password", "short")])
            .await,
        "password",
    );
    let user: SessionUser = phone
        .call::<RedeemInvite, _>(&[("token", &token), ("password", PASSWORD)])
        .await
        .unwrap();
    assert_eq!(user.username, "walkup");
    assert_eq!(phone.current_user().await.unwrap().username, "walkup");
    let spent = phone
        .call::<RedeemInvite, SessionUser>(&[("token", &token), ("password", "another-pass-123")])
        .await
        .unwrap_err();
    assert_eq!(spent.status, StatusCode::NOT_FOUND);
    app.browser()
        .sign_in("walkup", PASSWORD)
        .await
        .expect("password set");
}

#[tokio::test]
async fn a_renewed_invite_replaces_the_old_link() {
    let app = spawn_app().await;
    let (desk, _) = app.signed_in_as(Role::Registration).await;
    let first: Invite = desk
        .call::<RegisterRacer, _>(&[
            ("username", "lostlink"),
            ("email", "l@example.com"),
            ("country", "JP"),
        ])
        .await
        .unwrap();
    let racers: Vec<UserSummary> = desk
        .call::<ListRacers, _>(&[("search", "lostlink")])
        .await
        .unwrap();
    let racer = racers
        .into_iter()
        .find(|r| r.username == "lostlink")
        .unwrap();
    assert!(racer.pending_invite);
    let second: Invite = desk
        .call::<RenewInvite, _>(&[("user", &racer.id.0)])
        .await
        .unwrap();
    assert_ne!(token_of(&first), token_of(&second));
    let old = app
        .browser()
        .call::<GetInvite, InviteInfo>(&[("token", &token_of(&first))])
        .await
        .unwrap_err();
    assert_eq!(old.status, StatusCode::NOT_FOUND);
    app.browser()
        .call::<RedeemInvite, SessionUser>(&[("token", &token_of(&second)), ("password", PASSWORD)])
        .await
        .unwrap();
    let done = desk
        .call::<RenewInvite, Invite>(&[("user", &racer.id.0)])
        .await
        .unwrap_err();
    assert_eq!(done.status, StatusCode::CONFLICT);
}

#[tokio::test]
async fn the_registration_desk_cannot_renew_a_staff_members_link() {
    let app = spawn_app().await;
    let (desk, _) = app.signed_in_as(Role::Registration).await;
    let admin = app.admin().await;
    desk.call::<RegisterRacer, Invite>(&[
        ("username", "newstaff"),
        ("email", ""),
        ("country", "SE"),
    ])
    .await
    .unwrap();
    let id = admin.find_user("newstaff").await.id;
    admin
        .call::<SetUserRole, ()>(&[("user", &id.0), ("role", "operator"), ("granted", "true")])
        .await
        .unwrap();
    let refused = desk
        .call::<RenewInvite, Invite>(&[("user", &id.0)])
        .await
        .unwrap_err();
    assert_eq!(refused.status, StatusCode::FORBIDDEN);
    admin
        .call::<RenewInvite, Invite>(&[("user", &id.0)])
        .await
        .expect("an admin may renew a staff member's link");
}

/// A racer who forgot their password: the desk issues a reset link (no e-mail), the
/// racer sets a new password through it once, and every device signed in before is
/// signed out.
#[tokio::test]
async fn a_reset_link_sets_a_new_password_once_and_signs_out_every_device() {
    let app = spawn_app().await;
    let (desk, _) = app.signed_in_as(Role::Registration).await;
    let (racer, username) = app.signed_in_as(Role::Racer).await;
    let id = racer.current_user().await.unwrap().id;

    // Only for an account with a password, and only by the desk.
    desk.call::<RegisterRacer, Invite>(&[("username", "nopass"), ("email", ""), ("country", "SE")])
        .await
        .unwrap();
    let racers: Vec<UserSummary> = desk
        .call::<ListRacers, _>(&[("search", "nopass")])
        .await
        .unwrap();
    let nopass = racers.into_iter().find(|r| r.username == "nopass").unwrap();
    let no_password = desk
        .call::<ResetPasswordLink, Invite>(&[("user", &nopass.id.0)])
        .await
        .unwrap_err();
    assert_eq!(no_password.status, StatusCode::CONFLICT);
    let by_racer = racer
        .call::<ResetPasswordLink, Invite>(&[("user", &id.0)])
        .await
        .unwrap_err();
    assert_eq!(by_racer.status, StatusCode::FORBIDDEN);
    let (operator, _) = app.signed_in_as(Role::Operator).await;
    let staff_id = operator.current_user().await.unwrap().id;
    let staff = desk
        .call::<ResetPasswordLink, Invite>(&[("user", &staff_id.0)])
        .await
        .unwrap_err();
    assert_eq!(
        staff.status,
        StatusCode::FORBIDDEN,
        "a staff account is the admin's"
    );

    let link: Invite = desk
        .call::<ResetPasswordLink, _>(&[("user", &id.0)])
        .await
        .unwrap();
    let token = token_of(&link);
    let phone = app.browser();
    let info: InviteInfo = phone
        .call::<GetInvite, _>(&[("token", &token)])
        .await
        .unwrap();
    assert!(info.reset);
    assert_eq!(info.username, username);
    let new_password = "a-brand-new-password-42";
    phone
        .call::<RedeemInvite, SessionUser>(&[("token", &token), ("password", new_password)])
        .await
        .unwrap();
    assert_eq!(phone.current_user().await.unwrap().username, username);
    assert!(
        racer.current_user().await.is_none(),
        "the device signed in before is signed out"
    );
    assert!(app.browser().sign_in(&username, PASSWORD).await.is_err());
    app.browser()
        .sign_in(&username, new_password)
        .await
        .expect("the new password");
    let spent = app
        .browser()
        .call::<RedeemInvite, SessionUser>(&[("token", &token), ("password", "yet-another-one-42")])
        .await
        .unwrap_err();
    assert_eq!(spent.status, StatusCode::NOT_FOUND, "a link works once");
}

/// A reset link is good for 48 hours: past that it is refused and nothing changes.
#[tokio::test]
async fn a_reset_link_past_its_48_hours_is_refused_and_changes_nothing() {
    let db = crate::helpers::open_db().await;
    let app = crate::helpers::spawn_on(db.clone(), &[]).await;
    let (desk, _) = app.signed_in_as(Role::Registration).await;
    let (racer, username) = app.signed_in_as(Role::Racer).await;
    let id = racer.current_user().await.unwrap().id;
    let link: Invite = desk
        .call::<ResetPasswordLink, _>(&[("user", &id.0)])
        .await
        .unwrap();
    let token = token_of(&link);
    // Issued now, for 48 hours: a minute short of that it still works.
    let left: Option<i64> = db
        .query("SELECT VALUE duration::mins(expires_at - time::now()) FROM ONLY invite LIMIT 1")
        .await
        .unwrap()
        .take(0)
        .unwrap();
    assert!(
        (47 * 60..=48 * 60).contains(&left.unwrap_or_default()),
        "{left:?} minutes left"
    );
    db.query("UPDATE invite SET expires_at = time::now() - 1s")
        .await
        .unwrap()
        .check()
        .unwrap();

    let phone = app.browser();
    let info = phone
        .call::<GetInvite, InviteInfo>(&[("token", &token)])
        .await
        .unwrap_err();
    assert_eq!(info.status, StatusCode::NOT_FOUND);
    let redeem = phone
        .call::<RedeemInvite, SessionUser>(&[
            ("token", &token),
            ("password", "too-late-password-1"),
        ])
        .await
        .unwrap_err();
    assert_eq!(redeem.status, StatusCode::NOT_FOUND);
    assert!(racer.current_user().await.is_some(), "still signed in");
    app.browser()
        .sign_in(&username, PASSWORD)
        .await
        .expect("the old password still works");
}
