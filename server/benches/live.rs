//! `cargo bench -p server --bench live [-- 1000 10000]`: the real-time path under load.
//!
//! Starts the drem binary (in-memory database) as its own process, connects N public
//! live subscribers (`/live/events/ID`, what leaderboards and overlays follow) on
//! loopback, and records laps through the real server path: the race manager's
//! server function over HTTP, the database, the change feed, the hub, every stream.
//! For each lap it times, per subscriber, from sending the lap to receiving it, and
//! prints p50/p99/max, the lap command's own round trip, and drem's resident memory
//! per idle subscriber. Goals (issue 5): p99 under 20 ms at 10,000 subscribers on two
//! cores, under 16 KiB per idle subscriber. The client runs on the same machine, so
//! its own work is inside the figures.

mod support;

use reqwest::Client;
use serde_json::{json, Value};
use std::time::{Duration, Instant};
use support::{call, Drem, Failure};
use tokio::io::{AsyncReadExt, AsyncWriteExt};
use tokio::net::TcpStream;
use tokio::sync::mpsc;

/// Laps timed per run (each message carries the race, so they grow with every lap).
const LAPS: usize = 20;
/// Subscribers connecting at once (the listener's backlog is finite).
const CONNECT_BATCH: usize = 250;

fn main() -> Result<(), Failure> {
    let counts: Vec<usize> = std::env::args()
        .skip(1)
        .filter_map(|a| a.parse().ok())
        .collect();
    let counts = if counts.is_empty() {
        vec![1_000, 10_000]
    } else {
        counts
    };
    raise_open_file_limit();
    let runtime = tokio::runtime::Builder::new_multi_thread()
        .enable_all()
        .build()?;
    println!("live delivery: {LAPS} laps per run, latency from sending the lap to receipt");
    for n in counts {
        runtime.block_on(run(n))?;
    }
    Ok(())
}

/// Each subscriber is a socket in this process and one in drem's: lift the soft limit
/// on open files to the hard one (the child inherits it).
fn raise_open_file_limit() {
    if let Ok((_, hard)) = rlimit::Resource::NOFILE.get() {
        let _ = rlimit::Resource::NOFILE.set(hard, hard);
    }
}

async fn run(n: usize) -> Result<(), Failure> {
    let drem = Drem::start(&["--database-url", "mem://"]).await?;
    let base = drem.base.clone();
    let op = support::signed_in_admin(&base).await?;
    let event = call(
        &op,
        &base,
        "create_event",
        json!({"input": {
            "name": "Bench", "kind": "test", "date": "2026-11-26", "country": "SE",
            "sponsor": "", "links": [], "rules": {"race_time_ms": 600000}
        }}),
    )
    .await?;
    let track = call(
        &op,
        &base,
        "add_track",
        json!({"event": event["id"], "input": {
            "title": "Bench track", "footer": "", "layout": "re_invent2018", "rules": null
        }}),
    )
    .await?;
    let me: Value = op
        .post(format!("{base}/api/current_user"))
        .form(&[("", "")][..0])
        .send()
        .await?
        .json()
        .await?;
    let mut race = call(
        &op,
        &base,
        "start_race",
        json!({
            "track": track["id"], "racer": me["id"], "by_proxy": false, "override_runs": false
        }),
    )
    .await?;
    race = command(&op, &base, &race, json!({"command": "start"})).await?;
    let idle_kib = drem.rss_kib();

    // Subscribers: each reports the arrival of every race update.
    let (tx, mut rx) = mpsc::unbounded_channel::<Instant>();
    let path = format!("/live/events/{}", event["id"].as_str().unwrap_or_default());
    let address = base.trim_start_matches("http://").to_string();
    let mut connected = 0;
    while connected < n {
        let batch = CONNECT_BATCH.min(n - connected);
        let (ready_tx, mut ready_rx) = mpsc::unbounded_channel::<()>();
        for _ in 0..batch {
            let (address, path, tx, ready) =
                (address.clone(), path.clone(), tx.clone(), ready_tx.clone());
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
    tokio::time::sleep(Duration::from_secs(1)).await;
    let subscribed_kib = drem.rss_kib();

    let mut latencies = Vec::with_capacity(n * LAPS);
    let mut round_trips = Vec::with_capacity(LAPS);
    for _ in 0..LAPS {
        tokio::time::sleep(Duration::from_millis(100)).await;
        let sent = Instant::now();
        race = command(
            &op,
            &base,
            &race,
            json!({"command": "capture_lap", "source": "manual"}),
        )
        .await?;
        round_trips.push(sent.elapsed());
        for _ in 0..n {
            let arrived = tokio::time::timeout(Duration::from_secs(30), rx.recv())
                .await?
                .ok_or("subscribers gone")?;
            latencies.push(arrived.saturating_duration_since(sent));
        }
    }
    let peak_kib = drem.rss_kib();
    latencies.sort();
    round_trips.sort();
    let pct = |v: &[Duration], p: f64| {
        v.get(((v.len() as f64 * p).ceil() as usize).saturating_sub(1))
            .copied()
            .unwrap_or_default()
    };
    let ms = |d: Duration| format!("{:.2} ms", d.as_secs_f64() * 1000.0);
    println!(
        "{n:>6} subscribers: p50 {}  p99 {}  max {}  (lap command round trip p50 {})",
        ms(pct(&latencies, 0.50)),
        ms(pct(&latencies, 0.99)),
        ms(latencies.last().copied().unwrap_or_default()),
        ms(pct(&round_trips, 0.50)),
    );
    println!(
        "{n:>6} subscribers: drem RSS {idle_kib} KiB before, {subscribed_kib} KiB idle with them \
         ({:.1} KiB per idle subscriber), {peak_kib} KiB after the laps",
        subscribed_kib.saturating_sub(idle_kib) as f64 / n as f64
    );
    Ok(())
}

async fn command(
    client: &Client,
    base: &str,
    race: &Value,
    command: Value,
) -> Result<Value, Failure> {
    call(
        client,
        base,
        "race_command",
        json!({
            "race": race["id"], "version": race["version"], "command": command
        }),
    )
    .await
}

/// One live subscriber on a raw socket: says when it got the first message (the
/// stream's `reload`), then reports the arrival time of each race update.
async fn subscribe(
    address: &str,
    path: &str,
    arrivals: mpsc::UnboundedSender<Instant>,
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
                let _ = arrivals.send(now);
            }
            pending.drain(..end + 2);
        }
    }
}
