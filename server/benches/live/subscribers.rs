//! The benchmark's client: N live subscribers on raw sockets that behave like the
//! public page (each message is parsed and applied, nothing else is fetched), each
//! reporting when every update reaches it, and the latency figures drawn from that.

use crate::support::Failure;
use std::time::{Duration, Instant};
use tokio::io::{AsyncReadExt, AsyncWriteExt};
use tokio::net::TcpStream;
use tokio::sync::mpsc;

/// Subscribers connecting at once (the listener's backlog is finite).
const CONNECT_BATCH: usize = 250;

/// What a message of the public stream carries.
#[derive(Debug, Clone, Copy, PartialEq)]
pub enum Kind {
    /// Who is on track, and their race (each lap).
    Race,
    /// The board, after a change of results.
    Board,
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
}

impl Subscribers {
    /// Connects `n` subscribers to `GET path` on `address` and waits for each greeting.
    pub async fn connect(address: &str, path: &str, n: usize) -> Result<Self, Failure> {
        let (tx, arrivals) = mpsc::unbounded_channel();
        let mut connected = 0;
        while connected < n {
            let batch = CONNECT_BATCH.min(n - connected);
            let (ready_tx, mut ready_rx) = mpsc::unbounded_channel::<()>();
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
                ready_rx
                    .recv()
                    .await
                    .ok_or("a subscriber could not connect")?;
            }
            connected += batch;
        }
        Ok(Self { n, arrivals })
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

/// One live subscriber: says when it got the first message (the kept board), then
/// parses each update as the page does and reports its arrival.
async fn subscribe(
    address: &str,
    path: &str,
    arrivals: mpsc::UnboundedSender<Arrival>,
    ready: mpsc::UnboundedSender<()>,
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
            let update = applied(&pending[..end]);
            if !greeted {
                greeted = update.is_some();
                if greeted {
                    let _ = ready.send(());
                }
            } else if let Some((kind, version)) = update {
                let _ = arrivals.send(Arrival {
                    at: now,
                    kind,
                    version,
                    message: keeps_messages.then(|| pending[..end + 2].to_vec()),
                });
            }
            pending.drain(..end + 2);
        }
    }
}

/// An SSE message's update as the page applies it: its JSON parsed whole, its kind and
/// (for a board) version; `None` for keep-alives and `reload`.
fn applied(message: &[u8]) -> Option<(Kind, u64)> {
    let text = std::str::from_utf8(message).ok()?;
    let data = text.lines().find_map(|l| l.strip_prefix("data:"))?;
    let update: serde_json::Value = serde_json::from_str(data.trim_start()).ok()?;
    match update["kind"].as_str()? {
        "race" => Some((Kind::Race, 0)),
        "board" => Some((Kind::Board, update["board"]["version"].as_u64()?)),
        _ => None,
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
