//! The public leaderboard and its live stream: results and who is on track, for
//! anyone, revealing no ids or emails.

use crate::helpers::spawn_app;
use crate::races::{command, start, track_with_rules};
use app::domain::roles::Role;
use app::domain::rules::Ranking;
use app::leaderboard::api::GetLeaderboard;
use app::wire::{Leaderboard, LiveRace, PublicUpdate};
use reqwest::StatusCode;
use serde_json::json;

/// The next message of an event's public stream.
async fn next_update(stream: &mut crate::helpers::Events) -> PublicUpdate {
    let data = stream.next_named("update").await;
    serde_json::from_str(&data).expect("a public update")
}

#[tokio::test]
async fn anyone_sees_the_leaderboard_and_follows_it_live() {
    let app = spawn_app().await;
    let (op, _) = app.signed_in_as(Role::Operator).await;
    let racer = op.current_user().await.unwrap();
    let track = track_with_rules(&op, json!({})).await;
    let public = app.browser();

    let url = format!("{}/live/events/{}", public.base_url, track.event.0);
    let stream = public.client.get(&url).send().await.unwrap();
    assert_eq!(stream.status(), StatusCode::OK);
    let mut stream = crate::helpers::Events::of(stream);
    assert!(
        crate::helpers::board(next_update(&mut stream).await).1,
        "a connection starts with the board"
    );

    let race: LiveRace = start(&op, &track, &racer.id).await.unwrap();
    match next_update(&mut stream).await {
        PublicUpdate::Race {
            on_track: Some(on), ..
        } => assert_eq!(on.name, racer.username),
        other => panic!("expected the racer on track, got {other:?}"),
    }
    let race = command(&op, &race, json!({"command": "start"}))
        .await
        .unwrap();
    next_update(&mut stream).await;
    tokio::time::sleep(std::time::Duration::from_millis(50)).await;
    let race = command(
        &op,
        &race,
        json!({"command": "capture_lap", "source": "manual"}),
    )
    .await
    .unwrap();
    next_update(&mut stream).await;
    let race = command(&op, &race, json!({"command": "end"}))
        .await
        .unwrap();
    next_update(&mut stream).await;
    command(&op, &race, json!({"command": "submit"}))
        .await
        .unwrap();
    // Results changed: the board, computed once, pushed to the page first.
    let (pushed, snapshot) = crate::helpers::board(next_update(&mut stream).await);
    assert!(!snapshot, "standings only");
    assert_eq!(pushed.rows.len(), 1);
    assert_eq!(pushed.rows[0].name, racer.username);
    assert_eq!(
        next_update(&mut stream).await,
        PublicUpdate::Race {
            track: track.id.clone(),
            on_track: None
        },
        "then: the track is free"
    );

    let (status, body) = public
        .post_json::<GetLeaderboard>(&json!({"event": track.event, "track": null}))
        .await;
    assert_eq!(status, StatusCode::OK);
    let board: Leaderboard = serde_json::from_str(&body).unwrap();
    assert_eq!(board.title, "Main track");
    assert_eq!(board.event_name, "Race night");
    assert_eq!(board.rows.len(), 1);
    assert_eq!(board.rows[0].name, racer.username);
    assert_eq!(board.rows[0].position, Some(1));
    assert!(board.rows[0].result_ms.is_some());
    assert_eq!(
        board.latest_finisher,
        Some(app::ssr::handle::of(&racer.id.0)),
        "the overlay highlights who finished last, even on a fresh load"
    );
    assert!(!body.contains(&racer.id.0), "no user ids on a public page");
    assert!(!body.contains("@example.com"), "no emails on a public page");

    let missing = public
        .client
        .get(format!("{}/live/events/nope", public.base_url))
        .send()
        .await
        .unwrap();
    assert_eq!(missing.status(), StatusCode::NOT_FOUND);
}

#[tokio::test]
async fn the_landing_page_lists_the_links_and_encodes_its_own_address() {
    let app = spawn_app().await;
    let (op, _) = app.signed_in_as(Role::Operator).await;
    let track = track_with_rules(&op, json!({})).await;
    let landing: app::wire::Landing = app
        .browser()
        .call_json::<app::leaderboard::api::GetLanding, _>(json!({"event": track.event}))
        .await
        .unwrap();
    assert_eq!(landing.event_name, "Race night");
    assert_eq!(
        landing.url,
        format!("{}/events/{}/landing", app.base_url, track.event.0)
    );
    assert!(landing.qr_svg.starts_with("<?xml") && landing.qr_svg.contains("<svg"));
    assert_eq!(landing.tracks.len(), 1);
}

#[tokio::test]
async fn public_pages_get_country_names_in_their_language() {
    let app = spawn_app().await;
    let names = |lang: &'static str| {
        let browser = app.browser();
        async move {
            let names: app::wire::CountryNames = browser
                .call_json::<app::leaderboard::api::CountryNamesIn, _>(json!({"lang": lang}))
                .await
                .unwrap();
            names
        }
    };
    // Only the countries that racers name and events are held in.
    assert_eq!(names("de").await.of("SE"), None, "nobody from Sweden yet");
    app.browser().sign_up("swede").await.unwrap();
    let (op, _) = app.signed_in_as(Role::Operator).await;
    op.call_json::<app::events::api::CreateEvent, app::wire::Event>(json!({"input": {
        "name": "Tokyo cup", "kind": "private_track_race", "date": "2026-12-03",
        "country": "JP", "sponsor": "", "links": [], "rules": {}
    }}))
    .await
    .unwrap();
    let (german, japanese, other) = (names("de").await, names("ja").await, names("pt").await);
    assert_eq!(german.of("SE").as_deref(), Some("Schweden"));
    assert_eq!(japanese.of("SE").as_deref(), Some("スウェーデン"));
    assert_eq!(
        german.of("JP").as_deref(),
        Some("Japan"),
        "an event's country"
    );
    assert_eq!(
        other.of("SE").as_deref(),
        Some("Sweden"),
        "English otherwise"
    );
    assert_eq!(german.of("FR"), None, "no racer or event in France");
    assert_eq!(german.of("XX"), None);
    assert_eq!(german.of("se"), None, "codes as stored: upper case");
}

#[tokio::test]
async fn the_format_option_shows_the_board_by_fastest_lap_or_average() {
    let app = spawn_app().await;
    let (op, _) = app.signed_in_as(Role::Operator).await;
    let racer = op.current_user().await.unwrap();
    let track = track_with_rules(&op, json!({})).await;
    let run = crate::race_admin::race(&op, &track, &racer.id, 3, 40).await;
    let times: Vec<u64> = run.race.laps.iter().map(|l| l.time_ms).collect();
    let board = |format: serde_json::Value| {
        let public = app.browser();
        let event = track.event.clone();
        async move {
            public
                .call_json::<GetLeaderboard, Leaderboard>(
                    json!({"event": event, "track": null, "format": format}),
                )
                .await
                .unwrap()
        }
    };
    let by_event = board(json!(null)).await;
    assert_eq!(by_event.ranking, Ranking::BestLap);
    assert_eq!(by_event.rows[0].result_ms, times.iter().min().copied());
    let average = board(json!("average")).await;
    assert_eq!(average.ranking, Ranking::BestAverage { laps: 3 });
    let mean = (times.iter().sum::<u64>() as f64 / 3.0).round() as u64;
    assert_eq!(average.rows[0].result_ms, Some(mean));
    let fastest = board(json!("fastest")).await;
    assert_eq!(fastest.rows, by_event.rows);
}

#[tokio::test]
async fn the_board_shows_each_racers_move_since_the_latest_race_and_the_rules() {
    let app = spawn_app().await;
    let (op, _) = app.signed_in_as(Role::Operator).await;
    let (ann, _) = app.signed_in_as(Role::Racer).await;
    let (bo, _) = app.signed_in_as(Role::Racer).await;
    let (ann, bo) = (
        ann.current_user().await.unwrap(),
        bo.current_user().await.unwrap(),
    );
    let track = track_with_rules(&op, json!({"race_time_ms": 180000, "resets_per_lap": 3})).await;
    let board = || async {
        app.browser()
            .call_json::<GetLeaderboard, Leaderboard>(json!({"event": track.event, "track": null}))
            .await
            .unwrap()
    };
    let moves = |b: &Leaderboard| -> Vec<(String, Option<u32>, Option<u32>)> {
        b.rows
            .iter()
            .map(|r| (r.name.clone(), r.position, r.previous_position))
            .collect()
    };
    crate::race_admin::race(&op, &track, &ann.id, 1, 400).await;
    crate::race_admin::race(&op, &track, &bo.id, 1, 150).await;
    let after_bo = board().await;
    assert_eq!(after_bo.race_time_ms, Some(180_000));
    assert_eq!(after_bo.resets_per_lap, Some(3));
    assert_eq!(
        moves(&after_bo),
        [
            (bo.username.clone(), Some(1), None),
            (ann.username.clone(), Some(2), Some(1)),
        ],
        "Bo is new and first; Ann lost a place"
    );
    crate::race_admin::race(&op, &track, &ann.id, 1, 20).await;
    assert_eq!(
        moves(&board().await),
        [
            (ann.username.clone(), Some(1), Some(2)),
            (bo.username.clone(), Some(2), Some(1)),
        ],
        "Ann's second run takes the lead back"
    );

    // A race on another track leaves this track's moves as they were.
    let other: app::wire::Track = op
        .call_json::<app::events::api::AddTrack, _>(json!({"event": track.event, "input":
            {"title": "Second track", "footer": "", "layout": "re_invent2018", "rules": null}}))
        .await
        .unwrap();
    crate::race_admin::race(&op, &other, &bo.id, 1, 50).await;
    let this_track: Leaderboard = app
        .browser()
        .call_json::<GetLeaderboard, Leaderboard>(json!({"event": track.event, "track": track.id}))
        .await
        .unwrap();
    assert_eq!(
        moves(&this_track),
        [
            (ann.username.clone(), Some(1), Some(2)),
            (bo.username.clone(), Some(2), Some(1)),
        ]
    );
}

/// Two racers shown by one name: the desk is told when the second is registered, the
/// board tells them apart by country, and everything public keys them by handle.
#[tokio::test]
async fn racers_of_one_name_are_told_apart_on_the_board_and_at_the_desk() {
    let app = spawn_app().await;
    let (op, _) = app.signed_in_as(Role::Operator).await;
    let (first, first_username) = app.signed_in_as(Role::Racer).await;
    first
        .call::<app::accounts::api::UpdateProfile, app::wire::Profile>(&[
            ("display_name", "Speedy"),
            ("country", "DE"),
            ("highlight_colour", "#FF00FF"),
        ])
        .await
        .unwrap();
    let (desk, _) = app.signed_in_as(Role::Registration).await;
    let invite: app::wire::Invite = desk
        .call::<app::accounts::api::RegisterRacer, _>(&[
            ("username", "speedy"),
            ("email", ""),
            ("country", "SE"),
        ])
        .await
        .unwrap();
    assert_eq!(invite.same_name, vec![first_username], "the desk is told");
    let lone: app::wire::Invite = desk
        .call::<app::accounts::api::RegisterRacer, _>(&[
            ("username", "lonely"),
            ("email", ""),
            ("country", "SE"),
        ])
        .await
        .unwrap();
    assert!(lone.same_name.is_empty());

    let first = first.current_user().await.unwrap();
    let second: Vec<app::wire::UserSummary> = op
        .call::<app::accounts::api::ListRacers, _>(&[("search", "speedy")])
        .await
        .unwrap();
    let second = second.into_iter().find(|r| r.username == "speedy").unwrap();
    let track = track_with_rules(&op, json!({})).await;
    crate::race_admin::race(&op, &track, &first.id, 1, 40).await;
    crate::race_admin::race(&op, &track, &second.id, 1, 80).await;
    let board: Leaderboard = app
        .browser()
        .call_json::<GetLeaderboard, _>(json!({"event": track.event, "track": null}))
        .await
        .unwrap();
    let shown: Vec<(&str, &str)> = board
        .rows
        .iter()
        .map(|r| (r.name.as_str(), r.handle.as_str()))
        .collect();
    let (first_handle, second_handle) = (
        app::ssr::handle::of(&first.id.0),
        app::ssr::handle::of(&second.id.0),
    );
    assert_eq!(
        shown,
        vec![
            ("Speedy (DE)", first_handle.as_str()),
            ("speedy (SE)", second_handle.as_str())
        ]
    );
    assert_eq!(board.latest_finisher, Some(second_handle.clone()));
    let bests: Vec<&str> = board
        .personal_best_ms
        .iter()
        .map(|(h, _)| h.as_str())
        .collect();
    assert_eq!(bests, vec![first_handle.as_str(), second_handle.as_str()]);
}
