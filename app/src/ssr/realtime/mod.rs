//! The live path's server side in the app: what every change becomes for the pages
//! that show it.
//!
//! A server function that changes something records it in the database's change feed
//! (`storage::changes`, the feed's only SurrealQL). Every drem process follows that
//! feed (`hub::Hub::start_relay`), so two processes on one database both hear every
//! change; the hub fans each change out on channels per track, event, model owner and
//! kit, and computes each affected board once per change (`boards`), which thousands
//! of pages then share as one frame. The streams that carry it to the browser are the
//! binary's (`server/src/realtime/`); the browser's end is `components::live`.

pub mod boards;
pub mod hub;
