//! The benchmark's client: N live subscribers on raw sockets, each reporting when
//! every race update reaches it, and the latency figures drawn from that.

use crate::support::Failure;
use std::time::{Duration, Instant};
use tokio::io::{AsyncReadExt, AsyncWriteExt};
use tokio::net::TcpStream;
use tokio::sync::mpsc;

/// Subscribers connecting at once (the listener's backlog is finite).
const CONNECT_BATCH: usize = 250;

/// One race update reaching one subscriber: when, and the size of its message.
struct Arrival {
    at: Instant,
    bytes: usize,
}

/// N subscribers to one stream, all greeted (they got the stream's first `reload`).
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
            for _ in 0..batch {
                let (address, path, tx, ready) = (
                    address.to_string(),
                    path.to_string(),
                    tx.clone(),
                    ready_tx.clone(),
                );
                tokio::spawn(async move {
                    if let Err(e) = subscribe(&address, &path, tx, ready).await {
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

    /// Waits until the update sent at `sent` reached every subscriber; adds each
    /// one's latency to `latencies` and returns the message's size in bytes.
    pub async fn await_update(
        &mut self,
        sent: Instant,
        latencies: &mut Vec<Duration>,
    ) -> Result<usize, Failure> {
        let mut bytes = 0;
        for _ in 0..self.n {
            let arrival = tokio::time::timeout(Duration::from_secs(30), self.arrivals.recv())
                .await?
                .ok_or("subscribers gone")?;
            latencies.push(arrival.at.saturating_duration_since(sent));
            bytes = arrival.bytes;
        }
        Ok(bytes)
    }
}

/// One live subscriber: says when it got the first message (the stream's `reload`),
/// then reports the arrival of each race update.
async fn subscribe(
    address: &str,
    path: &str,
    arrivals: mpsc::UnboundedSender<Arrival>,
    ready: mpsc::UnboundedSender<()>,
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
        // Complete messages end with a blank line; only their kind matters here.
        while let Some(end) = pending.windows(2).position(|w| w == b"\n\n") {
            let message = &pending[..end];
            if message.windows(6).any(|w| w == b"reload") && !greeted {
                greeted = true;
                let _ = ready.send(());
            } else if message.windows(13).any(|w| w == b"\"kind\":\"race\"") {
                let _ = arrivals.send(Arrival {
                    at: now,
                    bytes: end + 2,
                });
            }
            pending.drain(..end + 2);
        }
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
