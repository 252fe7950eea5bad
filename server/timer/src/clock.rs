//! The one clock of the timer: Linux `CLOCK_MONOTONIC`, as raw microseconds.
//!
//! Edge stamps from the GPIO character device (requested with the monotonic event clock),
//! simulated stamps and `Hello.now_us` must all be on this clock, so the server can compare
//! them. `std::time::Instant` is the same clock on Linux but hides the number, hence rustix
//! (pure Rust, raw syscalls/vDSO, no libc).

use rustix::time::{clock_gettime, ClockId};

/// `CLOCK_MONOTONIC` now, in microseconds.
pub fn now_us() -> u64 {
    let ts = clock_gettime(ClockId::Monotonic);
    // The monotonic clock is never negative; clamp instead of panicking anyway.
    let secs = u64::try_from(ts.tv_sec).unwrap_or(0);
    let nanos = u64::try_from(ts.tv_nsec).unwrap_or(0);
    secs.saturating_mul(1_000_000).saturating_add(nanos / 1_000)
}

/// Converts a kernel timestamp in nanoseconds to microseconds (truncating, like `now_us`).
pub fn ns_to_us(ns: u64) -> u64 {
    ns / 1_000
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn monotonic_and_same_as_instant() {
        let a = now_us();
        let start = std::time::Instant::now();
        std::thread::sleep(std::time::Duration::from_millis(20));
        let elapsed = u64::try_from(start.elapsed().as_micros()).unwrap();
        let b = now_us();
        assert!(b >= a + 20_000);
        // Same clock as Instant: the difference agrees to well within a few milliseconds.
        assert!((b - a).abs_diff(elapsed) < 5_000);
    }

    #[test]
    fn ns_conversion_truncates() {
        assert_eq!(ns_to_us(1_999), 1);
        assert_eq!(ns_to_us(12_345_678_901), 12_345_678);
    }
}
