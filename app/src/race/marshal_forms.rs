//! A marshal's corrections beyond a race's laps: a time penalty on a lap or the race,
//! the racer it belongs to, "raced by proxy", delete and restore. Each takes the
//! reason typed on the race's card, which the race's log keeps beside who and when.

use super::admin_api::{DeleteRace, EditLap, MoveRace, RestoreRace, SetByProxy};
use crate::accounts::api::list_racers;
use crate::domain::laptime::parse_seconds;
use crate::domain::race::LapEdit;
use crate::error::AppError;
use crate::wire::{Correction, RaceId, RaceSummary, UserId};
use leptos::prelude::*;
use std::collections::HashMap;

/// Race admin's corrections, and the reasons being typed on each race's card (kept
/// here, so a card rebuilt by a reload keeps what was typed).
#[derive(Clone, Copy)]
pub struct Marshal {
    pub edit: ServerAction<EditLap>,
    pub moved: ServerAction<MoveRace>,
    pub proxy: ServerAction<SetByProxy>,
    pub delete: ServerAction<DeleteRace>,
    pub restore: ServerAction<RestoreRace>,
    drafts: RwSignal<HashMap<RaceId, RwSignal<String>>>,
    /// The page's owner: drafts outlive the cards that show them.
    owner: StoredValue<Option<Owner>>,
}

impl Marshal {
    pub fn new() -> Self {
        Self {
            edit: ServerAction::new(),
            moved: ServerAction::new(),
            proxy: ServerAction::new(),
            delete: ServerAction::new(),
            restore: ServerAction::new(),
            drafts: RwSignal::new(HashMap::new()),
            owner: StoredValue::new(Owner::current()),
        }
    }

    /// Every correction's outcome.
    pub fn outcomes(&self) -> [Signal<Option<Result<(), AppError>>>; 5] {
        [
            self.edit.value().into(),
            self.moved.value().into(),
            self.proxy.value().into(),
            self.delete.value().into(),
            self.restore.value().into(),
        ]
    }

    /// The reason being typed on `race`'s card.
    pub fn draft(&self, race: &RaceId) -> RwSignal<String> {
        if let Some(draft) = self.drafts.with_untracked(|d| d.get(race).copied()) {
            return draft;
        }
        let new = || RwSignal::new(String::new());
        let draft = match self.owner.get_value() {
            Some(owner) => owner.with(new),
            None => new(),
        };
        self.drafts.update_untracked(|d| {
            d.insert(race.clone(), draft);
        });
        draft
    }
}

impl Default for Marshal {
    fn default() -> Self {
        Self::new()
    }
}

/// The reason for the next correction of a race.
#[component]
pub fn ReasonField(race: RaceId, reason: RwSignal<String>) -> impl IntoView {
    let id = format!("reason-{}", race.0);
    view! {
        <div class="field reason">
            <label for=id.clone()>"Reason for a correction"</label>
            <input id=id type="text" maxlength="200" placeholder="e.g. seen on video; cut the chicane"
                prop:value=move || reason.get() on:input=move |ev| reason.set(event_target_value(&ev)) />
        </div>
    }
}

/// The reason typed, taken for one correction (the box empties for the next), or a
/// prompt to type one (`None` then).
fn reason_given(reason: RwSignal<String>) -> Option<String> {
    let why = reason.get_untracked().trim().to_string();
    if why.is_empty() {
        let _ = window().alert_with_message("Type the reason first: the race's log keeps it.");
        return None;
    }
    reason.set(String::new());
    Some(why)
}

/// The reason typed, if any, taken for one lap correction.
pub fn reason_if_given(reason: RwSignal<String>) -> Option<String> {
    let why = reason.get_untracked().trim().to_string();
    reason.set(String::new());
    (!why.is_empty()).then_some(why)
}

/// Penalty, racer, proxy and delete for a submitted race.
#[component]
pub fn MarshalForms(
    race: RaceSummary,
    marshal: Marshal,
    reason: RwSignal<String>,
) -> impl IntoView {
    let (id, version) = (race.id.clone(), race.version);
    let id_for_proxy = id.clone();
    let id_for_delete = id.clone();
    let by_proxy = race.by_proxy;
    let name = race.racer_name.clone();
    view! {
        <div class="marshal">
            <PenaltyForm race=race.clone() marshal reason />
            <MoveForm race=id.clone() version marshal reason />
            <div class="marshal-buttons">
                <button type="button" class="button small" on:click=move |_| {
                    if let Some(why) = reason_given(reason) {
                        marshal.proxy.dispatch(SetByProxy {
                            race: id_for_proxy.clone(),
                            version,
                            by_proxy: !by_proxy,
                            reason: why,
                        });
                    }
                }>{if by_proxy { "Raced by the racer" } else { "Raced by proxy" }}</button>
                <button type="button" class="button small danger" on:click=move |_| {
                    // The reason is asked for before the question, and kept if the
                    // answer is no.
                    let asked = !reason.get_untracked().trim().is_empty()
                        && window()
                            .confirm_with_message(&format!("Delete this race of {name}? It leaves the results and can be restored."))
                            .unwrap_or(false);
                    let missing = reason.get_untracked().trim().is_empty();
                    if asked || missing {
                        if let Some(why) = reason_given(reason) {
                            marshal.delete.dispatch(DeleteRace { race: id_for_delete.clone(), version, reason: why });
                        }
                    }
                }>"Delete race"</button>
            </div>
        </div>
    }
}

/// A time penalty on one lap or on the whole race (0 takes it away).
#[component]
fn PenaltyForm(race: RaceSummary, marshal: Marshal, reason: RwSignal<String>) -> impl IntoView {
    let place = RwSignal::new(String::new());
    let seconds = RwSignal::new(String::new());
    let (id, version) = (race.id.clone(), race.version);
    let laps = race.race.laps.len();
    let submit = move |ev: leptos::ev::SubmitEvent| {
        ev.prevent_default();
        let Some(ms) = parse_seconds(&seconds.get_untracked()) else {
            let _ = window().alert_with_message("A penalty is a number of seconds, e.g. 2 or 2.5.");
            return;
        };
        let Some(why) = reason_given(reason) else {
            return;
        };
        let lap = place.get_untracked().parse::<usize>().ok();
        marshal.edit.dispatch(EditLap {
            race: id.clone(),
            version,
            edit: LapEdit::Penalty { lap, ms: ms as i64 },
            reason: Some(why),
        });
    };
    let options = (0..laps)
        .map(|i| view! { <option value=i.to_string()>{format!("Lap {}", i + 1)}</option> })
        .collect_view();
    view! {
        <form class="penalty-form" on:submit=submit aria-label="Penalty">
            <label>"Penalty on"
                <select prop:value=move || place.get() on:change=move |ev| place.set(event_target_value(&ev))>
                    <option value="">"The race"</option>
                    {options}
                </select>
            </label>
            <label>"Seconds"
                <input type="text" inputmode="decimal" size="5" required
                    prop:value=move || seconds.get() on:input=move |ev| seconds.set(event_target_value(&ev)) />
            </label>
            <button class="button small" type="submit">"Set penalty"</button>
        </form>
    }
}

/// Moves the race to another racer, found by name.
#[component]
fn MoveForm(
    race: RaceId,
    version: u64,
    marshal: Marshal,
    reason: RwSignal<String>,
) -> impl IntoView {
    let search = RwSignal::new(String::new());
    let chosen = RwSignal::new(String::new());
    // Asked only once something is typed: a card per race must not load every racer.
    let found = LocalResource::new(move || {
        let query = search.get();
        async move {
            if query.trim().is_empty() {
                return Vec::new();
            }
            list_racers(query).await.unwrap_or_default()
        }
    });
    let submit = move |ev: leptos::ev::SubmitEvent| {
        ev.prevent_default();
        let to = chosen.get_untracked();
        if to.is_empty() {
            let _ = window().alert_with_message("Find the racer the race belongs to first.");
            return;
        }
        let Some(why) = reason_given(reason) else {
            return;
        };
        marshal.moved.dispatch(MoveRace {
            race: race.clone(),
            version,
            racer: UserId(to),
            reason: why,
        });
    };
    view! {
        <form class="move-form" on:submit=submit aria-label="Move to another racer">
            <label>"Move to racer"
                <input type="search" autocomplete="off" placeholder="Find by name"
                    prop:value=move || search.get() on:input=move |ev| search.set(event_target_value(&ev)) />
            </label>
            <Transition fallback=|| ()>
                {move || found.get().map(|list| {
                    let first = list.first().map(|r| r.id.0.clone()).unwrap_or_default();
                    chosen.set(first);
                    (!list.is_empty()).then(|| {
                        let options = list
                            .into_iter()
                            .take(10)
                            .map(|r| {
                                let shown = r.display_name.clone().unwrap_or_else(|| r.username.clone());
                                view! { <option value=r.id.0.clone()>{format!("{shown} ({})", r.username)}</option> }
                            })
                            .collect_view();
                        view! {
                            <select aria-label="Racer to move to" on:change=move |ev| chosen.set(event_target_value(&ev))>
                                {options}
                            </select>
                        }
                    })
                })}
            </Transition>
            <button class="button small" type="submit">"Move race"</button>
        </form>
    }
}

/// A deleted race: who and when, and putting it back.
#[component]
pub fn DeletedRace(race: RaceSummary, track: String, marshal: Marshal) -> impl IntoView {
    let reason = marshal.draft(&race.id);
    let (id, version) = (race.id.clone(), race.version);
    view! {
        <article class="card race-card deleted" aria-label=format!("Deleted race of {} at {}", race.racer_name, race.submitted_at)>
            <header class="race-card-head">
                <strong>{race.racer_name.clone()}</strong>
                <span class="sub">
                    {track} " · " {race.submitted_at.clone()} " · "
                    {format!("{} laps, {} counting", race.race.laps.len(), race.race.valid_laps())}
                </span>
            </header>
            <ReasonField race=race.id.clone() reason />
            <button type="button" class="button small" on:click=move |_| {
                if let Some(why) = reason_given(reason) {
                    marshal.restore.dispatch(RestoreRace { race: id.clone(), version, reason: why });
                }
            }>"Restore race"</button>
            <CorrectionLog log=race.corrections.clone() />
        </article>
    }
}

/// What marshals changed on a race: when, who, what and why.
#[component]
pub fn CorrectionLog(log: Vec<Correction>) -> impl IntoView {
    (!log.is_empty()).then(|| {
        let lines = log
            .into_iter()
            .map(|c| {
                view! {
                    <li>
                        <span class="sub">{c.at} " · " {c.by}</span> " "
                        <span class="what">{c.what}</span>
                        {(!c.why.is_empty()).then(|| view! { <span class="why">{format!(" — {}", c.why)}</span> })}
                    </li>
                }
            })
            .collect_view();
        view! {
            <details class="correction-log" open>
                <summary>"Corrections"</summary>
                <ol aria-label="Corrections">{lines}</ol>
            </details>
        }
    })
}
