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
//!
//! Then the results change (`results.rs`, issue 13): with 200 racers on the board
//! (`DREM_BENCH_RACERS`), races are submitted while the same viewers follow it, each
//! timed from the submit call to every viewer holding the new board (goal p99 ≤ 1.5×
//! the lap fan-out's), beside the floor for the very same board messages and the board
//! computations per change (goal: one per kept board). Then as many races again while
//! the operator races on another event's track: its race commands (goal p99 < 50 ms)
//! beside health checks sent meanwhile, the floor for any request while the same two
//! cores write the boards out. Every other lap is timed under that same load, so that
//! each board is compared with laps timed alike.

#[path = "live/floor.rs"]
mod floor;
#[path = "live/results.rs"]
mod results;
#[path = "live/subscribers.rs"]
mod subscribers;
mod support;

use results::{capture_lap, command};
use serde_json::{json, Value};
use std::time::{Duration, Instant};
use subscribers::{ms, Figures, Kind, Subscribers};
use support::{Drem, Failure};

/// Laps timed per run (every other one while the operator races elsewhere).
const LAPS: usize = 30;
/// Results changes (submitted races) timed per run, as quiet as the laps, then as many
/// again while the operator races.
const CHANGES: usize = 5;
/// Racers on the board, unless `DREM_BENCH_RACERS` says otherwise.
const RACERS: usize = 200;

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
    let racers = std::env::var("DREM_BENCH_RACERS")
        .ok()
        .and_then(|r| r.parse().ok())
        .unwrap_or(RACERS);
    println!(
        "live delivery: {LAPS} laps and 2 x {CHANGES} submitted races per run, latency from \
         the command to receipt"
    );
    for n in counts {
        runtime.block_on(run(n, racers))?;
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

async fn run(n: usize, racers: usize) -> Result<(), Failure> {
    let drem = Drem::start(&["--database-url", "mem://"]).await?;
    let base = drem.base.clone();
    let op = support::signed_in_admin(&base).await?;
    let (event, track) = results::event_with_track(&op, &base, "Bench").await?;
    let seeded = results::seed(&op, &base, &track, racers).await?;
    let me: Value = op
        .post(format!("{base}/api/current_user"))
        .form(&[("", "")][..0])
        .send()
        .await?
        .json()
        .await?;
    // The operator's own race, on another event's track, for the results scenario.
    let (_, side_track) = results::event_with_track(&op, &base, "Side").await?;
    let side_racer = seeded.first().cloned().unwrap_or_else(|| me["id"].clone());
    let side_race = results::started(&op, &base, &side_track, &side_racer).await?;
    let side_race = std::sync::Arc::new(std::sync::Mutex::new(side_race));
    let mut race = results::started(&op, &base, &track, &me["id"]).await?;
    // Both memory readings after a second's rest: the allocator returns freed pages
    // with a delay.
    tokio::time::sleep(Duration::from_secs(1)).await;
    let idle_kib = drem.rss_kib();
    let idle_threads = drem.threads();

    let path = format!("/live/events/{}", event.as_str().unwrap_or_default());
    let address = base.trim_start_matches("http://").to_string();
    let mut subscribers = Subscribers::connect(&address, &path, n).await?;
    tokio::time::sleep(Duration::from_secs(1)).await;
    let subscribed_kib = drem.rss_kib();
    let subscribed_threads = drem.threads();

    let (mut latencies, mut busy_latencies) = (Vec::new(), Vec::new());
    let mut round_trips = Vec::with_capacity(LAPS);
    let mut frames = Vec::with_capacity(LAPS);
    for lap in 0..LAPS {
        // Every other lap while the operator races on another event's track: the
        // results change is timed both ways too.
        let busy = (lap % 2 == 1).then(|| results::Busy::start(&op, &base, &side_race));
        tokio::time::sleep(Duration::from_millis(100)).await;
        let sent = Instant::now();
        race = capture_lap(&op, &base, &race).await?;
        round_trips.push(sent.elapsed());
        let timed = if busy.is_some() {
            &mut busy_latencies
        } else {
            &mut latencies
        };
        let (message, _) = subscribers.await_update(sent, Kind::Race, timed).await?;
        frames.push((Kind::Race, message));
        if let Some(busy) = busy {
            busy.stop().await?;
        }
    }
    let peak_kib = drem.rss_kib();
    let grown = subscribed_kib.saturating_sub(idle_kib);
    let per_subscriber = if grown == 0 {
        "RSS did not grow: below the allocator's noise".to_string()
    } else {
        format!("{:.1} KiB per idle subscriber", grown as f64 / n as f64)
    };
    println!(
        "{n:>6} subscribers: drem RSS {idle_kib} KiB before, {subscribed_kib} KiB idle with them \
         ({per_subscriber}), {peak_kib} KiB after the laps; {idle_threads} threads before, \
         {subscribed_threads} with them"
    );
    let race = command(&op, &base, &race, json!({"command": "end"})).await?;
    command(&op, &base, &race, json!({"command": "submit"})).await?;
    let racers_on_board = if seeded.is_empty() {
        std::slice::from_ref(&me["id"])
    } else {
        &seeded
    };
    // Timed first as the laps were, with nobody else calling the server; then again
    // while the operator races on another track, for the operator's figures.
    let changes = results::submissions(
        &op,
        &base,
        &mut subscribers,
        (&event, &track),
        racers_on_board,
        results::Plan {
            changes: 0..CHANGES,
            operator_racing: None,
        },
    )
    .await?;
    let busy = results::submissions(
        &op,
        &base,
        &mut subscribers,
        (&event, &track),
        racers_on_board,
        results::Plan {
            changes: CHANGES..2 * CHANGES,
            operator_racing: Some(side_race),
        },
    )
    .await?;
    let (race_apply, board_apply) = (
        subscribers::mean_apply(Kind::Race),
        subscribers::mean_apply(Kind::Board),
    );
    let greeting = std::mem::take(&mut subscribers.greeting);
    drop(subscribers);
    drop(drem);

    let latencies = Figures::of(latencies);
    let busy_latencies = Figures::of(busy_latencies);
    let round_trips = Figures::of(round_trips);
    println!(
        "{n:>6} subscribers: drem  {}  (lap command round trip p50 {}); the other half of \
         the laps, while the operator races on another event's track (a lap every 10 ms) \
         and health checks are sent: {}",
        latencies.summary(),
        ms(round_trips.percentile(0.50)),
        busy_latencies.summary(),
    );
    println!(
        "{n:>6} subscribers: a subscriber parses and applies a race message in {:.1} µs, a \
         board's in {:.1} µs (mean; {n} of them share these cores with drem)",
        race_apply.as_secs_f64() * 1e6,
        board_apply.as_secs_f64() * 1e6,
    );
    let floor = floor::measure(n, &greeting, &frames).await?;
    let (least, most) = (
        frames.iter().map(|f| f.1.len()).min().unwrap_or(0),
        frames.iter().map(|f| f.1.len()).max().unwrap_or(0),
    );
    println!(
        "{n:>6} subscribers: floor {}  (bare writes of the same messages, {least}-{most} bytes)",
        floor.summary(),
    );
    println!(
        "{n:>6} subscribers: drem's p99 is {:.2}x the floor's",
        ratio(&latencies, &floor)
    );
    let board_frames: Vec<(Kind, Vec<u8>)> = changes
        .board_messages
        .iter()
        .map(|m| (Kind::Board, m.clone()))
        .collect();
    let board_floor = floor::measure(n, &changes.greeting, &board_frames).await?;
    let (least, most) = (
        board_frames.iter().map(|f| f.1.len()).min().unwrap_or(0),
        board_frames.iter().map(|f| f.1.len()).max().unwrap_or(0),
    );
    println!(
        "{n:>6} subscribers: results change ({racers} racers on the board, {least}-{most} bytes \
         sent for it, the whole board {} bytes): submit call to every viewer holding the new \
         board {}",
        changes.greeting.len(),
        changes.latencies.summary(),
    );
    println!(
        "{n:>6} subscribers: the board's p99 is {:.2}x the lap fan-out's p99 (goal 1.5x); the \
         floor for the same board messages: {} ({:.2}x the lap floor's p99; drem {:.2}x it)",
        ratio(&changes.latencies, &latencies),
        board_floor.summary(),
        ratio(&board_floor, &floor),
        ratio(&changes.latencies, &board_floor),
    );
    println!(
        "{n:>6} subscribers: {:.1} board computations per change (one board kept: the viewers'), \
         {:.1} ms each; the submit call itself {}",
        changes.computations_per_change,
        changes.compute_mean.as_secs_f64() * 1e3,
        changes.submit.summary(),
    );
    if let Some((operator, health)) = &busy.meanwhile {
        println!(
            "{n:>6} subscribers: {CHANGES} more changes while the operator races on another \
             track (a lap every 10 ms) and health checks are sent: the new board {} ({:.2}x the \
             p99 of the laps timed so); operator's race command {} (goal p99 < 50 ms); a \
             health check (the floor for any request) {}: the race command's p99 {:.2}x it",
            busy.latencies.summary(),
            ratio(&busy.latencies, &busy_latencies),
            operator.summary(),
            health.summary(),
            ratio(operator, health),
        );
    }
    Ok(())
}

/// `a`'s p99 over `b`'s.
fn ratio(a: &Figures, b: &Figures) -> f64 {
    a.percentile(0.99).as_secs_f64() / b.percentile(0.99).as_secs_f64().max(1e-9)
}
