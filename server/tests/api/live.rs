//! The real-time path under stress: two processes on one database, a page that drops
//! its connection and comes back, and a client too slow to read.

use crate::helpers::{spawn_app, spawn_pair, Browser};
use crate::races::{command, start, track_with_rules};
use app::domain::roles::Role;
use app::wire::{LiveRace, PublicUpdate};
use serde_json::json;
use std::time::Duration;
use tokio::io::{AsyncReadExt, AsyncWriteExt};

async fn next_race(stream: &mut crate::helpers::Events) -> Option<LiveRace> {
    let data = stream.next_named("race").await;
    serde_json::from_str(&data).expect("a race or null")
}

async fn next_update(stream: &mut crate::helpers::Events) -> PublicUpdate {
    let data = stream.next_named("update").await;
    serde_json::from_str(&data).expect("a public update")
}

async fn lap(op: &Browser, race: &LiveRace) -> LiveRace {
    command(
        op,
        race,
        json!({"command": "capture_lap", "source": "manual"}),
    )
    .await
    .unwrap()
}

#[tokio::test]
async fn a_lap_recorded_through_one_process_reaches_pages_of_another() {
    let (first, second) = spawn_pair().await;
    let (op, _) = first.signed_in_as(Role::Operator).await;
    let racer = op.current_user().await.unwrap();
    let track = track_with_rules(&op, json!({})).await;

    // A spectator's page served by the second process.
    let public = second.browser();
    let url = format!("{}/live/events/{}", public.base_url, track.event.0);
    let stream = public.client.get(&url).send().await.unwrap();
    let mut stream = crate::helpers::Events::of(stream);
    assert!(
        crate::helpers::board(next_update(&mut stream).await).1,
        "a connection starts with the board"
    );

    let race = start(&op, &track, &racer.id).await.unwrap();
    let race = command(&op, &race, json!({"command": "start"}))
        .await
        .unwrap();
    let race = lap(&op, &race).await;
    let mut seen = Vec::new();
    while seen.last() != Some(&race.race.laps.len()) {
        match next_update(&mut stream).await {
            PublicUpdate::Race {
                on_track: Some(on), ..
            } => seen.push(on.race.laps.len()),
            other => panic!("expected the race, got {other:?}"),
        }
    }
    assert_eq!(
        seen,
        [0, 0, 1],
        "ready, running, one lap: in order, each once"
    );
}

#[tokio::test]
async fn a_page_that_reconnects_catches_up_with_nothing_lost_or_doubled() {
    let app = spawn_app().await;
    let (op, _) = app.signed_in_as(Role::Operator).await;
    let (watcher, _) = app.signed_in_as(Role::Operator).await;
    let racer = op.current_user().await.unwrap();
    let track = track_with_rules(&op, json!({})).await;
    let url = format!("{}/live/tracks/{}", op.base_url, track.id.0);
    let mut race = start(&op, &track, &racer.id).await.unwrap();
    race = command(&op, &race, json!({"command": "start"}))
        .await
        .unwrap();

    // What a page shows: the last race it was sent. Every message is kept, so a
    // message sent twice would show as a repeated version.
    let mut shown: Option<LiveRace> = None;
    let mut versions = Vec::new();
    let mut apply = |r: LiveRace, shown: &mut Option<LiveRace>| {
        versions.push(r.version);
        *shown = Some(r);
    };
    let stream = watcher.client.get(&url).send().await.unwrap();
    let mut stream = crate::helpers::Events::of(stream);
    apply(next_race(&mut stream).await.unwrap(), &mut shown);
    race = lap(&op, &race).await;
    apply(next_race(&mut stream).await.unwrap(), &mut shown);

    // The network drops; two laps are recorded meanwhile.
    drop(stream);
    race = lap(&op, &race).await;
    race = lap(&op, &race).await;

    let stream = watcher.client.get(&url).send().await.unwrap();
    let mut stream = crate::helpers::Events::of(stream);
    let snapshot = next_race(&mut stream).await.unwrap();
    assert_eq!(
        snapshot.version, race.version,
        "the reconnect starts from the stored race"
    );
    apply(snapshot, &mut shown);
    race = lap(&op, &race).await;
    apply(next_race(&mut stream).await.unwrap(), &mut shown);

    let shown = shown.unwrap();
    assert_eq!(shown.race.laps, race.race.laps, "every lap, each once");
    assert!(
        versions.windows(2).all(|w| w[0] < w[1]),
        "each version once, in order: {versions:?}"
    );
    assert_eq!(
        versions.len(),
        4,
        "two before the drop, the snapshot, one after"
    );
}

#[tokio::test]
async fn a_public_page_that_reconnects_starts_from_a_fresh_board() {
    let app = spawn_app().await;
    let (op, _) = app.signed_in_as(Role::Operator).await;
    let racer = op.current_user().await.unwrap();
    let track = track_with_rules(&op, json!({})).await;
    let mut race = start(&op, &track, &racer.id).await.unwrap();
    race = command(&op, &race, json!({"command": "start"}))
        .await
        .unwrap();
    let public = app.browser();
    let url = format!("{}/live/events/{}", public.base_url, track.event.0);
    let laps_on_track = |update: PublicUpdate| match update {
        PublicUpdate::Race {
            on_track: Some(on), ..
        } => on.race.laps.len(),
        other => panic!("expected the race on track, got {other:?}"),
    };

    let stream = public.client.get(&url).send().await.unwrap();
    let mut stream = crate::helpers::Events::of(stream);
    assert!(
        crate::helpers::board(next_update(&mut stream).await).1,
        "a connection starts with the board"
    );
    race = lap(&op, &race).await;
    assert_eq!(laps_on_track(next_update(&mut stream).await), 1);

    // The network drops; two laps are recorded meanwhile.
    drop(stream);
    race = lap(&op, &race).await;
    race = lap(&op, &race).await;

    let stream = public.client.get(&url).send().await.unwrap();
    let mut stream = crate::helpers::Events::of(stream);
    // A reconnect starts with the board and who is on track: nothing to load again.
    let (board, snapshot) = crate::helpers::board(next_update(&mut stream).await);
    assert!(snapshot);
    assert_eq!(
        board.on_track[0].race.laps.len(),
        3,
        "the laps missed meanwhile"
    );
    lap(&op, &race).await;
    assert_eq!(
        laps_on_track(next_update(&mut stream).await),
        4,
        "then each change once"
    );
}

#[tokio::test]
async fn a_client_that_stops_reading_holds_up_nobody_and_is_resnapshotted() {
    let app = spawn_app().await;
    let (op, _) = app.signed_in_as(Role::Operator).await;
    let racer = op.current_user().await.unwrap();
    let track = track_with_rules(&op, json!({})).await;
    let path = format!("/live/events/{}", track.event.0);

    // A subscriber with a tiny receive buffer that reads nothing.
    let address: std::net::SocketAddr = app.base_url.trim_start_matches("http://").parse().unwrap();
    let socket = tokio::net::TcpSocket::new_v4().unwrap();
    socket.set_recv_buffer_size(2048).unwrap();
    let mut stalled = socket.connect(address).await.unwrap();
    stalled
        .write_all(format!("GET {path} HTTP/1.1\r\nHost: drem\r\n\r\n").as_bytes())
        .await
        .unwrap();

    let public = app.browser();
    let stream = public
        .client
        .get(format!("{}{path}", public.base_url))
        .send()
        .await
        .unwrap();
    let mut stream = crate::helpers::Events::of(stream);
    next_update(&mut stream).await;

    let mut race = start(&op, &track, &racer.id).await.unwrap();
    race = command(&op, &race, json!({"command": "start"}))
        .await
        .unwrap();
    next_update(&mut stream).await;
    next_update(&mut stream).await;
    // Far more (and larger) messages than the channel buffers: the reader keeps up
    // with every one while the stalled client falls behind.
    for n in 1..=150 {
        race = lap(&op, &race).await;
        match next_update(&mut stream).await {
            PublicUpdate::Race {
                on_track: Some(on), ..
            } => assert_eq!(on.race.laps.len(), n),
            other => panic!("expected lap {n}, got {other:?}"),
        }
    }

    // The stalled client, reading at last, catches up to the newest race. (Whether it
    // fell behind the channel or the kernel buffered it all is up to the OS; the skip to
    // a fresh snapshot is tested on the stream itself, in server/src/realtime/streams.rs.)
    let mut received = String::new();
    let mut chunk = vec![0u8; 64 * 1024];
    let deadline = tokio::time::Instant::now() + Duration::from_secs(10);
    let mut newest = 0;
    while newest < 150 {
        let n = tokio::time::timeout_at(deadline, stalled.read(&mut chunk))
            .await
            .expect("the stalled client gets the newest race")
            .unwrap();
        assert!(n > 0, "stream closed");
        received.push_str(&String::from_utf8_lossy(&chunk[..n]));
        while let Some(end) = received.find("\n\n") {
            let message: String = received.drain(..end + 2).collect();
            let data = message.lines().find_map(|l| l.strip_prefix("data: "));
            if let Some(PublicUpdate::Race {
                on_track: Some(on), ..
            }) = data.and_then(|d| serde_json::from_str(d).ok())
            {
                newest = on.race.laps.len();
            }
        }
    }
}

#[tokio::test]
async fn a_race_manager_tab_hears_that_its_event_changed() {
    let app = spawn_app().await;
    let (op, _) = app.signed_in_as(Role::Operator).await;
    let track = track_with_rules(&op, json!({})).await;
    let url = format!("{}/live/tracks/{}", op.base_url, track.id.0);
    let stream = op.client.get(&url).send().await.unwrap();
    let mut stream = crate::helpers::Events::of(stream);
    assert_eq!(next_race(&mut stream).await, None, "the snapshot");
    // Renamed and given its own rules on the event page, in another tab.
    let input = json!({"title": "Hall B", "footer": "", "layout": "re_invent2018",
        "rules": {"race_time_ms": 120000}});
    op.call_json::<app::events::api::UpdateTrack, app::wire::Track>(
        json!({"id": track.id, "input": input}),
    )
    .await
    .unwrap();
    assert_eq!(
        stream.next_named("event").await,
        "changed",
        "the tab reloads its desk"
    );
    let stranger = app.browser();
    let refused = stranger.client.get(&url).send().await.unwrap();
    assert_eq!(refused.status(), reqwest::StatusCode::UNAUTHORIZED);
    let missing = format!("{}/live/tracks/nope", op.base_url);
    let missing = op.client.get(&missing).send().await.unwrap();
    assert_eq!(missing.status(), reqwest::StatusCode::NOT_FOUND);
}

#[tokio::test]
async fn open_boards_show_a_renamed_track_and_never_lose_a_race_they_cannot_read() {
    let db = crate::helpers::open_db().await;
    let app = crate::helpers::spawn_on(db.clone(), &[]).await;
    let (op, _) = app.signed_in_as(Role::Operator).await;
    let racer = op.current_user().await.unwrap();
    let track = track_with_rules(&op, json!({})).await;
    let url = format!("{}/live/events/{}", app.base_url, track.event.0);
    let stream = app.browser().client.get(&url).send().await.unwrap();
    let mut stream = crate::helpers::Events::of(stream);
    assert!(
        crate::helpers::board(next_update(&mut stream).await).1,
        "a connection starts with the board"
    );
    let title_on_board = |update: PublicUpdate| match update {
        PublicUpdate::Race {
            on_track: Some(on), ..
        } => on.track_title,
        other => panic!("expected the race, got {other:?}"),
    };

    let race = start(&op, &track, &racer.id).await.unwrap();
    assert_eq!(title_on_board(next_update(&mut stream).await), "Main track");
    // Renamed while the board is open: its next race message carries the new title.
    let input = json!({"title": "Hall B", "footer": "", "layout": "re_invent2018", "rules": null});
    op.call_json::<app::events::api::UpdateTrack, app::wire::Track>(
        json!({"id": track.id, "input": input}),
    )
    .await
    .unwrap();
    // The board, computed again once for every page showing it, with the new title.
    let (renamed, snapshot) = crate::helpers::board(next_update(&mut stream).await);
    assert!(!snapshot);
    assert_eq!(renamed.title, "Hall B");
    let race = command(&op, &race, json!({"command": "start"}))
        .await
        .unwrap();
    assert_eq!(title_on_board(next_update(&mut stream).await), "Hall B");

    // A change whose race cannot be read: the board gets the stored race, not "free".
    db.query(
        "CREATE live_change SET event = $event, track = $track, race = '{broken', results = false",
    )
    .bind(("event", track.event.0.clone()))
    .bind(("track", track.id.0.clone()))
    .await
    .unwrap()
    .check()
    .unwrap();
    match next_update(&mut stream).await {
        PublicUpdate::Race {
            on_track: Some(on), ..
        } => assert_eq!(on.race, race.race),
        other => panic!("expected the stored race, got {other:?}"),
    }
}
