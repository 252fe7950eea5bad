//! The wire protocol between a timer (`drem-timer` on a Raspberry Pi) and the drem server.
//!
//! This module is the contract: the server depends on this crate with
//! `default-features = false` and uses these same types, so both sides agree by construction.
//!
//! # Connection
//!
//! The timer opens a WebSocket at `<server>/timer/connect` ([`CONNECT_PATH`]), e.g.
//! `ws://drem.local:3000/timer/connect`. Only plain `ws://` is supported for now (no TLS,
//! so no `wss://`). The upgrade request carries the header
//! `Authorization: Bearer <token>`; the server answers HTTP 401 to an unknown or revoked
//! token, and the timer keeps retrying at its slowest pace until the token is accepted.
//!
//! # Messages
//!
//! JSON text frames, one message per frame, tagged by a `"type"` field in snake_case:
//!
//! Timer → server ([`TimerMessage`]):
//! - `{"type":"hello","boot":"1f2e3d4c5b6a7980","now_us":123456789}` — the first message on
//!   every connection. `boot` identifies one run of the timer program (16 lowercase hex
//!   chars, random at program start, the same across reconnects of that run). `now_us` is the
//!   timer's monotonic clock (Linux `CLOCK_MONOTONIC`) at sending, in microseconds; the server
//!   can relate crossing stamps to its own clock with it.
//! - `{"type":"crossing","seq":1,"stamp_us":123456789,"line":17}` — one car crossing. `seq`
//!   starts at 1 for each boot and increases by exactly one per crossing; `stamp_us` is the
//!   monotonic time of the edge in microseconds (same clock as `now_us`); `line` is the GPIO
//!   line that saw it first.
//!
//! Server → timer ([`ServerMessage`]):
//! - `{"type":"welcome","name":"Start line","acked":0}` — the answer to `hello`: the timer's
//!   name in drem and the highest `seq` of this boot the server already stored (0 if none).
//!   The timer then (re)sends every crossing it holds with `seq > acked`, in order.
//! - `{"type":"ack","seq":5}` — every crossing of this boot with `seq <= 5` is stored; the
//!   timer forgets them.
//! - `{"type":"error","message":"token revoked"}` — the server gives up on this connection and
//!   closes it; the timer logs the message and reconnects later.
//!
//! Delivery is at-least-once: after a reconnect the server may see a `seq` again and must
//! treat `(boot, seq)` as the identity of a crossing.
//!
//! Liveness: the timer sends a WebSocket ping every 5 s and drops the connection if it hears
//! nothing at all (messages, pongs) for 15 s.

use serde::{Deserialize, Serialize};

/// The path of the timer WebSocket endpoint on the drem server.
pub const CONNECT_PATH: &str = "/timer/connect";

/// A message from the timer to the server.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(tag = "type", rename_all = "snake_case")]
pub enum TimerMessage {
    /// First message of every connection.
    Hello {
        /// Random id of this program run: 16 lowercase hex chars, stable across reconnects.
        boot: String,
        /// The timer's `CLOCK_MONOTONIC` now, in microseconds.
        now_us: u64,
    },
    /// One accepted crossing of the line.
    Crossing {
        /// 1, 2, 3, … per boot, one per accepted crossing.
        seq: u64,
        /// `CLOCK_MONOTONIC` of the edge, in microseconds.
        stamp_us: u64,
        /// The GPIO line (offset on the chip) of the edge, e.g. 17 or 27.
        line: u32,
    },
}

/// A message from the server to the timer.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(tag = "type", rename_all = "snake_case")]
pub enum ServerMessage {
    /// The answer to `Hello`.
    Welcome {
        /// The timer's name in drem.
        name: String,
        /// Highest `seq` of this boot already stored by the server, 0 if none.
        acked: u64,
    },
    /// Every crossing with `seq` up to and including this one is stored.
    Ack {
        /// The highest stored `seq`.
        seq: u64,
    },
    /// The server refuses to go on; it closes the connection after this.
    Error {
        /// Human-readable reason, logged by the timer.
        message: String,
    },
}

/// Whether a run whose `CLOCK_MONOTONIC` reads `clock_us` can have sent crossing
/// number `seq`: numbers start at 1, and the filter accepts at most one crossing per
/// distinct stamp (a strip's edge lasts far longer than a microsecond), so a run has
/// produced no more crossings than its clock has counted microseconds since the Pi
/// started. A number beyond that is a bug or a forgery: acknowledging it would make
/// the server skip every real crossing up to it.
pub fn seq_possible(seq: u64, clock_us: u64) -> bool {
    (1..=clock_us).contains(&seq)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn sequence_numbers_are_bounded_by_the_timer_clock() {
        assert!(seq_possible(1, 1_000_000));
        assert!(seq_possible(1_000_000, 1_000_000));
        assert!(!seq_possible(0, 1_000_000));
        assert!(!seq_possible(1_000_001, 1_000_000));
        assert!(!seq_possible(u64::MAX, u64::MAX - 1));
    }

    fn round_trip_timer(msg: TimerMessage, json: &str) {
        assert_eq!(serde_json::to_string(&msg).unwrap(), json);
        assert_eq!(serde_json::from_str::<TimerMessage>(json).unwrap(), msg);
    }

    fn round_trip_server(msg: ServerMessage, json: &str) {
        assert_eq!(serde_json::to_string(&msg).unwrap(), json);
        assert_eq!(serde_json::from_str::<ServerMessage>(json).unwrap(), msg);
    }

    #[test]
    fn hello_json() {
        round_trip_timer(
            TimerMessage::Hello {
                boot: "1f2e3d4c5b6a7980".into(),
                now_us: 123_456_789,
            },
            r#"{"type":"hello","boot":"1f2e3d4c5b6a7980","now_us":123456789}"#,
        );
    }

    #[test]
    fn crossing_json() {
        round_trip_timer(
            TimerMessage::Crossing {
                seq: 1,
                stamp_us: 123_456_789,
                line: 17,
            },
            r#"{"type":"crossing","seq":1,"stamp_us":123456789,"line":17}"#,
        );
    }

    #[test]
    fn welcome_json() {
        round_trip_server(
            ServerMessage::Welcome {
                name: "Start line".into(),
                acked: 0,
            },
            r#"{"type":"welcome","name":"Start line","acked":0}"#,
        );
    }

    #[test]
    fn ack_json() {
        round_trip_server(ServerMessage::Ack { seq: 5 }, r#"{"type":"ack","seq":5}"#);
    }

    #[test]
    fn error_json() {
        round_trip_server(
            ServerMessage::Error {
                message: "token revoked".into(),
            },
            r#"{"type":"error","message":"token revoked"}"#,
        );
    }

    #[test]
    fn field_order_does_not_matter_when_reading() {
        let msg: ServerMessage =
            serde_json::from_str(r#"{"acked":3,"name":"A","type":"welcome"}"#).unwrap();
        assert_eq!(
            msg,
            ServerMessage::Welcome {
                name: "A".into(),
                acked: 3
            }
        );
    }

    #[test]
    fn unknown_type_is_an_error() {
        assert!(serde_json::from_str::<ServerMessage>(r#"{"type":"bogus"}"#).is_err());
    }
}
