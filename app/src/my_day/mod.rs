//! A racer's own race day, on their phone: their place in each queue with an
//! estimate of when they race, their position live, and their races with every lap.

pub mod api;
pub mod page;
