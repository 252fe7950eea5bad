//! The commentator's background: the racer on track with earlier runs, the others'
//! results to place the run among, the event's lap records; commentators and up only.

use crate::helpers::spawn_app;
use crate::race_admin::race;
use crate::races::{start, track_with_rules};
use app::commentator::api::{GetCommentary, ListCommentaryTracks};
use app::domain::roles::Role;
use app::wire::{Commentary, TrackChoice};
use reqwest::StatusCode;
use serde_json::json;

#[tokio::test]
async fn the_commentator_sees_the_racer_on_track_against_the_field() {
    let app = spawn_app().await;
    let (op, _) = app.signed_in_as(Role::Operator).await;
    let (commentator, _) = app.signed_in_as(Role::Commentator).await;
    let (first, _) = app.signed_in_as(Role::Racer).await;
    let (second, _) = app.signed_in_as(Role::Racer).await;
    let first = first.current_user().await.unwrap();
    let second = second.current_user().await.unwrap();
    let track = track_with_rules(&op, json!({})).await;

    let tracks: Vec<TrackChoice> = commentator
        .call_json::<ListCommentaryTracks, _>(json!({}))
        .await
        .unwrap();
    assert_eq!(tracks.len(), 1);
    assert_eq!(tracks[0].track, track.id);

    let quiet: Commentary = commentator
        .call_json::<GetCommentary, _>(json!({"track": track.id}))
        .await
        .unwrap();
    assert_eq!(quiet.racer, None, "nobody on track");
    assert!(quiet.fastest.is_none() && quiet.others_ms.is_empty());

    race(&op, &track, &first.id, 2, 60).await;
    let second_run = race(&op, &track, &second.id, 1, 150).await;
    start(&op, &track, &first.id).await.unwrap();

    let c: Commentary = commentator
        .call_json::<GetCommentary, _>(json!({"track": track.id}))
        .await
        .unwrap();
    let on = c.racer.expect("the first racer is on track again");
    assert_eq!(on.name, first.username);
    assert_eq!(on.runs.len(), 1, "one earlier run");
    assert_eq!(on.runs[0].laps, 2);
    assert_eq!(on.position, Some(1), "the quicker laps lead");
    assert_eq!(
        c.others_ms,
        vec![second_run.race.laps[0].time_ms],
        "the others' results, without the racer on track"
    );
    let fastest = c.fastest.unwrap();
    let slowest = c.slowest.unwrap();
    assert_eq!(fastest.name, first.username);
    assert_eq!(slowest.name, second.username);
    assert!(fastest.time_ms < slowest.time_ms);
}

#[tokio::test]
async fn racers_and_the_public_get_no_commentary() {
    let app = spawn_app().await;
    let (op, _) = app.signed_in_as(Role::Operator).await;
    let (racer, _) = app.signed_in_as(Role::Racer).await;
    let track = track_with_rules(&op, json!({})).await;
    let body = json!({"track": track.id});
    let (status, _) = racer.post_json::<GetCommentary>(&body).await;
    assert_eq!(status, StatusCode::FORBIDDEN);
    let (status, _) = app.browser().post_json::<GetCommentary>(&body).await;
    assert_eq!(status, StatusCode::UNAUTHORIZED);
}
