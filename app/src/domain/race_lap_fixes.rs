//! Marshaling a finished race's lap count: a lap counted for two is split, a lap
//! nobody counted is added. Each keeps the race's total time and the laps' end times
//! (the tie-break), so results stay fair after the fix.

use super::{Lap, LapEdit, LapSource, Race, RaceError};
use crate::domain::rules::RaceRules;

/// A corrected or added lap time: 1 ms to an hour, and under the race's shortest lap
/// only when confirmed.
pub(super) fn check_lap_time(
    rules: RaceRules,
    time_ms: u64,
    confirmed: bool,
) -> Result<(), RaceError> {
    if !(1..=3_600_000).contains(&time_ms) {
        return Err(RaceError::BadTime);
    }
    if rules.below_min_lap(time_ms) && !confirmed {
        return Err(RaceError::UnderMinimum {
            time_ms,
            min_ms: rules.min_lap_ms,
        });
    }
    Ok(())
}

impl Race {
    /// Applies `Split` or `Add` (other edits change one lap and are `edit`'s).
    pub(super) fn fix_lap_count(&mut self, edit: LapEdit) -> Result<(), RaceError> {
        let rules = self.rules;
        match edit {
            LapEdit::Split {
                lap,
                first_ms,
                confirmed,
            } => {
                let whole = self.laps.get(lap).ok_or(RaceError::NoSuchLap(lap))?.clone();
                if first_ms == 0 || first_ms >= whole.time_ms {
                    return Err(RaceError::BadSplit);
                }
                let rest_ms = whole.time_ms - first_ms;
                check_lap_time(rules, first_ms, confirmed)?;
                check_lap_time(rules, rest_ms, confirmed)?;
                // The first part ended when the second began; the resets stay with
                // the first part (the operator moves them if they belong later).
                let first = Lap {
                    time_ms: first_ms,
                    ended_at: whole.ended_at.map(|end| end.saturating_sub(rest_ms)),
                    ..whole.clone()
                };
                let rest = Lap {
                    time_ms: rest_ms,
                    resets: 0,
                    valid: !whole.dnf,
                    penalty_ms: 0,
                    ..whole
                };
                self.laps.splice(lap..=lap, [first, rest]);
            }
            LapEdit::Add {
                at,
                time_ms,
                valid,
                confirmed,
            } => {
                if at > self.laps.len() {
                    return Err(RaceError::BadPlace(self.laps.len() + 1));
                }
                check_lap_time(rules, time_ms, confirmed)?;
                // It ended a lap after the one before it, or, added first, when the
                // lap after it began.
                let before = at.checked_sub(1).and_then(|i| self.laps.get(i));
                let ended_at = match (before, self.laps.get(at)) {
                    (Some(before), _) => before.ended_at.map(|end| end + time_ms),
                    (None, Some(next)) => next.ended_at.map(|end| end.saturating_sub(next.time_ms)),
                    (None, None) => None,
                };
                let added = Lap {
                    time_ms,
                    resets: 0,
                    valid,
                    dnf: false,
                    source: LapSource::Manual,
                    ended_at,
                    penalty_ms: 0,
                };
                self.laps.insert(at, added);
            }
            _ => {}
        }
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::super::{Lap, LapEdit, LapSource, Race, RaceError, RaceState};
    use crate::domain::rules::RaceRules;

    fn finished(laps: &[(u64, u64)]) -> Race {
        let mut race = Race::new(RaceRules {
            min_lap_ms: 5_000,
            ..RaceRules::default()
        });
        race.state = RaceState::Submitted;
        race.laps = laps
            .iter()
            .map(|&(time_ms, ended_at)| Lap {
                time_ms,
                resets: 1,
                valid: true,
                dnf: false,
                source: LapSource::Manual,
                ended_at: Some(ended_at),
                penalty_ms: 0,
            })
            .collect();
        race
    }

    fn times(race: &Race) -> Vec<(u64, Option<u64>)> {
        race.laps.iter().map(|l| (l.time_ms, l.ended_at)).collect()
    }

    #[test]
    fn a_split_lap_keeps_the_total_and_the_end_times() {
        let mut race = finished(&[(10_000, 110_000), (20_000, 130_000)]);
        race.edit(LapEdit::Split {
            lap: 1,
            first_ms: 9_000,
            confirmed: false,
        })
        .unwrap();
        assert_eq!(
            times(&race),
            vec![
                (10_000, Some(110_000)),
                (9_000, Some(119_000)),
                (11_000, Some(130_000))
            ]
        );
        assert_eq!((race.laps[1].resets, race.laps[2].resets), (1, 0));
        // Nothing to split off, or a part under the shortest lap unconfirmed: refused.
        let before = race.clone();
        for first_ms in [0, 11_000, 12_000] {
            assert_eq!(
                race.edit(LapEdit::Split {
                    lap: 2,
                    first_ms,
                    confirmed: false
                }),
                Err(RaceError::BadSplit)
            );
        }
        assert!(matches!(
            race.edit(LapEdit::Split {
                lap: 2,
                first_ms: 3_000,
                confirmed: false
            }),
            Err(RaceError::UnderMinimum { .. })
        ));
        assert_eq!(
            race.edit(LapEdit::Split {
                lap: 9,
                first_ms: 1,
                confirmed: true
            }),
            Err(RaceError::NoSuchLap(9))
        );
        assert_eq!(race, before, "a refused fix changes nothing");
    }

    #[test]
    fn an_added_lap_goes_where_asked_with_its_end_time() {
        let mut race = finished(&[(10_000, 110_000), (12_000, 122_000)]);
        race.edit(LapEdit::Add {
            at: 1,
            time_ms: 9_000,
            valid: true,
            confirmed: false,
        })
        .unwrap();
        race.edit(LapEdit::Add {
            at: 3,
            time_ms: 8_000,
            valid: false,
            confirmed: false,
        })
        .unwrap();
        assert_eq!(
            times(&race),
            vec![
                (10_000, Some(110_000)),
                (9_000, Some(119_000)),
                (12_000, Some(122_000)),
                (8_000, Some(130_000)),
            ]
        );
        race.edit(LapEdit::Add {
            at: 0,
            time_ms: 7_000,
            valid: true,
            confirmed: false,
        })
        .unwrap();
        assert_eq!(
            race.laps[0].ended_at,
            Some(100_000),
            "when the first counted lap began"
        );
        race.edit(LapEdit::Delete { lap: 0 }).unwrap();
        assert!(!race.laps[3].valid);
        let before = race.clone();
        assert_eq!(
            race.edit(LapEdit::Add {
                at: 9,
                time_ms: 9_000,
                valid: true,
                confirmed: false
            }),
            Err(RaceError::BadPlace(5))
        );
        assert_eq!(
            race.edit(LapEdit::Add {
                at: 0,
                time_ms: 0,
                valid: true,
                confirmed: false
            }),
            Err(RaceError::BadTime)
        );
        assert_eq!(race, before);
    }
}
