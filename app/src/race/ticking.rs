//! Local ticking between server answers: the browser's monotonic clock and the
//! server's race-clock time carried by each race snapshot.

use crate::model::LiveRace;

/// Milliseconds of the browser's monotonic clock.
pub fn local_ms() -> f64 {
    #[cfg(feature = "hydrate")]
    {
        leptos::prelude::window()
            .performance()
            .map(|p| p.now())
            .unwrap_or(0.0)
    }
    #[cfg(not(feature = "hydrate"))]
    {
        0.0
    }
}

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
