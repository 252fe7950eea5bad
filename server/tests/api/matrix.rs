//! The authorization matrix: every server function × anonymous and every role.
//!
//! A new server function without a row here fails `every_server_function_has_a_row`,
//! so none can skip its guard unnoticed.

use crate::helpers::{spawn_app, Browser};
use app::accounts::api::*;
use app::auth::api::*;
use app::domain::roles::Role;
use app::events::api::*;
use app::finals::api::*;
use app::race::admin_api::*;
use app::race::api::*;
use reqwest::StatusCode;
use server_fn::ServerFn;

/// Who a server function lets through.
#[derive(Debug, Clone, Copy, PartialEq)]
enum Who {
    Anyone,
    SignedIn,
    Registration,
    /// Registration, commentator, operator (and admin).
    Staff,
    /// Registration, operator (and admin): check-in and queues.
    Desk,
    /// Commentator, operator (and admin).
    Commentator,
    Operator,
    Admin,
}

/// The callers, in column order.
const CALLERS: [Option<Role>; 6] = [
    None,
    Some(Role::Racer),
    Some(Role::Registration),
    Some(Role::Commentator),
    Some(Role::Operator),
    Some(Role::Admin),
];

fn allowed(who: Who, caller: Option<Role>) -> bool {
    match (who, caller) {
        (Who::Anyone, _) => true,
        (_, None) => false,
        (Who::SignedIn, Some(_)) => true,
        (_, Some(Role::Admin)) => true,
        (Who::Registration, Some(role)) => role == Role::Registration,
        (Who::Staff, Some(role)) => matches!(
            role,
            Role::Registration | Role::Commentator | Role::Operator
        ),
        (Who::Operator, Some(role)) => role == Role::Operator,
        (Who::Desk, Some(role)) => matches!(role, Role::Registration | Role::Operator),
        (Who::Commentator, Some(role)) => matches!(role, Role::Commentator | Role::Operator),
        (Who::Admin, Some(_)) => false,
    }
}

/// Arguments: a form for most server functions, a JSON body for those taking JSON.
enum Args {
    Form(&'static [(&'static str, &'static str)]),
    Json(&'static str),
}

type Row = (&'static str, Who, Args);

/// Each server function with arguments that pass decoding but change nothing
/// (unknown ids, wrong passwords), so allowed calls are harmless. Sign-out runs last.
fn rows() -> Vec<Row> {
    vec![
        (CurrentUser::PATH, Who::Anyone, Args::Form(&[])),
        (
            SignUp::PATH,
            Who::Anyone,
            Args::Form(&[
                ("username", "x"),
                ("email", "x"),
                ("country", "XX"),
                ("password", "x"),
            ]),
        ),
        (
            SignIn::PATH,
            Who::Anyone,
            Args::Form(&[("username", "nobody"), ("password", "wrong-password")]),
        ),
        (
            GetInvite::PATH,
            Who::Anyone,
            Args::Form(&[("token", "nope")]),
        ),
        (
            RedeemInvite::PATH,
            Who::Anyone,
            Args::Form(&[("token", "nope"), ("password", "whatever-long")]),
        ),
        (GetProfile::PATH, Who::SignedIn, Args::Form(&[])),
        (
            UpdateProfile::PATH,
            Who::SignedIn,
            Args::Form(&[
                ("display_name", ""),
                ("country", "XX"),
                ("highlight_colour", ""),
            ]),
        ),
        (
            ChangePassword::PATH,
            Who::SignedIn,
            Args::Form(&[("current_password", "wrong"), ("new_password", "x")]),
        ),
        (
            DeleteAccount::PATH,
            Who::SignedIn,
            Args::Form(&[("password", "wrong")]),
        ),
        (ListRacers::PATH, Who::Staff, Args::Form(&[("search", "")])),
        (
            RegisterRacer::PATH,
            Who::Registration,
            Args::Form(&[("username", "x"), ("email", ""), ("country", "XX")]),
        ),
        (
            RenewInvite::PATH,
            Who::Registration,
            Args::Form(&[("user", "nobody")]),
        ),
        (
            ResetPasswordLink::PATH,
            Who::Registration,
            Args::Form(&[("user", "nobody")]),
        ),
        (ListUsers::PATH, Who::Admin, Args::Form(&[("search", "")])),
        (
            SetUserRole::PATH,
            Who::Admin,
            Args::Form(&[
                ("user", "nobody"),
                ("role", "operator"),
                ("granted", "true"),
            ]),
        ),
        (
            SetUserDisabled::PATH,
            Who::Admin,
            Args::Form(&[("user", "nobody"), ("disabled", "true")]),
        ),
        (
            DeleteUser::PATH,
            Who::Admin,
            Args::Form(&[("user", "nobody")]),
        ),
        (
            ListEvents::PATH,
            Who::Operator,
            Args::Json(r#"{"kind":null}"#),
        ),
        (
            GetEvent::PATH,
            Who::Operator,
            Args::Json(r#"{"id":"nope"}"#),
        ),
        (GetPublicUrl::PATH, Who::Operator, Args::Json("{}")),
        (
            CreateEvent::PATH,
            Who::Operator,
            Args::Json(
                r#"{"input":{"name":"","kind":"test","date":"x","country":"XX","sponsor":"","links":[],"rules":{}}}"#,
            ),
        ),
        (
            UpdateEvent::PATH,
            Who::Operator,
            Args::Json(
                r#"{"id":"nope","input":{"name":"","kind":"test","date":"x","country":"XX","sponsor":"","links":[],"rules":{}}}"#,
            ),
        ),
        (
            DeleteEvent::PATH,
            Who::Operator,
            Args::Json(r#"{"id":"nope"}"#),
        ),
        (
            AddTrack::PATH,
            Who::Operator,
            Args::Json(
                r#"{"event":"nope","input":{"title":"","footer":"","layout":"other","rules":null}}"#,
            ),
        ),
        (
            UpdateTrack::PATH,
            Who::Operator,
            Args::Json(
                r#"{"id":"nope","input":{"title":"","footer":"","layout":"other","rules":null}}"#,
            ),
        ),
        (
            DeleteTrack::PATH,
            Who::Operator,
            Args::Json(r#"{"id":"nope","delete_races":false}"#),
        ),
        (
            GetRaceDesk::PATH,
            Who::Operator,
            Args::Json(r#"{"track":"nope"}"#),
        ),
        (
            StartRace::PATH,
            Who::Operator,
            Args::Json(
                r#"{"track":"nope","racer":"nobody","by_proxy":false,"override_runs":false}"#,
            ),
        ),
        (
            RaceCommand::PATH,
            Who::Operator,
            Args::Json(r#"{"race":"nope","version":1,"command":{"command":"start"}}"#),
        ),
        (
            ListRaces::PATH,
            Who::Operator,
            Args::Json(r#"{"event":"nope","track":null,"racer":null}"#),
        ),
        (
            EditLap::PATH,
            Who::Operator,
            Args::Json(r#"{"race":"nope","version":1,"edit":{"edit":"delete","lap":0}}"#),
        ),
        (
            DeleteRace::PATH,
            Who::Operator,
            Args::Json(r#"{"race":"nope","version":1,"reason":"x"}"#),
        ),
        (
            RestoreRace::PATH,
            Who::Operator,
            Args::Json(r#"{"race":"nope","version":1,"reason":"x"}"#),
        ),
        (
            MoveRace::PATH,
            Who::Operator,
            Args::Json(r#"{"race":"nope","version":1,"racer":"nope","reason":"x"}"#),
        ),
        (
            SetByProxy::PATH,
            Who::Operator,
            Args::Json(r#"{"race":"nope","version":1,"by_proxy":true,"reason":"x"}"#),
        ),
        (
            CreateFinal::PATH,
            Who::Operator,
            Args::Json(
                r#"{"event":"nope","input":{"title":"Final","from":null,"seats":4,"rules":{}}}"#,
            ),
        ),
        (
            ListDeletedRaces::PATH,
            Who::Operator,
            Args::Json(r#"{"event":"nope"}"#),
        ),
        (
            GetEventResults::PATH,
            Who::Operator,
            Args::Json(r#"{"event":"nope"}"#),
        ),
        (GetCurrentChoice::PATH, Who::Commentator, Args::Json("{}")),
        (
            app::commentator::api::ListCommentaryTracks::PATH,
            Who::Commentator,
            Args::Json("{}"),
        ),
        (
            app::commentator::api::GetCommentary::PATH,
            Who::Commentator,
            Args::Json(r#"{"track":"nope"}"#),
        ),
        (
            app::leaderboard::api::GetLeaderboard::PATH,
            Who::Anyone,
            Args::Json(r#"{"event":"nope","track":null}"#),
        ),
        (
            app::leaderboard::api::GetLanding::PATH,
            Who::Anyone,
            Args::Json(r#"{"event":"nope"}"#),
        ),
        (
            app::checkin::api::ListCheckinEvents::PATH,
            Who::Desk,
            Args::Json(r#"{}"#),
        ),
        (
            app::checkin::api::GetCheckinSheet::PATH,
            Who::Desk,
            Args::Json(r#"{"event":"nope"}"#),
        ),
        (
            app::checkin::api::SetCheckin::PATH,
            Who::Desk,
            Args::Json(r#"{"event":"nope","racer":"nope","label":"x","done":true}"#),
        ),
        (
            app::checkin::api::GetQueue::PATH,
            Who::Staff,
            Args::Json(r#"{"track":"nope"}"#),
        ),
        (
            app::checkin::api::QueueRacer::PATH,
            Who::Desk,
            Args::Json(r#"{"track":"nope","racer":"nope"}"#),
        ),
        (
            app::checkin::api::MoveInQueue::PATH,
            Who::Desk,
            Args::Json(r#"{"track":"nope","racer":"nope","to":0}"#),
        ),
        (
            app::checkin::api::Unqueue::PATH,
            Who::Desk,
            Args::Json(r#"{"track":"nope","racer":"nope"}"#),
        ),
        (
            app::my_day::api::GetMyRaceDay::PATH,
            Who::SignedIn,
            Args::Json(r#"{"event":null}"#),
        ),
        (
            app::leaderboard::api::CountryNamesIn::PATH,
            Who::Anyone,
            Args::Json(r#"{"lang":"de"}"#),
        ),
        (
            GetTrackRuns::PATH,
            Who::Operator,
            Args::Json(r#"{"track":"nope"}"#),
        ),
        (
            app::models::api::ListMyModels::PATH,
            Who::SignedIn,
            Args::Json("{}"),
        ),
        (
            app::models::api::ListModels::PATH,
            Who::Operator,
            Args::Json("{}"),
        ),
        (
            app::models::api::DeleteModel::PATH,
            Who::SignedIn,
            Args::Json(r#"{"id":"nope"}"#),
        ),
        (
            app::models::api::GetModelRetention::PATH,
            Who::Admin,
            Args::Json("{}"),
        ),
        (
            app::models::api::SetModelRetention::PATH,
            Who::Admin,
            Args::Json(r#"{"days":null}"#),
        ),
        (
            app::timers::api::ListTimers::PATH,
            Who::Operator,
            Args::Json("{}"),
        ),
        (
            app::timers::api::CreateTimer::PATH,
            Who::Operator,
            // Refused as invalid (empty name) once the role check lets it through.
            Args::Json(r#"{"name":""}"#),
        ),
        (
            app::timers::api::RevokeTimer::PATH,
            Who::Operator,
            Args::Json(r#"{"timer":"nope"}"#),
        ),
        (
            app::timers::api::GetTrackTimer::PATH,
            Who::Operator,
            Args::Json(r#"{"track":"nope"}"#),
        ),
        (
            app::timers::api::SetTrackTimer::PATH,
            Who::Operator,
            Args::Json(r#"{"track":"nope","timer":null}"#),
        ),
        (
            app::cars::api::ListCars::PATH,
            Who::Operator,
            Args::Json(r#"{}"#),
        ),
        (
            app::cars::api::ActivateCar::PATH,
            Who::Operator,
            Args::Json(r#"{"name":"","address":"x","password":"","fleet":null}"#),
        ),
        (
            app::cars::api::UpdateCar::PATH,
            Who::Operator,
            Args::Json(r#"{"car":"nope","name":"","fleet":null}"#),
        ),
        (
            app::cars::api::RemoveCar::PATH,
            Who::Operator,
            Args::Json(r#"{"car":"nope"}"#),
        ),
        (
            app::cars::api::TrustCarCertificate::PATH,
            Who::Operator,
            Args::Json(r#"{"car":"nope"}"#),
        ),
        (
            app::cars::api::SendModels::PATH,
            Who::Operator,
            Args::Json(r#"{"cars":[],"models":[]}"#),
        ),
        (
            app::cars::api::ListCarModels::PATH,
            Who::Operator,
            Args::Json(r#"{"car":"nope"}"#),
        ),
        (
            app::cars::api::LoadCarModel::PATH,
            Who::Operator,
            Args::Json(r#"{"car":"nope","folder":""}"#),
        ),
        (
            app::cars::api::DeleteCarModels::PATH,
            Who::Operator,
            Args::Json(r#"{"car":"nope","folders":[]}"#),
        ),
        (
            app::cars::api::SetCarTailLight::PATH,
            Who::Operator,
            Args::Json(r#"{"car":"nope","colour":"x"}"#),
        ),
        (
            app::cars::api::CarSensors::PATH,
            Who::Operator,
            Args::Json(r#"{"car":"nope"}"#),
        ),
        (
            app::cars::api::CarUpdateAvailable::PATH,
            Who::Operator,
            Args::Json(r#"{"car":"nope"}"#),
        ),
        (
            app::cars::api::SetCarSpeedCap::PATH,
            Who::Operator,
            Args::Json(r#"{"car":"nope","percent":50}"#),
        ),
        (
            app::cars::api::RestartCar::PATH,
            Who::Operator,
            Args::Json(r#"{"car":"nope"}"#),
        ),
        (
            app::cars::api::GetCarSsh::PATH,
            Who::Operator,
            Args::Json(r#"{}"#),
        ),
        (
            app::cars::api::SetCarSsh::PATH,
            Who::Operator,
            Args::Json(r#"{"user":"","key":"x"}"#),
        ),
        (
            app::cars::api::CarLabels::PATH,
            Who::Operator,
            Args::Json(r#"{}"#),
        ),
        (
            app::cars::fleets_api::ListFleets::PATH,
            Who::Operator,
            Args::Json(r#"{}"#),
        ),
        (
            app::cars::fleets_api::CreateFleet::PATH,
            Who::Operator,
            Args::Json(r#"{"name":""}"#),
        ),
        (
            app::cars::fleets_api::RenameFleet::PATH,
            Who::Operator,
            Args::Json(r#"{"fleet":"nope","name":""}"#),
        ),
        (
            app::cars::fleets_api::DeleteFleet::PATH,
            Who::Operator,
            Args::Json(r#"{"fleet":"nope"}"#),
        ),
        (
            app::cars::fleets_api::GetTrackKit::PATH,
            Who::Operator,
            Args::Json(r#"{"track":"nope"}"#),
        ),
        (
            app::cars::fleets_api::SetTrackFleet::PATH,
            Who::Operator,
            Args::Json(r#"{"track":"nope","fleet":null}"#),
        ),
        (
            app::cars::fleets_api::SetTrackCar::PATH,
            Who::Operator,
            Args::Json(r#"{"track":"nope","car":null}"#),
        ),
        // These two end the caller's session: last.
        (SignOutEverywhere::PATH, Who::SignedIn, Args::Form(&[])),
        (SignOut::PATH, Who::Anyone, Args::Form(&[])),
    ]
}

#[test]
fn every_server_function_has_a_row() {
    let rows = rows();
    let registered: Vec<&str> = server_fn::axum::server_fn_paths().map(|(p, _)| p).collect();
    assert!(!registered.is_empty(), "no server functions registered");
    for path in &registered {
        assert!(
            rows.iter().any(|(p, ..)| p == path),
            "{path} has no row in the authorization matrix"
        );
    }
    for (path, ..) in &rows {
        assert!(
            registered.contains(path),
            "{path} is in the matrix but not registered"
        );
    }
}

#[tokio::test]
async fn every_server_function_checks_the_callers_role() {
    let app = spawn_app().await;
    let mut browsers: Vec<(Option<Role>, Browser)> = Vec::new();
    for caller in CALLERS {
        let browser = match caller {
            None => app.browser(),
            Some(role) => app.signed_in_as(role).await.0,
        };
        browsers.push((caller, browser));
    }
    for (path, who, args) in rows() {
        for (caller, browser) in &browsers {
            let request = browser
                .client
                .post(format!("{}{}", browser.base_url, path))
                .header("Accept", "application/json");
            let request = match &args {
                Args::Form(form) => request.form(form),
                Args::Json(body) => request
                    .header("Content-Type", "application/json")
                    .body(*body),
            };
            let res = request.send().await.unwrap();
            let status = res.status();
            if allowed(who, *caller) {
                assert!(
                    status != StatusCode::UNAUTHORIZED && status != StatusCode::FORBIDDEN,
                    "{path} should let {caller:?} through, got {status}"
                );
                assert!(
                    status != StatusCode::INTERNAL_SERVER_ERROR,
                    "{path} for {caller:?}: 500"
                );
            } else {
                let expected = if caller.is_none() {
                    StatusCode::UNAUTHORIZED
                } else {
                    StatusCode::FORBIDDEN
                };
                assert_eq!(status, expected, "{path} should refuse {caller:?}");
            }
        }
    }
}

/// A plain route (outside server functions): its path as registered, a request that
/// changes nothing when let through, and who is let through.
struct PlainRow {
    route: &'static str,
    method: reqwest::Method,
    uri: &'static str,
    who: PlainWho,
}

/// Who a plain route lets through: a role, as for server functions, or no session at all
/// (the timer link takes a timer's token, never a signed-in person's).
#[derive(Debug, Clone, Copy)]
enum PlainWho {
    Role(Who),
    TimerTokenOnly,
}

fn plain_rows() -> Vec<PlainRow> {
    use reqwest::Method;
    let row = |route, method, uri, who| PlainRow {
        route,
        method,
        uri,
        who,
    };
    vec![
        row(
            "/healthz",
            Method::GET,
            "/healthz",
            PlainWho::Role(Who::Anyone),
        ),
        row(
            "/metrics",
            Method::GET,
            "/metrics",
            PlainWho::Role(Who::Operator),
        ),
        row(
            "/exports/{event}/{file}",
            Method::GET,
            "/exports/nope/laps.csv",
            PlainWho::Role(Who::Operator),
        ),
        row(
            "/cars/{car}/syslog.txt",
            Method::GET,
            "/cars/nope/syslog.txt",
            PlainWho::Role(Who::Operator),
        ),
        row(
            "/live/tracks/{track}",
            Method::GET,
            "/live/tracks/nope",
            PlainWho::Role(Who::Operator),
        ),
        row(
            "/live/events/{event}",
            Method::GET,
            "/live/events/nope",
            PlainWho::Role(Who::Anyone),
        ),
        row(
            "/live/models",
            Method::GET,
            "/live/models",
            PlainWho::Role(Who::SignedIn),
        ),
        row(
            "/live/models",
            Method::GET,
            "/live/models?all=1",
            PlainWho::Role(Who::Operator),
        ),
        row(
            "/live/kit",
            Method::GET,
            "/live/kit",
            PlainWho::Role(Who::Operator),
        ),
        row(
            drem_timer::protocol::CONNECT_PATH,
            Method::GET,
            drem_timer::protocol::CONNECT_PATH,
            PlainWho::TimerTokenOnly,
        ),
        // An invalid name: let through, nothing is stored.
        row(
            "/models/upload",
            Method::POST,
            "/models/upload?name=..",
            PlainWho::Role(Who::SignedIn),
        ),
        row(
            "/models/{id}/download",
            Method::GET,
            "/models/nope/download",
            PlainWho::Role(Who::SignedIn),
        ),
    ]
}

#[test]
fn every_plain_route_has_a_row() {
    let rows = plain_rows();
    let registered = drem_server::http::plain_paths();
    assert!(!registered.is_empty(), "no plain routes registered");
    for path in &registered {
        assert!(
            rows.iter().any(|row| row.route == *path),
            "{path} has no row in the authorization matrix"
        );
    }
    for row in &rows {
        assert!(
            registered.contains(&row.route),
            "{} is in the matrix but not registered",
            row.route
        );
    }
}

#[tokio::test]
async fn every_plain_route_checks_the_caller() {
    let app = spawn_app().await;
    let mut browsers: Vec<(Option<Role>, Browser)> = Vec::new();
    for caller in CALLERS {
        let browser = match caller {
            None => app.browser(),
            Some(role) => app.signed_in_as(role).await.0,
        };
        browsers.push((caller, browser));
    }
    for row in plain_rows() {
        for (caller, browser) in &browsers {
            let mut request = browser.client.request(
                row.method.clone(),
                format!("{}{}", browser.base_url, row.uri),
            );
            if let PlainWho::TimerTokenOnly = row.who {
                // A WebSocket handshake, so the timer link refuses for its token alone.
                request = request
                    .header("Connection", "upgrade")
                    .header("Upgrade", "websocket")
                    .header("Sec-WebSocket-Version", "13")
                    .header("Sec-WebSocket-Key", "dGhlIHNhbXBsZSBub25jZQ==");
            }
            let res = request.send().await.unwrap();
            let status = res.status();
            let uri = row.uri;
            let expected_refusal = match (row.who, caller) {
                (PlainWho::TimerTokenOnly, _) => Some(StatusCode::UNAUTHORIZED),
                (PlainWho::Role(who), caller) if allowed(who, *caller) => None,
                (_, None) => Some(StatusCode::UNAUTHORIZED),
                (_, Some(_)) => Some(StatusCode::FORBIDDEN),
            };
            match expected_refusal {
                Some(expected) => assert_eq!(status, expected, "{uri} should refuse {caller:?}"),
                None => {
                    assert!(
                        status != StatusCode::UNAUTHORIZED && status != StatusCode::FORBIDDEN,
                        "{uri} should let {caller:?} through, got {status}"
                    );
                    assert!(!status.is_server_error(), "{uri} for {caller:?}: {status}");
                }
            }
        }
    }
}
