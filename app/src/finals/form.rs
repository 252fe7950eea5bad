//! Race admin's finals: the event's finals with their seeds and public pages, and the
//! form that creates one from the ranking.

use super::api::CreateFinal;
use crate::components::form::{FieldMessage, FormMessage};
use crate::components::rules::RulesFields;
use crate::domain::rules::{RaceRules, Ranking};
use crate::wire::{EventId, FinalInput, Track};
use leptos::prelude::*;

/// The finals of an event and a form for the next one; `created` is told of a new one.
#[component]
pub fn FinalsSection(
    event: EventId,
    tracks: Vec<Track>,
    event_rules: RaceRules,
    created: Callback<()>,
) -> impl IntoView {
    let finals = tracks
        .iter()
        .filter(|t| t.final_round.is_some())
        .cloned()
        .map(|track| view! { <FinalCard event=event.clone() track /> })
        .collect_view();
    let qualifying: Vec<(String, String)> = tracks
        .iter()
        .filter(|t| t.final_round.is_none())
        .map(|t| (t.id.0.clone(), t.title.clone()))
        .collect();
    view! {
        <section aria-label="Finals">
            <h2>"Finals"</h2>
            {finals}
            <NewFinal event qualifying event_rules created />
        </section>
    }
}

/// A final: who was seeded, who tied out at the cut, and its public pages.
#[component]
fn FinalCard(event: EventId, track: Track) -> impl IntoView {
    let round = track
        .final_round
        .clone()
        .unwrap_or_else(|| crate::wire::FinalRound {
            from: None,
            seeds: Vec::new(),
            tied_out: Vec::new(),
        });
    let seeds = round
        .seeds
        .iter()
        .map(|name| view! { <li>{name.clone()}</li> })
        .collect_view();
    let base = format!("/events/{}", event.0);
    let q = format!("?track={}", track.id.0);
    view! {
        <article class="card final-card" aria-label=format!("Final {}", track.title)>
            <h3>{track.title.clone()} <span class="sub">{track.rules.map(|r| r.ranking.describe())}</span></h3>
            <p class="sub">"Seeds, in order (queued on the final's track):"</p>
            <ol class="seeds" aria-label="Seeds">{seeds}</ol>
            {(!round.tied_out.is_empty()).then(|| view! {
                <p class="tie-at-cut" role="note">
                    {format!(
                        "Tie at the cut: {} had the last seed's result but set it later, so the seed went to {} (who set it first).",
                        round.tied_out.join(", "),
                        round.seeds.last().cloned().unwrap_or_default()
                    )}
                </p>
            })}
            <p class="downloads">
                <a href=format!("{base}/leaderboard{q}")>"Board"</a> " · "
                <a href=format!("{base}/overlay{q}")>"Overlay"</a> " · "
                <a href=format!("{base}/podium{q}")>"Podium"</a> " · "
                <a href=format!("/race{q}")>"Race it"</a>
            </p>
        </article>
    }
}

/// Rules a final starts from: the event's, first to 3 valid laps, one run each.
fn final_rules(event: RaceRules) -> RaceRules {
    RaceRules {
        ranking: Ranking::LapCount { laps: 3 },
        runs_per_racer: Some(1),
        ..event
    }
}

#[component]
fn NewFinal(
    event: EventId,
    qualifying: Vec<(String, String)>,
    event_rules: RaceRules,
    created: Callback<()>,
) -> impl IntoView {
    let create = ServerAction::<CreateFinal>::new();
    let title = RwSignal::new("Final".to_string());
    let from = RwSignal::new(String::new());
    let seats = RwSignal::new("4".to_string());
    let rules = RwSignal::new(final_rules(event_rules));
    let error = Signal::derive(move || create.value().get().and_then(Result::err));
    Effect::new(move || {
        if let Some(Ok(_)) = create.value().get() {
            created.run(());
        }
    });
    let sources = qualifying
        .into_iter()
        .map(|(id, title)| view! { <option value=id>{format!("Track {title}")}</option> })
        .collect_view();
    let seat_options = [2u8, 4, 8, 16]
        .map(|n| view! { <option value=n.to_string()>{n}</option> })
        .collect_view();
    view! {
        <form class="card new-final" aria-label="New final" on:submit=move |ev| {
            ev.prevent_default();
            let seats = seats.get_untracked().parse().unwrap_or(0);
            let from = from.get_untracked();
            create.dispatch(CreateFinal {
                event: event.clone(),
                input: FinalInput {
                    title: title.get_untracked(),
                    from: (!from.is_empty()).then_some(crate::wire::TrackId(from)),
                    seats,
                    rules: rules.get_untracked(),
                },
            });
        }>
            <h3>"Create a final"</h3>
            <p class="hint">"The top racers of the ranking go through, seeded in ranking order (a tie goes to whoever set the time first), and are queued on the final's own track in seed order. The qualifying board stays as it is."</p>
            <div class="field-row">
                <div class="field">
                    <label for="final-title">"Title"</label>
                    <input id="final-title" required maxlength="60" prop:value=move || title.get()
                        on:input=move |ev| title.set(event_target_value(&ev)) />
                    <FieldMessage field="title" error />
                </div>
                <div class="field">
                    <label for="final-from">"Seeded from"</label>
                    <select id="final-from" on:change=move |ev| from.set(event_target_value(&ev))>
                        <option value="">"The event's ranking"</option>
                        {sources}
                    </select>
                </div>
                <div class="field">
                    <label for="final-seats">"Racers"</label>
                    <select id="final-seats" prop:value=move || seats.get() on:change=move |ev| seats.set(event_target_value(&ev))>
                        {seat_options}
                    </select>
                    <FieldMessage field="seats" error />
                </div>
            </div>
            <RulesFields rules prefix="final-rules" />
            <FormMessage error />
            <button type="submit" class="button primary">"Create final"</button>
        </form>
    }
}
