//! Wire types shared by server and browser. They carry what a page shows and nothing
//! more: no password hashes, no session ids. One file per area, all re-exported here.

mod board_delta;
mod commentary;
mod events;
mod kit;
mod models;
mod public;
mod queue;
mod races;
mod users;

pub use board_delta::{BoardDelta, Mismatch, Piece};
pub use commentary::*;
pub use events::*;
pub use kit::*;
pub use models::*;
pub use public::*;
pub use queue::*;
pub use races::*;
pub use users::*;
