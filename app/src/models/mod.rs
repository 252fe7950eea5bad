//! Models: racers upload their archives and see them checked; operators see all.

pub mod api;
pub mod page;
pub mod staff_page;
mod upload;
