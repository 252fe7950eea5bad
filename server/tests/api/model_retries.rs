//! A model store that fails during a check is not the archive's fault: the model goes
//! back to "uploaded" with a note, and drem checks it again until the store answers.

use crate::helpers::{open_db, spawn_on};
use app::domain::roles::Role;
use app::models::api::ListMyModels;
use app::wire::{ModelStatus, ModelSummary};
use serde_json::json;
use std::time::{Duration, Instant};

#[tokio::test]
async fn a_check_the_store_failed_is_retried_until_it_answers() {
    let db = open_db().await;
    let store = tempfile::tempdir().unwrap();
    let url = format!("file://{}", store.path().display());
    let flags = ["--model-store", url.as_str()];
    let first = spawn_on(db.clone(), &flags).await;
    let (racer, _) = first.signed_in_as(Role::Racer).await;
    let owner = racer.current_user().await.unwrap().id;

    // A model recorded as uploaded whose bytes the store cannot read: a folder stands
    // where the archive should be (as a crash before the check would leave it).
    let object = format!("models/{}/late.tar.gz", owner.0);
    let path = store.path().join(&object);
    std::fs::create_dir_all(&path).unwrap();
    let bytes = model_archive::samples::good(2_000);
    let id =
        app::ssr::storage::models::create(&db, &owner, "late.tar.gz", &object, bytes.len() as u64)
            .await
            .unwrap();
    let mine = || async {
        let list: Vec<ModelSummary> = racer.call_json::<ListMyModels, _>(json!({})).await.unwrap();
        list.into_iter()
            .find(|m| m.id == id)
            .expect("the model is listed")
    };

    // A second drem on the database checks what was left unchecked when it starts.
    let _second = spawn_on(db.clone(), &flags).await;
    let deadline = Instant::now() + Duration::from_secs(10);
    let waiting = loop {
        let model = mine().await;
        if model
            .reason
            .as_deref()
            .is_some_and(|r| r.contains("did not answer"))
        {
            break model;
        }
        assert!(Instant::now() < deadline, "no retry note: {model:?}");
        tokio::time::sleep(Duration::from_millis(50)).await;
    };
    assert_eq!(
        waiting.status,
        ModelStatus::Uploaded,
        "not the archive's fault"
    );

    // The store answers again: the next try finds a good archive.
    std::fs::remove_dir(&path).unwrap();
    std::fs::write(&path, &bytes).unwrap();
    let deadline = Instant::now() + Duration::from_secs(15);
    loop {
        let model = mine().await;
        if model.status == ModelStatus::Available {
            assert_eq!(model.reason, None);
            break;
        }
        assert!(Instant::now() < deadline, "not checked again: {model:?}");
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
}
