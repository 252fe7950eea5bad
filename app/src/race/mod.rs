//! The race manager: the operator's single page to run races on one track.

pub mod admin_api;
pub mod admin_page;
pub mod api;
mod board;
mod command_queue;
mod keyboard;
mod keys;
pub mod page;
mod picker;
mod ticking;
