//! The race manager: the operator's single page to run races on one track.

pub mod admin_api;
mod admin_card;
pub mod admin_page;
pub mod api;
mod board;
mod command_queue;
mod keyboard;
mod keys;
mod marshal_forms;
pub mod page;
mod picker;
mod ticking;
