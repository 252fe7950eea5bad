//! The real `drem` binary on an on-disk database: accounts and sessions survive a restart.

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
