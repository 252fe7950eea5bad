//! The results-change scenario: an event with a board of racers, a race submitted
//! while N viewers follow the board, timed from the submit call to every viewer
//! holding the new board, with the operator's race commands (on another event's
//! track) sampled meanwhile, and the board computations the change caused.

use crate::subscribers::{Figures, Kind, Subscribers};
use crate::support::{call, Failure};
use reqwest::Client;
use serde_json::{json, Value};
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::Arc;
use std::time::{Duration, Instant};

/// One race command as the race manager sends it.
pub async fn command(
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

/// Captures a lap of `race` by hand, as the operator's space bar does; the race after.
pub async fn capture_lap(client: &Client, base: &str, race: &Value) -> Result<Value, Failure> {
    command(
        client,
        base,
        race,
        json!({"command": "capture_lap", "source": "manual"}),
    )
    .await
}

/// A new event with one track; its id and the track's.
pub async fn event_with_track(
    op: &Client,
    base: &str,
    name: &str,
) -> Result<(Value, Value), Failure> {
    let event = call(
        op,
        base,
        "create_event",
        json!({"input": {
            "name": name, "kind": "test", "date": "2026-11-26", "country": "SE",
            "sponsor": "", "links": [], "rules": {"race_time_ms": 600000, "min_lap_ms": 0}
        }}),
    )
    .await?;
    let track = call(
        op,
        base,
        "add_track",
        json!({"event": event["id"], "input": {
            "title": "Bench track", "footer": "", "layout": "re_invent2018", "rules": null
        }}),
    )
    .await?;
    Ok((event["id"].clone(), track["id"].clone()))
}

/// Opens and starts a race for `racer` on `track`.
pub async fn started(
    op: &Client,
    base: &str,
    track: &Value,
    racer: &Value,
) -> Result<Value, Failure> {
    let race = call(
        op,
        base,
        "start_race",
        json!({"track": track, "racer": racer, "by_proxy": false, "override_runs": true}),
    )
    .await?;
    command(op, base, &race, json!({"command": "start"})).await
}

/// A race of one lap by `racer` on `track`, ended and ready to submit.
async fn one_lap(op: &Client, base: &str, track: &Value, racer: &Value) -> Result<Value, Failure> {
    let race = started(op, base, track, racer).await?;
    let race = capture_lap(op, base, &race).await?;
    command(op, base, &race, json!({"command": "end"})).await
}

/// Registers `count` racers at the desk, named `prefix` and a number; their ids.
pub async fn register(
    op: &Client,
    base: &str,
    prefix: &str,
    count: usize,
) -> Result<Vec<Value>, Failure> {
    // These two take forms, as their pages post them.
    for i in 0..count {
        let username = format!("{prefix}{i:04}");
        let res = op
            .post(format!("{base}/api/register_racer"))
            .form(&[
                ("username", username.as_str()),
                ("email", ""),
                ("country", "SE"),
            ])
            .send()
            .await?;
        if !res.status().is_success() {
            return Err(format!("register_racer: {}", res.text().await?).into());
        }
    }
    let racers: Value = op
        .post(format!("{base}/api/list_racers"))
        .form(&[("search", prefix)])
        .send()
        .await?
        .json()
        .await?;
    Ok(racers
        .as_array()
        .ok_or("racers")?
        .iter()
        .map(|r| r["id"].clone())
        .collect())
}

/// Registers `count` racers and gives each a submitted race of one lap on `track`, so
/// the board has `count` rows; returns their ids.
pub async fn seed(
    op: &Client,
    base: &str,
    track: &Value,
    count: usize,
) -> Result<Vec<Value>, Failure> {
    let ids = register(op, base, "racer", count).await?;
    for racer in &ids {
        let race = one_lap(op, base, track, racer).await?;
        command(op, base, &race, json!({"command": "submit"})).await?;
    }
    Ok(ids)
}

/// A counter from drem's `/metrics`.
pub async fn metric(op: &Client, base: &str, name: &str) -> Result<f64, Failure> {
    let text = op
        .get(format!("{base}/metrics"))
        .send()
        .await?
        .text()
        .await?;
    text.lines()
        .find_map(|l| l.strip_prefix(name)?.trim().parse().ok())
        .ok_or_else(|| format!("no {name} in /metrics").into())
}

/// Requests sent every 10 ms while the boards go out, until told to stop: the round
/// trip of each.
pub struct Meanwhile {
    stop: Arc<AtomicBool>,
    task: tokio::task::JoinHandle<Result<Vec<Duration>, Failure>>,
}

impl Meanwhile {
    /// The operator racing: a lap captured on `race` each time (kept there as it
    /// changes).
    pub fn racing(op: Client, base: String, race: Arc<std::sync::Mutex<Value>>) -> Self {
        Self::every_10_ms(move || {
            let (op, base, race) = (op.clone(), base.clone(), Arc::clone(&race));
            async move {
                let current = race.lock().map_err(|_| "race lock poisoned")?.clone();
                let next = capture_lap(&op, &base, &current).await?;
                *race.lock().map_err(|_| "race lock poisoned")? = next;
                Ok(())
            }
        })
    }

    /// The floor for any request on the same cores: `GET /healthz`, which only asks the
    /// database for nothing.
    pub fn health_checks(client: Client, base: String) -> Self {
        Self::every_10_ms(move || {
            let (client, url) = (client.clone(), format!("{base}/healthz"));
            async move {
                client.get(url).send().await?.error_for_status()?;
                Ok(())
            }
        })
    }

    fn every_10_ms<F, Fut>(mut request: F) -> Self
    where
        F: FnMut() -> Fut + Send + 'static,
        Fut: std::future::Future<Output = Result<(), Failure>> + Send,
    {
        let stop = Arc::new(AtomicBool::new(false));
        let stopped = Arc::clone(&stop);
        let task = tokio::spawn(async move {
            let mut round_trips = Vec::new();
            while !stopped.load(Ordering::Relaxed) {
                let sent = Instant::now();
                request().await?;
                round_trips.push(sent.elapsed());
                tokio::time::sleep(Duration::from_millis(10)).await;
            }
            Ok(round_trips)
        });
        Self { stop, task }
    }

    pub async fn stop(self) -> Result<Vec<Duration>, Failure> {
        self.stop.store(true, Ordering::Relaxed);
        self.task.await?
    }
}

/// The operator racing on another event's track, and health checks beside it, while
/// something else is timed.
pub struct Busy(Meanwhile, Meanwhile);

impl Busy {
    pub fn start(op: &Client, base: &str, race: &Arc<std::sync::Mutex<Value>>) -> Self {
        Self(
            Meanwhile::racing(op.clone(), base.to_string(), Arc::clone(race)),
            Meanwhile::health_checks(Client::new(), base.to_string()),
        )
    }

    /// The race commands' round trips and the health checks'.
    pub async fn stop(self) -> Result<(Vec<Duration>, Vec<Duration>), Failure> {
        Ok((self.0.stop().await?, self.1.stop().await?))
    }
}

/// What a run of submissions measured.
pub struct Submissions {
    /// Submit call to each viewer holding the new board.
    pub latencies: Figures,
    /// The board the viewers held before the first change, as a connection's greeting.
    pub greeting: Vec<u8>,
    /// Each change's board message as a viewer received it.
    pub board_messages: Vec<Vec<u8>>,
    pub computations_per_change: f64,
    /// drem's mean time to compute a board (its reads, ranking and frames).
    pub compute_mean: Duration,
    /// The submit call's own round trip.
    pub submit: Figures,
    /// The operator's race commands while the boards went out, and health checks
    /// meanwhile (the floor for the operator's commands), if the plan raced.
    pub meanwhile: Option<(Figures, Figures)>,
}

/// Which changes a run of submissions makes, and what else happens meanwhile.
pub struct Plan {
    /// The changes' numbers: each is submitted by another racer.
    pub changes: std::ops::Range<usize>,
    /// The operator's race on another event's track, raced on (a lap every 10 ms, health
    /// checks beside it) while the boards go out; `None`: nobody else calls the server.
    pub operator_racing: Option<Arc<std::sync::Mutex<Value>>>,
}

/// Submits one race of one lap on `track` per change of the plan, each by another of
/// `racers` (chosen across the board: where its new lap puts it, the rows between
/// move), timing each from the submit call to every viewer holding a board of a newer
/// version.
pub async fn submissions(
    op: &Client,
    base: &str,
    viewers: &mut Subscribers,
    (event, track): (&Value, &Value),
    racers: &[Value],
    plan: Plan,
) -> Result<Submissions, Failure> {
    settle(viewers).await;
    let computed_before = metric(op, base, "drem_board_computations_total").await?;
    let seconds_before = metric(op, base, "drem_board_compute_seconds_sum").await?;
    let mut submits = Vec::new();
    let busy = plan
        .operator_racing
        .map(|race| Busy::start(op, base, &race));
    let (mut latencies, mut board_messages, mut held) = (Vec::new(), Vec::new(), 0);
    let mut greeting = Vec::new();
    let count = plan.changes.len();
    for change in plan.changes {
        let racer = &racers[(change * 37 + 11) % racers.len().max(1)];
        let race = one_lap(op, base, track, racer).await?;
        settle(viewers).await;
        if greeting.is_empty() {
            greeting = held_board(op, base, event).await?;
        }
        let sent = Instant::now();
        command(op, base, &race, json!({"command": "submit"})).await?;
        submits.push(sent.elapsed());
        let (message, version) = viewers
            .await_update(sent, Kind::Board, &mut latencies)
            .await?;
        if version <= held {
            return Err(format!("board version {version} is not newer than {held}").into());
        }
        held = version;
        board_messages.push(message);
        settle(viewers).await;
    }
    let meanwhile = match busy {
        Some(busy) => {
            let (operator, health) = busy.stop().await?;
            Some((Figures::of(operator), Figures::of(health)))
        }
        None => None,
    };
    let computed = metric(op, base, "drem_board_computations_total").await? - computed_before;
    let seconds = metric(op, base, "drem_board_compute_seconds_sum").await? - seconds_before;
    Ok(Submissions {
        compute_mean: Duration::from_secs_f64(seconds / computed.max(1.0)),
        submit: Figures::of(submits),
        latencies: Figures::of(latencies),
        greeting,
        board_messages,
        computations_per_change: computed / count.max(1) as f64,
        meanwhile,
    })
}

/// The event's board as its viewers hold it now, as a stream's first message.
async fn held_board(op: &Client, base: &str, event: &Value) -> Result<Vec<u8>, Failure> {
    let board = call(
        op,
        base,
        "get_leaderboard",
        json!({"event": event, "track": null}),
    )
    .await?;
    let update =
        json!({"kind": "board", "track": null, "format": null, "board": board, "snapshot": true});
    Ok(format!("event: update\ndata: {update}\n\n").into_bytes())
}

/// Lets the race updates of the commands before go out, and forgets them.
async fn settle(viewers: &mut Subscribers) {
    tokio::time::sleep(Duration::from_millis(300)).await;
    viewers.forget_arrivals();
}
