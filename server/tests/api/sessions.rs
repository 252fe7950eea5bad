//! Sessions end with the power that made them (issue 17 items 5 and 6): a changed
//! password signs out every other session, "sign out everywhere" signs out all, a
//! disabled account stays signed out when enabled again, and an open staff stream
//! stops at its next change once the caller's role is revoked.
//! The database holds session ids hashed (issue 17 item 11).

use crate::helpers::{spawn_app, Browser, Events, TestApp, PASSWORD};
use app::accounts::api::{ChangePassword, SetUserDisabled, SetUserRole, SignOutEverywhere};
use app::domain::roles::Role;
use app::timers::api::CreateTimer;
use serde_json::json;

/// `username` signed in on a new browser.
async fn signed_in(app: &TestApp, username: &str, password: &str) -> Browser {
    let b = app.browser();
    b.sign_in(username, password).await.expect("signs in");
    b
}

#[tokio::test]
async fn a_new_password_signs_out_every_other_session() {
    let app = spawn_app().await;
    let laptop = app.browser();
    laptop.sign_up("ines").await.unwrap();
    let phone = signed_in(&app, "ines", PASSWORD).await;
    let new = "a-brand-new-password-7";
    laptop
        .call::<ChangePassword, ()>(&[("current_password", PASSWORD), ("new_password", new)])
        .await
        .unwrap();
    assert_eq!(phone.current_user().await, None, "the phone is signed out");
    assert_eq!(
        laptop.current_user().await.map(|u| u.username),
        Some("ines".into()),
        "the laptop that changed it stays signed in"
    );
    signed_in(&app, "ines", new).await;
}

#[tokio::test]
async fn sign_out_everywhere_ends_every_session() {
    let app = spawn_app().await;
    let laptop = app.browser();
    laptop.sign_up("jon").await.unwrap();
    let phone = signed_in(&app, "jon", PASSWORD).await;
    phone.call::<SignOutEverywhere, ()>(&[]).await.unwrap();
    assert_eq!(phone.current_user().await, None);
    assert_eq!(laptop.current_user().await, None);
    // Signing in again works as before.
    signed_in(&app, "jon", PASSWORD).await;
}

#[tokio::test]
async fn a_disabled_account_stays_signed_out_when_enabled_again() {
    let app = spawn_app().await;
    let admin = app.admin().await;
    let (racer, username) = app.signed_in_as(Role::Racer).await;
    let id = admin.find_user(&username).await.id;
    for disabled in ["true", "false"] {
        admin
            .call::<SetUserDisabled, ()>(&[("user", &id.0), ("disabled", disabled)])
            .await
            .unwrap();
    }
    assert_eq!(racer.current_user().await, None);
    signed_in(&app, &username, PASSWORD).await;
}

#[tokio::test]
async fn a_staff_stream_stops_at_its_next_change_once_the_role_is_revoked() {
    let app = spawn_app().await;
    let admin = app.admin().await;
    let (operator, username) = app.signed_in_as(Role::Operator).await;
    let id = admin.find_user(&username).await.id;
    let mut stream = Events::of(
        operator
            .client
            .get(format!("{}/live/kit", app.base_url))
            .send()
            .await
            .unwrap(),
    );
    assert_eq!(stream.next_named("kit").await, "changed");
    // Still an operator: a change goes out.
    admin
        .call_json::<CreateTimer, serde_json::Value>(json!({"name": "Pi one"}))
        .await
        .unwrap();
    assert_eq!(stream.next_named("kit").await, "changed");

    admin
        .call::<SetUserRole, ()>(&[("user", &id.0), ("role", "operator"), ("granted", "false")])
        .await
        .unwrap();
    admin
        .call_json::<CreateTimer, serde_json::Value>(json!({"name": "Pi two"}))
        .await
        .unwrap();
    // The stream ends without passing the change on.
    let rest = tokio::time::timeout(std::time::Duration::from_secs(5), stream.until_end())
        .await
        .expect("the stream was not closed");
    assert!(
        !rest.iter().any(|(_, data)| data == "changed"),
        "a revoked operator heard: {rest:?}"
    );
}

#[tokio::test]
async fn the_database_holds_no_session_id_a_cookie_could_use() {
    let db = crate::helpers::open_db().await;
    let app = crate::helpers::spawn_on(db.clone(), &[]).await;
    app.browser().sign_up("kim").await.unwrap();
    let signed_in = reqwest::Client::new()
        .post(format!(
            "{}{}",
            app.base_url,
            <app::auth::api::SignIn as server_fn::ServerFn>::PATH
        ))
        .header("Accept", "application/json")
        .form(&[("username", "kim"), ("password", PASSWORD)])
        .send()
        .await
        .unwrap();
    let cookie = signed_in
        .headers()
        .get_all("set-cookie")
        .iter()
        .filter_map(|v| v.to_str().ok())
        .find_map(|c| c.strip_prefix("drem_session="))
        .and_then(|c| c.split(';').next())
        .expect("a session cookie")
        .to_string();
    let stored: Vec<String> = db
        .query("SELECT VALUE record::id(id) FROM session")
        .await
        .unwrap()
        .take(0)
        .unwrap();
    assert!(!stored.is_empty(), "sessions are stored");
    assert!(
        !stored.contains(&cookie),
        "a stored id is a live cookie: {cookie}"
    );
    // The cookie itself still signs kim in.
    let me = reqwest::Client::new()
        .post(format!(
            "{}{}",
            app.base_url,
            <app::auth::api::CurrentUser as server_fn::ServerFn>::PATH
        ))
        .header("Accept", "application/json")
        .header("Cookie", format!("drem_session={cookie}"))
        .send()
        .await
        .unwrap()
        .text()
        .await
        .unwrap();
    assert!(me.contains("\"kim\""), "{me}");
}
