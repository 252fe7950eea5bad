//! Pieces shared by several pages.

pub mod callouts;
pub mod copy_link;
pub mod filter;
pub mod flag;
pub mod form;
pub mod gate;
pub mod live;
pub mod loaded;
pub mod local_clock;
pub mod nav;
pub mod rules;
pub mod url_choice;
