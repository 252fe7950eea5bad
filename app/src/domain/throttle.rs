//! Throttling policy for password guesses and sign-ups: how many failed attempts a
//! key (an account, a client address, or both together) may make before it must wait.
//! Time is passed in, so the rules are testable without clocks.
//!
//! Guessing is slowed where it comes from (an account from one address waits longer
//! after each failure), so an attacker elsewhere cannot lock the real user out; the
//! per-account and per-address ceilings are high enough that a venue full of racers
//! behind one address, or a user mistyping, never meets them.

use std::collections::HashMap;
use std::time::Duration;

/// How failures of one kind of key are limited.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Limit {
    /// `failures` within `window` (from the first), then wait for the window's end.
    Ceiling { failures: u32, window: Duration },
    /// `free` failures, then a wait before each further try, twice as long each time:
    /// `base`, 2 × `base`, … up to `cap`; forgotten `cap` after the last failure.
    Growing {
        free: u32,
        base: Duration,
        cap: Duration,
    },
}

const FIFTEEN_MINUTES: Duration = Duration::from_secs(15 * 60);

/// Per account and address together: a person knows their password, so a few tries,
/// then growing waits (2 s, 4 s, 8 s, … up to 15 minutes).
pub const PER_ACCOUNT_AND_ADDRESS: Limit = Limit::Growing {
    free: 3,
    base: Duration::from_secs(2),
    cap: FIFTEEN_MINUTES,
};

/// Per account from every address: far above what growing waits let one address
/// reach (about 11 tries in 15 minutes), so locking an account takes many addresses.
pub const PER_ACCOUNT: Limit = Limit::Ceiling {
    failures: 100,
    window: FIFTEEN_MINUTES,
};

/// Per client address, across accounts: a venue shares one address among hundreds of
/// racers, each of whom may mistype a few times.
pub const PER_ADDRESS: Limit = Limit::Ceiling {
    failures: 300,
    window: FIFTEEN_MINUTES,
};

/// Refused sign-ups per address (a taken username or email): enough for a venue, too
/// few to list who has an account.
pub const SIGN_UPS_REFUSED: Limit = Limit::Ceiling {
    failures: 30,
    window: FIFTEEN_MINUTES,
};

/// Accounts created per address: a venue's racers signing up at the start of the day.
pub const SIGN_UPS_MADE: Limit = Limit::Ceiling {
    failures: 200,
    window: Duration::from_secs(60 * 60),
};

impl Limit {
    /// How long after its last counted failure a record is forgotten.
    fn forget_after(self) -> Duration {
        match self {
            Limit::Ceiling { window, .. } => window,
            Limit::Growing { cap, .. } => cap,
        }
    }
}

#[derive(Debug, Clone, Copy)]
struct Record {
    first_failure: Duration,
    last_failure: Duration,
    failures: u32,
}

impl Record {
    fn expired(&self, limit: Limit, now: Duration) -> bool {
        match limit {
            Limit::Ceiling { window, .. } => now >= self.first_failure + window,
            Limit::Growing { cap, .. } => now >= self.last_failure + cap,
        }
    }
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
        let record = self.records.get(key).filter(|r| !r.expired(limit, now))?;
        let ends = match limit {
            Limit::Ceiling { failures, window } => {
                (record.failures >= failures).then_some(record.first_failure + window)?
            }
            Limit::Growing { free, base, cap } => {
                let beyond = record.failures.checked_sub(free)?;
                let wait = base.saturating_mul(1 << beyond.min(30)).min(cap);
                record.last_failure + wait
            }
        };
        (now < ends).then(|| ends - now)
    }

    /// Counts one failed attempt for `key`.
    pub fn fail(&mut self, key: &str, limit: Limit, now: Duration) {
        if self.records.len() > PRUNE_ABOVE {
            let longest = FIFTEEN_MINUTES.max(SIGN_UPS_MADE.forget_after());
            self.records
                .retain(|_, r| now < r.first_failure.max(r.last_failure) + longest);
        }
        let fresh = Record {
            first_failure: now,
            last_failure: now,
            failures: 0,
        };
        let record = self.records.entry(key.to_string()).or_insert(fresh);
        if record.expired(limit, now) {
            *record = fresh;
        }
        record.failures += 1;
        record.last_failure = now;
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

/// "Try again in 8 seconds." or "… in 3 minutes." — rounded up, never 0.
pub fn wait_message(what: &str, wait: Duration) -> String {
    let seconds = wait.as_secs_f64().ceil().max(1.0) as u64;
    let (count, unit) = if seconds < 60 {
        (seconds, "second")
    } else {
        (seconds.div_ceil(60), "minute")
    };
    let plural = if count == 1 { "" } else { "s" };
    format!("Too many {what}. Try again in {count} {unit}{plural}.")
}

#[cfg(test)]
mod tests {
    use super::*;

    const LIMIT: Limit = Limit::Ceiling {
        failures: 3,
        window: Duration::from_secs(60),
    };

    const GROWING: Limit = Limit::Growing {
        free: 2,
        base: Duration::from_secs(2),
        cap: Duration::from_secs(60),
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
    fn growing_waits_double_after_the_free_tries_up_to_the_cap() {
        let mut t = Throttle::default();
        t.fail("ann@a", GROWING, secs(0));
        assert_eq!(
            t.wait_for("ann@a", GROWING, secs(0)),
            None,
            "two free tries"
        );
        t.fail("ann@a", GROWING, secs(0));
        assert_eq!(t.wait_for("ann@a", GROWING, secs(0)), Some(secs(2)));
        t.fail("ann@a", GROWING, secs(2));
        assert_eq!(t.wait_for("ann@a", GROWING, secs(2)), Some(secs(4)));
        for _ in 0..20 {
            t.fail("ann@a", GROWING, secs(6));
        }
        assert_eq!(
            t.wait_for("ann@a", GROWING, secs(6)),
            Some(secs(60)),
            "capped"
        );
        // Forgotten a cap after the last failure: free tries again.
        assert_eq!(t.wait_for("ann@a", GROWING, secs(66)), None);
        t.fail("ann@a", GROWING, secs(66));
        assert_eq!(t.wait_for("ann@a", GROWING, secs(66)), None);
    }

    #[test]
    fn one_address_cannot_reach_the_account_ceiling_in_its_window() {
        // Guessing from one address as fast as the growing waits allow, for the
        // account ceiling's whole window.
        let mut t = Throttle::default();
        let (mut now, mut tries) = (secs(0), 0);
        while now < secs(15 * 60) {
            match t.wait_for("k", PER_ACCOUNT_AND_ADDRESS, now) {
                Some(wait) => now += wait,
                None => {
                    t.fail("k", PER_ACCOUNT_AND_ADDRESS, now);
                    tries += 1;
                }
            }
        }
        let Limit::Ceiling { failures, .. } = PER_ACCOUNT else {
            panic!("the account limit is a ceiling")
        };
        assert!(tries * 5 < failures, "{tries} tries in 15 minutes");
    }

    #[test]
    fn message_rounds_up() {
        assert_eq!(
            wait_message("failed sign-ins", Duration::from_millis(300)),
            "Too many failed sign-ins. Try again in 1 second."
        );
        assert_eq!(
            wait_message("failed sign-ins", secs(8)),
            "Too many failed sign-ins. Try again in 8 seconds."
        );
        assert_eq!(
            wait_message("sign-ups", secs(61)),
            "Too many sign-ups. Try again in 2 minutes."
        );
    }
}
