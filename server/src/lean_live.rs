//! The lean path for public live streams. Leaderboards and overlays are the one thing
//! thousands of browsers keep open; through hyper each idle stream costs two 8 KiB+
//! buffers and its connection state. So the listener looks at the first bytes of every
//! new connection (without taking them): `GET /live/events/…` is answered here with a
//! minimal HTTP/1.1 event stream (a few KiB per subscriber); everything else goes to
//! axum untouched. Same messages, same order, same catch-up as `live::event_events`.

use crate::live::event_updates;
use app::error::AppError;
use app::ssr::state::AppState;
use futures::StreamExt;
use std::net::SocketAddr;
use std::time::Duration;
use tokio::io::{AsyncReadExt, AsyncWriteExt};
use tokio::net::{TcpListener, TcpStream};
use tokio::sync::mpsc;

const PREFIX: &[u8] = b"GET /live/events/";
/// How long a new connection may take to show its first bytes before axum gets it.
const PEEK_WITHIN: Duration = Duration::from_secs(5);
/// The whole request head must arrive in this time and size.
const HEAD_WITHIN: Duration = Duration::from_secs(10);
const MAX_HEAD: usize = 8 * 1024;
/// A comment line this often keeps proxies and browsers from closing an idle stream.
const KEEP_ALIVE: Duration = Duration::from_secs(15);
/// A subscriber that takes no data for this long is dropped (it reconnects and
/// catches up by itself).
const WRITE_WITHIN: Duration = Duration::from_secs(30);

/// A listener for `axum::serve` that answers public live streams itself.
pub struct LeanListener {
    accepted: mpsc::Receiver<(TcpStream, SocketAddr)>,
    local: SocketAddr,
}

impl LeanListener {
    /// Accepts on `listener` in the background from now on.
    pub fn new(listener: TcpListener, state: AppState) -> std::io::Result<Self> {
        let local = listener.local_addr()?;
        let (to_axum, accepted) = mpsc::channel(1024);
        tokio::spawn(async move {
            loop {
                let accepted = tokio::select! {
                    accepted = listener.accept() => accepted,
                    // Stopping: take no new connections (the listener closes with this task).
                    _ = state.stopping.cancelled() => return,
                };
                let (stream, address) = match accepted {
                    Ok(accepted) => accepted,
                    Err(e) => {
                        // Out of file descriptors and the like: wait, do not spin.
                        tracing::warn!(error = %e, "accept failed");
                        tokio::time::sleep(Duration::from_millis(50)).await;
                        continue;
                    }
                };
                // Small writes (one event each) go out at once.
                let _ = stream.set_nodelay(true);
                let (to_axum, state) = (to_axum.clone(), state.clone());
                tokio::spawn(async move {
                    if asks_for_public_live(&stream).await {
                        // The set-up (a database read) is boxed and gone once done: a
                        // task keeps the size of its largest state for its whole life.
                        let stopping = state.stopping.clone();
                        if let Some((stream, updates)) = Box::pin(prepare(state, stream)).await {
                            stream_events(stream, updates, stopping).await;
                        }
                    } else {
                        let _ = to_axum.send((stream, address)).await;
                    }
                });
            }
        });
        Ok(Self { accepted, local })
    }
}

impl axum::serve::Listener for LeanListener {
    type Io = TcpStream;
    type Addr = SocketAddr;

    async fn accept(&mut self) -> (Self::Io, Self::Addr) {
        match self.accepted.recv().await {
            Some(accepted) => accepted,
            // The acceptor never stops; if it did, there is nothing more to serve.
            None => std::future::pending().await,
        }
    }

    fn local_addr(&self) -> std::io::Result<Self::Addr> {
        Ok(self.local)
    }
}

/// Whether the connection's first bytes are `GET /live/events/` (peeked, not taken).
async fn asks_for_public_live(stream: &TcpStream) -> bool {
    let look = async {
        let mut first = [0u8; PREFIX.len()];
        loop {
            let n = stream.peek(&mut first).await.unwrap_or(0);
            if n == 0 || first[..n] != PREFIX[..n] {
                return false;
            }
            if n == PREFIX.len() {
                return true;
            }
            // Only part of the request line arrived so far.
            tokio::time::sleep(Duration::from_millis(5)).await;
        }
    };
    tokio::time::timeout(PEEK_WITHIN, look)
        .await
        .unwrap_or(false)
}

/// The event id of `GET /live/events/ID[?…] HTTP/1.1`, if the head is one.
fn event_of(head: &[u8]) -> Option<String> {
    let line = head.split(|b| *b == b'\n').next()?;
    let line = std::str::from_utf8(line).ok()?.trim_end();
    let target = line
        .strip_prefix("GET ")?
        .strip_suffix(" HTTP/1.1")
        .or_else(|| line.strip_prefix("GET ")?.strip_suffix(" HTTP/1.0"))?;
    let id = target.strip_prefix("/live/events/")?;
    let id = id.split('?').next()?;
    let valid = !id.is_empty()
        && id.len() <= 64
        && id
            .bytes()
            .all(|b| b.is_ascii_alphanumeric() || b == b'_' || b == b'-');
    valid.then(|| id.to_string())
}

async fn read_head(stream: &mut TcpStream) -> Option<Vec<u8>> {
    let read = async {
        let mut head = Vec::with_capacity(1024);
        let mut chunk = [0u8; 1024];
        while !head.windows(4).any(|w| w == b"\r\n\r\n") {
            let n = stream.read(&mut chunk).await.ok()?;
            if n == 0 || head.len() + n > MAX_HEAD {
                return None;
            }
            head.extend_from_slice(&chunk[..n]);
        }
        Some(head)
    };
    tokio::time::timeout(HEAD_WITHIN, read).await.ok().flatten()
}

async fn refuse(stream: &mut TcpStream, status: &str, text: &str) {
    let answer = format!(
        "HTTP/1.1 {status}\r\ncontent-type: text/plain; charset=utf-8\r\ncontent-length: {}\r\nconnection: close\r\n\r\n{text}",
        text.len()
    );
    let _ = stream.write_all(answer.as_bytes()).await;
}

/// Reads the request and answers its head: the stream and its updates when the event
/// exists, `None` when it was refused.
async fn prepare(
    state: AppState,
    mut stream: TcpStream,
) -> Option<(
    TcpStream,
    std::pin::Pin<Box<dyn futures::Stream<Item = std::sync::Arc<str>> + Send>>,
)> {
    let Some(head) = read_head(&mut stream).await else {
        refuse(&mut stream, "400 Bad Request", "bad request").await;
        return None;
    };
    let Some(event) = event_of(&head) else {
        refuse(&mut stream, "404 Not Found", "Event was not found.").await;
        return None;
    };
    let updates = match event_updates(&state, event).await {
        Ok(updates) => updates,
        Err(e) => {
            let status = match e {
                AppError::NotFound(_) => "404 Not Found",
                _ => "500 Internal Server Error",
            };
            refuse(&mut stream, status, &e.to_string()).await;
            return None;
        }
    };
    stream
        .write_all(
            b"HTTP/1.1 200 OK\r\ncontent-type: text/event-stream\r\ncache-control: no-cache\r\n\
              x-accel-buffering: no\r\nconnection: close\r\n\r\n",
        )
        .await
        .ok()?;
    Some((stream, Box::pin(updates)))
}

/// Writes each update as an event, and a keep-alive comment when idle, until the
/// browser goes away or drem stops.
async fn stream_events(
    mut stream: TcpStream,
    mut updates: std::pin::Pin<Box<dyn futures::Stream<Item = std::sync::Arc<str>> + Send>>,
    stopping: tokio_util::sync::CancellationToken,
) {
    let (mut reader, mut writer) = stream.split();
    let mut keep_alive =
        tokio::time::interval_at(tokio::time::Instant::now() + KEEP_ALIVE, KEEP_ALIVE);
    let mut closed = [0u8; 1];
    loop {
        let frame = tokio::select! {
            update = updates.next() => match update {
                Some(json) => format!("event: update\ndata: {json}\n\n"),
                None => return,
            },
            _ = keep_alive.tick() => ":\n\n".to_string(),
            // The browser went away (or sent something it should not): done.
            _ = reader.read(&mut closed) => return,
            _ = stopping.cancelled() => return,
        };
        match tokio::time::timeout(WRITE_WITHIN, writer.write_all(frame.as_bytes())).await {
            Ok(Ok(())) => {}
            _ => return,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::event_of;

    #[test]
    fn only_a_plain_event_stream_request_is_taken() {
        let head = |line: &str| format!("{line}\r\nHost: x\r\n\r\n").into_bytes();
        assert_eq!(
            event_of(&head("GET /live/events/abc123 HTTP/1.1")).as_deref(),
            Some("abc123")
        );
        assert_eq!(
            event_of(&head("GET /live/events/abc?lang=de HTTP/1.1")).as_deref(),
            Some("abc")
        );
        assert_eq!(event_of(&head("GET /live/events/ HTTP/1.1")), None);
        assert_eq!(event_of(&head("GET /live/events/a/b HTTP/1.1")), None);
        assert_eq!(event_of(&head("GET /live/events/a%20b HTTP/1.1")), None);
        assert_eq!(event_of(&head("POST /live/events/abc HTTP/1.1")), None);
        assert_eq!(event_of(&head("GET /live/events/abc HTTP/2")), None);
    }
}
