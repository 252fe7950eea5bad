use super::*;
use crate::wire::{PublicUpdate, TrackId};

fn row(name: &str, result_ms: u64) -> BoardRow {
    BoardRow {
        position: None,
        previous_position: None,
        handle: format!("h-{name}"),
        name: name.into(),
        country: "SE".into(),
        colour: "#112233".into(),
        by_proxy: false,
        result_ms: Some(result_ms),
        gap_ms: None,
        valid_laps: 3,
        laps: 4,
    }
}

/// A board of `racers` (name, result), ranked as a board is: by result, with
/// positions, gaps and the positions of `before` (the board before the latest race).
fn board(version: u64, racers: &[(String, u64)], before: Option<&Leaderboard>) -> Leaderboard {
    let mut sorted = racers.to_vec();
    sorted.sort_by_key(|(name, ms)| (*ms, name.clone()));
    let leader = sorted.first().map(|(_, ms)| *ms);
    let rows = sorted
        .iter()
        .enumerate()
        .map(|(i, (name, ms))| BoardRow {
            position: Some(i as u32 + 1),
            previous_position: before
                .and_then(|b| b.rows.iter().find(|r| &r.name == name))
                .and_then(|r| r.position),
            gap_ms: leader.map(|l| ms - l),
            ..row(name, *ms)
        })
        .collect();
    Leaderboard {
        version,
        event_name: "Summit".into(),
        title: "Track".into(),
        combined: false,
        shown_track: None,
        footer: String::new(),
        ranking: Default::default(),
        race_time_ms: Some(180_000),
        resets_per_lap: None,
        tracks: Vec::new(),
        rows,
        on_track: Vec::new(),
        fastest_lap_ms: leader,
        personal_best_ms: racers.iter().map(|(n, ms)| (n.clone(), ms - 500)).collect(),
        latest_finisher: None,
        next_up: Vec::new(),
    }
}

fn racers(count: u64) -> Vec<(String, u64)> {
    (0..count)
        .map(|i| (format!("Racer {i:03}"), 10_000 + i * 37))
        .collect()
}

/// The delta from `old` to `new` applied to `old` gives `new`, after a trip through
/// JSON as the stream sends it; returns its size and the whole board's.
fn round_trip(old: &Leaderboard, new: &Leaderboard) -> (usize, usize) {
    let delta = BoardDelta::between(old, new);
    let json = serde_json::to_string(&delta).unwrap();
    let sent: BoardDelta = serde_json::from_str(&json).unwrap();
    assert_eq!(sent.apply(old.clone()).as_ref(), Ok(new));
    (json.len(), serde_json::to_string(new).unwrap().len())
}

#[test]
fn a_new_racer_in_the_middle_of_200_costs_a_row_and_the_moves_below_it() {
    let before = board(4, &racers(200), None);
    let mut now = racers(200);
    now.push(("Newcomer".into(), 13_000));
    let after = board(5, &now, Some(&before));
    let (delta, whole) = round_trip(&before, &after);
    assert!(delta * 3 < whole, "delta {delta} B vs whole {whole} B");
}

#[test]
fn a_racer_improving_within_the_board_sends_little() {
    let mut now = racers(200);
    let before = board(1, &now, None);
    // The 150th improves to 20th: the rows between move down a place.
    now[149].1 = 10_000 + 19 * 37 - 1;
    now[0].1 = 10_000; // unchanged
    let after = board(2, &now, Some(&before));
    let (delta, whole) = round_trip(&before, &after);
    assert!(delta * 4 < whole, "delta {delta} B vs whole {whole} B");
}

#[test]
fn an_unchanged_board_is_one_run_of_each_list() {
    let before = board(1, &racers(200), None);
    let after = Leaderboard {
        version: 2,
        ..before.clone()
    };
    let delta = BoardDelta::between(&before, &after);
    assert_eq!(delta.rows, [Piece::Same(0, 200)]);
    assert_eq!(delta.personal_best_ms, [Piece::Same(0, 200)]);
    round_trip(&before, &after);
}

#[test]
fn a_new_leader_a_removed_race_and_a_renamed_track_all_arrive() {
    let before = board(7, &racers(50), None);
    let mut now = racers(50);
    now.remove(10);
    now.push(("Fastest".into(), 9_000));
    let mut after = board(9, &now, Some(&before));
    after.title = "Renamed".into();
    after.latest_finisher = Some("Fastest".into());
    round_trip(&before, &after);
    // And back: every row may change.
    let back = board(10, &racers(50), Some(&after));
    round_trip(
        &Leaderboard {
            version: 10,
            ..after.clone()
        },
        &Leaderboard {
            version: 11,
            ..back
        },
    );
}

#[test]
fn racers_of_the_same_name_are_paired_in_order() {
    let twins = vec![("Sam".to_string(), 11_000), ("Sam".to_string(), 12_000)];
    let before = board(1, &twins, None);
    let mut now = twins.clone();
    now[1].1 = 10_500;
    now.push(("Ann".into(), 10_000));
    round_trip(&before, &board(2, &now, Some(&before)));
    round_trip(&before, &board(2, &[], Some(&before)));
    round_trip(&board(0, &[], None), &before);
}

#[test]
fn a_delta_for_another_version_or_other_rows_is_refused() {
    let before = board(3, &racers(20), None);
    let after = board(4, &racers(21), Some(&before));
    let delta = BoardDelta::between(&before, &after);
    let older = Leaderboard {
        version: 2,
        ..before.clone()
    };
    assert_eq!(delta.clone().apply(older), Err(Mismatch));
    let shorter = board(3, &racers(5), None);
    assert_eq!(
        delta.clone().apply(shorter),
        Err(Mismatch),
        "rows it does not have"
    );
    let mut twice = delta;
    twice.rows.push(Piece::Same(0, 1));
    assert_eq!(twice.apply(before), Err(Mismatch), "a row taken twice");
}

#[test]
fn stream_messages_read_back_as_sent_whatever_their_field_order() {
    use crate::domain::rules::BoardFormat;
    let before = board(4, &racers(3), None);
    let after = board(5, &racers(4), Some(&before));
    let messages = [
        PublicUpdate::Reload,
        PublicUpdate::Race {
            track: TrackId("t1".into()),
            on_track: None,
        },
        PublicUpdate::Board {
            track: Some(TrackId("t1".into())),
            format: Some(BoardFormat::Average),
            board: after.clone(),
            snapshot: true,
        },
        PublicUpdate::BoardDelta {
            track: None,
            format: None,
            delta: BoardDelta::between(&before, &after),
        },
    ];
    for message in messages {
        let json = serde_json::to_string(&message).unwrap();
        assert_eq!(
            serde_json::from_str::<PublicUpdate>(&json).unwrap(),
            message
        );
    }
    // The tag may come last, as any JSON writer may put it.
    let json = r#"{"track":"t2","on_track":null,"kind":"race"}"#;
    assert_eq!(
        serde_json::from_str::<PublicUpdate>(json).unwrap(),
        PublicUpdate::Race {
            track: TrackId("t2".into()),
            on_track: None
        }
    );
    assert!(serde_json::from_str::<PublicUpdate>(r#"{"kind":"race"}"#).is_err());
    assert!(serde_json::from_str::<PublicUpdate>(r#"{"kind":"board"}"#).is_err());
}

/// A small deterministic generator, so that a failing case is the same on every run.
struct Lcg(u64);

impl Lcg {
    fn below(&mut self, n: u64) -> u64 {
        self.0 = self
            .0
            .wrapping_mul(6_364_136_223_846_793_005)
            .wrapping_add(1_442_695_040_888_963_407);
        (self.0 >> 33) % n.max(1)
    }
}

#[test]
fn any_change_of_any_board_applies_back_to_the_new_board() {
    let mut random = Lcg(13);
    for case in 0..400 {
        let count = random.below(40);
        // A few names repeat: such racers are paired first with first.
        let old: Vec<(String, u64)> = (0..count)
            .map(|i| (format!("R{}", i % 30), 10_000 + random.below(5_000)))
            .collect();
        let mut new = old.clone();
        for _ in 0..random.below(4) {
            match random.below(3) {
                0 if !new.is_empty() => {
                    let i = random.below(new.len() as u64) as usize;
                    new[i].1 = 9_000 + random.below(7_000);
                }
                1 if !new.is_empty() => {
                    new.remove(random.below(new.len() as u64) as usize);
                }
                _ => new.push((format!("N{case}"), 9_000 + random.below(7_000))),
            }
        }
        let before = board(case, &old, None);
        round_trip(&before, &board(case + 1, &new, Some(&before)));
    }
}
