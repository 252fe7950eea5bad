//! Finals: created from a ranking after qualifying, raced on a track of their own
//! (board, overlay, commentator as any track), crowned on the podium page.

pub mod api;
pub mod form;
pub mod podium;
