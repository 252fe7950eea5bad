//! The lean path for public live streams. Leaderboards and overlays are the one thing
//! thousands of browsers keep open; through hyper each idle stream costs two 8 KiB+
//! buffers and its connection state. So the listener looks at the first bytes of every
//! new connection (without taking them): `GET /live/events/…` is answered here with a
//! minimal HTTP/1.1 event stream (a few KiB per subscriber); everything else goes to
//! axum untouched. Same messages, same order, same catch-up as `live::event_events`.

use crate::realtime::streams::{board_key, event_updates, Frame};
use app::error::AppError;
use app::ssr::metrics::StreamKind;
use app::ssr::realtime::boards::BoardKey;
use app::ssr::state::AppState;
use futures::{FutureExt, StreamExt};
use std::net::SocketAddr;
use std::time::Duration;
use tokio::io::{AsyncReadExt, AsyncWriteExt};
use tokio::net::{TcpListener, TcpStream};
use tokio::sync::mpsc;

const PREFIX: &[u8] = b"GET /live/events/";
/// The whole request head must arrive within this size (and within the request
/// timeout; a connection that shows no first bytes by then goes to hyper, whose own
/// head timeout then closes it).
const MAX_HEAD: usize = 8 * 1024;
/// A comment line this often keeps proxies and browsers from closing an idle stream.
const KEEP_ALIVE: Duration = Duration::from_secs(15);
/// A subscriber that takes no data for this long is dropped (it reconnects and
/// catches up by itself).
const WRITE_WITHIN: Duration = Duration::from_secs(30);

/// Accepts connections, answers public live streams itself, and hands every other
/// connection on to hyper (`serve.rs`).
pub struct LeanListener {
    accepted: mpsc::Receiver<(TcpStream, SocketAddr)>,
}

impl LeanListener {
    /// Accepts on `listener` in the background from now on; a request head must
    /// arrive `within` this.
    pub fn new(listener: TcpListener, state: AppState, within: Duration) -> Self {
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
                    if asks_for_public_live(&stream, within).await {
                        // The set-up (a database read) is boxed and gone once done: a
                        // task keeps the size of its largest state for its whole life.
                        let stopping = state.stopping.clone();
                        let hub = std::sync::Arc::clone(&state.hub);
                        if let Some((stream, updates)) =
                            Box::pin(prepare(state, stream, within)).await
                        {
                            let _counted = hub.metrics.watching(StreamKind::Public);
                            stream_events(stream, updates, stopping, &hub.metrics).await;
                        }
                    } else {
                        let _ = to_axum.send((stream, address)).await;
                    }
                });
            }
        });
        Self { accepted }
    }

    /// The next connection for hyper; `None` once drem stops accepting.
    pub async fn accept(&mut self) -> Option<(TcpStream, SocketAddr)> {
        self.accepted.recv().await
    }
}

/// Whether the connection's first bytes are `GET /live/events/` (peeked, not taken).
async fn asks_for_public_live(stream: &TcpStream, within: Duration) -> bool {
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
    tokio::time::timeout(within, look).await.unwrap_or(false)
}

/// The board of `GET /live/events/ID[?track=…&format=…] HTTP/1.1`, if the head is one.
fn board_of(head: &[u8]) -> Option<BoardKey> {
    let line = head.split(|b| *b == b'\n').next()?;
    let line = std::str::from_utf8(line).ok()?.trim_end();
    let target = line
        .strip_prefix("GET ")?
        .strip_suffix(" HTTP/1.1")
        .or_else(|| line.strip_prefix("GET ")?.strip_suffix(" HTTP/1.0"))?;
    let rest = target.strip_prefix("/live/events/")?;
    let (id, query) = rest.split_once('?').unwrap_or((rest, ""));
    let plain = |v: &str| {
        !v.is_empty()
            && v.len() <= 64
            && v.bytes()
                .all(|b| b.is_ascii_alphanumeric() || b == b'_' || b == b'-')
    };
    if !plain(id) {
        return None;
    }
    // Only ids and words: anything else is no board of drem's.
    let value = |name: &str| {
        query
            .split('&')
            .filter_map(|pair| pair.split_once('='))
            .find(|(k, _)| *k == name)
            .map(|(_, v)| v.to_string())
            .filter(|v| plain(v))
    };
    Some(board_key(id.to_string(), value("track"), value("format")))
}

async fn read_head(stream: &mut TcpStream, within: Duration) -> Option<Vec<u8>> {
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
    tokio::time::timeout(within, read).await.ok().flatten()
}

async fn refuse(stream: &mut TcpStream, status: &str, text: &str) {
    tracing::info!(status, "public stream refused");
    let answer = format!(
        "HTTP/1.1 {status}\r\n{}content-type: text/plain; charset=utf-8\r\ncontent-length: {}\r\nconnection: close\r\n\r\n{text}",
        common_headers(),
        text.len()
    );
    let _ = stream.write_all(answer.as_bytes()).await;
}

/// The headers every answer carries, as hyper and drem's request-id layer give them:
/// `date`, and a new `x-request-id` that the log line names too.
fn common_headers() -> String {
    let id = uuid::Uuid::new_v4();
    tracing::info!(request_id = %id, "public stream request");
    format!(
        "date: {}\r\nx-request-id: {id}\r\n",
        httpdate::fmt_http_date(std::time::SystemTime::now())
    )
}

/// Reads the request and answers its head: the stream and its updates when the event
/// exists, `None` when it was refused.
async fn prepare(
    state: AppState,
    mut stream: TcpStream,
    within: Duration,
) -> Option<(
    TcpStream,
    std::pin::Pin<Box<dyn futures::Stream<Item = Frame> + Send>>,
)> {
    let Some(head) = read_head(&mut stream, within).await else {
        refuse(&mut stream, "400 Bad Request", "bad request").await;
        return None;
    };
    let Some(key) = board_of(&head) else {
        refuse(&mut stream, "404 Not Found", "Event was not found.").await;
        return None;
    };
    let updates = match event_updates(&state, key).await {
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
    let head = format!(
        "HTTP/1.1 200 OK\r\n{}content-type: text/event-stream\r\ncache-control: no-cache\r\n\
         x-accel-buffering: no\r\nconnection: close\r\n\r\n",
        common_headers()
    );
    stream.write_all(head.as_bytes()).await.ok()?;
    Some((stream, Box::pin(updates)))
}

/// Writes each update as an event, and a keep-alive comment when idle, until the
/// browser goes away or drem stops.
async fn stream_events(
    mut stream: TcpStream,
    mut updates: std::pin::Pin<Box<dyn futures::Stream<Item = Frame> + Send>>,
    stopping: tokio_util::sync::CancellationToken,
    metrics: &app::ssr::metrics::Metrics,
) {
    let (mut reader, mut writer) = stream.split();
    let mut keep_alive =
        tokio::time::interval_at(tokio::time::Instant::now() + KEEP_ALIVE, KEEP_ALIVE);
    let mut closed = [0u8; 1];
    let mut ended = false;
    while !ended {
        let (bytes, sent) = tokio::select! {
            update = updates.next() => match update {
                Some(frame) => {
                    let more = frame.followed;
                    let mut frames = vec![frame];
                    // Only then: looking again after every lap costs the fan-out.
                    if more {
                        ended = waiting(&mut updates, &mut frames);
                    }
                    (events(&frames), frames)
                }
                None => return,
            },
            _ = keep_alive.tick() => (":\n\n".to_string(), Vec::new()),
            // The browser went away (or sent something it should not): done.
            _ = reader.read(&mut closed) => return,
            _ = stopping.cancelled() => return,
        };
        match tokio::time::timeout(WRITE_WITHIN, writer.write_all(bytes.as_bytes())).await {
            Ok(Ok(())) => sent.iter().for_each(|frame| frame.sent(metrics)),
            _ => return,
        }
    }
}

/// At most this many messages go out in one write.
const MESSAGES_PER_WRITE: usize = 8;

/// Adds to `frames` the updates already waiting (after a new board, the news that its
/// race's track is free), so that they go out in one write: one system call and one
/// packet per viewer instead of one each. Whether the updates ended.
fn waiting(
    updates: &mut std::pin::Pin<Box<dyn futures::Stream<Item = Frame> + Send>>,
    frames: &mut Vec<Frame>,
) -> bool {
    while frames.len() < MESSAGES_PER_WRITE {
        match updates.next().now_or_never() {
            Some(Some(frame)) => frames.push(frame),
            Some(None) => return true,
            None => break,
        }
    }
    false
}

/// The event-stream messages of `frames`, in order.
fn events(frames: &[Frame]) -> String {
    frames
        .iter()
        .map(|frame| format!("event: update\ndata: {}\n\n", frame.json))
        .collect()
}

#[cfg(test)]
mod tests {
    use super::{board_of, events, waiting, Frame, MESSAGES_PER_WRITE};
    use app::domain::rules::BoardFormat;
    use futures::StreamExt;

    fn frame(json: &str) -> Frame {
        Frame {
            json: json.into(),
            since: None,
            followed: true,
        }
    }

    #[tokio::test]
    async fn updates_already_waiting_go_out_in_one_write_in_order() {
        let (tx, rx) = futures::channel::mpsc::unbounded::<Frame>();
        let mut updates: std::pin::Pin<Box<dyn futures::Stream<Item = Frame> + Send>> =
            Box::pin(rx);
        for json in ["1", "2", "3"] {
            tx.unbounded_send(frame(json)).unwrap();
        }
        let mut frames = vec![updates.next().await.unwrap()];
        assert!(!waiting(&mut updates, &mut frames), "not ended");
        assert_eq!(
            events(&frames),
            "event: update\ndata: 1\n\nevent: update\ndata: 2\n\nevent: update\ndata: 3\n\n"
        );
        // Nothing more waiting: the write goes out with what there is.
        let mut frames = Vec::new();
        assert!(!waiting(&mut updates, &mut frames));
        assert!(frames.is_empty());
        // A long backlog goes out in writes of a bounded size, none lost.
        for i in 0..MESSAGES_PER_WRITE + 2 {
            tx.unbounded_send(frame(&i.to_string())).unwrap();
        }
        drop(tx);
        let mut first = Vec::new();
        assert!(!waiting(&mut updates, &mut first));
        assert_eq!(first.len(), MESSAGES_PER_WRITE);
        let mut rest = Vec::new();
        assert!(waiting(&mut updates, &mut rest), "the updates ended");
        assert_eq!(
            rest.iter().map(|f| &*f.json).collect::<Vec<_>>(),
            [
                MESSAGES_PER_WRITE.to_string(),
                (MESSAGES_PER_WRITE + 1).to_string()
            ]
        );
    }

    fn event_of(head: &[u8]) -> Option<String> {
        board_of(head).map(|key| key.event.0)
    }

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
        let key = board_of(&head(
            "GET /live/events/abc?track=t1&format=average HTTP/1.1",
        ))
        .unwrap();
        assert_eq!(key.track.map(|t| t.0).as_deref(), Some("t1"));
        assert_eq!(key.format, Some(BoardFormat::Average));
        let odd = board_of(&head("GET /live/events/abc?track=%3Cx%3E HTTP/1.1")).unwrap();
        assert_eq!(odd.track, None, "no board of drem's");
        assert_eq!(event_of(&head("GET /live/events/ HTTP/1.1")), None);
        assert_eq!(event_of(&head("GET /live/events/a/b HTTP/1.1")), None);
        assert_eq!(event_of(&head("GET /live/events/a%20b HTTP/1.1")), None);
        assert_eq!(event_of(&head("POST /live/events/abc HTTP/1.1")), None);
        assert_eq!(event_of(&head("GET /live/events/abc HTTP/2")), None);
    }
}
