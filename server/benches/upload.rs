//! `cargo bench -p server --bench upload`: a 100 MB model through the real HTTP path.
//!
//! Starts the release drem binary on an on-disk data folder, uploads a 100 MB model
//! archive to `/models/upload` as a racer would, waits for its check, and compares the
//! upload's throughput with writing the same bytes to a file on the same disk. Prints
//! both speeds, their ratio, and drem's peak resident memory growth. Goals (issue 6):
//! growth under 32 MB, at least half the speed of the plain write.

mod support;

use std::io::Write;
use std::time::{Duration, Instant};
use support::{call, signed_in_admin, Drem, Failure};

const SIZE: usize = 100 << 20;

#[tokio::main]
async fn main() -> Result<(), Failure> {
    run().await
}

async fn run() -> Result<(), Failure> {
    let data = tempfile::tempdir_in(".")?;
    let bytes = model_archive::samples::good(SIZE);
    let mb = bytes.len() as f64 / 1_048_576.0;

    // The disk alone: the same bytes written to a file in the same folder and synced,
    // as drem syncs a finished upload before it answers.
    let plain = data.path().join("plain.bin");
    let started = Instant::now();
    let mut file = std::fs::File::create(&plain)?;
    for chunk in bytes.chunks(1 << 20) {
        file.write_all(chunk)?;
    }
    file.sync_all()?;
    let disk = started.elapsed();
    std::fs::remove_file(&plain)?;

    let dir = data.path().display().to_string();
    let drem = Drem::start(&["--data-dir", &dir, "--max-model-mb", "200"]).await?;
    let client = signed_in_admin(&drem.base).await?;
    let before = drem.rss_kib();
    let started = Instant::now();
    let res = client
        .post(format!(
            "{}/models/upload?name=bench-100mb.tar.gz",
            drem.base
        ))
        .body(bytes)
        .send()
        .await?;
    let status = res.status();
    let body = res.text().await?;
    let upload = started.elapsed();
    if status.as_u16() != 201 {
        return Err(format!("upload refused: {status} {body}").into());
    }
    // The check reads the whole archive back: its memory counts too.
    let checked = loop {
        let mine = call(&client, &drem.base, "list_my_models", serde_json::json!({})).await?;
        let status = mine[0]["status"].as_str().unwrap_or_default().to_string();
        if status == "available" || status == "invalid" {
            break status;
        }
        tokio::time::sleep(Duration::from_millis(100)).await;
    };
    let check = started.elapsed() - upload;
    let peak = drem.peak_rss_kib();
    let speed = |d: Duration| mb / d.as_secs_f64();
    println!(
        "model upload: {mb:.0} MB, checked {checked} {:.2} s after",
        check.as_secs_f64()
    );
    println!(
        "  disk write {:.0} MB/s, upload {:.0} MB/s: {:.2} of the disk's speed (goal at least 0.5)",
        speed(disk),
        speed(upload),
        speed(upload) / speed(disk)
    );
    println!(
        "  drem RSS {} KiB before, peak {} KiB: growth {:.1} MB (goal under 32 MB)",
        before,
        peak,
        peak.saturating_sub(before) as f64 / 1024.0
    );
    Ok(())
}
