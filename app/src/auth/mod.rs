//! Signing up, in and out.

pub mod api;
pub mod next;
pub mod page;
