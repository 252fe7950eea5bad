//! Boards computed once per change of results and pushed to every viewer as one frame:
//! counted on `/metrics`, followed by viewers of several boards and by two processes.

use crate::helpers::{board, spawn_app, spawn_pair, Browser, TestApp};
use crate::races::{command, start, track_with_rules};
use app::domain::roles::Role;
use app::wire::{Leaderboard, Piece, PublicUpdate};
use serde_json::json;

/// How a viewer's board came.
#[derive(Debug, PartialEq)]
enum Came {
    Snapshot,
    Whole,
    /// A delta of this many bytes, with this many rows sent whole, applied to the
    /// board the viewer held.
    Delta {
        bytes: usize,
        whole_rows: usize,
    },
}

/// A public stream read as a page reads it: holding the board it was sent, whole or
/// as a delta applied to the one it holds.
struct Viewer {
    stream: crate::helpers::Events,
    board: Option<Leaderboard>,
}

impl Viewer {
    async fn open(app: &TestApp, path: &str) -> Self {
        let stream = app
            .browser()
            .client
            .get(format!("{}{path}", app.base_url))
            .send()
            .await
            .unwrap();
        let mut viewer = Viewer {
            stream: crate::helpers::Events::of(stream),
            board: None,
        };
        assert_eq!(
            viewer.next_board().await.1,
            Came::Snapshot,
            "each connection starts with the board"
        );
        viewer
    }

    /// The next board (race messages skipped), and how it came.
    async fn next_board(&mut self) -> (Leaderboard, Came) {
        loop {
            let data = self.stream.next_named("update").await;
            let update: PublicUpdate = serde_json::from_str(&data).expect("a public update");
            let (next, came) = match update {
                PublicUpdate::BoardDelta { delta, .. } => {
                    let held = self.board.take().expect("a delta comes after a board");
                    let came = Came::Delta {
                        bytes: data.len(),
                        whole_rows: delta
                            .rows
                            .iter()
                            .filter(|p| matches!(p, Piece::New(_)))
                            .count(),
                    };
                    (
                        delta.apply(held).expect("a delta from the board held"),
                        came,
                    )
                }
                whole @ PublicUpdate::Board { .. } => match board(whole) {
                    (b, true) => (b, Came::Snapshot),
                    (b, false) => (b, Came::Whole),
                },
                _ => continue,
            };
            self.board = Some(next.clone());
            return (next, came);
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

async fn viewers(app: &TestApp, path: &str, n: usize) -> Vec<Viewer> {
    let mut out = Vec::new();
    for _ in 0..n {
        out.push(Viewer::open(app, path).await);
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
    for viewer in combined.iter_mut().chain(by_average.iter_mut()) {
        let (pushed, came) = viewer.next_board().await;
        assert_ne!(came, Came::Snapshot);
        assert_eq!(pushed.rows[0].name, racer.username);
        versions.insert(pushed.version);
    }
    assert_eq!(
        versions.len(),
        1,
        "one version for every viewer: {versions:?}"
    );
    for viewer in elsewhere.iter_mut() {
        let (pushed, _) = viewer.next_board().await;
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
async fn a_viewer_holding_the_board_gets_only_its_change_and_makes_the_same_board() {
    let app = spawn_app().await;
    let (op, _) = app.signed_in_as(Role::Operator).await;
    let track = track_with_rules(&op, json!({})).await;
    let mut racers = Vec::new();
    for i in 0..6u64 {
        let (racer, _) = app.signed_in_as(Role::Racer).await;
        let racer = racer.current_user().await.unwrap();
        crate::race_admin::race(&op, &track, &racer.id, 1, 100 + 100 * i).await;
        racers.push(racer);
    }
    let path = format!("/live/events/{}", track.event.0);
    let mut viewer = Viewer::open(&app, &path).await;
    let whole_before = serde_json::to_string(viewer.board.as_ref().unwrap())
        .unwrap()
        .len();

    // The slowest racer's new run is the fastest: one row new, the others move down.
    crate::race_admin::race(&op, &track, &racers[5].id, 1, 50).await;
    let (held, came) = viewer.next_board().await;
    let Came::Delta { bytes, whole_rows } = came else {
        panic!("a viewer holding the board is sent its change, not {came:?}");
    };
    assert!(
        bytes < whole_before,
        "{bytes} B for a change of a {whole_before} B board"
    );
    assert_eq!(
        whole_rows, 1,
        "only the row of the racer who raced goes whole"
    );
    let loaded: Leaderboard = app
        .browser()
        .call_json::<app::leaderboard::api::GetLeaderboard, _>(
            json!({"event": track.event, "track": null}),
        )
        .await
        .unwrap();
    assert_eq!(held, loaded, "the board a page loads now");
    assert_eq!(held.rows[0].name, racers[5].username);
    assert_eq!(held.rows[1].previous_position, Some(1));

    // A viewer connecting now holds the new version, and gets the next change as a delta.
    let mut late = Viewer::open(&app, &path).await;
    assert_eq!(late.board.as_ref().map(|b| b.version), Some(held.version));
    crate::race_admin::race(&op, &track, &racers[4].id, 1, 30).await;
    let (now, came) = late.next_board().await;
    assert!(matches!(came, Came::Delta { .. }), "{came:?}");
    assert_eq!(
        viewer.next_board().await.0,
        now,
        "both viewers hold the same board"
    );
    assert_eq!(now.rows[0].name, racers[4].username);
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

/// The board a process keeps current race by race (a submission, a correction, a
/// deletion, a racer's new name) is the board another process reads whole.
#[tokio::test]
async fn a_board_kept_race_by_race_is_the_board_read_whole() {
    let (first, second) = spawn_pair().await;
    let (op, _) = first.signed_in_as(Role::Operator).await;
    let track = track_with_rules(&op, json!({})).await;
    let mut racers = Vec::new();
    for i in 0..3u64 {
        let (racer, _) = first.signed_in_as(Role::Racer).await;
        let user = racer.current_user().await.unwrap();
        crate::race_admin::race(&op, &track, &user.id, 2, 60 + 40 * i).await;
        racers.push((racer, user));
    }
    let path = format!("/live/events/{}", track.event.0);
    let mut viewer = Viewer::open(&first, &path).await;

    let fastest = crate::race_admin::race(&op, &track, &racers[2].1.id, 1, 20).await;
    assert_eq!(
        viewer.next_board().await.0.rows[0].name,
        racers[2].1.username
    );
    op.call_json::<app::race::admin_api::EditLap, ()>(json!({"race": fastest.id,
        "version": fastest.version, "edit": {"edit": "set_valid", "lap": 0, "valid": false}}))
        .await
        .unwrap();
    let corrected = viewer.next_board().await.0;
    assert_ne!(
        corrected.rows[0].name, racers[2].1.username,
        "its only fast lap no longer counts"
    );
    op.call_json::<app::race::admin_api::DeleteRace, ()>(json!({"race": fastest.id,
        "version": fastest.version + 1, "reason": "Wrong racer"}))
        .await
        .unwrap();
    viewer.next_board().await;
    racers[0]
        .0
        .call::<app::accounts::api::UpdateProfile, app::wire::Profile>(&[
            ("display_name", "Renamed Racer"),
            ("country", "JP"),
            ("highlight_colour", "#FF00FF"),
        ])
        .await
        .unwrap();
    let kept = viewer.next_board().await.0;
    let renamed = kept.rows.iter().find(|r| r.name == "Renamed Racer");
    assert_eq!(
        renamed.map(|r| r.country.as_str()),
        Some("JP"),
        "a new name and country reach the board: {:?}",
        kept.rows
    );

    let read_whole = Viewer::open(&second, &path).await.board.unwrap();
    let without_version = |b: &Leaderboard| Leaderboard {
        version: 0,
        ..b.clone()
    };
    assert_eq!(without_version(&kept), without_version(&read_whole));
}
