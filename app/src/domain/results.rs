//! The results engine (domain.md §4): per racer over all their races on a track, the
//! statistics every page shows, and the ranking by the event's method. One engine
//! serves the leaderboard, overlays, race admin and exports alike.

use super::rules::Ranking;
use serde::{Deserialize, Serialize};
use std::collections::BTreeMap;

/// One lap as results see it.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub struct LapRecord {
    /// The lap's time with its penalty.
    pub time_ms: u64,
    pub resets: u32,
    pub valid: bool,
    /// When it ended, ms since the epoch (`None` for laps stored before drem kept it).
    pub ended_at: Option<u64>,
}

impl LapRecord {
    /// A race's lap as results count it: a marshal's penalty on it is part of its time.
    pub fn of(lap: &super::race::Lap) -> Self {
        Self {
            time_ms: lap.time_ms + lap.penalty_ms,
            resets: lap.resets,
            valid: lap.valid,
            ended_at: lap.ended_at,
        }
    }
}

/// How a racer is listed where no result ranks them: by the name shown (display name,
/// else username; letter case aside), then by username, which is unique. Never by the
/// internal id, which is random and differs from one database to the next.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct ListedAs {
    pub shown: String,
    pub username: String,
}

impl ListedAs {
    fn order(&self, other: &Self) -> std::cmp::Ordering {
        use super::names::lowercase;
        (lowercase(&self.shown), &self.username).cmp(&(lowercase(&other.shown), &other.username))
    }
}

/// One submitted race of a racer.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct RaceRecord {
    pub racer: String,
    pub listed_as: ListedAs,
    /// Submission order (e.g. milliseconds since the epoch): earlier wins a tie.
    pub order: u64,
    pub laps: Vec<LapRecord>,
    /// A marshal's penalty on the race: added to the result it earns (its best lap,
    /// its best average, its lap-count total).
    #[serde(default)]
    pub penalty_ms: u64,
}

/// A time and when it was achieved, for ties: the moment (ms since the epoch) the
/// lap that set it ended (the lap itself, the last lap of the window, the Nth valid
/// lap), then the race's order, then the lap's index. Laps stored before drem kept
/// their end count as ending when their race was submitted.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Serialize, Deserialize)]
pub struct Achieved {
    pub value_ms: u64,
    pub at: (u64, u64, u32),
}

/// Everything the pages show about one racer on one track.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct RacerStats {
    pub racer: String,
    #[serde(default)]
    pub listed_as: ListedAs,
    pub races: u32,
    pub laps: u32,
    pub valid_laps: u32,
    pub invalid_laps: u32,
    pub resets: u32,
    pub fastest_lap: Option<Achieved>,
    pub slowest_valid_lap: Option<u64>,
    /// The best window's average (rounded ms, for display); `None` without a full
    /// valid window.
    pub best_average: Option<Achieved>,
    /// The best window's exact total: averages rank by it, so rounding never ties two
    /// different results.
    pub best_window_total: Option<Achieved>,
    /// Total of the first N valid laps in the best race (lap-count ranking).
    pub best_lap_count_total: Option<Achieved>,
    pub average_lap_ms: Option<u64>,
    pub most_consecutive_valid: u32,
    /// Valid / total laps, 0.0 without laps.
    pub completion_ratio: f64,
    /// The `order` of the racer's latest race (0 without races): who finished last.
    pub last_race_order: u64,
}

impl RacerStats {
    /// The result the ranking method ranks by; `None` means unranked ("no time").
    pub fn ranked_result(&self, ranking: Ranking) -> Option<Achieved> {
        match ranking {
            Ranking::BestLap => self.fastest_lap,
            Ranking::BestAverage { .. } => self.best_average,
            Ranking::LapCount { .. } => self.best_lap_count_total,
        }
    }

    /// What ranking orders by: the ranked result, except that averages compare their
    /// exact window totals.
    pub fn rank_key(&self, ranking: Ranking) -> Option<Achieved> {
        match ranking {
            Ranking::BestAverage { .. } => self.best_window_total,
            _ => self.ranked_result(ranking),
        }
    }

    /// Average laps per race.
    pub fn laps_per_race(&self) -> f64 {
        if self.races == 0 {
            0.0
        } else {
            f64::from(self.laps) / f64::from(self.races)
        }
    }
}

/// The window size for averages (the method's N, or 3 for other methods' statistics).
fn window(ranking: Ranking) -> usize {
    match ranking {
        Ranking::BestAverage { laps } => usize::from(laps.max(1)),
        _ => 3,
    }
}

fn lap_target(ranking: Ranking) -> Option<usize> {
    match ranking {
        Ranking::LapCount { laps } => Some(usize::from(laps.max(1))),
        _ => None,
    }
}

fn min_achieved(a: Option<Achieved>, b: Achieved) -> Option<Achieved> {
    Some(a.map_or(b, |a| a.min(b)))
}

/// Statistics of one racer over their races.
fn stats_of(racer: &str, races: &[&RaceRecord], ranking: Ranking) -> RacerStats {
    let n = window(ranking);
    let mut s = RacerStats {
        racer: racer.to_string(),
        listed_as: races
            .first()
            .map(|r| r.listed_as.clone())
            .unwrap_or_default(),
        races: races.len() as u32,
        laps: 0,
        valid_laps: 0,
        invalid_laps: 0,
        resets: 0,
        fastest_lap: None,
        slowest_valid_lap: None,
        best_average: None,
        best_window_total: None,
        best_lap_count_total: None,
        average_lap_ms: None,
        most_consecutive_valid: 0,
        completion_ratio: 0.0,
        last_race_order: races.iter().map(|r| r.order).max().unwrap_or(0),
    };
    let mut valid_sum: u64 = 0;
    for race in races {
        let mut run = 0u32;
        let mut window_sum: u64 = 0;
        let mut lap_count: (usize, u64) = (0, 0);
        for (index, lap) in race.laps.iter().enumerate() {
            let at = (lap.ended_at.unwrap_or(race.order), race.order, index as u32);
            s.laps += 1;
            s.resets = s.resets.saturating_add(lap.resets);
            if !lap.valid {
                s.invalid_laps += 1;
                run = 0;
                window_sum = 0;
                continue;
            }
            s.valid_laps += 1;
            valid_sum += lap.time_ms;
            s.fastest_lap = min_achieved(
                s.fastest_lap,
                Achieved {
                    value_ms: lap.time_ms + race.penalty_ms,
                    at,
                },
            );
            s.slowest_valid_lap = Some(s.slowest_valid_lap.unwrap_or(0).max(lap.time_ms));
            run += 1;
            s.most_consecutive_valid = s.most_consecutive_valid.max(run);
            // A window is the last n laps of an unbroken run inside this race.
            window_sum += lap.time_ms;
            if run as usize > n {
                window_sum -= race.laps[index - n].time_ms;
            }
            if run as usize >= n {
                // The race's penalty on the average: n times it on the total.
                s.best_window_total = min_achieved(
                    s.best_window_total,
                    Achieved {
                        value_ms: window_sum + race.penalty_ms * n as u64,
                        at,
                    },
                );
            }
            if let Some(target) = lap_target(ranking) {
                if lap_count.0 < target {
                    lap_count = (lap_count.0 + 1, lap_count.1 + lap.time_ms);
                    if lap_count.0 == target {
                        s.best_lap_count_total = min_achieved(
                            s.best_lap_count_total,
                            Achieved {
                                value_ms: lap_count.1 + race.penalty_ms,
                                at,
                            },
                        );
                    }
                }
            }
        }
    }
    s.best_average = s.best_window_total.map(|total| Achieved {
        value_ms: (total.value_ms + n as u64 / 2) / n as u64,
        at: total.at,
    });
    if s.valid_laps > 0 {
        s.average_lap_ms =
            Some((valid_sum + u64::from(s.valid_laps) / 2) / u64::from(s.valid_laps));
    }
    if s.laps > 0 {
        s.completion_ratio = f64::from(s.valid_laps) / f64::from(s.laps);
    }
    s
}

/// Statistics per racer, over all their races (ordered by racer).
pub fn compute(ranking: Ranking, races: &[RaceRecord]) -> Vec<RacerStats> {
    let mut by_racer: BTreeMap<&str, Vec<&RaceRecord>> = BTreeMap::new();
    for race in races {
        by_racer.entry(race.racer.as_str()).or_default().push(race);
    }
    by_racer
        .into_iter()
        .map(|(racer, mut races)| {
            races.sort_by_key(|r| r.order);
            stats_of(racer, &races, ranking)
        })
        .collect()
}

/// Statistics of a single race, as if it were its racer's only one.
pub fn of_one_race(ranking: Ranking, race: &RaceRecord) -> RacerStats {
    stats_of(&race.racer, &[race], ranking)
}

/// One row of a leaderboard.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Standing {
    /// 1-based; equal results share a position ("1, 1, 3"); `None` = no time yet.
    pub position: Option<u32>,
    pub result: Option<Achieved>,
    pub stats: RacerStats,
}

/// Ranks racers by `ranking`: ranked racers by result (ties share a position and are
/// ordered by who achieved it first), then those without a result, by name.
pub fn rank(ranking: Ranking, stats: Vec<RacerStats>) -> Vec<Standing> {
    let mut rows: Vec<(Option<Achieved>, Standing)> = stats
        .into_iter()
        .map(|stats| {
            let key = stats.rank_key(ranking);
            let row = Standing {
                position: None,
                result: stats.ranked_result(ranking),
                stats,
            };
            (key, row)
        })
        .collect();
    rows.sort_by(|(ka, a), (kb, b)| {
        let by_name = || a.stats.listed_as.order(&b.stats.listed_as);
        match (ka, kb) {
            (Some(x), Some(y)) => x.cmp(y).then_with(by_name),
            (Some(_), None) => std::cmp::Ordering::Less,
            (None, Some(_)) => std::cmp::Ordering::Greater,
            (None, None) => by_name(),
        }
    });
    let mut previous: Option<(u64, u32)> = None;
    for (index, (key, row)) in rows.iter_mut().enumerate() {
        let Some(key) = key else { break };
        let position = match previous {
            Some((value, position)) if value == key.value_ms => position,
            _ => index as u32 + 1,
        };
        row.position = Some(position);
        previous = Some((key.value_ms, position));
    }
    rows.into_iter().map(|(_, row)| row).collect()
}

/// The combined leaderboard over several tracks: each racer's best result by the same
/// ranking method (never by fastest lap when ranking by average).
pub fn combined(ranking: Ranking, tracks: &[Vec<RacerStats>]) -> Vec<Standing> {
    let mut best: BTreeMap<String, RacerStats> = BTreeMap::new();
    for stats in tracks.iter().flatten() {
        let better = match best.get(&stats.racer) {
            None => true,
            Some(current) => match (stats.rank_key(ranking), current.rank_key(ranking)) {
                (Some(new), Some(old)) => new < old,
                (Some(_), None) => true,
                _ => false,
            },
        };
        if better {
            best.insert(stats.racer.clone(), stats.clone());
        }
    }
    rank(ranking, best.into_values().collect())
}

/// Totals over a selection of races (race admin's metrics).
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
pub struct Metrics {
    pub races: u32,
    pub racers: u32,
    pub laps: u32,
    pub valid_laps: u32,
    pub resets: u32,
    pub average_lap_ms: Option<u64>,
    pub fastest_lap_ms: Option<u64>,
    pub slowest_lap_ms: Option<u64>,
}

/// Metrics over `races`; lap times count valid laps only.
pub fn metrics(races: &[RaceRecord]) -> Metrics {
    let mut m = Metrics {
        races: races.len() as u32,
        racers: races
            .iter()
            .map(|r| r.racer.as_str())
            .collect::<std::collections::BTreeSet<_>>()
            .len() as u32,
        ..Metrics::default()
    };
    let mut sum = 0u64;
    for lap in races.iter().flat_map(|r| &r.laps) {
        m.laps += 1;
        m.resets = m.resets.saturating_add(lap.resets);
        if lap.valid {
            m.valid_laps += 1;
            sum += lap.time_ms;
            m.fastest_lap_ms = Some(m.fastest_lap_ms.map_or(lap.time_ms, |f| f.min(lap.time_ms)));
            m.slowest_lap_ms = Some(m.slowest_lap_ms.map_or(lap.time_ms, |f| f.max(lap.time_ms)));
        }
    }
    if m.valid_laps > 0 {
        m.average_lap_ms = Some((sum + u64::from(m.valid_laps) / 2) / u64::from(m.valid_laps));
    }
    m
}

#[cfg(test)]
#[path = "results_tests.rs"]
mod tests;
