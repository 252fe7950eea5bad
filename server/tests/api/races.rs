//! The race manager's server side: one open race per track, commands applied at the
//! server's clock and stored before they are answered, stale tabs refused, runs counted.

use crate::helpers::{spawn_app, Browser};
use app::domain::race::RaceState;
use app::domain::roles::Role;
use app::events::api::{AddTrack, CreateEvent};
use app::race::api::*;
use app::wire::{Event, LiveRace, RaceDesk, Track};
use reqwest::StatusCode;
use serde_json::{json, Value};

/// An event with one track under `rules`; returns the track.
pub async fn track_with_rules(op: &Browser, mut rules: Value) -> Track {
    // Tests record laps milliseconds apart: no shortest lap unless a test sets one.
    if rules.get("min_lap_ms").is_none() {
        rules["min_lap_ms"] = 0.into();
    }
    let event: Event = op
        .call_json::<CreateEvent, _>(json!({"input": {
            "name": "Race night", "kind": "private_track_race", "date": "2026-11-26",
            "country": "GB", "sponsor": "", "links": [], "rules": rules
        }}))
        .await
        .unwrap();
    op.call_json::<AddTrack, _>(json!({"event": event.id, "input":
        {"title": "Main track", "footer": "", "layout": "re_invent2018", "rules": null}}))
        .await
        .unwrap()
}

/// Puts `racer` on `track` (no proxy, no override).
pub async fn start(
    op: &Browser,
    track: &Track,
    racer: &app::wire::UserId,
) -> Result<LiveRace, crate::helpers::Failure> {
    op.call_json::<StartRace, LiveRace>(
        json!({"track": track.id, "racer": racer, "by_proxy": false, "override_runs": false}),
    )
    .await
}

pub async fn command(
    op: &Browser,
    race: &LiveRace,
    command: Value,
) -> Result<LiveRace, crate::helpers::Failure> {
    op.call_json::<RaceCommand, LiveRace>(
        json!({"race": race.id, "version": race.version, "command": command}),
    )
    .await
}

#[tokio::test]
async fn a_race_is_run_on_the_server_clock() {
    let app = spawn_app().await;
    let (op, op_name) = app.signed_in_as(Role::Operator).await;
    let (racer, _) = app.signed_in_as(Role::Racer).await;
    let racer = racer.current_user().await.unwrap();
    let track = track_with_rules(&op, json!({})).await;

    let ready: LiveRace = start(&op, &track, &racer.id).await.unwrap();
    assert_eq!(ready.race.state, RaceState::Ready);
    let second = start(&op, &track, &racer.id).await.unwrap_err();
    assert_eq!(
        second.status,
        StatusCode::CONFLICT,
        "one open race per track"
    );

    let running = command(&op, &ready, json!({"command": "start"}))
        .await
        .unwrap();
    tokio::time::sleep(std::time::Duration::from_millis(120)).await;
    let lapped = command(
        &op,
        &running,
        json!({"command": "capture_lap", "source": "manual"}),
    )
    .await
    .unwrap();
    assert_eq!(lapped.race.laps.len(), 1);
    assert!(lapped.race.laps[0].time_ms >= 120, "{:?}", lapped.race.laps);

    // A tab that missed the lap cannot apply its stale key press.
    let stale = command(
        &op,
        &running,
        json!({"command": "capture_lap", "source": "manual"}),
    )
    .await
    .unwrap_err();
    assert_eq!(stale.status, StatusCode::CONFLICT);

    let desk: RaceDesk = op
        .call_json::<GetRaceDesk, _>(json!({"track": track.id}))
        .await
        .unwrap();
    assert_eq!(desk.race.as_ref().map(|r| r.version), Some(lapped.version));
    let choice: Option<(app::wire::EventId, app::wire::TrackId)> = op
        .call_json::<GetCurrentChoice, _>(json!({}))
        .await
        .unwrap();
    assert_eq!(
        choice,
        Some((track.event.clone(), track.id.clone())),
        "the track opened last is the current choice"
    );
    // Kept with the account: signed in afresh (another device, or after signing out).
    let elsewhere = app.browser();
    elsewhere
        .sign_in(&op_name, crate::helpers::PASSWORD)
        .await
        .unwrap();
    let choice: Option<(app::wire::EventId, app::wire::TrackId)> = elsewhere
        .call_json::<GetCurrentChoice, _>(json!({}))
        .await
        .unwrap();
    assert_eq!(choice, Some((track.event.clone(), track.id.clone())));

    let refused = command(&op, &lapped, json!({"command": "submit"}))
        .await
        .unwrap_err();
    assert_eq!(
        refused.status,
        StatusCode::CONFLICT,
        "submit needs an ended race"
    );
    let over = command(&op, &lapped, json!({"command": "end"}))
        .await
        .unwrap();
    let done = command(&op, &over, json!({"command": "submit"}))
        .await
        .unwrap();
    assert_eq!(done.race.state, RaceState::Submitted);
    let desk: RaceDesk = op
        .call_json::<GetRaceDesk, _>(json!({"track": track.id}))
        .await
        .unwrap();
    assert!(desk.race.is_none(), "a submitted race frees the track");
}

#[tokio::test]
async fn runs_per_racer_are_enforced_unless_overridden() {
    let app = spawn_app().await;
    let (op, _) = app.signed_in_as(Role::Operator).await;
    let (racer, _) = app.signed_in_as(Role::Racer).await;
    let racer = racer.current_user().await.unwrap();
    let track = track_with_rules(&op, json!({"runs_per_racer": 1})).await;
    let start = |override_runs: bool| {
        op.call_json::<StartRace, LiveRace>(
            json!({"track": track.id, "racer": racer.id, "by_proxy": false, "override_runs": override_runs}),
        )
    };
    let race = start(false).await.unwrap();
    let race = command(&op, &race, json!({"command": "start"}))
        .await
        .unwrap();
    let race = command(&op, &race, json!({"command": "end"}))
        .await
        .unwrap();
    command(&op, &race, json!({"command": "submit"}))
        .await
        .unwrap();
    let runs: Vec<(app::wire::UserId, u32)> = op
        .call_json::<GetTrackRuns, _>(json!({"track": track.id}))
        .await
        .unwrap();
    assert_eq!(runs, vec![(racer.id.clone(), 1)]);
    let refused = start(false).await.unwrap_err();
    assert_eq!(refused.status, StatusCode::CONFLICT);
    assert!(
        refused.error.to_string().contains("used all"),
        "{refused:?}"
    );
    start(true)
        .await
        .expect("an operator may allow one more run");
}

/// The next race (or `None`) on a track's live stream.
async fn next_race(stream: &mut crate::helpers::Events) -> Option<LiveRace> {
    let data = stream.next_named("race").await;
    serde_json::from_str(&data).expect("a race or null")
}

#[tokio::test]
async fn the_live_stream_sends_the_stored_race_first_then_every_change() {
    let app = spawn_app().await;
    let (op, _) = app.signed_in_as(Role::Operator).await;
    let (watcher, _) = app.signed_in_as(Role::Operator).await;
    let racer = op.current_user().await.unwrap();
    let track = track_with_rules(&op, json!({})).await;
    let url = format!("{}/live/tracks/{}", op.base_url, track.id.0);

    let refused = app.browser().client.get(&url).send().await.unwrap();
    assert_eq!(refused.status(), StatusCode::UNAUTHORIZED);

    let stream = watcher.client.get(&url).send().await.unwrap();
    assert_eq!(stream.status(), StatusCode::OK);
    let mut stream = crate::helpers::Events::of(stream);
    assert_eq!(next_race(&mut stream).await, None, "no race yet");

    let ready: LiveRace = start(&op, &track, &racer.id).await.unwrap();
    let seen = next_race(&mut stream).await.expect("the new race");
    assert_eq!(
        (seen.id.clone(), seen.version),
        (ready.id.clone(), ready.version)
    );
    let running = command(&op, &ready, json!({"command": "start"}))
        .await
        .unwrap();
    let lapped = command(
        &op,
        &running,
        json!({"command": "capture_lap", "source": "manual"}),
    )
    .await
    .unwrap();
    let versions = [
        next_race(&mut stream).await.unwrap().version,
        next_race(&mut stream).await.unwrap().version,
    ];
    assert_eq!(
        versions,
        [running.version, lapped.version],
        "in order, none lost or doubled"
    );

    // A page that connects now starts from the stored race.
    let mut late = crate::helpers::Events::of(watcher.client.get(&url).send().await.unwrap());
    let first = next_race(&mut late).await.unwrap();
    assert_eq!(first.version, lapped.version);
    assert_eq!(first.race.laps.len(), 1);
}

#[tokio::test]
async fn a_lap_sooner_than_the_shortest_lap_is_refused_with_the_reason() {
    let app = spawn_app().await;
    let (op, _) = app.signed_in_as(Role::Operator).await;
    let racer = op.current_user().await.unwrap();
    let track = track_with_rules(&op, json!({"min_lap_ms": 500})).await;
    let desk: RaceDesk = op
        .call_json::<GetRaceDesk, _>(json!({"track": track.id}))
        .await
        .unwrap();
    assert_eq!(desk.rules.min_lap_ms, 500);
    let race = start(&op, &track, &racer.id).await.unwrap();
    let race = command(&op, &race, json!({"command": "start"}))
        .await
        .unwrap();
    let lap = json!({"command": "capture_lap", "source": "manual"});
    let early = command(&op, &race, lap.clone()).await.unwrap_err();
    assert_eq!(early.status, StatusCode::CONFLICT);
    assert!(
        early.error.to_string().contains("Lap key ignored"),
        "{early:?}"
    );
    tokio::time::sleep(std::time::Duration::from_millis(550)).await;
    let lapped = command(&op, &race, lap.clone()).await.unwrap();
    assert_eq!(lapped.race.laps.len(), 1);
    // The same key in a second tab a moment later (it saw the lap): one lap, not two.
    let twice = command(&op, &lapped, lap).await.unwrap_err();
    assert_eq!(twice.status, StatusCode::CONFLICT);
    let over = command(&op, &lapped, json!({"command": "end"}))
        .await
        .unwrap();
    let done = command(&op, &over, json!({"command": "submit"}))
        .await
        .unwrap();
    assert_eq!(done.race.laps.len(), 1);

    // Race admin: a corrected time under the minimum needs confirming.
    let edit = |confirmed: bool| {
        json!({"race": done.id, "version": done.version,
            "edit": {"edit": "set_time", "lap": 0, "time_ms": 200, "confirmed": confirmed}})
    };
    let unconfirmed = op
        .call_json::<app::race::admin_api::EditLap, ()>(edit(false))
        .await
        .unwrap_err();
    assert_eq!(unconfirmed.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(
        unconfirmed.error.to_string().contains("confirm"),
        "{unconfirmed:?}"
    );
    op.call_json::<app::race::admin_api::EditLap, ()>(edit(true))
        .await
        .expect("a confirmed correction is kept");
}

#[tokio::test]
async fn a_race_under_end_at_zero_ends_by_itself_when_its_time_runs_out() {
    let db = crate::helpers::open_db().await;
    let app = crate::helpers::spawn_on(db.clone(), &[]).await;
    let (op, _) = app.signed_in_as(Role::Operator).await;
    let racer = op.current_user().await.unwrap();
    let track = track_with_rules(&op, json!({"race_time_ms": 60000, "end_at_zero": true})).await;
    let race = start(&op, &track, &racer.id).await.unwrap();
    let race = command(&op, &race, json!({"command": "start"}))
        .await
        .unwrap();
    let paused = command(&op, &race, json!({"command": "pause"}))
        .await
        .unwrap();
    // As if 59.3 s of the minute had run already (a test cannot wait a minute).
    let mut doc = serde_json::to_value(&paused.race).unwrap();
    doc["race_ms_before"] = 59_300.into();
    doc["lap_ms_before"] = 59_300.into();
    let nearly_over: app::domain::race::Race = serde_json::from_value(doc).unwrap();
    let version = app::ssr::storage::races::save(&db, &paused.id, paused.version, &nearly_over)
        .await
        .unwrap();
    let paused = LiveRace { version, ..paused };
    command(&op, &paused, json!({"command": "resume"}))
        .await
        .unwrap();

    // Nobody presses a key: drem ends the race at zero.
    let deadline = std::time::Instant::now() + std::time::Duration::from_secs(5);
    let over = loop {
        let desk: RaceDesk = op
            .call_json::<GetRaceDesk, _>(json!({"track": track.id}))
            .await
            .unwrap();
        let race = desk.race.expect("the race is still on the track");
        if race.race.state == RaceState::Over {
            break race;
        }
        assert!(std::time::Instant::now() < deadline, "not ended: {race:?}");
        tokio::time::sleep(std::time::Duration::from_millis(100)).await;
    };
    assert_eq!(
        over.race.race_elapsed(u64::MAX),
        60_000,
        "ended exactly at zero"
    );
    assert!(
        over.race.laps.is_empty(),
        "the lap in progress did not count"
    );
}
