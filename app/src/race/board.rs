//! The race board: racer, state, the ticking clocks, one big button per action, laps.

use super::keys::Question;
use super::ticking::Received;
use crate::domain::commentary::{state_label, time_up_on_track, TIME_UP};
use crate::domain::laptime::format_ms;
use crate::domain::race::{Command, LapSource, RaceState};
use leptos::prelude::*;

/// The one name of "take the last lap back" (a false finish), on its button and in
/// the key list.
pub const UNDO_LAP: &str = "Undo lap";

#[component]
pub fn RaceBoard(
    received: Received,
    send: impl Fn(Command) + Copy + Send + Sync + 'static,
    server_now: Signal<u64>,
    asking: RwSignal<Option<Question>>,
) -> impl IntoView {
    let live = received.live.clone();
    let race = live.race.clone();
    let state = race.state;
    let lap_now = {
        let race = race.clone();
        move || format_ms(race.lap_elapsed(server_now.get()))
    };
    let left = {
        let race = race.clone();
        move || {
            race.remaining(server_now.get())
                .map(format_ms)
                .unwrap_or_else(|| "no limit".into())
        }
    };
    let time_up = {
        let race = race.clone();
        move || race.time_up(server_now.get())
    };
    let time_up_note = {
        let race = race.clone();
        move || time_up_on_track(&race, server_now.get())
    };
    let laps = race
        .laps
        .iter()
        .enumerate()
        .rev()
        .map(|(i, lap)| {
            let valid = lap.valid;
            view! {
                <tr class:invalid=!valid>
                    <td>{i + 1}</td>
                    <td class="num">{format_ms(lap.time_ms)}</td>
                    <td class="num">{lap.resets}</td>
                    <td>
                        <button class="button small" aria-pressed=valid.to_string()
                            aria-label=format!("Lap {} valid", i + 1)
                            on:click=move |_| send(Command::ToggleValid { lap: i })>
                            {if valid { "Valid" } else { "Invalid" }}
                        </button>
                    </td>
                </tr>
            }
        })
        .collect_view();
    let big = |label: &'static str, key: &'static str, cmd: Command, class: &'static str| {
        view! {
            <button class=format!("button big {class}") on:click=move |_| send(cmd)>
                {label} <kbd>{key}</kbd>
            </button>
        }
    };
    // A button for a command asked about first; its key is the one the key list shows.
    let ask = move |question: Question| {
        let (label, key) = match question {
            Question::End => ("End race", "X"),
            Question::Discard => ("Discard", "Q"),
        };
        view! {
            <button class="button big danger" on:click=move |_| asking.set(Some(question))>
                {label} " " <kbd>{key}</kbd>
            </button>
        }
    };
    view! {
        <section class=format!("race-board state-{}", state_label(state).to_ascii_lowercase().replace(' ', "-")) aria-label="Race">
            <div class="race-status">
                <span class="racer-dot" style=format!("background:{}", live.racer_colour)></span>
                <strong class="racer-name">{live.racer_name.clone()} {live.by_proxy.then_some(" *")}</strong>
                <span class="state-badge" role="status">{state_label(state)}</span>
            </div>
            <div class="clocks">
                <div><span class="clock-label">"Lap"</span><span class="clock" data-testid="lap-clock">{lap_now}</span></div>
                <div><span class="clock-label">"Time left"</span><span class="clock" class:time-up=time_up data-testid="time-left">{left}</span></div>
                <div><span class="clock-label">"Resets"</span><span class="clock">{race.current_resets}</span></div>
            </div>
            <Show when=time_up_note>
                <p class="time-up-note" role="status">{TIME_UP}</p>
            </Show>
            <div class="race-buttons">
                {match state {
                    RaceState::Ready => big("Start", "Space", Command::Start, "primary").into_any(),
                    RaceState::Running => view! {
                        {big("Lap", "Enter", Command::CaptureLap { source: LapSource::Manual }, "primary lap")}
                        {big("Pause", "Space", Command::Pause, "")}
                        {big("Reset +1", "R", Command::ResetUp, "")}
                        {big("Reset −1", "E", Command::ResetDown, "")}
                        {big("DNF", "D", Command::Dnf, "")}
                        {big(UNDO_LAP, "U", Command::UndoFalseFinish, "")}
                    }.into_any(),
                    RaceState::Paused => view! {
                        {big("Resume", "Space", Command::Resume, "primary")}
                        {big("Reset +1", "R", Command::ResetUp, "")}
                        {big("Reset −1", "E", Command::ResetDown, "")}
                        {big(UNDO_LAP, "U", Command::UndoFalseFinish, "")}
                    }.into_any(),
                    RaceState::Over => view! {
                        {big("Submit", "S", Command::Submit, "primary")}
                        {ask(Question::Discard)}
                        {race.can_undo().then(|| big(UNDO_LAP, "U", Command::UndoFalseFinish, ""))}
                    }.into_any(),
                    _ => ().into_any(),
                }}
                {Question::End.applies(state).then(|| ask(Question::End))}
                {(state == RaceState::Ready).then(|| ask(Question::Discard))}
            </div>
            {move || asking.get().map(|question| {
                let (text, yes, no) = question.words();
                view! {
                    <div class="confirm" role="alert">
                        {text} " "
                        <button class="button danger" on:click=move |_| { asking.set(None); send(question.command()) }>{yes} " " <kbd>"Y"</kbd></button>
                        <button class="button" on:click=move |_| asking.set(None)>{no} " " <kbd>"N"</kbd></button>
                    </div>
                }
            })}
            <table class="laps">
                <thead><tr><th>"Lap"</th><th class="num">"Time"</th><th class="num">"Resets"</th><th>"Counts"</th></tr></thead>
                <tbody>{laps}</tbody>
            </table>
        </section>
    }
}
