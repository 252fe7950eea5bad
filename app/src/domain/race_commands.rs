//! What the race is asked to do (commands, lap edits) and why it may refuse.

use super::{LapSource, RaceState};
use crate::domain::laptime::format_ms;
use serde::{Deserialize, Serialize};

/// What the operator (or the timer) asks the race to do.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(tag = "command", rename_all = "snake_case")]
pub enum Command {
    Start,
    Pause,
    Resume,
    CaptureLap {
        source: LapSource,
    },
    /// A timer crossing: starts a ready race, captures a lap, or resumes a paused one.
    Crossing,
    ResetUp,
    ResetDown,
    /// Capture the lap as invalid and pause.
    Dnf,
    /// Remove the last lap and give its time back to the running lap.
    UndoFalseFinish,
    ToggleValid {
        lap: usize,
    },
    End,
    Submit,
    Discard,
}

/// A race admin's correction of a recorded lap (any state but discarded or deleted).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(tag = "edit", rename_all = "snake_case")]
pub enum LapEdit {
    /// A corrected time (e.g. from video), 1 ms to 1 hour. A time under the race's
    /// shortest lap must be `confirmed`.
    SetTime {
        lap: usize,
        time_ms: u64,
        #[serde(default)]
        confirmed: bool,
    },
    /// Corrected resets; validity follows the rules again (a DNF stays invalid).
    SetResets {
        lap: usize,
        resets: u32,
    },
    SetValid {
        lap: usize,
        valid: bool,
    },
    Delete {
        lap: usize,
    },
    /// One lap counted for two (the line was missed once): split into a first part
    /// of `first_ms` and the rest. Each part under the shortest lap needs `confirmed`.
    Split {
        lap: usize,
        first_ms: u64,
        #[serde(default)]
        confirmed: bool,
    },
    /// A lap nobody counted, put in at place `at` (0: first; the number of laps: last).
    Add {
        at: usize,
        time_ms: u64,
        valid: bool,
        #[serde(default)]
        confirmed: bool,
    },
    /// A time penalty of `ms` (0 to an hour; 0 takes it away) on lap `lap`, or on the
    /// whole race without a lap. It replaces the penalty there before.
    Penalty {
        lap: Option<usize>,
        ms: i64,
    },
}

/// Why a command was refused, in words for the operator.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, thiserror::Error)]
pub enum RaceError {
    #[error("The race is {state:?}: {action} is not possible now.")]
    WrongState { state: RaceState, action: String },
    #[error("There is no lap to undo.")]
    NoLap,
    #[error("Lap {0} does not exist.")]
    NoSuchLap(usize),
    #[error("A lap time must be between 1 ms and 1 hour.")]
    BadTime,
    #[error("The first part of a split lap must be shorter than the lap.")]
    BadSplit,
    #[error("A lap can go in at place 1 to {0}.")]
    BadPlace(usize),
    #[error("A lap has 0 to 100 resets.")]
    BadResets,
    #[error("A penalty is 0 to 3600 s.")]
    BadPenalty,
    /// A timer crossing stamped before the race's last action (it arrived late, e.g.
    /// after a reconnect): counting it would make a lap span two laps.
    #[error("The crossing happened before the race's last action; it is not counted.")]
    StaleCrossing,
    /// A key press right after the timer took the lap: the same pass, counted once.
    #[error("The timer took this lap a moment ago; the key press is not counted.")]
    TimerTookLap,
    /// A lap key sooner than the shortest lap allows: pressed twice, or in two tabs.
    #[error("Lap key ignored: {} s is shorter than the shortest lap ({} s).", format_ms(*.lap_ms), format_ms(*.min_ms))]
    LapTooShort { lap_ms: u64, min_ms: u64 },
    /// A timer crossing sooner than the shortest lap allows: the strip bounced.
    #[error("A crossing {} s into the lap is a bounce (the shortest lap is {} s).", format_ms(*.lap_ms), format_ms(*.min_ms))]
    Bounce { lap_ms: u64, min_ms: u64 },
    /// The same timer crossing again (a resend): it counted the first time.
    #[error("This crossing was counted already.")]
    CrossingCounted,
    /// A corrected lap time under the shortest lap, not confirmed.
    #[error("{} s is shorter than this race's shortest lap ({} s): confirm to keep it.", format_ms(*.time_ms), format_ms(*.min_ms))]
    UnderMinimum { time_ms: u64, min_ms: u64 },
}
