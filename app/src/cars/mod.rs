//! Cars and fleets: operators activate cars by their console, see status and battery,
//! send and load models, set tail lights, restart them, print labels, and group them
//! in fleets that tracks race with.

pub mod api;
pub mod fleets_api;
pub mod forms;
pub mod labels_page;
pub mod page;
pub mod track_kit;
pub mod upkeep;
