//! The real `drem` binary on an on-disk database: accounts and sessions survive a
//! restart, a race survives a crash, and a stop ends every open stream at once.

use crate::helpers::{Browser, ADMIN_PASSWORD, PASSWORD};
use std::io::{BufRead, BufReader};
use std::process::{Child, Command, Stdio};

/// Starts the binary on `data_dir` and returns it with its base URL.
fn start(data_dir: &std::path::Path) -> (Child, String) {
    let mut child = Command::new(env!("CARGO_BIN_EXE_drem"))
        .args(["--bind", "127.0.0.1:0", "--log", "warn"])
        .arg("--data-dir")
        .arg(data_dir)
        .env("DREM_ADMIN_PASSWORD", ADMIN_PASSWORD)
        .env_remove("DREM_DATABASE_URL")
        .stdout(Stdio::piped())
        .spawn()
        .expect("drem starts");
    let stdout = child.stdout.take().expect("stdout piped");
    let mut lines = BufReader::new(stdout).lines();
    let url = loop {
        let line = lines
            .next()
            .expect("drem prints its address")
            .expect("readable");
        if let Some(url) = line.strip_prefix("drem listening on ") {
            break url.to_string();
        }
    };
    // Keep draining stdout so the child never blocks on a full pipe.
    std::thread::spawn(move || for _ in lines {});
    (child, url)
}

#[tokio::test]
async fn accounts_and_sessions_survive_a_restart() {
    let data = tempfile::tempdir().unwrap();
    let (mut first, url) = start(data.path());
    let browser = Browser {
        client: reqwest::Client::builder()
            .cookie_store(true)
            .build()
            .unwrap(),
        base_url: url,
    };
    browser.sign_up("keeper").await.expect("sign-up");
    first.kill().unwrap();
    first.wait().unwrap();

    let (mut second, url) = start(data.path());
    let browser = Browser {
        base_url: url,
        ..browser
    };
    let user = browser
        .current_user()
        .await
        .expect("session survived the restart");
    assert_eq!(user.username, "keeper");
    let other = Browser {
        client: reqwest::Client::builder()
            .cookie_store(true)
            .build()
            .unwrap(),
        base_url: browser.base_url.clone(),
    };
    other
        .sign_in("keeper", PASSWORD)
        .await
        .expect("account survived");
    other
        .sign_in("admin", ADMIN_PASSWORD)
        .await
        .expect("one admin, not re-created");
    second.kill().unwrap();
    second.wait().unwrap();
}

/// Every file under `dir` that its group or others may use, and every folder others
/// may (SurrealKV makes its log folder 0750 itself, inside drem's 0700 folder).
fn open_to_others(dir: &std::path::Path, found: &mut Vec<String>) {
    use std::os::unix::fs::PermissionsExt;
    for entry in std::fs::read_dir(dir).unwrap().flatten() {
        let mode = entry.metadata().unwrap().permissions().mode();
        let others = if entry.path().is_dir() { 0o007 } else { 0o077 };
        if mode & others != 0 {
            found.push(format!("{} {:o}", entry.path().display(), mode & 0o777));
        }
        if entry.path().is_dir() {
            open_to_others(&entry.path(), found);
        }
    }
}

#[tokio::test]
async fn the_data_folder_is_drems_alone() {
    // An existing folder open to all (as an older drem or a umask of 022 left it).
    let root = tempfile::tempdir().unwrap();
    let data = root.path().join("data");
    std::fs::create_dir(&data).unwrap();
    use std::os::unix::fs::PermissionsExt;
    std::fs::set_permissions(&data, std::fs::Permissions::from_mode(0o755)).unwrap();
    let (mut drem, url) = start(&data);
    let browser = Browser {
        client: reqwest::Client::builder()
            .cookie_store(true)
            .build()
            .unwrap(),
        base_url: url,
    };
    // A session and an account in the database's files.
    browser.sign_up("private").await.expect("sign-up");
    drem.kill().unwrap();
    drem.wait().unwrap();
    let mode = std::fs::metadata(&data).unwrap().permissions().mode();
    assert_eq!(mode & 0o777, 0o700, "the data folder is drem's alone");
    let mut open = Vec::new();
    open_to_others(&data, &mut open);
    assert!(open.is_empty(), "open to others: {open:?}");
    assert!(data.join("secret.key").exists() && data.join("db").exists());
}

#[tokio::test]
async fn a_race_in_progress_survives_a_crash() {
    use crate::races::{command, track_with_rules};
    use app::domain::race::RaceState;
    use app::wire::{LiveRace, RaceDesk};
    use serde_json::json;

    let data = tempfile::tempdir().unwrap();
    let (mut first, url) = start(data.path());
    let op = Browser {
        client: reqwest::Client::builder()
            .cookie_store(true)
            .build()
            .unwrap(),
        base_url: url,
    };
    let admin = op.sign_in("admin", ADMIN_PASSWORD).await.unwrap();
    let track = track_with_rules(&op, json!({})).await;
    let race: LiveRace = op
        .call_json::<app::race::api::StartRace, _>(
            json!({"track": track.id, "racer": admin.id, "by_proxy": true, "override_runs": false}),
        )
        .await
        .unwrap();
    let race = command(&op, &race, json!({"command": "start"}))
        .await
        .unwrap();
    let race = command(
        &op,
        &race,
        json!({"command": "capture_lap", "source": "manual"}),
    )
    .await
    .unwrap();
    let race = command(&op, &race, json!({"command": "reset_up"}))
        .await
        .unwrap();
    // SIGKILL: no shutdown, no flush.
    first.kill().unwrap();
    first.wait().unwrap();

    let (mut second, url) = start(data.path());
    let op = Browser {
        base_url: url,
        ..op
    };
    let desk: RaceDesk = op
        .call_json::<app::race::api::GetRaceDesk, _>(json!({"track": track.id}))
        .await
        .unwrap();
    let after = desk.race.expect("the open race is still there");
    assert_eq!(after.version, race.version);
    assert_eq!(after.race.state, RaceState::Running);
    assert_eq!(after.race.laps, race.race.laps);
    assert_eq!(after.race.current_resets, 1);
    let on = command(
        &op,
        &after,
        json!({"command": "capture_lap", "source": "manual"}),
    )
    .await
    .expect("the race continues");
    assert_eq!(on.race.laps.len(), 2);
    second.kill().unwrap();
    second.wait().unwrap();
}

#[tokio::test]
async fn drem_stops_at_once_with_live_streams_and_a_timer_open() {
    use crate::helpers::Events;
    use crate::races::track_with_rules;
    use crate::timers::{hello, pair_timer};
    use futures::StreamExt;
    use serde_json::json;
    use std::time::{Duration, Instant};

    let data = tempfile::tempdir().unwrap();
    let (mut first, url) = start(data.path());
    let op = Browser {
        client: reqwest::Client::builder()
            .cookie_store(true)
            .build()
            .unwrap(),
        base_url: url.clone(),
    };
    op.sign_in("admin", ADMIN_PASSWORD).await.unwrap();
    let track = track_with_rules(&op, json!({})).await;
    let timer = pair_timer(&op, &track).await;
    // A leaderboard's stream (the lean path), a race manager's (axum) and a timer.
    let mut board = Events::of(
        reqwest::get(format!("{url}/live/events/{}", track.event.0))
            .await
            .unwrap(),
    );
    board.next_named("update").await;
    let mut desk = Events::of(
        op.client
            .get(format!("{url}/live/tracks/{}", track.id.0))
            .send()
            .await
            .unwrap(),
    );
    desk.next_named("race").await;
    let mut link = hello(&url, &timer.token, "00000000000000b1").await;

    let asked = Instant::now();
    let sent = Command::new("kill")
        .args(["-INT", &first.id().to_string()])
        .status()
        .unwrap();
    assert!(sent.success());
    let status = loop {
        if let Some(status) = first.try_wait().unwrap() {
            break status;
        }
        assert!(
            asked.elapsed() < Duration::from_secs(5),
            "drem still running 5 s after SIGINT"
        );
        tokio::time::sleep(Duration::from_millis(50)).await;
    };
    assert!(status.success(), "a clean stop: {status}");
    // Every stream ended (the pages show "Reconnecting…"), none hangs.
    for stream in [&mut board, &mut desk] {
        let end = tokio::time::timeout(Duration::from_secs(1), stream.until_end()).await;
        assert!(end.is_ok(), "the stream ended");
    }
    let closed = tokio::time::timeout(Duration::from_secs(1), async {
        while let Some(Ok(_)) = link.next().await {}
    })
    .await;
    assert!(closed.is_ok(), "the timer link ended");

    // The same data folder opens again at once (the database lock was released).
    let (mut second, url) = start(data.path());
    let op = Browser {
        base_url: url,
        ..op
    };
    let desk: app::wire::RaceDesk = op
        .call_json::<app::race::api::GetRaceDesk, _>(json!({"track": track.id}))
        .await
        .expect("the track is still there");
    assert!(desk.race.is_none());
    second.kill().unwrap();
    second.wait().unwrap();
}
