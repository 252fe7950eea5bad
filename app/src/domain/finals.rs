//! Finals: after qualifying, the top N of a ranking race again under their own rules,
//! seeded in ranking order. Who goes through is decided here, ties at the cut included.

use super::results::Standing;
use serde::{Deserialize, Serialize};

/// How many racers a final seats.
pub const SEATS: std::ops::RangeInclusive<u8> = 2..=32;

/// Who goes through from a ranking (indices into it, best first), and who tied with
/// the last seed but set the result later and stays out.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Seeding {
    pub seeds: Vec<usize>,
    pub tied_out: Vec<usize>,
}

/// Why a final cannot be seeded.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error, Serialize, Deserialize)]
pub enum FinalError {
    #[error("A final seats 2 to 32 racers.")]
    BadSeats,
    #[error("Only {ranked} racers have a result: a final of {seats} needs {seats}.")]
    TooFewRanked { ranked: usize, seats: u8 },
}

/// The first `seats` ranked racers of `standings` (a board, in its order: equal
/// results share a position, the one set first listed first), and those tied with
/// the last of them who stay out by that rule.
pub fn seed(standings: &[Standing], seats: u8) -> Result<Seeding, FinalError> {
    if !SEATS.contains(&seats) {
        return Err(FinalError::BadSeats);
    }
    let ranked: Vec<usize> = (0..standings.len())
        .filter(|&i| standings[i].position.is_some())
        .collect();
    let n = usize::from(seats);
    if ranked.len() < n {
        return Err(FinalError::TooFewRanked {
            ranked: ranked.len(),
            seats,
        });
    }
    let last = standings[ranked[n - 1]].position;
    let tied_out = ranked[n..]
        .iter()
        .copied()
        .filter(|&i| standings[i].position == last)
        .collect();
    Ok(Seeding {
        seeds: ranked[..n].to_vec(),
        tied_out,
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::domain::results::{compute, rank, LapRecord, ListedAs, RaceRecord};
    use crate::domain::rules::Ranking;

    /// A board of racers with one lap each: (name, lap ms, when it ended).
    fn board(laps: &[(&str, u64, u64)]) -> Vec<Standing> {
        let races: Vec<RaceRecord> = laps
            .iter()
            .map(|&(name, time_ms, at)| RaceRecord {
                racer: name.into(),
                listed_as: ListedAs {
                    shown: name.into(),
                    username: name.into(),
                },
                order: at,
                laps: vec![LapRecord {
                    time_ms,
                    resets: 0,
                    valid: time_ms > 0,
                    ended_at: Some(at),
                }],
                penalty_ms: 0,
            })
            .collect();
        rank(Ranking::BestLap, compute(Ranking::BestLap, &races))
    }

    fn names(board: &[Standing], at: &[usize]) -> Vec<String> {
        at.iter().map(|&i| board[i].stats.racer.clone()).collect()
    }

    #[test]
    fn the_top_n_go_through_in_ranking_order() {
        let b = board(&[
            ("cy", 9_000, 1),
            ("ann", 8_000, 2),
            ("bo", 8_500, 3),
            ("di", 9_500, 4),
        ]);
        let s = seed(&b, 3).unwrap();
        assert_eq!(names(&b, &s.seeds), ["ann", "bo", "cy"]);
        assert!(s.tied_out.is_empty());
    }

    #[test]
    fn a_tie_at_the_cut_goes_to_who_set_it_first_and_is_told() {
        // bo and cy share 2nd; cy set it first (ended at 1), so cy is seeded 2nd.
        let b = board(&[
            ("cy", 8_500, 1),
            ("ann", 8_000, 2),
            ("bo", 8_500, 3),
            ("di", 9_500, 4),
        ]);
        let s = seed(&b, 2).unwrap();
        assert_eq!(names(&b, &s.seeds), ["ann", "cy"]);
        assert_eq!(names(&b, &s.tied_out), ["bo"]);
    }

    #[test]
    fn more_seats_than_ranked_racers_is_refused() {
        // di raced without a valid lap: listed, not ranked.
        let b = board(&[("ann", 8_000, 1), ("bo", 8_500, 2), ("di", 0, 3)]);
        assert_eq!(
            seed(&b, 4),
            Err(FinalError::TooFewRanked {
                ranked: 2,
                seats: 4
            })
        );
        assert_eq!(seed(&b, 1), Err(FinalError::BadSeats));
        assert_eq!(seed(&b, 33), Err(FinalError::BadSeats));
    }
}
