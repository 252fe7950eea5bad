//! The race manager's timer choice for its track: which lap timer times it, and
//! whether that timer is connected now (`kit` bumps on every change heard on
//! `/live/kit`; the page follows that stream once for all its parts).

use super::api::{get_track_timer, list_timers, SetTrackTimer};
use super::page::ConnectionBadge;
use crate::components::form::Problem;
use crate::components::loaded::Loaded;
use crate::wire::{TimerId, TrackId};
use leptos::prelude::*;

#[component]
pub fn TrackTimer(track: TrackId, kit: RwSignal<u32>) -> impl IntoView {
    let choose = ServerAction::<SetTrackTimer>::new();
    let version = kit;
    let track_for_load = track.clone();
    // Loaded in the browser only (see `RacerPicker`).
    let current = LocalResource::new(move || {
        let _ = (choose.version().get(), version.get());
        let track = track_for_load.clone();
        async move {
            let current = get_track_timer(track).await?;
            let all = list_timers().await?;
            Ok::<_, crate::error::AppError>((current, all))
        }
    });
    view! {
        <div class="track-timer">
            <Loaded of=current quiet=true let:loaded>
                {
                    let (current, all) = loaded;
                    let track = track.clone();
                    let chosen = current.as_ref().map(|t| t.id.0.clone()).unwrap_or_default();
                    let last = current.as_ref().and_then(|t| t.last_crossing.clone()).map(|text| view! {
                        <span class="muted small">{format!("Last crossing: {text}")}</span>
                    });
                    let badge = current.map(|t| view! { <ConnectionBadge connected=t.connected /> });
                    view! {
                        <div class="field kit-field">
                        <label for="track-timer">"Lap timer"</label>
                        <select id="track-timer" on:change=move |ev| {
                            let value = event_target_value(&ev);
                            let timer = (!value.is_empty()).then_some(TimerId(value));
                            choose.dispatch(SetTrackTimer { track: track.clone(), timer });
                        }>
                            <option value="" selected=chosen.is_empty()>"None (by hand)"</option>
                            {all.into_iter().map(|t| {
                                let selected = t.id.0 == chosen;
                                view! { <option value=t.id.0.clone() selected=selected>{t.name}</option> }
                            }).collect_view()}
                        </select>
                        </div>
                        <div class="kit-status">{badge}{last}</div>
                    }
                }
            </Loaded>
            {move || choose.value().get().and_then(Result::err).map(|e| view! { <Problem error=e /> })}
        </div>
    }
}
