//! Events and tracks: what staff set up before race day.

pub mod api;
pub mod page;
mod tracks;
