//! Local ticking between server answers: the browser's monotonic clock
//! (`components::local_clock`) and the server's race-clock time carried by each race
//! snapshot. The race itself arrives through `components::live::track`.

use crate::wire::LiveRace;

/// A race snapshot and when (on the local clock) it arrived, to tick from.
#[derive(Clone)]
pub struct Received {
    pub live: LiveRace,
    pub at_local_ms: f64,
}

impl Received {
    pub fn server_now(&self, local_now: f64) -> u64 {
        self.live.server_now_ms + (local_now - self.at_local_ms).max(0.0) as u64
    }
}
