//! What the benchmarks share: the release drem binary as its own process, server
//! function calls, and its memory from /proc.

use reqwest::Client;
use serde_json::Value;
use std::process::{Child, Command, Stdio};
use std::time::Duration;

pub const PASSWORD: &str = "Bench-Password-2026";

pub type Failure = Box<dyn std::error::Error + Send + Sync>;

/// The drem binary on a free port, killed when dropped.
pub struct Drem {
    child: Child,
    pub base: String,
}

impl Drop for Drem {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

impl Drem {
    /// Starts the release binary with `args` (and a known admin password). With
    /// `DREM_BENCH_WRAP` set (e.g. `heaptrack -o /tmp/drem`), drem runs under that
    /// command, for profiling (its memory figures are then the wrapper's).
    pub async fn start(args: &[&str]) -> Result<Self, Failure> {
        let port = std::net::TcpListener::bind("127.0.0.1:0")?
            .local_addr()?
            .port();
        let wrap = std::env::var("DREM_BENCH_WRAP").unwrap_or_default();
        let mut words = wrap.split_whitespace();
        let mut command = match words.next() {
            Some(program) => {
                let mut command = Command::new(program);
                command.args(words).arg(env!("CARGO_BIN_EXE_drem"));
                command
            }
            None => Command::new(env!("CARGO_BIN_EXE_drem")),
        };
        let child = command
            .args(["--bind", &format!("127.0.0.1:{port}")])
            .args(["--log", "error"])
            .args(args)
            .env("DREM_ADMIN_PASSWORD", PASSWORD)
            // Benchmarks run in `server/`; the built site is the workspace's.
            .env(
                "LEPTOS_SITE_ROOT",
                std::env::var("LEPTOS_SITE_ROOT").unwrap_or_else(|_| {
                    concat!(env!("CARGO_MANIFEST_DIR"), "/../target/site").into()
                }),
            )
            .stdout(Stdio::null())
            .spawn()?;
        let drem = Drem {
            child,
            base: format!("http://127.0.0.1:{port}"),
        };
        let client = Client::new();
        for _ in 0..300 {
            if client
                .get(format!("{}/healthz", drem.base))
                .send()
                .await
                .is_ok_and(|r| r.status().is_success())
            {
                return Ok(drem);
            }
            tokio::time::sleep(Duration::from_millis(100)).await;
        }
        Err("drem did not answer /healthz within 30 s".into())
    }

    /// Resident memory of the drem process, in KiB.
    #[allow(dead_code, reason = "the live benchmark's, not the page one's")]
    pub fn rss_kib(&self) -> u64 {
        self.status_kib("VmRSS:")
    }

    /// The highest resident memory of the drem process so far, in KiB.
    #[allow(dead_code, reason = "the upload benchmark's, not the live one's")]
    pub fn peak_rss_kib(&self) -> u64 {
        self.status_kib("VmHWM:")
    }

    /// The drem process's threads.
    #[allow(dead_code, reason = "the live benchmark's, not the page one's")]
    pub fn threads(&self) -> u64 {
        self.status_kib("Threads:")
    }

    /// The drem process's open descriptors.
    #[allow(dead_code, reason = "the soak benchmark's")]
    pub fn descriptors(&self) -> usize {
        std::fs::read_dir(format!("/proc/{}/fd", self.child.id())).map_or(0, |dir| dir.count())
    }

    /// A number from the drem process's `/proc/PID/status`.
    fn status_kib(&self, field: &str) -> u64 {
        std::fs::read_to_string(format!("/proc/{}/status", self.child.id()))
            .ok()
            .and_then(|s| {
                s.lines()
                    .find_map(|l| l.strip_prefix(field))
                    .and_then(|v| v.trim().trim_end_matches("kB").trim().parse().ok())
            })
            .unwrap_or(0)
    }
}

/// A server function call as the browser makes it; the JSON answer.
pub async fn call(client: &Client, base: &str, name: &str, body: Value) -> Result<Value, Failure> {
    let res = client
        .post(format!("{base}/api/{name}"))
        .json(&body)
        .send()
        .await?;
    let status = res.status();
    let text = res.text().await?;
    if !status.is_success() {
        return Err(format!("{name}: {status} {text}").into());
    }
    Ok(serde_json::from_str(&text)?)
}

/// A client signed in as the first admin.
pub async fn signed_in_admin(base: &str) -> Result<Client, Failure> {
    let client = Client::builder().cookie_store(true).build()?;
    let res = client
        .post(format!("{base}/api/sign_in"))
        .form(&[("username", "admin"), ("password", PASSWORD)])
        .send()
        .await?;
    if !res.status().is_success() && !res.status().is_redirection() {
        return Err(format!("sign-in failed: {}", res.status()).into());
    }
    Ok(client)
}
