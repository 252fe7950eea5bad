//! Lap timers: tokens (shown once, revocable, good for nothing but crossings), and the
//! real `drem-timer` program in simulate mode timing a race through a link that is cut
//! and restored: the laps are the timer's exact stamps, none lost, none doubled.

use crate::helpers::{spawn_app, Browser, TestApp};
use crate::races::{start, track_with_rules};
use app::domain::race::{LapSource, RaceState};
use app::domain::roles::Role;
use app::race::api::GetRaceDesk;
use app::timers::api::*;
use app::wire::{NewTimer, RaceDesk, TimerInfo, Track};
use reqwest::StatusCode;
use serde_json::json;
use std::io::Write;
use std::process::{Child, Command, Stdio};
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::Arc;
use std::time::Duration;
use tokio::net::{TcpListener, TcpStream};
use tokio::sync::broadcast;

pub async fn pair_timer(op: &Browser, track: &Track) -> NewTimer {
    let new: NewTimer = op
        .call_json::<CreateTimer, _>(json!({"name": "Pi at the line"}))
        .await
        .unwrap();
    op.call_json::<SetTrackTimer, ()>(json!({"track": track.id, "timer": new.timer.id}))
        .await
        .unwrap();
    new
}

/// A WebSocket upgrade request to `/timer/connect` with `token`: its status.
async fn upgrade_status(app: &TestApp, token: &str) -> StatusCode {
    reqwest::Client::new()
        .get(format!("{}/timer/connect", app.base_url))
        .header("Authorization", format!("Bearer {token}"))
        .header("Connection", "Upgrade")
        .header("Upgrade", "websocket")
        .header("Sec-WebSocket-Version", "13")
        .header("Sec-WebSocket-Key", "dGhlIHNhbXBsZSBub25jZQ==")
        .send()
        .await
        .unwrap()
        .status()
}

#[tokio::test]
async fn a_timer_token_is_shown_once_reports_crossings_only_and_can_be_revoked() {
    let app = spawn_app().await;
    let (op, _) = app.signed_in_as(Role::Operator).await;
    let track = track_with_rules(&op, json!({})).await;
    let new = pair_timer(&op, &track).await;
    assert!(new.token.len() > 40, "a long random token");

    let listed: Vec<TimerInfo> = op.call_json::<ListTimers, _>(json!({})).await.unwrap();
    assert_eq!(listed.len(), 1);
    assert_eq!(listed[0].tracks, ["Main track"]);
    assert!(!listed[0].connected);
    let page = serde_json::to_string(&listed).unwrap();
    assert!(
        !page.contains(&new.token),
        "the token is never listed again"
    );

    assert_eq!(
        upgrade_status(&app, &new.token).await,
        StatusCode::SWITCHING_PROTOCOLS
    );
    assert_eq!(
        upgrade_status(&app, "drem-timer-guess").await,
        StatusCode::UNAUTHORIZED
    );
    assert_eq!(upgrade_status(&app, "").await, StatusCode::UNAUTHORIZED);

    // The token opens nothing else: a server function sees an anonymous caller.
    let res = reqwest::Client::new()
        .post(format!(
            "{}{}",
            app.base_url,
            <ListTimers as server_fn::ServerFn>::PATH
        ))
        .header("Authorization", format!("Bearer {}", new.token))
        .header("Content-Type", "application/json")
        .body("{}")
        .send()
        .await
        .unwrap();
    assert_eq!(res.status(), StatusCode::UNAUTHORIZED);

    op.call_json::<RevokeTimer, ()>(json!({"timer": new.timer.id}))
        .await
        .unwrap();
    assert_eq!(
        upgrade_status(&app, &new.token).await,
        StatusCode::UNAUTHORIZED
    );
    let listed: Vec<TimerInfo> = op.call_json::<ListTimers, _>(json!({})).await.unwrap();
    assert!(listed.is_empty(), "a revoked timer is gone from the list");
    let on_track: Option<TimerInfo> = op
        .call_json::<GetTrackTimer, _>(json!({"track": track.id}))
        .await
        .unwrap();
    assert_eq!(on_track, None, "and from its track");
    let refused = op
        .call_json::<SetTrackTimer, ()>(json!({"track": track.id, "timer": new.timer.id}))
        .await
        .unwrap_err();
    assert_eq!(refused.status, StatusCode::NOT_FOUND);
}

/// A bare timer connection to drem at `base_url` that has said hello with boot `boot`.
pub async fn hello(
    base_url: &str,
    token: &str,
    boot: &str,
) -> tokio_tungstenite::WebSocketStream<TcpStream> {
    let (link, welcome) = hello_welcome(base_url, token, boot).await;
    assert!(welcome.contains("welcome"), "{welcome}");
    link
}

/// A new connection of run `boot` (its clock at 1 s) and drem's answer to its hello.
async fn hello_welcome(
    base_url: &str,
    token: &str,
    boot: &str,
) -> (tokio_tungstenite::WebSocketStream<TcpStream>, String) {
    use futures::{SinkExt, StreamExt};
    use tokio_tungstenite::tungstenite::client::IntoClientRequest;
    let address = base_url.trim_start_matches("http://");
    let mut request = format!("ws://{address}/timer/connect")
        .into_client_request()
        .unwrap();
    request
        .headers_mut()
        .insert("Authorization", format!("Bearer {token}").parse().unwrap());
    let socket = TcpStream::connect(address).await.unwrap();
    let (mut link, _) = tokio_tungstenite::client_async(request, socket)
        .await
        .unwrap();
    let hello = json!({"type": "hello", "boot": boot, "now_us": 1_000_000});
    link.send(hello.to_string().into()).await.unwrap();
    let welcome = link.next().await.unwrap().unwrap().to_string();
    (link, welcome)
}

async fn connected(op: &Browser) -> bool {
    let listed: Vec<TimerInfo> = op.call_json::<ListTimers, _>(json!({})).await.unwrap();
    listed[0].connected
}

#[tokio::test]
async fn an_old_connection_closing_after_a_reconnect_leaves_the_timer_connected() {
    let app = spawn_app().await;
    let (op, _) = app.signed_in_as(Role::Operator).await;
    let track = track_with_rules(&op, json!({})).await;
    let new = pair_timer(&op, &track).await;
    // The link dropped silently (the venue's Wi-Fi); the timer reconnected at once.
    let old = hello(&app.base_url, &new.token, "00000000000000a1").await;
    let current = hello(&app.base_url, &new.token, "00000000000000a1").await;
    assert!(connected(&op).await);
    // Only now does the server notice the old one is gone.
    drop(old);
    tokio::time::sleep(Duration::from_millis(500)).await;
    assert!(connected(&op).await, "the timer is still connected");
    drop(current);
    for _ in 0..50 {
        if !connected(&op).await {
            return;
        }
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
    panic!("the timer's current connection closed, yet it shows as connected");
}

#[tokio::test]
async fn a_crossing_number_beyond_the_timer_clock_is_refused_not_acknowledged() {
    use futures::{SinkExt, StreamExt};
    let app = spawn_app().await;
    let (op, _) = app.signed_in_as(Role::Operator).await;
    let track = track_with_rules(&op, json!({})).await;
    let new = pair_timer(&op, &track).await;
    // The hello said the timer's clock reads 1 s: it cannot have counted 2^64-1 crossings.
    let mut link = hello(&app.base_url, &new.token, "00000000000000b2").await;
    let forged = json!({"type": "crossing", "seq": u64::MAX, "stamp_us": 900_000, "line": 17});
    link.send(forged.to_string().into()).await.unwrap();
    let answer = link.next().await.unwrap().unwrap().to_string();
    assert!(answer.contains("\"error\""), "refused: {answer}");
    assert!(!answer.contains("ack"), "{answer}");
    // Nothing was stored as acknowledged: the next connection of this run starts at 0.
    let (_, again) = hello_welcome(&app.base_url, &new.token, "00000000000000b2").await;
    assert!(again.contains("\"acked\":0"), "{again}");
}

#[tokio::test]
async fn a_timer_name_is_required() {
    let app = spawn_app().await;
    let (op, _) = app.signed_in_as(Role::Operator).await;
    for name in ["   ", "Pi\u{200b}", "\u{202e}1 kcart"] {
        let res = op
            .call_json::<CreateTimer, NewTimer>(json!({"name": name}))
            .await;
        crate::helpers::assert_invalid(res, "name");
    }
}

/// A TCP relay between the timer and drem whose link can be cut and restored.
struct Relay {
    port: u16,
    up: Arc<AtomicBool>,
    cut: broadcast::Sender<()>,
}

impl Relay {
    async fn to(target: &str) -> Relay {
        let target = target.trim_start_matches("http://").to_string();
        let listener = TcpListener::bind("127.0.0.1:0").await.unwrap();
        let port = listener.local_addr().unwrap().port();
        let up = Arc::new(AtomicBool::new(true));
        let (cut, _) = broadcast::channel(4);
        let (up_loop, cut_loop) = (up.clone(), cut.clone());
        tokio::spawn(async move {
            while let Ok((mut inbound, _)) = listener.accept().await {
                if !up_loop.load(Ordering::SeqCst) {
                    continue; // dropped: the timer sees the connection fail
                }
                let target = target.clone();
                let mut cut = cut_loop.subscribe();
                tokio::spawn(async move {
                    let Ok(mut outbound) = TcpStream::connect(&target).await else {
                        return;
                    };
                    tokio::select! {
                        _ = tokio::io::copy_bidirectional(&mut inbound, &mut outbound) => {}
                        _ = cut.recv() => {}
                    }
                });
            }
        });
        Relay { port, up, cut }
    }

    fn cut(&self) {
        self.up.store(false, Ordering::SeqCst);
        let _ = self.cut.send(());
    }

    fn restore(&self) {
        self.up.store(true, Ordering::SeqCst);
    }
}

/// The real timer program in simulate mode: `cross(seconds)` reports a crossing stamped
/// exactly that long after the program started.
struct SimulatedTimer {
    child: Child,
    started: std::time::Instant,
}

impl SimulatedTimer {
    fn start(server: &str, token: &str) -> SimulatedTimer {
        let program = timer_program();
        let started = std::time::Instant::now();
        let child = Command::new(&program)
            .args([
                "--simulate",
                "--debounce-ms",
                "300",
                "--server",
                server,
                "--token",
                token,
            ])
            .stdin(Stdio::piped())
            .stdout(Stdio::null())
            .stderr(Stdio::inherit())
            .spawn()
            .unwrap_or_else(|e| panic!("cannot start {}: {e}", program.display()));
        SimulatedTimer { child, started }
    }

    /// Reports a crossing stamped `seconds` after the program started, once that time
    /// has passed (a crossing is never reported before it happens).
    async fn cross(&mut self, seconds: &str) {
        let at = Duration::from_secs_f64(seconds.parse::<f64>().expect("seconds"));
        let due = self.started + at + Duration::from_millis(50);
        tokio::time::sleep_until(due.into()).await;
        let stdin = self.child.stdin.as_mut().expect("stdin is piped");
        writeln!(stdin, "@{seconds}").unwrap();
        stdin.flush().unwrap();
    }
}

impl Drop for SimulatedTimer {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

/// `drem-timer` from the same build as this test (`.ci/test` builds it first).
fn timer_program() -> std::path::PathBuf {
    let exe = std::env::current_exe().expect("test executable path");
    // target/debug/deps/api-HASH → target/debug/drem-timer
    let program = exe
        .parent()
        .and_then(|deps| deps.parent())
        .map(|dir| dir.join("drem-timer"))
        .expect("target folder");
    assert!(
        program.exists(),
        "{} is missing: run `cargo build -p drem-timer` before the API tests",
        program.display()
    );
    program
}

async fn desk(op: &Browser, track: &Track) -> RaceDesk {
    op.call_json::<GetRaceDesk, _>(json!({"track": track.id}))
        .await
        .unwrap()
}

/// Waits (up to 20 s) until the track's race satisfies `done`.
async fn until(
    op: &Browser,
    track: &Track,
    what: &str,
    done: impl Fn(&RaceDesk) -> bool,
) -> RaceDesk {
    for _ in 0..200 {
        let desk = desk(op, track).await;
        if done(&desk) {
            return desk;
        }
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
    panic!("timed out waiting until {what}");
}

fn laps(desk: &RaceDesk) -> usize {
    desk.race.as_ref().map_or(0, |r| r.race.laps.len())
}

#[tokio::test]
async fn a_race_timed_by_the_timer_alone_has_its_exact_stamps_across_a_cut_link() {
    let app = spawn_app().await;
    let (op, _) = app.signed_in_as(Role::Operator).await;
    let (racer, _) = app.signed_in_as(Role::Racer).await;
    let racer = racer.current_user().await.unwrap();
    let track = track_with_rules(&op, json!({})).await;
    let new = pair_timer(&op, &track).await;
    start(&op, &track, &racer.id).await.unwrap();

    let relay = Relay::to(&app.base_url).await;
    let mut timer = SimulatedTimer::start(&format!("http://127.0.0.1:{}", relay.port), &new.token);
    for _ in 0..100 {
        let listed: Vec<TimerInfo> = op.call_json::<ListTimers, _>(json!({})).await.unwrap();
        if listed[0].connected {
            break;
        }
        tokio::time::sleep(Duration::from_millis(100)).await;
    }

    timer.cross("1.000").await;
    until(&op, &track, "the crossing starts the race", |d| {
        d.race
            .as_ref()
            .is_some_and(|r| r.race.state == RaceState::Running)
    })
    .await;
    // A bounce on the strip within the debounce window is the same crossing.
    timer.cross("1.100").await;
    timer.cross("2.250").await;
    timer.cross("3.000").await;
    until(&op, &track, "two laps", |d| laps(d) == 2).await;

    relay.cut();
    timer.cross("4.000").await;
    timer.cross("4.750").await;
    tokio::time::sleep(Duration::from_millis(500)).await;
    assert_eq!(
        laps(&desk(&op, &track).await),
        2,
        "nothing arrives while the link is cut"
    );
    relay.restore();
    let desk_after = until(&op, &track, "the queued laps arrive", |d| laps(d) >= 4).await;

    // Long enough for any double delivery to show.
    tokio::time::sleep(Duration::from_millis(500)).await;
    let race = desk(&op, &track).await.race.expect("the race is open").race;
    let times: Vec<u64> = race.laps.iter().map(|l| l.time_ms).collect();
    assert_eq!(
        times,
        [1_250, 750, 1_000, 750],
        "exact stamped lap times, none doubled"
    );
    assert!(race.laps.iter().all(|l| l.source == LapSource::Timer));
    assert_eq!(laps(&desk_after), 4);
    let listed: Vec<TimerInfo> = op.call_json::<ListTimers, _>(json!({})).await.unwrap();
    assert_eq!(listed[0].last_crossing.as_deref(), Some("Main track: lap"));
}
