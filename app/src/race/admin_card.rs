//! One submitted race on race admin: its laps to correct, a missed lap to add, and
//! the marshal's corrections beyond the laps (`marshal_forms`), with its log.

use super::admin_api::EditLap;
use super::marshal_forms::{reason_if_given, CorrectionLog, Marshal, MarshalForms, ReasonField};
use crate::domain::laptime::format_ms;
use crate::domain::race::LapEdit;
use crate::wire::RaceSummary;
use leptos::prelude::*;

#[component]
pub fn RaceCard(race: RaceSummary, track: String, marshal: Marshal) -> impl IntoView {
    let id = race.id.clone();
    let version = race.version;
    let reason = marshal.draft(&race.id);
    let edit = marshal.edit;
    let send = move |e: LapEdit| {
        edit.dispatch(EditLap {
            race: id.clone(),
            version,
            edit: e,
            reason: reason_if_given(reason),
        });
    };
    let send = StoredValue::new(send);
    let min_lap_ms = race.race.rules.min_lap_ms;
    let rows = race
        .race
        .laps
        .iter()
        .enumerate()
        .map(|(i, lap)| {
            let valid = lap.valid;
            let recorded = lap.time_ms;
            view! {
                <tr class:invalid=!valid>
                    <td>{i + 1}</td>
                    <td>
                        <input class="time-input" aria-label=format!("Lap {} time in ms", i + 1) type="number" min="1"
                            value=lap.time_ms.to_string()
                            on:change=move |ev| {
                                let Ok(time_ms) = event_target_value(&ev).parse::<u64>() else {
                                    return;
                                };
                                // A lap under the race's shortest lap is kept only when confirmed.
                                let confirmed = time_ms < min_lap_ms;
                                if confirmed && !window()
                                    .confirm_with_message(&format!(
                                        "{} s is shorter than this race's shortest lap ({} s). Keep it?",
                                        format_ms(time_ms),
                                        format_ms(min_lap_ms)
                                    ))
                                    .unwrap_or(false)
                                {
                                    let input: leptos::web_sys::HtmlInputElement = event_target(&ev);
                                    input.set_value(&recorded.to_string());
                                    return;
                                }
                                send.with_value(|s| s(LapEdit::SetTime { lap: i, time_ms, confirmed }));
                            } />
                        <span class="sub">{format_ms(lap.time_ms)}</span>
                        {(lap.penalty_ms > 0).then(|| view! {
                            <span class="penalty">{format!("+{} s penalty", format_ms(lap.penalty_ms))}</span>
                        })}
                    </td>
                    <td>
                        <input class="resets-input" aria-label=format!("Lap {} resets", i + 1) type="number" min="0"
                            value=lap.resets.to_string()
                            on:change=move |ev| {
                                if let Ok(resets) = event_target_value(&ev).parse() {
                                    send.with_value(|s| s(LapEdit::SetResets { lap: i, resets }));
                                }
                            } />
                    </td>
                    <td>
                        <button class="button small" aria-pressed=valid.to_string()
                            on:click=move |_| send.with_value(|s| s(LapEdit::SetValid { lap: i, valid: !valid }))>
                            {if valid { "Valid" } else { "Invalid" }}
                        </button>
                        <button class="button small" aria-label=format!("Split lap {}", i + 1)
                            on:click=move |_| {
                                if let Some(edit) = ask_split(i, recorded, min_lap_ms) {
                                    send.with_value(|s| s(edit));
                                }
                            }>"Split"</button>
                        <button class="button small danger" aria-label=format!("Delete lap {}", i + 1)
                            on:click=move |_| send.with_value(|s| s(LapEdit::Delete { lap: i }))>"Delete"</button>
                    </td>
                </tr>
            }
        })
        .collect_view();
    let penalties = race.race.penalties_ms();
    view! {
        <article class="card race-card" aria-label=format!("Race of {} at {}", race.racer_name, race.submitted_at)>
            <header class="race-card-head">
                <strong>{race.racer_name.clone()} {race.by_proxy.then_some(" *")}</strong>
                <span class="sub">
                    {track} " · " {race.submitted_at.clone()}
                    {race.car.clone().map(|car| format!(" · Car: {car}"))}
                </span>
                {(penalties > 0).then(|| view! {
                    <span class="penalty">{format!("Penalties +{} s", format_ms(penalties))}</span>
                })}
            </header>
            <table class="laps">
                <thead><tr><th>"Lap"</th><th>"Time (ms)"</th><th>"Resets"</th><th>"Counts"</th></tr></thead>
                <tbody>{rows}</tbody>
            </table>
            <AddLap laps=race.race.laps.len() min_lap_ms send />
            <ReasonField race=race.id.clone() reason />
            <MarshalForms race=race.clone() marshal reason />
            <CorrectionLog log=race.corrections.clone() />
        </article>
    }
}

/// Asks how long the first part of lap `lap` (of `whole_ms`) was; the split to send,
/// if the operator answers (and confirms a part under the shortest lap).
fn ask_split(lap: usize, whole_ms: u64, min_lap_ms: u64) -> Option<LapEdit> {
    let asked = window()
        .prompt_with_message(&format!(
            "Lap {} took {} s. How long was its first part, in ms?",
            lap + 1,
            format_ms(whole_ms)
        ))
        .ok()
        .flatten()?;
    let first_ms = asked.trim().parse::<u64>().ok()?;
    let short = first_ms < min_lap_ms || whole_ms.saturating_sub(first_ms) < min_lap_ms;
    let confirmed = short
        && window()
            .confirm_with_message(&format!(
                "A part is shorter than this race's shortest lap ({} s). Split anyway?",
                format_ms(min_lap_ms)
            ))
            .unwrap_or(false);
    (!short || confirmed).then_some(LapEdit::Split {
        lap,
        first_ms,
        confirmed,
    })
}

/// A lap nobody counted: its time, its place among the laps, whether it counts.
#[component]
fn AddLap(
    laps: usize,
    min_lap_ms: u64,
    send: StoredValue<impl Fn(LapEdit) + Send + Sync + 'static>,
) -> impl IntoView {
    let time = RwSignal::new(String::new());
    let place = RwSignal::new((laps + 1).to_string());
    let counts = RwSignal::new(true);
    let add = move |ev: leptos::ev::SubmitEvent| {
        ev.prevent_default();
        let (Ok(time_ms), Ok(place)) = (
            time.get_untracked().trim().parse::<u64>(),
            place.get_untracked().trim().parse::<usize>(),
        ) else {
            return;
        };
        let short = time_ms < min_lap_ms;
        let confirmed = short
            && window()
                .confirm_with_message(&format!(
                    "{} s is shorter than this race's shortest lap ({} s). Add it?",
                    format_ms(time_ms),
                    format_ms(min_lap_ms)
                ))
                .unwrap_or(false);
        if short && !confirmed {
            return;
        }
        send.with_value(|s| {
            s(LapEdit::Add {
                at: place.saturating_sub(1),
                time_ms,
                valid: counts.get_untracked(),
                confirmed,
            })
        });
    };
    view! {
        <form class="add-lap" on:submit=add>
            <label>"Missed lap (ms)"
                <input type="number" min="1" required prop:value=move || time.get()
                    on:input=move |ev| time.set(event_target_value(&ev)) />
            </label>
            <label>"At lap"
                <input type="number" min="1" max=(laps + 1).to_string() required prop:value=move || place.get()
                    on:input=move |ev| place.set(event_target_value(&ev)) />
            </label>
            <label class="check">
                <input type="checkbox" prop:checked=move || counts.get()
                    on:change=move |ev| counts.set(event_target_checked(&ev)) />
                "Counts"
            </label>
            <button class="button small" type="submit">"Add lap"</button>
        </form>
    }
}
