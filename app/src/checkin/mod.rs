//! Check-in at an event and the tracks' queues: the desk ticks racers in (`page.rs`),
//! staff queue them per track, the race manager takes the next one in one key
//! (`queue_panel.rs`), and public pages show who is next up.

pub mod api;
pub mod page;
pub mod queue_panel;
