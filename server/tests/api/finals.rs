//! Finals: the top N of the ranking seeded in order onto a track of their own and
//! queued there; the qualifying board stays as it was; too many seats is refused.

use crate::helpers::spawn_app;
use crate::race_admin::race;
use crate::races::{command, track_with_rules};
use app::checkin::api::GetQueue;
use app::domain::roles::Role;
use app::events::api::DeleteTrack;
use app::finals::api::CreateFinal;
use app::leaderboard::api::GetLeaderboard;
use app::my_day::api::GetMyRaceDay;
use app::wire::{Leaderboard, MyRaceDay, Track, TrackQueue};
use reqwest::StatusCode;
use serde_json::json;

#[tokio::test]
async fn the_top_n_are_seeded_in_ranking_order_and_the_qualifying_board_stays() {
    let app = spawn_app().await;
    let (op, _) = app.signed_in_as(Role::Operator).await;
    let track = track_with_rules(&op, json!({})).await;
    // Five racers, each slower than the one before.
    let mut racers = Vec::new();
    let mut first = None;
    for pause in [10, 40, 70, 100, 130] {
        let (b, name) = app.signed_in_as(Role::Racer).await;
        let user = b.current_user().await.unwrap();
        race(&op, &track, &user.id, 1, pause).await;
        racers.push((user, name));
        first.get_or_insert(b);
    }
    let first = first.unwrap();
    let final_of = |seats: u8| {
        json!({"event": track.event, "input": {"title": "Grand final", "from": null,
            "seats": seats, "rules": {"ranking": {"kind": "lap_count", "laps": 2}, "min_lap_ms": 0}}})
    };
    // More seats than ranked racers: refused with why, and no track made.
    let refused = op
        .call_json::<CreateFinal, Track>(final_of(8))
        .await
        .unwrap_err();
    assert_eq!(refused.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(
        refused
            .error
            .to_string()
            .contains("Only 5 racers have a result"),
        "{}",
        refused.error
    );

    let event = track.event.clone();
    let board = |shown: Option<&Track>| {
        let body = json!({"event": event, "track": shown.map(|t| &t.id)});
        let op = &op;
        async move {
            op.call_json::<GetLeaderboard, Leaderboard>(body)
                .await
                .unwrap()
        }
    };
    let qualifying = board(None).await;
    let final_track: Track = op.call_json::<CreateFinal, _>(final_of(4)).await.unwrap();
    let round = final_track.final_round.clone().expect("a final");
    let expected: Vec<String> = racers[..4].iter().map(|(_, n)| n.clone()).collect();
    assert_eq!(round.seeds, expected, "seeded in ranking order");
    assert!(round.tied_out.is_empty());
    assert_eq!(
        final_track.rules.map(|r| r.ranking),
        Some(app::domain::rules::Ranking::LapCount { laps: 2 })
    );
    let queue: TrackQueue = op
        .call_json::<GetQueue, _>(json!({"track": final_track.id}))
        .await
        .unwrap();
    let queued: Vec<&str> = queue.entries.iter().map(|e| e.name.as_str()).collect();
    assert_eq!(queued, expected, "queued in seed order");

    // The fourth seed wins the final; the event's own board is the qualifying one still.
    // First to 2 valid laps: the second lap ends the race.
    let mut run = crate::races::start(&op, &final_track, &racers[3].0.id)
        .await
        .unwrap();
    for cmd in ["start", "capture_lap", "capture_lap", "submit"] {
        let body = match cmd {
            "capture_lap" => json!({"command": cmd, "source": "manual"}),
            _ => json!({"command": cmd}),
        };
        run = command(&op, &run, body).await.unwrap();
    }
    let after = board(None).await;
    assert_eq!(
        after.rows, qualifying.rows,
        "the final stays out of the event's board"
    );
    assert!(
        !after.combined,
        "one qualifying track: its board is the event's"
    );
    let final_board = board(Some(&final_track)).await;
    assert_eq!(final_board.rows.len(), 1);
    assert_eq!(final_board.rows[0].name, racers[3].1);
    // The podium is a public page.
    let res = reqwest::get(format!(
        "{}/events/{}/podium?track={}",
        op.base_url, track.event.0, final_track.id.0
    ))
    .await
    .unwrap();
    assert_eq!(res.status(), StatusCode::OK);
    assert!(res.text().await.unwrap().contains(&racers[3].1));

    // The first seed waits on the final. Deleting the final takes its queue with it:
    // nobody is left waiting on a track that is gone.
    let places = |day: MyRaceDay| day.places.len();
    let day: MyRaceDay = first
        .call_json::<GetMyRaceDay, _>(json!({"event": track.event}))
        .await
        .unwrap();
    assert_eq!(places(day), 1);
    op.call_json::<DeleteTrack, ()>(json!({"id": final_track.id, "delete_races": true}))
        .await
        .unwrap();
    let day: MyRaceDay = first
        .call_json::<GetMyRaceDay, _>(json!({"event": track.event}))
        .await
        .unwrap();
    assert_eq!(places(day), 0);
}
