//! The race manager: the operator's single page to run races on one track.

pub mod api;
pub mod page;
