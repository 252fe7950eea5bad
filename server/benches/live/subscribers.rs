//! The benchmark's client: N live subscribers on raw sockets that behave like the
//! public page (each message is parsed and applied, nothing else is fetched), each
//! reporting when every update reaches it, and the latency figures drawn from that.

use crate::support::Failure;
use app::wire::{Leaderboard, PublicUpdate};
use std::sync::atomic::{AtomicU64, Ordering};
use std::time::{Duration, Instant};
use tokio::io::{AsyncReadExt, AsyncWriteExt};
use tokio::net::TcpStream;
use tokio::sync::mpsc;

/// Subscribers connecting at once (the listener's backlog is finite).
const CONNECT_BATCH: usize = 250;

/// Time all subscribers spent parsing and applying messages, and how many, by kind
/// (race, board): what each viewer's own work adds to a fan-out on these cores.
static APPLYING: [(AtomicU64, AtomicU64); 2] = [
    (AtomicU64::new(0), AtomicU64::new(0)),
    (AtomicU64::new(0), AtomicU64::new(0)),
];

/// The mean time a subscriber took to parse and apply a message of `kind` so far.
pub fn mean_apply(kind: Kind) -> Duration {
    let (nanos, count) = &APPLYING[kind as usize];
    Duration::from_nanos(nanos.load(Ordering::Relaxed) / count.load(Ordering::Relaxed).max(1))
}

/// What a message of the public stream carries.
#[derive(Debug, Clone, Copy, PartialEq)]
pub enum Kind {
    /// Who is on track, and their race (each lap).
    Race = 0,
    /// The board, after a change of results.
    Board = 1,
}

/// One update reaching one subscriber: when, its kind, the board version it brought
/// (boards only), and the message as received (from the first subscriber only, so the
/// floor can send the very same bytes).
struct Arrival {
    at: Instant,
    kind: Kind,
    version: u64,
    message: Option<Vec<u8>>,
}

/// N subscribers to one stream, all greeted (they got the stream's first message: the
/// board as kept).
pub struct Subscribers {
    n: usize,
    arrivals: mpsc::UnboundedReceiver<Arrival>,
    /// The first subscriber's greeting as received (the floor greets with it).
    pub greeting: Vec<u8>,
}

impl Subscribers {
    /// Connects `n` subscribers to `GET path` on `address` and waits for each greeting.
    pub async fn connect(address: &str, path: &str, n: usize) -> Result<Self, Failure> {
        let (tx, arrivals) = mpsc::unbounded_channel();
        let (mut connected, mut greeting) = (0, Vec::new());
        while connected < n {
            let batch = CONNECT_BATCH.min(n - connected);
            let (ready_tx, mut ready_rx) = mpsc::unbounded_channel::<Vec<u8>>();
            for i in 0..batch {
                let (address, path, tx, ready) = (
                    address.to_string(),
                    path.to_string(),
                    tx.clone(),
                    ready_tx.clone(),
                );
                let keeps_messages = connected + i == 0;
                tokio::spawn(async move {
                    if let Err(e) = subscribe(&address, &path, tx, ready, keeps_messages).await {
                        eprintln!("subscriber failed: {e}");
                    }
                });
            }
            drop(ready_tx);
            for _ in 0..batch {
                let said = ready_rx
                    .recv()
                    .await
                    .ok_or("a subscriber could not connect")?;
                if !said.is_empty() {
                    greeting = said;
                }
            }
            connected += batch;
        }
        Ok(Self {
            n,
            arrivals,
            greeting,
        })
    }

    /// Forgets the arrivals not yet awaited.
    pub fn forget_arrivals(&mut self) {
        while self.arrivals.try_recv().is_ok() {}
    }

    /// Waits until an update of `kind` caused at `sent` reached every subscriber
    /// (other kinds pass by); adds each one's latency to `latencies` and returns the
    /// message as received and, for boards, the newest version received.
    pub async fn await_update(
        &mut self,
        sent: Instant,
        kind: Kind,
        latencies: &mut Vec<Duration>,
    ) -> Result<(Vec<u8>, u64), Failure> {
        let (mut message, mut version, mut received) = (Vec::new(), 0, 0);
        while received < self.n {
            let arrival = tokio::time::timeout(Duration::from_secs(60), self.arrivals.recv())
                .await?
                .ok_or("subscribers gone")?;
            if arrival.kind != kind {
                continue;
            }
            received += 1;
            latencies.push(arrival.at.saturating_duration_since(sent));
            if let Some(kept) = arrival.message {
                message = kept;
            }
            version = version.max(arrival.version);
        }
        Ok((message, version))
    }
}

/// One live subscriber: says when it got the first message (the kept board; the one
/// keeping messages passes it on), then parses each update as the page does, holding
/// the board and applying each delta to it, and reports its arrival.
async fn subscribe(
    address: &str,
    path: &str,
    arrivals: mpsc::UnboundedSender<Arrival>,
    ready: mpsc::UnboundedSender<Vec<u8>>,
    keeps_messages: bool,
) -> Result<(), Failure> {
    let mut socket = TcpStream::connect(address).await?;
    socket
        .write_all(
            format!("GET {path} HTTP/1.1\r\nHost: bench\r\nAccept: text/event-stream\r\n\r\n")
                .as_bytes(),
        )
        .await?;
    let mut pending: Vec<u8> = Vec::with_capacity(4096);
    let mut chunk = [0u8; 4096];
    let mut page = Page::default();
    let mut greeted = false;
    loop {
        let read = socket.read(&mut chunk).await?;
        if read == 0 {
            return Ok(());
        }
        let now = Instant::now();
        pending.extend_from_slice(&chunk[..read]);
        // Complete messages end with a blank line; the page parses each one.
        while let Some(end) = pending.windows(2).position(|w| w == b"\n\n") {
            let message = &pending[..end + 2];
            let applying = Instant::now();
            let update = page.apply(message);
            // The greeting (the whole board) is not one of the updates timed.
            if let Some((kind, _)) = update.filter(|_| greeted) {
                let (nanos, count) = &APPLYING[kind as usize];
                nanos.fetch_add(applying.elapsed().as_nanos() as u64, Ordering::Relaxed);
                count.fetch_add(1, Ordering::Relaxed);
            }
            if !greeted {
                greeted = update.is_some();
                if greeted {
                    let _ = ready.send(if keeps_messages {
                        message.to_vec()
                    } else {
                        Vec::new()
                    });
                }
            } else if let Some((kind, version)) = update {
                let _ = arrivals.send(Arrival {
                    at: now,
                    kind,
                    version,
                    message: keeps_messages.then(|| message.to_vec()),
                });
            }
            pending.drain(..end + 2);
        }
    }
}

/// What a page holds of the stream: the board, whole or as deltas apply to it.
#[derive(Default)]
struct Page {
    board: Option<Leaderboard>,
}

impl Page {
    /// An SSE message's update as the page applies it: its JSON parsed whole, a board
    /// kept, a delta applied to the board held; its kind and (for a board) version.
    /// `None` for keep-alives, `reload` and a delta that does not fit what is held.
    fn apply(&mut self, message: &[u8]) -> Option<(Kind, u64)> {
        let text = std::str::from_utf8(message).ok()?;
        let data = text.lines().find_map(|l| l.strip_prefix("data:"))?;
        let board = match serde_json::from_str(data.trim_start()).ok()? {
            PublicUpdate::Race { .. } => return Some((Kind::Race, 0)),
            PublicUpdate::Reload | PublicUpdate::Queue { .. } => return None,
            PublicUpdate::Board { board, .. } => board,
            PublicUpdate::BoardDelta { delta, .. } => {
                let applied = delta.apply(self.board.take()?);
                match applied {
                    Ok(board) => board,
                    Err(_) => {
                        eprintln!("a delta did not fit the board held");
                        return None;
                    }
                }
            }
        };
        let version = board.version;
        self.board = Some(board);
        Some((Kind::Board, version))
    }
}

/// Sorted latencies.
pub struct Figures(Vec<Duration>);

impl Figures {
    pub fn of(mut latencies: Vec<Duration>) -> Self {
        latencies.sort();
        Self(latencies)
    }

    pub fn percentile(&self, p: f64) -> Duration {
        let rank = ((self.0.len() as f64 * p).ceil() as usize).saturating_sub(1);
        self.0.get(rank).copied().unwrap_or_default()
    }

    /// `p50 … p99 … max …`.
    pub fn summary(&self) -> String {
        format!(
            "p50 {}  p99 {}  max {}",
            ms(self.percentile(0.50)),
            ms(self.percentile(0.99)),
            ms(self.percentile(1.0))
        )
    }
}

pub fn ms(d: Duration) -> String {
    format!("{:.2} ms", d.as_secs_f64() * 1000.0)
}
