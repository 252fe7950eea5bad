//! The race manager's timer choice for its track: which lap timer times it, and
//! whether that timer is connected now (live through `/live/kit`).

use super::api::{get_track_timer, list_timers, SetTrackTimer};
use super::page::ConnectionBadge;
use crate::components::form::Problem;
use crate::components::live_source::reload_on;
use crate::model::{TimerId, TrackId};
use leptos::prelude::*;

#[component]
pub fn TrackTimer(track: TrackId) -> impl IntoView {
    let choose = ServerAction::<SetTrackTimer>::new();
    let version = RwSignal::new(0u32);
    reload_on("/live/kit", "kit", version);
    let track_for_load = track.clone();
    let current = Resource::new(
        move || (choose.version().get(), version.get()),
        move |_| {
            let track = track_for_load.clone();
            async move {
                let current = get_track_timer(track).await?;
                let all = list_timers().await?;
                Ok::<_, crate::error::AppError>((current, all))
            }
        },
    );
    view! {
        <div class="track-timer">
            <Transition fallback=|| ()>
                {move || {
                    let track = track.clone();
                    Suspend::new(async move {
                        match current.await {
                            Ok((current, all)) => {
                                let chosen = current.as_ref().map(|t| t.id.0.clone()).unwrap_or_default();
                                let badge = current.map(|t| view! { <ConnectionBadge connected=t.connected /> });
                                view! {
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
                                    {badge}
                                }.into_any()
                            }
                            Err(e) => view! { <Problem error=e /> }.into_any(),
                        }
                    })
                }}
            </Transition>
            {move || choose.value().get().and_then(Result::err).map(|e| view! { <Problem error=e /> })}
        </div>
    }
}
