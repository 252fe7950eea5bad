//! The live path's browser end: every live page follows one of drem's server-sent
//! event streams through `source`; `board` keeps a public board (leaderboard, overlay,
//! landing page, commentator) current from its event's stream, and `track` follows a
//! track's race for the race manager. The server's end is `ssr::realtime` and
//! `server/src/realtime/`.

pub mod board;
pub mod source;
pub mod track;
