//! Sign-in throttling policy: how many failed attempts a key (an account or a client
//! address) may make in a window before it must wait. Time is passed in, so the rule
//! is testable without clocks.

use std::collections::HashMap;
use std::time::Duration;

/// Limits for one kind of key.
#[derive(Debug, Clone, Copy)]
pub struct Limit {
    pub failures: u32,
    pub window: Duration,
}

/// Per account: few tries, since a person knows their password.
pub const PER_ACCOUNT: Limit = Limit {
    failures: 5,
    window: Duration::from_secs(15 * 60),
};

/// Per client address: more, since a venue shares one address among many racers.
pub const PER_ADDRESS: Limit = Limit {
    failures: 30,
    window: Duration::from_secs(15 * 60),
};

#[derive(Debug, Clone, Copy)]
struct Record {
    first_failure: Duration,
    failures: u32,
}

/// Failed attempts per key. `now` is any monotonic time since a fixed start.
#[derive(Debug, Default)]
pub struct Throttle {
    records: HashMap<String, Record>,
}

/// Bounds memory: past this many keys, expired records are dropped on each failure.
const PRUNE_ABOVE: usize = 10_000;

impl Throttle {
    /// How long `key` must still wait, or `None` when it may try now.
    pub fn wait_for(&self, key: &str, limit: Limit, now: Duration) -> Option<Duration> {
        let record = self.records.get(key)?;
        let ends = record.first_failure + limit.window;
        (record.failures >= limit.failures && now < ends).then(|| ends - now)
    }

    /// Counts one failed attempt for `key`.
    pub fn fail(&mut self, key: &str, limit: Limit, now: Duration) {
        if self.records.len() > PRUNE_ABOVE {
            self.records
                .retain(|_, r| now < r.first_failure + limit.window.max(PER_ADDRESS.window));
        }
        let record = self.records.entry(key.to_string()).or_insert(Record {
            first_failure: now,
            failures: 0,
        });
        if now >= record.first_failure + limit.window {
            *record = Record {
                first_failure: now,
                failures: 0,
            };
        }
        record.failures += 1;
    }

    /// Takes back one counted failure of `key` (an attempt counted up front that
    /// turned out to succeed).
    pub fn forgive(&mut self, key: &str) {
        if let Some(record) = self.records.get_mut(key) {
            record.failures = record.failures.saturating_sub(1);
        }
    }

    /// Forgets `key` (after a successful sign-in).
    pub fn clear(&mut self, key: &str) {
        self.records.remove(key);
    }
}

/// "Try again in 3 minutes." — rounded up, never "0 minutes".
pub fn wait_message(wait: Duration) -> String {
    let minutes = wait.as_secs().div_ceil(60).max(1);
    let unit = if minutes == 1 { "minute" } else { "minutes" };
    format!("Too many failed sign-ins. Try again in {minutes} {unit}.")
}

#[cfg(test)]
mod tests {
    use super::*;

    const LIMIT: Limit = Limit {
        failures: 3,
        window: Duration::from_secs(60),
    };

    fn secs(s: u64) -> Duration {
        Duration::from_secs(s)
    }

    #[test]
    fn locks_after_the_limit_and_unlocks_after_the_window() {
        let mut t = Throttle::default();
        for _ in 0..2 {
            t.fail("ann", LIMIT, secs(0));
        }
        assert_eq!(t.wait_for("ann", LIMIT, secs(1)), None);
        t.fail("ann", LIMIT, secs(10));
        assert_eq!(t.wait_for("ann", LIMIT, secs(10)), Some(secs(50)));
        assert_eq!(t.wait_for("bob", LIMIT, secs(10)), None);
        assert_eq!(t.wait_for("ann", LIMIT, secs(60)), None);
    }

    #[test]
    fn a_new_window_starts_fresh() {
        let mut t = Throttle::default();
        t.fail("ann", LIMIT, secs(0));
        t.fail("ann", LIMIT, secs(0));
        t.fail("ann", LIMIT, secs(61));
        assert_eq!(t.wait_for("ann", LIMIT, secs(62)), None);
    }

    #[test]
    fn clear_forgets() {
        let mut t = Throttle::default();
        for _ in 0..3 {
            t.fail("ann", LIMIT, secs(0));
        }
        t.clear("ann");
        assert_eq!(t.wait_for("ann", LIMIT, secs(1)), None);
    }

    #[test]
    fn forgive_takes_back_one_failure() {
        let mut t = Throttle::default();
        for _ in 0..3 {
            t.fail("ann", LIMIT, secs(0));
        }
        t.forgive("ann");
        assert_eq!(t.wait_for("ann", LIMIT, secs(1)), None);
        t.forgive("nobody");
    }

    #[test]
    fn message_rounds_up() {
        assert_eq!(
            wait_message(secs(1)),
            "Too many failed sign-ins. Try again in 1 minute."
        );
        assert_eq!(
            wait_message(secs(61)),
            "Too many failed sign-ins. Try again in 2 minutes."
        );
    }
}
