//! Events and tracks: created, edited and deleted by operators, with checked fields.

use crate::helpers::{assert_invalid, spawn_app};
use app::domain::roles::Role;
use app::domain::rules::Ranking;
use app::events::api::*;
use app::wire::{Event, Track, TrackLayout};
use reqwest::StatusCode;
use serde_json::json;

fn summit() -> serde_json::Value {
    json!({
        "name": "Summit Stockholm",
        "kind": "summit",
        "date": "2026-05-14",
        "country": "se",
        "sponsor": "",
        "links": [{"name": "Rules", "description": "", "url": "https://example.com/rules"}],
        "rules": {"ranking": {"kind": "best_average", "laps": 3}}
    })
}

fn track(title: &str) -> serde_json::Value {
    json!({"title": title, "footer": "Follow the race #AWSDeepRacer", "layout": "re_invent2018", "rules": null})
}

#[tokio::test]
async fn operators_set_up_an_event_with_tracks() {
    let app = spawn_app().await;
    let (op, _) = app.signed_in_as(Role::Operator).await;
    let event: Event = op
        .call_json::<CreateEvent, _>(json!({"input": summit()}))
        .await
        .unwrap();
    assert_eq!(event.about.country, "SE");
    assert_eq!(event.about.rules.ranking, Ranking::BestAverage { laps: 3 });
    assert_eq!(
        event.about.rules.race_time_ms,
        Some(120_000),
        "missing rules get defaults"
    );

    let a: Track = op
        .call_json::<AddTrack, _>(json!({"event": event.id, "input": track("Track A")}))
        .await
        .unwrap();
    let b: Track = op
        .call_json::<AddTrack, _>(json!({"event": event.id, "input": track("Track B")}))
        .await
        .unwrap();
    // A track with its own rules.
    let own = json!({"title": "Track B", "footer": "", "layout": "forever_raceway",
        "rules": {"ranking": {"kind": "best_lap"}, "race_time_ms": 180000}});
    let b: Track = op
        .call_json::<UpdateTrack, _>(json!({"id": b.id, "input": own}))
        .await
        .unwrap();
    assert_eq!(b.layout, TrackLayout::ForeverRaceway);

    let loaded: Event = op
        .call_json::<GetEvent, _>(json!({"id": event.id}))
        .await
        .unwrap();
    assert_eq!(
        loaded
            .tracks
            .iter()
            .map(|t| t.title.as_str())
            .collect::<Vec<_>>(),
        ["Track A", "Track B"]
    );
    assert_eq!(
        loaded.rules_for(&a.id).ranking,
        Ranking::BestAverage { laps: 3 }
    );
    assert_eq!(loaded.rules_for(&b.id).race_time_ms, Some(180_000));

    // Deleting track A leaves track B's id as it was.
    op.call_json::<DeleteTrack, ()>(json!({"id": a.id, "delete_races": false}))
        .await
        .unwrap();
    let loaded: Event = op
        .call_json::<GetEvent, _>(json!({"id": event.id}))
        .await
        .unwrap();
    assert_eq!(loaded.tracks.len(), 1);
    assert_eq!(loaded.tracks[0].id, b.id);

    let list: Vec<Event> = op
        .call_json::<ListEvents, _>(json!({"kind": "summit"}))
        .await
        .unwrap();
    assert_eq!(list.len(), 1);
    let none: Vec<Event> = op
        .call_json::<ListEvents, _>(json!({"kind": "test"}))
        .await
        .unwrap();
    assert!(none.is_empty());

    op.call_json::<DeleteEvent, ()>(json!({"id": event.id}))
        .await
        .unwrap();
    let gone = op
        .call_json::<GetEvent, Event>(json!({"id": event.id}))
        .await
        .unwrap_err();
    assert_eq!(gone.status, StatusCode::NOT_FOUND);
}

#[tokio::test]
async fn event_fields_are_checked() {
    let app = spawn_app().await;
    let (op, _) = app.signed_in_as(Role::Operator).await;
    let with = |key: &str, value: serde_json::Value| {
        let mut e = summit();
        e[key] = value;
        json!({"input": e})
    };
    assert_invalid(
        op.call_json::<CreateEvent, Event>(with("name", json!(" ")))
            .await,
        "name",
    );
    for lie in ["\u{202e}tnevE", "\u{200b}", "--"] {
        assert_invalid(
            op.call_json::<CreateEvent, Event>(with("name", json!(lie)))
                .await,
            "name",
        );
    }
    assert_invalid(
        op.call_json::<CreateEvent, Event>(with("date", json!("2026-02-30")))
            .await,
        "date",
    );
    assert_invalid(
        op.call_json::<CreateEvent, Event>(with("country", json!("XX")))
            .await,
        "country",
    );
    assert_invalid(
        op.call_json::<CreateEvent, Event>(with(
            "rules",
            json!({"ranking": {"kind": "best_average", "laps": 8}}),
        ))
        .await,
        "ranking",
    );
    assert_invalid(
        op.call_json::<CreateEvent, Event>(with(
            "links",
            json!([{"name": "x", "description": "", "url": "javascript:alert(1)"}]),
        ))
        .await,
        "links.0",
    );
    let bad_kind = op
        .post_json::<CreateEvent>(&with("kind", json!("party")))
        .await;
    assert_eq!(bad_kind.0, StatusCode::BAD_REQUEST, "{}", bad_kind.1);
}
