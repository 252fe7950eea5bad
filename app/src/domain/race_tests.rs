//! Every transition of the race and every timing rule of domain.md §3.

use super::*;
use crate::domain::rules::{RaceRules, Ranking};

fn rules(race_time_ms: Option<u64>, resets: Option<u32>) -> RaceRules {
    RaceRules {
        race_time_ms,
        resets_per_lap: resets,
        ..RaceRules::default()
    }
}

fn lap() -> Command {
    Command::CaptureLap {
        source: LapSource::Manual,
    }
}

fn started(rules: RaceRules) -> Race {
    let mut race = Race::new(rules);
    race.apply(Command::Start, 1_000).unwrap();
    race
}

fn times(race: &Race) -> Vec<u64> {
    race.laps.iter().map(|l| l.time_ms).collect()
}

#[test]
fn a_race_runs_from_ready_to_submitted() {
    let mut race = Race::new(RaceRules::default());
    assert_eq!(race.state, RaceState::Ready);
    race.apply(Command::Start, 1_000).unwrap();
    assert_eq!(race.state, RaceState::Running);
    race.apply(lap(), 11_000).unwrap();
    race.apply(lap(), 20_500).unwrap();
    assert_eq!(times(&race), vec![10_000, 9_500]);
    assert_eq!(race.lap_elapsed(21_000), 500);
    assert_eq!(race.remaining(21_000), Some(120_000 - 20_000));
    race.apply(Command::End, 25_000).unwrap();
    assert_eq!(race.state, RaceState::Over);
    assert_eq!(
        race.laps.len(),
        2,
        "the lap in progress is dropped at the end"
    );
    race.apply(Command::Submit, 26_000).unwrap();
    assert_eq!(race.state, RaceState::Submitted);
}

#[test]
fn pausing_stops_the_clocks_and_resuming_continues_them() {
    let mut race = started(RaceRules::default());
    race.apply(Command::Pause, 5_000).unwrap();
    assert_eq!(race.state, RaceState::Paused);
    assert_eq!(race.race_elapsed(50_000), 4_000);
    assert_eq!(race.lap_elapsed(50_000), 4_000);
    race.apply(Command::Resume, 60_000).unwrap();
    race.apply(lap(), 63_000).unwrap();
    assert_eq!(times(&race), vec![7_000]);
    assert_eq!(race.remaining(63_000), Some(120_000 - 7_000));
}

#[test]
fn resets_decide_validity() {
    let mut race = started(rules(None, Some(1)));
    race.apply(Command::ResetUp, 2_000).unwrap();
    race.apply(lap(), 10_000).unwrap();
    race.apply(Command::ResetUp, 11_000).unwrap();
    race.apply(Command::ResetUp, 12_000).unwrap();
    race.apply(lap(), 20_000).unwrap();
    race.apply(Command::ResetUp, 21_000).unwrap();
    race.apply(Command::ResetDown, 22_000).unwrap();
    race.apply(Command::ResetDown, 23_000).unwrap();
    assert_eq!(race.current_resets, 0, "never below zero");
    race.apply(lap(), 30_000).unwrap();
    let valid: Vec<(u32, bool)> = race.laps.iter().map(|l| (l.resets, l.valid)).collect();
    assert_eq!(valid, vec![(1, true), (2, false), (0, true)]);
}

#[test]
fn dnf_captures_an_invalid_lap_and_pauses() {
    let mut race = started(RaceRules::default());
    race.apply(Command::Dnf, 8_000).unwrap();
    assert_eq!(race.state, RaceState::Paused);
    assert_eq!(race.laps[0].time_ms, 7_000);
    assert!(race.laps[0].dnf && !race.laps[0].valid);
    race.apply(Command::Resume, 30_000).unwrap();
    race.apply(lap(), 39_000).unwrap();
    assert_eq!(race.laps[1].time_ms, 9_000, "the next lap starts at resume");
}

#[test]
fn undo_false_finish_gives_the_time_back() {
    let mut race = started(RaceRules::default());
    race.apply(Command::ResetUp, 2_000).unwrap();
    race.apply(lap(), 5_000).unwrap();
    race.apply(Command::UndoFalseFinish, 7_000).unwrap();
    assert!(race.laps.is_empty());
    assert_eq!(race.current_resets, 1);
    race.apply(lap(), 11_000).unwrap();
    assert_eq!(times(&race), vec![10_000], "one lap, never two halves");
    race.apply(Command::UndoFalseFinish, 12_000).unwrap();
    assert_eq!(
        race.apply(Command::UndoFalseFinish, 12_000),
        Err(RaceError::NoLap)
    );
}

#[test]
fn time_running_out_never_cuts_the_lap_in_progress() {
    let mut race = started(rules(Some(60_000), None));
    race.apply(lap(), 51_000).unwrap();
    assert!(race.time_up(61_000));
    assert_eq!(
        race.state,
        RaceState::Running,
        "the race goes on past the time"
    );
    race.apply(lap(), 71_000).unwrap();
    assert_eq!(times(&race), vec![50_000, 20_000]);
    assert_eq!(
        race.state,
        RaceState::Over,
        "the next capture ends the race"
    );
}

#[test]
fn undo_reopens_a_race_ended_by_a_false_finish() {
    let mut race = started(rules(Some(60_000), None));
    race.apply(lap(), 71_000).unwrap();
    assert_eq!(race.state, RaceState::Over);
    assert!(race.can_undo());
    race.apply(Command::UndoFalseFinish, 74_000).unwrap();
    assert_eq!(race.state, RaceState::Running);
    race.apply(lap(), 80_000).unwrap();
    assert_eq!(
        times(&race),
        vec![79_000],
        "the clock ran on through the false finish"
    );
    assert_eq!(race.state, RaceState::Over);
}

#[test]
fn undo_after_ending_the_race_is_refused() {
    let mut race = started(RaceRules::default());
    race.apply(lap(), 9_000).unwrap();
    race.apply(Command::End, 10_000).unwrap();
    assert!(!race.can_undo());
    assert!(race.apply(Command::UndoFalseFinish, 11_000).is_err());
}

#[test]
fn a_lap_count_race_ends_at_the_target() {
    let mut race = started(RaceRules {
        ranking: Ranking::LapCount { laps: 2 },
        ..RaceRules::default()
    });
    race.apply(lap(), 9_000).unwrap();
    race.apply(Command::Dnf, 12_000).unwrap();
    race.apply(Command::Resume, 12_000).unwrap();
    race.apply(lap(), 20_000).unwrap();
    assert_eq!(race.state, RaceState::Over);
    assert_eq!(race.valid_laps(), 2);
}

#[test]
fn validity_toggles_during_and_after_the_race() {
    let mut race = started(RaceRules::default());
    race.apply(lap(), 9_000).unwrap();
    race.apply(Command::ToggleValid { lap: 0 }, 9_500).unwrap();
    assert!(!race.laps[0].valid);
    race.apply(Command::End, 10_000).unwrap();
    race.apply(Command::ToggleValid { lap: 0 }, 10_500).unwrap();
    assert!(race.laps[0].valid);
    assert_eq!(
        race.apply(Command::ToggleValid { lap: 3 }, 11_000),
        Err(RaceError::NoSuchLap(3))
    );
}

#[test]
fn timer_crossings_start_capture_and_resume() {
    let mut race = Race::new(RaceRules::default());
    race.apply(Command::Crossing, 1_000).unwrap();
    assert_eq!(race.state, RaceState::Running);
    race.apply(Command::Crossing, 10_000).unwrap();
    race.apply(Command::Pause, 12_000).unwrap();
    race.apply(Command::Crossing, 20_000).unwrap();
    assert_eq!(race.state, RaceState::Running);
    race.apply(Command::Crossing, 27_000).unwrap();
    assert_eq!(times(&race), vec![9_000, 9_000]);
    assert!(race.laps.iter().all(|l| l.source == LapSource::Timer));
}

#[test]
fn manual_and_timer_captures_mix_without_a_lap_spanning_two() {
    let mut race = started(RaceRules::default());
    race.apply(Command::Crossing, 10_000).unwrap();
    race.apply(lap(), 19_000).unwrap();
    race.apply(Command::Crossing, 28_500).unwrap();
    assert_eq!(times(&race), vec![9_000, 9_000, 9_500]);
}

#[test]
fn discard_from_ready_or_over_only() {
    let mut ready = Race::new(RaceRules::default());
    ready.apply(Command::Discard, 0).unwrap();
    assert_eq!(ready.state, RaceState::Discarded);
    let mut running = started(RaceRules::default());
    assert!(running.apply(Command::Discard, 2_000).is_err());
    running.apply(Command::End, 3_000).unwrap();
    running.apply(Command::Discard, 4_000).unwrap();
    assert_eq!(running.state, RaceState::Discarded);
}

#[test]
fn commands_out_of_place_are_refused_and_change_nothing() {
    let ready = Race::new(RaceRules::default());
    for command in [
        lap(),
        Command::Pause,
        Command::Resume,
        Command::End,
        Command::Submit,
        Command::Dnf,
    ] {
        let mut race = ready.clone();
        assert!(
            race.apply(command, 5_000).is_err(),
            "{command:?} while ready"
        );
        assert_eq!(race, ready);
    }
    let mut submitted = started(RaceRules::default());
    submitted.apply(Command::End, 2_000).unwrap();
    submitted.apply(Command::Submit, 3_000).unwrap();
    for command in [
        Command::Start,
        lap(),
        Command::Crossing,
        Command::Discard,
        Command::End,
    ] {
        assert!(
            submitted.clone().apply(command, 5_000).is_err(),
            "{command:?} when submitted"
        );
    }
}

#[test]
fn a_race_survives_a_round_trip_through_storage() {
    let mut race = started(RaceRules::default());
    race.apply(lap(), 9_000).unwrap();
    race.apply(Command::ResetUp, 9_500).unwrap();
    let stored = serde_json::to_string(&race).unwrap();
    let mut restored: Race = serde_json::from_str(&stored).unwrap();
    assert_eq!(restored, race);
    restored.apply(lap(), 18_000).unwrap();
    assert_eq!(times(&restored), vec![8_000, 9_000]);
}

#[test]
fn race_admin_corrects_laps_of_a_submitted_race() {
    let mut race = started(rules(None, Some(1)));
    race.apply(lap(), 10_000).unwrap();
    race.apply(lap(), 20_000).unwrap();
    race.apply(Command::Dnf, 30_000).unwrap();
    race.apply(Command::End, 30_000).unwrap();
    race.apply(Command::Submit, 31_000).unwrap();
    race.edit(LapEdit::SetTime {
        lap: 0,
        time_ms: 8_888,
        confirmed: false,
    })
    .unwrap();
    race.edit(LapEdit::SetResets { lap: 1, resets: 2 }).unwrap();
    assert!(!race.laps[1].valid, "too many resets");
    race.edit(LapEdit::SetResets { lap: 2, resets: 0 }).unwrap();
    assert!(!race.laps[2].valid, "a DNF stays invalid");
    race.edit(LapEdit::SetValid {
        lap: 2,
        valid: true,
    })
    .unwrap();
    assert!(race.laps[2].valid, "an explicit override wins");
    race.edit(LapEdit::Delete { lap: 1 }).unwrap();
    assert_eq!(times(&race), vec![8_888, 10_000]);
    assert_eq!(
        race.edit(LapEdit::SetTime {
            lap: 0,
            time_ms: 0,
            confirmed: true
        }),
        Err(RaceError::BadTime)
    );
    assert_eq!(
        race.edit(LapEdit::Delete { lap: 9 }),
        Err(RaceError::NoSuchLap(9))
    );
    let mut discarded = Race::new(RaceRules::default());
    discarded.apply(Command::Discard, 0).unwrap();
    assert!(discarded.edit(LapEdit::Delete { lap: 0 }).is_err());
}

#[test]
fn undo_of_a_dnf_that_ended_a_paused_race_reopens_it_paused() {
    let mut race = started(rules(Some(60_000), None));
    race.apply(lap(), 50_000).unwrap();
    race.apply(Command::Pause, 70_000).unwrap();
    assert!(race.time_up(70_000));
    race.apply(Command::Dnf, 80_000).unwrap();
    assert_eq!(race.state, RaceState::Over);
    race.apply(Command::UndoFalseFinish, 110_000).unwrap();
    assert_eq!(race.state, RaceState::Paused);
    assert_eq!(
        race.lap_elapsed(200_000),
        20_000,
        "no phantom time while paused"
    );
}

#[test]
fn resets_are_bounded() {
    let mut race = started(RaceRules::default());
    race.apply(lap(), 5_000).unwrap();
    assert_eq!(
        race.edit(LapEdit::SetResets {
            lap: 0,
            resets: u32::MAX
        }),
        Err(RaceError::BadResets)
    );
    for _ in 0..150 {
        race.apply(Command::ResetUp, 6_000).unwrap();
    }
    assert_eq!(race.current_resets, MAX_RESETS);
}

#[test]
fn a_crossing_stamped_before_the_last_action_is_refused() {
    let mut race = Race::new(RaceRules::default()).opened_at(10_000);
    assert_eq!(
        race.apply(Command::Crossing, 9_000),
        Err(RaceError::StaleCrossing),
        "a crossing from before the racer was on track"
    );
    race.apply(Command::Crossing, 12_000).unwrap();
    race.apply(lap(), 20_000).unwrap();
    assert_eq!(
        race.apply(Command::Crossing, 19_500),
        Err(RaceError::StaleCrossing),
        "a late crossing would make a lap span two laps"
    );
    race.apply(Command::Crossing, 29_250).unwrap();
    let times: Vec<u64> = race.laps.iter().map(|l| l.time_ms).collect();
    assert_eq!(times, [8_000, 9_250]);
    assert_eq!(race.laps[1].source, LapSource::Timer);
}

#[test]
fn resets_and_validity_do_not_refuse_a_late_crossing() {
    let mut race = Race::new(RaceRules::default()).opened_at(0);
    race.apply(Command::Crossing, 1_000).unwrap();
    race.apply(Command::ResetUp, 5_000).unwrap();
    // The crossing at 4.9 s reached drem after the reset at 5 s: it still counts.
    race.apply(Command::Crossing, 4_900).unwrap();
    assert_eq!(race.laps[0].time_ms, 3_900);
    assert_eq!(race.laps[0].resets, 1);
}

#[test]
fn a_key_press_right_after_the_timer_took_the_lap_counts_once() {
    let mut race = Race::new(RaceRules::default()).opened_at(0);
    race.apply(Command::Crossing, 1_000).unwrap();
    race.apply(Command::Crossing, 11_000).unwrap();
    assert_eq!(race.apply(lap(), 11_200), Err(RaceError::TimerTookLap));
    assert_eq!(race.laps.len(), 1);
    // A lap the timer missed is still the operator's to take.
    race.apply(lap(), 21_500).unwrap();
    assert_eq!(race.laps.len(), 2);
    assert_eq!(race.laps[1].time_ms, 10_500);
}

#[test]
fn a_lap_key_sooner_than_the_shortest_lap_is_ignored() {
    let mut race = started(RaceRules::default());
    assert_eq!(race.rules.min_lap_ms, 3_000);
    // Enter twice, 150 ms apart: one lap, the second press refused with its reason.
    race.apply(lap(), 10_000).unwrap();
    assert_eq!(
        race.apply(lap(), 10_150),
        Err(RaceError::LapTooShort {
            lap_ms: 150,
            min_ms: 3_000
        })
    );
    // A second tab pressing the same key a second later: still the same lap.
    assert!(race.apply(lap(), 11_000).is_err());
    assert_eq!(times(&race), vec![9_000]);
    assert_eq!(
        race.lap_elapsed(11_000),
        1_000,
        "the refused presses changed nothing"
    );
    race.apply(lap(), 13_000).unwrap();
    assert_eq!(times(&race), vec![9_000, 3_000]);
    // Without a minimum, any lap counts.
    let mut free = started(RaceRules {
        min_lap_ms: 0,
        ..RaceRules::default()
    });
    free.apply(lap(), 1_150).unwrap();
    assert_eq!(times(&free), vec![150]);
}

#[test]
fn a_crossing_sooner_than_the_shortest_lap_is_a_bounce() {
    let mut race = Race::new(RaceRules::default());
    race.apply(Command::Crossing, 1_000).unwrap();
    assert!(matches!(
        race.apply(Command::Crossing, 2_500),
        Err(RaceError::Bounce { lap_ms: 1_500, .. })
    ));
    race.apply(Command::Crossing, 11_000).unwrap();
    assert_eq!(times(&race), vec![10_000]);
}

#[test]
fn the_same_crossing_counts_once_even_without_a_minimum() {
    // A timer serving two tracks: track A took the crossing, track B failed, and the
    // resend brings the same stamp to A again.
    let mut race = Race::new(RaceRules {
        min_lap_ms: 0,
        ..RaceRules::default()
    });
    race.apply(Command::Crossing, 1_000).unwrap();
    assert_eq!(
        race.apply(Command::Crossing, 1_000),
        Err(RaceError::CrossingCounted)
    );
    race.apply(Command::Crossing, 9_000).unwrap();
    assert_eq!(
        race.apply(Command::Crossing, 9_000),
        Err(RaceError::CrossingCounted)
    );
    assert_eq!(times(&race), vec![8_000], "no 0 ms lap");
}

#[test]
fn a_corrected_time_under_the_shortest_lap_needs_confirming() {
    let mut race = started(RaceRules::default());
    race.apply(lap(), 11_000).unwrap();
    race.apply(Command::End, 12_000).unwrap();
    let short = |confirmed| LapEdit::SetTime {
        lap: 0,
        time_ms: 2_500,
        confirmed,
    };
    assert_eq!(
        race.edit(short(false)),
        Err(RaceError::UnderMinimum {
            time_ms: 2_500,
            min_ms: 3_000
        })
    );
    assert_eq!(times(&race), vec![10_000]);
    race.edit(short(true)).unwrap();
    assert_eq!(times(&race), vec![2_500]);
}

#[test]
fn under_end_at_zero_the_race_ends_when_its_time_runs_out() {
    let mut race = started(RaceRules {
        race_time_ms: Some(60_000),
        end_at_zero: true,
        min_lap_ms: 0,
        ..RaceRules::default()
    });
    race.apply(lap(), 21_000).unwrap();
    race.apply(Command::Pause, 31_000).unwrap();
    assert_eq!(race.ends_at_zero_at(), None, "paused: no deadline");
    race.apply(Command::Resume, 41_000).unwrap();
    // Started at 1 s, paused 10 s: time runs out at 71 s.
    assert_eq!(race.ends_at_zero_at(), Some(71_000));
    assert!(!race.end_if_time_up(70_999));
    assert!(race.end_if_time_up(71_400));
    assert_eq!(race.state, RaceState::Over);
    assert_eq!(
        race.race_elapsed(99_000),
        60_000,
        "ended at zero, not when noticed"
    );
    assert_eq!(
        times(&race),
        vec![20_000],
        "the lap in progress does not count"
    );
    // A key pressed after zero meets a race that is over.
    let mut late = started(RaceRules {
        race_time_ms: Some(60_000),
        end_at_zero: true,
        min_lap_ms: 0,
        ..RaceRules::default()
    });
    assert!(late.apply(lap(), 61_500).is_err());
    // Without the option the lap in progress counts and ends the race.
    let mut counts = started(RaceRules {
        race_time_ms: Some(60_000),
        ..RaceRules::default()
    });
    assert_eq!(counts.ends_at_zero_at(), None);
    assert!(!counts.end_if_time_up(70_000));
    counts.apply(lap(), 65_000).unwrap();
    assert_eq!(counts.state, RaceState::Over);
    assert_eq!(times(&counts), vec![64_000]);
}

#[test]
fn a_state_is_stored_under_its_wire_name_and_only_submitted_or_discarded_free_the_track() {
    use RaceState::*;
    let open = [(Ready, true), (Running, true), (Paused, true), (Over, true)];
    let closed = [(Submitted, false), (Discarded, false)];
    for (state, holds_track) in open.into_iter().chain(closed) {
        let wire = serde_json::to_string(&state).expect("a state serializes");
        assert_eq!(wire, format!("\"{}\"", state.as_str()));
        assert_eq!(state.is_open(), holds_track, "{state:?}");
    }
}
