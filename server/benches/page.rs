//! `cargo bench -p server --bench page`: the public board page against a static file.
//!
//! Starts the release drem binary (in-memory database), gives an event's board 200
//! racers (`DREM_BENCH_RACERS`), then asks for `/events/ID/leaderboard` as phones do
//! (anonymous, `accept-encoding: br, gzip`) from 16 connections for 5 s, and the
//! app's stylesheet (a precompressed static file) the same way, in the same run.
//! Prints both rates, their latency and the page's size on the wire, and the page's
//! rate as a share of the file's. Goal (issue 13): at least 25 %. Visitors' pages come
//! from drem's one-second page cache; the page rendered for every request (a session
//! cookie bypasses the cache) is printed too, for what a render costs.

#[path = "live/results.rs"]
#[allow(
    dead_code,
    reason = "the live benchmark's scenario; the seeding is shared"
)]
mod results;
#[path = "live/subscribers.rs"]
#[allow(
    dead_code,
    reason = "the live benchmark's client; its figures are shared"
)]
mod subscribers;
mod support;

use reqwest::Client;
use std::time::{Duration, Instant};
use subscribers::Figures;
use support::{signed_in_admin, Drem, Failure};

const CONNECTIONS: usize = 16;
const WARM_UP: Duration = Duration::from_secs(1);
const MEASURED: Duration = Duration::from_secs(5);

#[tokio::main]
async fn main() -> Result<(), Failure> {
    run().await
}

async fn run() -> Result<(), Failure> {
    let racers = std::env::var("DREM_BENCH_RACERS")
        .ok()
        .and_then(|r| r.parse().ok())
        .unwrap_or(200);
    let drem = Drem::start(&["--database-url", "mem://"]).await?;
    let base = drem.base.clone();
    let op = signed_in_admin(&base).await?;
    let (event, track) = results::event_with_track(&op, &base, "Bench").await?;
    results::seed(&op, &base, &track, racers).await?;
    let page = format!(
        "{base}/events/{}/leaderboard",
        event.as_str().unwrap_or_default()
    );
    let html = Client::new().get(&page).send().await?.text().await?;
    if !html.contains("racer0000") {
        return Err("the page does not show the board".into());
    }
    let css = html
        .split('"')
        .find(|part| part.starts_with("/pkg/") && part.ends_with(".css"))
        .ok_or("no stylesheet link in the page")?;
    if css.starts_with("/pkg/dev/") {
        return Err("no built site: run `cargo leptos build --release` first".into());
    }
    let file = format!("{base}{css}");

    println!(
        "public board page ({racers} racers) against a static file: {CONNECTIONS} connections, \
         {} s each, same run",
        MEASURED.as_secs()
    );
    let page_figures = hammer(&page, None).await?;
    println!("  page                     {}", page_figures.line());
    let rendered = hammer(&page, Some("drem_session=none")).await?;
    println!("  page, rendered each time {}", rendered.line());
    let file_figures = hammer(&file, None).await?;
    println!("  file                     {}", file_figures.line());
    println!(
        "  the page's rate is {:.1} % of the file's (goal at least 25 %)",
        100.0 * page_figures.rate / file_figures.rate.max(1e-9)
    );
    Ok(())
}

struct Load {
    rate: f64,
    bytes: usize,
    latencies: Figures,
}

impl Load {
    fn line(&self) -> String {
        format!(
            "{:>8.0} req/s  {}  ({} bytes on the wire)",
            self.rate,
            self.latencies.summary(),
            self.bytes
        )
    }
}

/// `CONNECTIONS` anonymous clients asking for `url` back to back (with `cookie`, if
/// any): the rate after a warm-up, each request's latency, and one answer's size as sent.
async fn hammer(url: &str, cookie: Option<&'static str>) -> Result<Load, Failure> {
    let started = Instant::now();
    let mut tasks = Vec::new();
    for _ in 0..CONNECTIONS {
        let url = url.to_string();
        tasks.push(tokio::spawn(async move {
            // One connection each, kept alive; the body is counted, not decompressed.
            let client = Client::builder().pool_max_idle_per_host(1).build()?;
            let (mut latencies, mut bytes) = (Vec::new(), 0);
            while started.elapsed() < WARM_UP + MEASURED {
                let sent = Instant::now();
                let mut request = client.get(&url).header("accept-encoding", "br, gzip");
                if let Some(cookie) = cookie {
                    request = request.header("cookie", cookie);
                }
                let res = request.send().await?;
                if !res.status().is_success() {
                    return Err::<_, Failure>(format!("{url}: {}", res.status()).into());
                }
                bytes = res.bytes().await?.len();
                if sent.duration_since(started) >= WARM_UP {
                    latencies.push(sent.elapsed());
                }
            }
            Ok((latencies, bytes))
        }));
    }
    let (mut latencies, mut bytes) = (Vec::new(), 0);
    for task in tasks {
        let (mine, size) = task.await??;
        latencies.extend(mine);
        bytes = size;
    }
    Ok(Load {
        rate: latencies.len() as f64 / MEASURED.as_secs_f64(),
        bytes,
        latencies: Figures::of(latencies),
    })
}
