//! The browser's monotonic clock, which pages tick from between server answers (the
//! race manager's running lap, a board's time left).

/// Milliseconds of the browser's monotonic clock (0 while rendering on the server).
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
