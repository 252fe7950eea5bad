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
//!
//! Each run then times the machine's floor for the same fan-out (`floor.rs`: a bare
//! server writing the same frame to as many sockets) and prints drem's p99 as a
//! multiple of it: a ratio holds on a noisy shared machine where absolute figures do not.

#[path = "live/floor.rs"]
mod floor;
#[path = "live/subscribers.rs"]
mod subscribers;
mod support;

use reqwest::Client;
use serde_json::{json, Value};
use std::time::{Duration, Instant};
use subscribers::{ms, Figures, Subscribers};
use support::{call, Drem, Failure};

/// Laps timed per run.
const LAPS: usize = 20;

fn main() -> Result<(), Failure> {
    let mut args = std::env::args().skip(1).peekable();
    if args.peek().map(String::as_str) == Some(floor::FLAG) {
        let n = args
            .nth(1)
            .and_then(|n| n.parse().ok())
            .ok_or("how many?")?;
        return floor::serve(n);
    }
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
            "sponsor": "", "links": [], "rules": {"race_time_ms": 600000, "min_lap_ms": 0}
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
    // Both memory readings after a second's rest: the allocator returns freed pages
    // with a delay.
    tokio::time::sleep(Duration::from_secs(1)).await;
    let idle_kib = drem.rss_kib();

    let path = format!("/live/events/{}", event["id"].as_str().unwrap_or_default());
    let address = base.trim_start_matches("http://").to_string();
    let mut subscribers = Subscribers::connect(&address, &path, n).await?;
    tokio::time::sleep(Duration::from_secs(1)).await;
    let subscribed_kib = drem.rss_kib();

    let mut latencies = Vec::with_capacity(n * LAPS);
    let mut round_trips = Vec::with_capacity(LAPS);
    let mut frame_bytes = Vec::with_capacity(LAPS);
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
        frame_bytes.push(subscribers.await_update(sent, &mut latencies).await?);
    }
    let peak_kib = drem.rss_kib();
    drop(subscribers);
    drop(drem);
    let latencies = Figures::of(latencies);
    let round_trips = Figures::of(round_trips);
    println!(
        "{n:>6} subscribers: drem  {}  (lap command round trip p50 {})",
        latencies.summary(),
        ms(round_trips.percentile(0.50)),
    );
    let floor = floor::measure(n, &frame_bytes).await?;
    println!(
        "{n:>6} subscribers: floor {}  (bare writes of the same frames, {}-{} bytes)",
        floor.summary(),
        frame_bytes.iter().min().unwrap_or(&0),
        frame_bytes.iter().max().unwrap_or(&0),
    );
    println!(
        "{n:>6} subscribers: drem's p99 is {:.2}x the floor's",
        latencies.percentile(0.99).as_secs_f64() / floor.percentile(0.99).as_secs_f64().max(1e-9)
    );
    let grown = subscribed_kib.saturating_sub(idle_kib);
    let per_subscriber = if grown == 0 {
        "RSS did not grow: below the allocator's noise".to_string()
    } else {
        format!("{:.1} KiB per idle subscriber", grown as f64 / n as f64)
    };
    println!(
        "{n:>6} subscribers: drem RSS {idle_kib} KiB before, {subscribed_kib} KiB idle with them \
         ({per_subscriber}), {peak_kib} KiB after the laps"
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
