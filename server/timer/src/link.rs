//! The link thread: turns edges into numbered crossings and delivers them to the server.
//!
//! It owns the [`Filter`], the `seq` counter and the [`ResendQueue`], and the WebSocket.
//! Edge sources (GPIO, simulation) only push raw [`Edge`]s into an unbounded channel, so
//! they never wait on the network. Stamps are taken at the edge, so a delay before this
//! thread handles an edge changes no time.
//!
//! One blocking socket with a short read timeout is polled in a loop that also drains the
//! channel, sends pings and watches for silence. Any error ends the connection; the thread
//! reconnects with exponential backoff and resends what was not acked (see
//! [`crate::protocol`] for the exchange).

use std::convert::Infallible;
use std::net::{TcpStream, ToSocketAddrs};
use std::sync::mpsc::{Receiver, RecvTimeoutError, TryRecvError};
use std::time::{Duration, Instant};

use tungstenite::{Bytes, ClientRequestBuilder, HandshakeError, Message, WebSocket};

use crate::clock;
use crate::endpoint::Endpoint;
use crate::filter::Filter;
use crate::protocol::{ServerMessage, TimerMessage};
use crate::queue::{Crossing, ResendQueue, DEFAULT_CAPACITY};

const PING_EVERY: Duration = Duration::from_secs(5);
const DEAD_AFTER: Duration = Duration::from_secs(15);
const BACKOFF_MIN: Duration = Duration::from_millis(500);
const BACKOFF_MAX: Duration = Duration::from_secs(10);
/// How long one socket read waits: also the longest a new crossing waits before sending.
const POLL: Duration = Duration::from_millis(20);
const CONNECT_TIMEOUT: Duration = Duration::from_secs(5);
const HANDSHAKE_TIMEOUT: Duration = Duration::from_secs(10);
/// A send that cannot finish in this time means the link is dead (the queue keeps the data).
const WRITE_TIMEOUT: Duration = Duration::from_secs(5);

/// A raw rising edge from a strip, before filtering.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Edge {
    /// `CLOCK_MONOTONIC` microseconds of the edge.
    pub stamp_us: u64,
    /// GPIO line of the strip.
    pub line: u32,
}

/// A fresh random boot id: 16 lowercase hex chars from the kernel's random source.
pub fn new_boot_id() -> Result<String, String> {
    use std::io::Read;
    let mut bytes = [0u8; 8];
    std::fs::File::open("/dev/urandom")
        .and_then(|mut f| f.read_exact(&mut bytes))
        .map_err(|e| format!("cannot read /dev/urandom for the boot id: {e}"))?;
    Ok(bytes.iter().map(|b| format!("{b:02x}")).collect())
}

/// Everything the link thread needs.
#[derive(Debug, Clone)]
pub struct LinkConfig {
    /// Where to connect.
    pub endpoint: Endpoint,
    /// The bearer token of this timer.
    pub token: String,
    /// This run's boot id (see [`new_boot_id`]).
    pub boot: String,
    /// Debounce window of the filter.
    pub debounce: Duration,
    /// Log edges the filter drops (useful when typing simulated crossings; too chatty for
    /// bouncing strips).
    pub log_dropped: bool,
}

/// Filter, numbering and the queue: what survives reconnects.
struct Intake {
    filter: Filter,
    next_seq: u64,
    queue: ResendQueue,
    log_dropped: bool,
}

impl Intake {
    fn take(&mut self, edge: Edge) -> Option<Crossing> {
        if !self.filter.accept(edge.stamp_us, edge.line) {
            if self.log_dropped {
                eprintln!(
                    "edge ignored (debounce/out of order): stamp_us={} line={}",
                    edge.stamp_us, edge.line
                );
            }
            return None;
        }
        let crossing = Crossing {
            seq: self.next_seq,
            stamp_us: edge.stamp_us,
            line: edge.line,
        };
        self.next_seq += 1;
        eprintln!(
            "crossing seq={} stamp_us={} line={}",
            crossing.seq, crossing.stamp_us, crossing.line
        );
        if let Some(lost) = self.queue.push(crossing) {
            eprintln!(
                "WARNING: resend queue full ({DEFAULT_CAPACITY} crossings not acked): crossing seq={} \
                 stamp_us={} is LOST",
                lost.seq, lost.stamp_us
            );
        }
        Some(crossing)
    }
}

/// The receiving end of the edge channel; keeps working (idle) once all senders are gone.
struct Edges {
    rx: Receiver<Edge>,
    open: bool,
}

impl Edges {
    /// Takes every edge already waiting; returns the ones accepted as crossings.
    fn drain(&mut self, intake: &mut Intake) -> Vec<Crossing> {
        let mut out = Vec::new();
        while self.open {
            match self.rx.try_recv() {
                Ok(edge) => out.extend(intake.take(edge)),
                Err(TryRecvError::Empty) => break,
                Err(TryRecvError::Disconnected) => self.open = false,
            }
        }
        out
    }

    /// Waits `wait` while still taking edges (they are queued for the next connection).
    fn idle(&mut self, wait: Duration, intake: &mut Intake) {
        let deadline = Instant::now() + wait;
        loop {
            let left = deadline.saturating_duration_since(Instant::now());
            if left.is_zero() {
                return;
            }
            if !self.open {
                std::thread::sleep(left);
                return;
            }
            match self.rx.recv_timeout(left) {
                Ok(edge) => {
                    intake.take(edge);
                }
                Err(RecvTimeoutError::Timeout) => return,
                Err(RecvTimeoutError::Disconnected) => self.open = false,
            }
        }
    }
}

enum ConnectError {
    TokenRefused,
    Other(String),
}

/// Runs the link forever: connect, deliver, reconnect.
pub fn run(cfg: LinkConfig, rx: Receiver<Edge>) -> ! {
    let mut intake = Intake {
        filter: Filter::new(cfg.debounce),
        next_seq: 1,
        queue: ResendQueue::new(DEFAULT_CAPACITY),
        log_dropped: cfg.log_dropped,
    };
    let mut edges = Edges { rx, open: true };
    let mut backoff = BACKOFF_MIN;
    loop {
        edges.drain(&mut intake);
        match connect(&cfg) {
            Ok(mut ws) => {
                eprintln!("connected to {}", cfg.endpoint.url());
                let Err(reason) = session(&mut ws, &cfg, &mut intake, &mut edges, &mut backoff);
                eprintln!(
                    "disconnected: {reason} ({} crossings waiting for ack)",
                    intake.queue.len()
                );
            }
            Err(ConnectError::TokenRefused) => {
                eprintln!(
                    "TOKEN REFUSED: {} answered 401 Unauthorized; check the timer token in drem \
                     (revoked or mistyped?). Retrying every {} s.",
                    cfg.endpoint.url(),
                    BACKOFF_MAX.as_secs()
                );
                backoff = BACKOFF_MAX;
            }
            Err(ConnectError::Other(e)) => {
                eprintln!("cannot connect to {}: {e}", cfg.endpoint.url())
            }
        }
        eprintln!("reconnecting in {:.1} s", backoff.as_secs_f64());
        edges.idle(backoff, &mut intake);
        backoff = (backoff * 2).min(BACKOFF_MAX);
    }
}

fn connect(cfg: &LinkConfig) -> Result<WebSocket<TcpStream>, ConnectError> {
    let ep = &cfg.endpoint;
    let addrs = (ep.host.as_str(), ep.port)
        .to_socket_addrs()
        .map_err(|e| ConnectError::Other(format!("cannot resolve {}: {e}", ep.host)))?;
    // std's TcpStream::connect has no timeout; an unreachable Pi network would stall for minutes.
    let mut last_err = format!("{} resolved to no address", ep.host);
    let mut stream = None;
    for addr in addrs {
        match TcpStream::connect_timeout(&addr, CONNECT_TIMEOUT) {
            Ok(s) => {
                stream = Some(s);
                break;
            }
            Err(e) => last_err = format!("{addr}: {e}"),
        }
    }
    let stream = stream.ok_or(ConnectError::Other(last_err))?;
    let io = |e: std::io::Error| ConnectError::Other(e.to_string());
    stream.set_nodelay(true).map_err(io)?;
    stream
        .set_read_timeout(Some(HANDSHAKE_TIMEOUT))
        .map_err(io)?;
    stream.set_write_timeout(Some(WRITE_TIMEOUT)).map_err(io)?;

    let request = ClientRequestBuilder::new(ep.uri.clone())
        .with_header("Authorization", format!("Bearer {}", cfg.token));
    match tungstenite::client(request, stream) {
        Ok((ws, _response)) => {
            ws.get_ref().set_read_timeout(Some(POLL)).map_err(io)?;
            Ok(ws)
        }
        Err(HandshakeError::Failure(tungstenite::Error::Http(response))) => {
            if response.status() == 401 {
                Err(ConnectError::TokenRefused)
            } else {
                Err(ConnectError::Other(format!(
                    "server answered HTTP {}",
                    response.status()
                )))
            }
        }
        Err(HandshakeError::Failure(e)) => {
            Err(ConnectError::Other(format!("handshake failed: {e}")))
        }
        Err(HandshakeError::Interrupted(_)) => {
            Err(ConnectError::Other("handshake timed out".into()))
        }
    }
}

fn send(ws: &mut WebSocket<TcpStream>, msg: &TimerMessage) -> Result<(), String> {
    let json = serde_json::to_string(msg).map_err(|e| format!("cannot encode message: {e}"))?;
    ws.send(Message::text(json))
        .map_err(|e| format!("send failed: {e}"))
}

/// One connection, until it fails: the `Err` is the reason, for the log.
fn session(
    ws: &mut WebSocket<TcpStream>,
    cfg: &LinkConfig,
    intake: &mut Intake,
    edges: &mut Edges,
    backoff: &mut Duration,
) -> Result<Infallible, String> {
    send(
        ws,
        &TimerMessage::Hello {
            boot: cfg.boot.clone(),
            now_us: clock::now_us(),
        },
    )?;
    eprintln!("sent hello boot={}", cfg.boot);
    let mut welcomed = false;
    let mut last_rx = Instant::now();
    let mut last_ping = Instant::now();
    loop {
        for crossing in edges.drain(intake) {
            // Before the welcome we do not know what the server has; the welcome resends.
            if welcomed {
                send(ws, &crossing.message())?;
            }
        }
        if last_ping.elapsed() >= PING_EVERY {
            ws.send(Message::Ping(Bytes::new()))
                .map_err(|e| format!("ping failed: {e}"))?;
            last_ping = Instant::now();
        }
        if last_rx.elapsed() >= DEAD_AFTER {
            return Err(format!(
                "nothing heard from the server for {} s",
                DEAD_AFTER.as_secs()
            ));
        }
        let msg = match ws.read() {
            Ok(msg) => msg,
            Err(tungstenite::Error::Io(e))
                if matches!(
                    e.kind(),
                    std::io::ErrorKind::WouldBlock | std::io::ErrorKind::TimedOut
                ) =>
            {
                continue
            }
            Err(tungstenite::Error::ConnectionClosed | tungstenite::Error::AlreadyClosed) => {
                return Err("connection closed".into())
            }
            Err(e) => return Err(e.to_string()),
        };
        last_rx = Instant::now();
        let text = match msg {
            Message::Text(text) => text,
            Message::Close(frame) => {
                // Best effort: let tungstenite flush its close reply.
                let _ = ws.flush();
                return Err(match frame {
                    Some(f) => format!("server closed the connection ({} {})", f.code, f.reason),
                    None => "server closed the connection".into(),
                });
            }
            // Pongs only prove liveness; tungstenite answers pings by itself.
            _ => continue,
        };
        match serde_json::from_str::<ServerMessage>(text.as_str()) {
            Ok(ServerMessage::Welcome { name, acked }) => {
                intake.queue.ack(acked);
                let pending: Vec<Crossing> = intake.queue.pending_after(acked).copied().collect();
                eprintln!(
                    "welcome: this timer is {name:?}; server has up to seq {acked}; resending {}",
                    pending.len()
                );
                welcomed = true;
                *backoff = BACKOFF_MIN;
                for crossing in pending {
                    send(ws, &crossing.message())?;
                }
            }
            Ok(ServerMessage::Ack { seq }) => {
                intake.queue.ack(seq);
                eprintln!("ack seq={seq} ({} waiting)", intake.queue.len());
            }
            Ok(ServerMessage::Error { message }) => return Err(format!("server error: {message}")),
            Err(e) => eprintln!("ignoring unreadable server message {text:?}: {e}"),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn boot_id_is_16_lowercase_hex() {
        let a = new_boot_id().unwrap();
        assert_eq!(a.len(), 16);
        assert!(a.chars().all(|c| matches!(c, '0'..='9' | 'a'..='f')), "{a}");
        assert_ne!(a, new_boot_id().unwrap());
    }

    #[test]
    fn intake_numbers_accepted_edges_only() {
        let mut intake = Intake {
            filter: Filter::new(Duration::from_millis(2_000)),
            next_seq: 1,
            queue: ResendQueue::new(10),
            log_dropped: false,
        };
        let a = intake
            .take(Edge {
                stamp_us: 1_000_000,
                line: 17,
            })
            .unwrap();
        assert!(intake
            .take(Edge {
                stamp_us: 1_010_000,
                line: 27
            })
            .is_none());
        let b = intake
            .take(Edge {
                stamp_us: 4_000_000,
                line: 27,
            })
            .unwrap();
        assert_eq!((a.seq, b.seq), (1, 2));
        assert_eq!(
            b,
            Crossing {
                seq: 2,
                stamp_us: 4_000_000,
                line: 27
            }
        );
        assert_eq!(intake.queue.len(), 2);
    }
}
