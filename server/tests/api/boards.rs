//! Boards computed once per change of results and pushed to every viewer as one frame:
//! counted on `/metrics`, followed by viewers of several boards and by two processes.

use crate::helpers::{board, spawn_pair, Browser, TestApp};
use crate::races::{command, start, track_with_rules};
use app::domain::roles::Role;
use app::model::{Leaderboard, PublicUpdate};
use serde_json::json;

/// The next board message of a public stream (race messages skipped).
async fn next_board(stream: &mut reqwest::Response, buffer: &mut String) -> (Leaderboard, bool) {
    loop {
        let data = crate::helpers::next_event(stream, buffer, "update").await;
        let update: PublicUpdate = serde_json::from_str(&data).expect("a public update");
        if matches!(update, PublicUpdate::Board { .. }) {
            return board(update);
        }
    }
}

/// A metric's value from `/metrics` (the sum over its labels).
async fn metric(op: &Browser, name: &str) -> f64 {
    let text = op
        .client
        .get(format!("{}/metrics", op.base_url))
        .send()
        .await
        .unwrap()
        .text()
        .await
        .unwrap();
    text.lines()
        .filter(|l| l.starts_with(name) && !l.starts_with('#'))
        .filter(|l| l[name.len()..].starts_with([' ', '{']))
        .filter_map(|l| l.rsplit(' ').next()?.parse::<f64>().ok())
        .sum()
}

async fn viewers(app: &TestApp, path: &str, n: usize) -> Vec<(reqwest::Response, String)> {
    let mut out = Vec::new();
    for _ in 0..n {
        let mut stream = app
            .browser()
            .client
            .get(format!("{}{path}", app.base_url))
            .send()
            .await
            .unwrap();
        let mut buffer = String::new();
        let (_, snapshot) = next_board(&mut stream, &mut buffer).await;
        assert!(snapshot, "each connection starts with the board");
        out.push((stream, buffer));
    }
    out
}

#[tokio::test]
async fn a_submitted_race_is_computed_once_per_board_and_reaches_every_viewer() {
    let (first, second) = spawn_pair().await;
    let (op, _) = first.signed_in_as(Role::Operator).await;
    let racer = op.current_user().await.unwrap();
    let track = track_with_rules(&op, json!({})).await;
    let event = &track.event.0;
    // Viewers of two boards of the event on the first process, one on the second.
    let mut combined = viewers(&first, &format!("/live/events/{event}"), 20).await;
    let mut by_average = viewers(&first, &format!("/live/events/{event}?format=average"), 5).await;
    let mut elsewhere = viewers(&second, &format!("/live/events/{event}"), 5).await;
    let op_second = Browser {
        base_url: second.base_url.clone(),
        ..op.clone()
    };
    let before = metric(&op, "drem_board_computations_total").await;
    assert_eq!(
        before, 2.0,
        "one computation per board, for all its viewers"
    );
    assert_eq!(metric(&op, "drem_live_subscribers").await, 25.0);

    let race = start(&op, &track, &racer.id).await.unwrap();
    let race = command(&op, &race, json!({"command": "start"}))
        .await
        .unwrap();
    let race = command(
        &op,
        &race,
        json!({"command": "capture_lap", "source": "manual"}),
    )
    .await
    .unwrap();
    let race = command(&op, &race, json!({"command": "end"}))
        .await
        .unwrap();
    command(&op, &race, json!({"command": "submit"}))
        .await
        .unwrap();

    let mut versions = std::collections::BTreeSet::new();
    for (stream, buffer) in combined.iter_mut().chain(by_average.iter_mut()) {
        let (pushed, snapshot) = next_board(stream, buffer).await;
        assert!(!snapshot);
        assert_eq!(pushed.rows[0].name, racer.username);
        versions.insert(pushed.version);
    }
    assert_eq!(
        versions.len(),
        1,
        "one version for every viewer: {versions:?}"
    );
    for (stream, buffer) in elsewhere.iter_mut() {
        let (pushed, _) = next_board(stream, buffer).await;
        assert_eq!(
            pushed.rows[0].name, racer.username,
            "the other process's viewers too"
        );
    }
    assert_eq!(
        metric(&op, "drem_board_computations_total").await - before,
        2.0,
        "the change computed each kept board once"
    );
    assert_eq!(
        metric(&op_second, "drem_board_computations_total").await,
        2.0,
        "the second process: once at its viewer's connection, once for the change"
    );
    assert!(metric(&op, "drem_live_frames_sent_total").await >= 25.0);
    // A page loading now is served the kept board: no computation.
    let (_, body) = first
        .browser()
        .post_json::<app::leaderboard::api::GetLeaderboard>(&json!({"event": event, "track": null}))
        .await;
    let loaded: Leaderboard = serde_json::from_str(&body).unwrap();
    assert!(versions.contains(&loaded.version), "the kept board");
    assert_eq!(
        metric(&op, "drem_board_computations_total").await - before,
        2.0
    );
    // Metrics are for operators.
    let anonymous = first
        .browser()
        .client
        .get(format!("{}/metrics", first.base_url))
        .send()
        .await
        .unwrap();
    assert_eq!(anonymous.status(), reqwest::StatusCode::UNAUTHORIZED);
}

#[tokio::test]
async fn a_public_page_is_rendered_once_a_second_for_visitors_and_never_for_the_signed_in() {
    let (app, _) = spawn_pair().await;
    let (op, _) = app.signed_in_as(Role::Operator).await;
    let racer = op.current_user().await.unwrap();
    let track = track_with_rules(&op, json!({})).await;
    let page = format!("{}/events/{}/leaderboard", app.base_url, track.event.0);
    let race = start(&op, &track, &racer.id).await.unwrap();
    let race = command(&op, &race, json!({"command": "start"}))
        .await
        .unwrap();
    let race = command(
        &op,
        &race,
        json!({"command": "capture_lap", "source": "manual"}),
    )
    .await
    .unwrap();
    let race = command(&op, &race, json!({"command": "end"}))
        .await
        .unwrap();
    let get = |client: reqwest::Client| {
        let page = page.clone();
        async move {
            let res = client.get(&page).send().await.unwrap();
            assert_eq!(res.status(), reqwest::StatusCode::OK);
            assert!(res.headers().get("set-cookie").is_none());
            res.text().await.unwrap()
        }
    };
    let visitor = app.browser().client;
    // The racer is on track; once submitted, on the board instead.
    let before = get(visitor.clone()).await;
    command(&op, &race, json!({"command": "submit"}))
        .await
        .unwrap();
    assert_eq!(
        get(visitor.clone()).await,
        before,
        "within the second, the page as rendered"
    );
    assert_ne!(
        get(op.client.clone()).await,
        before,
        "a signed-in visitor's page is rendered for them"
    );
    tokio::time::sleep(std::time::Duration::from_millis(1100)).await;
    assert_ne!(get(visitor).await, before, "a second later, rendered again");
}
