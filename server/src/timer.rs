//! `GET /timer/connect`: the lap timer's WebSocket (protocol in `drem_timer::protocol`).
//! The timer says hello with its run id and clock; each crossing it numbers is claimed
//! in storage, applied to the race of the track it times and acknowledged. A resend
//! after a reconnect is acknowledged again but counts once.

use app::ssr::state::AppState;
use app::ssr::storage::{changes, crossings, timers};
use app::ssr::{timing, tokens};
use app::wire::TimerId;
use axum::extract::ws::rejection::WebSocketUpgradeRejection;
use axum::extract::ws::{Message, WebSocket, WebSocketUpgrade};
use axum::extract::State;
use axum::http::{header, HeaderMap, StatusCode};
use axum::response::{IntoResponse, Response};
use drem_timer::protocol::{seq_possible, ServerMessage, TimerMessage};
use std::time::{Duration, Instant};

/// How long a new connection may take to say hello.
const HELLO_WITHIN: Duration = Duration::from_secs(10);
/// How often the connection is noted as alive and the token checked again.
const HEARTBEAT: Duration = Duration::from_secs(10);
/// A timer pings every 5 s; silence this long means the link is gone.
const SILENCE: Duration = Duration::from_secs(30);

/// Upgrades a timer with a valid token; anything else gets 401, checked before the
/// request's WebSocket headers so a probe learns nothing more.
pub async fn connect(
    State(state): State<AppState>,
    headers: HeaderMap,
    upgrade: Result<WebSocketUpgrade, WebSocketUpgradeRejection>,
) -> Response {
    let token = headers
        .get(header::AUTHORIZATION)
        .and_then(|v| v.to_str().ok())
        .and_then(|v| v.strip_prefix("Bearer "))
        .unwrap_or("");
    let found = match timers::by_token(&state.db, &tokens::hash(token)).await {
        Ok(found) => found,
        Err(e) => return e.into_response(),
    };
    let Some((timer, name)) = found.filter(|_| !token.is_empty()) else {
        return (StatusCode::UNAUTHORIZED, "timer token refused").into_response();
    };
    let upgrade = match upgrade {
        Ok(upgrade) => upgrade,
        Err(rejection) => return rejection.into_response(),
    };
    upgrade.on_upgrade(move |socket| async move {
        let mut link = Link {
            state,
            timer,
            socket,
            id: tokens::new_secret(),
        };
        if let Err(reason) = link.serve(name).await {
            tracing::info!(timer = %link.timer.0, reason, "timer link closed");
        }
        link.note(timers::Link::Down).await;
        changes::record_kit(&link.state.db).await;
    })
}

struct Link {
    state: AppState,
    timer: TimerId,
    socket: WebSocket,
    /// This connection, among all that timer's (see `timers::note_link`).
    id: String,
}

impl Link {
    // `&mut`: the socket may move between threads but is not `Sync`.
    async fn note(&mut self, state: timers::Link) {
        let _ = timers::note_link(&self.state.db, &self.timer, &self.id, state).await;
    }

    async fn send(&mut self, message: &ServerMessage) -> Result<(), &'static str> {
        let json = serde_json::to_string(message).map_err(|_| "unencodable message")?;
        self.socket
            .send(Message::Text(json.into()))
            .await
            .map_err(|_| "send failed")
    }

    /// The next message from the timer; `None` for pings and other control frames.
    async fn receive(&mut self) -> Result<Option<TimerMessage>, &'static str> {
        self.receive_within(SILENCE).await
    }

    async fn receive_within(
        &mut self,
        within: Duration,
    ) -> Result<Option<TimerMessage>, &'static str> {
        match tokio::time::timeout(within, self.socket.recv()).await {
            Err(_) => Err("timer silent"),
            Ok(None) | Ok(Some(Err(_))) | Ok(Some(Ok(Message::Close(_)))) => Err("timer left"),
            Ok(Some(Ok(Message::Text(text)))) => serde_json::from_str(&text)
                .map(Some)
                .map_err(|_| "unreadable message"),
            Ok(Some(Ok(_))) => Ok(None),
        }
    }

    async fn serve(&mut self, name: String) -> Result<(), &'static str> {
        let db = self.state.db.clone();
        let (boot, now_us) = match self.receive_within(HELLO_WITHIN).await? {
            Some(TimerMessage::Hello { boot, now_us }) => (boot, now_us),
            _ => return Err("no hello"),
        };
        let hello_at = Instant::now();
        // The timer's clock on the race clock: lap times are exact differences of the
        // timer's own stamps as long as this stays put (see `crossings::boot`).
        let estimate = self.state.clock.now_ms() as i64 - (now_us / 1000) as i64;
        let run = crossings::boot(&db, &self.timer, &boot, estimate)
            .await
            .map_err(|_| "storage failed")?;
        let offset_ms = run.offset_ms;
        let timer = self.timer.clone();
        let crossing = |seq, stamp_us, line, race_ms| crossings::Crossing {
            timer: &timer,
            boot: &boot,
            seq,
            stamp_us,
            line,
            race_ms,
        };
        // Crossings stored but never applied (drem stopped in between) are applied now,
        // before the timer hears they are safe.
        let pending = crossings::pending(&db, &self.timer, &boot)
            .await
            .map_err(|_| "storage failed")?;
        for (seq, stamp_us, line, race_ms) in pending {
            timing::handle(&self.state, &crossing(seq, stamp_us, line, race_ms))
                .await
                .map_err(|_| "pending crossing not applied")?;
        }
        // The current link before the timer hears it is welcome: an older connection's
        // goodbye after this can no longer mark it disconnected.
        self.note(timers::Link::Up).await;
        self.send(&ServerMessage::Welcome {
            name,
            acked: run.last_seq,
        })
        .await?;
        changes::record_kit(&db).await;
        tracing::info!(timer = %self.timer.0, boot, acked = run.last_seq, "timer connected");

        let mut heartbeat = tokio::time::interval(HEARTBEAT);
        let mut last_heard = Instant::now();
        let mut acked = run.last_seq;
        let stopping = self.state.stopping.clone();
        loop {
            let message = tokio::select! {
                message = self.receive() => message?,
                // The timer keeps what is unacknowledged and reconnects once drem is back.
                _ = stopping.cancelled() => {
                    let _ = self.socket.send(Message::Close(None)).await;
                    return Err("drem is stopping");
                }
                _ = heartbeat.tick() => {
                    if last_heard.elapsed() > SILENCE {
                        return Err("timer silent");
                    }
                    self.refuse_if_revoked().await?;
                    self.note(timers::Link::Alive).await;
                    continue;
                }
            };
            last_heard = Instant::now();
            let Some(TimerMessage::Crossing {
                seq,
                stamp_us,
                line,
            }) = message
            else {
                if message.is_some() {
                    return Err("second hello");
                }
                continue;
            };
            // A revoked token stops counting at once, not at the next heartbeat.
            self.refuse_if_revoked().await?;
            // The timer's clock now, with a second's grace for the hello's trip.
            let clock_us = now_us
                .saturating_add(hello_at.elapsed().as_micros() as u64)
                .saturating_add(1_000_000);
            if !seq_possible(seq, clock_us) {
                let message =
                    format!("Crossing number {seq} is more than this timer can have counted.");
                let _ = self.send(&ServerMessage::Error { message }).await;
                return Err("impossible crossing number");
            }
            // A crossing cannot have happened after it arrived: a stamp that maps later
            // (the hello took longer than this crossing, or the clocks drift) counts as
            // now, so a key press after it never makes a lap of 0 ms.
            let now = self.state.clock.now_ms() as i64;
            let stamp_ms = (stamp_us / 1000) as i64;
            let race_ms = (stamp_ms + offset_ms).min(now).max(0) as u64;
            match timing::handle(&self.state, &crossing(seq, stamp_us, line, race_ms)).await {
                Ok(Some(outcome)) => {
                    tracing::info!(timer = %self.timer.0, seq, outcome, "crossing")
                }
                Ok(None) => tracing::debug!(timer = %self.timer.0, seq, "crossing resent"),
                // Not acknowledged: the timer sends it again after reconnecting.
                Err(_) => return Err("crossing not applied"),
            }
            acked = acked.max(seq);
            self.send(&ServerMessage::Ack { seq: acked }).await?;
        }
    }

    async fn refuse_if_revoked(&mut self) -> Result<(), &'static str> {
        if timers::is_revoked(&self.state.db, &self.timer)
            .await
            .unwrap_or(true)
        {
            let message = "This timer was revoked in drem.".to_string();
            let _ = self.send(&ServerMessage::Error { message }).await;
            return Err("revoked");
        }
        Ok(())
    }
}
