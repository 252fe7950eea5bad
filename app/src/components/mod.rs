//! Pieces shared by several pages.

pub mod callouts;
pub mod form;
pub mod nav;
pub mod rules;
