//! What the commentator view and the spoken call-outs say about the race on track:
//! the run's statistics as if it were submitted, where that would place the racer,
//! how a lap is coloured and how a lap is read out. Pure, so each rule is tested here.

use super::race::{Lap, Race, RaceState};
use super::results::{self, LapRecord, RaceRecord, RacerStats};
use super::rules::Ranking;

/// What the race manager, the commentator and the call-outs say once the race time
/// ran out and the lap in progress still counts (domain.md §3).
pub const TIME_UP: &str = "Time up: the lap in progress counts; the next lap ends the race";

/// Whether the race time ran out while the race is still on (its last lap under way).
pub fn time_up_on_track(race: &Race, now: u64) -> bool {
    matches!(race.state, RaceState::Running | RaceState::Paused) && race.time_up(now)
}

/// How a race's state reads on a page.
pub fn state_label(state: RaceState) -> &'static str {
    match state {
        RaceState::Ready => "Ready",
        RaceState::Running => "Running",
        RaceState::Paused => "Paused",
        RaceState::Over => "Race over",
        RaceState::Submitted => "Submitted",
        RaceState::Discarded => "Discarded",
        RaceState::Deleted => "Deleted",
    }
}

/// The statistics of one run (the race on track), by the results engine itself, so
/// the commentator's "best average" is the leaderboard's.
pub fn run_stats(ranking: Ranking, laps: &[Lap]) -> RacerStats {
    let record = RaceRecord {
        racer: String::new(),
        listed_as: Default::default(),
        order: 0,
        laps: laps.iter().map(LapRecord::of).collect(),
        penalty_ms: 0,
    };
    results::of_one_race(ranking, &record)
}

/// The better of two ranked results (lower is better for every ranking method).
pub fn better(a: Option<u64>, b: Option<u64>) -> Option<u64> {
    match (a, b) {
        (Some(a), Some(b)) => Some(a.min(b)),
        (a, b) => a.or(b),
    }
}

/// The position `result` would take among the other racers' results: equal results
/// share a position, as on the leaderboard.
pub fn position_among(others: &[u64], result: u64) -> u32 {
    1 + others.iter().filter(|o| **o < result).count() as u32
}

/// A lap's colour on the overlay and the commentator's chart: purple for the event's
/// best, green for the racer's own best, yellow for any other valid lap, red invalid.
pub fn lap_class(
    time_ms: u64,
    valid: bool,
    event_best: Option<u64>,
    own_best: Option<u64>,
) -> &'static str {
    if !valid {
        "lap-invalid"
    } else if event_best.is_some_and(|b| time_ms <= b) {
        "lap-event-best"
    } else if own_best.is_some_and(|b| time_ms <= b) {
        "lap-own-best"
    } else {
        "lap-valid"
    }
}

/// A time as it is spoken: "9.41 seconds", "1 minute 5.20 seconds" (hundredths).
pub fn spoken_time(ms: u64) -> String {
    let hundredths = (ms + 5) / 10;
    let minutes = hundredths / 6_000;
    let seconds = (hundredths % 6_000) / 100;
    let rest = hundredths % 100;
    match minutes {
        0 => format!("{seconds}.{rest:02} seconds"),
        1 => format!("1 minute {seconds}.{rest:02} seconds"),
        m => format!("{m} minutes {seconds}.{rest:02} seconds"),
    }
}

/// The call-out for lap `number` (1-based): "Lap 3, 9.41 seconds".
pub fn lap_callout(number: usize, lap: &Lap) -> String {
    let time = spoken_time(lap.time_ms);
    if lap.dnf {
        format!("Lap {number}, did not finish")
    } else if lap.valid {
        format!("Lap {number}, {time}")
    } else {
        format!("Lap {number}, {time}, invalid")
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::domain::race::LapSource;

    fn lap(time_ms: u64, valid: bool) -> Lap {
        Lap {
            time_ms,
            resets: 0,
            valid,
            dnf: false,
            source: LapSource::Manual,
            ended_at: None,
            penalty_ms: 0,
        }
    }

    #[test]
    fn run_stats_follow_the_results_engine() {
        let laps = [
            lap(10_000, true),
            lap(9_000, false),
            lap(9_500, true),
            lap(9_800, true),
        ];
        let best_lap = run_stats(Ranking::BestLap, &laps);
        assert_eq!(best_lap.fastest_lap.map(|a| a.value_ms), Some(9_500));
        let average = run_stats(Ranking::BestAverage { laps: 2 }, &laps);
        assert_eq!(average.best_average.map(|a| a.value_ms), Some(9_650));
        assert_eq!(run_stats(Ranking::BestLap, &[]).fastest_lap, None);
    }

    #[test]
    fn positions_share_ties() {
        let others = [9_000, 9_500, 9_500, 11_000];
        assert_eq!(position_among(&others, 8_000), 1);
        assert_eq!(position_among(&others, 9_000), 1);
        assert_eq!(position_among(&others, 9_600), 4);
        assert_eq!(position_among(&others, 12_000), 5);
        assert_eq!(position_among(&[], 12_000), 1);
        assert_eq!(better(Some(3), Some(2)), Some(2));
        assert_eq!(better(None, Some(2)), Some(2));
        assert_eq!(better(None, None), None);
    }

    #[test]
    fn lap_colours() {
        assert_eq!(
            lap_class(9_000, false, Some(8_000), Some(8_500)),
            "lap-invalid"
        );
        assert_eq!(
            lap_class(8_000, true, Some(8_000), Some(8_500)),
            "lap-event-best"
        );
        assert_eq!(
            lap_class(8_500, true, Some(8_000), Some(8_500)),
            "lap-own-best"
        );
        assert_eq!(
            lap_class(9_000, true, Some(8_000), Some(8_500)),
            "lap-valid"
        );
    }

    #[test]
    fn call_outs() {
        assert_eq!(lap_callout(3, &lap(9_410, true)), "Lap 3, 9.41 seconds");
        assert_eq!(
            lap_callout(1, &lap(9_406, false)),
            "Lap 1, 9.41 seconds, invalid"
        );
        assert_eq!(spoken_time(59_996), "1 minute 0.00 seconds");
        assert_eq!(spoken_time(125_070), "2 minutes 5.07 seconds");
        let mut dnf = lap(4_000, false);
        dnf.dnf = true;
        assert_eq!(lap_callout(2, &dnf), "Lap 2, did not finish");
    }
}
