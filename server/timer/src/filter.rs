//! Turns raw strip edges into crossings: debounce and de-duplication of the two strips.
//!
//! A car crossing the line presses both strips within a few milliseconds, and each sound
//! sensor board can fire several edges for one press. All of that must count once. The
//! filter keeps a single window shared by both strips: any edge within the debounce period
//! after the last *accepted* crossing belongs to that crossing and is dropped.
//!
//! Boundary: an edge exactly `debounce` after the last accepted one is a new crossing (the
//! window is half-open, `[last, last + debounce)`). With a zero debounce every edge is
//! accepted, even one with the same stamp as the last. Edges stamped earlier than the last
//! accepted crossing are dropped: they can only come from reordering between sources, and
//! a crossing before the last one would confuse lap timing.
//!
//! The filter is pure (stamps in, decisions out) so it is unit-tested without hardware.

use std::time::Duration;

/// Debounce and de-duplication state across all strips.
#[derive(Debug, Clone)]
pub struct Filter {
    debounce_us: u64,
    last_accepted_us: Option<u64>,
}

impl Filter {
    /// A filter treating edges closer than `debounce` to the last accepted one as the same
    /// crossing.
    pub fn new(debounce: Duration) -> Self {
        let debounce_us = u64::try_from(debounce.as_micros()).unwrap_or(u64::MAX);
        Self {
            debounce_us,
            last_accepted_us: None,
        }
    }

    /// Decides whether the edge at `stamp_us` (monotonic microseconds) on GPIO `line` is a
    /// new crossing. The line does not matter for the decision: both strips share one window.
    pub fn accept(&mut self, stamp_us: u64, _line: u32) -> bool {
        if let Some(last) = self.last_accepted_us {
            if stamp_us < last || stamp_us - last < self.debounce_us {
                return false;
            }
        }
        self.last_accepted_us = Some(stamp_us);
        true
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    const MS: u64 = 1_000;

    fn two_seconds() -> Filter {
        Filter::new(Duration::from_millis(2_000))
    }

    #[test]
    fn first_edge_is_accepted() {
        assert!(two_seconds().accept(0, 17));
    }

    #[test]
    fn bounce_on_one_strip_is_dropped() {
        let mut f = two_seconds();
        assert!(f.accept(10_000 * MS, 17));
        assert!(!f.accept(10_000 * MS + 3, 17));
        assert!(!f.accept(10_050 * MS, 17));
        assert!(!f.accept(11_999 * MS, 17));
    }

    #[test]
    fn second_strip_within_window_is_dropped() {
        let mut f = two_seconds();
        assert!(f.accept(10_000 * MS, 17));
        assert!(!f.accept(10_012 * MS, 27));
    }

    #[test]
    fn second_strip_first_then_first_strip_is_one_crossing() {
        let mut f = two_seconds();
        assert!(f.accept(10_000 * MS, 27));
        assert!(!f.accept(10_008 * MS, 17));
    }

    #[test]
    fn after_window_is_accepted() {
        let mut f = two_seconds();
        assert!(f.accept(10_000 * MS, 17));
        assert!(f.accept(12_500 * MS, 27));
        assert!(f.accept(20_000 * MS, 17));
    }

    #[test]
    fn window_counts_from_last_accepted_not_last_edge() {
        // A strip bouncing every second must not keep the window open forever.
        let mut f = two_seconds();
        assert!(f.accept(0, 17));
        assert!(!f.accept(1_000 * MS, 17));
        assert!(!f.accept(1_999 * MS, 17));
        assert!(f.accept(2_000 * MS, 17));
    }

    #[test]
    fn exactly_at_debounce_is_accepted_one_microsecond_before_is_not() {
        let mut f = two_seconds();
        assert!(f.accept(5_000 * MS, 17));
        assert!(!f.accept(7_000 * MS - 1, 27));
        assert!(f.accept(7_000 * MS, 27));
    }

    #[test]
    fn out_of_order_edge_is_dropped() {
        let mut f = two_seconds();
        assert!(f.accept(10_000 * MS, 17));
        assert!(!f.accept(5_000 * MS, 27));
        assert!(!f.accept(10_000 * MS - 1, 17));
        // The dropped edge did not move the window.
        assert!(f.accept(12_000 * MS, 17));
    }

    #[test]
    fn zero_debounce_accepts_distinct_stamps() {
        let mut f = Filter::new(Duration::ZERO);
        assert!(f.accept(100, 17));
        assert!(f.accept(101, 27));
        assert!(f.accept(102, 17));
        // Same stamp: at exactly debounce (0) after the last, so accepted too.
        assert!(f.accept(102, 27));
        assert!(!f.accept(50, 17));
    }

    #[test]
    fn huge_debounce_does_not_overflow() {
        let mut f = Filter::new(Duration::MAX);
        assert!(f.accept(u64::MAX - 1, 17));
        assert!(!f.accept(u64::MAX, 17));
    }
}
