//! Pure rules of drem: no IO, no async, no Leptos. Every page and server function
//! asks these modules, so one rule has one home and one set of tests.

pub mod account;
pub mod backoff;
pub mod checkin;
pub mod commentary;
pub mod countries;
mod country_names;
pub mod event;
pub mod export;
pub mod finals;
pub mod laptime;
pub mod model_name;
pub mod model_quota;
pub mod names;
pub mod queue;
pub mod race;
pub mod racer_search;
pub mod results;
pub mod roles;
pub mod rules;
pub mod throttle;
