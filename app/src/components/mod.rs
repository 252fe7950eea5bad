//! Pieces shared by several pages.

pub mod callouts;
pub mod flag;
pub mod form;
pub mod nav;
pub mod rules;
