//! Lap timers: operators pair a Raspberry Pi timer with a token, see whether it is
//! connected, and choose which track it times. The timer's own connection is the
//! server's `/timer/connect` route.

pub mod api;
pub mod page;
pub mod track_timer;
