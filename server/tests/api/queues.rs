//! Check-in and the tracks' queues: the desk's steps hold a racer back until done (an
//! operator may override, recorded), nobody waits twice, a race takes its racer out,
//! and public pages hear who is next up.

use crate::helpers::{spawn_app, Browser, Events};
use crate::races::{start, track_with_rules};
use app::checkin::api::*;
use app::domain::roles::Role;
use app::wire::{CheckinSheet, Leaderboard, PublicUpdate, Track, TrackQueue, UserId};
use reqwest::StatusCode;
use serde_json::json;

async fn queue(
    b: &Browser,
    track: &Track,
    racer: &UserId,
    anyway: bool,
) -> Result<TrackQueue, crate::helpers::Failure> {
    b.call_json::<QueueRacer, TrackQueue>(
        json!({"track": track.id, "racer": racer, "anyway": anyway}),
    )
    .await
}

async fn tick(
    b: &Browser,
    track: &Track,
    racer: &UserId,
    label: &str,
    done: bool,
) -> Result<Vec<String>, crate::helpers::Failure> {
    b.call_json::<SetCheckin, Vec<String>>(
        json!({"event": track.event, "racer": racer, "label": label, "done": done}),
    )
    .await
}

fn names(queue: &TrackQueue) -> Vec<&str> {
    queue.entries.iter().map(|e| e.name.as_str()).collect()
}

#[tokio::test]
async fn a_racer_waits_once_after_checking_in_and_leaves_the_queue_to_race() {
    let app = spawn_app().await;
    let (op, _) = app.signed_in_as(Role::Operator).await;
    let (desk, _) = app.signed_in_as(Role::Registration).await;
    let track = track_with_rules(&op, json!({})).await;
    let (anna, anna_name) = app.signed_in_as(Role::Racer).await;
    let (bo, _) = app.signed_in_as(Role::Racer).await;
    let (anna, bo) = (
        anna.current_user().await.unwrap().id,
        bo.current_user().await.unwrap().id,
    );

    // Not checked in: the desk is told what is missing, and nothing changes.
    let refused = queue(&desk, &track, &anna, false).await.unwrap_err();
    assert_eq!(refused.status, StatusCode::CONFLICT);
    assert!(
        refused.error.to_string().contains("Checked in"),
        "{}",
        refused.error
    );
    // Only an operator may override.
    assert_eq!(
        queue(&desk, &track, &anna, true).await.unwrap_err().status,
        StatusCode::CONFLICT
    );
    let sheet: CheckinSheet = desk
        .call_json::<GetCheckinSheet, _>(json!({"event": track.event}))
        .await
        .unwrap();
    assert!(sheet.racers.iter().all(|r| r.queued_on.is_empty()));

    assert_eq!(
        tick(&desk, &track, &anna, "Checked in", true)
            .await
            .unwrap(),
        vec!["Checked in"]
    );
    assert_eq!(
        names(&queue(&desk, &track, &anna, false).await.unwrap()),
        vec![anna_name.as_str()]
    );
    let twice = queue(&desk, &track, &anna, false).await.unwrap_err();
    assert_eq!(twice.status, StatusCode::CONFLICT, "queued twice");
    assert!(twice.error.to_string().contains("already"));

    // An operator's override is recorded on the entry.
    let with_bo = queue(&op, &track, &bo, true).await.unwrap();
    assert_eq!(with_bo.entries.len(), 2);
    let bo_entry = &with_bo.entries[1];
    assert_eq!(bo_entry.missing, vec!["Checked in"]);
    assert!(
        bo_entry
            .overridden
            .as_deref()
            .is_some_and(|o| o.contains("Checked in")),
        "{bo_entry:?}"
    );

    // Bo goes first; starting Anna's race takes her out of the queue.
    let moved: TrackQueue = op
        .call_json::<MoveInQueue, _>(json!({"track": track.id, "racer": bo, "to": 0}))
        .await
        .unwrap();
    assert_eq!(moved.entries[0].racer, bo);
    start(&op, &track, &anna).await.unwrap();
    let now: TrackQueue = op
        .call_json::<GetQueue, _>(json!({"track": track.id}))
        .await
        .unwrap();
    assert_eq!(
        now.entries.iter().map(|e| &e.racer).collect::<Vec<_>>(),
        vec![&bo]
    );
    let out: TrackQueue = op
        .call_json::<Unqueue, _>(json!({"track": track.id, "racer": bo}))
        .await
        .unwrap();
    assert!(out.entries.is_empty());
    let gone = op
        .call_json::<Unqueue, TrackQueue>(json!({"track": track.id, "racer": bo}))
        .await
        .unwrap_err();
    assert_eq!(gone.status, StatusCode::NOT_FOUND);
}

#[tokio::test]
async fn bad_queue_requests_are_refused_and_change_nothing() {
    let app = spawn_app().await;
    let (op, _) = app.signed_in_as(Role::Operator).await;
    let track = track_with_rules(&op, json!({})).await;
    let racer = op.current_user().await.unwrap().id;
    let nobody = UserId("nobody".into());
    assert_eq!(
        queue(&op, &track, &nobody, true).await.unwrap_err().status,
        StatusCode::NOT_FOUND
    );
    let unknown_step = tick(&op, &track, &racer, "Paid", true).await.unwrap_err();
    assert_eq!(unknown_step.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert_eq!(
        tick(&op, &track, &nobody, "Checked in", true)
            .await
            .unwrap_err()
            .status,
        StatusCode::NOT_FOUND
    );
    let elsewhere = Track {
        id: app::wire::TrackId("nope".into()),
        ..track.clone()
    };
    assert_eq!(
        queue(&op, &elsewhere, &racer, true)
            .await
            .unwrap_err()
            .status,
        StatusCode::NOT_FOUND
    );
    // A racer of another event's desk is not checked in here.
    let other = track_with_rules(&op, json!({})).await;
    tick(&op, &other, &racer, "Checked in", true).await.unwrap();
    assert_eq!(
        queue(&op, &track, &racer, false).await.unwrap_err().status,
        StatusCode::CONFLICT
    );
    let q: TrackQueue = op
        .call_json::<GetQueue, _>(json!({"track": track.id}))
        .await
        .unwrap();
    assert!(q.entries.is_empty());
}

#[tokio::test]
async fn the_public_board_shows_who_is_next_up_and_follows_the_queue_live() {
    let app = spawn_app().await;
    let (op, _) = app.signed_in_as(Role::Operator).await;
    let track = track_with_rules(&op, json!({})).await;
    let (racer, name) = app.signed_in_as(Role::Racer).await;
    let racer = racer.current_user().await.unwrap().id;
    let public = app.browser();
    let url = format!("{}/live/events/{}", public.base_url, track.event.0);
    let mut stream = Events::of(public.client.get(&url).send().await.unwrap());
    stream.next_named("update").await; // the board

    queue(&op, &track, &racer, true).await.unwrap();
    let update: PublicUpdate = serde_json::from_str(&stream.next_named("update").await).unwrap();
    match update {
        PublicUpdate::Queue { track: t, next_up } => {
            assert_eq!(t, track.id);
            assert_eq!(
                next_up.iter().map(|n| n.name.as_str()).collect::<Vec<_>>(),
                vec![name.as_str()]
            );
            assert!(
                !next_up[0].handle.contains(&racer.0),
                "no ids on public pages"
            );
        }
        other => panic!("expected the queue, got {other:?}"),
    }
    let board: Leaderboard = public
        .call_json::<app::leaderboard::api::GetLeaderboard, _>(
            json!({"event": track.event, "track": null}),
        )
        .await
        .unwrap();
    assert_eq!(board.next_up.len(), 1);
    // A new connection starts with it too.
    let mut fresh = Events::of(public.client.get(&url).send().await.unwrap());
    let first: PublicUpdate = serde_json::from_str(&fresh.next_named("update").await).unwrap();
    assert_eq!(crate::helpers::board(first).0.next_up.len(), 1);
}

#[tokio::test]
async fn a_racer_sees_their_place_when_they_race_and_their_races_on_their_phone() {
    let app = spawn_app().await;
    let (op, _) = app.signed_in_as(Role::Operator).await;
    let track = track_with_rules(&op, json!({"race_time_ms": 120_000})).await;
    let (anna_b, _) = app.signed_in_as(Role::Racer).await;
    let (bo_b, _) = app.signed_in_as(Role::Racer).await;
    let (anna, bo) = (
        anna_b.current_user().await.unwrap().id,
        bo_b.current_user().await.unwrap().id,
    );
    let day = |b: &Browser| {
        let b = b.clone();
        async move {
            b.call_json::<app::my_day::api::GetMyRaceDay, app::wire::MyRaceDay>(
                json!({"event": null}),
            )
            .await
            .unwrap()
        }
    };
    // Nowhere yet: no event to show.
    assert_eq!(day(&bo_b).await.event, None);

    for racer in [&anna, &bo] {
        queue(&op, &track, racer, true).await.unwrap();
    }
    let bo_day = day(&bo_b).await;
    assert_eq!(bo_day.event.as_ref().map(|e| &e.0), Some(&track.event));
    let place = &bo_day.places[0];
    assert_eq!((place.position, place.waiting), (2, 2));
    // No race here today: a turn is the race time and a minute; one racer ahead.
    assert!(!place.turn_measured);
    assert_eq!(place.turn_ms, 180_000);
    assert_eq!(place.wait_ms, 180_000);

    // Anna races: Bo is next, after the race on track.
    let race = start(&op, &track, &anna).await.unwrap();
    let place = day(&bo_b).await.places[0].clone();
    assert_eq!(
        (place.position, place.waiting, place.race_on_track),
        (1, 1, true)
    );
    assert_eq!(place.wait_ms, 180_000);
    // On track, out of the queue: Anna's day still shows the event.
    let racing = day(&anna_b).await;
    assert_eq!(racing.event.as_ref().map(|e| &e.0), Some(&track.event));
    assert!(racing.places.is_empty());
    let running = crate::races::command(&op, &race, json!({"command": "start"}))
        .await
        .unwrap();
    let ended = crate::races::command(&op, &running, json!({"command": "end"}))
        .await
        .unwrap();
    crate::races::command(&op, &ended, json!({"command": "submit"}))
        .await
        .unwrap();

    // Anna's own day: no longer queued, her race listed; never Bo's.
    let anna_day = day(&anna_b).await;
    assert!(anna_day.places.is_empty());
    assert_eq!(anna_day.races.len(), 1);
    assert_eq!(anna_day.races[0].racer, anna);
    assert!(day(&bo_b).await.races.is_empty());
    assert_ne!(anna_day.handle, day(&bo_b).await.handle);
}
