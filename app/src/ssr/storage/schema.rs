//! The schema, defined in code and applied at start-up as numbered migrations.
//!
//! `meta:schema.version` records how many migrations ran. Each migration runs in one
//! transaction together with the version bump, and uses `IF NOT EXISTS`, so a crash
//! midway or a second process starting at once cannot apply one twice.

use super::Db;
use surrealdb::types::SurrealValue;

/// Migration N (1-based) is `MIGRATIONS[N - 1]`. Append only; never edit a shipped one.
const MIGRATIONS: &[&str] = &[
    // 1: users, one-time invite links, sessions.
    r#"
    DEFINE TABLE IF NOT EXISTS user SCHEMAFULL;
    DEFINE FIELD IF NOT EXISTS username ON user TYPE string;
    DEFINE FIELD IF NOT EXISTS username_key ON user TYPE string;
    DEFINE FIELD IF NOT EXISTS email ON user TYPE option<string>;
    DEFINE FIELD IF NOT EXISTS display_name ON user TYPE option<string>;
    DEFINE FIELD IF NOT EXISTS country ON user TYPE string;
    DEFINE FIELD IF NOT EXISTS highlight_colour ON user TYPE string;
    DEFINE FIELD IF NOT EXISTS password_hash ON user TYPE option<string>;
    DEFINE FIELD IF NOT EXISTS roles ON user TYPE array<string>;
    DEFINE FIELD IF NOT EXISTS disabled ON user TYPE bool DEFAULT false;
    DEFINE FIELD IF NOT EXISTS created_at ON user TYPE datetime DEFAULT time::now();
    DEFINE INDEX IF NOT EXISTS user_username ON user FIELDS username_key UNIQUE;
    DEFINE INDEX IF NOT EXISTS user_email ON user FIELDS email UNIQUE;

    DEFINE TABLE IF NOT EXISTS invite SCHEMAFULL;
    DEFINE FIELD IF NOT EXISTS user ON invite TYPE record<user>;
    DEFINE FIELD IF NOT EXISTS expires_at ON invite TYPE datetime;
    DEFINE INDEX IF NOT EXISTS invite_user ON invite FIELDS user;

    DEFINE TABLE IF NOT EXISTS session SCHEMAFULL;
    DEFINE FIELD IF NOT EXISTS data ON session TYPE bytes;
    DEFINE FIELD IF NOT EXISTS expiry_date ON session TYPE int;
    DEFINE INDEX IF NOT EXISTS session_expiry ON session FIELDS expiry_date;
    "#,
    // 2: events and their tracks. Nested values (links, rules) are JSON text typed by
    // serde on the Rust side, so the domain types need no database traits.
    r#"
    DEFINE TABLE IF NOT EXISTS event SCHEMAFULL;
    DEFINE FIELD IF NOT EXISTS name ON event TYPE string;
    DEFINE FIELD IF NOT EXISTS kind ON event TYPE string;
    DEFINE FIELD IF NOT EXISTS date ON event TYPE string;
    DEFINE FIELD IF NOT EXISTS country ON event TYPE string;
    DEFINE FIELD IF NOT EXISTS sponsor ON event TYPE string;
    DEFINE FIELD IF NOT EXISTS links ON event TYPE string;
    DEFINE FIELD IF NOT EXISTS rules ON event TYPE string;
    DEFINE FIELD IF NOT EXISTS created_at ON event TYPE datetime DEFAULT time::now();

    DEFINE TABLE IF NOT EXISTS track SCHEMAFULL;
    DEFINE FIELD IF NOT EXISTS event ON track TYPE record<event>;
    DEFINE FIELD IF NOT EXISTS title ON track TYPE string;
    DEFINE FIELD IF NOT EXISTS footer ON track TYPE string;
    DEFINE FIELD IF NOT EXISTS layout ON track TYPE string;
    DEFINE FIELD IF NOT EXISTS rules ON track TYPE option<string>;
    DEFINE FIELD IF NOT EXISTS created_at ON track TYPE datetime DEFAULT time::now();
    DEFINE INDEX IF NOT EXISTS track_event ON track FIELDS event;
    "#,
    // 3: races. `doc` is the domain race as JSON; `active_track` is set while the race
    // is open, and its unique index keeps one open race per track.
    r#"
    DEFINE TABLE IF NOT EXISTS race SCHEMAFULL;
    DEFINE FIELD IF NOT EXISTS event ON race TYPE record<event>;
    DEFINE FIELD IF NOT EXISTS track ON race TYPE record<track>;
    DEFINE FIELD IF NOT EXISTS racer ON race TYPE record<user>;
    DEFINE FIELD IF NOT EXISTS by_proxy ON race TYPE bool;
    DEFINE FIELD IF NOT EXISTS state ON race TYPE string;
    DEFINE FIELD IF NOT EXISTS doc ON race TYPE string;
    DEFINE FIELD IF NOT EXISTS version ON race TYPE int;
    DEFINE FIELD IF NOT EXISTS active_track ON race TYPE option<record<track>>;
    DEFINE FIELD IF NOT EXISTS runs_override_by ON race TYPE option<string>;
    DEFINE FIELD IF NOT EXISTS created_at ON race TYPE datetime DEFAULT time::now();
    DEFINE FIELD IF NOT EXISTS submitted_at ON race TYPE option<datetime>;
    DEFINE INDEX IF NOT EXISTS race_active ON race FIELDS active_track UNIQUE;
    DEFINE INDEX IF NOT EXISTS race_track_racer ON race FIELDS track, racer;
    "#,
    // 4: the change feed that every drem process on this database follows with a live
    // query, so live pages hear of changes made by any process. Rows are short-lived.
    r#"
    DEFINE TABLE IF NOT EXISTS live_change SCHEMAFULL;
    DEFINE FIELD IF NOT EXISTS event ON live_change TYPE string;
    DEFINE FIELD IF NOT EXISTS track ON live_change TYPE option<string>;
    DEFINE FIELD IF NOT EXISTS race ON live_change TYPE option<string>;
    DEFINE FIELD IF NOT EXISTS results ON live_change TYPE bool;
    DEFINE FIELD IF NOT EXISTS at ON live_change TYPE datetime DEFAULT time::now();
    DEFINE INDEX IF NOT EXISTS live_change_at ON live_change FIELDS at;
    "#,
    // 5: uploaded models (the record here, the bytes in the object store; `findings` is the
    // check's findings as JSON) and site-wide settings as JSON values.
    r#"
    DEFINE TABLE IF NOT EXISTS model SCHEMAFULL;
    DEFINE FIELD IF NOT EXISTS owner ON model TYPE record<user>;
    DEFINE FIELD IF NOT EXISTS name ON model TYPE string;
    DEFINE FIELD IF NOT EXISTS object ON model TYPE string;
    DEFINE FIELD IF NOT EXISTS status ON model TYPE string;
    DEFINE FIELD IF NOT EXISTS reason ON model TYPE option<string>;
    DEFINE FIELD IF NOT EXISTS size ON model TYPE int;
    DEFINE FIELD IF NOT EXISTS findings ON model TYPE option<string>;
    DEFINE FIELD IF NOT EXISTS uploaded_at ON model TYPE datetime DEFAULT time::now();
    DEFINE INDEX IF NOT EXISTS model_owner ON model FIELDS owner, name;
    DEFINE INDEX IF NOT EXISTS model_status ON model FIELDS status;

    DEFINE TABLE IF NOT EXISTS setting SCHEMAFULL;
    DEFINE FIELD IF NOT EXISTS json ON setting TYPE string;
    "#,
    // 6: the change feed also carries "this racer's models changed" (no event then).
    r#"
    DEFINE FIELD OVERWRITE event ON live_change TYPE option<string>;
    DEFINE FIELD IF NOT EXISTS models ON live_change TYPE option<string>;
    "#,
    // 7: lap timers (a token's SHA-256, never the token), each run ("boot") of a timer
    // with its clock offset and the last crossing stored, the crossings themselves, a
    // track's timer, and "the kit changed" (cars, fleets, timers) on the change feed.
    r#"
    DEFINE TABLE IF NOT EXISTS timer SCHEMAFULL;
    DEFINE FIELD IF NOT EXISTS name ON timer TYPE string;
    DEFINE FIELD IF NOT EXISTS token_hash ON timer TYPE string;
    DEFINE FIELD IF NOT EXISTS revoked ON timer TYPE bool DEFAULT false;
    DEFINE FIELD IF NOT EXISTS created_at ON timer TYPE datetime DEFAULT time::now();
    DEFINE FIELD IF NOT EXISTS connected ON timer TYPE bool DEFAULT false;
    DEFINE FIELD IF NOT EXISTS last_seen ON timer TYPE option<datetime>;
    DEFINE INDEX IF NOT EXISTS timer_token ON timer FIELDS token_hash UNIQUE;

    DEFINE TABLE IF NOT EXISTS timer_boot SCHEMAFULL;
    DEFINE FIELD IF NOT EXISTS timer ON timer_boot TYPE record<timer>;
    DEFINE FIELD IF NOT EXISTS boot ON timer_boot TYPE string;
    DEFINE FIELD IF NOT EXISTS offset_ms ON timer_boot TYPE int;
    DEFINE FIELD IF NOT EXISTS last_seq ON timer_boot TYPE int DEFAULT 0;
    DEFINE INDEX IF NOT EXISTS timer_boot_key ON timer_boot FIELDS timer, boot UNIQUE;

    DEFINE TABLE IF NOT EXISTS crossing SCHEMAFULL;
    DEFINE FIELD IF NOT EXISTS timer ON crossing TYPE record<timer>;
    DEFINE FIELD IF NOT EXISTS boot ON crossing TYPE string;
    DEFINE FIELD IF NOT EXISTS seq ON crossing TYPE int;
    DEFINE FIELD IF NOT EXISTS stamp_us ON crossing TYPE int;
    DEFINE FIELD IF NOT EXISTS line ON crossing TYPE int;
    DEFINE FIELD IF NOT EXISTS race_ms ON crossing TYPE int;
    DEFINE FIELD IF NOT EXISTS outcome ON crossing TYPE string;
    DEFINE FIELD IF NOT EXISTS received_at ON crossing TYPE datetime DEFAULT time::now();
    DEFINE INDEX IF NOT EXISTS crossing_key ON crossing FIELDS timer, boot, seq UNIQUE;

    DEFINE FIELD IF NOT EXISTS timer ON track TYPE option<record<timer>>;
    DEFINE FIELD IF NOT EXISTS kit ON live_change TYPE option<bool>;
    "#,
    // 8: fleets and cars. `password` is the console password sealed with the secret key
    // (never plain); `certificate` the pinned fingerprint; `serial` the chassis serial
    // where the car reports one (its lasting identity). A track races one fleet and one
    // car at a time.
    r#"
    DEFINE TABLE IF NOT EXISTS fleet SCHEMAFULL;
    DEFINE FIELD IF NOT EXISTS name ON fleet TYPE string;
    DEFINE INDEX IF NOT EXISTS fleet_name ON fleet FIELDS name UNIQUE;

    DEFINE TABLE IF NOT EXISTS car SCHEMAFULL;
    DEFINE FIELD IF NOT EXISTS name ON car TYPE string;
    DEFINE FIELD IF NOT EXISTS address ON car TYPE string;
    DEFINE FIELD IF NOT EXISTS password ON car TYPE string;
    DEFINE FIELD IF NOT EXISTS certificate ON car TYPE string;
    DEFINE FIELD IF NOT EXISTS new_certificate ON car TYPE option<string>;
    DEFINE FIELD IF NOT EXISTS serial ON car TYPE option<string>;
    DEFINE FIELD IF NOT EXISTS fleet ON car TYPE option<record<fleet>>;
    DEFINE FIELD IF NOT EXISTS online ON car TYPE bool DEFAULT false;
    DEFINE FIELD IF NOT EXISTS battery ON car TYPE option<int>;
    DEFINE FIELD IF NOT EXISTS loaded_model ON car TYPE option<string>;
    DEFINE FIELD IF NOT EXISTS last_seen ON car TYPE option<datetime>;
    DEFINE FIELD IF NOT EXISTS problem ON car TYPE option<string>;
    DEFINE FIELD IF NOT EXISTS created_at ON car TYPE datetime DEFAULT time::now();
    DEFINE INDEX IF NOT EXISTS car_fleet ON car FIELDS fleet;

    DEFINE FIELD IF NOT EXISTS fleet ON track TYPE option<record<fleet>>;
    DEFINE FIELD IF NOT EXISTS car ON track TYPE option<record<car>>;
    "#,
    // 9: the timer connection that last said hello: only it may keep the timer
    // "connected" or say it left (an old, silent connection timing out after the timer
    // reconnected must not).
    r#"
    DEFINE FIELD IF NOT EXISTS link ON timer TYPE option<string>;
    "#,
    // 10: the track a staff member last timed or commented, kept with the account (not
    // the session) so it survives signing out and follows them to another device.
    r#"
    DEFINE FIELD IF NOT EXISTS current_track ON user TYPE option<record<track>>;
    "#,
    // 11: a car's software version (its console tells no serial; `serial` stays unused),
    // and whose model drem put in which folder of which car.
    r#"
    DEFINE FIELD IF NOT EXISTS software_version ON car TYPE option<string>;

    DEFINE TABLE IF NOT EXISTS car_model SCHEMAFULL;
    DEFINE FIELD IF NOT EXISTS car ON car_model TYPE record<car>;
    DEFINE FIELD IF NOT EXISTS folder ON car_model TYPE string;
    DEFINE FIELD IF NOT EXISTS owner ON car_model TYPE record<user>;
    DEFINE FIELD IF NOT EXISTS name ON car_model TYPE string;
    DEFINE FIELD IF NOT EXISTS sent_at ON car_model TYPE datetime DEFAULT time::now();
    DEFINE INDEX IF NOT EXISTS car_model_key ON car_model FIELDS car, folder UNIQUE;
    "#,
    // 12: a car's speed cap, percent of full throttle in the autonomous mode.
    r#"
    DEFINE FIELD IF NOT EXISTS speed_cap ON car TYPE option<int>;
    "#,
    // 13: a user's session epoch: a session made under an older one is signed out (a
    // changed password, a disabled account, "sign out everywhere").
    r#"
    DEFINE FIELD IF NOT EXISTS session_epoch ON user TYPE int DEFAULT 0;
    "#,
    // 14: the race whose result a change changed (followers read it alone), and an
    // event's races found by the event, not by reading every race.
    r#"
    DEFINE FIELD IF NOT EXISTS results_race ON live_change TYPE option<string>;
    DEFINE INDEX IF NOT EXISTS race_event ON race FIELDS event, state;
    "#,
    // 15: password reset links: an invite for an account that has a password.
    r#"
    DEFINE FIELD IF NOT EXISTS reset ON invite TYPE bool DEFAULT false;
    "#,
    // 16: check-in (the event's steps as JSON text, each racer's steps done) and the
    // tracks' queues; `queue` in the change feed names a track whose queue changed.
    r#"
    DEFINE FIELD IF NOT EXISTS checkin ON event TYPE option<string>;

    DEFINE TABLE IF NOT EXISTS checkin SCHEMAFULL;
    DEFINE FIELD IF NOT EXISTS event ON checkin TYPE record<event>;
    DEFINE FIELD IF NOT EXISTS racer ON checkin TYPE record<user>;
    DEFINE FIELD IF NOT EXISTS flags ON checkin TYPE array<string>;
    DEFINE FIELD IF NOT EXISTS by ON checkin TYPE record<user>;
    DEFINE FIELD IF NOT EXISTS at ON checkin TYPE datetime;
    DEFINE INDEX IF NOT EXISTS checkin_event ON checkin FIELDS event;

    DEFINE TABLE IF NOT EXISTS queue_entry SCHEMAFULL;
    DEFINE FIELD IF NOT EXISTS track ON queue_entry TYPE record<track>;
    DEFINE FIELD IF NOT EXISTS racer ON queue_entry TYPE record<user>;
    DEFINE FIELD IF NOT EXISTS rank ON queue_entry TYPE float;
    DEFINE FIELD IF NOT EXISTS added_by ON queue_entry TYPE record<user>;
    DEFINE FIELD IF NOT EXISTS added_at ON queue_entry TYPE datetime DEFAULT time::now();
    DEFINE FIELD IF NOT EXISTS overridden ON queue_entry TYPE option<string>;
    DEFINE INDEX IF NOT EXISTS queue_track ON queue_entry FIELDS track, rank;

    DEFINE FIELD IF NOT EXISTS queue ON live_change TYPE option<string>;
    "#,
    // 17: the car a race ran with, by name as it was then (a car renamed or retired
    // later leaves the race's record as it was).
    r#"
    DEFINE FIELD IF NOT EXISTS car_name ON race TYPE option<string>;
    "#,
    // 18: the log of marshals' corrections to races: who, when, what and why.
    r#"
    DEFINE TABLE IF NOT EXISTS race_correction SCHEMAFULL;
    DEFINE FIELD IF NOT EXISTS race ON race_correction TYPE record<race>;
    DEFINE FIELD IF NOT EXISTS event ON race_correction TYPE record<event>;
    DEFINE FIELD IF NOT EXISTS by ON race_correction TYPE record<user>;
    DEFINE FIELD IF NOT EXISTS what ON race_correction TYPE string;
    DEFINE FIELD IF NOT EXISTS why ON race_correction TYPE string;
    DEFINE FIELD IF NOT EXISTS at ON race_correction TYPE datetime DEFAULT time::now();
    DEFINE INDEX IF NOT EXISTS race_correction_event ON race_correction FIELDS event;
    "#,
    // 19: finals: a track raced by racers seeded from a ranking (JSON: from where,
    // who, who tied out at the cut).
    r#"
    DEFINE FIELD IF NOT EXISTS final_round ON track TYPE option<string>;
    "#,
];

/// The schema version this build of drem expects.
pub const CURRENT_VERSION: i64 = MIGRATIONS.len() as i64;

#[derive(SurrealValue)]
struct Version {
    version: i64,
}

/// The version recorded in the database (0 for a new one).
pub async fn version(db: &Db) -> Result<i64, surrealdb::Error> {
    let row: Option<Version> = db
        .query("SELECT version FROM ONLY meta:schema")
        .await?
        .take(0)?;
    Ok(row.map_or(0, |r| r.version))
}

/// Runs every migration the database has not seen yet.
pub async fn migrate(db: &Db) -> Result<(), surrealdb::Error> {
    db.query(
        "DEFINE TABLE IF NOT EXISTS meta SCHEMAFULL;
         DEFINE FIELD IF NOT EXISTS version ON meta TYPE int;",
    )
    .await?
    .check()?;
    let from = version(db).await?;
    for (index, migration) in MIGRATIONS.iter().enumerate().skip(from.max(0) as usize) {
        let target = index as i64 + 1;
        db.query("BEGIN TRANSACTION")
            .query(*migration)
            .query("UPSERT meta:schema SET version = $version")
            .query("COMMIT TRANSACTION")
            .bind(("version", target))
            .await?
            .check()?;
        tracing::info!(version = target, "schema migrated");
    }
    Ok(())
}
