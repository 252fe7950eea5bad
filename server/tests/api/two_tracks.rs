//! Two tracks racing at once: each track's board, the combined one, and the summary
//! export in board order.

use crate::helpers::spawn_app;
use crate::race_admin::download;
use crate::races::{command, start, track_with_rules};
use app::domain::roles::Role;
use app::events::api::AddTrack;
use app::race::admin_api::{EditLap, GetEventResults};
use app::wire::{EventResults, Track};
use serde_json::json;

#[tokio::test]
async fn two_tracks_racing_at_once_rank_each_track_and_both_together() {
    let app = spawn_app().await;
    let (op, _) = app.signed_in_as(Role::Operator).await;
    let main = track_with_rules(&op, json!({})).await;
    let side: Track = op
        .call_json::<AddTrack, _>(json!({"event": main.event, "input":
            {"title": "Side track", "footer": "", "layout": "re_invent2018", "rules": null}}))
        .await
        .unwrap();
    let mut racers = Vec::new();
    for _ in 0..3 {
        let (racer, _) = app.signed_in_as(Role::Racer).await;
        racers.push(racer.current_user().await.unwrap());
    }

    // Racer 0 on the main track and racer 1 on the side track, their commands
    // interleaved; then racer 2 on the main track.
    let lap = json!({"command": "capture_lap", "source": "manual"});
    let mut a = start(&op, &main, &racers[0].id).await.unwrap();
    let mut b = start(&op, &side, &racers[1].id).await.unwrap();
    a = command(&op, &a, json!({"command": "start"})).await.unwrap();
    b = command(&op, &b, json!({"command": "start"})).await.unwrap();
    for _ in 0..2 {
        b = command(&op, &b, lap.clone()).await.unwrap();
        a = command(&op, &a, lap.clone()).await.unwrap();
    }
    let mut submitted = Vec::new();
    for race in [a, b] {
        let race = command(&op, &race, json!({"command": "end"}))
            .await
            .unwrap();
        submitted.push(
            command(&op, &race, json!({"command": "submit"}))
                .await
                .unwrap(),
        );
    }
    submitted.push(crate::race_admin::race(&op, &main, &racers[2].id, 2, 0).await);
    // Last, racer 0 again, on the side track, slower than on the main track.
    submitted.push(crate::race_admin::race(&op, &side, &racers[0].id, 2, 0).await);
    // Exact lap times, set by race admin: racer 2 fastest, then racer 1, then racer 0.
    let times = [
        (5_000, 6_000),
        (4_000, 4_500),
        (3_000, 3_500),
        (9_000, 9_500),
    ];
    for (race, (first, second)) in submitted.iter().zip(times) {
        // Each correction bumps the race's version once.
        for (lap, (time_ms, version)) in [first, second].into_iter().zip(race.version..).enumerate()
        {
            op.call_json::<EditLap, ()>(json!({"race": race.id, "version": version,
                "edit": {"edit": "set_time", "lap": lap, "time_ms": time_ms}}))
                .await
                .unwrap();
        }
    }

    let results: EventResults = op
        .call_json::<GetEventResults, _>(json!({"event": main.event}))
        .await
        .unwrap();
    let names = |board: &[app::wire::NamedStanding]| -> Vec<(Option<u32>, String)> {
        board
            .iter()
            .map(|r| (r.standing.position, r.name.clone()))
            .collect()
    };
    let name = |i: usize| racers[i].username.clone();
    assert_eq!(
        names(&results.tracks[0].1),
        vec![(Some(1), name(2)), (Some(2), name(0))],
        "the main track"
    );
    assert_eq!(
        names(&results.tracks[1].1),
        vec![(Some(1), name(1)), (Some(2), name(0))],
        "the side track"
    );
    assert_eq!(
        names(results.combined.as_deref().unwrap()),
        vec![(Some(1), name(2)), (Some(2), name(1)), (Some(3), name(0))],
        "both tracks together, by each racer's best"
    );

    let (_, csv) = download(&op, &format!("/exports/{}/summary.csv", main.event.0)).await;
    let rows: Vec<Vec<&str>> = csv.lines().map(|l| l.split(',').collect()).collect();
    assert_eq!(
        rows[0][..6],
        [
            "position",
            "racer",
            "username",
            "board",
            "ranked by",
            "result ms"
        ]
    );
    assert!(rows[0].contains(&"mean of valid laps ms"), "{:?}", rows[0]);
    let ranked: Vec<[&str; 4]> = rows[1..].iter().map(|r| [r[0], r[2], r[3], r[5]]).collect();
    let (r0, r1, r2) = (name(0), name(1), name(2));
    assert_eq!(
        ranked,
        vec![
            ["1", r2.as_str(), "Main track", "3000"],
            ["2", r0.as_str(), "Main track", "5000"],
            ["1", r1.as_str(), "Side track", "4000"],
            ["2", r0.as_str(), "Side track", "9000"],
            ["1", r2.as_str(), "All tracks", "3000"],
            ["2", r1.as_str(), "All tracks", "4000"],
            ["3", r0.as_str(), "All tracks", "5000"],
        ],
        "rows in board order, each with its position and the ranked figure"
    );

    // The combined board's newest finisher ran the latest race, whatever track it was
    // on (racer 0's best is on the main track; the latest race was on the side track).
    let board: app::wire::Leaderboard = app
        .browser()
        .call_json::<app::leaderboard::api::GetLeaderboard, _>(
            json!({"event": main.event, "track": null}),
        )
        .await
        .unwrap();
    assert!(board.combined);
    let handle = |i: usize| app::ssr::handle::of(&racers[i].id.0);
    assert_eq!(board.latest_finisher, Some(handle(0)));
    let main_board: app::wire::Leaderboard = app
        .browser()
        .call_json::<app::leaderboard::api::GetLeaderboard, _>(
            json!({"event": main.event, "track": main.id}),
        )
        .await
        .unwrap();
    assert_eq!(
        main_board.latest_finisher,
        Some(handle(2)),
        "the main track's own latest"
    );
}
