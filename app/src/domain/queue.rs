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

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

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
