//! The tracks of an event: each with its leaderboard title, footer, layout and
//! optional own rules; added, saved and deleted one by one.

use super::api::{AddTrack, DeleteTrack, UpdateTrack};
use crate::components::form::{FieldMessage, FormMessage};
use crate::components::rules::RulesFields;
use crate::domain::rules::RaceRules;
use crate::error::AppError;
use crate::wire::{Event, EventId, Track, TrackInput, TrackLayout};
use leptos::prelude::*;

/// The event's tracks, edited in place (`tracks` is shared with the page's links).
#[component]
pub fn TracksEditor(event: Event, tracks: RwSignal<Vec<Track>>) -> impl IntoView {
    let add = ServerAction::<AddTrack>::new();
    Effect::new(move || {
        if let Some(Ok(track)) = add.value().get() {
            tracks.update(|t| {
                if !t.iter().any(|x| x.id == track.id) {
                    t.push(track)
                }
            });
        }
    });
    let event_id = event.id.clone();
    view! {
        <section class="card" aria-label="Tracks">
            <h2>"Tracks"</h2>
            {move || {
                let list = tracks.get();
                if list.is_empty() {
                    view! { <p class="empty">"No tracks yet: add the first one below."</p> }.into_any()
                } else {
                    list.into_iter()
                        .enumerate()
                        .map(|(i, t)| view! { <TrackForm track=t number=i + 1 tracks /> })
                        .collect_view()
                        .into_any()
                }
            }}
            <NewTrackForm event=event_id.clone() action=add />
        </section>
    }
}

fn track_input(
    title: String,
    footer: String,
    layout: TrackLayout,
    own_rules: Option<RaceRules>,
) -> TrackInput {
    TrackInput {
        title,
        footer,
        layout,
        rules: own_rules,
    }
}

#[component]
fn TrackFields(
    prefix: String,
    title: RwSignal<String>,
    footer: RwSignal<String>,
    layout: RwSignal<TrackLayout>,
    own: RwSignal<bool>,
    rules: RwSignal<RaceRules>,
    error: Signal<Option<AppError>>,
) -> impl IntoView {
    let layouts = TrackLayout::ALL
        .into_iter()
        .map(|l| view! { <option value=l.as_str() selected=move || layout.get() == l>{l.label()}</option> })
        .collect_view();
    let id = move |name: &str| format!("{prefix}-{name}");
    view! {
        <div class="field">
            <label for=id("title")>"Leaderboard title"</label>
            <input id=id("title") required=true maxlength="60" prop:value=move || title.get()
                on:input=move |ev| title.set(event_target_value(&ev)) />
            <FieldMessage field="title" error />
        </div>
        <div class="field">
            <label for=id("footer")>"Leaderboard footer"</label>
            <input id=id("footer") maxlength="120" placeholder="Follow the race #AWSDeepRacer" prop:value=move || footer.get()
                on:input=move |ev| footer.set(event_target_value(&ev)) />
        </div>
        <div class="field">
            <label for=id("layout")>"Track layout"</label>
            <select id=id("layout") on:change=move |ev| {
                if let Some(l) = TrackLayout::parse(&event_target_value(&ev)) { layout.set(l) }
            }>{layouts}</select>
        </div>
        <label class="check">
            <input type="checkbox" prop:checked=move || own.get() on:change=move |ev| own.set(event_target_checked(&ev)) />
            "This track has its own race rules"
        </label>
        <Show when=move || own.get()>
            <RulesFields rules prefix=id("rules") />
        </Show>
    }
    .into_any()
}

#[component]
fn TrackForm(track: Track, number: usize, tracks: RwSignal<Vec<Track>>) -> impl IntoView {
    let title = RwSignal::new(track.title.clone());
    let footer = RwSignal::new(track.footer.clone());
    let layout = RwSignal::new(track.layout);
    let own = RwSignal::new(track.rules.is_some());
    let rules = RwSignal::new(track.rules.unwrap_or_default());
    let save = ServerAction::<UpdateTrack>::new();
    let remove = ServerAction::<DeleteTrack>::new();
    let error = Signal::derive(move || {
        save.value()
            .get()
            .and_then(Result::err)
            .or_else(|| remove.value().get().and_then(Result::err))
    });
    // Deleting a track with races asks a second time, naming what goes with it.
    let has_races =
        Memo::new(move |_| matches!(remove.value().get(), Some(Err(AppError::Conflict(_)))));
    let id = track.id.clone();
    Effect::new(move || {
        if let Some(Ok(())) = remove.value().get() {
            tracks.update(|t| t.retain(|x| x.id != id));
        }
    });
    let save_id = track.id.clone();
    let delete_id = track.id.clone();
    let name = track.title.clone();
    view! {
        <form class="track" aria-label=format!("Track {number}") on:submit=move |ev| {
            ev.prevent_default();
            let own_rules = own.get().then(|| rules.get());
            save.dispatch(UpdateTrack { id: save_id.clone(), input: track_input(title.get(), footer.get(), layout.get(), own_rules) });
        }>
            <h3>{format!("Track {number}")} {track.final_round.is_some().then_some(" · a final (see race admin)")}</h3>
            <TrackFields prefix=format!("track-{number}") title footer layout own rules error />
            <FormMessage error />
            <div class="row-actions">
                <button type="submit" class="button">"Save track"</button>
                <button type="button" class="button danger" on:click=move |_| {
                    let with_races = has_races.get_untracked();
                    let question = if with_races {
                        format!("Delete the track {name} AND all its races? Their results are lost.")
                    } else {
                        format!("Delete the track {name}?")
                    };
                    if window().confirm_with_message(&question).unwrap_or(false) {
                        remove.dispatch(DeleteTrack { id: delete_id.clone(), delete_races: with_races });
                    }
                }>{move || if has_races.get() { "Delete track and its races" } else { "Delete track" }}</button>
            </div>
            <Show when=move || matches!(save.value().get(), Some(Ok(_)))><p class="ok" role="status">"Saved."</p></Show>
        </form>
    }
}

#[component]
fn NewTrackForm(event: EventId, action: ServerAction<AddTrack>) -> impl IntoView {
    let title = RwSignal::new(String::new());
    let footer = RwSignal::new("Follow the race #AWSDeepRacer".to_string());
    let layout = RwSignal::new(TrackLayout::ReInvent2018);
    let own = RwSignal::new(false);
    let rules = RwSignal::new(RaceRules::default());
    let error = Signal::derive(move || action.value().get().and_then(Result::err));
    Effect::new(move || {
        if let Some(Ok(_)) = action.value().get() {
            title.set(String::new());
        }
    });
    view! {
        <form class="track new" aria-label="New track" on:submit=move |ev| {
            ev.prevent_default();
            let own_rules = own.get().then(|| rules.get());
            action.dispatch(AddTrack { event: event.clone(), input: track_input(title.get(), footer.get(), layout.get(), own_rules) });
        }>
            <h3>"Add a track"</h3>
            <TrackFields prefix="new-track".to_string() title footer layout own rules error />
            <FormMessage error />
            <button type="submit" class="button primary">"Add track"</button>
        </form>
    }
}
