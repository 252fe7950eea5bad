//! Race admin: results from submitted races, lap corrections that re-rank, deletions,
//! CSV exports, and tracks that cannot be deleted out from under their races.

use crate::helpers::{spawn_app, Browser};
use crate::races::{command, track_with_rules};
use app::domain::roles::Role;
use app::events::api::DeleteTrack;
use app::model::{EventResults, LiveRace, RaceSummary, Track, UserId};
use app::race::admin_api::*;
use app::race::api::StartRace;
use reqwest::StatusCode;
use serde_json::json;

/// Runs and submits a race of `laps` quick laps for `racer`.
async fn race(op: &Browser, track: &Track, racer: &UserId, laps: usize, pause_ms: u64) -> LiveRace {
    let mut r: LiveRace = op
        .call_json::<StartRace, _>(
            json!({"track": track.id, "racer": racer, "by_proxy": false, "override_runs": false}),
        )
        .await
        .unwrap();
    r = command(op, &r, json!({"command": "start"})).await.unwrap();
    for _ in 0..laps {
        tokio::time::sleep(std::time::Duration::from_millis(pause_ms)).await;
        r = command(
            op,
            &r,
            json!({"command": "capture_lap", "source": "manual"}),
        )
        .await
        .unwrap();
    }
    r = command(op, &r, json!({"command": "end"})).await.unwrap();
    command(op, &r, json!({"command": "submit"})).await.unwrap()
}

#[tokio::test]
async fn results_follow_every_correction() {
    let app = spawn_app().await;
    let (op, _) = app.signed_in_as(Role::Operator).await;
    let (a, _) = app.signed_in_as(Role::Racer).await;
    let (b, _) = app.signed_in_as(Role::Racer).await;
    let a = a.current_user().await.unwrap();
    let b = b.current_user().await.unwrap();
    let track = track_with_rules(&op, json!({})).await;
    race(&op, &track, &a.id, 2, 30).await;
    let slow = race(&op, &track, &b.id, 2, 90).await;

    let results: EventResults = op
        .call_json::<GetEventResults, _>(json!({"event": track.event}))
        .await
        .unwrap();
    let board = &results.tracks[0].1;
    assert_eq!(board[0].name, a.username, "a's laps were faster");
    assert_eq!(board[0].standing.position, Some(1));

    // Correct b's first lap to 1 ms: b leads now.
    op.call_json::<EditLap, ()>(json!({"race": slow.id, "version": slow.version,
        "edit": {"edit": "set_time", "lap": 0, "time_ms": 1}}))
        .await
        .unwrap();
    let results: EventResults = op
        .call_json::<GetEventResults, _>(json!({"event": track.event}))
        .await
        .unwrap();
    assert_eq!(results.tracks[0].1[0].name, b.username);
    assert_eq!(
        results.tracks[0].1[0].standing.result.map(|r| r.value_ms),
        Some(1)
    );

    // A stale version is refused.
    let stale = op
        .call_json::<EditLap, ()>(json!({"race": slow.id, "version": slow.version,
            "edit": {"edit": "set_valid", "lap": 0, "valid": false}}))
        .await
        .unwrap_err();
    assert_eq!(stale.status, StatusCode::CONFLICT);

    let races: Vec<RaceSummary> = op
        .call_json::<ListRaces, _>(json!({"event": track.event, "track": null, "racer": b.id}))
        .await
        .unwrap();
    assert_eq!(races.len(), 1);
    op.call_json::<DeleteRace, ()>(json!({"race": races[0].id}))
        .await
        .unwrap();
    let results: EventResults = op
        .call_json::<GetEventResults, _>(json!({"event": track.event}))
        .await
        .unwrap();
    assert_eq!(results.tracks[0].1.len(), 1, "b's only race is gone");

    // The CSV exports hold the laps, guarded against formulas, for operators only.
    let laps = op
        .client
        .get(format!(
            "{}/exports/{}/laps.csv",
            op.base_url, track.event.0
        ))
        .send()
        .await
        .unwrap();
    assert_eq!(laps.status(), StatusCode::OK);
    assert!(laps.headers()["content-type"]
        .to_str()
        .unwrap()
        .starts_with("text/csv"));
    let text = laps.text().await.unwrap();
    let mut lines = text.lines();
    assert_eq!(
        lines.next(),
        Some("race id,racer,track,by proxy,date,lap,time ms,time s,resets,valid")
    );
    assert_eq!(lines.count(), 2, "two laps of a's race");
    let summary = op
        .client
        .get(format!(
            "{}/exports/{}/summary.csv",
            op.base_url, track.event.0
        ))
        .send()
        .await
        .unwrap()
        .text()
        .await
        .unwrap();
    assert!(summary.contains(&a.username), "{summary}");
    let anonymous = app
        .browser()
        .client
        .get(format!(
            "{}/exports/{}/laps.csv",
            op.base_url, track.event.0
        ))
        .send()
        .await
        .unwrap();
    assert_eq!(anonymous.status(), StatusCode::UNAUTHORIZED);

    // A track with races is deleted only together with its races, on request.
    let kept = op
        .call_json::<DeleteTrack, ()>(json!({"id": track.id, "delete_races": false}))
        .await
        .unwrap_err();
    assert_eq!(kept.status, StatusCode::CONFLICT);
    op.call_json::<DeleteTrack, ()>(json!({"id": track.id, "delete_races": true}))
        .await
        .unwrap();
    let none: Vec<RaceSummary> = op
        .call_json::<ListRaces, _>(json!({"event": track.event, "track": null, "racer": null}))
        .await
        .unwrap();
    assert!(none.is_empty());
}

#[tokio::test]
async fn csv_cells_cannot_run_formulas() {
    let app = spawn_app().await;
    let (op, _) = app.signed_in_as(Role::Operator).await;
    let evil = app.browser();
    let user = evil.sign_up("formula").await.unwrap();
    evil.call::<app::accounts::api::UpdateProfile, app::model::Profile>(&[
        ("display_name", "=HYPERLINK(\"x\")"),
        ("country", "SE"),
        ("highlight_colour", "#FF0000"),
    ])
    .await
    .unwrap();
    let track = track_with_rules(&op, json!({})).await;
    race(&op, &track, &user.id, 1, 10).await;
    let text = op
        .client
        .get(format!(
            "{}/exports/{}/laps.csv",
            op.base_url, track.event.0
        ))
        .send()
        .await
        .unwrap()
        .text()
        .await
        .unwrap();
    assert!(text.contains("'=HYPERLINK"), "{text}");
    assert!(!text.contains(",=HYPERLINK"), "{text}");
}
