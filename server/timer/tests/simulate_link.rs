//! End to end: the real `drem-timer` binary in `--simulate` mode against a tiny WebSocket
//! server on 127.0.0.1, checking the protocol exchange, resend after reconnect, and the
//! handling of a refused token.

// tungstenite's handshake callback type fixes the large `ErrorResponse` error variant.
#![allow(clippy::result_large_err)]

use std::io::{BufRead, BufReader, Write};
use std::net::{TcpListener, TcpStream};
use std::process::{Child, ChildStdin, Command, Stdio};
use std::sync::mpsc::{self, Receiver};
use std::time::Duration;

use drem_timer::protocol::{ServerMessage, TimerMessage};
use tungstenite::handshake::server::{ErrorResponse, Request, Response};
use tungstenite::{Message, WebSocket};

const WAIT: Duration = Duration::from_secs(10);

/// The child process, killed when the test ends (also on failure).
struct Timer {
    child: Child,
    stdin: ChildStdin,
    stderr: Receiver<String>,
}

impl Drop for Timer {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

impl Timer {
    fn start(port: u16, token: &str) -> Timer {
        let mut child = Command::new(env!("CARGO_BIN_EXE_drem-timer"))
            .args([
                "--server",
                &format!("http://127.0.0.1:{port}"),
                "--simulate",
            ])
            .env("DREM_TIMER_TOKEN", token)
            .stdin(Stdio::piped())
            .stderr(Stdio::piped())
            .spawn()
            .unwrap();
        let stdin = child.stdin.take().unwrap();
        let stderr = child.stderr.take().unwrap();
        let (tx, rx) = mpsc::channel();
        std::thread::spawn(move || {
            for line in BufReader::new(stderr).lines().map_while(Result::ok) {
                eprintln!("[timer] {line}");
                if tx.send(line).is_err() {
                    break;
                }
            }
        });
        Timer {
            child,
            stdin,
            stderr: rx,
        }
    }

    fn type_line(&mut self, line: &str) {
        writeln!(self.stdin, "{line}").unwrap();
        self.stdin.flush().unwrap();
    }

    fn wait_for_log(&self, needle: &str) -> String {
        let deadline = std::time::Instant::now() + WAIT;
        loop {
            let left = deadline.saturating_duration_since(std::time::Instant::now());
            match self.stderr.recv_timeout(left) {
                Ok(line) if line.contains(needle) => return line,
                Ok(_) => {}
                Err(e) => panic!("no log line with {needle:?}: {e}"),
            }
        }
    }
}

fn accept(listener: &TcpListener, token: &str) -> WebSocket<TcpStream> {
    let (stream, _) = listener.accept().unwrap();
    stream.set_read_timeout(Some(WAIT)).unwrap();
    let expected = format!("Bearer {token}");
    let check = |req: &Request, resp: Response| -> Result<Response, ErrorResponse> {
        assert_eq!(req.uri().path(), "/timer/connect");
        let auth = req
            .headers()
            .get("authorization")
            .and_then(|v| v.to_str().ok());
        assert_eq!(auth, Some(expected.as_str()));
        Ok(resp)
    };
    tungstenite::accept_hdr(stream, check).unwrap()
}

fn next(ws: &mut WebSocket<TcpStream>) -> TimerMessage {
    loop {
        match ws.read().unwrap() {
            Message::Text(text) => return serde_json::from_str(text.as_str()).unwrap(),
            _ => continue, // pings
        }
    }
}

fn reply(ws: &mut WebSocket<TcpStream>, msg: &ServerMessage) {
    ws.send(Message::text(serde_json::to_string(msg).unwrap()))
        .unwrap();
}

fn crossing(msg: TimerMessage) -> (u64, u64, u32) {
    match msg {
        TimerMessage::Crossing {
            seq,
            stamp_us,
            line,
        } => (seq, stamp_us, line),
        other => panic!("expected a crossing, got {other:?}"),
    }
}

#[test]
fn delivers_filters_and_resends_after_reconnect() {
    let listener = TcpListener::bind("127.0.0.1:0").unwrap();
    let port = listener.local_addr().unwrap().port();
    let mut timer = Timer::start(port, "secret-1");

    let mut ws = accept(&listener, "secret-1");
    let TimerMessage::Hello { boot, now_us } = next(&mut ws) else {
        panic!("expected hello")
    };
    assert_eq!(boot.len(), 16);
    // Same clock as ours (CLOCK_MONOTONIC).
    assert!(drem_timer::clock::now_us().abs_diff(now_us) < 5_000_000);
    reply(
        &mut ws,
        &ServerMessage::Welcome {
            name: "Start".into(),
            acked: 0,
        },
    );
    timer.wait_for_log("welcome");

    // 1.6 is the second strip of the same car (within 2 s): dropped.
    timer.type_line("@1.5");
    timer.type_line("@1.6 27");
    timer.type_line("@4 27");
    let (seq1, stamp1, line1) = crossing(next(&mut ws));
    let (seq2, stamp2, line2) = crossing(next(&mut ws));
    assert_eq!((seq1, line1, seq2, line2), (1, 17, 2, 27));
    assert_eq!(
        stamp2 - stamp1,
        2_500_000,
        "stamps are exact offsets from the same start"
    );

    reply(&mut ws, &ServerMessage::Ack { seq: 1 });
    timer.wait_for_log("ack seq=1");
    drop(ws); // the link drops without a close frame

    timer.type_line("@10");
    timer.wait_for_log("crossing seq=3");

    let mut ws = accept(&listener, "secret-1");
    let TimerMessage::Hello { boot: boot2, .. } = next(&mut ws) else {
        panic!("expected hello")
    };
    assert_eq!(boot2, boot, "same run, same boot id");
    reply(
        &mut ws,
        &ServerMessage::Welcome {
            name: "Start".into(),
            acked: 1,
        },
    );
    assert_eq!(crossing(next(&mut ws)), (2, stamp2, 27));
    assert_eq!(crossing(next(&mut ws)), (3, stamp1 + 8_500_000, 17));
}

#[test]
fn refused_token_is_reported() {
    let listener = TcpListener::bind("127.0.0.1:0").unwrap();
    let port = listener.local_addr().unwrap().port();
    let timer = Timer::start(port, "revoked");
    let (stream, _) = listener.accept().unwrap();
    let refuse = |_: &Request, _: Response| -> Result<Response, ErrorResponse> {
        let mut resp = ErrorResponse::new(Some("bad token".into()));
        *resp.status_mut() = tungstenite::http::StatusCode::UNAUTHORIZED;
        Err(resp)
    };
    assert!(tungstenite::accept_hdr(stream, refuse).is_err());
    timer.wait_for_log("TOKEN REFUSED");
    timer.wait_for_log("reconnecting in 10.0 s");
}

#[test]
fn bad_arguments_exit_non_zero() {
    let run = |args: &[&str]| {
        Command::new(env!("CARGO_BIN_EXE_drem-timer"))
            .args(args)
            .env_remove("DREM_TIMER_TOKEN")
            .output()
            .unwrap()
    };
    let out = run(&[
        "--server",
        "https://drem.example",
        "--token",
        "t",
        "--simulate",
    ]);
    assert!(!out.status.success());
    assert!(String::from_utf8_lossy(&out.stderr).contains("not supported yet"));

    let out = run(&["--server", "http://127.0.0.1:9", "--simulate"]);
    assert!(!out.status.success());
    assert!(String::from_utf8_lossy(&out.stderr).contains("no token"));

    let out = run(&[
        "--server",
        "http://127.0.0.1:9",
        "--token",
        "t",
        "--debounce-ms",
        "x",
    ]);
    assert!(!out.status.success());
}

/// Takes ~16 s: run with `cargo test -p drem-timer -- --ignored`.
#[test]
#[ignore]
fn silent_server_is_dropped_after_15_s() {
    let listener = TcpListener::bind("127.0.0.1:0").unwrap();
    let port = listener.local_addr().unwrap().port();
    let timer = Timer::start(port, "t");
    let mut ws = accept(&listener, "t");
    let _hello = next(&mut ws);
    reply(
        &mut ws,
        &ServerMessage::Welcome {
            name: "T".into(),
            acked: 0,
        },
    );
    // Never read again: no pongs go back, so the timer hears nothing.
    timer.wait_for_log("welcome");
    let started = std::time::Instant::now();
    loop {
        let line = timer.stderr.recv_timeout(Duration::from_secs(20)).unwrap();
        if line.contains("nothing heard from the server for 15 s") {
            break;
        }
    }
    let waited = started.elapsed();
    assert!(
        waited >= Duration::from_secs(14) && waited < Duration::from_secs(18),
        "{waited:?}"
    );
    drop(ws);
}
