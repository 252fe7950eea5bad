//! What the car's real console does that a naive client gets wrong (all simulated as
//! the car does it, `server/tests/car_sim`): one signed-in session at a time, a wrong
//! password answered 200 "failure", the battery's 0–11 and −1, and an upload answered
//! "success" that installed nothing.

use crate::car_sim::SimCar;
use crate::cars::{activate, cars, until};
use crate::helpers::{open_db, spawn_app, spawn_on};
use crate::models::upload_checked;
use app::cars::api::*;
use app::domain::roles::Role;
use app::wire::{CarInfo, CarModel};
use reqwest::StatusCode;
use serde_json::json;
use std::time::Duration;

#[tokio::test]
async fn one_session_per_car_serves_the_poll_and_every_action() {
    let app = spawn_on(open_db().await, &["--car-poll-seconds", "1"]).await;
    let (op, _) = app.signed_in_as(Role::Operator).await;
    let sim = SimCar::start().await;
    let car = activate(&op, &sim, "Car 1").await;
    // Polls and actions for a few seconds: one sign-in, never a session signed out.
    for _ in 0..3 {
        let _: Vec<CarModel> = op
            .call_json::<ListCarModels, _>(json!({"car": car.id}))
            .await
            .unwrap();
        tokio::time::sleep(Duration::from_millis(700)).await;
    }
    assert_eq!(sim.with_state(|s| s.sign_ins), 1, "one session, kept");
    assert_eq!(sim.with_state(|s| s.stale_tokens), 0, "none signed out");

    // Someone signs in to the car's own page: drem's next call is refused with 401,
    // signs in again once and goes on.
    sim.sign_in_elsewhere();
    op.call_json::<SetCarTailLight, ()>(json!({"car": car.id, "colour": "#00FF00"}))
        .await
        .expect("signed in again and done");
    assert_eq!(sim.with_state(|s| s.led), (0, 255, 0));
    assert_eq!(sim.with_state(|s| s.sign_ins), 2);
}

#[tokio::test]
async fn a_wrong_password_and_a_refused_sign_in_are_told_apart() {
    let app = spawn_app().await;
    let (op, _) = app.signed_in_as(Role::Operator).await;
    let sim = SimCar::start().await;
    let activate_with = |password: &str| {
        op.call_json::<ActivateCar, CarInfo>(
            json!({"name": "Car 1", "address": sim.address, "password": password, "fleet": null}),
        )
    };
    // The console answers a wrong password with 200 and the text "failure".
    crate::helpers::assert_invalid(activate_with("guess").await, "password");
    // Its CSRF check refuses the sign-in itself (400): not the password's fault.
    sim.garble_csrf(true);
    let refused = activate_with(&sim.password).await.unwrap_err();
    assert_eq!(refused.status, StatusCode::BAD_GATEWAY);
    let said = refused.error.to_string();
    assert!(said.contains("refused the sign-in request"), "{said}");
    assert!(said.contains("CSRF"), "{said}");
    assert!(!said.contains("password"), "{said}");
}

#[tokio::test]
async fn the_battery_reads_from_empty_to_full_and_says_when_none_is_connected() {
    let app = spawn_on(open_db().await, &["--car-poll-seconds", "1"]).await;
    let (op, _) = app.signed_in_as(Role::Operator).await;
    let sim = SimCar::start().await;
    let car = activate(&op, &sim, "Car 1").await;
    for level in [11, 0, -1] {
        sim.set_battery(level);
        until(&op, 5, &format!("battery {level}"), |list: &[CarInfo]| {
            list.iter()
                .any(|c| c.id == car.id && c.battery == Some(level as i8))
        })
        .await;
    }
    assert_eq!(app::wire::battery_text(11), "100 %");
    assert_eq!(app::wire::battery_text(-1), "no battery connected");
    assert!(
        cars(&op).await[0].online,
        "no battery is no failure of the car"
    );
}

#[tokio::test]
async fn an_upload_the_car_answered_but_did_not_install_is_reported() {
    let app = spawn_app().await;
    let (op, _) = app.signed_in_as(Role::Operator).await;
    let (racer, _) = app.signed_in_as(Role::Racer).await;
    let model = upload_checked(&racer, "lap.tar.gz", model_archive::samples::good(4_000)).await;
    let sim = SimCar::start().await;
    let car = activate(&op, &sim, "Car 1").await;
    sim.fail_installs(true);
    let _: Vec<(app::wire::CarId, Option<String>)> = op
        .call_json::<SendModels, _>(json!({"cars": [car.id], "models": [model.id]}))
        .await
        .unwrap();
    let list = until(&op, 10, "the transfer fails", |list: &[CarInfo]| {
        list.iter()
            .any(|c| c.transfer.as_ref().is_some_and(|t| t.error.is_some()))
    })
    .await;
    let error = list[0].transfer.as_ref().unwrap().error.clone().unwrap();
    assert!(error.contains("installed no model"), "{error}");
}

#[tokio::test]
async fn a_restart_turns_ssh_on_through_the_console_first() {
    let app = spawn_app().await;
    let (op, _) = app.signed_in_as(Role::Operator).await;
    let sim = SimCar::start().await;
    let car = activate(&op, &sim, "Car 1").await;
    assert!(!sim.with_state(|s| s.ssh_enabled), "off as shipped");
    let key = "-----BEGIN OPENSSH PRIVATE KEY-----\nAAAA\n-----END OPENSSH PRIVATE KEY-----";
    op.call_json::<SetCarSsh, ()>(json!({"user": "deepracer", "key": key}))
        .await
        .unwrap();
    // No SSH server answers for the simulated car: the restart fails, saying so, but
    // only after SSH was turned on through the console.
    let failed = op
        .call_json::<RestartCar, ()>(json!({"car": car.id}))
        .await
        .unwrap_err();
    assert_eq!(failed.status, StatusCode::BAD_GATEWAY);
    assert!(sim.with_state(|s| s.ssh_enabled));
}

#[tokio::test]
async fn an_operator_reads_a_cars_sensors_logs_and_updates_and_caps_its_speed() {
    let app = spawn_app().await;
    let (op, _) = app.signed_in_as(Role::Operator).await;
    let (racer, racer_name) = app.signed_in_as(Role::Racer).await;
    let model = upload_checked(&racer, "lap.tar.gz", model_archive::samples::good(4_000)).await;
    let sim = SimCar::start().await;
    let car = activate(&op, &sim, "Car 1").await;

    let sensors: Vec<(String, String)> = op
        .call_json::<CarSensors, _>(json!({"car": car.id}))
        .await
        .unwrap();
    assert_eq!(sensors[0], ("Camera".to_string(), "connected".to_string()));
    assert_eq!(
        sensors[2],
        ("LiDAR".to_string(), "not connected".to_string())
    );
    let update: bool = op
        .call_json::<CarUpdateAvailable, _>(json!({"car": car.id}))
        .await
        .unwrap();
    assert!(!update);

    // The log downloads as a file, for operators only.
    let url = format!("{}/cars/{}/syslog.txt", app.base_url, car.id.0);
    let log = op.client.get(&url).send().await.unwrap();
    assert_eq!(log.status(), StatusCode::OK);
    assert!(log.headers()["content-disposition"]
        .to_str()
        .unwrap()
        .contains("Car-1-syslog.txt"));
    let text = log.text().await.unwrap();
    assert_eq!(text.lines().count(), 1000, "the last 1,000 lines");
    assert!(text.ends_with("line 1500"));
    let stranger = app.browser().client.get(&url).send().await.unwrap();
    assert_eq!(stranger.status(), StatusCode::UNAUTHORIZED);

    // A speed cap holds in the autonomous mode only: drem applies it after each load.
    let too_slow = op
        .call_json::<SetCarSpeedCap, ()>(json!({"car": car.id, "percent": 5}))
        .await;
    crate::helpers::assert_invalid(too_slow, "percent");
    op.call_json::<SetCarSpeedCap, ()>(json!({"car": car.id, "percent": 60}))
        .await
        .unwrap();
    assert_eq!(
        sim.with_state(|s| s.throttle),
        None,
        "manual mode: not applied"
    );
    assert_eq!(cars(&op).await[0].speed_cap, Some(60));
    let _: Vec<(app::wire::CarId, Option<String>)> = op
        .call_json::<SendModels, _>(json!({"cars": [car.id], "models": [model.id]}))
        .await
        .unwrap();
    until(&op, 10, "the model is on the car", |list: &[CarInfo]| {
        list[0].transfer.as_ref().is_some_and(|t| t.done)
    })
    .await;
    op.call_json::<LoadCarModel, ()>(json!({"car": car.id, "folder": format!("{racer_name}-lap")}))
        .await
        .unwrap();
    assert_eq!(
        sim.with_state(|s| s.throttle),
        Some(60),
        "applied after the load"
    );
}

#[tokio::test]
async fn a_busy_car_gets_the_time_its_console_needs_and_its_refusals_are_read() {
    let app = spawn_app().await;
    let (op, _) = app.signed_in_as(Role::Operator).await;
    let sim = SimCar::start().await;
    let car = activate(&op, &sim, "Car 1").await;
    // Each internal call of a busy car takes seconds (10 s a try on the car): longer
    // than a few seconds is no failure.
    sim.slow_services(Duration::from_secs(6));
    op.call_json::<SetCarSpeedCap, ()>(json!({"car": car.id, "percent": 80}))
        .await
        .expect("a slow answer is still an answer");
    sim.slow_services(Duration::ZERO);
    // The console's refusals of uploads and deletions come as `message`.
    let refused = op
        .call_json::<DeleteCarModels, usize>(json!({"car": car.id, "folders": ["nope"]}))
        .await
        .unwrap_err();
    assert!(
        refused
            .error
            .to_string()
            .contains("Failed to delete the selected models"),
        "{}",
        refused.error
    );
}
