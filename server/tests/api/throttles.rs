//! Throttles (issue 17 items 2 and 3): guesses are slowed where they come from, so an
//! attacker elsewhere cannot lock the real user out; password changes count as
//! guesses; sign-ups are throttled per address and refused before any hashing.

use crate::helpers::{assert_invalid, spawn_app, Browser, TestApp, PASSWORD};
use app::accounts::api::ChangePassword;
use reqwest::StatusCode;

/// A browser whose requests come from `address` (any 127.x.y.z reaches loopback).
fn browser_at(app: &TestApp, address: &str) -> Browser {
    Browser {
        client: reqwest::Client::builder()
            .cookie_store(true)
            .local_address(Some(address.parse().expect("an address")))
            .build()
            .expect("client builds"),
        base_url: app.base_url.clone(),
    }
}

#[tokio::test]
async fn guesses_wait_longer_from_where_they_come_and_the_real_user_still_signs_in() {
    let app = spawn_app().await;
    app.browser().sign_up("dana").await.unwrap();
    let attacker = browser_at(&app, "127.0.0.2");
    for _ in 0..3 {
        assert_invalid(
            attacker.sign_in("dana", "wrong-password-1").await,
            "password",
        );
    }
    // The fourth guess from there waits, the right password too.
    let refused = attacker.sign_in("dana", PASSWORD).await.expect_err("waits");
    assert_eq!(refused.status, StatusCode::TOO_MANY_REQUESTS);
    assert!(
        refused.error.to_string().contains("Try again in 2 seconds"),
        "{refused:?}"
    );
    // The attacker keeps guessing: every try is refused, none counts toward a lock.
    for _ in 0..20 {
        let _ = attacker.sign_in("dana", "wrong-password-2").await;
    }
    // Dana, at her own address, signs in at once.
    browser_at(&app, "127.0.0.3")
        .sign_in("dana", PASSWORD)
        .await
        .expect("the real user is not locked out");
    // Another account from the attacker's address is not slowed by dana's failures.
    app.browser().sign_up("erik").await.unwrap();
    attacker
        .sign_in("erik", PASSWORD)
        .await
        .expect("other account signs in");
}

#[tokio::test]
async fn guesses_at_the_current_password_are_throttled_like_sign_ins() {
    let app = spawn_app().await;
    let b = browser_at(&app, "127.0.0.4");
    b.sign_up("fred").await.unwrap();
    let change = |current: &'static str| {
        let b = b.clone();
        async move {
            b.call::<ChangePassword, ()>(&[
                ("current_password", current),
                ("new_password", "another-long-password-9"),
            ])
            .await
        }
    };
    for _ in 0..3 {
        assert_invalid(change("not-my-password-1").await, "current_password");
    }
    let refused = change(PASSWORD).await.expect_err("waits");
    assert_eq!(refused.status, StatusCode::TOO_MANY_REQUESTS);
}

#[tokio::test]
async fn refused_sign_ups_are_throttled_per_address() {
    let app = spawn_app().await;
    app.browser().sign_up("gina").await.unwrap();
    let prober = browser_at(&app, "127.0.0.5");
    for _ in 0..30 {
        assert_invalid(prober.sign_up("gina").await, "username");
    }
    let refused = prober.sign_up("gina").await.expect_err("throttled");
    assert_eq!(refused.status, StatusCode::TOO_MANY_REQUESTS);
    // Even a fresh name waits now, from that address; others sign up.
    let refused = prober.sign_up("hana").await.expect_err("throttled");
    assert_eq!(refused.status, StatusCode::TOO_MANY_REQUESTS);
    browser_at(&app, "127.0.0.6")
        .sign_up("hana")
        .await
        .expect("another address signs up");
}
