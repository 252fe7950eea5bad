//! API tests: the real server on a loopback port with the real in-memory database.

mod accounts;
mod auth;
mod boards;
mod car_console;
#[path = "../car_sim/mod.rs"]
mod car_sim;
mod cars;
mod commentary;
mod events;
mod finals;
mod helpers;
mod leaderboard;
mod lean_live;
mod live;
mod marshal;
mod matrix;
mod model_quota;
mod model_retries;
mod models;
mod queues;
mod race_admin;
mod races;
mod restart;
mod sessions;
mod slow_clients;
mod throttles;
mod timers;
mod two_tracks;
