//! A track's queue order: each entry has a rank, and a move gives the moved entry a
//! rank between its new neighbours', so one write moves one racer and the others keep
//! theirs.

/// The rank that puts an entry at place `to` (0: first) among `others`, the ranks of
/// the rest of the queue in order; past the end means last.
pub fn rank_at(others: &[f64], to: usize) -> f64 {
    let to = to.min(others.len());
    let before = to.checked_sub(1).and_then(|i| others.get(i));
    match (before, others.get(to)) {
        (None, None) => 1.0,
        (None, Some(first)) => first - 1.0,
        (Some(last), None) => last + 1.0,
        (Some(a), Some(b)) => (a + b) / 2.0,
    }
}

/// A turn on a track, measured: the median time between one race's start and the
/// next's (the race, the walk to the car, the changeover), from `starts` (ms, any
/// order). The median, so one long break does not stretch every estimate. `None`
/// with fewer than two starts.
pub fn turn_ms(starts: &[u64]) -> Option<u64> {
    let mut starts = starts.to_vec();
    starts.sort_unstable();
    let mut gaps: Vec<u64> = starts.windows(2).map(|w| w[1] - w[0]).collect();
    gaps.sort_unstable();
    let n = gaps.len();
    match n {
        0 => None,
        _ if n % 2 == 1 => Some(gaps[n / 2]),
        _ => Some((gaps[n / 2 - 1] + gaps[n / 2]) / 2),
    }
}

/// Until a racer's turn: a turn for each racer ahead, and one for the race on track.
pub fn wait_ms(ahead: u32, race_on_track: bool, turn_ms: u64) -> u64 {
    (u64::from(ahead) + u64::from(race_on_track)) * turn_ms
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    #[test]
    fn a_turn_is_the_median_gap_between_starts() {
        assert_eq!(turn_ms(&[]), None);
        assert_eq!(turn_ms(&[5_000]), None);
        // Three-minute turns and one lunch break: the break does not count.
        let minute = 60_000;
        let starts = [0, 3 * minute, 6 * minute, 66 * minute, 69 * minute];
        assert_eq!(turn_ms(&starts), Some(3 * minute));
        assert_eq!(
            turn_ms(&[10, 0, 30]),
            Some(15),
            "order does not matter; even: the mean of the middle two"
        );
        assert_eq!(wait_ms(2, true, minute), 3 * minute);
        assert_eq!(wait_ms(0, false, minute), 0);
    }

    #[test]
    fn moves_land_where_asked() {
        let ranks = [1.0, 2.0, 3.0];
        assert_eq!(rank_at(&ranks, 0), 0.0);
        assert_eq!(rank_at(&ranks, 1), 1.5);
        assert_eq!(rank_at(&ranks, 3), 4.0);
        assert_eq!(rank_at(&ranks, 99), 4.0);
        assert_eq!(rank_at(&[], 0), 1.0);
    }

    proptest! {
        /// Any sequence of moves keeps the queue a permutation, and each move puts the
        /// racer exactly where asked.
        #[test]
        fn any_moves_keep_the_order_asked(moves in proptest::collection::vec((0usize..8, 0usize..10), 1..60)) {
            let mut queue: Vec<(u32, f64)> = (0..8).map(|i| (i, f64::from(i) + 1.0)).collect();
            for (who, to) in moves {
                let racer = queue[who].0;
                let others: Vec<f64> = queue.iter().filter(|e| e.0 != racer).map(|e| e.1).collect();
                let rank = rank_at(&others, to);
                queue.iter_mut().find(|e| e.0 == racer).unwrap().1 = rank;
                queue.sort_by(|a, b| a.1.total_cmp(&b.1));
                let place = queue.iter().position(|e| e.0 == racer).unwrap();
                prop_assert_eq!(place, to.min(7));
            }
            let mut ids: Vec<u32> = queue.iter().map(|e| e.0).collect();
            ids.sort_unstable();
            prop_assert_eq!(ids, (0..8).collect::<Vec<_>>());
        }
    }
}
