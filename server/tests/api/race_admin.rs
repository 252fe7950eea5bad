//! Race admin: results from submitted races, lap corrections that re-rank, deletions,
//! CSV exports, and tracks that cannot be deleted out from under their races.

use crate::helpers::{spawn_app, Browser};
use crate::races::{command, track_with_rules};
use app::domain::roles::Role;
use app::events::api::DeleteTrack;
use app::race::admin_api::*;
use app::race::api::StartRace;
use app::wire::{EventResults, LiveRace, RaceSummary, Track, UserId};
use reqwest::StatusCode;
use serde_json::json;

/// GETs a path with the browser's cookies: status and body.
pub async fn download(b: &Browser, path: &str) -> (StatusCode, String) {
    let res = b
        .client
        .get(format!("{}{path}", b.base_url))
        .send()
        .await
        .unwrap();
    (res.status(), res.text().await.unwrap_or_default())
}

/// Runs and submits a race of `laps` quick laps for `racer`.
pub async fn race(
    op: &Browser,
    track: &Track,
    racer: &UserId,
    laps: usize,
    pause_ms: u64,
) -> LiveRace {
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

    let before: Vec<RaceSummary> = op
        .call_json::<ListRaces, _>(json!({"event": track.event, "track": null, "racer": b.id}))
        .await
        .unwrap();
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
    assert_eq!(
        (races[0].order, &races[0].submitted_at),
        (before[0].order, &before[0].submitted_at),
        "a correction keeps the race's place in time (tie-breaks)"
    );
    op.call_json::<DeleteRace, ()>(
        json!({"race": races[0].id, "version": races[0].version, "reason": "Wrong track"}),
    )
    .await
    .unwrap();
    let results: EventResults = op
        .call_json::<GetEventResults, _>(json!({"event": track.event}))
        .await
        .unwrap();
    assert_eq!(results.tracks[0].1.len(), 1, "b's only race is gone");

    // The CSV exports hold the laps, for operators only.
    let laps_path = format!("/exports/{}/laps.csv", track.event.0);
    let head = op
        .client
        .get(format!("{}{laps_path}", op.base_url))
        .send()
        .await
        .unwrap();
    assert!(head.headers()["content-type"]
        .to_str()
        .unwrap()
        .starts_with("text/csv"));
    let (status, text) = download(&op, &laps_path).await;
    assert_eq!(status, StatusCode::OK);
    let mut lines = text.lines();
    assert_eq!(
        lines.next(),
        Some("race id,racer,track,car,by proxy,date,lap,time ms,time s,resets,valid,penalty ms,race penalty ms")
    );
    assert_eq!(lines.count(), 2, "two laps of a's race");
    let (_, summary) = download(&op, &format!("/exports/{}/summary.csv", track.event.0)).await;
    assert!(summary.contains(&a.username), "{summary}");
    let (anonymous, _) = download(&app.browser(), &laps_path).await;
    assert_eq!(anonymous, StatusCode::UNAUTHORIZED);

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
    evil.call::<app::accounts::api::UpdateProfile, app::wire::Profile>(&[
        ("display_name", "=HYPERLINK(\"x\")"),
        ("country", "SE"),
        ("highlight_colour", "#FF0000"),
    ])
    .await
    .unwrap();
    // A spreadsheet that splits on `;` (German, French, Spanish, Swedish) would make
    // the text after it a cell of its own.
    let semi = app.browser();
    let other = semi.sign_up("semicolon").await.unwrap();
    semi.call::<app::accounts::api::UpdateProfile, app::wire::Profile>(&[
        ("display_name", "x;=1+1;"),
        ("country", "SE"),
        ("highlight_colour", "#FF0000"),
    ])
    .await
    .unwrap();
    let track = track_with_rules(&op, json!({})).await;
    race(&op, &track, &user.id, 1, 10).await;
    race(&op, &track, &other.id, 1, 10).await;
    let (_, text) = download(&op, &format!("/exports/{}/laps.csv", track.event.0)).await;
    assert!(text.contains("'=HYPERLINK"), "{text}");
    assert!(!text.contains(",=HYPERLINK"), "{text}");
    assert!(text.contains("x;'=1+1;"), "{text}");
    assert!(!text.contains(";=1+1"), "{text}");
}

#[tokio::test]
async fn a_race_on_track_is_neither_corrected_nor_deleted_from_race_admin() {
    let app = spawn_app().await;
    let (op, _) = app.signed_in_as(Role::Operator).await;
    let racer = op.current_user().await.unwrap();
    let track = track_with_rules(&op, json!({})).await;
    let lap = json!({"command": "capture_lap", "source": "manual"});
    let race = crate::races::start(&op, &track, &racer.id).await.unwrap();
    let race = command(&op, &race, json!({"command": "start"}))
        .await
        .unwrap();
    let race = command(&op, &race, lap.clone()).await.unwrap();
    let edited = op
        .call_json::<EditLap, ()>(json!({"race": race.id, "version": race.version,
            "edit": {"edit": "set_time", "lap": 0, "time_ms": 1}}))
        .await
        .unwrap_err();
    assert_eq!(edited.status, StatusCode::CONFLICT);
    let deleted = op
        .call_json::<DeleteRace, ()>(
            json!({"race": race.id, "version": race.version, "reason": "Test"}),
        )
        .await
        .unwrap_err();
    assert_eq!(deleted.status, StatusCode::CONFLICT);
    // Untouched, and still the race manager's to run.
    let race = command(&op, &race, lap).await.unwrap();
    assert_eq!(race.race.laps.len(), 2);
    assert_ne!(race.race.laps[0].time_ms, 1);
}

#[tokio::test]
async fn a_missed_lap_is_added_and_a_double_lap_split_and_bad_fixes_change_nothing() {
    let app = spawn_app().await;
    let (op, _) = app.signed_in_as(Role::Operator).await;
    let me = op.current_user().await.unwrap();
    let track = track_with_rules(&op, json!({})).await;
    let done = race(&op, &track, &me.id, 1, 10).await;
    let first = laps_of(&op, &track).await.1[0];

    op.call_json::<EditLap, ()>(json!({"race": done.id, "version": done.version,
        "edit": {"edit": "add", "at": 1, "time_ms": 12_000, "valid": true}}))
        .await
        .unwrap();
    let (version, times) = laps_of(&op, &track).await;
    assert_eq!(times, vec![first, 12_000]);
    op.call_json::<EditLap, ()>(json!({"race": done.id, "version": version,
        "edit": {"edit": "split", "lap": 1, "first_ms": 5_000}}))
        .await
        .unwrap();
    let (version, times) = laps_of(&op, &track).await;
    assert_eq!(times, vec![first, 5_000, 7_000]);

    // Bad fixes: refused with why, and the race stays as it was.
    for edit in [
        json!({"edit": "split", "lap": 1, "first_ms": 5_000}),
        json!({"edit": "split", "lap": 7, "first_ms": 1}),
        json!({"edit": "add", "at": 9, "time_ms": 1_000, "valid": true}),
        json!({"edit": "add", "at": 0, "time_ms": 3_600_001, "valid": true}),
    ] {
        let refused = op
            .call_json::<EditLap, ()>(json!({"race": done.id, "version": version, "edit": edit}))
            .await
            .unwrap_err();
        assert_eq!(refused.status, StatusCode::UNPROCESSABLE_ENTITY, "{edit}");
    }
    assert_eq!(
        laps_of(&op, &track).await,
        (version, vec![first, 5_000, 7_000])
    );
    let results: EventResults = op
        .call_json::<GetEventResults, _>(json!({"event": track.event}))
        .await
        .unwrap();
    assert_eq!(results.tracks[0].1[0].standing.stats.valid_laps, 3);
}

/// The version of the event's one race and its lap times.
async fn laps_of(op: &Browser, track: &Track) -> (u64, Vec<u64>) {
    let races: Vec<RaceSummary> = op
        .call_json::<ListRaces, _>(json!({"event": track.event, "track": null, "racer": null}))
        .await
        .unwrap();
    let race = races.into_iter().next().unwrap();
    (
        race.version,
        race.race.laps.iter().map(|l| l.time_ms).collect(),
    )
}
