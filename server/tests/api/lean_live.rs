//! The lean live path (`server/src/realtime/lean.rs`) against hyper: the same request sent
//! to both, on a fresh, a reused and a pipelined connection, gets the same answer.

use crate::helpers::spawn_app;
use crate::races::track_with_rules;
use app::domain::roles::Role;
use serde_json::json;
use std::time::Duration;
use tokio::io::{AsyncReadExt, AsyncWriteExt};

/// Reads one HTTP/1.1 answer's head from `socket` (with what came after it).
async fn read_head(socket: &mut tokio::net::TcpStream, pending: &mut Vec<u8>) -> String {
    let mut chunk = [0u8; 4096];
    loop {
        if let Some(end) = pending.windows(4).position(|w| w == b"\r\n\r\n") {
            let head = String::from_utf8(pending[..end].to_vec()).unwrap();
            pending.drain(..end + 4);
            return head;
        }
        let n = tokio::time::timeout(Duration::from_secs(10), socket.read(&mut chunk))
            .await
            .expect("an answer in time")
            .unwrap();
        assert!(n > 0, "closed before the head");
        pending.extend_from_slice(&chunk[..n]);
    }
}

/// Reads the body until its first complete event-stream message; `chunked` bodies are
/// de-framed first (hyper's), plain ones taken as they come (the lean path's).
async fn first_message(
    socket: &mut tokio::net::TcpStream,
    pending: &mut Vec<u8>,
    chunked: bool,
) -> Vec<u8> {
    let mut chunk = [0u8; 4096];
    loop {
        let body = if chunked {
            dechunk(pending)
        } else {
            pending.clone()
        };
        if let Some(end) = body.windows(2).position(|w| w == b"\n\n") {
            return body[..end + 2].to_vec();
        }
        let n = tokio::time::timeout(Duration::from_secs(10), socket.read(&mut chunk))
            .await
            .expect("a message in time")
            .unwrap();
        assert!(n > 0, "closed before the first message");
        pending.extend_from_slice(&chunk[..n]);
    }
}

/// The data of the complete chunks in `bytes`.
fn dechunk(bytes: &[u8]) -> Vec<u8> {
    let mut out = Vec::new();
    let mut rest = bytes;
    while let Some(line_end) = rest.windows(2).position(|w| w == b"\r\n") {
        let size = std::str::from_utf8(&rest[..line_end])
            .ok()
            .and_then(|s| usize::from_str_radix(s.trim(), 16).ok())
            .unwrap_or(0);
        let start = line_end + 2;
        if size == 0 || rest.len() < start + size + 2 {
            break;
        }
        out.extend_from_slice(&rest[start..start + size]);
        rest = &rest[start + size + 2..];
    }
    out
}

/// Takes the body of the answer whose `head` was read (by its content-length) from
/// `pending`, reading more as needed.
async fn read_body(
    socket: &mut tokio::net::TcpStream,
    pending: &mut Vec<u8>,
    head: &str,
) -> Vec<u8> {
    let length: usize = header(head, "content-length").unwrap().parse().unwrap();
    while pending.len() < length {
        let mut chunk = [0u8; 256];
        let n = socket.read(&mut chunk).await.unwrap();
        assert!(n > 0, "closed before the body");
        pending.extend_from_slice(&chunk[..n]);
    }
    pending.drain(..length).collect()
}

fn header<'a>(head: &'a str, name: &str) -> Option<&'a str> {
    head.lines().find_map(|l| {
        let (k, v) = l.split_once(':')?;
        k.eq_ignore_ascii_case(name).then_some(v.trim())
    })
}

#[tokio::test]
async fn the_lean_stream_answers_as_hyper_does_on_fresh_reused_and_pipelined_connections() {
    let app = spawn_app().await;
    let (op, _) = app.signed_in_as(Role::Operator).await;
    let track = track_with_rules(&op, json!({})).await;
    let address = app.base_url.trim_start_matches("http://").to_string();
    let live = format!(
        "GET /live/events/{} HTTP/1.1\r\nHost: drem\r\nAccept: text/event-stream\r\n\r\n",
        track.event.0
    );
    let health = "GET /healthz HTTP/1.1\r\nHost: drem\r\n\r\n";

    // A fresh connection: the lean path.
    let mut fresh = tokio::net::TcpStream::connect(&address).await.unwrap();
    fresh.write_all(live.as_bytes()).await.unwrap();
    let mut pending = Vec::new();
    let lean_head = read_head(&mut fresh, &mut pending).await;
    let lean_message = first_message(&mut fresh, &mut pending, false).await;
    assert_eq!(
        header(&lean_head, "connection"),
        Some("close"),
        "the lean path took the fresh connection: {lean_head}"
    );

    // A reused connection, then a pipelined one: hyper.
    let mut answers = Vec::new();
    for pipelined in [false, true] {
        let mut socket = tokio::net::TcpStream::connect(&address).await.unwrap();
        let mut pending = Vec::new();
        if pipelined {
            socket
                .write_all(format!("{health}{live}").as_bytes())
                .await
                .unwrap();
        } else {
            socket.write_all(health.as_bytes()).await.unwrap();
        }
        let head = read_head(&mut socket, &mut pending).await;
        assert!(head.starts_with("HTTP/1.1 200"), "{head}");
        read_body(&mut socket, &mut pending, &head).await;
        if !pipelined {
            socket.write_all(live.as_bytes()).await.unwrap();
        }
        let head = read_head(&mut socket, &mut pending).await;
        let chunked = header(&head, "transfer-encoding") == Some("chunked");
        assert!(chunked, "hyper took the connection it had answered: {head}");
        let message = first_message(&mut socket, &mut pending, chunked).await;
        answers.push((head, message));
    }

    for (hyper_head, hyper_message) in &answers {
        assert_eq!(
            lean_head.lines().next(),
            hyper_head.lines().next(),
            "the status line"
        );
        for name in ["content-type", "cache-control"] {
            assert_eq!(header(&lean_head, name), header(hyper_head, name), "{name}");
        }
        for name in ["date", "x-request-id"] {
            assert!(header(&lean_head, name).is_some(), "lean: {name}");
            assert!(header(hyper_head, name).is_some(), "hyper: {name}");
        }
        assert_eq!(
            String::from_utf8_lossy(&lean_message),
            String::from_utf8_lossy(hyper_message),
            "the first message, byte for byte"
        );
    }
    assert!(lean_message.starts_with(b"event: update\ndata: {\"kind\":\"board\""));
}

#[tokio::test]
async fn the_lean_path_refuses_as_hyper_does() {
    let app = spawn_app().await;
    let address = app.base_url.trim_start_matches("http://").to_string();
    let health = "GET /healthz HTTP/1.1\r\nHost: drem\r\n\r\n";
    for target in ["/live/events/nope", "/live/events/a%20b"] {
        let request = format!("GET {target} HTTP/1.1\r\nHost: drem\r\n\r\n");
        // Fresh: the lean path.
        let mut fresh = tokio::net::TcpStream::connect(&address).await.unwrap();
        fresh.write_all(request.as_bytes()).await.unwrap();
        let mut pending = Vec::new();
        let lean_head = read_head(&mut fresh, &mut pending).await;
        let _ = fresh.read_to_end(&mut pending).await;
        let lean_body = String::from_utf8_lossy(&pending).to_string();
        assert_eq!(header(&lean_head, "connection"), Some("close"));
        assert!(header(&lean_head, "date").is_some());
        assert!(header(&lean_head, "x-request-id").is_some());

        // Pipelined after a health check: hyper.
        let mut socket = tokio::net::TcpStream::connect(&address).await.unwrap();
        socket
            .write_all(format!("{health}{request}").as_bytes())
            .await
            .unwrap();
        let mut pending = Vec::new();
        let head = read_head(&mut socket, &mut pending).await;
        read_body(&mut socket, &mut pending, &head).await;
        let hyper_head = read_head(&mut socket, &mut pending).await;
        let hyper_body =
            String::from_utf8_lossy(&read_body(&mut socket, &mut pending, &hyper_head).await)
                .to_string();

        assert_eq!(
            lean_head.lines().next(),
            hyper_head.lines().next(),
            "{target}: the status line"
        );
        assert_eq!(
            header(&lean_head, "content-type"),
            header(&hyper_head, "content-type"),
            "{target}"
        );
        assert_eq!(lean_body, hyper_body, "{target}: the same words");
    }
}
