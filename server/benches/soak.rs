//! The soak benchmark (not a test): a race day's load on the release binary with its
//! on-disk database for `minutes` (default 10): 100 lap commands a second over four
//! tracks, a race submitted every 20 laps on each, `viewers` (default 2,000) on the
//! event's public stream applying every message, a model upload every 10 s and a lap
//! timer sending a crossing every second. Each minute it prints drem's memory, the
//! database's write-ahead log (what its in-memory table holds), open descriptors and
//! threads and the operator's command round trips; at the end the
//! errors (goal 0) and the laps acknowledged against the laps stored (goal equal).
//!
//!   cargo bench -p server --bench soak -- [minutes] [viewers]

#[allow(dead_code, reason = "the live benchmark's helpers, partly used here")]
#[path = "live/results.rs"]
mod results;
#[allow(dead_code, reason = "the live benchmark's client, partly used here")]
#[path = "live/subscribers.rs"]
mod subscribers;
mod support;

use reqwest::Client;
use results::{capture_lap, command, event_with_track, register, started};
use serde_json::{json, Value};
use std::sync::atomic::{AtomicBool, AtomicU64, Ordering::Relaxed};
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};
use subscribers::{ms, Figures, Subscribers};
use support::{call, signed_in_admin, Drem, Failure, PASSWORD};

const TRACKS: usize = 4;
/// A lap every 40 ms on each of the four tracks: 100 a second.
const LAP_EVERY: Duration = Duration::from_millis(40);
const LAPS_PER_RACE: usize = 20;
const RACERS: usize = 40;

fn main() -> Result<(), Failure> {
    let numbers: Vec<usize> = std::env::args()
        .skip(1)
        .filter_map(|a| a.parse().ok())
        .collect();
    let minutes = numbers.first().copied().unwrap_or(10);
    let viewers = numbers.get(1).copied().unwrap_or(2_000);
    let _ = rlimit::increase_nofile_limit(u64::MAX);
    tokio::runtime::Builder::new_multi_thread()
        .enable_all()
        .build()?
        .block_on(run(minutes, viewers))
}

/// What every part of the load counts as it goes.
#[derive(Default)]
struct Tally {
    errors: AtomicU64,
    commands: Mutex<Vec<Duration>>,
    laps_acked: AtomicU64,
    races_submitted: AtomicU64,
    uploads: AtomicU64,
    crossings_sent: AtomicU64,
    crossings_acked: AtomicU64,
}

impl Tally {
    fn error(&self, what: &str, e: &Failure) {
        if self.errors.fetch_add(1, Relaxed) < 10 {
            // The whole chain: reqwest's own message hides the cause.
            let mut said = e.to_string();
            let mut cause = e.source();
            while let Some(inner) = cause {
                said.push_str(&format!(": {inner}"));
                cause = inner.source();
            }
            eprintln!("error ({what}): {said}");
        }
    }
}

async fn run(minutes: usize, viewer_count: usize) -> Result<(), Failure> {
    let data = tempfile::tempdir()?;
    let data_dir = data.path().to_str().ok_or("data folder")?.to_string();
    let drem = Drem::start(&["--data-dir", &data_dir]).await?;
    // Everything written since the last flush: SurrealKV keeps the same writes in
    // its in-memory table, which grows until it is flushed to disk.
    let write_ahead_log = data.path().join("db").join("wal");
    let base = drem.base.clone();
    let op = signed_in_admin(&base).await?;
    let (event, first) = event_with_track(&op, &base, "Soak").await?;
    let mut tracks = vec![first];
    for i in 1..TRACKS {
        let track = call(
            &op,
            &base,
            "add_track",
            json!({"event": event, "input": {
                "title": format!("Track {}", i + 1), "footer": "", "layout": "re_invent2018", "rules": null
            }}),
        )
        .await?;
        tracks.push(track["id"].clone());
    }
    let racers = register(&op, &base, "soak", RACERS).await?;
    let address = base.trim_start_matches("http://").to_string();
    let path = format!("/live/events/{}", event.as_str().ok_or("event id")?);
    let mut viewers = Subscribers::connect(&address, &path, viewer_count).await?;
    println!(
        "soak: {minutes} min, {viewer_count} viewers, {TRACKS} tracks, a lap every {} ms on each, \
         a race submitted every {LAPS_PER_RACE} laps, an upload every 10 s, a crossing every second",
        LAP_EVERY.as_millis()
    );
    println!(
        " minute   rss MiB   wal MiB   descriptors   threads   commands         p50         p99   errors"
    );
    println!(
        "{:>7} {:>9.1} {:>9.1} {:>13} {:>9}   (before the load)",
        0,
        drem.rss_kib() as f64 / 1024.0,
        mib(&write_ahead_log),
        drem.descriptors(),
        drem.threads(),
    );

    let tally = Arc::new(Tally::default());
    let stop = Arc::new(AtomicBool::new(false));
    let mut tasks = Vec::new();
    for (i, track) in tracks.iter().enumerate() {
        let ours: Vec<Value> = racers.iter().skip(i).step_by(TRACKS).cloned().collect();
        let (op, base, track) = (op.clone(), base.clone(), track.clone());
        let (tally, stop) = (Arc::clone(&tally), Arc::clone(&stop));
        tasks.push(tokio::spawn(async move {
            operate(&op, &base, &track, &ours, &tally, &stop).await
        }));
    }
    let (b, t, s) = (base.clone(), Arc::clone(&tally), Arc::clone(&stop));
    tasks.push(tokio::spawn(async move { upload_models(&b, &t, &s).await }));
    let (o, b, t, s) = (
        op.clone(),
        base.clone(),
        Arc::clone(&tally),
        Arc::clone(&stop),
    );
    tasks.push(tokio::spawn(
        async move { time_crossings(&o, &b, &t, &s).await },
    ));

    let start = Instant::now();
    for minute in 1..=minutes {
        while start.elapsed() < Duration::from_secs(60 * minute as u64) {
            tokio::time::sleep(Duration::from_secs(1)).await;
            // The viewers apply every message; what they report is not needed here.
            viewers.forget_arrivals();
        }
        let commands = std::mem::take(&mut *tally.commands.lock().map_err(|_| "poisoned")?);
        let count = commands.len();
        let figures = Figures::of(commands);
        println!(
            "{minute:>7} {:>9.1} {:>9.1} {:>13} {:>9} {count:>10} {:>11} {:>11} {:>8}",
            drem.rss_kib() as f64 / 1024.0,
            mib(&write_ahead_log),
            drem.descriptors(),
            drem.threads(),
            ms(figures.percentile(0.50)),
            ms(figures.percentile(0.99)),
            tally.errors.load(Relaxed),
        );
    }
    stop.store(true, Relaxed);
    for task in tasks {
        task.await?;
    }
    viewers.forget_arrivals();

    let stored = stored_laps(&op, &base, &event).await?;
    let acked = tally.laps_acked.load(Relaxed);
    println!("errors: {} (goal 0)", tally.errors.load(Relaxed));
    println!(
        "laps acknowledged in {} submitted races: {acked}; laps stored: {stored} (goal equal)",
        tally.races_submitted.load(Relaxed)
    );
    println!(
        "model uploads: {}; timer crossings sent {}, acknowledged {}",
        tally.uploads.load(Relaxed),
        tally.crossings_sent.load(Relaxed),
        tally.crossings_acked.load(Relaxed)
    );
    Ok(())
}

/// One track's operator: races of 20 laps, one lap every 40 ms, each submitted.
async fn operate(
    op: &Client,
    base: &str,
    track: &Value,
    racers: &[Value],
    tally: &Tally,
    stop: &AtomicBool,
) {
    let timed = |sent: Instant| {
        if let Ok(mut commands) = tally.commands.lock() {
            commands.push(sent.elapsed());
        }
    };
    let mut next = 0;
    while !stop.load(Relaxed) {
        let racer = &racers[next % racers.len()];
        next += 1;
        let sent = Instant::now();
        let mut race = match started(op, base, track, racer).await {
            Ok(race) => race,
            Err(e) => {
                tally.error("start", &e);
                tokio::time::sleep(Duration::from_secs(1)).await;
                continue;
            }
        };
        timed(sent);
        let mut ticks = tokio::time::interval(LAP_EVERY);
        ticks.set_missed_tick_behavior(tokio::time::MissedTickBehavior::Delay);
        let mut laps = 0;
        let result: Result<(), Failure> = async {
            while laps < LAPS_PER_RACE {
                ticks.tick().await;
                let sent = Instant::now();
                race = capture_lap(op, base, &race).await?;
                timed(sent);
                laps += 1;
            }
            for step in ["end", "submit"] {
                let sent = Instant::now();
                race = command(op, base, &race, json!({ "command": step })).await?;
                timed(sent);
            }
            Ok(())
        }
        .await;
        match result {
            Ok(()) => {
                tally.laps_acked.fetch_add(laps as u64, Relaxed);
                tally.races_submitted.fetch_add(1, Relaxed);
            }
            Err(e) => {
                tally.error("race", &e);
                let _ = command(op, base, &race, json!({"command": "discard"})).await;
            }
        }
    }
}

/// A racer uploading a model of 1 MB every 10 s, each replacing the last.
async fn upload_models(base: &str, tally: &Tally, stop: &AtomicBool) {
    // drem closes a connection idle for its request timeout (10 s); this uploader
    // sleeps 10 s between uploads, so a pooled connection would be reused at the
    // instant drem closes it. Like a client honouring a keep-alive limit, it lets
    // go of idle connections well before that.
    let racer = Client::builder()
        .cookie_store(true)
        .pool_idle_timeout(Duration::from_secs(5))
        .build()
        .unwrap_or_default();
    let signed_up = racer
        .post(format!("{base}/api/sign_up"))
        .form(&[
            ("username", "soakuploader"),
            ("email", "soak@example.com"),
            ("country", "SE"),
            ("password", PASSWORD),
        ])
        .send()
        .await;
    if let Err(e) = signed_up {
        tally.error("sign-up", &e.into());
        return;
    }
    let bytes = model_archive::samples::good(1 << 20);
    let mut last: Option<Value> = None;
    let mut n = 0;
    while !stop.load(Relaxed) {
        n += 1;
        let uploaded = async {
            let res = racer
                .post(format!("{base}/models/upload?name=soak{n}.tar.gz"))
                .body(bytes.clone())
                .send()
                .await?;
            if !res.status().is_success() {
                return Err::<Value, Failure>(format!("upload: {}", res.status()).into());
            }
            Ok(res.json::<Value>().await?)
        }
        .await;
        match uploaded {
            Ok(model) => {
                tally.uploads.fetch_add(1, Relaxed);
                if let Some(old) = last.replace(model) {
                    if let Err(e) =
                        call(&racer, base, "delete_model", json!({"id": old["id"]})).await
                    {
                        tally.error("delete model", &e);
                    }
                }
            }
            Err(e) => tally.error("upload", &e),
        }
        tokio::time::sleep(Duration::from_secs(10)).await;
    }
}

/// A paired lap timer (on no track) sending a crossing every second.
async fn time_crossings(op: &Client, base: &str, tally: &Tally, stop: &AtomicBool) {
    if let Err(e) = crossings(op, base, tally, stop).await {
        tally.error("timer", &e);
    }
}

async fn crossings(
    op: &Client,
    base: &str,
    tally: &Tally,
    stop: &AtomicBool,
) -> Result<(), Failure> {
    use futures::{SinkExt, StreamExt};
    use tokio_tungstenite::tungstenite::client::IntoClientRequest;
    let timer = call(op, base, "create_timer", json!({"name": "Soak timer"})).await?;
    let token = timer["token"].as_str().ok_or("timer token")?;
    let address = base.trim_start_matches("http://");
    let mut request = format!("ws://{address}/timer/connect").into_client_request()?;
    request
        .headers_mut()
        .insert("Authorization", format!("Bearer {token}").parse()?);
    let socket = tokio::net::TcpStream::connect(address).await?;
    let (link, _) = tokio_tungstenite::client_async(request, socket).await?;
    let (mut to_drem, mut from_drem) = link.split();
    let clock = Instant::now();
    let now_us = |offset: u64| offset + clock.elapsed().as_micros() as u64;
    let hello = json!({"type": "hello", "boot": "00000000000050a4", "now_us": now_us(1_000_000)});
    to_drem.send(hello.to_string().into()).await?;
    let listening = async {
        while let Some(Ok(message)) = from_drem.next().await {
            let said: Value =
                serde_json::from_str(message.to_text().unwrap_or("{}")).unwrap_or_default();
            if said["type"] == "ack" {
                tally
                    .crossings_acked
                    .store(said["seq"].as_u64().unwrap_or(0), Relaxed);
            }
        }
    };
    let sending = async {
        let mut seq = 0;
        while !stop.load(Relaxed) {
            tokio::time::sleep(Duration::from_secs(1)).await;
            seq += 1;
            let crossing =
                json!({"type": "crossing", "seq": seq, "stamp_us": now_us(1_000_000), "line": 17});
            if to_drem.send(crossing.to_string().into()).await.is_err() {
                return Err::<(), Failure>("the timer link closed".into());
            }
            tally.crossings_sent.store(seq, Relaxed);
        }
        // A moment for the last acknowledgement.
        tokio::time::sleep(Duration::from_millis(500)).await;
        Ok(())
    };
    tokio::select! {
        sent = sending => sent,
        () = listening => Err("drem closed the timer link".into()),
    }
}

/// The size of the files in a folder, in MiB.
fn mib(folder: &std::path::Path) -> f64 {
    let bytes: u64 = std::fs::read_dir(folder)
        .map(|dir| {
            dir.filter_map(|entry| entry.ok()?.metadata().ok())
                .map(|meta| meta.len())
                .sum()
        })
        .unwrap_or(0);
    bytes as f64 / (1024.0 * 1024.0)
}

/// The laps of the event's submitted races, from its CSV export.
async fn stored_laps(op: &Client, base: &str, event: &Value) -> Result<usize, Failure> {
    let event = event.as_str().ok_or("event id")?;
    let csv = op
        .get(format!("{base}/exports/{event}/laps.csv"))
        .send()
        .await?
        .text()
        .await?;
    Ok(csv.lines().count().saturating_sub(1))
}
