//! The race clock: milliseconds since the Unix epoch, advanced by the monotonic clock.
//!
//! Within one process it never jumps (NTP corrections do not bend lap times); at start
//! it is anchored to wall time, so a race stored before a restart continues on the
//! same scale after it.

use std::time::{Instant, SystemTime, UNIX_EPOCH};

/// Milliseconds on the race clock.
#[derive(Debug, Clone, Copy)]
pub struct RaceClock {
    anchor_ms: u64,
    started: Instant,
}

impl Default for RaceClock {
    fn default() -> Self {
        let anchor_ms = SystemTime::now()
            .duration_since(UNIX_EPOCH)
            .map(|d| d.as_millis() as u64)
            .unwrap_or(0);
        Self {
            anchor_ms,
            started: Instant::now(),
        }
    }
}

impl RaceClock {
    /// Now, in race-clock milliseconds.
    pub fn now_ms(&self) -> u64 {
        self.anchor_ms + self.started.elapsed().as_millis() as u64
    }
}
