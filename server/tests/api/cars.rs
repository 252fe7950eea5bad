//! Cars against the simulated console (`server/tests/car_sim`, copied from the car's
//! own web server): activation with the certificate pinned, a changed certificate
//! refused until trusted, passwords sealed at rest, one session per car, models sent
//! under each racer's name and checked on the car, loading from a freshly booted car,
//! clean car, the tail light following races, the battery's whole range, an
//! unreachable car reported without slowing the others, fleets, and restarts.

use crate::car_sim::{LoadStatus, Mode, SimCar};
use crate::helpers::{open_db, spawn_app, spawn_on, Browser};
use crate::models::upload_checked;
use crate::races::{command, start, track_with_rules};
use app::cars::api::*;
use app::cars::fleets_api::*;
use app::domain::roles::Role;
use app::wire::{CarInfo, CarModel, FleetId, FleetInfo, ModelStatus, TrackKit};
use reqwest::StatusCode;
use serde_json::json;
use std::time::Duration;

pub async fn activate(op: &Browser, car: &SimCar, name: &str) -> CarInfo {
    op.call_json::<ActivateCar, _>(
        json!({"name": name, "address": car.address, "password": car.password, "fleet": null}),
    )
    .await
    .unwrap()
}

pub async fn cars(op: &Browser) -> Vec<CarInfo> {
    op.call_json::<ListCars, _>(json!({})).await.unwrap()
}

/// Waits (up to `secs`) until the car list satisfies `done`.
pub async fn until(
    op: &Browser,
    secs: u64,
    what: &str,
    done: impl Fn(&[CarInfo]) -> bool,
) -> Vec<CarInfo> {
    for _ in 0..secs * 10 {
        let list = cars(op).await;
        if done(&list) {
            return list;
        }
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
    panic!("timed out waiting until {what}: {:#?}", cars(op).await);
}

#[tokio::test]
async fn a_car_is_activated_with_its_certificate_pinned_and_a_changed_one_is_refused_until_trusted()
{
    let db = open_db().await;
    let app = spawn_on(db.clone(), &[]).await;
    let (op, _) = app.signed_in_as(Role::Operator).await;
    let car = SimCar::start().await;

    let wrong = op
        .call_json::<ActivateCar, CarInfo>(
            json!({"name": "Car 7", "address": car.address, "password": "guess", "fleet": null}),
        )
        .await;
    crate::helpers::assert_invalid(wrong, "password");
    let bad_address = op
        .call_json::<ActivateCar, CarInfo>(
            json!({"name": "Car 7", "address": "http://10.0.0.1", "password": "x", "fleet": null}),
        )
        .await;
    crate::helpers::assert_invalid(bad_address, "address");

    let added = activate(&op, &car, "Car 7").await;
    assert_eq!(added.name, "Car 7");
    assert!(added.online);
    assert_eq!(added.battery, Some(8));
    assert_eq!(added.software_version.as_deref(), Some("2.0.383.0"));
    assert_eq!(
        added.certificate,
        car.fingerprint(),
        "the certificate shown is pinned"
    );
    assert!(car.with_state(|s| s.sign_ins) >= 1);
    assert_eq!(
        car.with_state(|s| s.csrf_refused),
        0,
        "every write carried the CSRF token"
    );

    // Sealed at rest, never on a page.
    let listed = serde_json::to_string(&cars(&op).await).unwrap();
    assert!(!listed.contains(&car.password));
    let stored: Vec<String> = db
        .query("SELECT VALUE password FROM car")
        .await
        .unwrap()
        .take(0)
        .unwrap();
    assert_eq!(stored.len(), 1);
    assert!(
        !stored[0].contains(&car.password),
        "the password is not stored in plain text"
    );

    op.call_json::<SetCarTailLight, ()>(json!({"car": added.id, "colour": "#FF8200"}))
        .await
        .unwrap();
    // The light changes in calibration mode only; the car is left autonomous, stopped.
    assert_eq!(car.with_state(|s| s.led), (255, 130, 0));
    assert_eq!(
        car.with_state(|s| (s.mode, s.active)),
        (Mode::Autonomous, false)
    );
    let bad_colour = op
        .call_json::<SetCarTailLight, ()>(json!({"car": added.id, "colour": "orange"}))
        .await;
    crate::helpers::assert_invalid(bad_colour, "colour");

    // The car is reinstalled: a new certificate is refused with a clear message.
    car.replace_certificate();
    // (Its restart ends drem's open connection to it: give that a moment.)
    tokio::time::sleep(Duration::from_millis(200)).await;
    let refused = op
        .call_json::<SetCarTailLight, ()>(json!({"car": added.id, "colour": "#00FF00"}))
        .await
        .unwrap_err();
    assert_eq!(refused.status, StatusCode::BAD_GATEWAY);
    assert!(
        refused.error.to_string().contains("certificate changed"),
        "{}",
        refused.error
    );
    assert_eq!(car.with_state(|s| s.led), (255, 130, 0), "nothing was sent");
    let now = cars(&op).await.remove(0);
    assert_eq!(
        now.new_certificate.as_deref(),
        Some(car.fingerprint().as_str())
    );
    assert!(!now.online);

    op.call_json::<TrustCarCertificate, ()>(json!({"car": added.id}))
        .await
        .unwrap();
    op.call_json::<SetCarTailLight, ()>(json!({"car": added.id, "colour": "#00FF00"}))
        .await
        .unwrap();
    assert_eq!(car.with_state(|s| s.led), (0, 255, 0));
    let trusted = cars(&op).await.remove(0);
    assert_eq!(trusted.certificate, car.fingerprint());
    assert_eq!(trusted.new_certificate, None);
    assert!(trusted.online);
}

#[tokio::test]
async fn a_car_added_again_is_known_by_its_certificate() {
    let app = spawn_app().await;
    let (op, _) = app.signed_in_as(Role::Operator).await;
    let car = SimCar::start_on(0, "pw-1").await;
    let first = activate(&op, &car, "Car 1").await;
    let again = activate(&op, &car, "Renamed").await;
    assert_eq!(again.id, first.id, "same certificate, same car");
    let list = cars(&op).await;
    assert_eq!(list.len(), 1);
    assert_eq!(list[0].name, "Renamed");
    // Another car (its own certificate) is another car.
    let other = activate(&op, &SimCar::start_on(0, "pw-2").await, "Car 2").await;
    assert_ne!(other.id, first.id);
}

#[tokio::test]
async fn models_are_sent_to_cars_seen_there_loaded_and_cleaned_away() {
    let app = spawn_app().await;
    let (op, _) = app.signed_in_as(Role::Operator).await;
    let (racer, racer_name) = app.signed_in_as(Role::Racer).await;
    let model = upload_checked(
        &racer,
        "fast-lap.tar.gz",
        model_archive::samples::good(2 << 20),
    )
    .await;
    let folder = format!("{racer_name}-fast-lap");
    assert_eq!(model.status, ModelStatus::Available);
    let (car_a, car_b) = (SimCar::start().await, SimCar::start().await);
    let a = activate(&op, &car_a, "Car A").await;
    let b = activate(&op, &car_b, "Car B").await;

    let answers: Vec<(app::wire::CarId, Option<String>)> = op
        .call_json::<SendModels, _>(json!({"cars": [a.id, b.id], "models": [model.id]}))
        .await
        .unwrap();
    assert!(answers.iter().all(|(_, e)| e.is_none()), "{answers:?}");
    let done = until(&op, 20, "both transfers finish", |list| {
        list.iter()
            .all(|c| c.transfer.as_ref().is_some_and(|t| t.done))
    })
    .await;
    for car in &done {
        let t = car.transfer.as_ref().unwrap();
        assert_eq!(t.sent_bytes, t.total_bytes);
        assert_eq!(t.total_bytes, model.size_bytes);
    }
    // Installed as the car installs: a folder named after the racer and the model.
    for sim in [&car_a, &car_b] {
        assert_eq!(sim.model_folders(), std::slice::from_ref(&folder));
        assert_eq!(
            sim.model_files(&folder),
            ["checksum.txt", "model.pb", "model_metadata.json"]
        );
    }
    let on_a: Vec<CarModel> = op
        .call_json::<ListCarModels, _>(json!({"car": a.id}))
        .await
        .unwrap();
    assert_eq!(on_a.len(), 1);
    assert_eq!(on_a[0].folder, folder);
    assert_eq!(on_a[0].name, "model");
    assert_eq!(on_a[0].sensors, ["Front-facing camera"]);
    assert!(on_a[0].runnable);
    assert_eq!(
        on_a[0].owner.as_deref(),
        Some(racer_name.as_str()),
        "whose it is"
    );
    assert_eq!(on_a[0].model.as_deref(), Some("fast-lap.tar.gz"));

    // A freshly booted car is in manual mode, where a load is accepted and ignored:
    // drem stops the car, switches it to autonomous and waits for the load.
    assert_eq!(car_a.with_state(|s| s.mode), Mode::Manual);
    op.call_json::<LoadCarModel, ()>(json!({"car": a.id, "folder": folder}))
        .await
        .unwrap();
    assert_eq!(car_a.with_state(|s| s.loaded.clone()), Some(folder.clone()));
    assert_eq!(car_a.with_state(|s| s.load_status), LoadStatus::Loaded);
    assert_eq!(
        car_a.with_state(|s| (s.mode, s.active)),
        (Mode::Autonomous, false),
        "never left running on a newly loaded model"
    );
    let listed = cars(&op).await;
    assert_eq!(listed[0].loaded_model.as_deref(), Some(folder.as_str()));

    let cleaned: usize = op
        .call_json::<DeleteCarModels, _>(json!({"car": a.id}))
        .await
        .unwrap();
    assert_eq!(cleaned, 1);
    assert!(
        car_a.model_folders().is_empty(),
        "clean car leaves no model"
    );
    assert_eq!(
        car_b.model_folders(),
        std::slice::from_ref(&folder),
        "the other car keeps its own"
    );
    assert_eq!(cars(&op).await[0].loaded_model, None);

    let none = op
        .call_json::<SendModels, Vec<(app::wire::CarId, Option<String>)>>(
            json!({"cars": [a.id], "models": []}),
        )
        .await;
    crate::helpers::assert_invalid(none, "models");
}

#[tokio::test]
async fn the_tail_light_follows_the_race_and_the_end_stops_the_car() {
    let app = spawn_app().await;
    let (op, _) = app.signed_in_as(Role::Operator).await;
    let (racer, _) = app.signed_in_as(Role::Racer).await;
    let racer = racer.current_user().await.unwrap();
    let track = track_with_rules(&op, json!({})).await;
    let sim = SimCar::start().await;
    let car = activate(&op, &sim, "Car 3").await;
    let fleet: FleetId = op
        .call_json::<CreateFleet, _>(json!({"name": "Kit A"}))
        .await
        .unwrap();
    op.call_json::<UpdateCar, ()>(json!({"car": car.id, "name": "Car 3", "fleet": fleet}))
        .await
        .unwrap();
    op.call_json::<SetTrackFleet, ()>(json!({"track": track.id, "fleet": fleet}))
        .await
        .unwrap();
    op.call_json::<SetTrackCar, ()>(json!({"track": track.id, "car": car.id}))
        .await
        .unwrap();
    let kit: TrackKit = op
        .call_json::<GetTrackKit, _>(json!({"track": track.id}))
        .await
        .unwrap();
    assert_eq!(kit.car.as_ref(), Some(&car.id));
    assert_eq!(kit.cars.len(), 1);

    // The racer's colour as soon as they are on the track, before the car drives
    // (changing the light needs the calibration mode, which stops the car).
    let ready = start(&op, &track, &racer.id).await.unwrap();
    let colour = app::ssr::cars::actions::parse_colour(&ready.racer_colour).unwrap();
    wait_for(|| sim.with_state(|s| s.led) == colour, "the racer's colour").await;
    let running = command(&op, &ready, json!({"command": "start"}))
        .await
        .unwrap();
    command(&op, &running, json!({"command": "end"}))
        .await
        .unwrap();
    wait_for(
        || {
            sim.with_state(|s| (s.led, s.active, s.mode))
                == ((255, 255, 255), false, Mode::Autonomous)
        },
        "white and stopped",
    )
    .await;
}

async fn wait_for(done: impl Fn() -> bool, what: &str) {
    for _ in 0..100 {
        if done() {
            return;
        }
        tokio::time::sleep(Duration::from_millis(50)).await;
    }
    panic!("timed out waiting for {what}");
}

#[tokio::test]
async fn a_car_that_stops_answering_is_reported_without_slowing_the_others() {
    let app = spawn_on(open_db().await, &["--car-poll-seconds", "1"]).await;
    let (op, _) = app.signed_in_as(Role::Operator).await;
    let (good, silent) = (SimCar::start().await, SimCar::start().await);
    activate(&op, &good, "Good car").await;
    let quiet = activate(&op, &silent, "Silent car").await;
    silent.hang(true);
    good.set_battery(3);

    // The good car's new battery shows within a couple of polls, long before the silent
    // car's console times out.
    let started = std::time::Instant::now();
    until(&op, 4, "the good car's battery", |list| {
        list.iter()
            .any(|c| c.name == "Good car" && c.battery == Some(3))
    })
    .await;
    assert!(started.elapsed() < Duration::from_secs(4));
    let list = until(&op, 15, "the silent car is offline", |list| {
        list.iter().any(|c| c.id == quiet.id && !c.online)
    })
    .await;
    let reported = list.iter().find(|c| c.id == quiet.id).unwrap();
    assert!(
        reported
            .problem
            .as_deref()
            .unwrap_or("")
            .contains("does not answer"),
        "{reported:?}"
    );
    // A call to the silent car fails in bounded time, with the car named.
    let refused = op
        .call_json::<SetCarTailLight, ()>(json!({"car": quiet.id, "colour": "#FFFFFF"}))
        .await
        .unwrap_err();
    assert_eq!(refused.status, StatusCode::BAD_GATEWAY);
    assert!(
        refused.error.to_string().starts_with("Silent car"),
        "{}",
        refused.error
    );
}

#[tokio::test]
async fn fleets_group_cars_and_tracks_offer_only_their_fleets_cars() {
    let app = spawn_app().await;
    let (op, _) = app.signed_in_as(Role::Operator).await;
    let track = track_with_rules(&op, json!({})).await;
    let sim = SimCar::start().await;
    let car = activate(&op, &sim, "Car 9").await;
    let kit_a: FleetId = op
        .call_json::<CreateFleet, _>(json!({"name": "Kit A"}))
        .await
        .unwrap();
    let kit_b: FleetId = op
        .call_json::<CreateFleet, _>(json!({"name": "Kit B"}))
        .await
        .unwrap();
    let duplicate = op
        .call_json::<CreateFleet, FleetId>(json!({"name": "Kit A"}))
        .await;
    crate::helpers::assert_invalid(duplicate, "name");
    op.call_json::<RenameFleet, ()>(json!({"fleet": kit_b, "name": "Kit Bravo"}))
        .await
        .unwrap();
    op.call_json::<UpdateCar, ()>(json!({"car": car.id, "name": "Car 9", "fleet": kit_a}))
        .await
        .unwrap();
    let fleets: Vec<FleetInfo> = op.call_json::<ListFleets, _>(json!({})).await.unwrap();
    let names: Vec<(String, u32)> = fleets.iter().map(|f| (f.name.clone(), f.cars)).collect();
    assert_eq!(
        names,
        [("Kit A".to_string(), 1), ("Kit Bravo".to_string(), 0)]
    );

    op.call_json::<SetTrackFleet, ()>(json!({"track": track.id, "fleet": kit_b}))
        .await
        .unwrap();
    let kit: TrackKit = op
        .call_json::<GetTrackKit, _>(json!({"track": track.id}))
        .await
        .unwrap();
    assert!(kit.cars.is_empty(), "Kit Bravo has no car");
    let refused = op
        .call_json::<SetTrackCar, ()>(json!({"track": track.id, "car": car.id}))
        .await
        .unwrap_err();
    assert_eq!(refused.status, StatusCode::CONFLICT);

    op.call_json::<DeleteFleet, ()>(json!({"fleet": kit_a}))
        .await
        .unwrap();
    assert_eq!(cars(&op).await[0].fleet, None, "its cars stay, in no fleet");
}

#[tokio::test]
async fn a_restart_without_an_ssh_key_says_so_and_keys_are_checked() {
    let app = spawn_app().await;
    let (op, _) = app.signed_in_as(Role::Operator).await;
    let sim = SimCar::start().await;
    let car = activate(&op, &sim, "Car 1").await;
    let refused = op
        .call_json::<RestartCar, ()>(json!({"car": car.id}))
        .await
        .unwrap_err();
    assert_eq!(refused.status, StatusCode::CONFLICT);
    assert!(
        refused.error.to_string().contains("No SSH key"),
        "{}",
        refused.error
    );

    let not_a_key = op
        .call_json::<SetCarSsh, ()>(json!({"user": "deepracer", "key": "hunter2"}))
        .await;
    crate::helpers::assert_invalid(not_a_key, "key");
    let key = "-----BEGIN OPENSSH PRIVATE KEY-----\nAAAA\n-----END OPENSSH PRIVATE KEY-----";
    op.call_json::<SetCarSsh, ()>(json!({"user": "deepracer", "key": key}))
        .await
        .unwrap();
    let user: Option<String> = op.call_json::<GetCarSsh, _>(json!({})).await.unwrap();
    assert_eq!(user.as_deref(), Some("deepracer"));
}

#[tokio::test]
async fn labels_carry_the_console_address_never_the_password() {
    let app = spawn_app().await;
    let (op, _) = app.signed_in_as(Role::Operator).await;
    let sim = SimCar::start().await;
    activate(&op, &sim, "Car 5").await;
    let labels: Vec<(String, String, String)> =
        op.call_json::<CarLabels, _>(json!({})).await.unwrap();
    assert_eq!(labels.len(), 1);
    let (name, address, svg) = &labels[0];
    assert_eq!(
        (name.as_str(), address.as_str()),
        ("Car 5", sim.address.as_str())
    );
    assert!(svg.starts_with("<?xml") || svg.contains("<svg"));
    assert!(!svg.contains(&sim.password) && !address.contains(&sim.password));
}

#[tokio::test]
async fn a_race_records_the_car_it_ran_with_even_one_swapped_mid_race() {
    let app = spawn_app().await;
    let (op, _) = app.signed_in_as(Role::Operator).await;
    let (racer, _) = app.signed_in_as(Role::Racer).await;
    let racer = racer.current_user().await.unwrap();
    let track = track_with_rules(&op, json!({})).await;
    let (sim_a, sim_b) = (SimCar::start().await, SimCar::start().await);
    let (first, second) = (
        activate(&op, &sim_a, "Car 3").await,
        activate(&op, &sim_b, "Car 7").await,
    );
    op.call_json::<SetTrackCar, ()>(json!({"track": track.id, "car": first.id}))
        .await
        .unwrap();
    let ready = start(&op, &track, &racer.id).await.unwrap();
    assert_eq!(ready.car.as_deref(), Some("Car 3"));

    // Car 3 breaks down: the operator puts Car 7 on the track during the race.
    op.call_json::<SetTrackCar, ()>(json!({"track": track.id, "car": second.id}))
        .await
        .unwrap();
    let desk: app::wire::RaceDesk = op
        .call_json::<app::race::api::GetRaceDesk, _>(json!({"track": track.id}))
        .await
        .unwrap();
    let open = desk.race.expect("the race is still open");
    assert_eq!(open.car.as_deref(), Some("Car 7"));
    let running = command(&op, &open, json!({"command": "start"}))
        .await
        .unwrap();
    tokio::time::sleep(Duration::from_millis(20)).await;
    let lapped = command(
        &op,
        &running,
        json!({"command": "capture_lap", "source": "manual"}),
    )
    .await
    .unwrap();
    let ended = command(&op, &lapped, json!({"command": "end"}))
        .await
        .unwrap();
    command(&op, &ended, json!({"command": "submit"}))
        .await
        .unwrap();

    // Renamed later, the car keeps its old name on the race it ran.
    op.call_json::<UpdateCar, ()>(json!({"car": second.id, "name": "Spare", "fleet": null}))
        .await
        .unwrap();
    let races: Vec<app::wire::RaceSummary> = op
        .call_json::<app::race::admin_api::ListRaces, _>(
            json!({"event": track.event, "track": null, "racer": null}),
        )
        .await
        .unwrap();
    assert_eq!(races.len(), 1);
    assert_eq!(races[0].car.as_deref(), Some("Car 7"));
    let (_, laps) =
        crate::race_admin::download(&op, &format!("/exports/{}/laps.csv", track.event.0)).await;
    let lap_row = laps.lines().nth(1).unwrap_or_default().to_string();
    assert!(lap_row.contains(",Car 7,"), "{laps}");

    // A race on a track with no car chosen names none.
    op.call_json::<SetTrackCar, ()>(json!({"track": track.id, "car": null}))
        .await
        .unwrap();
    let bare = start(&op, &track, &racer.id).await.unwrap();
    assert_eq!(bare.car, None);
}
