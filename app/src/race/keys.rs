//! The race manager's keyboard: one table of keys, what each does in each race state
//! and how the on-screen list names it. The key handler and the list both read it, so
//! a key cannot work without being shown, or be shown without working.

use crate::domain::race::{Command, LapSource, RaceState};

/// What a key asks for.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum KeyAction {
    /// A race command as it is.
    Send(Command),
    /// Counts the last lap or not (the page knows which lap is last).
    ToggleLastLap,
    /// Asks "end the race?" before ending it.
    AskToEnd,
    /// Ends the race, if "end the race?" is being asked.
    ConfirmEnd,
    /// Answers "end the race?" with no.
    KeepRacing,
}

/// One key (or its spellings) of the race control.
pub struct Key {
    /// `KeyboardEvent.key` values that press it.
    pub pressed: &'static [&'static str],
    /// How the list shows it, with what it does; `None` for the answers to "end the
    /// race?", which that question names itself.
    pub shown: Option<(&'static str, &'static str)>,
    /// What it does in a state (`None`: nothing then).
    pub action: fn(RaceState) -> Option<KeyAction>,
}

use KeyAction::*;
use RaceState::*;

pub const KEYS: &[Key] = &[
    Key {
        pressed: &[" "],
        shown: Some(("Space", "start / pause / resume")),
        action: |state| match state {
            Ready => Some(Send(Command::Start)),
            Running => Some(Send(Command::Pause)),
            Paused => Some(Send(Command::Resume)),
            _ => None,
        },
    },
    Key {
        pressed: &["Enter"],
        shown: Some(("Enter", "lap")),
        action: |state| {
            (state == Running).then_some(Send(Command::CaptureLap {
                source: LapSource::Manual,
            }))
        },
    },
    Key {
        pressed: &["r", "R"],
        shown: Some(("R", "reset +1")),
        action: |_| Some(Send(Command::ResetUp)),
    },
    Key {
        pressed: &["e", "E"],
        shown: Some(("E", "reset −1")),
        action: |_| Some(Send(Command::ResetDown)),
    },
    Key {
        pressed: &["d", "D"],
        shown: Some(("D", "DNF")),
        action: |_| Some(Send(Command::Dnf)),
    },
    Key {
        pressed: &["u", "U"],
        shown: Some(("U", "undo lap (a false finish)")),
        action: |_| Some(Send(Command::UndoFalseFinish)),
    },
    Key {
        pressed: &["v", "V"],
        shown: Some(("V", "last lap valid / invalid")),
        action: |state| matches!(state, Running | Paused | Over).then_some(ToggleLastLap),
    },
    Key {
        pressed: &["x", "X"],
        shown: Some(("X", "end race")),
        action: |state| matches!(state, Running | Paused).then_some(AskToEnd),
    },
    Key {
        pressed: &["y", "Y"],
        shown: None,
        action: |state| matches!(state, Running | Paused).then_some(ConfirmEnd),
    },
    Key {
        pressed: &["n", "N", "Escape"],
        shown: None,
        action: |_| Some(KeepRacing),
    },
    Key {
        pressed: &["s", "S"],
        shown: Some(("S", "submit (finish screen)")),
        action: |state| (state == Over).then_some(Send(Command::Submit)),
    },
];

/// What the key `pressed` (a `KeyboardEvent.key`) does in `state`.
pub fn action_for(pressed: &str, state: RaceState) -> Option<KeyAction> {
    KEYS.iter()
        .find(|key| key.pressed.contains(&pressed))
        .and_then(|key| (key.action)(state))
}

#[cfg(test)]
mod tests {
    use super::*;

    const STATES: [RaceState; 6] = [Ready, Running, Paused, Over, Submitted, Discarded];

    #[test]
    fn space_starts_pauses_and_resumes_and_enter_laps_only_while_running() {
        assert_eq!(action_for(" ", Ready), Some(Send(Command::Start)));
        assert_eq!(action_for(" ", Running), Some(Send(Command::Pause)));
        assert_eq!(action_for(" ", Paused), Some(Send(Command::Resume)));
        assert_eq!(action_for(" ", Over), None);
        let lap = Send(Command::CaptureLap {
            source: LapSource::Manual,
        });
        for state in STATES {
            let expected = (state == Running).then(|| lap.clone());
            assert_eq!(action_for("Enter", state), expected, "{state:?}");
        }
    }

    #[test]
    fn ending_takes_x_then_y_and_submitting_takes_s_on_the_finish_screen() {
        assert_eq!(action_for("x", Running), Some(AskToEnd));
        assert_eq!(action_for("X", Paused), Some(AskToEnd));
        assert_eq!(action_for("x", Ready), None);
        assert_eq!(action_for("Y", Running), Some(ConfirmEnd));
        assert_eq!(action_for("Escape", Running), Some(KeepRacing));
        assert_eq!(action_for("s", Over), Some(Send(Command::Submit)));
        assert_eq!(action_for("s", Running), None);
        assert_eq!(action_for("v", Over), Some(ToggleLastLap));
        assert_eq!(action_for("q", Running), None);
    }

    #[test]
    fn every_shown_key_does_something_and_no_key_is_listed_twice() {
        let mut seen: Vec<&str> = Vec::new();
        for key in KEYS {
            for pressed in key.pressed {
                assert!(!seen.contains(pressed), "{pressed} twice");
                seen.push(pressed);
            }
            if let Some((cap, _)) = key.shown {
                let works = STATES.iter().any(|s| (key.action)(*s).is_some());
                assert!(works, "{cap} is shown but does nothing");
            }
        }
    }
}
