//! Marshaling a submitted race beyond its lap count: time penalties, deleting and
//! restoring, and each correction in words for the race's log.

use super::{LapEdit, Race, RaceError, RaceState};
use crate::domain::account::FieldError;
use crate::domain::laptime::format_ms;

/// The longest penalty: an hour.
pub const MAX_PENALTY_MS: i64 = 3_600_000;

/// The longest reason a correction keeps.
pub const REASON_MAX: usize = 200;

impl Race {
    /// Puts a penalty of `ms` on lap `lap`, or on the race without one.
    pub(super) fn set_penalty(&mut self, lap: Option<usize>, ms: i64) -> Result<(), RaceError> {
        if !(0..=MAX_PENALTY_MS).contains(&ms) {
            return Err(RaceError::BadPenalty);
        }
        let ms = ms as u64;
        match lap {
            Some(index) => {
                self.laps
                    .get_mut(index)
                    .ok_or(RaceError::NoSuchLap(index))?
                    .penalty_ms = ms
            }
            None => self.penalty_ms = ms,
        }
        Ok(())
    }

    /// Takes a submitted race out of every result, to be restored.
    pub fn delete(&mut self) -> Result<(), RaceError> {
        match self.state {
            RaceState::Submitted => {
                self.state = RaceState::Deleted;
                Ok(())
            }
            _ => self.refuse_marshal("deleting"),
        }
    }

    /// Puts a deleted race back, as it was.
    pub fn restore(&mut self) -> Result<(), RaceError> {
        match self.state {
            RaceState::Deleted => {
                self.state = RaceState::Submitted;
                Ok(())
            }
            _ => self.refuse_marshal("restoring"),
        }
    }

    fn refuse_marshal(&self, action: &str) -> Result<(), RaceError> {
        Err(RaceError::WrongState {
            state: self.state,
            action: action.to_string(),
        })
    }

    /// The race's result penalty plus lap penalties: what marshals added in all.
    pub fn penalties_ms(&self) -> u64 {
        self.penalty_ms + self.laps.iter().map(|l| l.penalty_ms).sum::<u64>()
    }
}

impl LapEdit {
    /// The correction in words for the race's log, `race` as it was before it.
    pub fn describe(&self, race: &Race) -> String {
        let time = |i: usize| {
            race.laps
                .get(i)
                .map_or_else(|| "?".into(), |l| format_ms(l.time_ms))
        };
        match *self {
            LapEdit::SetTime { lap, time_ms, .. } => {
                format!(
                    "Lap {}: {} s → {} s",
                    lap + 1,
                    time(lap),
                    format_ms(time_ms)
                )
            }
            LapEdit::SetResets { lap, resets } => {
                let before = race.laps.get(lap).map_or(0, |l| l.resets);
                format!("Lap {}: {before} → {resets} resets", lap + 1)
            }
            LapEdit::SetValid { lap, valid } => format!(
                "Lap {} ({} s) {}",
                lap + 1,
                time(lap),
                if valid { "counts" } else { "does not count" }
            ),
            LapEdit::Delete { lap } => format!("Lap {} ({} s) deleted", lap + 1, time(lap)),
            LapEdit::Split { lap, first_ms, .. } => {
                let whole = race.laps.get(lap).map_or(0, |l| l.time_ms);
                format!(
                    "Lap {} ({} s) split into {} s and {} s",
                    lap + 1,
                    format_ms(whole),
                    format_ms(first_ms),
                    format_ms(whole.saturating_sub(first_ms))
                )
            }
            LapEdit::Add {
                at, time_ms, valid, ..
            } => format!(
                "Lap added as lap {}: {} s{}",
                at + 1,
                format_ms(time_ms),
                if valid { "" } else { ", not counting" }
            ),
            LapEdit::Penalty { lap, ms } => {
                let shown = format_ms(ms.max(0) as u64);
                match lap {
                    Some(lap) => format!("Penalty on lap {}: +{shown} s", lap + 1),
                    None => format!("Race penalty: +{shown} s"),
                }
            }
        }
    }
}

/// The reason given for a correction, trimmed: up to 200 characters, and required for
/// what changes more than a lap (a penalty, a move, a delete or restore).
pub fn reason(raw: &str, required: bool) -> Result<String, FieldError> {
    let min = usize::from(required);
    crate::domain::names::text("reason", raw, min, REASON_MAX).map_err(|e| {
        if required && raw.trim().is_empty() {
            FieldError::new("reason", "Say why: the race's log keeps it.")
        } else {
            e
        }
    })
}

/// Whether `edit` needs a reason.
pub fn needs_reason(edit: &LapEdit) -> bool {
    matches!(edit, LapEdit::Penalty { .. })
}

#[cfg(test)]
mod tests {
    use super::super::{Lap, LapEdit, LapSource, Race, RaceError, RaceState};
    use super::reason;

    fn submitted() -> Race {
        let mut race = Race::new(Default::default());
        race.state = RaceState::Submitted;
        race.laps = [10_000, 12_000]
            .into_iter()
            .map(|time_ms| Lap {
                time_ms,
                resets: 0,
                valid: true,
                dnf: false,
                source: LapSource::Manual,
                ended_at: None,
                penalty_ms: 0,
            })
            .collect();
        race
    }

    #[test]
    fn penalties_are_set_per_lap_or_race_and_bounded() {
        let mut race = submitted();
        race.edit(LapEdit::Penalty {
            lap: Some(1),
            ms: 2_000,
        })
        .unwrap();
        race.edit(LapEdit::Penalty {
            lap: None,
            ms: 5_000,
        })
        .unwrap();
        assert_eq!((race.laps[1].penalty_ms, race.penalty_ms), (2_000, 5_000));
        assert_eq!(race.penalties_ms(), 7_000);
        let before = race.clone();
        for ms in [-1, 3_600_001] {
            assert_eq!(
                race.edit(LapEdit::Penalty { lap: None, ms }),
                Err(RaceError::BadPenalty)
            );
        }
        assert_eq!(
            race.edit(LapEdit::Penalty {
                lap: Some(5),
                ms: 1
            }),
            Err(RaceError::NoSuchLap(5))
        );
        assert_eq!(race, before, "a refused penalty changes nothing");
        race.edit(LapEdit::Penalty {
            lap: Some(1),
            ms: 0,
        })
        .unwrap();
        assert_eq!(race.penalties_ms(), 5_000, "0 takes a penalty away");
    }

    #[test]
    fn a_deleted_race_is_restored_as_it_was_and_is_not_edited_meanwhile() {
        let mut race = submitted();
        let before = race.clone();
        race.delete().unwrap();
        assert_eq!(race.state, RaceState::Deleted);
        assert!(!race.state.is_open());
        assert!(race.delete().is_err(), "deleted once");
        assert!(race
            .edit(LapEdit::SetValid {
                lap: 0,
                valid: false
            })
            .is_err());
        race.restore().unwrap();
        assert_eq!(race, before);
        assert!(race.restore().is_err(), "only a deleted race is restored");
        let mut open = Race::new(Default::default());
        assert!(open.delete().is_err(), "an open race is the race manager's");
    }

    #[test]
    fn corrections_are_described_with_what_they_changed() {
        let race = submitted();
        let said = |edit: LapEdit| edit.describe(&race);
        assert_eq!(
            said(LapEdit::SetTime {
                lap: 0,
                time_ms: 9_500,
                confirmed: false
            }),
            "Lap 1: 10.000 s → 9.500 s"
        );
        assert_eq!(
            said(LapEdit::Split {
                lap: 1,
                first_ms: 5_000,
                confirmed: false
            }),
            "Lap 2 (12.000 s) split into 5.000 s and 7.000 s"
        );
        assert_eq!(
            said(LapEdit::Penalty {
                lap: None,
                ms: 2_500
            }),
            "Race penalty: +2.500 s"
        );
        assert_eq!(
            said(LapEdit::Penalty {
                lap: Some(0),
                ms: 1_000
            }),
            "Penalty on lap 1: +1.000 s"
        );
    }

    #[test]
    fn a_reason_is_required_where_asked_and_bounded() {
        assert!(reason("  ", true).is_err());
        assert_eq!(reason("  ", false).unwrap(), "");
        assert_eq!(
            reason(" Cut the chicane ", true).unwrap(),
            "Cut the chicane"
        );
        assert!(reason(&"x".repeat(201), false).is_err());
        assert!(reason("a\u{202e}b", false).is_err());
    }
}
