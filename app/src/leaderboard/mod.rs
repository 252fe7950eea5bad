//! The public leaderboard of an event: a stable link for the big screen and phones.

pub mod api;
mod big_screen;
pub mod landing;
pub mod next_up;
pub mod overlay;
pub mod page;
