//! The public leaderboard of an event: a stable link for the big screen and phones.

pub mod api;
pub mod landing;
pub mod overlay;
pub mod page;
