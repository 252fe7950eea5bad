//! `cargo bench -p app --bench results`: how long one full leaderboard recompute takes
//! (statistics and ranking) for 1,000 racers × 50 laps, by each ranking method.
//! Goal: under 5 ms. Prints the median and the fastest of repeated runs.

use app::domain::results::{compute, rank, LapRecord, ListedAs, RaceRecord};
use app::domain::rules::Ranking;
use std::hint::black_box;
use std::time::{Duration, Instant};

/// 1,000 racers, each with 5 races of 10 laps: about one lap in twelve invalid.
fn field() -> Vec<RaceRecord> {
    let mut seed: u64 = 0x9E37_79B9_7F4A_7C15;
    let mut next = move || {
        seed ^= seed << 13;
        seed ^= seed >> 7;
        seed ^= seed << 17;
        seed
    };
    let mut races = Vec::new();
    for racer in 0..1_000u64 {
        for race in 0..5u64 {
            let laps = (0..10)
                .map(|_| LapRecord {
                    time_ms: 7_000 + next() % 8_000,
                    resets: (next() % 4) as u32,
                    valid: next() % 12 != 0,
                    ended_at: Some(race * 1_000 + racer),
                })
                .collect();
            races.push(RaceRecord {
                racer: format!("racer-{racer:04}"),
                listed_as: ListedAs {
                    shown: format!("Racer {racer}"),
                    username: format!("racer-{racer:04}"),
                },
                order: race * 1_000 + racer,
                laps,
                penalty_ms: 0,
            });
        }
    }
    races
}

fn main() {
    let races = field();
    let laps: usize = races.iter().map(|r| r.laps.len()).sum();
    println!("leaderboard recompute: {} races, {laps} laps", races.len());
    for ranking in [
        Ranking::BestLap,
        Ranking::BestAverage { laps: 3 },
        Ranking::LapCount { laps: 5 },
    ] {
        let mut samples: Vec<Duration> = (0..30)
            .map(|_| {
                let start = Instant::now();
                let rows = rank(ranking, compute(ranking, black_box(&races)));
                black_box(rows);
                start.elapsed()
            })
            .collect();
        samples.sort();
        println!(
            "{:<45} median {:>8.3} ms   fastest {:>8.3} ms   (goal < 5 ms)",
            ranking.describe(),
            samples[samples.len() / 2].as_secs_f64() * 1e3,
            samples[0].as_secs_f64() * 1e3
        );
    }
}
