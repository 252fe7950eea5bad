use super::*;
use futures::StreamExt;
use tokio::sync::broadcast;

fn race_news(track: &TrackId) -> EventUpdate {
    EventUpdate::Race(std::sync::Arc::new(app::ssr::realtime::hub::RaceNews::new(
        track.clone(),
        None,
        "",
    )))
}

/// Stands for the kept board's snapshot, which a lagging subscriber is sent.
fn current() -> PublicUpdate {
    PublicUpdate::Race {
        track: TrackId("the current board".into()),
        on_track: None,
    }
}

fn key() -> BoardKey {
    board_key("e".into(), None, None)
}

#[tokio::test]
async fn a_subscriber_gets_its_board_first_and_skips_to_a_fresh_one_when_behind() {
    let (sender, receiver) = broadcast::channel(4);
    let mut updates = Box::pin(
        public_updates(
            receiver,
            key(),
            (0, Arc::from(public_json(&PublicUpdate::Reload))),
            |_| async { Some((0, Arc::from(public_json(&current())))) },
        )
        .map(|frame| serde_json::from_str::<PublicUpdate>(&frame.json).expect("a public update")),
    );
    assert_eq!(
        updates.next().await,
        Some(PublicUpdate::Reload),
        "the snapshot"
    );
    let track = TrackId("t".into());
    // Ten changes while the subscriber reads nothing: more than the channel keeps.
    for _ in 0..10 {
        sender.send(race_news(&track)).unwrap();
    }
    assert_eq!(
        updates.next().await,
        Some(current()),
        "the current board, not a replay"
    );
    // Results alone are no message: the board computed for them is.
    sender.send(EventUpdate::Results).unwrap();
    sender.send(race_news(&track)).unwrap();
    assert_eq!(
        updates.next().await,
        Some(PublicUpdate::Race {
            track,
            on_track: None
        }),
        "none of the missed changes is replayed"
    );
}

/// The kept board at `version` as the hub pushes it: its whole frame reads
/// "whole N", its delta (from `base`) "delta N".
fn pushed(version: u64, base: Option<u64>) -> EventUpdate {
    let board = app::wire::Leaderboard {
        version,
        ..serde_json::from_value(serde_json::json!({
            "event_name": "", "title": "", "combined": true, "footer": "",
            "ranking": {"kind": "best_lap"}, "race_time_ms": null,
            "resets_per_lap": null, "tracks": [], "rows": [], "on_track": [],
            "fastest_lap_ms": null, "personal_best_ms": [], "latest_finisher": null
        }))
        .expect("a board")
    };
    EventUpdate::Board(
        Arc::new(boards::Board {
            key: key(),
            board,
            frame: Arc::from(format!("whole {version}")),
            delta: base.map(|b| (b, Arc::from(format!("delta {version}")))),
        }),
        std::time::Instant::now(),
    )
}

#[tokio::test]
async fn a_viewer_gets_the_delta_from_the_version_it_holds_and_else_the_whole_board() {
    let (sender, receiver) = broadcast::channel(16);
    let mut updates = Box::pin(
        public_updates(receiver, key(), (3, Arc::from("first")), |_| async { None })
            .map(|frame| frame.json.to_string()),
    );
    assert_eq!(updates.next().await.as_deref(), Some("first"));
    sender.send(pushed(3, Some(2))).unwrap(); // what it holds already: nothing
    sender.send(pushed(4, Some(3))).unwrap(); // from what it holds: the delta
    sender.send(pushed(6, Some(5))).unwrap(); // it missed 5: the whole board
    sender.send(pushed(7, None)).unwrap(); // no smaller delta: the whole board
    sender.send(pushed(8, Some(7))).unwrap();
    drop(sender);
    let sent: Vec<String> = updates.collect().await;
    assert_eq!(sent, ["delta 4", "whole 6", "whole 7", "delta 8"]);
}
