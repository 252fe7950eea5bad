//! The model quota (issue 17 item 4): a racer's count and bytes are reserved when an
//! upload starts, so uploads opened together cannot all pass, and uploads stop before
//! the model store's disk fills.

use crate::helpers::{open_db, spawn_on, Browser};
use crate::models::upload;
use app::domain::model_name::MAX_MODELS_PER_RACER;
use app::domain::roles::Role;
use app::models::api::ListMyModels;
use app::wire::ModelSummary;
use model_archive::samples;
use reqwest::StatusCode;
use serde_json::json;
use std::time::Duration;
use tokio::sync::mpsc;

/// Starts an upload of `bytes` whose body arrives when `go` is told; its answer.
fn upload_held(
    b: &Browser,
    name: String,
    bytes: Vec<u8>,
    go: tokio::sync::watch::Receiver<bool>,
) -> tokio::task::JoinHandle<StatusCode> {
    let b = b.clone();
    tokio::spawn(async move {
        let (tx, rx) = mpsc::channel::<Result<Vec<u8>, std::io::Error>>(2);
        let half = bytes.len() / 2;
        let (first, rest) = (bytes[..half].to_vec(), bytes[half..].to_vec());
        let length = bytes.len();
        tokio::spawn(async move {
            let mut go = go;
            let _ = tx.send(Ok(first)).await;
            let _ = go.wait_for(|go| *go).await;
            let _ = tx.send(Ok(rest)).await;
        });
        let body = futures::stream::unfold(rx, |mut rx| async move {
            rx.recv().await.map(|chunk| (chunk, rx))
        });
        b.client
            .post(format!("{}/models/upload?name={name}", b.base_url))
            .header("content-length", length)
            .body(reqwest::Body::wrap_stream(body))
            .send()
            .await
            .map(|res| res.status())
            .unwrap_or(StatusCode::BAD_GATEWAY)
    })
}

#[tokio::test]
async fn uploads_opened_together_cannot_pass_the_quota_together() {
    let app = spawn_on(open_db().await, &[]).await;
    let (racer, _) = app.signed_in_as(Role::Racer).await;
    let kept = MAX_MODELS_PER_RACER - 2;
    for i in 0..kept {
        let (status, body) = upload(&racer, &format!("m{i}.tar.gz"), samples::good(100)).await;
        assert_eq!(status, StatusCode::CREATED, "{body}");
    }
    // Ten uploads opened together, each past its start before any body is whole.
    let (go, wait) = tokio::sync::watch::channel(false);
    let uploads: Vec<_> = (0..10)
        .map(|i| {
            upload_held(
                &racer,
                format!("late{i}.tar.gz"),
                samples::good(100),
                wait.clone(),
            )
        })
        .collect();
    tokio::time::sleep(Duration::from_millis(500)).await;
    go.send(true).unwrap();
    let mut created = 0;
    for upload in uploads {
        match upload.await.unwrap() {
            StatusCode::CREATED => created += 1,
            StatusCode::CONFLICT => {}
            other => panic!("unexpected answer {other}"),
        }
    }
    assert_eq!(created, 2, "two places were left");
    let mine: Vec<ModelSummary> = racer.call_json::<ListMyModels, _>(json!({})).await.unwrap();
    assert_eq!(mine.len(), MAX_MODELS_PER_RACER);
}

#[tokio::test]
async fn a_racer_has_a_byte_ceiling_and_uploads_stop_before_the_disk_fills() {
    let models = tempfile::tempdir().unwrap();
    let store = format!("file://{}", models.path().display());
    let app = spawn_on(
        open_db().await,
        &["--model-store", &store, "--max-racer-models-mb", "1"],
    )
    .await;
    let (racer, _) = app.signed_in_as(Role::Racer).await;
    let (status, body) = upload(&racer, "big.tar.gz", samples::good(600_000)).await;
    assert_eq!(status, StatusCode::CREATED, "{body}");
    let (status, body) = upload(&racer, "bigger.tar.gz", samples::good(600_000)).await;
    assert_eq!(status, StatusCode::CONFLICT, "{body}");
    assert!(body.contains("1 MB one racer may keep"), "{body}");

    // A disk that must keep more free than any disk has: no upload starts.
    let full = spawn_on(
        open_db().await,
        &["--model-store", &store, "--min-free-disk-mb", "1000000000"],
    )
    .await;
    let (racer, _) = full.signed_in_as(Role::Racer).await;
    let (status, body) = upload(&racer, "any.tar.gz", samples::good(100)).await;
    assert_eq!(status, StatusCode::CONFLICT, "{body}");
    assert!(body.contains("disk is nearly full"), "{body}");
}
