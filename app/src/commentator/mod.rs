//! The commentator view: the racer on track with live figures, their earlier runs,
//! the event's records and a lap chart, with optional spoken call-outs.

pub mod api;
mod chart;
pub mod page;
