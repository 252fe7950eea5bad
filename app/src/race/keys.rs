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
    /// Asks before a command that cannot be taken back.
    Ask(Question),
    /// Sends the command asked about, if a question is being asked.
    Confirm,
    /// Answers the question with no.
    KeepRacing,
}

/// A command the race control asks about first: it cannot be taken back.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Question {
    End,
    Discard,
}

impl Question {
    /// The command a yes sends.
    pub fn command(self) -> Command {
        match self {
            Question::End => Command::End,
            Question::Discard => Command::Discard,
        }
    }

    /// Whether the race in `state` can still be asked it.
    pub fn applies(self, state: RaceState) -> bool {
        match self {
            Question::End => matches!(state, RaceState::Running | RaceState::Paused),
            Question::Discard => matches!(state, RaceState::Ready | RaceState::Over),
        }
    }

    /// The question, and its yes and no.
    pub fn words(self) -> (&'static str, &'static str, &'static str) {
        match self {
            Question::End => (
                "End the race? The lap in progress will not count.",
                "End race",
                "Keep racing",
            ),
            Question::Discard => (
                "Discard this race? Its laps will not count and the track is free for the next racer.",
                "Discard race",
                "Keep it",
            ),
        }
    }
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
        action: |state| Question::End.applies(state).then_some(Ask(Question::End)),
    },
    Key {
        pressed: &["q", "Q"],
        shown: Some(("Q", "discard race")),
        action: |state| {
            Question::Discard
                .applies(state)
                .then_some(Ask(Question::Discard))
        },
    },
    Key {
        pressed: &["y", "Y"],
        shown: None,
        action: |_| Some(Confirm),
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
        assert_eq!(action_for("x", Running), Some(Ask(Question::End)));
        assert_eq!(action_for("X", Paused), Some(Ask(Question::End)));
        assert_eq!(action_for("x", Ready), None);
        assert_eq!(action_for("Y", Running), Some(Confirm));
        assert_eq!(action_for("Escape", Running), Some(KeepRacing));
        assert_eq!(action_for("s", Over), Some(Send(Command::Submit)));
        assert_eq!(action_for("s", Running), None);
        assert_eq!(action_for("v", Over), Some(ToggleLastLap));
        assert_eq!(action_for("j", Running), None);
    }

    #[test]
    fn discarding_takes_q_then_y_before_the_start_and_on_the_finish_screen() {
        for state in STATES {
            let asks = matches!(state, Ready | Over);
            assert_eq!(
                action_for("q", state),
                asks.then_some(Ask(Question::Discard)),
                "{state:?}"
            );
            assert_eq!(Question::Discard.applies(state), asks);
        }
        assert_eq!(Question::Discard.command(), Command::Discard);
        assert_eq!(Question::End.command(), Command::End);
        assert!(
            !Question::End.applies(Over),
            "a yes after the race ended sends nothing"
        );
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
