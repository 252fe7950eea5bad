//! The runs ("boots") of lap timers and the crossings they reported: each crossing is
//! claimed once, applied, and its outcome kept, so a resend never counts twice.

use super::Db;
use crate::error::AppError;
use crate::wire::TimerId;
use surrealdb::types::SurrealValue;

/// One run of a timer program: its clock's offset to the race clock (fixed at the run's
/// first hello, so lap times are exact differences of the timer's own stamps across
/// reconnects) and the last crossing stored.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Boot {
    pub offset_ms: i64,
    pub last_seq: u64,
}

#[derive(SurrealValue)]
struct BootRow {
    offset_ms: i64,
    last_seq: i64,
}

async fn find_boot(db: &Db, timer: &TimerId, boot: &str) -> Result<Option<Boot>, AppError> {
    let row: Option<BootRow> = db
        .query(
            "SELECT offset_ms, last_seq FROM timer_boot
             WHERE timer = type::record('timer', $timer) AND boot = $boot LIMIT 1",
        )
        .bind(("timer", timer.0.clone()))
        .bind(("boot", boot.to_string()))
        .await?
        .take(0)?;
    Ok(row.map(|r| Boot {
        offset_ms: r.offset_ms,
        last_seq: r.last_seq.max(0) as u64,
    }))
}

/// How far a new estimate of a run's clock offset may lie from the stored one before it
/// replaces it: more than network delay, so a clock itself moved (a restart).
const OFFSET_JUMP_MS: i64 = 1000;

/// The run `boot` of `timer`. `estimate_ms` is the race clock minus the timer's clock,
/// as seen at its hello. A run keeps the offset of its first hello, so lap times stay
/// exact differences of the timer's stamps across reconnects; only an estimate that
/// differs by more than network delay can (a clock moved: a restart) replaces it.
pub async fn boot(
    db: &Db,
    timer: &TimerId,
    boot: &str,
    estimate_ms: i64,
) -> Result<Boot, AppError> {
    if let Some(found) = find_boot(db, timer, boot).await? {
        if (estimate_ms - found.offset_ms).abs() > OFFSET_JUMP_MS {
            set_offset(db, timer, boot, estimate_ms).await?;
            return Ok(Boot {
                offset_ms: estimate_ms,
                ..found
            });
        }
        return Ok(found);
    }
    // Two processes may register the same run at once: the unique index keeps one, and
    // both read it back.
    let _ = db
        .query(
            "CREATE timer_boot SET timer = type::record('timer', $timer), boot = $boot,
                offset_ms = $offset",
        )
        .bind(("timer", timer.0.clone()))
        .bind(("boot", boot.to_string()))
        .bind(("offset", estimate_ms))
        .await?
        .check();
    find_boot(db, timer, boot).await?.ok_or(AppError::Internal)
}

/// Stores a run's clock offset (a better estimate).
pub async fn set_offset(
    db: &Db,
    timer: &TimerId,
    boot: &str,
    offset_ms: i64,
) -> Result<(), AppError> {
    db.query(
        "UPDATE timer_boot SET offset_ms = $offset
         WHERE timer = type::record('timer', $timer) AND boot = $boot",
    )
    .bind(("timer", timer.0.clone()))
    .bind(("boot", boot.to_string()))
    .bind(("offset", offset_ms))
    .await?
    .check()?;
    Ok(())
}

/// One crossing as the timer reported it.
#[derive(Debug, Clone)]
pub struct Crossing<'a> {
    pub timer: &'a TimerId,
    pub boot: &'a str,
    pub seq: u64,
    pub stamp_us: u64,
    pub line: u32,
    pub race_ms: u64,
}

/// What storage knew of a crossing when it was claimed.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Claim {
    /// First seen now: apply it.
    New,
    /// Stored before but never applied (drem stopped, or the race kept changing): apply it.
    Pending,
    /// Stored and applied before (a resend after a reconnect): nothing to do.
    Done,
}

/// Claims a crossing before it touches a race, with the run's last number in the same
/// transaction: a crossing counts once however often it is sent, and one that was
/// stored but not applied is applied when it comes again.
pub async fn claim(db: &Db, crossing: &Crossing<'_>) -> Result<Claim, AppError> {
    let res = db
        .query(
            "BEGIN TRANSACTION;
             CREATE crossing SET timer = type::record('timer', $timer), boot = $boot, seq = $seq,
                stamp_us = $stamp, line = $line, race_ms = $race_ms, outcome = 'pending';
             UPDATE timer_boot SET last_seq = math::max([last_seq, $seq])
                WHERE timer = type::record('timer', $timer) AND boot = $boot;
             COMMIT TRANSACTION;",
        )
        .bind(("timer", crossing.timer.0.clone()))
        .bind(("boot", crossing.boot.to_string()))
        .bind(("seq", crossing.seq as i64))
        .bind(("stamp", crossing.stamp_us as i64))
        .bind(("line", i64::from(crossing.line)))
        .bind(("race_ms", crossing.race_ms as i64))
        .await;
    match super::check_cause(res) {
        Ok(_) => Ok(Claim::New),
        Err(e) if e.to_string().contains("already contains") => {
            let outcome: Option<String> = db
                .query(
                    "SELECT VALUE outcome FROM crossing
                     WHERE timer = type::record('timer', $timer) AND boot = $boot AND seq = $seq",
                )
                .bind(("timer", crossing.timer.0.clone()))
                .bind(("boot", crossing.boot.to_string()))
                .bind(("seq", crossing.seq as i64))
                .await?
                .take::<Vec<String>>(0)?
                .into_iter()
                .next();
            Ok(match outcome.as_deref() {
                Some("pending") => Claim::Pending,
                _ => Claim::Done,
            })
        }
        Err(e) => Err(e.into()),
    }
}

/// Crossings of a run stored but never applied, oldest first, as they were stored.
pub async fn pending(
    db: &Db,
    timer: &TimerId,
    boot: &str,
) -> Result<Vec<(u64, u64, u32, u64)>, AppError> {
    #[derive(SurrealValue)]
    struct Row {
        seq: i64,
        stamp_us: i64,
        line: i64,
        race_ms: i64,
    }
    let rows: Vec<Row> = db
        .query(
            "SELECT seq, stamp_us, line, race_ms FROM crossing
             WHERE timer = type::record('timer', $timer) AND boot = $boot AND outcome = 'pending'
             ORDER BY seq",
        )
        .bind(("timer", timer.0.clone()))
        .bind(("boot", boot.to_string()))
        .await?
        .take(0)?;
    Ok(rows
        .into_iter()
        .map(|r| {
            let n = |v: i64| v.max(0) as u64;
            (
                n(r.seq),
                n(r.stamp_us),
                u32::try_from(r.line).unwrap_or(0),
                n(r.race_ms),
            )
        })
        .collect())
}

/// Notes what a claimed crossing did ("lap on Track 1", "no race", …).
pub async fn set_outcome(db: &Db, crossing: &Crossing<'_>, outcome: &str) -> Result<(), AppError> {
    db.query(
        "UPDATE crossing SET outcome = $outcome
         WHERE timer = type::record('timer', $timer) AND boot = $boot AND seq = $seq",
    )
    .bind(("timer", crossing.timer.0.clone()))
    .bind(("boot", crossing.boot.to_string()))
    .bind(("seq", crossing.seq as i64))
    .bind(("outcome", outcome.to_string()))
    .await?
    .check()?;
    Ok(())
}
