//! The race (domain.md §3) as a pure state machine: ready → running ⇄ paused → over →
//! submitted or discarded. Time comes in as `now`, milliseconds on the server's race
//! clock, so every rule is testable without a clock and a stored race replays exactly.
//! (Past 400 lines on purpose: one state machine whose transitions read best together;
//! its commands and their errors are in race_commands.rs.)

use super::rules::{RaceRules, Ranking};
use serde::{Deserialize, Serialize};

#[path = "race_commands.rs"]
mod commands;
#[path = "race_lap_fixes.rs"]
mod lap_fixes;
#[path = "race_marshal.rs"]
pub mod marshal;
pub use commands::{Command, LapEdit, RaceError};

/// Milliseconds on the server's race clock.
pub type Millis = u64;

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum RaceState {
    Ready,
    Running,
    Paused,
    Over,
    Submitted,
    Discarded,
    /// Deleted from race admin: out of every result, kept to be restored.
    Deleted,
}

impl RaceState {
    /// Still holding its track: neither submitted nor discarded.
    pub const fn is_open(self) -> bool {
        !matches!(self, Self::Submitted | Self::Discarded | Self::Deleted)
    }

    /// The name stored with a race and sent on the wire (serde's spelling, tested).
    pub const fn as_str(self) -> &'static str {
        match self {
            Self::Ready => "ready",
            Self::Running => "running",
            Self::Paused => "paused",
            Self::Over => "over",
            Self::Submitted => "submitted",
            Self::Discarded => "discarded",
            Self::Deleted => "deleted",
        }
    }
}

/// Who captured a lap.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum LapSource {
    Manual,
    Timer,
}

/// One completed lap.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Lap {
    pub time_ms: u64,
    pub resets: u32,
    /// Counts for results: not DNF and within the allowed resets, unless toggled.
    pub valid: bool,
    /// Marked "did not finish" by the operator.
    pub dnf: bool,
    pub source: LapSource,
    /// When the lap ended on the race clock (ms since the epoch; a timer's crossing as
    /// stamped): a tie goes to whoever set the time first. `None` on laps stored
    /// before drem kept it.
    #[serde(default)]
    pub ended_at: Option<Millis>,
    /// A marshal's time penalty on this lap, counted in its time for results.
    #[serde(default, skip_serializing_if = "is_zero")]
    pub penalty_ms: u64,
}

fn is_zero(ms: &u64) -> bool {
    *ms == 0
}

/// A manual capture this soon after a timer crossing is the same pass of the line.
pub const TIMER_ECHO_MS: u64 = 2_000;

/// More resets than any lap can have; guards totals against absurd input.
pub const MAX_RESETS: u32 = 100;

/// A race in progress or finished.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Race {
    /// The rules at the start: changing the event's rules never changes this race.
    pub rules: RaceRules,
    pub state: RaceState,
    pub laps: Vec<Lap>,
    /// A marshal's time penalty on the whole race, added to the result it earns.
    #[serde(default, skip_serializing_if = "is_zero")]
    pub penalty_ms: u64,
    /// Resets on the lap in progress.
    pub current_resets: u32,
    /// Race-clock time run before `running_since`.
    race_ms_before: u64,
    /// Time the lap in progress ran before `running_since`.
    lap_ms_before: u64,
    /// When the clocks last started; `None` unless running.
    running_since: Option<Millis>,
    /// When a lap capture after the time ran out ended the race (undo can reopen it).
    ended_by_capture_at: Option<Millis>,
    /// Whether the clocks stood still when that capture ended the race (a DNF while
    /// paused): undo then reopens it paused, without counting the time since.
    #[serde(default)]
    ended_while_paused: bool,
    /// The time of the latest lap boundary or clock change (or of opening the race):
    /// a timer crossing stamped earlier is refused.
    #[serde(default)]
    last_at: Millis,
    /// When the timer last took a lap (or started or resumed the race).
    #[serde(default)]
    last_crossing_at: Option<Millis>,
}

impl Race {
    /// A race ready to start under `rules`.
    pub fn new(rules: RaceRules) -> Self {
        Self {
            rules,
            state: RaceState::Ready,
            laps: Vec::new(),
            penalty_ms: 0,
            current_resets: 0,
            race_ms_before: 0,
            lap_ms_before: 0,
            running_since: None,
            ended_by_capture_at: None,
            ended_while_paused: false,
            last_at: 0,
            last_crossing_at: None,
        }
    }

    /// The same race, opened (put on the track) at `now`: crossings stamped before
    /// that belong to someone else.
    pub fn opened_at(mut self, now: Millis) -> Self {
        self.last_at = now;
        self
    }

    fn running_for(&self, now: Millis) -> u64 {
        self.running_since
            .map_or(0, |since| now.saturating_sub(since))
    }

    /// Race-clock time run so far.
    pub fn race_elapsed(&self, now: Millis) -> u64 {
        self.race_ms_before + self.running_for(now)
    }

    /// Time of the lap in progress.
    pub fn lap_elapsed(&self, now: Millis) -> u64 {
        self.lap_ms_before + self.running_for(now)
    }

    /// Race time left (0 once it ran out); `None` without a race time.
    pub fn remaining(&self, now: Millis) -> Option<u64> {
        self.rules
            .race_time_ms
            .map(|total| total.saturating_sub(self.race_elapsed(now)))
    }

    /// Whether the race time has run out (the lap in progress still counts).
    pub fn time_up(&self, now: Millis) -> bool {
        self.remaining(now) == Some(0)
    }

    /// When the race time runs out, on the race clock, while the clocks run.
    pub fn deadline(&self) -> Option<Millis> {
        let total = self.rules.race_time_ms?;
        let since = self.running_since?;
        Some(since + total.saturating_sub(self.race_ms_before))
    }

    /// When a race under "end at zero" must be ended (`None`: not such a race, or
    /// its clocks stand still).
    pub fn ends_at_zero_at(&self) -> Option<Millis> {
        self.rules.end_at_zero.then(|| self.deadline()).flatten()
    }

    /// Under "end at zero", ends the race at the moment its time ran out (the lap in
    /// progress does not count). Whether it ended now.
    pub fn end_if_time_up(&mut self, now: Millis) -> bool {
        let Some(deadline) = self.ends_at_zero_at().filter(|at| now >= *at) else {
            return false;
        };
        self.settle(deadline);
        self.state = RaceState::Over;
        self.running_since = None;
        self.lap_ms_before = 0;
        self.current_resets = 0;
        self.last_at = self.last_at.max(deadline);
        true
    }

    /// Laps that count.
    pub fn valid_laps(&self) -> usize {
        self.laps.iter().filter(|l| l.valid).count()
    }

    /// The fastest lap that counts, if one does.
    pub fn best_lap_ms(&self) -> Option<u64> {
        self.laps
            .iter()
            .filter(|l| l.valid)
            .map(|l| l.time_ms)
            .min()
    }

    /// Whether "undo false finish" is possible now: there is a lap, and the race is on
    /// or was ended by that lap's capture.
    pub fn can_undo(&self) -> bool {
        !self.laps.is_empty()
            && match self.state {
                RaceState::Running | RaceState::Paused => true,
                RaceState::Over => self.ended_by_capture_at.is_some(),
                _ => false,
            }
    }

    /// Whether the clocks are ticking (pages tick them locally).
    pub fn is_running(&self) -> bool {
        self.running_since.is_some()
    }

    /// Folds the running time into the totals, so `now` becomes the new reference.
    fn settle(&mut self, now: Millis) {
        if let Some(since) = self.running_since {
            let ran = now.saturating_sub(since);
            self.race_ms_before += ran;
            self.lap_ms_before += ran;
            self.running_since = Some(now.max(since));
        }
    }

    fn refuse<T>(&self, action: &str) -> Result<T, RaceError> {
        Err(RaceError::WrongState {
            state: self.state,
            action: action.to_string(),
        })
    }

    /// Records the lap in progress and starts the next one.
    fn record_lap(&mut self, now: Millis, source: LapSource, dnf: bool) {
        let was_running = self.running_since.is_some();
        self.settle(now);
        let resets = self.current_resets;
        self.laps.push(Lap {
            time_ms: self.lap_ms_before,
            resets,
            valid: !dnf && self.rules.resets_allowed(resets),
            dnf,
            source,
            ended_at: Some(now),
            penalty_ms: 0,
        });
        self.lap_ms_before = 0;
        self.current_resets = 0;
        let lap_target_reached = matches!(self.rules.ranking,
            Ranking::LapCount { laps } if self.valid_laps() >= usize::from(laps));
        if self.time_up(now) || lap_target_reached {
            self.state = RaceState::Over;
            self.running_since = None;
            self.ended_by_capture_at = Some(now);
            self.ended_while_paused = !was_running;
        }
    }

    /// Applies one command at time `now`.
    pub fn apply(&mut self, command: Command, now: Millis) -> Result<(), RaceError> {
        // Under "end at zero" a command after the time ran out meets a race that is over.
        self.end_if_time_up(now);
        if command == Command::Crossing && now < self.last_at {
            return Err(RaceError::StaleCrossing);
        }
        let manual_capture = command
            == Command::CaptureLap {
                source: LapSource::Manual,
            };
        let echo = self
            .last_crossing_at
            .is_some_and(|at| now < at.saturating_add(TIMER_ECHO_MS));
        if manual_capture && echo {
            return Err(RaceError::TimerTookLap);
        }
        if command == Command::Crossing && self.last_crossing_at == Some(now) {
            return Err(RaceError::CrossingCounted);
        }
        let lap_ms = self.lap_elapsed(now);
        if self.state == RaceState::Running && self.rules.below_min_lap(lap_ms) {
            let min_ms = self.rules.min_lap_ms;
            match command {
                Command::CaptureLap { .. } => {
                    return Err(RaceError::LapTooShort { lap_ms, min_ms })
                }
                Command::Crossing => return Err(RaceError::Bounce { lap_ms, min_ms }),
                _ => {}
            }
        }
        self.apply_unchecked(command, now)?;
        // Resets and validity do not move the clocks: a late crossing may still count.
        let boundary = !matches!(
            command,
            Command::ResetUp
                | Command::ResetDown
                | Command::ToggleValid { .. }
                | Command::Submit
                | Command::Discard
        );
        if boundary {
            self.last_at = self.last_at.max(now);
        }
        match command {
            Command::Crossing => self.last_crossing_at = Some(now),
            Command::UndoFalseFinish => self.last_crossing_at = None,
            _ => {}
        }
        Ok(())
    }

    fn apply_unchecked(&mut self, command: Command, now: Millis) -> Result<(), RaceError> {
        use RaceState::*;
        match (command, self.state) {
            (Command::Start, Ready) | (Command::Crossing, Ready) => {
                self.state = Running;
                self.running_since = Some(now);
            }
            (Command::Pause, Running) => {
                self.settle(now);
                self.state = Paused;
                self.running_since = None;
            }
            (Command::Resume, Paused) | (Command::Crossing, Paused) => {
                self.state = Running;
                self.running_since = Some(now);
            }
            (Command::CaptureLap { source }, Running) => self.record_lap(now, source, false),
            (Command::Crossing, Running) => self.record_lap(now, LapSource::Timer, false),
            (Command::ResetUp, Running | Paused) => {
                self.current_resets = (self.current_resets + 1).min(MAX_RESETS)
            }
            (Command::ResetDown, Running | Paused) => {
                self.current_resets = self.current_resets.saturating_sub(1)
            }
            (Command::Dnf, Running | Paused) => {
                self.record_lap(now, LapSource::Manual, true);
                if self.state != Over {
                    self.state = Paused;
                    self.running_since = None;
                }
            }
            (Command::UndoFalseFinish, Running | Paused | Over) => self.undo(now)?,
            (Command::ToggleValid { lap }, Running | Paused | Over | Submitted) => {
                let lap = self.laps.get_mut(lap).ok_or(RaceError::NoSuchLap(lap))?;
                lap.valid = !lap.valid;
            }
            (Command::End, Running | Paused) => {
                self.settle(now);
                self.state = Over;
                self.running_since = None;
                self.lap_ms_before = 0;
                self.current_resets = 0;
            }
            (Command::Submit, Over) => self.state = Submitted,
            (Command::Discard, Ready | Over) => self.state = Discarded,
            (command, _) => return self.refuse(&format!("{command:?}")),
        }
        Ok(())
    }

    /// Applies a race admin's correction to a recorded lap.
    pub fn edit(&mut self, edit: LapEdit) -> Result<(), RaceError> {
        if matches!(self.state, RaceState::Discarded | RaceState::Deleted) {
            return self.refuse("editing laps");
        }
        let index = match edit {
            LapEdit::SetTime { lap, .. }
            | LapEdit::SetResets { lap, .. }
            | LapEdit::SetValid { lap, .. }
            | LapEdit::Delete { lap } => lap,
            LapEdit::Split { .. } | LapEdit::Add { .. } => return self.fix_lap_count(edit),
            LapEdit::Penalty { lap, ms } => return self.set_penalty(lap, ms),
        };
        let rules = self.rules;
        let lap = self
            .laps
            .get_mut(index)
            .ok_or(RaceError::NoSuchLap(index))?;
        match edit {
            LapEdit::SetTime {
                time_ms, confirmed, ..
            } => {
                lap_fixes::check_lap_time(rules, time_ms, confirmed)?;
                lap.time_ms = time_ms;
            }
            LapEdit::SetResets { resets, .. } => {
                if resets > MAX_RESETS {
                    return Err(RaceError::BadResets);
                }
                lap.resets = resets;
                lap.valid = !lap.dnf && rules.resets_allowed(resets);
            }
            LapEdit::SetValid { valid, .. } => lap.valid = valid,
            LapEdit::Delete { .. } => {
                self.laps.remove(index);
            }
            LapEdit::Split { .. } | LapEdit::Add { .. } | LapEdit::Penalty { .. } => {}
        }
        Ok(())
    }

    fn undo(&mut self, now: Millis) -> Result<(), RaceError> {
        if self.state == RaceState::Over && self.ended_by_capture_at.is_none() {
            return self.refuse("undo after ending the race");
        }
        let last = self.laps.pop().ok_or(RaceError::NoLap)?;
        if let Some(ended_at) = self.ended_by_capture_at.take() {
            if self.ended_while_paused {
                self.state = RaceState::Paused;
            } else {
                // The car kept driving after the false finish: the clocks never stopped.
                self.state = RaceState::Running;
                self.running_since = Some(ended_at);
            }
        }
        self.settle(now);
        self.lap_ms_before += last.time_ms;
        self.current_resets += last.resets;
        Ok(())
    }
}

#[cfg(test)]
#[path = "race_tests.rs"]
mod tests;
