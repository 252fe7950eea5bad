//! Slow and unfinished requests (issue 17, item 1), against the real binary started
//! with a soft limit of 256 open files: drem lifts it to the hard limit, a client that
//! never finishes its head or body is cut off after the request timeout, and while
//! 300 of them are open, others are still served.

use crate::helpers::{Browser, ADMIN_PASSWORD};
use std::io::{BufRead, BufReader};
use std::process::{Child, Command, Stdio};
use std::time::Duration;
use tokio::io::{AsyncReadExt, AsyncWriteExt};
use tokio::net::TcpStream;

/// What the slow clients send before they stop: nothing, half a head, half a public
/// stream's request line (the lean path), and a body that stops short.
const UNFINISHED: [&[u8]; 4] = [
    b"",
    b"GET /healthz HTTP/1.1\r\nHost: drem\r\nX-Slow:",
    b"GET /live/events/",
    b"POST /api/sign_in HTTP/1.1\r\nHost: drem\r\nContent-Type: application/x-www-form-urlencoded\r\nContent-Length: 1000\r\n\r\nusername=a",
];

/// Far beyond the 1 s timeout the tests set (and its six-fold answer deadline), far
/// below forever.
const CLOSED_WITHIN: Duration = Duration::from_secs(30);

/// The drem under test, stopped however the test ends (a failed assertion too).
struct Drem(Child);

impl Drop for Drem {
    fn drop(&mut self) {
        let _ = self.0.kill();
        let _ = self.0.wait();
    }
}

fn open_descriptors(drem: &Drem) -> usize {
    std::fs::read_dir(format!("/proc/{}/fd", drem.0.id())).map_or(0, |dir| dir.count())
}

/// Starts drem with a soft open-file limit of 256 and a request timeout of 1 s;
/// returns it, its base URL and the open-file limit it reported.
fn start_limited() -> (Drem, String, u64) {
    let mut child = Command::new("bash")
        .args(["-c", "ulimit -Sn 256 && exec \"$0\" \"$@\""])
        .arg(env!("CARGO_BIN_EXE_drem"))
        .args([
            "--bind",
            "127.0.0.1:0",
            "--log",
            "warn",
            "--database-url",
            "mem://",
        ])
        .args(["--request-timeout-seconds", "1"])
        .env("DREM_ADMIN_PASSWORD", ADMIN_PASSWORD)
        .stdout(Stdio::piped())
        .spawn()
        .expect("drem starts");
    let stdout = child.stdout.take().expect("stdout piped");
    let mut lines = BufReader::new(stdout).lines();
    let mut limit = 0;
    let url = loop {
        let line = lines
            .next()
            .expect("drem prints its address")
            .expect("readable");
        if let Some(figure) = line.strip_prefix("Open files: up to ") {
            limit = figure.parse().expect("a number");
        }
        if let Some(url) = line.strip_prefix("drem listening on ") {
            break url.to_string();
        }
    };
    std::thread::spawn(move || for _ in lines {});
    (Drem(child), url, limit)
}

/// Reads until drem closes the connection; what it said before closing.
async fn until_closed(mut stream: TcpStream) -> String {
    let mut answer = Vec::new();
    let read = tokio::time::timeout(CLOSED_WITHIN, stream.read_to_end(&mut answer)).await;
    assert!(
        read.is_ok(),
        "drem kept a slow connection open for {CLOSED_WITHIN:?}"
    );
    String::from_utf8_lossy(&answer).into_owned()
}

#[tokio::test]
async fn unfinished_requests_are_cut_off_and_others_are_served_meanwhile() {
    // This process holds the clients' ends.
    let _ = rlimit::increase_nofile_limit(4096);
    let (hard, _) = rlimit::getrlimit(rlimit::Resource::NOFILE).expect("limits readable");
    let (drem, base_url, limit) = start_limited();
    assert_eq!(
        limit, hard,
        "drem lifts its soft open-file limit to the hard one"
    );
    let address = base_url.trim_start_matches("http://").to_string();
    let browser = Browser {
        client: reqwest::Client::builder()
            .cookie_store(true)
            .build()
            .expect("client"),
        base_url: base_url.clone(),
    };
    let before = open_descriptors(&drem);

    let mut slow = Vec::new();
    for i in 0..300 {
        let mut stream = TcpStream::connect(&address).await.expect("connects");
        stream
            .write_all(UNFINISHED[i % UNFINISHED.len()])
            .await
            .expect("writes");
        slow.push(stream);
    }
    // A body that keeps coming, a byte every 200 ms: 1,000 bytes would take 200 s.
    let mut trickle = TcpStream::connect(&address).await.expect("connects");
    trickle
        .write_all(b"POST /api/sign_in HTTP/1.1\r\nHost: drem\r\nContent-Type: application/x-www-form-urlencoded\r\nContent-Length: 1000\r\n\r\n")
        .await
        .expect("writes");
    let (mut trickle_in, mut trickle_out) = trickle.into_split();
    let trickling = tokio::spawn(async move {
        for _ in 0..1000 {
            if trickle_out.write_all(b"a").await.is_err() {
                return;
            }
            tokio::time::sleep(Duration::from_millis(200)).await;
        }
    });

    // Meanwhile the health check and a sign-in are answered.
    let health = browser
        .client
        .get(format!("{base_url}/healthz"))
        .send()
        .await
        .expect("health check answered");
    assert_eq!(health.status(), 200);
    browser
        .sign_in("admin", ADMIN_PASSWORD)
        .await
        .expect("admin signs in");

    let mut answers = Vec::new();
    for stream in slow {
        answers.push(until_closed(stream).await);
    }
    // The short body is refused; the rest closed without a word or with 408/400.
    assert!(
        answers
            .iter()
            .all(|a| a.is_empty() || a.starts_with("HTTP/1.1 4")),
        "unexpected answers: {:?}",
        answers
            .iter()
            .filter(|a| !a.is_empty())
            .take(3)
            .collect::<Vec<_>>()
    );
    let mut trickled = Vec::new();
    let read = tokio::time::timeout(CLOSED_WITHIN, trickle_in.read_to_end(&mut trickled)).await;
    assert!(
        read.is_ok(),
        "a trickling body held its connection for {CLOSED_WITHIN:?}"
    );
    assert!(
        String::from_utf8_lossy(&trickled).starts_with("HTTP/1.1 408"),
        "a trickling body is answered 408: {}",
        String::from_utf8_lossy(&trickled)
    );
    trickling.abort();
    drop(trickle_in);

    // drem's descriptors are back (the browser's one connection aside), and it answers.
    tokio::time::sleep(Duration::from_millis(300)).await;
    let after = open_descriptors(&drem);
    let health = browser
        .client
        .get(format!("{base_url}/healthz"))
        .send()
        .await
        .expect("health check answered");
    assert_eq!(health.status(), 200);
    assert!(
        after <= before + 2,
        "drem's descriptors: {before} before, {after} after"
    );
}
