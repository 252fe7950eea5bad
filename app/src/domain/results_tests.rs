//! Example tests for each results rule, and property tests for the invariants.

use super::*;
use proptest::prelude::*;

fn lap(time_ms: u64, valid: bool) -> LapRecord {
    LapRecord {
        time_ms,
        resets: 0,
        valid,
        ended_at: None,
    }
}

fn race(racer: &str, order: u64, laps: &[(u64, bool)]) -> RaceRecord {
    RaceRecord {
        racer: racer.to_string(),
        listed_as: ListedAs {
            shown: racer.to_string(),
            username: racer.to_string(),
        },
        order,
        laps: laps.iter().map(|&(t, v)| lap(t, v)).collect(),
        penalty_ms: 0,
    }
}

fn board(ranking: Ranking, races: &[RaceRecord]) -> Vec<(Option<u32>, String, Option<u64>)> {
    rank(ranking, compute(ranking, races))
        .into_iter()
        .map(|s| (s.position, s.stats.racer, s.result.map(|r| r.value_ms)))
        .collect()
}

#[test]
fn statistics_of_one_racer() {
    let races = [
        race(
            "ann",
            1,
            &[
                (10_000, true),
                (9_000, true),
                (12_000, false),
                (11_000, true),
            ],
        ),
        race("ann", 2, &[(9_500, true), (9_700, true), (9_600, true)]),
    ];
    let stats = &compute(Ranking::BestAverage { laps: 3 }, &races)[0];
    assert_eq!(stats.races, 2);
    assert_eq!(
        (stats.laps, stats.valid_laps, stats.invalid_laps),
        (7, 6, 1)
    );
    assert_eq!(stats.fastest_lap.map(|a| a.value_ms), Some(9_000));
    assert_eq!(stats.slowest_valid_lap, Some(11_000));
    assert_eq!(stats.best_average.map(|a| a.value_ms), Some(9_600));
    assert_eq!(
        stats.average_lap_ms,
        Some((10_000 + 9_000 + 11_000 + 9_500 + 9_700 + 9_600) / 6)
    );
    assert_eq!(stats.most_consecutive_valid, 3);
    assert!((stats.completion_ratio - 6.0 / 7.0).abs() < 1e-9);
    assert!((stats.laps_per_race() - 3.5).abs() < 1e-9);
}

#[test]
fn windows_need_consecutive_valid_laps_within_one_race() {
    let races = [
        race("bo", 1, &[(9_000, true), (9_000, true)]),
        race("bo", 2, &[(9_000, true), (9_000, false), (9_000, true)]),
    ];
    let stats = &compute(Ranking::BestAverage { laps: 3 }, &races)[0];
    assert_eq!(
        stats.best_average, None,
        "no window spans two races or an invalid lap"
    );
}

#[test]
fn ties_share_a_position_and_the_earlier_time_comes_first() {
    let races = [
        race("cy", 5, &[(9_000, true)]),
        race("ann", 3, &[(9_000, true)]),
        race("bo", 1, &[(8_000, true)]),
        race("di", 2, &[(9_500, true)]),
    ];
    assert_eq!(
        board(Ranking::BestLap, &races),
        vec![
            (Some(1), "bo".into(), Some(8_000)),
            (Some(2), "ann".into(), Some(9_000)),
            (Some(2), "cy".into(), Some(9_000)),
            (Some(4), "di".into(), Some(9_500)),
        ]
    );
}

/// A race submitted at `order` whose laps ended at the given moments.
fn timed_race(racer: &str, order: u64, laps: &[(u64, u64)]) -> RaceRecord {
    RaceRecord {
        laps: laps
            .iter()
            .map(|&(time_ms, ended_at)| LapRecord {
                ended_at: Some(ended_at),
                ..lap(time_ms, true)
            })
            .collect(),
        ..race(racer, order, &[])
    }
}

#[test]
fn a_tie_goes_to_who_set_the_time_first_not_to_who_was_submitted_first() {
    // Two tracks racing at once: bo's race is submitted first, but ann's 9.000 lap
    // ended a second before bo's.
    let races = [
        timed_race("bo", 2_000, &[(9_000, 1_001_000)]),
        timed_race("ann", 3_000, &[(9_000, 1_000_000)]),
    ];
    assert_eq!(
        board(Ranking::BestLap, &races),
        vec![
            (Some(1), "ann".into(), Some(9_000)),
            (Some(1), "bo".into(), Some(9_000)),
        ]
    );
}

#[test]
fn an_average_ties_by_its_last_lap_and_a_lap_count_by_its_nth_lap() {
    // Both average 10.000 over 3 laps and finish 3 laps in 30.000; ann's window closes
    // at 100, bo's at 90, though ann's first lap ended first.
    let races = [
        timed_race("ann", 9, &[(10_000, 10), (10_000, 20), (10_000, 100)]),
        timed_race("bo", 8, &[(10_000, 50), (10_000, 60), (10_000, 90)]),
    ];
    for ranking in [
        Ranking::BestAverage { laps: 3 },
        Ranking::LapCount { laps: 3 },
    ] {
        let order: Vec<String> = board(ranking, &races).into_iter().map(|r| r.1).collect();
        assert_eq!(order, ["bo", "ann"], "{ranking:?}");
    }
}

#[test]
fn laps_stored_before_their_end_was_kept_tie_by_submission() {
    let races = [
        race("cy", 5, &[(9_000, true)]),
        timed_race("ann", 9, &[(9_000, 4)]),
    ];
    let order: Vec<String> = board(Ranking::BestLap, &races)
        .into_iter()
        .map(|r| r.1)
        .collect();
    assert_eq!(
        order,
        ["ann", "cy"],
        "ann's lap ended at 4, cy's race was submitted at 5"
    );
}

#[test]
fn racers_without_a_result_are_listed_last() {
    let races = [
        race("zed", 1, &[(9_000, false)]),
        race("amy", 2, &[(12_000, true)]),
        race("bob", 3, &[]),
    ];
    assert_eq!(
        board(Ranking::BestLap, &races),
        vec![
            (Some(1), "amy".into(), Some(12_000)),
            (None, "bob".into(), None),
            (None, "zed".into(), None),
        ]
    );
}

#[test]
fn lap_count_ranks_by_the_total_of_the_first_valid_laps() {
    let ranking = Ranking::LapCount { laps: 2 };
    let races = [
        race(
            "ann",
            1,
            &[
                (10_000, true),
                (5_000, false),
                (10_000, true),
                (1_000, true),
            ],
        ),
        race("bo", 2, &[(9_000, true)]),
        race("cy", 3, &[(9_000, true), (10_500, true)]),
    ];
    assert_eq!(
        board(ranking, &races),
        vec![
            (Some(1), "cy".into(), Some(19_500)),
            (Some(2), "ann".into(), Some(20_000)),
            (None, "bo".into(), None),
        ]
    );
}

#[test]
fn combined_keeps_each_racers_best_by_the_ranking_method() {
    let ranking = Ranking::BestAverage { laps: 3 };
    let track_a = compute(
        ranking,
        &[race(
            "ann",
            1,
            &[(7_000, true), (20_000, true), (20_000, true)],
        )],
    );
    let track_b = compute(
        ranking,
        &[race(
            "ann",
            2,
            &[(10_000, true), (10_000, true), (10_000, true)],
        )],
    );
    let rows = combined(ranking, &[track_a, track_b]);
    assert_eq!(rows.len(), 1);
    assert_eq!(
        rows[0].result.map(|r| r.value_ms),
        Some(10_000),
        "by average, not fastest lap"
    );
}

#[test]
fn averages_rank_by_their_exact_totals() {
    // 30,001 and 30,000 ms both round to a 10,000 ms average: they must not tie.
    let ranking = Ranking::BestAverage { laps: 3 };
    let races = [
        race(
            "early",
            1,
            &[(10_001, true), (10_000, true), (10_000, true)],
        ),
        race("late", 2, &[(10_000, true), (10_000, true), (10_000, true)]),
    ];
    assert_eq!(
        board(ranking, &races),
        vec![
            (Some(1), "late".into(), Some(10_000)),
            (Some(2), "early".into(), Some(10_000)),
        ]
    );
}

#[test]
fn metrics_over_selected_races() {
    let races = [
        race("ann", 1, &[(10_000, true), (12_000, false)]),
        race("bo", 2, &[(8_000, true), (9_000, true)]),
        race("ann", 3, &[]),
    ];
    let m = metrics(&races);
    assert_eq!((m.races, m.racers, m.laps, m.valid_laps), (3, 2, 4, 3));
    assert_eq!(m.fastest_lap_ms, Some(8_000));
    assert_eq!(m.slowest_lap_ms, Some(10_000));
    assert_eq!(m.average_lap_ms, Some(9_000));
    assert_eq!(metrics(&[]), Metrics::default());
}

/// The generated racers' names: not in the order of their ids, two shown alike but
/// for letter case.
fn listed_as_in_arb(racer: &str) -> ListedAs {
    let shown = match racer {
        "a" => "Zoe",
        "b" => "ann",
        "c" => "Bob",
        "d" => "Ann",
        _ => "carl",
    };
    ListedAs {
        shown: shown.into(),
        username: format!("user-{racer}"),
    }
}

#[test]
fn racers_without_a_result_are_listed_by_name_then_username_never_by_id() {
    let named = |id: &str, shown: &str, username: &str| RaceRecord {
        listed_as: ListedAs {
            shown: shown.into(),
            username: username.into(),
        },
        ..race(id, 0, &[(9_000, false)])
    };
    let races = [
        named("id-1", "bo", "bo"),
        named("id-2", "Ann", "zed"),
        named("id-3", "ann", "amy"),
        named("id-4", "Cy", "cy"),
    ];
    let order: Vec<String> = rank(Ranking::BestLap, compute(Ranking::BestLap, &races))
        .into_iter()
        .map(|s| s.stats.listed_as.username)
        .collect();
    assert_eq!(order, ["amy", "zed", "bo", "cy"]);
}

fn arb_races() -> impl Strategy<Value = Vec<RaceRecord>> {
    let lap = (
        1_000u64..60_000,
        any::<bool>(),
        proptest::option::of(0u64..100_000),
    )
        .prop_map(|(t, v, ended_at)| LapRecord {
            ended_at,
            ..lap(t, v)
        });
    let racer = prop::sample::select(vec!["a", "b", "c", "d", "e"]).prop_map(String::from);
    let race = (racer, proptest::collection::vec(lap, 0..12));
    proptest::collection::vec(race, 0..12).prop_map(|races| {
        races
            .into_iter()
            .enumerate()
            .map(|(i, (racer, laps))| RaceRecord {
                listed_as: listed_as_in_arb(&racer),
                racer,
                order: i as u64,
                laps,
                penalty_ms: 0,
            })
            .collect()
    })
}

fn arb_ranking() -> impl Strategy<Value = Ranking> {
    prop_oneof![
        Just(Ranking::BestLap),
        (3u8..=7).prop_map(|laps| Ranking::BestAverage { laps }),
        (1u8..=5).prop_map(|laps| Ranking::LapCount { laps }),
    ]
}

#[test]
fn a_race_penalty_worsens_the_result_that_race_earns() {
    let penalized = |ms| RaceRecord {
        penalty_ms: ms,
        ..race("ann", 1, &[(10_000, true), (11_000, true), (12_000, true)])
    };
    let bo = race("bo", 2, &[(10_500, true), (11_500, true), (12_500, true)]);
    // Best lap: 10.0 + 1.0 against 10.5.
    assert_eq!(
        board(Ranking::BestLap, &[penalized(1_000), bo.clone()]),
        vec![
            (Some(1), "bo".into(), Some(10_500)),
            (Some(2), "ann".into(), Some(11_000))
        ]
    );
    // Average of 3: 11.0 + 1.0 against 11.5; lap count of 3: 33.0 + 1.0 against 34.5.
    let average = Ranking::BestAverage { laps: 3 };
    assert_eq!(
        board(average, &[penalized(1_000), bo.clone()])[0],
        (Some(1), "bo".into(), Some(11_500))
    );
    assert_eq!(board(average, &[penalized(1_000)])[0].2, Some(12_000));
    let count = Ranking::LapCount { laps: 3 };
    assert_eq!(
        board(count, &[penalized(1_000), bo])[0],
        (Some(1), "ann".into(), Some(34_000))
    );
    // The penalty stays with its race: ann's other, clean race still counts as it was.
    let clean = race("ann", 3, &[(10_200, true)]);
    assert_eq!(
        board(Ranking::BestLap, &[penalized(5_000), clean])[0].2,
        Some(10_200)
    );
}

#[test]
fn a_lap_penalty_is_part_of_that_laps_time() {
    use crate::domain::race::{Lap, LapSource};
    let lap = Lap {
        time_ms: 9_000,
        resets: 0,
        valid: true,
        dnf: false,
        source: LapSource::Manual,
        ended_at: Some(5),
        penalty_ms: 2_000,
    };
    assert_eq!(
        LapRecord::of(&lap),
        LapRecord {
            time_ms: 11_000,
            resets: 0,
            valid: true,
            ended_at: Some(5)
        }
    );
}

proptest! {
    #[test]
    fn ranking_is_a_permutation_of_the_racers(ranking in arb_ranking(), races in arb_races()) {
        let mut racers: Vec<String> = races.iter().map(|r| r.racer.clone()).collect();
        racers.sort();
        racers.dedup();
        let mut ranked: Vec<String> = rank(ranking, compute(ranking, &races))
            .into_iter()
            .map(|s| s.stats.racer)
            .collect();
        ranked.sort();
        prop_assert_eq!(ranked, racers);
    }

    #[test]
    fn order_is_monotone_in_the_ranked_time(ranking in arb_ranking(), races in arb_races()) {
        let rows = rank(ranking, compute(ranking, &races));
        for pair in rows.windows(2) {
            let key = |s: &Standing| s.stats.rank_key(ranking);
            match (key(&pair[0]), key(&pair[1])) {
                (Some(a), Some(b)) => {
                    prop_assert!(a.value_ms <= b.value_ms);
                    prop_assert!(a <= b, "a tie goes to who set the time first");
                    prop_assert!(pair[0].position <= pair[1].position);
                    prop_assert_eq!(a.value_ms == b.value_ms, pair[0].position == pair[1].position);
                }
                (None, Some(_)) => prop_assert!(false, "an unranked racer before a ranked one"),
                (None, None) => prop_assert!(
                    pair[0].stats.listed_as.order(&pair[1].stats.listed_as).is_le(),
                    "racers without a result are listed by name, then username"
                ),
                _ => {}
            }
            prop_assert_eq!(pair[0].result.is_some(), pair[0].position.is_some());
        }
    }

    #[test]
    fn a_valid_lap_added_never_worsens_a_result(
        ranking in arb_ranking(),
        races in arb_races(),
        extra in 1_000u64..60_000,
        pick in any::<prop::sample::Index>(),
    ) {
        prop_assume!(!races.is_empty());
        let i = pick.index(races.len());
        let racer = races[i].racer.clone();
        let before = compute(ranking, &races).into_iter().find(|s| s.racer == racer).unwrap();
        let mut more = races.clone();
        more[i].laps.push(lap(extra, true));
        let after = compute(ranking, &more).into_iter().find(|s| s.racer == racer).unwrap();
        match (before.ranked_result(ranking), after.ranked_result(ranking)) {
            (Some(b), Some(a)) => prop_assert!(a.value_ms <= b.value_ms),
            (Some(_), None) => prop_assert!(false, "a result was lost"),
            _ => {}
        }
        prop_assert_eq!(after.valid_laps, before.valid_laps + 1);
    }

    #[test]
    fn windows_never_cross_races(n in 3u8..=7, times in proptest::collection::vec(1_000u64..60_000, 14)) {
        // Each race has n-1 valid laps: only a window across races could average n.
        let short = usize::from(n) - 1;
        let races: Vec<RaceRecord> = times
            .chunks(short)
            .enumerate()
            .map(|(i, chunk)| RaceRecord {
                racer: "ann".into(),
                listed_as: ListedAs::default(),
                order: i as u64,
                laps: chunk.iter().map(|&t| lap(t, true)).collect(),
                penalty_ms: 0,
            })
            .collect();
        let stats = &compute(Ranking::BestAverage { laps: n }, &races)[0];
        prop_assert_eq!(stats.best_average, None);
    }
}
