//! API tests: the real server on a loopback port with the real in-memory database.

mod accounts;
mod auth;
mod helpers;
mod matrix;
mod restart;
