//! `drem-timer`: the Raspberry Pi side of drem's lap timing.
//!
//! Two pressure strips at the start/finish line, each on a sound-sensor board wired to a GPIO
//! line (17 and 27 by default), give rising edges. The program stamps each edge with the
//! Pi's monotonic clock, turns edges into crossings (one per car, see [`filter`]) and sends
//! them to the drem server over a plain `ws://` WebSocket (see [`protocol`]); `wss://` is not
//! supported yet.
//!
//! Always compiled (pure, only serde): [`protocol`], [`filter`], [`queue`]. The drem server
//! uses this crate with `default-features = false` for the protocol types. The `program`
//! feature (default) adds the modules of the `drem-timer` binary.

pub mod filter;
pub mod protocol;
pub mod queue;

#[cfg(feature = "program")]
pub mod clock;
#[cfg(feature = "program")]
pub mod endpoint;
#[cfg(all(feature = "program", target_os = "linux"))]
pub mod gpio;
#[cfg(feature = "program")]
pub mod link;
#[cfg(feature = "program")]
pub mod simulate;
