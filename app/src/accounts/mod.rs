//! Accounts: own profile, the admin's user management, and registration of walk-up
//! racers with one-time invite links.

pub mod api;
pub mod page;
pub mod staff_page;
