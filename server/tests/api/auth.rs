//! Sign-up, sign-in, sign-out, sessions, throttling, health and the first admin.

use crate::helpers::{assert_invalid, spawn_app, ADMIN_PASSWORD, PASSWORD};
use app::auth::api::{SignOut, SignUp};
use app::domain::roles::Role;
use app::ssr::bootstrap::FirstAdmin;
use clap::Parser;
use drem_server::{config::Config, Application};
use reqwest::StatusCode;

#[tokio::test]
async fn sign_up_creates_a_signed_in_racer() {
    let app = spawn_app().await;
    let browser = app.browser();
    assert_eq!(browser.current_user().await, None);
    let user = browser.sign_up("ann_1").await.expect("sign-up works");
    assert_eq!(user.username, "ann_1");
    assert_eq!(user.roles, vec![Role::Racer]);
    assert_eq!(browser.current_user().await, Some(user));
}

#[tokio::test]
async fn sign_up_reports_the_field_that_is_wrong() {
    let app = spawn_app().await;
    let b = app.browser();
    let form = |username: &'static str,
                email: &'static str,
                country: &'static str,
                password: &'static str| {
        [
            ("username", username),
            ("email", email),
            ("country", country),
            ("password", password),
        ]
    };
    let cases = [
        (form("a b", "a@example.com", "SE", PASSWORD), "username"),
        (form("ab", "a@example.com", "SE", PASSWORD), "username"),
        (form("anna", "not-an-email", "SE", PASSWORD), "email"),
        (form("anna", "a@example.com", "Sweden", PASSWORD), "country"),
        (form("anna", "a@example.com", "SE", "short"), "password"),
        (
            form("anna", "a@example.com", "SE", "password123"),
            "password",
        ),
    ];
    for (fields, field) in cases {
        assert_invalid(b.call::<SignUp, ()>(&fields).await, field);
    }
    b.sign_up("anna").await.expect("valid sign-up");
    let other = app.browser();
    assert_invalid(
        other
            .call::<SignUp, ()>(&form("ANNA", "b@example.com", "SE", PASSWORD))
            .await,
        "username",
    );
    assert_invalid(
        other
            .call::<SignUp, ()>(&form("bob", "Anna@Example.com", "SE", PASSWORD))
            .await,
        "email",
    );
}

#[tokio::test]
async fn sign_in_and_out() {
    let app = spawn_app().await;
    app.browser().sign_up("carla").await.unwrap();
    let b = app.browser();
    assert_invalid(b.sign_in("carla", "wrong-password-1").await, "password");
    assert_invalid(b.sign_in("nobody", PASSWORD).await, "password");
    let user = b
        .sign_in("Carla", PASSWORD)
        .await
        .expect("case-insensitive username");
    assert_eq!(user.username, "carla");
    assert_eq!(
        b.current_user().await.map(|u| u.username),
        Some("carla".into())
    );
    b.call::<SignOut, ()>(&[]).await.expect("sign-out works");
    assert_eq!(b.current_user().await, None);
}

#[tokio::test]
async fn session_cookie_is_rotated_at_sign_in_and_locked_down() {
    let app = spawn_app().await;
    app.browser().sign_up("fay").await.unwrap();
    let b = app.browser();
    let cookie_of = |res: &reqwest::Response| {
        res.headers()
            .get_all("set-cookie")
            .iter()
            .filter_map(|v| v.to_str().ok())
            .find(|c| c.starts_with("drem_session="))
            .map(str::to_string)
    };
    let sign_in = || {
        b.client
            .post(format!(
                "{}{}",
                app.base_url,
                <app::auth::api::SignIn as server_fn::ServerFn>::PATH
            ))
            .header("Accept", "application/json")
            .form(&[("username", "fay"), ("password", PASSWORD)])
            .send()
    };
    let first = sign_in().await.unwrap();
    let first_cookie = cookie_of(&first).expect("session cookie set");
    assert!(first_cookie.contains("HttpOnly"), "{first_cookie}");
    assert!(first_cookie.contains("SameSite=Lax"), "{first_cookie}");
    assert!(
        !first_cookie.contains("Secure"),
        "plain http must not set Secure"
    );
    let second = sign_in().await.unwrap();
    let second_cookie = cookie_of(&second).expect("new session cookie");
    let id = |c: &str| c.split(';').next().unwrap_or_default().to_string();
    assert_ne!(id(&first_cookie), id(&second_cookie), "session id rotated");
    // The old id no longer signs anyone in.
    let stale = app
        .browser()
        .client
        .post(format!(
            "{}{}",
            app.base_url,
            <app::auth::api::CurrentUser as server_fn::ServerFn>::PATH
        ))
        .header("Cookie", id(&first_cookie))
        .send()
        .await
        .unwrap()
        .text()
        .await
        .unwrap();
    assert_eq!(stale, "null");
}

#[tokio::test]
async fn healthz_answers_when_the_database_does() {
    let app = spawn_app().await;
    let res = reqwest::get(format!("{}/healthz", app.base_url))
        .await
        .unwrap();
    assert_eq!(res.status(), StatusCode::OK);
    assert!(res.headers().contains_key("x-request-id"));
}

#[tokio::test]
async fn the_first_admin_gets_the_preset_password_or_a_generated_one() {
    let app = spawn_app().await;
    let admin = app
        .browser()
        .sign_in("admin", ADMIN_PASSWORD)
        .await
        .unwrap();
    assert!(admin.roles.contains(&Role::Admin));

    let built = Application::build(Config::parse_from([
        "drem",
        "--bind",
        "127.0.0.1:0",
        "--database-url",
        "mem://",
    ]))
    .await
    .unwrap();
    let FirstAdmin::Generated { username, password } = &built.first_admin else {
        panic!("no password given, so one must be generated");
    };
    assert_eq!(username, "admin");
    assert!(password.len() >= 20);
    let base = format!("http://{}", built.address());
    let password = password.clone();
    tokio::spawn(built.run());
    let b = crate::helpers::Browser {
        client: reqwest::Client::builder()
            .cookie_store(true)
            .build()
            .unwrap(),
        base_url: base,
    };
    b.sign_in("admin", &password)
        .await
        .expect("generated password works");

    let weak = Application::build(Config::parse_from([
        "drem",
        "--bind",
        "127.0.0.1:0",
        "--database-url",
        "mem://",
        "--admin-password",
        "admin",
    ]))
    .await;
    assert!(weak.is_err(), "a weak preset password is refused");
}

#[tokio::test]
async fn a_refused_plain_form_post_goes_back_to_its_page_and_a_script_call_gets_the_status() {
    let app = spawn_app().await;
    let form = [("username", "admin"), ("password", "not-the-password")];
    let url = format!("{}/api/sign_in", app.base_url);
    // Without scripts: the browser posts the form and is sent back to the page.
    let res = app
        .browser()
        .client
        .post(&url)
        .header("Accept", "text/html")
        .header("Referer", format!("{}/sign-in", app.base_url))
        .form(&form)
        .send()
        .await
        .unwrap();
    assert_eq!(res.status(), StatusCode::FOUND);
    let back = res.headers()["location"].to_str().unwrap();
    // Leptos adds the error to the address, for the page to show.
    assert!(back.contains("/sign-in"), "{back}");
    // From the page's script: the error's own status.
    let res = app
        .browser()
        .client
        .post(&url)
        .header("Accept", "application/json")
        .form(&form)
        .send()
        .await
        .unwrap();
    assert!(res.status().is_client_error(), "{}", res.status());
}
