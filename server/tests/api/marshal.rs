//! Marshaling beyond laps: penalties, moving a race, raced by proxy, delete and
//! restore; each kept in the race's log with who, what and why, and bad input that
//! changes nothing.

use crate::helpers::{spawn_app, Browser};
use crate::race_admin::race;
use crate::races::track_with_rules;
use app::accounts::api::DeleteUser;
use app::domain::roles::Role;
use app::race::admin_api::*;
use app::wire::{EventId, EventResults, RaceSummary, Track};
use reqwest::StatusCode;
use serde_json::json;

async fn races(op: &Browser, event: &EventId) -> Vec<RaceSummary> {
    op.call_json::<ListRaces, _>(json!({"event": event, "track": null, "racer": null}))
        .await
        .unwrap()
}

/// The ranked racers' usernames and results, best first.
async fn board(op: &Browser, track: &Track) -> Vec<(String, Option<u64>)> {
    let results: EventResults = op
        .call_json::<GetEventResults, _>(json!({"event": track.event}))
        .await
        .unwrap();
    results.tracks[0]
        .1
        .iter()
        .map(|r| {
            (
                r.standing.stats.listed_as.username.clone(),
                r.standing.result.map(|a| a.value_ms),
            )
        })
        .collect()
}

#[tokio::test]
async fn penalties_move_proxy_delete_and_restore_are_logged_and_rerank() {
    let app = spawn_app().await;
    let (op, op_name) = app.signed_in_as(Role::Operator).await;
    let (a, a_name) = app.signed_in_as(Role::Racer).await;
    let (b, b_name) = app.signed_in_as(Role::Racer).await;
    let (a, b) = (
        a.current_user().await.unwrap(),
        b.current_user().await.unwrap(),
    );
    let track = track_with_rules(&op, json!({})).await;
    race(&op, &track, &a.id, 1, 10).await;
    race(&op, &track, &b.id, 1, 60).await;
    let ranked = board(&op, &track).await;
    assert_eq!(ranked[0].0, a_name, "a's lap is the faster");
    let a_race = races(&op, &track.event).await.remove(0);
    let a_lap = a_race.race.laps[0].time_ms;

    // A penalty needs a reason; then it counts in the race's result.
    let penalty = |version: u64, reason: serde_json::Value| {
        json!({"race": a_race.id, "version": version,
            "edit": {"edit": "penalty", "lap": 0, "ms": 5_000}, "reason": reason})
    };
    let refused = op
        .call_json::<EditLap, ()>(penalty(a_race.version, json!(null)))
        .await
        .unwrap_err();
    assert_eq!(refused.status, StatusCode::UNPROCESSABLE_ENTITY);
    op.call_json::<EditLap, ()>(penalty(a_race.version, json!("Cut the chicane")))
        .await
        .unwrap();
    let ranked = board(&op, &track).await;
    assert_eq!(ranked[0].0, b_name, "a's lap now counts 5 s more");
    assert_eq!(ranked[1], (a_name.clone(), Some(a_lap + 5_000)));

    // Out of range: refused, and nothing changes.
    let a_race = races(&op, &track.event).await.remove(0);
    for ms in [-1, 3_600_001] {
        let refused = op
            .call_json::<EditLap, ()>(json!({"race": a_race.id, "version": a_race.version,
                "edit": {"edit": "penalty", "lap": null, "ms": ms}, "reason": "x"}))
            .await
            .unwrap_err();
        assert_eq!(refused.status, StatusCode::UNPROCESSABLE_ENTITY, "{ms}");
    }
    assert_eq!(races(&op, &track.event).await[0].version, a_race.version);

    // The wrong racer was picked: a's race is b's. Moving it to a deleted account is
    // refused first.
    let (admin, _) = app.signed_in_as(Role::Admin).await;
    let (gone, _) = app.signed_in_as(Role::Racer).await;
    let gone = gone.current_user().await.unwrap();
    admin
        .call::<DeleteUser, ()>(&[("user", &gone.id.0)])
        .await
        .unwrap();
    let move_to = |racer: &app::wire::UserId| {
        json!({"race": a_race.id, "version": a_race.version, "racer": racer,
            "reason": "Picked the wrong racer"})
    };
    let refused = op
        .call_json::<MoveRace, ()>(move_to(&gone.id))
        .await
        .unwrap_err();
    assert_eq!(refused.status, StatusCode::UNPROCESSABLE_ENTITY);
    op.call_json::<MoveRace, ()>(move_to(&b.id)).await.unwrap();
    let ranked = board(&op, &track).await;
    assert_eq!(ranked.len(), 1, "both races are b's now: {ranked:?}");
    assert_eq!(ranked[0].0, b_name);

    // Raced by proxy, then deleted and restored.
    let moved = races(&op, &track.event)
        .await
        .into_iter()
        .find(|r| r.id == a_race.id)
        .unwrap();
    op.call_json::<SetByProxy, ()>(json!({"race": moved.id, "version": moved.version,
        "by_proxy": true, "reason": "Their teammate drove"}))
        .await
        .unwrap();
    let version = moved.version + 1;
    let refused = op
        .call_json::<DeleteRace, ()>(json!({"race": moved.id, "version": version, "reason": " "}))
        .await
        .unwrap_err();
    assert_eq!(
        refused.status,
        StatusCode::UNPROCESSABLE_ENTITY,
        "no reason"
    );
    op.call_json::<DeleteRace, ()>(json!({"race": moved.id, "version": version,
        "reason": "Ran on the wrong track"}))
        .await
        .unwrap();
    assert_eq!(races(&op, &track.event).await.len(), 1);
    let deleted: Vec<RaceSummary> = op
        .call_json::<ListDeletedRaces, _>(json!({"event": track.event}))
        .await
        .unwrap();
    assert_eq!(deleted.len(), 1);
    // A deleted race is not corrected until restored.
    let refused = op
        .call_json::<EditLap, ()>(json!({"race": moved.id, "version": version + 1,
            "edit": {"edit": "set_valid", "lap": 0, "valid": false}}))
        .await
        .unwrap_err();
    assert_eq!(refused.status, StatusCode::UNPROCESSABLE_ENTITY);
    op.call_json::<RestoreRace, ()>(json!({"race": moved.id, "version": version + 1,
        "reason": "It was the right track after all"}))
        .await
        .unwrap();
    let restored = races(&op, &track.event)
        .await
        .into_iter()
        .find(|r| r.id == moved.id)
        .expect("restored into the results");
    assert!(restored.by_proxy);
    assert_eq!(restored.race.laps[0].penalty_ms, 5_000);

    // The log: who, what and why, oldest first.
    let log: Vec<(String, String, String)> = restored
        .corrections
        .iter()
        .map(|c| (c.by.clone(), c.what.clone(), c.why.clone()))
        .collect();
    let what: Vec<&str> = log.iter().map(|l| l.1.as_str()).collect();
    assert_eq!(
        what,
        vec![
            "Penalty on lap 1: +5.000 s",
            &format!("Moved from {a_name} to {b_name}"),
            "Raced by proxy",
            "Deleted",
            "Restored",
        ]
    );
    assert!(log.iter().all(|l| l.0 == op_name), "{log:?}");
    assert_eq!(log[0].2, "Cut the chicane");
    assert!(restored.corrections.iter().all(|c| c.at.len() == 19));
}
