//! The live path's server end, in the `drem` binary: the streams pages follow.
//!
//! Changes travel one way. A server function records each change in the database's
//! change feed (`app::ssr::storage::changes`); every drem process follows the feed and
//! fans each change out through its hub (`app::ssr::realtime`), computing each
//! affected board once; the streams here pass what the hub publishes to the pages:
//!
//! - `streams`: `/live/events/…` (public boards, overlays, landing pages) and
//!   `/live/tracks/…` (the race manager and commentator), as server-sent events;
//! - `lean`: the same public event streams answered on fresh connections without
//!   hyper, so that an idle viewer costs a few KiB;
//! - `staff_streams`: `/live/models` and `/live/kit`, and the re-check that closes a
//!   staff stream once its caller's role is gone.
//!
//! The browser end is `app::components::live`.

pub mod lean;
pub mod staff_streams;
pub mod streams;
