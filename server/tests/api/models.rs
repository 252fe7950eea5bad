//! Models: streamed uploads checked off the request path, hostile archives refused
//! with nothing left behind, downloads, and who may see or delete what.

use crate::helpers::{open_db, spawn_app, spawn_on, Browser, Events, TestApp};
use app::domain::roles::Role;
use app::models::api::{DeleteModel, ListModels, ListMyModels, SetModelRetention};
use app::wire::{ModelStatus, ModelSummary};
use model_archive::samples::{self, archive, Entry, Kind, METADATA};
use reqwest::StatusCode;
use serde_json::json;
use std::time::Duration;

/// Uploads `bytes` as `name`: the status and the body.
pub async fn upload(b: &Browser, name: &str, bytes: Vec<u8>) -> (StatusCode, String) {
    let res = b
        .client
        .post(format!("{}/models/upload?name={name}", b.base_url))
        .body(bytes)
        .send()
        .await
        .unwrap();
    (res.status(), res.text().await.unwrap_or_default())
}

/// Uploads and waits for the check's verdict.
pub async fn upload_checked(b: &Browser, name: &str, bytes: Vec<u8>) -> ModelSummary {
    let (status, body) = upload(b, name, bytes).await;
    assert_eq!(status, StatusCode::CREATED, "{body}");
    let uploaded: ModelSummary = serde_json::from_str(&body).unwrap();
    assert_eq!(uploaded.status, ModelStatus::Uploaded);
    for _ in 0..100 {
        let mine: Vec<ModelSummary> = b.call_json::<ListMyModels, _>(json!({})).await.unwrap();
        if let Some(m) = mine.into_iter().find(|m| m.id == uploaded.id) {
            if !m.status.pending() {
                return m;
            }
        }
        tokio::time::sleep(Duration::from_millis(50)).await;
    }
    panic!("{name} was never checked");
}

#[tokio::test]
async fn a_good_model_becomes_available_with_its_facts_and_downloads_intact() {
    let app = spawn_app().await;
    let (racer, _) = app.signed_in_as(Role::Racer).await;
    let bytes = samples::good(300_000);
    let expected = model_archive::check(bytes.as_slice(), &Default::default()).unwrap();
    let model = upload_checked(&racer, "fast-lap_v2.tar.gz", bytes.clone()).await;
    assert_eq!(model.status, ModelStatus::Available, "{:?}", model.reason);
    assert_eq!(model.size_bytes, bytes.len() as u64);
    let info = model.info.expect("the check's findings");
    assert_eq!(info.model_md5, expected.model_md5);
    assert_eq!(info.metadata_md5, expected.metadata_md5);
    assert_eq!(info.sensors, ["FRONT_FACING_CAMERA"]);
    assert_eq!(info.training_algorithm, "clipped_ppo");
    assert_eq!(info.action_space_type, "discrete");

    let res = racer
        .client
        .get(format!("{}/models/{}/download", racer.base_url, model.id.0))
        .send()
        .await
        .unwrap();
    assert_eq!(res.status(), StatusCode::OK);
    assert!(res.headers()["content-disposition"]
        .to_str()
        .unwrap()
        .contains("fast-lap_v2.tar.gz"));
    assert_eq!(res.bytes().await.unwrap().as_ref(), bytes.as_slice());

    // The same name again replaces the first once the new one is available.
    let again = upload_checked(&racer, "fast-lap_v2.tar.gz", samples::good(1_000)).await;
    let mine: Vec<ModelSummary> = racer.call_json::<ListMyModels, _>(json!({})).await.unwrap();
    assert_eq!(mine.iter().map(|m| &m.id).collect::<Vec<_>>(), [&again.id]);
    assert_eq!(app.model_files(), 1);

    racer
        .call_json::<DeleteModel, ()>(json!({"id": again.id}))
        .await
        .unwrap();
    assert_eq!(app.model_files(), 0, "deleting removes the file");
}

#[tokio::test]
async fn broken_and_hostile_archives_become_invalid_and_leave_nothing_behind() {
    let app = spawn_app().await;
    let (racer, _) = app.signed_in_as(Role::Racer).await;
    let with = |entry: Entry| {
        archive(&[
            Entry::file("model_metadata.json", METADATA),
            Entry::file("agent/model.pb", "graph"),
            entry,
        ])
    };
    let good = samples::good(100_000);
    let mut many = vec![
        Entry::file("model_metadata.json", METADATA),
        Entry::file("agent/model.pb", "g"),
    ];
    many.extend((0..1_001).map(|i| Entry::file(&format!("x/{i}"), "")));
    let cases: Vec<(&str, Vec<u8>, &str)> = vec![
        ("not-gzip", b"just text".to_vec(), "not a .tar.gz archive"),
        (
            "cut-off",
            good[..good.len() / 2].to_vec(),
            "damaged or cut off",
        ),
        (
            "no-model",
            archive(&[Entry::file("model_metadata.json", METADATA)]),
            "no agent/model.pb",
        ),
        (
            "no-metadata",
            archive(&[Entry::file("agent/model.pb", "g")]),
            "no model_metadata.json",
        ),
        (
            "bad-metadata",
            archive(&[
                Entry::file("model_metadata.json", "{"),
                Entry::file("agent/model.pb", "g"),
            ]),
            "not valid JSON",
        ),
        (
            "absolute",
            with(Entry::file("/etc/cron.d/evil", "x")),
            "unsafe path",
        ),
        (
            "dotdot",
            with(Entry::file("../../evil", "x")),
            "unsafe path",
        ),
        (
            "symlink",
            with(Entry::other("agent/l", Kind::Symlink, "/etc/passwd")),
            "link",
        ),
        (
            "hardlink",
            with(Entry::other("agent/h", Kind::HardLink, "agent/model.pb")),
            "link",
        ),
        (
            "device",
            with(Entry::other("agent/d", Kind::CharDevice, "")),
            "special file",
        ),
        ("many", archive(&many), "more than 1000 files"),
        (
            "bomb",
            archive(&[
                Entry::file("model_metadata.json", METADATA),
                Entry::file("agent/model.pb", vec![0u8; 30 << 20]),
            ]),
            "compressed more than 100:1",
        ),
    ];
    for (stem, bytes, reason) in cases {
        let model = upload_checked(&racer, &format!("{stem}.tar.gz"), bytes).await;
        assert_eq!(model.status, ModelStatus::Invalid, "{stem}");
        let said = model.reason.unwrap_or_default();
        assert!(said.contains(reason), "{stem}: {said}");
        assert_eq!(app.model_files(), 0, "{stem} left its bytes behind");
    }
}

#[tokio::test]
async fn names_sizes_and_cut_off_uploads_are_refused_without_a_trace() {
    let app = spawn_on(open_db().await, &["--max-model-mb", "1"]).await;
    let (racer, username) = app.signed_in_as(Role::Racer).await;
    let (status, body) = upload(&racer, "my%20model.tar.gz", samples::good(10)).await;
    assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY, "{body}");
    let (status, _) = upload(&racer, "model.zip", samples::good(10)).await;
    assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY);

    // Announced too large: refused before a byte is read.
    let (status, body) = upload(&racer, "big.tar.gz", samples::good(2 << 20)).await;
    assert_eq!(status, StatusCode::PAYLOAD_TOO_LARGE, "{body}");
    // Not announced (streamed in chunks): refused once the limit is passed.
    let chunks = samples::good(3 << 20)
        .chunks(64 * 1024)
        .map(|c| Ok::<_, std::io::Error>(c.to_vec()))
        .collect::<Vec<_>>();
    let res = racer
        .client
        .post(format!(
            "{}/models/upload?name=streamed.tar.gz",
            racer.base_url
        ))
        .body(reqwest::Body::wrap_stream(futures::stream::iter(chunks)))
        .send()
        .await;
    if let Ok(res) = res {
        assert_eq!(res.status(), StatusCode::PAYLOAD_TOO_LARGE);
    }

    // Cut off: the connection drops halfway through the body.
    let cookie = session_cookie(&app, &username).await;
    let address = app.base_url.trim_start_matches("http://").to_string();
    let mut socket = tokio::net::TcpStream::connect(address).await.unwrap();
    use tokio::io::AsyncWriteExt;
    let head = format!(
        "POST /models/upload?name=cut.tar.gz HTTP/1.1\r\nHost: drem\r\nCookie: {cookie}\r\nContent-Length: 500000\r\n\r\n"
    );
    socket.write_all(head.as_bytes()).await.unwrap();
    socket
        .write_all(&samples::good(400_000)[..200_000])
        .await
        .unwrap();
    drop(socket);
    tokio::time::sleep(Duration::from_millis(300)).await;

    assert_eq!(app.model_files(), 0, "nothing left behind");
    let mine: Vec<ModelSummary> = racer.call_json::<ListMyModels, _>(json!({})).await.unwrap();
    assert!(mine.is_empty(), "{mine:?}");
}

/// A fresh session cookie of `username`, for a hand-written request.
async fn session_cookie(app: &TestApp, username: &str) -> String {
    let plain = reqwest::Client::builder()
        .redirect(reqwest::redirect::Policy::none())
        .build()
        .unwrap();
    let res = plain
        .post(format!("{}/api/sign_in", app.base_url))
        .form(&[
            ("username", username),
            ("password", crate::helpers::PASSWORD),
        ])
        .send()
        .await
        .unwrap();
    res.headers()
        .get_all("set-cookie")
        .iter()
        .filter_map(|v| v.to_str().ok())
        .find(|v| v.starts_with("drem_session="))
        .and_then(|v| v.split(';').next())
        .expect("a session cookie")
        .to_string()
}

#[tokio::test]
async fn racers_reach_only_their_own_models() {
    let app = spawn_app().await;
    let (owner, _) = app.signed_in_as(Role::Racer).await;
    let (other, _) = app.signed_in_as(Role::Racer).await;
    let (operator, _) = app.signed_in_as(Role::Operator).await;
    let model = upload_checked(&owner, "mine.tar.gz", samples::good(1_000)).await;

    let theirs: Vec<ModelSummary> = other.call_json::<ListMyModels, _>(json!({})).await.unwrap();
    assert!(theirs.is_empty());
    let (status, _) = other.post_json::<ListModels>(&json!({})).await;
    assert_eq!(status, StatusCode::FORBIDDEN);
    let download = format!("{}/models/{}/download", other.base_url, model.id.0);
    let res = other.client.get(&download).send().await.unwrap();
    assert_eq!(res.status(), StatusCode::NOT_FOUND);
    let (status, _) = other
        .post_json::<DeleteModel>(&json!({"id": model.id}))
        .await;
    assert_eq!(status, StatusCode::NOT_FOUND);
    let res = app.browser().client.get(&download).send().await.unwrap();
    assert_eq!(res.status(), StatusCode::UNAUTHORIZED);
    let (status, _) = upload(&app.browser(), "anon.tar.gz", samples::good(10)).await;
    assert_eq!(status, StatusCode::UNAUTHORIZED);

    // Operators see and download everyone's, and filter them.
    let all: Vec<ModelSummary> = operator
        .call_json::<ListModels, _>(json!({"owner": model.owner, "status": "available"}))
        .await
        .unwrap();
    assert_eq!(all.len(), 1);
    let none: Vec<ModelSummary> = operator
        .call_json::<ListModels, _>(json!({"status": "invalid"}))
        .await
        .unwrap();
    assert!(none.is_empty());
    let res = operator
        .client
        .get(format!(
            "{}/models/{}/download",
            operator.base_url, model.id.0
        ))
        .send()
        .await
        .unwrap();
    assert_eq!(res.status(), StatusCode::OK);
    operator
        .call_json::<DeleteModel, ()>(json!({"id": model.id}))
        .await
        .unwrap();
    assert_eq!(app.model_files(), 0);
}

#[tokio::test]
async fn retention_deletes_models_older_than_the_setting() {
    let db = open_db().await;
    let app = spawn_on(db.clone(), &[]).await;
    let (racer, _) = app.signed_in_as(Role::Racer).await;
    let old = upload_checked(&racer, "old.tar.gz", samples::good(1_000)).await;
    let new = upload_checked(&racer, "new.tar.gz", samples::good(1_000)).await;
    db.query("UPDATE type::record('model', $id) SET uploaded_at = time::now() - 10d")
        .bind(("id", old.id.0.clone()))
        .await
        .unwrap()
        .check()
        .unwrap();
    let admin = app.admin().await;
    let (status, _) = admin
        .post_json::<SetModelRetention>(&json!({"days": 0}))
        .await;
    assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY);
    let deleted: usize = admin
        .call_json::<SetModelRetention, _>(json!({"days": 7}))
        .await
        .unwrap();
    assert_eq!(deleted, 1);
    let mine: Vec<ModelSummary> = racer.call_json::<ListMyModels, _>(json!({})).await.unwrap();
    assert_eq!(mine.iter().map(|m| &m.id).collect::<Vec<_>>(), [&new.id]);
    assert_eq!(app.model_files(), 1);
}

#[tokio::test]
async fn a_deleted_account_takes_its_models_along() {
    let app = spawn_app().await;
    let (racer, _) = app.signed_in_as(Role::Racer).await;
    upload_checked(&racer, "gone.tar.gz", samples::good(1_000)).await;
    assert_eq!(app.model_files(), 1);
    racer
        .call::<app::accounts::api::DeleteAccount, ()>(&[("password", crate::helpers::PASSWORD)])
        .await
        .unwrap();
    assert_eq!(app.model_files(), 0);
}

#[tokio::test]
async fn model_pages_hear_of_uploads_and_checks_live() {
    let app = spawn_app().await;
    let (racer, _) = app.signed_in_as(Role::Racer).await;
    let (other, _) = app.signed_in_as(Role::Racer).await;
    let (operator, _) = app.signed_in_as(Role::Operator).await;
    let url = |b: &Browser, q: &str| format!("{}/live/models{q}", b.base_url);
    let refused = racer
        .client
        .get(url(&racer, "?all=1"))
        .send()
        .await
        .unwrap();
    assert_eq!(
        refused.status(),
        StatusCode::FORBIDDEN,
        "all models are for operators"
    );
    let anonymous = app
        .browser()
        .client
        .get(url(&racer, ""))
        .send()
        .await
        .unwrap();
    assert_eq!(anonymous.status(), StatusCode::UNAUTHORIZED);

    let open = |browser: &Browser, query: &'static str| {
        let request = browser.client.get(url(browser, query));
        async move { Events::of(request.send().await.unwrap()) }
    };
    let mut mine = open(&racer, "").await;
    let mut theirs = open(&other, "").await;
    let mut all = open(&operator, "?all=1").await;
    for stream in [&mut mine, &mut theirs, &mut all] {
        assert_eq!(
            stream.next_named("models").await,
            "changed",
            "first: load the list"
        );
    }
    upload_checked(&racer, "live.tar.gz", samples::good(1_000)).await;
    // Uploaded, checking, available: the owner's page and the operators' hear of each.
    for _ in 0..3 {
        mine.next_named("models").await;
        all.next_named("models").await;
    }
    let heard = tokio::time::timeout(Duration::from_millis(300), theirs.next_named("models")).await;
    assert!(heard.is_err(), "another racer hears nothing");
}

/// An S3-compatible server (moto's, installed by `.ci/tools`) on a free port, stopped
/// when dropped.
struct S3Server {
    child: std::process::Child,
    endpoint: String,
}

impl Drop for S3Server {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

impl S3Server {
    async fn start() -> S3Server {
        let program = std::env::var("DREM_TEST_S3_SERVER").unwrap_or_else(|_| {
            concat!(
                env!("CARGO_MANIFEST_DIR"),
                "/../end2end/.venv-s3/bin/moto_server"
            )
            .into()
        });
        let port = std::net::TcpListener::bind("127.0.0.1:0")
            .unwrap()
            .local_addr()
            .unwrap()
            .port();
        let child = std::process::Command::new(&program)
            .args(["-H", "127.0.0.1", "-p", &port.to_string()])
            .stdout(std::process::Stdio::null())
            .stderr(std::process::Stdio::null())
            .spawn()
            .unwrap_or_else(|e| panic!("{program}: {e} (bash .ci/tools installs it)"));
        let server = S3Server {
            child,
            endpoint: format!("http://127.0.0.1:{port}"),
        };
        for _ in 0..100 {
            if reqwest::get(&server.endpoint).await.is_ok() {
                return server;
            }
            tokio::time::sleep(Duration::from_millis(100)).await;
        }
        panic!("the S3 server did not start");
    }

    /// Object keys in `bucket`.
    async fn keys(&self, bucket: &str) -> usize {
        let listing = reqwest::get(format!("{}/{bucket}?list-type=2", self.endpoint))
            .await
            .unwrap()
            .text()
            .await
            .unwrap();
        listing.matches("<Key>").count()
    }
}

#[tokio::test]
async fn models_can_live_in_an_s3_bucket() {
    let s3 = S3Server::start().await;
    let client = reqwest::Client::new();
    let made = client
        .put(format!("{}/drem-models", s3.endpoint))
        .send()
        .await
        .unwrap();
    assert!(made.status().is_success());
    // The object store reads its S3 settings from the environment, as in production.
    for (key, value) in [
        ("AWS_ENDPOINT", s3.endpoint.as_str()),
        ("AWS_ALLOW_HTTP", "true"),
        ("AWS_ACCESS_KEY_ID", "drem-test"),
        ("AWS_SECRET_ACCESS_KEY", "drem-test-secret"),
        ("AWS_REGION", "us-east-1"),
    ] {
        std::env::set_var(key, value);
    }
    let app = spawn_on(
        open_db().await,
        &["--model-store", "s3://drem-models/venue"],
    )
    .await;
    let (racer, _) = app.signed_in_as(Role::Racer).await;
    // Larger than one 5 MiB part: a real multipart upload.
    let bytes = samples::good(12 << 20);
    let model = upload_checked(&racer, "bucketed.tar.gz", bytes.clone()).await;
    assert_eq!(model.status, ModelStatus::Available, "{:?}", model.reason);
    assert_eq!(s3.keys("drem-models").await, 1);
    let res = racer
        .client
        .get(format!("{}/models/{}/download", racer.base_url, model.id.0))
        .send()
        .await
        .unwrap();
    assert_eq!(res.bytes().await.unwrap().as_ref(), bytes.as_slice());

    let hostile = archive(&[
        Entry::file("model_metadata.json", METADATA),
        Entry::other("agent/model.pb", Kind::Symlink, "/etc/passwd"),
    ]);
    let refused = upload_checked(&racer, "hostile.tar.gz", hostile).await;
    assert_eq!(refused.status, ModelStatus::Invalid);
    racer
        .call_json::<DeleteModel, ()>(json!({"id": model.id}))
        .await
        .unwrap();
    assert_eq!(
        s3.keys("drem-models").await,
        0,
        "nothing left in the bucket"
    );
}

#[tokio::test]
async fn files_without_a_record_are_swept_and_racers_have_a_quota() {
    // A file a crash left behind two hours ago, the partial file of an upload a crash
    // cut off (the store's temporary name), and a file being written right now.
    let dir = tempfile::tempdir().unwrap();
    let stale = dir.path().join("models/someone/0000000000000001.tar.gz");
    let partial = dir.path().join("models/someone/0000000000000003.tar.gz#1");
    let fresh = dir.path().join("models/someone/0000000000000002.tar.gz");
    std::fs::create_dir_all(stale.parent().unwrap()).unwrap();
    std::fs::write(&stale, b"left over").unwrap();
    std::fs::write(&partial, b"half an upload").unwrap();
    std::fs::write(&fresh, b"in progress").unwrap();
    let two_hours_ago = std::time::SystemTime::now() - Duration::from_secs(7200);
    for old in [&stale, &partial] {
        std::fs::File::options()
            .write(true)
            .open(old)
            .unwrap()
            .set_modified(two_hours_ago)
            .unwrap();
    }
    let store = format!("file://{}", dir.path().display());
    let app = spawn_on(open_db().await, &["--model-store", &store]).await;
    for _ in 0..50 {
        if !stale.exists() && !partial.exists() {
            break;
        }
        tokio::time::sleep(Duration::from_millis(50)).await;
    }
    assert!(!stale.exists(), "the old orphan is swept at start");
    assert!(!partial.exists(), "so is the old partial upload");
    assert!(fresh.exists(), "a recent file is left alone");

    let (racer, _) = app.signed_in_as(Role::Racer).await;
    for i in 0..model_archive_quota() {
        let (status, body) = upload(&racer, &format!("m{i}.tar.gz"), samples::good(100)).await;
        assert_eq!(status, StatusCode::CREATED, "{body}");
    }
    let (status, body) = upload(&racer, "one-too-many.tar.gz", samples::good(100)).await;
    assert_eq!(status, StatusCode::CONFLICT, "{body}");
}

fn model_archive_quota() -> usize {
    app::domain::model_name::MAX_MODELS_PER_RACER
}
